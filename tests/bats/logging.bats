#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# Logging (libcontainer/log.c, src/): errors on stderr, --log and
# --log-format (text and JSON).

load helpers

# ---------------------------------------------------------------- logging

@test "log: errors are reported on stderr, not stdout" {
	run --separate-stderr casco state nosuchctr
	assert_failure
	assert_equal "$output" ""
	[[ $stderr == *"does not exist"* ]] || fail "stderr: $stderr"
}

@test "log: --log FILE receives the error message" {
	run casco --log "$TESTDIR/rt.log" state nosuchctr
	assert_failure
	grep -q "does not exist" "$TESTDIR/rt.log" || fail "log: $(cat "$TESTDIR/rt.log")"
}

@test "log: --log appends instead of truncating" {
	echo "earlier line" >"$TESTDIR/rt.log"
	run casco --log "$TESTDIR/rt.log" state nosuchctr
	assert_failure
	run casco --log "$TESTDIR/rt.log" kill nosuchctr
	assert_failure
	grep -q "earlier line" "$TESTDIR/rt.log" || fail "log was truncated"
	assert_equal "$(grep -c "does not exist" "$TESTDIR/rt.log")" 2
}

@test "log: text format is logfmt: time=\"...\" level=error msg=\"...\" with quotes escaped" {
	run casco --log "$TESTDIR/rt.log" --log-format text state nosuchctr
	assert_failure
	# The whole line is key=value pairs; a quoted value escapes its own quotes.
	grep -Eq '^time="[^"]+" level=error msg="([^"\\]|\\.)*does not exist([^"\\]|\\.)*"$' "$TESTDIR/rt.log" ||
		fail "log: $(cat "$TESTDIR/rt.log")"
}

@test "log: --log-format json writes one valid JSON object per line with level, msg, time" {
	run casco --log "$TESTDIR/rt.log" --log-format json state nosuchctr
	assert_failure
	[ -s "$TESTDIR/rt.log" ] || fail "empty log"
	local line
	while IFS= read -r line; do
		jq -e '(.level | type == "string") and (.msg | type == "string") and (.time | type == "string")' \
			<<<"$line" >/dev/null || fail "not a JSON log line: $line"
	done <"$TESTDIR/rt.log"
	jq -se 'map(select(.level == "error" and (.msg | contains("does not exist")))) | length == 1' \
		"$TESTDIR/rt.log" >/dev/null || fail "no error line: $(cat "$TESTDIR/rt.log")"
}

@test "log: the JSON time field is RFC 3339" {
	run casco --log "$TESTDIR/rt.log" --log-format json state nosuchctr
	assert_failure
	jq -se 'all(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"))' \
		"$TESTDIR/rt.log" >/dev/null || fail "log: $(cat "$TESTDIR/rt.log")"
}

@test "log: --log-format json without --log writes JSON to stderr" {
	run --separate-stderr casco --log-format json state nosuchctr
	assert_failure
	local json
	json=$(grep '^{' <<<"$stderr" | head -n1)
	jq -e '.level == "error" and (.msg | contains("does not exist"))' <<<"$json" >/dev/null ||
		fail "stderr: $stderr"
}

@test "log: an unknown --log-format is rejected" {
	run casco --log-format yaml list
	assert_failure
	# runc: "invalid log-format: yaml"
	assert_output_matches "log-format.*yaml"
}

@test "log: a failing create is logged to --log with its reason" {
	rm -rf "$BUNDLE/rootfs"
	run casco_detached --log "$TESTDIR/rt.log" --log-format json create --bundle "$BUNDLE" "$ID"
	assert_failure
	jq -se 'any(.level == "error" and (.msg | contains("rootfs")))' "$TESTDIR/rt.log" >/dev/null ||
		fail "log: $(cat "$TESTDIR/rt.log")"
	assert_no_leftovers "$ID"
}
