#!/bin/bash
# docs/lab/06-user-namespace: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[ -e /proc/self/ns/user ] || skip_exercise "this kernel has no user namespaces"

b=$(bundle user --userns)

step "root inside is 100000 outside"
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
status_is 0
see "user namespace: created, inode"
see 'uid_map written by casco (outside the namespace): "0 100000 65536"'
run_at baseline "$b" 'id -u; cat /proc/self/uid_map'
status_is 0
see "100000"

step "abuse: read a root-only host file bound into the container"
echo "the-host-secret" >"$LAB_WORK/secret"
chmod 600 "$LAB_WORK/secret"
# the mount point, made in the image on the host: root in the container
# (uid 100000) could not create it in a root owned by the host's root
touch "$b/rootfs/secret"
config "$b" '.mounts += [{destination: "/secret", type: "bind", source: $s, options: ["bind", "ro"]}]' \
	--arg s "$LAB_WORK/secret"
run_at baseline "$b" 'cat /secret'
# cat's own error, from inside the container: the bind is there, the read is refused
see "cat: can't open '/secret': Permission denied"
not_see "the-host-secret"

step "the config change that lets it succeed: no user namespace"
config "$b" 'del(.linux.namespaces[] | select(.type == "user")) | del(.linux.uidMappings, .linux.gidMappings)'
run_at permissive "$b" 'cat /secret'
see "the-host-secret"

step "the policy refuses that change"
audit_finds "$b" CASCO-USER-ROOT-NO-USERNS
refused_at strict "$b" CASCO-USER-ROOT-NO-USERNS
