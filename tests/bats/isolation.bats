#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# What the process sees inside the container: namespaces, rootfs and mounts,
# /dev, masked and read-only paths, identity, limits, and config knobs.

load helpers

# ------------------------------------------------------------- processes

@test "pid ns: the container's process is PID 1" {
	run_sh 'echo $$'
	assert_success
	assert_equal "$output" 1
}

@test "pid ns: /proc/1/cmdline is the container's own command" {
	# A pipeline, so sh stays PID 1 instead of exec'ing its last command.
	run_sh 'cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output_matches '^sh -c cat /proc/1/cmdline '
}

@test "pid ns: host processes are invisible" {
	run_sh 'ls -d /proc/[0-9]* | wc -l'
	assert_success
	# sh, ls and wc at most (plus a possible subshell).
	[ "$output" -le 4 ] || fail "saw $output processes"
}

@test "namespaces: pid, net, ipc, uts and mnt differ from the host's" {
	run_sh 'for n in pid net ipc uts mnt; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	assert_success
	local n inside
	for n in pid net ipc uts mnt; do
		inside=$(awk -v n="$n" '$1 == n { print $2 }' <<<"$output")
		[ -n "$inside" ] || fail "no $n namespace link inside: $output"
		[ "$inside" != "$(readlink "/proc/self/ns/$n")" ] || fail "$n namespace is the host's ($inside)"
	done
}

@test "namespaces: without a uts entry the host's uts namespace is shared" {
	drop_namespace uts
	set_config 'del(.hostname)'
	run_sh 'readlink /proc/self/ns/uts'
	assert_success
	assert_equal "$output" "$(readlink /proc/self/ns/uts)"
}

# ------------------------------------------------------------ uts and net

@test "uts: hostname is the one from config.json" {
	run_sh 'hostname; cat /proc/sys/kernel/hostname'
	assert_success
	assert_equal "$output" "casco-test
casco-test"
}

@test "uts: a different configured hostname is applied" {
	set_config '.hostname = "other-name"'
	run_sh 'hostname'
	assert_success
	assert_equal "$output" other-name
}

@test "uts: domainname from config.json is applied" {
	set_config '.domainname = "example.test"'
	run_sh 'cat /proc/sys/kernel/domainname'
	assert_success
	assert_equal "$output" example.test
}

@test "net ns: only the loopback interface exists" {
	run_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	assert_success
	assert_equal "$output" lo
}

@test "sysctl: net.ipv4.ip_forward is set inside the container's own netns only" {
	local host_before
	host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	local want=$((1 - host_before))
	set_config '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$want"
	run_sh 'cat /proc/sys/net/ipv4/ip_forward'
	assert_success
	assert_equal "$output" "$want"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_before"
}

# ------------------------------------------------------- rootfs and mounts

@test "rootfs: / is the bundle's rootfs and no host path is mounted" {
	run_sh 'cat /proc/self/mountinfo'
	assert_success
	local roots
	roots=$(awk '$5 == "/" { print $4 }' <<<"$output")
	assert_equal "$roots" "$BUNDLE/rootfs"
	# Every other mount point is one of the configured pseudo filesystems.
	local bad
	bad=$(awk '$5 != "/" && $5 !~ "^/(proc|dev|sys)(/|$)" { print $5 }' <<<"$output")
	[ -z "$bad" ] || fail "unexpected mount points: $bad"
	# No bind of a host path other than the rootfs.
	bad=$(awk '$5 != "/" && $4 ~ "^/(tmp|work|home|root|etc|usr|var|run)(/|$)" { print $5 " <- " $4 }' <<<"$output")
	[ -z "$bad" ] || fail "host paths mounted: $bad"
}

@test "rootfs: the container sees the bundle's files, not the host's" {
	run_sh 'cat /etc/os-release; test -e /work || test -e /usr/lib/os-release || echo no-host-files'
	assert_success
	assert_output_contains 'busybox test rootfs'
	assert_output_contains no-host-files
}

@test "rootfs: root.readonly=true makes writing to / fail" {
	run_sh 'touch /newfile'
	assert_failure
	assert_output_contains "Read-only file system"
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: root.readonly=false allows writing to /" {
	set_config '.root.readonly = false'
	run_sh 'echo data >/newfile && cat /newfile'
	assert_success
	assert_equal "$output" data
	assert_equal "$(cat "$BUNDLE/rootfs/newfile")" data
}

@test "rootfs: /sys is read-only" {
	run_sh 'mkdir /sys/kernel/casco-x 2>&1 || echo refused; grep " /sys " /proc/self/mountinfo'
	assert_success
	assert_output_contains refused
	assert_output_matches ' /sys ro[, ]'
}

