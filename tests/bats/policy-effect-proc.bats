#!/usr/bin/env bats
# shellcheck disable=SC2016 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# /proc and /sys by another door (issue 17, class 6): the effective masked
# and read-only sets must hold the paths every engine protects (however
# spelled), every procfs is the one at /proc (every sysfs the one at /sys),
# and sysfs is read-only unless "rw" is asked for by a container whose
# network and user namespaces confine it.  Nothing here writes a kernel
# knob: writability is asked by opening for append and writing nothing
# (`(exec 3>>FILE)`; busybox's `test -w` ignores a read-only mount for root).
#
# Each test was shown red on the code before (CASCO=/tmp/base/casco).

load helpers

# refused_at LEVEL RULE PATH TEXT... — run the bundle at LEVEL: refused
# before anything exists, naming RULE at PATH and every TEXT (the value and
# the fix), with nothing left behind.
refused_at() {
	local level=$1 rule=$2 path=$3 t
	shift 3
	set_args sh -c 'echo CONTAINER-RAN'
	run casco --policy "$level" run --bundle "$BUNDLE" "$ID"
	assert_failure
	[[ $output != *CONTAINER-RAN* ]] || fail "the container ran at $level: $output"
	assert_output_contains "$path ("
	assert_output_contains "): $rule"
	assert_output_contains "config refused by policy $level"
	for t in "$@"; do
		assert_output_contains "$t"
	done
	assert_no_leftovers "$ID"
}

# both_levels RULE PATH TEXT... — refused_at baseline and strict.
both_levels() {
	refused_at baseline "$@"
	refused_at strict "$@"
}

@test "proc effect: readonlyPaths [] is refused, each essential path named with its fix" {
	requires_casco
	set_config '.linux.readonlyPaths = []'
	both_levels CASCO-READONLYPATHS-MISSING linux.readonlyPaths "(/proc/sys)" "(/proc/sysrq-trigger)" \
		'To pass: add "/proc/sys" to linux.readonlyPaths'
}

@test "proc effect: a readonlyPaths list without /proc/sys (or with only a part of it) is refused" {
	requires_casco
	for list in '["/proc/bus","/proc/fs","/proc/irq","/proc/sysrq-trigger"]' \
		'["/proc/bus","/proc/fs","/proc/irq","/proc/sysrq-trigger","/proc/sys/kernel","/proc/sysfoo"]'; do
		set_config ".linux.readonlyPaths = $list"
		both_levels CASCO-READONLYPATHS-MISSING linux.readonlyPaths "(/proc/sys)" \
			'add "/proc/sys" to linux.readonlyPaths'
	done
}

@test "proc effect: maskedPaths replaced by a list that omits the defaults is refused" {
	requires_casco
	set_config '.linux.maskedPaths = ["/proc/asound"]'
	both_levels CASCO-MASKEDPATHS-MISSING linux.maskedPaths "(/proc/kcore)" "(/sys/firmware)" \
		'add "/proc/kcore" to linux.maskedPaths'
	set_config '.linux.maskedPaths = ["/proc/acpi","/proc/keys","/proc/latency_stats","/proc/timer_list",
		"/proc/timer_stats","/proc/sched_debug","/proc/scsi","/sys/firmware","/proc/kcorex","/proc/kcore/x"]'
	both_levels CASCO-MASKEDPATHS-MISSING linux.maskedPaths "(/proc/kcore)"
}

@test "proc effect: respelled masked and read-only paths count, and are applied as counted" {
	requires_casco
	# "/proc/mounts/../keys": the kernel would follow the symlink and fail
	# (the mask silently skipped); casco masks what the policy counted
	set_config '.linux.maskedPaths = ["/proc/acpi/","/proc/mounts/../keys","/proc/./latency_stats","/proc/../proc/timer_list",
			"/proc/timer_stats","/proc/sched_debug","/proc/scsi","/sys//firmware/","/proc/kcore/"]
		| .linux.readonlyPaths = ["/proc/bus/","/proc//fs","/proc/irq","/proc/self/../sys","/proc/sysrq-trigger"]'
	set_args sh -c 'stat -c %t:%T /proc/keys /proc/timer_list; head -c 16 /proc/keys | wc -c; (exec 3>>/proc/sys/kernel/core_pattern) && echo SYS-WRITABLE; echo ran'
	for level in baseline strict; do
		[ $level = baseline ] || set_config '.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
			| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.resources = {memory: {limit: 268435456}, pids: {limit: 100}}'
		run casco --policy $level run --bundle "$BUNDLE" "$ID"
		[[ $output != *CASCO-MASKEDPATHS* && $output != *CASCO-READONLYPATHS* ]] || fail "$level: $output"
		[ $level = baseline ] || continue
		assert_success
		assert_output_contains ran
		# both under /dev/null (char 1:3): nothing to read
		[ "$(grep -c '^1:3$' <<<"$output")" -eq 2 ] || fail "not masked: $output"
		[[ $output == *$'\n0\n'* ]] || fail "/proc/keys readable: $output"
		[[ $output != *SYS-WRITABLE* ]] || fail "/proc/sys writable: $output"
	done
}

