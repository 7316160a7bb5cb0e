#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq
# bats file_tags=env:host,conformance
# Conformance: each field of config.json (OCI runtime spec, config.md and
# config-linux.md) observed from INSIDE the container, as runtime-tools'
# validation tests (runtimetest) check them.  Written against the spec, so
# it passes on runc: `CASCO=runc bats tests/conformance`.  casco runs at
# --policy permissive (helpers.bash), the level that means the spec exactly.
#
# One container (set up once for the file) sets almost every field and
# prints what it sees; each test checks one field.  Fields that need a
# container of their own (a user namespace, a namespace by path, ...) are in
# namespaces.bats.

load ../bats/helpers

# Everything the container prints, one "key value" line per observation.
OBSERVED=$BATS_FILE_TMPDIR/observed

# The observer: plain busybox sh, one line per fact.
OBSERVER='
say() { echo "$1 $2"; }
say args "$0|$1|$2"
say cwd "$(pwd)"
say env.CONF_A "$CONF_A"
say env.CONF_B "$CONF_B"
say env.count "$(env | grep -c "^CONF_")"
say id "$(id -u) $(id -g)"
say groups "$(sed -n "s/^Groups:[[:space:]]*//p" /proc/self/status | xargs)"
say umask "$(umask)"
say nnp "$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)"
say seccomp.mode "$(sed -n "s/^Seccomp:[[:space:]]*//p" /proc/self/status)"
for s in Bnd Eff Prm Inh Amb; do say cap.$s "$(sed -n "s/^Cap$s:[[:space:]]*//p" /proc/self/status)"; done
say rlimit.nofile "$(awk "/^Max open files/ { print \$4, \$5 }" /proc/self/limits)"
say rlimit.msgqueue "$(awk "/^Max msgqueue size/ { print \$4, \$5 }" /proc/self/limits)"
say oom "$(cat /proc/self/oom_score_adj)"
say hostname "$(hostname)"
say domainname "$(cat /proc/sys/kernel/domainname)"
say sysctl.shm_rmid_forced "$(cat /proc/sys/kernel/shm_rmid_forced)"
say sysctl.ip_forward "$(cat /proc/sys/net/ipv4/ip_forward)"
for n in pid net ipc uts mnt user cgroup; do say ns.$n "$(readlink /proc/self/ns/$n)"; done
# mountinfo: point, per-mount options, fs type, super options, optional fields
awk "{ opt = \"\"; for (i = 7; \$i != \"-\"; i++) opt = opt \$i \" \"; print \"mount\", \$5, \$6, \$(i+1), \$(i+3), \"[\" opt \"]\" }" /proc/self/mountinfo
for d in null zero full random urandom tty conf-dev; do
	say dev.$d "$(stat -c "%F %t:%T %a %u:%g" /dev/$d 2>&1)"
done
say dev.ptmx "$(stat -c "%F" /dev/ptmx) $(readlink /dev/ptmx)"
for l in fd stdin stdout stderr; do say link.$l "$(readlink /dev/$l)"; done
say masked.file "$(wc -c </etc/conf-masked 2>&1)"
say masked.dir "$(ls -A /var/conf-masked-dir 2>&1 | wc -l)"
say masked.keys "$(stat -c "%F %t:%T" /proc/keys 2>&1)"
say rootwrite "$(touch /conf-root-write 2>&1 && echo writable)"
say tmpfswrite "$( (echo x >/mnt/tmpfs/f) 2>&1 && echo writable)"
say bindread "$(cat /home/bind/hello 2>&1)"
say bindwrite "$(touch /home/bind/new 2>&1 && echo writable)"
say stack.blocks "$(stat -f -c %b /mnt/stack)"
say inner "$(cat /mnt/stack/inner/hello 2>&1)"
say seccomp.mkdir "$(mkdir /mnt/tmpfs/d 2>&1 && echo created)"
exit 0
'

