#!/bin/bash
# docs/lab/01-pid-namespace: see README.md next to this file.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

b=$(bundle pid)

step "the container's first process is PID 1, and /proc holds only the container's processes"
# not our child: once killed it is reaped by someone else, never a zombie of ours
host_pid=$(sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!')
on_exit "kill $host_pid 2>/dev/null"
run_at baseline "$b" 'echo "my pid is $$"; ls /proc | grep -E "^[0-9]+$" | tr "\n" " "; echo'
status_is 0
see_line "my pid is 1"
[[ $OUT != *" $host_pid "* ]] || die "host pid $host_pid is visible in the container's /proc"
ok "host pid $host_pid is not in the container's /proc"

step "abuse: kill a host process from the container"
run_at baseline "$b" "kill -9 $host_pid"
# the container's own kill says so (not casco, not a missing binary)
see "can't kill pid"
see "No such process"
see_value "can't kill pid $host_pid: No such process"
kill -0 "$host_pid" || die "the host's sleep died"
ok "the host's sleep ($host_pid) is still running"

step "the config change that lets it succeed: no pid namespace"
config "$b" 'del(.linux.namespaces[] | select(.type == "pid"))'
run_at permissive "$b" "kill -9 $host_pid && echo killed"
see "killed"
for _ in $(seq 50); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$host_pid" 2>/dev/null || die "the host's sleep survived"
ok "the host's sleep ($host_pid) was killed from the container"

step "the policy refuses that change"
audit_finds "$b" CASCO-NS-HOST-PID
refused_at baseline "$b" CASCO-NS-HOST-PID
