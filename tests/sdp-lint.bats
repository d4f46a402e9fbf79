load helpers

setup() {
	applet_links
	S="$TESTS_DIR/fixtures/sdp"
	C="$S/checks"
}

# unnamed: $output with each line's file name (up to its first colon)
# replaced by IN, to compare the findings of one input read several ways
unnamed() {
	printf '%s\n' "$output" | sed 's/^[^:]*:/IN:/'
}

# ids: every check ID, one per line
ids() {
	sdp-lint --list-checks | cut -f1
}

@test "sdp-lint: --list-checks --json is a record a check, the same checks as the text form, not the text form" {
	need jq
	run -0 sdp-lint --list-checks
	local text=$output
	run -0 sdp-lint --list-checks --json
	[ "$(jq -r '[.id, .severity, (if .on then "on" else "off" end), .rfc, .summary] | @tsv' <<<"$output")" = "$text" ]
	[ "$(jq -r .type <<<"$output" | sort -u)" = check ]
}

@test "sdp-lint: --list-checks gives id, severity, default, RFC section and summary" {
	run -0 sdp-lint --list-checks
	[ "${#lines[@]}" -ge 40 ]
	printf '%s\n' "$output" | awk -F'\t' '
		NF != 5 { print "fields: " $0; bad = 1 }
		$1 !~ /^[a-z0-9]+(-[a-z0-9]+)*$/ { print "id: " $1; bad = 1 }
		$2 !~ /^(error|warning|note)$/ { print "severity: " $0; bad = 1 }
		$3 !~ /^(on|off)$/ { print "default: " $0; bad = 1 }
		$4 !~ /^RFC [0-9]+ [0-9.]+$/ { print "rfc: " $0; bad = 1 }
		seen[$1]++ { print "duplicate: " $1; bad = 1 }
		END { exit bad }'
	[[ "$output" == *$'rtpmap-missing\terror\ton\tRFC 8866 6.6\t'* ]]
	[[ "$output" == *$'rtpmap-advised\tnote\toff\tRFC 3264 5.1\t'* ]]
}

@test "sdp-lint: every check has a fixture that triggers it and one that does not" {
	local id n=0 bad good
	for id in $(ids); do
		bad="$C/$id.bad.sdp" good="$C/$id.good.sdp"
		[ -f "$bad" ] || { echo "no $bad" >&2; return 1; }
		[ -f "$good" ] || { echo "no $good" >&2; return 1; }
		if [ -f "$C/$id.offer.sdp" ]; then
			run sdp-lint -Wall --offer "$C/$id.offer.sdp" --answer "$bad"
			[[ "$output" == *"[$id]"* ]] || { echo "$id: not triggered: $output" >&2; return 1; }
			run sdp-lint -Wall --strict --offer "$C/$id.offer.sdp" --answer "$good"
		else
			run sdp-lint -Wall "$bad"
			[[ "$output" == *"[$id]"* ]] || { echo "$id: not triggered: $output" >&2; return 1; }
			run sdp-lint -Wall --strict "$good"
		fi
		[ "$status" -eq 0 ] || { echo "$id: good fixture not clean: $output" >&2; return 1; }
		[[ "$output" != *"[$id]"* ]] || { echo "$id: good fixture triggers it" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 40 ]
}

@test "sdp-lint: findings are file:line:col: severity: message [ID] on stdout, like a compiler's" {
	run -1 --separate-stderr sdp-lint "$C/rtpmap-missing.bad.sdp"
	[ "$stderr" = "" ]
	[ "$output" = "$C/rtpmap-missing.bad.sdp:6:27: error: dynamic payload type 97 has no 'a=rtpmap:97' line [rtpmap-missing]" ]
	# they are data: grep sees them, a diagnostic about the tool it does not
	run -0 --separate-stderr sh -c 'sdp-lint "$@" | grep -c "\[rtpmap-missing\]"' sh "$C/rtpmap-missing.bad.sdp" "$BATS_TEST_TMPDIR/none.sdp"
	[ "$output" = 1 ]
	[ "$stderr" = "sdp-lint: $BATS_TEST_TMPDIR/none.sdp: No such file or directory" ]
}

