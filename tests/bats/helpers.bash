# shellcheck shell=bash
# shellcheck disable=SC2016 # single-quoted jq programs
# Common setup/teardown and assertions for casco's bats suite.
#
# Every test gets:
#   $TESTDIR   a private directory /tmp/casco-test.XXXXXX
#   $ROOT      the runtime's --root (state dir) inside it
#   $BUNDLE    a fresh copy of a busybox bundle (tests/helpers/make-bundle.sh)
#   $ID        a container id to use
#   casco      a function running "$CASCO --root $ROOT ..."
# and teardown force-deletes every container in $ROOT, then FAILS the test if
# anything was left behind: a mount or a process referring to $TESTDIR, or a
# state directory.
#
# The runtime under test is $CASCO (default: the casco binary built in the
# source tree).  The suite is written against the runc CLI contract, so
# CASCO=runc runs it against runc; casco-only tests call requires_casco.

bats_require_minimum_version 1.5.0

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRCDIR=$(cd "$TESTS_DIR/.." && pwd)
HELPERS_DIR=$TESTS_DIR/helpers

: "${CASCO:=$SRCDIR/casco}"
if [[ $CASCO != */* ]]; then
	CASCO=$(command -v "$CASCO" || echo "$CASCO")
fi
export CASCO

# The operator policy (docs/policy.md): these tests exercise mechanisms with
# bundles that the default level, strict, would refuse (uid 0 without a user
# namespace, no resource limits, which this suite never sets), so the suite
# runs casco at permissive, which refuses nothing and stays silent about
# those.  A test that checks a level says so: `casco --policy strict run ...`
# or CASCO_POLICY=... in its own environment.  The host's policy.conf is
# never read.
export CASCO_POLICY=permissive
export CASCO_POLICY_CONF=/nonexistent/casco-policy.conf

# Upper bound for one runtime command, so a hung runtime fails a test
# instead of hanging the suite.
: "${CASCO_TIMEOUT:=60}"

# ---------------------------------------------------------------- runtime

# casco ARGS... — the runtime under test with the test's private --root.
casco() {
	timeout --foreground -k 10 "$CASCO_TIMEOUT" "$CASCO" --root "$ROOT" "$@"
}

# casco_detached ARGS... — for `create` and `run -d`: the container inherits
# the runtime's stdio, so send it to $CONTAINER_LOG (a file, not bats'
# capture pipe, which `run` would wait on until the container exits).
# Prints what the runtime itself wrote; returns its status.
casco_detached() {
	local before rc=0
	before=$(stat -c %s "$CONTAINER_LOG" 2>/dev/null || echo 0)
	casco "$@" </dev/null >>"$CONTAINER_LOG" 2>&1 || rc=$?
	tail -c +"$((before + 1))" "$CONTAINER_LOG"
	return "$rc"
}

# True when the runtime under test is casco (not runc or another runtime).
is_casco() {
	"$CASCO" --version 2>/dev/null | head -n1 | grep -q '^casco version'
}

requires_casco() {
	is_casco || skip "casco-specific behaviour (CASCO=$CASCO is not casco)"
}

requires_cc() {
	command -v "${CC:-cc}" >/dev/null || skip "needs a C compiler (${CC:-cc})"
}

# requires_namespace TYPE — skip when the runtime says (via `features`)
# that it does not support that namespace; runtimes without `features` run
# the test.
requires_namespace() {
	local features
	if features=$("$CASCO" features 2>/dev/null) &&
		jq -e '.linux.namespaces | type == "array"' <<<"$features" >/dev/null 2>&1 &&
		! jq -e --arg t "$1" '.linux.namespaces | index($t)' <<<"$features" >/dev/null; then
		skip "runtime does not support $1 namespaces ($CASCO features)"
	fi
	[ -e "/proc/self/ns/$1" ] || skip "kernel has no $1 namespaces"
}

# --------------------------------------------------------------- bundles

# The template bundle is built once per bats run and copied for each test.
bundle_template() {
	local tmpl=${BATS_RUN_TMPDIR:?}/bundle-template tmp
	if [ ! -d "$tmpl" ]; then
		tmp=$(mktemp -d "$BATS_RUN_TMPDIR/bundle-build.XXXXXX")
		"$HELPERS_DIR/make-bundle.sh" "$tmp/bundle" >&2 || return 1
		mv -T "$tmp/bundle" "$tmpl" 2>/dev/null || true
		rm -rf "$tmp"
	fi
	echo "$tmpl"
}

# set_config JQ_FILTER [JQ_OPTIONS...] — edit $BUNDLE/config.json in place.
#   set_config '.process.args=["true"]'
#   set_config '.hostname=$h' --arg h myhost
set_config() {
	local filter=$1
	shift
	jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG... — process.args of the bundle.
set_args() {
	local a
	a=$(jq -cn '$ARGS.positional' --args -- "$@")
	set_config '.process.args=$a' --argjson a "$a"
}

# run_sh SCRIPT — `run` the container in the foreground with sh -c SCRIPT;
# $status is the container's exit status, $output its stdout+stderr.
run_sh() {
	set_args sh -c "$1"
	run casco run --bundle "$BUNDLE" "$ID"
}

# create_sleeper — create $ID running `sleep 1000` (status: created).
create_sleeper() {
	set_args sleep 1000
	run casco_detached create --bundle "$BUNDLE" "$ID"
	assert_success
}

# enable_userns — add a user namespace (0 -> 100000, 65536 ids).
enable_userns() {
	set_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

# drop_namespace TYPE — remove a namespace from the config.
drop_namespace() {
	set_config 'del(.linux.namespaces[] | select(.type == $t))' --arg t "$1"
}

# -------------------------------------------------------- state helpers

# container_status ID — "created", "running", "stopped"... (empty if unknown)
container_status() {
	casco state "$1" 2>/dev/null | jq -r '.status // empty' 2>/dev/null
}

# wait_for_status ID STATUS [SECONDS]
wait_for_status() {
	local id=$1 want=$2 secs=${3:-10} i got=
	for ((i = 0; i < secs * 10; i++)); do
		got=$(container_status "$id")
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	echo "container $id: status '$got', expected '$want' after ${secs}s" >&2
	return 1
}

# retry TRIES DELAY COMMAND... — until COMMAND succeeds.
retry() {
	local tries=$1 delay=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep "$delay"
	done
	return 1
}

# ------------------------------------------------------------ assertions

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

_show_output() {
	printf 'status: %s\noutput:\n%s\n' "${status:-}" "${output:-}" >&2
	if [ -n "${stderr+x}" ]; then printf 'stderr:\n%s\n' "$stderr" >&2; fi
}

assert_success() {
	[ "$status" -eq 0 ] || {
		_show_output
		fail "expected success"
	}
}

assert_failure() {
	[ "$status" -ne 0 ] || {
		_show_output
		fail "expected failure"
	}
}

assert_status() {
	[ "$status" -eq "$1" ] || {
		_show_output
		fail "expected status $1"
	}
}

# assert_output_contains SUBSTRING
assert_output_contains() {
	[[ $output == *"$1"* ]] || {
		_show_output
		fail "expected output to contain: $1"
	}
}

assert_output_not_contains() {
	[[ $output != *"$1"* ]] || {
		_show_output
		fail "expected output NOT to contain: $1"
	}
}

# assert_output_matches EXTENDED_REGEX
assert_output_matches() {
	grep -Eq -- "$1" <<<"$output" || {
		_show_output
		fail "expected output to match: $1"
	}
}

# assert_equal ACTUAL EXPECTED
assert_equal() {
	[ "$1" = "$2" ] || fail "expected: '$2'" "  actual: '$1'"
}

# ------------------------------------------------------------ leftovers

# Lines describing what still refers to $TESTDIR: mounts, processes, state.
# Empty output means clean.  $1: only consider this container id's state dir.
# Runs in a subshell from / so that its own helpers never match.
list_leftovers() (
	local id=${1:-} pid pids root cwd cmd
	cd / || return 1
	# Mounts whose source root or mount point is inside the test directory.
	awk -v d="$TESTDIR" 'index($4, d) == 1 || index($5, d) == 1 { print "mount: " $5 " (root " $4 ")" }' \
		/proc/self/mountinfo
	# Processes living in, or started with arguments naming, the test
	# directory (one find and one grep: forking per process is slow; the
	# regex has its dots bracketed so grep's own arguments do not match).
	pids=$({
		find /proc/[0-9]*/ -maxdepth 1 \( -name root -o -name cwd \) -lname "$TESTDIR*" 2>/dev/null
		grep -laE "${TESTDIR//./[.]}" /proc/[0-9]*/cmdline 2>/dev/null
	} | cut -d/ -f3 | sort -un)
	for pid in $pids; do
		# The test's own shell may have cd'ed into the bundle.
		[ "$pid" = "$$" ] || [ "$pid" = "${TEST_PID:-}" ] && continue
		root=$(readlink "/proc/$pid/root" 2>/dev/null) || continue
		cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || cmd=
		echo "process: $pid root=$root cwd=$cwd cmd=$cmd"
	done
	# State directories left in --root.
	if [ -n "$id" ]; then
		[ ! -e "$ROOT/$id" ] || echo "state: $ROOT/$id"
	elif [ -d "$ROOT" ]; then
		find "$ROOT" -mindepth 1 -maxdepth 1 -printf 'state: %p\n'
	fi
)

