# lint.bats - `make lint` (man pages, banned functions, completion syntax)
# passes, so that /work/land.sh and `make check` catch what it finds.
load helpers

@test "lint: make lint passes" {
	local src="$BATS_TEST_TMPDIR/src"

	need mandoc
	# In a copy: a nested make must not touch the tree under test.
	mkdir -p "$src"
	cp -p "$ROOT/Makefile" "$src/"
	cp -pR "$ROOT/cmd" "$ROOT/lib" "$ROOT/man" "$ROOT/completions" "$src/"
	mkdir -p "$src/tests" && cp -p "$ROOT/tests/check-layers" "$src/tests/"
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$src" lint
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "lint: lib/ keeps its layers - an include upward, sideways or at the top of lib/ is caught" {
	local lib="$BATS_TEST_TMPDIR/lib"

	run -0 "$ROOT/tests/check-layers" "$ROOT/lib"
	cp -pR "$ROOT/lib" "$lib"
	# the message layer reaching up into the transaction layer
	printf '#include "txn.h"\n' >> "$lib/sip/msg.c"
	run -1 "$ROOT/tests/check-layers" "$lib"
	[[ "$output" == *"sip/msg.c: includes ua/txn.h, a layer not below sip"* ]]
	# peers: captures may not use the transports
	cp -p "$ROOT/lib/sip/msg.c" "$lib/sip/msg.c"
	printf '#include "conn.h"\n' >> "$lib/cap/calls.c"
	run -1 "$ROOT/tests/check-layers" "$lib"
	[[ "$output" == *"cap/calls.c: includes net/conn.h, a layer not below cap"* ]]
	cp -p "$ROOT/lib/cap/calls.c" "$lib/cap/calls.c"
	# a file outside every layer
	printf '/* x */\n' > "$lib/stray.c"
	run -1 "$ROOT/tests/check-layers" "$lib"
	[[ "$output" == *"stray.c: at the top of lib/"* ]]
	rm "$lib/stray.c"
	run -0 "$ROOT/tests/check-layers" "$lib"
}
