#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are jq programs; bats sets $stderr
# bats file_tags=env:host
# The operator policy (docs/policy.md): for every rule a minimal config is
# refused under strict with nothing created, and behaves as documented under
# baseline and permissive; where the level comes from; what a refusal says.
#
# The base bundle (helpers.bash) runs uid 0 without a user namespace and
# without limits (this host cannot set them), so strict also reports
# CASCO-USER-ROOT-NO-USERNS and CASCO-LIMITS-*; each test looks for its own rule.

load helpers

setup() {
	requires_casco
	common_setup
	set_args true
}

# levels RULE PATH STRICT BASELINE PERMISSIVE — run the bundle at each level
# and check what the level does with RULE (refuse, warn or ok), and that a
# refusal names PATH and leaves nothing behind.
levels() {
	local rule=$1 path=$2 level want i=0
	shift 2
	for level in strict baseline permissive; do
		want=${1:?}
		shift
		i=$((i + 1))
		run casco --policy "$level" run --bundle "$BUNDLE" "$ID-$i"
		case $want in
		refuse)
			assert_failure
			assert_output_contains "$path ("
			assert_output_contains "$rule (OWASP D"
			assert_output_contains "Refused by policy $level; an operator allows it with --policy"
			assert_output_contains "config refused by policy $level"
			assert_no_leftovers "$ID-$i"
			[ ! -e "$ROOT/$ID-$i" ] || fail "state dir created"
			;;
		warn)
			assert_success
			assert_output_contains "warning: $path ("
			assert_output_contains "$rule (OWASP D"
			assert_output_contains "Allowed by policy $level."
			;;
		ok)
			assert_success
			assert_output_not_contains "$rule"
			;;
		esac
	done
}

# caps NAME — add capability NAME at index 3 of every set.
caps() {
	set_config '.process.capabilities |= with_entries(.value += [$c])' --arg c "$1"
}

# ------------------------------------------------------------- each rule

@test "policy: CASCO-SECCOMP-UNCONFINED (defaultAction ALLOW, nothing denied): strict refuse, baseline refuse, permissive warn" {
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_LOG"}]}'
	levels CASCO-SECCOMP-UNCONFINED linux.seccomp.defaultAction refuse refuse warn
}

@test "policy: CASCO-CAP-SYS_ADMIN: strict refuse, baseline refuse, permissive warn" {
	caps CAP_SYS_ADMIN
	levels CASCO-CAP-SYS_ADMIN 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-SYS_MODULE: strict refuse, baseline refuse, permissive warn" {
	caps CAP_SYS_MODULE
	levels CASCO-CAP-SYS_MODULE 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-SYS_RAWIO: strict refuse, baseline refuse, permissive warn" {
	caps CAP_SYS_RAWIO
	levels CASCO-CAP-SYS_RAWIO 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-SYS_PTRACE without a user namespace: strict refuse, baseline refuse, permissive warn" {
	caps CAP_SYS_PTRACE
	levels CASCO-CAP-SYS_PTRACE 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-SYS_BOOT: strict refuse, baseline refuse, permissive warn" {
	caps CAP_SYS_BOOT
	levels CASCO-CAP-SYS_BOOT 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-DAC_READ_SEARCH: strict refuse, baseline refuse, permissive warn" {
	caps CAP_DAC_READ_SEARCH
	levels CASCO-CAP-DAC_READ_SEARCH 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-MAC_ADMIN: strict refuse, baseline refuse, permissive warn" {
	caps CAP_MAC_ADMIN
	levels CASCO-CAP-MAC_ADMIN 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-MAC_OVERRIDE: strict refuse, baseline warn, permissive ok" {
	caps CAP_MAC_OVERRIDE
	levels CASCO-CAP-MAC_OVERRIDE 'process.capabilities.bounding[3]' refuse warn ok
}

@test "policy: CASCO-CAP-BPF: strict refuse, baseline refuse, permissive warn" {
	caps CAP_BPF
	levels CASCO-CAP-BPF 'process.capabilities.bounding[3]' refuse refuse warn
}

@test "policy: CASCO-CAP-PERFMON: strict refuse, baseline warn, permissive ok" {
	caps CAP_PERFMON
	levels CASCO-CAP-PERFMON 'process.capabilities.bounding[3]' refuse warn ok
}

@test "policy: CASCO-CAP-SYS_TIME: strict refuse, baseline warn, permissive ok" {
	caps CAP_SYS_TIME
	levels CASCO-CAP-SYS_TIME 'process.capabilities.bounding[3]' refuse warn ok
}

