load helpers

@test "sipbox: --list prints one applet per line, sip-parse among them" {
	run -0 "$SIPBOX" --list
	[[ "$output" == *"sip-parse"* ]]
	[ "$(printf '%s\n' "$output" | sort)" = "$output" ]
}

@test "sipbox: -l is not --list: an applet's -l is --listen, one meaning per letter" {
	run -2 --separate-stderr "$SIPBOX" -l
	[ -z "$output" ]
	[ "$stderr" = "$(printf "sipbox: unknown option '-l'\nsipbox: see 'sipbox --help'")" ]
}

@test "sipbox: --version names OpenSSL, libpcap and line editing" {
	run -0 "$SIPBOX" --version
	[[ "${lines[0]}" == "sipbox 0."* ]]
	[[ "$output" == *"OpenSSL: OpenSSL 3"* ]]
	[[ "$output" == *"libpcap: loaded when a capture is opened"* ]]
	[[ "$output" == *"line editing: "* ]]
}

@test "sipbox: libpcap and readline are not linked in; --version and a message load neither, a capture loads libpcap" {
	run -0 ldd "$SIPBOX"
	[[ "$output" != *libpcap* && "$output" != *libreadline* && "$output" != *libedit* ]]
	run -0 env LD_DEBUG=libs "$SIPBOX" --version
	[[ "$output" == *"calling init: "*libc.so* && "$output" != *libpcap.so* ]]
	[[ "$output" != *libreadline.so* && "$output" != *libedit.so* ]]
	printf 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' >"$BATS_TEST_TMPDIR/one.sip"
	run -0 env LD_DEBUG=libs "$SIPBOX" sip-parse "$BATS_TEST_TMPDIR/one.sip"
	[[ "$output" == *"OPTIONS"* && "$output" != *libpcap.so* ]]
	run -0 env LD_DEBUG=libs "$SIPBOX" sip-parse "$CORPUS/pcap/suricata_sip-options-method.pcap"
	[[ "$output" == *"calling init: "*libpcap.so* ]]
}

@test "sipbox: libssl and libcrypto are not linked in; --version and a UDP request load neither, TLS loads both" {
	run -0 ldd "$SIPBOX"
	[[ "$output" == *libc.so* && "$output" != *libssl* && "$output" != *libcrypto* ]]
	run -0 env LD_DEBUG=libs "$SIPBOX" --version
	[[ "$output" == *"OpenSSL: OpenSSL 3"*"(built with), loaded when first needed"* ]]
	[[ "$output" == *"calling init: "*libc.so* && "$output" != *libcrypto.so* ]]
	# ids come from the kernel: a UDP request needs no libcrypto
	port=$(free_port)
	run -8 env LD_DEBUG=libs "$SIPBOX" sip-send --timeout 5 "sip:127.0.0.1:$port"
	[[ "$output" == *"connection refused"* && "$output" != *libcrypto.so* ]]
	run -8 env LD_DEBUG=libs "$SIPBOX" sip-send --timeout 5 "sip:127.0.0.1:$port;transport=tls"
	[[ "$output" == *"calling init: "*libcrypto.so.3* ]]
	[[ "$output" == *"calling init: "*libssl.so.3* ]]
}

@test "sipbox: when OpenSSL cannot be loaded, a TLS request says so and exits 8" {
	# a libcrypto.so.3 that is no library, found first through the path
	mkdir "$BATS_TEST_TMPDIR/lib"
	echo 'not a library' >"$BATS_TEST_TMPDIR/lib/libcrypto.so.3"
	port=$(free_port)
	run -8 --separate-stderr env LD_LIBRARY_PATH="$BATS_TEST_TMPDIR/lib" \
	    "$SIPBOX" sip-send --timeout 5 "sip:127.0.0.1:$port;transport=tls"
	[[ "$stderr" == "sip-send: TLS: TLS context: OpenSSL could not be loaded: $BATS_TEST_TMPDIR/lib/libcrypto.so.3: "* ]]
	run -0 env LD_LIBRARY_PATH="$BATS_TEST_TMPDIR/lib" "$SIPBOX" --version
}

@test "sipbox: an unknown applet is a usage error with a suggestion" {
	run -2 --separate-stderr "$SIPBOX" sip-prase
	[[ "$stderr" == *"unknown applet 'sip-prase'"* ]]
	[[ "$stderr" == *"did you mean 'sip-parse'?"* ]]
}

@test "sipbox: a link named after an applet runs that applet" {
	ln -s "$SIPBOX" "$BATS_TEST_TMPDIR/sip-parse"
	run -0 "$BATS_TEST_TMPDIR/sip-parse" --version
	[ "$output" = "$("$SIPBOX" --version | head -1)" ]
}

@test "sipbox: every applet answers --help on stdout with exit 0" {
	for a in $("$SIPBOX" --list); do
		run -0 --separate-stderr "$SIPBOX" "$a" --help
		[[ "$output" == "usage: $a "* ]]
		[ -z "$stderr" ]
	done
}