@test "sdp-lint: exit 0 when clean, 1 on an error, warnings fatal only with --strict, notes never" {
	run -0 sdp-lint "$C/rtpmap-missing.good.sdp"
	[ "$output" = "" ]
	run -1 sdp-lint "$C/version.bad.sdp"
	run -0 sdp-lint "$C/trailing-space.bad.sdp"
	[[ "$output" == *"warning: trailing white space [trailing-space]"* ]]
	run -1 sdp-lint --strict "$C/trailing-space.bad.sdp"
	run -0 sdp-lint --strict "$C/unknown-attr.bad.sdp"
	[[ "$output" == *"note: unknown attribute 'x-sipbox-frobnicate' [unknown-attr]"* ]]
}

@test "sdp-lint: findings that cannot be written are exit 9, not the 1 of the findings" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -9 --separate-stderr bash -c 'sdp-lint "$1" > /dev/full' _ "$C/version.bad.sdp"
	[ "$stderr" = "sdp-lint: write error on standard output: No space left on device" ]
	run -9 --separate-stderr bash -c 'sdp-lint --json "$1" > /dev/full' _ "$C/version.bad.sdp"
}

@test "sdp-lint: -Wno-ID silences a check, -W ID enables one that is off, -Wall all" {
	run -1 sdp-lint "$C/version.bad.sdp"
	run -0 sdp-lint -Wno-version "$C/version.bad.sdp"
	[ "$output" = "" ]
	run -0 sdp-lint "$C/rtpmap-advised.bad.sdp"
	[ "$output" = "" ]
	run -0 sdp-lint -W rtpmap-advised "$C/rtpmap-advised.bad.sdp"
	[[ "$output" == *"[rtpmap-advised]"* ]]
	run -0 sdp-lint -Wall -Wno-rtpmap-advised "$C/rtpmap-advised.bad.sdp"
	[ "$output" = "" ]
	run -0 sdp-lint --strict -Wno-all "$C/version.bad.sdp"
	[ "$output" = "" ]
}

@test "sdp-lint: usage errors exit 2" {
	run -2 --separate-stderr sdp-lint -Wno-such-check "$C/version.bad.sdp"
	[[ "$stderr" == *"unknown check 'such-check'"* ]]
	run -2 --separate-stderr sdp-lint --offer "$C/oa-time.offer.sdp"
	[[ "$stderr" == *"--offer and --answer go together"* ]]
	run -2 sdp-lint --offer "$C/oa-time.offer.sdp" --answer "$C/oa-time.good.sdp" "$C/version.bad.sdp"
	run -2 sdp-lint --caret=sometimes "$C/version.bad.sdp"
	run -2 sdp-lint --no-such-option
}

@test "sdp-lint: --caret=always shows the line and a caret under the column" {
	run -1 --separate-stderr sdp-lint --caret=always "$C/rtpmap-missing.bad.sdp"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = " m=audio 49170 RTP/AVP 0 8 97" ]
	[ "${lines[2]}" = "                           ^" ]
	run -1 --separate-stderr sdp-lint --caret=never "$C/rtpmap-missing.bad.sdp"
	[ "${#lines[@]}" -eq 1 ]
	# not a terminal: no caret by default
	run -1 --separate-stderr sdp-lint "$C/rtpmap-missing.bad.sdp"
	[ "${#lines[@]}" -eq 1 ]
}

@test "sdp-lint: a terminal gets the caret and colour, NO_COLOR keeps the caret only" {
	need script
	run script -qec "env -u NO_COLOR TERM=xterm $SIPBOX sdp-lint $C/rtpmap-missing.bad.sdp" /dev/null
	[[ "$output" == *$'\e[1;31merror:'* ]]
	[[ "$output" == *"^"* ]]
	run script -qec "env NO_COLOR=1 $SIPBOX sdp-lint $C/rtpmap-missing.bad.sdp" /dev/null
	[[ "$output" != *$'\e['* ]]
	[[ "$output" == *" m=audio 49170 RTP/AVP 0 8 97"* ]]
}

