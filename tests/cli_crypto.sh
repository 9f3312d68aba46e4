#!/usr/bin/env bash
# cli_crypto.sh - SMB3 decryption and signature checks from the command line
# (issue 8): every key source decrypts every encrypted capture, signatures of
# the signed captures verify with only the password, a wrong password gives
# failures (not garbage), malformed keys are one error line and exit 2, and
# no secret is ever printed.
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
PW=(--password smbuser:smbpass123)

keyline() { grep "^$1 " captures/keys.txt; }

# -- decryption: with the key file, -k, and only the password
for f in captures/encrypted_*.pcap captures/impacket_encrypted.pcap; do
	b=$(basename "$f")
	read -r _ sid sk s2c c2s < <(keyline "$b") || { fail "$b: no keys line"; continue; }
	nenc=$("$S" --list "$f" | grep -c 'Encrypted SMB3')
	[ "$nenc" -gt 0 ] || fail "$b: no encrypted frames without keys"
	for how in "--keys-from captures/keys.txt" "-k $sid:$sk:$s2c:$c2s" "${PW[*]}"; do
		# shellcheck disable=SC2086
		"$S" --list $how "$f" >"$tmp/list" || fail "$b ($how): exit status"
		# shellcheck disable=SC2086
		"$S" --text $how "$f" >"$tmp/text"
		ndec=$(grep -c 'Decrypted SMB3' "$tmp/list")
		[ "$ndec" -eq "$nenc" ] || fail "$b ($how): $ndec of $nenc frames decrypted"
		grep -q 'Encrypted SMB3' "$tmp/list" && fail "$b ($how): frames left encrypted"
		grep -q 'decryption failed' "$tmp/text" && fail "$b ($how): decryption failed"
		grep -q 'Create Request' "$tmp/list" || fail "$b ($how): no Create Request"
	done
done

# -- the same keys in the formats users have
f=captures/encrypted_311_aes256gcm.pcap
read -r _ sid sk s2c c2s < <(keyline encrypted_311_aes256gcm.pcap)
printf '"%s","%s","%s","%s"\n' "$sid" "$sk" "$s2c" "$c2s" >"$tmp/uat"
dump() { # Samba dump_data lines: label [0000] XX XX ...
	local label=$1 hex=$2 off=0
	while [ -n "$hex" ]; do
		local chunk=${hex:0:32} bytes
		hex=${hex:32}
		bytes=$(echo "$chunk" | sed 's/../& /g' | tr a-f A-F)
		if [ "$off" = 0 ]; then
			printf '%-14s[%04X] %s  ........\n' "$label" "$off" "$bytes"
		else
			printf '[%04X] %s  ........\n' "$off" "$bytes"
		fi
		off=$((off + 16))
	done
}
{
	echo "[2024/01/01 00:00:00.000000,  0] ../../libcli/smb/smbXcli_base.c:6200(smb2cli_session_set_session_key)"
	echo "  debug encryption: dumping generated session keys"
	dump "Session Id" "$sid"
	dump "Session Key" "$sk"
	echo "Signing Algo: 2"
	dump "ServerIn Key" "$c2s"
	dump "ServerOut Key" "$s2c"
	echo "some other debug line [0000] 00 11"
} >"$tmp/samba.log"
sp() { echo "$1" | sed 's/../& /g; s/ $//'; }
{
	echo "[ 100.000001] CIFS: VFS: generate_smb3signingkey: dumping generated AES session keys"
	echo "[ 100.000002] CIFS: VFS: Session Id    $(sp "$sid")"
	echo "[ 100.000003] CIFS: VFS: Cipher type   4"
	echo "[ 100.000004] CIFS: VFS: Session Key   $(sp "$sk")"
	echo "[ 100.000005] CIFS: VFS: ServerIn Key  $(sp "$c2s")"
	echo "[ 100.000006] CIFS: VFS: ServerOut Key $(sp "$s2c")"
} >"$tmp/dmesg.txt"
echo "$sid:$sk:$s2c:$c2s" >"$tmp/keys.colon"
for k in uat samba.log dmesg.txt keys.colon; do
	n=$("$S" --list --keys-from "$tmp/$k" "$f" | grep -c 'Decrypted SMB3')
	[ "$n" -gt 0 ] || fail "--keys-from $k: nothing decrypted"
	"$S" --text --keys-from "$tmp/$k" "$f" | grep -q 'decryption failed' && fail "--keys-from $k: failures"
