#!/usr/bin/env bats
# shellcheck disable=SC2016 # single quotes are scripts for the container or jq
# bats file_tags=env:host
# casco's default seccomp profile, applied at baseline and strict when a
# config has no linux.seccomp: the syscalls escapes and kernel attacks start with fail
# with EPERM even when the process holds the capability they need, while
# ordinary programs (busybox sh, ls, ps, cat, dd, wget to a loopback
# server) work.  tests/helpers/syscall-probe.c, built statically, makes
# the raw calls busybox has no applet for (keyctl, kexec_load, ptrace, bpf).

load helpers

setup_file() {
	PROBE=$BATS_FILE_TMPDIR/syscall-probe
	if command -v "${CC:-cc}" >/dev/null; then
		"${CC:-cc}" -static -O2 -Wall -o "$PROBE" "$BATS_TEST_DIRNAME/../helpers/syscall-probe.c" 2>/dev/null || rm -f "$PROBE"
	fi
	export PROBE
}

setup() {
	requires_casco
	common_setup
	# The template states seccomp/default.json, the file the built-in
	# profile is compiled from: at permissive (the suite's level) an absent
	# linux.seccomp means no filter.  levels.bats checks that baseline
	# applies the built-in one when linux.seccomp is absent.
	set_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'
}

# with_caps CAP... — grant capabilities (all sets but inheritable/ambient),
# so that only seccomp stands between the process and the syscall.
with_caps() {
	local c
	for c in "$@"; do
		set_config '.process.capabilities |= with_entries(.value += [$c])' --arg c "$c"
	done
}

install_probe() {
	[ -x "${PROBE:-}" ] || skip "needs a C compiler with static libc to build tests/helpers/syscall-probe.c"
	cp "$PROBE" "$BUNDLE/rootfs/bin/syscall-probe"
}

ESCAPE_CAPS=(CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_PTRACE CAP_BPF)

@test "seccomp default: without linux.seccomp, unshare -U, mount, keyctl, kexec_load, ptrace attach and bpf fail with EPERM despite the capabilities" {
	install_probe
	with_caps "${ESCAPE_CAPS[@]}"
	run_sh 'grep ^Seccomp: /proc/self/status; grep ^CapEff: /proc/self/status
		unshare -U true; echo "unshare -U: $?"
		mount -t tmpfs none /mnt; echo "mount: $?"
		syscall-probe'
	assert_success
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains "unshare(0x10000000): Operation not permitted"
	assert_output_contains "unshare -U: 1"
	# busybox's words for EPERM from mount(2)
	assert_output_contains "mount: permission denied"
	assert_output_contains "mount: 1"
	local probe
	probe=$(grep -E '^[a-z_]+: [A-Za-z]+$' <<<"$output" | grep -v '^unshare -U')
	assert_equal "$probe" "unshare: EPERM
mount: EPERM
keyctl: EPERM
kexec_load: EPERM
ptrace: EPERM
bpf: EPERM"
}

@test "seccomp default: control: with a filter that allows everything the same calls get past seccomp" {
	install_probe
	with_caps "${ESCAPE_CAPS[@]}"
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
	run_sh 'grep ^Seccomp: /proc/self/status; syscall-probe'
	assert_success
	assert_output_matches '^Seccomp:[[:space:]]+0|2$'
	assert_output_contains "unshare: ok"
	assert_output_contains "mount: ok"
	assert_output_contains "keyctl: ok"
	assert_output_contains "ptrace: ok"
	assert_output_contains "bpf: ok"
	# no kexec support in this kernel gives ENOSYS, else EINVAL/EBUSY: not EPERM
	assert_output_matches '^kexec_load: (ok|ENOSYS|EINVAL|EBUSY)$'
}

@test "seccomp default: busybox sh, ls, ps, cat, dd and wget to a loopback httpd work under the default filter" {
	# NET_ADMIN only to bring lo up in the container's network namespace
	with_caps CAP_NET_ADMIN
	run_sh 'set -e
		grep ^Seccomp: /proc/self/status
		ifconfig lo 127.0.0.1 up
		ls / >/dev/null && echo ls-ok
		ps | grep -q "[p]s" && echo ps-ok
		cat /etc/hostname
		dd if=/dev/zero of=/tmp/zero bs=4k count=64 2>/dev/null && [ "$(wc -c </tmp/zero)" -eq 262144 ] && echo dd-ok
		mkdir /tmp/www && echo served-over-loopback >/tmp/www/index.html
		httpd -p 127.0.0.1:8080 -h /tmp/www
		i=0; until wget -q -O - http://127.0.0.1:8080/index.html; do i=$((i + 1)); [ $i -lt 50 ] || exit 1; usleep 100000; done
		echo | nc 127.0.0.1 8080 >/dev/null && echo nc-ok'
	assert_success
	assert_output_matches '^Seccomp:[[:space:]]+2$'
	assert_output_contains ls-ok
	assert_output_contains ps-ok
	assert_output_contains casco-test
	assert_output_contains dd-ok
	assert_output_contains served-over-loopback
	assert_output_contains nc-ok
}
