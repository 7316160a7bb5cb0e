#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# process.terminal=true with --console-socket: the runtime creates a pty and
# sends its master over the unix socket (SCM_RIGHTS); tests/helpers/recvtty.c
# receives it, types input and prints what the container wrote.

load helpers

setup_file() {
	RECVTTY=$BATS_FILE_TMPDIR/recvtty
	if command -v "${CC:-cc}" >/dev/null; then
		"${CC:-cc}" -O2 -Wall -o "$RECVTTY" "$BATS_TEST_DIRNAME/../helpers/recvtty.c"
	fi
	export RECVTTY
}

setup() {
	[ -x "$RECVTTY" ] || skip "needs a C compiler to build tests/helpers/recvtty.c"
	common_setup
	SOCK=$TESTDIR/console.sock
	set_config '.process.terminal = true'
}

# start_recvtty [RECVTTY OPTIONS...] — listen on $SOCK in the background
# (output in $TESTDIR/tty.out); waits until the socket accepts connections.
start_recvtty() {
	"$RECVTTY" -t 20 "$@" "$SOCK" >"$TESTDIR/tty.out" 2>"$TESTDIR/tty.err" 3>&- &
	RECVTTY_PID=$!
	retry 50 0.1 test -S "$SOCK" || fail "recvtty did not start: $(cat "$TESTDIR/tty.err")"
}

# wait_recvtty — wait for recvtty to finish; $output is what the pty showed
# (carriage returns removed), $status recvtty's exit status.
wait_recvtty() {
	status=0
	wait "$RECVTTY_PID" || status=$?
	output=$(tr -d '\r' <"$TESTDIR/tty.out")
	[ "$status" -eq 0 ] || fail "recvtty failed ($status): $(cat "$TESTDIR/tty.err")" "pty output: $output"
}

stop_recvtty() {
	if [ -n "${RECVTTY_PID:-}" ]; then
		kill "$RECVTTY_PID" 2>/dev/null || true
		wait "$RECVTTY_PID" 2>/dev/null || true
		RECVTTY_PID=
	fi
}

teardown() {
	stop_recvtty
	common_teardown
}

@test "console: run -d --console-socket gives the container a pty on stdio" {
	set_args sh -c 'tty; test -t 0 && test -t 1 && test -t 2 && echo all-ttys'
	start_recvtty
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	assert_output_matches '^/dev/pts/[0-9]+$'
	assert_output_contains all-ttys
}

@test "console: create --console-socket hands over a pty master before start" {
	set_args sh -c 'echo started'
	start_recvtty -n
	run casco_detached create --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q '^fd: .*(tty)' "$TESTDIR/tty.out" || fail "no pty received: $(cat "$TESTDIR/tty.out" "$TESTDIR/tty.err")"
	assert_equal "$(container_status "$ID")" created
	! grep -q started "$TESTDIR/tty.out" || fail "container ran before start"
	run casco start "$ID"
	assert_success
	wait_recvtty
	assert_output_contains started
}

@test "console: output written before and after start arrives on the master" {
	set_args sh -c 'echo out-$((6*7))'
	start_recvtty
	run casco_detached create --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	wait_recvtty
	assert_output_contains out-42
	wait_for_status "$ID" stopped
}

@test "console: input typed on the master reaches an interactive shell" {
	set_args sh
	start_recvtty -i 'echo in-$((6*7))\nexit 3\n'
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	assert_output_contains in-42
	wait_for_status "$ID" stopped
}

@test "console: /dev/console is the container's pty" {
	set_args sh -c 'stat -c "%F %t" /dev/console; tty'
	start_recvtty
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	# 0x88 = 136: the Unix98 pty slave major.
	assert_output_matches '^character special file 88$'
}

@test "console: the pty is the controlling terminal (Ctrl-C sends SIGINT)" {
	set_args sh -c 'trap "echo got-int; exit 0" INT; echo ready; while :; do sleep 1; done'
	start_recvtty -w ready -i '\003'
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	assert_output_contains got-int
}

@test "console: EOF (Ctrl-D) on the master ends cat" {
	set_args sh -c 'echo ready; cat; echo cat-done'
	start_recvtty -w ready -i 'hello\n\004'
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	assert_output_contains cat-done
}

# script_run ARGS... — `casco ARGS...` in the foreground on a pty that
# script(1) provides, its stdin at EOF from the start (script then sends the
# pty an EOF); the bytes the pty showed go to $TESTDIR/pty.out.
# timeout runs with --foreground: otherwise it moves itself and casco into a
# process group of their own, a background job of script's terminal, where
# every read of the terminal fails with EIO (runc then hangs the same way).
# Whether it does depends on $SHELL: bash execs timeout as the session leader,
# whose setpgid fails; dash (script's default without SHELL) forks it.
script_run() {
	command -v script >/dev/null || skip "needs script(1) (bsdutils)"
	local cmd
	cmd=$(printf '%q ' timeout --foreground -k 5 30 "$CASCO" --root "$ROOT" "$@")
	script -qec "$cmd" /dev/null >"$TESTDIR/pty.out" 2>&1
}

@test "console: a foreground terminal run under script(1) shows no stray NUL or ^@" {
	# script's EOF, queued while casco's stdin is still canonical, is a NUL
	# byte to raw mode: it used to reach the container's pty, echoed as ^@.
	set_args sh -c 'sleep 0.3; echo hello'
	script_run run --bundle "$BUNDLE" "$ID" </dev/null
	tr -d '\r' <"$TESTDIR/pty.out" | grep -q hello || fail "no hello:" "$(cat -v "$TESTDIR/pty.out")"
	[ "$(tr -cd '\000' <"$TESTDIR/pty.out" | wc -c)" -eq 0 ] || fail "a NUL byte in:" "$(cat -v "$TESTDIR/pty.out")"
	! grep -qF '^@' "$TESTDIR/pty.out" || fail "a ^@ in:" "$(cat -v "$TESTDIR/pty.out")"
}

@test "console: input typed before a foreground terminal run starts reaches the container" {
	set_args sh -c 'read -r line; echo "got:$line"'
	printf 'typed-ahead\n' | script_run run --bundle "$BUNDLE" "$ID"
	tr -d '\r' <"$TESTDIR/pty.out" | grep -qx 'got:typed-ahead' || fail "input lost:" "$(cat -v "$TESTDIR/pty.out")"
	! grep -qF '^@' "$TESTDIR/pty.out" || fail "a ^@ in:" "$(cat -v "$TESTDIR/pty.out")"
}

@test "console: process.consoleSize sets the window size" {
	set_config '.process.consoleSize = {height: 41, width: 103}'
	set_args stty size
	start_recvtty
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_success
	wait_recvtty
	assert_equal "$output" "41 103"
}

@test "console: terminal=true without --console-socket is refused on create" {
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	# runc: "cannot allocate tty if runc will detach without setting console socket"
	assert_output_matches "console[- ]socket"
	assert_no_leftovers "$ID"
}

@test "console: --console-socket with terminal=false is refused" {
	set_config '.process.terminal = false'
	set_args true
	start_recvtty
	run casco_detached run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$ID"
	assert_failure
	# runc: "cannot use console socket if runc will not detach or allocate tty"
	assert_output_matches "console[- ]socket"
	stop_recvtty
	assert_no_leftovers "$ID"
}

@test "console: a console socket nobody listens on fails cleanly" {
	set_args true
	run casco_detached run -d --console-socket "$TESTDIR/nobody.sock" --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "nobody.sock"
	assert_no_leftovers "$ID"
}
