#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# OCI hooks: prestart, createRuntime, createContainer, startContainer,
# poststart, poststop — when each runs, in which namespaces, the state on
# its stdin, args/env/timeout, and what a failing hook does.
#
# $TESTDIR/hook.sh NAME LOG appends "NAME <state JSON>" to LOG (and its
# namespaces to LOG.ns).  LOG lives in $LOGDIR, bind-mounted at /log in the
# container, so hooks on the host, hooks inside the container
# (startContainer resolves its path there: /hook.sh is a copy in the
# rootfs) and the container itself all append to one file, in order.

load helpers

setup() {
	common_setup
	LOGDIR=$TESTDIR/log
	LOG=$LOGDIR/hooks.log
	mkdir -p "$LOGDIR"
	cat >"$TESTDIR/hook.sh" <<-'EOF'
		#!/bin/sh
		PATH=/usr/sbin:/usr/bin:/sbin:/bin
		state=$(cat)
		echo "$1 $state" >>"$2"
		echo "$1 $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/uts) $(hostname)" >>"$2.ns"
	EOF
	chmod 0755 "$TESTDIR/hook.sh"
	cp "$TESTDIR/hook.sh" "$BUNDLE/rootfs/hook.sh"
	set_config '.mounts += [{destination: "/log", type: "bind", source: $d, options: ["rbind", "rw"]}]' --arg d "$LOGDIR"
}

# add_hook KIND [NAME] — append a hook.sh call logging NAME (default KIND)
# to hooks.KIND.
add_hook() {
	local kind=$1 name=${2:-$1} path=$TESTDIR/hook.sh log=$LOG
	if [ "$kind" = startContainer ]; then
		path=/hook.sh
		log=/log/hooks.log
	fi
	set_config '.hooks[$k] += [{path: $p, args: ["hook.sh", $n, $l]}]' \
		--arg k "$kind" --arg n "$name" --arg p "$path" --arg l "$log"
}

# add_raw_hook KIND JQ_OBJECT [JQ_OPTIONS...] — append any hook object.
add_raw_hook() {
	local kind=$1 obj=$2
	shift 2
	set_config ".hooks[\$k] += [$obj]" --arg k "$kind" "$@"
}

# logged_names — the first word of each line of $LOG, space-separated.
logged_names() {
	awk '{ printf "%s%s", sep, $1; sep = " " }' "$LOG" 2>/dev/null
}

# hook_state NAME — the state JSON hook NAME received.
hook_state() {
	sed -n "s/^$1 //p" "$LOG"
}

# lifecycle — all six kinds; create, start, kill, delete.  Sets $INIT_PID.
lifecycle() {
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$k"
	done
	set_args sh -c 'echo container >>/log/hooks.log; exec sleep 1000'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	INIT_PID=$(casco state "$ID" | jq -r .pid)
	CREATE_NAMES=$(logged_names)
	run casco start "$ID"
	assert_success
	START_NAMES=$(logged_names)
	retry 50 0.1 grep -qx container "$LOG" || fail "the container did not write to the log: $(cat "$LOG")"
	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
	run casco delete "$ID"
	assert_success
}

@test "hooks: each kind runs once, in lifecycle order around the container's process" {
	lifecycle
	# create runs the first three, start startContainer and poststart.
	assert_equal "$CREATE_NAMES" "prestart createRuntime createContainer"
	# (the container's own line may come before poststart's, after it, or
	# only once start has returned)
	[[ $START_NAMES =~ ^prestart\ createRuntime\ createContainer\ startContainer\ (container\ poststart|poststart(\ container)?)$ ]] ||
		fail "after start: $START_NAMES"
	# Before the process (startContainer) and after it exits (poststop);
	# poststart runs once it has started, not ordered with its output.
	run logged_names
	assert_output_matches '^prestart createRuntime createContainer startContainer (container poststart|poststart container) poststop$'
}

