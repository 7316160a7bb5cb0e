#!/usr/bin/env bats
# shellcheck disable=SC2016 # single-quoted jq programs and container scripts
# bats file_tags=env:vm
# cgroup v2 limits, device filter and cleanup, through `casco run/create/delete`.
#
# These tests write to /sys/fs/cgroup: they run only inside the test VM
# (tests/vm/run-cgroup-tests sets CASCO_VM=1), never on a developer's host.

load ../bats/helpers

load cgroup-helpers

setup() {
	cgroup_vm_setup
}

teardown() {
	[ -z "${LOOPDEV:-}" ] || losetup -d "$LOOPDEV" 2>/dev/null || true
	cgroup_vm_teardown
}

# cg_value FILE KEY — KEY's number in a "key value" cgroup file of the container.
cg_value() {
	awk -v k="$2" '$1 == k { print $2 }' "$CGDIR/$1"
}

# cg_at_least FILE N — the single number in the container's cgroup FILE is >= N
# (a function, so that `retry` reads the file again each time).
cg_at_least() {
	[ "$(cat "$CGDIR/$1")" -ge "$2" ]
}

# cg_procs_at_least N — at least N processes in the container's cgroup.
cg_procs_at_least() {
	[ "$(wc -l <"$CGDIR/cgroup.procs")" -ge "$1" ]
}

# cg_key_is FILE KEY VALUE — a "key value" line of the cgroup FILE.
cg_key_is() {
	[ "$(cg_value "$1" "$2")" = "$3" ]
}

# start_detached SCRIPT — create + start the container running sh -c SCRIPT.
start_detached() {
	set_args sh -c "$1"
	casco_detached create --bundle "$BUNDLE" "$ID" || return 1
	casco start "$ID"
}

# ---------------------------------------------------------------- lifecycle

@test "cgroup: the container runs in /casco/ID, which delete removes" {
	start_detached 'cat /proc/self/cgroup; sleep 60'
	[ -d "$CGDIR" ]
	pid=$(casco state "$ID" | jq -r .pid)
	grep -qx "$pid" "$CGDIR/cgroup.procs"
	run casco delete --force "$ID"
	assert_success
	[ ! -e "$CGDIR" ]
}

@test "cgroup: run in the foreground leaves no cgroup behind" {
	run_sh 'true'
	assert_success
	[ ! -e "$CGDIR" ]
}

@test "cgroup: an absolute linux.cgroupsPath is used as given" {
	set_config '.linux.cgroupsPath = "/casco-test/nested/c1"'
	start_detached 'sleep 60'
	[ -d $CG/casco-test/nested/c1 ]
	grep -qx "$(casco state "$ID" | jq -r .pid)" $CG/casco-test/nested/c1/cgroup.procs
	# the controllers reached the leaf through every parent
	grep -qw memory $CG/casco-test/nested/c1/cgroup.controllers
	grep -qw pids $CG/casco-test/nested/c1/cgroup.controllers
	run casco delete --force "$ID"
	assert_success
	[ ! -e $CG/casco-test/nested/c1 ]
	rmdir $CG/casco-test/nested $CG/casco-test
}

@test "cgroup: a cgroupsPath that holds processes is refused as in use" {
	mkdir -p $CG/casco-busy
	sleep 60 >/dev/null 2>&1 3>&- &
	local sleeper=$!
	echo "$sleeper" >$CG/casco-busy/cgroup.procs
	set_config '.linux.cgroupsPath = "/casco-busy"'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	local alive=true
	kill -0 "$sleeper" 2>/dev/null || alive=false
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	$alive || fail "the failed create killed a process of a cgroup casco did not create"
	assert_failure
	assert_output_contains "already in use"
	# it was not ours: still there, its process untouched
	[ -d $CG/casco-busy ]
	retry 20 0.1 rmdir $CG/casco-busy
}

@test "cgroup: a '..' cgroupsPath is refused" {
	set_config '.linux.cgroupsPath = "/casco/../escape"'
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "linux.cgroupsPath"
	[ ! -e $CG/escape ]
}

@test "cgroup: --cgroup-manager disabled runs without a cgroup even with limits" {
	set_config '.linux.resources.memory.limit = 33554432'
	set_args sh -c 'cat /proc/self/cgroup'
	run "$CASCO" --root "$ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" "$ID"
	assert_success
	[ ! -e "$CGDIR" ]
}

