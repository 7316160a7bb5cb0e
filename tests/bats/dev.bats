#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# /dev inside the container (libcontainer/dev.c): the default devices and
# symlinks, linux.devices, and no host devices.

load helpers

@test "dev: /dev lists only the default devices, symlinks and mounts" {
	run_sh 'ls -A /dev'
	assert_success
	local allowed=" console core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	local required="fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero"
	local e
	for e in $output; do
		[[ $allowed == *" $e "* ]] || fail "unexpected /dev entry: $e (all: $output)"
	done
	for e in $required; do
		[[ " $output " == *[[:space:]]"$e"[[:space:]]* ]] || fail "missing /dev/$e (all: $output)"
	done
}

@test "dev: default devices are character devices with the standard numbers" {
	run_sh 'for d in null zero full random urandom tty; do echo "$d $(stat -c "%F %t:%T" /dev/$d)"; done'
	assert_success
	assert_equal "$output" "null character special file 1:3
zero character special file 1:5
full character special file 1:7
random character special file 1:8
urandom character special file 1:9
tty character special file 5:0"
}

@test "dev: /dev/null, /dev/zero and /dev/full behave" {
	run_sh 'echo x >/dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " "; echo x >/dev/full 2>&1 || echo full-refused'
	assert_success
	assert_output_contains 00000000
	assert_output_contains full-refused
}

@test "dev: /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and /dev/ptmx are symlinks" {
	run_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	assert_success
	assert_equal "$output" "fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
ptmx -> pts/ptmx"
}

@test "dev: linux.devices adds a device node with the configured mode" {
	set_config '.linux.devices = [{path: "/dev/casco-null", type: "c", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 0}]'
	run_sh 'stat -c "%F %t:%T %a" /dev/casco-null && echo x >/dev/casco-null && echo written'
	assert_success
	assert_equal "$output" "character special file 1:3 660
written"
}

@test "dev: host devices like /dev/vda or /dev/mem are not present" {
	run_sh 'ls /dev/mem /dev/kmsg /dev/sda /dev/vda 2>/dev/null | wc -l'
	assert_success
	assert_equal "$output" 0
}
