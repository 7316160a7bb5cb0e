#!/usr/bin/env bats
# bats file_tags=env:e2e
# Docker with casco as a runtime ("runtimes": {"casco": {"path": ...}}): a
# private dockerd (own data-root, exec-root, pidfile and socket; no bridge,
# no iptables) and the docker CLI with --runtime casco.  Runs in the VM
# (tests/e2e/run).

load helpers

ENGINE=docker
D=$CASCO_E2E_DIR/docker
DOCKER=(/usr/bin/docker -H "unix://$D/docker.sock")
RUN=(run --runtime casco --network none)

setup_file() {
	mkdir -p "$D"
	cat >"$D/daemon.json" <<EOF
{
	"runtimes": { "casco": { "path": "$WRAP" } },
	"exec-opts": ["native.cgroupdriver=cgroupfs"],
	"storage-driver": "overlay2"
}
EOF
	# dockerd's own containerd gives up after a fixed time, too short
	# under TCG on a busy host: start one here and hand it over.
	start_containerd "$D/containerd"
	start_daemon dockerd "$D/pid.launcher" dockerd --config-file "$D/daemon.json" \
		--containerd "$D/containerd/containerd.sock" \
		--data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/dockerd.pid" \
		-H "unix://$D/docker.sock" --bridge none --iptables=false --ip6tables=false
	wait_for "dockerd" 180 "${DOCKER[@]}" version
	tmo "${DOCKER[@]}" load -q -i "$IMAGE_TAR" >/dev/null
}

teardown_file() {
	local ids
	ids=$("${DOCKER[@]}" ps -aq 2>/dev/null) || ids=
	[ -z "$ids" ] || tmo "${DOCKER[@]}" rm -f $ids >/dev/null 2>&1 || true
	stop_daemon "$D/pid.launcher"
	# containers dockerd could not stop are still the shims' children
	stop_daemon "$D/containerd/pid"
}

setup() {
	e2e_setup
}

# Containers are few (each costs seconds under TCG): one foreground run,
# one detached container shared by the exec/top/update/pause/stop tests,
# one with -t, one with the security flags.

@test "docker: run --runtime casco: output and exit status 3 come back" {
	run --separate-stderr tmo "${DOCKER[@]}" "${RUN[@]}" --rm "$IMAGE" sh -c 'echo hello from casco; exit 3'
	assert_status 3
	assert_equal "$output" "hello from casco"
}

@test "docker: run -d starts a detached container with --memory 64m --pids-limit 50" {
	run --separate-stderr tmo "${DOCKER[@]}" "${RUN[@]}" -d --name d-bg --memory 64m --pids-limit 50 \
		"$IMAGE" sleep 300
	assert_success
	run "${DOCKER[@]}" inspect -f '{{.State.Status}}' d-bg
	assert_equal "$output" running
	run "${DOCKER[@]}" exec d-bg cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
	assert_equal "$output" "67108864
50"
}

@test "docker: exec runs a process in the container" {
	run tmo "${DOCKER[@]}" exec d-bg sh -c 'echo in $(hostname); exit 4'
	assert_status 4
	assert_output_contains "in "
}

@test "docker: exec -t gets a terminal" {
	run in_pty "${DOCKER[@]}" exec -t d-bg tty
	assert_success
	assert_output_contains /dev/pts/
}

@test "docker: top lists the processes (casco ps --format json)" {
	run tmo "${DOCKER[@]}" top d-bg
	assert_success
	assert_output_contains "sleep 300"
}

@test "docker: update --memory changes the limit (casco update --resources -)" {
	run tmo "${DOCKER[@]}" update --memory 100m --memory-swap 200m d-bg
	assert_success
	run "${DOCKER[@]}" exec d-bg cat /sys/fs/cgroup/memory.max
	assert_equal "$output" 104857600
}

@test "docker: pause and unpause" {
	run tmo "${DOCKER[@]}" pause d-bg
	assert_success
	run "${DOCKER[@]}" inspect -f '{{.State.Status}}' d-bg
	assert_equal "$output" paused
	run tmo "${DOCKER[@]}" unpause d-bg
	assert_success
	run "${DOCKER[@]}" inspect -f '{{.State.Status}}' d-bg
	assert_equal "$output" running
}

@test "docker: stop ends a detached container (SIGTERM, then SIGKILL)" {
	run tmo "${DOCKER[@]}" stop -t 1 d-bg
	assert_success
	run "${DOCKER[@]}" inspect -f '{{.State.Status}} {{.State.ExitCode}}' d-bg
	assert_equal "$output" "exited 137"
	run tmo "${DOCKER[@]}" rm d-bg
	assert_success
}

@test "docker: run -t gets a terminal" {
	run in_pty "${DOCKER[@]}" "${RUN[@]}" --rm -t "$IMAGE" sh -c 'tty; test -t 0'
	assert_success
	assert_output_contains /dev/pts/
}

@test "docker: --read-only and --cap-drop ALL hold" {
	run tmo "${DOCKER[@]}" "${RUN[@]}" --rm --read-only --cap-drop ALL "$IMAGE" \
		sh -c 'grep -E "^Cap(Prm|Eff|Bnd)" /proc/self/status; touch /file'
	assert_status 1
	assert_output_contains "Read-only file system"
	assert_equal "$(awk '/^Cap/ { print $2 }' <<<"$output" | sort -u)" 0000000000000000
}

@test "docker: a config refused by policy shows casco's message in docker run's stderr" {
	policy_refuses_privileged || skip "this casco has no policy levels yet"
	run --separate-stderr tmo "${DOCKER[@]}" "${RUN[@]}" --rm --privileged "$IMAGE" true
	[ "$status" -ne 0 ] || fail "a privileged container was accepted"
	output=$stderr assert_casco_refusal
}

@test "docker: nothing is left behind (containers, state, cgroups, mounts)" {
	teardown_file
	run assert_nothing_left "$D"/exec/runtime-*/moby
	assert_success
}
