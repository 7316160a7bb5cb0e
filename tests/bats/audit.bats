#!/usr/bin/env bats
# shellcheck disable=SC2154 # bats sets $stderr
# bats file_tags=env:host
# `casco audit`: golden reports on the configs of tests/fixtures/ (as Docker
# and containerd write them by default, and insecure variants), its exit
# statuses, and its errors.
#
# Each fixture NAME.json has two goldens in tests/fixtures/audit/:
#   NAME.txt.golden    casco audit --policy baseline NAME.json
#   NAME.json.golden   casco audit --policy strict --format json NAME.json
# After a deliberate change to the rules or the report, regenerate them with
#   CASCO_UPDATE_GOLDENS=1 bats tests/bats/audit.bats
# and review the diff (git diff tests/fixtures/audit) before committing.

load helpers

FIXTURES=$TESTS_DIR/fixtures

setup() {
	requires_casco
	common_setup
}

# golden NAME BASELINE_STATUS — compare both reports of NAME.json with their
# goldens; BASELINE_STATUS is audit's exit status under baseline (0 passes, 1 not).
# audit judges bind sources on this host (as create would): the fixture's
# per-container files and its docker.sock are made under a fixed directory
# (the same paths every run, so the goldens stay byte for byte); "/" and
# /dev/shm stay the host's own.
FIXTURE_HOST=/tmp/casco-audit-fixtures

teardown_file() {
	rm -rf "$FIXTURE_HOST"
}

fixture_on_this_host() {
	local name=$1 src
	mkdir -p "$TESTDIR/fx"
	jq --arg h "$FIXTURE_HOST" '.mounts |= map(if (.source // "" | test("^/var/(lib/docker|run)/")) then .source = $h + .source else . end)' \
		"$FIXTURES/$name.json" >"$TESTDIR/fx/$name.json"
	for src in $(jq -r '.mounts[].source // empty' "$TESTDIR/fx/$name.json" | grep "^$FIXTURE_HOST/"); do
		mkdir -p "$(dirname "$src")"
		if [[ $src == *.sock ]]; then
			[ -S "$src" ] || python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$src"
		else
			[ -e "$src" ] || : >"$src"
		fi
	done
}

golden() {
	local name=$1 want=$2 level format ext out
	fixture_on_this_host "$name"
	cd "$TESTDIR/fx" || return 1
	for ext in txt json; do
		if [ "$ext" = txt ]; then level=baseline format=text; else level=strict format=json; fi
		out=$FIXTURES/audit/$name.$ext.golden
		run --separate-stderr "$CASCO" audit --policy "$level" --format "$format" "$name.json"
		[ -z "$stderr" ] || fail "stderr: $stderr"
		if [ "$ext" = txt ]; then
			assert_status "$want"
		else
			# strict: exit 1 unless nothing at all is found
			jq -e --argjson s "$status" '.passes == ($s == 0)' <<<"$output" >/dev/null || fail "status $status: $output"
		fi
		if [ -n "${CASCO_UPDATE_GOLDENS:-}" ]; then
			printf '%s\n' "$output" >"$out"
		fi
		[ -f "$out" ] || fail "missing $out (CASCO_UPDATE_GOLDENS=1 creates it)"
		diff -u "$out" <(printf '%s\n' "$output") || fail "$name: $format report differs from $out"
	done
}

@test "audit golden: docker run busybox (Docker's default config) passes baseline" {
	golden docker-default 0
}

@test "audit golden: ctr run busybox (containerd's default config) passes baseline" {
	golden containerd-default 0
}

@test "audit golden: docker run --privileged is refused under baseline" {
	golden docker-privileged 1
}

@test "audit golden: docker run --pid=host is refused under baseline" {
	golden docker-pid-host 1
}

@test "audit golden: docker run --ipc=host is refused under baseline" {
	golden docker-ipc-host 1
}

@test "audit golden: docker run --network host passes baseline with a warning" {
	golden docker-net-host 0
}

@test "audit golden: docker run -v /:/host is refused under baseline" {
	golden docker-host-root 1
}

@test "audit golden: docker run -v /var/run/docker.sock:... is refused under baseline" {
	golden docker-socket 1
}

@test "audit golden: docker run --cap-add SYS_ADMIN is refused under baseline" {
	golden docker-cap-sys-admin 1
}

@test "audit golden: docker run --device /dev/sda is refused under baseline" {
	golden docker-device-sda 1
}

@test "audit golden: docker run --security-opt seccomp=unconfined gets casco's default profile" {
	golden docker-seccomp-unconfined 0
	grep -q 'linux.seccomp: absent; casco applies its default profile' "$FIXTURES/audit/docker-seccomp-unconfined.txt.golden"
}

