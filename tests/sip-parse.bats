load helpers

setup() {
	applet_links
	M="$TESTS_DIR/fixtures/msg"
}

@test "sip-parse: one line per message with method or status, URIs, Call-ID and CSeq" {
	run -0 sip-parse "$M/call.sip"
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[0]}" = "$(printf 'INVITE\tsip:bob@biloxi.example.com\tsip:alice@atlanta.example.com\tsip:bob@biloxi.example.com\ta84b4c76e66710@pc33.atlanta.example.com\t314159 INVITE')" ]
	[ "${lines[2]}" = "$(printf '180\tRinging\tsip:alice@atlanta.example.com\tsip:bob@biloxi.example.com\ta84b4c76e66710@pc33.atlanta.example.com\t314159 INVITE')" ]
}

@test "sip-parse: - reads standard input" {
	run -0 sip-parse - < "$M/invite.sip"
	[[ "${lines[0]}" == INVITE* ]]
	run -0 sip-parse < "$M/invite.sip"
	[[ "${lines[0]}" == INVITE* ]]
}

@test "sip-parse: --full prints long header names and unfolds values" {
	run -0 sip-parse --full "$M/compact.sip"
	[[ "$output" == *"Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9"* ]]
	[[ "$output" == *"Call-ID: 3848276298220188511@atlanta.example.com"* ]]
	[[ "$output" == *"Subject: folded header value"* ]]
	[[ "$output" == *"Content-Length: 0"* ]]
	[[ "$output" != *"i: "* ]]
}

@test "sip-parse: --fields prints tab-separated derived fields" {
	run -0 sip-parse -f method,status,cseq.num,from.tag,to.tag,via.branch,via.count "$M/call.sip" "$M/compact.sip"
	[ "${lines[0]}" = "$(printf 'INVITE\t\t314159\t1928301774\t\tz9hG4bK776asdhds\t1')" ]
	[ "${lines[2]}" = "$(printf '\t180\t314159\t1928301774\ta6c85cf\tz9hG4bK776asdhds\t1')" ]
	[ "${lines[7]}" = "$(printf 'INVITE\t\t1\t9fxced76sl\t\tz9hG4bK74bf9\t2')" ]
}

@test "sip-parse: --fields takes any header by long or compact name" {
	run -0 sip-parse -f 'User-Agent,l,content-type' "$M/invite.sip"
	[ "$output" = "$(printf 'softphone/1.0\t226\tapplication/sdp')" ]
}

@test "sip-parse: --json writes one valid JSON object per message" {
	run -0 sip-parse --json "$M/call.sip"
	[ "${#lines[@]}" -eq 7 ]
	printf '%s\n' "$output" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert rows[0]["method"] == "INVITE" and rows[0]["cseq"] == {"num": 314159, "method": "INVITE"}
assert rows[0]["from"]["tag"] == "1928301774" and rows[0]["to"]["tag"] is None
assert rows[3]["status"] == 200 and rows[3]["to"]["tag"] == "a6c85cf"
assert rows[3]["body"].startswith("v=0\r\n") and rows[3]["body_length"] == len(rows[3]["body"])
v = rows[0]["headers"][0]
assert v["name"] == "Via" and v["value"] == "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds", v
assert v["parsed"][0]["branch"] == "z9hG4bK776asdhds", v
'
}

@test "sip-parse: filters by method, status class, Call-ID and header regex" {
	run -0 sip-parse -f status --status 2xx "$M/call.sip"
	[ "$output" = "$(printf '200\n200')" ]
	run -0 sip-parse -f cseq --method BYE "$M/call.sip"
	[ "$output" = "$(printf '231 BYE\n231 BYE')" ]
	run -0 sip-parse --count --status 100-180 "$M/call.sip"
	[ "$output" = "2" ]
	run -0 sip-parse --count --call-id nope "$M/call.sip"
	[ "$output" = "0" ]
	run -0 sip-parse -f method --header 'User-Agent~^soft' "$M/call.sip"
	[ "$output" = "INVITE" ]
	run -0 sip-parse --count --header 'Contact' "$M/call.sip"
	[ "$output" = "2" ]
}

@test "sip-parse: a bad --status or --header is a usage error" {
	run -2 --separate-stderr sip-parse --status 9xx "$M/call.sip"
	[[ "$stderr" == *"--status wants 486, 4xx or 400-499, not '9xx'"* ]]
	run -2 --separate-stderr sip-parse --header 'X~(' "$M/call.sip"
	[[ "$stderr" == *"--header 'X~('"* ]]
}

