# bash completion for sipbox and its applets.
#
# Nothing here names an option: at completion time the function asks the
# binary (`APPLET --list-options`, lines of short, long, kind, enum values
# and help separated by tabs), so a new option or applet needs no edit.
# Works as `sipbox APPLET ...` and through a link named APPLET; needs no
# bash-completion helpers.  Installed as .../completions/sipbox with a link
# per applet, because bash-completion loads a file by command name.

# _sipbox_run WORD ARGS...: run the command the user typed (WORD, with a
# leading ~ expanded) with ARGS, stderr discarded.
_sipbox_run()
{
	local bin=$1

	shift
	[[ $bin == "~"* ]] && bin=$HOME${bin:1}
	"$bin" "$@" 2>/dev/null
}

# _sipbox_value KIND VALUES CUR: fill COMPREPLY with values for an option
# argument of KIND (VALUES: the words of an enum, word or list).
_sipbox_value()
{
	local kind=$1 vals=$2 cur=$3 i

	case $kind in
	file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	host)
		mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
		;;
	user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		;;
	iface)
		local ifs=()

		for i in /sys/class/net/*; do
			[[ -e $i ]] && ifs+=("${i##*/}")
		done
		# No sysfs (a container, another system): ask ip(8).
		((${#ifs[@]})) || mapfile -t ifs < <(ip -o link 2>/dev/null |
		    sed -n 's/^[0-9]*: *\([^:@ ]*\).*/\1/p')
		mapfile -t COMPREPLY < <(compgen -W "${ifs[*]} any" -- "$cur")
		;;
	enum | word)
		mapfile -t COMPREPLY < <(compgen -W "$vals" -- "$cur")
		;;
	list)
		# The word after the last comma; what is before it stays.
		local pre=

		[[ $cur == *,* ]] && pre=${cur%,*},
		mapfile -t COMPREPLY < <(compgen -P "$pre" -W "$vals" -- "${cur##*,}")
		compopt -o nospace 2>/dev/null
		;;
	*)
		COMPREPLY=()
		;;
	esac
}

# _sipbox_applet BIN APPLET FIRST: complete the words of APPLET, whose own
# words start at COMP_WORDS[FIRST]; BIN ARGS... --list-options lists its
# options (ARGS is APPLET when run as `sipbox APPLET`).
_sipbox_applet()
{
	local first=$1 cur prev opt line s l kind vals help i eq=1 j colon=
	local -a run=("${@:2}") table words=()

	# COMP_WORDBREAKS splits "udp:127.0.0.1" at ':' too: join it back
	# (j: where the word starts), and take the part up to its last ':'
	# off what is offered (bash replaces only what follows it)
	j=$COMP_CWORD
	cur=${COMP_WORDS[j]}
	if [[ $COMP_WORDBREAKS == *:* ]]; then
		while ((j > first)) && [[ $cur == :* || ${COMP_WORDS[j - 1]} == : ]]; do
			cur=${COMP_WORDS[j - 1]}$cur
			((j--))
		done
		[[ $cur == *:* ]] && colon=${cur%"${cur##*:}"}
	fi
	prev=
	((j > first)) && prev=${COMP_WORDS[j - 1]}
	mapfile -t table < <(_sipbox_run "${run[@]}" --list-options)

	# "--opt=value": COMP_WORDBREAKS splits it into --opt, =, value.
	if [[ $cur == = ]]; then
		opt=$prev
		cur=
	elif [[ $prev == = ]] && ((j - 2 >= first)); then
		opt=${COMP_WORDS[j - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		cur=${cur#*=}
	else
		opt=$prev
		eq=0
	fi

	# After "--" every word is an operand.
	for ((i = first; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			[[ -n $colon ]] && COMPREPLY=("${COMPREPLY[@]#"$colon"}")
			return
		fi
	done

	# The argument of an option that takes one.
	if [[ $opt == -* ]]; then
		for line in "${table[@]}"; do
			IFS=$'\t' read -r s l kind vals help <<<"$line"
			[[ $kind == flag ]] && continue
			if [[ $opt == "$l" || ($s != - && $opt == "$s") ]]; then
				# An optional argument is --long=ARG, or the
				# next word unless that starts with '-'.
				[[ $kind == *\? && $eq == 0 && $cur == -* ]] && break
				_sipbox_value "${kind%\?}" "$vals" "$cur"
				# "udp:" goes on with an address: no space
				[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *: ]] &&
				    compopt -o nospace 2>/dev/null
				[[ -n $colon ]] && COMPREPLY=("${COMPREPLY[@]#"$colon"}")
				return
			fi
		done
	fi

	if [[ $cur == -* ]]; then
		for line in "${table[@]}"; do
			IFS=$'\t' read -r s l kind vals help <<<"$line"
			[[ $s != - && $cur != --* ]] && words+=("$s")
			words+=("$l")
		done
		mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur")
		return
	fi
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	[[ -n $colon ]] && COMPREPLY=("${COMPREPLY[@]#"$colon"}")
}

_sipbox()
{
	local cmd=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}

	COMPREPLY=()
	if [[ ${cmd##*/} != sipbox ]]; then
		_sipbox_applet 1 "$cmd"
		return
	fi
	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W "--list --help --version
		    --install $(_sipbox_run "$cmd" --list)" -- "$cur")
		return
	fi
	case ${COMP_WORDS[1]} in
	-h | --help)
		((COMP_CWORD == 2)) &&
		    mapfile -t COMPREPLY < <(compgen -W "$(_sipbox_run "$cmd" --list)" -- "$cur")
		;;
	--install)
		if ((COMP_CWORD == 2)) && [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-s" -- "$cur")
		elif ((COMP_CWORD == 2)) || { ((COMP_CWORD == 3)) &&
		    [[ ${COMP_WORDS[2]} == -s ]]; }; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		fi
		;;
	-*)
		;;
	*)
		_sipbox_applet 2 "$cmd" "${COMP_WORDS[1]}"
		;;
	esac
}

complete -F _sipbox sipbox $(sipbox --list 2>/dev/null)
# Loaded by bash-completion for a link (completions/APPLET -> sipbox):
# register APPLET too, for when sipbox itself is not on PATH.
case ${BASH_SOURCE[0]##*/} in
sipbox | sipbox.bash) ;;
*) complete -F _sipbox "${BASH_SOURCE[0]##*/}" ;;
esac
