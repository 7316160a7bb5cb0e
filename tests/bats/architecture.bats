#!/usr/bin/env bats
# The shape of the code (issue 19, docs STYLE.md), checked on the built tree
# by tools/modgraph: no loops in the module graph, no file in libcontainer/
# over 800 lines, no caller branching on an error's message text.  Each is
# its own test so each turns green on its own.

load helpers

# No container here: only the source tree and its objects are read.
setup() {
	MODGRAPH=$SRCDIR/tools/modgraph
	# The objects are next to the casco under test when it was built out of
	# tree (the sanitizer builds), else in the source tree.
	BUILDDIR=${CASCO_BUILDDIR:-$SRCDIR}
	if [ -z "${CASCO_BUILDDIR:-}" ] && compgen -G "$(dirname "$CASCO")/libcontainer/*.o" >/dev/null; then
		BUILDDIR=$(dirname "$CASCO")
	fi
}

teardown() {
	:
}

@test "architecture: modgraph draws the graph from the built objects" {
	run "$MODGRAPH" -B "$BUILDDIR" --graph
	assert_success
	# explain.o's callers show up: the graph comes from symbols, not includes
	assert_output_matches "^libcontainer/caps: .*libcontainer/explain"
	assert_output_matches "^src/main: "
}

@test "architecture: the module graph has no cycles (a lower module never calls up)" {
	run "$MODGRAPH" -B "$BUILDDIR" cycles
	assert_success
}

@test "architecture: no libcontainer/*.c file is over 800 lines" {
	run "$MODGRAPH" -B "$BUILDDIR" lines
	assert_success
}

@test "architecture: no caller matches an error's message text (it branches on a kind)" {
	run "$MODGRAPH" -B "$BUILDDIR" msg
	assert_success
}