@test "sip-parse: a header line without a colon is an error with file, line and column" {
	run -1 --separate-stderr sip-parse "$M/no-callid-colon.sip"
	[ "$stderr" = "sip-parse: $M/no-callid-colon.sip:3:1: header line has no colon" ]
}

@test "sip-parse: an error 3 MB into a file is placed by line and column, past windows read in pieces" {
	# 20,000 messages of 8 lines (the window is refilled every 256 KiB
	# and the lines before it counted), then one whose third line has
	# no colon
	awk 'BEGIN { for (i = 0; i < 20000; i++)
		printf "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK%d\r\nFrom: <sip:a@example.com>;tag=%d\r\nTo: <sip:b@example.com>\r\nCall-ID: c%d\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", i, i, i
		printf "OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: x\r\nno colon here\r\n\r\n" }' > "$BATS_TEST_TMPDIR/big.sip"
	[ "$(wc -c < "$BATS_TEST_TMPDIR/big.sip")" -gt 3000000 ]
	run -1 --separate-stderr sip-parse -c "$BATS_TEST_TMPDIR/big.sip"
	[ "$stderr" = "sip-parse: $BATS_TEST_TMPDIR/big.sip:160003:1: header line has no colon" ]
}

@test "sip-parse: a body shorter than Content-Length is named" {
	run -1 --separate-stderr sip-parse "$M/truncated.sip"
	[[ "$stderr" == *"truncated.sip:7:1: Content-Length is larger than the body" ]]
}

@test "sip-parse: a missing file is an error naming it" {
	run -1 --separate-stderr sip-parse "$BATS_TEST_TMPDIR/none.sip"
	[[ "$stderr" == *"none.sip: No such file or directory" ]]
}

@test "sip-parse: bare LF line ends are accepted, and reported under --strict" {
	run -0 sip-parse -f call-id "$M/bare-lf.sip"
	[ "$output" = "lf1" ]
	run -1 --separate-stderr sip-parse --strict "$M/bare-lf.sip"
	[[ "$stderr" == *"bare-lf.sip:1:"*"LF without CR"* ]]
}

@test "sip-parse: a message file turned to LF with Content-Length counted in CRLF is shown, flagged, and the next message is read" {
	need jq
	local f="$BATS_TEST_TMPDIR/lf.sip" one="$BATS_TEST_TMPDIR/lf1.sip"
	printf 'INVITE sip:b@example.com SIP/2.0\nCall-ID: lf1\nCSeq: 1 INVITE\nContent-Type: application/sdp\nContent-Length: 15\n\nv=0\ns=-\nt=0\n' > "$one"
	{ cat "$one"; printf 'OPTIONS sip:b@example.com SIP/2.0\nCall-ID: lf2\nCSeq: 2 OPTIONS\nContent-Length: 0\n\n'; } > "$f"
	run -0 --separate-stderr sip-parse -f call-id,body_length "$f"
	[ "$output" = "$(printf 'lf1\t12\nlf2\t0')" ]
	[ "$stderr" = "sip-parse: warning: $f:1:1: Content-Length counts CRLF line ends; the message has LF (shown, flagged malformed)" ]
	run -0 --separate-stderr sip-parse -j "$one"
	[ "$(printf '%s' "$output" | jq -c '[.body, .errors]')" = '["v=0\ns=-\nt=0\n",["Content-Length counts CRLF line ends; the message has LF"]]' ]
	run -0 --separate-stderr sip-parse --calls "$one"
	[ "${#lines[@]}" -eq 2 ]
	run -1 --separate-stderr sip-parse --strict -f call-id "$one"
	[ "$output" = lf1 ]
	[[ "$stderr" == "sip-parse: $one:1:1: Content-Length counts CRLF line ends; the message has LF"* ]]
}

