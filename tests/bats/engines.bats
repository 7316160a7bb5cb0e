#!/usr/bin/env bats
# bats file_tags=env:host
# The runc contract as engines use it: the calls containerd's runc shim and
# conmon make (recorded by tests/e2e), replayed here without the engines,
# and the answers engines read (features, checkpoint --help).

load helpers

@test "features: the runtime-spec document, true to what casco implements" {
	requires_casco
	run "$CASCO" features
	assert_success
	f=$output
	# one newline at the end, no blank line
	[ "$("$CASCO" features | tail -c 2 | od -An -c | tr -d ' ')" = '}\n' ]
	jq -e '.ociVersionMin == "1.0.0" and (.ociVersionMax | startswith("1."))' <<<"$f"
	jq -e '.hooks == ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]' <<<"$f"
	jq -e '.mountOptions | index("rro") and index("rbind") and index("tmpcopyup")' <<<"$f"
	jq -e '.linux.namespaces | length == 8' <<<"$f"
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHECKPOINT_RESTORE")' <<<"$f"
	jq -e '.linux.cgroup == {v1: false, v2: true, systemd: false, systemdUser: false, rdma: true}' <<<"$f"
	jq -e '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY"))' <<<"$f"
	jq -e '.linux.seccomp.operators | length == 7' <<<"$f"
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' <<<"$f"
	jq -e '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) == []' <<<"$f"
	jq -e '.linux.intelRdt.enabled == false and .linux.mountExtensions.idmap.enabled == false' <<<"$f"
	jq -e '.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+[.][0-9]+[.][0-9]+$")' <<<"$f"
	jq -e '.annotations["org.opencontainers.runc.checkpoint.enabled"] == "false"' <<<"$f"
}

@test "checkpoint --help fails: engines read that as 'no checkpoint/restore'" {
	requires_casco
	# Podman and CRI-O probe with exactly this call; exit 0 would mean "supported".
	run "$CASCO" checkpoint --help
	assert_failure
	assert_output_contains "not implemented"
	run "$CASCO" restore --help
	assert_failure
	run "$CASCO" features
	assert_output_contains '"org.opencontainers.runc.checkpoint.enabled": "false"'
}

@test "an unknown flag from a newer engine fails and names the flag" {
	run casco create --bundle "$BUNDLE" --no-such-flag-yet "$ID"
	assert_failure
	assert_output_matches "flag provided but not defined: -no-such-flag-yet"
	run casco --no-such-global-flag list
	assert_failure
	assert_output_matches "flag provided but not defined: -no-such-global-flag"
	assert_no_leftovers "$ID"
}

