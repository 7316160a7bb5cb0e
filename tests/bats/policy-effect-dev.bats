#!/usr/bin/env bats
# bats file_tags=env:host,security
# Device rules by effect (issue 17, class 3).  On a host where the container
# gets no device cgroup (this suite's hosts: no usable cgroup v2, or
# --cgroup-manager disabled), linux.resources.devices used to be dropped:
# with CAP_MKNOD (Docker's default set) a container made a block node of the
# host's disk and read it.  casco now makes the rootfs and every mount but
# devpts nodev and lets only the nodes it creates open, each a mount of its
# own.  Every attack here reads at most 512 bytes and writes only /dev/null.
#
# Each test was shown red on the code before (CASCO=/tmp/base/casco).  Where
# the host itself may not open its disk (some VMs: EPERM even for root),
# the block-node tests tell nodev's refusal (EACCES, "Permission denied",
# at open, before any driver) from that; the fuse and /dev/null tests show
# nodes that really opened before.

load helpers

# The tests below are about hosts where no device cgroup filters the
# container (this one: cgroups are v1/hybrid, casco is v2-only); a cgroup v2
# host filters with BPF instead (EPERM, not nodev's EACCES): skip there.
requires_nodev_devices() {
	requires_casco
	[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ] ||
		skip "this host gives the container a device cgroup"
}

# The device number of the disk holding the test's rootfs (the host's root
# disk here): "MAJOR MINOR".
root_disk() {
	local d
	d=$(stat -c %d "$BUNDLE/rootfs")
	echo "$(((d >> 8) & 0xfff)) $(((d & 0xff) | ((d >> 12) & 0xfff00)))"
}

# Docker's config (docker run busybox: deny-all device rules, CAP_MKNOD)
# on this test's rootfs.
docker_bundle() {
	jq --arg root "$BUNDLE/rootfs" '.root.path = $root
		| del(.hooks, .process.apparmorProfile)
		| .mounts |= map(select((.source | startswith("/var/lib/")) | not) | select(.type != "cgroup"))' \
		"$TESTS_DIR/fixtures/docker-default.json" >"$BUNDLE/config.json"
}

# run_at LEVEL SCRIPT — the bundle's container at LEVEL, sh -c SCRIPT.
run_at() {
	set_args sh -c "$2"
	run casco --policy "$1" run --bundle "$BUNDLE" "$ID"
}

@test "dev effect: a block node of the host's disk made by mknod (CAP_MKNOD) cannot be read, at baseline" {
	requires_nodev_devices
	docker_bundle
	read -r maj min < <(root_disk)
	run_at baseline "mknod /tmp/disk b $maj $min && echo made && head -c 512 /tmp/disk | wc -c"
	assert_output_contains made
	assert_output_contains "Permission denied"
	[[ $output != *512* ]] || fail "the container read the host's disk: $output"
	assert_no_leftovers "$ID"
}

@test "dev effect: the same mknod in /dev (the container's tmpfs) and in a fresh tmpfs cannot be read" {
	requires_nodev_devices
	docker_bundle
	read -r maj min < <(root_disk)
	set_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["dev", "rdev"]}]'
	run_at baseline "for d in /dev /dev/shm /mnt; do mknod \$d/disk b $maj $min && head -c 512 \$d/disk | wc -c; done"
	[ "$(grep -c 'Permission denied' <<<"$output")" -eq 3 ] || fail "a node opened: $output"
	[[ $output != *512* ]] || fail "the container read the host's disk: $output"
}

@test "dev effect: a block node shipped in the image cannot be read" {
	requires_nodev_devices
	docker_bundle
	read -r maj min < <(root_disk)
	mknod "$BUNDLE/rootfs/disk" b "$maj" "$min"
	run_at baseline "head -c 512 /disk | wc -c"
	assert_output_contains "Permission denied"
	[[ $output != *512* ]] || fail "the container read the host's disk: $output"
}