@test "proc effect: a second procfs at /mnt (however spelled) is refused: no unmasked core_pattern" {
	requires_casco
	for dest in /mnt /proc/../mnt /mnt/ //mnt/./; do
		set_config '.mounts += [{destination: $d, type: "proc", source: "proc"}]' --arg d "$dest"
		both_levels CASCO-MOUNT-PROCSYS-ELSEWHERE "destination" "proc on $dest" "remove mounts[6]"
		set_config 'del(.mounts[6])'
	done
}

@test "proc effect: at permissive the second procfs is warned about; at baseline it never exists" {
	requires_casco
	set_config '.mounts += [{destination: "/mnt", type: "proc", source: "proc", options: ["ro"]}]'
	set_args sh -c 'test -r /mnt/kcore && echo KCORE-VISIBLE; (exec 3>>/mnt/sys/kernel/core_pattern) && echo CORE-PATTERN-WRITABLE; echo ran'
	run casco --policy permissive run --bundle "$BUNDLE" "$ID"
	assert_success
	assert_output_contains "warning: mounts[6].destination (proc on /mnt): CASCO-MOUNT-PROCSYS-ELSEWHERE"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_failure
	[[ $output != *KCORE-VISIBLE* && $output != *CORE-PATTERN-WRITABLE* && $output != *ran* ]] || fail "$output"
}

@test "proc effect: a second sysfs outside /sys (no /sys/firmware mask there) is refused" {
	requires_casco
	set_config '.mounts += [{destination: "/sys/../mnt/sys", type: "sysfs", source: "sysfs", options: ["ro"]}]'
	both_levels CASCO-MOUNT-PROCSYS-ELSEWHERE "mounts[6].destination" "sysfs on /sys/../mnt/sys"
}

@test "proc effect: sysfs \"rw\" with the host's network namespace, or as real root, is refused" {
	requires_casco
	# host netns
	set_config '(.mounts[] | select(.type == "sysfs") | .options) |= ["nosuid", "noexec", "nodev", "rw"]
		| .linux.namespaces |= map(select(.type != "network"))'
	both_levels CASCO-MOUNT-SYSFS-RW "mounts[5].options" "the host's network namespace" \
		'set "options":["nosuid","noexec","nodev","ro"] on mounts[5]; or add {"type":"network"} to linux.namespaces and add {"type":"user"} to linux.namespaces'
	# its own netns, but real root (no user namespace)
	set_config '.linux.namespaces += [{type: "network"}]'
	both_levels CASCO-MOUNT-SYSFS-RW "mounts[5].options" "no user namespace: real root"
	# "ro" then "rrw": the recursive clear wins
	set_config '(.mounts[] | select(.type == "sysfs") | .options) |= ["ro", "rrw"]'
	both_levels CASCO-MOUNT-SYSFS-RW "mounts[5].options" "sysfs on /sys writable"
}

@test "proc effect: sysfs made writable by a later remount is refused" {
	requires_casco
	set_config '.mounts += [{destination: "/sys/kernel/../", type: "none", source: "none", options: ["remount", "rw"]}]'
	both_levels CASCO-MOUNT-SYSFS-RW "mounts[6].options" "sysfs on /sys writable"
	set_config 'del(.mounts[6]) | .mounts += [{destination: "/tmp", options: ["remount", "rrw"]}]'
	both_levels CASCO-MOUNT-SYSFS-RW "mounts[6].options"
}

@test "proc effect: a sysfs that says neither ro nor rw is mounted read-only (uevent_helper not writable)" {
	requires_casco
	set_config '(.mounts[] | select(.type == "sysfs") | .options) |= ["nosuid", "noexec", "nodev"]'
	set_args sh -c '(exec 3>>/sys/kernel/uevent_helper) && echo UEVENT-WRITABLE; (exec 3>>/sys/power/state) && echo POWER-WRITABLE; grep " /sys sysfs" /proc/mounts | cut -d" " -f4'
	run casco --policy baseline run --bundle "$BUNDLE" "$ID"
	assert_success
	[[ $output != *WRITABLE* ]] || fail "sysfs writable: $output"
	assert_output_contains "ro,"
	run casco audit --policy baseline --bundle "$BUNDLE"
	assert_output_contains 'mounts[5].options: sysfs says neither "ro" nor "rw"; casco mounts it read-only'
}

@test "proc effect: Docker's and containerd's configs still pass baseline with no new finding" {
	requires_casco
	for fixture in docker-default containerd-default; do
		run casco audit --policy baseline "$TESTS_DIR/fixtures/$fixture.json"
		assert_success
		[[ $output != *MISSING* && $output != *ELSEWHERE* && $output != *SYSFS-RW* ]] || fail "$fixture: $output"
	done
}
