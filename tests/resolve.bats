# resolve.bats - RFC 3263 resolution against a dnsmasq on loopback with
# NAPTR, SRV, A, AAAA and CNAME records, through tests/helper/resolve
# (stdout: "N TRANSPORT ADDRESS HOST" per target; stderr: "* " trace).
load helpers
# One test counts the questions in dnsmasq's log: none may run beside it.
BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup_file() {
	command -v dnsmasq >/dev/null || return 0
	local conf="$BATS_FILE_TMPDIR/dnsmasq.conf" i
	{
		cat <<-'CONF'
		local=/test/
		no-negcache
		local-ttl=60
		log-queries
		log-facility=-
		# Addresses
		host-record=a.ex.test,127.0.0.1
		host-record=b.ex.test,127.0.0.2
		host-record=c.ex.test,127.0.0.3,::3
		host-record=ex.test,127.0.0.9
		host-record=plain.test,127.0.0.10,::10
		host-record=srv.test,127.0.0.20
		cname=alias.test,a.ex.test
		# ex.test: NAPTR (order, preference) picks the transports
		naptr-record=ex.test,5,50,s,SIP+D2X,,_sip._x.ex.test
		naptr-record=ex.test,10,50,s,SIPS+D2T,,_sips._tcp.ex.test
		naptr-record=ex.test,20,20,s,SIP+D2T,,_sip._tcp.ex.test
		naptr-record=ex.test,20,10,s,SIP+D2U,,_sip._udp.ex.test
		naptr-record=ex.test,30,50,s,SIP+D2W,,_sip._ws.ex.test
		srv-host=_sips._tcp.ex.test,c.ex.test,5061,10,100
		srv-host=_sip._udp.ex.test,a.ex.test,5070,20,100
		srv-host=_sip._udp.ex.test,b.ex.test,5080,10,100
		srv-host=_sip._tcp.ex.test,b.ex.test,5060,10,100
		srv-host=_sip._ws.ex.test,a.ex.test,8080,10,100
		# srv.test: SRV without NAPTR
		srv-host=_sip._udp.srv.test,a.ex.test,5060,10,0
		srv-host=_sip._tcp.srv.test,b.ex.test,5060,10,0
		srv-host=_sips._tcp.srv.test,c.ex.test,5061,10,0
		# none.test: SRV says the service is not offered
		host-record=none.test,127.0.0.30
		srv-host=_sip._udp.none.test
		CONF
		# big.test: more SRV records than fit in 1232 bytes of UDP
		for i in $(seq 1 25); do
			echo "srv-host=_sip._udp.big.test,host-with-a-long-name-to-fill-the-answer-$i.big.test,5060,$i,0"
			echo "host-record=host-with-a-long-name-to-fill-the-answer-$i.big.test,127.0.2.$i"
		done
	} > "$conf"
	DNS_PORT=$(free_port)
	dnsmasq -k -C "$conf" --port="$DNS_PORT" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --pid-file= \
	    </dev/null >"$BATS_FILE_TMPDIR/dnsmasq.log" 2>&1 3>&- &
	echo $! > "$BATS_FILE_TMPDIR/dnsmasq.pid"
	export DNS_PORT
	wait_for "$ROOT/tests/helper/resolve" "127.0.0.1:$DNS_PORT" \
	    a.ex.test 5060 - 0 || {
		cat "$BATS_FILE_TMPDIR/dnsmasq.log" >&2
		return 1
	}
}

teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/dnsmasq.pid" ]; then
		kill "$(cat "$BATS_FILE_TMPDIR/dnsmasq.pid")" 2>/dev/null || true
	fi
}

setup() {
	need dnsmasq
	RESOLVE="$ROOT/tests/helper/resolve"
	DNS="127.0.0.1:$DNS_PORT"
}

@test "resolve: NAPTR order and preference, then SRV priority, then A and AAAA" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 - 0
	[ "$output" = "1 TLS 127.0.0.3:5061 c.ex.test
2 TLS [::3]:5061 c.ex.test
3 UDP 127.0.0.2:5080 b.ex.test
4 UDP 127.0.0.1:5070 a.ex.test
5 TCP 127.0.0.2:5060 b.ex.test
6 WS 127.0.0.1:8080 a.ex.test" ]
	[[ "$stderr" == *'* NAPTR ex.test -> 10 50 "s" "SIPS+D2T" "" _sips._tcp.ex.test'* ]]
	[[ "$stderr" == *'* NAPTR ex.test -> 5 50 "s" "SIP+D2X" "" _sip._x.ex.test (ignored: a service we do not know)'* ]]
	[[ "$stderr" == *'* SRV _sip._udp.ex.test -> 20 100 5070 a.ex.test'* ]]
	[[ "$stderr" == *'* A c.ex.test -> 127.0.0.3'* ]]
	[[ "$stderr" == *'* AAAA c.ex.test -> ::3'* ]]
	[[ "$stderr" != *"SRV _sip._x"* ]]
}

