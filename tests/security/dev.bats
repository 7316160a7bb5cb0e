#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# /dev: devices, /dev/null used to mask paths, and /dev/console, when the
# image (or an engine-provided /dev that a container can write) puts
# symlinks where device nodes belong.

load security-helpers

setup() {
	security_setup
	echo CANARY >"$BUNDLE/rootfs/canary"
}

# use_host_dev — the container's /dev is a bind of the host directory
# $DEVDIR (an engine's /dev; casco does not populate it), as a writable
# shared volume would be.
use_host_dev() {
	DEVDIR=$TESTDIR/devdir
	mkdir -p "$DEVDIR/pts" "$DEVDIR/shm" "$DEVDIR/mqueue"
	ln -s pts/ptmx "$DEVDIR/ptmx"
	set_config '(.mounts[] | select(.destination == "/dev")) = {destination: "/dev", type: "bind",
		source: $d, options: ["rbind", "nosuid"]}' --arg d "$DEVDIR"
}

# ---------------------------------------------------------------------------
# CVE-2025-31133 (runc < 1.2.8/1.3.3/1.4.0-rc.3): runc masked paths by
# bind-mounting the container's /dev/null over them; a container that
# swapped its /dev/null for a symlink (racing a shared /dev) made runc bind
# the symlink's TARGET instead — a masked path unmasked, or a procfs file
# such as /proc/sys/kernel/core_pattern bound writable over it.  casco:
# /dev/null is opened with RESOLVE_NO_SYMLINKS under the container's /dev
# and must be the character device 1:3 before anything is masked with it
# (dev.c dev_open_null); the masks are mounted from that one fd.

# bats test_tags=cve,weaken:dev-null-check
@test "CVE-2025-31133: a /dev/null replaced by a symlink (raced) never becomes the mask of a masked path" {
	local i
	use_host_dev
	ln -s /canary "$DEVDIR/null"
	set_args sh -c 'cat /proc/timer_list /proc/keys 2>&1 | head -c 200'
	run casco run --bundle "$BUNDLE" "$ID"
	assert_output_not_contains CANARY
	if [ "$status" -ne 0 ]; then assert_output_contains "/dev/null"; fi
	# The race: the real device and the symlink swap places all the time.
	mv "$DEVDIR/null" "$DEVDIR/null-link"
	mknod -m 666 "$DEVDIR/null" c 1 3
	start_swap "$DEVDIR/null" "$DEVDIR/null-link"
	for i in $(seq 1 15); do
		run casco run --bundle "$BUNDLE" "$ID-$i"
		assert_output_not_contains CANARY
	done
	stop_swap
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# CVE-2025-52565 (runc 1.0.0-rc3 .. 1.2.7/1.3.2/1.4.0-rc.2): runc bind-mounted
# the pty onto /dev/console by path; with /dev/console a symlink (or raced
# into one) the mount landed on the symlink's target, e.g. a procfs file,
# making it writable or hiding it.  casco: /dev/console is created with
# O_EXCL|O_NOFOLLOW, opened with RESOLVE_NO_SYMLINKS, must be a file or a
# character device, and the pty is mounted onto that fd (rootfs.c
# rootfs_bind_console).

# bats test_tags=cve,weaken:console-nofollow
@test "CVE-2025-52565: a /dev/console symlink is never followed to mount the pty" {
	local recvtty
	recvtty=$(helper_bin recvtty)
	use_host_dev
	echo TARGET >"$BUNDLE/rootfs/console-target"
	ln -s /console-target "$DEVDIR/console"
	set_config '.process.terminal = true'
	set_args sh -c 'test -f /console-target && ! test -c /console-target'
	"$recvtty" -t 20 "$TESTDIR/console.sock" >"$TESTDIR/tty.out" 2>&1 3>&- &
	local rpid=$!
	retry 50 0.1 test -S "$TESTDIR/console.sock" || fail "recvtty did not start"
	run casco run --console-socket "$TESTDIR/console.sock" --bundle "$BUNDLE" "$ID"
	kill "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	# Refused, or run with the target untouched.
	if [ "$status" -ne 0 ]; then
		assert_output_contains "/dev/console"
	fi
	assert_equal "$(cat "$BUNDLE/rootfs/console-target")" TARGET
	assert_no_leftovers "$ID"
}

# ---------------------------------------------------------------------------
# crun CVE-2019-18837 (crun < 0.10.5) and CVE-2026-41579 (the same class):
# crun created the container's device nodes under /dev by path; an image
# whose /dev — or a device path in it — is a symlink made it create (or
# keep) nodes outside the rootfs or hand the container a symlink where a
# device belongs.  casco: /dev is resolved inside the rootfs
# (RESOLVE_IN_ROOT), each node is made with mknodat on that fd, and a device
# path that is a symlink in the image is refused (dev.c dev_create).

# bats test_tags=cve,weaken:inroot
@test "crun CVE-2019-18837: an image whose /dev is a symlink to a host dir gets no nodes created on the host" {
	local hostdev=$TESTDIR/hostdev before rel
	mkdir -p "$hostdev"
	before=$(tree_snapshot "$hostdev")
	rel=$(printf '../%.0s' {1..20})
	for link in "$hostdev" "$rel${hostdev#/}"; do
		rm -rf "$BUNDLE/rootfs/dev"
		ln -sfn "$link" "$BUNDLE/rootfs/dev"
		# The image's own /dev: no tmpfs over it.
		set_config 'del(.mounts[] | select(.destination == "/dev"))'
		run_sh 'ls /dev'
		assert_host_untouched "$hostdev" "$before"
	done
	assert_no_leftovers
}

# bats test_tags=cve,weaken:dev-symlink
@test "CVE-2026-41579: device paths that are symlinks in the image are refused, not kept" {
	set_config 'del(.mounts[] | select(.destination == "/dev")) | .linux.maskedPaths = []'
	ln -sfn /canary "$BUNDLE/rootfs/dev/null"
	run_sh 'cat /dev/null; stat -c "%F %t:%T" /dev/null'
	assert_output_not_contains CANARY
	if [ "$status" -eq 0 ]; then
		assert_output_contains "character special file 1:3"
	else
		assert_output_contains "/dev/null"
	fi
	assert_no_leftovers "$ID"
}
