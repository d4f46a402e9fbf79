load helpers

# The line editor on the loop (lib/base/lineedit.c), through tests/helper/le-demo:
# a timer prints "tick N" every INTERVAL ms above the prompt while lines are
# read, and each line comes back as "line: [TEXT]".

DEMO="$TESTS_DIR/helper/le-demo"

# tmux on a private socket, so concurrent runs never meet
tm() {
	tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

# screen: the pane's non-empty lines
screen() {
	tm capture-pane -p -t le | sed '/^[[:space:]]*$/d'
}

# screen_has REGEX: the pane shows a line matching REGEX (grep -E)
screen_has() {
	screen | grep -Eq "$1"
}

# last_tick: the highest tick number on the screen, 0 for none
last_tick() {
	screen | sed -n 's/^tick \([0-9][0-9]*\)$/\1/p' | tail -1 | grep . || echo 0
}

# tick_above N: the screen shows a tick above N
tick_above() {
	[ "$(last_tick)" -gt "$1" ]
}

# tick_after N: wait until a tick above N is on the screen (wait_for's
# bound: a loaded machine may not draw a 300 ms tick within 5 s)
tick_after() {
	wait_for tick_above "$1"
}

# need_demo: le-demo, which make check builds (make testbins): missing, it
# is a failure, not a skip
need_demo() {
	[ -x "$DEMO" ] || { echo "tests/helper/le-demo is not built: make testbins" >&2; return 1; }
}

start_demo() {
	need tmux
	need_demo
	# a build without a line editor has nothing to drive; CI builds one
	if [ "$("$DEMO" -V)" = none ]; then
		[ "${CI:-}" != true ] || { echo "le-demo built with LINEEDIT=none under CI" >&2; return 1; }
		skip "built with LINEEDIT=none"
	fi
	# after it: its status, and whether the terminal echoes and reads
	# whole lines again (stty prints -echo -icanon if left raw)
	tm new-session -d -s le -x 100 -y 20 \
	    "'$DEMO' $1; echo exit=\$?; stty -a | tr ' ' '\\n' | grep -xE -- '-?(echo|icanon)' | paste -sd' '; sleep 60"
	wait_for screen_has '^> ?$'
}

# ended STATUS: le-demo exited with STATUS and left the terminal echoing
# and reading whole lines (stty's line after it has no -echo, -icanon)
ended() {
	wait_for screen_has "^exit=$1\$"
	wait_for screen_has '^(-?echo|-?icanon) '
	run screen
	[[ "$output" == *$'\n'"exit=$1"$'\n'* ]]
	[ "${lines[-1]}" = "icanon echo" ] || [ "${lines[-1]}" = "echo icanon" ]
}

teardown() {
	tm kill-server 2>/dev/null || true
}

@test "lineedit: a message printed while typing appears above the prompt, the half-typed line intact after it; Enter delivers it whole" {
	local n
	start_demo 300
	tm send-keys -t le 'hello wor'
	wait_for screen_has '^> hello wor$'
	n=$(last_tick)
	tick_after "$n"
	tick_after "$((n + 1))"
	run screen
	# the last two lines: the newest tick, then the prompt with the text
	[ "${lines[-1]}" = "> hello wor" ]
	[[ "${lines[-2]}" =~ ^tick\ [0-9]+$ ]]
	[ "${lines[-2]#tick }" -gt "$((n + 1))" ]
	tm send-keys -t le 'ld' Enter
	wait_for screen_has '^line: \[hello world\]$'
	run screen
	[[ "$output" == *"> hello world"$'\n'"line: [hello world]"* ]]
}

@test "lineedit: the cursor stays where it was across a redraw, Up recalls the history, Ctrl-D ends input" {
	local n
	start_demo 200
	tm send-keys -t le 'abcdef' Left Left
	wait_for screen_has '^> abcdef$'
	n=$(last_tick)
	tick_after "$n"
	tm send-keys -t le X Enter
	wait_for screen_has '^line: \[abcdXef\]$'
	tm send-keys -t le Up
	wait_for screen_has '^> abcdXef$'
	tm send-keys -t le Enter
	wait_for eval '[ "$(screen | grep -c "^line: \[abcdXef\]$")" -eq 2 ]'
	tm send-keys -t le C-d
	ended 0
	[[ "$output" == *$'eof\nexit=0\n'* ]]
}

@test "lineedit: SIGINT mid-line, taken through the loop, ends it with the terminal restored" {
	start_demo 300
	tm send-keys -t le 'typed'
	wait_for screen_has '^> typed$'
	tm send-keys -t le C-c
	ended 130
}

@test "lineedit: piped input is read as plain lines on the loop: CRLF, a last line without its end, then end of input" {
	need_demo
	run -0 bash -c "printf 'one\r\ntwo\nthree' | '$DEMO' 10000"
	[ "$output" = $'line: [one]\nline: [two]\nline: [three]\neof' ]
}

@test "lineedit: a regular file on stdin is read to its end, the timers still running" {
	need_demo
	printf 'a\nb\n' > "$BATS_TEST_TMPDIR/in"
	run -0 "$DEMO" 10000 < "$BATS_TEST_TMPDIR/in"
	[ "$output" = $'line: [a]\nline: [b]\neof' ]
	# input that ends later: ticks come while it waits (the line is
	# written once the third is out, not after a guessed 0.5 s)
	local fifo="$BATS_TEST_TMPDIR/fifo" out="$BATS_TEST_TMPDIR/out"
	mkfifo "$fifo"
	"$DEMO" 100 3 < "$fifo" > "$out" 3>&- &
	exec 4> "$fifo"
	wait_for count_is 3 "$out" '^tick'
	echo late >&4
	exec 4>&-
	wait $!
	[ "$(cat "$out")" = $'tick 1\ntick 2\ntick 3\nline: [late]\neof' ]
}

@test "lineedit: a line longer than 64 KiB comes in pieces, nothing lost" {
	need_demo
	run -0 bash -c "head -c 70000 /dev/zero | tr '\\0' x | '$DEMO' 10000 | wc -c"
	# 70000 x's, two 'line: [...]' wrappings (9 bytes each with newline), 'eof\n'
	[ "$output" -eq $((70000 + 2 * 9 + 4)) ]
}
