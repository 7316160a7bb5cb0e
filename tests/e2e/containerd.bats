#!/usr/bin/env bats
# bats file_tags=env:e2e
# containerd's runc shim (io.containerd.runc.v2) with casco as its runc
# binary: a private containerd (own root, state, sockets, config; CRI plugin
# disabled) driven by ctr.  Runs in the VM (tests/e2e/run).

load helpers

ENGINE=containerd
D=$CASCO_E2E_DIR/containerd
# The shim's --root for casco: containerd adds the namespace ("default").
RUNC_ROOT=$D/runc
CTR=(ctr --address "$D/containerd.sock")
RUN=(run --runtime io.containerd.runc.v2 --runc-binary "$WRAP" --runc-root "$RUNC_ROOT")

setup_file() {
	start_containerd "$D"
	tmo "${CTR[@]}" image import "$IMAGE_TAR" >/dev/null
}

teardown_file() {
	local id
	for id in $("${CTR[@]}" task ls -q 2>/dev/null); do
		tmo "${CTR[@]}" task kill -a -s KILL "$id" >/dev/null 2>&1 || true
		tmo "${CTR[@]}" task delete -f "$id" >/dev/null 2>&1 || true
	done
	for id in $("${CTR[@]}" container ls -q 2>/dev/null); do
		tmo "${CTR[@]}" container rm "$id" >/dev/null 2>&1 || true
	done
	stop_daemon "$D/pid"
}

setup() {
	e2e_setup
}

# task_status ID — RUNNING, PAUSED, STOPPED...
task_status() {
	"${CTR[@]}" task ls | awk -v id="$1" '$1 == id { print $3 }'
}

@test "containerd: ctr run: output and exit status 3 come back" {
	run tmo "${CTR[@]}" "${RUN[@]}" --rm "$IMAGE" c-run sh -c 'echo hello from casco; exit 3'
	assert_status 3
	assert_equal "$output" "hello from casco"
}

@test "containerd: ctr run -d starts a detached task" {
	run tmo "${CTR[@]}" "${RUN[@]}" -d "$IMAGE" c-bg sleep 300
	assert_success
	assert_equal "$(task_status c-bg)" RUNNING
}

@test "containerd: ctr task exec runs a process in the task" {
	run tmo "${CTR[@]}" task exec --exec-id e1 c-bg sh -c 'echo in task; exit 4'
	assert_status 4
	assert_equal "$output" "in task"
}

@test "containerd: ctr task ps lists the task's processes (casco ps --format json)" {
	run tmo "${CTR[@]}" task ps c-bg
	assert_success
	pid=$("${CTR[@]}" task ls | awk '$1 == "c-bg" { print $2 }')
	assert_output_contains "$pid"
}

@test "containerd: ctr task pause and resume" {
	run tmo "${CTR[@]}" task pause c-bg
	assert_success
	assert_equal "$(task_status c-bg)" PAUSED
	run tmo "${CTR[@]}" task resume c-bg
	assert_success
	assert_equal "$(task_status c-bg)" RUNNING
}

@test "containerd: ctr task kill -a stops the task, then delete" {
	run tmo "${CTR[@]}" task kill -a -s KILL c-bg
	assert_success
	wait_for "c-bg to stop" 30 test "$(task_status c-bg)" = STOPPED
	run tmo "${CTR[@]}" task delete c-bg
	assert_success
	run tmo "${CTR[@]}" container rm c-bg
	assert_success
}

@test "containerd: --memory-limit 64 MiB becomes the cgroup's memory.max" {
	run tmo "${CTR[@]}" "${RUN[@]}" -d --memory-limit 67108864 "$IMAGE" c-mem sleep 300
	assert_success
	# ctr's spec mounts no cgroupfs in the container: read it from here
	run cat /sys/fs/cgroup/default/c-mem/memory.max
	assert_equal "$output" 67108864
	tmo "${CTR[@]}" task kill -s KILL c-mem
	wait_for "c-mem to stop" 30 test "$(task_status c-mem)" = STOPPED
	tmo "${CTR[@]}" task delete c-mem
	tmo "${CTR[@]}" container rm c-mem
}

@test "containerd: ctr run -t gets a terminal" {
	run in_pty "${CTR[@]}" "${RUN[@]}" --rm -t "$IMAGE" c-tty sh -c 'tty; test -t 0'
	assert_success
	assert_output_contains /dev/pts/
}

@test "containerd: a config refused by policy shows casco's message in ctr's output" {
	policy_refuses_privileged || skip "this casco has no policy levels yet"
	run tmo "${CTR[@]}" "${RUN[@]}" --rm --privileged "$IMAGE" c-priv true
	[ "$status" -ne 0 ] || fail "a privileged container was accepted"
	assert_casco_refusal
}

@test "containerd: nothing is left behind (containers, state, cgroups, mounts)" {
	teardown_file
	run assert_nothing_left "$RUNC_ROOT/default"
	assert_success
	# containerd's own mounts of its roots are gone with it too
	run grep -F " $D/" /proc/self/mountinfo
	[ "$status" -ne 0 ] || fail "mounts left under $D:" "$output"
}