@test "sipbox: --help APPLET shows that applet's help" {
	run -0 "$SIPBOX" --help sip-parse
	[[ "${lines[0]}" == "usage: sip-parse "* ]]
}

@test "sipbox: an unknown option is a usage error naming it" {
	run -2 --separate-stderr "$SIPBOX" sip-parse --no-such-option
	[[ "$stderr" == *"unknown option '--no-such-option'"* ]]
	[[ "$stderr" == *"see 'sip-parse --help'"* ]]
}

@test "sipbox: --install DIR makes a link per applet" {
	run -0 "$SIPBOX" --install -s "$BATS_TEST_TMPDIR/links"
	for a in $("$SIPBOX" --list); do
		[ -L "$BATS_TEST_TMPDIR/links/$a" ]
	done
	run -0 "$BATS_TEST_TMPDIR/links/sip-parse" --version
}

@test "sipbox: no arguments prints usage on stderr, nothing on stdout, and exits 2" {
	run -2 --separate-stderr "$SIPBOX"
	[ -z "$output" ]
	[[ "$stderr" == "usage: sipbox APPLET"* ]]
}

@test "sipbox: --help, --version and --list-options of every applet, and sipbox's own, exit 9 with a line when stdout cannot be written" {
	local a f

	for a in $("$SIPBOX" --list); do
		for f in --help --version --list-options; do
			run -9 --separate-stderr bash -c '"$1" "$2" "$3" >/dev/full' _ "$SIPBOX" "$a" "$f"
			[ "$stderr" = "$a: write error on standard output: No space left on device" ]
		done
	done
	for f in --help --version --list; do
		run -9 --separate-stderr bash -c '"$1" "$2" >/dev/full' _ "$SIPBOX" "$f"
		[ "$stderr" = "sipbox: write error on standard output: No space left on device" ]
	done
}

