#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host
# Robustness: hostile configs, many lifecycles, casco killed at every
# stage, concurrent commands on one container, and a full state
# filesystem — each must end with a clear error or a clean state and
# nothing left behind (mounts, processes, state dirs).

load helpers

# ------------------------------------------------------ malformed configs

# bats test_tags=robustness
@test "robustness: over 100 malformed configs are refused with a one-line error, exit 1, nothing left" {
	requires_casco
	local cases=$BATS_RUN_TMPDIR/malformed f count=0 out rc
	if [ ! -d "$cases" ]; then
		"$TESTS_DIR/robustness/gen-malformed-configs" "$BUNDLE/config.json" "$cases.tmp" >/dev/null
		mv "$cases.tmp" "$cases"
	fi
	for f in "$cases"/*.json; do
		cp "$f" "$BUNDLE/config.json"
		rc=0
		# Output to a file: were a config accepted, its init would hold a pipe open.
		casco create --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/out" 2>&1 || rc=$?
		out=$(cat "$TESTDIR/out")
		count=$((count + 1))
		[ "$rc" -eq 1 ] || fail "${f##*/}: exit status $rc (want 1): ${out:0:300}"
		[[ $out == casco:* ]] || fail "${f##*/}: no casco error message: ${out:0:300}"
		[ "${#out}" -lt 2048 ] || fail "${f##*/}: a ${#out}-byte error message"
		[ "$(wc -l <<<"$out")" -le 2 ] || fail "${f##*/}: a multi-line error: ${out:0:300}"
		assert_no_leftovers "$ID" || fail "${f##*/} left something behind"
	done
	[ "$count" -ge 100 ] || fail "only $count malformed configs"
	echo "# $count malformed configs refused" >&3
}

# ------------------------------------------------------------- cycles

# bats test_tags=robustness
@test "robustness: 50 create/start/kill/delete cycles leave no mount, process, fd or state" {
	run "$TESTS_DIR/robustness/cycles" -n 50 --casco "$CASCO"
	echo "$output" | sed 's/^/# /' >&3
	assert_success
	assert_output_contains "nothing left behind"
}

# --------------------------------------------------- SIGKILL of casco

# kill_when FILE PID — SIGKILL PID as soon as FILE exists (10 s at most).
kill_when() {
	retry 100 0.1 test -e "$1" || fail "never saw $1"
	kill -KILL "$2"
}

# assert_force_delete_cleans ID — `delete --force` works and leaves nothing.
assert_force_delete_cleans() {
	casco delete --force "$1" >/dev/null 2>&1 || true
	assert_no_leftovers "$1"
}

# a hook that writes its pid to $TESTDIR/in-hook-KIND and then waits
write_hook() {
	printf '#!/bin/sh\necho $$ >%s/in-hook-$1.tmp\nmv %s/in-hook-$1.tmp %s/in-hook-$1\nexec sleep 30\n' \
		"$TESTDIR" "$TESTDIR" "$TESTDIR" >"$TESTDIR/hook.sh"
	chmod +x "$TESTDIR/hook.sh"
}

# A hook run by casco on the host dies with it (no orphan left running on
# with its timeout unenforced): the pid in $1 is gone within 2 s.
assert_hook_gone() {
	local pid i
	pid=$(cat "$1")
	for i in $(seq 20); do
		{ [ -e "/proc/$pid" ] && ! grep -q '^[^)]*) Z' "/proc/$pid/stat" 2>/dev/null; } || return 0
		sleep 0.1
	done
	fail "the hook (pid $pid) outlived the casco that ran it: $(cat "/proc/$pid/cmdline" | tr '\0' ' ')"
}

# bats test_tags=robustness
@test "robustness: SIGKILL of casco create at 12 points of its run, then delete --force, leaves nothing" {
	local d pid
	set_args sleep 1000
	for d in 0 0.005 0.01 0.02 0.03 0.05 0.07 0.1 0.15 0.2 0.3 0.5; do
		"$CASCO" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
		pid=$!
		sleep "$d"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		assert_force_delete_cleans "$ID"
	done
}

