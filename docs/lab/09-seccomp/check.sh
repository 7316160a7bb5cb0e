#!/bin/bash
# docs/lab/09-seccomp: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

b=$(bundle seccomp)

step "the narration names the profile"
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
status_is 0
see "seccomp: filter installed: casco's default profile (linux.seccomp is absent)"

step "a filter is attached"
run_at baseline "$b" 'awk "/Seccomp:/ {print \"seccomp mode\", \$2}" /proc/self/status'
see "seccomp mode 2"

step "abuse: create a user namespace"
run_at baseline "$b" 'unshare -U true'
see "unshare: unshare(0x10000000): Operation not permitted"

step "the config change that lets it succeed: a filter that allows everything"
config "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
run_at permissive "$b" 'unshare -U true && echo unshare worked'
see "unshare worked"

step "the policy refuses that change"
audit_finds "$b" CASCO-SECCOMP-UNCONFINED
refused_at baseline "$b" CASCO-SECCOMP-UNCONFINED
