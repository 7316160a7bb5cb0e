#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,conformance
# Conformance: the config fields that need a container of their own — user
# namespace mappings, namespaces given by path, the time namespace, root
# propagation modes and a root that is not read-only.  Run against runc
# with CASCO=runc; casco runs at --policy permissive (the spec).

load ../bats/helpers

# A holder process in new namespaces, for joining them by path.  Killed by
# PID in teardown.
HOLDER=

start_holder() { # UNSHARE-OPTIONS...
	unshare "$@" sleep 1000 &
	HOLDER=$!
	# Wait until it is in its namespaces (unshare has exec'd sleep).
	retry 50 0.1 grep -q '^sleep' "/proc/$HOLDER/comm"
}

teardown() {
	if [ -n "$HOLDER" ]; then
		kill -KILL "$HOLDER" 2>/dev/null
		wait "$HOLDER" 2>/dev/null
	fi
	common_teardown
}

@test "linux.uidMappings and gidMappings: the user namespace's maps are the configured ones" {
	requires_namespace user
	enable_userns
	set_config '.linux.uidMappings += [{containerID: 70000, hostID: 300000, size: 10}]'
	run_sh 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //"; id -u'
	assert_success
	assert_equal "$output" "$(printf '%s\n' '0 100000 65536' '70000 300000 10' '0 100000 65536' 0)"
}

@test "linux.namespaces: a user namespace is new and the container's root is unprivileged on the host" {
	requires_namespace user
	enable_userns
	run_sh 'readlink /proc/self/ns/user; sed -n "s/^Uid:[[:space:]]*//p" /proc/self/status'
	assert_success
	[ "${lines[0]}" != "$(readlink /proc/$$/ns/user)" ] || fail "user namespace is the host's"
}

@test "linux.namespaces: a network namespace given by path is joined" {
	start_holder --net
	set_config '(.linux.namespaces[] | select(.type == "network")) |= {type: "network", path: $p}' \
		--arg p "/proc/$HOLDER/ns/net"
	run_sh 'readlink /proc/self/ns/net'
	assert_success
	assert_equal "$output" "$(readlink "/proc/$HOLDER/ns/net")"
}

@test "linux.namespaces: uts and ipc namespaces given by path are joined" {
	start_holder --uts --ipc
	set_config '(.linux.namespaces[] | select(.type == "uts")) |= {type: "uts", path: $u}
		| (.linux.namespaces[] | select(.type == "ipc")) |= {type: "ipc", path: $i}
		| del(.hostname)' \
		--arg u "/proc/$HOLDER/ns/uts" --arg i "/proc/$HOLDER/ns/ipc"
	run_sh 'readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc'
	assert_success
	assert_equal "$output" "$(readlink "/proc/$HOLDER/ns/uts" "/proc/$HOLDER/ns/ipc")"
}

@test "linux.namespaces: a mount namespace given by path is joined" {
	# casco joins one that is not the host's at permissive, and says so in a
	# warning (CASCO-NS-MOUNT-JOINED) before the container's own output
	start_holder --mount --propagation private
	set_config '(.linux.namespaces[] | select(.type == "mount")) |= {type: "mount", path: $p}' \
		--arg p "/proc/$HOLDER/ns/mnt"
	run_sh 'readlink /proc/self/ns/mnt'
	assert_success
	assert_equal "$(tail -n1 <<<"$output")" "$(readlink "/proc/$HOLDER/ns/mnt")"
}

@test "linux.namespaces: a path that is not a namespace of that type fails create" {
	start_holder --uts
	set_config '(.linux.namespaces[] | select(.type == "network")) |= {type: "network", path: $p}' \
		--arg p "/proc/$HOLDER/ns/uts"
	run_sh true
	assert_failure
	[ -z "$(casco list -q)" ] || fail "a container was left: $(casco list -q)"
}

@test "linux.timeOffsets: the time namespace's offsets are the configured ones" {
	requires_namespace time
	set_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}, boottime: {secs: 3600, nanosecs: 0}}'
	run_sh 'cat /proc/self/timens_offsets'
	assert_success
	assert_output_matches '^monotonic +86400 +0$'
	assert_output_matches '^boottime +3600 +0$'
}

# root_optional_fields — the propagation fields of the container's "/" in its
# own mountinfo (shared:N, master:N, unbindable), empty for private.
root_optional_fields='awk "\$5 == \"/\" { f = \"\"; for (i = 7; \$i != \"-\"; i++) f = f \" \" \$i; print \"root:\" f }" /proc/self/mountinfo'

@test "linux.rootfsPropagation: private, slave, unbindable and shared give / that propagation" {
	local mode out
	for mode in private slave unbindable shared; do
		set_config '.linux.rootfsPropagation = $m' --arg m "$mode"
		set_args sh -c "$root_optional_fields"
		run casco run --bundle "$BUNDLE" "$ID-$mode"
		if [ "$mode" = unbindable ] && [ "$status" -ne 0 ] && ! is_casco; then
			skip "runc departs from the spec here: rootfsPropagation unbindable fails create ($output)"
		fi
		[ "$status" -eq 0 ] || fail "rootfsPropagation $mode: status $status: $output"
		out=$(grep '^root:' <<<"$output")
		if [ "$mode" = shared ] && [[ $out != *shared:* ]] && ! is_casco; then
			skip "runc departs from the spec here: rootfsPropagation shared leaves / unshared"
		fi
		case $mode in
		private) [[ $out != *shared:* && $out != *master:* && $out != *unbindable* ]] ;;
		shared) [[ $out == *shared:* ]] ;;
		# slave of nothing is private: the host's / may itself be private.
		slave) [[ $out != *shared:* && $out != *unbindable* ]] ;;
		unbindable) [[ $out == *unbindable* ]] ;;
		esac || fail "rootfsPropagation $mode: / is \"$out\""
	done
}

@test "root.readonly false: the root filesystem is writable" {
	set_config '.root.readonly = false'
	run_sh 'touch /conf-written && echo written'
	assert_success
	assert_equal "$output" written
}

@test "process.noNewPrivileges omitted: the bit is not set (the spec's default is false)" {
	set_config 'del(.process.noNewPrivileges)'
	run_sh 'sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status'
	assert_success
	assert_equal "$(tail -n 1 <<<"$output")" 0
}

@test "process.capabilities as root: all five sets, each as configured" {
	set_config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"],
		effective: ["CAP_KILL", "CAP_SETUID"],
		permitted: ["CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE"],
		inheritable: ["CAP_KILL"],
		ambient: ["CAP_KILL"]}'
	# sh's builtins only: what the configured process itself has.  CHOWN 0,
	# KILL 5, SETUID 7, NET_BIND_SERVICE 10.  Root's exec makes effective
	# equal permitted (the kernel's rule for uid 0), so effective shows 4a0.
	run_sh 'while read -r k v; do case $k in Cap*) echo "$k $v";; esac; done </proc/self/status'
	assert_success
	assert_output_contains "CapBnd: 00000000000004a1"
	assert_output_contains "CapPrm: 00000000000004a0"
	assert_output_contains "CapEff: 00000000000004a0"
	assert_output_contains "CapInh: 0000000000000020"
	assert_output_contains "CapAmb: 0000000000000020"
}

@test "process.user: a uid the rootfs's passwd does not name works (ids are numeric)" {
	set_config '.process.user = {uid: 4242, gid: 4343}'
	run_sh 'id -u; id -g'
	assert_success
	assert_equal "$output" "$(printf '4242\n4343')"
}
