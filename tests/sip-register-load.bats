# sip-register-load.bats - sip-register's load mode (--users): many digest
# registrations at once against sip-serve's registrar and the lab's
# Kamailio, the summary, the bounds, and the users file's checks.
load helpers
load net

setup_file() {
	lab_start
}

teardown_file() {
	lab_stop
}

teardown() {
	kill_pidfiles
}

# users FILE LINES...: a users file of mode 600
users() {
	local f=$1
	shift
	printf '%s\n' "$@" > "$f"
	chmod 600 "$f"
}

@test "sip-register --users: 300 digest registrations of three users against sip-serve, one challenge each, and the summary" {
	local u="$BATS_TEST_TMPDIR/users" c="$BATS_TEST_TMPDIR/client"
	users "$u" 'u1:pw1' 'u2:pw2' 'u3:pw3'
	# either form, blank lines and comments
	users "$c" 'u1:pw1' 'u2 pw2' '# a comment' '' 'u3	pw3'
	start_serve s -l udp:127.0.0.1:0 --users "$u" --json
	run -0 --separate-stderr "$SIPBOX" sip-register --users "$c" -c 300 \
	    --concurrency 32 sip.test "$(serve_addr s udp)"
	[[ ${lines[0]} =~ ^registered\ 300,\ failed\ 0\ in\ [0-9.]+\ s:\ [0-9.]+\ registrations/s$ ]]
	[ "${lines[1]}" = "401/407 round trips: 300 (1.00 a registration)" ]
	[[ ${lines[2]} =~ ^time\ to\ 200:\ p50\ [0-9.]+\ ms,\ p90\ [0-9.]+\ ms,\ p99\ [0-9.]+\ ms$ ]]
	[ "${#lines[@]}" = 3 ]
	[ "$stderr" = "" ]	# no progress off a terminal
	# every user's AOR was registered, with its own contact
	for n in 1 2 3; do
		grep -q "\"aor\":\"sip:u$n@sip.test\"" "$BATS_TEST_TMPDIR/s.out"
	done
}

@test "sip-register --users: a pattern takes one password; --json gives the summary as one object" {
	local u="$BATS_TEST_TMPDIR/users"
	users "$u" 'alice1:same' 'alice2:same' 'alice3:same' 'alice4:same'
	start_serve s -l udp:127.0.0.1:0 --users "$u"
	SIPBOX_PASSWORD=same run -0 --separate-stderr "$SIPBOX" sip-register \
	    --json --users 'alice{1..4}' -c 8 sip.test "$(serve_addr s udp)"
	[[ $output == '{"type":"load","registered":8,"failed":0,"users":4,"seconds":'*',"challenges":8,"p50_ms":'*',"failures":{}}' ]]
}

@test "sip-register --users: a wrong password is counted by its status and the exit is 4" {
	local u="$BATS_TEST_TMPDIR/users" w="$BATS_TEST_TMPDIR/wrong"
	users "$u" 'u1:pw1' 'u2:pw2'
	users "$w" 'u1:pw1' 'u2:nope'
	start_serve s -l udp:127.0.0.1:0 --users "$u"
	run -4 --separate-stderr "$SIPBOX" sip-register --users "$w" -c 10 \
	    --concurrency 1 sip.test "$(serve_addr s udp)"
	[[ ${lines[0]} == "registered 5, failed 5 in "* ]]
	[ "${lines[3]}" = "failures: 401 Unauthorized: 5" ]
}

@test "sip-register --users: --duration with --rate bounds how many are started" {
	local u="$BATS_TEST_TMPDIR/users"
	users "$u" 'u1:pw1'
	start_serve s -l udp:127.0.0.1:0 --users "$u"
	run -0 --separate-stderr "$SIPBOX" sip-register --json --users "$u" \
	    --duration 0.5 --rate 10 sip.test "$(serve_addr s udp)"
	# at most rate x duration, plus the one at the start
	n=$(sed 's/.*"registered":\([0-9]*\),.*/\1/' <<<"$output")
	[ "$n" -ge 1 ] && [ "$n" -le 6 ]
}

