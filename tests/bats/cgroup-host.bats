#!/usr/bin/env bats
# shellcheck disable=SC2016 # single-quoted jq programs
# bats file_tags=env:host
# On a host without a usable cgroup v2 (v1 or hybrid, like this project's
# machines) a config asking for limits is refused before anything exists,
# a config asking for none runs without a cgroup, and casco never writes to
# the host's /sys/fs/cgroup.  The limits themselves are tested in the VM
# (tests/vm/cgroup.bats).

load helpers

setup() {
	common_setup
	requires_casco
	# A unified host would be written to by these runs: they belong in the VM.
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		skip "the host has a unified cgroup v2 hierarchy; the refusal is for v1/hybrid hosts (tests/vm covers v2)"
	fi
	command -v strace >/dev/null || skip "strace not installed (apt-get install strace)"
}

# traced_run ARGS... — `casco ARGS` under strace, recording every path-taking
# call that could change the cgroup filesystem (opens for writing, mkdir,
# rmdir, unlink, rename, mount) in $TESTDIR/trace.
# (In the sanitizer build LeakSanitizer cannot run under ptrace and would
# fail casco at exit: the leak check is off for the traced run only.)
traced_run() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout -k 10 "$CASCO_TIMEOUT" strace -f -qq -o "$TESTDIR/trace" \
		-e trace=open,openat,openat2,creat,mkdir,mkdirat,rmdir,unlink,unlinkat,rename,renameat,renameat2,mount,move_mount,truncate \
		"$CASCO" --root "$ROOT" "$@"
}

# cgroup_writes — the traced calls that touched /sys/fs/cgroup in a way that
# could write: an open with O_WRONLY/O_RDWR/O_CREAT/O_TRUNC, or any of the
# calls that change the tree.
cgroup_writes() {
	# the trace is real: it saw casco read the bundle's config
	grep -q 'config.json' "$TESTDIR/trace" || echo "(no trace of casco's own calls)"
	grep '/sys/fs/cgroup' "$TESTDIR/trace" |
		grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|mkdir|rmdir|unlink|rename|mount|truncate|creat\(' || true
}

# cgroup_tree — every directory of the host's cgroup hierarchies (a new or
# removed cgroup shows up here).
cgroup_tree() {
	find /sys/fs/cgroup -xdev -type d 2>/dev/null | sort
}

# assert_cgroups_untouched — after traced_run: no write-capable call touched
# /sys/fs/cgroup and the tree is the one saved in $TESTDIR/tree.before.
assert_cgroups_untouched() {
	local writes
	writes=$(cgroup_writes)
	[ -z "$writes" ] || fail "casco touched the host's cgroups: $writes"
	cgroup_tree >"$TESTDIR/tree.after"
	diff -u "$TESTDIR/tree.before" "$TESTDIR/tree.after" || fail "the host's cgroup tree changed"
}

refused_with_limit() {
	local jq_limit=$1 path=$2
	set_config "$jq_limit"
	set_args true
	cgroup_tree >"$TESTDIR/tree.before"
	run traced_run run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "$path"
	assert_output_contains "cgroup v2 is required"
	assert_output_contains "--cgroup-manager disabled"
	[ ! -e "$ROOT/$ID" ] || fail "a state directory was left for $ID"
	assert_no_leftovers
	assert_cgroups_untouched
}

@test "cgroup host: a memory limit is refused naming cgroup v2 and --cgroup-manager disabled, nothing written" {
	refused_with_limit '.linux.resources.memory.limit = 33554432' linux.resources.memory.limit
}

@test "cgroup host: a pids limit is refused the same way" {
	refused_with_limit '.linux.resources.pids.limit = 10' linux.resources.pids.limit
}

@test "cgroup host: a cpu quota is refused the same way" {
	refused_with_limit '.linux.resources.cpu = {quota: 20000, period: 100000}' linux.resources.cpu
}

@test "cgroup host: a unified entry is refused the same way" {
	refused_with_limit '.linux.resources.unified = {"memory.high": "50331648"}' linux.resources.unified
}

@test "cgroup host: create refuses too, and leaves no state" {
	set_config '.linux.resources.memory.limit = 33554432'
	run casco create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "cgroup v2 is required"
	run casco state "$ID"
	assert_failure
	assert_output_contains "does not exist"
}

@test "cgroup host: without limits the container runs in the caller's cgroup, nothing written" {
	set_config 'del(.linux.resources) | del(.linux.cgroupsPath)'
	set_args cat /proc/self/cgroup
	cgroup_tree >"$TESTDIR/tree.before"
	run traced_run run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_cgroups_untouched
}

@test "cgroup host: --cgroup-manager disabled runs a config with limits, unlimited, nothing written" {
	set_config '.linux.resources.memory.limit = 33554432 | .linux.resources.pids.limit = 10'
	set_args true
	cgroup_tree >"$TESTDIR/tree.before"
	run traced_run --cgroup-manager disabled run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_cgroups_untouched
}
