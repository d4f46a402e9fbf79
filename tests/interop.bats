# interop.bats - sip-send and sip-serve against software nobody here
# wrote: Kamailio (tests/lab) as proxy and registrar over UDP, TCP, TLS
# and WebSocket, found through the lab's dnsmasq too; SIPp as a UAS and as
# a caller of sip-serve; baresip placing a call to it;
# sipsak as a client of sip-serve.
load helpers
load net

LAB="$TESTS_DIR/lab"

setup_file() {
	export SERVE_DIR="$BATS_FILE_TMPDIR" LAB_DIR="$BATS_FILE_TMPDIR/lab"
	local try ports
	command -v kamailio >/dev/null || return 0
	# free ports, and new ones if another run took one meanwhile
	for try in 1 2 3; do
		ports=$(free_ports 5)
		read -r LAB_SIP_PORT LAB_TLS_PORT LAB_WS_PORT LAB_WSS_PORT LAB_DNS_PORT <<<"$ports"
		"$LAB/kamailio-start" "$LAB_DIR" $LAB_SIP_PORT $LAB_TLS_PORT \
		    $LAB_WS_PORT $LAB_WSS_PORT >"$BATS_FILE_TMPDIR/lab.start" 2>&1 && break
		grep -q 'Address already in use' "$LAB_DIR/kamailio.log" || break
	done
	export LAB_SIP_PORT LAB_TLS_PORT LAB_WS_PORT LAB_WSS_PORT LAB_DNS_PORT
	if command -v dnsmasq >/dev/null; then
		"$LAB/dns-start" "$LAB_DIR" $LAB_DNS_PORT $LAB_SIP_PORT $LAB_TLS_PORT \
		    >"$BATS_FILE_TMPDIR/dns.start" 2>&1 || true
	fi
}

teardown_file() {
	"$LAB/dns-stop" "$LAB_DIR"
	"$LAB/kamailio-stop" "$LAB_DIR"
}

# need_kamailio: skip without kamailio (fail under CI); fail, with the
# start's output and log, if it is installed and did not start
need_kamailio() {
	need kamailio
	[ -f "$LAB_DIR/kamailio.pid" ] || {
		cat "$BATS_FILE_TMPDIR/lab.start"
		false
	}
}

@test "kamailio: OPTIONS over UDP, TCP and WebSocket gets 200 from the proxy" {
	need_kamailio
	run -0 "$SIPBOX" sip-send -w '%{status} %{header.Server}\n' sip:127.0.0.1:$LAB_SIP_PORT
	[ "$output" = "200 sipbox-lab-kamailio" ]
	run -0 "$SIPBOX" sip-send tcp:127.0.0.1:$LAB_SIP_PORT
	run -0 "$SIPBOX" sip-send ws://127.0.0.1:$LAB_WS_PORT/
	run -0 "$SIPBOX" sip-send -6 "sip:[::1]:$LAB_SIP_PORT"
}

@test "kamailio: TLS verifies with the lab certificate and fails without it" {
	need_kamailio
	run -0 "$SIPBOX" sip-send --cacert "$LAB_DIR/tls/cert.pem" sips:127.0.0.1:$LAB_TLS_PORT
	run -8 "$SIPBOX" sip-send sips:127.0.0.1:$LAB_TLS_PORT
	[[ "$output" == *"certificate verification failed"* ]]
	run -0 "$SIPBOX" sip-send --cacert "$LAB_DIR/tls/cert.pem" wss://127.0.0.1:$LAB_WSS_PORT/
}

@test "kamailio: REGISTER with a lab user's password is 200, a wrong one 401 and exit 4" {
	need_kamailio
	SIPBOX_PASSWORD=alice-secret run -0 "$SIPBOX" sip-send -X REGISTER -u alice \
	    --from sip:alice@sip.test --to sip:alice@sip.test sip:127.0.0.1:$LAB_SIP_PORT
	[ "$output" = "SIP/2.0 200 OK" ]
	SIPBOX_PASSWORD=not-it run -4 "$SIPBOX" sip-send -X REGISTER -u alice \
	    --from sip:alice@sip.test --to sip:alice@sip.test sip:127.0.0.1:$LAB_SIP_PORT
	[ "$output" = "SIP/2.0 401 Unauthorized" ]
}

