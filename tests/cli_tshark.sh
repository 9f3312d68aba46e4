#!/usr/bin/env bash
# cli_tshark.sh - the tshark engine (--engine=tshark), the auto engine's
# grafts and their cache, --verify, and failures of tshark itself.
# Needs tshark in PATH; exits non-zero on the first failed check group.
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
P=../shared/captures/public
[ -d "$P" ] || P=/work/shared/captures/public
export TZ=UTC
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! command -v tshark >/dev/null; then
	echo "SKIP: tshark not installed"; exit 0
fi

frames() { python3 -c 'import json,sys
for l in sys.stdin: print(json.loads(l)["frame"])'; }
names() { python3 -c 'import json,sys
def walk(n):
    if n.get("name"): print(n["name"])
    for c in n.get("children", []): walk(c)
for l in sys.stdin:
    for n in json.loads(l)["tree"]: walk(n)' | sort -u; }

# 1. --engine=tshark gives the frames the native engine gives.
for cap in captures/lanman1.pcap "$P/zeek-smb_smb2.pcap" "$P/zeek-smb_raw_ntlm_in_smb.pcap"; do
	"$S" --engine=tshark --json "$cap" >"$tmp/t.json" || { fail "--engine=tshark $cap rc=$?"; continue; }
	"$S" --engine=native --json "$cap" | frames >"$tmp/n.frames"
	frames <"$tmp/t.json" >"$tmp/t.frames"
	cmp -s "$tmp/n.frames" "$tmp/t.frames" || fail "frames differ between engines: $cap"
	[ -s "$tmp/t.frames" ] || fail "no frames from tshark: $cap"
	# same JSON shape: summary, tree of nodes with name/label/pos/size
	head -1 "$tmp/t.json" | python3 -c 'import json,sys
o=json.loads(sys.stdin.read()); assert o["summary"] and o["tree"][0]["name"] in ("nbss","nbdgm")
assert all(k in o["tree"][0] for k in ("label","pos","size"))' || fail "tshark JSON shape: $cap"
done
"$S" --engine=tshark --text captures/compound.pcap | grep -q '^Frame .*: time ' || fail "--engine=tshark --text"
"$S" --engine=tshark --json "$P/zeek-smb_smb2.pcap" | grep -q '"generated":true' || fail "no generated items marked"

# 2. --verify reports per-protocol agreement; exit 0 or 1, never 2.
for cap in captures/smb311_ops.pcap "$P/zeek-smb_raw_ntlm_in_smb.pcap"; do
	"$S" --verify "$cap" >"$tmp/v.txt"; rc=$?
	{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } || fail "--verify $cap rc=$rc"
	grep -q '^agreement per protocol' "$tmp/v.txt" || fail "--verify $cap: no summary"
	grep -Eq '^  smb2? +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+% +[0-9.]+%' "$tmp/v.txt" || fail "--verify $cap: no smb/smb2 row"
	grep -q '^frames: [0-9]* in both, 0 only native, 0 only tshark' "$tmp/v.txt" || fail "--verify $cap: frame sets"
	if [ $rc -eq 1 ]; then grep -q '^frame [0-9]*  [a-z]' "$tmp/v.txt" || fail "--verify $cap: rc 1 without a disagreement line"; fi
done
"$S" --verify captures/smb311_ops.pcap captures/reference.pcap >/dev/null 2>&1; [ $? -eq 2 ] || fail "--verify with two files"
# The README's deliberate differences are listed apart and not counted: clean
# captures pass (issue 24 item 6); real disagreements still fail.
for cap in captures/same_1.pcap captures/smb311_ops.pcap captures/compressed.pcap \
	   "$P/zeek-smb_smb2.pcap" "$P/zeek-smb_cifs_negotiate_lanman.pcap" \
	   "$P/suricata-smb-eicar-file-segmentation-random.pcap" "$P/suricata-smb1-02_smb1_osx.pcap"; do
	"$S" --verify "$cap" >"$tmp/v.txt"; rc=$?
	[ $rc -eq 0 ] || fail "--verify $cap: exit $rc: $(tail -1 "$tmp/v.txt")"
	grep -q '^deliberate differences (README "Deliberate differences from tshark"), not counted:$' "$tmp/v.txt" ||
		fail "--verify $cap: no deliberate section"
	grep -q '; 0 disagreements (and [1-9][0-9]* deliberate, listed apart)$' "$tmp/v.txt" ||
		fail "--verify $cap: $(tail -1 "$tmp/v.txt")"
done
"$S" --verify captures/same_1.pcap | grep -q '^frame 36  data.data  native=.*  tshark=-  (write data as data.data' ||
	fail "--verify: the write data line"
"$S" --verify "$P/zeek-smb_cifs_negotiate_lanman.pcap" | grep -q '^frame 6  smb.primary_domain  .*tshark=????  (SMB1 Unicode' ||
	fail "--verify: the SMB1 Unicode line"
"$S" --verify "$P/zeek-smb_raw_ntlm_in_smb.pcap" >"$tmp/v.txt"; [ $? -eq 1 ] || fail "--verify raw_ntlm_in_smb: real disagreements pass"

# 3. auto grafts DCE/RPC layers (and the interface) from tshark.
for pair in "zeek-smb_raw_ntlm_in_smb.pcap srvsvc lsarpc" \
	    "suricata-smb2-06_20171220_smb_net_user.pcap samr lsarpc"; do
	set -- $pair
	"$S" --json "$P/$1" | names >"$tmp/names" || fail "auto $1"
	grep -q '^dcerpc\.' "$tmp/names" || fail "auto $1: no dcerpc.* fields"
	for iface in $2 $3; do grep -q "^$iface\." "$tmp/names" || fail "auto $1: no $iface.* fields"; done
	"$S" --engine=native --json "$P/$1" | names | grep -q '^dcerpc\.' && fail "native $1 has dcerpc (test is stale)"
done
"$S" --json "$P/suricata-smb2-06_20171220_smb_net_user.pcap" | names | grep -q '^kerberos\.' ||
	fail "auto: no kerberos.* under spnego.krb5.blob"
# no RPC in this one: auto == native, tshark not started
cap=$P/suricata-smb2-named-pipe-unicode.pcap
SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/a.json" 2>"$tmp/err"
grep -q "tshark not needed" "$tmp/err" || fail "named-pipe-unicode: trigger"
"$S" --engine=native --json "$cap" | cmp -s - "$tmp/a.json" || fail "named-pipe-unicode: auto != native"

# 4. the cache: first run starts tshark, the second reads the cache.
rm -rf "$XDG_CACHE_HOME"
cap=$P/zeek-smb_raw_ntlm_in_smb.pcap
SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/1.json" 2>"$tmp/1.err"
SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/2.json" 2>"$tmp/2.err"
grep -q "ran tshark" "$tmp/1.err" || fail "cache: first run did not run tshark: $(cat "$tmp/1.err")"
grep -q "cache hit" "$tmp/2.err" || fail "cache: second run missed: $(cat "$tmp/2.err")"
cmp -s "$tmp/1.json" "$tmp/2.json" || fail "cache: output differs on the second run"
ls "$XDG_CACHE_HOME"/smbcmp/*.graft >/dev/null 2>&1 || fail "cache: no file under \$XDG_CACHE_HOME/smbcmp"
# a damaged cache file is ignored and rewritten
for f in "$XDG_CACHE_HOME"/smbcmp/*.graft; do head -c 300 "$f" >"$f.cut" && mv "$f.cut" "$f"; done
SMBCMP_DEBUG=graft "$S" --json "$cap" >"$tmp/3.json" 2>"$tmp/3.err"
grep -q "ran tshark" "$tmp/3.err" || fail "cache: damaged file was trusted"
cmp -s "$tmp/1.json" "$tmp/3.json" || fail "cache: output differs after a damaged cache"

# The cache stays under $SMBCMP_CACHE_MAX_MB: writing a file removes the
# least recently used others (a hit makes a file recent).
rm -rf "$XDG_CACHE_HOME"
"$S" --json "$P/zeek-smb_raw_ntlm_in_smb.pcap" >/dev/null 2>&1
sleep 0.05
"$S" --json captures/smb311_ops.pcap >/dev/null 2>&1
sleep 0.05
"$S" --json "$P/zeek-smb_raw_ntlm_in_smb.pcap" >/dev/null 2>&1 # hit: now the most recent
[ "$(ls "$XDG_CACHE_HOME"/smbcmp/*.graft | wc -l)" -eq 2 ] || fail "cache: two files expected"
SMBCMP_CACHE_MAX_MB=0 SMBCMP_DEBUG=graft "$S" --json "$P/suricata-smb2-06_20171220_smb_net_user.pcap" \
	>/dev/null 2>"$tmp/trim.err"
[ "$(grep -c "cache over 0 MB, removed" "$tmp/trim.err")" -eq 2 ] || fail "cache trim: $(cat "$tmp/trim.err")"
left=$(ls "$XDG_CACHE_HOME"/smbcmp/*.graft)
[ "$(echo "$left" | wc -l)" -eq 1 ] && grep -q "saved $left" "$tmp/trim.err" ||
	fail "cache trim: left $left"

# 5. tshark missing: clear message, exit 2 (auto: a note, native trees, exit 0).
NOPATH=$tmp/nopath; mkdir -p "$NOPATH"
PATH=$NOPATH "$S" --engine=tshark --json captures/smb311_ops.pcap >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "missing tshark: rc=$rc"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "install the tshark package, or use --engine=native" "$tmp/err" ||
	fail "missing tshark message: $(cat "$tmp/err")"
PATH=$NOPATH "$S" --verify captures/smb311_ops.pcap >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "install the tshark package" "$tmp/err" || fail "--verify without tshark: rc=$rc"
rm -rf "$XDG_CACHE_HOME"
PATH=$NOPATH "$S" --json "$P/zeek-smb_raw_ntlm_in_smb.pcap" >"$tmp/a.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && grep -q "note: .*install the tshark package" "$tmp/err" || fail "auto without tshark: rc=$rc $(cat "$tmp/err")"
"$S" --engine=native --json "$P/zeek-smb_raw_ntlm_in_smb.pcap" | cmp -s - "$tmp/a.json" || fail "auto without tshark != native"

# 6. tshark failing or dying: one line with its stderr, exit 2, no hang.
FAKE=$tmp/fake; mkdir -p "$FAKE"
printf '#!/bin/sh\necho "tshark: The file \\"x\\" appears to be damaged or corrupt." >&2\nexit 2\n' >"$FAKE/tshark"
chmod +x "$FAKE/tshark"
PATH=$FAKE:$PATH timeout 20 "$S" --engine=tshark --json captures/smb311_ops.pcap >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "tshark failed (exit 2): tshark: The file" "$tmp/err" ||
	fail "failing tshark: rc=$rc $(cat "$tmp/err")"
printf '#!/bin/sh\necho "<?xml version=\\"1.0\\"?><pdml><packet><proto name=\\"geninfo\\">"\nkill -9 $$\n' >"$FAKE/tshark"
PATH=$FAKE:$PATH timeout 20 "$S" --engine=tshark --json captures/smb311_ops.pcap >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "signal 9\|not well-formed\|ended" "$tmp/err" || fail "dying tshark: rc=$rc $(cat "$tmp/err")"
# Output libxml2 cannot decode: its own multi-line complaints stay quiet,
# the one line says what broke (not "killed by signal 13": the pipe closed).
printf '#!/bin/sh\nprintf "<?xml version=\\"1.0\\" encoding=\\"ISO-2022-JP\\"?>\\n<pdml>\\n<packet>\\n<proto name=\\"x\\" showname=\\"\\033\\044\\102\\001\\000<\\377\\376\\">\\n"\n' >"$FAKE/tshark"
for engine in tshark auto; do
	PATH=$FAKE:$PATH timeout 20 "$S" --engine=$engine --json "$P/zeek-smb_raw_ntlm_in_smb.pcap" >/dev/null 2>"$tmp/err"; rc=$?
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "PDML output is not well-formed XML" "$tmp/err" ||
		fail "undecodable PDML, $engine engine: rc=$rc $(cat "$tmp/err")"
done

# libxml2 is loaded on first use (src/tshark/xmlapi.c): a broken one is a clear
# one-line error, and the native engine does not need it at all.
mkdir -p "$tmp/lib" && echo junk >"$tmp/lib/libxml2.so.2"
LD_LIBRARY_PATH=$tmp/lib "$S" --engine=tshark --json captures/nt1.pcap >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "cannot load libxml2" "$tmp/err" ||
	fail "broken libxml2: rc=$rc $(cat "$tmp/err")"
LD_LIBRARY_PATH=$tmp/lib "$S" --engine=native --json captures/nt1.pcap >/dev/null 2>"$tmp/err" ||
	fail "native engine needs libxml2: $(cat "$tmp/err")"

exit $fails
