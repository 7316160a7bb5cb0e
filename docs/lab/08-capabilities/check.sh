#!/bin/bash
# docs/lab/08-capabilities: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

b=$(bundle caps)

step "the narration shows the capabilities before and after"
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
status_is 0
see "capabilities before:"
see 'capabilities after: "cap_kill,cap_net_bind_service,cap_audit_write=ep"; bounding set cap_kill,cap_net_bind_service,cap_audit_write'

step "the bounding set holds three capabilities"
run_at baseline "$b" 'awk "/CapBnd/ {print \$2}" /proc/self/status'
status_is 0
see "0000000020000420"

step "abuse: reconfigure the network, change a file's owner"
config "$b" '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]'
run_at baseline "$b" 'ip link set lo mtu 1280; touch /tmp/f && chown 1000 /tmp/f'
see "ip: SIOCSIFMTU: Operation not permitted"
see "chown: /tmp/f: Operation not permitted"

step "the config change that lets it succeed: CAP_NET_ADMIN"
config "$b" '.process.capabilities |= with_entries(.value += ["CAP_NET_ADMIN"])'
run_at baseline "$b" 'ip link set lo mtu 1280 && ip link show lo'
status_is 0
see "mtu 1280"

step "the policy refuses that change"
audit_finds "$b" CASCO-CAP-NET_ADMIN
refused_at strict "$b" CASCO-CAP-NET_ADMIN
