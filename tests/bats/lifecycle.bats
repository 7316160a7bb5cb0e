#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# Container lifecycle: create/start/state/list/kill/delete and `run`.

load helpers

@test "lifecycle: create -> created, start -> running, kill -> stopped, delete -> gone" {
	create_sleeper
	run casco state "$ID"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" created

	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running

	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped

	run casco delete "$ID"
	assert_success
	run casco state "$ID"
	assert_failure
	assert_output_contains "does not exist"
	assert_no_leftovers "$ID"
}

@test "create: the init process exists but has not exec'd the user process" {
	create_sleeper
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	[ "$pid" -gt 0 ]
	kill -0 "$pid"
	# Not yet `sleep 1000`: the process waits for `start`.
	run cat "/proc/$pid/cmdline"
	assert_output_not_contains "1000"
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running
	retry 20 0.1 grep -q 1000 "/proc/$pid/cmdline"
}

@test "run: exit status 0 is propagated" {
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_status 0
}

@test "run: exit status 42 is propagated" {
	run_sh 'exit 42'
	assert_status 42
}

@test "run: exit status 1 of a failing command is propagated" {
	set_args false
	run casco run --bundle "$BUNDLE" "$ID"
	assert_status 1
}

@test "run: container stdout and stderr reach the caller separately" {
	set_args sh -c 'echo to-stdout; echo to-stderr >&2'
	run --separate-stderr casco run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_equal "$output" to-stdout
	assert_equal "$stderr" to-stderr
}

@test "run: the foreground container is deleted after it exits" {
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_success
	run casco state "$ID"
	assert_failure
	assert_no_leftovers "$ID"
}

@test "run: status 137 when the container init is SIGKILLed from the host" {
	set_args sleep 1000
	casco run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/run.out" 2>&1 &
	local runpid=$! rc=0
	wait_for_status "$ID" running
	run casco kill "$ID" KILL
	assert_success
	wait "$runpid" || rc=$?
	assert_equal "$rc" 137
}

@test "run: self-inflicted SIGKILL gives exit status 137 (sh -c 'kill -9 \$\$')" {
	# PID 1 of a pid namespace cannot be killed by its own signals, so the
	# process must not be a namespace init for the signal to take effect.
	drop_namespace pid
	run_sh 'kill -9 $$'
	assert_status 137
}

@test "run: death by SIGTERM gives exit status 143" {
	drop_namespace pid
	run_sh 'kill -TERM $$'
	assert_status 143
}

@test "run: signals the caller ignored are at their default in the container's process" {
	# Ignored dispositions survive exec: casco must reset what it inherited.
	set_args cat /proc/self/status
	run bash -c 'trap "" HUP INT QUIT USR1 USR2 PIPE TERM; exec "$0" --root "$1" run --bundle "$2" "$3" </dev/null' \
		"$CASCO" "$ROOT" "$BUNDLE" "$ID"
	assert_success
	grep -q $'^SigIgn:\t0000000000000000$' <<<"$output" || fail "ignored signals leaked: $(grep SigIgn <<<"$output")"
}

@test "run --detach: returns at once, container keeps running" {
	set_args sleep 1000
	run casco_detached run --detach --bundle "$BUNDLE" "$ID"
	assert_success
	run casco state "$ID"
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" running
}

@test "run -d: short flag detaches too" {
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
}

@test "run -d: container output goes to the runtime's stdout" {
	set_args sh -c 'echo detached-hello'
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q detached-hello "$CONTAINER_LOG"
}

@test "state: JSON has ociVersion, id, pid, status, bundle, rootfs, created, owner" {
	create_sleeper
	run casco state "$ID"
	assert_success
	local pid
	pid=$(jq -r .pid <<<"$output")
	jq -e --arg id "$ID" --arg b "$BUNDLE" '
		(.ociVersion | type == "string" and length > 0)
		and .id == $id
		and (.pid | type == "number" and . > 0)
		and .status == "created"
		and .bundle == $b
		and .rootfs == ($b + "/rootfs")
		and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"))
		and has("owner")' <<<"$output" || fail "bad state JSON: $output"
	kill -0 "$pid"
}

@test "state: annotations from config.json are reported" {
	set_config '.annotations = {"org.casco.test": "yes"}'
	create_sleeper
	run casco state "$ID"
	assert_success
	assert_equal "$(jq -r '.annotations["org.casco.test"]' <<<"$output")" yes
}

@test "state: a stopped container reports status stopped" {
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" stopped
}

@test "list: table shows header and the container" {
	create_sleeper
	run casco list
	assert_success
	assert_output_matches '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
	assert_output_matches "^$ID +[0-9]+ +created +$BUNDLE "
}

@test "list -q: prints only ids" {
	create_sleeper
	local id2=${ID}-b
	run casco_detached create --bundle "$BUNDLE" "$id2"
	assert_success
	run casco list -q
	assert_success
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "$ID $id2 "
}

@test "list --format json: array of state objects" {
	create_sleeper
	run casco list --format json
	assert_success
	jq -e --arg id "$ID" 'length == 1 and .[0].id == $id and .[0].status == "created" and (.[0].pid > 0)' \
		<<<"$output" || fail "bad list JSON: $output"
	# each state object ends at its brace, not with a line break before `]`
	[[ $output == *"}]" ]] || fail "the array does not close right after the object: $output"
}

@test "list: empty root prints just the header; json prints an empty array" {
	run casco list -q
	assert_success
	assert_equal "$output" ""
	run casco list --format json
	assert_success
	jq -e 'length == 0' <<<"$output" >/dev/null || fail "expected [] or null: $output"
}

