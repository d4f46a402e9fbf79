# helpers.bash - loaded by every .bats file.
bats_require_minimum_version 1.5.0

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$TESTS_DIR/.." && pwd)"
SIPBOX="${SIPBOX:-$ROOT/sipbox}"
SHARED="${SHARED:-$ROOT/../shared}"
CORPUS="$SHARED/corpus"
export NO_COLOR=1

# fixture NAME: the path of tests/fixtures/NAME
fixture() {
	printf '%s\n' "$TESTS_DIR/fixtures/$1"
}

# applet_links: a link per applet on PATH, as `make install` makes them
applet_links() {
	local d="$BATS_TEST_TMPDIR/bin" a
	mkdir -p "$d"
	ln -sf "$SIPBOX" "$d/sipbox"
	for a in $("$SIPBOX" --list); do
		ln -sf "$SIPBOX" "$d/$a"
	done
	PATH="$d:$PATH"
}

# golden FILE: compare $output with FILE (UPDATE_GOLDEN=1 rewrites it)
golden() {
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		printf '%s\n' "$output" > "$1"
	fi
	diff -u "$1" <(printf '%s\n' "$output")
}

# crlf TEXT: TEXT with every LF turned into CRLF, into a file; prints path
crlf_file() {
	local f="$BATS_TEST_TMPDIR/msg.$RANDOM.sip"
	printf '%s' "$1" | sed 's/$/\r/' > "$f"
	printf '%s\n' "$f"
}

# free_port: a free TCP/UDP port on loopback (best effort)
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for CMD...: retry CMD for up to 5 s
wait_for() {
	local i
	for i in $(seq 1 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
