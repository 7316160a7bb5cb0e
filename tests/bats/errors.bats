#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# Failures: each must exit non-zero, say what went wrong, and leave nothing
# behind (no state dir for the id, no mount, no process).

load helpers

# expect_error REGEX — the last `run` failed and its output matches REGEX.
expect_error() {
	assert_failure
	assert_output_matches "$1"
}

@test "create: nonexistent bundle directory fails, names the problem" {
	run casco_detached create --bundle "$TESTDIR/no-such-bundle" "$ID"
	expect_error "no-such-bundle.*([Nn]o such file or directory|does not exist)|([Nn]o such file or directory|does not exist).*no-such-bundle"
	assert_no_leftovers "$ID"
}

@test "create: bundle without config.json fails" {
	rm "$BUNDLE/config.json"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "config.json"
	assert_no_leftovers "$ID"
}

@test "create: malformed JSON in config.json fails" {
	echo '{"ociVersion": "1.2.0", "process": {bad' >"$BUNDLE/config.json"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "invalid character|parse|JSON|json"
	assert_no_leftovers "$ID"
}

@test "create: config.json that is not an object fails" {
	echo '[1, 2, 3]' >"$BUNDLE/config.json"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_no_leftovers "$ID"
}

@test "create: missing rootfs directory fails, mentions rootfs" {
	rm -rf "$BUNDLE/rootfs"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "rootfs"
	assert_no_leftovers "$ID"
}

@test "create: nonexistent process binary fails at create or start, leaving nothing" {
	set_args /no/such/binary
	run casco_detached run --bundle "$BUNDLE" "$ID"
	expect_error "/no/such/binary"
	casco delete --force "$ID" >/dev/null 2>&1 || true
	assert_no_leftovers "$ID"
}

@test "create: duplicate id fails with 'already exists' and keeps the first" {
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "already exists"
	assert_equal "$(container_status "$ID")" created
}

@test "create: id '../x' is rejected as an invalid id format" {
	run casco_detached create --bundle "$BUNDLE" ../x
	expect_error "invalid container (ID|id) format"
	[ ! -e "$TESTDIR/x" ] || fail "created $TESTDIR/x outside the root"
	assert_no_leftovers
}

@test "create: id with a slash is rejected" {
	run casco_detached create --bundle "$BUNDLE" a/b
	expect_error "invalid container (ID|id) format"
	assert_no_leftovers
}

@test "create: empty id is rejected" {
	run casco_detached create --bundle "$BUNDLE" ""
	assert_failure
	assert_no_leftovers
}

@test "create: missing container id argument is a usage error" {
	run casco_detached create --bundle "$BUNDLE"
	assert_failure
	assert_output_matches "container id|requires|argument|Usage"
	assert_no_leftovers
}

@test "state: unknown id fails with 'does not exist'" {
	run casco state nosuchctr
	expect_error "does not exist"
}

@test "start: unknown id fails with 'does not exist'" {
	run casco start nosuchctr
	expect_error "does not exist"
}

@test "kill: unknown id fails with 'does not exist'" {
	run casco kill nosuchctr KILL
	expect_error "does not exist"
}

@test "delete: unknown id fails with 'does not exist'" {
	run casco delete nosuchctr
	expect_error "does not exist"
}

@test "delete --force: an unknown id succeeds (engines clean up that way)" {
	# containerd's shim force-deletes after every task, gone or not
	run casco delete --force nosuchctr
	assert_success
	assert_equal "$output" ""
}

@test "unknown command fails and names it" {
	run casco frobnicate
	expect_error "frobnicate"
}

@test "unknown global flag fails with 'flag provided but not defined'" {
	run casco --frobnicate list
	expect_error "flag provided but not defined: -{1,2}frobnicate"
}

@test "unknown command flag fails with 'flag provided but not defined'" {
	run casco list --frobnicate
	expect_error "flag provided but not defined: -{1,2}frobnicate"
}

@test "start: starting a running container fails" {
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	expect_error "cannot start an already running container"
	assert_equal "$(container_status "$ID")" running
}

@test "start: starting a stopped container fails" {
	set_args true
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" stopped
	run casco start "$ID"
	expect_error "cannot start a container that has stopped"
}

@test "kill: signalling a stopped container fails with 'container not running'" {
	set_args true
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" stopped
	run casco kill "$ID" KILL
	expect_error "container not running"
}

@test "delete: a running container without --force is refused" {
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	run casco delete "$ID"
	expect_error "cannot delete container $ID that is not stopped"
	assert_equal "$(container_status "$ID")" running
}

@test "create: a failing mount leaves no state, mount or process behind" {
	set_config '.mounts += [{destination: "/mnt/x", type: "bind", source: "/no/such/source", options: ["bind"]}]'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "/no/such/source|/mnt/x"
	assert_no_leftovers "$ID"
}

@test "create: an unknown namespace type is rejected" {
	set_config '.linux.namespaces += [{type: "frobnicate"}]'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "frobnicate"
	assert_no_leftovers "$ID"
}

