#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# The container's processes: their memory while casco still runs in them,
# the capabilities they can pass on, and whose files name their user.

load security-helpers

# ---------------------------------------------------------------------------
# CVE-2016-9962 (runc < 1.0.0-rc3): `runc exec` joined the container's
# namespaces while still holding the runtime's memory and fds, and was
# dumpable; a process in the container could ptrace it (or read its
# /proc/PID/mem, fds) before it exec'd and take over a host-privileged
# process.  casco: stage 1 makes itself non-dumpable before it joins or
# creates any namespace (process.c init_stage1), so the waiting init and
# every exec'd child stay out of reach of /proc and ptrace until execve.

# bats test_tags=cve,weaken:dumpable
@test "CVE-2016-9962: the waiting init is not dumpable: container root cannot read or trace it before start" {
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	# Same uid and capabilities as the init, no CAP_SYS_PTRACE: only
	# dumpability decides.
	run casco exec "$ID" sh -c 'cat /proc/1/environ >/dev/null && echo environ-readable
		readlink /proc/1/exe || echo exe-denied
		readlink /proc/1/fd/0 >/dev/null 2>&1 && echo fd-readable'
	assert_output_contains "Permission denied"
	assert_output_not_contains environ-readable
	assert_output_not_contains fd-readable
	assert_output_contains exe-denied
	# After exec the same read works (control).
	run casco start "$ID"
	assert_success
	retry 20 0.1 casco exec "$ID" grep -q 1000 /proc/1/cmdline
	run casco exec "$ID" sh -c 'cat /proc/1/environ | tr "\0" "\n"'
	assert_success
	assert_output_contains "TERM=xterm"
}

# ---------------------------------------------------------------------------
# CVE-2022-29162 (runc < 1.1.2): runc gave processes (notably `runc exec`)
# non-empty INHERITABLE capabilities although the config asked for none;
# executing a program with file-inheritable capabilities then raised them
# for a non-root user, past what the config granted.  casco: the sets start
# empty (cap_init) and get exactly the config's lists (caps.c caps_apply);
# an absent inheritable list means none.  (Functional checks of every set
# are tests/bats/caps.bats.)

# bats test_tags=cve,weaken:caps-inheritable
@test "CVE-2022-29162: a non-root process cannot gain capabilities from file-inheritable caps (run and exec)" {
	command -v setcap >/dev/null || skip "needs setcap (libcap2-bin)"
	# busybox picks the applet by its file name: this is a `grep` with
	# cap_net_raw and cap_kill in its inheritable (and effective) file sets.
	mkdir -p "$BUNDLE/rootfs/opt/capbin"
	cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/opt/capbin/grep"
	setcap cap_net_raw,cap_kill+ei "$BUNDLE/rootfs/opt/capbin/grep" ||
		skip "the test directory's filesystem takes no file capabilities"
	set_config '.process.user = {uid: 1000, gid: 1000}
		| .process.noNewPrivileges = false
		| .process.capabilities = {bounding: ["CAP_NET_RAW", "CAP_KILL", "CAP_AUDIT_WRITE"],
			effective: [], permitted: []}'
	set_args sh -c 'grep ^CapInh /proc/self/status; /opt/capbin/grep ^Cap /proc/self/status; sleep 1000'
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	retry 50 0.1 grep -q CapAmb "$CONTAINER_LOG" || fail "no output: $(cat "$CONTAINER_LOG")"
	run cat "$CONTAINER_LOG"
	assert_output_matches '^CapInh:[[:space:]]+0+$'
	assert_output_not_contains "CapInh:	00000000000020"
	assert_output_matches '^CapEff:[[:space:]]+0+$'
	assert_output_matches '^CapPrm:[[:space:]]+0+$'
	run casco exec --user 1000:1000 "$ID" sh -c 'grep ^CapInh /proc/self/status; /opt/capbin/grep -E "^Cap(Prm|Eff)" /proc/self/status'
	assert_success
	assert_output_matches '^CapInh:[[:space:]]+0+$'
	assert_output_matches '^CapEff:[[:space:]]+0+$'
	assert_output_matches '^CapPrm:[[:space:]]+0+$'
}

# ---------------------------------------------------------------------------
# CVE-2026-30892 class (exec --user parsing and resolution): a runtime that
# resolves `exec --user NAME` by opening /etc/passwd and /etc/group as path
# strings follows an image's symlinks to HOST files, so a name the host
# knows resolves to the host's id (or a crafted file's); and a lax parser
# turns junk (huge, negative, hex, empty parts) into some id, often 0.
# casco: both files are opened with openat2(RESOLVE_IN_ROOT) on the
# container's root (user.c read_in_root), and an id is only ever a plain
# decimal below 2^32-1 or a name found in those files; anything else is
# refused with the value named.

# bats test_tags=cve,weaken:user-inroot
@test "CVE-2026-30892: exec --user resolves only from the container's own /etc/passwd and /etc/group" {
	local rel bad
	rel=$(printf '../%.0s' {1..20})
	printf 'intruder:x:4242:4242::/:/bin/sh\n' >"$TESTDIR/host-passwd"
	printf 'intruders:x:4343:\n' >"$TESTDIR/host-group"
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
	for link in "$TESTDIR" "$rel${TESTDIR#/}"; do
		ln -sfn "$link/host-passwd" "$BUNDLE/rootfs/etc/passwd"
		ln -sfn "$link/host-group" "$BUNDLE/rootfs/etc/group"
		run casco exec --user intruder "$ID" id
		assert_failure
		assert_output_not_contains "uid=4242"
		assert_output_contains "intruder"
		run casco exec --user 0:intruders "$ID" id
		assert_failure
		assert_output_not_contains "4343"
	done
	# Junk ids and entries never become an id (least of all 0).
	rm -f "$BUNDLE/rootfs/etc/passwd" "$BUNDLE/rootfs/etc/group"
	printf '%s\n' 'huge:x:99999999999:0::/:/bin/sh' 'neg:x:-1:-1::/:/bin/sh' 'hex:x:0x10:0::/:/bin/sh' \
		'short:x' 'user:x:1000:1000::/:/bin/sh' >"$BUNDLE/rootfs/etc/passwd"
	printf '%s\n' 'g:x:-5:' 'user:x:1000:' >"$BUNDLE/rootfs/etc/group"
	for bad in "" ":" "::" "user:" ":user" "user:user:user" "-1" "4294967295" "4294967296" \
		"99999999999999999999" "0x10" " 0" "huge" "neg" "hex" "short" "user:g" "$(printf 'a%.0s' {1..5000})"; do
		run casco exec --user "$bad" "$ID" id -u
		[ "$status" -ne 0 ] || fail "--user '${bad:0:40}' was accepted: $output"
		[ "$status" -lt 128 ] || fail "--user '${bad:0:40}' crashed casco ($status)"
		assert_output_contains "user"
	done
	run casco exec --user user:user "$ID" id
	assert_success
	assert_output_contains "uid=1000"
	assert_equal "$(container_status "$ID")" running
}
