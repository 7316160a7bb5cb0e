# tests/helpers/side-build.sh — sourced by the checkers (tests/sanitizers/run,
# tests/valgrind/run, tests/fuzz/run), each of which needs its own, differently
# configured build of this source tree next to the ordinary one.
#
# The ordinary build is often made in place (the README's ./configure && make).
# configure then refuses a second, out-of-tree build of the same tree, and
# make's VPATH would pick up the in-place objects anyway.  So a tree that is
# configured in place is first copied, cleaned, next to the side build
# (BUILDDIR.src) and configured from there; the copy keeps the files' times,
# so later runs rebuild only what changed.

# side_build_configure SRCDIR BUILDDIR [CONFIGURE ARGS...]
# Makes BUILDDIR a configured build (reusing it when it is already one for the
# same source).  On failure prints configure's last error line as a TAP
# comment and returns 1.
side_build_configure() {
	local srcdir=$1 builddir=$2
	shift 2
	local source=$srcdir
	if [ -f "$srcdir/config.status" ]; then
		source=$builddir.src
		# a fresh copy: files the tree no longer has (a renamed header) must
		# not linger in a copy made on an earlier run
		rm -rf "$source" && mkdir -p "$source" &&
			tar -C "$srcdir" --exclude=./.git -cf - . | tar -C "$source" -xpf - &&
			make -C "$source" distclean >/dev/null 2>&1
		if [ -f "$source/config.status" ]; then
			echo "# cannot make a clean copy of $srcdir in $source"
			return 1
		fi
	fi
	# A build configured from another source (the tree was configured in
	# place since, or the reverse) would mix objects: start it again.
	if [ -f "$builddir/Makefile" ] && [ "$(cat "$builddir/.casco-source" 2>/dev/null)" != "$source" ]; then
		rm -rf "$builddir"
	fi
	mkdir -p "$builddir"
	[ -f "$builddir/Makefile" ] && return 0
	[ -x "$source/configure" ] || (cd "$source" && ./autogen.sh) >"$builddir/autogen.out" 2>&1
	if ! (cd "$builddir" && "$source/configure" "$@") >"$builddir/configure.out" 2>&1; then
		rm -f "$builddir/Makefile"
		echo "# configure $*: $(grep 'error:' "$builddir/configure.out" | tail -n 1)"
		return 1
	fi
	printf '%s\n' "$source" >"$builddir/.casco-source"
}
