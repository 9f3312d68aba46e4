#!/usr/bin/env bash
# test.sh - set up, build (plain and ASan+UBSan), run every test.
# Ends with the line "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh build
tools/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false
exec tests/run.sh build-asan
