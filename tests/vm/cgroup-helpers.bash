# shellcheck shell=bash
# Setup and teardown shared by the VM suites that run containers with a
# cgroup: they write to /sys/fs/cgroup, so they run only inside the test VM
# (tests/vm/run-cgroup-tests sets CASCO_VM=1).  Load after ../bats/helpers.

CG=/sys/fs/cgroup

# cgroup_vm_setup — skip outside the VM; else the common setup, and $CGDIR,
# the container's default cgroup.
cgroup_vm_setup() {
	[ "${CASCO_VM:-}" = 1 ] || skip "cgroup tests run in the VM only (tests/vm/run-cgroup-tests)"
	# (cgroupfs files have size 0: read it)
	[ -n "$(cat $CG/cgroup.controllers 2>/dev/null)" ] || skip "no cgroup v2 at $CG"
	common_setup
	CGDIR=$CG/casco/$ID
}

# cgroup_vm_teardown — the common teardown; a test must not leave its
# cgroup behind either.
cgroup_vm_teardown() {
	[ "${CASCO_VM:-}" = 1 ] || return 0
	common_teardown
	if [ -n "${CGDIR:-}" ] && [ -d "$CGDIR" ]; then
		echo 1 >"$CGDIR/cgroup.kill" 2>/dev/null || true
		sleep 0.2
		rmdir "$CGDIR" 2>/dev/null || true
		fail "teardown: cgroup $CGDIR was left behind"
	fi
}
