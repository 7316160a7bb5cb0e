#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# The CLI's informational flags (src/main.c): --version, -v, --help and
# COMMAND --help.

load helpers

@test "version: --version prints a spec: line and exits 0" {
	run "$CASCO" --version
	assert_success
	assert_output_matches '^spec: [0-9]+\.[0-9]+\.[0-9]+'
}

@test "version: -v is the same as --version" {
	run "$CASCO" --version
	local long=$output
	run "$CASCO" -v
	assert_success
	assert_equal "$output" "$long"
}

@test "version: casco prints 'casco version X.Y.Z' first" {
	requires_casco
	run "$CASCO" --version
	assert_success
	assert_equal "$(head -n1 <<<"$output" | grep -Ec '^casco version [0-9]+\.[0-9]+\.[0-9]+$')" 1
}

@test "version: casco implements runtime-spec 1.2.x" {
	requires_casco
	run "$CASCO" --version
	assert_success
	assert_output_matches '^spec: 1\.2\.[0-9]+$'
}

@test "help: --help exits 0 and lists the lifecycle commands" {
	run "$CASCO" --help
	assert_success
	local c
	for c in create start run state list kill delete spec; do
		assert_output_matches "^ +$c([ ,]|$)"
	done
	assert_output_contains "--root"
	assert_output_contains "--log-format"
}

@test "help: 'COMMAND --help' describes that command's flags" {
	run "$CASCO" create --help
	assert_success
	assert_output_contains "--bundle"
	assert_output_contains "--console-socket"
	assert_output_contains "--pid-file"
	assert_output_contains "--preserve-fds"
}

@test "help: the help command works like --help" {
	run "$CASCO" help
	assert_success
	assert_output_matches '^ +create([ ,]|$)'
}

@test "help: kill --help names the default signal" {
	run "$CASCO" kill --help
	assert_success
	assert_output_contains SIGTERM
}