@test "policy: CASCO-CAP-NET_ADMIN: strict refuse, baseline warn, permissive ok" {
	caps CAP_NET_ADMIN
	levels CASCO-CAP-NET_ADMIN 'process.capabilities.bounding[3]' refuse warn ok
}

@test "policy: CASCO-MASKEDPATHS-EMPTY (maskedPaths []): strict refuse, baseline refuse, permissive warn" {
	set_config '.linux.maskedPaths = []'
	levels CASCO-MASKEDPATHS-EMPTY linux.maskedPaths refuse refuse warn
}

@test "policy: CASCO-MOUNT-HOST-PATH (host /etc bound read-write): strict refuse, baseline refuse, permissive warn" {
	set_config '.mounts += [{destination: "/mnt", type: "bind", source: "/etc", options: ["rbind", "rw"]}]'
	levels CASCO-MOUNT-HOST-PATH 'mounts[6].source' refuse refuse warn
}

@test "policy: CASCO-MOUNT-HOST-PATH: a symlink to /etc is judged by where it leads" {
	ln -s /etc "$TESTDIR/innocent"
	set_config '.mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind"]}]' \
		--arg s "$TESTDIR/innocent"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "mounts[6].source (/etc, read-write: is the host's /etc): CASCO-MOUNT-HOST-PATH"
	assert_no_leftovers "$ID"
}

@test "policy: CASCO-MOUNT-ENGINE-SOCKET (docker.sock bound, even read-only): strict refuse, baseline refuse, permissive warn" {
	# a stand-in: the rule knows engine sockets by name (a socket, as judged on the host)
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$TESTDIR/docker.sock"
	set_config '.mounts += [{destination: "/etc/hostname", type: "bind", source: $s, options: ["bind", "ro"]}]' \
		--arg s "$TESTDIR/docker.sock"
	levels CASCO-MOUNT-ENGINE-SOCKET 'mounts[6].source' refuse refuse warn
}

@test "policy: CASCO-DEVICE-HOST (a block device in linux.devices): strict refuse, baseline refuse, permissive warn" {
	set_config '.linux.devices = [{path: "/dev/casco-disk", type: "b", major: 7, minor: 0, fileMode: 384}]'
	levels CASCO-DEVICE-HOST 'linux.devices[0]' refuse refuse warn
}

@test "policy: CASCO-DEVICE-HOST (/dev/mem 1:1): strict refuse, baseline refuse, permissive warn" {
	set_config '.linux.devices = [{path: "/dev/casco-mem", type: "c", major: 1, minor: 1, fileMode: 384}]'
	levels CASCO-DEVICE-HOST 'linux.devices[0]' refuse refuse warn
}

@test "policy: CASCO-NS-HOST-PID (no pid namespace): strict refuse, baseline refuse, permissive warn" {
	drop_namespace pid
	levels CASCO-NS-HOST-PID linux.namespaces refuse refuse warn
}

@test "policy: CASCO-NS-HOST-PID: joining the host's own pid namespace by path counts" {
	# this shell's pid namespace is the host's, as casco sees it
	set_config '(.linux.namespaces[] | select(.type == "pid")) += {path: $p}' --arg p "/proc/$$/ns/pid"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_matches "linux\\.namespaces\\[[0-9]\\]\\.path \\(/proc/$$/ns/pid \\(the host.s\\)\\): CASCO-NS-HOST-PID"
	assert_no_leftovers "$ID"
}

@test "policy: CASCO-NS-HOST-IPC (no ipc namespace): strict refuse, baseline refuse, permissive warn" {
	drop_namespace ipc
	levels CASCO-NS-HOST-IPC linux.namespaces refuse refuse warn
}

@test "policy: CASCO-NS-HOST-NETWORK (no network namespace): strict refuse, baseline warn, permissive ok" {
	drop_namespace network
	levels CASCO-NS-HOST-NETWORK linux.namespaces refuse warn ok
}

@test "policy: CASCO-USER-ROOT-NO-USERNS (uid 0, no user namespace): strict refuse, baseline warn, permissive ok" {
	levels CASCO-USER-ROOT-NO-USERNS process.user.uid refuse warn ok
}

