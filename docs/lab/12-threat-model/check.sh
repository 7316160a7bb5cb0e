#!/bin/bash
# docs/lab/12-threat-model: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

b=$(bundle threat)

step "a poisoned image: a setuid-root program, run as uid 1000"
cc_static "$b/rootfs/bin/euid" "$here/euid.c"
chown 0:0 "$b/rootfs/bin/euid"
chmod 4755 "$b/rootfs/bin/euid"
# the default is the lesson: the config does not set noNewPrivileges at all
config "$b" '.process.user = {uid: 1000, gid: 1000} | del(.process.noNewPrivileges)'
run_at baseline "$b" 'euid'
status_is 0
see "euid 1000"

step "the config change that lets it succeed: noNewPrivileges false"
config "$b" '.process.noNewPrivileges = false'
run_at permissive "$b" 'euid'
status_is 0
see "euid 0"
audit_finds "$b" CASCO-NNP-DISABLED
refused_at strict "$b" CASCO-NNP-DISABLED

step "a config that gets everything wrong, and what audit says about it"
w=$(bundle worst)
# an engine's API socket (a stand-in with the name: casco judges the object it
# would bind, which must exist, and knows engine sockets by name)
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$w/docker.sock"
config "$w" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
	| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}
	| .mounts += [{destination: "/host-etc", type: "bind", source: "/etc", options: ["rbind", "rw"]},
	              {destination: "/var/run/docker.sock", type: "bind", source: "docker.sock", options: ["bind"]}]
	| del(.linux.namespaces[] | select(.type == "network"))
	| del(.linux.resources)
	| .process.noNewPrivileges = false'
for rule in CASCO-CAP-SYS_ADMIN CASCO-SECCOMP-UNCONFINED CASCO-MOUNT-HOST-PATH CASCO-MOUNT-ENGINE-SOCKET \
	CASCO-NS-HOST-NETWORK CASCO-LIMITS-MEMORY CASCO-LIMITS-PIDS CASCO-NNP-DISABLED; do
	audit_finds "$w" "$rule"
done
