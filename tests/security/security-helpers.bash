# shellcheck shell=bash
# Shared by tests/security/*.bats: the bats suite's helpers (a private state
# dir and bundle per test; teardown fails a test that leaves a mount, a
# process or state behind) plus what the CVE tests need on top.
#
# Each test carries `# bats test_tags=weaken:NAME[:NAME...]`: the defences
# (./configure --enable-weakened=NAME,...) without which it must fail.
# tests/security/prove-red builds those variants and checks that they do.

load ../bats/helpers

# helper_bin NAME — tests/helpers/NAME.c compiled once per bats run; echoes
# the binary's path (skips the test without a C compiler).
helper_bin() {
	local bin=$BATS_RUN_TMPDIR/helper-$1
	requires_cc
	if [ ! -x "$bin" ]; then
		"${CC:-cc}" -O2 -Wall -o "$bin.$$" "$TESTS_DIR/helpers/$1.c" >&2 && mv -f "$bin.$$" "$bin"
	fi
	echo "$bin"
}

# start_swap PATH1 PATH2 — exchange the two entries in a tight loop in the
# background (tests/helpers/swap-race.c) until stop_swap.
start_swap() {
	local bin
	bin=$(helper_bin swap-race) || return 1
	"$bin" "$1" "$2" >>"$TESTDIR/swaps.out" 2>&1 3>&- &
	SWAP_PIDS+=("$!")
}

# stop_swap — end every swap loop (each adds its number of exchanges to
# $TESTDIR/swaps.out).
stop_swap() {
	local pid
	for pid in "${SWAP_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	SWAP_PIDS=()
}

# tree_snapshot DIR — every entry below DIR with type, size and mtime, so a
# test can show that a host directory was not touched at all.
tree_snapshot() {
	find "$1" -printf '%P %y %s %T@ %m\n' | sort
}

# assert_host_untouched DIR SNAPSHOT
assert_host_untouched() {
	local now
	now=$(tree_snapshot "$1")
	[ "$now" = "$2" ] || fail "host directory $1 was changed by the runtime:" \
		"before:" "$2" "after:" "$now"
}

security_setup() {
	common_setup
	SWAP_PIDS=()
}

security_teardown() {
	stop_swap
	common_teardown
}

setup() {
	security_setup
}

teardown() {
	security_teardown
}
