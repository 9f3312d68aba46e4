#!/usr/bin/env bash
# cli_writepair.sh - among READs/WRITEs of one file, the pair at the same
# offset wins (issue 24 item 9). tests/writepair/two_writes.pcap
# (mkpcap.py) is captures/same_1.pcap writing at offset 4096 (frame 36) and
# then at 0 (frame 38), where same_1 writes once, at 0 (frame 36): the
# writes at 0 pair, equal, and the one at 4096 is the extra operation, in
# both directions of the comparison.
set -u
S=${SMBCMP:?}
W=tests/writepair/two_writes.pcap R=captures/same_1.pcap
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { # check A B SIDE_EXTRA SIDE_REF: the pairing in the --json report
	"$S" --json "$1" "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
x, r = sys.argv[1], sys.argv[2]
s = d["summary"]
assert (s["changed"], s["only_" + x], s["only_" + r]) == (0, 1, 0), s
ops = {(o[x] or {}).get("request_frame"): o for o in d["operations"]}
assert ops[36]["status"] == "only_" + x, ops[36]
assert ops[38]["status"] == "equal" and ops[38][r]["request_frame"] == 36, ops[38]
' "$3" "$4" || fail "$1 vs $2"
}
check "$W" "$R" a b
check "$R" "$W" b a
"$S" "$W" "$R" >/dev/null; [ $? -eq 1 ] || fail "exit status not 1"
exit $fails
