#!/usr/bin/env bats
# shellcheck disable=SC2016 # single quotes are scripts for the container or jq
# bats file_tags=env:host
# What each policy level adds to a config that leaves fields out
# (docs/policy.md, "Secure defaults"): permissive adds nothing (the OCI
# spec's meaning, what runc gives), baseline and strict add the secure
# defaults and say each once; policy.conf's defaults_off keeps one off.
# Observed from inside the container.

load helpers

# A config silent on every field with a secure default: what the spec
# leaves it with is runc's behaviour (CASCO=runc runs the first test).
setup() {
	common_setup
	set_config 'del(.process.capabilities, .process.noNewPrivileges, .linux.maskedPaths,
			.linux.readonlyPaths, .linux.seccomp)
		| .mounts |= map(if .type == "sysfs" then .options = ["nosuid", "noexec", "nodev"] else . end)'
	# timer_list: a masked path this kernel has (masked, it reads empty)
	set_args sh -c 'grep -E "^(NoNewPrivs|Seccomp|CapEff|CapBnd):" /proc/self/status
		echo "timer_list $(head -c 100 /proc/timer_list | wc -c)"
		echo "sysfs $(grep " /sys sysfs " /proc/mounts | cut -d" " -f4 | cut -d, -f1)"
		echo "procsys $(grep -c " /proc/sys " /proc/mounts)"'
}

teardown() {
	common_teardown
}

# inside LINE — the container printed LINE (warnings aside).
inside() {
	grep -qxF -- "$1" <<<"$(grep -v '^casco: warning: ' <<<"$output")" ||
		fail "the container did not print: $1"
}

# said_once TEXT — exactly one warning line contains TEXT.
said_once() {
	local n
	n=$(grep -c '^casco: warning: .*'"$1" <<<"$output" || true)
	[ "$n" = 1 ] || fail "expected one warning containing '$1', got $n"
}

conf() {
	printf '%s\n' "$@" >"$TESTDIR/policy.conf"
	export CASCO_POLICY_CONF=$TESTDIR/policy.conf
}

@test "levels: permissive adds nothing: no no_new_privs, no filter, no capabilities, nothing masked, sysfs writable (as runc)" {
	if is_casco; then
		run casco --policy permissive run --bundle "$BUNDLE" "$ID"
	else
		run casco run --bundle "$BUNDLE" "$ID"
	fi
	assert_success
	inside $'NoNewPrivs:\t0'
	inside $'Seccomp:\t0'
	inside $'CapEff:\t0000000000000000'
	inside $'CapBnd:\t0000000000000000'
	[[ $output != *"timer_list 0"* ]] || fail "/proc/timer_list is masked at permissive"
	inside "sysfs rw"
	inside "procsys 0"
	if is_casco; then
		said_once "process.noNewPrivileges: absent; the spec's meaning applies at permissive (false); at baseline and strict casco sets true"
		said_once "linux.seccomp: absent; the spec's meaning applies at permissive (no syscall filter); at baseline and strict casco applies its default profile"
		said_once "process.capabilities: absent; the spec's meaning applies at permissive"
		said_once "linux.maskedPaths: absent; the spec's meaning applies at permissive"
	fi
}

@test "levels: baseline adds each secure default and says each once" {
	requires_casco
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	inside $'NoNewPrivs:\t1'
	inside $'Seccomp:\t2'
	inside $'CapBnd:\t0000000020000420'
	inside "timer_list 0"
	inside "sysfs ro"
	inside "procsys 1"
	said_once 'process.noNewPrivileges: absent; casco sets true .* To keep the spec.s meaning (false): `defaults_off = noNewPrivileges` in /nonexistent/casco-policy.conf, or --policy permissive'
	said_once 'process.capabilities: absent; casco grants only CAP_AUDIT_WRITE, CAP_KILL and CAP_NET_BIND_SERVICE'
	said_once 'linux.maskedPaths: absent; casco masks'
	said_once 'linux.readonlyPaths: absent; casco makes'
	said_once 'linux.seccomp: absent; casco applies its default profile .*`defaults_off = seccomp`'
	said_once 'mounts\[5\].options: sysfs says neither "ro" nor "rw"; casco mounts it read-only'
	# no cgroup on this host: no pids default applied, none said
	assert_output_not_contains "pids.limit: absent"
	# a stated field gets no default and no line
	set_config '.process.noNewPrivileges = true'
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_not_contains "process.noNewPrivileges: absent"
}

