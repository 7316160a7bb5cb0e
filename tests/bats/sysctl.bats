#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # single quotes are scripts for the container or jq; bats sets $stderr
# bats file_tags=env:host
# linux.sysctl: values written inside the container's own namespaces only.

load helpers

@test "sysctl: net.ipv4.ip_forward is set inside the container's own netns only" {
	local host_before
	host_before=$(cat /proc/sys/net/ipv4/ip_forward)
	local want=$((1 - host_before))
	set_config '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$want"
	run_sh 'cat /proc/sys/net/ipv4/ip_forward'
	assert_success
	assert_equal "$output" "$want"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_before"
}
