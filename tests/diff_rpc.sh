#!/usr/bin/env bash
# diff_rpc.sh - DCE/RPC calls over named pipes as diff operations (auto
# engine, src/ops/rpcops.c): a trace against itself is equal, RPC operations
# show in --json with interface and opnum, two traces align RPC calls by
# opnum and report a changed RPC field, context handles are ids.
# B traces are copies of public captures with a few bytes patched.
# Needs tshark in PATH (skips, passing, without it).
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
P=../shared/captures/public
[ -d "$P" ] || P=/work/shared/captures/public
export TZ=UTC XDG_CONFIG_HOME=/nonexistent
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! command -v tshark >/dev/null; then
	echo "SKIP: tshark not installed"; exit 0
fi

ZEEK=$P/zeek-smb_raw_ntlm_in_smb.pcap          # SMB1 TransactNmPipe: srvsvc, lsarpc
NETUSER=$P/suricata-smb2-06_20171220_smb_net_user.pcap  # SMB2 write/read/ioctl: samr, lsarpc
OPS=captures/smb311_ops.pcap                    # SMB 3.1.1 ioctl: lsarpc

# patch SRC DST FRAME POS HEX: overwrite bytes at POS of frame FRAME (pcap)
patch() { python3 - "$@" <<'EOF'
import struct, sys
src, dst, frame, pos, hexb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
d = bytearray(open(src, "rb").read())
off, n = 24, 0
while off + 16 <= len(d):
    incl = struct.unpack_from("<I", d, off + 8)[0]
    n += 1
    if n == frame:
        b = bytes.fromhex(hexb)
        d[off + 16 + pos:off + 16 + pos + len(b)] = b
        break
    off += 16 + incl
else:
    sys.exit("no frame %d" % frame)
open(dst, "wb").write(d)
EOF
}
# replace SRC DST OLDHEX NEWHEX WHICH(all|last)
replace() { python3 - "$@" <<'EOF'
import sys
src, dst, old, new, which = sys.argv[1:6]
d = open(src, "rb").read()
o, n = bytes.fromhex(old), bytes.fromhex(new)
assert d.count(o) > (1 if which == "all" else 0), "pattern not found (or not repeated)"
if which == "all":
    d = d.replace(o, n)
else:
    i = d.rfind(o)
    d = d[:i] + n + d[i + len(o):]
open(dst, "wb").write(d)
EOF
}

# check JSON PYTHON-EXPR...: asserts on the --json diff document "d"
check() { local f=$1; shift; python3 - "$f" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ops = d["operations"]
def rpc(o, side="a"):
    x = o.get(side) or {}
    return x.get("rpc")
def names(o):
    return {x["name"] for x in o.get("differences", [])}
for expr in sys.argv[2:]:
    if not eval(expr):
        sys.exit("assertion failed: " + expr)
EOF
}

# 1. Each trace against itself: exit 0, RPC operations with interface and opnum.
for spec in "$ZEEK srvsvc:NetShareEnumAll:15 lsarpc:lsa_OpenPolicy2:44" \
	    "$NETUSER samr:Connect5:64 lsarpc:lsa_LookupNames3:68" \
	    "$OPS lsarpc:lsa_LookupSids:15"; do
	set -- $spec
	cap=$1; shift
	"$S" --json "$cap" "$cap" >"$tmp/self.json"; rc=$?
	[ $rc -eq 0 ] || fail "$cap against itself: exit $rc"
	check "$tmp/self.json" 'sum(1 for o in ops if rpc(o)) >= 4' \
		'all(o["status"] == "equal" for o in ops)' \
		'any(rpc(o) and rpc(o)["operation"] == "Bind" and rpc(o)["opnum"] is None for o in ops)' \
		'all(rpc(o)["pipe"] for o in ops if rpc(o))' ||
		fail "$cap: RPC operations in --json"
	for want in "$@"; do
		IFS=: read -r iface op opnum <<<"$want"
		check "$tmp/self.json" "any(rpc(o) and rpc(o)['interface'] == '$iface' and rpc(o)['operation'] == '$op' and rpc(o)['opnum'] == $opnum and o['a']['request'] == '$iface $op request' and o['a']['response'] == '$iface $op response' for o in ops)" ||
			fail "$cap: no $iface $op (opnum $opnum) request/response operation"
	done
done
# A trace against an identical copy, each time with an empty cache: both
# sides run tshark and save the same cache file at the same time (two
# threads of one process); the saves must not mix (they shared one temp
# name once, and a side then read a garbled cache).
cp "$NETUSER" "$tmp/copy.pcap"
for i in 1 2 3 4; do
	XDG_CACHE_HOME=$tmp/cold$i "$S" --json "$NETUSER" "$tmp/copy.pcap" >"$tmp/copy.json"; rc=$?
	[ $rc -eq 0 ] || fail "copy, cold cache (run $i): exit $rc"
	ls "$tmp/cold$i"/smbcmp/ 2>/dev/null | grep -q '\.graft\.' &&
		fail "copy, cold cache (run $i): temporary files left: $(ls "$tmp/cold$i"/smbcmp)"
