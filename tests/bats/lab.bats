#!/usr/bin/env bats
# docs/lab: every exercise's check.sh runs here and must pass, and every
# string a check expects to see must be quoted in its README.md, so the
# text and what casco really does cannot drift apart.  Exercises that need
# cgroup v2 (10-cgroup-limits) skip here and run in the VM
# (tests/vm/lab.bats).

load helpers

LAB=$SRCDIR/docs/lab

setup() {
	common_setup
	requires_casco
}

# run_exercise NN-name — run its check.sh; fail with its output, skip on 2.
run_exercise() {
	local dir=$LAB/$1
	[ -x "$dir/check.sh" ] || fail "$dir/check.sh is missing or not executable"
	[ -f "$dir/README.md" ] || fail "$dir/README.md is missing"
	: >"$TESTDIR/expects"
	run env CASCO="$CASCO" LAB_EXPECT_LOG="$TESTDIR/expects" LAB_TEMPLATE="$(bundle_template)" "$dir/check.sh"
	if [ "$status" -eq 2 ]; then
		skip "${lines[${#lines[@]} - 1]}"
	fi
	[ "$status" -eq 0 ] || fail "$1/check.sh failed:" "$output"
	local text missing=()
	while IFS= read -r text; do
		grep -qF -- "$text" "$dir/README.md" || missing+=("$text")
	done <"$TESTDIR/expects"
	[ "${#missing[@]}" -eq 0 ] || fail "$1/README.md does not quote what its check expects:" "${missing[@]}"
	[ -s "$TESTDIR/expects" ] || fail "$1/check.sh expects nothing"
}

@test "lab 01-pid-namespace: the check passes and the README quotes what it sees" {
	run_exercise 01-pid-namespace
}

@test "lab 02-mount-namespace: the check passes and the README quotes what it sees" {
	run_exercise 02-mount-namespace
}

@test "lab 03-network-namespace: the check passes and the README quotes what it sees" {
	run_exercise 03-network-namespace
}

@test "lab 04-uts-namespace: the check passes and the README quotes what it sees" {
	run_exercise 04-uts-namespace
}

@test "lab 05-ipc-namespace: the check passes and the README quotes what it sees" {
	run_exercise 05-ipc-namespace
}

@test "lab 06-user-namespace: the check passes and the README quotes what it sees" {
	run_exercise 06-user-namespace
}

@test "lab 07-pivot-root-vs-chroot: the check passes and the README quotes what it sees" {
	run_exercise 07-pivot-root-vs-chroot
}

@test "lab 08-capabilities: the check passes and the README quotes what it sees" {
	run_exercise 08-capabilities
}

@test "lab 09-seccomp: the check passes and the README quotes what it sees" {
	run_exercise 09-seccomp
}

@test "lab 10-cgroup-limits: the check passes and the README quotes what it sees" {
	run_exercise 10-cgroup-limits
}

@test "lab 11-readonly-and-masked: the check passes and the README quotes what it sees" {
	run_exercise 11-readonly-and-masked
}

@test "lab 12-threat-model: the check passes and the README quotes what it sees" {
	run_exercise 12-threat-model
}

@test "lab: every exercise in docs/lab has a test in this file" {
	local dir name
	for dir in "$LAB"/[0-9][0-9]-*/; do
		name=$(basename "$dir")
		grep -q "run_exercise $name\$" "$BATS_TEST_FILENAME" || fail "no test runs docs/lab/$name"
	done
}

@test "lab: the README's index lists every exercise" {
	local dir name
	for dir in "$LAB"/[0-9][0-9]-*/; do
		name=$(basename "$dir")
		grep -q "($name/README.md)" "$LAB/README.md" || fail "docs/lab/README.md does not link $name"
	done
}
