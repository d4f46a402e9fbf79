# torture.bats - the RFC 4475 and RFC 5118 torture messages through
# sip-parse: valid ones parse (also under --strict) with the fields the
# RFCs describe, invalid ones fail --strict with a reason naming the fault.
# The file list and verdicts come from each corpus folder's labels.tsv.
load helpers

setup() {
	applet_links
	T4="$CORPUS/rfc4475"
	T5="$CORPUS/rfc5118"
}

# The fault each invalid or RFC 3261-violating message must be reported
# for under --strict: "line:col: reason" as sip-parse prints it.
declare -gA FAULT=(
	[badaspec.dat]="5:23: spaces in addr-spec inside <>"
	[baddate.dat]="8:33: invalid time zone in Date (must be GMT)"
	[baddn.dat]="4:14: display name is not a token"
	[badinv01.dat]="7:29: extraneous header separators"
	[badvers.dat]="1:34: unknown SIP version"
	[bigcode.dat]="1:9: status code is not three digits"
	[clerr.dat]="Content-Length is larger than the body"
	[escruri.dat]="1:28: escaped headers in the Request-URI"
	[ltgtruri.dat]="1:8: Request-URI enclosed in <>"
	[lwsruri.dat]="1:29: Request-URI contains whitespace"
	[lwsstart.dat]="1:7: multiple spaces in the request line"
	[mismatch01.dat]="6:9: CSeq method does not match the request method"
	[mismatch02.dat]="6:9: CSeq method does not match the request method"
	[ncl.dat]="10:1: negative Content-Length"
	[quotbal.dat]="2:5: unterminated quoted string"
	[regbadct.dat]="8:10: URI with headers must be enclosed in <>"
	[scalar02.dat]="5:7: CSeq number above 2^31-1"
	[scalarlg.dat]="5:7: CSeq number above 2^31-1"
	[trws.dat]="1:46: trailing whitespace on the request line"
	[insuf.dat]="missing To header"
	[multi01.dat]="7:1: several CSeq headers"
	[mcl01.dat]="9:1: several Content-Length values"
	[ipv6-bad.dat]="1:14: IPv6 address in URI not enclosed in []"
	[ipv6-in-sdp.dat]="Content-Length is larger than the body"
	[mult-ip-in-sdp.dat]="Content-Length is larger than the body"
)

# files DIR VERDICT...: the files of DIR/labels.tsv with one of VERDICTs
files() {
	local dir=$1 f v
	shift
	while IFS=$'\t' read -r f _ v _; do
		[ "$f" = file ] && continue
		for want in "$@"; do
			[ "$v" = "$want" ] && printf '%s\n' "$f"
		done
	done < "$dir/labels.tsv"
}

# Errors on stderr, warnings left out.
errors_only() {
	printf '%s\n' "$1" | grep -v ': warning: ' | grep . || true
}

@test "torture: labels.tsv lists every message in both corpora" {
	local n4 n5
	n4=$(files "$T4" valid invalid valid-syntax | wc -l)
	n5=$(files "$T5" valid invalid tolerate erratum | wc -l)
	[ "$n4" -eq 49 ]
	[ "$n5" -eq 12 ]
	[ "$(ls "$T4"/*.dat | wc -l)" -eq 49 ]
}

@test "torture: every valid RFC 4475 message parses, also under --strict" {
	local f
	for f in $(files "$T4" valid); do
		run -0 --separate-stderr sip-parse "$T4/$f"
		run -0 --separate-stderr sip-parse --strict "$T4/$f"
		[ -z "$(errors_only "$stderr")" ] || { echo "$f: $stderr"; false; }
	done
}

