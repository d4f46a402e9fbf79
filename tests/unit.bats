load helpers

# Every tests/unit/*.c builds a TAP program; each must pass all its cases
# and reach its end (done() prints the plan last).
@test "unit: every C unit test binary passes" {
	local c t n=0
	for c in "$TESTS_DIR"/unit/*.c; do
		t=${c%.c}.t
		# one not built would pass unseen
		[ -x "$t" ] || { echo "no $t: make testbins builds it" >&2; return 1; }
		run "$t"
		if [ "$status" -ne 0 ] || [[ "$output" == *"not ok"* ]] ||
		    ! [[ "${lines[-1]}" =~ ^1\.\.[1-9][0-9]*$ ]]; then
			printf '%s\n' "$output" | grep -v '^ok' >&2
			echo "FAILED: $t" >&2
			return 1
		fi
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# Under make SANITIZE=1 the replays run with ASan and UBSan and no recovery:
# undefined behaviour a corpus reaches fails here, not only in a fuzz run.
@test "fuzz: every fuzz target's corpus replays without a crash" {
	local f name n=0
	for f in "$TESTS_DIR"/fuzz/fuzz_*.c; do
		name=${f##*/fuzz_}
		name=${name%.c}
		# a target without its replay or corpus would pass unseen
		[ -x "$TESTS_DIR/fuzz/replay_$name" ]
		[ -d "$TESTS_DIR/fuzz/corpus/$name" ]
		run -0 "$TESTS_DIR/fuzz/replay_$name" "$TESTS_DIR/fuzz/corpus/$name"
		[[ "$output" == "replayed "* ]]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
