#!/usr/bin/env bats
# bats file_tags=env:host,lab
# docs/lab: every exercise's check.sh runs here and must pass, and every
# string a check expects to see must be quoted in its README.md, so the
# text and what casco really does cannot drift apart: the evidence it looks
# for, the --policy level of each container it runs, and each mount,
# namespace, capability and seccomp action its config edits add or remove.
# Each check is also run against a container with its lesson's defence
# removed (tests/helpers/weakened-casco.sh) and must then fail, on its own
# evidence.  Exercises that need cgroup v2 (10-cgroup-limits) skip here and
# run in the VM (tests/vm/lab.bats).

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
	[ "${#missing[@]}" -eq 0 ] || fail "$1/README.md does not quote what its check expects:" "$(printf '%s\n' "${missing[@]}" | sort -u)"
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

# run_weakened NN-name JQ_FILTER — run its check.sh with JQ_FILTER applied
# to the config of every container it runs (at --policy permissive, so the
# weakened config runs instead of being refused); skip on status 2.
run_weakened() {
	local dir=$LAB/$1
	run env CASCO="$SRCDIR/tests/helpers/weakened-casco.sh" WEAKEN_CASCO="$CASCO" WEAKEN_FILTER="$2" \
		LAB_TEMPLATE="$(bundle_template)" "$dir/check.sh"
	if [ "$status" -eq 2 ]; then
		skip "${lines[${#lines[@]} - 1]}"
	fi
}

# assert_red EVIDENCE... — the check failed on one of its own assertions
# (not on a refusal or a crash), and never saw the lesson's EVIDENCE.
assert_red() {
	[ "$status" -eq 1 ] || fail "expected the check to fail without its defence (status 1), got $status:" "$output"
	assert_output_contains "FAILED: "
	assert_output_not_contains "config refused by policy"
	local e
	for e in "$@"; do
		assert_output_not_contains "ok - seen: $e"
	done
}

@test "lab 01-pid-namespace: red without the pid namespace" {
	run_weakened 01-pid-namespace 'del(.linux.namespaces[] | select(.type == "pid"))'
	assert_red "my pid is 1" "No such process"
	assert_output_contains "FAILED: expected to see the line: my pid is 1"
}

@test "lab 02-mount-namespace: red with CAP_SYS_ADMIN and no seccomp filter" {
	run_weakened 02-mount-namespace '.process.capabilities |= with_entries(.value |= (. + ["CAP_SYS_ADMIN"] | unique))
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
	assert_red "mount: permission denied (are you root?)"
	assert_output_contains "FAILED: expected to see: mount: permission denied (are you root?)"
}

@test "lab 03-network-namespace: red without the network namespace" {
	run_weakened 03-network-namespace 'del(.linux.namespaces[] | select(.type == "network"))'
	assert_red "wget: can't connect to remote host (127.0.0.1): Network is unreachable"
	assert_output_contains "FAILED: more than lo"
	assert_output_contains "FAILED: more than lo"
}

@test "lab 04-uts-namespace: red with CAP_SYS_ADMIN and no seccomp filter" {
	run_weakened 04-uts-namespace '.process.capabilities |= with_entries(.value |= (. + ["CAP_SYS_ADMIN"] | unique))
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
	assert_red "hostname: sethostname: Operation not permitted"
	assert_output_contains "FAILED: expected to see: hostname: sethostname: Operation not permitted"
}

@test "lab 05-ipc-namespace: red without the ipc namespace" {
	run_weakened 05-ipc-namespace 'del(.linux.namespaces[] | select(.type == "ipc"))'
	assert_red
	assert_output_matches "FAILED: expected NOT to see: segment [0-9]+"
}

@test "lab 06-user-namespace: red without the user namespace" {
	run_weakened 06-user-namespace 'del(.linux.namespaces[] | select(.type == "user")) | del(.linux.uidMappings, .linux.gidMappings)'
	assert_red "100000" "cat: can't open '/secret': Permission denied"
	assert_output_contains "FAILED: expected to see: 100000"
}

@test "lab 07-pivot-root-vs-chroot: red when the host's files stay reachable from the container's root" {
	# what a jail that leaves the host's tree in place gives the climb: the
	# marker's host directory, at its host path
	run_weakened 07-pivot-root-vs-chroot '($bundle | sub("/[^/]*$"; "")) as $d
		| .mounts = [(.mounts[] | select(.destination != $d)), {destination: $d, type: "bind", source: $d, options: ["rbind"]}]'
	assert_red "escape failed:" "No such file or directory"
	assert_output_contains "FAILED: expected to see: escape failed:"
	assert_output_contains "escaped: read"
}

@test "lab 08-capabilities: red with CAP_NET_ADMIN and CAP_CHOWN added back" {
	run_weakened 08-capabilities '.process.capabilities |= with_entries(.value |= (. + ["CAP_NET_ADMIN", "CAP_CHOWN"] | unique))'
	assert_red "0000000020000420" "ip: SIOCSIFMTU: Operation not permitted" "chown: /tmp/f: Operation not permitted"
	assert_output_contains "FAILED: expected to see: 0000000020000420"
}

@test "lab 09-seccomp: red with a filter that allows every syscall" {
	run_weakened 09-seccomp '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
	assert_red "unshare: unshare(0x10000000): Operation not permitted"
	assert_output_contains "FAILED: expected to see: unshare: unshare(0x10000000): Operation not permitted"
}

@test "lab 10-cgroup-limits: red without the memory limit" {
	run_weakened 10-cgroup-limits 'del(.linux.resources.memory)'
	assert_red "memory.max=33554432" "big=137"
}

@test "lab 11-readonly-and-masked: red with a writable root" {
	run_weakened 11-readonly-and-masked '.root.readonly = false'
	assert_red "sh: can't create /bin/innocent: Read-only file system"
	assert_output_contains "FAILED: expected to see: sh: can't create /bin/innocent: Read-only file system"
}

@test "lab 11-readonly-and-masked: red without masked paths" {
	run_weakened 11-readonly-and-masked '.linux.maskedPaths = []'
	assert_red "timer_list bytes: 0"
	assert_output_contains "FAILED: expected to see: timer_list bytes: 0"
}

@test "lab 12-threat-model: red with noNewPrivileges false" {
	run_weakened 12-threat-model '.process.noNewPrivileges = false'
	assert_red "euid 1000"
	assert_output_contains "FAILED: expected to see: euid 1000"
}

@test "lab: every casco command in a README's sh blocks that runs a container states its --policy" {
	local readme line bad=()
	for readme in "$LAB"/[0-9][0-9]-*/README.md "$LAB/README.md"; do
		while IFS= read -r line; do
			[[ $line =~ (^|[^-a-z])casco\ .*(run|create|exec)\  ]] || continue
			[[ $line == *"--policy "* ]] || bad+=("${readme#"$LAB"/}: $line")
		done < <(awk '/^```sh/ { on = 1; next } /^```/ { on = 0 } on' "$readme")
	done
	[ "${#bad[@]}" -eq 0 ] || fail "commands without --policy:" "${bad[@]}"
}

@test "lab: every exercise has a red test in this file" {
	local dir name
	for dir in "$LAB"/[0-9][0-9]-*/; do
		name=$(basename "$dir")
		grep -q "run_weakened $name " "$BATS_TEST_FILENAME" || fail "no red test for docs/lab/$name"
	done
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
