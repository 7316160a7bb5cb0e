#!/bin/bash
# docs/lab/03-network-namespace: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
command -v busybox >/dev/null || skip_exercise "needs busybox on the host (apt-get install busybox-static)"

b=$(bundle net)

step "only a loopback interface"
run_at baseline "$b" 'ls /sys/class/net'
status_is 0
see "lo"
# (casco's own lines, such as a policy warning, start with "casco:")
[ "$(printf '%s\n' "$OUT" | grep -v '^casco: ' | grep -cv '^lo$')" = 0 ] || die "more than lo: $OUT"
ok "no interface but lo"

step "abuse: reach a service that listens only on the host's loopback"
mkdir -p "$LAB_WORK/www"
echo host-only-data >"$LAB_WORK/www/data"
port=$((20000 + RANDOM % 20000))
busybox httpd -f -p "127.0.0.1:$port" -h "$LAB_WORK/www" &
httpd_pid=$!
on_exit "kill $httpd_pid 2>/dev/null"
for _ in $(seq 50); do busybox wget -q -O /dev/null "http://127.0.0.1:$port/data" 2>/dev/null && break; sleep 0.1; done
run_at baseline "$b" "wget -q -O - http://127.0.0.1:$port/data"
see "wget: can't connect to remote host (127.0.0.1): Network is unreachable"
not_see "host-only-data"

step "the config change that lets it succeed: the host's network namespace"
config "$b" 'del(.linux.namespaces[] | select(.type == "network"))'
run_at permissive "$b" "wget -q -O - http://127.0.0.1:$port/data"
see "host-only-data"

step "the policy refuses that change"
audit_finds "$b" CASCO-NS-HOST-NETWORK
refused_at strict "$b" CASCO-NS-HOST-NETWORK