@test "levels: the defaults applied are warning entries of --log-format json" {
	requires_casco
	run casco --log "$TESTDIR/log.json" --log-format json --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	jq -e -s 'map(select(.level == "warning" and (.msg | startswith("linux.seccomp: absent; casco applies its default profile")))) | length == 1' \
		"$TESTDIR/log.json" >/dev/null || fail "$(cat "$TESTDIR/log.json")"
}

@test "defaults_off = noNewPrivileges: baseline keeps the spec's false, warns CASCO-NNP-DISABLED, adds the rest" {
	requires_casco
	conf "defaults_off = noNewPrivileges"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	inside $'NoNewPrivs:\t0'
	inside $'Seccomp:\t2'
	inside $'CapBnd:\t0000000020000420'
	said_once "process.noNewPrivileges (absent: false): CASCO-NNP-DISABLED"
	said_once "process.noNewPrivileges: absent; the spec's meaning applies (false): \`defaults_off = noNewPrivileges\` in $TESTDIR/policy.conf"
	# strict refuses what baseline warns about
	run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "process.noNewPrivileges (absent: false): CASCO-NNP-DISABLED"
}

@test "defaults_off = capabilities: baseline gives none, as runc does" {
	requires_casco
	conf "defaults_off = capabilities"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	inside $'CapBnd:\t0000000000000000'
	inside $'NoNewPrivs:\t1'
}

# refused_for NAME RULE PATH — with NAME off, baseline judges the absent
# field and refuses it as RULE at PATH, nothing created.
refused_for() {
	conf "defaults_off = $1"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "$3"
	assert_output_contains "$2"
	said_once "the spec's meaning applies .*\`defaults_off = $1\`"
	assert_no_leftovers "$ID"
}

@test "defaults_off = maskedPaths, readonlyPaths, seccomp, sysfs: baseline judges the absence and refuses it" {
	requires_casco
	refused_for maskedPaths CASCO-MASKEDPATHS-EMPTY "linux.maskedPaths (absent, and casco's default set is not applied)"
	refused_for readonlyPaths CASCO-READONLYPATHS-MISSING "linux.readonlyPaths (/proc/sys)"
	refused_for seccomp CASCO-SECCOMP-UNCONFINED "linux.seccomp.syscalls"
	refused_for sysfs CASCO-MOUNT-SYSFS-RW 'set "options":["nosuid","noexec","nodev","ro"] on mounts[5]'
	# several names on one line, and the key repeated
	conf "defaults_off = maskedPaths readonlyPaths" "defaults_off = sysfs"
	run casco --policy permissive run --bundle "$BUNDLE" "$ID"
	assert_success
}

@test "defaults_off = pids: audit says the pids default is off" {
	requires_casco
	conf "defaults_off = pids"
	run --separate-stderr casco audit --policy baseline --bundle "$BUNDLE"
	assert_output_contains "linux.resources.pids.limit: absent; the spec's meaning applies (no limit): \`defaults_off = pids\`"
	conf "# nothing off"
	run --separate-stderr casco audit --policy baseline --bundle "$BUNDLE"
	assert_output_contains "linux.resources.pids.limit: absent; casco sets 4096 when the container has a cgroup"
}

@test "defaults_off: an unknown name is an error naming the file, the line and the valid names" {
	requires_casco
	conf "level = baseline" "" "defaults_off = seccomp noNewPrivilege"
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "$TESTDIR/policy.conf:3: defaults_off: unknown default \"noNewPrivilege\" (the defaults are noNewPrivileges, capabilities, maskedPaths, readonlyPaths, seccomp, sysfs, pids)"
	assert_no_leftovers "$ID"
	run casco audit --bundle "$BUNDLE"
	assert_status 2
	assert_output_contains 'unknown default "noNewPrivilege"'
}
