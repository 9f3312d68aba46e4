#!/usr/bin/env bash
# hostile.sh - broken captures never crash or hang: every truncation of a
# small capture, and byte flips in the SMB payloads of a few others. Run
# against the sanitizer build, a crash or report is a non-zero status >= 3
# (or a signal); exit codes 0 and 2 are the only acceptable ones.
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
run() {
	timeout 10 "$S" --json "$1" >/dev/null 2>"$tmp/err"; local rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
		echo "FAIL rc=$rc on $2"; head -20 "$tmp/err"; fails=$((fails + 1))
		cp "$1" "$tmp/../smbcmp-crash-$(basename "$2").pcap" 2>/dev/null
	fi
}
src=../shared/captures/public/zeek-smb_smb2-multiple-pdus.pcap
[ -f "$src" ] || src=captures/camera.pcap
size=$(stat -c %s "$src")
for ((i = 0; i < size; i += 7)); do
	head -c "$i" "$src" >"$tmp/t.pcap"
	run "$tmp/t.pcap" "truncation $i of $src"
done
# Deterministic byte corruption after the pcap header of several captures.
for f in captures/reference.pcap captures/nt1.pcap captures/lanman1.pcap captures/smb311_ops.pcap \
         ../shared/captures/public/zeek-smb_smb3.pcap; do
	[ -f "$f" ] || continue
	python3 - "$f" "$tmp" <<'PY'
import random, sys
data = bytearray(open(sys.argv[1], 'rb').read())
rng = random.Random(1234)
for k in range(40):
    d = bytearray(data)
    for _ in range(1 + k % 8):
        i = rng.randrange(24 + 16, len(d))
        d[i] = rng.randrange(256)
    open('%s/flip%02d.pcap' % (sys.argv[2], k), 'wb').write(d)
PY
	for g in "$tmp"/flip*.pcap; do run "$g" "$f corrupted ($(basename "$g"))"; done
done
exit $fails