setup_file() {
	common_setup
	ID=conformance-config
	# Mount points under /mnt are left for the runtime to make.
	mkdir -p "$TESTDIR/bind" "$BUNDLE/rootfs/var/conf-masked-dir" "$BUNDLE/rootfs/home/bind"
	echo hello-from-host >"$TESTDIR/bind/hello"
	echo secret >"$BUNDLE/rootfs/etc/conf-masked"
	echo secret >"$BUNDLE/rootfs/var/conf-masked-dir/f"
	set_config '
	  .process.args = ["sh", "-c", $observer, "arg1", "arg two"]
	| .process.env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "CONF_A=alpha", "CONF_B=x=y z"]
	| .process.cwd = "/tmp"
	| .process.user = {uid: 1000, gid: 1000, additionalGids: [10, 20], umask: 23}
	| .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1024},
	                      {type: "RLIMIT_MSGQUEUE", soft: 4096, hard: 8192}]
	| .process.capabilities = {
	      bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	      ambient: ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}
	| .process.noNewPrivileges = true
	| .process.oomScoreAdj = 123
	| .hostname = "conf-host"
	| .domainname = "conf-domain"
	| .root.readonly = true
	| .mounts += [
	      {destination: "/mnt/tmpfs", type: "tmpfs", source: "tmpfs",
	       options: ["nosuid", "nodev", "noexec", "size=1m", "mode=1777"]},
	      {destination: "/home/bind", type: "bind", source: $bind,
	       options: ["rbind", "ro", "nosuid"]},
	      {destination: "/mnt/stack", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
	      {destination: "/mnt/stack", type: "tmpfs", source: "tmpfs", options: ["size=2m"]},
	      {destination: "/mnt/stack/inner", type: "bind", source: $bind, options: ["bind", "ro"]}]
	| .linux.sysctl = {"kernel.shm_rmid_forced": "1", "net.ipv4.ip_forward": "1"}
	| .linux.maskedPaths += ["/etc/conf-masked", "/var/conf-masked-dir"]
	| .linux.devices = [{path: "/dev/conf-dev", type: "c", major: 1, minor: 7,
	                     fileMode: 416, uid: 0, gid: 20}]
	| .linux.rootfsPropagation = "private"
	| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	      syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}
	' --arg observer "$OBSERVER" --arg bind "$TESTDIR/bind"
	casco run --bundle "$BUNDLE" "$ID" >"$OBSERVED" 2>"$BATS_FILE_TMPDIR/stderr" </dev/null
	echo "$?" >"$BATS_FILE_TMPDIR/status"
	for n in pid net ipc uts mnt user cgroup; do
		echo "$n $(readlink /proc/$$/ns/$n)"
	done >"$BATS_FILE_TMPDIR/host-ns"
	common_teardown
}

# Per test: nothing to set up (the container ran once, above).
setup() { :; }
teardown() { :; }

# seen KEY — the observation's value (empty if missing).
seen() {
	awk -v k="$1" '$1 == k { sub(/^[^ ]* ?/, ""); print; exit }' "$OBSERVED"
}

# seen_mount POINT — "TYPE SUPEROPTS [OPTS] OPTIONAL-FIELDS..." of the mount at POINT.
seen_mount() {
	awk -v p="$1" '$1 == "mount" && $2 == p { line = $0 } END { print line }' "$OBSERVED"
}

# capmask CAP... — the hex mask /proc/self/status prints for those capabilities.
capmask() {
	local c mask=0
	for c in "$@"; do mask=$((mask | (1 << c))); done
	printf '%016x' "$mask"
}

@test "config: the container ran (exit 0) and printed its observations" {
	[ "$(cat "$BATS_FILE_TMPDIR/status")" = 0 ] || fail "run failed: $(cat "$BATS_FILE_TMPDIR/stderr")"
	[ -n "$(seen id)" ] || fail "no observations: $(cat "$OBSERVED")"
}

@test "process.args: argv is exactly args (argv[0] included)" {
	assert_equal "$(seen args)" "arg1|arg two|"
}

@test "process.cwd: the working directory" {
	assert_equal "$(seen cwd)" /tmp
}

