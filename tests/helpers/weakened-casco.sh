#!/bin/bash
# weakened-casco.sh CASCO-ARGS... — casco with one defence removed, for
# tests/bats/lab.bats to show each lab check red without its defence.
#
#   WEAKEN_CASCO   the real casco binary
#   WEAKEN_FILTER  a jq filter applied to the bundle's config.json before
#                  every `run` or `create` (so after each edit the check
#                  makes); $bundle is the bundle's directory
#
# Those runs go at --policy permissive, so the weakened config is run, not
# refused: a check must then fail on its own evidence.  Runs with --explain
# are passed through untouched (a check's narration step stays real; its
# abuse step meets the weakened container).
set -euo pipefail
: "${WEAKEN_CASCO:?}" "${WEAKEN_FILTER:?}"

args=("$@") out=() cmd='' bundle='' explain=false
for ((i = 0; i < ${#args[@]}; i++)); do
	a=${args[i]}
	case $a in
	--policy)
		out+=(--policy "${args[i + 1]}")
		i=$((i + 1))
		continue
		;;
	--root | --log | --log-format | --cgroup-manager | --console-socket | --pid-file)
		out+=("$a" "${args[i + 1]}")
		i=$((i + 1))
		continue
		;;
	-b | --bundle)
		bundle=${args[i + 1]}
		out+=("$a" "$bundle")
		i=$((i + 1))
		continue
		;;
	--explain) explain=true ;;
	run | create) [ -z "$cmd" ] && cmd=$a ;;
	-*) ;;
	*) [ -z "$cmd" ] && cmd=$a ;;
	esac
	out+=("$a")
done

if [[ $cmd == run || $cmd == create ]] && ! $explain; then
	bundle=${bundle:-.}
	jq --arg bundle "$(cd "$bundle" && pwd)" "$WEAKEN_FILTER" "$bundle/config.json" >"$bundle/config.json.weak"
	mv "$bundle/config.json.weak" "$bundle/config.json"
	# the weakened config is run, whatever level the check asked for
	for ((i = 0; i < ${#out[@]}; i++)); do
		[ "${out[i]}" = --policy ] && out[i + 1]=permissive
	done
fi
exec "$WEAKEN_CASCO" "${out[@]}"
