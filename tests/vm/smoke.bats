#!/usr/bin/env bats
# bats file_tags=env:host,vm-harness
# tests/vm/smoke.bats — the VM harness gives the cgroup tests what they rely
# on.  Runs on the host, as root: `bats tests/vm/smoke.bats` (about a
# minute under TCG: five boots).  Every test skips, with the package to
# install, when run-in-vm's prerequisites are missing.
#
# One boot runs tests/vm/smoke-guest.sh, whose verdicts ("ok NAME" /
# "not ok NAME: detail") the guest tests below read; the others boot their
# own VM to check the harness itself.

# shellcheck disable=SC2016 # single-quoted code runs inside the VM
# shellcheck disable=SC2154 # bats sets $stderr
bats_require_minimum_version 1.5.0

VM_DIR=$(cd "$(dirname "$BATS_TEST_FILENAME")" && pwd)
RUN_IN_VM=$VM_DIR/run-in-vm

setup_file() {
	export SKIP_REASON=
	if ! SKIP_REASON=$("$RUN_IN_VM" --check 2>&1); then
		return 0
	fi
	SKIP_REASON=
	# Under /var/tmp: the guest's /tmp is a tmpfs of its own.
	HOST_DIR=$(mktemp -d /var/tmp/casco-vm-smoke.XXXXXX)
	export HOST_DIR
	echo host >"$HOST_DIR/existing"
	local rc=0
	"$RUN_IN_VM" --env SMOKE_DIR="$HOST_DIR" -- bash "$VM_DIR/smoke-guest.sh" \
		>"$BATS_FILE_TMPDIR/guest.out" 2>"$BATS_FILE_TMPDIR/guest.err" || rc=$?
	echo "$rc" >"$BATS_FILE_TMPDIR/guest.rc"
}

teardown_file() {
	[ -z "${HOST_DIR:-}" ] || rm -rf "$HOST_DIR"
}

setup() {
	[ -z "$SKIP_REASON" ] || skip "$SKIP_REASON"
}

# guest_ok NAME... — the guest script reported every NAME as ok.
guest_ok() {
	local name rc=0
	for name; do
		if ! grep -qx "ok $name" "$BATS_FILE_TMPDIR/guest.out"; then
			echo "guest check $name did not pass"
			rc=1
		fi
	done
	if [ "$rc" -ne 0 ]; then
		echo "--- guest stdout (status $(cat "$BATS_FILE_TMPDIR/guest.rc"))"
		cat "$BATS_FILE_TMPDIR/guest.out"
		echo "--- guest stderr"
		cat "$BATS_FILE_TMPDIR/guest.err"
	fi
	return "$rc"
}

@test "vm: /sys/fs/cgroup is cgroup2 with every controller enabled, memory pids cpu io among them" {
	guest_ok cgroup2-mounted controllers-enabled all-controllers-enabled child-cgroup
}

@test "vm: a child cgroup's memory.max gets its process OOM-killed" {
	guest_ok memory-oom-kill
}

@test "vm: a child cgroup's pids.max makes fork fail" {
	guest_ok pids-fork-limit
}

@test "vm: a child cgroup takes cpu.max and cpu.weight" {
	guest_ok cpu-max
}

@test "vm: / is an overlay over the host's files, writable everywhere; /tmp is a tmpfs unless the job runs under it" {
	guest_ok root-is-overlay host-file-visible overlay-writable usr-writable tmp-is-tmpfs
}

@test "vm: what the guest wrote never reaches the host" {
	guest_ok overlay-writable
	[ "$(cat "$HOST_DIR/existing")" = host ]
	[ ! -e "$HOST_DIR/new" ]
	[ ! -e /usr/casco-smoke ]
}

@test "vm: every guest check passed" {
	guest_ok
	[ "$(cat "$BATS_FILE_TMPDIR/guest.rc")" -eq 0 ] || {
		cat "$BATS_FILE_TMPDIR/guest.out" "$BATS_FILE_TMPDIR/guest.err"
		false
	}
}

@test "run-in-vm: exit status, stdout and stderr come back apart; cwd and --env apply" {
	cd "$VM_DIR"
	run --separate-stderr "$RUN_IN_VM" --env SMOKE_VAR='a b$c' -- \
		sh -c 'echo "out $PWD $SMOKE_VAR"; echo err >&2; exit 42'
	echo "status $status, stdout '$output', stderr '$stderr'"
	[ "$status" -eq 42 ]
	[ "$output" = "out $VM_DIR a b\$c" ]
	[ "$stderr" = err ]
}

@test "run-in-vm: --timeout stops the VM, exits 124 and leaves nothing behind" {
	local tmp=$BATS_TEST_TMPDIR/tmp
	mkdir "$tmp"
	SECONDS=0
	TMPDIR=$tmp run "$RUN_IN_VM" --timeout 3 -- sleep 600
	echo "status $status after ${SECONDS}s: $output"
	[ "$status" -eq 124 ]
	[[ $output == *"timed out after 3s"* ]]
	[ "$SECONDS" -lt 30 ]
	[ -z "$(ls -A "$tmp")" ]
	run pgrep -f -- "$tmp"
	[ "$status" -eq 1 ]
}

@test "run-in-vm: two runs at once on an empty cache both pass and build it once" {
	local cache=$BATS_TEST_TMPDIR/cache pid1 pid2 rc1=0 rc2=0
	CASCO_VM_CACHE=$cache "$RUN_IN_VM" -- true &
	pid1=$!
	CASCO_VM_CACHE=$cache "$RUN_IN_VM" -- true &
	pid2=$!
	wait "$pid1" || rc1=$?
	wait "$pid2" || rc2=$?
	ls -la "$cache"
	[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ]
	[ "$(find "$cache" -name 'initramfs-*.cpio' | wc -l)" -eq 1 ]
	[ -z "$(find "$cache" -name '*.tmp.*' -o -name '.build.*')" ]
}

@test "run-in-vm: the q35 machine (used when the host's TSC rate is unknown) works too" {
	CASCO_VM_MACHINE=q35 run --separate-stderr "$RUN_IN_VM" -- cat /sys/fs/cgroup/cgroup.subtree_control
	echo "status $status, stdout '$output', stderr '$stderr'"
	[ "$status" -eq 0 ]
	[[ " $output " == *" memory "* ]]
}

@test "run-in-vm: a missing qemu names the package to install and exits 2" {
	run env PATH=/nonexistent /bin/bash "$RUN_IN_VM" -- true
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == *"apt-get install -y qemu-system-x86"* ]]
}
