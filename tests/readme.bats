# readme.bats - the examples in README.md run as written.
#
# A ```sh block right after a line `<!-- test -->` (expect exit 0) or
# `<!-- test exit=N -->` is run one command line at a time (a line ending
# in a backslash goes on), from the top of the repository, with sipbox and
# a link per applet (`sipbox --install -s`) first on PATH.  Each command
# must exit with the status the marker gives and print to standard output
# (with a non-zero status, to standard output or standard error).  Blocks
# added later are picked up the same way.
load helpers

setup() {
	# what applets keep between runs (sip-register's instance) stays here
	export XDG_STATE_HOME="$BATS_TEST_TMPDIR/state"
	BIN="$BATS_TEST_TMPDIR/bin"
	"$SIPBOX" --install -s "$BIN"
	ln -sf "$SIPBOX" "$BIN/sipbox"
}

# examples: one line per command in a marked block of README.md:
# README line number, expected exit status, command; or, for a marker not
# followed by a ```sh block, the line number, "bad" and the marker
examples() {
	awk '
	function flush() {
		if (cmd != "")
			printf "%d\t%s\t%s\n", cmdline, want, cmd
		cmd = ""
	}
	inblock && /^```$/ { flush(); inblock = 0; next }
	inblock {
		if (cmd == "") {
			if ($0 ~ /^[ \t]*(#.*)?$/)
				next
			cmdline = NR
		}
		if (sub(/\\$/, "")) {
			cmd = cmd $0
			next
		}
		cmd = cmd $0
		flush()
		next
	}
	marker {
		if ($0 == "```sh")
			inblock = 1
		else
			printf "%d\tbad\t%s\n", NR - 1, marker
		marker = ""
		next
	}
	/^<!-- test( exit=[0-9]+)? -->$/ {
		marker = $0
		want = 0
		if (match($0, /exit=[0-9]+/))
			want = substr($0, RSTART + 5, RLENGTH - 5)
		next
	}
	' "$ROOT/README.md"
}

@test "readme: the marked examples are found, each marker before a sh block" {
	local marks found

	found=$(examples)
	[ -n "$found" ]
	[[ "$found" != *$'\tbad\t'* ]]
	# No misspelt marker is passed over...
	run grep -n '<!-- *test' "$ROOT/README.md"
	run -1 grep -vE '^[0-9]+:<!-- test( exit=[0-9]+)? -->$' <<<"$output"
	# ...and the statuses the markers ask for are the ones read.
	marks=$(sed -n -e 's/^<!-- test -->$/0/p' \
	    -e 's/^<!-- test exit=\([0-9]*\) -->$/\1/p' "$ROOT/README.md" |
	    sort -u)
	[ "$(cut -f2 <<<"$found" | sort -u)" = "$marks" ]
}

@test "readme: every marked example exits as marked and prints" {
	local n want cmd bad=0 out err rc

	cd "$ROOT"
	while IFS=$'\t' read -r n want cmd; do
		if [ "$want" = bad ]; then
			echo "README.md:$n: '$cmd' is not followed by a \`\`\`sh block"
			bad=1
			continue
		fi
		out=$(PATH="$BIN:$PATH" timeout 60 bash -c "$cmd" \
		    2>"$BATS_TEST_TMPDIR/stderr" </dev/null) && rc=0 || rc=$?
		err=$(cat "$BATS_TEST_TMPDIR/stderr")
		if [ "$rc" != "$want" ]; then
			echo "README.md:$n: '$cmd' exited $rc, not $want"
			[ -z "$err" ] || echo "$err"
			bad=1
		elif [ "$want" = 0 ] && [ -z "$out" ]; then
			echo "README.md:$n: '$cmd' printed nothing"
			bad=1
		elif [ -z "$out$err" ]; then
			echo "README.md:$n: '$cmd' printed nothing at all"
			bad=1
		fi
	done < <(examples)
	[ "$bad" -eq 0 ]
}

@test "readme: the quick start's make demo shows sip-send answered by sip-serve, a ping run, sip-parse and sdp-lint, and exits 0" {
	grep -qx 'make deps && make demo' "$ROOT/README.md"
	grep -q '^demo: sipbox$' "$ROOT/Makefile"
	grep -qP '^\ttests/demo.sh$' "$ROOT/Makefile"
	cd "$ROOT"
	run -0 --separate-stderr timeout 120 tests/demo.sh
	[ "${lines[0]}" = "SIP/2.0 200 OK" ]
	[ "${lines[1]}" = "SIP/2.0 200 OK" ]
	[[ "$output" == *"5 requests sent, 5 responses received, 0.0% loss"* ]]
	[[ "$output" == *$'INVITE\tsip:bob@biloxi.example.com\t'* ]]
	[[ "$output" == *"[rtpmap-missing]"* ]]
	[[ "$output" == *"[oa-direction]"* ]]
	# each command is shown before it runs, on stderr
	[[ "$stderr" == *'$ sipbox sip-send -X MESSAGE'* ]]
}
