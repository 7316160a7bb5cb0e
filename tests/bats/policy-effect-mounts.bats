#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are jq programs; bats sets $output
# bats file_tags=env:host,security
# Policy by effect, mounts: a bind source is opened once, judged on that fd
# (which host tree it is, lies in or contains; devices; the host's procfs;
# engine sockets) and the mount is cloned from that same fd.  Every attack
# here is tried at baseline and strict, spelled several ways, and checked
# with `run` and `audit` (the same judging path).  All were accepted by
# casco 865db7e (tests shown red on it).

load helpers

# Tries of each race: 200 (CASCO_RACE_TRIES lowers it for the slow
# sanitizer rerun of these suites; the plain run always makes 200).
TRIES=${CASCO_RACE_TRIES:-200}

setup() {
	requires_casco
	common_setup
	set_args true
	HOSTDIR=$TESTDIR/host
	mkdir -p "$HOSTDIR"
}

teardown() {
	[ -n "${SWAPPER:-}" ] && kill "$SWAPPER" 2>/dev/null && wait "$SWAPPER" 2>/dev/null
	# host mounts a test made for an alias (never the host's own trees)
	[ -n "${ALIAS:-}" ] && umount "$ALIAS" 2>/dev/null && rmdir "$ALIAS"
	[ -n "${VOLUME:-}" ] && rm -rf "$VOLUME"
	common_teardown
}

# swap_bin — tests/helpers/swap-race.c, built once per run.
swap_bin() {
	local bin=$BATS_RUN_TMPDIR/helper-swap-race
	[ -x "$bin" ] || "${CC:-cc}" -O2 -o "$bin" "$TESTS_DIR/helpers/swap-race.c" >&2
	echo "$bin"
}

# add_mount JSON — append one entry to mounts[]; MOUNT_INDEX is its index.
add_mount() {
	set_config '.mounts += [$m]' --argjson m "$1"
	MOUNT_INDEX=$(($(jq '.mounts | length' "$BUNDLE/config.json") - 1))
}

bind_rw() {
	add_mount "$(jq -cn --arg s "$1" --arg d "${2:-/x}" '{destination: $d, type: "bind", source: $s, options: ["rbind"]}')"
}

bind_opts() {
	local src=$1 dst=$2
	shift 2
	add_mount "$(jq -cn --arg s "$src" --arg d "$dst" '{destination: $d, type: "bind", source: $s, options: $ARGS.positional}' --args "$@")"
}

# refused RULE PATH [VALUE] — run and audit refuse at baseline and strict,
# naming RULE, PATH (and VALUE), with a fix, leaving nothing behind.
refused() {
	local rule=$1 path=$2 value=${3:-} level i=0
	for level in baseline strict; do
		i=$((i + 1))
		run casco --policy "$level" run --bundle "$BUNDLE" "$ID-$i"
		assert_failure
		assert_output_contains "$path ("
		assert_output_contains "$rule (OWASP D"
		assert_output_contains "To pass: "
		[ -z "$value" ] || assert_output_contains "$value"
		assert_output_contains "config refused by policy $level"
		assert_no_leftovers "$ID-$i"
		run casco --policy "$level" audit --format json --bundle "$BUNDLE"
		assert_status 1
		jq -e --arg r "$rule" --arg p "$path" '.findings | any(.rule == $r and .path == $p and .action == "refuse" and .fix != null)' <<<"$output" >/dev/null ||
			fail "audit at $level does not refuse $rule at $path" "$output"
	done
}

# passes RULE — audit has no finding of RULE and baseline runs it ($output
# is the run's).
passes() {
	run casco --policy baseline audit --format json --bundle "$BUNDLE"
	jq -e --arg r "$1" '.findings | all(.rule != $r)' <<<"$output" >/dev/null || fail "audit reports $1" "$output"
	run casco --policy baseline run --bundle "$BUNDLE" "$ID-ok"
	assert_success
	assert_output_not_contains "$1"
}

# ------------------------------------------------ class 2: non-bind filesystems

@test "mounts by effect: a host block device under a non-bind type (ext4, xfs, btrfs, vfat) is refused" {
	local dev t
	dev=$(awk '$2 == "/" { print $1; exit }' /proc/self/mounts)
	for t in ext4 xfs btrfs vfat; do
		set_config '.mounts |= map(select(.destination != "/mnt"))'
		add_mount "$(jq -cn --arg t "$t" --arg s "$dev" '{destination: "/mnt", type: $t, source: $s}')"
		refused CASCO-MOUNT-FSTYPE "mounts[$MOUNT_INDEX].type" "$t from $dev"
	done
}