@test "hooks: the state on stdin has id, bundle, annotations, the init's pid and each kind's status" {
	set_config '.annotations = {"org.casco.test": "hooks", "other": "value"}'
	lifecycle
	[ "$INIT_PID" -gt 0 ]
	local k want s
	for k in prestart:creating createRuntime:creating createContainer:creating startContainer:created \
		poststart:running poststop:stopped; do
		want=${k#*:}
		k=${k%%:*}
		s=$(hook_state "$k")
		jq -e --arg id "$ID" --arg b "$BUNDLE" --arg st "$want" '
			(.ociVersion | type == "string" and length > 0)
			and .id == $id and .status == $st and .bundle == $b
			and .annotations == {"org.casco.test": "hooks", "other": "value"}' <<<"$s" >/dev/null ||
			fail "$k: bad state (want status $want): $s"
		if [ "$k" != poststop ]; then
			assert_equal "$(jq -r .pid <<<"$s")" "$INIT_PID"
		fi
	done
}

@test "hooks: while create runs (a createRuntime hook), state says creating with pid 0" {
	# create saves the init's pid while the init is still setting itself up:
	# until it is ready, the state must not read "created".
	cat >"$TESTDIR/probe.sh" <<-EOF
		#!/bin/sh
		"$CASCO" --root "$ROOT" state "$ID" >"$TESTDIR/during.json" 2>&1
		ls -A "$ROOT/$ID" >"$TESTDIR/files"
	EOF
	chmod 0755 "$TESTDIR/probe.sh"
	add_raw_hook createRuntime '{path: $p}' --arg p "$TESTDIR/probe.sh"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	jq -e '.status == "creating" and .pid == 0' "$TESTDIR/during.json" >/dev/null ||
		fail "state during create: $(cat "$TESTDIR/during.json")"
	grep -qx exec.sock.creating "$TESTDIR/files" || fail "state dir during create: $(cat "$TESTDIR/files")"
	run casco state "$ID"
	assert_success
	jq -e '.status == "created" and .pid > 0' <<<"$output" >/dev/null || fail "state after create: $output"
	[ -S "$ROOT/$ID/exec.sock" ] && [ ! -e "$ROOT/$ID/exec.sock.creating" ] || fail "state dir after create: $(ls -A "$ROOT/$ID")"
}

@test "hooks: prestart and createRuntime run in the runtime's namespaces, createContainer and startContainer in the container's" {
	add_hook prestart
	add_hook createRuntime
	add_hook createContainer
	add_hook startContainer
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	local pid host_ns ctr_ns k
	pid=$(casco state "$ID" | jq -r .pid)
	host_ns="$(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/uts) $(hostname)"
	ctr_ns="$(readlink "/proc/$pid/ns/mnt") $(readlink "/proc/$pid/ns/uts") casco-test"
	[ "$host_ns" != "$ctr_ns" ] || fail "container namespaces equal the host's: $ctr_ns"
	for k in prestart createRuntime; do
		assert_equal "$(sed -n "s/^$k //p" "$LOG.ns")" "$host_ns"
	done
	for k in createContainer startContainer; do
		assert_equal "$(sed -n "s/^$k //p" "$LOG.ns")" "$ctr_ns"
	done
}

@test "hooks: a startContainer path resolves inside the container (a host-only path fails start)" {
	# Run on the host, this hook would succeed (and log to $LOG).
	set_config '.hooks.startContainer = [{path: $p, args: ["hook.sh", "x", $l]}]' \
		--arg p "$TESTDIR/hook.sh" --arg l "$LOG"
	rm "$BUNDLE/rootfs/hook.sh"
	set_args sh -c 'echo container >>/log/hooks.log'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_failure
	assert_output_contains "hooks.startContainer[0]"
	[ ! -e "$LOG" ] || fail "hook or container ran: $(cat "$LOG")"
}

@test "hooks: run in the foreground runs poststart, then poststop after the container exits" {
	add_hook poststart
	add_hook poststop
	run_sh 'echo container >>/log/hooks.log'
	assert_success
	run logged_names
	assert_output_matches '^(container poststart|poststart container) poststop$'
}

@test "hooks: args (argv[0] is args[0]) and env are exactly the configured ones" {
	local busybox
	busybox=$(command -v busybox) || skip "needs busybox on the host"
	# busybox picks the applet from argv[0]: "sh" only if args[0] is passed.
	add_raw_hook prestart '{path: $p, args: ["sh", "-c", $script, "zero", "one", "two"],
		env: ["HOOKVAR=hello world", "PATH=/usr/bin:/bin"]}' --arg p "$busybox" \
		--arg script "echo \"\$(tr '\\0' ' ' </proc/\$\$/cmdline | cut -d' ' -f1) \$0 \$1 \$2 [\$HOOKVAR]\" >$TESTDIR/args; env >$TESTDIR/env"
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_equal "$(cat "$TESTDIR/args")" "sh zero one two [hello world]"
	run cat "$TESTDIR/env"
	assert_output_contains "HOOKVAR=hello world"
	# Nothing of the runtime's own environment (bats exports BATS_*).
	assert_output_not_contains "BATS_"
	assert_output_not_contains "CASCO="
}