done

# -- signatures: only the password, every signed message good
for f in captures/signed_*.pcap captures/smb2_02.pcap captures/reference.pcap; do
	b=$(basename "$f")
	"$S" --text "${PW[@]}" "$f" | grep -o 'Signature status: [a-z ]*' | sort | uniq -c >"$tmp/st"
	grep -q 'good' "$tmp/st" || fail "$b: no good signature"
	grep -q -v 'good' "$tmp/st" && fail "$b: not all good: $(tr '\n' ' ' <"$tmp/st")"
	# JSON carries the generated field
	"$S" --json "${PW[@]}" "$f" | grep -q '"name":"smb2.signature.status","show":"good"' ||
		fail "$b: no smb2.signature.status in --json"
	# without keys: "no key"
	"$S" --text "$f" | grep -q 'Signature status: no key' || fail "$b: no 'no key' without keys"
done

# -- SMB1 MD5 signing with sequence numbers (the "BSRSPYL " placeholders of
# the logon are not signatures)
"$S" --text "${PW[@]}" captures/nt1_signed.pcap | grep -o 'Signature status: [a-z ]*' | sort | uniq -c >"$tmp/st"
grep -q ' 33 Signature status: good' "$tmp/st" || fail "nt1_signed: $(tr '\n' ' ' <"$tmp/st")"
grep -q -v 'good' "$tmp/st" && fail "nt1_signed: not all good"
"$S" --json "${PW[@]}" captures/nt1_signed.pcap | grep -q '"name":"smb.signature.status","show":"good"' ||
	fail "nt1_signed: no smb.signature.status in --json"
"$S" --text --password smbuser:wrongpass captures/nt1_signed.pcap | grep -q 'Signature status: good' &&
	fail "nt1_signed: wrong password gives a good signature"

# -- a wrong password: failures, not garbage
for f in captures/encrypted_311_aes128ccm.pcap captures/encrypted_300.pcap; do
	b=$(basename "$f")
	"$S" --text --password smbuser:wrongpass "$f" >"$tmp/text"
	"$S" --list --password smbuser:wrongpass "$f" >"$tmp/list"
	grep -q 'decryption failed (authentication tag mismatch)' "$tmp/text" || fail "$b: wrong password not reported"
	grep -q 'Decrypted SMB3\|Create Request' "$tmp/list" && fail "$b: wrong password decrypted something"
done
"$S" --text --password smbuser:wrongpass captures/signed_311.pcap | grep -q 'Signature status: bad' ||
	fail "signed_311: wrong password gives no bad signature"
"$S" --text --password smbuser:wrongpass captures/signed_311.pcap | grep -q 'Signature status: good' &&
	fail "signed_311: wrong password gives a good signature"

# -- encrypted traces compare by their plaintext operations: two encrypted
# ones are equal but for the negotiated cipher; against the signed trace of
# the same job only the signing flag and status differ.
"$S" "${PW[@]}" captures/encrypted_311_aes128gcm.pcap captures/encrypted_311_aes256gcm.pcap >"$tmp/diff"
grep -q '40 operations compared: 39 equal, 0 similar, 1 changed' "$tmp/diff" ||
	fail "encrypted vs encrypted: $(grep 'operations compared' "$tmp/diff")"
"$S" "${PW[@]}" --all-fields captures/encrypted_311_aes128gcm.pcap captures/signed_311.pcap >"$tmp/diff"
grep -q 'Decrypted SMB3;Create Request' "$tmp/diff" || fail "diff of encrypted traces shows no plaintext operation"
grep -A30 'Decrypted SMB3;Create Request' "$tmp/diff" | grep -q 'smb2.create.disposition\|smb2.filename' &&
	fail "encrypted vs signed: the plaintext CREATE bodies differ"

