#!/usr/bin/env bats
# bats file_tags=env:host
# libcasco as an engine would embed it: `make install` puts the library, its
# API headers (<casco/*.h>, nothing internal) and libcasco.pc in place, and a
# program built with pkg-config alone parses a config and runs the policy.

load helpers

setup() {
	common_setup
	requires_casco
	BUILDDIR=$(dirname "$CASCO")
	[ -f "$BUILDDIR/Makefile" ] || skip "casco was not built with make here ($CASCO)"
	command -v "${CC:-cc}" >/dev/null || skip "needs a C compiler"
	command -v pkg-config >/dev/null || skip "needs pkg-config (apt-get install pkg-config)"
}

install_tree() {
	make -s -C "$BUILDDIR" install DESTDIR="$TESTDIR/inst" prefix=/usr >"$TESTDIR/install.log" 2>&1 ||
		fail "make install failed" "$(tail -20 "$TESTDIR/install.log")"
}

@test "libcasco: make install puts the library, the API headers and libcasco.pc in place" {
	install_tree
	[ -f "$TESTDIR/inst/usr/lib/libcasco.a" ] || fail "no libcasco.a:" "$(find "$TESTDIR/inst" -type f)"
	[ -f "$TESTDIR/inst/usr/lib/pkgconfig/libcasco.pc" ] || fail "no libcasco.pc"
	for h in container spec policy state error audit; do
		[ -f "$TESTDIR/inst/usr/include/casco/$h.h" ] || fail "no <casco/$h.h>"
	done
	# internal headers stay beside their .c files
	for h in util syscalls fileio weaken; do
		[ ! -e "$TESTDIR/inst/usr/include/casco/$h.h" ] || fail "internal <casco/$h.h> installed"
	done
}

@test "libcasco: a program built with pkg-config alone parses a config and runs the policy" {
	install_tree
	cat >"$TESTDIR/embed.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <casco/container.h>
#include <casco/error.h>
#include <casco/policy.h>
#include <casco/spec.h>
int
main (void)
{
  const char *cfg = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                    "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}}";
  struct spec *s = NULL;
  struct casco_error *err = NULL;
  if (spec_parse (cfg, strlen (cfg), &s, &err) < 0)
    {
      printf ("error: %s\n", err->msg);
      return 1;
    }
  struct policy_findings f = { 0 };
  size_t refused = policy_check (s, POLICY_STRICT, NULL, &f);
  printf ("ociVersion %s, strict refuses: %s\n", s->oci_version, refused > 0 ? "yes" : "no");
  policy_findings_clear (&f);
  spec_free (s);
  return 0;
}
C
	local pc=(pkg-config --define-variable=prefix="$TESTDIR/inst/usr") san
	# a sanitizer build's library needs its runtime in the program too
	san=$(sed -n 's/^SAN_CFLAGS = //p' "$BUILDDIR/Makefile")
	export PKG_CONFIG_PATH=$TESTDIR/inst/usr/lib/pkgconfig
	# shellcheck disable=SC2046,SC2086 # pkg-config's and the sanitizer's flags are words
	"${CC:-cc}" -std=gnu11 -Wall -Wextra -Werror $san $("${pc[@]}" --cflags libcasco) \
		-o "$TESTDIR/embed" "$TESTDIR/embed.c" $("${pc[@]}" --static --libs libcasco) 2>"$TESTDIR/cc.log" ||
		fail "the embedding program does not build:" "$(cat "$TESTDIR/cc.log")"
	run "$TESTDIR/embed"
	assert_success
	assert_equal "$output" "ociVersion 1.2.0, strict refuses: yes"
}
