# docs.bats - the man pages, the shell completions, the README and the
# installed tree agree with the binary.  Every check loops over
# `sipbox --list`, so an applet added later is held to the same rules:
# it needs man/APPLET.1 (.Nd = its summary in cmd/applets.def, every
# option of --help, an EXIT STATUS with the statuses its --help names), a line in
# man/sipbox.1 and in the README's applet table, and its name on the
# #compdef line of completions/_sipbox.
load helpers

setup() {
	applet_links
	COMP="$ROOT/completions"
}

# applets: the applet names, one per line
applets() {
	"$SIPBOX" --list
}

# summary APPLET: its summary line in cmd/applets.def
summary() {
	sed -n "s/^APPLET(\"$1\",[^\"]*\"\\(.*\\)\")\$/\\1/p" "$ROOT/cmd/applets.def"
}

# help_opts APPLET: every -x and --long that `APPLET --help` shows
help_opts() {
	"$SIPBOX" "$1" --help | awk '
	    /^  -[^ -], --|^      --[^ ]/ {
		sub(/^ +/, "")
		split($0, left, "  ")
		n = split(left[1], t, ", ")
		for (i = 1; i <= n; i++) {
			sub(/[=[].*/, "", t[i])
			print t[i]
		}
	    }'
}

# listed_opts APPLET: every -x and --long that `APPLET --list-options` lists
listed_opts() {
	"$SIPBOX" "$1" --list-options | awk -F '\t' '
	    $1 != "-" { print $1 }
	    { print $2 }'
}

# exit_codes: the SIP_EXIT_* values in lib/base/err.h, sorted, one per line
exit_codes() {
	sed -n 's/^#define[ 	]*SIP_EXIT_[A-Z0-9_]*[ 	]*\([0-9][0-9]*\).*/\1/p' \
	    "$ROOT/lib/base/err.h" | sort -n
}

# bash_complete WORD...: what completions/sipbox.bash offers when the
# cursor is at the end of the last WORD
bash_complete() {
	bash -c 'source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_sipbox
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
	    _ "$COMP/sipbox.bash" "$@"
}

# zsh_complete LINE: what completions/_sipbox offers for LINE, found by
# typing LINE and TAB into an interactive zsh (tests/zcomplete.zsh)
zsh_complete() {
	local out="$BATS_TEST_TMPDIR/zsh.out"

	ZC_DUMP="$BATS_TEST_TMPDIR/zcompdump.$(cksum <<<"$COMP" | cut -d' ' -f1)" \
	    zsh -f "$TESTS_DIR/zcomplete.zsh" "$COMP" "$out" "$1" || {
		echo "zsh completion of '$1' did not finish" >&2
		return 1
	}
	grep -vx -e '' -e '--done--' "$out" || true
}

# fish_complete LINE: what completions/sipbox.fish offers for LINE
fish_complete() {
	fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' \
	    "$COMP/sipbox.fish" "$1" | cut -f1
}

# missing WHAT WANTED GOT: print "WHAT lacks X" for each line of WANTED
# that is not a line of GOT; fails if there was any
missing() {
	local what=$1 x bad=0

	while IFS= read -r x; do
		[ -n "$x" ] || continue
		echo "$what lacks '$x'"
		bad=1
	done < <(grep -vxF -f <(printf '%s\n' "$3") <<<"$2")
	return $bad
}

@test "docs: every applet has a man page whose .Nd is its cmd/applets.def summary" {
	local a bad=0

	for a in $(applets); do
		if [ ! -f "$ROOT/man/$a.1" ]; then
			echo "man/$a.1 is missing"
			bad=1
			continue
		fi
		if [ "$(sed -n 's/^\.Nd //p' "$ROOT/man/$a.1")" != "$(summary "$a")" ]; then
			echo "man/$a.1: .Nd is not '$(summary "$a")'"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "docs: --help and --list-options show the same options" {
	local a

	for a in $(applets); do
		[ -n "$(help_opts "$a")" ]
		diff -u <(help_opts "$a" | sort) <(listed_opts "$a" | sort)
	done
}

@test "docs: every option in APPLET --help is marked up in man/APPLET.1" {
	local a o bad=0

	for a in $(applets); do
		for o in $(help_opts "$a"); do
			if ! grep -qE -- "(^|[ ])Fl ${o#-}( |\$)" "$ROOT/man/$a.1"; then
				echo "man/$a.1 lacks '.Fl ${o#-}' for $o"
				bad=1
			fi
		done
	done
	[ "$bad" -eq 0 ]
}

@test "docs: every man page is clean under mandoc -Tlint -Wwarning" {
	need mandoc
	run -0 mandoc -Tlint -Wwarning "$ROOT"/man/*.1
	[ -z "$output" ]
}

@test "docs: every man page renders with man -l without a groff warning" {
	local f out bad=0

	need man
	need groff
	for f in "$ROOT"/man/*.1; do
		out=$(MANWIDTH=80 man -l "$f" 2>&1 >/dev/null)
		if [ -n "$out" ]; then
			printf '%s:\n%s\n' "${f##*/}" "$out"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

# man_exit_codes PAGE: the statuses PAGE's EXIT STATUS lists, one per line
man_exit_codes() {
	sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$1" |
	    sed -n 's/^\.It //p' | tr -c '0-9\n' ' ' | tr ' ' '\n' |
	    grep -x '[0-9][0-9]*' | sort -nu
}

@test "docs: sipbox(1)'s EXIT STATUS lists every SIP_EXIT_* value, each applet's page the ones its --help names" {
	local a bad=0

	[ "$(exit_codes | wc -l)" -ge 10 ]
	diff -u <(exit_codes) <(man_exit_codes "$ROOT/man/sipbox.1") || bad=1
	for a in $(applets); do
		if ! grep -qx '\.Sh EXIT STATUS' "$ROOT/man/$a.1"; then
			echo "$a.1 has no EXIT STATUS section"
			bad=1
			continue
		fi
		diff -u --label "$a --help" --label "man/$a.1" \
		    <(help_exit_codes "$SIPBOX" "$a") \
		    <(man_exit_codes "$ROOT/man/$a.1") || bad=1
	done
	[ "$bad" -eq 0 ]
}

# help_exit_codes CMD...: the statuses the "Exit status:" lines of
# CMD... --help name, ranges such as 3-6 expanded, one per line
help_exit_codes() {
	"$@" --help | sed -n '/^Exit status:/,$p' |
	    grep -oE '(^|[ ,])[0-9]+(-[0-9]+)?( |,|$)' | tr -d ' ,' |
	    while IFS=- read -r lo hi; do
		seq "$lo" "${hi:-$lo}"
	    done | sort -nu
}

@test "docs: sipbox --help names every exit status, and no applet's --help a status it cannot end with" {
	local bad=0

	missing "sipbox --help" "$(exit_codes)" "$(help_exit_codes "$SIPBOX")" || bad=1
	# Only sip-send sends requests: 3-7 are its own.
	for a in sip-parse sdp-lint sip-serve; do
		if help_exit_codes "$SIPBOX" "$a" | grep -qx '[3-7]'; then
			echo "$a --help names a status of 3 to 7"
			bad=1
		fi
		missing "$a --help" "$(printf '%s\n' 0 1 2 9)" \
		    "$(help_exit_codes "$SIPBOX" "$a")" || bad=1
	done
	missing "sip-send --help" "$(exit_codes)" \
	    "$(help_exit_codes "$SIPBOX" sip-send)" || bad=1
	[ "$bad" -eq 0 ]
}

@test "docs: the README exit table is the one in lib/base/err.h" {
	local rows

	rows=$(sed -n '/^## Exit status/,/^## /p' "$ROOT/README.md" |
	    sed -n 's/^| \([0-9][0-9, ]*\) |.*/\1/p' | tr -c '0-9\n' '\n' |
	    grep -x '[0-9][0-9]*' | sort -n)
	[ -n "$rows" ]
	diff -u <(exit_codes) <(printf '%s\n' "$rows")
}

@test "docs: the README's applet table lists every applet with its summary" {
	local a bad=0

	for a in $(applets); do
		if ! grep -qxF -- "| \`$a\` | $(summary "$a") |" "$ROOT/README.md"; then
			echo "README.md: no row '| \`$a\` | $(summary "$a") |'"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "docs: sipbox(1) describes every applet and refers to its page" {
	local a s bad=0 m="$ROOT/man/sipbox.1"

	for a in $(applets); do
		s=$(sed -n "/^\\.It Xr $a 1\$/{n;p;}" "$m")
		if [ "$s" != "$(summary "$a")" ]; then
			echo "sipbox.1: no '.It Xr $a 1' followed by '$(summary "$a")'"
			bad=1
		fi
		if ! sed -n '/^\.Sh SEE ALSO/,/^\.Sh /p' "$m" |
		    grep -qE "^\\.Xr $a 1( ,)?\$"; then
			echo "sipbox.1: SEE ALSO lacks '.Xr $a 1'"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "completions: _sipbox's #compdef line names sipbox and every applet" {
	local line

	line=" $(sed -n '1s/^#compdef //p' "$COMP/_sipbox") "
	missing "completions/_sipbox #compdef" "$(echo sipbox; applets)" \
	    "$(tr ' ' '\n' <<<"$line")"
}

@test "completions: bash offers every option of every applet, as APPLET and as sipbox APPLET" {
	local a bad=0

	for a in $(applets); do
		missing "bash: $a -" "$(help_opts "$a")" "$(bash_complete "$a" -)" || bad=1
		missing "bash: sipbox $a -" "$(help_opts "$a")" \
		    "$(bash_complete sipbox "$a" -)" || bad=1
		missing "bash: $a --" "$(help_opts "$a" | grep -- '^--')" \
		    "$(bash_complete "$a" --)" || bad=1
	done
	[ "$bad" -eq 0 ]
}

@test "completions: bash registers sipbox and every applet name" {
	run -0 bash -c 'source "$1" && complete -p' _ "$COMP/sipbox.bash"
	for a in sipbox $(applets); do
		[[ "$output" == *"complete -F _sipbox $a"* ]]
	done
}

@test "completions: zsh offers every option of every applet, as APPLET and as sipbox APPLET" {
	local a bad=0

	need zsh
	for a in $(applets); do
		missing "zsh: $a -" "$(help_opts "$a")" "$(zsh_complete "$a -")" || bad=1
		missing "zsh: sipbox $a -" "$(help_opts "$a")" \
		    "$(zsh_complete "sipbox $a -")" || bad=1
	done
	[ "$bad" -eq 0 ]
}

@test "completions: fish offers every option of every applet, as APPLET and as sipbox APPLET" {
	local a bad=0

	need fish
	for a in $(applets); do
		missing "fish: $a -" "$(help_opts "$a")" "$(fish_complete "$a -")" || bad=1
		missing "fish: sipbox $a -" "$(help_opts "$a")" \
		    "$(fish_complete "sipbox $a -")" || bad=1
	done
	[ "$bad" -eq 0 ]
}

@test "completions: sipbox's first word is an applet or --list, --help, --version, --install" {
	local want

	want=$(printf '%s\n' --list --help --version --install; applets)
	missing "bash: sipbox" "$want" "$(bash_complete sipbox '')"
	missing "bash: sipbox --help" "$(applets)" "$(bash_complete sipbox --help '')"
	if command -v zsh >/dev/null; then
		missing "zsh: sipbox -" "$(printf '%s\n' --list --help --version --install)" \
		    "$(zsh_complete 'sipbox -')"
		missing "zsh: sipbox" "$(applets)" "$(zsh_complete 'sipbox ')"
	fi
	if command -v fish >/dev/null; then
		missing "fish: sipbox -" "$(printf '%s\n' --list --help --version --install)" \
		    "$(fish_complete 'sipbox -')"
		missing "fish: sipbox" "$(applets)" "$(fish_complete 'sipbox ')"
	fi
}

# A stand-in sipbox with one applet, sip-kinds, that has an option of
# every kind --list-options can report.
fake_sipbox() {
	local d="$BATS_TEST_TMPDIR/fake"

	mkdir -p "$d" "$BATS_TEST_TMPDIR/work/subdir"
	touch "$BATS_TEST_TMPDIR/work/file.txt"
	cat >"$d/sipbox" <<-'EOF'
	#!/bin/sh
	[ "${0##*/}" = sipbox ] && [ "$1" = --list ] && { echo sip-kinds; exit 0; }
	[ "${0##*/}" = sipbox ] && shift
	[ "$1" = --list-options ] || exit 2
	printf '%s\t%s\t%s\t%s\t%s\n' \
	    -F --file file '' 'a file' \
	    - --dir dir '' 'a directory' \
	    - --host host '' 'a host' \
	    - --iface iface '' 'an interface' \
	    -T --transport enum 'udp tcp tls' 'a transport' \
	    - --name arg '' 'free text' \
	    - --maybe 'arg?' '' 'an optional argument' \
	    -q --quiet flag '' 'say less'
	EOF
	chmod +x "$d/sipbox"
	ln -sf sipbox "$d/sip-kinds"
	PATH="$d:$PATH"
	cd "$BATS_TEST_TMPDIR/work"
}

@test "completions: bash offers values by kind: enum, file, dir, host, iface, optional" {
	fake_sipbox
	printf '127.0.0.1 sipbox-test-host\n' >"$BATS_TEST_TMPDIR/hosts"
	export HOSTFILE="$BATS_TEST_TMPDIR/hosts"
	[ "$(bash_complete sip-kinds --transport '' | sort | tr '\n' ' ')" = "tcp tls udp " ]
	[ "$(bash_complete sip-kinds -T u)" = udp ]
	[ "$(bash_complete sip-kinds --transport = t | sort | tr '\n' ' ')" = "tcp tls " ]
	[ "$(bash_complete sipbox sip-kinds --transport tl)" = tls ]
	[ "$(bash_complete sip-kinds --dir '')" = subdir ]
	[ "$(bash_complete sip-kinds -F '' | sort | tr '\n' ' ')" = "file.txt subdir " ]
	[ "$(bash_complete sip-kinds --host sipbox-t)" = sipbox-test-host ]
	[ -z "$(bash_complete sip-kinds --name '')" ]
	# an optional argument is also the next word, unless that starts with -
	[ -z "$(bash_complete sip-kinds --maybe fi)" ]
	[ -z "$(bash_complete sip-kinds --maybe = fi)" ]
	bash_complete sip-kinds --maybe --q | grep -qx -- --quiet
	[ "$(bash_complete sip-kinds fi)" = file.txt ]
	[ "$(bash_complete sip-kinds -- -)" = "" ]
	if [ -e /sys/class/net/lo ]; then
		bash_complete sip-kinds --iface '' | grep -qx lo
	fi
}

@test "completions: zsh offers values by kind: enum, file, dir, optional" {
	need zsh
	fake_sipbox
	# zsh loads _sipbox only for the names on its #compdef line.
	[ "$(zsh_complete 'sipbox sip-kinds --transport ' | sort | tr '\n' ' ')" = "tcp tls udp " ]
	[ "$(zsh_complete 'sipbox sip-kinds -T ' | sort | tr '\n' ' ')" = "tcp tls udp " ]
	[ "$(zsh_complete 'sipbox sip-kinds --dir ' | sort -u)" = subdir ]
	zsh_complete 'sipbox sip-kinds --file ' | grep -qx file.txt
	[ -z "$(zsh_complete 'sipbox sip-kinds --name fi')" ]
	[ -z "$(zsh_complete 'sipbox sip-kinds --maybe fi')" ]
}

@test "completions: fish offers values by kind: enum, file, dir, optional" {
	need fish
	fake_sipbox
	[ "$(fish_complete 'sip-kinds --transport ' | sort | tr '\n' ' ')" = "tcp tls udp " ]
	[ "$(fish_complete 'sipbox sip-kinds -T' | sort | tr '\n' ' ')" = "-Ttcp -Ttls -Tudp " ]
	[ "$(fish_complete 'sip-kinds --dir ')" = subdir/ ]
	fish_complete 'sip-kinds --file ' | grep -qx file.txt
	[ -z "$(fish_complete 'sip-kinds --name ')" ]
	[ -z "$(fish_complete 'sip-kinds --maybe fi')" ]
}

@test "install: make install puts the binary, links, man pages and completions in place, and uninstall removes them" {
	local src="$BATS_TEST_TMPDIR/src" d="$BATS_TEST_TMPDIR/stage" a links p

	# A copy of what install reads, so a nested make can never rebuild or
	# touch the tree under test; -o sipbox: use the binary as it is.
	mkdir -p "$src/cmd"
	cp -p "$ROOT/Makefile" "$src/"
	cp -p "$ROOT/cmd/applets.def" "$src/cmd/"
	cp -pR "$ROOT/man" "$ROOT/completions" "$src/"
	cp -p "$SIPBOX" "$src/sipbox"
	run -0 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -C "$src" -o sipbox install DESTDIR="$d" PREFIX=/usr
	[ -x "$d/usr/bin/sipbox" ]
	[ -f "$d/usr/share/man/man1/sipbox.1" ]
	[ -f "$d/usr/share/bash-completion/completions/sipbox" ]
	[ -f "$d/usr/share/zsh/vendor-completions/_sipbox" ]
	[ -f "$d/usr/share/fish/vendor_completions.d/sipbox.fish" ]
	for a in $(applets); do
		[ "$(readlink "$d/usr/bin/$a")" = sipbox ]
		[ -f "$d/usr/share/man/man1/$a.1" ]
		[ -e "$d/usr/share/bash-completion/completions/$a" ]
		[ -e "$d/usr/share/fish/vendor_completions.d/$a.fish" ]
	done
	# The installed link runs its applet.
	run -0 "$d/usr/bin/sip-parse" -f method,cseq "$(fixture msg/invite.sip)"
	[ "$output" = "$("$SIPBOX" sip-parse -f method,cseq "$(fixture msg/invite.sip)")" ]
	[[ "$output" == INVITE* ]]
	# The shells load the installed completions by command name, and they
	# work for the links alone, with sipbox itself not on PATH.
	links="$BATS_TEST_TMPDIR/links"
	"$SIPBOX" --install -s "$links"
	p="$links:/usr/bin:/bin"
	for a in $(applets); do
		missing "installed bash: $a -" "$(help_opts "$a")" "$(env PATH="$p" \
		    bash -c 'source "$1"; complete -p "$2" >/dev/null || exit 1
			COMP_WORDS=("$2" -); COMP_CWORD=1; _sipbox
			printf "%s\n" "${COMPREPLY[@]}"' _ \
		    "$d/usr/share/bash-completion/completions/$a" "$a")"
		if command -v fish >/dev/null; then
			missing "installed fish: $a -" "$(help_opts "$a")" \
			    "$(env PATH="$p" fish --no-config -c \
			    'set -p fish_complete_path $argv[1]; complete -C "$argv[2] -"' \
			    "$d/usr/share/fish/vendor_completions.d" "$a" | cut -f1)"
		fi
		if command -v zsh >/dev/null; then
			missing "installed zsh: $a -" "$(help_opts "$a")" \
			    "$(COMP="$d/usr/share/zsh/vendor-completions" PATH="$p" \
			    zsh_complete "$a -")"
		fi
	done
	run -0 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -C "$src" -o sipbox uninstall DESTDIR="$d" PREFIX=/usr
	run -0 find "$d" ! -type d
	[ -z "$output" ]
}

@test "docs: a short option letter means the same long option in every applet" {
	local a line bad=0
	declare -A seen where

	for a in $(applets); do
		while IFS=$'\t' read -r s l _; do
			[ "$s" != - ] || continue
			if [ -n "${seen[$s]:-}" ] && [ "${seen[$s]}" != "$l" ]; then
				echo "$s is ${seen[$s]} in ${where[$s]} but $l in $a"
				bad=1
			fi
			seen[$s]=$l where[$s]=$a
		done < <("$SIPBOX" "$a" --list-options)
	done
	[ "$bad" -eq 0 ]
}

@test "docs: --method is -X in every applet that has it" {
	local a bad=0

	for a in $(applets); do
		"$SIPBOX" "$a" --list-options | awk -F '\t' -v a="$a" '
		    $2 == "--method" && $1 != "-X" { print a ": --method is " $1; bad = 1 }
		    END { exit bad }' || bad=1
	done
	[ "$bad" -eq 0 ]
}

@test "completions: bash offers methods for -X, fields for -f (after a comma too), check IDs for -W, interfaces for -i, transports for -t" {
	[ "$(bash_complete sip-send -X MES)" = MESSAGE ]
	[ "$(bash_complete sipbox sip-parse --method IN | sort | tr '\n' ' ')" = "INFO INVITE " ]
	bash_complete sip-parse -f '' | grep -qx call_id
	[ "$(bash_complete sip-parse -f method,body_l)" = method,body_length ]
	[ "$(bash_complete sdp-lint -W rtpmap-m)" = rtpmap-missing ]
	bash_complete sdp-lint -W no-rtpmap | grep -qx no-rtpmap-missing
	bash_complete sdp-lint -W '' | grep -qx all
	[ "$(bash_complete sip-send -t '' | sort | tr '\n' ' ')" = "sctp tcp tls udp ws wss " ]
	if [ -e /sys/class/net/lo ]; then
		bash_complete sip-parse -i '' | grep -qx lo
	fi
}

@test "completions: zsh offers methods for -X, fields for -f (after a comma too), check IDs for -W, transports for -t" {
	need zsh
	zsh_complete 'sip-send -X ' | grep -qx MESSAGE
	zsh_complete 'sip-parse -f ' | grep -qx call_id
	zsh_complete 'sip-parse -f method,' | grep -qx body_length
	zsh_complete 'sdp-lint -W ' | grep -qx rtpmap-missing
	[ "$(zsh_complete 'sip-send -t ' | sort | tr '\n' ' ')" = "sctp tcp tls udp ws wss " ]
}

@test "completions: fish offers methods for -X, fields for -f (after a comma too), check IDs for -W, interfaces for -i, transports for -t" {
	need fish
	fish_complete 'sip-send -X ' | grep -qx MESSAGE
	fish_complete 'sip-parse -f ' | grep -qx call_id
	fish_complete 'sip-parse -f method,body_l' | grep -qx method,body_length
	fish_complete 'sdp-lint -W ' | grep -qx rtpmap-missing
	[ "$(fish_complete 'sip-send -t ' | sort | tr '\n' ' ')" = "sctp tcp tls udp ws wss " ]
	if [ -e /sys/class/net/lo ]; then
		fish_complete 'sip-parse -i ' | grep -qx lo
	fi
}

@test "completions: sip-send's -T offers content types, --expect codes and classes, --resolver and --local host names, in bash, zsh and fish" {
	printf '127.0.0.1 sipbox-test-host\n' >"$BATS_TEST_TMPDIR/hosts"
	[ "$(HOSTFILE="$BATS_TEST_TMPDIR/hosts" bash_complete sip-send --resolver sipbox-t)" = sipbox-test-host ]
	[ "$(HOSTFILE="$BATS_TEST_TMPDIR/hosts" bash_complete sip-register --local sipbox-t)" = sipbox-test-host ]
	[ "$(bash_complete sip-send -T application/s | sort | tr '\n' ' ')" = "application/sdp application/simple-message-summary " ]
	[ "$(bash_complete sip-send --expect 4)" = 4xx ]
	if command -v zsh >/dev/null; then
		zsh_complete 'sip-send -T ' | grep -qx application/sdp
		zsh_complete 'sip-send --expect ' | grep -qx 2xx
	fi
	if command -v fish >/dev/null; then
		fish_complete 'sip-send -T ' | grep -qx application/sdp
		fish_complete 'sip-send --expect ' | grep -qx 2xx
	fi
}

@test "completions: sip-parse's -Z offers user names, -s response classes, -H header names, in bash, zsh and fish" {
	bash_complete sip-parse -Z roo | grep -qx root
	[ "$(bash_complete sip-parse -s 4)" = 4xx ]
	[ "$(bash_complete sip-parse -H CSe)" = CSeq ]
	if command -v zsh >/dev/null; then
		zsh_complete 'sip-parse -Z ' | grep -qx root
		zsh_complete 'sip-parse -s ' | grep -qx 4xx
		zsh_complete 'sip-parse -H ' | grep -qx Call-ID
	fi
	if command -v fish >/dev/null; then
		fish_complete 'sip-parse -Z roo' | grep -qx root
		fish_complete 'sip-parse -s ' | grep -qx 4xx
		fish_complete 'sip-parse -H ' | grep -qx Call-ID
	fi
}

@test "completions: sip-serve's -l offers the transports, and bash's split at ':' is joined back" {
	[ "$(bash_complete sip-serve -l u)" = udp: ]
	[ "$(bash_complete sip-serve --listen = w | sort | tr '\n' ' ')" = "ws: wss: " ]
	# "tls:" typed: bash splits it into tls and ':'; the offer is what follows
	[ "$(bash_complete sip-serve -l ws :)" = "" ]
	[ "$(bash_complete sipbox sip-serve -l w)" = "$(printf 'ws:\nwss:')" ]
	# a file name with ':' in it completes after its ':'
	touch "$BATS_TEST_TMPDIR/a:bc.pcap"
	(cd "$BATS_TEST_TMPDIR" && [ "$(bash_complete sip-parse a : b)" = bc.pcap ])
	if command -v zsh >/dev/null; then
		zsh_complete 'sip-serve -l ' | grep -qx udp:
	fi
	if command -v fish >/dev/null; then
		fish_complete 'sip-serve -l ' | grep -qx udp:
	fi
}

@test "docs: every field of sip-parse -f is in sip-parse(1), every field of sip-send -w in sip-send(1)" {
	local f bad=0

	for f in $("$SIPBOX" sip-parse --list-options | awk -F '\t' '$2 == "--fields" { print $4 }'); do
		grep -qE "^\\.Cm ([^ ]+ , )*${f//./\\.}( ,|\$| ;)" "$ROOT/man/sip-parse.1" ||
		    { echo "sip-parse.1 lacks the field $f"; bad=1; }
	done
	run -2 "$SIPBOX" sip-send -w '%{no-such-field}' sip:127.0.0.1
	for f in $(sed -n 's/.*the fields are \(.*\)$/\1/p' <<<"$output" | tr -d ','); do
		grep -qE "^\\.Cm ([^ ]+ , )*(%\\{ )?${f//./\\.}( ,|\$| ;)" "$ROOT/man/sip-send.1" ||
		    { echo "sip-send.1 lacks the field $f"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}
