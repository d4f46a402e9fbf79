load helpers

# The parse benchmark (make bench) run small: no timing here, only the
# proof that every parser in it does the same work on the same corpus.

BENCH="$TESTS_DIR/bench/bench"

@test "bench: every parser reads the generator's Call-ID, CSeq, tags and branch" {
	run -0 "$TESTS_DIR/bench/run" -c -n 1000
	[[ $output == *"sipbox        1000/1000 messages parsed, 0 fields disagree"* ]]
	[[ $output == *"sipbox-strict 1000/1000 messages parsed, 0 fields disagree"* ]]
	[[ $output == *"floor         1000/1000 messages parsed"* ]]
	if pkg-config --exists libosip2; then
		[[ $output == *"osip          1000/1000 messages parsed, 0 fields disagree"* ]]
	fi
	if pkg-config --exists sofia-sip-ua; then
		[[ $output == *"sofia-sip     1000/1000 messages parsed, 0 fields disagree"* ]]
	fi
}

@test "bench: a field that differs from the generator's is reported (exit 1)" {
	local d="$BATS_TEST_TMPDIR/c"
	mkdir "$d"
	run -0 "$BENCH" gen -n 50 -s 7 "$d"
	# Change the branch the generator recorded for message 3.
	awk -F '\t' -v OFS='\t' 'NR == 3 { $8 = $8 "x" } { print }' \
	    "$d/corpus.tsv" > "$d/t" && mv "$d/t" "$d/corpus.tsv"
	run -1 --separate-stderr "$BENCH" run -c "$d"
	[[ $output == *"sipbox        50/50 messages parsed, 1 fields disagree"* ]]
	[[ $output == *"sipbox-strict 50/50 messages parsed, 1 fields disagree"* ]]
	[[ $stderr == *"sipbox: message 3: Via branch '"*"', want '"*"x'"* ]]
}

@test "bench: the same seed makes the same corpus, another seed another" {
	local d
	for d in a b c; do mkdir "$BATS_TEST_TMPDIR/$d"; done
	run -0 "$BENCH" gen -n 300 -s 42 "$BATS_TEST_TMPDIR/a"
	run -0 "$BENCH" gen -n 300 -s 42 "$BATS_TEST_TMPDIR/b"
	run -0 "$BENCH" gen -n 300 -s 43 "$BATS_TEST_TMPDIR/c"
	cmp "$BATS_TEST_TMPDIR/a/corpus.sip" "$BATS_TEST_TMPDIR/b/corpus.sip"
	cmp "$BATS_TEST_TMPDIR/a/corpus.tsv" "$BATS_TEST_TMPDIR/b/corpus.tsv"
	! cmp -s "$BATS_TEST_TMPDIR/a/corpus.sip" "$BATS_TEST_TMPDIR/c/corpus.sip"
}

@test "bench: the generated corpus is what the issue asks for" {
	local d="$BATS_TEST_TMPDIR/c"
	mkdir "$d"
	run -0 "$BENCH" gen -n 2000 "$d"
	# Every message frames by its Content-Length, one after another.
	run -0 "$SIPBOX" sip-parse --count "$d/corpus.sip"
	[ "$output" = 2000 ]
	# INVITEs with SDP, each response code, REGISTER with Authorization,
	# compact forms, several Vias and Record-Routes.
	grep -q '^INVITE sip:' "$d/corpus.sip"
	grep -q '^m=audio ' "$d/corpus.sip"
	for code in 100 180 200 401 486; do
		grep -q "^SIP/2.0 $code " "$d/corpus.sip"
	done
	grep -q '^Authorization: Digest username=' "$d/corpus.sip"
	grep -q '^i: ' "$d/corpus.sip"
	grep -q '^v: SIP/2.0/.*, *SIP/2.0/' "$d/corpus.sip"
	[ "$(grep -c '^Record-Route: ' "$d/corpus.sip")" -gt 100 ]
}

@test "bench: the start-up benchmark times true, --version and a one-message sip-parse" {
	need hyperfine
	run -0 "$TESTS_DIR/bench/startup" -r 3 "$SIPBOX"
	[[ ${lines[2]} == "true "* ]]
	[[ ${lines[3]} == "sipbox --version "*" ms"* ]]
	[[ ${lines[4]} == "sipbox sip-parse "*" ms"* ]]
}

