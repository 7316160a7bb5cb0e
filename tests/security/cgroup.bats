#!/usr/bin/env bats
# shellcheck disable=SC2016 # single-quoted jq programs and container scripts
# bats file_tags=env:host,security
# CVE-2023-25809 (runc < 1.1.5): the container got a WRITABLE
# /sys/fs/cgroup — with /sys bound "rbind,ro" the read-only flag covered
# only the top mount, so the cgroup submounts under it stayed read-write;
# and in a user namespace without a cgroup namespace runc bound the host's
# cgroup tree read-write (that case needs cgroup2 and runs in the test VM:
# tests/vm/security-cgroup.bats).  A writable cgroup tree lets the
# container create cgroups and move or limit host processes.
# casco: "ro" on an rbind is applied to every submount before the tree is
# attached (libcontainer/mount.c apply_attrs).
# This host check only READS the container's mount table: nothing under the
# host's /sys/fs/cgroup is ever written.

load security-helpers

# bats test_tags=cve,weaken:rbind-ro
@test "CVE-2023-25809: /sys bound rbind,ro: every submount, /sys/fs/cgroup included, is read-only" {
	set_config '(.mounts[] | select(.destination == "/sys")) = {destination: "/sys", type: "bind",
		source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"]}
		| .linux.maskedPaths -= ["/sys/firmware"]'
	run_sh 'awk '\''$5 == "/sys" || index($5, "/sys/") == 1 { split($6, o, ","); print o[1], $5 }'\'' /proc/self/mountinfo'
	assert_success
	assert_output_contains "ro /sys/fs/cgroup"
	assert_output_not_contains "rw "
}
