#!/usr/bin/env bats
# bats file_tags=env:host
# completions/casco.bash: commands, flags, flag values and container ids.

load helpers

setup() {
	common_setup
	requires_casco
	# shellcheck source=../../completions/casco.bash
	source "$SRCDIR/completions/casco.bash"
}

# complete_words WORD... — run the completion function as bash would for
# the command line WORD... (the last one being completed); prints COMPREPLY.
complete_words() {
	COMP_WORDS=("$CASCO" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_casco
	printf '%s\n' "${COMPREPLY[@]}"
}

@test "completion: registered for casco" {
	run complete -p casco
	assert_success
	assert_output_contains "-F _casco"
}

@test "completion: commands" {
	run complete_words ""
	assert_success
	for c in create delete exec kill list run spec start state; do
		grep -qx "$c" <<<"$output" || fail "no $c in:" "$output"
	done
	run complete_words ru
	assert_equal "$output" "run"
}

@test "completion: global and command flags" {
	run complete_words --ro
	assert_equal "$output" "--root"
	run complete_words run --ex
	assert_equal "$output" "--explain"
	run complete_words --root /tmp exec --no-new
	assert_equal "$output" "--no-new-privs"
}

@test "completion: flag values" {
	run complete_words --log-format j
	assert_equal "$output" "json"
	run complete_words list --format t
	assert_equal "$output" "table"
	mkdir "$TESTDIR/bundle-dir-for-completion"
	run complete_words run --bundle "$TESTDIR/bundle-dir-for-"
	assert_equal "$output" "$TESTDIR/bundle-dir-for-completion"
}

@test "completion: container ids from casco list -q, under --root" {
	set_args sleep 100
	casco_detached run -d --bundle "$BUNDLE" "$ID"
	run complete_words --root "$ROOT" kill ""
	assert_equal "$output" "$ID"
	run complete_words --root "$ROOT" exec --tty "${ID:0:3}"
	assert_equal "$output" "$ID"
	run complete_words --root "$ROOT" kill "$ID" KI
	assert_equal "$output" "KILL"
	casco delete --force "$ID"
}

@test "completion: every command casco --help lists, and every long flag of each command's --help" {
	local cmds cmd flag offered n=0
	cmds=$("$CASCO" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
	offered=$(complete_words "")
	for cmd in $cmds; do
		grep -qx "$cmd" <<<"$offered" || fail "command $cmd is not offered:" "$offered"
		local flags
		flags=$(complete_words "$cmd" --)
		for flag in $("$CASCO" "$cmd" --help | grep -E '^  -' | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
			grep -qx -- "$flag" <<<"$flags" || fail "casco $cmd $flag is not offered:" "$flags"
			n=$((n + 1))
		done
	done
	[ "$n" -ge 40 ] || fail "only $n flags checked"
}

@test "completion: kill offers exactly the signal names casco kill accepts, no shell pseudo-signals" {
	local offered table name
	offered=$(complete_words kill some-id "" | sort)
	for name in EXIT DEBUG ERR RETURN 'JUNK(32)'; do
		! grep -qxF -- "$name" <<<"$offered" || fail "$name offered:" "$offered"
	done
	# every name offered is one casco kill parses: the only error left is
	# the missing container, not an unknown signal
	for name in $offered; do
		run "$CASCO" --root "$TESTDIR/state" kill no-such-container "$name"
		assert_failure
		assert_output_not_contains "unknown signal"
		assert_output_contains "does not exist"
	done
	# and every name of casco's signal table is offered
	table=$(grep -oE '"SIG[A-Z0-9]+"' "$SRCDIR/libcontainer/signals.c" | tr -d '"' | sed 's/^SIG//' | sort -u)
	[ -n "$table" ] || fail "no signal table in libcontainer/signals.c"
	for name in $table; do
		grep -qxF -- "$name" <<<"$offered" || fail "$name (libcontainer/signals.c) not offered:" "$offered"
	done
	output=$(complete_words kill some-id RT | sort)
	assert_equal "$output" "$(printf 'RTMAX\nRTMIN')"
}
