load helpers

# Every tests/unit/*.t is a TAP program; each must pass all its cases.
@test "unit: every C unit test binary passes" {
	local t n=0
	for t in "$TESTS_DIR"/unit/*.t; do
		[ -x "$t" ] || continue
		run "$t"
		if [ "$status" -ne 0 ] || [[ "$output" == *"not ok"* ]]; then
			printf '%s\n' "$output" | grep -v '^ok' >&2
			echo "FAILED: $t" >&2
			return 1
		fi
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "fuzz: every fuzz corpus replays without a crash" {
	local r name n=0
	for r in "$TESTS_DIR"/fuzz/replay_*; do
		[ -x "$r" ] || continue
		name=${r##*/replay_}
		[ -d "$TESTS_DIR/fuzz/corpus/$name" ]
		run -0 "$r" "$TESTS_DIR/fuzz/corpus/$name"
		[[ "$output" == "replayed "* ]]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