@test "sdp-lint: --json writes one object per finding on stdout" {
	run -1 --separate-stderr sdp-lint --json "$C/rtpmap-missing.bad.sdp" "$C/trailing-space.bad.sdp"
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "$output" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
r = rows[0]
assert r["line"] == 6 and r["column"] == 27, r
assert r["severity"] == "error" and r["id"] == "rtpmap-missing" and r["rfc"] == "RFC 8866 6.6", r
assert r["file"].endswith("rtpmap-missing.bad.sdp") and "97" in r["message"], r
assert rows[1]["id"] == "trailing-space" and rows[1]["severity"] == "warning"
'
}

@test "sdp-lint: -v says where each body starts and counts its findings, singular for one" {
	run -1 --separate-stderr sdp-lint -v "$S/multipart-mixed.sip"
	[[ "$stderr" == *"multipart-mixed.sip:22: SDP body of "*" bytes"* ]]
	[[ "$stderr" == *"multipart-mixed.sip:22: 1 error, 0 warnings, 0 notes"* ]]
	run -0 --separate-stderr sdp-lint -v -Wall "$C/trailing-space.bad.sdp"
	[[ "$stderr" == *": 0 errors, 1 warning, "* ]]
}

@test "sdp-lint: - and no operand read standard input" {
	run -1 sdp-lint - < "$C/version.bad.sdp"
	[[ "$output" == "<stdin>:1:3: error: version '1' is not 0 [version]" ]]
	run -0 sdp-lint < "$C/version.good.sdp"
}

@test "sdp-lint: SDP bodies of SIP messages, with lines counted in the file" {
	run -0 sdp-lint "$TESTS_DIR/fixtures/msg/invite.sip" "$TESTS_DIR/fixtures/msg/call.sip"
	[ "$output" = "" ]
	run -1 sdp-lint "$S/multipart-mixed.sip"
	[ "$output" = "$S/multipart-mixed.sip:27:25: error: dynamic payload type 97 has no 'a=rtpmap:97' line [rtpmap-missing]" ]
	[ "$(sed -n 27p "$S/multipart-mixed.sip" | tr -d '\r')" = "m=audio 49172 RTP/AVP 0 97" ]
}

@test "sdp-lint: multipart/alternative: every SDP part is checked" {
	run -1 sdp-lint "$S/multipart-alternative.sip"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "$S/multipart-alternative.sip:31:25: error: "*"[rtpmap-missing]" ]]
}

@test "sdp-lint: input without SDP, unreadable input and a broken message are errors" {
	run -1 --separate-stderr sdp-lint "$TESTS_DIR/fixtures/msg/register-401.sip"
	[[ "$stderr" == *"register-401.sip: no SDP found"* ]]
	run -1 --separate-stderr sdp-lint "$BATS_TEST_TMPDIR/nonexistent"
	[[ "$stderr" == *"nonexistent: No such file or directory"* ]]
	run -1 --separate-stderr sdp-lint "$TESTS_DIR/fixtures/msg/no-callid-colon.sip"
	[[ "$stderr" == *"no-callid-colon.sip:"*"not SDP, nor a SIP message"* ]]
	printf 'v=0\r\n' > "$BATS_TEST_TMPDIR/short.sdp"
	run -1 sdp-lint "$BATS_TEST_TMPDIR/short.sdp"
	[[ "$output" == *"no 'o=' line"*"[missing-line]"* ]]
}

