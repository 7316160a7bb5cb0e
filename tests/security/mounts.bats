#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,security
# Mount destinations that an image (or a second container sharing a volume)
# turns into symlinks pointing out of the rootfs.  casco resolves every
# destination with openat2(RESOLVE_IN_ROOT) relative to an fd of the rootfs,
# creates missing parts relative to the fd of their resolved parent, and
# mounts onto the final fd (move_mount), so no path string is ever walked
# twice and a symlink can only lead somewhere inside the rootfs
# (libcontainer/inroot.c: inroot_open, inroot_mkpath; mount.c: open_destination).

load security-helpers

# ---------------------------------------------------------------------------
# CVE-2024-45310 (runc < 1.1.14, 1.2.0-rc.3): runc created missing mount
# destinations with MkdirAll on a path inside the rootfs; a symlink swapped
# in by a container sharing the volume made it create empty directories or
# files on the HOST.  casco creates each missing component with mkdirat on
# the fd of its parent resolved inside the rootfs: an absolute or "../"
# symlink lands inside the rootfs, never on the host.

# bats test_tags=cve,weaken:inroot
@test "CVE-2024-45310: mount destinations under absolute and ../ symlinks create nothing on the host" {
	local outside=$TESTDIR/outside before rel
	mkdir -p "$outside" "$TESTDIR/src"
	echo src-marker >"$TESTDIR/src/marker"
	before=$(tree_snapshot "$outside")
	rel=$(printf '../%.0s' {1..20})
	ln -s "$outside" "$BUNDLE/rootfs/mnt/abs"
	ln -s "$rel${outside#/}" "$BUNDLE/rootfs/mnt/rel"
	set_config '.mounts += [
		{destination: "/mnt/abs/a/b", type: "tmpfs", source: "tmpfs"},
		{destination: "/mnt/rel/c/d", type: "tmpfs", source: "tmpfs"},
		{destination: "/mnt/abs/file", type: "bind", source: $src, options: ["bind"]},
		{destination: "/mnt/rel/dir/sub", type: "bind", source: $dir, options: ["rbind"]}]' \
		--arg src "$TESTDIR/src/marker" --arg dir "$TESTDIR/src"
	run_sh 'cat /mnt/abs/file; ls /mnt/rel/dir/sub'
	assert_host_untouched "$outside" "$before"
	# The mounts themselves work, inside the rootfs.
	assert_success
	assert_output_contains src-marker
	[ -d "$BUNDLE/rootfs/$outside/a/b" ] || fail "the destination was not made inside the rootfs"
}

# ---------------------------------------------------------------------------
# CVE-2021-30465 (runc < 1.0.0-rc95): runc checked a mount destination with
# securejoin and then passed the path STRING to mount(2); a container that
# shares a volume with the next one swaps a directory of the destination
# path for a symlink to "/" between the check and the mount, and the volume
# lands on the host's tree.  CVE-2023-27561 (runc <= 1.1.4) brought the
# same race back.  casco never re-walks a path it checked: the swap below
# flips /mnt/vol between a directory and a symlink to a host directory
# millions of times per second while containers are created; the host
# directory must stay untouched whatever each create sees.

# bats test_tags=cve,weaken:inroot
@test "CVE-2021-30465, CVE-2023-27561: racing a mount destination with a symlink to the host never touches the host" {
	local victim=$TESTDIR/victim before i ok=0
	mkdir -p "$victim" "$TESTDIR/vol" "$BUNDLE/rootfs/mnt/vol"
	echo volume >"$TESTDIR/vol/marker"
	before=$(tree_snapshot "$victim")
	ln -s "$victim" "$BUNDLE/rootfs/mnt/swap"
	set_config '.mounts += [
		{destination: "/mnt/vol/sub", type: "bind", source: $vol, options: ["rbind"]},
		{destination: "/mnt/vol/t/u", type: "tmpfs", source: "tmpfs"}]' --arg vol "$TESTDIR/vol"
	set_args cat /mnt/vol/sub/marker
	start_swap "$BUNDLE/rootfs/mnt/vol" "$BUNDLE/rootfs/mnt/swap"
	for i in $(seq 1 25); do
		if casco run --bundle "$BUNDLE" "$ID-$i" >"$TESTDIR/run.out" 2>&1; then
			ok=$((ok + 1))
		fi
		casco delete --force "$ID-$i" >/dev/null 2>&1 || true
	done
	stop_swap
	echo "# $ok of 25 creates succeeded; swaps: $(paste -sd+ "$TESTDIR/swaps.out")" >&3
	assert_host_untouched "$victim" "$before"
	assert_no_leftovers
}