@test "resolve: a sips: URI keeps only the SIPS records" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 - 1
	[ "$output" = "1 TLS 127.0.0.3:5061 c.ex.test
2 TLS [::3]:5061 c.ex.test" ]
	[[ "$stderr" == *'"SIP+D2U" "" _sip._udp.ex.test (ignored: not SIPS)'* ]]
}

@test "resolve: NAPTR records for transports the client lacks are passed over" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 - 0 - udp,tcp
	[ "$output" = "1 UDP 127.0.0.2:5080 b.ex.test
2 UDP 127.0.0.1:5070 a.ex.test
3 TCP 127.0.0.2:5060 b.ex.test" ]
	[[ "$stderr" == *'"SIPS+D2T" "" _sips._tcp.ex.test (ignored: a transport we do not use)'* ]]
	[[ "$stderr" != *"SRV _sips._tcp"* ]]
}

@test "resolve: -4 and -6 keep addresses of one family" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 - 0 6
	[ "$output" = "1 TLS [::3]:5061 c.ex.test" ]
	[[ "$stderr" != *"* A "* ]]
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 - 0 4
	[ "${#lines[@]}" -eq 5 ]
	[[ "$output" != *"["* ]]
	[[ "$stderr" != *"* AAAA "* ]]
}

@test "resolve: a port skips NAPTR and SRV (RFC 3263 4.2)" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 5090 - 0
	[ "$output" = "1 UDP 127.0.0.9:5090 ex.test" ]
	[[ "$stderr" == *"port 5090 given"* ]]
	[[ "$stderr" != *"* NAPTR "* && "$stderr" != *"* SRV "* ]]
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 5090 - 1
	[ "$output" = "1 TLS 127.0.0.9:5090 ex.test" ]
}

@test "resolve: a transport skips NAPTR and asks SRV for it (RFC 3263 4.1)" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 tcp 0
	[ "$output" = "1 TCP 127.0.0.2:5060 b.ex.test" ]
	[[ "$stderr" != *"NAPTR ex.test"* ]]
	[[ "$stderr" == *"SRV _sip._tcp.ex.test -> 10 100 5060 b.ex.test"* ]]
	# TLS for a sip: URI asks _sips._tcp (RFC 3263 4.2)
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 tls 0
	[ "${lines[0]}" = "1 TLS 127.0.0.3:5061 c.ex.test" ]
	# sips: with transport=tcp is TLS
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 tcp 1
	[ "${lines[0]}" = "1 TLS 127.0.0.3:5061 c.ex.test" ]
}

@test "resolve: without NAPTR, SRV for each transport of the scheme" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" srv.test 0 - 0
	[ "$output" = "1 UDP 127.0.0.1:5060 a.ex.test
2 TCP 127.0.0.2:5060 b.ex.test" ]
	[[ "$stderr" == *"NAPTR srv.test -> no records"* ]]
	[[ "$stderr" != *"_sips._tcp"* ]]
	run -0 --separate-stderr "$RESOLVE" "$DNS" srv.test 0 - 1
	[ "$output" = "1 TLS 127.0.0.3:5061 c.ex.test
2 TLS [::3]:5061 c.ex.test" ]
}

@test "resolve: without NAPTR and SRV, A and AAAA at the default port" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" plain.test 0 - 0
	[ "$output" = "1 UDP 127.0.0.10:5060 plain.test
2 UDP [::10]:5060 plain.test" ]
	[[ "$stderr" == *"no SRV: A/AAAA for plain.test, UDP port 5060"* ]]
	run -0 --separate-stderr "$RESOLVE" "$DNS" plain.test 0 - 1
	[ "${lines[0]}" = "1 TLS 127.0.0.10:5061 plain.test" ]
	run -0 --separate-stderr "$RESOLVE" "$DNS" plain.test 0 ws 0
	[ "${lines[0]}" = "1 WS 127.0.0.10:80 plain.test" ]
}

@test "resolve: an SRV record of '.' means the service is not offered" {
	run -8 --separate-stderr "$RESOLVE" "$DNS" none.test 0 udp 0
	[ "$output" = "" ]
	[[ "$stderr" == *"SRV _sip._udp.none.test: the service is not offered here"* ]]
	[[ "$stderr" != *"A none.test"* ]]
}

@test "resolve: CNAME chains are followed" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" alias.test 5060 - 0 4
	[ "$output" = "1 UDP 127.0.0.1:5060 alias.test" ]
	[[ "$stderr" == *"* CNAME alias.test -> a.ex.test"* ]]
}

