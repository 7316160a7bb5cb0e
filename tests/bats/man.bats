#!/usr/bin/env bats
# shellcheck disable=SC2016
# bats file_tags=env:host
# The man pages (man/*.scd) against the binary: one page per command, and
# every flag `casco COMMAND --help` lists is documented in the page's
# OPTIONS, and nothing else is; `make install` puts pages `man` finds.

load helpers

MAN_DIR=$SRCDIR/man

setup() {
	common_setup
	requires_casco
}

# help_flags TEXT — the flags of a --help text's option lines, sorted.
help_flags() {
	grep -E '^  -' <<<"$1" | grep -oE '(^  |, )--?[a-z][a-z-]*' | sed -E 's/^(  |, )//' | sort -u
}

# man_flags PAGE SECTION — the flags a page documents in SECTION: the
# lines "*-b*, *--bundle* _DIR_" that open each entry.
man_flags() {
	sed -n "/^# $2\$/,/^# /p" "$1" | grep -E '^\*-' | grep -oE '\*--?[a-z][a-z-]*\*' | tr -d '*' | sort -u
}

# commands — the commands `casco --help` lists.
commands() {
	"$CASCO" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'
}

@test "man: every command has a page, and every page a command" {
	local cmd page
	for cmd in $(commands); do
		[ -f "$MAN_DIR/casco-$cmd.8.scd" ] || fail "no man/casco-$cmd.8.scd"
	done
	for page in "$MAN_DIR"/casco-*.8.scd; do
		cmd=${page##*/casco-}
		cmd=${cmd%.8.scd}
		commands | grep -qx "$cmd" || fail "$page: casco has no command $cmd"
	done
}

@test "man: each page's OPTIONS are exactly the flags of casco COMMAND --help" {
	local cmd help want got n=0
	for cmd in $(commands); do
		help=$("$CASCO" "$cmd" --help) || fail "casco $cmd --help failed"
		[[ $help == "Usage: casco $cmd"* ]] || fail "casco $cmd --help is not its usage:" "$help"
		want=$(help_flags "$help")
		got=$(man_flags "$MAN_DIR/casco-$cmd.8.scd" OPTIONS)
		[ "$want" = "$got" ] || fail "casco-$cmd(8) and \`casco $cmd --help\` differ:" \
			"$(diff <(echo "$want") <(echo "$got"))"
		n=$((n + $(grep -c . <<<"$want" || true)))
	done
	# the comparison saw real flags (run, create and exec alone have dozens)
	[ "$n" -ge 40 ] || fail "only $n flags found in the commands' --help: is help_flags broken?"
}

@test "man: casco(8) GLOBAL OPTIONS are exactly the flags of casco --help" {
	local want got
	local help
	help=$("$CASCO" --help | sed -n '/^Global options:/,$p')
	want=$(help_flags "$help")
	got=$(man_flags "$MAN_DIR/casco.8.scd" "GLOBAL OPTIONS")
	[ "$want" = "$got" ] || fail "casco(8) and \`casco --help\` differ:" "$(diff <(echo "$want") <(echo "$got"))"
}

@test "man: casco(8) lists every command's page" {
	local cmd
	for cmd in $(commands); do
		grep -q "casco-$cmd\*(8)" "$MAN_DIR/casco.8.scd" || fail "casco(8) does not name casco-$cmd(8)"
	done
}

@test "man: make install puts the pages where man finds them, with the completion" {
	local builddir
	builddir=$(dirname "$CASCO")
	[ -f "$builddir/Makefile" ] || skip "casco was not built with make here ($CASCO)"
	command -v scdoc >/dev/null || skip "scdoc is not installed (apt-get install scdoc)"
	command -v man >/dev/null || skip "man is not installed (apt-get install man-db)"
	grep -q '^SCDOC = /' "$builddir/Makefile" || skip "configured without scdoc: reconfigure"
	make -s -C "$builddir" install DESTDIR="$TESTDIR/inst" prefix=/usr >"$TESTDIR/install.log" 2>&1 ||
		fail "make install failed" "$(tail -20 "$TESTDIR/install.log")"
	run env MANPATH="$TESTDIR/inst/usr/share/man" MANWIDTH=100 man casco-run
	assert_success
	assert_output_contains "casco-run - create and start a container"
	assert_output_contains "--explain"
	run env MANPATH="$TESTDIR/inst/usr/share/man" man -w casco
	assert_success
	[ -f "$TESTDIR/inst/usr/share/bash-completion/completions/casco" ] || fail "no bash completion installed"
}
