#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# exec: another process inside a running container.

load helpers

setup() {
	common_setup
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
}

@test "exec: runs a command inside the running container" {
	run casco exec "$ID" hostname
	assert_success
	assert_equal "$output" casco-test
}

@test "exec: signals the caller ignored are at their default in the exec'd process" {
	run bash -c 'trap "" HUP INT QUIT USR1 USR2 PIPE TERM; exec "$0" --root "$1" exec "$2" cat /proc/self/status </dev/null' \
		"$CASCO" "$ROOT" "$ID"
	assert_success
	grep -q $'^SigIgn:\t0000000000000000$' <<<"$output" || fail "ignored signals leaked: $(grep SigIgn <<<"$output")"
}

@test "exec: the exit status of the process is propagated" {
	run casco exec "$ID" sh -c 'exit 3'
	assert_status 3
}

@test "exec: the process joins the container's pid, mount, net, ipc and uts namespaces" {
	local pid n
	pid=$(casco state "$ID" | jq -r .pid)
	run casco exec "$ID" sh -c 'for n in pid mnt net ipc uts; do echo "$n $(readlink /proc/self/ns/$n)"; done; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	for n in pid mnt net ipc uts; do
		grep -Fqx "$n $(readlink "/proc/$pid/ns/$n")" <<<"$output" || fail "$n namespace differs: $output"
	done
	assert_output_contains "sleep 1000"
}

@test "exec: -e adds environment variables" {
	run casco exec -e FOO=bar -e BAZ=qux "$ID" sh -c 'echo "$FOO $BAZ"'
	assert_success
	assert_equal "$output" "bar qux"
}

@test "exec: --cwd sets the working directory" {
	run casco exec --cwd /home/user "$ID" pwd
	assert_success
	assert_equal "$output" /home/user
}

@test "exec: -u UID:GID runs as that user" {
	run casco exec -u 1000:1000 "$ID" sh -c 'id -u; id -g'
	assert_success
	assert_equal "$output" "1000
1000"
}

@test "exec: the process gets the container's capabilities and no_new_privs" {
	run casco exec "$ID" grep -E '^(CapEff|NoNewPrivs):' /proc/self/status
	assert_success
	assert_output_matches '^CapEff:[[:space:]]+0000000020000420$'
	assert_output_matches '^NoNewPrivs:[[:space:]]+1$'
}

@test "exec: --process FILE takes the process from JSON" {
	jq -n '{args: ["sh", "-c", "echo $X; pwd"], env: ["X=from-json", "PATH=/bin"], cwd: "/tmp", user: {uid: 0, gid: 0}}' \
		>"$TESTDIR/process.json"
	run casco exec --process "$TESTDIR/process.json" "$ID"
	assert_success
	assert_equal "$output" "from-json
/tmp"
}

@test "exec -d: returns at once while the process runs" {
	run casco_detached exec -d "$ID" sh -c 'sleep 3; touch /dev/shm/exec-done'
	assert_success
	run casco exec "$ID" test -e /dev/shm/exec-done
	assert_failure
	retry 100 0.1 casco exec "$ID" test -e /dev/shm/exec-done
}

@test "exec: stdin is passed to the process" {
	run bash -c 'echo exec-stdin | "$0" --root "$1" exec "$2" cat' "$CASCO" "$ROOT" "$ID"
	assert_success
	assert_equal "$output" exec-stdin
}

@test "exec: --preserve-fds 1 passes fd 3" {
	echo exec-fd3 >"$TESTDIR/three"
	run casco exec --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$TESTDIR/three"
	assert_success
	assert_equal "$output" exec-fd3
}

@test "exec: an unknown container id fails with 'does not exist'" {
	run casco exec nosuchctr true
	assert_failure
	assert_output_contains "does not exist"
}

@test "exec: a stopped container refuses exec" {
	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
	run casco exec "$ID" true
	assert_failure
	assert_output_contains "stopped"
}

@test "exec: a nonexistent binary fails and the container keeps running" {
	run casco exec "$ID" /no/such/binary
	assert_failure
	assert_equal "$(container_status "$ID")" running
}
