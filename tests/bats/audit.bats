#!/usr/bin/env bats
# shellcheck disable=SC2154 # bats sets $stderr
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
