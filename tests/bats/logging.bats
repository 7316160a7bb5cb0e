#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# Global flags and informational commands: --log, --log-format, --version,
# --help, and `spec`.

load helpers

# ---------------------------------------------------------------- logging

@test "log: errors are reported on stderr, not stdout" {
	run --separate-stderr casco state nosuchctr
	assert_failure
	assert_equal "$output" ""
	[[ $stderr == *"does not exist"* ]] || fail "stderr: $stderr"
}

@test "log: --log FILE receives the error message" {
	run casco --log "$TESTDIR/rt.log" state nosuchctr
	assert_failure
	grep -q "does not exist" "$TESTDIR/rt.log" || fail "log: $(cat "$TESTDIR/rt.log")"
}

@test "log: --log appends instead of truncating" {
	echo "earlier line" >"$TESTDIR/rt.log"
	run casco --log "$TESTDIR/rt.log" state nosuchctr
	assert_failure
	run casco --log "$TESTDIR/rt.log" kill nosuchctr
	assert_failure
	grep -q "earlier line" "$TESTDIR/rt.log" || fail "log was truncated"
	assert_equal "$(grep -c "does not exist" "$TESTDIR/rt.log")" 2
}

@test "log: text format is logfmt: time=\"...\" level=error msg=\"...\" with quotes escaped" {
	run casco --log "$TESTDIR/rt.log" --log-format text state nosuchctr
	assert_failure
	# The whole line is key=value pairs; a quoted value escapes its own quotes.
	grep -Eq '^time="[^"]+" level=error msg="([^"\\]|\\.)*does not exist([^"\\]|\\.)*"$' "$TESTDIR/rt.log" ||
		fail "log: $(cat "$TESTDIR/rt.log")"
}

@test "log: --log-format json writes one valid JSON object per line with level, msg, time" {
	run casco --log "$TESTDIR/rt.log" --log-format json state nosuchctr
	assert_failure
	[ -s "$TESTDIR/rt.log" ] || fail "empty log"
	local line
	while IFS= read -r line; do
		jq -e '(.level | type == "string") and (.msg | type == "string") and (.time | type == "string")' \
			<<<"$line" >/dev/null || fail "not a JSON log line: $line"
	done <"$TESTDIR/rt.log"
	jq -se 'map(select(.level == "error" and (.msg | contains("does not exist")))) | length == 1' \
		"$TESTDIR/rt.log" >/dev/null || fail "no error line: $(cat "$TESTDIR/rt.log")"
}

@test "log: the JSON time field is RFC 3339" {
	run casco --log "$TESTDIR/rt.log" --log-format json state nosuchctr
	assert_failure
	jq -se 'all(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"))' \
		"$TESTDIR/rt.log" >/dev/null || fail "log: $(cat "$TESTDIR/rt.log")"
}

@test "log: --log-format json without --log writes JSON to stderr" {
	run --separate-stderr casco --log-format json state nosuchctr
	assert_failure
	local json
	json=$(grep '^{' <<<"$stderr" | head -n1)
	jq -e '.level == "error" and (.msg | contains("does not exist"))' <<<"$json" >/dev/null ||
		fail "stderr: $stderr"
}

@test "log: an unknown --log-format is rejected" {
	run casco --log-format yaml list
	assert_failure
	# runc: "invalid log-format: yaml"
	assert_output_matches "log-format.*yaml"
}

@test "log: a failing create is logged to --log with its reason" {
	rm -rf "$BUNDLE/rootfs"
	run casco_detached --log "$TESTDIR/rt.log" --log-format json create --bundle "$BUNDLE" "$ID"
	assert_failure
	jq -se 'any(.level == "error" and (.msg | contains("rootfs")))' "$TESTDIR/rt.log" >/dev/null ||
		fail "log: $(cat "$TESTDIR/rt.log")"
	assert_no_leftovers "$ID"
}

# ------------------------------------------------------------ version/help

@test "version: --version prints a spec: line and exits 0" {
	run "$CASCO" --version
	assert_success
	assert_output_matches '^spec: [0-9]+\.[0-9]+\.[0-9]+'
}

@test "version: -v is the same as --version" {
	run "$CASCO" --version
	local long=$output
	run "$CASCO" -v
	assert_success
	assert_equal "$output" "$long"
}

@test "version: casco prints 'casco version X.Y.Z' first" {
	requires_casco
	run "$CASCO" --version
	assert_success
	assert_equal "$(head -n1 <<<"$output" | grep -Ec '^casco version [0-9]+\.[0-9]+\.[0-9]+$')" 1
}

@test "version: casco implements runtime-spec 1.2.x" {
	requires_casco
	run "$CASCO" --version
	assert_success
	assert_output_matches '^spec: 1\.2\.[0-9]+$'
}

@test "help: --help exits 0 and lists the lifecycle commands" {
	run "$CASCO" --help
	assert_success
	local c
	for c in create start run state list kill delete spec; do
		assert_output_matches "^ +$c([ ,]|$)"
	done
	assert_output_contains "--root"
	assert_output_contains "--log-format"
}

