#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# linux.seccomp: actions, errno values, argument conditions, the notify
# listener (tests/helpers/seccomp-listener.c receives the fd and the state
# as a seccomp agent would) and refusal of bad profiles.

load helpers

setup_file() {
	LISTENER=$BATS_FILE_TMPDIR/seccomp-listener
	if command -v "${CC:-cc}" >/dev/null; then
		"${CC:-cc}" -O2 -Wall -o "$LISTENER" "$BATS_TEST_DIRNAME/../helpers/seccomp-listener.c"
	fi
	export LISTENER
}

setup() {
	common_setup
	# A writable /tmp under the read-only root, for mkdir.
	set_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'
}

teardown() {
	stop_listener
	common_teardown
}

# set_seccomp DEFAULT_ACTION SYSCALLS_JQ — linux.seccomp for the native
# architecture; SYSCALLS_JQ is a jq expression for the syscalls array.
set_seccomp() {
	set_config ".linux.seccomp = {defaultAction: \$d, syscalls: ($2)}" --arg d "$1"
}

# deny_mkdir ACTION [RULE_FIELDS_JQ] — everything allowed but mkdir/mkdirat.
deny_mkdir() {
	set_seccomp SCMP_ACT_ALLOW "[{names: [\"mkdir\", \"mkdirat\"], action: \"$1\"${2:+, $2}}]"
}

# ------------------------------------------------------------- actions

@test "seccomp: SCMP_ACT_ERRNO on mkdir/mkdirat fails mkdir with EPERM, ls and echo still work" {
	deny_mkdir SCMP_ACT_ERRNO
	run_sh 'grep ^Seccomp: /proc/self/status; echo echo-ok; ls / >/dev/null && echo ls-ok; touch /tmp/f && echo touch-ok; mkdir /tmp/x'
	assert_failure
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains echo-ok
	assert_output_contains ls-ok
	# /tmp is writable: only the filter stops mkdir.
	assert_output_contains touch-ok
	assert_output_matches "mkdir: can't create directory '/tmp/x': Operation not permitted"
}

@test "seccomp: the filter also applies with noNewPrivileges=false" {
	set_config '.process.noNewPrivileges = false'
	deny_mkdir SCMP_ACT_ERRNO
	run_sh 'grep ^NoNewPrivs: /proc/self/status; mkdir /tmp/x'
	assert_failure
	assert_output_matches '^NoNewPrivs:[[:space:]]+0$'
	assert_output_contains "Operation not permitted"
}

# The init waits for start with its filter already in place when the filter
# allows what the waiting still takes (accept4, recvmsg, ...); otherwise the
# filter goes in just before exec.  Either way the container runs filtered.

# init_seccomp_mode_before_start — create, print the init's Seccomp: mode
# (0 none, 2 filter), start; then the container's own output (its stdout is
# $CONTAINER_LOG, create's).
init_seccomp_mode_before_start() {
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	awk '$1 == "Seccomp:" { print "init-seccomp-" $2 }' "/proc/$pid/status"
	casco start "$ID"
	wait_for_status "$ID" stopped
	cat "$CONTAINER_LOG"
}

@test "seccomp: the init waits for start with the filter already installed when it allows the waiting" {
	deny_mkdir SCMP_ACT_ERRNO
	set_args sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x || echo mkdir-denied'
	run init_seccomp_mode_before_start
	assert_success
	assert_output_contains init-seccomp-2
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains mkdir-denied
}

@test "seccomp: a filter denying accept4 (the init's wait for start) goes in just before exec instead" {
	set_seccomp SCMP_ACT_ALLOW '[{names: ["accept4", "mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]'
	set_args sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x || echo mkdir-denied'
	run init_seccomp_mode_before_start
	assert_success
	assert_output_contains init-seccomp-0
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains mkdir-denied
}

@test "seccomp: without linux.seccomp mkdir works (control)" {
	run_sh 'mkdir /tmp/x && test -d /tmp/x && echo made'
	assert_success
	assert_equal "$output" made
}

@test "seccomp: errnoRet 13 makes the syscall fail with EACCES" {
	deny_mkdir SCMP_ACT_ERRNO 'errnoRet: 13'
	run_sh 'mkdir /tmp/x'
	assert_failure
	assert_output_contains "Permission denied"
	assert_output_not_contains "Operation not permitted"
}

@test "seccomp: errnoRet 1 makes the syscall fail with EPERM" {
	deny_mkdir SCMP_ACT_ERRNO 'errnoRet: 1'
	run_sh 'mkdir /tmp/x'
	assert_failure
	assert_output_contains "Operation not permitted"
}

@test "seccomp: defaultErrnoRet is the errno of the default SCMP_ACT_ERRNO" {
	local profile=$SRCDIR/seccomp/default.json
	[ -f "$profile" ] || skip "needs the allow list of $profile"
	# The shipped profile's allow rules minus mkdir/mkdirat, default EACCES.
	set_config '.linux.seccomp = ($p[0]
		| .defaultErrnoRet = 13
		| .syscalls |= map(select(.action == "SCMP_ACT_ALLOW") | .names -= ["mkdir", "mkdirat"]
			| select(.names | length > 0)))' --slurpfile p "$profile"
	run_sh 'echo still-runs; mkdir /tmp/x'
	assert_failure
	assert_output_contains still-runs
	assert_output_contains "can't create directory '/tmp/x': Permission denied"
}

