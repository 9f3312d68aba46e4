#!/usr/bin/env bash
# cli_layers.sh - the include graph of dissect/, src/*/ and ui/ runs one way
# (tests/layers.py, doc/architecture.md); then a wrong-way include, added to
# a copy of a file, must be reported.
set -u
cd "$(dirname "$0")/.."
python3 tests/layers.py -v || exit 1
# The build-time switches of the old flat layout are gone: code kept under
# them (a merge from before the move) would silently never compile.
if grep -rn 'UI_HAVE_DIFF\|UI_HAVE_FILTER' dissect src ui; then
	echo "FAIL: code under UI_HAVE_* (never defined any more)"; exit 1
fi
# The checker itself: a copy of the tree with diff/ including report/.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tests"
cp -r dissect src ui "$tmp/"
cp tests/layers.py "$tmp/tests/"
sed -i '1i #include "report.h"' "$tmp/src/diff/align.c"
if python3 "$tmp/tests/layers.py" >"$tmp/out"; then
	echo "FAIL: a wrong-way include (diff/ -> report/) passed"; exit 1
fi
grep -q 'src/diff/align.c:1: #include "report.h": diff/ may not include report/' "$tmp/out" ||
	{ echo "FAIL: wrong-way include not named:"; cat "$tmp/out"; exit 1; }
echo "cli_layers: ok"