@test "sip-parse: a message file reads on after bytes that are no message and after a message that does not parse: no later message is lost" {
	local f="$BATS_TEST_TMPDIR/resync.sip"
	printf 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: e1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\nhello world\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nCall-ID: e2\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nCall-ID: e3\r\nBad header\r\nContent-Length: 0\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nCall-ID: e4\r\nCSeq: 4 OPTIONS\r\nContent-Length: 0\r\n\r\n' > "$f"
	run -1 --separate-stderr sip-parse -f call-id "$f"
	[ "$output" = "$(printf 'e1\ne2\ne4')" ]
	[ "$stderr" = "sip-parse: warning: $f:6:1: 15 bytes after message 1 skipped (request line has no SIP version)
sip-parse: $f:15:1: header line has no colon" ]
	# through a pipe the same
	run -1 --separate-stderr sh -c 'cat "$1" | sip-parse -c -' sh "$f"
	[ "$output" = 3 ]
}

@test "sip-parse: binary garbage is rejected without a crash" {
	head -c 4096 /dev/urandom > "$BATS_TEST_TMPDIR/junk"
	run --separate-stderr sip-parse "$BATS_TEST_TMPDIR/junk"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "sip-parse: $BATS_TEST_TMPDIR/junk:"* ]]
}

@test "sip-parse: many messages back to back are all read" {
	for i in $(seq 1 200); do cat "$M/invite.sip"; done > "$BATS_TEST_TMPDIR/many.sip"
	run -0 sip-parse --count "$BATS_TEST_TMPDIR/many.sip"
	[ "$output" = "200" ]
}

@test "sip-parse: thousands of lines of -f and of one-line output all come out in order, a warning after the lines before it" {
	local f="$BATS_TEST_TMPDIR/warn.sip" both="$BATS_TEST_TMPDIR/both" i
	# more than the 64 KiB written at once, junk before the 1001st message
	for i in $(seq 1 1500); do
		[ "$i" -ne 1001 ] || printf 'XX'
		printf 'OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\nCall-ID: c%d\r\nCSeq: %d OPTIONS\r\nContent-Length: 0\r\n\r\n' "$i" "$i"
	done > "$f"
	sip-parse -f call-id,cseq.num "$f" > "$both" 2>&1
	[ "$(wc -l < "$both")" -eq 1501 ]
	[ "$(sed -n 1000p "$both")" = "$(printf 'c1000\t1000')" ]
	[ "$(sed -n 1001p "$both")" = "sip-parse: warning: $f:5001:1: 2 bytes before the start line skipped" ]
	[ "$(sed -n 1002p "$both")" = "$(printf 'c1001\t1001')" ]
	[ "$(sed -n 1501p "$both")" = "$(printf 'c1500\t1500')" ]
	sip-parse "$f" > "$both" 2>&1
	[ "$(wc -l < "$both")" -eq 1501 ]
	[[ "$(sed -n 1000p "$both")" == *"$(printf '\tc1000\t1000 OPTIONS')" ]]
	[[ "$(sed -n 1001p "$both")" == "sip-parse: warning: "* ]]
	[[ "$(sed -n 1501p "$both")" == *"$(printf '\tc1500\t1500 OPTIONS')" ]]
}

@test "sip-parse: a write error on standard output is exit 9 and named, with -f and the one-line output" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -9 --separate-stderr bash -c 'sip-parse -f call-id "$1" > /dev/full' _ "$M/call.sip"
	[ "$stderr" = "sip-parse: write error on standard output: No space left on device" ]
	run -9 --separate-stderr bash -c 'sip-parse "$1" > /dev/full' _ "$M/call.sip"
	[ "$stderr" = "sip-parse: write error on standard output: No space left on device" ]
}

@test "sip-parse: a write error outranks an invalid message: exit 9, not 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -1 --separate-stderr bash -c 'sip-parse --strict "$1" "$2" > /dev/null' _ "$M/call.sip" "$M/truncated.sip"
	run -9 --separate-stderr bash -c 'sip-parse --strict "$1" "$2" > /dev/full' _ "$M/call.sip" "$M/truncated.sip"
	[[ "$stderr" == *"sip-parse: write error on standard output"* ]]
}

@test "sip-parse: dblreq.dat yields both requests (RFC 4475 3.1.1.8)" {
	run -0 --separate-stderr sip-parse -f method,cseq "$CORPUS/rfc4475/dblreq.dat"
	[ "$output" = "$(printf 'REGISTER\t8 REGISTER\nINVITE\t8 INVITE')" ]
}