@test "mounts by effect: kernel-wide filesystems (binfmt_misc, debugfs, bpf, securityfs) are refused" {
	local t
	for t in binfmt_misc debugfs bpf securityfs; do
		set_config '.mounts |= map(select(.destination != "/mnt"))'
		add_mount "$(jq -cn --arg t "$t" '{destination: "/mnt", type: $t, source: $t}')"
		refused CASCO-MOUNT-FSTYPE "mounts[$MOUNT_INDEX].type"
	done
}

@test "mounts by effect: a writable cgroup filesystem without a cgroup namespace is refused; ro passes the rule" {
	add_mount '{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid"]}'
	refused CASCO-MOUNT-CGROUP-WRITABLE "mounts[$MOUNT_INDEX].options"
	set_config ".mounts[$MOUNT_INDEX].options += [\"ro\"]"
	run casco --policy baseline audit --format json --bundle "$BUNDLE"
	jq -e '.findings | all(.rule != "CASCO-MOUNT-CGROUP-WRITABLE")' <<<"$output" >/dev/null || fail "$output"
}

# --------------------------------------------- class 4: writable host system trees

@test "mounts by effect: rw binds of /usr, /lib (merged-usr alias), /root, /etc/ssh and /var/lib are refused" {
	local src
	for src in /usr /lib /root /etc/ssh /var/lib /bin; do
		[ -e "$src" ] || continue
		set_config '.mounts |= map(select(.destination != "/x"))'
		bind_rw "$src"
		refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source"
	done
}

@test "mounts by effect: /etc respelled (/var/run/../etc, //etc/./, a symlink chain, a relative ../ path) is refused" {
	ln -s /etc "$HOSTDIR/l2"
	ln -s "$HOSTDIR/l2" "$HOSTDIR/l1"
	local rel src
	rel=$(realpath --relative-to="$BUNDLE" /etc)
	for src in /var/run/../etc //etc/./ "$HOSTDIR/l1" "$rel"; do
		set_config '.mounts |= map(select(.destination != "/x"))'
		bind_rw "$src"
		refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source" "the host's /etc"
	done
}

@test "mounts by effect: /etc through a bind-mount alias elsewhere on the host, and a subdirectory of it, is refused" {
	# outside the test directory, so that the leftover check looks past it
	ALIAS=$(mktemp -d /tmp/casco-alias.XXXXXX)
	mount --bind /etc "$ALIAS"
	bind_rw "$ALIAS"
	refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source" "the host's /etc"
	set_config '.mounts |= map(select(.destination != "/x"))'
	bind_rw "$ALIAS/default"
	refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source" "inside the host's /etc"
}

@test "mounts by effect: a directory above a system tree (/, /var, /var/lib) is refused, even without rbind" {
	local src
	for src in / /var /var/lib; do
		set_config '.mounts |= map(select(.destination != "/x"))'
		bind_opts "$src" /x bind
		refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source"
	done
}

@test "mounts by effect: a writable hard link to a host system file is refused" {
	[ "$(stat -c %d /etc/hostname)" = "$(stat -c %d "$HOSTDIR")" ] || skip "/etc and $HOSTDIR are on different filesystems here"
	ln /etc/hostname "$HOSTDIR/hostname"
	bind_opts "$HOSTDIR/hostname" /etc/hostname bind
	refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source" "hard links"
}

# Found by tests/fuzz/fuzz_canon: the recursive words are applied after the
# top-level ones (mount.c apply_attrs), so "rrw" undoes "ro" wherever it
# stands in the list; the policy took any "ro" as read-only.
@test "mounts by effect: \"ro\" undone by \"rrw\" (any order, bind or rbind) is writable and refused; \"nodev\" undone by \"rdev\" too" {
	local opts
	for opts in "rbind ro rrw" "bind ro rrw" "rbind rrw ro" "bind rro rrw ro" "rbind ro rrw rw ro"; do
		set_config '.mounts |= map(select(.destination != "/x"))'
		# shellcheck disable=SC2086 # word-split on purpose
		bind_opts /etc /x $opts
		refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].source" "the host's /etc"
	done
	# devices: where a cgroup filters them (without one every mount is nodev
	# whatever the options say, and the rule has nothing to judge)
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		set_config '.mounts |= map(select(.destination != "/x"))'
		bind_opts /dev /x bind nodev rdev ro
		refused CASCO-DEVICE-HOST "mounts[$MOUNT_INDEX].source" "the host's /dev"
	fi
	# the effect judged is the real one: such a bind of a scratch directory is writable
	set_config '.mounts |= map(select(.destination != "/x"))'
	bind_opts "$HOSTDIR" /x rbind ro rrw
	set_args sh -c 'echo written >/x/f'
	run casco --policy permissive run --bundle "$BUNDLE" "$ID-w"
	assert_success
	[ "$(cat "$HOSTDIR/f")" = written ] || fail "\"ro\",\"rrw\" was not writable: the test's premise is wrong"
	# and the spellings that do end read-only pass
	for opts in "rbind rrw rro" "rbind rro rw" "bind ro"; do
		set_config '.mounts |= map(select(.destination != "/x"))'
		# shellcheck disable=SC2086
		bind_opts /etc /x $opts
		run casco --policy baseline audit --format json --bundle "$BUNDLE"
		jq -e '.findings | all(.rule != "CASCO-MOUNT-HOST-PATH")' <<<"$output" >/dev/null || fail "$opts: $output"
	done
}

