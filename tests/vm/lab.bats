#!/usr/bin/env bats
# bats file_tags=env:vm,lab
# docs/lab exercises that need cgroup v2: they run here, in the VM
# (tests/vm/run-cgroup-tests sets CASCO_VM=1), never on a developer's host.
# Each check is also shown red here without its defence (see tests/bats/lab.bats).

load ../bats/helpers

LAB=$SRCDIR/docs/lab

setup() {
	[ "${CASCO_VM:-}" = 1 ] || skip "cgroup lab exercises run in the VM only (tests/vm/run-cgroup-tests)"
	common_setup
}

@test "lab 10-cgroup-limits (VM): the check passes and the README quotes what it sees" {
	: >"$TESTDIR/expects"
	run env CASCO="$CASCO" LAB_EXPECT_LOG="$TESTDIR/expects" LAB_TEMPLATE="$(bundle_template)" \
		"$LAB/10-cgroup-limits/check.sh"
	[ "$status" -eq 0 ] || fail "10-cgroup-limits/check.sh failed (status $status):" "$output"
	local text
	while IFS= read -r text; do
		grep -qF -- "$text" "$LAB/10-cgroup-limits/README.md" || fail "README.md does not quote: $text"
	done <"$TESTDIR/expects"
}

@test "lab 10-cgroup-limits (VM): red without the memory limit" {
	# tests/helpers/weakened-casco.sh: every container the check runs (but
	# its narration) loses linux.resources.memory, at --policy permissive
	run env CASCO="$SRCDIR/tests/helpers/weakened-casco.sh" WEAKEN_CASCO="$CASCO" \
		WEAKEN_FILTER='del(.linux.resources.memory)' LAB_TEMPLATE="$(bundle_template)" \
		"$LAB/10-cgroup-limits/check.sh"
	[ "$status" -eq 1 ] || fail "expected the check to fail without the memory limit (status 1), got $status:" "$output"
	assert_output_contains "FAILED: expected to see: big=137"
	assert_output_not_contains "ok - seen: big=137"
	assert_output_not_contains "config refused by policy"
}
