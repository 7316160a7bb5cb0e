# bash completion for casco(8): commands, their flags and container ids.
# Installed as .../bash-completion/completions/casco.
#
# Commands and flags are read from `casco --help` and `casco COMMAND --help`,
# so the completion follows the binary it completes; container ids come from
# `casco [--root DIR] list -q`.

# _casco_help_flags HELP_TEXT — the flags in the options of a help text,
# one a line, each followed by " ARG" when it takes a value.
_casco_help_flags() {
	local line
	while IFS= read -r line; do
		[[ $line =~ ^\ \ (-[a-zA-Z],\ )?(--?[a-z][a-z-]*)(\ ([A-Z]))? ]] || continue
		if [[ -n ${BASH_REMATCH[1]} ]]; then
			printf '%s%s\n' "${BASH_REMATCH[1]%, }" "${BASH_REMATCH[4]:+ ARG}"
		fi
		printf '%s%s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]:+ ARG}"
	done <<<"$1"
}

# The signal names `casco kill` accepts (libcontainer/signals.c), without
# SIG; not bash's `compgen -A signal`, which adds EXIT, DEBUG, ERR, RETURN
# and JUNK(N) entries that are no signals.
_casco_signals="ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT
SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ RTMIN RTMAX"

_casco() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local bin=${COMP_WORDS[0]} root=() cmd= cmd_index=0 i w
	[[ -x $bin ]] || bin=casco
	COMPREPLY=()

	# The global flags that take a value, from `casco --help`.
	local global_help global_flags global_with_arg=()
	global_help=$("$bin" --help 2>/dev/null) || return 0
	global_flags=$(_casco_help_flags "$(sed -n '/^Global options:/,$p' <<<"$global_help")")
	while read -r w arg; do
		[[ -n $arg ]] && global_with_arg+=("$w")
	done <<<"$global_flags"

	# Find the command: the first word that is neither a global flag nor
	# the value of one.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			if [[ " ${global_with_arg[*]} " == *" $w "* ]]; then
				[[ $w == --root ]] && root=(--root "${COMP_WORDS[i + 1]}")
				((i++))
			fi
			continue
		fi
		cmd=$w
		cmd_index=$i
		break
	done

	if [[ -z $cmd ]]; then
		case $prev in
		--root) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
		--log) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
		--log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur"); return 0 ;;
		--cgroup-manager) mapfile -t COMPREPLY < <(compgen -W "cgroupfs disabled" -- "$cur"); return 0 ;;
		--policy) mapfile -t COMPREPLY < <(compgen -W "strict baseline permissive" -- "$cur"); return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(cut -d' ' -f1 <<<"$global_flags")" -- "$cur")
		else
			local commands
			commands=$(sed -n '/^Commands:/,/^$/p' <<<"$global_help" | awk 'NR > 1 && NF { print $1 }')
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		return 0
	fi

	local cmd_flags with_arg=() positional=0
	cmd_flags=$(_casco_help_flags "$("$bin" "$cmd" --help 2>/dev/null)")
	while read -r w arg; do
		[[ -n $arg ]] && with_arg+=("$w")
	done <<<"$cmd_flags"

	# A flag's value: files, directories or a fixed set.
	if [[ $prev == -* && " ${with_arg[*]} " == *" $prev "* ]]; then
		case $prev in
		-b | --bundle | --cwd) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
		-f | --format)
			if [[ $cmd == audit ]]; then
				mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -W "table json" -- "$cur")
			fi
			;;
		--policy) mapfile -t COMPREPLY < <(compgen -W "strict baseline permissive" -- "$cur") ;;
		*) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(cut -d' ' -f1 <<<"$cmd_flags")" -- "$cur")
		return 0
	fi

	# How many positional arguments come before the word being completed.
	for ((i = cmd_index + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			[[ " ${with_arg[*]} " == *" $w "* ]] && ((i++))
			continue
		fi
		((positional++))
	done

	case $cmd in
	spec | features | list | help) return 0 ;;
	audit) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
	esac
	if ((positional == 0)); then
		mapfile -t COMPREPLY < <(compgen -W "$("$bin" "${root[@]}" list -q 2>/dev/null)" -- "$cur")
	elif [[ $cmd == kill && $positional == 1 ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$_casco_signals" -- "$cur")
	elif [[ $cmd == exec && $positional == 1 ]]; then
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
	fi
	return 0
}

complete -F _casco casco
