#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,conformance
# Conformance: the lifecycle and the state (OCI runtime spec, runtime.md):
# the status through create/start/exit/delete, what state reports, and the
# operations the spec says MUST fail (and then have no effect).  Runs
# against runc with CASCO=runc; casco at --policy permissive (the spec).

load ../bats/helpers

# A host directory the container writes to, so the host can see when the
# user process ran.
setup() {
	common_setup
	mkdir -p "$TESTDIR/out"
	set_config '.mounts += [{destination: "/mnt", type: "bind", source: $d, options: ["rbind", "rw"]}]
		| .annotations = {"org.example.conformance": "yes", "org.example.empty": ""}' \
		--arg d "$TESTDIR/out"
}

# state_field FIELD — jq -r FIELD of `state $ID` (fails if state fails).
state_field() {
	local s
	s=$(casco state "$ID") || return 1
	jq -r "$1" <<<"$s"
}

@test "lifecycle: create -> created (process not run yet), start -> running, exit -> stopped, delete -> gone" {
	set_args sh -c 'echo ran >/mnt/ran; read -r _ </mnt/fifo'
	mkfifo "$TESTDIR/out/fifo"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success

	# created: the runtime environment exists, the user process has not run.
	assert_equal "$(state_field .status)" created
	[ ! -e "$TESTDIR/out/ran" ] || fail "process.args ran before start"
	local pid
	pid=$(state_field .pid)
	[ "$pid" -gt 0 ] && kill -0 "$pid" || fail "created: pid '$pid' is not a live process"

	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running
	retry 50 0.1 test -e "$TESTDIR/out/ran" || fail "the user process did not run after start"
	assert_equal "$(state_field .pid)" "$pid"

	# The process exits (reads one line from the FIFO) -> stopped.
	echo go >"$TESTDIR/out/fifo"
	wait_for_status "$ID" stopped

	run casco delete "$ID"
	assert_success
	run casco state "$ID"
	assert_failure
	assert_no_leftovers
}

@test "state: ociVersion, id, status, pid, bundle (absolute) and annotations as configured" {
	create_sleeper
	run casco state "$ID"
	assert_success
	local s=$output
	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' <<<"$s" >/dev/null || fail "ociVersion: $s"
	assert_equal "$(jq -r .id <<<"$s")" "$ID"
	assert_equal "$(jq -r .status <<<"$s")" created
	assert_equal "$(jq -r .bundle <<<"$s")" "$(realpath "$BUNDLE")"
	assert_equal "$(jq -c .annotations <<<"$s")" '{"org.example.conformance":"yes","org.example.empty":""}'
	[ "$(jq -r .pid <<<"$s")" -gt 0 ] || fail "pid: $s"
}

@test "state: of an id that does not exist fails; state with no id fails" {
	run casco state no-such-container
	assert_failure
	run casco state
	assert_failure
}

@test "create: a second create with the same id fails and leaves the first untouched" {
	create_sleeper
	local pid
	pid=$(state_field .pid)
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_equal "$(state_field .status)" created
	assert_equal "$(state_field .pid)" "$pid"
}

@test "start: on a running container fails and has no effect; on a stopped one fails" {
	set_args sh -c 'echo x >>/mnt/runs; read -r _ </mnt/fifo'
	mkfifo "$TESTDIR/out/fifo"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running
	run casco start "$ID"
	assert_failure
	assert_equal "$(state_field .status)" running
	echo go >"$TESTDIR/out/fifo"
	wait_for_status "$ID" stopped
	run casco start "$ID"
	assert_failure
	assert_equal "$(state_field .status)" stopped
	# The process ran exactly once.
	assert_equal "$(cat "$TESTDIR/out/runs")" x
}

@test "start: with no id fails; of an id that does not exist fails" {
	run casco start
	assert_failure
	run casco start no-such-container
	assert_failure
}

@test "delete: of a running container fails without --force and has no effect" {
	create_sleeper
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" running
	run casco delete "$ID"
	assert_failure
	assert_equal "$(state_field .status)" running
	run casco delete --force "$ID"
	assert_success
	run casco state "$ID"
	assert_failure
}

@test "delete: with no id fails; of an id that does not exist fails" {
	run casco delete
	assert_failure
	run casco delete no-such-container
	assert_failure
}

@test "kill: signals a created container's process; the container stops" {
	create_sleeper
	run casco kill "$ID" KILL
	assert_success
	wait_for_status "$ID" stopped
}

@test "kill: a running container's process gets the signal it names" {
	set_args sh -c 'trap "echo got-usr1 >/mnt/sig; exit 0" USR1; echo ready >/mnt/ready; while :; do sleep 0.1; done'
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	retry 100 0.1 test -e "$TESTDIR/out/ready" || fail "container never got ready"
	run casco kill "$ID" USR1
	assert_success
	wait_for_status "$ID" stopped
	assert_equal "$(cat "$TESTDIR/out/sig")" got-usr1
}

@test "kill: of a stopped container fails and has no effect; with no id fails" {
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	wait_for_status "$ID" stopped
	run casco kill "$ID" KILL
	assert_failure
	assert_equal "$(state_field .status)" stopped
	run casco kill
	assert_failure
}

@test "config.json: changes after create have no effect on the container" {
	set_args sh -c 'echo "$CONF_VAR" >/mnt/env; read -r _ </mnt/fifo'
	set_config '.process.env += ["CONF_VAR=at-create"]'
	mkfifo "$TESTDIR/out/fifo"
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	set_config '.process.env = ["CONF_VAR=after-create"] | .hostname = "changed"'
	run casco start "$ID"
	assert_success
	retry 50 0.1 test -s "$TESTDIR/out/env" || fail "the process did not run"
	assert_equal "$(cat "$TESTDIR/out/env")" at-create
	echo go >"$TESTDIR/out/fifo"
	wait_for_status "$ID" stopped
}

@test "create --pid-file: the file holds state's pid" {
	set_args sleep 1000
	run casco_detached create --pid-file "$TESTDIR/pidfile" --bundle "$BUNDLE" "$ID"
	assert_success
	assert_equal "$(cat "$TESTDIR/pidfile")" "$(state_field .pid)"
}

@test "misc: unknown properties and annotation keys are ignored" {
	set_config '.unknownProperty = {"x": 1} | .annotations["org.example.unknown.key"] = ""'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_success
}

@test "misc: an invalid ociVersion is an error (casco; runc 1.1 accepts it)" {
	requires_casco
	set_config '.ociVersion = "invalid"'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains ociVersion
}