@test "policy: uid 0 in a user namespace, or a non-root user, is not CASCO-USER-ROOT-NO-USERNS" {
	enable_userns
	run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure   # the limits this host cannot set
	assert_output_not_contains CASCO-USER-ROOT-NO-USERNS
	set_config 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces -= [{type: "user"}]
		| .process.user = {uid: 1000, gid: 1000}'
	run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_output_not_contains CASCO-USER-ROOT-NO-USERNS
	assert_output_contains CASCO-LIMITS-MEMORY
}

@test "policy: CASCO-NNP-DISABLED (noNewPrivileges false): strict refuse, baseline warn, permissive ok" {
	set_config '.process.noNewPrivileges = false'
	levels CASCO-NNP-DISABLED process.noNewPrivileges refuse warn ok
}

@test "policy: a config silent on noNewPrivileges, capabilities and seccomp gets the defaults, not findings" {
	set_config 'del(.process.noNewPrivileges, .process.capabilities, .linux.seccomp, .linux.maskedPaths)'
	run casco --policy baseline --debug run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_not_contains CASCO-NNP
	assert_output_not_contains CASCO-CAP
	assert_output_not_contains CASCO-SECCOMP
	assert_output_not_contains CASCO-MASKEDPATHS
	assert_output_contains "noNewPrivileges absent: defaulting to true"
}

@test "policy: CASCO-LIMITS-MEMORY and CASCO-LIMITS-PIDS (no limits): strict refuse, baseline ok, permissive ok" {
	levels CASCO-LIMITS-MEMORY linux.resources.memory.limit refuse ok ok
	levels CASCO-LIMITS-PIDS linux.resources.pids.limit refuse ok ok
}

@test "policy: limits ignored by --cgroup-manager disabled are no limits under strict" {
	enable_userns
	set_config '.linux.resources = {memory: {limit: 268435456}, pids: {limit: 100}}'
	run casco --cgroup-manager disabled --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "linux.resources.memory.limit (not enforced: no cgroup): CASCO-LIMITS-MEMORY"
	assert_output_contains "linux.resources.pids.limit (not enforced: no cgroup): CASCO-LIMITS-PIDS"
	assert_no_leftovers "$ID"
}

# --------------------------------------------------- create, exec, output