@test "dev effect: char nodes the rules deny (1:1 /dev/mem, 10:229 fuse) made by mknod do not open" {
	requires_nodev_devices
	docker_bundle
	# the open itself fails (nodev: EACCES), before /dev/mem's own CAP_SYS_RAWIO check (EPERM)
	run_at baseline 'mknod /dev/mem c 1 1 && mknod /tmp/fuse c 10 229 && echo made
		head -c 1 /dev/mem; exec 3<>/tmp/fuse && echo fuse-opened'
	assert_output_contains made
	[ "$(grep -c 'Permission denied' <<<"$output")" -eq 2 ] || fail "a node opened: $output"
	[[ $output != *fuse-opened* ]] || fail "/dev/fuse opened: $output"
}

@test "dev effect: a remount asking for \"dev\" or \"rdev\" does not lift nodev" {
	requires_nodev_devices
	docker_bundle
	read -r maj min < <(root_disk)
	set_config '.mounts += [{destination: "/tmp", type: "none", source: "none", options: ["remount", "dev"]},
		{destination: "/etc", type: "none", source: "none", options: ["remount", "rdev"]}]'
	run_at baseline "mknod /tmp/disk b $maj $min && head -c 512 /tmp/disk | wc -c"
	assert_output_contains "Permission denied"
	[[ $output != *512* ]] || fail "the container read the host's disk: $output"
}

@test "dev effect: a read-only bind of the host's /dev gives no writable (or openable) device" {
	requires_nodev_devices
	docker_bundle
	set_config '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
		| .mounts += [{destination: "/dev", type: "bind", source: "/dev", options: ["bind", "ro"]}]'
	run_at baseline 'echo x >/dev/null && echo wrote-null; head -c 1 /dev/zero | wc -c'
	[[ $output != *wrote-null* ]] || fail "a device of a read-only bind was written: $output"
	assert_output_contains "Permission denied"
}

@test "dev effect: Docker's and containerd's configs still run at baseline, their devices work" {
	requires_casco
	for fixture in docker-default containerd-default; do
		jq --arg root "$BUNDLE/rootfs" '.root.path = $root | del(.hooks, .process.apparmorProfile)
			| .mounts |= map(select((.source | startswith("/var/lib/")) | not) | select(.type != "cgroup"))' \
			"$TESTS_DIR/fixtures/$fixture.json" >"$BUNDLE/config.json"
		run_at baseline 'echo x >/dev/null && head -c 3 /dev/zero | wc -c && head -c 3 /dev/urandom | wc -c && echo ok'
		assert_success
		assert_output_contains ok
		[ "$(grep -c '^3$' <<<"$output")" -eq 2 ] || fail "$fixture: $output"
	done
}

@test "dev effect: linux.devices nodes open with their mode, an image's wrong node at their path is refused" {
	requires_nodev_devices
	set_config '.linux.devices = [{path: "/dev/casco-null", type: "c", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 0}]'
	run_sh 'stat -c "%a" /dev/casco-null && echo x >/dev/casco-null && echo written'
	assert_success
	assert_output_contains "660"
	assert_output_contains written
	# the image's /dev (no /dev mount): its node at the path is not the device asked for
	set_config '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
		| .linux.devices = [{path: "/dev/casco-null", type: "c", major: 1, minor: 3}]'
	mkdir -p "$BUNDLE/rootfs/dev"
	read -r maj min < <(root_disk)
	mknod "$BUNDLE/rootfs/dev/casco-null" b "$maj" "$min"
	run_sh 'head -c 512 /dev/casco-null | wc -c'
	assert_failure
	assert_output_contains "linux.devices[0]"
	assert_output_contains "refusing to let it open"
	assert_no_leftovers "$ID"
}

@test "dev effect: --explain says devices are enforced by nodev" {
	requires_casco
	set_args true
	run casco run --explain --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "linux.resources.devices is enforced by nodev"
}

@test "dev effect: at strict the same attack config is refused before anything exists" {
	requires_casco
	docker_bundle
	read -r maj min < <(root_disk)
	run_at strict "mknod /tmp/disk b $maj $min && head -c 512 /tmp/disk | wc -c"
	assert_failure
	assert_output_contains "config refused by policy strict"
	[[ $output != *512* ]] || fail "$output"
	assert_no_leftovers "$ID"
}
