#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# The runtime protecting itself and the host from the container: no fd of
# casco's (or of its caller's) reaches the container, cwd cannot escape
# through a leaked fd (CVE-2024-21626), the running casco is a sealed
# memfd copy, not the host binary (CVE-2019-5736), and the init is not
# dumpable while it still holds casco's memory (CVE-2016-9962).

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

@test "security: the init waiting for start holds no fd of create's caller" {
	set_args true
	casco create --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/ctr.out" 2>&1 5<"$BUNDLE/config.json" 7<"$HOSTDIR" ||
		fail "create failed: $(cat "$TESTDIR/ctr.out")"
	local pid fd target
	pid=$(casco state "$ID" | jq -r .pid)
	[ "$pid" -gt 0 ]
	for fd in /proc/"$pid"/fd/*; do
		target=$(readlink "$fd") || continue
		case $target in
		"$HOSTDIR"* | "$BUNDLE/config.json") fail "init $pid holds the caller's $target as ${fd##*/}" ;;
		esac
	done
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

# ------------------------------------------- cwd through a leaked fd

# assert_no_host_dir — $output shows no listing of a host directory: the
# caller's ($HOSTDIR), the bundle, the state dir or a cgroup.
assert_no_host_dir() {
	local word
	for word in host-secret config.json state.json rootfs cgroup.procs; do
		assert_output_not_contains "$word"
	done
}

@test "security: process.cwd /proc/self/fd/7 with the caller's fd 7 on a host dir never lands there (CVE-2024-21626)" {
	set_config '.process.cwd = "/proc/self/fd/7"'
	set_args sh -c 'echo "cwd: $(pwd)"; ls -a'
	run casco run --bundle "$BUNDLE" "$ID" 7<"$HOSTDIR"
	assert_no_host_dir
	# Either refused, or a directory of the container's.
	if [ "$status" -eq 0 ]; then
		assert_output_not_contains "$TESTDIR"
	fi
	assert_no_leftovers "$ID"
}

@test "security: process.cwd /proc/self/fd/N never reaches a runtime-internal host fd (CVE-2024-21626)" {
	local n
	set_args sh -c 'echo "cwd: $(pwd)"; ls -a'
	for n in 3 4 5 6 7 8; do
		set_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run casco run --bundle "$BUNDLE" "$ID-$n"
		assert_no_host_dir
		[ "$status" -ne 0 ] || assert_output_not_contains "$TESTDIR"
	done
	assert_no_leftovers
}

@test "security: exec --cwd /proc/self/fd/N never reaches a host directory (CVE-2024-21626)" {
	local n
	start_sleeper
	for n in 3 4 5 6 7 8 9; do
		run casco exec --cwd "/proc/self/fd/$n" "$ID" sh -c 'echo "cwd: $(pwd)"; ls -a' 7<"$HOSTDIR"
		assert_no_host_dir
		[ "$status" -ne 0 ] || assert_output_not_contains "$TESTDIR"
	done
	assert_equal "$(container_status "$ID")" running
}

# ------------------------------------------------- the casco binary

# assert_sealed_copy PID — casco process PID runs from a memfd copy: its
# exe is not the host binary's inode and cannot be opened for writing.
exe_is_memfd() {
	[ "$(readlink "/proc/$1/exe")" = "/memfd:casco (deleted)" ]
}

assert_sealed_copy() {
	local pid=$1
	retry 50 0.1 exe_is_memfd "$pid" ||
		fail "casco ($pid) runs from $(readlink "/proc/$pid/exe"), not /memfd:casco"
	[ "$(stat -L -c %d:%i "/proc/$pid/exe")" != "$(stat -L -c %d:%i "$CASCO")" ] ||
		fail "casco's /proc/$pid/exe is the host binary $CASCO"
	! (exec 3>"/proc/$pid/exe") 2>/dev/null || fail "/proc/$pid/exe opened for writing (truncating)"
	! (exec 3>>"/proc/$pid/exe") 2>/dev/null || fail "/proc/$pid/exe opened for writing (appending)"
}

@test "security: a running casco run is a sealed memfd copy, /proc/PID/exe not writable (CVE-2019-5736)" {
	requires_casco
	local sum pid rc=0
	sum=$(sha256sum <"$CASCO")
	set_args sleep 1000
	"$CASCO" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/run.out" 2>&1 &
	pid=$!
	wait_for_status "$ID" running
	assert_sealed_copy "$pid"
	run casco kill "$ID" KILL
	assert_success
	wait "$pid" || rc=$?
	assert_equal "$rc" 137
	assert_equal "$(sha256sum <"$CASCO")" "$sum"
}

@test "security: a running casco exec is a sealed memfd copy, /proc/PID/exe not writable (CVE-2019-5736)" {
	requires_casco
	local pid
	start_sleeper
	"$CASCO" --root "$ROOT" exec "$ID" sleep 999 </dev/null >"$TESTDIR/exec.out" 2>&1 &
	pid=$!
	assert_sealed_copy "$pid"
	run casco kill "$ID" KILL
	assert_success
	wait "$pid" || true
}

# ------------------------------------------------- dumpability

@test "security: the waiting init is not dumpable: container root cannot read its memory before start" {
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	# Same uid and capabilities as the init, no CAP_SYS_PTRACE: only
	# dumpability decides (CVE-2016-9962).
	run casco exec "$ID" sh -c 'cat /proc/1/environ >/dev/null && echo environ-readable; readlink /proc/1/exe || echo exe-denied'
	assert_output_contains "Permission denied"
	assert_output_not_contains environ-readable
	assert_output_contains exe-denied
	# After exec the same read works (control).
	run casco start "$ID"
	assert_success
	retry 20 0.1 casco exec "$ID" grep -q 1000 /proc/1/cmdline
	run casco exec "$ID" sh -c 'cat /proc/1/environ | tr "\0" "\n"'
	assert_success
	assert_output_contains "TERM=xterm"
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