@test "cgroup: SIGKILL of casco during create, then delete --force removes the cgroup and the state" {
	# a createRuntime hook holds create after the cgroup exists
	set_config '.hooks.createRuntime = [{path: "/bin/sh",
		args: ["sh", "-c", "echo $$ >'"$TESTDIR"'/hook.pid; exec sleep 60"]}]'
	set_args sleep 60
	"$CASCO" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >>"$CONTAINER_LOG" 2>&1 &
	local casco_pid=$!
	retry 150 0.1 test -s "$TESTDIR/hook.pid"
	[ -d "$CGDIR" ]
	kill -KILL "$casco_pid"
	wait "$casco_pid" || true
	# the hook is the test's own sleeper, not the runtime's leftover
	kill -KILL "$(cat "$TESTDIR/hook.pid")" 2>/dev/null || true
	[ -d "$ROOT/$ID" ]
	run casco delete --force "$ID"
	assert_success
	[ ! -e "$CGDIR" ] || fail "cgroup $CGDIR left after delete --force"
	[ ! -e "$ROOT/$ID" ] || fail "state directory left after delete --force"
	assert_no_leftovers
}

# refused_before_create JQ_PROGRAM JSON_PATH — the config changed by
# JQ_PROGRAM is refused naming JSON_PATH, and no cgroup or state exists.
refused_before_create() {
	set_config "$1"
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "$2"
	[ ! -e "$CGDIR" ] || fail "$1: cgroup created"
	[ ! -e "$ROOT/$ID" ] || fail "$1: state left"
}

@test "cgroup: negative limits are refused naming the field, nothing created" {
	local field
	for field in memory.limit memory.reservation cpu.quota pids.limit; do
		refused_before_create ".linux.resources.$field = -5" "linux.resources.$field"
		set_config 'del(.linux.resources.memory) | del(.linux.resources.cpu) | del(.linux.resources.pids)'
	done
}

@test "unified: a key with '..' or '/' is refused, nothing created" {
	local key
	for key in '../memory.max' 'memory.max/..' '..'; do
		refused_before_create ".linux.resources.unified = {\"$key\": \"1\"}" 'linux.resources.unified'
	done
}

# ------------------------------------------------------------------ memory

@test "memory: a 32M limit OOM-kills a 100M allocation, 10M is fine" {
	set_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	start_detached 'head -c 10m /dev/zero | tail >/dev/null; echo small=$?
		head -c 100m /dev/zero | tail >/dev/null; echo big=$?; sleep 60'
	[ "$(cat "$CGDIR/memory.max")" = 33554432 ]
	[ "$(cat "$CGDIR/memory.swap.max")" = 0 ]
	retry 100 0.2 grep -q 'big=' "$CONTAINER_LOG"
	run cat "$CONTAINER_LOG"
	assert_output_contains "small=0"
	assert_output_contains "big=137"   # SIGKILL from the OOM killer
	local ooms
	ooms=$(cg_value memory.events oom_kill)
	echo "# memory: oom_kill=$ooms max=$(cg_value memory.events max)" >&3
	[ "$ooms" -ge 1 ]
}

@test "events: the stream reports an OOM kill" {
	set_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	start_detached 'sleep 3; head -c 100m /dev/zero | tail >/dev/null; sleep 60'
	"$CASCO" --root "$ROOT" events --interval 200ms "$ID" >"$TESTDIR/events" 2>&1 &
	local events_pid=$!
	local seen=0
	retry 150 0.2 grep -q '"type":"oom"' "$TESTDIR/events" || seen=$?
	kill "$events_pid" 2>/dev/null || true
	wait "$events_pid" 2>/dev/null || true
	[ "$seen" -eq 0 ] || fail "no oom event: $(tail -n 3 "$TESTDIR/events")"
	# the statistics lines around it are runc's shape
	grep -m1 '"type":"stats"' "$TESTDIR/events" | jq -e '.data.memory.usage.limit == 33554432'
}

@test "memory: reservation and unified memory.high are written" {
	set_config '.linux.resources.memory = {limit: 67108864, reservation: 16777216}
		| .linux.resources.unified = {"memory.high": "50331648"}'
	start_detached 'sleep 60'
	[ "$(cat "$CGDIR/memory.low")" = 16777216 ]
	[ "$(cat "$CGDIR/memory.high")" = 50331648 ]
	[ "$(cat "$CGDIR/memory.max")" = 67108864 ]
}

@test "memory: a swap below the memory limit is refused before anything runs" {
	set_config '.linux.resources.memory = {limit: 67108864, swap: 33554432}'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "linux.resources.memory.swap"
	[ ! -e "$CGDIR" ]
}

