#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# Namespaces from inside (libcontainer/ns.c): pid, net, ipc, uts, mnt, user
# and time; hostname and domainname in the container's UTS namespace.

load helpers

@test "pid ns: the container's process is PID 1" {
	run_sh 'echo $$'
	assert_success
	assert_equal "$output" 1
}

@test "pid ns: /proc/1/cmdline is the container's own command" {
	# A pipeline, so sh stays PID 1 instead of exec'ing its last command.
	run_sh 'cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output_matches '^sh -c cat /proc/1/cmdline '
}

@test "pid ns: host processes are invisible" {
	run_sh 'ls -d /proc/[0-9]* | wc -l'
	assert_success
	# sh, ls and wc at most (plus a possible subshell).
	[ "$output" -le 4 ] || fail "saw $output processes"
}

@test "namespaces: pid, net, ipc, uts and mnt differ from the host's" {
	run_sh 'for n in pid net ipc uts mnt; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	assert_success
	local n inside
	for n in pid net ipc uts mnt; do
		inside=$(awk -v n="$n" '$1 == n { print $2 }' <<<"$output")
		[ -n "$inside" ] || fail "no $n namespace link inside: $output"
		[ "$inside" != "$(readlink "/proc/self/ns/$n")" ] || fail "$n namespace is the host's ($inside)"
	done
}

@test "namespaces: without a uts entry the host's uts namespace is shared" {
	drop_namespace uts
	set_config 'del(.hostname)'
	run_sh 'readlink /proc/self/ns/uts'
	assert_success
	assert_equal "$output" "$(readlink /proc/self/ns/uts)"
}

@test "uts: hostname is the one from config.json" {
	run_sh 'hostname; cat /proc/sys/kernel/hostname'
	assert_success
	assert_equal "$output" "casco-test
casco-test"
}

@test "uts: a different configured hostname is applied" {
	set_config '.hostname = "other-name"'
	run_sh 'hostname'
	assert_success
	assert_equal "$output" other-name
}

@test "uts: domainname from config.json is applied" {
	set_config '.domainname = "example.test"'
	run_sh 'cat /proc/sys/kernel/domainname'
	assert_success
	assert_equal "$output" example.test
}

@test "net ns: only the loopback interface exists" {
	run_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	assert_success
	assert_equal "$output" lo
}

@test "userns: uid_map and gid_map are 0 -> 100000 for 65536 ids" {
	requires_namespace user
	enable_userns
	run_sh 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	assert_success
	assert_equal "$(tr -s ' ' <<<"$output" | sed 's/^ //')" "0 100000 65536
0 100000 65536
0"
}

@test "userns: host root's files appear owned by the overflow uid" {
	requires_namespace user
	enable_userns
	run_sh 'stat -c %u:%g /bin/busybox'
	assert_success
	assert_equal "$output" 65534:65534
}

@test "userns: container root runs as uid 100000 on the host" {
	requires_namespace user
	enable_userns
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	run awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
	assert_equal "$output" 100000
}

@test "timens: timeOffsets shift CLOCK_MONOTONIC/BOOTTIME inside a time namespace" {
	requires_namespace time
	set_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {monotonic: {secs: 864000, nanosecs: 0}, boottime: {secs: 864000, nanosecs: 0}}'
	run_sh 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	assert_success
	assert_output_matches '^monotonic[[:space:]]+864000[[:space:]]+0$'
	assert_output_matches '^boottime[[:space:]]+864000[[:space:]]+0$'
	local up
	up=$(tail -n1 <<<"$output")
	[ "$up" -ge 864000 ] || fail "uptime $up not shifted"
}
