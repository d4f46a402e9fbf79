# sip-send.bats - sip-send against sip-serve on loopback, every transport,
# authentication, timers, output modes and exit statuses.
load helpers
load net

setup_file() {
	export SERVE_DIR="$BATS_FILE_TMPDIR"
	make_cert "$BATS_FILE_TMPDIR/tls"
	printf 'alice:alice-secret\n# comment\nbob:bob-secret\n' > "$BATS_FILE_TMPDIR/users"
	start_serve main -l udp:127.0.0.1:0 -l tcp:127.0.0.1:0 \
	    -l tls:127.0.0.1:0 -l ws:127.0.0.1:0 -l wss:127.0.0.1:0 -l tls:127.0.0.2:0 \
	    --cert "$BATS_FILE_TMPDIR/tls/cert.pem" --key "$BATS_FILE_TMPDIR/tls/key.pem" \
	    --users "$BATS_FILE_TMPDIR/users" --realm sipbox.test
	# PUBLISH's 183 rings (--ring) longer than any test
	start_serve codes -l udp:127.0.0.1:0 -r OPTIONS=503 -r INVITE=486 \
	    -r INFO=302 --contact sip:moved@127.0.0.1 -r BYE=603 \
	    -r PUBLISH=183 --ring 3600
}

teardown_file() {
	stop_serve main
	stop_serve codes
	stop_serve s
}

teardown() {
	if [ -n "${TMUX_SOCK:-}" ]; then
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	fi
	if [ -n "${ODD_PID:-}" ]; then
		kill "$ODD_PID" 2>/dev/null || true
	fi
	if [ -n "${MC_NS:-}" ]; then
		ip netns del "$MC_NS" 2>/dev/null || true
	fi
	kill_pidfiles	# blackhole_udp's sink
}

# odd_uas MODE [OUT]: start tests/helper/odd-uas.py for 30 s (killed by
# teardown), and set ODD_PORT to its port
odd_uas() {
	python3 "$ROOT/tests/helper/odd-uas.py" "$1" "$BATS_TEST_TMPDIR/odd.port" 30 \
	    "${2:-}" 3>&- &
	ODD_PID=$!
	wait_for test -s "$BATS_TEST_TMPDIR/odd.port"
	ODD_PORT=$(cat "$BATS_TEST_TMPDIR/odd.port")
}

setup() {
	SERVE_DIR="$BATS_FILE_TMPDIR"
	U=$(serve_addr main udp)
	T=$(serve_addr main tcp)
	S=$(serve_addr main tls)
	W=$(serve_addr main ws)
	WS=$(serve_addr main wss)
	CA="$BATS_FILE_TMPDIR/tls/cert.pem"
}

@test "sip-send: OPTIONS over UDP gets 200, printed as the status line" {
	run -0 "$SIPBOX" sip-send "sip:$U"
	[ "$output" = "SIP/2.0 200 OK" ]
}

@test "sip-send: TCP, TLS (verified with --cacert), WS and WSS all get 200" {
	run -0 "$SIPBOX" sip-send "tcp:$T"
	[ "$output" = "SIP/2.0 200 OK" ]
	run -0 "$SIPBOX" sip-send --cacert "$CA" "tls:$S"
	[ "$output" = "SIP/2.0 200 OK" ]
	run -0 "$SIPBOX" sip-send "ws://$W/"
	[ "$output" = "SIP/2.0 200 OK" ]
	run -0 "$SIPBOX" sip-send --cacert "$CA" "wss://$WS/sip"
	[ "$output" = "SIP/2.0 200 OK" ]
	run -0 "$SIPBOX" sip-send --cacert "$CA" "sip:${S};transport=tls"
	run -0 "$SIPBOX" sip-send --cacert "$CA" -t tcp "$T"
}

@test "sip-send: sips: means TLS and the Request-URI stays sips" {
	run -0 "$SIPBOX" sip-send -v --cacert "$CA" "sips:$S"
	[[ "$output" == *"> OPTIONS sips:$S SIP/2.0"* ]]
	[[ "$output" == *"TLS sent"* ]]
}

@test "sip-send: an unverifiable TLS certificate is exit 8 with the reason; -k skips the check" {
	run -8 "$SIPBOX" sip-send "tls:$S"
	[[ "$output" == *"certificate verification failed"* ]]
	run -0 "$SIPBOX" sip-send -k "tls:$S"
	run -8 "$SIPBOX" sip-send "wss://$WS/"
}

@test "sip-send: -k says once on stderr that certificate checks are off, and nothing over UDP or with -q" {
	run -0 --separate-stderr "$SIPBOX" sip-send -k -c 2 --interval 0.01 "tls:$S"
	[ "$stderr" = "sip-send: warning: --insecure: the server's certificate and name are not verified" ]
	run -0 --separate-stderr "$SIPBOX" sip-send -k "sip:$U"
	[ -z "$stderr" ]
	run -0 --separate-stderr "$SIPBOX" sip-send -k -q "tls:$S"
	[ -z "$stderr" ]
}

@test "sip-send: the TLS host name is checked against the certificate" {
	# the certificate names localhost and 127.0.0.1, not 127.0.0.2
	run -0 "$SIPBOX" sip-send --cacert "$CA" "tls:localhost:${S##*:}"
	# a listener on 127.0.0.2 with the same certificate: wrong address
	local other
	other=$(awk '$1 == "tls" && $2 ~ /^127.0.0.2:/ { print $2 }' "$SERVE_DIR/main.ports")
	run -8 "$SIPBOX" sip-send --cacert "$CA" "tls:$other"
	[[ "$output" == *"certificate verification failed"* ]]
	run -0 "$SIPBOX" sip-send -k "tls:$other"
}

@test "sip-send: SSLKEYLOGFILE gets the TLS secrets, in a file only its owner reads" {
	umask 022
	SSLKEYLOGFILE="$BATS_TEST_TMPDIR/keys" run -0 "$SIPBOX" sip-send --cacert "$CA" "tls:$S"
	grep -qE '^(CLIENT_RANDOM|CLIENT_TRAFFIC_SECRET_0) ' "$BATS_TEST_TMPDIR/keys"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/keys")" = 600 ]
}

@test "sip-send: final response classes become exit 3, 4, 5, 6" {
	local C
	C=$(serve_addr codes udp)
	run -5 "$SIPBOX" sip-send "sip:$C"
	[ "$output" = "SIP/2.0 503 Service Unavailable" ]
	run -4 "$SIPBOX" sip-send -X INVITE "sip:$C"
	run -3 "$SIPBOX" sip-send -X INFO "sip:$C"
	run -6 "$SIPBOX" sip-send -X BYE "sip:$C"
	run -5 "$SIPBOX" sip-send -X UPDATE "sip:$C"
	[ "$output" = "SIP/2.0 501 Not Implemented" ]
}

@test "sip-send: a final response that cannot be printed is exit 9, not its class" {
	local C
	[ -w /dev/full ] || skip "no /dev/full"
	C=$(serve_addr codes udp)
	run -9 --separate-stderr bash -c '"$1" sip-send "sip:$2" > /dev/full' _ "$SIPBOX" "$C"
	[ "$stderr" = "sip-send: write error on standard output" ]
	run -9 --separate-stderr bash -c '"$1" sip-send --json -X INVITE "sip:$2" > /dev/full' _ "$SIPBOX" "$C"
}

@test "sip-send: MESSAGE with a body reaches the server, which prints it" {
	run -0 "$SIPBOX" sip-send -X MESSAGE -d 'hello there' "sip:bob@$U"
	wait_for grep -q 'hello there' "$SERVE_DIR/main.out"
	grep 'MESSAGE from' "$SERVE_DIR/main.out" | grep -q 'hello there'
}

@test "sip-send: -d @FILE and -d @- read the body; Content-Type follows it" {
	printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n' > "$BATS_TEST_TMPDIR/offer.sdp"
	run -0 "$SIPBOX" sip-send -n -X INVITE -d "@$BATS_TEST_TMPDIR/offer.sdp" "sip:bob@$U"
	[[ "$output" == *"Content-Type: application/sdp"* ]]
	[[ "$output" == *"Content-Length: $(wc -c < "$BATS_TEST_TMPDIR/offer.sdp")"* ]]
	run -0 bash -c "printf hi | '$SIPBOX' sip-send -n -X MESSAGE -d @- sip:bob@$U"
	[[ "$output" == *"Content-Type: text/plain"* ]]
	[[ "$output" == *"Content-Length: 2"* ]]
	[[ "$output" == *$'\r\n\r\nhi' ]]
}