@test "process.env: variables, values with = and spaces, nothing else added" {
	assert_equal "$(seen env.CONF_A)" alpha
	assert_equal "$(seen env.CONF_B)" "x=y z"
	assert_equal "$(seen env.count)" 2
}

@test "process.user: uid, gid and additionalGids" {
	assert_equal "$(seen id)" "1000 1000"
	# The kernel lists supplementary groups sorted; gid itself is not added.
	assert_equal "$(seen groups)" "10 20"
}

@test "process.user.umask: applied to the process" {
	assert_equal "$(seen umask)" 0027
}

@test "process.rlimits: soft and hard values of each" {
	assert_equal "$(seen rlimit.nofile)" "512 1024"
	assert_equal "$(seen rlimit.msgqueue)" "4096 8192"
}

@test "process.capabilities: all five sets as configured (non-root user with ambient)" {
	# CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10
	assert_equal "$(seen cap.Bnd)" "$(capmask 0 5 10)"
	assert_equal "$(seen cap.Eff)" "$(capmask 5 10)"
	assert_equal "$(seen cap.Prm)" "$(capmask 5 10)"
	assert_equal "$(seen cap.Inh)" "$(capmask 5 10)"
	assert_equal "$(seen cap.Amb)" "$(capmask 5 10)"
}

@test "process.noNewPrivileges: true sets the no_new_privs bit" {
	assert_equal "$(seen nnp)" 1
}

@test "process.oomScoreAdj: the process's oom_score_adj" {
	assert_equal "$(seen oom)" 123
}

@test "hostname and domainname: set in the new UTS namespace" {
	assert_equal "$(seen hostname)" conf-host
	if [ "$(seen domainname)" = "(none)" ]; then
		is_casco || skip "runc departs from the spec here: it does not set domainname"
	fi
	assert_equal "$(seen domainname)" conf-domain
}

@test "root.readonly: the root filesystem cannot be written" {
	assert_equal "$(seen rootwrite)" "touch: /conf-root-write: Read-only file system"
	assert_output_in_mount / "ro"
}

# assert_output_in_mount POINT WORD — the mount at POINT has WORD among its
# per-mount options.
assert_output_in_mount() {
	local m
	m=$(seen_mount "$1")
	[ -n "$m" ] || fail "no mount at $1 in:" "$(grep '^mount' "$OBSERVED")"
	[[ " $(cut -d' ' -f3 <<<"$m" | tr , ' ') " == *" $2 "* ]] ||
		fail "mount at $1 lacks option $2: $m"
}

@test "mounts: a tmpfs with nosuid,nodev,noexec, size and mode, writable" {
	local m
	m=$(seen_mount /mnt/tmpfs)
	[[ $m == "mount /mnt/tmpfs "*" tmpfs "* ]] || fail "not a tmpfs: $m"
	assert_output_in_mount /mnt/tmpfs nosuid
	assert_output_in_mount /mnt/tmpfs nodev
	assert_output_in_mount /mnt/tmpfs noexec
	# (mode=1777 is tmpfs' default, which mountinfo does not print.)
	[[ $m == *size=1024k* ]] || fail "size not applied: $m"
	assert_equal "$(seen tmpfswrite)" writable
}

@test "mounts: a read-only bind shows the host's files and cannot be written" {
	assert_equal "$(seen bindread)" hello-from-host
	assert_equal "$(seen bindwrite)" "touch: /home/bind/new: Read-only file system"
	assert_output_in_mount /home/bind ro
	assert_output_in_mount /home/bind nosuid
}

@test "mounts: /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue and /sys have their types" {
	local p t
	for p in /proc:proc /dev:tmpfs /dev/pts:devpts /dev/shm:tmpfs /dev/mqueue:mqueue /sys:sysfs; do
		t=$(seen_mount "${p%%:*}" | cut -d' ' -f4)
		assert_equal "${p%%:*} $t" "${p%%:*} ${p#*:}"
	done
	assert_output_in_mount /sys ro
	assert_output_in_mount /dev/shm noexec
}

