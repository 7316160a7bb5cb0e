#!/bin/bash
# docs/lab/04-uts-namespace: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

b=$(bundle uts)
host_name=$(hostname)

step "the container has its own hostname"
run_at baseline "$b" 'hostname'
status_is 0
see "casco-test"

step "abuse: rename the machine"
run_at baseline "$b" 'hostname evil'
see "hostname: sethostname: Operation not permitted"
[ "$(hostname)" = "$host_name" ] || die "the host was renamed"
ok "the host is still called $host_name"

step "the config change that lets it succeed (inside the namespace only)"
config "$b" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
	| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
run_at permissive "$b" 'hostname evil && hostname'
status_is 0
see "evil"
[ "$(hostname)" = "$host_name" ] || die "the host was renamed"
ok "the host is still called $host_name"

step "the policy refuses that change"
audit_finds "$b" CASCO-CAP-SYS_ADMIN
audit_finds "$b" CASCO-SECCOMP-UNCONFINED
refused_at baseline "$b" CASCO-CAP-SYS_ADMIN
