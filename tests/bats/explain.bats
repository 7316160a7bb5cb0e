#!/usr/bin/env bats
# shellcheck disable=SC2016 # single quotes are scripts for the container or jq
# bats file_tags=env:host
# --explain: the narrated account of each step on casco's stderr.
#
# The golden file tests/bats/golden/explain-run.txt is what `run --explain`
# says for the suite's default bundle, with the variable parts normalized
# (normalize_explain).  After an intended change of the narration,
# regenerate it with:  UPDATE_GOLDEN=1 tests/run --bats-only -f explain

load helpers

GOLDEN_DIR=$TESTS_DIR/bats/golden

setup() {
	common_setup
	requires_casco
}

# normalize_explain FILE — the narration with what varies between hosts and
# runs replaced: inode numbers, the test's paths and id, casco's own
# capabilities before the drop (those of whoever runs the suite), the cgroup
# line (cgroup v1/hybrid hosts have none, v2 hosts create one) and the
# nodev line that only cgroup-less hosts print, the seccomp
# profile's size (it depends on the libseccomp casco was built with) and
# whether each masked or read-only /proc path exists in this kernel.
normalize_explain() {
	sed -E \
		-e "s#$BUNDLE#BUNDLE#g" \
		-e "s#([ /])$ID([ ;:]|\$)#\\1ID\\2#g" \
		-e 's/inode [0-9]+/inode N/g' \
		-e 's/capabilities before: "[^"]*"/capabilities before: "CASCO_CAPS"/' \
		-e 's/^(casco explain: \[D07\]) .*cgroup.*/\1 CGROUP_LINE/' \
		-e '/^casco explain: \[D04\] devices: no device cgroup here/d' \
		-e 's/[0-9]+ syscall rules, [0-9]+ BPF instructions/N syscall rules, N BPF instructions/' \
		-e 's/(masked: [^ ]+) (is absent|under|\(directory\)).*/\1 HIDDEN_OR_ABSENT/' \
		-e 's/(read-only: [^ ]+) (is absent|\(a read-only).*/\1 READONLY_OR_ABSENT/' \
		"$1"
}

# compare_golden NAME FILE — FILE (normalized) must equal golden/NAME.
compare_golden() {
	local golden=$GOLDEN_DIR/$1 got=$TESTDIR/$1.normalized
	normalize_explain "$2" >"$got"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$got" "$golden"
	fi
	diff -u "$golden" "$got" >&2 || fail "--explain output differs from $golden"
}

@test "explain: run --explain narrates every step of a default bundle (golden)" {
	set_args true
	casco run --explain --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err"
	[ ! -s "$TESTDIR/out" ] || fail "stdout: $(cat "$TESTDIR/out")"
	compare_golden explain-run.txt "$TESTDIR/err"
}

@test "explain: without --explain casco says nothing" {
	set_args true
	casco run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err"
	[ ! -s "$TESTDIR/err" ] || fail "stderr: $(cat "$TESTDIR/err")"
}

@test "explain: the narration never reaches the container's stdio or fds" {
	set_args sh -c 'ls /proc/self/fd; echo stderr-of-the-container >&2'
	casco run --explain --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err"
	# ls sees its stdio and the directory it lists, nothing of casco's
	[ "$(tr '\n' ' ' <"$TESTDIR/out")" = "0 1 2 3 " ] || fail "container fds: $(cat "$TESTDIR/out")"
	# the container's stderr is casco's here: its line comes after the exec step
	run grep -n -e 'stderr-of-the-container' -e '\[D04\] exec:' "$TESTDIR/err"
	[ "${#lines[@]}" -eq 2 ] && [[ ${lines[0]} == *"exec:"* ]] ||
		fail "order on stderr:" "$output"
}

@test "explain: create --explain tells the setup, start tells seccomp and exec" {
	set_args sleep 100
	casco create --explain --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/create.err"
	grep -q 'mount namespace: created, inode [0-9]' "$TESTDIR/create.err"
	grep -q 'pivot_root: ' "$TESTDIR/create.err"
	grep -q 'set up: the process waits to be started' "$TESTDIR/create.err"
	! grep -q 'seccomp:' "$TESTDIR/create.err"
	casco start "$ID" 2>"$TESTDIR/start.err"
	grep -q '\[D04\] seccomp: filter installed' "$TESTDIR/start.err"
	grep -q '\[D04\] exec: /bin/sleep' "$TESTDIR/start.err"
	casco delete --force "$ID"
}

@test "explain: exec --explain joins the container's namespaces" {
	set_args sleep 100
	casco_detached run -d --bundle "$BUNDLE" "$ID"
	run --separate-stderr casco exec --explain "$ID" true
	assert_success
	[[ $stderr == *"pid namespace: joined, inode "* ]] || fail "$stderr"
	[[ $stderr == *"network namespace: joined, inode "* ]] || fail "$stderr"
	[[ $stderr == *"[D04] exec: /bin/true as pid "* ]] || fail "$stderr"
	casco delete --force "$ID"
}

@test "explain: a user namespace shows the id maps casco writes" {
	enable_userns
	set_args true
	run --separate-stderr casco run --explain --bundle "$BUNDLE" "$ID"
	assert_success
	[[ $stderr == *'[D01] user namespace: created, inode '* ]] || fail "$stderr"
	[[ $stderr == *'[D01] uid_map written by casco (outside the namespace): "0 100000 65536"'* ]] || fail "$stderr"
	[[ $stderr == *'[D01] gid_map written by casco'* ]] || fail "$stderr"
}

@test "explain: a writable root and no no_new_privs are called out" {
	set_config '.root.readonly = false | .process.noNewPrivileges = false'
	set_args true
	run --separate-stderr casco run --explain --bundle "$BUNDLE" "$ID"
	assert_success
	[[ $stderr == *'[D09] root: left WRITABLE'* ]] || fail "$stderr"
	[[ $stderr == *'[D04] no_new_privs: NOT set'* ]] || fail "$stderr"
}