@test "mounts: in config order (a later mount covers an earlier one; one inside another works)" {
	# Two tmpfs at one destination: the second (2 MiB = 512 blocks) is seen.
	assert_equal "$(seen stack.blocks)" 512
	# A bind onto a directory inside the tmpfs mounted just before it.
	assert_equal "$(seen inner)" hello-from-host
}

@test "linux.namespaces: each listed one is new, each unlisted one is the runtime's" {
	local n inside host
	for n in pid net ipc uts mnt user cgroup; do
		inside=$(seen "ns.$n")
		host=$(awk -v n="$n" '$1 == n { print $2 }' "$BATS_FILE_TMPDIR/host-ns")
		[ -n "$inside" ] || fail "no ns.$n observed"
		case $n in
		user | cgroup) assert_equal "$n $inside" "$n $host" ;;
		*) [ "$inside" != "$host" ] || fail "$n namespace is the host's ($inside)" ;;
		esac
	done
}

@test "linux.sysctl: values set in the container's namespaces" {
	assert_equal "$(seen sysctl.shm_rmid_forced)" 1
	assert_equal "$(seen sysctl.ip_forward)" 1
}

@test "linux.maskedPaths: a file reads empty, a directory is empty, /proc/keys is /dev/null" {
	assert_equal "$(seen masked.file)" 0
	assert_equal "$(seen masked.dir)" 0
	[ -e /proc/keys ] || skip "this kernel has no /proc/keys"
	assert_equal "$(seen masked.keys)" "character special file 1:3"
}

@test "linux.readonlyPaths: /proc/sys and friends are read-only mounts" {
	local p
	for p in /proc/sys /proc/sysrq-trigger /proc/bus /proc/fs /proc/irq; do
		# A path the kernel does not have is skipped (spec: "if it exists").
		[ -e "$p" ] || continue
		assert_output_in_mount "$p" ro
	done
}

@test "linux.devices: node with type, major:minor, fileMode, uid and gid" {
	# stat prints major/minor in hex.
	assert_equal "$(seen dev.conf-dev)" "character special file 1:7 640 0:20"
}

@test "default devices: /dev/null, zero, full, random, urandom and tty are the host's nodes" {
	assert_equal "$(seen dev.null | cut -d' ' -f1-4)" "character special file 1:3"
	assert_equal "$(seen dev.zero | cut -d' ' -f1-4)" "character special file 1:5"
	assert_equal "$(seen dev.full | cut -d' ' -f1-4)" "character special file 1:7"
	assert_equal "$(seen dev.random | cut -d' ' -f1-4)" "character special file 1:8"
	assert_equal "$(seen dev.urandom | cut -d' ' -f1-4)" "character special file 1:9"
	assert_equal "$(seen dev.tty | cut -d' ' -f1-4)" "character special file 5:0"
}

@test "default devices: /dev/ptmx leads to /dev/pts/ptmx; /dev/fd and stdio links" {
	local p
	p=$(seen dev.ptmx)
	# A symlink to pts/ptmx (runc) or a bind of /dev/pts/ptmx (5:2).
	[[ $p == "symbolic link pts/ptmx" || $p == "symbolic link /dev/pts/ptmx" || $p == "character special file"* ]] ||
		fail "/dev/ptmx: $p"
	assert_equal "$(seen link.fd)" /proc/self/fd
	assert_equal "$(seen link.stdin)" /proc/self/fd/0
	assert_equal "$(seen link.stdout)" /proc/self/fd/1
	assert_equal "$(seen link.stderr)" /proc/self/fd/2
}

@test "linux.seccomp: a rule's errnoRet is what the syscall returns; the filter is on" {
	# errno 38 is ENOSYS; the default action (allow) let every other call through.
	assert_equal "$(seen seccomp.mkdir)" "mkdir: can't create directory '/mnt/tmpfs/d': Function not implemented"
	assert_equal "$(seen seccomp.mode)" 2
}

@test "linux.rootfsPropagation: private means / has no shared or master peer" {
	local m
	m=$(seen_mount /)
	[ -n "$m" ] || fail "no / mount observed"
	[[ $m != *shared:* && $m != *master:* ]] || fail "/ is not private: $m"
}