@test "mounts: tmpfs on /tmp is writable under a read-only root" {
	set_config '.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'
	run_sh 'echo hi >/tmp/f && cat /tmp/f && grep " /tmp " /proc/self/mountinfo'
	assert_success
	assert_output_contains hi
	assert_output_matches ' /tmp rw,.* - tmpfs '
}

@test "mounts: tmpfs with the ro option is read-only" {
	set_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["ro"]}]'
	run_sh 'touch /mnt/f'
	assert_failure
	assert_output_contains "Read-only file system"
}

@test "mounts: a read-only bind mount of a host directory is visible but not writable" {
	mkdir "$TESTDIR/shared"
	echo from-host >"$TESTDIR/shared/file"
	set_config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "ro"]}]' \
		--arg s "$TESTDIR/shared"
	run_sh 'cat /shared/file; touch /shared/new 2>&1; grep " /shared " /proc/self/mountinfo'
	assert_success
	assert_output_contains from-host
	assert_output_contains "Read-only file system"
	assert_output_matches ' /shared ro[, ]'
	[ ! -e "$TESTDIR/shared/new" ]
}

@test "mounts: a read-write bind mount lets the container write to the host directory" {
	mkdir "$TESTDIR/shared"
	set_config '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]' \
		--arg s "$TESTDIR/shared"
	run_sh 'echo from-ctr >/shared/out'
	assert_success
	assert_equal "$(cat "$TESTDIR/shared/out")" from-ctr
}

@test "mounts: a bind mount with a bundle-relative source is resolved against the bundle" {
	mkdir "$BUNDLE/data"
	echo in-bundle >"$BUNDLE/data/file"
	set_config '.mounts += [{destination: "/data", type: "bind", source: "data", options: ["bind", "ro"]}]'
	run_sh 'cat /data/file'
	assert_success
	assert_equal "$output" in-bundle
}

@test "mounts: a missing mount point is created even under a read-only root" {
	set_config '.mounts += [{destination: "/new/deep/dir", type: "tmpfs", source: "tmpfs", options: []}]'
	run_sh 'grep -c " /new/deep/dir " /proc/self/mountinfo'
	assert_success
	assert_equal "$output" 1
}

@test "mounts: a bind-mounted single file appears at its destination" {
	echo one-file >"$TESTDIR/single"
	set_config '.mounts += [{destination: "/etc/single.conf", type: "bind", source: $s, options: ["bind", "ro"]}]' \
		--arg s "$TESTDIR/single"
	run_sh 'cat /etc/single.conf'
	assert_success
	assert_equal "$output" one-file
}

# runtime-tools' validation (and anything else reading mountinfo) expects the
# config's mounts in config order; on kernels that list mountinfo by mount
# id, binds cloned before the container's other mounts came first.
mount_order_case() {
	mkdir "$TESTDIR/a" "$TESTDIR/b"
	set_config '.mounts += [
		{destination: "/m1", type: "tmpfs", source: "tmpfs", options: []},
		{destination: "/m2", type: "bind", source: $a, options: ["bind", "ro"]},
		{destination: "/m3", type: "tmpfs", source: "tmpfs", options: []},
		{destination: "/m4", type: "bind", source: $b, options: ["rbind", "rw"]},
		{destination: "/m5", type: "tmpfs", source: "tmpfs", options: []}]' \
		--arg a "$TESTDIR/a" --arg b "$TESTDIR/b"
	run_sh 'grep -oE " /m[1-5] " /proc/self/mountinfo | tr -d " " | tr "\n" " "'
	assert_success
	assert_equal "$output" "/m1 /m2 /m3 /m4 /m5 "
}

@test "mounts: mountinfo lists the config's mounts in config order, binds included" {
	mount_order_case
}

@test "mounts: mountinfo keeps config order for binds in a user namespace too" {
	requires_namespace user
	enable_userns
	# container root (host uid 100000) cannot create mount points in the rootfs
	mkdir "$BUNDLE"/rootfs/m{1,2,3,4,5}
	mount_order_case
}

@test "rootfsPropagation: unbindable and runbindable are applied to the container's /" {
	# runc 1.1.5 makes / unbindable before binding the rootfs onto itself,
	# which the kernel then refuses (EINVAL): it fails this spec value
	requires_casco
	local prop
	for prop in unbindable runbindable; do
		set_config '.linux.rootfsPropagation = $p' --arg p "$prop"
		run_sh 'awk "\$5 == \"/\" { print \$7 }" /proc/self/mountinfo'
		assert_success
		assert_output_contains unbindable
	done
}

@test "mounts: /dev/shm is a writable tmpfs and /dev/mqueue is mqueue" {
	run_sh 'echo x >/dev/shm/f && cat /dev/shm/f; grep -E " /dev/(shm|mqueue) " /proc/self/mountinfo'
	assert_success
	assert_output_matches '^x$'
	assert_output_matches ' /dev/shm rw,.* - tmpfs '
	assert_output_matches ' /dev/mqueue .* - mqueue '
}

