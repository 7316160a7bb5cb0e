#!/usr/bin/env bats
# docs/lab exercises that need cgroup v2: they run here, in the VM
# (tests/vm/run-cgroup-tests sets CASCO_VM=1), never on a developer's host.

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