# -- malformed keys: one line, exit 2, the secret not echoed
secret=00112233445566778899aabbccddeeff
expect2() { # expect2 PATTERN ARGS...
	local pat=$1; shift
	"$S" "$@" captures/signed_311.pcap >/dev/null 2>"$tmp/err"; local rc=$?
	[ "$rc" -eq 2 ] || fail "smbcmp $*: rc=$rc, want 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "smbcmp $*: stderr not one line"
	grep -q -- "$pat" "$tmp/err" || fail "smbcmp $*: stderr lacks '$pat': $(cat "$tmp/err")"
	grep -qi "$secret\|zzsecretzz" "$tmp/err" && fail "smbcmp $*: secret echoed"
}
expect2 "SESSIONID" -k "1234:$secret"
expect2 "SESSIONKEY" -k "68add72100000000:${secret}zz"
expect2 "expected SESSIONID:SESSIONKEY" -k "68add72100000000:$secret:$secret"
expect2 "S2C and C2S" -k "68add72100000000:$secret:$secret:00"
expect2 "USER:PASSWORD" --password zzsecretzz
echo "68add72100000000 $secret 1234" >"$tmp/bad.keys"
expect2 "bad.keys:1" --keys-from "$tmp/bad.keys"
expect2 "No such file" --keys-from "$tmp/missing"
expect2 "No such file" --password-file "$tmp/missing"

# -- secrets never in the output
echo "smbuser:smbpass123" >"$tmp/pw"
"$S" --json --password-file "$tmp/pw" --keys-from captures/keys.txt captures/signed_311.pcap >"$tmp/out.json"
grep -q 'smbpass123' "$tmp/out.json" && fail "password in --json output"
grep -qi '2bfffe18f08cd0643fc40ce1df1827dd\|2b:ff:fe:18:f0:8c:d0:64' "$tmp/out.json" &&
	fail "session key in --json output"
grep -q '"show":"good"' "$tmp/out.json" || fail "--password-file: no good signature"

# -- decryption failures are said once on stderr, with the reason (issue 24 item 5)
E=captures/encrypted_311_aes256gcm.pcap
note() { # note WHAT PATTERN ARGS...: exit 0 (1 comparing), one stderr line matching PATTERN
	local what=$1 pat=$2; shift 2
	"$S" "$@" >/dev/null 2>"$tmp/err"; local rc=$?
	[ $rc -eq 0 ] || { [ $rc -eq 1 ] && [ $# -eq 3 ]; } || fail "$what: exit status $rc"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$pat" "$tmp/err" ||
		fail "$what: stderr $(cat "$tmp/err")"
}
note "no key source" "$E: 74 of 80 SMB messages are encrypted and no key was given: give --password USER:PASSWORD or --keys-from FILE" --list "$E"
note "no key source, compared" "$E: 74 of 80 SMB messages are encrypted .*--password" --json "$E" captures/smb3_11.pcap
note "wrong password" "$E: 74 of 74 encrypted SMB messages not decrypted: 74 failing the authentication tag (wrong password or key) for session 0x0000000050a90e9b" --password smbuser:wrong --list "$E"
note "key of another session" "74 with no key for session 0x0000000050a90e9b" -k 0100000000000000:00112233445566778899aabbccddeeff --list "$E"
"$S" "${PW[@]}" --list "$E" >/dev/null 2>"$tmp/err"; [ ! -s "$tmp/err" ] || fail "decrypted: stderr $(cat "$tmp/err")"
"$S" --list captures/smb3_11.pcap >/dev/null 2>"$tmp/err"; [ ! -s "$tmp/err" ] || fail "clear: stderr $(cat "$tmp/err")"

[ "$fails" -eq 0 ] && echo "cli_crypto: all passed"
[ "$fails" -eq 0 ]
