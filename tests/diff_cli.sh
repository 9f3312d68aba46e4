#!/bin/sh
# Command-line behaviour of the two-trace mode: exit codes, flag and filter
# errors (one line on stderr, exit 2), --list-masks, the config file,
# --mask/--unmask, --stream. Usage: tests/diff_cli.sh [build/smbcmp]
here=$(cd "$(dirname "$0")/.." && pwd)
smbcmp=${1:-$here/build/smbcmp}
cap=$here/captures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config TZ=UTC
fails=0

# expect RC DESCRIPTION -- ARGS...: runs smbcmp, checks the exit status.
expect() {
	want=$1 what=$2
	shift 3
	"$smbcmp" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $what: exit $rc, want $want: $(head -c 300 "$tmp/err")"
		fails=$((fails + 1))
		return 1
	fi
	if [ "$want" = 2 ] && [ "$(wc -l <"$tmp/err")" != 1 ]; then
		echo "FAIL $what: stderr is not one line:"; cat "$tmp/err"
		fails=$((fails + 1))
		return 1
	fi
	echo "PASS $what"
}

expect 0 "same traces" -- "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 1 "different traces" -- "$cap/same_1.pcap" "$cap/change_extra.pcap"
expect 1 "--unmask smb2.time shows timing" -- --unmask smb2.time "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 1 "--no-default-masks" -- --no-default-masks "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 0 "--mask after --unmask wins" -- --unmask smb2.time --mask 'smb2.time' "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 2 "unknown flag" -- --bogus "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 2 "missing argument" -- "$cap/same_1.pcap" "$cap/same_2.pcap" --filter
expect 2 "missing file" -- "$cap/same_1.pcap" "$tmp/nope.pcap"
expect 2 "bad filter" -- --filter 'smb2.cmd ==' "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 2 "unknown filter field" -- --filter 'smb2.nosuch == 1' "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 2 "unbalanced filter" -- --filter '(smb2.cmd == 5' "$cap/same_1.pcap" "$cap/same_2.pcap"
deep=$(python3 -c 'print("(" * 100 + "smb2.cmd == 5" + ")" * 100)')
expect 2 "filter nested too deeply" -- --filter "$deep" "$cap/same_1.pcap" "$cap/same_2.pcap"
ok=$(python3 -c 'print("(" * 30 + "smb2.cmd == 5" + ")" * 30)')
expect 0 "nested filter" -- --filter "$ok" "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 1 "filter keeps differences" -- --filter '!(smb2.cmd == 8) && (smb2.cmd == 5 || smb2.cmd == 6 || smb2.cmd == 16)' "$cap/same_1.pcap" "$cap/change_extra.pcap"
expect 0 "filter drops differences" -- --filter 'smb2.cmd == 8' "$cap/same_1.pcap" "$cap/change_extra.pcap"
expect 2 "bad --stream" -- --stream x "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 2 "absent --stream" -- --stream 7 "$cap/same_1.pcap" "$cap/same_2.pcap"
expect 0 "--stream 0:1" -- --stream 0:1 "$cap/same_1.pcap" "$cap/change_badpass.pcap"
expect 1 "--stream 0:0" -- --stream 0:0 "$cap/same_1.pcap" "$cap/change_badpass.pcap"

expect 0 "--list-masks" -- --list-masks
grep -q '^ignore *smb2.signature *default' "$tmp/out" || { echo "FAIL --list-masks lacks smb2.signature"; fails=$((fails + 1)); }
grep -q '^id *smb2.fid *default' "$tmp/out" || { echo "FAIL --list-masks lacks smb2.fid id rule"; fails=$((fails + 1)); }

mkdir -p "$tmp/config/smbcmp"
printf '[masks]\nunmask = smb2.time\nid = smb2.my_id\n' >"$tmp/config/smbcmp/config"
expect 0 "config read" -- --list-masks
grep -q '^compare *smb2.time *config' "$tmp/out" || { echo "FAIL config rule not listed"; fails=$((fails + 1)); }
expect 1 "config unmask applies" -- "$cap/same_1.pcap" "$cap/same_2.pcap"
printf '[masks]\ndefaults = no\n' >"$tmp/config/smbcmp/config"
expect 1 "config defaults = no" -- "$cap/same_1.pcap" "$cap/same_2.pcap"
printf '[masks]\nbogus = 1\n' >"$tmp/config/smbcmp/config"
expect 2 "bad config key" -- "$cap/same_1.pcap" "$cap/same_2.pcap"
rm -f "$tmp/config/smbcmp/config"

"$smbcmp" --json "$cap/same_1.pcap" "$cap/change_extra.pcap" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema_version"] == 2 and d["summary"]["only_b"] > 0
assert {"a", "b"} <= set(d["inputs"]) and d["masks"] and d["connections"]
' && echo "PASS json document" || { echo "FAIL json document"; fails=$((fails + 1)); }

# A hunk whose differences run from one connection into the next is
# labelled with both: smb311_ops.pcap's four connections against the one
# of reference.pcap, their differences running on from connection 0 into
# the others.
expect 1 "hunk over two connections" -- --text "$cap/smb311_ops.pcap" "$cap/reference.pcap"
if grep -q '^@@ operations #[0-9]*-#[0-9]*, connections 0-3 @@$' "$tmp/out" &&
   ! grep -q '^@@ .*, connection 0 @@$' "$tmp/out"; then
	echo "PASS hunk labelled with both connections"
else
	echo "FAIL hunk over two connections: $(grep '^@@' "$tmp/out")"
	fails=$((fails + 1))
fi

[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
