#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# File descriptors passed into the container: stdio, --preserve-fds and
# systemd socket activation (LISTEN_FDS).  Everything else must be closed.

load helpers

setup() {
	common_setup
	echo fd-three-data >"$TESTDIR/three"
	echo fd-four-data >"$TESTDIR/four"
}

@test "fds: stdin of run is the container's stdin" {
	set_args cat
	run bash -c 'echo piped-in | "$0" --root "$1" run --bundle "$2" "$3"' "$CASCO" "$ROOT" "$BUNDLE" "$ID"
	assert_success
	assert_equal "$output" piped-in
}

@test "fds: without --preserve-fds an inherited fd 3 is closed in the container" {
	set_args sh -c 'ls /proc/self/fd'
	run casco run --bundle "$BUNDLE" "$ID" 3<"$TESTDIR/three"
	assert_success
	# ls opens one directory fd of its own; nothing else beyond stdio.
	local fds
	fds=$(tr '\n' ' ' <<<"$output")
	[[ $fds =~ ^"0 1 2 "([0-9]+" ")?$ ]] || fail "unexpected fds: $fds"
	[ "$(wc -w <<<"$fds")" -le 4 ] || fail "unexpected fds: $fds"
}

@test "fds: --preserve-fds 1 passes fd 3 into the container" {
	set_args sh -c 'cat <&3'
	run casco run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$TESTDIR/three"
	assert_success
	assert_equal "$output" fd-three-data
}

@test "fds: --preserve-fds 2 passes fds 3 and 4 in order" {
	set_args sh -c 'cat <&3; cat <&4'
	run casco run --preserve-fds 2 --bundle "$BUNDLE" "$ID" 3<"$TESTDIR/three" 4<"$TESTDIR/four"
	assert_success
	assert_equal "$output" "fd-three-data
fd-four-data"
}

@test "fds: --preserve-fds 1 passes fd 3 but not fd 4" {
	set_args sh -c 'cat <&3; test -e /proc/self/fd/4 && echo fd4-leaked; true'
	run casco run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$TESTDIR/three" 4<"$TESTDIR/four"
	assert_success
	assert_equal "$output" fd-three-data
}

@test "fds: a preserved writable fd lets the container write to the caller's file" {
	set_args sh -c 'echo via-fd3 >&3'
	run casco run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3>"$TESTDIR/out"
	assert_success
	assert_equal "$(cat "$TESTDIR/out")" via-fd3
}

@test "fds: create --preserve-fds keeps the fd until start" {
	set_args sh -c 'cat <&3 >/dev/shm/x; cat /dev/shm/x'
	run casco_detached create --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$TESTDIR/three"
	assert_success
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" stopped
	grep -q fd-three-data "$CONTAINER_LOG" || fail "container log: $(cat "$CONTAINER_LOG")"
}

@test "fds: LISTEN_FDS=1 passes fd 3 and sets LISTEN_FDS/LISTEN_PID=1 in the container" {
	set_args sh -c 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3'
	# As systemd starts a socket-activated service: LISTEN_PID is the
	# runtime's own pid (bash execs it).
	run bash -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" --root "$1" run --bundle "$2" "$3"' \
		"$CASCO" "$ROOT" "$BUNDLE" "$ID" 3<"$TESTDIR/three"
	assert_success
	assert_equal "$output" "fds=1 pid=1
fd-three-data"
}

@test "fds: LISTEN_FDS with a LISTEN_PID of another process is ignored" {
	set_args sh -c 'echo "fds=${LISTEN_FDS:-unset}"; test -e /proc/self/fd/3 && echo fd3-leaked; true'
	run bash -c 'export LISTEN_FDS=1 LISTEN_PID=1; exec "$0" --root "$1" run --bundle "$2" "$3"' \
		"$CASCO" "$ROOT" "$BUNDLE" "$ID" 3<"$TESTDIR/three"
	assert_success
	assert_equal "$output" "fds=unset"
}

@test "fds: LISTEN_FDS=1 plus --preserve-fds 1 gives fds 3 (listen) and 4 (preserved)" {
	set_args sh -c 'cat <&3; cat <&4'
	run bash -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" --root "$1" run --preserve-fds 1 --bundle "$2" "$3"' \
		"$CASCO" "$ROOT" "$BUNDLE" "$ID" 3<"$TESTDIR/three" 4<"$TESTDIR/four"
	assert_success
	assert_equal "$output" "fd-three-data
fd-four-data"
}

@test "fds: --preserve-fds with a non-number is rejected" {
	set_args true
	run casco run --preserve-fds abc --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_no_leftovers "$ID"
}
