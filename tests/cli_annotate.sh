#!/usr/bin/env bash
# cli_annotate.sh - `smbcmp --annotate DIR A B`: A and B written again as
# pcapng with a comment on every frame of a differing operation. tshark
# reads the files; `frame.comment contains "smbcmp"` finds exactly the
# frames --json lists for the changed/similar/only-A/only-B operations;
# timestamps, lengths, interfaces and packet bytes equal the input's (pcap
# and pcapng inputs, one with two interfaces); an unwritable DIR, or one where an output would replace an
# input, exits 2 with one line and leaves no file.
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
P=../shared/captures/public

# frames_of JSON SIDE: the frame numbers of that side's differing operations.
frames_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = set()
for e in d["operations"]:
    if e["status"] in ("equal", "filtered") or not e[sys.argv[2]]:
        continue
    o = e[sys.argv[2]]
    for k in ("request_frame", "interim_frame", "response_frame"):
        if o.get(k):
            out.add(o[k])
print("\n".join(str(n) for n in sorted(out)))
PY
}

# packets FILE: time, lengths and bytes of every packet, as tshark reads them.
packets() {
	tshark -r "$1" -T fields -e frame.number -e frame.time_epoch -e frame.len \
		-e frame.cap_len -e frame.interface_id 2>/dev/null | sed 's/\t$/\t0/' # pcap: interface 0
	tshark -r "$1" -x 2>/dev/null | grep -E '^[0-9a-f]{4}  '
}

# check A B: annotate, then compare with --json and with the inputs.
check() {
	local a=$1 b=$2 out="$tmp/out$RANDOM"
	mkdir -p "$out"
	"$S" --json --annotate "$out" "$a" "$b" >"$out.json" 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq 1 ] || { fail "--annotate $a $b: exit $rc: $(cat "$tmp/err")"; return; }
	local oa ob
	oa="$out/a-$(basename "${a%.*}").pcapng"; ob="$out/b-$(basename "${b%.*}").pcapng"
	[ "$(ls "$out" | wc -l)" -eq 2 ] || fail "$out: $(ls "$out")"
	for side in a b; do
		local in=$a o=$oa
		[ "$side" = b ] && in=$b && o=$ob
		[ -f "$o" ] || { fail "no $o"; continue; }
		tshark -r "$o" -Y 'frame.comment contains "smbcmp"' -T fields -e frame.number \
			2>/dev/null >"$tmp/got"
		frames_of "$out.json" "$side" >"$tmp/want"
		[ -n "$(cat "$tmp/want")" ] || fail "$side of $a $b: no differing frame to check"
		cmp -s "$tmp/got" "$tmp/want" ||
			fail "$o: commented frames $(tr '\n' ' ' <"$tmp/got"| head -c 300), --json: $(tr '\n' ' ' <"$tmp/want" | head -c 300)"
		packets "$in" >"$tmp/in.p"
		packets "$o" >"$tmp/out.p"
		[ -s "$tmp/in.p" ] && cmp -s "$tmp/in.p" "$tmp/out.p" ||
			fail "$o: packets differ from $in: $(diff "$tmp/in.p" "$tmp/out.p" | head -3)"
		[ "$(tshark -r "$o" -T fields -e frame.encap_type 2>/dev/null | sort -u)" = \
		  "$(tshark -r "$in" -T fields -e frame.encap_type 2>/dev/null | sort -u)" ] ||
			fail "$o: link type differs from $in"
	done
	echo "$a $b: $(wc -l <"$tmp/want") frames of B commented, packets equal"
}

check captures/smb311_ops.pcap captures/gosmb2.pcap
check captures/nt1_ops.pcap captures/job_lanman2.pcap
editcap -F pcapng captures/compound.pcap "$tmp/compound.pcapng" 2>/dev/null
check "$tmp/compound.pcapng" "$P/zeek-smb_smb2-zero-byte-error-ioctl.pcapng"
# Two interfaces (microseconds and nanoseconds) and a comment of the input's own.
python3 tests/annotate/twoif.py captures/compound.pcap "$tmp/twoif.pcapng"
check "$tmp/twoif.pcapng" captures/reference.pcap
o=$(ls -d "$tmp"/out*/a-twoif.pcapng)
[ "$(capinfos "$o" 2>/dev/null | grep -c '^Interface #')" -eq 2 ] || fail "$o: not 2 interfaces"
[ "$(tshark -r "$o" -Y 'frame.number == 1' -T fields -e frame.comment 2>/dev/null)" = \
  "the input's own comment" ] || fail "$o: the input's comment is lost"
