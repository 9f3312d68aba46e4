#!/usr/bin/env bash
# cli_cutshort.sh - a comparison cut short by a resource limit never passes
# (issue 24 item 8): --max-nodes cutting frame trees, the memory limit
# stopping the index or storing PDU prefixes each make a comparison of a
# trace with itself exit 2 with one line naming the limit, in every output;
# one trace alone only gets the note (exit 0).
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
fails=0
# expect CODE PATTERN -- ARGS...: exit status CODE, one stderr line matching PATTERN.
expect() {
	local code=$1 pat=$2; shift 3
	"$S" "$@" >"$tmp/out" 2>"$tmp/err" <"${STDIN:-/dev/null}"; local rc=$?
	if [ "$rc" -ne "$code" ] || ! grep -q -- "$pat" "$tmp/err" || [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		echo "FAIL: smbcmp $* -> rc=$rc (want $code, stderr /$pat/):"; cat "$tmp/err"; fails=$((fails + 1))
	else
		echo "PASS: $* -> $rc"
	fi
}
A=captures/same_1.pcap B=captures/same_2.pcap
expect 2 "comparison incomplete: $A: frame trees cut by the node limit; $B: " -- --max-nodes 100 "$A" "$B"
expect 2 "comparison incomplete" -- --max-nodes 100 --json "$A" "$B"
expect 2 "comparison incomplete" -- --max-nodes 100 --text --junit "$tmp/j.xml" "$A" "$B"
expect 2 "comparison incomplete" -- --max-nodes 100 --junit - "$A" "$B"
expect 2 "comparison incomplete" -- --max-nodes 100 --engine=native "$A" "$A"
# Large enough trees: no note, no error.
"$S" --max-nodes 100000 "$A" "$B" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ] ||
	{ echo "FAIL: --max-nodes 100000 is not a clean pass"; fails=$((fails + 1)); }
# The memory limit stops the index (a capture of 30000 connections).
python3 tests/gen_hostile.py conns 30000 "$tmp/conns.pcap" || fails=$((fails + 1))
# 24,000 connections: with the plain build (as tests/cli_limits.sh), the
# sanitizers make building their operations minutes long.
PLAIN=${SMBCMP_PLAIN:-$PWD/build/smbcmp}
[ -x "$PLAIN" ] || tools/build.sh build || fails=$((fails + 1))
S=$PLAIN expect 2 "comparison incomplete: .*conns.pcap: .*memory limit (16 MB) reached at frame" -- --max-memory 16 "$tmp/conns.pcap" "$A"
S=$PLAIN expect 2 "memory limit (16 MB) reached" -- --max-memory 16 --json "$A" "$tmp/conns.pcap"
S=$PLAIN expect 0 "note: .*memory limit (16 MB) reached" -- --max-memory 16 --index-stats "$tmp/conns.pcap"
# PDUs stored as prefixes (read from a pipe that cannot be copied to a
# temporary file, past 3/4 of the limit).
python3 tests/gen_hostile.py big 80 "$tmp/big.pcap" || fails=$((fails + 1))
STDIN=$tmp/big.pcap TMPDIR=$tmp/none expect 2 "comparison incomplete: -: from frame .* kept as their first 4096 bytes" -- --max-memory 16 - "$tmp/big.pcap"
# Copied to a temporary file as it is read, nothing is cut: as the file.
if TMPDIR=$tmp "$S" --max-memory 16 - "$tmp/big.pcap" <"$tmp/big.pcap" >"$tmp/out" 2>"$tmp/err" &&
	[ ! -s "$tmp/err" ]; then
	echo "PASS: --max-memory 16 - big.pcap, from a pipe copied to \$TMPDIR -> 0"
else
	echo "FAIL: --max-memory 16 - big.pcap from a pipe copied to \$TMPDIR:"; cat "$tmp/err"; fails=$((fails + 1))
fi
exit $fails
