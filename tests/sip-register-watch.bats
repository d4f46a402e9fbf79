# sip-register-watch.bats - sip-register --watch: the reg event package
# (RFC 3680) through the lab's Kamailio as notifier (presence_reginfo and
# pua_reginfo, LAB_REGEVENT=1), and the subscription's failures against
# sip-serve.
load helpers
load net

setup_file() {
	LAB_REGEVENT=1 lab_start
}

# every sip-serve a test started ended with it (kill_pidfiles)
teardown_file() {
	lab_stop
	serve_leftovers
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

# watch_second_client NAME AOR REGISTRAR EVENT: while watch NAME (--json)
# is subscribed, a second client registers AOR with a contact at a port
# of its own and then removes it; NAME prints EVENT and then
# unregistered for that contact, each change once (a contact named again
# in later full documents is no news), and SIGINT unsubscribes, exit 0
watch_second_client() {
	local name=$1 aor=$2 reg=$3 ev=$4 out="$BATS_TEST_TMPDIR/$1.out" port c
	port=$(free_port)
	c="sip:${aor%@*}@127.0.0.1:$port"
	run -0 "$SIPBOX" sip-register --once --expires 300 \
	    --local "127.0.0.1:$port" "$aor" "$reg"
	wait_for grep -q "\"type\":\"contact\",\"event\":\"$ev\",\"aor\":\"sip:$aor\",\"contact\":\"$c\",\"state\":\"active\"" "$out"
	run -0 "$SIPBOX" sip-register --remove-all "$aor" "$reg"
	wait_for grep -q "\"event\":\"unregistered\",\"aor\":\"sip:$aor\",\"contact\":\"$c\",\"state\":\"terminated\"" "$out"
	stop_watch "$name"
	[ "$watch_rc" = 0 ]
	run -0 tail -1 "$out"
	[[ "$output" == "{\"type\":\"subscription\",\"event\":\"unsubscribed\",\"aor\":\"sip:$aor\""* ]]
	run -0 grep -c '"type":"contact"' "$out"
	[ "$output" = 2 ]
}

@test "sip-register --watch: kamailio: a second client's registration and removal are printed from the NOTIFYs; SIGINT unsubscribes, exit 0" {
	need_lab
	export SIPBOX_PASSWORD=carol-secret
	local out="$BATS_TEST_TMPDIR/w.out"
	start_watch w --json carol@sip.test "127.0.0.1:$LAB_SIP_PORT"
	wait_for grep -q '"event":"subscribed".*"state":"active"' "$out"
	watch_second_client w carol@sip.test "127.0.0.1:$LAB_SIP_PORT" created
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

# sip-serve as the notifier (its registrar's reg event), with digest
# users as REGISTER has them
serve_users() {
	printf 'carol:carol-secret\ndave:dave-secret\n' >"$BATS_TEST_TMPDIR/users"
	chmod 600 "$BATS_TEST_TMPDIR/users"
	start_serve s -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users" "$@"
}

@test "sip-register --watch: sip-serve: a second client's registration and removal are printed from the NOTIFYs; SIGINT unsubscribes, exit 0" {
	serve_users
	export SIPBOX_PASSWORD=carol-secret
	local out="$BATS_TEST_TMPDIR/w.out" a
	a=$(serve_addr s udp)
	start_watch w --json carol@example.test "$a"
	wait_for grep -q '"event":"subscribed".*"state":"active"' "$out"
	watch_second_client w carol@example.test "$a" registered
	# document versions one apart: no gap made the watcher refresh
	run -0 grep -o '"version":[0-9]*' "$out"
	[ "$output" = $'"version":1\n"version":2' ]
	run -0 cat "$SERVE_DIR/s.out"
	[[ "$output" == *"SUBSCRIBE reg sip:carol@example.test: active for 3600 s"* ]]
	[[ "$output" == *"SUBSCRIBE reg sip:carol@example.test: terminated (timeout)"* ]]
}

@test "sip-register --watch: sip-serve: a binding that runs out is printed expired, at its time" {
	serve_users
	export SIPBOX_PASSWORD=carol-secret
	local out="$BATS_TEST_TMPDIR/x.out" port a
	a=$(serve_addr s udp)
	start_watch x carol@example.test "$a"
	wait_for grep -q '^subscribed ' "$out"
	port=$(free_port)
	run -0 "$SIPBOX" sip-register --once --expires 1 \
	    --local "127.0.0.1:$port" carol@example.test "$a"
	wait_for grep -q "^registered sip:carol@example.test: <sip:carol@127.0.0.1:$port> expires 1 s" "$out"
	# sip-serve's timer removes it: no REGISTER comes to look
	wait_for grep -q "^expired sip:carol@example.test: <sip:carol@127.0.0.1:$port>" "$out"
	stop_watch x
	[ "$watch_rc" = 0 ]
}

@test "sip-register --watch: sip-serve: the subscription is refreshed within the dialog and authenticated each time; each SUBSCRIBE brings a NOTIFY; the unsubscribe's NOTIFY says terminated" {
	serve_users
	export SIPBOX_PASSWORD=dave-secret
	local err="$BATS_TEST_TMPDIR/r.err" a
	a=$(serve_addr s udp)
	start_watch r -v --expires 4 dave@example.test "$a"
	# refreshes go to sip-serve's Contact; each is challenged, as REGISTER
	wait_for count_is 2 "$err" "^> SUBSCRIBE sip:sipbox@$a SIP/2\.0"
	wait_for count_is 2 "$err" '^< Subscription-State: active;expires=4$'
	stop_watch r
	[ "$watch_rc" = 0 ]
	run -0 grep -c '^> SUBSCRIBE sip:dave@example.test SIP/2.0' "$err"
	[ "$output" = 2 ]	# the first one and its answer to the 401
	run -0 grep '^> Expires: ' "$err"
	[ "${lines[-1]}" = "> Expires: 0" ]
	run -0 grep '^< Subscription-State: ' "$err"
	[ "${lines[-1]}" = "< Subscription-State: terminated;reason=timeout" ]
	[[ "$(cat "$BATS_TEST_TMPDIR/r.out")" == *"unsubscribed sip:dave@example.test"* ]]
}

@test "sip-serve: a SUBSCRIBE to another event package is 489 with Allow-Events: reg; one authenticated as another user than the AOR's is 403; one whose Contact is a name is 400" {
	serve_users
	local a
	a=$(serve_addr s udp)
	run -4 "$SIPBOX" sip-send -v -X SUBSCRIBE -H 'Event: presence' "sip:carol@$a"
	[[ "$output" == *"< SIP/2.0 489 Bad Event"* ]]
	[[ "$output" == *"< Allow-Events: reg"* ]]
	run -0 "$SIPBOX" sip-send -v "sip:$a"
	[[ "$output" == *"< Allow-Events: reg"* ]]
	[[ "$output" == *"< Allow: ACK, CANCEL, BYE, OPTIONS, MESSAGE, REGISTER, SUBSCRIBE"$'\n'* ]]
	SIPBOX_PASSWORD=dave-secret run -4 --separate-stderr "$SIPBOX" \
	    sip-register --watch --user dave --timeout 10 carol@example.test "$a"
	[ "$stderr" = "sip-register: sip:carol@example.test: Forbidden: the SUBSCRIBE was refused" ]
	# a Contact by name over UDP: sip-serve resolves no names, says so
	SIPBOX_PASSWORD=carol-secret run -4 "$SIPBOX" sip-send -v -u carol \
	    -X SUBSCRIBE -H 'Event: reg' --contact sip:w@name.invalid \
	    --proxy "sip:$a" sip:carol@example.test
	[[ "$output" == *'< Warning: 399 sipbox "no Record-Route or Contact with an IP address to send NOTIFY to"'* ]]
	run -1 grep 'SUBSCRIBE reg' "$SERVE_DIR/s.out"
}

@test "sip-serve: a fetch (Expires: 0) gets one NOTIFY with the full state and terminated; a subscription not refreshed lapses with a final NOTIFY; a subscriber that answers a NOTIFY 481 is forgotten" {
	start_serve s -l udp:127.0.0.1:0 --json
	local a port
	a=$(serve_addr s udp)
	port=$(free_port)
	run -0 "$SIPBOX" sip-register --once --expires 300 \
	    --local "127.0.0.1:$port" erin@example.test "$a"
	# a subscriber: answers each NOTIFY with the code in its file
	echo 200 >"$BATS_TEST_TMPDIR/code"
	python3 - "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/sub.log" 2>&1 3>&- <<-'PY' &
	import socket, sys, os, time
	d = sys.argv[1]
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("127.0.0.1", 0))
	open(d + "/sub.port.tmp", "w").write(str(s.getsockname()[1]))
	os.rename(d + "/sub.port.tmp", d + "/sub.port")
	s.settimeout(60)
	n = 0
	while True:
	    m, src = s.recvfrom(65535)
	    head, body = m.decode().split("\r\n\r\n", 1)
	    lines = head.split("\r\n")
	    n += 1
	    open("%s/notify.%d" % (d, n), "w").write(m.decode())
	    code = open(d + "/code").read().strip()
	    keep = [l for l in lines[1:] if l.split(":")[0].lower() in
	            ("via", "from", "to", "call-id", "cseq")]
	    s.sendto(("SIP/2.0 %s X\r\n%s\r\nContent-Length: 0\r\n\r\n" %
	              (code, "\r\n".join(keep))).encode(), src)
	PY
	echo $! >"$BATS_TEST_TMPDIR/sub.pid"
	wait_for test -s "$BATS_TEST_TMPDIR/sub.port"
	port=$(cat "$BATS_TEST_TMPDIR/sub.port")
	# the Request-URI is the AOR (RFC 3680 3.1), sent to sip-serve
	run -0 "$SIPBOX" sip-send -X SUBSCRIBE -H 'Event: reg' -H 'Expires: 0' \
	    --contact "sip:w@127.0.0.1:$port" --proxy "sip:$a" \
	    sip:erin@example.test
	wait_for test -s "$BATS_TEST_TMPDIR/notify.1"
	run -0 cat "$BATS_TEST_TMPDIR/notify.1"
	[[ "$output" == *$'\r\nSubscription-State: terminated;reason=timeout\r\n'* ]]
	[[ "$output" == *$'\r\nContent-Type: application/reginfo+xml\r\n'* ]]
	[[ "$output" == *'<registration aor="sip:erin@example.test" id="'*'" state="active">'* ]]
	[[ "$output" == *"<uri>sip:erin@127.0.0.1:"*"</uri>"* ]]
	wait_for grep -q '"event":"subscription","state":"terminated","aor":"sip:erin@example.test","package":"reg","notifies":1,"why":"timeout"' "$SERVE_DIR/s.out"
	# one that is not refreshed lapses: a final NOTIFY, reason timeout
	run -0 "$SIPBOX" sip-send -X SUBSCRIBE -H 'Event: reg' -H 'Expires: 1' \
	    --contact "sip:w@127.0.0.1:$port" --proxy "sip:$a" \
	    sip:erin@example.test
	wait_for test -s "$BATS_TEST_TMPDIR/notify.3"
	grep -q $'^Subscription-State: active;expires=1\r$' "$BATS_TEST_TMPDIR/notify.2"
	grep -q $'^Subscription-State: terminated;reason=timeout\r$' "$BATS_TEST_TMPDIR/notify.3"
	wait_for grep -q '"event":"subscription","state":"terminated","aor":"sip:erin@example.test","package":"reg","notifies":2,"why":"timeout"' "$SERVE_DIR/s.out"
	# a subscription whose NOTIFY is answered 481 ends (RFC 6665 4.2.2)
	echo 481 >"$BATS_TEST_TMPDIR/code"
	run -0 "$SIPBOX" sip-send -X SUBSCRIBE -H 'Event: reg' -H 'Expires: 60' \
	    --contact "sip:w@127.0.0.1:$port" --proxy "sip:$a" \
	    sip:erin@example.test
	wait_for grep -q '"event":"subscription","state":"terminated","aor":"sip:erin@example.test","package":"reg","notifies":1,"why":"the subscriber refused the NOTIFY"' "$SERVE_DIR/s.out"
}

@test "sip-register --watch --register: registers, then subscribes over the 200's Service-Route: the SUBSCRIBE carries it as its Route and reaches its first hop, not the registrar; SIGINT unsubscribes and unregisters" {
	# the route's first hop: a second sip-serve, which answers what it gets
	printf 'carol:carol-secret\n' >"$BATS_TEST_TMPDIR/users"
	chmod 600 "$BATS_TEST_TMPDIR/users"
	start_serve hop -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users"
	local hop reg err="$BATS_TEST_TMPDIR/b.err" out="$BATS_TEST_TMPDIR/b.out"
	hop=$(serve_addr hop udp)
	start_serve s -l udp:127.0.0.1:0 --users "$BATS_TEST_TMPDIR/users" \
	    --service-route "sip:$hop;lr" --service-route "sip:192.0.2.7;lr"
	reg=$(serve_addr s udp)
	export SIPBOX_PASSWORD=carol-secret
	start_watch b -v --register carol@example.test "$reg"
	wait_for grep -q '^subscribed sip:carol@example.test: active' "$out"
	run -0 cat "$out"
	[[ "${lines[0]}" == "registered sip:carol@example.test: <sip:carol@127.0.0.1:"* ]]
	[ "${lines[1]}" = "  service-route: <sip:$hop;lr>, <sip:192.0.2.7;lr>" ]
	# the route set, in order, on the SUBSCRIBE to the AOR
	run -0 grep -A8 '^> SUBSCRIBE sip:carol@example.test SIP/2.0' "$err"
	[[ "$output" == *"> Route: <sip:$hop;lr>"$'\n'"> Route: <sip:192.0.2.7;lr>"* ]]
	# the hop took the subscription; the registrar saw none
	grep -q '^SUBSCRIBE reg sip:carol@example.test: active' "$SERVE_DIR/hop.out"
	run -1 grep SUBSCRIBE "$SERVE_DIR/s.out"
	stop_watch b
	[ "$watch_rc" = 0 ]
	# both, in whichever order their answers came
	run -0 tail -2 "$out"
	[[ "$output" == *"unregistered sip:carol@example.test: 200"* ]]
	[[ "$output" == *"unsubscribed sip:carol@example.test"* ]]
	run -0 tail -1 "$SERVE_DIR/s.out"
	[ "$output" = "REGISTER sip:carol@example.test: 0 bindings" ]
	grep -q '^SUBSCRIBE reg sip:carol@example.test: terminated (timeout)' "$SERVE_DIR/hop.out"
}

@test "sip-register --watch --register: a refresh's 200 with another Service-Route moves the subscription (unsubscribed at the old hop, subscribed at the new one); a 200 without one brings it to the registrar" {
	# two hops, each a sip-serve that takes subscriptions; the registrar
	# is restarted on its port with another --service-route, so the next
	# refresh of the registration (every 2 s of 4) gets another 200
	start_serve hop1 -l udp:127.0.0.1:0
	start_serve hop2 -l udp:127.0.0.1:0
	local h1 h2 reg out="$BATS_TEST_TMPDIR/m.out" err="$BATS_TEST_TMPDIR/m.err"
	h1=$(serve_addr hop1 udp)
	h2=$(serve_addr hop2 udp)
	start_serve r1 -l udp:127.0.0.1:0 --service-route "sip:$h1;lr"
	reg=$(serve_addr r1 udp)
	start_watch m -v --register --expires 4 carol@example.test "$reg"
	wait_for grep -q '^SUBSCRIBE reg sip:carol@example.test: active' "$SERVE_DIR/hop1.out"
	stop_serve r1
	start_serve r2 -l "udp:$reg" --service-route "sip:$h2;lr"
	wait_for grep -q '^SUBSCRIBE reg sip:carol@example.test: active' "$SERVE_DIR/hop2.out"
	# the old one was ended within its dialog, before the new one began
	grep -q '^SUBSCRIBE reg sip:carol@example.test: terminated (timeout)' "$SERVE_DIR/hop1.out"
	run -0 grep -A8 "^> SUBSCRIBE sip:carol@example.test SIP/2.0" "$err"
	[[ "$output" == *"> Route: <sip:$h2;lr>"* ]]
	run -0 cat "$out"
	[[ "$output" == *"  service-route: <sip:$h2;lr>"$'\n'"resubscribing sip:carol@example.test (the Service-Route changed)"$'\n'"subscribed sip:carol@example.test: active for 4 s"* ]]
	# RFC 3608 6: a 200 without Service-Route clears it
	stop_serve r2
	start_serve r3 -l "udp:$reg"
	wait_for grep -q '^SUBSCRIBE reg sip:carol@example.test: active' "$SERVE_DIR/r3.out"
	grep -q '^SUBSCRIBE reg sip:carol@example.test: terminated (timeout)' "$SERVE_DIR/hop2.out"
	run -0 grep -c '^SUBSCRIBE reg sip:carol@example.test: active' "$SERVE_DIR/hop1.out"
	[ "$output" = 1 ]
	stop_watch m
	[ "$watch_rc" = 0 ]
	grep -qx 'REGISTER sip:carol@example.test: 0 bindings' "$SERVE_DIR/r3.out"
	grep -q '^SUBSCRIBE reg sip:carol@example.test: terminated (timeout)' "$SERVE_DIR/r3.out"
}

@test "sip-register --watch: sip-serve stopping ends the subscription with terminated;reason=noresource, the bindings deactivated: the watcher prints them and exits 4" {
	serve_users
	export SIPBOX_PASSWORD=carol-secret
	local out="$BATS_TEST_TMPDIR/d.out" a port rc=0
	a=$(serve_addr s udp)
	port=$(free_port)
	run -0 "$SIPBOX" sip-register --once --expires 300 \
	    --local "127.0.0.1:$port" carol@example.test "$a"
	start_watch d carol@example.test "$a"
	wait_for grep -q "^registered sip:carol@example.test: <sip:carol@127.0.0.1:$port>" "$out"
	start_watch j --json carol@example.test "$a"
	wait_for grep -q '"event":"registered"' "$BATS_TEST_TMPDIR/j.out"
	stop_serve s
	wait "$(cat "$BATS_TEST_TMPDIR/d.pid")" || rc=$?
	[ "$rc" = 4 ]
	run -0 tail -1 "$out"
	[ "$output" = "deactivated sip:carol@example.test: <sip:carol@127.0.0.1:$port>" ]
	grep -qx 'sip-register: sip:carol@example.test: terminated: noresource' "$BATS_TEST_TMPDIR/d.err"
	rc=0
	wait "$(cat "$BATS_TEST_TMPDIR/j.pid")" || rc=$?
	[ "$rc" = 4 ]
	grep -q "^{\"type\":\"contact\",\"event\":\"deactivated\",\"aor\":\"sip:carol@example.test\",\"contact\":\"sip:carol@127.0.0.1:$port\",\"state\":\"terminated\"" "$BATS_TEST_TMPDIR/j.out"
	run -0 grep -c 'terminated (noresource)' "$SERVE_DIR/s.out"
	[ "$output" = 2 ]
	rm -f "$BATS_TEST_TMPDIR"/[dj].pid
}

@test "sip-register --watch: sip-serve's SIGHUP with a user taken out of --users rejects their bindings and ends their subscription (rejected, exit 4); a new password shortens the bindings to 60 s" {
	# the 60 s are read back as 60 or 59: sip-serve's seconds are 20 of
	# the wall, whatever the steps between take on a loaded machine
	slow_clock 20 serve_users
	local a pc pd
	a=$(serve_addr s udp)
	pc=$(free_port)
	pd=$(free_port)
	SIPBOX_PASSWORD=carol-secret run -0 "$SIPBOX" sip-register --once \
	    --expires 300 --local "127.0.0.1:$pc" carol@example.test "$a"
	SIPBOX_PASSWORD=dave-secret run -0 "$SIPBOX" sip-register --once \
	    --expires 300 --local "127.0.0.1:$pd" dave@example.test "$a"
	SIPBOX_PASSWORD=carol-secret start_watch c carol@example.test "$a"
	SIPBOX_PASSWORD=dave-secret start_watch d --json dave@example.test "$a"
	wait_for grep -q '^registered ' "$BATS_TEST_TMPDIR/c.out"
	wait_for grep -q '"event":"registered"' "$BATS_TEST_TMPDIR/d.out"
	printf 'dave:a-new-secret\n' >"$BATS_TEST_TMPDIR/users"
	kill -HUP "$(cat "$SERVE_DIR/s.pid")"
	local rc=0
	wait "$(cat "$BATS_TEST_TMPDIR/c.pid")" || rc=$?
	rm -f "$BATS_TEST_TMPDIR/c.pid"
	[ "$rc" = 4 ]
	run -0 tail -1 "$BATS_TEST_TMPDIR/c.out"
	[ "$output" = "rejected sip:carol@example.test: <sip:carol@127.0.0.1:$pc>" ]
	grep -qx 'sip-register: sip:carol@example.test: terminated: rejected' "$BATS_TEST_TMPDIR/c.err"
	grep -q '^SUBSCRIBE reg sip:carol@example.test: terminated (rejected)' "$SERVE_DIR/s.out"
	wait_for grep -q "^{\"type\":\"contact\",\"event\":\"shortened\",\"aor\":\"sip:dave@example.test\",\"contact\":\"sip:dave@127.0.0.1:$pd\",\"state\":\"active\",\"id\":\"[0-9]*\",\"expires\":60," "$BATS_TEST_TMPDIR/d.out"
	# the registrar's table (SIGUSR1): dave's binding with its 60 s, no carol
	kill -USR1 "$(cat "$SERVE_DIR/s.pid")"
	wait_for grep -q "^sip:dave@example.test	sip:dave@127.0.0.1:$pd	" "$SERVE_DIR/s.out"
	run -0 grep "^sip:dave@example.test	sip:dave@127.0.0.1:$pd	" "$SERVE_DIR/s.out"
	[[ "$output" =~ $'\t'(59|60)$'\t' ]]
	run -1 grep "^sip:carol@example.test	" "$SERVE_DIR/s.out"
	SIPBOX_PASSWORD=carol-secret run -4 "$SIPBOX" sip-register --once carol@example.test "$a"
}

@test "sip-register --watch: sip-serve's SIGHUP while a NOTIFY to the subscriber is in flight: the final NOTIFY, sent after it, still lists the rejected bindings" {
	serve_users
	local a p1 p2 out="$BATS_TEST_TMPDIR/f.out" rc=0
	a=$(serve_addr s udp)
	p1=$(free_port)
	SIPBOX_PASSWORD=carol-secret run -0 "$SIPBOX" sip-register --once \
	    --expires 300 --local "127.0.0.1:$p1" carol@example.test "$a"
	SIPBOX_PASSWORD=carol-secret start_watch f carol@example.test "$a"
	wait_for grep -q "^registered sip:carol@example.test: <sip:carol@127.0.0.1:$p1>" "$out"
	# the subscriber stops answering; a second binding's NOTIFY waits
	kill -STOP "$(cat "$BATS_TEST_TMPDIR/f.pid")"
	p2=$(free_port)
	SIPBOX_PASSWORD=carol-secret run -0 "$SIPBOX" sip-register --once \
	    --expires 300 --local "127.0.0.1:$p2" carol@example.test "$a"
	printf 'dave:dave-secret\n' >"$BATS_TEST_TMPDIR/users"
	kill -HUP "$(cat "$SERVE_DIR/s.pid")"
	kill -CONT "$(cat "$BATS_TEST_TMPDIR/f.pid")"
	wait "$(cat "$BATS_TEST_TMPDIR/f.pid")" || rc=$?
	rm -f "$BATS_TEST_TMPDIR/f.pid"
	[ "$rc" = 4 ]
	run -0 tail -3 "$out"
	[ "${lines[0]}" = "registered sip:carol@example.test: <sip:carol@127.0.0.1:$p2> expires 300 s" ]
	[[ "${lines[1]}${lines[2]}" == *"rejected sip:carol@example.test: <sip:carol@127.0.0.1:$p1>"* ]]
	[[ "${lines[1]}${lines[2]}" == *"rejected sip:carol@example.test: <sip:carol@127.0.0.1:$p2>"* ]]
}

@test "sip-register --watch --register: a NOTIFY saying its own binding was shortened makes it register again at once (RFC 3680 3.1); with a password no longer valid that ends in exit 4" {
	serve_users
	local a out="$BATS_TEST_TMPDIR/sh.out" err="$BATS_TEST_TMPDIR/sh.err" rc=0
	a=$(serve_addr s udp)
	SIPBOX_PASSWORD=dave-secret start_watch sh -v --register dave@example.test "$a"
	wait_for grep -q '^subscribed ' "$out"
	wait_for grep -q '^registered sip:dave@example.test: <.*> expires 3600 s' "$out"
	run -0 grep -c '^> REGISTER ' "$err"
	[ "$output" = 2 ]	# the first and its answer to the 401
	printf 'carol:carol-secret\ndave:a-new-secret\n' >"$BATS_TEST_TMPDIR/users"
	kill -HUP "$(cat "$SERVE_DIR/s.pid")"
	wait "$(cat "$BATS_TEST_TMPDIR/sh.pid")" || rc=$?
	rm -f "$BATS_TEST_TMPDIR/sh.pid"
	[ "$rc" = 4 ]
	grep -q '^shortened sip:dave@example.test: <.*> expires 60 s$' "$out"
	grep -q '^\* the registrar shortened our binding: registering again$' "$err"
	run -0 grep -c '^> REGISTER ' "$err"
	[ "$output" -ge 3 ]
	grep -q '^sip-register: sip:dave@example.test: 401: credentials refused$' "$err"
}

@test "sip-serve stopping waits for its final NOTIFYs at most 4 s, and a second signal quits at once" {
	serve_users
	export SIPBOX_PASSWORD=carol-secret
	local a pid
	a=$(serve_addr s udp)
	# a subscriber that cannot answer: stopped once subscribed
	start_watch z carol@example.test "$a"
	wait_for grep -q '^subscribed ' "$BATS_TEST_TMPDIR/z.out"
	kill -STOP "$(cat "$BATS_TEST_TMPDIR/z.pid")"
	pid=$(cat "$SERVE_DIR/s.pid")
	kill -TERM "$pid"
	wait "$pid"
	grep -qx 'sip-serve: warning: 1 subscriber did not answer the final NOTIFY in 4 s' "$SERVE_DIR/s.err"
	# again, stopped twice: no wait.  The second signal must come inside
	# the 4 s, which a stall of a loaded machine between the note and the
	# kill could outlast: this sip-serve's clock runs 25 times slow
	# (tests/preload/slowclock.so), its 4 s are 100 s on the wall
	slow_clock 25 start_serve s -v -l "udp:$a" --users "$BATS_TEST_TMPDIR/users"
	kill -CONT "$(cat "$BATS_TEST_TMPDIR/z.pid")"
	start_watch y carol@example.test "$a"
	wait_for grep -q '^subscribed ' "$BATS_TEST_TMPDIR/y.out"
	kill -STOP "$(cat "$BATS_TEST_TMPDIR/y.pid")"
	pid=$(cat "$SERVE_DIR/s.pid")
	kill -TERM "$pid"
	wait_for grep -q 'ending 1 subscription to the reg event (again to quit at once)' "$SERVE_DIR/s.err"
	kill -0 "$pid"	# still there, for the answer
	kill -TERM "$pid"
	wait "$pid"
	run -1 grep 'did not answer' "$SERVE_DIR/s.err"
	kill -CONT "$(cat "$BATS_TEST_TMPDIR/y.pid")"
}

@test "sip-register --register without --watch, or --watch --register --once, is a usage error" {
	run -2 --separate-stderr "$SIPBOX" sip-register --register sip:a@b.test
	[[ "$stderr" == "sip-register: --register is for --watch"* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --watch --register --once sip:a@b.test
	[[ "$stderr" == "sip-register: --watch registers and removes nothing"* ]]
}

@test "sip-register --watch --register: a Service-Route whose first URI is no target is warned of, and the SUBSCRIBE goes to the registrar" {
	start_serve s -l udp:127.0.0.1:0 --service-route 'sip:a@b;transport=foo'
	local a
	a=$(serve_addr s udp)
	start_watch t --register --timeout 30 carol@example.test "$a"
	wait_for grep -q '^subscribed sip:carol@example.test: active' "$BATS_TEST_TMPDIR/t.out"
	grep -q '^SUBSCRIBE reg sip:carol@example.test: active' "$SERVE_DIR/s.out"
	grep -q "warning: sip:carol@example.test: the first Service-Route sip:a@b;transport=foo is no target (unknown ;transport= in the URI): subscribing at the registrar" "$BATS_TEST_TMPDIR/t.err"
	stop_watch t
	[ "$watch_rc" = 0 ]
}
