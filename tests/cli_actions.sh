#!/usr/bin/env bash
# cli_actions.sh - comparison by action (--by actions; automatic when one
# trace speaks SMB1 and the other SMB2/3): issue 20's bar on the project's
# recordings of the same job by smbclient at LANMAN2, NT1 and SMB3_11.
set -uo pipefail
cd "$(dirname "$0")/.."
S=${SMBCMP:-build/smbcmp}
C=captures
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad() { echo "FAIL: $*"; fail=1; }

# run NAME EXPECTED_RC ARGS...: stdout to $t/NAME, stderr to $t/NAME.err
run() {
	local name=$1 want=$2; shift 2
	"$S" "$@" >"$t/$name" 2>"$t/$name.err"
	local rc=$?
	[ "$rc" = "$want" ] || bad "$name: exit $rc, want $want ($(head -c 300 "$t/$name.err"))"
}

# The bar, from the JSON: share of B's file actions (list, write, query
# info, read, delete) paired with an A action of the same verb; no pair
# across verbs; no SMB header field compared.
check_pairing() { # check_pairing NAME MIN_PERCENT
	python3 - "$t/$1" "$2" <<'PY' || bad "$1: pairing"
import json, sys
d = json.load(open(sys.argv[1]))
need = float(sys.argv[2])
assert d["by"] == "actions", d.get("by")
file_verbs = {"list", "write", "query info", "read", "delete"}
total = paired = 0
for e in d["actions"]:
    a, b = e["a"], e["b"]
    if a and b and a["verb"] != b["verb"]:
        sys.exit("paired across verbs: #%d %s / %s" % (e["index"], a["verb"], b["verb"]))
    if b and b["verb"] in file_verbs:
        total += 1
        paired += a is not None
    for w in e["differences"]:
        if "smb2." in w or "smb." in w:
            sys.exit("header field compared: " + w)
pct = 100.0 * paired / total if total else 0
print("%s: %d of %d file actions of B paired (%.0f%%)" % (sys.argv[1], paired, total, pct))
if pct < need:
    sys.exit("only %.0f%% paired, want %s%%" % (pct, need))
PY
}

# NT1 against SMB3_11: by action without being asked.
run nt1.json 1 --json $C/job_nt1.pcap $C/reference.pcap
check_pairing nt1.json 80
run nt1.txt 1 --text $C/job_nt1.pcap $C/reference.pcap
grep -q '^# by action: A negotiates NT LANMAN 1.0, B SMB 3.1.1' "$t/nt1.txt" || bad "nt1: no by-action header"
grep -q 'query info share\\snapshot.jpg FileAllInformation' "$t/nt1.txt" || bad "nt1: stat not named as query info"
grep -q 'delete share\\snapshot.jpg' "$t/nt1.txt" || bad "nt1: delete idiom not recognised"
grep -q 'write share\\snapshot.jpg 4096 bytes at 0' "$t/nt1.txt" || bad "nt1: write"
grep -q 'ioctl ipc\$ FSCTL_DFS_GET_REFERRALS' "$t/nt1.txt" || bad "nt1: TRANS2 GET_DFS_REFERRAL not paired with the FSCTL"
grep -q 'SMB1 and SMB2 headers' "$t/nt1.txt" && bad "nt1: header fields compared across dialects"
grep -q '^- .*write\|^+ .*write\|^- .*read\|^+ .*read' "$t/nt1.txt" && bad "nt1: data actions unpaired"

# LANMAN2 against SMB3_11: the same, LANMAN-only differences named.
run lm.json 1 --json $C/job_lanman2.pcap $C/reference.pcap
check_pairing lm.json 80
run lm.txt 1 --text $C/job_lanman2.pcap $C/reference.pcap
grep -q 'a LANMAN level has no NT class' "$t/lm.txt" || bad "lanman: LANMAN level not named"
grep -q 'LANMAN dialects have no DFS' "$t/lm.txt" || bad "lanman: DFS probe not named"
grep -q "A's LANMAN2.1 has no NT status codes" "$t/lm.txt" || bad "lanman: no NT status / OEM names not named"

# Other SMB1 clients: JCIFS, Nmap (reconnects per operation, 1 KiB chunks).
run jcifs.json 1 --json $C/jcifs.pcap $C/reference.pcap
check_pairing jcifs.json 30
run nmap.txt 1 --text $C/nmap_smb.pcap $C/reference.pcap
grep -q 'chunking: A 4 requests of up to 1024, B 1 request of up to 4096' "$t/nmap.txt" ||
	bad "nmap: chunked write not coalesced"

# The same client twice: unchanged, with or without --by actions.
for p in "job_nt1 job_nt1" "same_1 same_2" "reference reference" "lanman2 lanman2_lmauth"; do
	set -- $p
	run "same-$1" 0 --text $C/$1.pcap $C/$2.pcap
	run "same-$1-act" 0 --text --by actions $C/$1.pcap $C/$2.pcap
	grep -q '^# no differences in meaning' "$t/same-$1-act" || bad "same-$1: differences by action"
	grep -q ', 0 changed, 0 only in A, 0 only in B$' "$t/same-$1-act" || bad "same-$1: counts"
