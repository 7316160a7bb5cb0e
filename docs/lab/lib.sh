# shellcheck shell=bash
# docs/lab/lib.sh — sourced by every docs/lab/NN-*/check.sh.
#
# A check runs the exercise the README next to it describes, as root, and
# asserts what the README says will be seen.  It prints one line per step
# and exits 0 when every assertion held, 1 on the first that did not, and 2
# (its last line saying why) when the exercise cannot run on this machine.
#
#   CASCO=path/to/casco docs/lab/01-pid-namespace/check.sh
#
# Every string a check expects is also appended to $LAB_EXPECT_LOG when that
# is set: tests/bats/lab.bats uses it to insist that each one is quoted in the
# exercise's README, so the text and the check cannot drift apart.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_SRCDIR=$(cd "$LAB_DIR/../.." && pwd)
if [ -z "${CASCO:-}" ]; then
	if [ -x "$LAB_SRCDIR/casco" ]; then CASCO=$LAB_SRCDIR/casco; else CASCO=$(command -v casco || true); fi
fi
[ -n "$CASCO" ] && [ -x "$CASCO" ] || {
	echo "lab: no casco binary: build it (make) or set CASCO=/path/to/casco"
	exit 2
}
[ "$(id -u)" = 0 ] || {
	echo "lab: the exercises run containers: run them as root"
	exit 2
}
command -v jq >/dev/null || {
	echo "lab: jq is required (apt-get install jq)"
	exit 2
}

LAB_WORK=$(mktemp -d /var/tmp/casco-lab.XXXXXX)
# searchable: a container root mapped by a user namespace must reach its rootfs
chmod 755 "$LAB_WORK"
LAB_ROOT=$LAB_WORK/state
LAB_CLEANUPS=()

