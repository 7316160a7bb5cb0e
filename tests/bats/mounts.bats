#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# config.json mounts as the container sees them (libcontainer/mount.c):
# tmpfs, bind mounts (ro/rw, bundle-relative, single files), mount points
# created under a read-only root, and their order in mountinfo.

load helpers

@test "mounts: tmpfs on /tmp is writable under a read-only root" {
	set_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'
	run_sh 'echo hi >/tmp/f && cat /tmp/f && grep " /tmp " /proc/self/mountinfo'
	assert_success
	assert_output_contains hi
	assert_output_matches ' /tmp rw,.* - tmpfs '
}

@test "mounts: tmpfs with the ro option is read-only" {
	set_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["ro"]}]'
	run_sh 'touch /mnt/f'
	assert_failure
	assert_output_contains "Read-only file system"
}

@test "mounts: a read-only bind mount of a host directory is visible but not writable" {
	mkdir "$TESTDIR/shared"
	echo from-host >"$TESTDIR/shared/file"
	set_config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "ro"]}]' \
		--arg s "$TESTDIR/shared"
	run_sh 'cat /shared/file; touch /shared/new 2>&1; grep " /shared " /proc/self/mountinfo'
	assert_success
	assert_output_contains from-host
	assert_output_contains "Read-only file system"
	assert_output_matches ' /shared ro[, ]'
	[ ! -e "$TESTDIR/shared/new" ]
}

@test "mounts: a read-write bind mount lets the container write to the host directory" {
	mkdir "$TESTDIR/shared"
	set_config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
		--arg s "$TESTDIR/shared"
	run_sh 'echo from-ctr >/shared/out'
	assert_success
	assert_equal "$(cat "$TESTDIR/shared/out")" from-ctr
}

@test "mounts: a bind mount with a bundle-relative source is resolved against the bundle" {
	mkdir "$BUNDLE/data"
	echo in-bundle >"$BUNDLE/data/file"
	set_config '.mounts += [{destination: "/data", type: "bind", source: "data", options: ["bind", "ro"]}]'
	run_sh 'cat /data/file'
	assert_success
	assert_equal "$output" in-bundle
}

@test "mounts: a missing mount point is created even under a read-only root" {
	set_config '.mounts += [{destination: "/new/deep/dir", type: "tmpfs", source: "tmpfs", options: []}]'
	run_sh 'grep -c " /new/deep/dir " /proc/self/mountinfo'
	assert_success
	assert_equal "$output" 1
}

@test "mounts: a bind-mounted single file appears at its destination" {
	echo one-file >"$TESTDIR/single"
	set_config '.mounts += [{destination: "/etc/single.conf", type: "bind", source: $s, options: ["bind", "ro"]}]' \
		--arg s "$TESTDIR/single"
	run_sh 'cat /etc/single.conf'
	assert_success
	assert_equal "$output" one-file
}

# runtime-tools' validation (and anything else reading mountinfo) expects the
# config's mounts in config order; on kernels that list mountinfo by mount
# id, binds cloned before the container's other mounts came first.
mount_order_case() {
	mkdir "$TESTDIR/a" "$TESTDIR/b"
	set_config '.mounts += [
		{destination: "/m1", type: "tmpfs", source: "tmpfs", options: []},
		{destination: "/m2", type: "bind", source: $a, options: ["bind", "ro"]},
		{destination: "/m3", type: "tmpfs", source: "tmpfs", options: []},
		{destination: "/m4", type: "bind", source: $b, options: ["rbind", "rw"]},
		{destination: "/m5", type: "tmpfs", source: "tmpfs", options: []}]' \
		--arg a "$TESTDIR/a" --arg b "$TESTDIR/b"
	run_sh 'grep -oE " /m[1-5] " /proc/self/mountinfo | tr -d " " | tr "\n" " "'
	assert_success
	assert_equal "$output" "/m1 /m2 /m3 /m4 /m5 "
}

@test "mounts: mountinfo lists the config's mounts in config order, binds included" {
	mount_order_case
}

@test "mounts: mountinfo keeps config order for binds in a user namespace too" {
	requires_namespace user
	enable_userns
	# container root (host uid 100000) cannot create mount points in the rootfs
	mkdir "$BUNDLE"/rootfs/m{1,2,3,4,5}
	mount_order_case
}

@test "mounts: /dev/shm is a writable tmpfs and /dev/mqueue is mqueue" {
	run_sh 'echo x >/dev/shm/f && cat /dev/shm/f; grep -E " /dev/(shm|mqueue) " /proc/self/mountinfo'
	assert_success
	assert_output_matches '^x$'
	assert_output_matches ' /dev/shm rw,.* - tmpfs '
	assert_output_matches ' /dev/mqueue .* - mqueue '
}
