#!/usr/bin/env bats
# shellcheck disable=SC2016 # single-quoted jq programs and container scripts
# bats file_tags=env:vm,security
# CVE-2023-25809 (runc < 1.1.5): rootless runc gave the container a WRITABLE
# /sys/fs/cgroup — in a user namespace without a cgroup namespace it bound
# the host's cgroup tree instead of mounting a new one and dropped the
# read-only flag — so the container could create cgroups and move or limit
# host processes.  (The "rbind,ro /sys" half is tests/security/cgroup.bats.)
# casco: the host's tree, when it has to be cloned instead of mounting a new
# cgroup2, gets the mount's flags recursively before it is attached
# (libcontainer/mount.c clone_host_tree).
# Part of tests/security's catalogue; it runs here because it needs cgroup2
# at /sys/fs/cgroup, which only the test VM has (tests/vm/run-cgroup-tests).

load ../security/security-helpers

CG=/sys/fs/cgroup

setup() {
	[ "${CASCO_VM:-}" = 1 ] || skip "cgroup tests run in the VM only (tests/vm/run-cgroup-tests)"
	[ -n "$(cat $CG/cgroup.controllers 2>/dev/null)" ] || skip "no cgroup v2 at $CG"
	security_setup
}

teardown() {
	[ "${CASCO_VM:-}" = 1 ] || return 0
	security_teardown
}

# Inside the container: the mount options of every mount at or below
# /sys/fs/cgroup ("rw" or "ro" first), and whether a cgroup can be made.
CHECK='awk '\''$5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1 { print "mount", $5, $6 }'\'' /proc/self/mountinfo
	if mkdir /sys/fs/cgroup/escape 2>/dev/null; then echo MKDIR-OK; rmdir /sys/fs/cgroup/escape; fi'

assert_cgroup_readonly() {
	assert_success
	assert_output_contains "mount /sys/fs/cgroup "
	assert_output_not_contains " rw"
	assert_output_not_contains MKDIR-OK
	[ ! -d $CG/escape ] || fail "the container made a cgroup on the host"
}

# bats test_tags=cve,weaken:cgroup-ro
@test "CVE-2023-25809: user ns without cgroup ns: the host's /sys/fs/cgroup is bound read-only" {
	enable_userns
	chmod 0755 "$BUNDLE" && chown -R 100000:100000 "$BUNDLE/rootfs"
	set_config '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup2",
		options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	run_sh "$CHECK"
	assert_cgroup_readonly
}
