#!/usr/bin/env bash
# cli_tshark_secrets.sh - keys and passwords given to smbcmp reach tshark
# through a private configuration directory (WIRESHARK_CONFIG_DIR), never
# its argument vector (visible in ps): tshark still decrypts, its argv holds
# no secret, the directory is private while tshark runs and gone afterwards,
# also when tshark fails. A wrapper named tshark, first in PATH, records
# what each tshark process got and runs the real one.
# Needs tshark in PATH (skips, passing, without it).
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
export TZ=UTC XDG_CONFIG_HOME=/nonexistent
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache TMPDIR=$tmp/t
mkdir -p "$TMPDIR"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

REAL=$(command -v tshark) || { echo "SKIP: tshark not installed"; exit 0; }
mkdir "$tmp/bin"
cat >"$tmp/bin/tshark" <<EOF
#!/bin/sh
{
	printf 'ARGV'; for a in "\$@"; do printf ' %s' "\$a"; done; echo
	d=\${WIRESHARK_CONFIG_DIR:-}
	echo "DIR=\$d"
	if [ -n "\$d" ] && [ -d "\$d" ]; then
		stat -c 'DIRMODE=%a' "\$d"
		for f in "\$d"/*; do [ -f "\$f" ] && stat -c 'FILE=%n %a' "\$f"; done
		cat "\$d"/* 2>/dev/null | sed 's/^/CONTENT=/'
	fi
} >>"$tmp/log"
[ -n "\${FAKE_FAIL:-}" ] && [ "\$1" != --version ] && { echo "fake tshark failure" >&2; exit 3; }
exec "$REAL" "\$@"
EOF
chmod +x "$tmp/bin/tshark"
export PATH="$tmp/bin:$PATH"

PW=smbpass123
# no secret in any recorded argv; returns the recorded config dirs
check_log() { # check_log WHAT SECRET...
	local what=$1; shift
	[ -s "$tmp/log" ] || { fail "$what: tshark was not run"; return; }
	for s in "$@"; do
		grep '^ARGV' "$tmp/log" | grep -qi -- "$s" && fail "$what: secret '$s' in tshark's argv"
	done
	grep '^ARGV' "$tmp/log" | grep -q -- ' -o uat:\| nt_password' && fail "$what: key preference in argv"
	grep '^ARGV' "$tmp/log" | grep -v -- '--version' | grep -q . || fail "$what: no dissection run"
	local dirs
	dirs=$(sed -n 's/^DIR=//p' "$tmp/log" | sort -u | grep .)
	[ -n "$dirs" ] || { fail "$what: WIRESHARK_CONFIG_DIR not set"; return; }
	for d in $dirs; do
		case $d in "$TMPDIR"/*) ;; *) fail "$what: config dir $d not under \$TMPDIR";; esac
		[ -e "$d" ] && fail "$what: config dir $d left behind"
	done
	grep -q '^DIRMODE=700$' "$tmp/log" || fail "$what: config dir not mode 700"
	grep '^FILE=' "$tmp/log" | grep -vq ' 600$' && fail "$what: a config file is not mode 600"
	: >"$tmp/log"
}
leftovers() { ls -A "$TMPDIR" | grep -q . && fail "$1: $(ls -A "$TMPDIR") left in \$TMPDIR"; }

# 1. --password with --engine=tshark: NTLM-derived keys decrypt the capture.
for f in captures/encrypted_300.pcap captures/encrypted_311_aes128gcm.pcap; do
	: >"$tmp/log"
	n=$("$S" --engine=tshark --list --password "smbuser:$PW" "$f" | grep -c 'Create Request')
	[ "$n" -gt 0 ] || fail "$f --password: nothing decrypted by tshark"
	grep -q "^CONTENT=ntlmssp.nt_password: $PW\$" "$tmp/log" || fail "$f: password not in the preferences file"
	check_log "$f --password" "$PW"
	leftovers "$f --password"
done
# without the password tshark cannot decrypt (the test above means something)
n=$("$S" --engine=tshark --list captures/encrypted_300.pcap | grep -c 'Create Request')
[ "$n" -eq 0 ] || fail "encrypted_300 decrypted without a password"
: >"$tmp/log"

# 2. Session keys (-k, --keys-from) go to the smb2_seskey_list UAT file.
f=captures/encrypted_311_aes256gcm.pcap
read -r _ sid sk s2c c2s < <(grep '^encrypted_311_aes256gcm.pcap ' captures/keys.txt)
for how in "-k $sid:$sk:$s2c:$c2s" "--keys-from captures/keys.txt"; do
	# shellcheck disable=SC2086
	n=$("$S" --engine=tshark --json $how "$f" | grep -c '"Create Request')
	[ "$n" -gt 0 ] || fail "$how: nothing decrypted by tshark"
	grep -q "^CONTENT=$sid,$sk,$s2c,$c2s\$" "$tmp/log" || fail "$how: no smb2_seskey_list line"
	check_log "$how" "$sk" "$s2c" "$c2s"
	leftovers "$how"
done

# 3. --verify and the auto engine's grafts pass keys the same way.
"$S" --verify --password "smbuser:$PW" captures/encrypted_300.pcap >/dev/null
check_log "--verify --password" "$PW"
P=../shared/captures/public; [ -d "$P" ] || P=/work/shared/captures/public
"$S" --json --password "smbuser:$PW" "$P/zeek-smb_raw_ntlm_in_smb.pcap" | grep -q '"dcerpc"' ||
	fail "auto engine with --password: no dcerpc graft"
check_log "auto --password" "$PW"
leftovers "--verify/auto"

# 4. tshark failing: one error line, exit 2, and the directory still goes.
FAKE_FAIL=1 "$S" --engine=tshark --list --password "smbuser:$PW" captures/encrypted_300.pcap \
	>/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "failing tshark: exit $rc, want 2"
grep -q 'fake tshark failure' "$tmp/err" || fail "failing tshark: stderr not reported: $(cat "$tmp/err")"
grep -q "$PW" "$tmp/err" && fail "failing tshark: password in the error message"
check_log "failing tshark" "$PW"
leftovers "failing tshark"

# 5. No keys: no private directory (tshark keeps its own configuration).
"$S" --engine=tshark --list captures/smb311_ops.pcap >/dev/null
grep -q '^DIR=$' "$tmp/log" || fail "no keys: WIRESHARK_CONFIG_DIR set anyway"

[ $fails -eq 0 ] && echo "cli_tshark_secrets: all checks passed"
[ $fails -eq 0 ]
