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
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$src" lint
	echo "$output"
	[ "$status" -eq 0 ]
}
