#!/bin/bash
# docs/lab/10-cgroup-limits: see README.md next to this file.
# Needs cgroup v2 (memory and pids controllers): run it in the VM with
#   tests/vm/run-in-vm -- docs/lab/10-cgroup-limits/check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null &&
	grep -qw pids /sys/fs/cgroup/cgroup.controllers ||
	skip_exercise "needs cgroup v2 with memory and pids: run it in the VM (tests/vm/run-in-vm -- $0)"

b=$(bundle cgroup)
config "$b" '.linux.resources = {memory: {limit: 33554432, swap: 33554432}, pids: {limit: 20}}'

step "the narration shows the group and its limits"
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
printf '%s\n' "$OUT" | grep cgroup | sed 's/^/   | /'
status_is 0
see "[D07] cgroup: /casco/"
see "created with controllers"
see "memory.max=33554432"
see "memory.swap.max=0"
see "pids.max=20"
see "the init is cloned straight into it"

step "abuse 1: allocate 100 MiB under a 32 MiB limit"
run_at baseline "$b" 'head -c 10m /dev/zero | tail >/dev/null; echo small=$?; head -c 100m /dev/zero | tail >/dev/null; echo big=$?'
see "small=0"
see "big=137"

step "abuse 2: a fork bomb under a limit of 20 processes"
config "$b" '.process.args = ["sh", "-c", "i=0; while [ $i -lt 50 ]; do sleep 30 & i=$((i+1)); done; echo done"]'
STATUS=0
OUT=$(casco_at baseline run --bundle "$b" lab10-bomb </dev/null 2>&1) || STATUS=$?
printf '%s\n' "$OUT" | sed 's/^/   | /'
see "can't fork"
not_see_value "done"
# the end of `casco run` killed the rest of the group: nothing of it is left
OUT=$(ps -eo args | grep -cx 'sleep 30' || true)
see_value "0"
[ ! -e /sys/fs/cgroup/casco/lab10-bomb ] || die "the container's cgroup is still there"
ok "no sleep of the fork bomb and no cgroup left on the host"

step "the config change that lets it succeed: no memory limit"
config "$b" 'del(.linux.resources.memory)'
run_at baseline "$b" 'head -c 100m /dev/zero | tail >/dev/null; echo big=$?'
see "big=0"

step "without a pids limit casco still writes its default"
config "$b" 'del(.linux.resources)'
config "$b" '.process.args = ["true"]'
explain_at baseline "$b"
status_is 0
see "pids.max=4096"
not_see "memory.max="

step "the policy refuses that change"
audit_finds "$b" CASCO-LIMITS-MEMORY
see "refuse linux.resources.memory.limit  CASCO-LIMITS-MEMORY (absent or unlimited)"
# audit decides as run would here: the pids limit casco adds satisfies the rule
not_see "CASCO-LIMITS-PIDS"
see "casco sets 4096 when the container has a cgroup"
refused_at strict "$b" CASCO-LIMITS-MEMORY
see "config refused by policy strict"
# the pids limit casco adds satisfies the rule when the container runs
not_see "CASCO-LIMITS-PIDS"