@test "the shim's calls: create --bundle --pid-file, start, exec --process --detach --pid-file, kill --all, delete, delete --force" {
	set_args sleep 300
	log=$TESTDIR/log.json
	shim() { casco_detached --log "$log" --log-format json "$@"; }
	run shim create --bundle "$BUNDLE" --pid-file "$TESTDIR/init.pid" "$ID"
	assert_success
	[ -s "$TESTDIR/init.pid" ]
	run shim start "$ID"
	assert_success
	wait_for_status "$ID" running
	# exec as containerd writes it: the process in a file, detached, its pid in a file
	echo '{"args": ["sleep", "200"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}' \
		>"$TESTDIR/process.json"
	run shim exec --process "$TESTDIR/process.json" --detach --pid-file "$TESTDIR/e1.pid" "$ID"
	assert_success
	epid=$(cat "$TESTDIR/e1.pid")
	[ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 200 " ]
	run shim kill --all "$ID" 9
	assert_success
	wait_for_status "$ID" stopped
	run shim delete "$ID"
	assert_success
	run shim delete --force "$ID"
	assert_success
	# errors only went to --log, as JSON lines
	[ ! -s "$log" ] || jq -e . "$log" >/dev/null
	assert_no_leftovers "$ID"
}

@test "conmon's calls: kill ID 15, kill ID 9, delete --force on a running container" {
	set_args sleep 300
	run casco_detached create --bundle "$BUNDLE" --pid-file "$TESTDIR/pidfile" "$ID"
	assert_success
	run casco start "$ID"
	assert_success
	run casco kill "$ID" 15
	assert_success
	run casco kill "$ID" 9
	assert_success
	wait_for_status "$ID" stopped
	run casco delete --force "$ID"
	assert_success
	assert_no_leftovers "$ID"
}

@test "an error goes to --log as one JSON line the shim can quote" {
	log=$TESTDIR/log.json
	run casco --log "$log" --log-format json start nosuchctr
	assert_failure
	run jq -r 'select(.level == "error") | .msg' "$log"
	assert_success
	assert_output_contains 'container "nosuchctr" does not exist'
}

# doc_block SECTION LANG — the first ```LANG block under "## SECTION" of
# docs/engines.md.
doc_block() {
	awk -v sec="## $1" -v open="\`\`\`$2" '
		$0 == sec { in_sec = 1; next }
		in_sec && /^## / { exit }
		in_sec && !in_block && $0 == open { in_block = 1; next }
		in_block && /^```$/ { exit }
		in_block { print }' "$SRCDIR/docs/engines.md"
}

@test "docs/engines.md: the containerd runtime entry parses, and is the runtime the containerd e2e drives" {
	command -v containerd >/dev/null || skip "containerd is not installed (apt-get install containerd)"
	doc_block containerd toml >"$TESTDIR/config.toml"
	[ -s "$TESTDIR/config.toml" ] || fail "no toml block under \"## containerd\" in docs/engines.md"
	# containerd's own parser, as the daemon reads the file; nothing is started
	run timeout 60 containerd --config "$TESTDIR/config.toml" config dump
	assert_success
	local dump=$output
	# the CRI plugin decoded the entry: a misspelt key would leave it empty
	output=$(awk '/^ *\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.casco\]$/ { f = 1; next }
		f && /^ *\[/ && !/runtimes.casco.options\]$/ { exit }
		f { gsub(/^ +/, ""); print }' <<<"$dump")
	assert_output_contains 'runtime_type = "io.containerd.runc.v2"'
	assert_output_contains 'BinaryName = "/usr/local/bin/casco"'
	assert_output_contains 'Root = "/run/containerd/casco"'
	assert_output_contains 'SystemdCgroup = false'
	# the options are the runc shim's, and only those the e2e sets through ctr
	local keys
	keys=$(sed -n '/runtimes.casco.options\]/,/^\[/p' "$TESTDIR/config.toml" | awk -F' *= *' 'NF == 2 { gsub(/ /, "", $1); print $1 }' | sort | tr '\n' ' ')
	assert_equal "$keys" "BinaryName Root SystemdCgroup "
	# tests/e2e/containerd.bats: the same shim, binary and root, no systemd cgroup
	local e2e
	e2e=$(grep -E '^RUN=\(run ' "$SRCDIR/tests/e2e/containerd.bats") || fail "no RUN=(run ...) in tests/e2e/containerd.bats"
	[[ $e2e == *"--runtime io.containerd.runc.v2 --runc-binary "*" --runc-root "* ]] ||
		fail "the containerd e2e no longer passes the doc's runtime:" "$e2e"
	[[ $e2e != *--runc-systemd-cgroup* ]] || fail "the e2e uses the systemd cgroup driver, the doc says false"
	# the doc's ctr example passes the entry's values
	grep -qF -- '--runtime io.containerd.runc.v2 --runc-binary /usr/local/bin/casco' "$SRCDIR/docs/engines.md" &&
		grep -qF -- '--runc-root /run/containerd/casco ' "$SRCDIR/docs/engines.md" ||
		fail "docs/engines.md's ctr example does not match its runtime entry"
}

@test "docs/engines.md: the RuntimeClass handler names the containerd runtime entry" {
	local handler
	handler=$(doc_block "Kubernetes through containerd (not tested here)" yaml | awk '$1 == "handler:" { print $2 }')
	assert_equal "$handler" casco
	doc_block containerd toml | grep -qF "containerd.runtimes.$handler]" ||
		fail "no containerd runtime entry named $handler in docs/engines.md"
}