@test "kamailio: REGISTER binds for 60 s, -H 'Contact:' lists the bindings through the challenge, --contact '*' removes them all" {
	need_kamailio
	local reg=(-X REGISTER -u dave --from sip:dave@sip.test --to sip:dave@sip.test)
	export SIPBOX_PASSWORD=dave-secret
	run -0 "$SIPBOX" sip-send -v "${reg[@]}" --contact sip:dave@127.0.0.1:5071 \
	    sip:127.0.0.1:$LAB_SIP_PORT
	[[ "$output" == *"> Expires: 60"* ]]
	[[ "$output" == *"< Contact: <sip:dave@127.0.0.1:5071>;expires=60"* ]]
	run -0 "$SIPBOX" sip-send "${reg[@]}" --contact sip:dave@127.0.0.1:5072 \
	    sip:127.0.0.1:$LAB_SIP_PORT
	# a query: no Contact at all (an empty one would be a 400), answered
	# after the 401 like any REGISTER
	run -0 "$SIPBOX" sip-send -v "${reg[@]}" -H 'Contact:' \
	    -w '%{status} %{header.Contact}\n' sip:127.0.0.1:$LAB_SIP_PORT
	[[ "$output" != *"> Contact"* && "$output" != *"> Expires"* ]]
	[[ "$output" == *"< SIP/2.0 401"* ]]
	[[ "$output" == *"200 <sip:dave@127.0.0.1:5071>;expires="*", <sip:dave@127.0.0.1:5072>;expires="* ]]
	run -0 "$SIPBOX" sip-send -v "${reg[@]}" --contact '*' sip:127.0.0.1:$LAB_SIP_PORT
	[[ "$output" == *"> Contact: *"$'\r'* || "$output" == *"> Contact: *"$'\n'* ]]
	[[ "$output" == *"> Expires: 0"* ]]
	run -0 "$SIPBOX" sip-send "${reg[@]}" -H 'Contact:' \
	    -w '%{status} [%{header.Contact}]\n' sip:127.0.0.1:$LAB_SIP_PORT
	[ "$output" = "200 []" ]
}

@test "kamailio: -F answers the 401 with --user's credentials: a REGISTER file without Contact lists the bindings" {
	need_kamailio
	local f=$BATS_TEST_TMPDIR/query.msg
	SIPBOX_PASSWORD=carol-secret run -0 "$SIPBOX" sip-send -X REGISTER -u carol \
	    --from sip:carol@sip.test --to sip:carol@sip.test \
	    --contact sip:carol@127.0.0.1:5075 sip:127.0.0.1:$LAB_SIP_PORT
	# CSeq above Via: the retry changes both where they are
	printf '%s\n' "REGISTER sip:127.0.0.1:$LAB_SIP_PORT SIP/2.0" 'CSeq: 41 REGISTER' \
	    'Via: SIP/2.0/UDP [local_ip]:[local_port];rport;branch=[branch]' \
	    'From: <sip:carol@sip.test>;tag=[from_tag]' 'To: <sip:carol@sip.test>' \
	    'Call-ID: [call_id]' 'Max-Forwards: 70' > "$f"
	SIPBOX_PASSWORD=carol-secret run -0 "$SIPBOX" sip-send -v -u carol -F "$f" \
	    -w '%{status} %{cseq.num} %{header.Contact}\n' sip:127.0.0.1:$LAB_SIP_PORT
	[[ "$output" == *"< SIP/2.0 401"* ]]
	[[ "$output" == *"> CSeq: 42 REGISTER"* && "$output" == *"> Authorization: Digest username=\"carol\""* ]]
	[[ "${lines[-1]}" == "200 42 <sip:carol@127.0.0.1:5075>;expires="* ]]
}

@test "kamailio: a MESSAGE is routed to the contact a REGISTER put there (sip-serve)" {
	need_kamailio
	start_serve carol -l udp:127.0.0.1:0
	local a
	a=$(serve_addr carol udp)
	SIPBOX_PASSWORD=carol-secret run -0 "$SIPBOX" sip-send -X REGISTER -u carol \
	    --from sip:carol@sip.test --to sip:carol@sip.test \
	    --contact "sip:carol@$a" sip:127.0.0.1:$LAB_SIP_PORT
	# bob answers the 407 proxy challenge
	SIPBOX_PASSWORD=bob-secret run -0 "$SIPBOX" sip-send -v -X MESSAGE -u bob \
	    --from sip:bob@sip.test -d 'routed through kamailio' \
	    --proxy sip:127.0.0.1:$LAB_SIP_PORT sip:carol@sip.test
	[[ "$output" == *"< SIP/2.0 407"* ]]
	[[ "$output" == *"> Proxy-Authorization: Digest "* ]]
	wait_for grep -q 'routed through kamailio' "$SERVE_DIR/carol.out"
	stop_serve carol
}

