#!/bin/bash
# docs/lab/11-readonly-and-masked: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

b=$(bundle ro)

step "the narration lists what is masked and read-only"
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
status_is 0
see "masked: /proc/timer_list under /dev/null: reads return nothing"
see "read-only: /proc/sys (a read-only bind of itself)"
see "root: made read-only (root.readonly): the image cannot be changed from inside"

step "abuse 1: plant something in the image"
run_at baseline "$b" "echo 'echo pwned' > /bin/innocent"
see "sh: can't create /bin/innocent: Read-only file system"
[ ! -e "$b/rootfs/bin/innocent" ] || die "the image was changed"

step "abuse 2: read the host's timers"
run_at baseline "$b" 'echo "timer_list bytes: $(wc -c < /proc/timer_list)"'
status_is 0
see "timer_list bytes: 0"

step "the config changes that let them succeed"
config "$b" '.root.readonly = false'
run_at baseline "$b" "echo 'echo pwned' > /bin/innocent && echo planted"
see "planted"
[ -e "$b/rootfs/bin/innocent" ] || die "expected /bin/innocent in the bundle's rootfs"
ok "the image on the host now has bin/innocent"
config "$b" '.linux.maskedPaths = []'
run_at permissive "$b" 'head -n 1 /proc/timer_list'
see "Timer List Version"

step "the policy refuses the masked paths change"
audit_finds "$b" CASCO-MASKEDPATHS-EMPTY
refused_at baseline "$b" CASCO-MASKEDPATHS-EMPTY