@test "policy: create refused under strict leaves no state, no process, no mount" {
	caps CAP_SYS_ADMIN
	run casco_detached --policy strict create --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains CASCO-CAP-SYS_ADMIN
	assert_no_leftovers
	[ ! -e "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ] || fail "state root not empty: $(ls -A "$ROOT")"
}

@test "policy: exec --cap CAP_SYS_ADMIN is refused under baseline, and exec's process is what is judged" {
	set_args sleep 60
	casco_detached run -d --bundle "$BUNDLE" "$ID"
	run casco --policy baseline exec --cap CAP_SYS_ADMIN "$ID" true
	assert_failure
	assert_output_contains "process.capabilities.bounding[3] (CAP_SYS_ADMIN): CASCO-CAP-SYS_ADMIN"
	# container-wide findings (no limits here) are create's business, not exec's
	assert_output_not_contains CASCO-LIMITS
	run casco --policy permissive exec --cap CAP_SYS_ADMIN "$ID" true
	assert_success
	assert_output_contains "warning: process.capabilities.bounding[3] (CAP_SYS_ADMIN): CASCO-CAP-SYS_ADMIN"
}

@test "policy: exec does not repeat what create judged: root without a user namespace warns once" {
	set_args sleep 60
	run casco_detached --policy baseline run -d --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "warning: process.user.uid (0 and no user namespace): CASCO-USER-ROOT-NO-USERNS"
	# the same root process again (what every `docker exec` asks for): nothing new
	run --separate-stderr casco --policy baseline exec "$ID" echo exec-ran
	assert_success
	assert_equal "$output" exec-ran
	assert_equal "$stderr" ""
	# and strict, which refuses that finding at create, lets the container it
	# did not judge run what its own process already is
	run casco --policy strict exec "$ID" true
	assert_success
	assert_output_not_contains CASCO-
}

@test "policy: exec as root into a container whose process is not root warns under baseline, is refused under strict" {
	set_args sleep 60
	set_config '.process.user = {uid: 1000, gid: 1000}'
	casco_detached --policy baseline run -d --bundle "$BUNDLE" "$ID"
	run casco --policy strict exec --user 0 "$ID" true
	assert_failure
	assert_output_contains "process.user.uid (0 and no user namespace): CASCO-USER-ROOT-NO-USERNS"
	assert_output_contains "config refused by policy strict: 1 finding"
	run --separate-stderr casco --policy baseline exec --user 0 "$ID" id -u
	assert_success
	assert_equal "$output" 0
	[[ $stderr == "casco: warning: process.user.uid (0 and no user namespace): CASCO-USER-ROOT-NO-USERNS"* ]] ||
		fail "expected exactly baseline's warning on stderr, got:" "$stderr"
	# its own user: nothing to say
	run --separate-stderr casco --policy strict exec "$ID" id -u
	assert_success
	assert_equal "$output" 1000
	assert_equal "$stderr" ""
}

@test "policy: exec --process with noNewPrivileges false is refused under strict" {
	set_args sleep 60
	casco_detached run -d --bundle "$BUNDLE" "$ID"
	jq -n '{args: ["true"], cwd: "/", user: {uid: 1000, gid: 1000}, noNewPrivileges: false}' >"$TESTDIR/p.json"
	run casco --policy strict exec --process "$TESTDIR/p.json" "$ID"
	assert_failure
	assert_output_contains "process.noNewPrivileges (false): CASCO-NNP-DISABLED"
	jq -n '{args: ["sh", "-c", "grep NoNewPrivs /proc/self/status"], cwd: "/", user: {uid: 1000, gid: 1000}}' >"$TESTDIR/p.json"
	run casco --policy strict exec --process "$TESTDIR/p.json" "$ID"
	assert_success
	assert_output_matches 'NoNewPrivs:[[:space:]]+1'
}

@test "policy: with --log-format json each finding is one JSON log entry" {
	caps CAP_SYS_ADMIN
	run --separate-stderr casco --log-format json --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	local n
	n=$(jq -s 'length' <<<"$stderr") || fail "not JSON lines: $stderr"
	[ "$n" -ge 5 ] || fail "expected one entry per finding and the error: $stderr"
	jq -se 'all(.level == "error" and (.msg | type == "string") and (.time | type == "string"))' <<<"$stderr" >/dev/null ||
		fail "$stderr"
	jq -se 'map(select(.msg | contains("CASCO-CAP-SYS_ADMIN (OWASP D04)"))) | length == 1' <<<"$stderr" >/dev/null ||
		fail "$stderr"
}

# ------------------------------------------------- where the level comes from

@test "policy: annotations cannot change the level" {
	set_config '.annotations = {"io.casco.policy": "permissive", "io.casco.policy.level": "permissive",
		"casco.policy": "permissive", "org.opencontainers.policy": "permissive"}'
	caps CAP_SYS_ADMIN
	run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "config refused by policy strict"
	unset CASCO_POLICY
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "config refused by policy strict"
	run casco audit --bundle "$BUNDLE"
	assert_status 1
	assert_output_contains "policy strict: REFUSED"
}

@test "policy: --policy beats CASCO_POLICY, which beats policy.conf, which beats the default strict" {
	drop_namespace network
	printf '# test\nlevel = baseline\n' >"$TESTDIR/policy.conf"
	export CASCO_POLICY_CONF=$TESTDIR/policy.conf
	unset CASCO_POLICY
	run casco features
	assert_equal "$(jq -r '.annotations["io.casco.policy.level"]' <<<"$output")" baseline
	run casco run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "Allowed by policy baseline."
	CASCO_POLICY=permissive run casco run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_not_contains CASCO-NS-HOST-NETWORK
	CASCO_POLICY=permissive run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "config refused by policy strict"
	rm "$TESTDIR/policy.conf"
	run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "config refused by policy strict"
	assert_no_leftovers
}

@test "policy: a bad level is a clear error from --policy, CASCO_POLICY and policy.conf" {
	run casco --policy lax run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains '--policy: invalid level "lax" (use strict, baseline or permissive)'
	CASCO_POLICY=Strict run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains 'CASCO_POLICY: invalid level "Strict"'
	printf 'level = strict\nlevel = open\n' >"$TESTDIR/policy.conf"
	unset CASCO_POLICY
	CASCO_POLICY_CONF=$TESTDIR/policy.conf run casco run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "$TESTDIR/policy.conf:2: invalid policy level \"open\""
	assert_no_leftovers
}

@test "features: reports the operator's policy level as io.casco.policy.level" {
	run casco --policy baseline features
	assert_success
	assert_equal "$(jq -r '.annotations["io.casco.policy.level"]' <<<"$output")" baseline
	CASCO_POLICY=strict run casco features
	assert_equal "$(jq -r '.annotations["io.casco.policy.level"]' <<<"$output")" strict
}

