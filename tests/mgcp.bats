load helpers

# MGCP (RFC 3435) in captures: tests/helper/mkpcap.py's "mgcp" kind is an
# exchange between a call agent and a gateway (its docstring lists the
# frames); tshark's MGCP dissector is the oracle.

setup() {
	applet_links
	T="$BATS_TEST_TMPDIR"
	python3 "$TESTS_DIR/helper/mkpcap.py" mgcp "$T/mgcp.pcap"
	P="$T/mgcp.pcap"
}

tab() {
	local IFS=$'\t'
	printf '%s' "$*"
}

# tshark_mgcp FILE [ARGS]: tshark's MGCP fields, one line a frame
tshark_mgcp() {
	local f=$1
	shift
	tshark -n -r "$f" "$@" -Y mgcp -T fields \
	    -e frame.number -e mgcp.req.verb -e mgcp.transid \
	    -e mgcp.req.endpoint -e mgcp.rsp.rspcode -e mgcp.param.callid \
	    -e mgcp.version 2>/dev/null
}

# ours_mgcp FILE: sip-parse's, as tshark shows them: piggy-backed
# messages are one frame to tshark, its values joined by commas in
# message order, one verb, endpoint and version a frame
ours_mgcp() {
	{ sip-parse -f frame.number,protocol,method,mgcp.txid,mgcp.endpoint,status,call_id,version \
	    "$1" 2>/dev/null || true; } | awk -F'\t' -v OFS='\t' '
	$2 != "MGCP" { next }
	{
		if ($1 != f && f != "") out()
		f = $1
		for (i = 3; i <= 8; i++)
			if ($i != "")
				v[i] = v[i] == "" ? $i : v[i] "," $i
	}
	function out(  i, l) {
		l = f
		for (i = 3; i <= 8; i++) {
			if ((i == 3 || i == 5 || i == 8) && index(v[i], ","))
				v[i] = substr(v[i], 1, index(v[i], ",") - 1)
			l = l OFS v[i]
			v[i] = ""
		}
		print l
	}
	END { if (f != "") out() }'
}

@test "sip-parse: one line per MGCP message: verb or code, transaction id, endpoint, call id" {
	run -0 --separate-stderr sip-parse "$P"
	[ "${#lines[@]}" -eq 21 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -f5-)" = "$(cat <<-'EOF'
	UDP	OPTIONS	sip:bob@example.com	sip:alice@example.com	sip:bob@example.com	call-1@example.com	1 OPTIONS
	UDP	MGCP	RSIP	1000	*@gw.example.net	
	UDP	MGCP	200	1000	OK	
	UDP	MGCP	AUEP	1001	aaln/1@gw.example.net	
	UDP	MGCP	200	1001	OK	
	UDP	MGCP	RQNT	1002	aaln/1@gw.example.net	
	UDP	MGCP	200	1002	OK	
	UDP	MGCP	NTFY	2001	aaln/1@gw.example.net	
	UDP	MGCP	200	2001	OK	
	UDP	MGCP	CRCX	1003	aaln/1@gw.example.net	A3C47F21456789F0
	UDP	MGCP	200	1003	OK	
	UDP	MGCP	MDCX	1004	aaln/1@gw.example.net	A3C47F21456789F0
	UDP	MGCP	200	1004	OK	
	UDP	MGCP	NTFY	2002	aaln/1@gw.example.net	
	UDP	MGCP	200	2002	OK	
	UDP	MGCP	DLCX	1005	aaln/1@gw.example.net	A3C47F21456789F0
	UDP	MGCP	250	1005	OK	
	UDP	MGCP	CRCX	1006	aaln/2@gw.example.net	B0B0
	UDP	MGCP	510	1006	protocol error	
	UDP	MGCP	CRCX	3001	ds/ds1-1/1@tgw.example.net	77
	UDP	MGCP	200	3001	OK	
	EOF
	)" ]
	[ "$(printf '%s\n' "${lines[1]}" | cut -f1-4)" = "$(tab 2 2023-11-14T22:13:21.001123Z 192.0.2.20:2427 192.0.2.10:2727)" ]
}