@test "kamailio: a call through the proxy: the ACK and BYE follow its Record-Route through Kamailio to sip-serve" {
	need_kamailio
	start_serve dave -l udp:127.0.0.1:0 -r INVITE=200 -v
	local a m reg=(-X REGISTER -u dave --from sip:dave@sip.test --to sip:dave@sip.test)
	a=$(serve_addr dave udp)
	export SIPBOX_PASSWORD=dave-secret
	# dave's one binding is this sip-serve: no fork to an older one
	run -0 "$SIPBOX" sip-send "${reg[@]}" --contact '*' sip:127.0.0.1:$LAB_SIP_PORT
	run -0 "$SIPBOX" sip-send "${reg[@]}" --contact "sip:dave@$a" \
	    sip:127.0.0.1:$LAB_SIP_PORT
	SIPBOX_PASSWORD=bob-secret run -0 --separate-stderr "$SIPBOX" sip-send -v \
	    -X INVITE -u bob --from sip:bob@sip.test \
	    --proxy sip:127.0.0.1:$LAB_SIP_PORT sip:dave@sip.test
	run -0 "$SIPBOX" sip-send "${reg[@]}" --contact '*' sip:127.0.0.1:$LAB_SIP_PORT
	stop_serve dave
	# sip-send: the ACK and BYE to the Contact, routed through the
	# proxy's Record-Route, sent to the proxy
	[[ "$stderr" == *"< Record-Route: <sip:127.0.0.1:$LAB_SIP_PORT;lr"* ]]
	for m in ACK BYE; do
		grep -B1 "^> $m sip:sipbox@$a SIP/2.0" <<<"$stderr" |
		    grep -q "UDP sent .* bytes to 127.0.0.1:$LAB_SIP_PORT\$"
		awk -v m="$m" '$2 == m { on = 1 } on && /^> $/ { exit }
		    on' <<<"$stderr" | grep -q "^> Route: <sip:127.0.0.1:$LAB_SIP_PORT;lr"
		# sip-serve: each came through Kamailio, its Via on top
		awk -v m="$m" '$2 == m { on = 1; next } on { print; exit }' \
		    "$SERVE_DIR/dave.err" | grep -q "^< Via: SIP/2.0/UDP 127.0.0.1:$LAB_SIP_PORT;"
	done
}

@test "kamailio: the lab DNS leads sip-send to the proxy: NAPTR to UDP, SRV to TCP and TLS" {
	need_kamailio
	need dnsmasq
	[ -f "$LAB_DIR/dnsmasq.pid" ] || { cat "$BATS_FILE_TMPDIR/dns.start"; false; }
	local dns="127.0.0.1:$LAB_DNS_PORT"
	run -0 "$SIPBOX" sip-send -v --resolver "$dns" sip:sip.test
	[[ "$output" == *"NAPTR sip.test"*"SIP+D2U"* ]]
	[[ "$output" == *"SRV _sip._udp.sip.test"* ]]
	[[ "$output" == *"< Server: sipbox-lab-kamailio"* ]]
	run -0 "$SIPBOX" sip-send -v --resolver "$dns" -t tcp sip:sip.test
	[[ "$output" == *"SRV _sip._tcp.sip.test"*"over TCP"* ]]
	run -0 "$SIPBOX" sip-send -v --resolver "$dns" --cacert "$LAB_DIR/tls/cert.pem" sips:sip.test
	[[ "$output" == *"SRV _sips._tcp.sip.test"*"over TLS"* ]]
	[[ "$output" == *"< SIP/2.0 200 OK"* ]]
}

