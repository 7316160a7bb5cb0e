#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# /proc: where casco mounts it, what may be mounted over it, and where its
# writes (sysctls, LSM labels) really go.

load security-helpers

setup() {
	security_setup
	# Fake proc files: what an attacker wants the runtime to see or write.
	FAKE=$TESTDIR/fakeproc
	mkdir -p "$FAKE/self/attr" "$FAKE/sys/net/ipv4"
	echo FAKE-PROC >"$FAKE/marker"
	echo 0 >"$FAKE/sys/net/ipv4/ip_forward"
}

# ---------------------------------------------------------------------------
# CVE-2019-16884 (runc <= 1.0.0-rc8): an image whose /proc is a symlink made
# runc mount procfs wherever the symlink pointed, leaving /proc itself
# under the image's control; the AppArmor label was then written into a
# fake /proc/self/attr/exec and silently not applied.  casco: the
# destination of a proc or sysfs mount is resolved with RESOLVE_NO_SYMLINKS
# and must be a real directory (mount.c open_destination), so such an image
# is refused.

# bats test_tags=cve,weaken:proc-nosymlink
@test "CVE-2019-16884: an image whose /proc is a symlink gets no procfs mounted through it" {
	mkdir -p "$BUNDLE/rootfs/fakeproc"
	echo FAKE-PROC >"$BUNDLE/rootfs/fakeproc/marker"
	rmdir "$BUNDLE/rootfs/proc"
	ln -s /fakeproc "$BUNDLE/rootfs/proc"
	run_sh 'readlink /proc && echo PROC-IS-A-SYMLINK; stat -f -c %T /proc/'
	if [ "$status" -eq 0 ]; then
		assert_output_not_contains PROC-IS-A-SYMLINK
	else
		assert_output_contains "symlink"
	fi
	assert_no_leftovers "$ID"
}

# ---------------------------------------------------------------------------
# CVE-2019-19921 (runc <= 1.0.0-rc9): runc refused mounts whose destination
# string is under /proc, but a destination that is a symlink to /proc (or
# raced into one: a volume shared with a second container) passed the check
# and the volume covered the real /proc, again faking /proc/self/attr for
# the LSM.  CVE-2023-27561 brought it back.  casco: after resolving the
# destination inside the rootfs it looks at what it actually got: a
# destination that lands in a procfs is refused unless it is /proc itself
# or a file lxcfs emulates (mount.c open_destination).

# bats test_tags=cve,weaken:proc-dest
@test "CVE-2019-19921: a volume whose destination is a symlink to /proc cannot cover procfs" {
	ln -s /proc "$BUNDLE/rootfs/evil"
	ln -s /proc/self "$BUNDLE/rootfs/evil-self"
	set_config '.mounts += [{destination: "/evil", type: "bind", source: $fake, options: ["rbind"]}]' \
		--arg fake "$FAKE"
	run_sh 'cat /proc/marker 2>/dev/null; stat -f -c %T /proc/'
	assert_output_not_contains FAKE-PROC
	if [ "$status" -ne 0 ]; then assert_output_contains "procfs"; fi
	set_config '.mounts[-1].destination = "/evil-self/attr"'
	run_sh 'ls /proc/self/attr; cat /proc/self/attr/marker 2>/dev/null'
	assert_output_not_contains FAKE-PROC
	if [ "$status" -ne 0 ]; then assert_output_contains "procfs"; fi
	assert_no_leftovers
}

# ---------------------------------------------------------------------------
# CVE-2025-52881 (runc < 1.2.8/1.3.3/1.4.0-rc.3): writes runc made to procfs
# files in the container (sysctls under /proc/sys, the LSM label in
# /proc/self/attr) could be redirected by a crafted /proc — bind mounts,
# symlinks, a fake procfs — to another file, even to a host procfs file
# like /proc/sysrq-trigger.  casco: sysctls are written only through the
# container's /proc after checking it is the root of a real procfs, with
# RESOLVE_BENEATH|NO_SYMLINKS|NO_XDEV and a procfs check on the file itself
# (rootfs.c write_sysctls); the LSM label goes to our own task's attr file
# opened in the host's procfs before the container's /proc exists (lsm.c).

# bats test_tags=cve,weaken:procfs-verify
@test "CVE-2025-52881: a sysctl write cannot be redirected through a fake /proc to a host file" {
	# No procfs on /proc; the image's /proc/sys leads to a bound host dir.
	set_config 'del(.mounts[] | select(.destination == "/proc"))
		| .mounts += [{destination: "/data", type: "bind", source: $fake, options: ["rbind"]}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}' --arg fake "$FAKE"
	ln -s /data/sys "$BUNDLE/rootfs/proc/sys"
	run_sh 'true'
	assert_equal "$(cat "$FAKE/sys/net/ipv4/ip_forward")" 0
	assert_failure
	assert_output_contains "linux.sysctl"
	assert_no_leftovers "$ID"
}

@test "CVE-2025-52881: the LSM label is written to the host procfs' attr file, not the container's /proc" {
	local profile
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		profile='.process.apparmorProfile = "unconfined"'
	elif [ -e /sys/fs/selinux/enforce ]; then
		profile='.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	else
		skip "neither AppArmor nor SELinux is enabled on this host: no label to redirect"
	fi
	set_config "$profile"' | .mounts += [{destination: "/proc/self", type: "bind", source: $fake, options: ["rbind"]}]' \
		--arg fake "$FAKE"
	run_sh 'cat /proc/self/attr/current'
	assert_output_not_contains FAKE-PROC
	[ -z "$(ls -A "$FAKE/self/attr")" ] || fail "the label went to the fake attr dir: $(ls "$FAKE/self/attr")"
}