# -------------------------------------------------------------------- pids

@test "pids: a limit of 10 stops a fork bomb, and delete kills what is left" {
	set_config '.linux.resources.pids = {limit: 10}'
	start_detached 'bomb() { bomb | bomb & }; bomb; sleep 60'
	[ "$(cat "$CGDIR/pids.max")" = 10 ]
	local i cur peak=0
	for ((i = 0; i < 20; i++)); do
		cur=$(cat "$CGDIR/pids.current")
		((cur > peak)) && peak=$cur
		sleep 0.1
	done
	echo "# pids: peak pids.current=$peak, pids.events max=$(cg_value pids.events max)" >&3
	[ "$peak" -le 10 ]
	[ "$(cg_value pids.events max)" -ge 1 ]
	run casco delete --force "$ID"
	assert_success
	[ ! -e "$CGDIR" ]
}

@test "pids: limit 0 (unset) and -1 mean no limit" {
	set_config '.linux.resources.pids = {limit: -1}'
	start_detached 'sleep 60'
	[ "$(cat "$CGDIR/pids.max")" = max ]
}

# --------------------------------------------------------------------- cpu

@test "cpu: a 20% quota holds a busy loop to at most 30% over 2 s" {
	set_config '.linux.resources.cpu = {quota: 20000, period: 100000}'
	start_detached 'while :; do :; done'
	[ "$(cat "$CGDIR/cpu.max")" = "20000 100000" ]
	sleep 0.5
	local u0 u1 t0 t1 pct
	u0=$(cg_value cpu.stat usage_usec)
	t0=$(date +%s%N)
	sleep 2
	u1=$(cg_value cpu.stat usage_usec)
	t1=$(date +%s%N)
	pct=$(((u1 - u0) * 100000 / (t1 - t0)))   # usec*1000/ns*100
	echo "# cpu: ${pct}% of one CPU with a 20% quota (nr_throttled=$(cg_value cpu.stat nr_throttled))" >&3
	[ "$pct" -le 30 ]
	[ "$(cg_value cpu.stat nr_throttled)" -ge 1 ]
}

@test "cpu: shares become cpu.weight with runc's formula" {
	set_config '.linux.resources.cpu = {shares: 1024}'
	start_detached 'sleep 60'
	[ "$(cat "$CGDIR/cpu.weight")" = 39 ]
}

@test "cpu: shares 0 (docker's unset) leaves the default weight" {
	set_config '.linux.resources.cpu = {shares: 0} | .linux.resources.blockIO = {weight: 0}'
	start_detached 'sleep 60'
	[ "$(cat "$CGDIR/cpu.weight")" = 100 ]
}

@test "cpuset: cpus 0 pins the container to CPU 0" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	set_config '.linux.resources.cpu = {cpus: "0", mems: "0"}'
	run_sh 'grep Cpus_allowed_list /proc/self/status'
	assert_success
	assert_output_matches 'Cpus_allowed_list:[[:space:]]+0$'
	set_config '.linux.resources.cpu = {cpus: "1"}'
	run_sh 'grep Cpus_allowed_list /proc/self/status'
	assert_success
	assert_output_matches 'Cpus_allowed_list:[[:space:]]+1$'
}

@test "cpu: realtime runtime is refused on cgroup v2" {
	set_config '.linux.resources.cpu = {realtimeRuntime: 950000, realtimePeriod: 1000000}'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "realtime"
	[ ! -e "$CGDIR" ]
}

# ----------------------------------------------------------------- unified

@test "unified: a key of a controller the cgroup lacks is refused, nothing left" {
	set_config '.linux.resources.unified = {"nosuch.max": "1"}'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains 'linux.resources.unified["nosuch.max"]'
	[ ! -e "$CGDIR" ]
}

@test "unified: cgroup.procs cannot be written through unified" {
	set_config '.linux.resources.unified = {"cgroup.procs": "1"}'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains 'linux.resources.unified["cgroup.procs"]'
	[ ! -e "$CGDIR" ]
}

# ----------------------------------------------------------------- devices

# The container may mknod (runc allows "m" for every device) but opening a
# node is decided by the device filter: EPERM when denied.  Major 240 is
# reserved for local use: no driver, so an allowed open fails with ENXIO,
# never EPERM.
allow_mknod() {
	set_config '.process.capabilities.bounding += ["CAP_MKNOD"]
		| .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
}