@test "sip-parse: --json types every header it knows: Via, addresses, CSeq, numbers, auth, lists" {
	run -0 "$SIPBOX" sip-parse --json "$(fixture msg/register-401.sip)" "$(fixture msg/invite.sip)"
	python3 - "$output" <<-'PY'
	import json, sys
	msgs = [json.loads(l) for l in sys.argv[1].splitlines()]
	h = {x["name"]: x for x in msgs[0]["headers"]}
	v = h["Via"]["parsed"][0]
	assert v["transport"] == "UDP" and v["port"] == 5060 and v["branch"] == "z9hG4bKnashds7" and v["received"] == "192.0.2.4", v
	assert h["From"]["parsed"]["display"] == "Bob" and h["From"]["parsed"]["uri"]["user"] == "bob", h["From"]
	assert h["CSeq"]["parsed"] == {"num": 1, "method": "REGISTER"}
	assert h["Content-Length"]["parsed"] == 0
	w = h["WWW-Authenticate"]["parsed"]
	assert w["scheme"] == "Digest" and w["params"]["realm"] == "atlanta.example.com" and w["params"]["qop"] == "auth", w
	h = {x["name"]: x for x in msgs[1]["headers"]}
	assert h["Max-Forwards"]["parsed"] == 70
	assert h["Contact"]["parsed"][0]["uri"]["host"] == "pc33.atlanta.example.com"
	assert h["Content-Type"]["parsed"]["subtype"] == "sdp"
	PY
	f=$(crlf_file 'OPTIONS sip:a@b SIP/2.0
Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/TCP [2001:db8::1]:5061;rport;received=192.0.2.1
Max-Forwards: 70
From: <sip:x@y>;tag=1
To: <sip:a@b>
Call-ID: c
CSeq: 99999999999 OPTIONS
Contact: *
Allow: INVITE, ACK,OPTIONS
Supported: timer
Content-Length: 0

')
	run -0 "$SIPBOX" sip-parse --json "$f"
	python3 - "$output" <<-'PY'
	import json, sys
	h = {x["name"]: x for x in json.loads(sys.argv[1])["headers"]}
	via = h["Via"]["parsed"]
	assert len(via) == 2 and via[1]["host"] == "[2001:db8::1]" and via[1]["rport"] is True, via
	assert "error" in h["CSeq"] and "parsed" not in h["CSeq"], h["CSeq"]
	assert h["Contact"]["parsed"] == [{"star": True}]
	assert h["Allow"]["parsed"] == ["INVITE", "ACK", "OPTIONS"]
	assert h["Supported"]["parsed"] == ["timer"]
	PY
}

@test "sip-parse: a message file is read through <(...), /dev/stdin from a pipe and a FIFO" {
	local want fifo="$BATS_TEST_TMPDIR/fifo"
	want="$(sip-parse "$M/call.sip")"
	[ "$(printf '%s\n' "$want" | wc -l)" -eq 7 ]
	run -0 sip-parse <(cat "$M/call.sip")
	[ "$output" = "$want" ]
	run -0 sh -c 'cat "$1" | sip-parse /dev/stdin' sh "$M/call.sip"
	[ "$output" = "$want" ]
	mkfifo "$fifo"
	timeout 10 sh -c 'cat "$1" > "$2"' sh "$M/call.sip" "$fifo" 3>&- &
	run -0 timeout 10 sip-parse "$fifo"
	[ "$output" = "$want" ]
}

@test "sip-parse: a gzip-compressed message file is read from a file and a pipe, known by its magic" {
	local want z="$BATS_TEST_TMPDIR/call.sip.gz" odd="$BATS_TEST_TMPDIR/call.txt"
	want="$(sip-parse "$M/call.sip")"
	gzip -c "$M/call.sip" > "$z"
	run -0 sip-parse "$z"
	[ "$output" = "$want" ]
	cp "$z" "$odd"
	run -0 sip-parse "$odd"
	[ "$output" = "$want" ]
	run -0 sh -c 'gzip -c "$1" | sip-parse' sh "$M/call.sip"
	[ "$output" = "$want" ]
	# two gzip members back to back are one file, as gzip -d reads them
	{ gzip -c "$M/invite.sip"; gzip -c "$M/invite.sip"; } > "$z"
	run -0 sip-parse --count "$z"
	[ "$output" = "2" ]
}

@test "sip-parse: a cut-short or corrupt gzip file is an error naming it, not a crash" {
	local z="$BATS_TEST_TMPDIR/call.sip.gz"
	gzip -c "$M/call.sip" | head -c 200 > "$z"
	run -1 --separate-stderr sip-parse "$z"
	[ "$stderr" = "sip-parse: $z: gzip: unexpected end of file" ]
	{ printf '\037\213\010\000\000\000\000\000\000\003'; head -c 64 /dev/zero | tr '\0' '\377'; } > "$z"
	run -1 --separate-stderr sip-parse "$z"
	[[ "$stderr" == "sip-parse: $z: gzip: "* ]]
}

@test "sip-parse: a gzip message file cut short gives the complete messages in it, then says the gzip data ends early" {
	local z="$BATS_TEST_TMPDIR/call.sip.gz"
	# 500 of 577 bytes: the INVITE, 100 and 180 whole, the 200 cut
	gzip -c "$M/call.sip" | head -c 500 > "$z"
	run -1 --separate-stderr sip-parse -f status,cseq "$z"
	[ "$output" = "$(printf '\t314159 INVITE\n100\t314159 INVITE\n180\t314159 INVITE')" ]
	# the cut message is not one: only the gzip error is said
	[ "$stderr" = "sip-parse: $z: gzip: unexpected end of file" ]
	# cut in the trailer: every message, then the error
	gzip -c "$M/call.sip" | head -c 573 > "$z"
	run -1 --separate-stderr sip-parse --count "$z"
	[ "$output" = 7 ]
	[ "$stderr" = "sip-parse: $z: gzip: unexpected end of file" ]
}

@test "sip-parse: --body writes each message's body byte for byte, CRLF kept, nothing between" {
	local f="$TESTS_DIR/fixtures/sdp/multipart-mixed.sip" g="$M/invite.sip" b="$BATS_TEST_TMPDIR/body"
	sip-parse --body "$f" > "$b"
	[ "$(wc -c < "$b")" -eq 454 ]
	tail -c 454 "$f" | cmp - "$b"
	[ "$(head -c 13 "$b" | od -An -c | tr -s ' ')" = " - - b o u n d a r y 1 \r \n" ]
	# messages without a body add nothing; bodies follow each other as they are
	cat "$f" "$M/register-401.sip" "$g" > "$BATS_TEST_TMPDIR/three.sip"
	sip-parse --body "$BATS_TEST_TMPDIR/three.sip" > "$b"
	{ tail -c 454 "$f"; tail -c 226 "$g"; } | cmp - "$b"
	run -2 --separate-stderr sip-parse --body --json "$f"
	[[ "$stderr" == *"exclude each other"* ]]
}

@test "sip-parse: -q prints no message, keeps errors and the exit status, and --count still counts" {
	run -0 --separate-stderr sip-parse -q "$(fixture msg/call.sip)"
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -0 sip-parse -q -c "$(fixture msg/call.sip)"
	[ "$output" = "$(sip-parse -c "$(fixture msg/call.sip)")" ]
	printf 'INVITE sip:a@b SIP/2.0\r\nbroken\r\n\r\n' >"$BATS_TEST_TMPDIR/bad.sip"
	run -1 --separate-stderr sip-parse -q "$BATS_TEST_TMPDIR/bad.sip"
	[ -z "$output" ]
	[[ "$stderr" == *"bad.sip:2:"* ]]
}

@test "sip-parse: an unknown -f field is a usage error that lists the known ones" {
	run -2 --separate-stderr sip-parse -f method,metod "$M/invite.sip"
	[[ "$stderr" == *"--fields: unknown field 'metod'; the fields are type, method, "*"call_id"*"frame.number"*"header.NAME"* ]]
	[ -z "$output" ]
	# a header sip-parse knows, or any as header.NAME, is a field
	run -0 sip-parse -f User-Agent,header.User-Agent,header.X-None "$M/invite.sip"
	[ "$output" = "$(printf 'softphone/1.0\tsoftphone/1.0\t')" ]
}

@test "sip-parse: every -f field that is a --json key gives the value --json gives" {
	local f fields json vals

	python3 "$TESTS_DIR/helper/mkpcap.py" eth "$BATS_TEST_TMPDIR/eth.pcap"
	fields=$(sip-parse --list-options | awk -F '\t' '$2 == "--fields" { print $4 }' | tr ' ' ',')
	[ -n "$fields" ]
	json=$(sip-parse --json --limit 1 "$BATS_TEST_TMPDIR/eth.pcap")
	vals=$(sip-parse -f "${fields%,header.NAME}" --limit 1 "$BATS_TEST_TMPDIR/eth.pcap")
	python3 - "$json" "${fields%,header.NAME}" "$vals" <<-'PY'
	import json, sys
	rec = json.loads(sys.argv[1])
	names = sys.argv[2].split(",")
	vals = sys.argv[3].split("\t")
	assert len(names) == len(vals), (names, vals)
	keys = 0
	for name, val in zip(names, vals):
	    node = rec
	    for part in name.split("."):
	        if not isinstance(node, dict) or part not in node:
	            node = None
	            break
	        node = node[part]
	    if node is None:
	        continue
	    keys += 1
	    want = node if isinstance(node, str) else json.dumps(node)
	    if isinstance(node, float):
	        want = "%.6f" % node
	    assert want == val, (name, want, val)
	assert keys >= 20, keys
	PY
}

# hwm_of_stdin N MESSAGE: run sip-parse -c with N copies of MESSAGE (which
# yes(1) ends with a LF) through a pipe on standard input; sets hwm to its
# VmHWM in kB, read once everything is written and it waits for the end
hwm_of_stdin() {
	local pid
	mkfifo "$BATS_TEST_TMPDIR/in"
	sip-parse -c < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/count" &
	pid=$!
	exec 4> "$BATS_TEST_TMPDIR/in"
	yes "$2" | head -c "$(($1 * (${#2} + 1)))" >&4
	# all written: at most a pipe buffer is left to read
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status")
	exec 4>&-
	wait "$pid"
}

@test "sip-parse: 100 MB of messages through a pipe are read in at most 32 MB of memory" {
	local msg
	msg=$(printf 'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: big@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r')
	hwm_of_stdin 500000 "$msg"
	[ "$(cat "$BATS_TEST_TMPDIR/count")" = 500000 ]
	echo "VmHWM ${hwm} kB"
	[ "$hwm" -gt 0 ] && [ "$hwm" -le 32768 ]
}

@test "sip-parse: a 1 MB body among messages read from a pipe comes out whole" {
	local body
	body=$(head -c 1000000 /dev/zero | tr '\0' x)
	{
		printf 'MESSAGE sip:b@example.com SIP/2.0\r\nCall-ID: m1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 1000000\r\n\r\n%s' "$body"
		printf 'OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'
	} | sip-parse -f call-id,body_length - > "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'm1\t1000000\no1\t0')" ]
}

