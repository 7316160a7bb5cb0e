# shellcheck shell=bash
# Helpers for the engines' end-to-end suites (tests/e2e/ENGINE.bats).  They
# run inside the VM (tests/e2e/guest.sh), as root, with:
#   $CASCO_E2E_DIR   a tmpfs for the engine's private roots and its logs
#   $CASCO_E2E_WORK  the host's work dir: casco-wrap (the runtime the
#                    engines get), busybox.tar (the image)
# Every daemon is started by its suite's setup_file and stopped by its
# teardown_file, by PID, whatever happened in between.

bats_require_minimum_version 1.5.0

WRAP=$CASCO_E2E_WORK/casco-wrap
CASCO_BIN=$CASCO_E2E_WORK/casco
IMAGE_TAR=$CASCO_E2E_WORK/busybox.tar
IMAGE=localhost/casco-busybox:latest
ARGV_LOG=$CASCO_E2E_DIR/argv.log

# One engine command may not hang the suite.
: "${E2E_TIMEOUT:=90}"

# Tag the runtime calls the next command makes with the test's name.
e2e_setup() {
	printf '%s\n' "$BATS_TEST_DESCRIPTION" >"$CASCO_E2E_DIR/current-test"
}

# tmo CMD... — CMD with the suite's time limit.
tmo() {
	timeout -k 5 "$E2E_TIMEOUT" "$@"
}

# in_pty CMD... — CMD with a terminal on its stdio (for -t), output cleaned
# of carriage returns.
in_pty() {
	local cmd
	printf -v cmd '%q ' "$@"
	timeout -k 5 "$E2E_TIMEOUT" script -qefc "$cmd" /dev/null </dev/null | tr -d '\r'
	return "${PIPESTATUS[0]}"
}

# start_daemon NAME PIDFILE CMD... — CMD in the background with its output
# in $CASCO_E2E_DIR/NAME.log; the PID goes to PIDFILE.  bats' fd 3 is
# closed so that it does not wait for the daemon.
start_daemon() {
	local name=$1 pidfile=$2
	shift 2
	"$@" </dev/null >>"$CASCO_E2E_DIR/$name.log" 2>&1 3>&- &
	echo $! >"$pidfile"
}

# stop_daemon PIDFILE — SIGTERM, up to 30 s, then SIGKILL; only that PID.
stop_daemon() {
	local pidfile=$1 pid i
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	if kill -TERM "$pid" 2>/dev/null; then
		for ((i = 0; i < 300; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pidfile"
}

# wait_for DESCRIPTION SECONDS CMD... — retry CMD (each try bounded too)
# until it succeeds or SECONDS have passed.
wait_for() {
	local what=$1 secs=$2 end
	shift 2
	end=$((SECONDS + secs))
	while [ "$SECONDS" -lt "$end" ]; do
		timeout -k 2 10 "$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "timed out after ${secs}s waiting for $what" >&2
	return 1
}

# start_containerd DIR — a private containerd: its own root, state, config
# and sockets under DIR, the CRI plugin disabled.  Waits until it answers.
start_containerd() {
	local d=$1
	mkdir -p "$d"
	cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[debug]
  address = "$d/debug.sock"
EOF
	start_daemon "$ENGINE-containerd" "$d/pid" containerd --config "$d/config.toml"
	wait_for "containerd's socket" 120 ctr --address "$d/containerd.sock" version
}

# The ids of every container casco was asked to create during this suite.
created_ids() {
	awk -F' [|] ' -v e="$ENGINE: " 'index($1, e) == 1 && $3 ~ / create / { n = split($3, a, " "); print a[n] }' \
		"$ARGV_LOG" | sort -u
}

# list_leftovers STATE_ROOT... — what the containers of this suite left
# behind: casco state dirs under each STATE_ROOT, processes outside the root
# cgroup (containers' and exec'd ones), cgroups and mounts named after a
# created container, container root filesystems (overlay mounts other than
# the VM's /), casco processes.
list_leftovers() {
	local root ids f pid
	for root in "$@"; do
		[ -d "$root" ] && find "$root" -mindepth 1 -maxdepth 1 -printf 'state: %p\n'
	done
	# (one grep, one find: forking per process is slow under TCG)
	for f in $(grep -Lx '0::/' /proc/[0-9]*/cgroup 2>/dev/null); do
		pid=${f#/proc/}
		pid=${pid%/cgroup}
		echo "process: $pid in cgroup $(cut -d: -f3 "$f" 2>/dev/null):" \
			"$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
	ids=$(created_ids)
	if [ -n "$ids" ]; then
		find /sys/fs/cgroup -type d 2>/dev/null | grep -F "$ids" | sed 's/^/cgroup: /'
		awk '{ print $5 }' /proc/self/mountinfo | grep -F "$ids" | sed 's/^/mount: /'
	fi
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "overlay" && $5 != "/") print "rootfs mount: " $5 }' \
		/proc/self/mountinfo
	find /proc/[0-9]*/exe -maxdepth 0 -lname "$CASCO_BIN" -printf 'casco process: %h\n' 2>/dev/null
}

# assert_nothing_left STATE_ROOT... — list_leftovers is empty (after a few
# seconds' grace for exiting processes).
assert_nothing_left() {
	local left i
	for ((i = 0; i < 10; i++)); do
		left=$(list_leftovers "$@")
		[ -z "$left" ] && return 0
		sleep 1
	done
	printf 'left behind:\n%s\n' "$left" >&2
	return 1
}

# A config refused by policy: `--privileged` gives every capability and no
# seccomp, which casco's default policy level refuses.
policy_refuses_privileged() {
	"$CASCO_BIN" features 2>/dev/null | grep -q '"io.casco.policy'
}

# assert_casco_refusal — $output holds casco's own refusal as the engine
# passed it on: the error line, with the level and the refused rules by
# name (guest.sh sets baseline, which refuses --privileged's CAP_SYS_ADMIN).
# Shims quote only that last line, not the findings logged before it.
assert_casco_refusal() {
	assert_output_contains "config refused by policy baseline: "
	assert_output_contains "CASCO-CAP-SYS_ADMIN"
	assert_output_contains "casco audit --policy baseline"
}

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

assert_success() {
	[ "$status" -eq 0 ] || fail "expected success, got status $status; output:" "$output"
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected status $1, got $status; output:" "$output"
}

assert_output_contains() {
	[[ $output == *"$1"* ]] || fail "expected output to contain: $1" "output:" "$output"
}

assert_equal() {
	[ "$1" = "$2" ] || fail "expected: '$2'" "  actual: '$1'"
}
