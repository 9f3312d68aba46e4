#!/usr/bin/env bash
# cli_check.sh - `smbcmp --check`: state checks of one trace. The synthetic
# captures of tests/check/mkmisuse.py name each defect at its frame (text
# "[frames A..]" and JSON findings[].frames.a); every clean capture of the
# project has no finding (exit 0); the two whose client was killed keep the
# handle it left open; a comparison of the same client twice stays clean.
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The generator reproduces the committed captures byte for byte.
python3 tests/check/mkmisuse.py "$tmp" || fail "mkmisuse.py failed"
for f in synthetic.pcap synthetic_signed.pcap synthetic_state.pcap synthetic_signed1.pcap; do
	cmp -s "$tmp/$f" "tests/check/$f" || fail "tests/check/$f differs from mkmisuse.py's output"
done

# want FILE LINE: the text report has exactly this finding line (after "N. ").
want() {
	grep -qxF -- "$2" <(sed -n 's/^ *[0-9]*\. //p' "$1") || fail "$1: missing: $2"
}

# check_rc RC ARGS...: smbcmp --check ARGS exits RC; text report in $tmp/out.
check_rc() {
	local rc_want=$1; shift
	"$S" --check "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq "$rc_want" ] || fail "--check $*: exit $rc, want $rc_want: $(head -3 "$tmp/err")"
}

check_rc 1 tests/check/synthetic.pcap
cat "$tmp/out"
grep -qx '# findings: 4 misuse' "$tmp/out" || fail "synthetic: want 4 misuse findings"
want "$tmp/out" 'misuse: Handle on share never closed (left open until tree disconnect) [frames A20,21]'
want "$tmp/out" 'misuse: Close of a FileId no open returned (share: STATUS_FILE_CLOSED) [frames A26,27]'
want "$tmp/out" 'misuse: Find SMB2_FIND_ID_BOTH_DIRECTORY_INFO snapshot.jpg share never answered [frames A80]'
want "$tmp/out" 'misuse: MessageId reused: Tree Disconnect share sent with the id of Close share [frames A82,83,84,85]'

# JSON: check ids and frames.
"$S" --check --json tests/check/synthetic.pcap >"$tmp/j.json" 2>/dev/null
[ $? -eq 1 ] || fail "--check --json: want exit 1"
python3 - "$tmp/j.json" <<'PY' || fail "--check --json findings"
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["check"], tuple(f["frames"]["a"])) for f in d["findings"]}
want = {("fid_leak", (20, 21)), ("fid_unknown", (26, 27)), ("unanswered", (80,)),
        ("msgid_reused", (82, 83, 84, 85))}
assert all(f["kind"] == "misuse" for f in d["findings"]), d["findings"]
assert got == want, got
unk = [f for f in d["findings"] if f["check"] == "fid_unknown"][0]
assert unk["fields"] == [{"name": "smb2.fid", "a": "a3a2a1a0-a5a4-a7a6-a8a9-aaabacadaeaf"}], unk
print("json ok:", sorted(got))
PY

# Handles used after close and closed twice, MessageIds and credits.
check_rc 1 tests/check/synthetic_state.pcap
grep -qx '# findings: 5 misuse' "$tmp/out" || fail "synthetic_state: want 5 misuse findings"
want "$tmp/out" 'misuse: GetInfo of share\snapshot.jpg after its Close (STATUS_FILE_CLOSED) [frames A38,39,42,43]'
want "$tmp/out" 'misuse: Handle on share\snapshot.jpg closed twice (second Close: STATUS_FILE_CLOSED) [frames A44,45,50,51]'
want "$tmp/out" 'misuse: Handle on share\snapshot.jpg never closed (left open until tree disconnect) [frames A46,47]'
want "$tmp/out" 'misuse: MessageIds skipped: 100000 ids unused before Tree Disconnect share [frames A84,85]'
want "$tmp/out" 'misuse: Credits overdrawn: requests beyond the credits the server granted [frames A84,85]'

# tests/check/misuse.pcap (tests/check/mkpcap.py, branch rec: its README
# lists the defects), when present.
if [ -f tests/check/misuse.pcap ]; then
	check_rc 1 tests/check/misuse.pcap
	grep -qx '# findings: 3 misuse' "$tmp/out" || fail "misuse.pcap: want 3 misuse findings"
	want "$tmp/out" 'misuse: GetInfo SMB2_FILE_ALTERNATE_NAME_INFO share\snapshot.jpg never answered [frames A40]'
	want "$tmp/out" 'misuse: Handle on share\snapshot.jpg never closed (left open until tree disconnect) [frames A49,50]'
	want "$tmp/out" 'misuse: Close of a FileId no open returned (share: STATUS_FILE_CLOSED) [frames A53,54]'
fi

# Signing: an unsigned request where the negotiate requires signing; a bad
# signature is seen only with the keys.
check_rc 1 --password smbuser:smbpass123 tests/check/synthetic_signed.pcap
want "$tmp/out" 'misuse: Requests unsigned though the client requires signing (1 of 37 requests after session setup) [frames A20,21]'
want "$tmp/out" 'misuse: Bad signature on a Find request [frames A22,23]'
check_rc 1 tests/check/synthetic_signed.pcap
grep -q 'Bad signature' "$tmp/out" && fail "bad signature reported without keys"
# SMB1: the client's SESSION_SETUP Flags2 asks for signing.
check_rc 1 tests/check/synthetic_signed1.pcap
grep -qx '# findings: 1 misuse' "$tmp/out" || fail "synthetic_signed1: want 1 finding"
want "$tmp/out" 'misuse: Requests unsigned though the client requires signing (1 of 16 requests after session setup) [frames A19,20]'

# Real clients: captures whose client was killed keep its open handle (the
# connection ends with a TCP FIN, no Close); every other capture is clean.
check_rc 1 captures/nt1_notify.pcap
want "$tmp/out" 'misuse: Handle on share\photos never closed (left open until the connection closed) [frames A20,21]'
grep -qx '# findings: 1 misuse' "$tmp/out" || fail "nt1_notify: want 1 finding"
check_rc 1 captures/smb311_ops.pcap
want "$tmp/out" 'misuse: Handle on share\photos never closed (left open until the connection closed) [frames A285,286]'
grep -qx '# findings: 1 misuse' "$tmp/out" || fail "smb311_ops: want 1 finding"
for f in captures/*.pcap; do
	case $f in captures/nt1_notify.pcap | captures/smb311_ops.pcap) continue ;; esac
	check_rc 0 --password smbuser:smbpass123 "$f"
	grep -qx '# findings: none' "$tmp/out" || fail "$f: want no findings: $(grep misuse "$tmp/out")"
done

# The same client twice: still no differences.
"$S" --text captures/same_1.pcap captures/same_2.pcap >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "same_1 vs same_2: exit $rc"
grep -qx '# no differences' "$tmp/out" || fail "same_1 vs same_2: differences"
# A misuse both traces show is no difference between them.
"$S" --text captures/nt1_notify.pcap captures/nt1_notify.pcap >"$tmp/out" 2>&1 ||
	fail "nt1_notify twice: exit $?"
grep -q misuse "$tmp/out" && fail "nt1_notify twice: shared misuse reported"
# A comparison names the misuse of one side.
"$S" --text captures/reference.pcap tests/check/synthetic.pcap >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "reference vs synthetic: want exit 1"
grep -q '^# findings: .*4 misuse' "$tmp/out" || fail "reference vs synthetic: want 4 misuse"

[ "$fails" -eq 0 ] && echo "cli_check: all passed"
[ "$fails" -eq 0 ]