@test "sipbox: with --json a usage error is a record on stdout too, in every applet, wherever --json stands, but not with -q" {
	local a rec

	rec='{"type":"error","error":"unknown option '\''--bogus'\''","exit":2}'
	for a in $("$SIPBOX" --list); do
		run -2 --separate-stderr "$SIPBOX" "$a" --json --bogus
		[ "$output" = "$rec" ]
		[ "$stderr" = "$a: unknown option '--bogus'"$'\n'"$a: see '$a --help'" ]
		run -2 --separate-stderr "$SIPBOX" "$a" --bogus -j
		[ "$output" = "$rec" ]
		run -2 --separate-stderr "$SIPBOX" "$a" -qj --bogus
		[ -z "$output" ]
		run -2 --separate-stderr "$SIPBOX" "$a" --bogus
		[ -z "$output" ]
	done
	# a usage error found after the options, and one that is an argument
	run -2 --separate-stderr "$SIPBOX" sip-send --json 'sip:bad uri'
	[ "$output" = '{"type":"error","error":"bad target '\''sip:bad uri'\'': URI contains whitespace","exit":2}' ]
	run -2 --separate-stderr "$SIPBOX" sip-send -H --json --bogus sip:127.0.0.1:9
	[ -z "$output" ]
}

@test "sipbox: with --json sip-send's bad input before the request is a record too: -F, -d @FILE, --password-file" {
	local nf="$BATS_TEST_TMPDIR/no-such-file"

	run -1 --separate-stderr "$SIPBOX" sip-send --json -F "$nf" sip:127.0.0.1:9
	[ "$output" = "{\"type\":\"error\",\"error\":\"$nf: No such file or directory\",\"exit\":1}" ]
	[ "$stderr" = "sip-send: $nf: No such file or directory" ]
	run -1 --separate-stderr "$SIPBOX" sip-send --json -d "@$nf" sip:127.0.0.1:9
	[ "$output" = "{\"type\":\"error\",\"error\":\"$nf: No such file or directory\",\"exit\":1}" ]
	run -1 --separate-stderr "$SIPBOX" sip-send --json -u bob --password-file "$nf" sip:127.0.0.1:9
	[ "$output" = "{\"type\":\"error\",\"error\":\"$nf: No such file or directory\",\"exit\":1}" ]
	run -1 --separate-stderr "$SIPBOX" sip-send --json -q -F "$nf" sip:127.0.0.1:9
	[ -z "$output" ]
}

@test "sipbox: --password in any form, in any applet, is refused without echoing the secret" {
	local a form

	for a in $("$SIPBOX" --list); do
		for form in '--password s3cr3t-word' '--password=s3cr3t-word' \
		    '--pass s3cr3t-word' '--passwd=s3cr3t-word'; do
			# shellcheck disable=SC2086
			run -2 --separate-stderr "$SIPBOX" "$a" $form sip:127.0.0.1:9
			[[ "$stderr" == *"there is no --password"* ]]
			[[ "$stderr" == *SIPBOX_PASSWORD*--password-file*prompt* ]]
			[[ "$stderr$output" != *s3cr3t-word* ]]
		done
	done
}

@test "sipbox: a secret option is never abbreviated, and the error does not echo the value" {
	run -2 --separate-stderr "$SIPBOX" sip-send -u bob --password-f s3cr3t-word sip:127.0.0.1:9
	[[ "$stderr" == *"option '--password-f' must be spelt out as '--password-file'"* ]]
	[[ "$stderr$output" != *s3cr3t-word* ]]
	run -2 --separate-stderr "$SIPBOX" sip-send -u bob --password-fi=s3cr3t-word sip:127.0.0.1:9
	[[ "$stderr$output" != *s3cr3t-word* ]]
}

@test "sipbox: an unknown long option with =VALUE is named without its value" {
	run -2 --separate-stderr "$SIPBOX" sip-parse --no-such-option=s3cr3t-word -
	[[ "$stderr" == *"unknown option '--no-such-option'"* ]]
	[[ "$stderr$output" != *s3cr3t-word* ]]
}

@test "sipbox: a missing input file is exit 1 in every applet that reads one" {
	local nf="$BATS_TEST_TMPDIR/no-such-file"

	run -1 --separate-stderr "$SIPBOX" sip-parse "$nf"
	[[ "$stderr" == *"no-such-file: No such file or directory"* ]]
	run -1 --separate-stderr "$SIPBOX" sdp-lint "$nf"
	[[ "$stderr" == *"no-such-file: No such file or directory"* ]]
	run -1 --separate-stderr "$SIPBOX" sip-send -n -F "$nf" sip:127.0.0.1
	[[ "$stderr" == *"no-such-file: No such file or directory"* ]]
	run -1 --separate-stderr "$SIPBOX" sip-send -n -d "@$nf" sip:127.0.0.1
	[[ "$stderr" == *"no-such-file: No such file or directory"* ]]
	run -1 --separate-stderr "$SIPBOX" sip-send -u bob --password-file "$nf" sip:127.0.0.1:9
	[[ "$stderr" == *"no-such-file: No such file or directory"* ]]
	run -1 --separate-stderr "$SIPBOX" sip-serve --users "$nf" --listen udp:127.0.0.1:0 --duration 0.1
	[[ "$stderr" == *"no-such-file: No such file or directory"* ]]
}

@test "sipbox: every applet has -q, --quiet" {
	local a

	for a in $("$SIPBOX" --list); do
		"$SIPBOX" "$a" --list-options | grep -qx -- $'-q\t--quiet\tflag\t\t.*' ||
		    { echo "$a has no -q, --quiet"; return 1; }
	done
}

@test "sipbox: with --json an error is a record on stdout too, in sip-parse, sdp-lint and sip-serve" {
	printf 'INVITE sip:a@b SIP/2.0\r\nbroken\r\n\r\n' >"$BATS_TEST_TMPDIR/bad.sip"
	run -1 --separate-stderr "$SIPBOX" sip-parse --json "$BATS_TEST_TMPDIR/bad.sip"
	[ "$output" = "{\"type\":\"error\",\"error\":\"$BATS_TEST_TMPDIR/bad.sip:2:1: header line has no colon\"}" ]
	[[ "$stderr" == *"bad.sip:2:1: header line has no colon"* ]]
	run -1 --separate-stderr "$SIPBOX" sdp-lint --json "$BATS_TEST_TMPDIR/none.sdp"
	[ "$output" = "{\"type\":\"error\",\"error\":\"$BATS_TEST_TMPDIR/none.sdp: No such file or directory\"}" ]
	run -8 --separate-stderr "$SIPBOX" sip-serve --json -l udp:192.0.2.1:5060 --duration 0.1
	[[ "$output" == '{"type":"error","error":"udp:192.0.2.1:5060: '*'","exit":8}' ]]
	# -q: stdout stays empty
	run -1 --separate-stderr "$SIPBOX" sip-parse --json -q "$BATS_TEST_TMPDIR/bad.sip"
	[ -z "$output" ]
}

@test "sipbox: no applet's --help has two blank lines in a row" {
	local a

	for a in $("$SIPBOX" --list); do
		run -0 "$SIPBOX" "$a" --help
		run -1 grep -Pzo '\n\n\n' <<<"$output"
	done
}

@test "sipbox: a write error found after later calls is said without a stale reason and is exit 9; a reader gone away is not an error" {
	local p

	p=$(free_port)
	# the --json record fails on /dev/full; the socket calls after it
	# leave errno at something else (EAGAIN), which is not the reason;
	# the lost record outranks the refused connection (8)
	run -9 --separate-stderr bash -c '"$1" sip-send --json "udp:127.0.0.1:$2" >/dev/full' _ "$SIPBOX" "$p"
	[ "$stderr" = "sip-send: write error on standard output" ]
	# a ping run whose reader stops after the first line: no error for it
	run -8 --separate-stderr bash -c '"$1" sip-send -c 20 --interval 0.01 --json "udp:127.0.0.1:$2" | head -1 >/dev/null; exit "${PIPESTATUS[0]}"' _ "$SIPBOX" "$p"
	[[ "$stderr" != *"write error"* ]]
}