@test "sip-send: --dry-run builds RFC 3261 UAC headers and sends nothing" {
	"$SIPBOX" sip-send -n "sip:$U" > "$BATS_TEST_TMPDIR/req.sip"
	[ "$(head -1 "$BATS_TEST_TMPDIR/req.sip")" = "OPTIONS sip:$U SIP/2.0"$'\r' ]
	run -0 "$SIPBOX" sip-parse -f via.branch,cseq,from.tag,call-id,max-forwards,content-length "$BATS_TEST_TMPDIR/req.sip"
	[[ "$output" == z9hG4bK* ]]
	[[ "$output" == *$'\t1 OPTIONS\t'* ]]
	[[ "$output" == *$'\t70\t0' ]]
	grep -q '^Via: SIP/2.0/UDP .*;rport' "$BATS_TEST_TMPDIR/req.sip"
	grep -q '^Contact: <sip:sipbox@' "$BATS_TEST_TMPDIR/req.sip"
	grep -q '^User-Agent: sipbox/' "$BATS_TEST_TMPDIR/req.sip"
	run -0 "$SIPBOX" sip-parse --strict "$BATS_TEST_TMPDIR/req.sip"
}

@test "sip-send: -H adds headers and replaces built-in ones, long or compact" {
	run -0 "$SIPBOX" sip-send -n -H 'User-Agent: test-agent' -H 'X-Test: 1' \
	    -H 'f: <sip:x@example.com>;tag=abc' "sip:$U"
	[[ "$output" == *"User-Agent: test-agent"* ]]
	[[ "$output" != *"sipbox/"* ]]
	[[ "$output" == *"X-Test: 1"* ]]
	[ "$(grep -ciE '^(from|f):' <<<"$output")" -eq 1 ]
}

@test "sip-send: -F sends a hand-written message with placeholders and a fixed Content-Length" {
	cat > "$BATS_TEST_TMPDIR/tpl.sip" <<-'T'
	MESSAGE sip:bob@[remote_ip]:[remote_port] SIP/2.0
	Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
	Max-Forwards: 70
	From: <sip:alice@example.com>;tag=[from_tag]
	To: <sip:bob@example.com>
	Call-ID: [call_id]
	CSeq: [cseq] MESSAGE
	Content-Type: text/plain
	Content-Length: 999

	from a template
	T
	run -0 "$SIPBOX" sip-send -n -F "$BATS_TEST_TMPDIR/tpl.sip" "sip:$U"
	[[ "$output" == "MESSAGE sip:bob@127.0.0.1:${U##*:} SIP/2.0"* ]]
	[[ "$output" == *"Via: SIP/2.0/UDP 127.0.0.1:"*";branch=z9hG4bK"* ]]
	[[ "$output" == *"Content-Length: 16"* ]]
	[ "$(grep -c '^Content-Length:' <<<"$output")" -eq 1 ]
	run -0 "$SIPBOX" sip-send -F "$BATS_TEST_TMPDIR/tpl.sip" "sip:$U"
	[ "$output" = "SIP/2.0 200 OK" ]
	wait_for grep -q 'from a template' "$SERVE_DIR/main.out"
}

@test "sip-send: a -F message that does not parse is exit 1 naming file, line, column and reason, and nothing is sent" {
	printf 'OPTIONS sip:bob@[remote_ip] SIP/2.0\nVia: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]\nthis line has no colon\nCall-ID: [call_id]\n\n' \
	    > "$BATS_TEST_TMPDIR/bad.sip"
	run -1 --separate-stderr "$SIPBOX" sip-send -F "$BATS_TEST_TMPDIR/bad.sip" "sip:$U"
	[ "$stderr" = "sip-send: $BATS_TEST_TMPDIR/bad.sip:3:1: header line has no colon" ]
	[ -z "$output" ]
	run -1 --separate-stderr "$SIPBOX" sip-send -n -F - "sip:$U" < "$BATS_TEST_TMPDIR/bad.sip"
	[ "$stderr" = "sip-send: <stdin>:3:1: header line has no colon" ]
}

@test "sip-send: digest authentication answers the 401 and registers" {
	SIPBOX_PASSWORD=alice-secret run -0 "$SIPBOX" sip-send -X REGISTER -u alice \
	    --to sip:alice@127.0.0.1 --contact "sip:alice@127.0.0.1:5999" "sip:$U"
	[ "$output" = "SIP/2.0 200 OK" ]
}

@test "sip-send: a wrong password ends with the 401 and exit 4, without a loop" {
	SIPBOX_PASSWORD=wrong run -4 "$SIPBOX" sip-send -v -X REGISTER -u alice \
	    --to sip:alice@127.0.0.1 "sip:$U"
	[ "$(grep -c '^> REGISTER' <<<"$output")" -eq 2 ]
	[[ "$output" == *"CSeq: 2 REGISTER"* ]]
}

@test "sip-send: -v never shows the password, and masks the digest response" {
	SIPBOX_PASSWORD=alice-secret run -0 "$SIPBOX" sip-send -v -X REGISTER -u alice \
	    --to sip:alice@127.0.0.1 "sip:$U"
	[[ "$output" != *alice-secret* ]]
	[[ "$output" == *'response="***"'* ]]
	[[ "$output" == *"> Authorization: Digest "* ]]
}

@test "sip-send: --password-file reads the password; no password and no terminal is a usage error" {
	printf 'bob-secret\n' > "$BATS_TEST_TMPDIR/pw"
	run -0 "$SIPBOX" sip-send -X REGISTER -u bob --password-file "$BATS_TEST_TMPDIR/pw" \
	    --to sip:bob@127.0.0.1 "sip:$U"
	run -2 setsid -w "$SIPBOX" sip-send -X REGISTER -u bob "sip:$U" </dev/null
	[[ "$output" == *SIPBOX_PASSWORD* ]]
}

@test "sip-send: a password file others may read is a warning, one others may write is refused, an empty one an error" {
	local pw=$BATS_TEST_TMPDIR/pw
	printf 'bob-secret\n' > "$pw"
	chmod 600 "$pw"
	run -0 --separate-stderr "$SIPBOX" sip-send -X REGISTER -u bob --password-file "$pw" \
	    --to sip:bob@127.0.0.1 "sip:$U"
	[ -z "$stderr" ]
	chmod 640 "$pw"
	run -0 --separate-stderr "$SIPBOX" sip-send -X REGISTER -u bob --password-file "$pw" \
	    --to sip:bob@127.0.0.1 "sip:$U"
	[ "$stderr" = "sip-send: warning: $pw: group or others may read this file of secrets (mode 0640): chmod 600 it" ]
	chmod 646 "$pw"
	run -1 "$SIPBOX" sip-send -X REGISTER -u bob --password-file "$pw" "sip:$U"
	[[ "$output" == *"anyone may write this file of secrets (mode 0646): refusing it"* ]]
	printf '\n' > "$pw"
	chmod 600 "$pw"
	run -1 "$SIPBOX" sip-send -X REGISTER -u bob --password-file "$pw" "sip:$U"
	[ "$output" = "sip-send: $pw: no password in the file" ]
	SIPBOX_PASSWORD= run -2 "$SIPBOX" sip-send -X REGISTER -u bob "sip:$U"
	[[ "$output" == *"SIPBOX_PASSWORD is empty"* ]]
}

# pane_has REGEX: the tmux pane on $TMUX_SOCK shows a line matching REGEX
pane_has() {
	tmux -S "$TMUX_SOCK" capture-pane -p -t pw | grep -Eq -- "$1"
}

