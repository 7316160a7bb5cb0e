#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# The process's identity and environment (libcontainer/process.c, user.c):
# uid, gids, umask, env, cwd and rlimits.

load helpers

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