# Comments cut at 800 bytes end with one "...": the fields, "N more" and
# the finding put after the cut added "..." each, past the buffer
# (AddressSanitizer: stack-buffer-overflow in put()).
check captures/awo_smb2.pcap captures/smb311_ops.pcap
d=$(dirname "$(ls "$tmp"/out*/a-awo_smb2.pcapng)")
for o in "$d"/a-awo_smb2.pcapng "$d"/b-smb311_ops.pcapng; do
	tshark -r "$o" -T fields -e frame.comment 2>/dev/null >"$tmp/comments"
	grep -q '\.\.\.$' "$tmp/comments" || fail "$o: no comment cut (the case is not tried)"
	! grep -q '\.\.\.\.\.\.' "$tmp/comments" || fail "$o: a comment cut twice: $(grep -m1 -o '.\{40\}\.\.\.\.\.\..*' "$tmp/comments" | head -c 200)"
done

# A comment names the operation, the field and both values, and findings.
mkdir "$tmp/c"
"$S" --annotate "$tmp/c" captures/smb311_ops.pcap captures/gosmb2.pcap >/dev/null 2>&1
tshark -r "$tmp/c/a-smb311_ops.pcapng" -T fields -e frame.comment 2>/dev/null >"$tmp/comments"
grep -q '^smbcmp #0 changed: smb2.capabilities A 0x0000007f B 0x00000044; ' "$tmp/comments" ||
	fail "comment of #0: $(head -1 "$tmp/comments")"
grep -q '; finding: ' "$tmp/comments" || fail "no finding named in a comment"
grep -q 'smbcmp #[0-9]* only in A: ' "$tmp/comments" || fail "no only-in-A comment"

# Bad output paths: exit 2, one line on stderr, no file left.
touch "$tmp/file"
mkdir "$tmp/d"; cp captures/gosmb2.pcap "$tmp/d/x.pcap"
editcap -F pcapng captures/smb311_ops.pcap "$tmp/d/a-x.pcapng" 2>/dev/null
for args in "$tmp/missing/dir captures/smb311_ops.pcap captures/gosmb2.pcap" \
	    "$tmp/file captures/smb311_ops.pcap captures/gosmb2.pcap" \
	    "$tmp/d $tmp/d/x.pcap $tmp/d/a-x.pcapng"; do
	before=$(ls -la "$tmp/d" | md5sum)
	touch "$tmp/marker"
	# shellcheck disable=SC2086
	"$S" --annotate $args >"$tmp/o" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--annotate $args: exit $rc, want 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--annotate $args: stderr $(cat "$tmp/err")"
	left=$(find "$tmp" -newer "$tmp/marker" ! -name o ! -name err ! -type d)
	[ -z "$left" ] && [ "$(ls -la "$tmp/d" | md5sum)" = "$before" ] ||
		fail "--annotate $args left a file: $left"
done
"$S" --annotate "$tmp/d" captures/gosmb2.pcap >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "--annotate with one trace: want exit 2"

# Broken captures: exit 0, 1 or 2, never a crash; what is written reads.
python3 - "$tmp" <<'PY'
import random, sys
for name, src in (("pcap", "captures/nt1_ops.pcap"), ("pcapng", sys.argv[1] + "/twoif.pcapng")):
    data = open(src, "rb").read()
    for k in range(6):
        r = random.Random(k)
        d = bytearray(data)
        for _ in range(40 if k < 4 else 2):
            d[r.randrange(24, len(d))] = r.randrange(256)
        open(f"{sys.argv[1]}/flip{k}.{name}", "wb").write(d)
    open(f"{sys.argv[1]}/flipcut.{name}", "wb").write(data[:len(data) * 2 // 3])
PY
for f in "$tmp"/flip*.pcap "$tmp"/flip*.pcapng; do
	rm -rf "$tmp/h"; mkdir "$tmp/h"
	timeout 60 "$S" --annotate "$tmp/h" "$f" captures/job_lanman2.pcap >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -le 2 ] || fail "--annotate $f: exit $rc: $(head -3 "$tmp/err")"
	for o in "$tmp"/h/*.pcapng; do
		[ -e "$o" ] || continue
		tshark -r "$o" >/dev/null 2>&1 || fail "$o: tshark cannot read it"
	done
done

[ "$fails" -eq 0 ] || { echo "cli_annotate: $fails failures"; exit 1; }
echo "cli_annotate: ok"