@test "devices: a block device node is denied, /dev/null is allowed" {
	allow_mknod
	set_config '.linux.resources.devices = [{allow: false, access: "rwm"}]'
	run_sh 'echo hi >/dev/null && echo null-ok
		mknod /dev/blk b 7 0 && echo mknod-ok
		head -c 1 /dev/blk; echo "blk=$?"'
	assert_success
	assert_output_contains "null-ok"
	assert_output_contains "mknod-ok"
	assert_output_contains "Operation not permitted"
	assert_output_contains "blk=1"
}

@test "io: a 1 MiB/s write throttle on a loop device is in io.max and holds" {
	modprobe loop 2>/dev/null || true
	truncate -s 16M "$TESTDIR/disk.img"
	LOOPDEV=$(losetup -f --show "$TESTDIR/disk.img")
	local major minor
	major=$((0x$(stat -c %t "$LOOPDEV"))) minor=$((0x$(stat -c %T "$LOOPDEV")))
	set_config ".linux.resources.blockIO.throttleWriteBpsDevice = [{major: $major, minor: $minor, rate: 1048576}]
		| .linux.devices += [{path: \"/dev/disk0\", type: \"b\", major: $major, minor: $minor, fileMode: 432}]
		| .linux.resources.devices += [{allow: true, type: \"b\", major: $major, minor: $minor, access: \"rwm\"}]"
	# 3 MiB written with O_DIRECT; elapsed time in centiseconds from /proc/uptime
	start_detached 'read t0 _ </proc/uptime
		dd if=/dev/zero of=/dev/disk0 bs=256K count=12 oflag=direct 2>/dev/null; echo dd=$?
		read t1 _ </proc/uptime
		echo elapsed_cs=$(( ${t1%.*}${t1#*.} - ${t0%.*}${t0#*.} )); sleep 60'
	grep -q "^$major:$minor .*wbps=1048576" "$CGDIR/io.max"
	retry 200 0.2 grep -q 'elapsed_cs=' "$CONTAINER_LOG"
	run cat "$CONTAINER_LOG"
	assert_output_contains "dd=0"
	local cs
	cs=$(sed -n 's/^elapsed_cs=//p' "$CONTAINER_LOG")
	echo "# io: 3 MiB at 1 MiB/s took ${cs}0 ms" >&3
	# the first slice may pass unthrottled: at least 1.5 s for 3 MiB
	[ "$cs" -ge 150 ] || fail "3 MiB written in ${cs}0 ms: not throttled"
}

@test "devices: a config rule allowing the device lets the open reach the driver" {
	allow_mknod
	set_config '.linux.resources.devices = [{allow: false, access: "rwm"},
		{allow: true, type: "b", major: 7, minor: 0, access: "r"}]'
	run_sh 'mknod /dev/blk b 7 0; head -c 1 /dev/blk >/dev/null; echo "blk=$?"
		mknod /dev/blk1 b 7 1; head -c 1 /dev/blk1 >/dev/null; echo "blk1=$?"'
	assert_success
	# 7:0 passes the filter (whatever the driver says), 7:1 does not
	[ "$(grep -c 'blk: Operation not permitted' <<<"$output")" -eq 0 ]
	assert_output_contains "blk1: Operation not permitted"
}

@test "devices: linux.devices nodes are allowed implicitly" {
	set_config '.linux.devices = [{path: "/dev/mine", type: "c", major: 240, minor: 0, fileMode: 438}]
		| .linux.resources.devices = [{allow: false, access: "rwm"}]'
	run_sh 'head -c 1 /dev/mine >/dev/null; echo "mine=$?"'
	assert_success
	assert_output_contains "mine=1"
	assert_output_not_contains "Operation not permitted"
}

@test "devices: without linux.resources the filter still denies by default" {
	allow_mknod
	run_sh 'mknod /dev/x c 240 1; head -c 1 /dev/x; echo "x=$?"'
	assert_success
	assert_output_contains "Operation not permitted"
}

# ------------------------------------------------------------------ kill/exec

@test "kill --all signals every process of the cgroup" {
	start_detached 'sleep 100 & sleep 100 & sleep 100'
	retry 50 0.1 cg_procs_at_least 3
	run casco kill --all "$ID" KILL
	assert_success
	retry 50 0.1 cg_key_is cgroup.events populated 0
	run casco delete "$ID"
	assert_success
	[ ! -e "$CGDIR" ]
}

@test "exec: the exec'd process joins the container's cgroup" {
	set_config '.linux.resources.pids = {limit: 50}'
	start_detached 'sleep 60'
	run casco exec "$ID" cat /proc/self/cgroup
	assert_success
	# inside a private cgroup namespace the cgroup is "/"; without one, the full path
	assert_output_matches '^0::/(casco/'"$ID"')?$'
}

# ------------------------------------------------------- pause/update/stats

@test "pause/resume freeze and thaw the cgroup: no progress while paused" {
	start_detached 'while :; do echo tick; sleep 0.1; done'
	retry 50 0.2 grep -q tick "$CONTAINER_LOG"
	run casco pause "$ID"
	assert_success
	[ "$(cg_value cgroup.events frozen)" = 1 ]
	[ "$(container_status "$ID")" = paused ]
	local before after
	before=$(wc -l <"$CONTAINER_LOG")
	sleep 1.5
	after=$(wc -l <"$CONTAINER_LOG")
	[ "$before" -eq "$after" ] || fail "paused container went on: $before -> $after lines"
	run casco resume "$ID"
	assert_success
	[ "$(cg_value cgroup.events frozen)" = 0 ]
	[ "$(container_status "$ID")" = running ]
	sleep 1
	after=$(wc -l <"$CONTAINER_LOG")
	[ "$after" -gt "$before" ] || fail "resumed container made no progress"
}

@test "delete --force removes a paused container and its cgroup" {
	start_detached 'sleep 60 & sleep 60'
	run casco pause "$ID"
	assert_success
	run casco delete --force "$ID"
	assert_success
	[ ! -e "$CGDIR" ]
}

@test "update: memory, pids and cpu limits change in place" {
	set_config '.linux.resources.memory = {limit: 134217728}'
	start_detached 'sleep 60'
	run casco update --memory 64M --pids-limit 20 --cpu-quota 50000 --cpu-period 100000 "$ID"
	assert_success
	[ "$(cat "$CGDIR/memory.max")" = 67108864 ]
	[ "$(cat "$CGDIR/pids.max")" = 20 ]
	[ "$(cat "$CGDIR/cpu.max")" = "50000 100000" ]
}

@test "update: checkBeforeUpdate refuses a memory limit below the usage" {
	set_config '.linux.resources.memory = {limit: 134217728}'
	# a tmpfs file stays charged to the cgroup
	start_detached 'head -c 20m /dev/zero >/dev/shm/fill; sleep 60'
	retry 50 0.1 cg_at_least memory.current 4194304
	echo '{"memory": {"limit": 1048576, "checkBeforeUpdate": true}}' >"$TESTDIR/r.json"
	run casco update --resources "$TESTDIR/r.json" "$ID"
	assert_failure
	assert_output_contains "current usage"
	[ "$(cat "$CGDIR/memory.max")" = 134217728 ]
}

@test "ps lists the container's processes from its cgroup" {
	start_detached 'sleep 60 & sleep 61'
	retry 50 0.1 cg_procs_at_least 2
	run casco ps "$ID"
	assert_success
	local pid
	while read -r pid; do
		assert_output_matches "(^|[^0-9])$pid([^0-9]|$)"
	done <"$CGDIR/cgroup.procs"
}

@test "events --stats reports the cgroup's numbers" {
	set_config '.linux.resources.memory = {limit: 33554432} | .linux.resources.pids = {limit: 42}'
	start_detached 'sleep 60'
	run casco events --stats "$ID"
	assert_success
	[ "$(jq -r '.data.memory.usage.limit' <<<"$output")" = 33554432 ]
	[ "$(jq -r '.data.pids.limit' <<<"$output")" = 42 ]
	[ "$(jq -r '.data.pids.current' <<<"$output")" -ge 1 ]
}

# ------------------------------------------------------- cgroup namespace

@test "cgroup ns: a container with its own cgroup namespace sees its cgroup as /" {
	set_config '.linux.resources.pids = {limit: 20}'
	set_config '.linux.namespaces += [{type: "cgroup"}]'
	set_args sh -c 'cat /proc/self/cgroup; sleep 60'
	casco_detached create --bundle "$BUNDLE" "$ID"
	casco start "$ID"
	retry 50 0.2 grep -q '^0::' "$CONTAINER_LOG"
	run cat "$CONTAINER_LOG"
	assert_output_contains "0::/"
	assert_output_not_contains "casco/$ID"
	# and the host sees the process in the container's cgroup
	grep -qx "$(casco state "$ID" | jq -r .pid)" "$CGDIR/cgroup.procs"
	run casco delete --force "$ID"
	assert_success
}
