#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# exec: what the process lands in (namespaces, root, hostname, seccomp) and
# the options that shape it (--user, --additional-gids, --cap,
# --no-new-privs, --process, --tty, --pid-file).  exec.bats has the basics.

load helpers

setup_file() {
	RECVTTY=$BATS_FILE_TMPDIR/recvtty
	if command -v "${CC:-cc}" >/dev/null; then
		"${CC:-cc}" -O2 -Wall -o "$RECVTTY" "$BATS_TEST_DIRNAME/../helpers/recvtty.c"
	fi
	export RECVTTY
}

teardown() {
	if [ -n "${RECVTTY_PID:-}" ]; then
		kill "$RECVTTY_PID" 2>/dev/null || true
		wait "$RECVTTY_PID" 2>/dev/null || true
	fi
	common_teardown
}

# start_sleeper — run $ID detached with `sleep 1000`; sets $INIT_PID.
start_sleeper() {
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
	INIT_PID=$(casco state "$ID" | jq -r .pid)
	[ "$INIT_PID" -gt 0 ]
}

@test "exec: lands in the container's pid namespace and sees its hostname and root filesystem" {
	local marker=marker-$RANDOM$RANDOM
	echo "$marker" >"$BUNDLE/rootfs/marker"
	start_sleeper
	run casco exec "$ID" sh -c 'readlink /proc/self/ns/pid; hostname; cat /marker; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_equal "$output" "$(readlink "/proc/$INIT_PID/ns/pid")
casco-test
$marker
sleep 1000 "
	[ "$(readlink "/proc/$INIT_PID/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] ||
		fail "the container shares the host's pid namespace"
}

@test "exec: exit status 7 is propagated" {
	start_sleeper
	run casco exec "$ID" sh -c 'exit 7'
	assert_status 7
}

@test "exec: --user nobody is looked up in the container's /etc/passwd" {
	start_sleeper
	run casco exec --user nobody "$ID" sh -c 'id -u; id -g'
	assert_success
	assert_equal "$output" "65534
65534"
}

@test "exec: --user with a name only the host knows is refused, the container keeps running" {
	local name
	for name in daemon bin sys games mail; do
		if grep -q "^$name:" /etc/passwd && ! grep -q "^$name:" "$BUNDLE/rootfs/etc/passwd"; then
			break
		fi
		name=
	done
	[ -n "$name" ] || skip "no user in the host's /etc/passwd that the bundle's lacks"
	start_sleeper
	run casco exec --user "$name" "$ID" id -u
	assert_failure
	assert_output_contains "$name"
	assert_equal "$(container_status "$ID")" running
}

@test "exec: --cwd and --env (which overrides the config's value)" {
	start_sleeper
	run casco exec --cwd /tmp --env FOO=bar --env TERM=dumb "$ID" sh -c 'echo "$PWD $FOO $TERM"'
	assert_success
	assert_equal "$output" "/tmp bar dumb"
}

@test "exec: --user 1000:1000 --additional-gids 10,20 sets uid, gid and supplementary groups" {
	start_sleeper
	run casco exec --user 1000:1000 --additional-gids 10,20 "$ID" sh -c 'id -u; id -G'
	assert_success
	assert_equal "$output" "1000
1000 10 20"
}

@test "exec: --additional-gids is repeatable" {
	start_sleeper
	run casco exec -g 10 -g 20 "$ID" id -G
	assert_success
	assert_equal "$output" "0 10 20"
}

@test "exec: --cap CAP_NET_RAW adds it to bounding, permitted and effective, not inheritable" {
	start_sleeper
	run casco exec --cap CAP_NET_RAW "$ID" grep -E '^Cap(Inh|Prm|Eff|Bnd):' /proc/self/status
	assert_success
	# the bundle's CAP_KILL(5) | CAP_NET_BIND_SERVICE(10) | CAP_AUDIT_WRITE(29), plus CAP_NET_RAW(13)
	local want
	want=$(printf '%016x' $(((1 << 5) | (1 << 10) | (1 << 29) | (1 << 13))))
	assert_equal "$output" "CapInh:	0000000000000000
CapPrm:	$want
CapEff:	$want
CapBnd:	$want"
}