@test "torture: valid-syntax RFC 4475 messages pass --strict except insuf, multi01 and mcl01" {
	local f n=0
	for f in $(files "$T4" valid-syntax); do
		run -0 sip-parse "$T4/$f"
		case $f in
		insuf.dat|multi01.dat|mcl01.dat)
			run -1 --separate-stderr sip-parse --strict "$T4/$f"
			[[ $stderr == *"$f:${FAULT[$f]}"* ]] ||
			    [[ $stderr == *"${FAULT[$f]}"* ]] ||
			    { echo "$f: $stderr"; false; }
			n=$((n + 1)) ;;
		*)
			run -0 --separate-stderr sip-parse --strict "$T4/$f"
			[ -z "$(errors_only "$stderr")" ] || { echo "$f: $stderr"; false; } ;;
		esac
	done
	[ "$n" -eq 3 ]
}

@test "torture: every invalid RFC 4475 message fails --strict naming its fault" {
	local f n=0
	for f in $(files "$T4" invalid); do
		[ -n "${FAULT[$f]:-}" ] || { echo "no expected fault for $f"; false; }
		run -1 --separate-stderr sip-parse --strict "$T4/$f"
		[[ $stderr == *"$f:${FAULT[$f]}"* ]] ||
		    [[ $stderr == *"${FAULT[$f]}"* && ${FAULT[$f]} != [0-9]* ]] ||
		    { echo "$f: want '${FAULT[$f]}', got: $stderr"; false; }
		n=$((n + 1))
	done
	[ "$n" -eq 19 ]
}

@test "torture: insuf.dat is reported for each missing required header" {
	run -1 --separate-stderr sip-parse --strict "$T4/insuf.dat"
	[[ $stderr == *"insuf.dat:7:1: missing To header"* ]]
	[[ $stderr == *"insuf.dat:7:1: missing From header"* ]]
	[[ $stderr == *"insuf.dat:7:1: missing Call-ID header"* ]]
	[[ $stderr == *"warning: "*"insuf.dat:7:1: missing Max-Forwards header"* ]]
}

@test "torture: multi01.dat is reported for every repeated single-value header" {
	run -1 --separate-stderr sip-parse --strict "$T4/multi01.dat"
	[[ $stderr == *"multi01.dat:7:1: several CSeq headers"* ]]
	[[ $stderr == *"multi01.dat:8:1: several Call-ID headers"* ]]
	[[ $stderr == *"multi01.dat:11:1: several To headers"* ]]
	[[ $stderr == *"multi01.dat:12:1: several From headers"* ]]
	[[ $stderr == *"multi01.dat:16:1: several Max-Forwards headers"* ]]
}

@test "torture: scalar02 and scalarlg name every overlarge value" {
	run -1 --separate-stderr sip-parse --strict "$T4/scalar02.dat"
	[[ $stderr == *"scalar02.dat:7:15: Max-Forwards above 255"* ]]
	[[ $stderr == *"scalar02.dat:8:10: Expires above 2^32-1"* ]]
	[[ $stderr == *"scalar02.dat:10:12: Contact expires above 2^32-1"* ]]
	run -1 --separate-stderr sip-parse --strict "$T4/scalarlg.dat"
	[[ $stderr == *"scalarlg.dat:7:14: Retry-After above 2^32-1"* ]]
	[[ $stderr == *"scalarlg.dat:8:10: Warning code is not three digits"* ]]
}

@test "torture: RFC 5118 valid messages parse, also under --strict" {
	local f
	for f in $(files "$T5" valid); do
		run -0 sip-parse "$T5/$f"
		run -0 --separate-stderr sip-parse --strict "$T5/$f"
		[ -z "$stderr" ] || { echo "$f: $stderr"; false; }
	done
}

@test "torture: RFC 5118 tolerated messages parse with a warning under --strict" {
	run -0 --separate-stderr sip-parse --strict "$T5/via-received-param-with-delim.dat"
	[[ $stderr == *"warning: "*"via-received-param-with-delim.dat:4:43: received= holds an IPv6 reference in []"* ]]
	run -0 --separate-stderr sip-parse --strict "$T5/ipv6-bug-abnf-3-colons.dat"
	[[ $stderr == *"warning: "*"ipv6-bug-abnf-3-colons.dat:1:18: invalid IPv6 reference"* ]]
	[ -z "$(errors_only "$stderr")" ]
	run -0 sip-parse "$T5/ipv6-bug-abnf-3-colons.dat"
}