# ----------------------------------------------------------------- spec

@test "spec: the default config passes casco audit --policy strict" {
	mkdir "$TESTDIR/spec"
	run casco spec --bundle "$TESTDIR/spec"
	assert_success
	run casco audit --policy strict --bundle "$TESTDIR/spec"
	passes_strict_here
}

# passes_strict_here — $output is audit's at strict: it passes, or (on a
# host that gives containers no cgroup, like a cgroup v1 one) its only
# findings are the limits no cgroup would enforce.
passes_strict_here() {
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		assert_success
		assert_output_contains "policy strict: passes (0 findings"
	else
		assert_status 1
		assert_output_contains "policy strict: REFUSED (2 findings: 2 refused"
		assert_output_contains "CASCO-LIMITS-MEMORY (not enforced: no cgroup)"
		assert_output_contains "CASCO-LIMITS-PIDS (not enforced: no cgroup)"
	fi
}

@test "spec --rootless: the config passes casco audit --policy strict" {
	command -v setpriv >/dev/null || skip "needs setpriv to run casco spec as a user"
	mkdir "$TESTDIR/spec"
	chown 1000:1000 "$TESTDIR/spec"
	# as a user: root's --rootless maps container root to host root, which
	# strict rightly refuses
	run setpriv --reuid 1000 --regid 1000 --clear-groups "$CASCO" spec --rootless --bundle "$TESTDIR/spec"
	assert_success
	jq -e '.linux.uidMappings[0].hostID == 1000' "$TESTDIR/spec/config.json" >/dev/null
	run casco audit --policy strict "$TESTDIR/spec/config.json"
	passes_strict_here
}

# ------------------------------------------------------ engines' configs

# engine_bundle FIXTURE — the fixture's config on this test's busybox rootfs,
# minus what only exists on the engine's host (its hook binary, the files it
# bind-mounts from /var/lib/docker, an AppArmor profile, a cgroup v1 mount).
engine_bundle() {
	jq --arg root "$BUNDLE/rootfs" '.root.path = $root | .process.args = ["sh", "-c", "echo engine-config-ran"]
		| del(.hooks, .process.apparmorProfile)
		| .mounts |= map(select((.source | startswith("/var/lib/")) | not) | select(.type != "cgroup"))' \
		"$TESTS_DIR/fixtures/$1.json" >"$BUNDLE/config.json"
}

@test "policy baseline: Docker's default config (docker run busybox) runs, with a warning about root and one about its writable root" {
	engine_bundle docker-default
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains engine-config-ran
	assert_output_contains "warning: process.user.uid (0 and no user namespace): CASCO-USER-ROOT-NO-USERNS"
	assert_output_contains "warning: root.readonly (false or absent): CASCO-ROOT-WRITABLE"
	[ "$(grep -c CASCO- <<<"$output")" -eq 2 ] || fail "$output"
}

@test "policy baseline: containerd's default config (ctr run busybox) runs, with a warning about root and one about its writable root" {
	engine_bundle containerd-default
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains engine-config-ran
	assert_output_contains "warning: root.readonly (false or absent): CASCO-ROOT-WRITABLE"
	[ "$(grep -c CASCO- <<<"$output")" -eq 2 ] || fail "$output"
}

@test "policy baseline: docker run --privileged is refused before anything exists" {
	engine_bundle docker-privileged
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "CASCO-CAP-SYS_ADMIN"
	assert_output_contains "CASCO-DEVICE-HOST"
	assert_output_contains "config refused by policy baseline: 11 findings"
	# the last line names the rules on its own: a shim quotes only that one
	local last=${lines[${#lines[@]} - 1]}
	[[ $last == *"11 findings: CASCO-CAP-SYS_ADMIN, "*", CASCO-DEVICE-HOST (\`casco audit --policy baseline\` explains them)" ]] ||
		fail "the error line does not name the refused rules: $last"
	assert_no_leftovers "$ID"
}

@test "policy: a bundle-relative bind source climbing to /etc is judged by where it leads" {
	set_config '.mounts += [{destination: "/mnt", type: "bind", source: "../../../../../../../etc", options: ["rbind"]}]'
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_output_contains "mounts[6].source (/etc, read-write: is the host's /etc): CASCO-MOUNT-HOST-PATH"
	assert_no_leftovers "$ID"
}