@test "sip-send: Ctrl-C at the password prompt ends the run with status 130, sends nothing and leaves the terminal echoing" {
	need tmux
	local p
	p=$(blackhole_udp)
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	tmux -S "$TMUX_SOCK" new-session -d -s pw -x 120 -y 10 \
	    "trap '' INT; env -u SIPBOX_PASSWORD '$SIPBOX' sip-send -X REGISTER -u alice udp:127.0.0.1:$p; echo exit=\$?; stty -a | tr ' ' '\\n' | grep -xE -- '-?echo'; sleep 30"
	# (the shell ignores SIGINT so that it lives on to say what happened;
	# sip-send sets its own handler)
	wait_for pane_has '^Password for alice:'
	tmux -S "$TMUX_SOCK" send-keys -t pw C-c
	wait_for pane_has '^exit=130$'
	wait_for pane_has '^-?echo$'
	run -0 tmux -S "$TMUX_SOCK" capture-pane -p -t pw
	[[ "$output" == *$'\nexit=130\necho'* ]]
	[ ! -e "$BATS_TEST_TMPDIR/blackhole.count" ]
}

@test "sip-send: --password-file wins over SIPBOX_PASSWORD, with a warning that says so" {
	local pw=$BATS_TEST_TMPDIR/pw
	printf 'bob-secret\n' > "$pw"
	chmod 600 "$pw"
	SIPBOX_PASSWORD=not-bobs run -0 --separate-stderr "$SIPBOX" sip-send -X REGISTER \
	    -u bob --password-file "$pw" --to sip:bob@127.0.0.1 "sip:$U"
	[ "$output" = "SIP/2.0 200 OK" ]
	[ "$stderr" = "sip-send: warning: SIPBOX_PASSWORD is ignored: --password-file $pw is given" ]
	# and the other way round the file is what fails
	printf 'not-bobs\n' > "$pw"
	SIPBOX_PASSWORD=bob-secret run -4 --separate-stderr "$SIPBOX" sip-send -X REGISTER \
	    -u bob --password-file "$pw" --to sip:bob@127.0.0.1 "sip:$U"
}

@test "sip-send: SIPBOX_PASSWORD is wiped from the environment once read" {
	local p pid
	p=$(blackhole_udp)
	SIPBOX_PASSWORD=carol-secret "$SIPBOX" sip-send --timeout 5 -X REGISTER -u carol \
	    "udp:127.0.0.1:$p" 3>&- &
	pid=$!
	wait_for count_is 1 "$BATS_TEST_TMPDIR/blackhole.count"
	run -0 cat "/proc/$pid/environ"
	kill "$pid"
	[[ "$output" == *"SIPBOX_"* || "$output" == *"PATH="* ]]
	[[ "$output" != *carol-secret* ]]
}

@test "sip-send: a password in the target URI is a usage error that does not print it" {
	local u
	for u in "sip:alice:pw-in-uri@$U" "alice:pw-in-uri@$U" "udp:sip:alice:pw-in-uri@$U"; do
		run -2 --separate-stderr "$SIPBOX" sip-send -v "$u"
		[[ "$stderr" == "sip-send: the target URI has a password in it (RFC 3261 19.1.1): give the user alone, and the password in SIPBOX_PASSWORD or --password-file"* ]]
		[[ "$stderr$output" != *pw-in-uri* ]]
		run -2 --separate-stderr "$SIPBOX" sip-send --json "$u"
		[[ "$output" == '{"type":"error","error":"the target URI has a password in it'* ]]
		[[ "$stderr$output" != *pw-in-uri* ]]
	done
	# a user alone, an IPv6 reference, a port: no password
	run -0 "$SIPBOX" sip-send "sip:alice@$U"
}

@test "sip-send: -v traces every message with time, transport and peer, curl style" {
	run -0 "$SIPBOX" sip-send -v "tcp:$T"
	[[ "$output" == *"* connecting to $T over TCP"* ]]
	[[ "$output" == *"TCP sent "*" bytes to $T"* ]]
	[[ "$output" == *"> OPTIONS sip:$T;transport=tcp SIP/2.0"* ]]
	[[ "$output" == *"< SIP/2.0 200 OK"* ]]
	[[ "$output" == *"< Allow: "* ]]
}

@test "sip-send: -v shows the connection, the TLS session (version, cipher, certificate, verification) and the WebSocket upgrade, as curl -v does" {
	run -0 "$SIPBOX" sip-send -v --cacert "$CA" "tls:$S"
	[[ "$output" == *"* connected: 127.0.0.1:"*" -> $S over TLS"* ]]
	[[ "$output" == *"* TLS session: TLSv1."*", cipher "* ]]
	[[ "$output" == *"* server certificate: subject "*"; issuer "* ]]
	[[ "$output" == *"* certificate verified: ok"* ]]
	run -0 "$SIPBOX" sip-send -v -k "wss://$WS/sip"
	[[ "$output" == *"* certificate and name not verified (--insecure)"* ]]
	[[ "$output" == *"* WebSocket upgrade done: GET /sip, Host $WS, subprotocol sip"* ]]
	# a large request goes over TCP, and -v says why
	run -0 "$SIPBOX" sip-send -v -H "X-Pad: $(printf '%01400d' 0)" "sip:bob@${T}"
	[[ "$output" == *"over 1300: using TCP (RFC 3261 18.1.1)"* ]]
}

@test "sip-send: stdout has only the data; the trace goes to stderr" {
	"$SIPBOX" sip-send -v "sip:$U" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "SIP/2.0 200 OK" ]
	grep -q '^> OPTIONS' "$BATS_TEST_TMPDIR/err"
}

@test "sip-send: -w prints variables and headers of the answer" {
	run -0 "$SIPBOX" sip-send -w '%{status}|%{reason}|%{header.Server}|%{transport}|%{cseq}\n' "sip:$U"
	[[ "$output" == "200|OK|sipbox/"*"|UDP|1" ]]
	run -0 "$SIPBOX" sip-send -w '%{rtt_ms} %{call_id}' "sip:$U"
	[[ "$output" =~ ^[0-9]+\.[0-9]{3}\ [0-9a-f]+ ]]
}

@test "sip-send: --json writes one valid JSON object with the answer" {
	run -0 "$SIPBOX" sip-send --json "sip:$U"
	python3 -c 'import json,sys; o=json.loads(sys.argv[1]); assert o["status"]==200 and o["reason"]=="OK" and o["method"]=="OPTIONS" and o["exit"]==0 and o["rtt_ms"]>=0, o' "$output"
}

@test "sip-send: --expect and --match turn the answer into the exit status" {
	run -0 "$SIPBOX" sip-send --expect 200 "sip:$U"
	run -0 "$SIPBOX" sip-send --expect 2xx "sip:$U"
	run -1 "$SIPBOX" sip-send --expect 404 "sip:$U"
	run -0 "$SIPBOX" sip-send -X FOO --expect 5xx "sip:$U"
	run -0 "$SIPBOX" sip-send --match '^Allow: .*MESSAGE' "sip:$U"
	run -1 "$SIPBOX" sip-send --match 'NoSuchHeader' "sip:$U"
	run -2 "$SIPBOX" sip-send --expect 99 "sip:$U"
	run -2 "$SIPBOX" sip-send --match '(' "sip:$U"
}

@test "sip-send: -q keeps only errors, and in a ping run only the statistics" {
	run -0 "$SIPBOX" sip-send -q "sip:$U"
	[ -z "$output" ]
	run -0 "$SIPBOX" sip-send -q -c 3 --interval 0 "sip:$U"
	[ "$(grep -c 'seq=' <<<"$output")" -eq 0 ]
	[[ "$output" == *"3 requests sent, 3 responses received"* ]]
	run -0 "$SIPBOX" sip-send -q --json -c 3 --interval 0 "sip:$U"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'"type":"summary"'* ]]
	run -8 "$SIPBOX" sip-send -q "udp:127.0.0.1:$(free_port)"
	[[ "$output" == *"unreachable"* ]]
}

