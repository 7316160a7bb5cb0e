#!/bin/bash
# demo.sh RUNTIME — build a busybox bundle in a temporary directory and run
# one hardened container with RUNTIME (casco, or runc for comparison): a
# read-only root, its own pid/net/ipc/uts/mount namespaces, masked /proc
# paths and three capabilities.  With casco it first shows `casco audit` of
# the bundle and runs it at --policy baseline (the bundle has no limits:
# cgroup v1 hosts cannot set them, and strict requires them).  It prints
# what the container sees, then removes everything it made.  Needs root, jq
# and busybox-static.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 RUNTIME_BINARY" >&2
	exit 2
fi
runtime=$1
[[ $runtime == */* ]] && runtime=$(realpath "$runtime")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "$0: run as root (creating namespaces and mounts needs it)" >&2
	exit 1
fi

work=$(mktemp -d /tmp/casco-demo.XXXXXX)
chmod 0711 "$work"
id=casco-demo-$$
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	"$runtime" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "== building a busybox bundle in $work/bundle"
"$here/make-bundle.sh" "$work/bundle" --readonly -- sh /demo.sh
# What the container runs.  Its root is mounted read-only; the bundle is not.
cat >"$work/bundle/rootfs/demo.sh" <<'SCRIPT'
echo "hostname:       $(hostname)"
echo "id:             $(id)"
echo "pid 1:          $(cat /proc/1/cmdline | tr '\0' ' ')(my pid: $$)"
echo "processes:      $(ls -d /proc/[0-9]* | wc -l) visible"
echo "network:        $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
echo "capabilities:   $(grep CapEff /proc/self/status | cut -f2) (effective)"
echo "no_new_privs:   $(grep NoNewPrivs /proc/self/status | cut -f2)"
if touch /probe 2>/dev/null; then echo "root fs:        WRITABLE"; else echo "root fs:        read-only"; fi
echo "/proc/keys:     $(wc -c </proc/keys) bytes (masked)"
echo "/dev:           $(ls /dev | tr '\n' ' ')"
echo "mounts:"
awk '{ for (i = 7; i <= NF; i++) if ($i == "-") fs = $(i + 1)
       printf "  %-18s %-8s %s\n", $5, fs, substr($6, 1, 2) }' /proc/self/mountinfo
SCRIPT

policy=()
if "$runtime" --version 2>/dev/null | grep -q '^casco version'; then
	# casco judges every config against the operator's policy before it
	# creates anything; audit shows what it finds in this bundle.
	echo "== $runtime audit --policy strict (exit status 1: strict refuses this bundle)"
	"$runtime" audit --policy strict --bundle "$work/bundle" || true
	if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
		why="the bundle sets none so that it runs on any host"
	else
		why="this host has no cgroup v2 (v1 or hybrid), so casco refuses limits here"
	fi
	echo "== strict wants memory and pids limits, which need cgroup v2, and $why;"
	echo "   so the demo runs at --policy baseline, the level for engines: it refuses"
	echo "   container escapes and warns about root without a user namespace"
	policy=(--policy baseline)
fi
echo "== $runtime ${policy[*]} run $id"
rc=0
"$runtime" --root "$work/state" "${policy[@]}" run --bundle "$work/bundle" "$id" </dev/null || rc=$?
echo "== container exited with status $rc"
exit "$rc"
