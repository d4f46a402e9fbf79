#!/bin/sh
# demo.sh - `make demo`: show sipbox working on loopback and on files
# shipped in the repo.  Starts nothing that outlives it.
set -eu
cd "$(dirname "$0")/.."
SIPBOX=./sipbox
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then b=$(printf '\033[1m'); n=$(printf '\033[0m'); else b= n=; fi
say() { printf '\n%s$ %s%s\n' "$b" "$*" "$n" >&2; }

if $SIPBOX --list | grep -qx sip-serve && $SIPBOX --list | grep -qx sip-send; then
	tmp=$(mktemp -d)
	trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
	$SIPBOX sip-serve --listen udp:127.0.0.1:0 --port-file "$tmp/port" \
	    --duration 30 >"$tmp/serve.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(head -1 "$tmp/port" | sed 's/.*://')
	say "sipbox sip-serve --listen udp:127.0.0.1:0 &   # a local SIP peer on port $port"
	say "sipbox sip-send sip:127.0.0.1:$port"
	$SIPBOX sip-send "sip:127.0.0.1:$port"
	say "sipbox sip-send -X MESSAGE -d 'hello from sipbox' sip:bob@127.0.0.1:$port"
	$SIPBOX sip-send -X MESSAGE -d 'hello from sipbox' "sip:bob@127.0.0.1:$port"
	say "sipbox sip-send --count 5 --interval 0.1 sip:127.0.0.1:$port"
	$SIPBOX sip-send --count 5 --interval 0.1 "sip:127.0.0.1:$port"
fi
say "sipbox sip-parse tests/fixtures/msg/call.sip"
$SIPBOX sip-parse tests/fixtures/msg/call.sip
say "sipbox sip-parse -X INVITE -f type,method,status,to.tag,via.branch tests/fixtures/msg/call.sip"
$SIPBOX sip-parse -X INVITE -f type,method,status,to.tag,via.branch tests/fixtures/msg/call.sip
if $SIPBOX --list | grep -qx sdp-lint; then
	say "sipbox sdp-lint --caret=always tests/fixtures/sdp/multipart-mixed.sip   # exits 1: an error"
	$SIPBOX sdp-lint --caret=always tests/fixtures/sdp/multipart-mixed.sip || true
	say "sipbox sdp-lint --offer tests/fixtures/sdp/checks/oa-direction.offer.sdp --answer tests/fixtures/sdp/checks/oa-direction.bad.sdp"
	$SIPBOX sdp-lint --offer tests/fixtures/sdp/checks/oa-direction.offer.sdp \
	    --answer tests/fixtures/sdp/checks/oa-direction.bad.sdp || true
fi
