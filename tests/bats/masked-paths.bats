#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# linux.maskedPaths and linux.readonlyPaths: the default masked /proc and
# /sys files and directories, and the configured ones.

load helpers

@test "masked: /proc/kcore is absent, empty or /dev/null" {
	[ -e /proc/kcore ] || skip "host kernel has no /proc/kcore"
	run_sh 'if [ -e /proc/kcore ]; then wc -c </proc/kcore; else echo 0; fi'
	assert_success
	assert_equal "$output" 0
}

@test "masked: /proc/timer_list and /proc/keys read empty" {
	[ -s /proc/timer_list ] || [ "$(wc -c </proc/timer_list)" -gt 0 ] || skip "host /proc/timer_list is empty"
	run_sh 'wc -c </proc/timer_list; wc -c </proc/keys'
	assert_success
	assert_equal "$output" "0
0"
}

@test "masked: masked directories (/proc/acpi, /sys/firmware) are empty" {
	run_sh 'for d in /proc/acpi /sys/firmware; do [ -d $d ] && echo "$d $(ls -A $d | wc -l)"; done; true'
	assert_success
	local line
	while read -r line; do
		[ "${line##* }" = 0 ] || fail "masked directory not empty: $line"
	done <<<"$output"
	[ -n "$output" ] || skip "host has neither /proc/acpi nor /sys/firmware"
}

@test "masked: each configured maskedPath is masked" {
	mkdir -p "$BUNDLE/rootfs/opt/secret"
	echo secret >"$BUNDLE/rootfs/opt/secret/file"
	echo secret >"$BUNDLE/rootfs/opt/secret-file"
	set_config '.root.readonly = false | .linux.maskedPaths += ["/opt/secret", "/opt/secret-file"]'
	run_sh 'ls -A /opt/secret; cat /opt/secret-file; echo end'
	assert_success
	assert_equal "$output" end
}

@test "readonly: readonlyPaths under /proc are mounted read-only" {
	run_sh 'cat /proc/self/mountinfo; echo x >/proc/sys/kernel/domainname 2>&1 || echo write-refused'
	assert_success
	assert_output_contains write-refused
	local p
	for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		[ -e "$p" ] || continue
		grep -Eq " $p ro[, ]" <<<"$output" || fail "$p is not mounted read-only"
	done
}

@test "readonly: a configured readonlyPath in the rootfs refuses writes" {
	mkdir -p "$BUNDLE/rootfs/opt/ro"
	set_config '.root.readonly = false | .linux.readonlyPaths += ["/opt/ro"]'
	run_sh 'touch /opt/ro/f 2>&1; touch /opt/rw-ok && echo rw-ok'
	assert_success
	assert_output_contains "Read-only file system"
	assert_output_contains rw-ok
}
