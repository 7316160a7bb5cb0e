#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are jq programs; bats sets $stderr
# bats file_tags=env:host
# The refusal experience (issue 18): every refusal names the config change
# that passes as JSON, before the level's sentence; applying exactly that
# change (tests/helpers/apply-fix reads it word for word) makes the config
# pass; and on a host without cgroup v2, strict's limits are said to be
# out of reach once, with the two real options, instead of a circle.
#
# The base bundle (helpers.bash) runs uid 0 without a user namespace and
# without limits: strict also refuses CASCO-USER-ROOT-NO-USERNS and
# CASCO-LIMITS-*, so at strict each test looks for its own rule only.

load helpers

setup() {
	requires_casco
	common_setup
	set_args true
}

# finding_fix RULE LEVEL — the "fix" of RULE's first finding in audit's JSON.
finding_fix() {
	casco audit --policy "$2" --format json --bundle "$BUNDLE" |
		jq -r --arg r "$1" '[.findings[] | select(.rule == $r)][0].fix // empty'
}

# fix_passes RULE LEVEL [ALT] [runs] — `casco run` at LEVEL refuses RULE and
# its line quotes the fix as "To pass: FIX." before "Refused by policy
# LEVEL"; FIX (alternative ALT, 0 the first) applied word for word to
# config.json leaves neither run nor audit with a RULE finding; with
# "runs", the container then runs at LEVEL.
fix_passes() {
	local rule=$1 level=$2 alt=${3:-0} runs=${4:-} fix
	run casco --policy "$level" run --bundle "$BUNDLE" "$ID-r"
	assert_failure
	assert_no_leftovers "$ID-r"
	fix=$(finding_fix "$rule" "$level")
	[ -n "$fix" ] || fail "audit gives $rule no fix"
	assert_output_contains "$rule (OWASP D"
	assert_output_contains "To pass: $fix. Refused by policy $level; an operator allows it with --policy"
	"$HELPERS_DIR/apply-fix" "$BUNDLE/config.json" "$fix" "$alt" || fail "the fix is not a config change: $fix"
	run casco audit --policy "$level" --format json --bundle "$BUNDLE"
	jq -e --arg r "$rule" '[.findings[] | select(.rule == $r)] == []' <<<"$output" >/dev/null ||
		fail "$rule still found after: $fix"
	run casco --policy "$level" run --bundle "$BUNDLE" "$ID-f"
	assert_output_not_contains "$rule"
	if [ -n "$runs" ]; then
		assert_success
	fi
}

# ------------------------------------------------------------ namespaces

@test "refusal: no pid namespace says add {\"type\":\"pid\"} to linux.namespaces, which then runs at baseline" {
	drop_namespace pid
	fix_passes CASCO-NS-HOST-PID baseline 0 runs
	run finding_fix CASCO-NS-HOST-PID strict
	[ -z "$output" ]
	run cat "$BUNDLE/config.json"
	assert_output_contains '"type": "pid"'
}

@test "refusal: joining the host's pid namespace by path says remove \"path\" from linux.namespaces[i]" {
	set_config '(.linux.namespaces[] | select(.type == "pid")) .path = $p' --arg p "/proc/$$/ns/pid"
	run finding_fix CASCO-NS-HOST-PID baseline
	assert_output_matches '^remove "path" from linux.namespaces\[[0-9]\] \(a new pid namespace\)'
	fix_passes CASCO-NS-HOST-PID baseline 0 runs
}

# ---------------------------------------------------------- capabilities

@test "refusal: CAP_SYS_ADMIN says remove \"CAP_SYS_ADMIN\" from each set that has it" {
	set_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	run finding_fix CASCO-CAP-SYS_ADMIN baseline
	assert_equal "$output" 'remove "CAP_SYS_ADMIN" from process.capabilities.bounding, .permitted, .effective'
	fix_passes CASCO-CAP-SYS_ADMIN baseline 0 runs
}

# ---------------------------------------------------------------- mounts

@test "refusal: a writable rbind of /etc says set \"options\":[\"rbind\",\"rro\"] on mounts[i], which passes" {
	set_config '.mounts += [{destination: "/x", type: "bind", source: "/etc", options: ["rbind", "rw"]}]'
	local i
	i=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	run finding_fix CASCO-MOUNT-HOST-PATH baseline
	assert_equal "$output" "set \"options\":[\"rbind\",\"rro\"] on mounts[$i], or bind a directory made for the container"
	fix_passes CASCO-MOUNT-HOST-PATH baseline 0 runs
}

@test "refusal: a writable non-recursive bind of /usr says \"ro\", which passes" {
	set_config '.mounts += [{destination: "/x", type: "bind", source: "/usr", options: ["bind"]}]'
	run finding_fix CASCO-MOUNT-HOST-PATH baseline
	assert_output_matches '^set "options":\["bind","ro"\] on mounts\[[0-9]+\]'
	fix_passes CASCO-MOUNT-HOST-PATH baseline 0 runs
}

