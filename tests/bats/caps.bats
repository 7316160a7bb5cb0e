#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# process.capabilities: the five sets (bounding, effective, inheritable,
# permitted, ambient) and process.noNewPrivileges.
#
# What the container's process shows after execve follows the kernel's
# rules (capabilities(7)): for root, permitted = effective = bounding |
# inheritable, cut down to the old permitted set under no_new_privs (the
# bundle's default); for any other uid (busybox has no file capabilities),
# permitted = effective = ambient.  The init waiting for `start` has not
# exec'd yet, so its /proc/PID/status shows the sets exactly as configured.

load helpers

# Capability numbers (linux/capability.h).
CAP_CHOWN=0
CAP_KILL=5
CAP_NET_BIND_SERVICE=10
CAP_NET_RAW=13
CAP_SYS_ADMIN=21
CAP_AUDIT_WRITE=29

# capmask CAP_NUMBER... — the 16-digit hex mask /proc/PID/status prints.
capmask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x\n' "$m"
}

# assert_caps INH PRM EFF BND AMB — $output is `grep ^Cap /proc/.../status`
# (the five lines, in the kernel's order), after casco's own lines (the
# policy's warning about CAP_SYS_ADMIN, docs/policy.md).
assert_caps() {
	local want got
	want=$(printf 'CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s\nCapAmb:\t%s' "$@")
	got=$(grep -v '^casco: warning: ' <<<"$output")
	[ "$got" = "$want" ] || fail "capability sets differ" "expected:" "$want" "actual:" "$output"
}

# run_caps — run the container printing its capability sets.
run_caps() {
	run_sh 'grep ^Cap /proc/self/status'
	assert_success
}

add_tmp_tmpfs() {
	set_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'
}

@test "caps: bounding and permitted are exactly the listed capabilities (root, no_new_privs)" {
	set_config '.process.noNewPrivileges = true
		| .process.capabilities = {
		bounding:  ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN"],
		permitted: ["CAP_CHOWN", "CAP_NET_RAW"],
		effective: ["CAP_CHOWN", "CAP_NET_RAW"]}'
	run_caps
	local p
	p=$(capmask $CAP_CHOWN $CAP_NET_RAW)
	assert_caps 0000000000000000 "$p" "$p" "$(capmask $CAP_CHOWN $CAP_NET_RAW $CAP_SYS_ADMIN)" 0000000000000000
}

@test "caps: the inheritable set is exactly the listed capabilities" {
	set_config '.process.capabilities = {
		bounding:    ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		effective:   ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		permitted:   ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		inheritable: ["CAP_KILL"]}'
	run_caps
	local b
	b=$(capmask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW)
	assert_caps "$(capmask $CAP_KILL)" "$b" "$b" "$b" 0000000000000000
}

@test "caps: the waiting init holds exactly the five configured sets before exec" {
	set_config '.process.capabilities = {
		bounding:    ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_ADMIN", "CAP_AUDIT_WRITE"],
		permitted:   ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_AUDIT_WRITE"],
		effective:   ["CAP_KILL", "CAP_NET_RAW"],
		inheritable: ["CAP_NET_RAW", "CAP_AUDIT_WRITE"],
		ambient:     ["CAP_NET_RAW"]}'
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	run grep ^Cap "/proc/$pid/status"
	assert_success
	assert_caps "$(capmask $CAP_NET_RAW $CAP_AUDIT_WRITE)" \
		"$(capmask $CAP_CHOWN $CAP_KILL $CAP_NET_RAW $CAP_AUDIT_WRITE)" \
		"$(capmask $CAP_KILL $CAP_NET_RAW)" \
		"$(capmask $CAP_CHOWN $CAP_KILL $CAP_NET_BIND_SERVICE $CAP_NET_RAW $CAP_SYS_ADMIN $CAP_AUDIT_WRITE)" \
		"$(capmask $CAP_NET_RAW)"
}

@test "caps: inheritable and ambient are empty when not listed (CVE-2022-29162), root and non-root" {
	# The bundle lists bounding, effective and permitted only.
	run_caps
	local b
	b=$(capmask $CAP_KILL $CAP_NET_BIND_SERVICE $CAP_AUDIT_WRITE)
	assert_caps 0000000000000000 "$b" "$b" "$b" 0000000000000000

	set_config '.process.user = {uid: 1000, gid: 1000}'
	run_caps
	assert_caps 0000000000000000 0000000000000000 0000000000000000 "$b" 0000000000000000
}

@test "caps: ambient capabilities (also permitted and inheritable) reach a non-root user" {
	set_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {
		bounding:    ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_AUDIT_WRITE"],
		permitted:   ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		effective:   ["CAP_KILL", "CAP_NET_RAW"],
		inheritable: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		ambient:     ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]}'
	run_caps
	local a
	a=$(capmask $CAP_NET_BIND_SERVICE $CAP_NET_RAW)
	# execve leaves a non-root process exactly its ambient set: CAP_KILL
	# (effective, not ambient) is gone.
	assert_caps "$a" "$a" "$a" \
		"$(capmask $CAP_CHOWN $CAP_KILL $CAP_NET_BIND_SERVICE $CAP_NET_RAW $CAP_AUDIT_WRITE)" "$a"
}