@test "torture: RFC 5118 ipv6-bad fails --strict, the errata fail in both modes" {
	local f
	run -0 sip-parse "$T5/ipv6-bad.dat"
	run -1 --separate-stderr sip-parse --strict "$T5/ipv6-bad.dat"
	[[ $stderr == *"ipv6-bad.dat:${FAULT[ipv6-bad.dat]}"* ]]
	for f in $(files "$T5" erratum); do
		run -1 --separate-stderr sip-parse "$T5/$f"
		[[ $stderr == *"$f:21:1: ${FAULT[$f]}"* ]]
		run -1 --separate-stderr sip-parse --strict "$T5/$f"
		[[ $stderr == *"${FAULT[$f]}"* ]]
	done
}

@test "torture: RFC 5118 archive bytes with bare LF parse, and --strict reports the LF" {
	run -0 sip-parse "$T5/archive-lf/ipv6-good.dat"
	run -1 --separate-stderr sip-parse --strict "$T5/archive-lf/ipv6-good.dat"
	[[ $stderr == *"ipv6-good.dat:1:36: line ends in LF without CR"* ]]
}

@test "torture: wsinv's folded and spaced fields come out right (3.1.1.1)" {
	run -0 sip-parse -f method,call-id,cseq.method,from.tag,to.tag,via.branch,via.count "$T4/wsinv.dat"
	[ "$output" = "$(printf 'INVITE\twsinv.ndaksdj@192.0.2.1\tINVITE\t98asjd8\t1918181833n\t390skdjuw\t3')" ]
}

@test "torture: intmeth's method, Request-URI and CSeq method are kept whole (3.1.1.2)" {
	local meth="!interesting-Method0123456789_*+\`.%indeed'~"
	run -0 sip-parse -f method,ruri,cseq.method "$T4/intmeth.dat"
	[ "$output" = "$meth	sip:1_unusual.URI~(to-be!sure)&isn't+it\$/crazy?,/;;*:&it+has=1,weird!*pas\$wo~d_too.(doesn't-it)@example.com	$meth" ]
}

@test "torture: esc01's escaped Request-URI and To are kept as written (3.1.1.3)" {
	run -0 sip-parse -f ruri,to.uri "$T4/esc01.dat"
	[ "$output" = "$(printf 'sip:sips%%3Auser%%40example.com@example.net\tsip:%%75se%%72@example.com')" ]
}

@test "torture: escnull, esc02, lwsdisp, mpart01 and noreason parse with their fields" {
	run -0 sip-parse -f to.uri "$T4/escnull.dat"
	[ "$output" = "sip:null-%00-null@example.com" ]
	run -0 sip-parse -f method,cseq.method "$T4/esc02.dat"
	[ "$output" = "$(printf 'RE%%47IST%%45R\tRE%%47IST%%45R')" ]
	run -0 sip-parse -f from.uri,from.tag "$T4/lwsdisp.dat"
	[ "$output" = "$(printf 'sip:caller@example.com\t323')" ]
	run -0 sip-parse -f content-type,body.length "$T4/mpart01.dat"
	[ "$output" = "$(printf 'multipart/mixed;boundary=7a9cbec02ceef655\t553')" ]
	run -0 sip-parse -f status,reason "$T4/noreason.dat"
	[ "$output" = "$(printf '100\t')" ]
}

@test "torture: longreq's long values come out whole (3.1.1.7)" {
	local cid tag
	cid=$(sed -n 's/^Call-ID: \(.*\)\r$/\1/p' "$T4/longreq.dat")
	tag=$(sed -n 's/^F: .*;tag=\([0-9]*\);.*/\1/p' "$T4/longreq.dat")
	# read from the file itself: 141 and 155 bytes (the Call-ID's check
	# once said over 150, unseen: it was an && list's first half)
	[ "${#cid}" -eq 141 ]
	[ "${#tag}" -eq 155 ]
	run -0 sip-parse -f call-id,from.tag,via.count "$T4/longreq.dat"
	[ "$output" = "$cid	$tag	34" ]
}

