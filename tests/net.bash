# net.bash - helpers for tests that talk SIP on loopback.  Load after
# helpers: `load helpers; load net`.

# make_cert DIR: a self-signed certificate for localhost, 127.0.0.1 and ::1
make_cert() {
	[ -f "$1/cert.pem" ] && return 0
	mkdir -p "$1"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
	    -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1
}

# start_serve NAME ARGS...: sip-serve in the background on free ports;
# its listeners are in $SERVE_DIR/NAME.ports ("tp addr:port"), its
# stdout in NAME.out, stderr in NAME.err, pid in NAME.pid; it ends by
# itself after 600 s (a file's servers outlive its tests on a loaded
# machine; teardown stops them first)
start_serve() {
	local name=$1
	shift
	SERVE_DIR="${SERVE_DIR:-$BATS_TEST_TMPDIR}"
	rm -f "$SERVE_DIR/$name.ports"
	"$SIPBOX" sip-serve --port-file "$SERVE_DIR/$name.ports" --duration 600 "$@" \
	    >"$SERVE_DIR/$name.out" 2>"$SERVE_DIR/$name.err" 3>&- &
	echo $! > "$SERVE_DIR/$name.pid"
	wait_for test -s "$SERVE_DIR/$name.ports"
}

# slow_clock FACTOR CMD...: CMD (start_serve, say) with the clock of the
# programs it starts running FACTOR times slow (tests/preload/slowclock.so):
# their seconds are FACTOR seconds of the wall, so a check on a time they
# count ("expires 3599", a 4 s wait, a retransmission schedule) keeps its
# bound in their time and a stall of a loaded machine barely moves it
slow_clock() {
	local factor=$1
	shift
	LD_PRELOAD="$TESTS_DIR/preload/slowclock.so" SLOWCLOCK_FACTOR=$factor \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$@"
}

# serve_addr NAME TP: the addr:port of NAME's TP listener
serve_addr() {
	awk -v tp="$2" '$1 == tp { print $2; exit }' "$SERVE_DIR/$1.ports"
}

stop_serve() {
	local pid
	pid=$(cat "$SERVE_DIR/$1.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# blackhole_udp [SECONDS]: a UDP port on loopback that never answers (for
# SECONDS, 30 by default); prints the port; datagrams received are counted
# in $BATS_TEST_TMPDIR/blackhole.count, its pid is in blackhole.count.pid
# (kill_pidfiles ends it).  Not on bats' fd 3: bats would wait for it
blackhole_udp() {
	"$ROOT/tests/helper/udpsink" "$BATS_TEST_TMPDIR/blackhole.count" "${1:-30}" 3>&-
}

# lab_start: in setup_file, the lab's Kamailio (tests/lab/kamailio-start)
# for the file's tests on free ports, tried with new ones when another
# run took one meanwhile; exports LAB_DIR and LAB_SIP_PORT (UDP and TCP).
# LAB_REGEVENT=1 in the environment makes it the reg event's notifier.
# Nothing when Kamailio is not installed: need_lab skips or fails then.
lab_start() {
	local try
	export LAB_DIR="$BATS_FILE_TMPDIR/lab"
	command -v kamailio >/dev/null || return 0
	for try in 1 2 3; do
		read -r LAB_SIP_PORT LAB_TLS_PORT LAB_WS_PORT LAB_WSS_PORT \
		    <<<"$(free_ports 4)"
		"$TESTS_DIR/lab/kamailio-start" "$LAB_DIR" $LAB_SIP_PORT \
		    $LAB_TLS_PORT $LAB_WS_PORT $LAB_WSS_PORT \
		    >"$BATS_FILE_TMPDIR/lab.start" 2>&1 && break
		grep -q 'Address already in use' "$LAB_DIR/kamailio.log" || break
	done
	export LAB_SIP_PORT
}

# need_lab: in a test, Kamailio installed (need) and lab_start's running
need_lab() {
	need kamailio
	[ -f "$LAB_DIR/kamailio.pid" ] || {
		cat "$BATS_FILE_TMPDIR/lab.start"
		false
	}
}

# lab_stop: in teardown_file
lab_stop() {
	"$TESTS_DIR/lab/kamailio-stop" "$LAB_DIR"
}

# kill_pidfiles: in teardown, end what the test started in the
# background and recorded in $BATS_TEST_TMPDIR/*.pid (start_serve too);
# SIGCONT too, or one a failed test left stopped would keep its SIGTERM
# pending and outlive the file
kill_pidfiles() {
	local f pid
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null
	done
	true
}