@test "sip-send: ping mode prints a line per reply and ping-style statistics" {
	run -0 "$SIPBOX" sip-send -c 5 --interval 0.01 "sip:$U"
	[ "$(grep -c '^200 OK from 127.0.0.1:.*seq=[1-5] time=' <<<"$output")" -eq 5 ]
	[[ "$output" == *"--- sip:$U ping statistics ---"* ]]
	[[ "$output" == *"5 requests sent, 5 responses received, 0.0% loss"* ]]
	[[ "$output" =~ rtt\ min/avg/max/mdev\ =\ [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+\ ms ]]
	[[ "$output" == *"responses: 200=5"* ]]
}

@test "sip-send: ping with --concurrency 20 keeps 20 requests unanswered at once, no more, and counts every answer" {
	# the peer answers nothing until 20 requests wait, so one at a time
	# gets no answer at all; then it watches 0.3 s for a 21st
	python3 "$ROOT/tests/helper/hold-uas.py" "$BATS_TEST_TMPDIR/hold.port" \
	    20 30 >"$BATS_TEST_TMPDIR/hold.out" 3>&- &
	local peer=$!
	wait_for test -s "$BATS_TEST_TMPDIR/hold.port"
	run -0 timeout 25 "$SIPBOX" sip-send -c 200 --interval 0 --concurrency 20 \
	    --timeout 10 --json "sip:127.0.0.1:$(cat "$BATS_TEST_TMPDIR/hold.port")"
	kill "$peer" 2>/dev/null || true
	wait "$peer" 2>/dev/null || true
	[ "$(cat "$BATS_TEST_TMPDIR/hold.out")" = "held 20, then 0 more in 0.3 s" ]
	python3 -c '
import json,sys
lines=[json.loads(l) for l in sys.argv[1].splitlines()]
s=lines[-1]; assert s["type"]=="summary" and s["sent"]==200 and s["received"]==200, s
assert s["codes"]=={"200":200}, s
assert len([l for l in lines if l["type"]=="response"])==200
assert len({l["call_id"] for l in lines[:-1]})==200' "$output"
}

@test "sip-send: nothing listening on a UDP port is exit 8 at once (ICMP), not a timeout" {
	local p
	p=$(free_port)
	run -8 "$SIPBOX" sip-send --timeout 20 "udp:127.0.0.1:$p"
	[[ "$output" == *"port unreachable"* ]]
	run -8 "$SIPBOX" sip-send --timeout 20 "tcp:127.0.0.1:$p"
	[[ "$output" == *"refused"* ]]
}

@test "sip-send: localhost tried on 127.0.0.1 first and refused there (ICMP) goes on to ::1" {
	need python3
	python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null ||
	    skip "no IPv6 loopback here"
	start_serve six -l 'udp:[::1]:0'
	local p
	p=$(serve_addr six udp); p=${p##*:}
	# sip-serve on [::1] only: nothing on 127.0.0.1 at that port
	run -0 "$SIPBOX" sip-send -v --timeout 20 "sip:localhost:$p"
	[[ "$output" == *"127.0.0.1:$p over UDP: port unreachable"*"trying the next address"* ]]
	[[ "$output" == *"UDP received "*" from [::1]:$p"* ]]
	[[ "$output" == *"SIP/2.0 200 OK"* ]]
	stop_serve six
}

@test "sip-send: a UDP response from another port than the request went to is taken, and -v says so" {
	local pf=$BATS_TEST_TMPDIR/other.port lp ap
	python3 "$TESTS_DIR/helper/otherport-uas.py" "$pf" &
	wait_for test -s "$pf"
	read -r lp ap < "$pf"
	run -0 "$SIPBOX" sip-send -v --timeout 5 "sip:127.0.0.1:$lp"
	kill %1 2>/dev/null || true
	wait || true
	[[ "$output" == *"response from 127.0.0.1:$ap, not 127.0.0.1:$lp where the request went: taken"* ]]
	[[ "$output" == *"SIP/2.0 200 OK"* ]]
}

# udp_twins HEXADDR: /proc/net/udp has a socket connect()ed to HEXADDR
# (as the kernel prints it, 0100007F:13C4) and an unconnected one on the
# same local port: lib/tpset's twin beside the socket it shares the port with
udp_twins() {
	awk -v to="$1" 'NR > 1 { split($2, l, ":"); port[$3] = port[$3] " " l[2] }
	    END { n = split(port[to], c, " ")
		  for (i = 1; i <= n; i++) if (index(port["00000000:0000"], " " c[i])) exit 0
		  exit 1 }' /proc/net/udp
}

@test "sip-send: UDP requests go over a socket connect()ed to the target, beside an unconnected one on its port for answers from elsewhere" {
	local hex pid
	[ -r /proc/net/udp ] || skip "no /proc/net/udp here"
	hex=$(printf '0100007F:%04X' "${U##*:}")
	"$SIPBOX" sip-send -q -c 100 --interval 0.05 "sip:$U" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	wait_for udp_twins "$hex"
	wait "$pid"
	grep -q '100 responses received' "$BATS_TEST_TMPDIR/out"
}

@test "sip-send: no answer is exit 7 after timer F; UDP retransmissions double from T1" {
	local p n
	p=$(blackhole_udp)
	run -7 "$SIPBOX" sip-send --t1 0.05 -w '%{retransmissions}' "udp:127.0.0.1:$p"
	# T1 = 50 ms: sends at 0, 50, 150, 350, 750, 1550, 3150, timer F at
	# 3200.  A late wakeup may lose the last one, never add one: 5 or 6.
	n=${output##*[!0-9]}
	[[ "$n" =~ ^[56]$ ]]
	wait_for count_is "$((n + 1))" "$BATS_TEST_TMPDIR/blackhole.count.times"
	# the receiver's clock: send k is never early (T1 * (2^k - 1), less
	# 10 ms of clock rounding) and at most 400 ms late; a fixed interval,
	# or doubling from the wrong start, misses by more
	awk 'NR == 1 { t0 = $1; next }
	    { want = 50 * (2 ^ (NR - 1) - 1); d = $1 - t0
	      if (d < want - 10 || d > want + 400) {
		printf "send %d at %d ms, want %d\n", NR - 1, d, want; bad = 1 } }
	    END { exit bad }' "$BATS_TEST_TMPDIR/blackhole.count.times"
}

@test "sip-send: --timeout ends the wait with exit 7" {
	local p
	p=$(blackhole_udp)
	run -7 "$SIPBOX" sip-send --timeout 0.2 "udp:127.0.0.1:$p"
	[[ "$output" == *"timeout"* ]]
}

@test "sip-send: --proxy sends to the proxy with a loose Route, keeping the Request-URI" {
	run "$SIPBOX" sip-send -v --proxy "sip:$U" sip:bob@example.invalid
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"> OPTIONS sip:bob@example.invalid SIP/2.0"* ]]
	[[ "$output" == *"> Route: <sip:$U;lr>"* ]]
	[[ "$output" == *"UDP sent "*" to $U"* ]]
}

@test "sip-send: IPv6 literals in brackets work end to end" {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1",0))' 2>/dev/null ||
	    skip "no IPv6 loopback here"
	start_serve v6 -l 'udp:[::1]:0' -l 'tcp:[::1]:0'
	local a t
	a=$(serve_addr v6 udp)
	t=$(serve_addr v6 tcp)
	run -0 "$SIPBOX" sip-send -v "sip:$a"
	[[ "$output" == *"Via: SIP/2.0/UDP [::1]:"* ]]
	run -0 "$SIPBOX" sip-send "tcp:$t"
	run -0 "$SIPBOX" sip-send -6 "sip:$a"
	run -2 "$SIPBOX" sip-send -4 -6 "sip:$a"
	stop_serve v6
}

@test "sip-send: an INVITE answered 200 is ACKed and ended with BYE" {
	start_serve call -l udp:127.0.0.1:0 -r INVITE=200 -r BYE=200 --json
	local a
	a=$(serve_addr call udp)
	run -0 "$SIPBOX" sip-send -v -X INVITE "sip:bob@$a"
	[[ "$output" == *"> ACK sip:"* ]]
	[[ "$output" == *"> BYE sip:"* ]]
	wait_for grep -q '"method":"BYE"' "$SERVE_DIR/call.out"
	run -0 "$SIPBOX" sip-send -v --no-bye -X INVITE "sip:bob@$a"
	[[ "$output" == *"> ACK sip:"* ]]
	[[ "$output" != *"> BYE sip:"* ]]
	stop_serve call
}

@test "sip-send: a forked INVITE's two 2xx get an ACK each, the extra fork a BYE, and a retransmitted 2xx its ACK again" {
	local pf=$BATS_TEST_TMPDIR/fork.port log=$BATS_TEST_TMPDIR/fork.log
	python3 "$TESTS_DIR/helper/fork-uas.py" "$pf" "$log" &
	wait_for test -s "$pf"
	run -0 "$SIPBOX" sip-send -X INVITE "sip:bob@127.0.0.1:$(cat "$pf")"
	[[ "$output" == "SIP/2.0 200 OK" ]]
	wait_for grep -q '^BYE fa$' "$log"
	kill %1 2>/dev/null || true
	wait || true
	cat "$log"
	[ "$(grep -c '^INVITE -$' "$log")" -eq 1 ]
	[ "$(grep -c '^ACK fa$' "$log")" -eq 2 ]
	[ "$(grep -c '^ACK fb$' "$log")" -eq 1 ]
	[ "$(grep -c '^BYE fb$' "$log")" -eq 1 ]
	[ "$(grep -c '^BYE fa$' "$log")" -eq 1 ]
}

# ring_uas: tests/helper/ring-uas.py, ringing for ever; RING is its URI
ring_uas() {
	python3 "$TESTS_DIR/helper/ring-uas.py" "$BATS_TEST_TMPDIR/ring.port" \
	    "$BATS_TEST_TMPDIR/ring.log" 3>&- &
	RING_PID=$!
	wait_for test -s "$BATS_TEST_TMPDIR/ring.port"
	RING="sip:bob@127.0.0.1:$(cat "$BATS_TEST_TMPDIR/ring.port")"
}

ring_done() {
	kill "$RING_PID" 2>/dev/null || true
	wait "$RING_PID" 2>/dev/null || true
}

@test "sip-send: an INVITE still ringing at --timeout is CANCELled, and the 487 is the answer (exit 4)" {
	ring_uas
	run -4 timeout 20 "$SIPBOX" sip-send -v -X INVITE --timeout 1 "$RING"
	ring_done
	[[ "$output" == *"< SIP/2.0 180 Ringing"*"> CANCEL $RING SIP/2.0"* ]]
	[[ "$output" == *"CSeq: 1 CANCEL"*"< SIP/2.0 487 Request Terminated"*"> ACK $RING"* ]]
	[ "$(tail -1 <<<"$output")" = "SIP/2.0 487 Request Terminated" ]
	grep -q '^CANCEL 1 CANCEL$' "$BATS_TEST_TMPDIR/ring.log"
}

@test "sip-send: an INVITE that only rings ends by Timer C (360*T1 after the last 180) with a CANCEL" {
	ring_uas
	# --t1 0.005: Timer C is 1.8 s
	run -4 timeout 20 "$SIPBOX" sip-send -X INVITE --t1 0.005 "$RING"
	ring_done
	[ "$output" = "SIP/2.0 487 Request Terminated" ]
	grep -q '^CANCEL 1 CANCEL$' "$BATS_TEST_TMPDIR/ring.log"
}

@test "sip-send: Ctrl-C during a ringing INVITE sends CANCEL and exits by the 487" {
	ring_uas
	"$SIPBOX" sip-send -v -X INVITE "$RING" >"$BATS_TEST_TMPDIR/out" \
	    2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! rc=0
	wait_for grep -q '^< SIP/2.0 180' "$BATS_TEST_TMPDIR/err"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	ring_done
	[ "$rc" -eq 4 ]
	grep -q '^> CANCEL ' "$BATS_TEST_TMPDIR/err"
	grep -q 'interrupted: cancelling the INVITE' "$BATS_TEST_TMPDIR/err"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "SIP/2.0 487 Request Terminated" ]
}