done
# the native engine has no RPC layers, hence no RPC operations
"$S" --engine=native --json "$ZEEK" "$ZEEK" >"$tmp/native.json" || fail "native self diff"
check "$tmp/native.json" 'not any(rpc(o) for o in ops)' || fail "native engine made RPC operations"

# 2. A changed share name in the NetShareEnumAll response (UTF-16 "SharedDocs"):
#    one changed operation, the RPC call, aligned with its counterpart.
replace "$ZEEK" "$tmp/name.pcap" "$(printf SharedDocs | iconv -t UTF-16LE | xxd -p)" \
	"$(printf SharedDucs | iconv -t UTF-16LE | xxd -p)" last
"$S" --json "$ZEEK" "$tmp/name.pcap" >"$tmp/name.json"; rc=$?
[ $rc -eq 1 ] || fail "changed share name: exit $rc, want 1"
check "$tmp/name.json" 'd["summary"]["changed"] == 1 and d["summary"]["only_a"] == 0 and d["summary"]["only_b"] == 0' \
	'[(rpc(o)["interface"], rpc(o)["opnum"], rpc(o, "b")["opnum"]) for o in ops if o["status"] == "changed"] == [("srvsvc", 15, 15)]' \
	'[(x["a"], x["b"]) for o in ops for x in o.get("differences", []) if x["name"] == "srvsvc.srvsvc_NetShareInfo1.name"] == [("SharedDocs", "SharedDucs")]' ||
	fail "changed share name: $(head -c 300 "$tmp/name.json")"

# 3. Another opnum (lsa_GetUserName 45 -> lsa_EnumPrivs 2 in frame 57's
#    request): that call is only in A / only in B, the calls around it align.
patch "$ZEEK" "$tmp/opnum.pcap" 57 176 0200
"$S" --json "$ZEEK" "$tmp/opnum.pcap" >"$tmp/opnum.json"; rc=$?
[ $rc -eq 1 ] || fail "changed opnum: exit $rc, want 1"
check "$tmp/opnum.json" 'd["summary"]["changed"] == 0 and d["summary"]["only_a"] == 1 and d["summary"]["only_b"] == 1' \
	'[rpc(o)["opnum"] for o in ops if o["status"] == "only_a"] == [45]' \
	'[rpc(o, "b")["opnum"] for o in ops if o["status"] == "only_b"] == [2]' \
	'[o["status"] for o in ops if rpc(o) and rpc(o)["interface"] == "lsarpc" and rpc(o)["opnum"] in (44, 14, 0)] == ["equal"] * 3' ||
	fail "changed opnum: alignment by opnum"

# 4. Context handles are ids: renamed everywhere -> equal; renamed only in
#    lsa_Close -> "id used inconsistently" there.
H=6dfdb69a7b583e4f8e19657fccd71e50 N=11223344556677889900aabbccddeeff
replace "$ZEEK" "$tmp/hall.pcap" $H $N all
replace "$ZEEK" "$tmp/hone.pcap" $H $N last
"$S" --json "$ZEEK" "$tmp/hall.pcap" >"$tmp/hall.json"; rc=$?
[ $rc -eq 0 ] || fail "policy handle renamed consistently: exit $rc, want 0"
"$S" --json "$ZEEK" "$tmp/hone.pcap" >"$tmp/hone.json"; rc=$?
[ $rc -eq 1 ] || fail "policy handle renamed once: exit $rc, want 1"
check "$tmp/hone.json" '[(rpc(o)["operation"], x["name"], x.get("note")) for o in ops for x in o.get("differences", [])] == [("lsa_Close", "lsarpc.lsa_Close.handle", "id used inconsistently")]' ||
	fail "policy handle renamed once: $(grep -o '"differences.*' "$tmp/hone.json" | head -c 300)"

# 5. The text report names RPC operations; filters see RPC fields.
"$S" --text "$ZEEK" "$tmp/name.pcap" >"$tmp/name.txt"
grep -q '^! #[0-9]* .*srvsvc NetShareEnumAll request -> srvsvc NetShareEnumAll response' "$tmp/name.txt" ||
	fail "text report: no changed srvsvc NetShareEnumAll line"
"$S" --json --filter 'dcerpc.opnum == 15' "$ZEEK" "$tmp/name.pcap" >"$tmp/filt.json"
check "$tmp/filt.json" 'd["summary"]["compared"] == 1 and rpc(ops[0])["operation"] == "NetShareEnumAll"' ||
	fail "--filter dcerpc.opnum == 15"

[ $fails -eq 0 ] && echo "diff_rpc: all checks passed"
[ $fails -eq 0 ]