@test "--root must be usable: a regular file as root fails" {
	: >"$TESTDIR/file-root"
	run timeout 30 "$CASCO" --root "$TESTDIR/file-root" list
	assert_failure
}

# ------------------------------------------- an init that dies before READY
# The parent sees only the sync socket close; the error says of what the
# init died: its wait status (and, with a cgroup, the OOM killer's record:
# tests/vm/tiny-limits.bats).

@test "create: an init killed before it is ready names the signal (SIGKILL from a prestart hook)" {
	requires_casco
	cat >"$TESTDIR/kill-init.sh" <<-'EOF'
		#!/bin/sh
		pid=$(sed -n 's/.*"pid": *\([0-9][0-9]*\).*/\1/p')
		kill -KILL "$pid"
	EOF
	chmod 0755 "$TESTDIR/kill-init.sh"
	set_config '.hooks.prestart = [{path: $p}]' --arg p "$TESTDIR/kill-init.sh"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "container init was killed by signal SIGKILL before it was ready"
	assert_no_leftovers "$ID"
}

@test "create: an init its own seccomp filter kills before it is ready names SIGSYS and the config change" {
	requires_casco
	# without noNewPrivileges the filter is in before the cwd check (getcwd)
	set_config '.process.noNewPrivileges = false'
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getcwd"], action: "SCMP_ACT_KILL_PROCESS"}]}'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "container init was killed by signal SIGSYS before it was ready: linux.seccomp kills a syscall"
	assert_output_contains "allow that syscall, or set process.noNewPrivileges to true"
	assert_no_leftovers "$ID"
}

@test "create: an init that exits before it is ready without reporting names its exit status" {
	requires_casco
	# getcwd fails the cwd check, and with sendto denied the init cannot say so
	set_config '.process.noNewPrivileges = false'
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getcwd", "sendto", "sendmsg"], action: "SCMP_ACT_ERRNO"}]}'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error "container init exited with status 1 before it was ready, without reporting an error"
	assert_no_leftovers "$ID"
}

# ------------------------------------------- a memory limit too small to start
# Refused by the structural checks, at every policy level, before anything
# exists (so on any host: a v1 host's "cgroup v2 is required" comes later);
# the VM checks the same with a real cgroup (tests/vm/tiny-limits.bats).

@test "create: a memory limit too small for the init is refused before anything exists, naming the value and the minimum" {
	requires_casco
	set_config '.linux.resources.memory = {limit: 4096}'
	local level
	for level in strict baseline permissive; do
		run casco_detached --policy "$level" create --bundle "$BUNDLE" "$ID"
		expect_error "linux.resources.memory.limit: 4096 bytes is below the 262144 bytes \(256 KiB\) a container's init needs to start: set at least 262144, or -1 for no limit"
		assert_no_leftovers "$ID"
	done
	run casco run --bundle "$BUNDLE" "$ID"
	expect_error "linux.resources.memory.limit: 4096 bytes is below the 262144 bytes"
	assert_no_leftovers "$ID"
}

@test "create: a unified memory.max too small for the init is refused the same way" {
	requires_casco
	set_config '.linux.resources.unified = {"memory.max": "65536"}'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	expect_error 'linux.resources.unified\["memory.max"\]: 65536 bytes is below the 262144 bytes'
	assert_no_leftovers "$ID"
}

@test "audit: a memory limit too small for the init is the same error as create's (exit 2)" {
	requires_casco
	set_config '.linux.resources.memory = {limit: 4096}'
	local level
	for level in strict baseline permissive; do
		run casco audit --policy "$level" --bundle "$BUNDLE"
		assert_status 2
		assert_output_contains "linux.resources.memory.limit"
		assert_output_contains "4096 bytes is below the 262144 bytes (256 KiB) a container's init needs to start"
	done
}

# run's init is ready and waits for start; killed in that window, run says
# of what (strace holds run's connect to the init for 3 seconds).
@test "run: an init killed while it waits for start names the signal" {
	requires_casco
	command -v strace >/dev/null || skip "needs strace to hold run before it starts the init"
	set_args /bin/true
	# LeakSanitizer cannot run under ptrace (the sanitizer run's casco)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 60 strace -o /dev/null -e trace=connect -e inject=connect:delay_enter=3s \
		"$CASCO" --root "$ROOT" run --bundle "$BUNDLE" "$ID" >"$TESTDIR/run.out" 2>&1 &
	local run_pid=$! pid=
	wait_for_status "$ID" created
	pid=$(casco state "$ID" | jq -r .pid)
	kill -KILL "$pid"
	local rc=0
	wait "$run_pid" || rc=$?
	run cat "$TESTDIR/run.out"
	[ "$rc" -ne 0 ] || fail "run succeeded: $output"
	assert_output_contains "container init was killed by signal SIGKILL while it waited for start"
	assert_no_leftovers "$ID"
}