@test "sdp-lint: binary junk and huge inputs end with an error, not a crash" {
	head -c 20000 /dev/urandom > "$BATS_TEST_TMPDIR/junk"
	run sdp-lint "$BATS_TEST_TMPDIR/junk"
	[ "$status" -eq 1 ]
	{ printf 'v=0\r\n'; for i in $(seq 1 1100); do printf 'a=x:%d\r\n' "$i"; done; } > "$BATS_TEST_TMPDIR/long.sdp"
	run -1 --separate-stderr sdp-lint "$BATS_TEST_TMPDIR/long.sdp"
	[[ "$stderr" == *"long.sdp:1025: too many lines"* ]]
}

@test "sdp-lint: the SDP examples of RFC 8866 and RFC 3264 pass" {
	local f
	for f in "$S"/rfc/rfc8866-*.sdp; do
		run -0 sdp-lint --strict "$f"
	done
	# RFC 3264 writes "s=" empty, which RFC 4566 and 8866 forbid: a warning
	for f in "$S"/rfc/rfc3264-10.*.sdp; do
		run -0 sdp-lint "$f"
		run -0 sdp-lint --strict -Wno-session-name "$f"
	done
	# ... and its Figure 1 puts c= after t=
	run -1 sdp-lint "$S/rfc/rfc3264-fig1.sdp"
	[[ "$output" == *":5:1: error: 'c=' comes after 't='"*"[order]" ]]
}

@test "sdp-lint: RFC 3264 10 offers and answers pass the offer/answer checks" {
	local p
	for p in 10.1-offer:10.1-answer 10.1-reoffer:10.1-reanswer \
	    10.2-offer:10.2-answer 10.2-reoffer:10.2-reanswer; do
		run -0 sdp-lint --strict -Wno-session-name \
		    --offer "$S/rfc/rfc3264-${p%%:*}.sdp" \
		    --answer "$S/rfc/rfc3264-${p##*:}.sdp"
		[ "$output" = "" ]
	done
	# the answer to 10.1's offer is no answer to 10.2's
	run -1 sdp-lint -Wno-session-name --offer "$S/rfc/rfc3264-10.2-offer.sdp" \
	    --answer "$S/rfc/rfc3264-10.1-answer.sdp"
	[[ "$output" == *"[oa-mline-count]"* ]]
}

@test "sdp-lint: SDP in tests/corpus: exactly the known defects, nothing else" {
	local file want got n=0
	while IFS=$'\t' read -r file want; do
		case "$file" in '#'*|'') continue ;; esac
		run --separate-stderr sdp-lint --json "$CORPUS/$file"
		got=$(printf '%s\n' "$output" | python3 -c '
import json, sys
ids = sorted({r["id"] for r in map(json.loads, filter(str.strip, sys.stdin)) if r["severity"] == "error"})
print(",".join(ids) or "-")')
		[ "$got" = "$want" ] || { echo "$file: want $want, got $got" >&2; return 1; }
		if [ "$want" = - ]; then
			[ "$status" -eq 0 ] || { echo "$file: exit $status" >&2; return 1; }
		else
			[ "$status" -eq 1 ]
		fi
		n=$((n + 1))
	done < "$S/corpus.tsv"
	[ "$n" -ge 30 ]
}

@test "sdp-lint: --offer and --answer take the SDP out of SIP messages too" {
	run -0 sdp-lint --offer "$TESTS_DIR/fixtures/msg/invite.sip" --answer "$TESTS_DIR/fixtures/msg/invite.sip"
	run -1 sdp-lint --offer "$TESTS_DIR/fixtures/msg/invite.sip" --answer "$S/multipart-mixed.sip"
	[[ "$output" == *"multipart-mixed.sip:27:25: error: "*"[rtpmap-missing]"* ]]
}

@test "sdp-lint: sdp-lint(1) describes every check with its severity and RFC section" {
	local id sev on rfc sum want got bad=0
	while IFS=$'\t' read -r id sev on rfc sum; do
		want="${sev^}"
		[ "$on" = off ] && want="$want, off by default"
		want="$want; $rfc."
		got=$(sed -n "/^\\.It Cm $id\$/{n;p;}" "$ROOT/man/sdp-lint.1")
		if [ "$got" != "$want" ]; then
			echo "man/sdp-lint.1: '.It Cm $id' wants '$want', has '$got'" >&2
			bad=1
		fi
	done < <(sdp-lint --list-checks)
	[ "$bad" -eq 0 ]
}