@test "lab: kamailio-start fails with Kamailio's log when its port is taken, and leaves nothing running" {
	need kamailio
	local dir="$BATS_TEST_TMPDIR/lab" p
	read -r p _ <<<"$(free_ports 1)"
	# hold p's UDP port on 127.0.0.1 for the test
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
time.sleep(60)' "$p" >"$BATS_TEST_TMPDIR/holder" 3>&- &
	wait_for grep -q bound "$BATS_TEST_TMPDIR/holder"
	run "$LAB/kamailio-start" "$dir" $p $(free_ports 3)
	kill %1
	[ "$status" -eq 1 ]
	[[ "$output" == *"kamailio exited while starting; $dir/kamailio.log:"* ]]
	[[ "$output" == *"Address already in use"* ]]
	run -1 pgrep -f "kamailio .*$dir/"
	run -0 "$LAB/kamailio-stop" "$dir"
}

@test "sipp: OPTIONS answered by a SIPp UAS, and retransmitted while SIPp holds the answer back" {
	need sipp ss
	local p
	p=$(free_port)
	sipp -sf "$ROOT/tests/sipp/reply200.xml" -i 127.0.0.1 -p "$p" -m 1 -nostdin \
	    -timeout 20s >"$BATS_TEST_TMPDIR/sipp1.log" 2>&1 3>&- &
	wait_for bash -c "ss -Huln | grep -q ':$p '" || { cat "$BATS_TEST_TMPDIR/sipp1.log"; false; }
	run -0 "$SIPBOX" sip-send "sip:127.0.0.1:$p"
	wait
	p=$(free_port)
	sipp -sf "$ROOT/tests/sipp/drop-first.xml" -i 127.0.0.1 -p "$p" -m 1 -nostdin \
	    -timeout 20s >"$BATS_TEST_TMPDIR/sipp2.log" 2>&1 3>&- &
	wait_for bash -c "ss -Huln | grep -q ':$p '" || { cat "$BATS_TEST_TMPDIR/sipp2.log"; false; }
	run -0 "$SIPBOX" sip-send -w '%{status} %{retransmissions} %{header.Server}' \
	    --t1 0.1 "sip:127.0.0.1:$p"
	wait
	read -r code retrans server <<<"$output"
	[ "$code" = 200 ]
	[ "$server" = sipp-drop-first ]
	[ "$retrans" -ge 1 ]
}

@test "sipp: an INVITE without a body gets the offer in the 200, and the ACK carries the answer (RFC 3264): declining, or --ack-body's" {
	need sipp ss
	local p ans=$BATS_TEST_TMPDIR/answer.sdp log=$BATS_TEST_TMPDIR/sipp.log
	printf 'v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n' >"$ans"
	for a in "" "--ack-body=@$ans"; do
		p=$(free_port)
		rm -f "$log"
		# SIPp fails the call (exit 1) for an ACK without an SDP body
		sipp -sf "$ROOT/tests/sipp/offer-in-200.xml" -i 127.0.0.1 -p "$p" \
		    -m 1 -nostdin -timeout 20s -trace_logs -log_file "$log" \
		    >"$BATS_TEST_TMPDIR/sipp.out" 2>&1 3>&- &
		wait_for bash -c "ss -Huln | grep -q ':$p '" || { cat "$BATS_TEST_TMPDIR/sipp.out"; false; }
		run -0 "$SIPBOX" sip-send -X INVITE $a "sip:bob@127.0.0.1:$p"
		wait $! || { cat "$BATS_TEST_TMPDIR/sipp.out" "$log"; false; }
		[ "$output" = "SIP/2.0 200 OK" ]
		if [ -z "$a" ]; then
			grep -q '^ACK answer: m=audio 0 RTP/AVP$' "$log"
		else
			grep -q '^ACK answer: m=audio 4000 RTP/AVP$' "$log"
		fi
	done
}

@test "sipp: two forks answer an INVITE 200 and the first 200 comes again: each 2xx is ACKed (the retransmission too), the second fork and the call end with BYE" {
	need sipp ss
	local p log=$BATS_TEST_TMPDIR/sipp.log
	p=$(free_port)
	# SIPp fails the call (exit 1) on a missing, extra or misplaced request
	sipp -sf "$ROOT/tests/sipp/fork-2xx.xml" -i 127.0.0.1 -p "$p" -m 1 \
	    -nostdin -timeout 20s -trace_logs -log_file "$log" \
	    >"$BATS_TEST_TMPDIR/sipp.out" 2>&1 3>&- &
	wait_for bash -c "ss -Huln | grep -q ':$p '" || { cat "$BATS_TEST_TMPDIR/sipp.out"; false; }
	# T1 2 s: the call's BYE, answered last, is not resent meanwhile
	run -0 --separate-stderr "$SIPBOX" sip-send -v --t1 2 -X INVITE "sip:bob@127.0.0.1:$p"
	wait $! || { cat "$BATS_TEST_TMPDIR/sipp.out" "$log"; false; }
	[ "$output" = "SIP/2.0 200 OK" ]
	[ "$(grep -v '^$' "$log" | tr '\n' ,)" = "ACK forkA,BYE forkA,ACK forkB,BYE forkB,ACK forkA again," ]
	[ "$(grep -c '^> ACK sip:forkA@' <<<"$stderr")" -eq 2 ]
}