@test "seccomp: an argument condition denies personality(PER_LINUX32) only" {
	busybox --list 2>/dev/null | grep -qx linux32 ||
		skip "busybox has no linux32 applet to call personality(PER_LINUX32)"
	# PER_LINUX32 = 8; linux64 calls personality(PER_LINUX = 0).
	set_seccomp SCMP_ACT_ALLOW '[{names: ["personality"], action: "SCMP_ACT_ERRNO",
		args: [{index: 0, value: 8, op: "SCMP_CMP_EQ"}]}]'
	run_sh 'linux32 echo linux32-ok; linux64 echo linux64-ok'
	assert_success
	assert_output_contains linux64-ok
	assert_output_not_contains linux32-ok
	assert_output_contains "personality(0x8): Operation not permitted"
}

@test "seccomp: linux32 works without the argument condition (control)" {
	busybox --list 2>/dev/null | grep -qx linux32 ||
		skip "busybox has no linux32 applet to call personality(PER_LINUX32)"
	run_sh 'linux32 echo linux32-ok'
	assert_success
	assert_equal "$output" linux32-ok
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills with SIGSYS (exit status 159)" {
	deny_mkdir SCMP_ACT_KILL_PROCESS
	set_args mkdir /tmp/x
	run casco run --bundle "$BUNDLE" "$ID"
	assert_status 159
}

@test "seccomp: SCMP_ACT_LOG lets the syscall run" {
	deny_mkdir SCMP_ACT_LOG
	run_sh 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x && test -d /tmp/x && echo made'
	assert_success
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains made
}

@test "seccomp: an unknown syscall name is ignored, the rest of the rule applies" {
	set_seccomp SCMP_ACT_ALLOW '[{names: ["not_a_syscall", "mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]'
	run_sh 'echo running; mkdir /tmp/x'
	assert_failure
	assert_output_contains running
	assert_output_contains "Operation not permitted"
}

# ------------------------------------------------ the cwd check under a filter

# Without noNewPrivileges the filter goes in while the init still holds
# CAP_SYS_ADMIN, before it checks its cwd with getcwd (CVE-2024-21626).  A
# profile denying getcwd then fails that check; the error says so (runc:
# "failed to verify if current working directory is safe: operation not
# permitted"), never that the cwd is outside the root.
@test "seccomp: a profile denying getcwd (noNewPrivileges=false) fails the cwd check saying getcwd was denied" {
	set_config '.process.noNewPrivileges = false'
	set_seccomp SCMP_ACT_ALLOW '[{names: ["getcwd"], action: "SCMP_ACT_ERRNO"}]'
	set_args /bin/true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_matches '[Oo]peration not permitted'
	assert_output_not_contains "outside the container root"
	if is_casco; then
		assert_output_contains 'process.cwd: cannot verify that `/` is inside the container root (CVE-2024-21626): getcwd: Operation not permitted'
		# the config changes that pass
		assert_output_contains "allow getcwd in linux.seccomp, or set process.noNewPrivileges to true"
	fi
	assert_no_leftovers "$ID"
}

@test "seccomp: a profile denying getcwd runs with noNewPrivileges=true (the filter loads after the cwd check)" {
	set_config '.process.noNewPrivileges = true'
	set_seccomp SCMP_ACT_ALLOW '[{names: ["getcwd"], action: "SCMP_ACT_ERRNO"}]'
	set_args /bin/true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_success
}

# ------------------------------------------------------- notify listener

start_listener() {
	[ -x "$LISTENER" ] || skip "needs a C compiler to build tests/helpers/seccomp-listener.c"
	SOCK=$TESTDIR/agent.sock
	"$LISTENER" -t 20 "$@" "$SOCK" "$TESTDIR/agent.json" >"$TESTDIR/agent.out" 2>"$TESTDIR/agent.err" 3>&- &
	LISTENER_PID=$!
	retry 50 0.1 test -S "$SOCK" || fail "listener did not start: $(cat "$TESTDIR/agent.err")"
}

wait_listener() {
	local rc=0
	wait "$LISTENER_PID" || rc=$?
	LISTENER_PID=
	[ "$rc" -eq 0 ] || fail "listener failed ($rc): $(cat "$TESTDIR/agent.err")"
}

stop_listener() {
	if [ -n "${LISTENER_PID:-}" ]; then
		kill "$LISTENER_PID" 2>/dev/null || true
		wait "$LISTENER_PID" 2>/dev/null || true
		LISTENER_PID=
	fi
}

