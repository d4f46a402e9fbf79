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