@test "hooks: a timeout kills a slow createRuntime hook and create fails naming it" {
	local sleep_bin t0 ms
	sleep_bin=$(command -v sleep)
	add_raw_hook createRuntime '{path: $p, args: ["sleep", "9.87"], timeout: 1}' --arg p "$sleep_bin"
	set_args true
	t0=$(date +%s%N)
	run casco_detached create --bundle "$BUNDLE" "$ID"
	ms=$((($(date +%s%N) - t0) / 1000000))
	assert_failure
	assert_output_contains "hooks.createRuntime[0]"
	assert_output_contains "timed out"
	[ "$ms" -lt 3000 ] || fail "create took ${ms} ms with a 1 s hook timeout"
	! pgrep -fx 'sleep 9[.]87' >/dev/null || fail "the timed-out hook is still running"
	assert_no_leftovers "$ID"
}

@test "hooks: a timeout of 0 is refused naming hooks.prestart[0].timeout" {
	add_raw_hook prestart '{path: $p, timeout: 0}' --arg p "$TESTDIR/hook.sh"
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "hooks.prestart[0].timeout"
	assert_no_leftovers "$ID"
}

# failing_hook KIND — a hook that saves its state, says why on stderr and exits 3.
failing_hook() {
	cat >"$TESTDIR/fail.sh" <<-'EOF'
		#!/bin/sh
		cat >"$1"
		echo "hook-says-no" >&2
		exit 3
	EOF
	chmod 0755 "$TESTDIR/fail.sh"
	add_raw_hook "$1" '{path: $p, args: ["fail.sh", $s]}' --arg p "$TESTDIR/fail.sh" --arg s "$TESTDIR/fail-state.json"
}

pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

# assert_create_failed_cleanly JSON_PATH — after a failed create.
assert_create_failed_cleanly() {
	assert_failure
	assert_output_contains "$1"
	assert_output_contains "hook-says-no"
	local pid
	pid=$(jq -r .pid "$TESTDIR/fail-state.json")
	[ "$pid" -gt 0 ] || fail "hook got no pid: $(cat "$TESTDIR/fail-state.json")"
	retry 30 0.1 pid_gone "$pid" || fail "container init $pid survived the failed create"
	[ ! -e "$ROOT/$ID" ] || fail "state directory $ROOT/$ID left behind"
	run casco state "$ID"
	assert_failure
	assert_output_contains "does not exist"
	! grep -qF "$BUNDLE" /proc/self/mountinfo || fail "mount of the bundle left behind"
	assert_no_leftovers "$ID"
}

@test "hooks: a failing createRuntime hook fails create, nothing left behind" {
	failing_hook createRuntime
	add_hook createContainer
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_create_failed_cleanly "hooks.createRuntime[0]"
	[ ! -e "$LOG" ] || fail "hooks after the failing one ran: $(cat "$LOG")"
}

@test "hooks: a failing prestart hook fails create, nothing left behind" {
	failing_hook prestart
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_create_failed_cleanly "hooks.prestart[0]"
}

@test "hooks: a failing createContainer hook fails create, nothing left behind" {
	failing_hook createContainer
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_create_failed_cleanly "hooks.createContainer[0]"
}

@test "hooks: a failing poststart hook warns, later hooks run and the container keeps running" {
	failing_hook poststart
	add_hook poststart second-poststart
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	assert_output_contains "hooks.poststart[0]"
	assert_equal "$(container_status "$ID")" running
	grep -q '^second-poststart ' "$LOG" || fail "poststart[1] did not run"
}

@test "hooks: a failing poststop hook warns, later hooks run and delete succeeds" {
	failing_hook poststop
	add_hook poststop second-poststop
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
	run casco delete "$ID"
	assert_success
	assert_output_contains "hooks.poststop[0]"
	grep -q '^second-poststop ' "$LOG" || fail "poststop[1] did not run"
	run casco state "$ID"
	assert_failure
	assert_no_leftovers "$ID"
}

@test "hooks: a hook path that does not exist fails create naming the hook, nothing left behind" {
	add_raw_hook createRuntime '{path: $p}' --arg p "$TESTDIR/no-such-hook"
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "hooks.createRuntime[0]"
	assert_output_contains "no-such-hook"
	assert_no_leftovers "$ID"
}

@test "hooks: poststart and poststop are those of config.json at create time (later edits have no effect)" {
	add_hook poststart poststart-at-create
	add_hook poststop poststop-at-create
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	# runtime-spec: changes to config.json after create do not affect the container.
	set_config 'del(.hooks)'
	add_hook poststart poststart-edited
	add_hook poststop poststop-edited
	run casco start "$ID"
	assert_success
	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
	run casco delete "$ID"
	assert_success
	run logged_names
	assert_equal "$output" "poststart-at-create poststop-at-create"
}
