# sip-register.bats - registering, refreshing, unregistering, listing and
# removing bindings, against sip-serve's registrar and the lab's
# Kamailio (digest, GRUU), and the requests that reach the contact.
load helpers
load net

LAB="$TESTS_DIR/lab"

setup_file() {
	export LAB_DIR="$BATS_FILE_TMPDIR/lab"
	local try
	command -v kamailio >/dev/null || return 0
	for try in 1 2 3; do
		read -r LAB_SIP_PORT LAB_TLS_PORT LAB_WS_PORT LAB_WSS_PORT \
		    <<<"$(free_ports 4)"
		"$LAB/kamailio-start" "$LAB_DIR" $LAB_SIP_PORT $LAB_TLS_PORT \
		    $LAB_WS_PORT $LAB_WSS_PORT >"$BATS_FILE_TMPDIR/lab.start" 2>&1 && break
		grep -q 'Address already in use' "$LAB_DIR/kamailio.log" || break
	done
	export LAB_SIP_PORT
}

teardown_file() {
	"$LAB/kamailio-stop" "$LAB_DIR"
}

setup() {
	# the +sip.instance kept per AOR goes here, not to $HOME
	export XDG_STATE_HOME="$BATS_TEST_TMPDIR/state"
}

teardown() {
	local f
	for f in "$BATS_TEST_TMPDIR"/*.regpid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	true
}

need_kamailio() {
	need kamailio
	[ -f "$LAB_DIR/kamailio.pid" ] || {
		cat "$BATS_FILE_TMPDIR/lab.start"
		false
	}
}

# start_reg NAME ARGS...: sip-register --json in the background (bounded
# by --timeout); stdout in NAME.out, stderr in NAME.err
start_reg() {
	local name=$1
	shift
	"$SIPBOX" sip-register --json --timeout 60 "$@" \
	    >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/$name.regpid"
}

# stop_reg NAME [SIGNAL]: signal it (TERM) and wait; its status in $reg_rc
stop_reg() {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/$1.regpid")
	kill -"${2:-TERM}" "$pid"
	reg_rc=0
	wait "$pid" || reg_rc=$?
	rm -f "$BATS_TEST_TMPDIR/$1.regpid"
}

@test "sip-register: refreshes before the interval the registrar granted ends, not the one asked for" {
	start_serve r -l udp:127.0.0.1:0 --max-expires 2 --json
	start_reg reg --expires 3600 sip:alice@example.test "$(serve_addr r udp)"
	wait_for count_is 2 "$BATS_TEST_TMPDIR/reg.out" '"type":"refreshed"'
	stop_reg reg
	# every grant was 2 s, and each REGISTER still asked for 3600
	run -0 grep -c '"type":"registered".*"expires":2' "$BATS_TEST_TMPDIR/reg.out"
	[ "$output" = 1 ]
	run -0 grep -c '"type":"refreshed".*"expires":2' "$BATS_TEST_TMPDIR/reg.out"
	[ "$output" -ge 2 ]
	# the registrar never saw the binding lapse: no REGISTER found it gone
	# (each refresh's 200 lists the one binding, refreshed in place)
	run -0 grep -c '"method":"REGISTER"' "$SERVE_DIR/r.out"
	[ "$output" -ge 3 ]
	[ "$reg_rc" -eq 0 ]
}

@test "sip-register: SIGINT unregisters its contact and exits 0; the registrar has no binding left" {
	start_serve u -l udp:127.0.0.1:0
	local a
	a=$(serve_addr u udp)
	start_reg reg sip:bob@example.test "$a"
	wait_for grep -q '"type":"registered"' "$BATS_TEST_TMPDIR/reg.out"
	run -0 "$SIPBOX" sip-register --list sip:bob@example.test "$a"
	[ "${#lines[@]}" -eq 2 ]
	stop_reg reg INT
	[ "$reg_rc" -eq 0 ]
	grep -q '"type":"unregistered","aor":"sip:bob@example.test","status":200' \
	    "$BATS_TEST_TMPDIR/reg.out"
	run -0 "$SIPBOX" sip-register --list sip:bob@example.test "$a"
	[ "$output" = "$(printf 'CONTACT\tEXPIRES\tQ\tINSTANCE\tREG-ID\tGRUU\tPATH')" ]
}

@test "sip-register: --list shows the contacts of two registrations, --remove-all empties them (sip-serve)" {
	# seconds left, 3600 or 3599, counted by sip-serve 20 times slow: the
	# two registrations before --list may take 20 s on a loaded machine
	slow_clock 20 start_serve l -l udp:127.0.0.1:0
	local a
	a=$(serve_addr l udp)
	run -0 "$SIPBOX" sip-register --once --contact '<sip:carol@192.0.2.7:5062>;q=0.5' \
	    sip:carol@example.test "$a"
	XDG_STATE_HOME="$BATS_TEST_TMPDIR/other" \
	    run -0 "$SIPBOX" sip-register --once sip:carol@example.test "$a"
	run -0 "$SIPBOX" sip-register --list --json sip:carol@example.test "$a"
	[ "$(grep -c '"type":"binding"' <<<"$output")" -eq 3 ]
	# seconds left: 3600, or 3599 when a second turned in between
	[[ "$output" =~ \"contact\":\"sip:carol@192.0.2.7:5062\",\"expires\":(3600|3599),\"q\":\"0.5\" ]]
	[ "$(grep -c '"instance":"<urn:uuid:' <<<"$output")" -eq 3 ]
	[[ "$output" == *'{"type":"bindings","aor":"sip:carol@example.test","count":3}'* ]]
	run -0 "$SIPBOX" sip-register --remove sip:carol@192.0.2.7:5062 sip:carol@example.test "$a"
	run -0 "$SIPBOX" sip-register --list sip:carol@example.test "$a"
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" != *192.0.2.7* ]]
	run -0 "$SIPBOX" sip-register --remove-all sip:carol@example.test "$a"
	[ "$output" = "removed sip:carol@example.test: 200" ]
	run -0 "$SIPBOX" sip-register --list --json sip:carol@example.test "$a"
	[ "$output" = '{"type":"bindings","aor":"sip:carol@example.test","count":0}' ]
}

@test "sip-register: --list, --remove and --remove-all end at their first failure: exit 8 from a dead port, 4 for a wrong password, never a retry or 'unregistered'" {
	local p mode

	p=$(free_port)
	for mode in --list --remove-all "--remove sip:x@192.0.2.7:5062"; do
		# shellcheck disable=SC2086
		run -8 --separate-stderr timeout 20 "$SIPBOX" sip-register $mode \
		    sip:frank@example.test "udp:127.0.0.1:$p"
		[ -z "$output" ]
		[ "$stderr" = "sip-register: sip:frank@example.test: connection refused" ]
	done
	printf 'frank:right\n' >"$BATS_TEST_TMPDIR/users"
	start_serve f -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users"
	SIPBOX_PASSWORD=wrong run -4 --separate-stderr timeout 20 "$SIPBOX" \
	    sip-register -u frank --remove sip:x@192.0.2.7:5062 \
	    sip:frank@example.test "$(serve_addr f udp)"
	[ -z "$output" ]
	[ "$stderr" = "sip-register: sip:frank@example.test: 401: credentials refused" ]
}

@test "sip-register: with --json a failure is a record on stdout with the exit status it ends with, and with -q only on stderr" {
	local p

	p=$(free_port)
	run -8 --separate-stderr "$SIPBOX" sip-register --json --once sip:frank@example.test "udp:127.0.0.1:$p"
	[ "$output" = '{"type":"error","error":"sip:frank@example.test: connection refused","exit":8}' ]
	p=$(blackhole_udp)
	run -7 --separate-stderr "$SIPBOX" sip-register --json --once --timeout 0.5 sip:frank@example.test "udp:127.0.0.1:$p"
	[ "$output" = '{"type":"error","error":"sip:frank@example.test: --timeout reached","exit":7}' ]
	p=$(free_port)
	run -8 --separate-stderr "$SIPBOX" sip-register -q --json --once sip:frank@example.test "udp:127.0.0.1:$p"
	[ -z "$output" ]
	[ "$stderr" = "sip-register: sip:frank@example.test: connection refused" ]
}

@test "sip-register: 423 Interval Too Brief is retried with the Min-Expires" {
	start_serve m -l udp:127.0.0.1:0 --min-expires 60
	run -0 --separate-stderr "$SIPBOX" sip-register -v --once --expires 5 \
	    sip:dave@example.test "$(serve_addr m udp)"
	[[ "$stderr" == *"< SIP/2.0 423 Interval Too Brief"*"< Min-Expires: 60"*"> Expires: 60"*"< SIP/2.0 200 OK"* ]]
	[[ "$output" == "registered sip:dave@example.test: <sip:dave@127.0.0.1:"*"> for 60 s, seen as 127.0.0.1:"* ]]
}

@test "sip-register: a wrong password is exit 4 after one answered challenge, not a loop" {
	printf 'erin:right\n' >"$BATS_TEST_TMPDIR/users"
	start_serve w -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users" --json
	SIPBOX_PASSWORD=wrong run -4 --separate-stderr "$SIPBOX" sip-register \
	    sip:erin@example.test "$(serve_addr w udp)"
	[ "$stderr" = "sip-register: sip:erin@example.test: 401: credentials refused" ]
	# the first REGISTER and the one with credentials, no more
	[ "$(grep -c '"method":"REGISTER"' "$SERVE_DIR/w.out")" -eq 2 ]
	SIPBOX_PASSWORD=right run -0 "$SIPBOX" sip-register --once \
	    sip:erin@example.test "$(serve_addr w udp)"
}

@test "sip-register: a password in the AOR or the registrar URI is a usage error that does not print it" {
	run -2 --separate-stderr "$SIPBOX" sip-register -v --once sip:alice:pw-in-uri@example.test 127.0.0.1:9
	[[ "$stderr" == "sip-register: the AOR has a password in it (RFC 3261 19.1.1): give the user alone, and the password in SIPBOX_PASSWORD or --password-file"* ]]
	[[ "$stderr$output" != *pw-in-uri* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --once alice:pw-in-uri@example.test
	[[ "$stderr$output" != *pw-in-uri* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --json --once sip:alice@example.test sip:x:pw-in-uri@127.0.0.1:9
	[[ "$output" == '{"type":"error","error":"the registrar URI has a password in it'* ]]
	[[ "$stderr$output" != *pw-in-uri* ]]
}

@test "sip-register: a --json failure record that cannot be written is exit 9, not 4" {
	[ -w /dev/full ] || skip "no /dev/full"
	printf 'erin:right\n' >"$BATS_TEST_TMPDIR/users"
	start_serve w9 -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users"
	SIPBOX_PASSWORD=wrong run -9 --separate-stderr bash -c '"$1" sip-register --json sip:erin@example.test "$2" > /dev/full' \
	    _ "$SIPBOX" "$(serve_addr w9 udp)"
	[[ "$stderr" == *"sip-register: write error on standard output"* ]]
}

@test "sip-register: an HA1 instead of the password registers" {
	printf 'erin:right\n' >"$BATS_TEST_TMPDIR/users"
	start_serve h -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users"
	# H(erin:sipbox:right), sip-serve's default realm
	printf '%s\n' "$(printf 'erin:sipbox:right' | md5sum | cut -d' ' -f1)" \
	    >"$BATS_TEST_TMPDIR/ha1"
	chmod 600 "$BATS_TEST_TMPDIR/ha1"
	run -0 "$SIPBOX" sip-register --once --ha1-file "$BATS_TEST_TMPDIR/ha1" \
	    sip:erin@example.test "$(serve_addr h udp)"
	[[ "$output" == "registered sip:erin@example.test: "* ]]
	printf '0123\n' >"$BATS_TEST_TMPDIR/ha1"
	run -1 --separate-stderr "$SIPBOX" sip-register --once \
	    --ha1-file "$BATS_TEST_TMPDIR/ha1" sip:erin@example.test "$(serve_addr h udp)"
	[ "$stderr" = "sip-register: $BATS_TEST_TMPDIR/ha1: an HA1 is 32 or 64 hex digits" ]
}

@test "sip-register: a TCP flow the registrar cuts is seen and registered again on a new one" {
	# one connection at most: a second client's makes sip-serve close ours
	start_serve t -l tcp:127.0.0.1:0 --max-connections 1 --json
	local a
	a=$(serve_addr t tcp)
	start_reg reg -t tcp --keepalive 30 sip:frank@example.test "$a"
	wait_for grep -q '"type":"registered"' "$BATS_TEST_TMPDIR/reg.out"
	# a second connection, which sip-serve makes room for
	exec 5<>"/dev/tcp/${a%:*}/${a##*:}"
	wait_for grep -q '"type":"flow-failed"' "$BATS_TEST_TMPDIR/reg.out"
	wait_for grep -q '"type":"refreshed"' "$BATS_TEST_TMPDIR/reg.out"
	# the registrar took the REGISTER on the new flow
	[ "$(grep -c '"method":"REGISTER".*"status":200' "$SERVE_DIR/t.out")" -eq 2 ]
	exec 5>&-
	stop_reg reg
}

@test "sip-register: a TCP flow whose keep-alives go unanswered is failed after --keepalive-timeout and registered again on a new connection" {
	need python3
	python3 "$TESTS_DIR/helper/mute-registrar.py" "$BATS_TEST_TMPDIR/mute.port" 30 \
	    "$BATS_TEST_TMPDIR/mute.log" 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/mute.pid"
	wait_for test -s "$BATS_TEST_TMPDIR/mute.port"
	start_reg reg -v -t tcp --keepalive 0.3 --keepalive-timeout 1 \
	    sip:ivan@example.test "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/mute.port")"
	wait_for grep -q '"type":"flow-failed"' "$BATS_TEST_TMPDIR/reg.out"
	wait_for grep -q '"type":"refreshed"' "$BATS_TEST_TMPDIR/reg.out"
	stop_reg reg
	# the first REGISTER on connection 1, the next on a new one
	[ "$(head -2 "$BATS_TEST_TMPDIR/mute.log")" = "$(printf 'REGISTER 1\nREGISTER 2')" ]
	grep -q '^\* keep-alive (CRLF CRLF)' "$BATS_TEST_TMPDIR/reg.err"
	! grep -q 'answered the keep-alive' "$BATS_TEST_TMPDIR/reg.err"
}

@test "sip-register: over UDP the keep-alives are STUN Binding requests, answered by sip-serve with our address" {
	start_serve k -l udp:127.0.0.1:0
	run -7 --separate-stderr "$SIPBOX" sip-register -v --keepalive 0.2 --timeout 1.5 \
	    sip:hank@example.test "$(serve_addr k udp)"
	[[ "$output" =~ ^registered\ sip:hank@example.test:\ \<sip:hank@127.0.0.1:([0-9]+)\> ]]
	[[ "$stderr" == *"* STUN: the registrar sees us at 127.0.0.1:${BASH_REMATCH[1]}"* ]]
	[ "$(grep -c '^\* keep-alive (STUN Binding request)' <<<"$stderr")" -ge 2 ]
	# every ping answered: the flow never failed
	[[ "$output" != *flow-failed* ]]
}

@test "sip-register: RFC 3263 failover - the first SRV target refuses (ICMP) and the REGISTER goes to the second at once" {
	need dnsmasq
	start_serve live -l udp:127.0.0.1:0 --json
	local dns dead live
	read -r dns dead <<<"$(free_ports 2)"
	live=$(serve_addr live udp)
	# priority 10: a port nothing listens on; 20: sip-serve
	cat >"$BATS_TEST_TMPDIR/fo.conf" <<-EOF
	srv-host=_sip._udp.fo.test,dead.fo.test,$dead,10,0
	srv-host=_sip._udp.fo.test,live.fo.test,${live##*:},20,0
	host-record=dead.fo.test,127.0.0.1
	host-record=live.fo.test,127.0.0.1
	EOF
	"$LAB/dns-start" "$BATS_TEST_TMPDIR/dns" "$dns" "$dead" "$dead" \
	    "$BATS_TEST_TMPDIR/fo.conf" >/dev/null
	# well inside Timer F (32 s), after which a timeout would fail over too
	run --separate-stderr "$SIPBOX" sip-register -v --once --timeout 5 \
	    --resolver "127.0.0.1:$dns" sip:judy@fo.test
	"$LAB/dns-stop" "$BATS_TEST_TMPDIR/dns"
	[ "$status" -eq 0 ]
	[[ "$output" == "registered sip:judy@fo.test: "* ]]
	[[ "$stderr" == *"* target 1: 127.0.0.1:$dead over UDP (dead.fo.test)"*"UDP sent "*" bytes to 127.0.0.1:$dead"*"UDP received "*" bytes from $live"* ]]
	[ "$(grep -c '"method":"REGISTER".*"status":200' "$BATS_TEST_TMPDIR/live.out")" -eq 1 ]
}

@test "sip-register: an OPTIONS or MESSAGE to the contact is answered 200 and shown" {
	start_serve o -l udp:127.0.0.1:0
	start_reg reg sip:gina@example.test "$(serve_addr o udp)"
	wait_for grep -q '"type":"registered"' "$BATS_TEST_TMPDIR/reg.out"
	local c
	c=$(sed -n 's/.*"contact":"\([^"]*\)".*/\1/p' "$BATS_TEST_TMPDIR/reg.out")
	run -0 "$SIPBOX" sip-send "$c"
	[ "$output" = "SIP/2.0 200 OK" ]
	run -0 "$SIPBOX" sip-send -X MESSAGE -d 'hello gina' "$c"
	wait_for grep -q '"body":"hello gina"' "$BATS_TEST_TMPDIR/reg.out"
	stop_reg reg
}

