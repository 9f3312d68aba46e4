#!/usr/bin/env bash
# cli_limits.sh - resource limits on hostile captures (tests/gen_hostile.py):
# a million tiny TCP segments, a million PDUs, a million connections, a
# million segments out of order, many streams claiming 16 MB PDUs. Each
# must finish in time with peak RSS under the documented bound (512 MB
# with the default --max-memory, README "Security"), and the limits that
# cut something must say so (stderr note, smbcmp.limit item).
#
# Peak RSS is measured with /usr/bin/time -v on the plain build (build/,
# made by tools/test.sh): sanitizer builds use several times more memory.
set -u
cd "$(dirname "$0")/.."
PLAIN=${SMBCMP_PLAIN:-$PWD/build/smbcmp}
if [ ! -x "$PLAIN" ]; then
	tools/build.sh build || exit 1
fi
[ -x /usr/bin/time ] || { echo "FAIL: /usr/bin/time missing (tools/setup.sh installs 'time')"; exit 1; }
BOUND_KB=$((512 * 1024))
N=${LIMITS_N:-1000000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run NAME EXPECT_NOTE ARGS...: runs smbcmp, checks time, RSS, status
# (standard input from $STDIN if set).
run() {
	local name=$1 note=$2; shift 2
	/usr/bin/time -v -o "$tmp/$name.time" timeout 120 "$PLAIN" "$@" >"$tmp/$name.out" \
		2>"$tmp/$name.err" <"${STDIN:-/dev/null}"
	local rc=$?
	local kb; kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/$name.time")
	local secs; secs=$(awk -F': ' '/Elapsed \(wall/ {print $2}' "$tmp/$name.time")
	echo "$name: exit $rc, ${kb:-?} KB peak, $secs wall, $(wc -l <"$tmp/$name.out") lines"
	[ "$rc" -eq 0 ] || { fail "$name exit $rc"; head -5 "$tmp/$name.err"; }
	[ -n "$kb" ] && [ "$kb" -lt "$BOUND_KB" ] || fail "$name peak RSS ${kb:-?} KB >= $BOUND_KB KB"
	if [ -n "$note" ]; then
		grep -q "note: .*$note" "$tmp/$name.err" || fail "$name: no note matching '$note' on stderr"
	fi
	return 0
}

gen() { python3 tests/gen_hostile.py "$1" "$2" "$tmp/$1.pcap" || fail "gen $1"; }

gen tiny "$N";   run tiny "" --list "$tmp/tiny.pcap"; rm -f "$tmp/tiny.pcap"
gen pdus "$N";   run pdus "" --list "$tmp/pdus.pcap"; rm -f "$tmp/pdus.pcap"
gen ooo "$N";    run ooo "" --list "$tmp/ooo.pcap"; rm -f "$tmp/ooo.pcap"
gen ports "$N";  run ports "" --list "$tmp/ports.pcap"; rm -f "$tmp/ports.pcap"
gen conns "$N"
run conns "memory limit (384 MB) reached" --list "$tmp/conns.pcap"
rm -f "$tmp/conns.pcap"
gen claims 64;   run claims "reassembly limit" --list "$tmp/claims.pcap"

# Smaller limits on small captures: each limit cuts, and says so.
run claims_small "reassembly limit (4 MB" --max-memory 16 --list "$tmp/claims.pcap"
rm -f "$tmp/claims.pcap"
gen big 80
# From a pipe that cannot be copied to a temporary file (no writable
# $TMPDIR) the index keeps PDU bytes in memory: the limit cuts them.
STDIN="$tmp/big.pcap" TMPDIR=$tmp/none run big "kept as their first 4096 bytes" --max-memory 16 --json -
grep -q '"name":"smbcmp.limit","show":"","label":"PDU cut by a memory limit: 4096 of 262144 bytes kept"' \
	"$tmp/big.out" || fail "big: no smbcmp.limit item in --json"
# From a file it keeps their file offsets and reads them back: nothing cut.
run big_file "" --max-memory 16 --json "$tmp/big.pcap"
if grep -q 'smbcmp.limit' "$tmp/big_file.out"; then fail "big_file: PDUs cut though read back from the file"; fi
cmp -s <(sed 's/"smbcmp.limit".*//' "$tmp/big.out" | wc -l) <(wc -l <"$tmp/big_file.out") ||
	fail "big_file: not as many frames as from the pipe"
# From a pipe copied to a temporary file as it is read: as from the file.
STDIN="$tmp/big.pcap" TMPDIR=$tmp run big_pipe "" --max-memory 16 --json -
cmp -s "$tmp/big_pipe.out" "$tmp/big_file.out" || fail "big_pipe: not as from the file"
ls "$tmp"/smbcmp-stdin-* >/dev/null 2>&1 && fail "big_pipe: temporary copy left behind"
run nodes "" --max-nodes 100 --text captures/smb311_ops.pcap
grep -q "Node limit reached" "$tmp/nodes.out" || fail "nodes: no node-limit item"
"$PLAIN" --max-memory 1 --list captures/smb311_ops.pcap >/dev/null 2>&1
[ $? -eq 2 ] || fail "--max-memory 1 accepted"

[ "$fails" -eq 0 ] && echo "all limits held"
exit "$fails"