@test "kill: default signal is SIGTERM" {
	set_args sh -c 'trap "echo got-term; exit 0" TERM; trap "echo got-hup; exit 0" HUP; echo ready; while :; do sleep 0.1; done'
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q ready "$CONTAINER_LOG"
	run casco kill "$ID"
	assert_success
	wait_for_status "$ID" stopped
	grep -q got-term "$CONTAINER_LOG" || fail "no got-term in: $(cat "$CONTAINER_LOG")"
}

@test "kill: HUP by name is delivered as SIGHUP" {
	set_args sh -c 'trap "echo got-term; exit 0" TERM; trap "echo got-hup; exit 0" HUP; echo ready; while :; do sleep 0.1; done'
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q ready "$CONTAINER_LOG"
	run casco kill "$ID" HUP
	assert_success
	wait_for_status "$ID" stopped
	grep -q got-hup "$CONTAINER_LOG" || fail "no got-hup in: $(cat "$CONTAINER_LOG")"
}

@test "kill: signal by name KILL stops the container" {
	create_sleeper
	run casco start "$ID"
	assert_success
	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
}

@test "kill: signal by name SIGKILL stops the container" {
	create_sleeper
	run casco start "$ID"
	assert_success
	run casco kill "$ID" SIGKILL
	assert_success
	wait_for_status "$ID" stopped
}

@test "kill: signal by number 9 stops the container" {
	create_sleeper
	run casco start "$ID"
	assert_success
	run casco kill "$ID" 9
	assert_success
	wait_for_status "$ID" stopped
}

@test "kill: TERM reaches a process that handles it" {
	set_args sh -c 'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.1; done'
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q ready "$CONTAINER_LOG"
	run casco kill "$ID" TERM
	assert_success
	wait_for_status "$ID" stopped
	grep -q got-term "$CONTAINER_LOG" || fail "no got-term in: $(cat "$CONTAINER_LOG")"
}

@test "kill: an unknown signal name is rejected" {
	create_sleeper
	run casco kill "$ID" NOSUCHSIG
	assert_failure
	assert_equal "$(container_status "$ID")" created
}

@test "kill --all: signals every process of the container, not only init" {
	# Without a pid namespace killing init does not take the other processes
	# with it: the runtime must find and signal each one.
	# Nor is there a cgroup here (hybrid host): casco finds them by the
	# container's mount namespace.  The sleeps' pids are the host's.
	drop_namespace pid
	set_args sh -c 'sleep 1000 & echo "pid $!"; sleep 1000 & echo "pid $!"; echo started; wait'
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q started "$CONTAINER_LOG"
	run casco kill --all "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
	local pid survivors=
	# gone, or a zombie waiting for its reaper
	gone() { [ ! -e "/proc/$1" ] || grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
	for pid in $(awk '$1 == "pid" { print $2 }' "$CONTAINER_LOG"); do
		retry 30 0.1 gone "$pid" || survivors+=" $pid"
	done
	if [ -n "$survivors" ]; then
		kill -KILL $survivors
		fail "the container's sleeps (pids$survivors) survived kill --all"
	fi
	[ "$(grep -c '^pid ' "$CONTAINER_LOG")" = 2 ] || fail "expected two sleeps: $(cat "$CONTAINER_LOG")"
	no_process_left() { ! list_leftovers "$ID" | grep -q '^process:'; }
	retry 30 0.1 no_process_left || fail "$(list_leftovers "$ID")"
}

@test "delete --force: removes a running container" {
	create_sleeper
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running
	run casco delete --force "$ID"
	assert_success
	run casco state "$ID"
	assert_failure
	assert_no_leftovers "$ID"
}

@test "delete: removes a created (never started) container" {
	create_sleeper
	run casco delete "$ID"
	assert_success
	run casco state "$ID"
	assert_failure
	assert_output_contains "does not exist"
	assert_no_leftovers "$ID"
}

@test "delete: removes a stopped container and its state" {
	set_args true
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" stopped
	run casco delete "$ID"
	assert_success
	assert_no_leftovers "$ID"
}

@test "create --pid-file: the file holds the init pid" {
	set_args sleep 1000
	run casco_detached create --pid-file "$TESTDIR/ctr.pid" --bundle "$BUNDLE" "$ID"
	assert_success
	[ -s "$TESTDIR/ctr.pid" ] || fail "pid file missing or empty"
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	assert_equal "$(cat "$TESTDIR/ctr.pid")" "$pid"
}

@test "run -d --pid-file: the file holds the pid of the running container" {
	set_args sleep 1000
	run casco_detached run -d --pid-file "$TESTDIR/run.pid" --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(cat "$TESTDIR/run.pid")
	grep -q 1000 "/proc/$pid/cmdline" || fail "pid $pid is not the container's sleep"
}

@test "start: starting a container twice fails" {
	create_sleeper
	run casco start "$ID"
	assert_success
	run casco start "$ID"
	assert_failure
	assert_output_contains "cannot start"
}

@test "create: a second create with the same id fails with 'already exists'" {
	create_sleeper
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "already exists"
	# The first container is untouched.
	assert_equal "$(container_status "$ID")" created
}

@test "create: --bundle defaults to the current directory" {
	set_args sleep 1000
	cd "$BUNDLE"
	run casco_detached create "$ID"
	assert_success
	assert_equal "$(casco state "$ID" | jq -r .bundle)" "$BUNDLE"
}

@test "run: two containers from one root run side by side" {
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" a1
	assert_success
	run casco_detached run -d --bundle "$BUNDLE" a2
	assert_success
	assert_equal "$(container_status a1)" running
	assert_equal "$(container_status a2)" running
	run casco delete --force a1
	assert_success
	assert_equal "$(container_status a2)" running
}