@test "sip-register: usage errors exit 2" {
	run -2 --separate-stderr "$SIPBOX" sip-register
	[ "$stderr" = "$(printf "sip-register: an AOR is needed\nsip-register: see 'sip-register --help'")" ]
	run -2 --separate-stderr "$SIPBOX" sip-register --list --remove-all sip:a@b.test
	[[ "$stderr" == "sip-register: --list, --remove and --remove-all exclude each other"* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register 'sip:@'
	[[ "$stderr" == "sip-register: bad AOR 'sip:@': want sip:user@domain"* ]]
}

@test "sip-register: kamailio: digest registration with GRUU; a wrong password is exit 4 after two REGISTERs" {
	need_kamailio
	SIPBOX_PASSWORD=alice-secret run -0 "$SIPBOX" sip-register --once \
	    sip:alice@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[[ "${lines[0]}" == "registered sip:alice@sip.test: <sip:alice@127.0.0.1:"*"> for 3600 s, seen as 127.0.0.1:"* ]]
	[[ "${lines[1]}" == "  gruu: sip:alice@sip.test;gr=urn:uuid:"* ]]
	SIPBOX_PASSWORD=wrong run -4 --separate-stderr "$SIPBOX" sip-register -v \
	    sip:alice@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[ "$(grep -c '^> REGISTER ' <<<"$stderr")" -eq 2 ]
	[[ "$stderr" == *"sip-register: sip:alice@sip.test: 401: credentials refused" ]]
}

@test "sip-register: kamailio: --list shows two registrations' contacts, --remove-all empties them" {
	need_kamailio
	export SIPBOX_PASSWORD=bob-secret
	run -0 "$SIPBOX" sip-register --once sip:bob@sip.test "127.0.0.1:$LAB_SIP_PORT"
	XDG_STATE_HOME="$BATS_TEST_TMPDIR/second" run -0 "$SIPBOX" sip-register \
	    --once -t tcp sip:bob@sip.test "127.0.0.1:$LAB_SIP_PORT"
	run -0 "$SIPBOX" sip-register --list sip:bob@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *";transport=tcp"$'\t'* ]]
	run -0 "$SIPBOX" sip-register --remove-all sip:bob@sip.test "127.0.0.1:$LAB_SIP_PORT"
	run -0 "$SIPBOX" sip-register --list sip:bob@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[ "${#lines[@]}" -eq 1 ]
}

