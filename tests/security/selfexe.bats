#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# CVE-2019-5736 (runc < 1.0.0-rc6, also LXC): a container process reached
# the runtime's own binary through /proc/PID/exe — the image's entrypoint
# was (a #! script pointing at) /proc/self/exe, so `runc exec` ran the host's
# runc binary inside the container; a second container process opened
# /proc/<that pid>/exe and, once runc had exited (no more ETXTBSY), wrote
# over the host's runc through /proc/self/fd/N: root on the host at the
# next runc invocation.
# casco: create, run and exec re-execute, before they go near a container,
# from a binary nobody can write (libcontainer/early/selfexe_early.c before glibc
# starts, else selfexe.c): the binary seen through a read-only overlayfs of
# lower layers only, never attached to any mount table, or, where that
# cannot be had, a sealed memfd copy (F_SEAL_WRITE|SHRINK|GROW|SEAL).  All a
# container can reach is a file that cannot be opened for writing.

load security-helpers

setup() {
	security_setup
	requires_casco
	# The attacks run against a private copy of the runtime: if one ever
	# succeeds (prove-red), only the copy is damaged.
	cp "$CASCO" "$TESTDIR/casco"
	CASCO=$TESTDIR/casco
	SUM=$(sha256sum <"$CASCO")
	# An image able to run the runtime's binary: its loader and libraries.
	local lib
	for lib in $(ldd "$CASCO" | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs/$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs/$lib"
	done
}

# exe_way PID — how casco process PID runs: "memfd" (its sealed copy),
# "overlay" (the read-only overlay: /casco on a read-only overlayfs) or
# "host" (anything else).
exe_way() {
	local exe
	exe=$(readlink "/proc/$1/exe")
	if [ "$exe" = "/memfd:casco (deleted)" ]; then
		echo memfd
	elif [ "$exe" = "/$(basename "$CASCO")" ] && [ "$(stat -L -f -c %T "/proc/$1/exe")" = overlayfs ]; then
		echo overlay
	else
		echo host
	fi
}

# exe_is_sealed PID — casco process PID runs from one of the two.
exe_is_sealed() {
	[ "$(exe_way "$1")" != host ]
}

# assert_sealed_copy PID [WAY] — casco process PID runs from a binary
# nobody can write (WAY, when given, says which): its exe is not the host
# binary's file and cannot be opened for writing.
assert_sealed_copy() {
	local pid=$1 way=${2:-}
	retry 50 0.1 exe_is_sealed "$pid" ||
		fail "casco ($pid) runs from $(readlink "/proc/$pid/exe"), neither a memfd nor the read-only overlay"
	[ -z "$way" ] || assert_equal "$(exe_way "$pid")" "$way"
	[ "$(stat -L -c %d:%i "/proc/$pid/exe")" != "$(stat -L -c %d:%i "$CASCO")" ] ||
		fail "casco's /proc/$pid/exe is the host binary $CASCO"
	! (exec 3>"/proc/$pid/exe") 2>/dev/null || fail "/proc/$pid/exe opened for writing (truncating)"
	! (exec 3>>"/proc/$pid/exe") 2>/dev/null || fail "/proc/$pid/exe opened for writing (appending)"
}

# assert_run_is_sealed [GLOBAL OPTION...] — a `casco run` of a sleep, given
# these global options, runs from a binary nobody can write (the one $WAY
# names, when set); killed, it exits 137.
assert_run_is_sealed() {
	local pid rc=0 overlays
	overlays=$(grep -c ' - overlay ' /proc/self/mountinfo || true)
	set_args sleep 1000
	"$CASCO" "$@" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/run.out" 2>&1 &
	pid=$!
	wait_for_status "$ID" running
	assert_sealed_copy "$pid" "${WAY:-}"
	# The overlay is never attached: no mount table shows it.
	assert_equal "$(grep -c ' - overlay ' /proc/self/mountinfo || true)" "$overlays"
	run casco kill "$ID" KILL
	assert_success
	wait "$pid" || rc=$?
	assert_equal "$rc" 137
	assert_binary_intact
}

assert_binary_intact() {
	assert_equal "$(sha256sum <"$CASCO")" "$SUM"
}

# The attacker, run inside the container: find the process started as
# `/proc/self/exe --log /tmp/fifo list` (the runtime's image running in the
# container, held open on the fifo), keep its exe open, let it exit, then
# try for 5 s to write through the kept fd, as the published exploit did.
ATTACK='
	want="/proc/self/exe --log /tmp/fi""fo list "
	while :; do
		for d in /proc/[0-9]*; do
			if [ "$(tr "\0" " " <"$d/cmdline" 2>/dev/null)" = "$want" ]; then
				pid=${d#/proc/}
				break 2
			fi
		done
		usleep 10000
	done
	echo "attacker: found $pid: $(readlink /proc/$pid/exe)"
	exec 3</proc/$pid/exe || echo "attacker: cannot open its exe"
	cat /tmp/fifo >/dev/null
	i=0
	while [ $i -lt 50 ]; do
		if (echo PWNED >>/proc/self/fd/3) 2>/dev/null; then echo "attacker: WROTE the runtime"; break; fi
		i=$((i + 1))
		usleep 100000
	done
	echo attacker: done'

# wait_attacker — until the attacker script reports it is done.
wait_attacker() {
	retry 150 0.1 grep -q "attacker: done" "$CONTAINER_LOG" ||
		fail "the attacker did not finish:" "$(cat "$CONTAINER_LOG")"
	run cat "$CONTAINER_LOG"
	assert_output_contains "attacker: found"
	assert_output_not_contains "WROTE"
	assert_binary_intact
}

# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: exec: a container cannot write the runtime binary through /proc/PID/exe" {
	mkfifo "$BUNDLE/rootfs/tmp/fifo"
	set_args sh -c "$ATTACK; sleep 1000"
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	# The runtime's own image, executed in the container by exec.
	casco exec "$ID" /proc/self/exe --log /tmp/fifo list >>"$CONTAINER_LOG" 2>&1 || true
	wait_attacker
}

# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: run: a container whose init is /proc/self/exe cannot write the runtime binary" {
	mkfifo "$BUNDLE/rootfs/tmp/fifo"
	# Without a pid namespace the attacker outlives the init it attacks.
	drop_namespace pid
	set_args /proc/self/exe --log /tmp/fifo list
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
	run casco_detached exec -d "$ID" sh -c "$ATTACK"
	assert_success
	run casco start "$ID"
	assert_success
	wait_attacker
}

# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: a running casco run is sealed (read-only overlay or memfd copy), /proc/PID/exe not writable" {
	assert_run_is_sealed
}

# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: a running casco exec is sealed (read-only overlay or memfd copy), /proc/PID/exe not writable" {
	local pid
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	wait_for_status "$ID" running
	"$CASCO" --root "$ROOT" exec "$ID" sleep 999 </dev/null >"$TESTDIR/exec.out" 2>&1 &
	pid=$!
	assert_sealed_copy "$pid"
	run casco kill "$ID" KILL
	assert_success
	wait "$pid" || true
	assert_binary_intact
}

# casco_entry (libcontainer/early/selfexe_early.c) makes the copy before glibc
# starts when it recognises the command line; an abbreviated option (--deb
# for --debug) is one it leaves to getopt, and main() must then copy.
# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: a command line casco_entry leaves to main() still runs from the sealed copy" {
	assert_run_is_sealed --deb
}

# The two ways, each proved: the overlay where the kernel makes one of the
# binary's directory, the memfd copy where overlayfs cannot take it as a
# layer (a ':' separates layers in lowerdir).
# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: casco runs from a read-only overlay of its directory where the kernel allows one" {
	local mnt=$TESTDIR/probe
	mkdir "$mnt"
	unshare -m sh -c 'mount -t overlay -o "lowerdir=$1:/dev" casco-probe "$2"' sh "$(dirname "$CASCO")" "$mnt" 2>/dev/null ||
		skip "this kernel makes no overlay of $(dirname "$CASCO") and /dev (casco uses the memfd copy here)"
	WAY=overlay assert_run_is_sealed
}

# bats test_tags=cve,weaken:selfexe
@test "CVE-2019-5736: a binary overlayfs cannot take runs from the sealed memfd copy" {
	mkdir "$TESTDIR/a:b"
	cp "$CASCO" "$TESTDIR/a:b/casco"
	CASCO=$TESTDIR/a:b/casco
	WAY=memfd assert_run_is_sealed
	# ... whether casco_entry or main() (an abbreviated option) does it.
	ID=$ID-2 WAY=memfd assert_run_is_sealed --deb
}
