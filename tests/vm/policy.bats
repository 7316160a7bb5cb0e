#!/usr/bin/env bats
# shellcheck disable=SC2016 # single-quoted jq programs
# bats file_tags=env:vm
# The strict policy on a host that can enforce it: cgroup v2 for the limits
# strict requires.  Runs only inside the test VM (tests/vm/run-cgroup-tests).

load ../bats/helpers

CG=/sys/fs/cgroup

setup() {
	[ "${CASCO_VM:-}" = 1 ] || skip "runs in the VM only (tests/vm/run-cgroup-tests)"
	[ -n "$(cat $CG/cgroup.controllers 2>/dev/null)" ] || skip "no cgroup v2 at $CG"
	requires_casco
	common_setup
}

teardown() {
	[ "${CASCO_VM:-}" = 1 ] || return 0
	common_teardown
	if [ -d "$CG/casco/$ID" ]; then
		rmdir "$CG/casco/$ID" 2>/dev/null || true
		fail "teardown: cgroup $CG/casco/$ID was left behind"
	fi
}

@test "policy strict: the config casco spec writes runs as written (user namespace, limits enforced)" {
	mkdir "$TESTDIR/spec"
	cp -a "$BUNDLE/rootfs" "$TESTDIR/spec/rootfs"
	run casco spec --bundle "$TESTDIR/spec"
	assert_success
	BUNDLE=$TESTDIR/spec set_config '.process.terminal = false
		| .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max"]'
	run casco --policy strict run --bundle "$TESTDIR/spec" "$ID"
	assert_success
	assert_output_not_contains CASCO-
	# the defaults casco applies are said first, once each
	assert_equal "$(grep -v '^casco: warning: ' <<<"$output" | head -n1)" 0
	assert_output_matches '^ +0 +100000 +65536$'
	assert_output_matches '^1024$'
	assert_output_matches '^536870912$'
}

@test "policy strict: a config with a memory limit and no pids limit passes with casco's default pids limit" {
	enable_userns
	set_config '.linux.resources = {memory: {limit: 268435456}}'
	set_args true
	run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_not_contains CASCO-
}

@test "policy strict: --cgroup-manager disabled leaves the limits unenforced, so strict refuses" {
	enable_userns
	set_config '.linux.resources = {memory: {limit: 268435456}, pids: {limit: 100}}'
	set_args true
	run casco --cgroup-manager disabled --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "CASCO-LIMITS-MEMORY"
	assert_no_leftovers "$ID"
	[ ! -d "$CG/casco/$ID" ] || fail "cgroup created"
}