@test "refusal: the host's /proc bound in says remove mounts[i], which passes" {
	set_config '.mounts += [{destination: "/hostproc", type: "bind", source: "/proc", options: ["rbind", "ro"]}]'
	fix_passes CASCO-MOUNT-HOST-PROC baseline 0 runs
}

@test "refusal: a second procfs says remove mounts[i], which passes" {
	set_config '.mounts += [{destination: "/mnt", type: "proc", source: "proc"}]'
	fix_passes CASCO-MOUNT-PROCSYS-ELSEWHERE baseline 0 runs
}

@test "refusal: a writable sysfs as real root says the options without \"rw\" (or the namespaces), each of which passes" {
	set_config '(.mounts[] | select(.destination == "/sys")) .options = ["nosuid", "noexec", "nodev", "rw"]'
	cp "$BUNDLE/config.json" "$TESTDIR/sysfs-rw.json"
	run finding_fix CASCO-MOUNT-SYSFS-RW baseline
	assert_output_matches '^set "options":\["nosuid","noexec","nodev","ro"\] on mounts\[[0-9]+\]; or add \{"type":"user"\} to linux.namespaces and set "uidMappings":'
	fix_passes CASCO-MOUNT-SYSFS-RW baseline 0 runs
	# the other way: confine it (then it is only said, and refused at strict)
	cp "$TESTDIR/sysfs-rw.json" "$BUNDLE/config.json"
	fix_passes CASCO-MOUNT-SYSFS-RW baseline 1
	run casco audit --policy baseline --bundle "$BUNDLE"
	assert_success
	assert_output_contains "CASCO-MOUNT-SYSFS-WRITABLE"
}

# ------------------------------------------------------- paths, devices

@test "refusal: maskedPaths [] says remove linux.maskedPaths or the essential list, each of which passes" {
	set_config '.linux.maskedPaths = []'
	cp "$BUNDLE/config.json" "$TESTDIR/empty.json"
	fix_passes CASCO-MASKEDPATHS-EMPTY baseline 0 runs
	cp "$TESTDIR/empty.json" "$BUNDLE/config.json"
	fix_passes CASCO-MASKEDPATHS-EMPTY baseline 1 runs
}

@test "refusal: a maskedPaths list without /proc/kcore says add \"/proc/kcore\" to linux.maskedPaths, which passes" {
	set_config '.linux.maskedPaths -= ["/proc/kcore"]'
	fix_passes CASCO-MASKEDPATHS-MISSING baseline 0 runs
}

@test "refusal: a host block device says remove linux.devices[i], which passes" {
	set_config '.linux.devices = [{path: "/dev/sda", type: "b", major: 8, minor: 0}]'
	fix_passes CASCO-DEVICE-HOST baseline 0 runs
}

# -------------------------------------------------------- seccomp, hooks

@test "refusal: an allow-all seccomp profile says set defaultAction, or remove linux.seccomp, which passes" {
	set_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
	run finding_fix CASCO-SECCOMP-UNCONFINED baseline
	assert_output_matches '^set "defaultAction":"SCMP_ACT_ERRNO" in linux.seccomp and allow only the syscalls'
	fix_passes CASCO-SECCOMP-UNCONFINED baseline 1 runs
}

@test "refusal: a hook at strict says remove hooks.prestart[0], which passes" {
	set_config '.hooks.prestart = [{path: "/bin/true"}]'
	fix_passes CASCO-HOOKS strict
}

# ------------------------------------------------------- process, users

@test "refusal: noNewPrivileges false at strict says set \"noNewPrivileges\":true in process" {
	set_config '.process.noNewPrivileges = false'
	fix_passes CASCO-NNP-DISABLED strict
}

@test "refusal: uid 0 without a user namespace at strict: either fix (a uid, or a user namespace with mappings) passes" {
	cp "$BUNDLE/config.json" "$TESTDIR/root.json"
	fix_passes CASCO-USER-ROOT-NO-USERNS strict 0
	assert_equal "$(jq .process.user.uid "$BUNDLE/config.json")" 1000
	cp "$TESTDIR/root.json" "$BUNDLE/config.json"
	fix_passes CASCO-USER-ROOT-NO-USERNS strict 1
	jq -e '.linux.uidMappings == [{containerID: 0, hostID: 100000, size: 65536}] and .linux.gidMappings[0].hostID == 100000
		and any(.linux.namespaces[]; .type == "user")' "$BUNDLE/config.json" >/dev/null
}

@test "refusal: a gid range over host gid 0 says a free hostID for it, which passes" {
	enable_userns
	set_config '.linux.gidMappings += [{containerID: 70000, hostID: 0, size: 1}]'
	run finding_fix CASCO-USERNS-MAPS-HOST-ROOT baseline
	assert_output_matches '^set "hostID":165536 in linux.gidMappings\[1\] \(map only unprivileged host gids'
	fix_passes CASCO-USERNS-MAPS-HOST-ROOT baseline
}

# --------------------------------------------- what audit now sees, refused

