#!/bin/bash
# tests/vm/smoke-guest.sh — the checks tests/vm/smoke.bats runs INSIDE the
# VM (through run-in-vm), one line per check:
#   ok NAME
#   not ok NAME: what was found
# Exit status 0 iff every check passed.  $SMOKE_DIR is a host directory
# holding the file "existing" (content "host"); the checks write there,
# and smoke.bats verifies on the host that nothing arrived.
# shellcheck disable=SC2016 # check's conditions are evaluated later
set -uo pipefail

cg=/sys/fs/cgroup
failed=0

# check NAME DETAIL CONDITION — evaluate the shell code CONDITION; report
# NAME, with DETAIL if it failed.
check() {
	local name=$1 detail=$2
	if eval "$3"; then
		echo "ok $name"
	else
		echo "not ok $name: $detail"
		failed=$((failed + 1))
	fi
}

has_words() { # LIST WORD... — every WORD is in the blank-separated LIST
	local list=" $1 " w
	shift
	for w; do
		[[ $list == *" $w "* ]] || return 1
	done
}

# wait_empty CGROUP — wait until no process is left in CGROUP (5 s at most).
wait_empty() {
	local _
	for _ in $(seq 50); do
		[ -z "$(cat "$1/cgroup.procs")" ] && return 0
		sleep 0.1
	done
	return 1
}

# remove_cgroup CGROUP — kill what is left in it and remove it.
remove_cgroup() {
	[ -d "$1" ] || return 0
	echo 1 >"$1/cgroup.kill"
	wait_empty "$1"
	rmdir "$1"
}

# ------------------------------------------------------------ the hierarchy

fstype=$(stat -f -c %T $cg)
check cgroup2-mounted "/sys/fs/cgroup is $fstype" '[ "$fstype" = cgroup2fs ]'

controllers=$(cat $cg/cgroup.controllers)
subtree=$(cat $cg/cgroup.subtree_control)
check controllers-enabled "subtree_control is '$subtree'" \
	'has_words "$subtree" memory pids cpu io'
check all-controllers-enabled "controllers '$controllers', subtree_control '$subtree'" \
	'[ "$controllers" = "$subtree" ]'

child=$cg/casco-smoke
remove_cgroup $child
mkdir $child
child_controllers=$(cat $child/cgroup.controllers)
check child-cgroup "its controllers: $child_controllers" \
	'has_words "$child_controllers" memory pids cpu io'
echo "+memory +pids +cpu" >$child/cgroup.subtree_control

# ------------------------------------------------------------------ memory

mem=$child/mem
mkdir $mem
echo 32M >$mem/memory.max
echo 0 >$mem/memory.swap.max 2>/dev/null
# A shell doubling a string until the kernel kills it.
# (The substitution keeps bash's "Killed" report off our stderr.)
rc=$(
	bash -c 'echo $$ >'$mem'/cgroup.procs && s=x && while :; do s=$s$s; done'
	echo $?
) 2>/dev/null
oom_kills=$(awk '$1 == "oom_kill" { print $2 }' $mem/memory.events)
check memory-oom-kill "status $rc, memory.events oom_kill ${oom_kills:-?}" \
	'[ "$rc" -eq 137 ] && [ "${oom_kills:-0}" -ge 1 ]'
remove_cgroup $mem

# -------------------------------------------------------------------- pids

pids=$child/pids
mkdir $pids
echo 4 >$pids/pids.max
# A shell in the cgroup forks 10 sleeps under a limit of 4: it and 3 fit,
# then fork fails (and bash retries, then gives up).  Watched from outside.
bash -c 'echo $$ >'$pids'/cgroup.procs
	for ((i = 0; i < 10; i++)); do sleep 60 & done' >/dev/null 2>&1 &
disown # cgroup.kill ends it below; no "Killed" report
limited=0
for _ in $(seq 100); do
	limited=$(awk '$1 == "max" { print $2 }' $pids/pids.events)
	[ "$limited" -ge 1 ] && break
	sleep 0.1
done
current=$(cat $pids/pids.current)
check pids-fork-limit "pids.current $current, pids.events max $limited" \
	'[ "$current" -le 4 ] && [ "$limited" -ge 1 ]'
remove_cgroup $pids

# --------------------------------------------------------------------- cpu

cpu=$child/cpu
mkdir $cpu
echo "20000 100000" >$cpu/cpu.max
echo 50 >$cpu/cpu.weight
cpu_max=$(cat $cpu/cpu.max) cpu_weight=$(cat $cpu/cpu.weight)
check cpu-max "cpu.max is '$cpu_max', cpu.weight $cpu_weight" \
	'[ "$cpu_max" = "20000 100000" ] && [ "$cpu_weight" = 50 ]'
remove_cgroup $cpu
rmdir $child

# ----------------------------------------------------------- the filesystem

root_fs=$(awk '$5 == "/" { print $(NF - 2) }' /proc/self/mountinfo | tail -n1)
check root-is-overlay "/ is $root_fs" '[ "$root_fs" = overlay ]'

# run-in-vm gives /tmp a tmpfs of its own, except when the job runs in a
# directory under /tmp (a checkout there): then the host's /tmp is kept.
tmp_fs=$(stat -f -c %T /tmp)
case $PWD/ in
/tmp/*) check tmp-is-tmpfs "/tmp is $tmp_fs; the host's is kept for a job in $PWD" '[ "$tmp_fs" = overlayfs ]' ;;
*) check tmp-is-tmpfs "/tmp is $tmp_fs" '[ "$tmp_fs" = tmpfs ]' ;;
esac

content=$(cat "$SMOKE_DIR/existing" 2>&1)
check host-file-visible "content '$content'" '[ "$content" = host ]'

echo guest >"$SMOKE_DIR/existing" && echo new >"$SMOKE_DIR/new"
content=$(cat "$SMOKE_DIR/existing" "$SMOKE_DIR/new" 2>&1 | tr '\n' ' ')
check overlay-writable "after writing: '$content'" '[ "$content" = "guest new " ]'

# A system directory, too: the overlay makes all of / writable.
check usr-writable "cannot write /usr/casco-smoke" \
	'echo x >/usr/casco-smoke && rm /usr/casco-smoke'

[ "$failed" -eq 0 ]