@test "caps: a non-root user with CAP_CHOWN effective and ambient can chown to root" {
	add_tmp_tmpfs
	set_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = ({} | .bounding = ["CAP_CHOWN"] | .effective = .bounding
			| .permitted = .bounding | .inheritable = .bounding | .ambient = .bounding)'
	run_sh 'grep ^CapEff /proc/self/status; touch /tmp/f && chown 0:0 /tmp/f && stat -c "owner %u:%g" /tmp/f'
	assert_success
	assert_output_matches "^CapEff:[[:space:]]+$(capmask $CAP_CHOWN)\$"
	assert_output_contains "owner 0:0"
}

@test "caps: a non-root user without CAP_CHOWN ambient cannot chown (control)" {
	add_tmp_tmpfs
	set_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = ({} | .bounding = ["CAP_CHOWN"] | .effective = .bounding
			| .permitted = .bounding | .inheritable = .bounding)'
	run_sh 'touch /tmp/f && chown 0:0 /tmp/f'
	assert_failure
	assert_output_contains "Operation not permitted"
}

@test "caps: an empty capabilities object leaves every set empty" {
	set_config '.process.capabilities = {}'
	run_caps
	assert_caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000
}

@test "caps: without a capabilities key baseline's secure default applies (AUDIT_WRITE, KILL, NET_BIND_SERVICE)" {
	# README: baseline and strict fill in what a config leaves out.
	requires_casco
	set_config 'del(.process.capabilities)'
	CASCO_POLICY=baseline run_caps
	local d
	d=$(capmask $CAP_AUDIT_WRITE $CAP_KILL $CAP_NET_BIND_SERVICE)
	assert_caps 0000000000000000 "$d" "$d" "$d" 0000000000000000
}

@test "caps: without a capabilities key permissive gives none, as runc does" {
	set_config 'del(.process.capabilities)'
	run_caps
	assert_caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000
}

@test "caps: an unknown capability name is refused with its JSON path, nothing left behind" {
	set_config '.process.capabilities.bounding = ["CAP_KILL", "CAP_FOO"]'
	set_args true
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "process.capabilities.bounding[1]"
	assert_output_contains "CAP_FOO"
	assert_no_leftovers "$ID"
}

@test "caps: an unknown capability in the ambient set is refused with its JSON path" {
	set_config '.process.capabilities.ambient = ["CAP_FOO"]'
	set_args true
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "process.capabilities.ambient[0]"
	assert_output_contains "CAP_FOO"
	assert_no_leftovers "$ID"
}

@test "noNewPrivileges: true sets NoNewPrivs: 1" {
	set_config '.process.noNewPrivileges = true'
	run_sh 'grep ^NoNewPrivs: /proc/self/status'
	assert_success
	assert_output_matches '^NoNewPrivs:[[:space:]]+1$'
}

@test "noNewPrivileges: false leaves NoNewPrivs: 0" {
	set_config '.process.noNewPrivileges = false'
	run_sh 'grep ^NoNewPrivs: /proc/self/status'
	assert_success
	assert_output_matches '^NoNewPrivs:[[:space:]]+0$'
}

@test "caps: effective beyond permitted is a config error naming the capability" {
	requires_casco
	set_args true
	set_config '.process.capabilities = {bounding: ["CAP_KILL","CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_KILL"]}'
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains 'process.capabilities.effective: "CAP_CHOWN": not in .permitted'
	assert_no_leftovers
}

@test "caps: a capability the runtime itself lacks on this host is named, with the config change" {
	requires_casco
	local bnd cap missing=
	bnd=$((16#$(awk '/^CapBnd/ { print $2 }' /proc/self/status)))
	for cap in 24 25 38 39 40; do   # SYS_RESOURCE SYS_TIME PERFMON BPF CHECKPOINT_RESTORE
		if ((!(bnd >> cap & 1))); then
			missing=$cap
			break
		fi
	done
	[ -n "$missing" ] || skip "this host's bounding set holds every capability tried"
	local name
	name=$(capsh --decode="$(printf '%x' $((1 << missing)))" | sed 's/.*=//' | tr a-z A-Z)
	set_args true
	set_config '.process.capabilities = {bounding: [$c], effective: [$c], permitted: [$c]}' --arg c "$name"
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "process.capabilities.permitted: \"$name\": the runtime itself does not hold this"
	assert_output_contains "remove it from process.capabilities"
	assert_no_leftovers
}

@test "caps: root gets exactly the configured capabilities" {
	# CAP_KILL(5) | CAP_NET_BIND_SERVICE(10) | CAP_AUDIT_WRITE(29)
	run_sh 'grep -E "^Cap(Eff|Prm|Bnd):" /proc/self/status'
	assert_success
	assert_equal "$output" "CapPrm:	0000000020000420
CapEff:	0000000020000420
CapBnd:	0000000020000420"
}

@test "caps: a non-root user has no effective capabilities" {
	set_config '.process.user = {uid: 1000, gid: 1000}'
	run_sh 'grep ^CapEff: /proc/self/status'
	assert_success
	assert_output_matches '^CapEff:[[:space:]]+0000000000000000$'
}

@test "caps: without CAP_SYS_ADMIN root in the container cannot mount" {
	run_sh 'mount -t tmpfs none /mnt 2>&1 && echo mounted'
	assert_output_not_contains mounted
	assert_failure
}

@test "noNewPrivileges: NoNewPrivs is set" {
	run_sh 'grep ^NoNewPrivs: /proc/self/status'
	assert_success
	assert_output_matches '^NoNewPrivs:[[:space:]]+1$'
}
