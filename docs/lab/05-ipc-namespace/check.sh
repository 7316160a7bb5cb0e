#!/bin/bash
# docs/lab/05-ipc-namespace: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
command -v ipcmk >/dev/null || skip_exercise "needs ipcmk on the host (util-linux)"

b=$(bundle ipc)

step "a host process creates a shared memory segment"
OUT=$(ipcmk -M 4096)
echo "   | $OUT"
see "Shared memory id:"
shmid=${OUT##*: }
on_exit "ipcrm -m $shmid"

step "abuse: the container looks for it"
run_at baseline "$b" 'awk "NR > 1 { print \"segment\", \$2 }" /proc/sysvipc/shm && echo listed'
status_is 0
see_value "listed"
not_see_value "segment $shmid"

step "the config change that lets it succeed: the host's ipc namespace"
config "$b" 'del(.linux.namespaces[] | select(.type == "ipc"))'
run_at permissive "$b" 'awk "NR > 1 { print \"segment\", \$2 }" /proc/sysvipc/shm && echo listed'
see_value "segment $shmid"

step "the policy refuses that change"
audit_finds "$b" CASCO-NS-HOST-IPC
refused_at baseline "$b" CASCO-NS-HOST-IPC
