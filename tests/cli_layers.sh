#!/usr/bin/env bash
# cli_layers.sh - the include graph of dissect/, src/*/ and ui/ runs one way
# (tests/layers.py, doc/architecture.md); then a wrong-way include, added to
# a copy of a file, must be reported.
set -u
cd "$(dirname "$0")/.."
python3 tests/layers.py -v || exit 1
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