@test "audit golden: a seccomp profile allowing everything is refused under baseline" {
	golden seccomp-allow-all 1
}

@test "audit golden: a locked-down docker run (-u 1000, --read-only, limits, --cap-drop ALL) has no findings" {
	golden docker-hardened 0
}

@test "audit golden: misspelled keys are each found with the spec's nearest key (warned at baseline, refused at strict)" {
	golden misspelled-keys 0
	grep -q 'warn   process.noNewPrivilege  CASCO-CONFIG-UNKNOWN-KEY (unknown key "noNewPrivilege"; did you mean "noNewPrivileges"?)' \
		"$FIXTURES/audit/misspelled-keys.txt.golden"
	jq -e '[.findings[] | select(.rule == "CASCO-CONFIG-UNKNOWN-KEY") | {path, action, fix}] == [
		{path: "process.noNewPrivilege", action: "refuse", fix: "rename \"noNewPrivilege\" to \"noNewPrivileges\" in process"},
		{path: "root.readOnly", action: "refuse", fix: "rename \"readOnly\" to \"readonly\" in root"},
		{path: "linux.resources.memory.limits", action: "refuse", fix: "rename \"limits\" to \"limit\" in linux.resources.memory"},
		{path: "linux.maskedpath", action: "refuse", fix: "rename \"maskedpath\" to \"maskedPaths\" in linux"}]' \
		"$FIXTURES/audit/misspelled-keys.json.golden" >/dev/null || fail "unknown keys in the JSON golden"
}

@test "audit golden: a writable root and a writable sysfs (confined) are warned at baseline, refused at strict" {
	golden writable-root-sysfs 0
	jq -e '[.findings[] | select(.rule == "CASCO-ROOT-WRITABLE" or .rule == "CASCO-MOUNT-SYSFS-WRITABLE")
		| {rule, path, action}] == [
		{rule: "CASCO-MOUNT-SYSFS-WRITABLE", path: "mounts[3].options", action: "refuse"},
		{rule: "CASCO-ROOT-WRITABLE", path: "root.readonly", action: "refuse"}]' \
		"$FIXTURES/audit/writable-root-sysfs.json.golden" >/dev/null || fail "findings in the JSON golden"
	grep -q '^warn   mounts\[3\].options  CASCO-MOUNT-SYSFS-WRITABLE (sysfs on /sys writable)' \
		"$FIXTURES/audit/writable-root-sysfs.txt.golden"
}

@test "audit golden: a read-only non-recursive bind of / is no engine socket and no host /proc" {
	golden bind-root-ro 0
	! grep -q 'CASCO-MOUNT-' "$FIXTURES/audit/bind-root-ro.txt.golden"
}