@test "sdp-lint: line numbers stay right across messages and files" {
	local n
	n=$(wc -l < "$S/multipart-mixed.sip")
	cat "$S/multipart-mixed.sip" "$S/multipart-mixed.sip" > "$BATS_TEST_TMPDIR/two.sip"
	run -1 sdp-lint "$BATS_TEST_TMPDIR/two.sip" "$S/multipart-mixed.sip" "$S/multipart-mixed.sip"
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" == *"/two.sip:27:25: error: "* ]]
	[[ "${lines[1]}" == *"/two.sip:$((n + 27)):25: error: "* ]]
	[[ "${lines[2]}" == *"/multipart-mixed.sip:27:25: error: "* ]]
	[[ "${lines[3]}" == *"/multipart-mixed.sip:27:25: error: "* ]]
}

@test "sdp-lint: SDP, a message file and a capture are read through <(...), /dev/stdin from a pipe and a FIFO" {
	local f want fifo="$BATS_TEST_TMPDIR/fifo" cap="$BATS_TEST_TMPDIR/sdp.pcap"
	python3 "$TESTS_DIR/helper/mkpcap.py" sdp "$cap"
	mkfifo "$fifo"
	for f in "$C/rtpmap-missing.bad.sdp" "$S/multipart-mixed.sip" "$cap"; do
		run -1 sdp-lint "$f"
		want="$(unnamed)"
		[[ "$want" == IN:*"[rtpmap-missing]"* ]] || { echo "$f: $output"; false; }
		run -1 sdp-lint <(cat "$f")
		[ "$(unnamed)" = "$want" ] || { echo "$f <(): $output"; false; }
		run -1 sh -c 'cat "$1" | sdp-lint /dev/stdin' sh "$f"
		[ "$(unnamed)" = "$want" ] || { echo "$f /dev/stdin: $output"; false; }
		timeout 10 sh -c 'cat "$1" > "$2"' sh "$f" "$fifo" 3>&- &
		run -1 timeout 10 sdp-lint "$fifo"
		[ "$(unnamed)" = "$want" ] || { echo "$f FIFO: $output"; false; }
	done
}

@test "sdp-lint: gzip-compressed SDP, message files and captures are read from files and pipes" {
	local f z="$BATS_TEST_TMPDIR/in.gz" cap="$BATS_TEST_TMPDIR/sdp.pcap"
	python3 "$TESTS_DIR/helper/mkpcap.py" sdp "$cap"
	for f in "$C/rtpmap-missing.bad.sdp" "$S/multipart-mixed.sip" "$cap"; do
		run -1 sdp-lint "$f"
		want="$(unnamed)"
		gzip -c "$f" > "$z"
		run -1 sdp-lint "$z"
		[ "$(unnamed)" = "$want" ] || { echo "$f: $output"; false; }
		run -1 sh -c 'gzip -c "$1" | sdp-lint' sh "$f"
		[ "$(unnamed)" = "$want" ] || { echo "$f pipe: $output"; false; }
	done
}

