# sip-register-watch.bats - sip-register --watch: the reg event package
# (RFC 3680) through the lab's Kamailio as notifier (presence_reginfo and
# pua_reginfo, LAB_REGEVENT=1), and the subscription's failures against
# sip-serve.
load helpers
load net

setup_file() {
	LAB_REGEVENT=1 lab_start
}

teardown_file() {
	lab_stop
}

setup() {
	export XDG_STATE_HOME="$BATS_TEST_TMPDIR/state"
}

teardown() {
	kill_pidfiles
}

# start_watch NAME ARGS...: sip-register --watch in the background
# (bounded by --timeout); stdout in NAME.out, stderr in NAME.err
start_watch() {
	local name=$1
	shift
	"$SIPBOX" sip-register --watch --timeout 60 "$@" \
	    >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/$name.pid"
}

# stop_watch NAME: SIGINT, and its status in $watch_rc
stop_watch() {
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/$1.pid")
	kill -INT "$pid"
	watch_rc=0
	wait "$pid" || watch_rc=$?
	rm -f "$BATS_TEST_TMPDIR/$1.pid"
}

@test "sip-register --watch: kamailio: a second client's registration and removal are printed from the NOTIFYs; SIGINT unsubscribes, exit 0" {
	need_lab
	export SIPBOX_PASSWORD=carol-secret
	local out="$BATS_TEST_TMPDIR/w.out" port
	start_watch w --json carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
	wait_for grep -q '"event":"subscribed".*"state":"active"' "$out"
	# the second client: a contact at a port of its own
	port=$(free_port)
	run -0 "$SIPBOX" sip-register --once --expires 300 \
	    --local "127.0.0.1:$port" carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
	wait_for grep -q "\"type\":\"contact\",\"event\":\"created\",\"aor\":\"sip:carol@sip.test\",\"contact\":\"sip:carol@127.0.0.1:$port\",\"state\":\"active\"" "$out"
	run -0 "$SIPBOX" sip-register --remove-all carol@sip.test \
	    "127.0.0.1:$LAB_SIP_PORT"
	wait_for grep -q "\"event\":\"unregistered\",\"aor\":\"sip:carol@sip.test\",\"contact\":\"sip:carol@127.0.0.1:$port\",\"state\":\"terminated\"" "$out"
	stop_watch w
	[ "$watch_rc" = 0 ]
	run -0 tail -1 "$out"
	[[ "$output" == '{"type":"subscription","event":"unsubscribed","aor":"sip:carol@sip.test"'* ]]
	# each change once: the contact in later full documents is no news
	run -0 grep -c '"type":"contact"' "$out"
	[ "$output" = 2 ]
}

@test "sip-register --watch: kamailio: the subscription is refreshed within the dialog before it expires, the unsubscribe has Expires: 0" {
	need_lab
	export SIPBOX_PASSWORD=dave-secret
	local err="$BATS_TEST_TMPDIR/r.err"
	start_watch r -v --expires 4 dave@sip.test "127.0.0.1:$LAB_SIP_PORT"
	# the first SUBSCRIBE goes to the AOR; refreshes to Kamailio's Contact
	wait_for count_is 2 "$err" "^> SUBSCRIBE sip:127\.0\.0\.1:$LAB_SIP_PORT SIP/2\.0"
	stop_watch r
	[ "$watch_rc" = 0 ]
	run -0 grep -c '^> SUBSCRIBE sip:dave@sip.test SIP/2.0' "$err"
	[ "$output" = 2 ]	# the first one and its answer to the 407
	run -0 grep '^> Expires: ' "$err"
	[ "${lines[-1]}" = "> Expires: 0" ]
	grep -q '^< Subscription-State: terminated' "$err"
	[[ "$(cat "$BATS_TEST_TMPDIR/r.out")" == *"unsubscribed sip:dave@sip.test"* ]]
}

@test "sip-register --watch: kamailio: a wrong password is exit 4 after one answered challenge" {
	need_lab
	export SIPBOX_PASSWORD=wrong
	run -4 --separate-stderr "$SIPBOX" sip-register --watch -v --timeout 30 \
	    alice@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[[ "$stderr" == *"sip-register: sip:alice@sip.test: Proxy Authentication Required: authentication failed"* ]]
	[ "$(grep -c '^> SUBSCRIBE ' <<<"$stderr")" = 2 ]
}

@test "sip-register --watch: 489 Bad Event from the notifier is exit 4 with the reason" {
	start_serve s -l udp:127.0.0.1:0 -r SUBSCRIBE=489
	run -4 --separate-stderr "$SIPBOX" sip-register --watch --timeout 30 \
	    alice@example.test "$(serve_addr s udp)"
	[ "$stderr" = "sip-register: sip:alice@example.test: Bad Event: the notifier does not know the event package (489)" ]
	[ "$output" = "" ]
}

@test "sip-register --watch: a 503 to the SUBSCRIBE is retried after a backoff, not given up" {
	start_serve s -l udp:127.0.0.1:0 -r SUBSCRIBE=503
	run -7 --separate-stderr "$SIPBOX" sip-register --watch --timeout 3 \
	    alice@example.test "$(serve_addr s udp)"
	[ "${lines[0]}" = "resubscribing sip:alice@example.test (the SUBSCRIBE failed)" ]
	[[ "$stderr" == *"--timeout reached"* ]]
}

@test "sip-register --watch: with --once, --contact, --list or --remove-all is a usage error" {
	run -2 --separate-stderr "$SIPBOX" sip-register --watch --once sip:a@b.test
	[[ "$stderr" == "sip-register: --watch registers and removes nothing: no --once, --contact, --reg-id, --keepalive, --list or --remove"* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --watch --remove-all sip:a@b.test
	[[ "$stderr" == "sip-register: --watch registers and removes nothing"* ]]
}
