#!/bin/bash
# docs/lab/07-pivot-root-vs-chroot: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cc_static "$LAB_WORK/escape" "$here/escape.c"
marker=$LAB_WORK/lab-marker
echo host-marker-data >"$marker"

step "the classic escape works against a plain chroot jail"
mkdir "$LAB_WORK/jail"
cp "$LAB_WORK/escape" "$LAB_WORK/jail/"
STATUS=0
OUT=$(cd / && chroot "$LAB_WORK/jail" /escape "$marker" 2>&1) || STATUS=$?
printf '%s\n' "$OUT" | sed 's/^/   | /'
status_is 0
see "host-marker-data"
see "escaped: read"

step "under casco (pivot_root) the same escape fails, even with CAP_SYS_CHROOT"
b=$(bundle pivot)
cp "$LAB_WORK/escape" "$b/rootfs/bin/escape"
config "$b" '.process.capabilities |= with_entries(.value += ["CAP_SYS_CHROOT"])
	| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]'
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
see "is now /, the host's root was detached (umount MNT_DETACH)"
run_at baseline "$b" "cd /tmp && escape $marker"
# escape's own report, from inside the container: the climb ran and found no host file
see "escape failed:"
see "No such file or directory"
see_value "escape failed: $marker: No such file or directory"
not_see "host-marker-data"

step "--no-pivot (MS_MOVE + chroot) stops this climb too"
config "$b" '.process.args = ["sh", "-c", $s]' --arg s "cd /tmp && escape $marker"
STATUS=0
OUT=$(casco_at baseline run --no-pivot --bundle "$b" lab-nopivot </dev/null 2>&1) || STATUS=$?
printf '%s\n' "$OUT" | sed 's/^/   | /'
see "escape failed:"
see_value "escape failed: $marker: No such file or directory"

step "the config change that lets it succeed: a bind mount of the host's /"
config "$b" '.mounts += [{destination: "/host", type: "bind", source: "/", options: ["rbind"]}]'
run_at permissive "$b" "cat /host$marker"
see "host-marker-data"

step "the policy refuses that change"
audit_finds "$b" CASCO-MOUNT-HOST-PATH
refused_at baseline "$b" CASCO-MOUNT-HOST-PATH
