#!/usr/bin/env bash
# cli_graftcache.sh - the auto engine's graft cache file (src/tshark/graftcache.c,
# graftfmt.c) is untrusted input: cut, grown, hostile or garbled files are
# rejected (tshark runs again and the output is the fresh one) or read
# without a crash, a sanitizer report or a hang; a file of the old text
# format is rebuilt. Needs tshark; exits non-zero on failure.
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
export TZ=UTC
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! command -v tshark >/dev/null; then
	echo "SKIP: tshark not installed"; exit 0
fi

cap=captures/smb311_ops.pcap
SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/ref.json" 2>"$tmp/err" ||
	fail "first run: $(cat "$tmp/err")"
grep -q "ran tshark, 50 grafts in 30 frames, saved" "$tmp/err" || fail "first run: $(cat "$tmp/err")"
file=$(ls "$XDG_CACHE_HOME"/smbcmp/*.graft)
cp "$file" "$tmp/good"
# The file is compact: the strings used three times or more are in its dictionary.
size=$(stat -c %s "$tmp/good")
[ "$size" -lt 60000 ] || fail "cache file of $size bytes (the text format took 114304)"
head -c 16 "$tmp/good" | cmp -s - <(printf 'smbcmp-graft 2\n\0') || fail "magic"
SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/hit.json" 2>"$tmp/err"
grep -q "cache hit .* (50 grafts in 30 frames)" "$tmp/err" || fail "no hit: $(cat "$tmp/err")"
cmp -s "$tmp/ref.json" "$tmp/hit.json" || fail "output from the cache differs"

# A tshark that gives the real one's version and fails otherwise: a
# rejected file costs no tshark run (the cache key is the same).
FAKE=$tmp/fake; mkdir -p "$FAKE"
printf '#!/bin/sh
[ "$1" = --version ] && exec %s --version
echo "tshark: fake" >&2
exit 2
' \
	"$(command -v tshark)" >"$FAKE/tshark"
chmod +x "$FAKE/tshark"

# run NAME: smbcmp on the (damaged) cache file; sets $out to
# "hit" or "rejected"; fails on a crash, a sanitizer report or a hang.
run() {
	PATH=$FAKE:$PATH SMBCMP_DEBUG=graft timeout 60 "$S" --json "$cap" >"$tmp/out.json" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne 0 ] || grep -q "Sanitizer\|runtime error" "$tmp/err"; then
		fail "$1: exit $rc: $(head -c 600 "$tmp/err")"
	fi
	if grep -q "cache hit" "$tmp/err"; then out=hit; else out=rejected; fi
}

# must_reject NAME: run; the file must not have been used (the fake
# tshark then fails: native trees and a note).
must_reject() {
	run "$1"
	[ "$out" = rejected ] && grep -q "note: .*payloads left undissected" "$tmp/err" ||
		fail "$1: damaged file was trusted: $(head -c 300 "$tmp/err")"
}

# rebuilt NAME: with the real tshark, the file is rebuilt and the output
# is the fresh one.
rebuilt() {
	SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/out.json" 2>"$tmp/err"
	grep -q "ran tshark" "$tmp/err" || fail "$1: damaged file was trusted"
	cmp -s "$tmp/ref.json" "$tmp/out.json" || fail "$1: output differs after a rejected file"
	cmp -s "$file" "$tmp/good" || fail "$1: the file was not rebuilt as it was"
}

# mutate PY: rewrite the cache file with python code on bytearray b.
mutate() {
	python3 - "$tmp/good" "$file" "$1" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
exec(sys.argv[3])
open(sys.argv[2], "wb").write(b)
EOF
}

# Cut anywhere (the header, the version, the dictionary, the blocks, the
# index) or grown: the sizes in the header no longer add up.
for n in 0 1 15 16 40 71 72 100 1000 10000 $((size / 2)) $((size - 16)) $((size - 1)); do
	mutate "b = b[:$n]"
	must_reject "cut at $n"
done
mutate "b += b'x'"
must_reject "one byte more"
mutate "b = b[:$((size / 2))]"
rebuilt "cut in half"

# Hostile header fields: huge counts and sizes, an older or newer magic.
for field in 16 24 32 40 48 56 64; do
	for v in 0xffffffff 0xffffffffffffffff 0x7fffffffffffffff; do
		w=8; [ $field -eq 16 ] && w=4
		[ $w -eq 4 ] && [ "$v" != 0xffffffff ] && continue
		mutate "b[$field:$field+$w] = ($v).to_bytes($w, 'little')"
		must_reject "header field at $field = $v"
	done
done
mutate "b[13] = ord('1')"
must_reject "format 1 magic"
# The index: frames out of order, a block past the end, an empty block.
nf=$(python3 -c "import struct;print(struct.unpack_from('<Q', open('$tmp/good','rb').read(), 24)[0])")
ilen=$((nf * 16))
mutate "i = len(b) - $ilen; b[i:i+4], b[i+16:i+20] = b[i+16:i+20], b[i:i+4]"
must_reject "frames out of order"
mutate "i = len(b) - 16; b[i+8:i+16] = (1 << 40).to_bytes(8, 'little')"
must_reject "block offset past the end"
mutate "i = len(b) - 16; b[i+4:i+8] = (0xffffffff).to_bytes(4, 'little')"
must_reject "block length past the end"
mutate "i = len(b) - 16; b[i+4:i+8] = bytes(4)"
must_reject "empty block"
# The dictionary: a string without its NUL (one count more than there is).
mutate "n = struct.unpack_from('<Q', b, 40)[0]; b[40:48] = (n + 1).to_bytes(8, 'little')"
must_reject "dictionary count"

# A node's flags claiming N_RAW_SHOW (its value a pointer, which the
# comparison reads as the string's raw value): never trusted.
mutate "
def v(i):
    x = s = 0
    while True:
        x |= (b[i] & 0x7f) << s; s += 7; i += 1
        if b[i - 1] < 0x80: return x, i
def ref(i):
    k, i = v(i)
    return b.index(0, i) + 1 if k == 0 else i
hdr = struct.unpack_from('<IIQQQQQQ', b, 16)
i = 72 + hdr[0] + hdr[5]            # the first block
for _ in range(4): _, i = v(i)      # nroots, nested, apos, aocc
i = ref(ref(i))                     # akey, name
nnodes, i = v(i)
_, i = v(i)                         # nbytes
done = False
for _ in range(nnodes):
    _, i = v(i)                     # depth
    fl, j = v(i)
    _, k = v(j); _, k = v(k)        # pos, size
    _, m = v(k)                     # value
    if not done and fl & 0xc000 == 0xc000 and not fl & 8 and j - i == 3:
        fl |= 0x100                 # a named field with a show: N_RAW_SHOW
        b[i:j] = bytes([fl & 0x7f | 0x80, (fl >> 7) & 0x7f | 0x80, fl >> 14])
        b[k:m] = bytes([0xc1] * (m - k - 1) + [0x41])  # a bogus address
        done = True
    i = m
    if fl & 0x4000: i = ref(i)
    if fl & 0x8000: i = ref(i)
    i = ref(i)
assert done"
run "N_RAW_SHOW in a node's flags"
[ "$out" = hit ] || fail "N_RAW_SHOW in a node's flags: not read"
for args in "--json $cap $cap" "--html - $cap"; do
	PATH=$FAKE:$PATH timeout 60 "$S" $args >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$tmp/err" ||
		fail "N_RAW_SHOW in a node's flags, $args: exit $rc: $(head -c 600 "$tmp/err")"
done

# Garbled blocks are read lazily: a frame may lose its grafts or get odd
# ones, but nothing crashes or hangs.
for seed in $(seq 1 30); do
	mutate "import random
r = random.Random($seed)
hdr = struct.unpack_from('<IIQQQQQQ', b, 16)
start = 72 + hdr[0] + hdr[5]
for _ in range(r.randint(1, 8)):
    i = r.randrange(start, start + hdr[6])
    b[i] = r.choice([0, 0x7f, 0x80, 0xff, r.randrange(256)])"
	run "garbled blocks, seed $seed"
done

# The text format of version 1 (the same name) is stale: rebuilt.
printf 'smbcmp-graft 1\tTShark\nE\n' >"$file"
rebuilt "version 1 file"

exit $((fails > 0))
