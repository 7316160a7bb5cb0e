#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# CVE-2024-21626 (runc 1.0.0-rc93 .. 1.1.11, "Leaky Vessels"): runc leaked
# an fd of the host's /sys/fs/cgroup into the container's init and exec'd
# processes; with process.cwd (or `runc exec --cwd`) set to /proc/self/fd/N
# the process started with its working directory on the HOST, outside the
# rootfs, and could walk ../../.. to the host's /.
# casco, two defences: the child closes every fd it inherited except the
# three it needs before it does anything in the container (process.c
# close_inherited_fds), and after chdir it refuses a cwd the kernel cannot
# name from the container's root (process.c enter_cwd: getcwd must start
# with "/", not "(unreachable)").  The first test needs both gone to fail;
# the others prove each defence alone.
# (Plain fd hygiene — the container sees only 0-2 — is tests/bats/security.bats.)

load security-helpers

setup() {
	security_setup
	HOSTDIR=$TESTDIR/hostdir
	mkdir -p "$HOSTDIR"
	touch "$HOSTDIR/host-secret"
}

# assert_no_host_dir — $output shows no listing of a host directory: the
# caller's ($HOSTDIR), the bundle, the state dir or a cgroup.
assert_no_host_dir() {
	local word
	for word in host-secret config.json state.json rootfs cgroup.procs; do
		assert_output_not_contains "$word"
	done
}

# bats test_tags=cve,weaken:close-fds:cwd-check
@test "CVE-2024-21626: process.cwd /proc/self/fd/7 with the caller's fd 7 on a host dir never lands there" {
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

# bats test_tags=cve,weaken:close-fds:cwd-check
@test "CVE-2024-21626: process.cwd /proc/self/fd/N never reaches a runtime-internal host fd" {
	local n
	set_args sh -c 'echo "cwd: $(pwd)"; ls -a'
	for n in 3 4 5 6 7 8 9 10; do
		set_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run casco run --bundle "$BUNDLE" "$ID-$n"
		assert_no_host_dir
		[ "$status" -ne 0 ] || assert_output_not_contains "$TESTDIR"
	done
	assert_no_leftovers
}

# bats test_tags=cve,weaken:close-fds:cwd-check
@test "CVE-2024-21626: exec --cwd /proc/self/fd/N never reaches a host directory" {
	local n
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
	for n in 3 4 5 6 7 8 9 10; do
		run casco exec --cwd "/proc/self/fd/$n" "$ID" sh -c 'echo "cwd: $(pwd)"; ls -a' 7<"$HOSTDIR"
		assert_no_host_dir
		[ "$status" -ne 0 ] || assert_output_not_contains "$TESTDIR"
	done
	assert_equal "$(container_status "$ID")" running
}

# bats test_tags=cve,weaken:cwd-check
@test "CVE-2024-21626: a preserved fd (--preserve-fds) on a host dir is refused as cwd" {
	# The caller means fd 3 for the container; it must not become a way out.
	set_config '.process.cwd = "/proc/self/fd/3"'
	set_args sh -c 'echo "cwd: $(pwd)"; ls -a'
	run casco run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$HOSTDIR"
	assert_failure
	assert_output_contains "process.cwd"
	assert_no_host_dir
	assert_no_leftovers "$ID"
}

# bats test_tags=cve,weaken:close-fds
@test "CVE-2024-21626: the init waiting for start holds no fd of create's caller" {
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
