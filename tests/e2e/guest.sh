#!/bin/bash
# tests/e2e/guest.sh ENGINE BATS_ARGS... — the part of tests/e2e/run that
# runs inside the VM: a tmpfs for the engine's private roots (overlayfs
# cannot stack on the VM's overlay root), bats, then the logs on stderr
# between "=== casco-e2e: NAME" markers for the host to keep.
set -u
engine=$1
shift
export CASCO_E2E_DIR=/run/casco-e2e
mkdir -p "$CASCO_E2E_DIR"
mount -t tmpfs -o mode=0755,size=1g tmpfs "$CASCO_E2E_DIR" || exit 125
: >"$CASCO_E2E_DIR/argv.log"
# The operator's level behind an engine (docs/engines.md, docs/policy.md);
# the VM's /etc is a tmpfs overlay, the host's is untouched.
mkdir -p /etc/casco
echo 'level = baseline' >/etc/casco/policy.conf
# Under the VM's own limit (tests/e2e/run), so the logs still come out.
timeout -k 10 840 bats --timing "$@"
rc=$?
{
	echo "=== casco-e2e: argv"
	cat "$CASCO_E2E_DIR/argv.log"
	for f in "$CASCO_E2E_DIR"/*.log; do
		[ "$f" = "$CASCO_E2E_DIR/argv.log" ] && continue
		[ -f "$f" ] || continue
		echo "=== casco-e2e: ${f##*/}"
		tail -n 300 "$f"
	done
	echo "=== casco-e2e: end"
} >&2
exit "$rc"