@test "sip-send: a tel: URI goes to --proxy (RFC 3966) as the Request-URI, and without a proxy is a usage error" {
	run -0 "$SIPBOX" sip-send -v --timeout 5 --proxy "sip:$U" tel:+15551234567
	[[ "$output" == *"UDP sent "*" bytes to $U"* ]]
	[[ "$output" == *"> OPTIONS tel:+15551234567 SIP/2.0"* ]]
	[[ "$output" == *"> To: <tel:+15551234567>"* ]]
	[[ "$output" == *"> Route: <sip:$U;lr>"* ]]
	[ "$(tail -1 <<<"$output")" = "SIP/2.0 200 OK" ]
	run -2 "$SIPBOX" sip-send tel:+15551234567
	[[ "$output" == *"a tel: URI has no host to send to: give --proxy"* ]]
	run -2 "$SIPBOX" sip-send --proxy "sip:$U" 'tel:not a number'
}

@test "sip-send: a Route given with -H is the next hop (RFC 3261 8.1.2), not the Request-URI's host" {
	# 192.0.2.1 (TEST-NET-1) answers nothing: only the Route's hop can
	run -0 "$SIPBOX" sip-send -v --timeout 3 -H "Route: <sip:$U;lr>" \
	    sip:bob@192.0.2.1
	[[ "$output" == *"UDP sent "*" bytes to $U"* ]]
	[[ "$output" == *"> OPTIONS sip:bob@192.0.2.1 SIP/2.0"* ]]
	[[ "$output" == *"> Route: <sip:$U;lr>"* ]]
	[ "$(grep -c '^> Route:' <<<"$output")" -eq 1 ]
	[ "$(tail -1 <<<"$output")" = "SIP/2.0 200 OK" ]
}

@test "sip-send: a 2xx that makes no dialog (33 Record-Route values, a bad Record-Route or Contact) is ACKed, ended with BYE, said, exit 8" {
	local m pf=$BATS_TEST_TMPDIR/rr.port log=$BATS_TEST_TMPDIR/rr.log
	for m in many badrr badcontact; do
		rm -f "$pf"
		python3 "$TESTS_DIR/helper/rr-uas.py" "$m" "$pf" "$log" 3>&- &
		wait_for test -s "$pf"
		run -8 --separate-stderr "$SIPBOX" sip-send -X INVITE --timeout 10 \
		    "sip:bob@127.0.0.1:$(cat "$pf")"
		kill %1 2>/dev/null || true
		wait || true
		[ "$output" = "SIP/2.0 200 OK" ]
		[[ "$stderr" == *"the 2xx makes no dialog"*"ACKed and the call ended with BYE"* ]]
		grep -q '^ACK 1 rr1$' "$log"
		grep -q '^BYE 2 rr1$' "$log"
	done
}

@test "sip-send: the ACK and BYE of a call go to its Record-Route, not the INVITE's next hop (loose, strict, by name: RFC 3261 12.2.1.1, RFC 3263)" {
	local m pf=$BATS_TEST_TMPDIR/rr.port log=$BATS_TEST_TMPDIR/rr.log p
	for m in loose strict named; do
		rm -f "$pf"
		python3 "$TESTS_DIR/helper/rr-uas.py" "$m" "$pf" "$log" 3>&- &
		wait_for test -s "$pf"
		p=$(cat "$pf")
		run -0 --separate-stderr "$SIPBOX" sip-send -v -X INVITE \
		    --timeout 10 "sip:bob@127.0.0.1:$p"
		kill %1 2>/dev/null || true
		wait || true
		[ "$output" = "SIP/2.0 200 OK" ]
		# the INVITE went to the UAS; the ACK and BYE to the route
		grep -q '^INVITE 1 -$' "$log"
		[ "$(grep -c '^ACK\|^BYE' "$log")" -eq 0 ]
		if [ "$m" != strict ]; then
			grep -q "^route ACK 1 rr1 sip:bob@127.0.0.1:$p\$" "$log"
			grep -q "^route BYE 2 rr1 sip:bob@127.0.0.1:$p\$" "$log"
			[[ "$stderr" == *"> Route: <sip:"*";lr>"* ]]
		else	# the strict router is the Request-URI, the target last
			grep -q '^route ACK 1 rr1 sip:127.0.0.1:[0-9]*$' "$log"
			grep -q '^route BYE 2 rr1 sip:127.0.0.1:[0-9]*$' "$log"
			[[ "$stderr" == *"> Route: <sip:bob@127.0.0.1:$p>"* ]]
		fi
	done
}