# notify_roundtrip NNP — mkdir notifies the listener, which answers
# "success" without running it; checks what the listener received.
notify_roundtrip() {
	set_config '.process.noNewPrivileges = ($nnp == "true")' --arg nnp "$1"
	start_listener -a
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $sock, listenerMetadata: "casco-test-metadata",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg sock "$SOCK"
	set_args sh -c 'mkdir /tmp/x && echo mkdir-returned-0; test -d /tmp/x || echo not-created'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" stopped
	wait_listener

	# The agent answered: mkdir "succeeded" but never ran.
	run cat "$CONTAINER_LOG"
	assert_output_contains mkdir-returned-0
	assert_output_contains not-created
	run cat "$TESTDIR/agent.out"
	assert_output_matches '^fd: anon_inode:seccomp notify$'
	assert_output_matches '^notify: syscall [0-9]+$'

	jq -e --arg id "$ID" --argjson pid "$pid" --arg b "$BUNDLE" '
		.metadata == "casco-test-metadata"
		and .fds == ["seccompFd"]
		and (.ociVersion | type == "string")
		and (.pid | type == "number" and . > 0)
		and .state.id == $id
		and .state.pid == $pid
		and .state.bundle == $b' "$TESTDIR/agent.json" ||
		fail "bad agent JSON: $(cat "$TESTDIR/agent.json")"
}

@test "seccomp notify: the listener gets the notify fd, metadata and state (noNewPrivileges=true)" {
	notify_roundtrip true
}

@test "seccomp notify: the listener gets the notify fd, metadata and state (noNewPrivileges=false)" {
	notify_roundtrip false
}

@test "seccomp notify: run in the foreground forwards the fd and the container proceeds" {
	start_listener -a
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $sock, listenerMetadata: "fg",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg sock "$SOCK"
	run_sh 'mkdir /tmp/x && echo mkdir-returned-0'
	assert_success
	# ALLOW with one NOTIFY rule lets every escape through: the policy (permissive here) warns
	assert_output_contains "warning: linux.seccomp.defaultAction (SCMP_ACT_ALLOW: the compiled filter lets through"
	assert_equal "$(grep -v '^casco: warning: ' <<<"$output")" mkdir-returned-0
	wait_listener
	jq -e '.metadata == "fg" and .state.id != null' "$TESTDIR/agent.json" ||
		fail "bad agent JSON: $(cat "$TESTDIR/agent.json")"
}

@test "seccomp notify: the listenerPath of config.json at create time is used (later edits have no effect)" {
	set_config '.process.noNewPrivileges = true'
	start_listener -a
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $sock, listenerMetadata: "at-create",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg sock "$SOCK"
	set_args sh -c 'mkdir /tmp/x && echo mkdir-returned-0'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	# runtime-spec: changes to config.json after create do not affect the container.
	set_config '.linux.seccomp.listenerPath = $p | .linux.seccomp.listenerMetadata = "edited"' \
		--arg p "$TESTDIR/nobody-listens.sock"
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" stopped
	wait_listener
	jq -e '.metadata == "at-create"' "$TESTDIR/agent.json" >/dev/null ||
		fail "bad agent JSON: $(cat "$TESTDIR/agent.json")"
	run cat "$CONTAINER_LOG"
	assert_output_contains mkdir-returned-0
}

@test "seccomp notify: SCMP_ACT_NOTIFY without listenerPath is refused" {
	set_seccomp SCMP_ACT_ALLOW '[{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "linux.seccomp.listenerPath"
	assert_no_leftovers "$ID"
}

# ------------------------------------------------------------ bad input

# refused JQ_EDIT PATH WORD — the edited profile makes `run` fail with a
# message naming PATH and WORD, leaving nothing behind.
refused() {
	set_seccomp SCMP_ACT_ALLOW '[{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}]'
	set_config "$1"
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "$2"
	assert_output_contains "$3"
	assert_no_leftovers "$ID"
}

@test "seccomp: an unknown syscall action is refused naming linux.seccomp.syscalls[0]" {
	refused '.linux.seccomp.syscalls[0].action = "SCMP_ACT_FOO"' "linux.seccomp.syscalls[0]" SCMP_ACT_FOO
}

@test "seccomp: an unknown defaultAction is refused naming linux.seccomp.defaultAction" {
	refused '.linux.seccomp.defaultAction = "SCMP_ACT_FOO"' "linux.seccomp.defaultAction" SCMP_ACT_FOO
}

@test "seccomp: an unknown architecture is refused naming linux.seccomp.architectures[1]" {
	refused '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_FOO"]' \
		"linux.seccomp.architectures[1]" SCMP_ARCH_FOO
}

@test "seccomp: an unknown flag is refused naming linux.seccomp.flags[0]" {
	refused '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_FOO"]' "linux.seccomp.flags[0]" SECCOMP_FILTER_FLAG_FOO
}

@test "seccomp: an unknown argument operator is refused naming linux.seccomp.syscalls[0].args[0]" {
	refused '.linux.seccomp.syscalls[0].args = [{index: 0, value: 1, op: "SCMP_CMP_FOO"}]' \
		"linux.seccomp.syscalls[0].args[0]" SCMP_CMP_FOO
}