@test "sip-register: kamailio: an OPTIONS to the AOR is routed to sip-register and answered 200" {
	need_kamailio
	SIPBOX_PASSWORD=carol-secret start_reg reg sip:carol@sip.test \
	    "127.0.0.1:$LAB_SIP_PORT"
	wait_for grep -q '"type":"registered"' "$BATS_TEST_TMPDIR/reg.out"
	SIPBOX_PASSWORD=bob-secret run -0 "$SIPBOX" sip-send -u bob \
	    --from sip:bob@sip.test --proxy "sip:127.0.0.1:$LAB_SIP_PORT" \
	    sip:carol@sip.test
	[ "$output" = "SIP/2.0 200 OK" ]
	wait_for grep -q '"type":"request","method":"OPTIONS","from":"<sip:bob@sip.test>' \
	    "$BATS_TEST_TMPDIR/reg.out"
	stop_reg reg INT
	grep -q '"type":"unregistered"' "$BATS_TEST_TMPDIR/reg.out"
}

@test "sip-register: kamailio: outbound over TCP - reg-id and ;ob registered, CRLF keep-alives answered" {
	need_kamailio
	SIPBOX_PASSWORD=dave-secret run -7 --separate-stderr "$SIPBOX" sip-register -v \
	    --reg-id 1 -t tcp --keepalive 0.2 --timeout 1.5 sip:dave@sip.test \
	    "127.0.0.1:$LAB_SIP_PORT"
	[[ "${lines[0]}" == "registered sip:dave@sip.test: <sip:dave@127.0.0.1:"*";transport=tcp;ob> for 3600 s"* ]]
	[[ "$stderr" == *'> Contact: <sip:dave@127.0.0.1:'*';transport=tcp;ob>;+sip.instance="<urn:uuid:'*'>";reg-id=1'* ]]
	[ "$(grep -c '^\* the registrar answered the keep-alive' <<<"$stderr")" -ge 2 ]
	[[ "$output" != *flow-failed* ]]
}

@test "sip-register: kamailio: the +sip.instance kept per AOR makes a second run replace the first's binding" {
	need_kamailio
	export SIPBOX_PASSWORD=carol-secret
	run -0 "$SIPBOX" sip-register --once sip:carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
	run -0 "$SIPBOX" sip-register --once sip:carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
	run -0 cat "$XDG_STATE_HOME/sipbox/instances"
	[[ "$output" =~ ^sip:carol@sip.test\ urn:uuid:[0-9a-f-]{36}$ ]]
	run -0 "$SIPBOX" sip-register --list sip:carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[ "${#lines[@]}" -eq 2 ]
	run -0 "$SIPBOX" sip-register --remove-all sip:carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
}