@test "refusal: a misspelled key at strict says rename it to the spec's key, which passes; baseline warns" {
	set_config '.process.noNewPrivilege = true'
	run casco --policy baseline run --bundle "$BUNDLE" "$ID-b"
	assert_success
	assert_output_contains 'warning: process.noNewPrivilege (unknown key "noNewPrivilege"; did you mean "noNewPrivileges"?): CASCO-CONFIG-UNKNOWN-KEY'
	run finding_fix CASCO-CONFIG-UNKNOWN-KEY strict
	assert_equal "$output" 'rename "noNewPrivilege" to "noNewPrivileges" in process'
	fix_passes CASCO-CONFIG-UNKNOWN-KEY strict
}

@test "refusal: a writable root at strict says set \"readonly\":true in root, which passes" {
	set_config '.root.readonly = false'
	fix_passes CASCO-ROOT-WRITABLE strict
	run casco --policy baseline run --bundle "$BUNDLE" "$ID-b"
	assert_success
	assert_output_not_contains "CASCO-ROOT-WRITABLE"
}

@test "refusal: a memory limit above the host's memory is warned at every level with the host's MemTotal; the fix's limit passes" {
	local total
	total=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
	# 1 PiB (exact in jq's doubles)
	set_config '.linux.resources.memory.limit = 1125899906842624'
	for level in baseline permissive; do
		run casco --cgroup-manager disabled --policy "$level" run --bundle "$BUNDLE" "$ID-$level"
		assert_success
		assert_output_contains "warning: linux.resources.memory.limit (1125899906842624 bytes, above this host's memory: $total bytes (MemTotal)): CASCO-LIMITS-ABOVE-HOST"
	done
	run --separate-stderr casco --cgroup-manager disabled audit --policy strict --format json --bundle "$BUNDLE"
	local fix
	fix=$(jq -r '.findings[] | select(.rule == "CASCO-LIMITS-ABOVE-HOST") | .fix' <<<"$output")
	assert_equal "$(jq -r '.findings[] | select(.rule == "CASCO-LIMITS-ABOVE-HOST") | .action' <<<"$output")" warn
	"$HELPERS_DIR/apply-fix" "$BUNDLE/config.json" "$fix"
	assert_equal "$(jq .linux.resources.memory.limit "$BUNDLE/config.json")" "$total"
	run casco --cgroup-manager disabled --policy baseline run --bundle "$BUNDLE" "$ID-f"
	assert_success
	assert_output_not_contains "CASCO-LIMITS-ABOVE-HOST"
}

# ---------------------------------------- no cgroup v2: said once, plainly

requires_no_cgroup_v2() {
	if awk '$9 == "cgroup2" && $5 == "/sys/fs/cgroup" { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		skip "this host has cgroup v2 at /sys/fs/cgroup"
	fi
}

# once TEXT — TEXT is in $output exactly once.
once() {
	local n
	n=$(grep -o -F -- "$1" <<<"$output" | wc -l)
	[ "$n" -eq 1 ] || fail "\"$1\" said $n times in: $output"
}

spec_bundle() {
	rm -f "$BUNDLE/config.json"
	"$CASCO" spec --bundle "$BUNDLE"
	set_args true
}

@test "refusal: casco spec's config at strict on a v1/hybrid host: one message with the two options, no circle" {
	requires_no_cgroup_v2
	spec_bundle
	run casco --policy strict run --bundle "$BUNDLE" "$ID"
	assert_failure
	assert_no_leftovers "$ID"
	once "systemd.unified_cgroup_hierarchy=1"
	once "--policy baseline"
	assert_output_contains "cgroup v2 is required for resource limits (this host has cgroup v1"
	# the circle's other half: limits ignored, then refused as not enforced
	run casco --cgroup-manager disabled --policy strict run --bundle "$BUNDLE" "$ID-d"
	assert_failure
	once "systemd.unified_cgroup_hierarchy=1"
	once "--policy baseline without limits"
	assert_output_contains "To pass: nothing in the config passes strict on this host"
	assert_output_not_contains "set linux.resources"
	# and without limits: the same, never "add a limit"
	set_config 'del(.linux.resources.memory, .linux.resources.pids)'
	run casco --policy strict run --bundle "$BUNDLE" "$ID-n"
	assert_failure
	once "systemd.unified_cgroup_hierarchy=1"
	assert_output_not_contains '"memory":{"limit"'
	assert_no_leftovers "$ID-n"
	# the first option, as said: baseline without limits runs
	run casco --policy baseline run --bundle "$BUNDLE" "$ID-b"
	assert_success
}

@test "refusal: audit of casco spec's config at strict on a v1/hybrid host says the host, not \"set a limit\"" {
	requires_no_cgroup_v2
	spec_bundle
	set_config 'del(.linux.resources.memory, .linux.resources.pids)'
	run casco audit --policy strict --bundle "$BUNDLE"
	assert_status 1
	once "systemd.unified_cgroup_hierarchy=1"
	assert_output_not_contains "to pass: add \"memory\""
}
