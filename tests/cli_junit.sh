#!/usr/bin/env bash
# cli_junit.sh - `--junit FILE` writes well-formed JUnit XML: one testcase per
# compared operation, one failure per difference, counts equal to the JSON
# report's summary; markup characters in captured names are escaped.
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# check A B: JUnit counts against the JSON summary of the same comparison.
check() {
	local a=$1 b=$2 want_rc=$3
	"$S" --text --junit "$tmp/j.xml" "$a" "$b" >"$tmp/report.txt" 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq "$want_rc" ] || fail "--junit $a $b: exit $rc, want $want_rc: $(cat "$tmp/err")"
	grep -q '^--- A ' "$tmp/report.txt" || fail "--junit $a $b: text report missing"
	"$S" --json "$a" "$b" >"$tmp/r.json" 2>/dev/null
	python3 - "$tmp/j.xml" "$tmp/r.json" <<'PY' || fail "--junit $a $b: XML check"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()          # raises on malformed XML
doc = json.load(open(sys.argv[2]))
s = doc["summary"]
nfind = len(doc["findings"])
# One testcase per finding (suite "findings", each a failure), then one
# per compared operation; similar operations pass (their findings fail).
fsuite = [t for t in root.findall("testsuite") if t.get("name") == "findings"]
fcases = [c for t in fsuite for c in t.findall("testcase")]
cases = [c for t in root.findall("testsuite") if t.get("name") != "findings"
         for c in t.findall("testcase")]
failed = [c for c in cases if c.find("failure") is not None]
want_fail = s["changed"] + s["only_a"] + s["only_b"]
ok = (root.tag == "testsuites" and len(cases) == s["compared"]
      and len(fcases) == nfind and all(c.find("failure") is not None for c in fcases)
      and int(root.get("tests")) == s["compared"] + nfind
      and len(failed) == want_fail and int(root.get("failures")) == want_fail + nfind
      and sum(int(t.get("tests")) for t in root.findall("testsuite")) == len(cases) + nfind
      and all(c.get("name") and c.get("classname") for c in cases + fcases))
print(f"{sys.argv[1]}: {len(cases)} testcases, {len(failed)} failures, {nfind} findings; "
      f"json compared {s['compared']}, differing {want_fail}")
sys.exit(0 if ok else 1)
PY
}

# The project's captures: the same job with 12 extra operations in B.
check captures/same_1.pcap captures/change_extra.pcap 1
grep -c '<testcase classname="smbcmp.connection' "$tmp/j.xml" | grep -qx 52 ||
	fail "same_1 vs change_extra: want 52 operation testcases"
grep -c '<failure type="only_b"' "$tmp/j.xml" | grep -qx 12 || fail "same_1 vs change_extra: want 12 failures"
check captures/same_1.pcap captures/same_2.pcap 0
grep -q '<failure' "$tmp/j.xml" && fail "same_1 vs same_2: no failure expected"
check captures/same_1.pcap captures/change_name.pcap 1

# Markup in a file name ("snapshot" -> <&"' ESC ] and a lone surrogate).
python3 - <<'PY' "$tmp/hostile.pcap"
import sys
d = open("captures/same_1.pcap", "rb").read()
old = "snapshot".encode("utf-16le")
new = "<&\x01\"'\x1b]".encode("utf-16le") + b"\x00\xd8"
open(sys.argv[1], "wb").write(d.replace(old, new))
PY
check captures/same_1.pcap "$tmp/hostile.pcap" 1
grep -q 'File: &lt;&amp;' "$tmp/j.xml" || fail "hostile name not escaped as expected"

# --junit - writes the XML to stdout instead of the report.
"$S" --junit - captures/same_1.pcap captures/change_extra.pcap >"$tmp/out.xml" 2>/dev/null
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$tmp/out.xml" ||
	fail "--junit - is not XML"
# Errors: one line, exit 2.
"$S" --junit "$tmp/j.xml" captures/same_1.pcap >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--junit with one capture"
"$S" --junit "$tmp/no/such/dir.xml" captures/same_1.pcap captures/same_2.pcap >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--junit to an unwritable path"
exit $fails
