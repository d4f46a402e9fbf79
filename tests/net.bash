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
# stdout in NAME.out, stderr in NAME.err, pid in NAME.pid
start_serve() {
	local name=$1
	shift
	SERVE_DIR="${SERVE_DIR:-$BATS_TEST_TMPDIR}"
	rm -f "$SERVE_DIR/$name.ports"
	"$SIPBOX" sip-serve --port-file "$SERVE_DIR/$name.ports" --duration 120 "$@" \
	    >"$SERVE_DIR/$name.out" 2>"$SERVE_DIR/$name.err" &
	echo $! > "$SERVE_DIR/$name.pid"
	wait_for test -s "$SERVE_DIR/$name.ports"
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

# blackhole_udp: a UDP port on loopback that never answers (for 30 s);
# prints the port; datagrams received are counted in
# $BATS_TEST_TMPDIR/blackhole.count
blackhole_udp() {
	"$ROOT/tests/helper/udpsink" "$BATS_TEST_TMPDIR/blackhole.count" 30
}