@test "exec: without --cap the exec'd process lacks CAP_NET_RAW (control)" {
	start_sleeper
	run casco exec "$ID" grep ^CapEff: /proc/self/status
	assert_success
	assert_output_matches "^CapEff:[[:space:]]+$(printf '%016x' $(((1 << 5) | (1 << 10) | (1 << 29))))\$"
}

@test "exec: --no-new-privs sets NoNewPrivs in a container without it" {
	set_config '.process.noNewPrivileges = false'
	start_sleeper
	run casco exec "$ID" grep ^NoNewPrivs: /proc/self/status
	assert_success
	assert_output_matches '^NoNewPrivs:[[:space:]]+0$'
	run casco exec --no-new-privs "$ID" grep ^NoNewPrivs: /proc/self/status
	assert_success
	assert_output_matches '^NoNewPrivs:[[:space:]]+1$'
}

@test "exec: -p process.json sets args, user and cwd" {
	start_sleeper
	jq -n '{args: ["sh", "-c", "id -u; pwd"], cwd: "/home/user", user: {uid: 1000, gid: 1000},
		env: ["PATH=/bin:/usr/bin"]}' >"$TESTDIR/process.json"
	run casco exec -p "$TESTDIR/process.json" "$ID"
	assert_success
	assert_equal "$output" "1000
/home/user"
}

@test "exec: -p with malformed JSON is refused mentioning --process" {
	start_sleeper
	echo '{"args": ["true"' >"$TESTDIR/process.json"
	run casco exec -p "$TESTDIR/process.json" "$ID"
	assert_failure
	assert_output_contains "--process"
	assert_equal "$(container_status "$ID")" running
}

@test "exec: --tty with --console-socket gives the process a pty" {
	[ -x "$RECVTTY" ] || skip "needs a C compiler to build tests/helpers/recvtty.c"
	start_sleeper
	local sock=$TESTDIR/console.sock rc=0
	"$RECVTTY" -t 20 "$sock" >"$TESTDIR/tty.out" 2>"$TESTDIR/tty.err" 3>&- &
	RECVTTY_PID=$!
	retry 50 0.1 test -S "$sock" || fail "recvtty did not start: $(cat "$TESTDIR/tty.err")"
	run casco exec --tty --console-socket "$sock" "$ID" sh -c 'tty; test -t 0 && test -t 1 && test -t 2 && echo all-ttys; exit 5'
	assert_status 5
	wait "$RECVTTY_PID" || rc=$?
	RECVTTY_PID=
	[ "$rc" -eq 0 ] || fail "recvtty failed ($rc): $(cat "$TESTDIR/tty.err")"
	output=$(tr -d '\r' <"$TESTDIR/tty.out")
	assert_output_matches '^/dev/pts/[0-9]+$'
	assert_output_contains all-ttys
}

@test "exec -d --pid-file: the file holds the pid of the process running in the container" {
	start_sleeper
	run casco_detached exec -d --pid-file "$TESTDIR/exec.pid" "$ID" sleep 999
	assert_success
	local pid
	pid=$(cat "$TESTDIR/exec.pid")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	[ "$pid" != "$INIT_PID" ] || fail "pid file names the container's init"
	retry 20 0.1 grep -q 999 "/proc/$pid/cmdline" || fail "process $pid is not sleep 999"
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 999 "
	assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$INIT_PID/ns/pid")"
	assert_equal "$(readlink "/proc/$pid/ns/mnt")" "$(readlink "/proc/$INIT_PID/ns/mnt")"
}

@test "exec: the container's seccomp profile applies (mkdir denied there is denied in exec)" {
	set_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
	start_sleeper
	run casco exec "$ID" sh -c 'grep ^Seccomp: /proc/self/status; touch /tmp/f && echo touch-ok; mkdir /tmp/x'
	assert_failure
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains touch-ok
	assert_output_contains "can't create directory '/tmp/x': Operation not permitted"
}
