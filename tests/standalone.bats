# standalone.bats - a clone anywhere passes make check: the suite reads
# nothing outside the repository, skips only for a missing program,
# counts its results in one line, and a second make builds nothing.
load helpers

@test "standalone: nothing in the Makefile, tests/ or .ci/ reads the folder beside the clone" {
	cd "$ROOT"
	run grep -rnI -e '\.\./shar[e]d' -e '[^a-z_]shar[e]d/' Makefile .ci tests
	[ "$status" -eq 1 ] || { echo "$output"; false; }
}

@test "standalone: every capture and message file in tests/corpus has its source and licence in MANIFEST.md" {
	local f n=0 bad=0
	cd "$TESTS_DIR/corpus"
	for f in pcap/* $(find messages -type f); do
		grep -q "^| \`${f#pcap/}\` | [0-9]* | \`[0-9a-f]*\` | github.com/[^ ]* @ \`[0-9a-f]\{40\}\` : \`[^\`]*\` | [A-Za-z]" MANIFEST.md ||
		    grep -q "^| \`$f\` | [0-9]* | \`[0-9a-f]*\` |$" MANIFEST.md ||
		    { echo "$f is not in MANIFEST.md"; bad=1; }
		n=$((n + 1))
	done
	[ "$bad" -eq 0 ]
	[ "$n" -ge 40 ]
	# the message sets' sources and licences
	grep -q '^- `messages/osip/`: .* @$' MANIFEST.md || grep -q 'Licence: LGPL-2.1' MANIFEST.md
	grep -q 'Licence: GPL-2.0' MANIFEST.md
	# no file from a source that states no licence
	run -1 grep -rl snort3 pcap messages
	[ "$(ls rfc4475/*.dat | wc -l)" -eq 49 ] && [ "$(ls rfc5118/*.dat | wc -l)" -eq 12 ]
}

@test "standalone: make right after make compiles nothing" {
	local src="$BATS_TEST_TMPDIR/src"
	# In a copy with the tree's objects and times: a make in the tree
	# would race the other tests that run its binaries.
	mkdir -p "$src"
	cp -pR "$ROOT/Makefile" "$ROOT/cmd" "$ROOT/lib" "$ROOT/sipbox" "$src/"
	cp -p "$ROOT/.build-flags" "$src/"
	[ ! -f "$ROOT/config.mk" ] || cp -p "$ROOT/config.mk" "$src/"
	# make check's own variables (SANITIZE=1, say), not its job server
	local vars=
	case "${MAKEFLAGS:-}" in *"-- "*) vars=${MAKEFLAGS#*-- } ;; esac
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$src" $vars all
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -q -C "$src" $vars all
	[ "$status" -eq 0 ] || { echo "make -q: $status"; false; }
	run -0 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$src" $vars all
	[[ "$output" == *"Nothing to be done for 'all'"* ]]
	[[ "$output" != *" -c -o "* ]]
}

@test "standalone: LICENSE is BSD-2-Clause for the sipbox authors, and --version says so" {
	head -3 "$ROOT/LICENSE" | grep -qx 'BSD 2-Clause License'
	grep -qx 'Copyright (c) 2026, the sipbox authors' "$ROOT/LICENSE"
	[ "$(grep -c '^[0-9]\. Redistributions' "$ROOT/LICENSE")" -eq 2 ]
	run -0 "$SIPBOX" --version
	[ "${lines[1]}" = "License: BSD-2-Clause" ]
}

@test "standalone: tests/run passes TAP through, ends with the count line, and exits 1 on a failure" {
	local t="$BATS_TEST_TMPDIR/t.bats"
	printf '%s\n' '@test "a" { true; }' '@test "b" { skip "x is missing"; }' \
	    '@test "c" { false; }' > "$t"
	run -1 "$TESTS_DIR/run" "$t"
	[ "${lines[0]}" = 1..3 ]
	[[ "$output" == *$'\nnot ok 3 c\n'* ]]
	[ "${lines[${#lines[@]} - 1]}" = "check: 1 passed, 1 failed, 1 skipped" ]
	sed -i '/"c"/d' "$t"
	run -0 "$TESTS_DIR/run" "$t"
	[ "${lines[${#lines[@]} - 1]}" = "check: 1 passed, 0 failed, 1 skipped" ]
}

@test "standalone: need skips naming the missing program, and fails instead under CI=true" {
	local t="$BATS_TEST_TMPDIR/t.bats"
	printf '%s\n' "load '$TESTS_DIR/helpers'" \
	    '@test "n" { need sh no-such-program-here; echo reached; }' \
	    '@test "y" { need sh; }' > "$t"
	CI= run -0 bats --formatter tap "$t"
	[[ "$output" == *"ok 1 n # skip no-such-program-here is not installed"* ]]
	[[ "$output" == *"ok 2 y"* ]]
	CI=true run -1 bats --formatter tap "$t"
	[[ "$output" == *"not ok 1 n"* ]]
	[[ "$output" == *"no-such-program-here is not installed, and CI=true"* ]]
	[[ "$output" != *"# reached"* ]]
}

@test "standalone: every skip for a missing program goes through need" {
	cd "$TESTS_DIR"
	run grep -nE 'command -v .*\|\| *skip|skip "[^"]* (is )?not installed' ./*.bats
	[ "$status" -eq 1 ] || { echo "$output"; false; }
}

@test "standalone: .ci/deps installs the package of every program a test needs" {
	local progs listed deps p f pkg bad=0
	progs=$(sed -n 's/^[[:space:]]*need \([a-z0-9 ._+-]*\).*/\1/p' \
	    "$TESTS_DIR"/*.bats "$TESTS_DIR"/*.bash | tr ' ' '\n' | sort -u)
	[ -n "$progs" ]
	need dpkg-query $progs
	listed=$(sed -n '/apt-get install/,/>\/dev\/null/p' "$ROOT/.ci/deps" |
	    tr -s ' \t\\' '\n\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$')
	# What an installed package pulls in by itself comes with it.
	deps=$(dpkg-query -W -f='${Depends},${Pre-Depends}\n' $listed 2>/dev/null |
	    tr ',|' '\n\n' | sed 's/([^)]*)//; s/:any//; s/[[:space:]]//g')
	for p in $progs; do
		pkg=
		for f in "$(command -v "$p")" "$(readlink -f "$(command -v "$p")")" \
		    /usr/bin/"$p" /bin/"$p" /usr/sbin/"$p" /sbin/"$p"; do
			pkg=$(dpkg-query -S "$f" 2>/dev/null) && break
		done
		pkg=${pkg%%:*}
		if [ -z "$pkg" ]; then
			echo "$p: no Debian package has it"; bad=1
		elif ! grep -qx "$pkg" <<<"$listed"$'\n'"$deps" &&
		    [ "$(dpkg-query -W -f='${Essential}' "$pkg")" != yes ]; then
			echo "$p: its package $pkg is not in .ci/deps"; bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "standalone: no wait_for is handed a condition worked out once, before the wait" {
	cd "$TESTS_DIR"
	run grep -nE 'wait_for (test|\[) +"?\$\(' ./*.bats ./*.bash
	[ "$status" -eq 1 ] || { echo "$output"; false; }
}

@test "standalone: no check [ A ] && [ B ] is followed by more of its test: set -e lets a false A through unless the list ends the function" {
	cd "$TESTS_DIR"
	# such a line, then another line before the function's closing brace
	run awk '
		FNR == 1 { held = "" }
		/^[[:space:]]*(#|$)/ { next }
		held != "" && !/^}/ { print held }
		{ held = "" }
		/^[[:space:]]*\[\[? .*\]\]? && \[\[? .*\]\]?[[:space:]]*$/ { held = FILENAME ":" FNR ": " $0 }
	' ./*.bats ./*.bash
	[ -z "$output" ] || { echo "$output"; false; }
}

@test "standalone: wait_for waits longer than a loaded machine's slow start (over 5 s)" {
	(sleep 6; touch "$BATS_TEST_TMPDIR/late") 3>&- &
	wait_for test -f "$BATS_TEST_TMPDIR/late"
}

@test "standalone: make deps as root runs apt-get without sudo, with the interop peers" {
	local fake="$BATS_TEST_TMPDIR/fake" p
	[ "$(id -u)" -eq 0 ] || skip "not running as root"
	mkdir -p "$fake"
	for p in apt-get debconf-set-selections sudo; do
		printf '#!/bin/sh\necho %s "$@" >> "%s/log"\ncat >/dev/null\n' "$p" "$fake" > "$fake/$p"
		chmod +x "$fake/$p"
	done
	PATH="$fake:$PATH" run -0 sh "$ROOT/.ci/deps" </dev/null
	run -1 grep '^sudo' "$fake/log"
	grep -q '^apt-get update' "$fake/log"
	for p in kamailio sip-tester sipsak baresip linphone-cli libc-ares-dev tmux dnsmasq tshark; do
		grep -q "^apt-get install .* $p\\b" "$fake/log" || { echo "no $p"; false; }
	done
	# and the README's quick start is the command that works as root
	grep -qx 'make deps && make demo' "$ROOT/README.md"
}