@test "sip-parse: --json writes what it recalls of a header as it wrote it alone: tags, branches and bad values anew" {
	local d="$BATS_TEST_TMPDIR" i
	# five messages of one dialog: the same Via sent-by with new branches,
	# To with and without a tag, a bad Via parameter and a bad host in <>
	# after good ones, then the first message again
	msg() {	# start-line via-params to cseq
		printf '%s\r\nVia: SIP/2.0/UDP pc33.example.com:5060%s\r\nFrom: "Alice" <sip:alice@example.com>;tag=a1\r\nTo: %s\r\nCall-ID: c1@example.com\r\nCSeq: %s\r\nContact: <sip:alice@192.0.2.1:5060;transport=udp>\r\nContent-Length: 0\r\n\r\n' "$@"
	}
	msg 'INVITE sip:bob@example.com SIP/2.0' ';branch=z9hG4bK1' '<sip:bob@example.com>' '1 INVITE' > "$d/m1"
	msg 'SIP/2.0 180 Ringing' ';branch=z9hG4bK1;received=192.0.2.9' '<sip:bob@example.com>;tag=b1' '1 INVITE' > "$d/m2"
	msg 'BYE sip:bob@example.com SIP/2.0' ';branch=z9hG4bK2;rport' '<sip:bob@example.com>;tag=b1' '2 BYE' > "$d/m3"
	msg 'BYE sip:bob@example.com SIP/2.0' ';branch=z9hG4bK3;=x' '<sip:bob@ex!ample.com>;tag=b1' '3 BYE' > "$d/m4"
	cp "$d/m1" "$d/m5"
	cat "$d"/m[1-5] > "$d/all"
	run -0 sip-parse --json "$d/all"
	[ "${#lines[@]}" -eq 5 ]
	for i in 1 2 3 4 5; do
		# alone, nothing is recalled
		[ "$(sip-parse --json "$d/m$i" | sed 's/^{"file":"[^"]*","index":[0-9]*,//')" = \
		    "$(printf '%s\n' "${lines[i - 1]}" | sed 's/^{"file":"[^"]*","index":[0-9]*,//')" ]
	done
	# (what the comparison covers: recalled, bad and new values)
	[[ "${lines[1]}" == *'"tag":"b1"'*'"received":"192.0.2.9"'* ]]
	[[ "${lines[3]}" == *'{"name":"Via","value":"SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK3;=x","error":'* ]]
	[[ "${lines[3]}" == *'{"name":"To","value":"<sip:bob@ex!ample.com>;tag=b1","error":'* ]]
	[ "${lines[4]#*\"index\":5,}" = "${lines[0]#*\"index\":1,}" ]
}