@test "sip-send: usage errors are exit 2 with a one-line reason" {
	run -2 "$SIPBOX" sip-send
	[[ "$output" == *"TARGET"* ]]
	run -2 "$SIPBOX" sip-send 'sip:'
	run -2 "$SIPBOX" sip-send 'tcp:127.0.0.1:99999'
	run -2 "$SIPBOX" sip-send -X 'BAD METHOD' "sip:$U"
	run -2 "$SIPBOX" sip-send -H 'NoColon' "sip:$U"
	run -2 "$SIPBOX" sip-send -t carrier-pigeon "$U"
	# --ack-body answers an offer in the 2xx: an INVITE without a body
	run -2 "$SIPBOX" sip-send --ack-body v=0 "sip:$U"
	run -2 "$SIPBOX" sip-send -X INVITE -d v=0 --ack-body v=0 "sip:$U"
	[[ "$output" == *"--ack-body"* ]]
}

@test "sip-send: a host name that does not resolve is exit 8" {
	run -8 "$SIPBOX" sip-send sip:no-such-host.invalid
	[[ "$output" == *"no-such-host.invalid"* ]]
}

@test "sip-send: a request over 1300 bytes goes over TCP unless UDP is asked for (RFC 3261 18.1.1)" {
	local p
	p=$(free_port)
	start_serve both -l "udp:127.0.0.1:$p" -l "tcp:127.0.0.1:$p"
	head -c 1400 /dev/zero | tr '\0' x > "$BATS_TEST_TMPDIR/big"
	run -0 "$SIPBOX" sip-send -v -X MESSAGE -d "@$BATS_TEST_TMPDIR/big" "sip:127.0.0.1:$p"
	[[ "$output" == *"over 1300: using TCP"* ]]
	[[ "$output" == *"Via: SIP/2.0/TCP "* ]]
	run -0 "$SIPBOX" sip-send -v -t udp -X MESSAGE -d "@$BATS_TEST_TMPDIR/big" "sip:127.0.0.1:$p"
	[[ "$output" == *"Via: SIP/2.0/UDP "* ]]
	run -0 "$SIPBOX" sip-send -v -X MESSAGE -d small "sip:127.0.0.1:$p"
	[[ "$output" == *"Via: SIP/2.0/UDP "* ]]
	stop_serve both
}

@test "sip-send: SCTP where the kernel has it" {
	if ! "$SIPBOX" sip-serve -l sctp:127.0.0.1:0 --duration 0.01 2>/dev/null; then
		skip "this kernel offers no SCTP (socket: Protocol not supported)"
	fi
	start_serve sctp -l sctp:127.0.0.1:0
	run -0 "$SIPBOX" sip-send "sctp:$(serve_addr sctp sctp)"
	[ "$output" = "SIP/2.0 200 OK" ]
	stop_serve sctp
}

@test "sip-send and sip-serve: SCTP missing from the kernel is exit 8, a system failure, not usage" {
	if python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)' 2>/dev/null; then
		skip "this kernel offers SCTP (the test above covers it)"
	fi
	run -8 --separate-stderr "$SIPBOX" sip-send sctp:127.0.0.1:9
	[[ $stderr == *"127.0.0.1:9 over SCTP: socket: "*"(not offered by this kernel)"* ]]
	run -8 --separate-stderr "$SIPBOX" sip-serve -l sctp:127.0.0.1:0 --duration 0.01
	[[ $stderr == *"sctp:127.0.0.1:0: socket: "*"(not offered by this kernel)"* ]]
}

@test "sip-send: a client certificate is loaded for TLS, and a key that does not match is exit 8" {
	make_cert "$BATS_TEST_TMPDIR/client"
	run -0 "$SIPBOX" sip-send --cacert "$CA" --cert "$BATS_TEST_TMPDIR/client/cert.pem" \
	    --key "$BATS_TEST_TMPDIR/client/key.pem" "tls:$S"
	run -8 "$SIPBOX" sip-send --cacert "$CA" --cert "$BATS_TEST_TMPDIR/client/cert.pem" \
	    --key "$BATS_FILE_TMPDIR/tls/key.pem" "tls:$S"
	[[ "$output" == *"TLS: "* ]]
}

@test "sip-send: a URI's maddr is where the request goes; the Request-URI keeps its host" {
	run -0 "$SIPBOX" sip-send -v "sip:bob@example.invalid:${U##*:};maddr=127.0.0.1"
	[[ "$output" == *"connecting to $U over UDP"* ]]
	[[ "$output" == *"> OPTIONS sip:bob@example.invalid:${U##*:};maddr=127.0.0.1 SIP/2.0"* ]]
	run -2 "$SIPBOX" sip-send "sip:bob@example.invalid;maddr=127.0.0.1;ttl=999"
}

@test "sip-send: a multicast destination is sent with the TTL asked for (in a network namespace)" {
	[ "$(id -u)" -eq 0 ] || skip "not running as root: a network namespace needs root"
	need ip
	local ns="sipbox-mc-$$-$BATS_TEST_NUMBER"
	ip netns add "$ns" || skip "network namespaces are not available here"
	MC_NS=$ns
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" ip link set lo multicast on
	ip netns exec "$ns" ip route add 224.0.0.0/4 dev lo src 127.0.0.1
	ip netns exec "$ns" python3 "$ROOT/tests/helper/mcast-uas.py" 239.1.2.3 5099 \
	    >"$BATS_TEST_TMPDIR/mc1" 2>&1 &
	wait_for grep -q ready "$BATS_TEST_TMPDIR/mc1"
	run ip netns exec "$ns" "$SIPBOX" sip-send -v --timeout 5 --ttl 7 \
	    -w '%{status} %{header.Server}\n' sip:239.1.2.3:5099
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"200 mcast-uas ttl=7"* ]]
	[[ "$output" == *"Via: SIP/2.0/UDP 127.0.0.1:"* ]]
	ip netns exec "$ns" python3 "$ROOT/tests/helper/mcast-uas.py" 239.1.2.3 5099 \
	    >"$BATS_TEST_TMPDIR/mc2" 2>&1 &
	wait_for grep -q ready "$BATS_TEST_TMPDIR/mc2"
	run ip netns exec "$ns" "$SIPBOX" sip-send --timeout 5 \
	    -w '%{header.Server}' 'sip:bob@example.invalid:5099;maddr=239.1.2.3;ttl=3'
	[ "$output" = "mcast-uas ttl=3" ]
}

@test "sip-send: stale=true is answered once with the new nonce, then the 401 is final (exit 4)" {
	start_serve stale -l udp:127.0.0.1:0 --users "$BATS_FILE_TMPDIR/users" --realm sipbox.test --nonce-ttl 0
	local a
	a=$(serve_addr stale udp)
	SIPBOX_PASSWORD=alice-secret run -4 "$SIPBOX" sip-send -v -X REGISTER -u alice \
	    --to sip:alice@127.0.0.1 "sip:$a"
	[ "$(grep -c '^> REGISTER' <<<"$output")" -eq 3 ]
	[[ "$output" == *"CSeq: 3 REGISTER"* ]]
	[ "$(grep -c '^< WWW-Authenticate: .*stale=true' <<<"$output")" -eq 2 ]
	stop_serve stale
}

@test "sip-send: every request of a ping run is a new call: fresh branch, tag and Call-ID, CSeq counting past 9" {
	run -0 --separate-stderr "$SIPBOX" sip-send -v -c 12 --interval 0 -H 'X-Ping: yes' "sip:$U"
	[[ "$output" == *"12 requests sent, 12 responses received"* ]]
	python3 - "$stderr" <<'PY'
import re, sys
sent = [b for b in sys.argv[1].split("\n* ") if " sent " in b.split("\n")[0]]
assert len(sent) == 12, len(sent)
def hdr(b, name):
    return [l[2:].split(":", 1)[1].strip() for l in b.splitlines()
            if l.startswith("> ") and l[2:].lower().startswith(name.lower() + ":")]
branches = {re.search(r"branch=([^;]+)", hdr(b, "Via")[0]).group(1) for b in sent}
tags = {re.search(r"tag=([^;]+)", hdr(b, "From")[0]).group(1) for b in sent}
callids = {hdr(b, "Call-ID")[0] for b in sent}
cseqs = [hdr(b, "CSeq")[0] for b in sent]
assert len(branches) == 12 and all(x.startswith("z9hG4bK") for x in branches), branches
assert len(tags) == 12 and len(callids) == 12, (tags, callids)
assert cseqs == ["%d OPTIONS" % i for i in range(1, 13)], cseqs
assert all(hdr(b, "X-Ping") == ["yes"] for b in sent)
for b in sent:
    body = "\n".join(l[2:] for l in b.splitlines() if l.startswith("> "))
    assert hdr(b, "Content-Length") == ["0"], body
PY
}