@test "sipsak: a second client gets answers from sip-serve, and registers with digest" {
	need sipsak
	# (sipsak 0.9.8.1's MESSAGE mode, -M, crashes before it sends
	# anything, so MESSAGE is covered by sip-send and Kamailio instead.)
	printf 'alice:alice-pw\n' > "$BATS_TEST_TMPDIR/users"
	start_serve forsipsak -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users" -v
	local a
	a=$(serve_addr forsipsak udp)
	run -0 sipsak -s "sip:test@$a"
	run -0 sipsak -U -C "sip:alice@127.0.0.1:5999" -a alice-pw -u alice -s "sip:alice@$a"
	grep -q '^> SIP/2.0 401 Unauthorized' "$SERVE_DIR/forsipsak.err"
	grep -q '^< Authorization: Digest username="alice"' "$SERVE_DIR/forsipsak.err"
	run sipsak -U -C "sip:alice@127.0.0.1:5999" -a wrong -u alice -s "sip:alice@$a"
	[ "$status" -ne 0 ]
	[[ "$output" == *"authorization failed"* ]]
	stop_serve forsipsak
}

@test "sipp: the uac scenario places a call to sip-serve --reply INVITE=200: INVITE, 200, ACK, BYE, 200" {
	need sipp
	start_serve call -l udp:127.0.0.1:0 -r INVITE=200 -v
	local a p
	a=$(serve_addr call udp)
	p=$(free_ports 1)
	# before, the BYE got 501 and SIPp counted the call failed
	run -0 sipp -sn uac "$a" -m 1 -nostdin -i 127.0.0.1 -p "$p" \
	    -timeout 30s -timeout_error -trace_err \
	    -error_file "$BATS_TEST_TMPDIR/sipp.err"
	stop_serve call
	grep -q '^< ACK sip:' "$SERVE_DIR/call.err"
	grep -q '^< BYE sip:' "$SERVE_DIR/call.err"
	[ "$(grep -c '^> SIP/2.0 200 OK' "$SERVE_DIR/call.err")" -eq 2 ]
}

@test "baresip: a call to sip-serve --reply INVITE=200 is established, and its BYE answered 200" {
	need baresip
	local d="$BATS_TEST_TMPDIR/baresip" a p
	mkdir -p "$d"
	p=$(free_ports 1)
	cat >"$d/config" <<-CFG
	sip_listen		127.0.0.1:$p
	module_path		/usr/lib/baresip/modules
	module			g711.so
	module			ausine.so
	module			aufile.so
	module			menu.so
	module_app		account.so
	audio_player		aufile,/dev/null
	audio_source		ausine,440
	audio_alert		aufile,/dev/null
	CFG
	echo '<sip:alice@127.0.0.1>;regint=0' >"$d/accounts"
	: >"$d/contacts"
	start_serve bs -l udp:127.0.0.1:0 -r INVITE=200 -v
	a=$(serve_addr bs udp)
	# -t 3: hang up after 3 s; before, baresip closed the session at
	# once ("Bad message": a 200 without Contact or SDP)
	run -0 timeout 30 baresip -f "$d" -e "/dial sip:bob@$a" -t 3
	stop_serve bs
	[[ "$output" == *"Call established: sip:bob@$a"* ]]
	[[ "$output" == *"terminated (duration: "* ]]
	grep -q '^< ACK sip:sipbox@' "$SERVE_DIR/bs.err"
	grep -q '^< BYE sip:sipbox@' "$SERVE_DIR/bs.err"
	[ "$(grep -c '^> SIP/2.0 200 OK' "$SERVE_DIR/bs.err")" -eq 2 ]
}