# ---------------------------------------------------------- masked paths

@test "masked: /proc/kcore is absent, empty or /dev/null" {
	[ -e /proc/kcore ] || skip "host kernel has no /proc/kcore"
	run_sh 'if [ -e /proc/kcore ]; then wc -c </proc/kcore; else echo 0; fi'
	assert_success
	assert_equal "$output" 0
}

@test "masked: /proc/timer_list and /proc/keys read empty" {
	[ -s /proc/timer_list ] || [ "$(wc -c </proc/timer_list)" -gt 0 ] || skip "host /proc/timer_list is empty"
	run_sh 'wc -c </proc/timer_list; wc -c </proc/keys'
	assert_success
	assert_equal "$output" "0
0"
}

@test "masked: masked directories (/proc/acpi, /sys/firmware) are empty" {
	run_sh 'for d in /proc/acpi /sys/firmware; do [ -d $d ] && echo "$d $(ls -A $d | wc -l)"; done; true'
	assert_success
	local line
	while read -r line; do
		[ "${line##* }" = 0 ] || fail "masked directory not empty: $line"
	done <<<"$output"
	[ -n "$output" ] || skip "host has neither /proc/acpi nor /sys/firmware"
}

@test "masked: each configured maskedPath is masked" {
	mkdir -p "$BUNDLE/rootfs/opt/secret"
	echo secret >"$BUNDLE/rootfs/opt/secret/file"
	echo secret >"$BUNDLE/rootfs/opt/secret-file"
	set_config '.root.readonly = false | .linux.maskedPaths += ["/opt/secret", "/opt/secret-file"]'
	run_sh 'ls -A /opt/secret; cat /opt/secret-file; echo end'
	assert_success
	assert_equal "$output" end
}

@test "readonly: readonlyPaths under /proc are mounted read-only" {
	run_sh 'cat /proc/self/mountinfo; echo x >/proc/sys/kernel/domainname 2>&1 || echo write-refused'
	assert_success
	assert_output_contains write-refused
	local p
	for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
		[ -e "$p" ] || continue
		grep -Eq " $p ro[, ]" <<<"$output" || fail "$p is not mounted read-only"
	done
}

@test "readonly: a configured readonlyPath in the rootfs refuses writes" {
	mkdir -p "$BUNDLE/rootfs/opt/ro"
	set_config '.root.readonly = false | .linux.readonlyPaths += ["/opt/ro"]'
	run_sh 'touch /opt/ro/f 2>&1; touch /opt/rw-ok && echo rw-ok'
	assert_success
	assert_output_contains "Read-only file system"
	assert_output_contains rw-ok
}

# ------------------------------------------------------------------- /dev

@test "dev: /dev lists only the default devices, symlinks and mounts" {
	run_sh 'ls -A /dev'
	assert_success
	local allowed=" console core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	local required="fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero"
	local e
	for e in $output; do
		[[ $allowed == *" $e "* ]] || fail "unexpected /dev entry: $e (all: $output)"
	done
	for e in $required; do
		[[ " $output " == *[[:space:]]"$e"[[:space:]]* ]] || fail "missing /dev/$e (all: $output)"
	done
}

@test "dev: default devices are character devices with the standard numbers" {
	run_sh 'for d in null zero full random urandom tty; do echo "$d $(stat -c "%F %t:%T" /dev/$d)"; done'
	assert_success
	assert_equal "$output" "null character special file 1:3
zero character special file 1:5
full character special file 1:7
random character special file 1:8
urandom character special file 1:9
tty character special file 5:0"
}

@test "dev: /dev/null, /dev/zero and /dev/full behave" {
	run_sh 'echo x >/dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " "; echo x >/dev/full 2>&1 || echo full-refused'
	assert_success
	assert_output_contains 00000000
	assert_output_contains full-refused
}

@test "dev: /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and /dev/ptmx are symlinks" {
	run_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	assert_success
	assert_equal "$output" "fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
ptmx -> pts/ptmx"
}

@test "dev: linux.devices adds a device node with the configured mode" {
	set_config '.linux.devices = [{path: "/dev/casco-null", type: "c", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 0}]'
	run_sh 'stat -c "%F %t:%T %a" /dev/casco-null && echo x >/dev/casco-null && echo written'
	assert_success
	assert_equal "$output" "character special file 1:3 660
written"
}

@test "dev: host devices like /dev/vda or /dev/mem are not present" {
	run_sh 'ls /dev/mem /dev/kmsg /dev/sda /dev/vda 2>/dev/null | wc -l'
	assert_success
	assert_equal "$output" 0
}

