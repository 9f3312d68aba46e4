#!/usr/bin/env bash
# run.sh BUILDDIR - run every test against BUILDDIR/smbcmp (normally the
# ASan+UBSan build). Prints PASS/FAIL per test, then "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build-asan}
export SMBCMP="$PWD/$B/smbcmp" TZ=UTC LC_ALL=C.UTF-8
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
LOG=$B/testlogs
mkdir -p "$LOG"
pass=0 fail=0

t() { # t NAME COMMAND... : run one test, log its output
	local name=$1; shift
	if "$@" >"$LOG/$name.log" 2>&1; then
		echo "PASS $name"; pass=$((pass + 1))
	else
		echo "FAIL $name (log: $LOG/$name.log)"; tail -n 15 "$LOG/$name.log" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}

for u in "$B"/tests/test_*; do
	[ -f "$u" ] && [ -x "$u" ] && t "unit:$(basename "$u")" "$u"
done
for s in tests/cli_*.sh tests/diff_*.sh tests/ui_*.sh; do
	[ -f "$s" ] && t "$(basename "$s" .sh)" bash "$s"
done
t diff_captures python3 tests/diff_captures.py --smbcmp "$SMBCMP"
t golden bash tests/golden.sh
t hostile bash tests/hostile.sh
t fieldnames python3 tests/fieldnames.py --smbcmp "$SMBCMP"
for scope in header smb2 smb auth; do
	t "difftest:$scope" python3 tests/difftest.py --smbcmp "$SMBCMP" --scope "$scope"
done
t pairing python3 tests/pairing.py --smbcmp "$SMBCMP"
# Every SMB1 TRANS2 SET_*_INFO level, built from a real request (tests/smb1_levels/mkpcap.py).
t difftest:smb1_levels python3 tests/difftest.py --smbcmp "$SMBCMP" tests/smb1_levels/levels.pcap
# Messages the captures lack, built from real requests (tests/synth/mkpcap.py).
t difftest:synth python3 tests/difftest.py --smbcmp "$SMBCMP" tests/synth/*.pcap
[ -f tests/difftest_selftest.py ] && t difftest_selftest python3 tests/difftest_selftest.py

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
