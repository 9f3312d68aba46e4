#!/usr/bin/env bash
# cli_pairing.sh - SMB2 request/response pairing in the cases real traces
# have and the public captures lack (tests/pairing/mkpcap.py: a response
# captured before its request, interim and repeated final responses, a
# MessageId reused or on two connections, orphans, compound chains, CANCEL):
# smbcmp's --json pairing fields, --list and operations against recorded
# values, and against tshark when it is installed, with SMBCMP_OPS_VERIFY=1
# (tests/pairing/check.py). Then the check must fail on a wrong pairing.
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
export TZ=UTC LC_ALL=C.UTF-8 XDG_CONFIG_HOME=/nonexistent XDG_CACHE_HOME=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$XDG_CACHE_HOME"' EXIT
fail=0
# The committed captures are what the generator writes.
mkdir -p "$tmp/gen/pairing" "$tmp/gen/synth"
cp tests/pairing/mkpcap.py "$tmp/gen/pairing/" && cp tests/synth/pcapkit.py "$tmp/gen/synth/"
python3 "$tmp/gen/pairing/mkpcap.py" || { echo "FAIL: mkpcap.py"; fail=1; }
for f in tests/pairing/*.pcap; do
	cmp -s "$f" "$tmp/gen/pairing/$(basename "$f")" || { echo "FAIL: $f is not what mkpcap.py writes"; fail=1; }
done
python3 tests/pairing/check.py --smbcmp "$S" || fail=1
# A wrong pairing must be caught: one response's request changed.
mkdir -p "$tmp/bad" && cp tests/pairing/* "$tmp/bad/"
sed -i 's/^pair_pending 13 smb2.response_to=11$/pair_pending 13 smb2.response_to=7/' "$tmp/bad/expected.txt"
grep -qx 'pair_pending 13 smb2.response_to=7' "$tmp/bad/expected.txt" || { echo "FAIL: expected.txt not altered"; fail=1; }
if python3 tests/pairing/check.py --smbcmp "$S" --dir "$tmp/bad" >"$tmp/out" 2>&1 ||
	! grep -q 'FAIL smbcmp vs expected.txt: pair_pending.pcap frame 13' "$tmp/out"; then
	echo "FAIL: a changed pairing was not caught:"; head -5 "$tmp/out"; fail=1
fi
# Pairs far apart: a NOTIFY's answers 40,000 PDUs after it (beyond a PDU
# record's 16-bit distance), an answer sent again 10,000 answers later.
python3 tests/pairing/mkpcap.py --far "$tmp/far.pcap" &&
	"$S" --json "$tmp/far.pcap" >"$tmp/far.json" || { echo "FAIL: far.pcap"; fail=1; }
# 40,012 frames
python3 - "$tmp/far.json" <<'PY' || fail=1
import json, sys
# as tshark -2 shows them
want = {4: {"smb2.response_in=40012"}, 5: {"smb2.response_to=4", "smb2.time=0.001000000"},
        6: {"smb2.response_in=7"}, 7: {"smb2.response_to=6", "smb2.time=0.001000000"},
        20011: {"smb2.response_to=6", "smb2.time=0.002000000"},
        40012: {"smb2.response_to=4", "smb2.time=0.005000000"}}
got, paired = {}, 0
for line in open(sys.argv[1]):
    j = json.loads(line)
    vals = set()
    def walk(n):
        if n.get("name") in ("smb2.response_to", "smb2.response_in", "smb2.time"):
            vals.add("%s=%s" % (n["name"], n["show"]))
        for c in n.get("children", []):
            walk(c)
    for n in j.get("tree", []):
        walk(n)
    got[j["frame"]] = vals
    paired += any(v.startswith("smb2.response_to=") for v in vals)
bad = ["frame %d: %s, want %s" % (f, sorted(got.get(f, ())), sorted(w))
       for f, w in want.items() if got.get(f) != w]
if paired != 20004:
    bad.append("%d responses paired, want 20004" % paired)
for b in bad:
    print("FAIL far.pcap " + b)
sys.exit(1 if bad else 0)
PY
[ $fail = 0 ] && echo "cli_pairing: ok"
exit $fail
