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
[ $fail = 0 ] && echo "cli_pairing: ok"
exit $fail