lab_cleanup() {
	local id i
	for ((i = ${#LAB_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${LAB_CLEANUPS[i]}" || true; done
	for id in $("$CASCO" --root "$LAB_ROOT" list -q 2>/dev/null); do
		"$CASCO" --root "$LAB_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	rm -rf "$LAB_WORK"
}
trap lab_cleanup EXIT

# on_exit COMMAND — run COMMAND (a string) when the check ends, before the
# containers are removed.
on_exit() { LAB_CLEANUPS+=("$1"); }

# casco ARGS... — casco with the lab's private state directory.
casco() { timeout -k 5 60 "$CASCO" --root "$LAB_ROOT" "$@"; }

step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok - %s\n' "$*"; }
die() {
	printf 'FAILED: %s\n' "$@"
	exit 1
}
skip_exercise() {
	echo "skip: $*"
	exit 2
}

# bundle NAME [make-bundle.sh options] — a fresh busybox bundle in
# $LAB_WORK/NAME (read-only root, pid/net/ipc/uts/mount namespaces,
# hostname casco-test, three capabilities, no linux.seccomp); prints its path.
# With LAB_TEMPLATE (a bundle made by make-bundle.sh, as the test suite
# keeps one) the rootfs is copied from it instead of built again.
bundle() {
	local name=$1
	shift
	if [ -n "${LAB_TEMPLATE:-}" ] && [ -d "$LAB_TEMPLATE/rootfs" ]; then
		cp -a "$LAB_TEMPLATE" "$LAB_WORK/$name"
		"$LAB_SRCDIR/tests/helpers/make-bundle.sh" "$LAB_WORK/$name" --config-only "$@" >/dev/null
	else
		"$LAB_SRCDIR/tests/helpers/make-bundle.sh" "$LAB_WORK/$name" "$@" >/dev/null
	fi
	# no linux.seccomp, as the lessons describe: casco's default profile
	# then applies at baseline and strict (the test template states it).
	# Not through config(): this is the lessons' starting point, not a step.
	jq 'del(.linux.seccomp)' "$LAB_WORK/$name/config.json" >"$LAB_WORK/$name/config.json.new" &&
		mv "$LAB_WORK/$name/config.json.new" "$LAB_WORK/$name/config.json"
	echo "$LAB_WORK/$name"
}

# config BUNDLE JQ_FILTER [JQ_OPTIONS...] — edit BUNDLE/config.json.
# What the edit adds or takes away that a README must show (a mount, a
# namespace, a capability, a seccomp default action) is logged like the
# strings a check expects, so the README's config and the check's agree.
config() {
	local b=$1 filter=$2 before change
	shift 2
	before=$(cat "$b/config.json")
	jq "$@" "$filter" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
	while IFS= read -r change; do
		[ -n "$change" ] && _log_expect "$change"
	done < <(jq -rn --argjson a "$before" --slurpfile b "$b/config.json" '
		$b[0] as $b
		| ([$b.mounts[]?.destination] - [$a.mounts[]?.destination] | .[] | "\"destination\": \"\(.)\"")
		, ([$a.linux.namespaces[]?.type] - [$b.linux.namespaces[]?.type] | .[] | "{\"type\": \"\(.)\"}")
		, ([$b.process.capabilities[]?[]?] - [$a.process.capabilities[]?[]?] | unique | .[])
		, (if ($b.linux.seccomp.defaultAction // null) != ($a.linux.seccomp.defaultAction // null)
		   then "\"defaultAction\": \"\($b.linux.seccomp.defaultAction)\"" else empty end)')
}

# run_in BUNDLE SCRIPT — run the container with sh -c SCRIPT in the
# foreground; $OUT gets its stdout and stderr (and casco's), $STATUS its
# exit status.
run_in() {
	local b=$1 script=$2
	config "$b" '.process.args = ["sh", "-c", $s]' --arg s "$script"
	STATUS=0
	OUT=$(casco run --bundle "$b" "lab-$$-$RANDOM" </dev/null 2>&1) || STATUS=$?
	printf '%s\n' "$OUT" | sed 's/^/   | /'
}

# casco_supports_policy — this casco has operator policy levels (--policy).
casco_supports_policy() { "$CASCO" --help 2>/dev/null | grep -q -- '--policy'; }

# casco_at LEVEL ARGS... — casco under the operator policy LEVEL (strict,
# baseline, permissive).  A casco without policy levels runs as is.
# Each level a check runs a container at is logged as `--policy LEVEL`: the
# README's commands must say it, since a student's casco defaults to strict.
casco_at() {
	local level=$1
	shift
	_log_expect "--policy $level"
	if casco_supports_policy; then casco --policy "$level" "$@"; else casco "$@"; fi
}

# run_at LEVEL BUNDLE SCRIPT — run_in under the operator policy LEVEL.
run_at() {
	local level=$1 b=$2 script=$3
	config "$b" '.process.args = ["sh", "-c", $s]' --arg s "$script"
	STATUS=0
	OUT=$(casco_at "$level" run --bundle "$b" "lab-$$-$RANDOM" </dev/null 2>&1) || STATUS=$?
	printf '%s\n' "$OUT" | sed 's/^/   | /'
}

# explain_at LEVEL BUNDLE — run the bundle's process with --explain; $OUT
# gets the narration (and the process's output).
explain_at() {
	STATUS=0
	OUT=$(casco_at "$1" run --explain --bundle "$2" "lab-$$-$RANDOM" </dev/null 2>&1) || STATUS=$?
}

# run_casco ARGS... — any casco command; $OUT and $STATUS as for run_in.
run_casco() {
	STATUS=0
	OUT=$(casco "$@" </dev/null 2>&1) || STATUS=$?
	printf '%s\n' "$OUT" | sed 's/^/   | /'
}

_log_expect() {
	if [ -n "${LAB_EXPECT_LOG:-}" ]; then printf '%s\n' "$1" >>"$LAB_EXPECT_LOG"; fi
}

# see TEXT — the last output contains TEXT.
see() {
	_log_expect "$1"
	[[ $OUT == *"$1"* ]] || die "expected to see: $1" "output was:" "$OUT"
	ok "seen: $1"
}

# see_line TEXT — the last output has TEXT as a whole line ("my pid is 1"
# must not be found in "my pid is 14883").
see_line() {
	_log_expect "$1"
	grep -qxF -- "$1" <<<"$OUT" || die "expected to see the line: $1" "output was:" "$OUT"
	ok "seen: $1"
}

# not_see TEXT — the last output does not contain TEXT.
not_see() {
	_log_expect "$1"
	[[ $OUT != *"$1"* ]] || die "expected NOT to see: $1" "output was:" "$OUT"
	ok "not seen: $1"
}

# see_value TEXT, not_see_value TEXT — the same for a value of this run
# (a pid, an id) that the README cannot quote.
see_value() {
	[[ $OUT == *"$1"* ]] || die "expected to see: $1" "output was:" "$OUT"
	ok "seen: $1"
}
not_see_value() {
	[[ $OUT != *"$1"* ]] || die "expected NOT to see: $1" "output was:" "$OUT"
	ok "not seen: $1"
}

# status_is N — the last command exited with N.
status_is() {
	[ "$STATUS" -eq "$1" ] || die "expected exit status $1, got $STATUS" "output was:" "$OUT"
	ok "exit status $1"
}

# audit_finds BUNDLE RULE_ID — `casco audit` reports RULE_ID for the bundle,
# at the level a student's casco has by default (strict), whatever
# CASCO_POLICY the caller has set; $OUT holds the report.
audit_finds() {
	_log_expect "$2"
	if ! casco_supports_policy; then
		ok "(this casco has no policy levels yet: not checking $2)"
		return 0
	fi
	run_casco --policy strict audit --bundle "$1"
	[[ $OUT == *"$2"* ]] || die "expected casco audit to report $2" "output was:" "$OUT"
	ok "casco audit reports $2"
}

# refused_at LEVEL BUNDLE RULE_ID — under the operator policy LEVEL
# `casco run` refuses the bundle, naming RULE_ID, before anything runs.
refused_at() {
	_log_expect "$3"
	if ! casco_supports_policy; then
		ok "(this casco has no policy levels yet: not checking $3)"
		return 0
	fi
	config "$2" '.process.args = ["true"]'
	STATUS=0
	OUT=$(casco --policy "$1" run --bundle "$2" "lab-refused-$$" </dev/null 2>&1) || STATUS=$?
	printf '%s\n' "$OUT" | sed 's/^/   | /'
	[ "$STATUS" -ne 0 ] && [[ $OUT == *"$3"* ]] || die "expected casco --policy $1 to refuse the config naming $3"
	ok "refused at policy level $1: $3"
}

# cc_static OUT SOURCE — compile a small static program for the rootfs.
cc_static() {
	command -v "${CC:-cc}" >/dev/null || skip_exercise "needs a C compiler (apt-get install build-essential)"
	"${CC:-cc}" -static -O2 -o "$1" "$2" 2>"$LAB_WORK/cc.log" ||
		skip_exercise "cannot build a static program: $(tail -1 "$LAB_WORK/cc.log")"
}