@test "mounts by effect: an overlay whose upperdir is the host's /etc is refused" {
	mkdir -p "$HOSTDIR/lower" "$HOSTDIR/work"
	add_mount "$(jq -cn --arg l "$HOSTDIR/lower" --arg w "$HOSTDIR/work" \
		'{destination: "/o", type: "overlay", source: "overlay", options: ["lowerdir=\($l)", "upperdir=/etc", "workdir=\($w)"]}')"
	refused CASCO-MOUNT-HOST-PATH "mounts[$MOUNT_INDEX].options" "upperdir /etc"
}

@test "mounts by effect: what engines bind still runs at baseline (per-container files, a volume under /var/lib/docker, read-only /etc files)" {
	echo "127.0.0.1 localhost" >"$HOSTDIR/hosts"
	bind_opts "$HOSTDIR/hosts" /etc/hosts rbind rprivate
	VOLUME=/var/lib/docker/volumes/casco-bats-$$
	mkdir -p "$VOLUME/_data"
	bind_opts "$VOLUME/_data" /data rbind
	bind_opts /etc/passwd /etc/host-passwd rbind ro
	bind_opts / /hostroot bind ro
	set_args sh -c 'echo hi >/data/f && cat /etc/hosts'
	passes CASCO-MOUNT-HOST-PATH
	assert_output_contains "127.0.0.1 localhost"
	[ "$(cat "$VOLUME/_data/f")" = hi ]
}

@test "mounts by effect: a non-recursive read-only bind of / is not an engine socket (the sockets live on /run's own mount)" {
	bind_opts / /hostroot bind ro
	run casco --policy strict audit --format json --bundle "$BUNDLE"
	jq -e '.findings | all(.rule != "CASCO-MOUNT-ENGINE-SOCKET" and .rule != "CASCO-MOUNT-HOST-PATH")' <<<"$output" >/dev/null || fail "$output"
}

# ------------------------------------ devices, the host's procfs, engine sockets

# Without a device cgroup (this host) every mount is nodev, so a bind that
# shows host device nodes is no way to them: it runs, and opening a node
# fails (with a cgroup the device rules filter, and a bind showing devices
# without "nodev" is CASCO-DEVICE-HOST: tests/unit/test_policy.c).
@test "mounts by effect: host device nodes through binds (ro /dev, the root disk, rbind of /) cannot be opened" {
	[ ! -f /sys/fs/cgroup/cgroup.controllers ] || skip "cgroup v2 host: device rules are the cgroup's here"
	local dev
	dev=$(awk '$2 == "/" { print $1; exit }' /proc/self/mounts)
	bind_opts /dev /hostdev rbind ro
	bind_opts / /hostroot rbind ro
	[ -b "$dev" ] && bind_opts "$dev" /disk bind ro
	set_args sh -c 'for f in /hostdev/null /hostroot/dev/null /hostroot/dev/zero; do
		if echo x 2>/dev/null >>"$f"; then echo "WROTE $f"; fi
		if head -c1 "$f" >/dev/null 2>&1; then echo "READ $f"; fi
	done
	if [ -e /disk ] && head -c1 /disk >/dev/null 2>&1; then echo "READ /disk"; fi
	echo done'
	run casco --policy permissive run --bundle "$BUNDLE" "$ID-1"
	assert_success
	assert_output_contains done
	assert_output_not_contains WROTE
	assert_output_not_contains READ
	assert_no_leftovers "$ID-1"
}

@test "mounts by effect: the host's procfs bound read-only (/proc, /proc/1, /proc/sys) is refused" {
	local src
	for src in /proc /proc/1 /proc/sys; do
		set_config '.mounts |= map(select(.destination != "/hp"))'
		bind_opts "$src" /hp rbind ro
		refused CASCO-MOUNT-HOST-PROC "mounts[$MOUNT_INDEX].source"
	done
}

