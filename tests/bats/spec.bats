#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# `casco spec` (src/cmd_spec.c, libcontainer/spec_template.c): the config
# it writes, hardened by default, --bundle and --rootless.

load helpers

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