@test "sdp-lint: a capture's SDP bodies, multipart too, are checked and placed by frame and message line" {
	local cap="$BATS_TEST_TMPDIR/sdp.pcap"
	python3 "$TESTS_DIR/helper/mkpcap.py" sdp "$cap"
	run -1 --separate-stderr sdp-lint "$cap"
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$cap:frame 2:15:27: error: dynamic payload type 97 has no 'a=rtpmap:97' line [rtpmap-missing]" ]
	[ "${lines[1]}" = "$cap:frame 3:17:3: error: version '1' is not 0 [version]" ]
	# the line is the message's: line 15 of frame 2 is the m= line (after
	# the "# frame" line of --full)
	[ "$(sip-parse --full --limit 1 -X INVITE "$cap" | sed -n 16p | tr -d '\r')" = "m=audio 49170 RTP/AVP 0 8 97" ]
	run -1 sdp-lint --json "$cap"
	[[ "${lines[1]}" == *'"frame":3,"line":17,"column":3,'*'"id":"version"'* ]]
	# a capture without SDP says so
	python3 "$TESTS_DIR/helper/mkpcap.py" eth "$BATS_TEST_TMPDIR/eth.pcap"
	run -1 --separate-stderr sdp-lint "$BATS_TEST_TMPDIR/eth.pcap"
	[[ "$stderr" == *"eth.pcap: no SDP found"* ]]
}

@test "sdp-lint: SDP descriptions back to back are split at each v= line, lines counted in the stream" {
	cat "$C/rtpmap-missing.bad.sdp" "$C/version.bad.sdp" "$C/rtpmap-missing.bad.sdp" > "$BATS_TEST_TMPDIR/three.sdp"
	run -1 sdp-lint "$BATS_TEST_TMPDIR/three.sdp"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == *"/three.sdp:6:27: error: "*"[rtpmap-missing]" ]]
	[[ "${lines[1]}" == *"/three.sdp:9:3: error: version '1' is not 0 [version]" ]]
	[[ "${lines[2]}" == *"/three.sdp:23:27: error: "*"[rtpmap-missing]" ]]
}

@test "sdp-lint: sip-parse --body of a capture piped into sdp-lint - finds the defect" {
	local cap="$BATS_TEST_TMPDIR/sdp.pcap"
	python3 "$TESTS_DIR/helper/mkpcap.py" sdp "$cap"
	run -1 sh -c 'sip-parse --body -X INVITE -H "Content-Type~^application/sdp" "$1" | sdp-lint -' sh "$cap"
	[ "$output" = "<stdin>:6:27: error: dynamic payload type 97 has no 'a=rtpmap:97' line [rtpmap-missing]" ]
}

@test "sdp-lint: -q prints errors only: no warnings or notes, same exit status" {
	run -0 --separate-stderr sdp-lint -q "$C/trailing-space.bad.sdp"
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -1 --separate-stderr sdp-lint -q --strict "$C/trailing-space.bad.sdp"
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -1 --separate-stderr sdp-lint -q "$C/rtpmap-missing.bad.sdp"
	[[ "$output" == *"error: dynamic payload type 97"* ]]
}

@test "sdp-lint: --offer - with --answer - is a usage error, not an answer read from an emptied stdin" {
	run -2 --separate-stderr sdp-lint --offer - --answer - <"$C/oa-direction.offer.sdp"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "sdp-lint: --offer and --answer cannot both be '-'" ]
	run -1 sdp-lint --offer - --answer "$C/oa-direction.bad.sdp" <"$C/oa-direction.offer.sdp"
	[[ "$output" == *":6:1: error: "*"[oa-direction]" ]]
}

@test "sdp-lint: --offer and --answer read pipes, gzip, and the first SDP of a capture" {
	local cap="$BATS_TEST_TMPDIR/sdp.pcap"
	run -1 sdp-lint --offer <(cat "$C/oa-direction.offer.sdp") --answer <(gzip -c "$C/oa-direction.bad.sdp")
	[[ "$output" == /dev/fd/*":6:1: error: "*"[oa-direction]" ]]
	run -0 sdp-lint --offer <(cat "$C/oa-direction.offer.sdp") --answer <(gzip -c "$C/oa-direction.good.sdp")
	[ "$output" = "" ]
	python3 "$TESTS_DIR/helper/mkpcap.py" sdp "$cap"
	run -1 sdp-lint --offer "$cap" --answer "$C/rtpmap-missing.good.sdp"
	[ "$output" = "$cap:frame 2:15:27: error: dynamic payload type 97 has no 'a=rtpmap:97' line [rtpmap-missing]" ]
}