@test "mounts by effect: an engine socket by name anywhere, read-only or not, is refused" {
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$HOSTDIR/docker.sock"
	ln -s "$HOSTDIR/docker.sock" "$HOSTDIR/innocent"
	bind_opts "$HOSTDIR/innocent" /run/x.sock bind ro
	refused CASCO-MOUNT-ENGINE-SOCKET "mounts[$MOUNT_INDEX].source" "docker.sock"
}

# -------------------------------------------------- class 5: check-then-use races

# A second container that owns a shared volume flips a symlink between a
# harmless directory and /etc while casco creates: the policy judges the
# object it opened, and the mount is that object, so the container gets
# either the harmless directory or a refusal — never /etc.
@test "mounts by effect: a symlink swapped between a volume and /etc during create never gets /etc mounted (200 tries)" {
	requires_cc
	mkdir "$HOSTDIR/vol"
	touch "$HOSTDIR/vol/marker"
	ln -s vol "$HOSTDIR/a"
	ln -s /etc "$HOSTDIR/b"
	bin=$(swap_bin)
	"$bin" "$HOSTDIR/a" "$HOSTDIR/b" >/dev/null 3>&- &
	SWAPPER=$!
	bind_rw "$HOSTDIR/a" /x
	set_args sh -c 'test -e /x/marker && echo GOT-VOLUME || { test -e /x/passwd && echo GOT-ETC; }'
	local i ok=0 refusedn=0 hits=0
	for ((i = 0; i < TRIES; i++)); do
		run casco --policy baseline run --bundle "$BUNDLE" "$ID-r"
		case $output in
		*GOT-ETC*) hits=$((hits + 1)) ;;
		*GOT-VOLUME*) ok=$((ok + 1)) ;;
		*CASCO-MOUNT-HOST-PATH*) refusedn=$((refusedn + 1)) ;;
		esac
		casco delete -f "$ID-r" >/dev/null 2>&1 || true
	done
	kill "$SWAPPER"
	wait "$SWAPPER" 2>/dev/null || true
	SWAPPER=
	echo "# volume $ok, refused $refusedn, /etc $hits" >&3
	[ "$hits" -eq 0 ] || fail "/etc was mounted in $hits of $TRIES tries"
	[ "$ok" -gt 0 ] && [ "$refusedn" -gt 0 ] || fail "the race never went both ways (volume $ok, refused $refusedn)"
	assert_no_leftovers
}

# The same with a namespace path: judged on the fd setns gets.
@test "mounts by effect: a namespace path swapped between a sandbox's pid ns and the host's never joins the host's (200 tries)" {
	requires_cc
	local sandbox=$ID-sandbox host_ino
	set_args sleep 1000
	run casco_detached --policy baseline create --bundle "$BUNDLE" "$sandbox"
	assert_success
	local pid
	pid=$(casco state "$sandbox" | jq -r .pid)
	ln -s "/proc/$pid/ns/pid" "$HOSTDIR/a"
	ln -s "/proc/$$/ns/pid" "$HOSTDIR/b"
	host_ino=$(stat -L -c %i /proc/self/ns/pid)
	bin=$(swap_bin)
	"$bin" "$HOSTDIR/a" "$HOSTDIR/b" >/dev/null 3>&- &
	SWAPPER=$!
	set_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' --arg p "$HOSTDIR/a"
	set_args sh -c 'stat -L -c INO=%i /proc/self/ns/pid'
	local i hits=0 joined=0 refusedn=0
	for ((i = 0; i < TRIES; i++)); do
		run casco --policy baseline run --bundle "$BUNDLE" "$ID-r"
		case $output in
		*"INO=$host_ino"*) hits=$((hits + 1)) ;;
		*INO=*) joined=$((joined + 1)) ;;
		*CASCO-NS-HOST-PID*) refusedn=$((refusedn + 1)) ;;
		esac
		casco delete -f "$ID-r" >/dev/null 2>&1 || true
	done
	kill "$SWAPPER"
	wait "$SWAPPER" 2>/dev/null || true
	SWAPPER=
	casco delete -f "$sandbox"
	echo "# sandbox $joined, refused $refusedn, host $hits" >&3
	[ "$hits" -eq 0 ] || fail "the host's pid namespace was joined in $hits of $TRIES tries"
	[ "$joined" -gt 0 ] && [ "$refusedn" -gt 0 ] || fail "the race never went both ways (sandbox $joined, refused $refusedn)"
}
