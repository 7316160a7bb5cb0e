#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# The container's root filesystem (libcontainer/rootfs.c): what / is,
# root.readonly, read-only /sys, and linux.rootfsPropagation.

load helpers

@test "rootfs: / is the bundle's rootfs and no host path is mounted" {
	run_sh 'cat /proc/self/mountinfo'
	assert_success
	local roots
	roots=$(awk '$5 == "/" { print $4 }' <<<"$output")
	assert_equal "$roots" "$BUNDLE/rootfs"
	# Every other mount point is one of the configured pseudo filesystems.
	local bad
	bad=$(awk '$5 != "/" && $5 !~ "^/(proc|dev|sys)(/|$)" { print $5 }' <<<"$output")
	[ -z "$bad" ] || fail "unexpected mount points: $bad"
	# No bind of a host path other than the rootfs.
	bad=$(awk '$5 != "/" && $4 ~ "^/(tmp|work|home|root|etc|usr|var|run)(/|$)" { print $5 " <- " $4 }' <<<"$output")
	[ -z "$bad" ] || fail "host paths mounted: $bad"
}

@test "rootfs: the container sees the bundle's files, not the host's" {
	run_sh 'cat /etc/os-release; test -e /work || test -e /usr/lib/os-release || echo no-host-files'
	assert_success
	assert_output_contains 'busybox test rootfs'
	assert_output_contains no-host-files
}

@test "rootfs: root.readonly=true makes writing to / fail" {
	run_sh 'touch /newfile'
	assert_failure
	assert_output_contains "Read-only file system"
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: root.readonly=false allows writing to /" {
	set_config '.root.readonly = false'
	run_sh 'echo data >/newfile && cat /newfile'
	assert_success
	assert_equal "$output" data
	assert_equal "$(cat "$BUNDLE/rootfs/newfile")" data
}

@test "rootfs: /sys is read-only" {
	run_sh 'mkdir /sys/kernel/casco-x 2>&1 || echo refused; grep " /sys " /proc/self/mountinfo'
	assert_success
	assert_output_contains refused
	assert_output_matches ' /sys ro[, ]'
}

@test "rootfsPropagation: unbindable and runbindable are applied to the container's /" {
	# runc 1.1.5 makes / unbindable before binding the rootfs onto itself,
	# which the kernel then refuses (EINVAL): it fails this spec value
	requires_casco
	local prop
	for prop in unbindable runbindable; do
		set_config '.linux.rootfsPropagation = $p' --arg p "$prop"
		run_sh 'awk "\$5 == \"/\" { print \$7 }" /proc/self/mountinfo'
		assert_success
		assert_output_contains unbindable
	done
}
