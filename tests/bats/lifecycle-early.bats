#!/usr/bin/env bats
# shellcheck disable=SC2154 # bats sets $output
# bats file_tags=env:host
# start and delete before the C library starts (libcontainer/early/lifecycle.c):
# the plain cases end in casco_entry; everything else is main()'s, with its
# own words.  Each fast-path test is red without the fast path (the trace
# shows glibc's start-up), and each hand-over test is red if the fast path
# keeps what is not its to do.

load helpers

# The C library's start-up sets up TLS with arch_prctl(ARCH_SET_FS); the
# fast path calls nothing of the kind.
requires_early_entry() {
	requires_casco
	[ "${CASCO_NO_EARLY:-}" != 1 ] || skip "CASCO_NO_EARLY=1: casco_entry leaves every command to main()"
	command -v strace >/dev/null || skip "needs strace (apt-get install strace)"
	command -v readelf >/dev/null || skip "needs readelf (apt-get install binutils)"
	local entry sym
	entry=$(readelf -hW "$CASCO" | awk '/Entry point address/ { print $4 }')
	sym=$(readelf -sW "$CASCO" | awk '$8 == "casco_entry" { print $2; exit }')
	[ -n "$sym" ] || skip "this casco has no casco_entry (a dynamic, sanitizer or stripped build): main() does everything"
	[ "$((entry))" -eq "$((16#$sym))" ] || skip "this casco does not start at casco_entry"
}

# traced NAME ARGS... — casco ARGS under strace, the trace in $TESTDIR/NAME.trace.
traced() {
	local name=$1
	shift
	strace -f -o "$TESTDIR/$name.trace" "$CASCO" --root "$ROOT" "$@"
}

libc_started() {
	grep -q 'arch_prctl(ARCH_SET_FS' "$TESTDIR/$1.trace"
}

assert_no_libc() {
	if libc_started "$1"; then
		fail "$1 went through main(): $(head -c 1500 "$TESTDIR/$1.trace")"
	fi
}

assert_libc() {
	libc_started "$1" || fail "$1 ended before libc started: it was main()'s to do"
}

# assert_gone PID — dead: no such process, or a zombie its parent (pid 1
# by now) has yet to reap.
assert_gone() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	case $state in
	'' | Z | X) ;;
	*) fail "process $1 is still alive (state $state)" ;;
	esac
}

@test "early: start of a plain created container, and delete -f of the running one, end before libc starts" {
	requires_early_entry
	create_sleeper
	run traced start start "$ID"
	assert_success
	assert_no_libc start
	wait_for_status "$ID" running
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	grep -q 1000 "/proc/$pid/cmdline"

	run traced delete delete -f "$ID"
	assert_success
	assert_no_libc delete
	assert_gone "$pid"
	run casco state "$ID"
	assert_failure
	assert_output_contains "does not exist"
	assert_no_leftovers "$ID"
}

@test "early: delete of a created container kills its init without --force, before libc starts" {
	requires_early_entry
	create_sleeper
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	run traced delete delete "$ID"
	assert_success
	assert_no_libc delete
	assert_gone "$pid"
	assert_no_leftovers "$ID"
}

@test "early: delete of a stopped container removes its state before libc starts" {
	requires_early_entry
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" stopped
	run traced delete delete "$ID"
	assert_success
	assert_no_libc delete
	[ ! -e "$ROOT/$ID" ]
}

@test "early: a running container without --force is main()'s to refuse, and keeps running" {
	requires_early_entry
	create_sleeper
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running
	run traced delete delete "$ID"
	assert_failure
	assert_output_contains "cannot delete container $ID that is not stopped"
	assert_libc delete
	run casco state "$ID"
	assert_equal "$(jq -r .status <<<"$output")" running
}

@test "early: an exec that fails at start is handed to main(), which reports it" {
	requires_early_entry
	# The init finds its executable at create; gone by start, exec fails
	# after START was sent: the fast path must leave the answer to main().
	cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/bin/vanishing"
	set_args /bin/vanishing sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	rm "$BUNDLE/rootfs/bin/vanishing"
	run traced start start "$ID"
	assert_failure
	assert_output_contains "/bin/vanishing"
	assert_output_contains "No such file or directory"
	# the answer was read after the hand-over, by the C library's casco
	assert_libc start
	run casco delete -f "$ID"
	assert_success
}

@test "early: --log FILE is created by a start that ends before libc starts, as main() creates it" {
	requires_early_entry
	create_sleeper
	[ ! -e "$TESTDIR/start.log" ]
	run traced start --log "$TESTDIR/start.log" --log-format json start "$ID"
	assert_success
	assert_no_libc start
	[ -f "$TESTDIR/start.log" ]
	[ ! -s "$TESTDIR/start.log" ]
}

@test "early: options, states and files it does not plainly know are main()'s, with main()'s errors" {
	requires_early_entry
	create_sleeper
	# --debug: main() logs what it does
	run traced start --debug start --help
	assert_success
	assert_libc start
	run casco --log-format yaml start "$ID"
	assert_failure
	assert_output_contains "invalid log-format: yaml"
	run casco start "$ID" extra
	assert_failure
	assert_output_contains "requires exactly 1 argument"
	run casco start "bad/id"
	assert_failure
	assert_output_contains "invalid container id format"
	run casco delete nosuch
	assert_failure
	assert_output_contains "does not exist"
	# a state file the fast path does not follow: main() says it is corrupt
	cp "$ROOT/$ID/state.json" "$TESTDIR/state.json"
	printf '{"pid": [' >"$ROOT/$ID/state.json"
	run traced start start "$ID"
	assert_failure
	assert_output_contains "state file corrupt"
	assert_libc start
	cp "$TESTDIR/state.json" "$ROOT/$ID/state.json"
	run casco state "$ID"
	assert_equal "$(jq -r .status <<<"$output")" created
}

@test "early: a FIFO or a symlink planted as state.json is refused by start and delete, without hanging" {
	create_sleeper
	mv "$ROOT/$ID/state.json" "$TESTDIR/state.json"
	mkfifo "$ROOT/$ID/state.json"
	for cmd in start delete; do
		run timeout -k 2 10 "$CASCO" --root "$ROOT" "$cmd" "$ID"
		[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "$cmd hung on a FIFO state.json"
		assert_failure
		assert_output_contains "not a regular file"
	done
	rm "$ROOT/$ID/state.json"
	ln -s "$TESTDIR/state.json" "$ROOT/$ID/state.json"
	run timeout -k 2 10 "$CASCO" --root "$ROOT" start "$ID"
	assert_failure
	rm "$ROOT/$ID/state.json"
	mv "$TESTDIR/state.json" "$ROOT/$ID/state.json"
	run casco state "$ID"
	assert_equal "$(jq -r .status <<<"$output")" created
}