@test "sip-send: a ping run goes on past refused probes (ICMP over UDP, RST over TCP), counts them lost and ends with its summary, whose round trips are null" {
	local p
	p=$(free_port)
	run -8 "$SIPBOX" sip-send -c 3 --interval 0.1 "udp:127.0.0.1:$p"
	[ "$(grep -c '^seq=[123] connection refused' <<<"$output")" -eq 3 ]
	[[ "$output" == *"3 requests sent, 0 responses received, 100.0% loss"* ]]
	run -8 "$SIPBOX" sip-send -c 3 --interval 0.1 --json "tcp:127.0.0.1:$p"
	python3 -c '
import json,sys
lines=[json.loads(l) for l in sys.argv[1].splitlines()]
assert [l["seq"] for l in lines[:-1]]==[1,2,3] and all(l["exit"]==8 for l in lines[:-1]), lines
s=lines[-1]; assert s["type"]=="summary" and s["sent"]==3 and s["errors"]==3, s
assert all(s[k] is None for k in ("rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_mdev_ms")), s' "$output"
}

@test "sip-send: in a ping run --timeout is each probe's, and --interval goes on while a probe is unanswered" {
	local p
	p=$(blackhole_udp)
	run -7 "$SIPBOX" sip-send -c 3 --interval 0.2 --timeout 0.5 --json "udp:127.0.0.1:$p"
	python3 -c '
import json,sys
lines=[json.loads(l) for l in sys.argv[1].splitlines()]
r=[l for l in lines if l["type"]=="response"]
assert len(r)==3 and all(l["error"]=="no final response before the timeout" for l in r), r
s=lines[-1]; assert s["type"]=="summary" and s["sent"]==3 and s["timeouts"]==3, s' "$output"
}

@test "sip-send: --interval spaces the requests of a ping run, neither faster nor much slower" {
	# bounded both ways: 3 requests 0.05 s apart take 0.1 s and an answer,
	# not 0.5 s (the default interval would give 2 s).  In sip-send's own
	# time, which runs 20 times slow (tests/preload/slowclock.so): the run
	# is 2 s on the wall, and a stall of the machine up to 8 s is < 0.4 s
	run -0 slow_clock 20 timeout 60 "$SIPBOX" sip-send -c 3 --interval 0.05 --json "sip:$U"
	python3 -c '
import json,sys
s=json.loads(sys.argv[1].splitlines()[-1])
assert s["type"]=="summary" and s["received"]==3, s
assert 100 <= s["elapsed_ms"] <= 500, s' "$output"
}

@test "sip-send: --capath verifies TLS against a directory of hashed CA certificates" {
	d="$BATS_TEST_TMPDIR/capath"
	mkdir -p "$d" "$BATS_TEST_TMPDIR/empty"
	cp "$CA" "$d/ca.pem"
	openssl rehash "$d"
	run -0 "$SIPBOX" sip-send --capath "$d" "tls:$S"
	[[ "$output" == "SIP/2.0 200 OK" ]]
	run -8 "$SIPBOX" sip-send --capath "$BATS_TEST_TMPDIR/empty" "tls:$S"
	[[ "$output" == *"certificate"* ]]
}

@test "sip-send: -X message is sent as MESSAGE, in the request line and the CSeq" {
	run -0 "$SIPBOX" sip-send -n -X message "sip:bob@$U"
	[ "${lines[0]}" = "MESSAGE sip:bob@$U SIP/2.0"$'\r' ] || [ "${lines[0]}" = "MESSAGE sip:bob@$U SIP/2.0" ]
	[[ "$output" == *"CSeq: 1 MESSAGE"* ]]
}

# json_failure: the one line of $output is a failure record of exit $1
# whose error is $2
json_failure() {
	[ "${#lines[@]}" -eq 1 ] || { echo "want one line: $output"; return 1; }
	python3 -c 'import json, sys
r = json.loads(sys.argv[1])
assert r["status"] is None and r["exit"] == int(sys.argv[2]), r
assert r["error"] == sys.argv[3] and r["detail"], r' "${lines[0]}" "$1" "$2"
}

@test "sip-send: --json writes a record with an error for every failure before the transaction: DNS, refused TCP, TLS verification, bad --cacert" {
	local p

	run -8 --separate-stderr "$SIPBOX" sip-send --json sip:no-such-host.invalid
	json_failure 8 "name resolution failed"
	[[ "$stderr" == *"cannot resolve 'no-such-host.invalid'"* ]]
	p=$(free_port)
	run -8 --separate-stderr "$SIPBOX" sip-send --json "tcp:127.0.0.1:$p"
	json_failure 8 "connection refused"
	run -8 --separate-stderr "$SIPBOX" sip-send --json "tls:$S"
	json_failure 8 "TLS failure"
	[[ "$output" == *"certificate verification failed"* ]]
	run -8 --separate-stderr "$SIPBOX" sip-send --json --cacert "$BATS_TEST_TMPDIR/none.pem" "tls:$S"
	json_failure 8 "TLS failure"
	# -q: nothing per request on stdout, failures included
	run -8 --separate-stderr "$SIPBOX" sip-send --json -q "tcp:127.0.0.1:$p"
	[ -z "$output" ]
}

@test "sip-send: a TCP server that sends a 1 MB header line is exit 8 at once, naming the peer and the limit" {
	odd_uas longline
	run -8 --separate-stderr "$SIPBOX" sip-send --timeout 20 "tcp:127.0.0.1:$ODD_PORT"
	[ "$stderr" = "sip-send: network error: 127.0.0.1:$ODD_PORT over TCP sent what cannot be a SIP message: header line too long (a message may have 1048576 bytes, a header line 65536)" ]
}

@test "sip-send: a TCP server that says Content-Length 999999999 is exit 8 at once, not a wait for the timeout" {
	odd_uas hugecl
	# --timeout 20 would be exit 7; exit 8 says it did not wait for it
	run -8 --separate-stderr "$SIPBOX" sip-send --timeout 20 "tcp:127.0.0.1:$ODD_PORT"
	[[ $stderr == "sip-send: network error: 127.0.0.1:$ODD_PORT over TCP sent what cannot be a SIP message: Content-Length "*"(a message may have 1048576 bytes, a header line 65536)" ]]
}

@test "sip-send: a REGISTER has Expires: 60, --contact '*' goes bare with Expires: 0, -H 'Contact:' sends none" {
	run -0 "$SIPBOX" sip-send -n -X REGISTER "sip:$U"
	[[ "$output" == *$'\r\nExpires: 60\r\n'* ]]
	run -0 "$SIPBOX" sip-send -n -X REGISTER -H 'Expires: 300' "sip:$U"
	[[ "$output" == *$'\r\nExpires: 300\r\n'* && "$output" != *"Expires: 60"* ]]
	run -0 "$SIPBOX" sip-send -n -X REGISTER --contact '*' "sip:$U"
	[[ "$output" == *$'\r\nContact: *\r\n'* && "$output" == *$'\r\nExpires: 0\r\n'* ]]
	# -H lines go as written, to try a registrar's checks
	run -0 "$SIPBOX" sip-send -n -X REGISTER -H 'm: *' "sip:$U"
	[[ "$output" == *$'\r\nm: *\r\n'* && "$output" != *Expires* ]]
	run -0 "$SIPBOX" sip-send -n -X REGISTER -H 'Contact:' "sip:$U"
	[[ "$output" != *Contact* && "$output" != *Expires* ]]
	run -0 "$SIPBOX" sip-send -n -H 'User-Agent:' "sip:$U"
	[[ "$output" != *User-Agent* ]]
	# an OPTIONS gets no Expires
	run -0 "$SIPBOX" sip-send -n "sip:$U"
	[[ "$output" != *Expires* ]]
}