@test "audit: every fixture has its goldens and every golden its fixture" {
	local f name
	for f in "$FIXTURES"/*.json; do
		name=$(basename "$f" .json)
		[ -f "$FIXTURES/audit/$name.txt.golden" ] && [ -f "$FIXTURES/audit/$name.json.golden" ] ||
			fail "no goldens for $f"
		grep -q "^	golden $name " "$BATS_TEST_FILENAME" || fail "no test for $f"
	done
	for f in "$FIXTURES"/audit/*.golden; do
		name=$(basename "$f" .golden)
		[ -f "$FIXTURES/${name%.*}.json" ] || fail "stale golden $f"
	done
}

# ------------------------------------------------------------ behaviour

@test "audit --bundle DIR reads DIR/config.json; exit 1 under strict, 0 under permissive" {
	# the suite runs at permissive (helpers.bash)
	run --separate-stderr casco audit --bundle "$BUNDLE"
	assert_status 0
	assert_output_contains "$BUNDLE/config.json: policy permissive: passes"
	run casco audit --policy strict --bundle "$BUNDLE"
	assert_status 1
	assert_output_contains "policy strict: REFUSED"
	assert_output_contains "an operator allows it with --policy baseline or CASCO_POLICY=baseline"
}

@test "audit: the global --policy and CASCO_POLICY choose the level, audit --policy wins" {
	run casco --policy strict audit --bundle "$BUNDLE"
	assert_status 1
	CASCO_POLICY=baseline run casco audit --bundle "$BUNDLE"
	assert_status 0
	run casco --policy baseline audit --policy strict --bundle "$BUNDLE"
	assert_status 1
}

@test "audit: an invalid config exits 2 naming the JSON path" {
	set_config '.linux.namespaces[1].type = "bogus"'
	run casco audit --bundle "$BUNDLE"
	assert_status 2
	assert_output_contains 'linux.namespaces[1].type'
	echo '{"ociVersion": ' >"$TESTDIR/broken.json"
	run casco audit "$TESTDIR/broken.json"
	assert_status 2
	assert_output_contains "invalid JSON"
}

@test "audit: an unreadable config exits 2" {
	run casco audit "$TESTDIR/no-such.json"
	assert_status 2
	assert_output_contains "no-such.json"
	run casco audit --format yaml --bundle "$BUNDLE"
	assert_status 2
	run casco audit --policy lax --bundle "$BUNDLE"
	assert_status 2
	assert_output_contains 'invalid level "lax"'
}

@test "audit --format json: findings carry severity, OWASP, CIS, PSS and what each level does" {
	set_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | del(.linux.seccomp)'
	run --separate-stderr casco audit --policy baseline --format json --bundle "$BUNDLE"
	assert_status 1
	jq -e '.policy == "baseline" and .passes == false
		and (.findings[] | select(.rule == "CASCO-CAP-SYS_ADMIN")
			| .path == "process.capabilities.bounding[3]" and .severity == "critical"
			and .owasp == "D04" and .cis == "5.3" and .pss == "baseline" and .action == "refuse"
			and .levels == {strict: "refuse", baseline: "refuse", permissive: "warn"}
			and .allowedBy == "permissive")
		and (.defaults | map(select(startswith("linux.seccomp: absent"))) | length == 1)' <<<"$output" >/dev/null ||
		fail "$output"
}

@test "audit: docs/policy.md lists exactly the rules of the code's table, with the same levels" {
	local doc=$SRCDIR/docs/policy.md table
	[ -f "$doc" ] || fail "no $doc"
	# the table rows of the doc: | `ID` | severity | strict | baseline | permissive | OWASP | CIS | PSS | risk |
	table=$(grep -E '^\| `CASCO-' "$doc" | awk -F'|' '{
		for (i = 2; i <= 9; i++) gsub(/[ `]/, "", $i)
		gsub(/^ +| +$/, "", $10)
		print $2, $3, $4, $5, $6, $7, $8, $9, $10 }')
	# the code's table, from `casco audit --rules`
	run --separate-stderr casco audit --rules
	assert_success
	assert_equal "$table" "$output"
}

# ------------------------------------------------- what a reviewer sees

@test "audit: engines' configs and the test fixtures of real engines have no unknown key" {
	local f
	for f in docker-default containerd-default docker-hardened docker-privileged; do
		run --separate-stderr casco audit --policy strict --format json "$FIXTURES/$f.json"
		jq -e '[.findings[] | select(.rule == "CASCO-CONFIG-UNKNOWN-KEY")] == []' <<<"$output" >/dev/null ||
			fail "$f: $output"
	done
	# and casco's own spec, and the suite's bundle
	run --separate-stderr casco audit --policy strict --format json --bundle "$BUNDLE"
	jq -e '[.findings[] | select(.rule == "CASCO-CONFIG-UNKNOWN-KEY")] == []' <<<"$output" >/dev/null || fail "$output"
	"$CASCO" spec --bundle "$TESTDIR"
	run --separate-stderr casco audit --policy strict --format json --bundle "$TESTDIR"
	jq -e '[.findings[] | select(.rule == "CASCO-CONFIG-UNKNOWN-KEY")] == []' <<<"$output" >/dev/null || fail "$output"
}

@test "audit: unknown keys anywhere, with the nearest spec key; spec keys casco ignores and free-form maps are not findings" {
	set_config '.process.noNewPrivilege = true | .linux.maskedpath = ["/x"] | .mounts[0].option = ["ro"]
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: ["read"], action: "SCMP_ACT_ALLOW", arg: []}]}
		| .hooks.prestart = [{path: "/bin/true", timout: 3}] | .process.unrelatedThing = 1
		| .annotations = {"org.example.whatever": "x"} | .linux.sysctl = {"net.ipv4.ip_forward": "0"}
		| .linux.intelRdt = {closID: "x"} | .process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 4}
		| .linux.personality = {domain: "LINUX"} | .vm = {hypervisor: {path: "/q"}} | .hooks.createRuntime = []'
	run --separate-stderr casco audit --policy strict --format json --bundle "$BUNDLE"
	assert_status 1
	jq -e '[.findings[] | select(.rule == "CASCO-CONFIG-UNKNOWN-KEY") | [.path, .value]] | sort == ([
		["process.noNewPrivilege", "unknown key \"noNewPrivilege\"; did you mean \"noNewPrivileges\"?"],
		["linux.maskedpath", "unknown key \"maskedpath\"; did you mean \"maskedPaths\"?"],
		["mounts[0].option", "unknown key \"option\"; did you mean \"options\"?"],
		["linux.seccomp.syscalls[0].arg", "unknown key \"arg\"; did you mean \"args\"?"],
		["hooks.prestart[0].timout", "unknown key \"timout\"; did you mean \"timeout\"?"],
		["process.unrelatedThing", "unknown key \"unrelatedThing\""]] | sort)' <<<"$output" >/dev/null || fail "$output"
	# a warning at baseline and permissive: the container still runs
	for level in baseline permissive; do
		run casco --policy "$level" audit --bundle "$BUNDLE"
		assert_output_contains "warn   process.unrelatedThing  CASCO-CONFIG-UNKNOWN-KEY"
		assert_output_contains 'to pass: remove "unrelatedThing" from process (the OCI runtime spec defines no such key there)'
	done
}

@test "audit: limits above the host's memory and CPUs are warned at every level, with the host's numbers" {
	local total cpus online
	total=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
	cpus=$(getconf _NPROCESSORS_ONLN)
	online=$(cat /sys/devices/system/cpu/online)
	set_config '.linux.resources.memory.limit = 1125899906842624
		| .linux.resources.cpu = {quota: (($n + 1) * 100000), period: 100000, cpus: "0-4095"}' --argjson n "$cpus"
	for level in strict baseline permissive; do
		run --separate-stderr casco --cgroup-manager disabled audit --policy "$level" --format json --bundle "$BUNDLE"
		jq -e --arg t "$total" --arg c "$cpus" --arg o "$online" '[.findings[] | select(.rule == "CASCO-LIMITS-ABOVE-HOST")
			| [.path, .action, .value]] == [
			["linux.resources.memory.limit", "warn", "1125899906842624 bytes, above this host'"'"'s memory: \($t) bytes (MemTotal)"],
			["linux.resources.cpu.quota", "warn", "quota \(($c | tonumber + 1) * 100000) per period 100000: \($c | tonumber + 1).00 CPUs, above this host'"'"'s \($c) online"],
			["linux.resources.cpu.cpus", "warn", "\"0-4095\": CPU \($o | split(",")[0] | split("-") | (.[1] // .[0]) | tonumber + 1) is not online on this host (online: \($o))"]]' \
			<<<"$output" >/dev/null || fail "$level: $output"
	done
	run casco --cgroup-manager disabled audit --policy baseline --bundle "$BUNDLE"
	assert_output_contains "warn   linux.resources.memory.limit  CASCO-LIMITS-ABOVE-HOST (1125899906842624 bytes, above this host's memory: $total bytes (MemTotal))"
	# what the host has is no finding
	set_config '.linux.resources.memory.limit = $t | .linux.resources.cpu = {quota: ($n * 100000), period: 100000, cpus: $o}' \
		--argjson t "$total" --argjson n "$cpus" --arg o "$online"
	run casco --cgroup-manager disabled audit --policy baseline --bundle "$BUNDLE"
	assert_output_not_contains "CASCO-LIMITS-ABOVE-HOST"
}

@test "audit: binds of / (bind and rbind, ro and rw) report what they show, and nothing they do not" {
	local opts
	for opts in '["bind","ro"]' '["bind"]' '["rbind","ro"]' '["rbind"]'; do
		set_config '.mounts = [.mounts[] | select(.destination != "/host")] + [{destination: "/host", type: "bind", source: "/", options: $o}]' \
			--argjson o "$opts"
		run --separate-stderr casco audit --policy baseline --format json --bundle "$BUNDLE"
		# the socket rule only ever for a socket the bind shows (none here unless the host has one)
		if [ ! -S /run/docker.sock ] && [ ! -S /run/containerd/containerd.sock ] && [ ! -S /run/podman/podman.sock ] \
			&& [ ! -S /run/dbus/system_bus_socket ] && [ ! -S /run/systemd/private ]; then
			jq -e '[.findings[] | select(.rule == "CASCO-MOUNT-ENGINE-SOCKET")] == []' <<<"$output" >/dev/null ||
				fail "$opts: $output"
		fi
		# writable: the host's /; recursive: its /proc too (each is a real finding)
		jq -e --argjson o "$opts" '([.findings[] | select(.rule == "CASCO-MOUNT-HOST-PATH")] | length) == (if ($o | index("ro")) then 0 else 1 end)
			and ([.findings[] | select(.rule == "CASCO-MOUNT-HOST-PROC")] | length) == (if ($o | index("rbind")) then 1 else 0 end)' \
			<<<"$output" >/dev/null || fail "$opts: $output"
	done
}