@test "sip-parse: tshark's MGCP dissector agrees on every MGCP message's verb, transaction id, endpoint, code and call id" {
	need tshark
	# tshark decodes MGCP on ports 2427 and 2727 only; sip-parse finds
	# the pair on 5000 and 2500 by content, so tshark is told (-d).
	tshark_mgcp "$P" -d udp.port==2500,mgcp > "$T/tshark.txt"
	[ "$(wc -l < "$T/tshark.txt")" -eq 18 ]
	ours_mgcp "$P" > "$T/ours.txt"
	diff "$T/tshark.txt" "$T/ours.txt"
}

@test "sip-parse: agrees with tshark on the MGCP of every corpus capture" {
	need tshark
	local f n=0
	for f in "$CORPUS"/pcap/*; do
		tshark_mgcp "$f" > "$T/tshark.txt"
		ours_mgcp "$f" > "$T/ours.txt"
		diff "$T/tshark.txt" "$T/ours.txt" ||
		    { echo "differs from tshark: ${f##*/}"; false; }
		n=$((n + $(wc -l < "$T/ours.txt")))
	done
	# heplify's rtp_rtcp_sip.pcap has 30 MGCP (NCS 1.0) messages
	[ "$n" -ge 30 ]
}

@test "sip-parse: MGCP fields in -f and --json: parameters as headers, the SDP as the body" {
	run -0 --separate-stderr sip-parse -f frame.number,protocol,type,method,status,mgcp.txid,mgcp.connection_id,header.M,body_length -X MDCX "$P"
	[ "$output" = "$(tab 12 MGCP request MDCX '' 1004 FDE234C8 sendrecv 99)
$(tab 13 MGCP response '' 200 1004 '' '' 0)" ]
	sip-parse --json "$P" 2>/dev/null | grep '"number":11,' > "$T/j"
	python3 - "$T/j" <<-'EOF'
	import json, sys
	m = json.loads(open(sys.argv[1]).read())
	assert m["protocol"] == "MGCP" and m["type"] == "response", m
	assert m["status"] == 200 and m["reason"] == "OK", m
	assert m["mgcp"]["txid"] == "1003", m
	assert m["mgcp"]["connection_id"] == "FDE234C8", m
	assert m["headers"] == [{"name": "I", "value": "FDE234C8"}], m
	assert m["body"].startswith("v=0\r\n") and m["body_length"] == 98, m
	assert "errors" not in m, m
	EOF
}

@test "sip-parse: an MGCP message that breaks the grammar is shown, flagged, and --strict makes it an error" {
	run -0 --separate-stderr sip-parse -f frame.number,method,call_id "$P"
	[[ "$output" == *"$(tab 16 CRCX B0B0)"* ]]
	[[ "$stderr" == *"packet 16: MGCP parameter line without ':' (shown, flagged malformed)"* ]]
	sip-parse --json "$P" 2>/dev/null | grep '"number":16,' > "$T/j"
	grep -q '"errors":\["MGCP parameter line without '"':'"'"\]' "$T/j"
	run -1 --separate-stderr sip-parse --strict -c "$P"
	[[ "$stderr" == *"sip-parse: $P: packet 16: MGCP parameter line without ':'"* ]]
}

@test "sip-parse: piggy-backed MGCP messages each get a line with their datagram's frame; -X takes the answers too" {
	run -0 --separate-stderr sip-parse -f frame.number,method,status,mgcp.txid -X NTFY -X DLCX "$P"
	[ "$output" = "$(tab 8 NTFY '' 2001)
$(tab 9 '' 200 2001)
$(tab 13 NTFY '' 2002)
$(tab 14 '' 200 2002)
$(tab 14 DLCX '' 1005)
$(tab 15 '' 250 1005)" ]
	run -0 --separate-stderr sip-parse -c -s 200 "$P"
	[ "$output" = 8 ]
	# -C: a response belongs to its command's call
	run -0 --separate-stderr sip-parse -f frame.number,method,status -C B0B0 "$P"
	[ "$output" = "$(tab 16 CRCX '')
$(tab 17 '' 510)" ]
}

@test "sip-parse --calls: MGCP calls by call id, created, deleted and failed, with their last code" {
	run -0 --separate-stderr sip-parse --calls "$P"
	[ "${lines[0]}" = "$(tab call_id from to start duration state messages)" ]
	[ "${lines[2]}" = "$(tab A3C47F21456789F0 192.0.2.10:2727 aaln/1@gw.example.net 2023-11-14T22:13:29.009123Z 5.005 'DELETED 250' 6)" ]
	[ "${lines[3]}" = "$(tab B0B0 192.0.2.10:2727 aaln/2@gw.example.net 2023-11-14T22:13:35.015123Z 1.001 'FAILED 510' 2)" ]
	[ "${lines[4]}" = "$(tab 77 192.0.2.11:5000 ds/ds1-1/1@tgw.example.net 2023-11-14T22:13:37.017123Z 1.001 'CREATED 200' 2)" ]
	[ "${#lines[@]}" -eq 5 ]
	run -0 --separate-stderr sip-parse --calls --json -C A3C47F21456789F0 "$P"
	[ "$output" = '{"protocol":"MGCP","call_id":"A3C47F21456789F0","from":"192.0.2.10:2727","to":"aaln/1@gw.example.net","start":"2023-11-14T22:13:29.009123Z","duration":5.005,"state":"DELETED","status":250,"messages":6,"connections":0,"connections_created":1,"endpoints_several":false}' ]
}

@test "sip-parse: --port narrows MGCP as it does SIP, and --body writes the SDP inside MGCP" {
	run -0 --separate-stderr sip-parse -c --port 2500 "$P"
	[ "$output" = 2 ]
	run -0 --separate-stderr sip-parse --body -X CRCX "$P"
	# the CRCX's (the remote side) and its 200's (the gateway's)
	[ "$(printf '%s\n' "$output" | grep -c '^v=0')" -eq 2 ]
	[[ "$output" == *"m=audio 49170 RTP/AVP 0"*"m=audio 3456 RTP/AVP 0"* ]]
}

@test "mgcp: the shipped tests/fixtures/pcap/mgcp.pcap is mkpcap.py's mgcp capture" {
	cmp "$P" "$TESTS_DIR/fixtures/pcap/mgcp.pcap"
}

@test "sdp-lint: checks the SDP inside MGCP messages of a capture, placed by frame and line in the message" {
	run -0 --separate-stderr sdp-lint "$P"
	# the MDCX's offer (frame 12) has RTP on an odd port, line 11 of it
	[ "$output" = "$P:frame 12:11:9: warning: RTP on odd port 49171; RTCP would take the next port (use an even one, or a=rtcp-mux) [rtp-port-odd]" ]
	run -1 --separate-stderr sdp-lint --strict "$P"
	# the CRCX's, its 200's and the MDCX's SDP: three bodies, all read
	run -0 --separate-stderr sdp-lint --json -Wall "$P"
	[ "$(printf '%s\n' "$output" | grep -c '"frame":12,')" -ge 1 ]
}

@test "sdp-lint: an MGCP message file, piggy-backed messages included, is checked with lines of the file" {
	local f="$TESTS_DIR/fixtures/mgcp/crcx.mgcp"
	run -1 --separate-stderr sdp-lint "$f"
	[ "$output" = "$f:13:23: error: dynamic payload type 97 has no 'a=rtpmap:97' line [rtpmap-missing]" ]
	# the same SDP through sip-parse --body from a capture is clean
	run -0 --separate-stderr sh -c 'sip-parse -X CRCX --body "$1" | sdp-lint -' sh "$P"
	[ "$output" = "" ]
	printf 'CRCX 1 a@gw MGCP 1.0\r\nC: 1\r\n\r\nv=0\r\n.\r\nhello\r\n' > "$BATS_TEST_TMPDIR/bad.mgcp"
	run -1 --separate-stderr sdp-lint "$BATS_TEST_TMPDIR/bad.mgcp"
	[[ "$stderr" == *"bad.mgcp:6:1: not an MGCP command or response line"* ]]
}

@test "sip-parse: MGCP in HEP3 is read by its protocol type (6), piggy-backed messages too, and by content under SIP's type" {
	python3 "$TESTS_DIR/helper/mkpcap.py" hep3mgcp "$T/h.pcap"
	run -0 --separate-stderr sip-parse -f frame.number,src,sport,protocol,method,status,mgcp.txid,call_id "$T/h.pcap"
	# XYZW is no verb MGCP names: only the HEP type makes it MGCP
	[ "$output" = "$(tab 1 192.0.2.1 5062 MGCP XYZW '' 77 h1)
$(tab 2 192.0.2.1 5062 MGCP '' 200 77 '')
$(tab 2 192.0.2.1 5062 MGCP CRCX '' 78 h1)
$(tab 3 192.0.2.1 5062 SIP OPTIONS '' '' call-1@example.com)
$(tab 4 192.0.2.1 5062 MGCP DLCX '' 79 h1)" ]
	run -0 --separate-stderr sip-parse -v -c "$T/h.pcap"
	[[ "$stderr" == *"4 packets, 1 SIP messages (0 TCP retransmissions, 0 reordered, 0 IP fragments, 4 HEP,"* ]]
	[[ "$stderr" == *"h.pcap: 4 MGCP messages"* ]]
	sip-parse --json -X XYZW "$T/h.pcap" 2>/dev/null | grep -q '"hep":true}.*"protocol":"MGCP"'
	# --port applies to the addresses HEP carries, MGCP's included
	run -0 --separate-stderr sip-parse -c --port 5063 "$T/h.pcap"
	[ "$output" = 0 ]
}

# hep_mgcp PROTO: mgcp.pcap through --hep-out to tests/helper/hepsink.py
hep_mgcp() {
	local pid
	rm -f "$T/port"
	python3 "$TESTS_DIR/helper/hepsink.py" "$1" "$T/port" "$T/hep.pcap" \
	    "$T/hep.txt" 21 3>&- &
	pid=$!
	wait_for test -s "$T/port"
	sip-parse -q --hep-out "127.0.0.1:$(cat "$T/port")" --hep-transport "$1" "$P"
	wait "$pid"
}

@test "sip-parse: --hep-out sends MGCP with HEP3 protocol type 6, one packet a piggy-backed message; read back, it is the same (UDP and TCP)" {
	local proto
	for proto in udp tcp; do
		hep_mgcp "$proto"
		# the test's own HEP3 decoder: SIP (frame 1) is type 1, MGCP 6
		[ "$(cut -f9 "$T/hep.txt" | sort | uniq -c | tr -s ' ')" = " 1 1
 20 6" ]
		[ "$(sed -n 2p "$T/hep.txt" | cut -f1-9)" = "$(tab 2 17 192.0.2.20 2427 192.0.2.10 2727 1700000001 1123 6)" ]
		# frame 14's two messages went as two packets
		grep -q "'200 2002 OK\\\\r\\\\n'" "$T/hep.txt"
		grep -q "^.*'DLCX 1005 " "$T/hep.txt"
		diff -u <(sip-parse --full "$P" 2>/dev/null | sed 's/^# frame [0-9]* /# frame /') \
		    <(sip-parse --full "$T/hep.pcap" 2>/dev/null | sed 's/^# frame [0-9]* /# frame /')
	done
}

@test "sip-parse: reads MGCP from a message file and standard input by content, piggy-backed messages each on their own" {
	local f="$TESTS_DIR/fixtures/mgcp/crcx.mgcp"
	run -0 --separate-stderr sip-parse "$f"
	[ "$output" = "$(tab MGCP 200 2002 OK '')
$(tab MGCP CRCX 1003 aaln/1@gw.example.net A3C47F21456789F0)
$(tab MGCP 200 1003 OK '')" ]
	# the same through a pipe; the SDP is each message's body, to its end
	run -0 --separate-stderr sh -c 'sip-parse -f index,protocol,method,status,mgcp.txid,body_length - < "$1"' sh "$f"
	[ "$output" = "$(tab 1 MGCP '' 200 2002 0)
$(tab 2 MGCP CRCX '' 1003 100)
$(tab 3 MGCP '' 200 1003 98)" ]
	# --body: the CRCX's SDP as sdp-lint reads it from the MGCP file
	# (-X CRCX takes its 200 too, whose SDP follows)
	run -0 --separate-stderr sh -c 'sip-parse -X CRCX --body "$1" | tr -d "\r"' sh "$f"
	[ "${lines[0]}" = "v=0" ]
	[ "${lines[5]}" = "m=audio 49170 RTP/AVP 97" ]
	[ "${lines[6]}" = "v=0" ] && [ "${#lines[@]}" -eq 12 ]
}

@test "sip-parse: SIP and MGCP mixed in one text file: each message ends where the next starts, --calls groups both" {
	printf 'CRCX 1 aaln/1@gw MGCP 1.0\r\nC: abc\r\n\r\nv=0\r\nc=IN IP4 192.0.2.4\r\n\r\n200 1 OK\r\nI: K1\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\nDLCX 2 aaln/1@gw MGCP 1.0\r\nC: abc\r\n.\r\n250 2 OK\r\n\r\nSIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' > "$T/mix.txt"
	run -0 --separate-stderr sip-parse -f index,protocol,method,status,call_id,body_length "$T/mix.txt"
	[ "$output" = "$(tab 1 MGCP CRCX '' abc 25)
$(tab 2 MGCP '' 200 '' 0)
$(tab 3 SIP OPTIONS '' x1 0)
$(tab 4 MGCP DLCX '' abc 0)
$(tab 5 MGCP '' 250 '' 0)
$(tab 6 SIP '' 200 x1 0)" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr sip-parse -c "$T/mix.txt"
	[ "$output" = 6 ]
	# a response from a file answers the command before it (no addresses)
	run -0 --separate-stderr sip-parse --calls "$T/mix.txt"
	[ "${lines[2]}" = "$(tab abc '' aaln/1@gw 1970-01-01T00:00:00.000000Z 0.000 'DELETED 250' 4)" ]
	run -0 --separate-stderr sip-parse -f index,status -X DLCX "$T/mix.txt"
	[ "$output" = "$(tab 4 '')
$(tab 5 250)" ]
}

@test "sip-parse: a SIP message without Content-Length in a text file ends where the next SIP or MGCP message starts, flagged; the last runs to the end" {
	need jq
	# no Content-Length: an OPTIONS with no body, an INVITE whose SDP runs
	# straight into an MGCP command, a NOTIFY whose sipfrag body starts
	# with its own status line, then a 180 whose body is the rest
	printf 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: n1\r\nCSeq: 1 OPTIONS\r\n\r\n\r\nINVITE sip:b@c SIP/2.0\r\nCall-ID: n2\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\nv=0\r\ns=-\r\nCRCX 1 aaln/1@gw MGCP 1.0\r\nC: abc\r\n\r\nNOTIFY sip:a@b SIP/2.0\r\nCall-ID: n3\r\nCSeq: 2 NOTIFY\r\nContent-Type: message/sipfrag\r\n\r\nSIP/2.0 200 OK\r\n\r\nSIP/2.0 180 Ringing\r\nCall-ID: n4\r\nCSeq: 1 INVITE\r\n\r\nhello\r\nINVITE x\r\n' > "$T/nocl.txt"
	run -0 --separate-stderr sip-parse -f protocol,method,status,call_id,body_length "$T/nocl.txt"
	[ "$output" = "$(tab SIP OPTIONS '' n1 0)
$(tab SIP INVITE '' n2 10)
$(tab MGCP CRCX '' abc 0)
$(tab SIP NOTIFY '' n3 16)
$(tab SIP '' 180 n4 17)" ]
	[ "$stderr" = "sip-parse: warning: $T/nocl.txt:6:1: no Content-Length: the body ends where the next message starts (shown, flagged malformed)
sip-parse: warning: $T/nocl.txt:13:1: no Content-Length: the body ends where the next message starts (shown, flagged malformed)
sip-parse: warning: $T/nocl.txt:23:1: no Content-Length: the body ends where the next message starts (shown, flagged malformed)" ]
	# the same through a pipe, and each body as it was
	run -0 --separate-stderr sh -c 'cat "$1" | sip-parse -X NOTIFY --body -' sh "$T/nocl.txt"
	[ "$output" = "$(printf 'SIP/2.0 200 OK\r')" ]
	run -0 --separate-stderr sip-parse -j -C n2 "$T/nocl.txt"
	[ "$(printf '%s' "$output" | jq -c '[.body, .errors]')" = '["v=0\r\ns=-\r\n",["no Content-Length: the body ends where the next message starts"]]' ]
	run -0 --separate-stderr sip-parse --calls "$T/nocl.txt"
	[ "${#lines[@]}" -eq 6 ]
	run -1 --separate-stderr sip-parse --strict -f call_id "$T/nocl.txt"
	[[ "$stderr" == "sip-parse: $T/nocl.txt:6:1: no Content-Length: the body ends where the next message starts"* ]]
}

@test "sip-parse: junk before an MGCP command or response line is skipped the same way from a capture and a message file, with a warning" {
	# two bytes left over before a CRCX, an "x" glued to its 200, as SIP's
	# DBREGISTER; "1200 7 OK" is no junk before a 200: a code follows no digit
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkpcap as m
c = b"\0\0CRCX 7 aaln/1@gw MGCP 1.0\r\nC: j1\r\n"
r = b"x200 7 OK\r\nI: 5\r\n"
f = lambda t, a, b: m.eth(m.ip4(m.udp(t, a, b)))
open(sys.argv[2], "wb").write(m.pcap([f(c, 2727, 2427), f(r, 2427, 2727),
    f(b"1200 7 OK\r\n", 2427, 2727)]))
open(sys.argv[3], "wb").write(c + b".\r\n" + r)
open(sys.argv[4], "wb").write(b"1200 7 OK\r\n")' "$TESTS_DIR/helper" "$T/junk.pcap" "$T/junk.txt" "$T/num.txt"
	run -1 --separate-stderr sip-parse -f frame.number,method,status,mgcp.txid,call_id "$T/junk.pcap"
	[ "$output" = "$(tab 1 CRCX '' 7 j1)
$(tab 2 '' 200 7 '')" ]
	[ "$stderr" = "sip-parse: warning: $T/junk.pcap: packet 1: 2 bytes before the start line skipped
sip-parse: warning: $T/junk.pcap: packet 2: 1 bytes before the start line skipped
sip-parse: warning: $T/junk.pcap: packet 3: not an MGCP command or response line
sip-parse: warning: $T/junk.pcap: 1 MGCP messages skipped: no MGCP command or response line" ]
	run -0 --separate-stderr sip-parse -f method,status,mgcp.txid,call_id "$T/junk.txt"
	[ "$output" = "$(tab CRCX '' 7 j1)
$(tab '' 200 7 '')" ]
	[ "$stderr" = "sip-parse: warning: $T/junk.txt:1:1: 2 bytes before the start line skipped
sip-parse: warning: $T/junk.txt:4:1: 1 bytes before the start line skipped" ]
	run -1 --separate-stderr sip-parse "$T/num.txt"
	[ "$output" = "" ]
	[ "$stderr" = "sip-parse: $T/num.txt:1:8: request line does not end in a SIP version" ]
}

@test "sip-parse: an MGCP message from a file that breaks the grammar is shown, flagged at its line and column; --strict makes it an error" {
	printf 'DLCX 2 aaln/1@gw MGCP 1.0\r\nC: abc\r\nI 7\r\n' > "$T/bad.mgcp"
	run -0 --separate-stderr sip-parse -f method,call_id "$T/bad.mgcp"
	[ "$output" = "$(tab DLCX abc)" ]
	[ "$stderr" = "sip-parse: warning: $T/bad.mgcp:3:1: MGCP parameter line without ':' (shown, flagged malformed)" ]
	run -0 --separate-stderr sip-parse --json "$T/bad.mgcp"
	[[ "$output" == *'"protocol":"MGCP"'*'"errors":["MGCP parameter line without '"':'"'"]'* ]]
	run -1 --separate-stderr sip-parse --strict "$T/bad.mgcp"
	[ "$stderr" = "sip-parse: $T/bad.mgcp:3:1: MGCP parameter line without ':'" ]
}

@test "sip-parse --stats: MGCP commands by verb, responses by class, retransmissions (same verb or code and transaction id) and the capture's own duplicates" {
	run -0 --separate-stderr sip-parse --stats "$P"
	[[ "$output" == *"$(printf '\nMGCP messages\t20\ncommands\t10\nresponses\t10\nretransmissions\t0\nduplicates\t0\n')"* ]]
	[[ "$output" == *"$(printf '\nMGCP verb\tcount\nRSIP\t1\nAUEP\t1\nRQNT\t1\nNTFY\t2\nCRCX\t3\nMDCX\t1\nDLCX\t1\n')"* ]]
	[[ "$output" == *"$(printf '\nMGCP response class\tcount\n2xx\t9\n5xx\t1')" ]]
	# SIP's counts leave MGCP out: frame 1 is the only SIP message
	[ "${lines[0]}" = "$(tab messages 1)" ]
	# a CRCX sent again after 1 s (retransmission) and copied by the
	# capture within 1 ms (duplicate), its 200 sent twice, a new command
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkpcap as m
def f(t, a, b):
    return m.eth(m.ip4(m.udp(t, a, b)))
c = b"CRCX 500 aaln/1@gw MGCP 1.0\r\nC: r1\r\n"
r = b"200 500 OK\r\nI: 9\r\n"
open(sys.argv[2], "wb").write(m.pcap([f(c, 2727, 2427), f(c, 2727, 2427),
    f(c, 2727, 2427), f(r, 2427, 2727), f(r, 2427, 2727),
    f(b"DLCX 501 aaln/1@gw MGCP 1.0\r\nC: r1\r\n", 2727, 2427)],
    usec=[0, 1000000, 1000400, 1500000, 2500000, 3000000]))' "$TESTS_DIR/helper" "$T/re.pcap"
	run -0 --separate-stderr sip-parse --stats --json "$T/re.pcap"
	python3 - "$output" <<-'EOF'
	import json, sys
	g = json.loads(sys.argv[1])["mgcp"]
	assert g == {"messages": 3, "commands": 2, "responses": 1,
	             "retransmissions": 2, "duplicates": 1,
	             "verbs": {"CRCX": 1, "DLCX": 1}, "classes": {"2xx": 1}}, g
	EOF
	# a SIP-only capture's --stats has no MGCP tables
	python3 "$TESTS_DIR/helper/mkpcap.py" eth "$T/eth.pcap"
	run -0 --separate-stderr sip-parse --stats "$T/eth.pcap"
	[[ "$output" != *MGCP* ]]
}

@test "sip-parse --flow: an MGCP call's messages as a ladder, a response labelled by its command's transaction id; from a file too" {
	run -0 --separate-stderr sip-parse --flow=A3C47F21456789F0 "$P"
	[ "$output" = "Call-ID: A3C47F21456789F0
                    192.0.2.10:2727           192.0.2.20:2427
22:13:29.009123 +0.000000  |------- CRCX 1003 ------>|
22:13:30.010123 +1.001000  |<----- 200 1003 OK ------|
22:13:31.011123 +1.001000  |------- MDCX 1004 ------>|
22:13:32.012123 +1.001000  |<----- 200 1004 OK ------|
22:13:33.013123 +1.001000  |------- DLCX 1005 ------>|
22:13:34.014123 +1.001000  |<----- 250 1005 OK ------|" ]
	# every call, SIP and MGCP; the transport on each arrow with details
	run -0 --separate-stderr sip-parse --flow --flow-detail "$P"
	[ "$(printf '%s\n' "$output" | grep -c '^Call-ID: ')" -eq 4 ]
	[[ "$output" == *"Call-ID: B0B0"*"CRCX 1006 [UDP]"*"510 1006 protocol error [UDP]"* ]]
	run -0 --separate-stderr sip-parse --flow=A3C47F21456789F0 --svg "$T/f.svg" "$P"
	grep -q 'CRCX 1003' "$T/f.svg"
	run -0 --separate-stderr sip-parse --flow=A3C47F21456789F0 "$TESTS_DIR/fixtures/mgcp/crcx.mgcp"
	[[ "$output" == *"client"*"server"*"CRCX 1003"*"200 1003 OK"* ]]
}

@test "sip-parse: MGCP text in a TCP stream is not read as MGCP: RFC 3435 defines UDP only, and the man page says so" {
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkpcap as m
c = b"CRCX 500 aaln/1@gw MGCP 1.0\r\nC: t1\r\n"
open(sys.argv[2], "wb").write(m.pcap([m.eth(m.ip4(m.tcp(c, 1, 2727, 2427), proto=6)),
    m.eth(m.ip4(m.udp(c, 2727, 2427)))]))' "$TESTS_DIR/helper" "$T/tcp.pcap"
	run -0 --separate-stderr sip-parse -f frame.number,frame.transport,protocol,method "$T/tcp.pcap"
	[ "$output" = "$(tab 2 UDP MGCP CRCX)" ]
	grep -q "RFC 3435 defines MGCP over UDP only" "$ROOT/man/sip-parse.1"
}