# assert_no_leftovers [ID] — no mount, no process referring to $TESTDIR and
# no state dir (for ID, or at all).  Processes get a few seconds to exit.
assert_no_leftovers() {
	local left i
	for ((i = 0; i < 30; i++)); do
		left=$(list_leftovers "$@")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	fail "left behind:" "$left"
}

# ---------------------------------------------------------- setup/teardown

common_setup() {
	TEST_PID=$BASHPID
	TESTDIR=$(mktemp -d /tmp/casco-test.XXXXXX)
	# Traversable, so a container in a user namespace can reach its rootfs.
	chmod 0711 "$TESTDIR"
	ROOT=$TESTDIR/state
	BUNDLE=$TESTDIR/bundle
	CONTAINER_LOG=$TESTDIR/container.log
	ID=ctr-$BATS_TEST_NUMBER
	local tmpl
	tmpl=$(bundle_template)
	cp -a "$tmpl" "$BUNDLE"
	: >"$CONTAINER_LOG"
}

# Kill by PID whatever a test left running in its directory, lazily unmount
# what it left mounted, then remove the directory without crossing into any
# remaining mount.
_force_cleanup() {
	local pid mp
	for pid in $(list_leftovers | awk '$1 == "process:" { print $2 }'); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	awk -v d="$TESTDIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mp; do umount -l "$mp" 2>/dev/null || true; done
	rm -rf --one-file-system "$TESTDIR"
}

common_teardown() {
	[ -n "${TESTDIR:-}" ] && [ -d "$TESTDIR" ] || return 0
	local id ids left
	cd / || return 1
	if [ -d "$ROOT" ]; then
		ids=$(timeout -k 5 30 "$CASCO" --root "$ROOT" list -q 2>/dev/null) || ids=
		# Fall back to the directory names if `list` itself is broken.
		ids="$ids $(find "$ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')"
		for id in $(tr ' ' '\n' <<<"$ids" | sort -u); do
			timeout -k 5 30 "$CASCO" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	left=
	assert_no_leftovers "" 2>/dev/null || left=$(list_leftovers)
	_force_cleanup
	if [ -n "$left" ]; then
		fail "teardown: the test left things behind:" "$left"
	fi
}

setup() {
	common_setup
}

teardown() {
	common_teardown
}
