#!/bin/bash
# make-bundle.sh DIR [options] — build an OCI bundle (DIR/rootfs + DIR/config.json)
# from Debian's static busybox, with a config close to `runc spec`'s default
# but hardened and test-friendly:
#   ociVersion 1.2.0, args ["sh"], terminal false, root read-only,
#   namespaces pid/network/ipc/uts/mount, runc's masked/readonly paths,
#   runc's default capabilities, hostname "casco-test",
#   linux.seccomp = casco's default profile (seccomp/default.json), stated:
#   the suite runs at permissive, where an absent linux.seccomp means no
#   filter (a test of the absent case deletes it),
#   and NO cgroup resources and NO cgroupsPath (hosts may be cgroup v1).
#
# Options:
#   --readonly          root.readonly = true (the default)
#   --writable          root.readonly = false
#   --userns            add a user namespace mapping 0 -> 100000 (65536 ids)
#   --terminal          process.terminal = true
#   --hostname NAME     hostname (default casco-test)
#   --config-only       (re)write DIR/config.json only; keep an existing rootfs
#   -- ARGS...          process.args (default: sh)
#
# Requires: jq, busybox (busybox-static: the binary is copied into the rootfs,
# so it must be statically linked).
set -euo pipefail

usage() {
	echo "usage: $0 DIR [--readonly|--writable] [--userns] [--terminal] [--hostname NAME] [--config-only] [-- ARGS...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
dir=$1
shift
readonly_root=true
userns=false
terminal=false
hostname=casco-test
config_only=false
args_json='["sh"]'

while [ $# -gt 0 ]; do
	case $1 in
	--readonly) readonly_root=true ;;
	--writable) readonly_root=false ;;
	--userns) userns=true ;;
	--terminal) terminal=true ;;
	--hostname)
		[ $# -ge 2 ] || usage
		hostname=$2
		shift
		;;
	--config-only) config_only=true ;;
	--)
		shift
		[ $# -gt 0 ] && args_json=$(jq -cn '$ARGS.positional' --args -- "$@")
		break
		;;
	-h | --help) usage ;;
	*)
		echo "$0: unknown option: $1" >&2
		usage
		;;
	esac
	shift
done

command -v jq >/dev/null || {
	echo "$0: jq is required (apt-get install jq)" >&2
	exit 1
}

make_rootfs() {
	local rootfs=$1 busybox applet
	busybox=$(command -v busybox || true)
	[ -n "$busybox" ] || {
		echo "$0: busybox not found (apt-get install busybox-static)" >&2
		exit 1
	}
	# The binary runs inside an empty rootfs: it must not need a dynamic loader.
	if LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'INTERP'; then
		echo "$0: $busybox is dynamically linked; install busybox-static" >&2
		exit 1
	fi

	mkdir -p "$rootfs"
	(
		cd "$rootfs"
		mkdir -p bin sbin usr/bin usr/sbin etc dev proc sys tmp run var/tmp root home/user mnt
		chmod 1777 tmp var/tmp
		chmod 0700 root
		cp "$busybox" bin/busybox
		chmod 0755 bin/busybox
		# --list-full gives each applet's canonical path (bin/sh, sbin/init, usr/bin/id...).
		bin/busybox --list-full | while read -r applet; do
			[ "$applet" = bin/busybox ] && continue
			mkdir -p "$(dirname "$applet")"
			ln -sf /bin/busybox "$applet"
		done

		cat >etc/passwd <<-'EOF'
			root:x:0:0:root:/root:/bin/sh
			user:x:1000:1000:test user:/home/user:/bin/sh
			nobody:x:65534:65534:nobody:/nonexistent:/bin/false
		EOF
		cat >etc/group <<-'EOF'
			root:x:0:
			tty:x:5:
			user:x:1000:
			extra:x:1001:user
			nogroup:x:65534:
		EOF
		echo "casco-test" >etc/hostname
		printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >etc/hosts
		: >etc/resolv.conf
		printf 'NAME="busybox test rootfs"\nID=busybox\n' >etc/os-release
		chown 1000:1000 home/user
		chmod 0755 home/user
	)
}

write_config() {
	local cfg=$1
	jq -n \
		--argjson readonly "$readonly_root" \
		--argjson terminal "$terminal" \
		--argjson userns "$userns" \
		--argjson args "$args_json" \
		--arg hostname "$hostname" \
		--slurpfile seccomp "$(dirname "$0")/../../seccomp/default.json" '
	{
	  ociVersion: "1.2.0",
	  process: {
	    terminal: $terminal,
	    user: { uid: 0, gid: 0 },
	    args: $args,
	    env: [
	      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	      "TERM=xterm"
	    ],
	    cwd: "/",
	    capabilities: {
	      bounding:  ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      effective: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      permitted: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
	    },
	    rlimits: [ { type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 } ],
	    noNewPrivileges: true
	  },
	  root: { path: "rootfs", readonly: $readonly },
	  hostname: $hostname,
	  mounts: [
	    { destination: "/proc", type: "proc", source: "proc" },
	    { destination: "/dev", type: "tmpfs", source: "tmpfs",
	      options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
	    { destination: "/dev/pts", type: "devpts", source: "devpts",
	      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
	    { destination: "/dev/shm", type: "tmpfs", source: "shm",
	      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
	    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
	      options: ["nosuid", "noexec", "nodev"] },
	    { destination: "/sys", type: "sysfs", source: "sysfs",
	      options: ["nosuid", "noexec", "nodev", "ro"] }
	  ],
	  linux: {
	    namespaces: [
	      { type: "pid" }, { type: "network" }, { type: "ipc" },
	      { type: "uts" }, { type: "mount" }
	    ],
	    maskedPaths: [
	      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	      "/proc/sched_debug", "/sys/firmware", "/proc/scsi"
	    ],
	    readonlyPaths: [
	      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"
	    ],
	    seccomp: $seccomp[0]
	  }
	}
	| if $userns then
	    .linux.namespaces += [{ type: "user" }]
	    | .linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }]
	    | .linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }]
	  else . end
	' >"$cfg.tmp"
	mv "$cfg.tmp" "$cfg"
}

mkdir -p "$dir"
if [ "$config_only" = false ]; then
	make_rootfs "$dir/rootfs"
fi
write_config "$dir/config.json"