@test "sip-register --users: kamailio: registrations of the lab's users with digest" {
	need_lab
	local u="$BATS_TEST_TMPDIR/users"
	users "$u" 'alice alice-secret' 'bob bob-secret' 'carol carol-secret'
	run -0 "$SIPBOX" sip-register --users "$u" -c 30 --concurrency 8 \
	    sip.test "127.0.0.1:$LAB_SIP_PORT"
	[[ ${lines[0]} == "registered 30, failed 0 in "* ]]
	[ "${lines[1]}" = "401/407 round trips: 30 (1.00 a registration)" ]
	# the registrar keeps bob's binding from the run
	SIPBOX_PASSWORD=bob-secret run -0 "$SIPBOX" sip-register --list \
	    sip:bob@sip.test "127.0.0.1:$LAB_SIP_PORT"
	[[ ${lines[1]} == "sip:bob@127.0.0.1:"* ]]
}

@test "sip-register --users: a users file others may write is refused, a line without a password is named" {
	local u="$BATS_TEST_TMPDIR/users"
	users "$u" 'u1:pw1'
	chmod 666 "$u"
	run -1 --separate-stderr "$SIPBOX" sip-register --users "$u" sip.test 127.0.0.1:9
	[[ $stderr == "sip-register: $u: anyone may write this file of secrets (mode 0666): refusing it" ]]
	users "$u" 'u1:pw1' 'u2'
	run -1 --separate-stderr "$SIPBOX" sip-register --users "$u" sip.test 127.0.0.1:9
	[ "$stderr" = "sip-register: $u:2: want 'user password' or 'user:password'" ]
}

@test "sip-register --users: usage errors exit 2" {
	run -2 --separate-stderr "$SIPBOX" sip-register -c 5 sip:a@b.test
	[[ $stderr == "sip-register: -c, --duration and --rate are for the load mode (--users)"* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --users 'a{1..2}' --watch b.test
	[[ $stderr == "sip-register: --users registers users of its own, once each"* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --users 'a{1..2}' sip:a@b.test
	[[ $stderr == "sip-register: with --users, give the domain (sip.example.com), not 'sip:a@b.test'"* ]]
	run -2 --separate-stderr "$SIPBOX" sip-register --users 'a{1..2}' --concurrency 999 b.test
	[[ $stderr == *"concurrency"* ]]
}

@test "sip-register --users: on a terminal, a progress line each second on stderr" {
	need script
	local u="$BATS_TEST_TMPDIR/users" log="$BATS_TEST_TMPDIR/tty"
	users "$u" 'u1:pw1'
	start_serve s -l udp:127.0.0.1:0 --users "$u"
	# 8 registrations at 4 a second: two seconds, so at least one line
	run -0 script -qec "'$SIPBOX' sip-register --users '$u' -c 8 --rate 4 sip.test $(serve_addr s udp)" "$log"
	grep -q 'sip-register: 1 s: [0-9]* registered, 0 failed, [0-9]* in flight, [0-9]*/s' "$log"
	grep -q 'registered 8, failed 0 in ' "$log"
}

@test "sip-register --users: registrations cut short by --timeout are counted as failed, exit 7" {
	local u="$BATS_TEST_TMPDIR/users"
	users "$u" 'u1:pw1'
	# a registrar that never answers
	port=$(blackhole_udp)
	run -7 --separate-stderr "$SIPBOX" sip-register --users "$u" -c 3 \
	    --concurrency 3 --timeout 1 sip.test "127.0.0.1:$port"
	[[ ${lines[0]} == "registered 0, failed 3 in "* ]]
	[ "${lines[3]}" = "failures: no final response before the timeout: 3" ]
}
