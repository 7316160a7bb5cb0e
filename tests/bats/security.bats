#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host,security
# The runtime protecting itself and the host from the container: no fd of
# casco's (or of its caller's) reaches the container, and neither does the
# caller's environment.  The attacks on these defences, one test per runtime
# CVE (CVE-2024-21626 cwd through a leaked fd, CVE-2019-5736 the runtime
# binary, CVE-2016-9962 the init's memory, ...), are tests/security/*.bats.

load helpers

setup() {
	common_setup
	HOSTDIR=$TESTDIR/hostdir
	mkdir -p "$HOSTDIR"
	touch "$HOSTDIR/host-secret"
}

# start_sleeper — run $ID detached with `sleep 1000`.
start_sleeper() {
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
}

# `ls /proc/self/fd` with nothing leaked: stdio plus ls's own directory fd.
ONLY_STDIO="0
1
2
3"

# ------------------------------------------------------------ fd leaks

@test "security: run: the container sees only fds 0-2 although the caller had fds 5 and 7 open" {
	set_args ls /proc/self/fd
	run casco run --bundle "$BUNDLE" "$ID" 5</etc/hostname 7<"$HOSTDIR"
	assert_success
	assert_equal "$output" "$ONLY_STDIO"
}

@test "security: create/start: the container sees only fds 0-2 although both callers had fds 5 and 7 open" {
	set_args ls /proc/self/fd
	casco create --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/ctr.out" 2>&1 5</etc/hostname 7<"$HOSTDIR" ||
		fail "create failed: $(cat "$TESTDIR/ctr.out")"
	run casco start "$ID" 5</etc/hostname 7<"$HOSTDIR"
	assert_success
	wait_for_status "$ID" stopped
	run cat "$TESTDIR/ctr.out"
	assert_equal "$output" "$ONLY_STDIO"
}

@test "security: exec: the process sees only fds 0-2 although the caller had fds 5 and 7 open" {
	start_sleeper
	run casco exec "$ID" ls /proc/self/fd 5</etc/hostname 7<"$HOSTDIR"
	assert_success
	assert_equal "$output" "$ONLY_STDIO"
}

@test "security: --preserve-fds 1 passes fd 3 only, not the caller's fds 5 and 7" {
	echo preserved-three >"$TESTDIR/three"
	set_args sh -c 'cat <&3; ls /proc/self/fd'
	run casco run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$TESTDIR/three" 5</etc/hostname 7<"$HOSTDIR"
	assert_success
	# 3 is the preserved fd, 4 ls's own directory fd.
	assert_equal "$output" "preserved-three
0
1
2
3
4"
}

# ------------------------------------------------- environment

@test "security: the caller's environment does not reach the container (run and exec)" {
	set_args sh -c 'env; sleep 1000'
	export CASCO_LEAK_CANARY=canary
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
	retry 20 0.1 grep -q '^TERM=xterm$' "$CONTAINER_LOG" || fail "no env output: $(cat "$CONTAINER_LOG")"
	run cat "$CONTAINER_LOG"
	assert_output_not_contains CASCO_LEAK_CANARY
	assert_output_not_contains BATS_
	run casco exec "$ID" env
	assert_success
	assert_output_contains "TERM=xterm"
	assert_output_not_contains CASCO_LEAK_CANARY
	assert_output_not_contains BATS_
}