@test "help: 'COMMAND --help' describes that command's flags" {
	run "$CASCO" create --help
	assert_success
	assert_output_contains "--bundle"
	assert_output_contains "--console-socket"
	assert_output_contains "--pid-file"
	assert_output_contains "--preserve-fds"
}

@test "help: the help command works like --help" {
	run "$CASCO" help
	assert_success
	assert_output_matches '^ +create([ ,]|$)'
}

@test "help: kill --help names the default signal" {
	run "$CASCO" kill --help
	assert_success
	assert_output_contains SIGTERM
}

# ------------------------------------------------------------------- spec

@test "spec: writes a valid config.json in the current directory" {
	mkdir "$TESTDIR/spec"
	cd "$TESTDIR/spec"
	run casco spec
	assert_success
	jq -e '(.ociVersion | type == "string")
		and .process.args == ["sh"]
		and .root.path == "rootfs"
		and (.linux.namespaces | map(.type) | index("pid") != null and index("mount") != null)' \
		config.json >/dev/null || fail "$(cat config.json)"
	# one newline at the end, no blank line after the closing brace
	[ "$(tail -c 2 config.json | od -An -c | tr -d ' ')" = '}\n' ] || fail "ends in: $(tail -c 4 config.json | od -An -c)"
}

@test "spec: casco's config is hardened: read-only root, no_new_privs, user namespace, limits" {
	requires_casco
	mkdir "$TESTDIR/spec"
	run casco spec --bundle "$TESTDIR/spec"
	assert_success
	# root in the container is host uid 100000, not root: strict's rule
	jq -e '.root.readonly == true and .process.noNewPrivileges == true
		and (.process.capabilities.bounding | length) == 3
		and (.linux.namespaces | map(.type) | index("user") != null and index("network") != null)
		and .linux.uidMappings == [{containerID: 0, hostID: 100000, size: 65536}]
		and .linux.gidMappings == [{containerID: 0, hostID: 100000, size: 65536}]
		and .linux.resources.memory.limit == 536870912 and .linux.resources.pids.limit == 1024' \
		"$TESTDIR/spec/config.json" >/dev/null || fail "$(cat "$TESTDIR/spec/config.json")"
}

@test "spec: refuses to overwrite an existing config.json" {
	mkdir "$TESTDIR/spec"
	cd "$TESTDIR/spec"
	echo '{"keep": true}' >config.json
	run casco spec
	assert_failure
	# runc: "File config.json exists. Remove it first"
	assert_output_matches "File (\./)?config.json exists"
	assert_equal "$(cat config.json)" '{"keep": true}'
}

@test "spec --bundle DIR: writes DIR/config.json" {
	mkdir "$TESTDIR/spec"
	run casco spec --bundle "$TESTDIR/spec"
	assert_success
	jq -e '.process.args == ["sh"]' "$TESTDIR/spec/config.json" >/dev/null
}

@test "spec --rootless: a user namespace maps the caller to root, a network namespace, limits" {
	mkdir "$TESTDIR/spec"
	cd "$TESTDIR/spec"
	run casco spec --rootless
	assert_success
	jq -e --argjson uid "$(id -u)" --argjson gid "$(id -g)" '
		(.linux.namespaces | map(.type) | index("user") != null)
		and .linux.uidMappings[0].containerID == 0 and .linux.uidMappings[0].hostID == $uid
		and .linux.gidMappings[0].containerID == 0 and .linux.gidMappings[0].hostID == $gid
		and (.linux.namespaces | map(.type) | index("network") != null)
		and .linux.resources.memory.limit > 0 and .linux.resources.pids.limit > 0' config.json >/dev/null ||
		fail "$(cat config.json)"
}

@test "spec: casco's default spec declares ociVersion 1.2.x" {
	requires_casco
	mkdir "$TESTDIR/spec"
	run casco spec --bundle "$TESTDIR/spec"
	assert_success
	jq -e '.ociVersion | test("^1\\.2\\.")' "$TESTDIR/spec/config.json" >/dev/null ||
		fail "$(jq .ociVersion "$TESTDIR/spec/config.json")"
}

@test "spec: the generated config runs a container once given a rootfs" {
	mkdir "$TESTDIR/spec"
	cp -a "$BUNDLE/rootfs" "$TESTDIR/spec/rootfs"
	run casco spec --bundle "$TESTDIR/spec"
	assert_success
	# No cgroup settings (this suite never touches cgroups) and no tty; the
	# rest as written, user namespace included.
	BUNDLE=$TESTDIR/spec set_config 'del(.linux.resources, .linux.cgroupsPath)
		| .mounts |= map(select(.type != "cgroup" and .type != "cgroup2"))
		| .process.terminal = false | .process.args = ["sh", "-c", "echo from-spec; hostname"]'
	run casco run --bundle "$TESTDIR/spec" "$ID"
	assert_success
	# (the suite's permissive level says what baseline would add)
	assert_equal "$(grep -v '^casco: warning: ' <<<"$output" | head -n1)" from-spec
}