@test "resolve: a truncated UDP answer is asked again over TCP" {
	run -0 --separate-stderr "$RESOLVE" "$DNS" big.test 0 udp 0 4
	[[ "$stderr" == *"DNS answer for SRV _sip._udp.big.test truncated, asking over TCP"* ]]
	[ "${#lines[@]}" -eq 25 ]
	[ "${lines[0]}" = "1 UDP 127.0.2.1:5060 host-with-a-long-name-to-fill-the-answer-1.big.test" ]
	[ "${lines[24]}" = "25 UDP 127.0.2.25:5060 host-with-a-long-name-to-fill-the-answer-25.big.test" ]
}

@test "resolve: an answer is reused within its TTL, an empty one within the resolution: each question asked once" {
	local log="$BATS_FILE_TMPDIR/dnsmasq.log" before asked
	before=$(wc -l <"$log")
	run -0 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 - 0
	[ "${#lines[@]}" -eq 6 ]
	# b.ex.test is the target of two SRV records, a.ex.test of two more
	[ "$(grep -c '^\* A b.ex.test: from the cache (60 s left)$' <<<"$stderr")" -eq 1 ]
	[ "$(grep -c '^\* A a.ex.test: from the cache' <<<"$stderr")" -eq 1 ]
	[ "$(grep -c '^\* A b.ex.test -> 127.0.0.2$' <<<"$stderr")" -eq 2 ]
	# the server saw one question for each
	asked=$(tail -n "+$((before + 1))" "$log")
	[ "$(grep -c 'query\[A\] b.ex.test from' <<<"$asked")" -eq 1 ]
	[ "$(grep -c 'query\[A\] a.ex.test from' <<<"$asked")" -eq 1 ]
	# neither has an AAAA record: asked once too, not cached after
	[ "$(grep -c 'query\[AAAA\] b.ex.test from' <<<"$asked")" -eq 1 ]
	[ "$(grep -c '^\* AAAA b.ex.test -> no records (asked already)$' <<<"$stderr")" -eq 1 ]
	[ "$(grep -c 'query\[' <<<"$asked")" -eq 11 ]
}

@test "resolve: an unknown name is a DNS failure (exit 8)" {
	run -8 --separate-stderr "$RESOLVE" "$DNS" nope.test 0 - 0
	[ "$output" = "" ]
	[[ "$stderr" == *"resolve: nope.test: name resolution failed: no address found"* ]]
	[[ "$stderr" == *"NAPTR nope.test -> no such name"* ]]
}

@test "resolve: a DNS server that is not there fails at once (exit 8)" {
	local dead
	dead=$(free_port)
	run -8 --separate-stderr "$RESOLVE" "127.0.0.1:$dead" ex.test 0 - 0
	[[ "$stderr" == *"name resolution failed: connection refused"* ]]
	# only the first question was asked
	[ "$(grep -c '^\* ' <<<"$stderr")" -eq 1 ]
}

@test "resolve: IP addresses and localhost need no DNS" {
	local dead
	dead=$(free_port)
	run -0 --separate-stderr "$RESOLVE" "127.0.0.1:$dead" 192.0.2.1 0 - 0
	[ "$output" = "1 UDP 192.0.2.1:5060 192.0.2.1" ]
	[[ "$stderr" == *"192.0.2.1 is an IP address"* ]]
	run -0 --separate-stderr "$RESOLVE" "127.0.0.1:$dead" '[::1]' 5070 - 1
	[ "$output" = "1 TLS [::1]:5070 ::1" ]
	run -0 --separate-stderr "$RESOLVE" "127.0.0.1:$dead" localhost 0 tcp 0
	[ "$output" = "1 TCP 127.0.0.1:5060 localhost
2 TCP [::1]:5060 localhost" ]
}

@test "resolve: bad hosts and transports are errors, not DNS questions" {
	run -2 --separate-stderr "$RESOLVE" "$DNS" '[::1' 0 - 0
	[[ "$stderr" == *"bad IPv6 reference"* ]]
	run -2 --separate-stderr "$RESOLVE" "$DNS" 'a..test' 0 - 0
	[[ "$stderr" == *"bad host name"* ]]
	run -2 --separate-stderr "$RESOLVE" "$DNS" ex.test 0 udp 1
	[[ "$stderr" == *"a sips: URI needs TLS or WSS"* ]]
	[[ "$stderr" != *"* "* ]]
}