@test "torture: --json names longreq's URI parameters of 128 bytes and more as they are (3.1.1.7)" {
	# the To URI's parameters; --json once copied names into 128 bytes
	# and showed the name before (or stack bytes) for a longer one
	local params
	params=$(sed -n 's/^To: [^<]*<[^;]*;\(.*\)>\r$/\1/p' "$T4/longreq.dat")
	[ "${#params}" -gt 300 ]
	run -0 sip-parse --json "$T4/longreq.dat"
	python3 -c 'import json, sys
m = json.loads(sys.argv[1])
to = [h for h in m["headers"] if h["name"] == "To"][0]
want = {}
for p in sys.argv[2].split(";"):
    k, _, v = p.partition("=")
    want[k] = v if v else True
assert max(map(len, want)) > 127, want
got = to["parsed"]["uri"]["params"]
assert got == want, got' "$output" "$params"
}

@test "torture: dblreq.dat yields two messages, REGISTER then INVITE (3.1.1.8)" {
	run -0 --separate-stderr sip-parse -f method,call-id "$T4/dblreq.dat"
	[ "${lines[0]}" = "$(printf 'REGISTER\tdblreq.0ha0isndaksdj99sdfafnl3lk233412')" ]
	[ "${lines[1]}" = "$(printf 'INVITE\tdblreq.0ha0isnda977644900765@192.0.2.15')" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "torture: semiuri's user part keeps its semicolon (3.1.1.9)" {
	run -0 sip-parse -f ruri "$T4/semiuri.dat"
	[ "$output" = "sip:user;par=u%40example.net@example.com" ]
}

@test "torture: transports.dat has its five Via transports (3.1.1.10)" {
	run -0 sip-parse --full "$T4/transports.dat"
	[[ $output == *"Via: SIP/2.0/UDP t1.example.com"* ]]
	[[ $output == *"Via: SIP/2.0/SCTP t2.example.com"* ]]
	[[ $output == *"Via: SIP/2.0/TLS t3.example.com"* ]]
	[[ $output == *"Via: SIP/2.0/UNKNOWN t4.example.com"* ]]
	[[ $output == *"Via: SIP/2.0/TCP t5.example.com"* ]]
	run -0 sip-parse -f via.count "$T4/transports.dat"
	[ "$output" = 5 ]
}

@test "torture: IPv6 references survive in Request-URI, Via and Contact (RFC 5118)" {
	run -0 sip-parse -f ruri,via.branch,contact "$T5/ipv6-good.dat"
	[ "$output" = "$(printf 'sip:[2001:db8::10]\tz9hG4bKas3-111\t"Caller" <sip:caller@[2001:db8::1]>')" ]
	run -0 sip-parse -f ruri "$T5/port-unambiguous.dat"
	[ "$output" = "sip:[2001:db8::10]:5070" ]
	run -0 sip-parse -f via.count,via "$T5/mult-ip-in-header.dat"
	[ "$output" = "$(printf '3\tSIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111')" ]
}

@test "torture: unusual reason phrases and schemes are accepted (3.1.1.12, 3.3.2-3.3.4)" {
	run -0 sip-parse -f status "$T4/unreason.dat"
	[ "$output" = 200 ]
	run -0 sip-parse -f ruri "$T4/unkscm.dat"
	[ "$output" = "nobodyKnowsThisScheme:totallyopaquecontent" ]
	run -0 sip-parse -f ruri "$T4/novelsc.dat"
	[ "$output" = "soap.beep://192.0.2.103:3002" ]
	run -0 sip-parse -f to "$T4/unksm2.dat"
	[ "$output" = "isbn:2983792873" ]
}
