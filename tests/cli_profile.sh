#!/usr/bin/env bash
# cli_profile.sh - the session profile (src/findings/profile.c) on the
# project's recordings: selected rows of --json, of a comparison (a, b,
# differs) and of --check (a), asserted by value or by prefix; and the
# --text lines of the profile differences fit 80 columns.
set -u
cd "$(dirname "$0")/.."
SMBCMP=${SMBCMP:-$PWD/build/smbcmp}
C=captures
fails=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# expect JSONFILE SIDE ROW OP VALUE: row ROW's value on side a or b is
# VALUE (OP "="), starts with it ("^"), or contains it ("has"); "-" SIDE
# checks that no row differs. A missing row reads as "".
expect() {
	local out
	out=$(python3 - "$@" <<'EOF'
import json, sys
path, side, row, op, want = sys.argv[1:6]
doc = json.load(open(path))
rows = {r["name"]: r for r in doc.get("profile", [])}
if side == "-":
    diff = [r["name"] for r in doc.get("profile", []) if r.get("differs")]
    print("ok" if not diff else "rows differ: %s" % diff)
    sys.exit()
got = rows.get(row, {}).get(side, "")
ok = {"=": got == want, "^": got.startswith(want), "has": want in got}[op]
print("ok" if ok else "%s %s: got %r, want %s %r" % (side, row, got, op, want))
EOF
)
	[ "$out" = ok ] || { echo "FAIL: $1: $out"; fails=$((fails + 1)); }
}

# cmp NAME A B: the comparison's --json in $tmp/NAME.json (exit 0 or 1).
cmp() {
	"$SMBCMP" --json "$C/$2.pcap" "$C/$3.pcap" >"$tmp/$1.json"
	[ $? -le 1 ] || { echo "FAIL: $1: smbcmp exit status"; fails=$((fails + 1)); }
}
# check NAME PCAP [ARGS]: --check --json of one trace.
check() {
	local name=$1 pcap=$2; shift 2
	"$SMBCMP" --check --json "$@" "$C/$pcap.pcap" >"$tmp/$name.json"
	[ $? -le 1 ] || { echo "FAIL: $name: smbcmp exit status"; fails=$((fails + 1)); }
}

# SMB 3.1.1 against 2.0.2: the dialect rows differ.
cmp ref_202 reference smb2_02
expect "$tmp/ref_202.json" a "dialect chosen" = "SMB 3.1.1"
expect "$tmp/ref_202.json" b "dialect chosen" = "SMB 2.0.2"
expect "$tmp/ref_202.json" a "dialects offered" = "2.0.2, 2.1, 3.0, 3.0.2, 3.1.1"
expect "$tmp/ref_202.json" b "dialects offered" = "2.0.2"
expect "$tmp/ref_202.json" a "cipher chosen" = "AES-128-GCM"
expect "$tmp/ref_202.json" b "max read size" = "65536"
python3 - "$tmp/ref_202.json" <<'EOF' || fails=$((fails + 1))
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))["profile"]}
for n in ("dialect chosen", "dialects offered"):
    if not rows[n]["differs"]:
        sys.exit("FAIL: ref_202: %s does not differ" % n)
for n in ("auth mechanism", "NTLM response", "user"):
    if rows[n]["differs"]:
        sys.exit("FAIL: ref_202: %s differs" % n)
EOF

# An NT1-only client against an SMB2-only server: no dialect in common.
check camera camera
expect "$tmp/camera.json" a "dialect chosen" ^ "none"
expect "$tmp/camera.json" a "dialect chosen" has "0xffff"
expect "$tmp/camera.json" a "dialects offered" has "NT LM 0.12"
cmp camera_ref camera reference
expect "$tmp/camera_ref.json" a "dialect chosen" ^ "none"
expect "$tmp/camera_ref.json" b "dialect chosen" = "SMB 3.1.1"

# NTLM variants (MS-NLMP 3.3) and SMB1 authentication.
check ntlmv1 nt1_ntlmv1
expect "$tmp/ntlmv1.json" a "NTLM response" ^ "NTLMv1"
expect "$tmp/ntlmv1.json" a "auth mechanism" = "SPNEGO+NTLMSSP"
check nt1 nt1
expect "$tmp/nt1.json" a "NTLM response" = "NTLMv2"
expect "$tmp/nt1.json" a "user" = "smbuser"
expect "$tmp/nt1.json" a "domain" = "WORKGROUP"
expect "$tmp/nt1.json" a "MIC" = "yes"
check lm lanman2_lmauth
expect "$tmp/lm.json" a "NTLM response" = "LM"
expect "$tmp/lm.json" a "dialect chosen" = "LANMAN2.1"
expect "$tmp/lm.json" a "auth mechanism" ^ "LM/NTLM challenge-response"
expect "$tmp/lm.json" a "LM response" = "yes"
check nt1_lm nt1_lmauth
expect "$tmp/nt1_lm.json" a "NTLM response" = "NTLMv1"
expect "$tmp/nt1_lm.json" a "server security" = "user, challenge/response, signing enabled"

# Multi-protocol negotiate: SMB1 dialects answered by SMB2.
check impacket impacket
expect "$tmp/impacket.json" a "dialects offered" = "SMB1: NT LM 0.12, SMB 2.002, SMB 2.???; then 2.0.2..3.0"
expect "$tmp/impacket.json" a "dialect chosen" = "SMB 3.0"

# Signing and encryption used.
check signed signed_311
expect "$tmp/signed.json" a "signing used" = "req 37/40; rsp 38/40"
expect "$tmp/signed.json" a "client security" = "signing enabled, required"
check enc encrypted_311_aes128gcm
expect "$tmp/enc.json" a "cipher chosen" = "AES-128-GCM"
expect "$tmp/enc.json" a "encryption used" has "not decrypted"
check enc_keys encrypted_311_aes128gcm --keys-from "$C/keys.txt"
expect "$tmp/enc_keys.json" a "encryption used" = "req 37/40; rsp 37/40"

# Two connections whose logons end differently.
check badpass change_badpass
expect "$tmp/badpass.json" a "connections" = "2, #1 STATUS_LOGON_FAILURE, #2 success"
expect "$tmp/badpass.json" a "session setups" = "2 (1 failed)"

# The same client twice: no profile row differs.
cmp same same_1 same_2
expect "$tmp/same.json" - "" = ""

# --text of smbclient against go-smb2: one line under 80 columns per
# profile difference.
"$SMBCMP" --text "$C/reference.pcap" "$C/gosmb2.pcap" >"$tmp/gosmb2.txt"
awk '/^# findings:/ {on = 1; next} on && /^ *[0-9]+\. / {next} on && /^  / {n++; if (length($0) > 80) {print "FAIL: long line: " $0; bad = 1}}
     on && !/^  / {exit} END {if (n < 5) {print "FAIL: only " n+0 " profile lines"; bad = 1}; exit bad}' \
	"$tmp/gosmb2.txt" || fails=$((fails + 1))

[ "$fails" -eq 0 ] && echo "cli_profile: all passed"
[ "$fails" -eq 0 ]