@test "bench: the hostile-load benchmark prints both UDP rates and sip-serve's CPU per answered request, the ratios, the load average and the peak RSS" {
	need python3
	need openssl
	need ss
	run -0 "$TESTS_DIR/bench/load" -n 2000 -i 100 -f 500 -r 3
	[[ $output == *"alone, answered/s, median of 3"* ]]
	[[ $output == *"under hostile load, answered/s"* ]]
	[[ $output =~ "alone, sip-serve CPU us/answered "\ +[1-9][0-9.]*\ \(runs:\ [0-9.]+\ [0-9.]+\ [0-9.]+\ \) ]]
	[[ $output =~ "loaded, sip-serve CPU us/answered "\ +[1-9][0-9.]*\ \(runs: ]]
	[[ $output == *"hostile side: 124 connections, "* ]]
	[[ $output == *"ratio loaded / alone: "*" (target >= 0.90); CPU per answered request "* ]]
	[[ $output == *"load average: "*" at the start, "*" at the end"* ]]
	[[ $output == *"sip-serve peak RSS: "*" MB (bound 64 MB)"* ]]
}

@test "bench: the whole-process benchmark's sip-parse and sofia-sip print the same fields for every message" {
	need_lib sofia-sip-ua
	need /usr/bin/time
	run -0 "$TESTS_DIR/bench/proc" -n 2000 -r 1
	[[ $output == *"corpus: 2000 messages, "*"outputs identical (2000 lines)"* ]]
	[[ $output == *"sip-parse runs "*"x sofia-sip by wall time"* ]]
}

@test "bench: the registration benchmark sets sip-register's load mode beside SIPp against Kamailio and sip-serve: rates, client and registrar CPU, the cores busy, the ratios" {
	need kamailio
	need sipp
	run -0 "$TESTS_DIR/bench/register" -n 200 -u 20 -r 1
	[[ ${lines[0]} == "digest registrations: 200 each, 20 users, 64 in flight, 1 rounds (load average "*")" ]]
	[[ $output == *"registrar: Kamailio (2 UDP workers, usrloc in memory, TLSF allocator)"*"registrar: sip-serve --users"* ]]
	[ "$(grep -c 'sip-register --users -c 200 --concurrency 64 .* registrations/s (runs: ' <<<"$output")" = 2 ]
	[ "$(grep -c 'sipp -sf register-auth.xml -m 200 -l 64 .* registrations/s (runs: ' <<<"$output")" = 2 ]
	[ "$(grep -c '    sip-register: registered 200, failed 0 in ' <<<"$output")" = 2 ]
	[ "$(grep -c 'client CPU per registration, median .* us (sip-register) .* us (SIPp)' <<<"$output")" = 2 ]
	[ "$(grep -c 'registrar CPU per registration, median .* us (sip-register runs) .* us (SIPp runs)' <<<"$output")" = 2 ]
	[ "$(grep -cE 'cores busy, \(client \+ registrar CPU\) x rate +[0-9]+\.[0-9]{2} of [0-9]+ \(sip-register runs\) [0-9]+\.[0-9]{2} \(SIPp runs\)$' <<<"$output")" = 2 ]
	[ "$(grep -c 'ratio sip-register / SIPp: [0-9.]* (target >= 3)' <<<"$output")" = 2 ]
	# a 200-registration run's CPU may be below the clock tick: "-" then
	[ "$(grep -cE 'client CPU ratio SIPp / sip-register: ([0-9.]+$|- )' <<<"$output")" = 2 ]
	[[ $output == *"note: Kamailio answered OPTIONS "*" ms after it was started"* ]]
	[[ $output == *"note: sip-serve answered OPTIONS "*" ms after it was started"* ]]
}

@test "bench: pingcmp prints old and new sip-send side by side with medians and ratios (the binary against itself)" {
	run -0 "$TESTS_DIR/bench/pingcmp" -n 200 -r 1 -o "$SIPBOX" -I
	[[ $output == *"medians of 1 rounds, old and new alternating; load average "* ]]
	[[ $output =~ "one at a time: requests/s "\ +[0-9]+\ +[0-9]+\ +[0-9.]+"  (target >= 0.95)" ]]
	[[ $output =~ "one at a time: CPU us per request "\ +[0-9.]+\ +[0-9.]+\ +[0-9.]+ ]]
	[[ $output =~ "one at a time: average RTT, ms "\ +[0-9.]+\ +[0-9.]+\ +[0-9.]+ ]]
	[[ $output =~ "--concurrency 16: requests/s "\ +[0-9]+\ +[0-9]+\ +[0-9.]+ ]]
	[[ $output != *"answered"* && $output != *failed* ]]
}

@test "bench: pingcmp in a checkout without the old commit says it skips, and exits 0" {
	run -0 "$TESTS_DIR/bench/pingcmp" -b 0123456789abcdef0123456789abcdef01234567
	[ "$output" = "pingcmp: skipped: this checkout has no commit 0123456789abcdef0123456789abcdef01234567 (no history to build the old sip-send from)" ]
}
