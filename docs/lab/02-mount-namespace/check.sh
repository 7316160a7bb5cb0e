#!/bin/bash
# docs/lab/02-mount-namespace: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

b=$(bundle mnt)

step "the narration shows the namespace, the propagation and the mounts"
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
status_is 0
see "mount namespace: created, inode"
see "propagation: / is now rslave: mounts made in the container never reach the host"
see "mount: proc proc -> /proc (no options)"

step "the host's mount table has no entry for the container's mounts"
config "$b" '.process.args = ["sleep", "100"]'
casco_at baseline run -d --bundle "$b" lab-mnt-bg </dev/null >/dev/null 2>&1
OUT=$(grep -c "$b/rootfs" /proc/self/mountinfo || true)
see_value "0"
casco delete --force lab-mnt-bg

step "abuse: mount a filesystem from the container"
run_at baseline "$b" 'mount -t tmpfs none /mnt'
see "mount: permission denied (are you root?)"

step "CAP_SYS_ADMIN alone is not enough: seccomp refuses mount(2) too"
# permissive adds no default profile: the step states casco's own
config "$b" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"]) | .linux.seccomp = $p[0]' \
	--slurpfile p "$LAB_SRCDIR/seccomp/default.json"
run_at permissive "$b" 'mount -t tmpfs none /mnt'
see "mount: permission denied (are you root?)"

step "the config change that lets it succeed: CAP_SYS_ADMIN and no seccomp filter"
config "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
run_at permissive "$b" 'mount -t tmpfs none /mnt && echo mounted'
see "mounted"
OUT=$(grep -c "$b/rootfs/mnt" /proc/self/mountinfo || true)
see_value "0"

step "the policy refuses that change"
audit_finds "$b" CASCO-CAP-SYS_ADMIN
audit_finds "$b" CASCO-SECCOMP-UNCONFINED
refused_at baseline "$b" CASCO-CAP-SYS_ADMIN