# bats test_tags=robustness
@test "robustness: SIGKILL of casco inside each hook (createRuntime, startContainer, poststart), then delete --force" {
	local kind pid
	write_hook
	set_args sleep 1000
	for kind in createRuntime createContainer; do
		set_config '.hooks = {($k): [{path: $p, args: ["hook", $k]}]}' --arg k "$kind" --arg p "$TESTDIR/hook.sh"
		"$CASCO" --root "$ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
		pid=$!
		kill_when "$TESTDIR/in-hook-$kind" "$pid"
		wait "$pid" 2>/dev/null || true
		# createRuntime runs on the host; createContainer in the container
		[ "$kind" = createContainer ] || assert_hook_gone "$TESTDIR/in-hook-$kind"
		assert_force_delete_cleans "$ID"
	done
	for kind in startContainer poststart; do
		set_config '.hooks = {($k): [{path: $p, args: ["hook", $k]}]}' --arg k "$kind" \
			--arg p "$([ "$kind" = startContainer ] && echo /bin/sh || echo "$TESTDIR/hook.sh")"
		if [ "$kind" = startContainer ]; then
			# Runs inside the container: a script in its rootfs.
			printf '#!/bin/sh\nexec sleep 30\n' >"$BUNDLE/rootfs/hook.sh"
			chmod +x "$BUNDLE/rootfs/hook.sh"
			set_config '.hooks.startContainer[0] = {path: "/hook.sh", args: ["hook"]}'
		fi
		run casco_detached create --bundle "$BUNDLE" "$ID"
		assert_success
		"$CASCO" --root "$ROOT" start "$ID" </dev/null >/dev/null 2>&1 &
		pid=$!
		if [ "$kind" = poststart ]; then
			kill_when "$TESTDIR/in-hook-$kind" "$pid"
		else
			sleep 0.5
			kill -KILL "$pid"
		fi
		wait "$pid" 2>/dev/null || true
		[ "$kind" != poststart ] || assert_hook_gone "$TESTDIR/in-hook-$kind"
		assert_force_delete_cleans "$ID"
	done
}

# bats test_tags=robustness
@test "robustness: SIGKILL of casco exec during its setup and while its process runs, then delete --force" {
	local d pid
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	for d in 0 0.01 0.03 0.1 0.5; do
		"$CASCO" --root "$ROOT" exec "$ID" sleep 999 </dev/null >/dev/null 2>&1 &
		pid=$!
		sleep "$d"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		assert_equal "$(container_status "$ID")" running
	done
	assert_force_delete_cleans "$ID"
}

# ------------------------------------------------------- concurrency

# bats test_tags=robustness
@test "robustness: 10 parallel kill/delete/state on one container never corrupt its state" {
	local round i pids
	set_args sleep 1000
	for round in 1 2 3 4 5; do
		run casco_detached run -d --bundle "$BUNDLE" "$ID"
		assert_success
		pids=()
		for i in 0 1 2 3 4 5 6 7 8 9; do
			case $((i % 4)) in
			0) casco kill "$ID" KILL >"$TESTDIR/p$i" 2>&1 & ;;
			1) casco delete --force "$ID" >"$TESTDIR/p$i" 2>&1 & ;;
			2) casco state "$ID" >"$TESTDIR/p$i" 2>&1 & ;;
			3) casco delete "$ID" >"$TESTDIR/p$i" 2>&1 & ;;
			esac
			pids+=("$!")
		done
		for i in "${pids[@]}"; do wait "$i" || true; done
		# Every state answer was whole JSON or a clean "does not exist".
		for i in 2 6; do
			if ! jq -e .status "$TESTDIR/p$i" >/dev/null 2>&1; then
				grep -q "does not exist" "$TESTDIR/p$i" || fail "round $round: state said: $(cat "$TESTDIR/p$i")"
			fi
		done
		# What is left is a readable state or nothing.
		if [ -e "$ROOT/$ID" ]; then
			run casco state "$ID"
			assert_success
			jq -e .status <<<"$output" >/dev/null || fail "round $round: corrupt state: $output"
		fi
		assert_force_delete_cleans "$ID"
	done
}

# ------------------------------------------------------- full tmpfs

full_teardown() {
	umount -l "$TESTDIR/full" 2>/dev/null || true
}

# bats test_tags=robustness
@test "robustness: a state dir on a full tmpfs gives a clear error and no partial state" {
	local what
	for what in blocks inodes; do
		mkdir -p "$TESTDIR/full"
		if [ "$what" = blocks ]; then
			mount -t tmpfs -o size=64k tmpfs "$TESTDIR/full"
			mkdir "$TESTDIR/full/state"
			dd if=/dev/zero of="$TESTDIR/full/filler" bs=4k 2>/dev/null || true
		else
			mount -t tmpfs -o nr_inodes=8 tmpfs "$TESTDIR/full"
			mkdir "$TESTDIR/full/state"
			for i in 1 2 3 4 5 6 7 8; do touch "$TESTDIR/full/f$i" 2>/dev/null || break; done
		fi
		set_args sleep 1000
		run casco --root "$TESTDIR/full/state" run -d --bundle "$BUNDLE" "$ID" </dev/null
		assert_failure
		assert_output_contains "No space left on device"
		[ -z "$(ls -A "$TESTDIR/full/state")" ] ||
			fail "$what: partial state left: $(find "$TESTDIR/full/state")"
		run casco --root "$TESTDIR/full/state" list -q
		[ -z "$output" ] || fail "$what: list shows $output"
		umount "$TESTDIR/full"
		assert_no_leftovers "$ID"
	done
}

teardown() {
	full_teardown
	common_teardown
}