# ------------------------------------------------------- identity, limits

@test "user: uid 1000 from process.user.uid" {
	set_config '.process.user = {uid: 1000, gid: 1000}'
	run_sh 'id -u; id -g'
	assert_success
	assert_equal "$output" "1000
1000"
}

@test "user: additionalGids become supplementary groups" {
	set_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [1001, 2000]}'
	run_sh 'grep ^Groups: /proc/self/status'
	assert_success
	assert_output_matches '^Groups:[[:space:]]+1001 2000[[:space:]]*$'
}

@test "user: no supplementary groups unless configured" {
	run_sh 'grep ^Groups: /proc/self/status'
	assert_success
	assert_output_matches '^Groups:[[:space:]]*$'
}

@test "user: umask from process.user.umask" {
	set_config '.process.user.umask = 23'
	run_sh 'umask'
	assert_success
	assert_equal "$output" 0027
}

@test "user: default umask is 0022" {
	run_sh 'umask'
	assert_success
	assert_equal "$output" 0022
}

@test "env: process.env is the whole environment" {
	set_config '.process.env = ["PATH=/bin:/sbin", "FOO=bar baz", "EMPTY="]'
	run_sh 'env | sort'
	assert_success
	assert_output_contains "FOO=bar baz"
	assert_output_contains "PATH=/bin:/sbin"
	assert_output_contains "EMPTY="
	assert_output_not_contains "BATS_"
	assert_output_not_contains "CASCO="
}

@test "cwd: process.cwd is the working directory" {
	set_config '.process.cwd = "/home/user"'
	run_sh 'pwd'
	assert_success
	assert_equal "$output" /home/user
}

@test "rlimits: RLIMIT_NOFILE from config (soft and hard)" {
	set_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 768}]'
	run_sh 'ulimit -n; ulimit -Hn'
	assert_success
	assert_equal "$output" "512
768"
}

@test "rlimits: the default config gives RLIMIT_NOFILE 1024" {
	run_sh 'ulimit -n'
	assert_success
	assert_equal "$output" 1024
}

@test "caps: root gets exactly the configured capabilities" {
	# CAP_KILL(5) | CAP_NET_BIND_SERVICE(10) | CAP_AUDIT_WRITE(29)
	run_sh 'grep -E "^Cap(Eff|Prm|Bnd):" /proc/self/status'
	assert_success
	assert_equal "$output" "CapPrm:	0000000020000420
CapEff:	0000000020000420
CapBnd:	0000000020000420"
}

@test "caps: a non-root user has no effective capabilities" {
	set_config '.process.user = {uid: 1000, gid: 1000}'
	run_sh 'grep ^CapEff: /proc/self/status'
	assert_success
	assert_output_matches '^CapEff:[[:space:]]+0000000000000000$'
}

@test "caps: without CAP_SYS_ADMIN root in the container cannot mount" {
	run_sh 'mount -t tmpfs none /mnt 2>&1 && echo mounted'
	assert_output_not_contains mounted
	assert_failure
}

@test "noNewPrivileges: NoNewPrivs is set" {
	run_sh 'grep ^NoNewPrivs: /proc/self/status'
	assert_success
	assert_output_matches '^NoNewPrivs:[[:space:]]+1$'
}

# -------------------------------------------------- user and time namespaces

@test "userns: uid_map and gid_map are 0 -> 100000 for 65536 ids" {
	requires_namespace user
	enable_userns
	run_sh 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	assert_success
	assert_equal "$(tr -s ' ' <<<"$output" | sed 's/^ //')" "0 100000 65536
0 100000 65536
0"
}

@test "userns: host root's files appear owned by the overflow uid" {
	requires_namespace user
	enable_userns
	run_sh 'stat -c %u:%g /bin/busybox'
	assert_success
	assert_equal "$output" 65534:65534
}

@test "userns: container root runs as uid 100000 on the host" {
	requires_namespace user
	enable_userns
	set_args sleep 1000
	run casco_detached run -d --bundle "$BUNDLE" "$ID"
	assert_success
	local pid
	pid=$(casco state "$ID" | jq -r .pid)
	run awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
	assert_equal "$output" 100000
}

@test "timens: timeOffsets shift CLOCK_MONOTONIC/BOOTTIME inside a time namespace" {
	requires_namespace time
	set_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {monotonic: {secs: 864000, nanosecs: 0}, boottime: {secs: 864000, nanosecs: 0}}'
	run_sh 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	assert_success
	assert_output_matches '^monotonic[[:space:]]+864000[[:space:]]+0$'
	assert_output_matches '^boottime[[:space:]]+864000[[:space:]]+0$'
	local up
	up=$(tail -n1 <<<"$output")
	[ "$up" -ge 864000 ] || fail "uptime $up not shifted"
}
