#!/usr/bin/env bash
# cli_order.sh - frames in capture order, relative times, labels (issue 24
# items 2 and 3) on tests/gap/gap.pcap (tests/gap/mkpcap.py: capture loss in
# the client's direction, so reassembly completes the client's PDUs after
# the server's, and one PDU is cut before its SMB2 header ends; the clock
# steps back at frame 85). Every one-trace output lists frames in frame
# order, the cut PDU on its own frame with a label, negative times whole.
set -u
S=${SMBCMP:?}
G=tests/gap/gap.pcap
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
increasing() { awk 'NR > 1 && $1 + 0 <= prev { bad = 1 } { prev = $1 + 0 } END { exit bad }'; }

for e in native auto; do
	"$S" --engine=$e --list "$G" >"$tmp/list" || fail "--list exit $?"
	increasing <"$tmp/list" || fail "$e --list not in frame order: $(awk '{printf "%s ", $1}' "$tmp/list")"
	[ "$(wc -l <"$tmp/list")" -eq 80 ] || fail "$e --list: $(wc -l <"$tmp/list") rows, want 80"
	"$S" --engine=$e --json "$G" | grep -o '^{"frame":[0-9]*' | cut -d: -f2 >"$tmp/json"
	increasing <"$tmp/json" || fail "$e --json not in frame order"
	"$S" --engine=$e --text "$G" | sed -n 's/^Frame \([0-9]*\):.*/\1/p' >"$tmp/text"
	increasing <"$tmp/text" || fail "$e --text not in frame order"
	awk '{print $1}' "$tmp/list" | cmp -s - "$tmp/json" || fail "$e: --list and --json frames differ"
	cmp -s "$tmp/json" "$tmp/text" || fail "$e: --json and --text frames differ"
done
# The PDU cut by the loss: on frame 10, labelled; no row without a label.
grep -q '^    10 .* SMB2 \[incomplete: bytes lost in capture\]$' "$tmp/list" ||
	fail "frame 10: $(grep '^    10 ' "$tmp/list")"
awk 'NF < 6' "$tmp/list" | grep -q . && fail "rows without Info: $(awk 'NF < 6' "$tmp/list")"
# Negative relative time: one sign, whole microseconds.
grep -q '^    85   -4\.877065 127' "$tmp/list" || fail "frame 85: $(grep '^    85 ' "$tmp/list")"
grep -q '\.-' "$tmp/list" && fail "garbled time: $(grep '\.-' "$tmp/list")"
# Positive times are as before (4 columns for the seconds).
grep -q '^     4    0\.000000 127' "$tmp/list" || fail "frame 4: $(grep '^     4 ' "$tmp/list")"
# The same capture read from a pipe (the PDU bytes copied, not offsets).
"$S" --list - <"$G" | cmp -s - "$tmp/list" || fail "--list - differs from --list FILE"
# A comparison with the capture it was cut from: runs, differs.
"$S" "$G" captures/same_1.pcap >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "gap vs same_1: exit not 1: $(cat "$tmp/err")"
exit $fails
