#!/usr/bin/env bats
# shellcheck disable=SC2016 # single quotes are scripts for the container or jq
# bats file_tags=env:host
# The container's mount namespace (docs/policy.md, "The one deviation from
# the spec"): none at all, or the host's own by path, is refused at every
# level; another one joined by path (what runtime-tools' linux_ns_path
# does with an unshare'd helper) runs at permissive, as with runc, and is
# CASCO-NS-MOUNT-JOINED at baseline and strict.

load helpers

HELPER=

setup() {
	common_setup
}

teardown() {
	# the helper's root is the container's rootfs once the container has
	# pivoted in its namespace (runc does the same): it goes first
	if [ -n "$HELPER" ]; then
		kill "$HELPER" 2>/dev/null || true
		wait "$HELPER" 2>/dev/null || true
	fi
	common_teardown
}

# start_helper — a process holding a mount namespace of its own (a copy of
# the host's tree); $HELPER is its pid.
start_helper() {
	command -v unshare >/dev/null || skip "needs unshare(1)"
	unshare --mount --propagation private sleep 1000 </dev/null >/dev/null 2>&1 &
	HELPER=$!
	retry 50 0.1 helper_unshared || fail "the helper never got its own mount namespace"
}

helper_unshared() {
	[ "$(readlink "/proc/$HELPER/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
}

mount_path() {
	set_config '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)' --arg p "$1"
}

@test "mount namespace by path: joined at permissive, the process is in it and sees its rootfs" {
	start_helper
	mount_path "/proc/$HELPER/ns/mnt"
	set_args sh -c 'readlink /proc/self/ns/mnt; cat /etc/hostname; ls /bin/busybox'
	if is_casco; then
		run casco --policy permissive run --bundle "$BUNDLE" "$ID"
	else
		run casco run --bundle "$BUNDLE" "$ID"
	fi
	assert_success
	assert_output_contains "$(readlink "/proc/$HELPER/ns/mnt")"
	assert_output_contains "casco-test"
	assert_output_contains "/bin/busybox"
	if is_casco; then
		assert_output_contains "linux.namespaces[4].path (/proc/$HELPER/ns/mnt): CASCO-NS-MOUNT-JOINED"
	fi
	# the host's own tree is untouched
	run grep -c "$TESTDIR" /proc/self/mountinfo
	assert_equal "$output" 0
}

@test "mount namespace by path: refused at baseline and strict as CASCO-NS-MOUNT-JOINED, with the config change" {
	requires_casco
	start_helper
	mount_path "/proc/$HELPER/ns/mnt"
	set_args true
	for level in baseline strict; do
		run casco --policy "$level" run --bundle "$BUNDLE" "$ID"
		assert_failure
		assert_output_contains "linux.namespaces[4].path (/proc/$HELPER/ns/mnt): CASCO-NS-MOUNT-JOINED"
		assert_output_contains 'To pass: drop the "path" of linux.namespaces[4] (a new mount namespace)'
		assert_output_contains "config refused by policy $level"
		assert_no_leftovers "$ID"
	done
}

@test "mount namespace: the host's by path, and none at all, are refused at every level with what to change" {
	requires_casco
	mount_path "/proc/$$/ns/mnt"
	set_args true
	for level in strict baseline permissive; do
		run casco --policy "$level" run --bundle "$BUNDLE" "$ID"
		assert_failure
		assert_output_contains "linux.namespaces[4].path: \`/proc/$$/ns/mnt\` is the host's mount namespace (the one casco runs in, or PID 1's)"
		assert_output_contains 'drop the "path" (a new mount namespace)'
		assert_no_leftovers "$ID"
	done
	drop_namespace mount
	for level in strict baseline permissive; do
		run casco --policy "$level" run --bundle "$BUNDLE" "$ID"
		assert_failure
		assert_output_contains "linux.namespaces: a mount namespace is required"
		assert_output_contains 'add {"type":"mount"} to linux.namespaces'
		assert_no_leftovers "$ID"
	done
}
