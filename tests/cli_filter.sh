#!/usr/bin/env bash
# cli_filter.sh - strict --filter (issue 24 item 1): a value that is not of
# the field's type or a field no dissector registers is exit 2 with one line
# naming the token; a filter that matches no operation in either trace is
# exit 2 for a comparison (--allow-empty accepts it); tshark's protocol
# names (dcerpc, samr) are accepted.
set -u
S=${SMBCMP:?}
cap=captures P=../../shared/captures/public
[ -d "$P" ] || P=../shared/captures/public
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
fails=0
# expect CODE PATTERN -- ARGS...: exit status CODE; PATTERN in stderr, which
# is one line for an error (empty pattern: stderr empty).
expect() {
	local code=$1 pat=$2; shift 3
	"$S" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
	local lines; lines=$(wc -l <"$tmp/err")
	if [ "$rc" -ne "$code" ] || { [ -n "$pat" ] && { ! grep -q -- "$pat" "$tmp/err" || [ "$lines" -ne 1 ]; }; } ||
	   { [ -z "$pat" ] && [ "$lines" -ne 0 ]; }; then
		echo "FAIL: smbcmp $* -> rc=$rc (want $code, stderr /$pat/):"; cat "$tmp/err"; fails=$((fails + 1))
	else
		echo "PASS: $* -> $rc"
	fi
}
A=$cap/same_1.pcap B=$cap/same_2.pcap
# Bad values for the field's type name the token.
expect 2 "'5x' is not a value of smb2.cmd" -- --filter 'smb2.cmd == 5x' "$A" "$B"
expect 2 "'5x' is not a value of smb2.cmd" -- --junit "$tmp/j.xml" --filter 'smb2.cmd == 5x' "$A" "$B"
[ ! -s "$tmp/j.xml" ] || { echo "FAIL: --junit written for a bad filter"; fails=$((fails + 1)); }
expect 2 "'yes' is not a value of smb2.flags.response" -- --filter 'smb2.flags.response == yes' "$A" "$B"
expect 2 "'x' is not a value of smb2.msg_id" -- --filter 'smb2.msg_id > x' "$A" "$B"
# Unknown field names, native protocol or not.
expect 2 "unknown field 'smb2.nosuch'" -- --filter 'smb2.nosuch == 1' "$A" "$B"
expect 2 "unknown field 'xyzzy.abc'" -- --filter 'xyzzy.abc == 1' "$A" "$B"
expect 2 "unknown field 'xyzzy'" -- --filter 'smb2.cmd == 5 || xyzzy' "$A" "$B"
expect 2 "unknown field 'dcerpc.opnum'" -- --engine=native --filter 'dcerpc.opnum == 1' "$A" "$B"
expect 2 "unknown field 'smb2.cmd.'" -- --filter 'smb2.cmd.' "$A" "$B"
# Well-typed values: numbers, value names, booleans.
expect 0 "" -- --filter 'smb2.cmd == 5' "$A" "$B"
expect 0 "" -- --filter 'smb2.cmd == Create' "$A" "$B"
expect 0 "" -- --filter 'smb2.cmd == "5"' "$A" "$B"
expect 0 "" -- --filter 'smb2.flags.response == true' "$A" "$B"
expect 0 "" -- --filter 'smb2.filename contains "jpg"' "$A" "$B"
# Create matches exactly what 5 matches.
"$S" --filter 'smb2.cmd == 5' "$A" "$B" >"$tmp/five"
"$S" --filter 'smb2.cmd == create' "$A" "$B" | sed 's/== create/== 5/' >"$tmp/name"
cmp -s "$tmp/five" "$tmp/name" || { echo "FAIL: smb2.cmd == create differs from == 5"; fails=$((fails + 1)); }
# Matching nothing: exit 2 for a comparison, in every output; --allow-empty accepts it.
expect 2 "matches no operation in either trace" -- --filter 'smb2.cmd == 99' "$A" "$B"
expect 2 "matches no operation in either trace" -- --json --filter 'smb2.cmd == 99' "$A" "$B"
expect 2 "matches no operation in either trace" -- --junit "$tmp/j.xml" --filter 'smb2.cmd == 99' "$A" "$B"
expect 2 "matches no operation in either trace" -- --junit - --filter 'smb2.cmd == 99' "$A" "$B"
expect 0 "" -- --allow-empty --filter 'smb2.cmd == 99' "$A" "$B"
grep -q '^# 0 operations compared' "$tmp/out" || { echo "FAIL: --allow-empty report"; fails=$((fails + 1)); }
# tshark's protocols, as the UI offers them: accepted (and they match in
# a trace with DCE/RPC when tshark is there).
if command -v tshark >/dev/null; then
	N=$P/suricata-smb2-06_20171220_smb_net_user.pcap
	expect 2 "matches no operation" -- --filter dcerpc "$A" "$B"
	expect 1 "" -- --filter samr "$N" "$A"
	grep -q '^# [1-9][0-9]* operations compared: 0 equal, 0 similar, 0 changed, [1-9][0-9]* only in A' "$tmp/out" ||
		{ echo "FAIL: --filter samr compared no samr operation"; cat "$tmp/out" | head; fails=$((fails + 1)); }
	expect 0 "" -- --filter 'dcerpc.opnum == 64 || winreg' "$N" "$N"
fi
exit $fails