done

# An old client whose negotiate fails: one action with the diagnosis.
run camera.txt 1 --text $C/camera.pcap $C/reference.pcap
grep -q '^# 2 actions compared: 0 equal, 0 similar, 1 changed, 0 only in A, 0 only in B, 21 never reached' \
	"$t/camera.txt" || bad "camera: counts ($(grep '^# 2\|^# [0-9]* actions' "$t/camera.txt"))"
grep -q 'diagnosis: no common dialect' "$t/camera.txt" || bad "camera: diagnosis"
grep -q '^> #1 *B does 21 more actions A never reaches' "$t/camera.txt" || bad "camera: unreached run"

# --by operations keeps the operation diff; bad values and one trace refused.
run ops.txt 1 --text --by operations $C/job_nt1.pcap $C/reference.pcap
grep -q 'operations compared' "$t/ops.txt" || bad "--by operations"
run badby 2 --by verbs $C/job_nt1.pcap $C/reference.pcap
grep -q "^smbcmp: --by wants actions, operations or auto, not 'verbs'" "$t/badby.err" || bad "--by verbs message"
run oneby 2 --json --by actions $C/job_nt1.pcap
# --filter by action: action fields and operation fields.
run flt.txt 0 --text --filter 'smbcmp.action.verb == write || smbcmp.action.verb == read' \
	$C/job_nt1.pcap $C/reference.pcap
grep -q '^# 2 actions compared: 2 equal, 0 similar, 0 changed' "$t/flt.txt" || bad "filter on verbs"
run flt2.txt 1 --text --filter 'smb2.cmd == 16' $C/job_nt1.pcap $C/reference.pcap
grep -q '^# 5 actions compared: 3 equal, 0 similar, 2 changed' "$t/flt2.txt" || bad "filter on an operation field"
run flt3.json 1 --json --filter 'smbcmp.action.status == "STATUS_NOT_SUPPORTED"' $C/job_nt1.pcap $C/reference.pcap
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["compared"] == 1 and d["actions"][0]["a"]["status"] == "STATUS_NOT_SUPPORTED", d["summary"]
' "$t/flt3.json" || bad "filter on the result"
run flt4 2 --text --filter 'smbcmp.action.verb == mkdir' $C/job_nt1.pcap $C/reference.pcap
grep -q "matches no action in either trace" "$t/flt4.err" || bad "empty action filter not said"
run flt5 0 --text --allow-empty --filter 'smbcmp.action.verb == mkdir' $C/job_nt1.pcap $C/reference.pcap
# JUnit by action: one testcase per action, the failures counted.
run junit 1 --junit - $C/job_nt1.pcap $C/reference.pcap
python3 - "$t/junit" <<'PY' || bad "junit by action"
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
cases = r.findall(".//testcase")
fails = [c for c in cases if c.find("failure") is not None]
assert int(r.get("tests")) == len(cases) and int(r.get("failures")) == len(fails), (r.attrib, len(cases), len(fails))
assert all(c.get("classname") == "smbcmp.actions" for c in cases)
PY
# --html across dialects: a section by action, one row per action that differs.
run html 1 --html "$t/r.html" $C/job_lanman2.pcap $C/reference.pcap
rows=$(grep -c '<tr class="a-' "$t/r.html")
want=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for e in d["actions"] if e["status"] != "equal"))' "$t/lm.json")
[ "$rows" = "$want" ] && [ "$rows" -gt 0 ] || bad "html: $rows action rows, want $want"
grep -q '<section id="actions"><h2>By action (A LANMAN2.1, B SMB 3.1.1)</h2>' "$t/r.html" || bad "html: no actions section"

# Corrupted SMB1 captures compared by action: never a crash (0, 1 or 2).
for f in $C/job_nt1.pcap $C/job_lanman2.pcap $C/nmap_smb.pcap; do
	python3 - "$f" "$t" <<'PY'
import random, sys
data = bytearray(open(sys.argv[1], 'rb').read())
rng = random.Random(20)
for k in range(25):
    d = bytearray(data)
    for _ in range(1 + k % 6):
        i = rng.randrange(40, len(d))
        d[i] = rng.randrange(256)
    if k % 5 == 4:
        d = d[:rng.randrange(40, len(d))]
    open('%s/flip%02d.pcap' % (sys.argv[2], k), 'wb').write(d)
PY
	for g in "$t"/flip*.pcap; do
		timeout 20 "$S" --json --by actions "$g" $C/reference.pcap >/dev/null 2>"$t/flip.err"
		rc=$?
		[ $rc -le 2 ] || bad "$(basename "$f") corrupted ($(basename "$g")): exit $rc $(head -c 300 "$t/flip.err")"
	done
done
[ $fail = 0 ] && echo "cli_actions: ok"
exit $fail
