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
	# for serve_leftovers: the pid and its start time (a pid used again
	# by another process later is not this one)
	echo "$! $(proc_start $!)" >>"$BATS_FILE_TMPDIR/serve.started"
	wait_for test -s "$SERVE_DIR/$name.ports"
}

# proc_start PID: PID's start time in clock ticks since boot (field 22 of
# /proc/PID/stat; the name before it is sipbox's, no spaces or parens)
proc_start() {
	local f
	read -ra f </proc/$1/stat 2>/dev/null || return 0
	echo "${f[21]}"
}

# proc_gone PID: PID has ended (a zombie not yet reaped counts as ended)
proc_gone() {
	local f
	read -ra f </proc/$1/stat 2>/dev/null || return 0
	[ "${f[2]}" = Z ]
}

# serve_leftovers: in teardown_file, print the sip-serves start_serve
# started in this file (pid and command line) that still run, and be
# false then; false too for a record without its start time, which would
# match no process and let every leftover pass.  Another file's or run's
# processes are not in the list.
serve_leftovers() {
	local pid start left=0
	[ -f "$BATS_FILE_TMPDIR/serve.started" ] || return 0
	while read -r pid start; do
		[[ "$pid $start" =~ ^[0-9]+\ [0-9]+$ ]] || {
			echo "bad record in serve.started: $pid $start"
			left=1
			continue
		}
		proc_gone "$pid" && continue
		[ "$(proc_start "$pid")" = "$start" ] || continue
		echo "left running: $pid $(tr '\0' ' ' </proc/$pid/cmdline)"
		left=1
	done <"$BATS_FILE_TMPDIR/serve.started"
	return $left
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
# pending and outlive the file.  What has not ended after 5 s gets
# SIGKILL: a sip-serve with subscriptions waits 4 s of its clock for
# their final NOTIFYs' answers, 80 s of the wall under slow_clock 20,
# and would outlive the test and its file.
kill_pidfiles() {
	local f pid pids=() end=$((SECONDS + 5))
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null &&
		    pids+=("$pid")
	done
	for pid in "${pids[@]}"; do
		until proc_gone "$pid" || [ "$SECONDS" -ge "$end" ]; do
			sleep 0.1
		done
		proc_gone "$pid" || kill -KILL "$pid" 2>/dev/null
		# reap it when it is this shell's child
		wait "$pid" 2>/dev/null
	done
	true
}
