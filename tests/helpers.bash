# helpers.bash - loaded by every .bats file.
bats_require_minimum_version 1.5.0

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$TESTS_DIR/.." && pwd)"
SIPBOX="${SIPBOX:-$ROOT/sipbox}"
# SIP data written by others, with its sources: tests/corpus/MANIFEST.md
CORPUS="$TESTS_DIR/corpus"
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

# free_ports N: N ports free for TCP and UDP on 127.0.0.1 and ::1
free_ports() {
	"$TESTS_DIR/lab/free-ports" "$1"
}

# wait_for CMD...: retry CMD every 0.1 s until it succeeds, for up to 30 s
# (a generous bound: a loaded two-core machine can take seconds)
wait_for() {
	local end=$((SECONDS + 30))
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# count_is N FILE [ERE]: FILE has N lines (N matching ERE); for wait_for,
# which runs it again each time (a "$(grep -c ...)" argument would be
# counted once, before the wait)
count_is() {
	[ "$(grep -cE -- "${3:-}" "$2" 2>/dev/null)" = "$1" ]
}

# need PROGRAM...: skip the test, naming the first PROGRAM not installed.
# Under CI (CI=true) `make deps` has installed every one, so a missing
# PROGRAM fails the test instead of hiding it.
need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 && continue
		if [ "${CI:-}" = true ]; then
			echo "$p is not installed, and CI=true: make deps installs it" >&2
			return 1
		fi
		skip "$p is not installed"
	done
}

# need_lib MODULE...: need for a library, by its pkg-config module name.
need_lib() {
	local m
	need pkg-config
	for m in "$@"; do
		pkg-config --exists "$m" && continue
		if [ "${CI:-}" = true ]; then
			echo "$m is not installed, and CI=true: make deps installs it" >&2
			return 1
		fi
		skip "$m is not installed"
	done
}