@test "sip-send: a 423 to the 60 s a REGISTER asks for says which -H 'Expires: N' the registrar wants" {
	odd_uas minexp
	run -4 --separate-stderr "$SIPBOX" sip-send -X REGISTER "udp:127.0.0.1:$ODD_PORT"
	[ "$output" = "SIP/2.0 423 Interval Too Brief" ]
	[ "$stderr" = "sip-send: warning: the registrar wants a binding of at least 3600 s, more than the 60 s sip-send asks for: give -H 'Expires: 3600'" ]
	# an Expires of the user's own is theirs to choose
	run -4 --separate-stderr "$SIPBOX" sip-send -X REGISTER -H 'Expires: 30' "udp:127.0.0.1:$ODD_PORT"
	[ -z "$stderr" ]
}

@test "sip-send: --contact '*' with a non-zero Expires, another Contact or another method is a usage error" {
	run -2 "$SIPBOX" sip-send -X REGISTER --contact '*' -H 'Expires: 3600' "sip:$U"
	[[ "$output" == *"--contact '*' removes every binding and goes only with Expires: 0, not 'Expires: 3600'"* ]]
	run -2 "$SIPBOX" sip-send -X REGISTER --contact '*' -H 'Contact: <sip:a@127.0.0.1>' "sip:$U"
	[[ "$output" == *"--contact '*' stands alone"* ]]
	run -2 "$SIPBOX" sip-send --contact '*' "sip:$U"
	[[ "$output" == *"--contact '*' is for REGISTER only"* ]]
	run -0 "$SIPBOX" sip-send -n -X REGISTER --contact '*' -H 'Expires: 00' "sip:$U"
}

@test "sip-send: bodies go as given, but an SDP body's bare LF line ends become CRLF, from -d @file and -F alike" {
	local rec=$BATS_TEST_TMPDIR/requests
	odd_uas record "$rec"
	printf 'v=0\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\n' > "$BATS_TEST_TMPDIR/offer.sdp"
	printf 'line one\nline two\n' > "$BATS_TEST_TMPDIR/note.txt"
	run -0 "$SIPBOX" sip-send -X MESSAGE -d "@$BATS_TEST_TMPDIR/offer.sdp" "udp:127.0.0.1:$ODD_PORT"
	run -0 "$SIPBOX" sip-send -X MESSAGE -d "@$BATS_TEST_TMPDIR/note.txt" "udp:127.0.0.1:$ODD_PORT"
	printf '%s\n' "MESSAGE sip:127.0.0.1:$ODD_PORT SIP/2.0" \
	    'Via: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]' \
	    'From: <sip:a@127.0.0.1>;tag=[from_tag]' "To: <sip:127.0.0.1:$ODD_PORT>" \
	    'Call-ID: [call_id]' 'CSeq: [cseq] MESSAGE' 'Max-Forwards: 70' > "$BATS_TEST_TMPDIR/head"
	{ cat "$BATS_TEST_TMPDIR/head"; printf 'c: application/sdp;x=1\n\n'; cat "$BATS_TEST_TMPDIR/offer.sdp"; } > "$BATS_TEST_TMPDIR/sdp.msg"
	{ cat "$BATS_TEST_TMPDIR/head"; printf 'Content-Type: text/plain\n\n'; cat "$BATS_TEST_TMPDIR/note.txt"; } > "$BATS_TEST_TMPDIR/txt.msg"
	run -0 "$SIPBOX" sip-send -F "$BATS_TEST_TMPDIR/sdp.msg" "udp:127.0.0.1:$ODD_PORT"
	run -0 "$SIPBOX" sip-send -F "$BATS_TEST_TMPDIR/txt.msg" "udp:127.0.0.1:$ODD_PORT"
	# each request's body, framed by its Content-Length, as Python's repr
	run -0 python3 - "$rec" <<-'EOF'
	import re, sys
	d = open(sys.argv[1], "rb").read()
	while d:
	    head, _, rest = d.partition(b"\r\n\r\n")
	    n = int(re.search(rb"Content-Length: (\d+)", head).group(1))
	    print(repr(rest[:n]))
	    d = rest[n:]
	EOF
	sdp="b'v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\n'"
	txt="b'line one\\nline two\\n'"
	[ "$output" = "$sdp"$'\n'"$txt"$'\n'"$sdp"$'\n'"$txt" ]
}

@test "sip-send: -w after a failure prints status 0 and the error, not the last provisional's status" {
	local c
	c=$(serve_addr codes udp)
	# PUBLISH gets 183 and no final answer
	run -7 "$SIPBOX" sip-send -X PUBLISH --timeout 1 \
	    -w '%{status}|%{reason}|%{rtt_ms}|%{error}|%{detail}|%{exit}\n' "sip:$c"
	[ "$output" = "0|||no final response before the timeout|--timeout reached|7" ]
	run -0 "$SIPBOX" sip-send -w '%{status}|%{error}|%{detail}|%{exit}\n' "sip:$U"
	[ "$output" = "200|||0" ]
}

@test "sip-send: -w '%{header.NAME}' joins a folded header's lines with one space" {
	odd_uas folded
	run -0 "$SIPBOX" sip-send -w '[%{header.X-Folded}]\n' "udp:127.0.0.1:$ODD_PORT"
	[ "$output" = "[one, two, three]" ]
}

@test "sip-send: an unknown -w field is a usage error that lists the known ones, before anything is sent" {
	run -2 --separate-stderr "$SIPBOX" sip-send -w '%{stauts}' "sip:$U"
	[[ "$stderr" == *"--write-out: unknown field 'stauts'; the fields are type, method, status, "*"rtt_ms"*"header.NAME"* ]]
	[ -z "$output" ]
}

@test "sip-send: every --json key is a -w field with the same value, and -w takes sip-parse's message fields" {
	local keys fmt json vals

	json=$("$SIPBOX" sip-send --json "sip:$U")
	keys=$(python3 -c 'import json, sys
r = json.loads(sys.argv[1])
print(" ".join(k for k in r if k not in ("exit", "error", "detail")))' "$json")
	fmt=$(printf '%%{%s}\\t' $keys)
	vals=$("$SIPBOX" sip-send -w "$fmt" "sip:$U")
	python3 - "$json" "$keys" "$vals" <<-'PY'
	import json, sys
	rec = json.loads(sys.argv[1])
	keys = sys.argv[2].split()
	vals = sys.argv[3].split("\t")
	assert len(keys) >= 9, keys
	for k, v in zip(keys, vals):
	    want = rec[k] if isinstance(rec[k], str) else json.dumps(rec[k])
	    # each run is its own call: these differ between the two runs
	    if k in ("call_id", "rtt_ms"):
	        assert v != "", k
	        continue
	    assert want == v, (k, want, v)
	PY
	run -0 "$SIPBOX" sip-send -w '%{cseq.num}|%{cseq.method}|%{to.uri}|%{via.count}|%{header.Server}' "sip:bob@$U"
	[[ "$output" == "1|OPTIONS|sip:bob@$U|1|sipbox/"* ]]
}

@test "sip-send: --json is never dropped for another output: with -w or -n it is a usage error" {
	run -2 --separate-stderr "$SIPBOX" sip-send --json -w '%{status}' "sip:$U"
	[[ "$stderr" == *"--json and --write-out exclude each other"* ]]
	# the usage error is the one record on stdout
	[ "$output" = '{"type":"error","error":"--json and --write-out exclude each other","exit":2}' ]
	run -2 --separate-stderr "$SIPBOX" sip-send --json -n "sip:$U"
	[[ "$stderr" == *"--dry-run"*"--json"* ]]
	[[ "$output" == '{"type":"error","error":"--dry-run'*'--json'*'","exit":2}' ]]
}

@test "sip-send: a datagram the local queue drops (ENOBUFS) is sent again by Timer E, not a failure" {
	# tests/preload/enobufs.so fails the first datagram with ENOBUFS, as a
	# full qdisc reports a drop under IP_RECVERR; before, exit 8
	start_serve s -q -l udp:127.0.0.1:0
	p=$(serve_addr s udp)
	ENOBUFS_COUNT=1 LD_PRELOAD="$TESTS_DIR/preload/enobufs.so" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    run -0 "$SIPBOX" sip-send -v "sip:$p"
	[[ "$output" == *"UDP retransmitted"*"SIP/2.0 200 OK"* ]]
}
