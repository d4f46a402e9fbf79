# sip-send-dns.bats - sip-send's RFC 3263 resolution against a dnsmasq on
# loopback with NAPTR and SRV records pointing at sip-serve instances,
# and failover to the next target on a timeout, a refusal or a 503.
load helpers
load net

setup_file() {
	need dnsmasq
	export SERVE_DIR="$BATS_FILE_TMPDIR"
	start_serve good -l udp:127.0.0.1:0 -l tcp:127.0.0.1:0
	start_serve busy -l udp:127.0.0.1:0 -r OPTIONS=503
	local gu gt bu sink sink2 closed conf="$BATS_FILE_TMPDIR/dnsmasq.conf"
	gu=$(serve_addr good udp); gu=${gu##*:}
	gt=$(serve_addr good tcp); gt=${gt##*:}
	bu=$(serve_addr busy udp); bu=${bu##*:}
	sink=$(BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR blackhole_udp 600)
	mkdir -p "$BATS_FILE_TMPDIR/sink2"
	sink2=$(BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR/sink2 blackhole_udp 600)
	closed=$(free_port)
	cat > "$conf" <<-CONF
	local=/test/
	no-negcache
	host-record=a.sip.test,127.0.0.1
	# sip.test: NAPTR says TCP, SRV gives the port
	naptr-record=sip.test,10,10,s,SIP+D2T,,_sip._tcp.sip.test
	srv-host=_sip._tcp.sip.test,a.sip.test,$gt,10,0
	# timeout.test: the first target never answers
	srv-host=_sip._udp.timeout.test,a.sip.test,$sink,10,0
	srv-host=_sip._udp.timeout.test,a.sip.test,$gu,20,0
	# busy.test: the first target answers 503
	srv-host=_sip._udp.busy.test,a.sip.test,$bu,10,0
	srv-host=_sip._udp.busy.test,a.sip.test,$gu,20,0
	# refused.test: nothing listens on the first target's TCP port
	srv-host=_sip._tcp.refused.test,a.sip.test,$closed,10,0
	srv-host=_sip._tcp.refused.test,a.sip.test,$gt,20,0
	# closed.test: NAPTR and SRV, the first target's UDP port closed
	naptr-record=closed.test,10,10,s,SIP+D2U,,_sip._udp.closed.test
	srv-host=_sip._udp.closed.test,a.sip.test,$closed,10,0
	srv-host=_sip._udp.closed.test,a.sip.test,$gu,20,0
	# silent.test: two targets that never answer
	srv-host=_sip._udp.silent.test,a.sip.test,$sink,10,0
	srv-host=_sip._udp.silent.test,a.sip.test,$sink2,20,0
	CONF
	DNS_PORT=$(free_port)
	dnsmasq -k -C "$conf" --port="$DNS_PORT" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --pid-file= \
	    </dev/null >"$BATS_FILE_TMPDIR/dnsmasq.log" 2>&1 3>&- &
	echo $! > "$BATS_FILE_TMPDIR/dnsmasq.pid"
	export DNS_PORT
	wait_for "$SIPBOX" sip-send --resolver "127.0.0.1:$DNS_PORT" sip:sip.test
}

teardown_file() {
	stop_serve good
	stop_serve busy
	local f
	for f in dnsmasq.pid blackhole.count.pid sink2/blackhole.count.pid; do
		[ -f "$BATS_FILE_TMPDIR/$f" ] && kill "$(cat "$BATS_FILE_TMPDIR/$f")" 2>/dev/null
	done
	true
}

@test "sip-send: NAPTR then SRV choose TCP and the port; -v shows each step" {
	run -0 "$SIPBOX" sip-send -v --resolver "127.0.0.1:$DNS_PORT" sip:sip.test
	[[ "$output" == *"NAPTR sip.test"*"SIP+D2T"* ]]
	[[ "$output" == *"SRV _sip._tcp.sip.test"* ]]
	[[ "$output" == *"over TCP"* ]]
	[[ "$output" == *"> OPTIONS sip:sip.test SIP/2.0"* ]]
	[[ "$output" == *"Via: SIP/2.0/TCP "* ]]
}

@test "sip-send: a target that times out fails over to the next SRV target" {
	run -0 "$SIPBOX" sip-send -v --t1 0.01 --resolver "127.0.0.1:$DNS_PORT" sip:timeout.test
	[[ "$output" == *"target 2:"* ]]
	[ "$(grep -c '^> OPTIONS' <<<"$output")" -ge 2 ]
	[[ "$output" == *"SIP/2.0 200 OK"* ]]
}

@test "sip-send: a 503 fails over to the next SRV target" {
	run -0 "$SIPBOX" sip-send -v --resolver "127.0.0.1:$DNS_PORT" sip:busy.test
	[[ "$output" == *"< SIP/2.0 503"* ]]
	[[ "$output" == *"< SIP/2.0 200 OK"* ]]
}

@test "sip-send: a refused TCP connection fails over to the next SRV target" {
	run -0 "$SIPBOX" sip-send --resolver "127.0.0.1:$DNS_PORT" -t tcp sip:refused.test
	[[ "$output" == *"refused"* ]]
	[[ "$output" == *"SIP/2.0 200 OK"* ]]
}

@test "sip-send: a name the DNS server does not know is exit 8" {
	run -8 "$SIPBOX" sip-send --resolver "127.0.0.1:$DNS_PORT" sip:nothing.test
	[[ "$output" == *"cannot resolve 'nothing.test'"* ]]
	run -2 "$SIPBOX" sip-send --resolver "not an address" sip:sip.test
}

@test "sip-send: a closed UDP port at the first NAPTR/SRV target (ICMP) fails over to the next" {
	run -0 "$SIPBOX" sip-send --timeout 20 --resolver "127.0.0.1:$DNS_PORT" sip:closed.test
	[[ "$output" == *"port unreachable"*"trying the next address"* ]]
	[[ "$output" == *"SIP/2.0 200 OK"* ]]
	# one request, one JSON record, whatever failed on the way
	run -0 "$SIPBOX" sip-send --json --timeout 20 --resolver "127.0.0.1:$DNS_PORT" sip:closed.test
	[ "$(grep -c '"type":"response"' <<<"$output")" -eq 1 ]
	[[ "$output" == *'"status":200'* ]]
}

@test "sip-send: --timeout is one deadline over every address, with one --json record and exit 7" {
	run -7 "$SIPBOX" sip-send --json --timeout 1 --resolver "127.0.0.1:$DNS_PORT" sip:silent.test
	[ "$(grep -c '"type":"response"' <<<"$output")" -eq 1 ]
	[[ "$output" == *'"exit":7'* ]]
}
