#!/usr/bin/env bash
# cli_libs.sh - the libraries loaded on first use (src/util/dlsyms.c), made
# missing through their test hooks (SMBCMP_LIBNETTLE, SMBCMP_LIBNCURSESW,
# SMBCMP_LIBINIH; libpcap's SMBCMP_LIBPCAP is cli_pcapread.sh's): what needs
# the library exits 2 with one line naming it, the rest runs as with it,
# and --version says why it is not loaded.
#   nettle:   SMB3 keys and passwords (decryption, signatures, NTLM); the
#             graft cache (tshark engine) does without it
#   ncursesw: the interactive views
#   libinih:  a configuration file, when there is one
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
unset SMBCMP_CONFIG
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "PASS: $*"; }
C=captures
NONE=/nonexistent

# needs LIB VAR PATTERN -- ARGS: with VAR=$NONE/LIB, smbcmp ARGS exits 2
# with one line on stderr matching PATTERN and naming the missing file.
needs() {
	local lib=$1 var=$2 pat=$3
	shift 4
	env "$var=$NONE/$lib" "$S" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q "^smbcmp: $pat, .*could not be loaded: $NONE/$lib" "$tmp/err"; then
		pass "without $lib, $*: $(cat "$tmp/err")"
	else
		fail "without $lib, $*: exit $rc, not 2 with one line naming it"; head -5 "$tmp/err"
	fi
}

# same VAR LIB -- ARGS: with VAR=$NONE/LIB, smbcmp ARGS exits and prints as
# without the hook, and says nothing more on stderr.
same() {
	local lib=$1 var=$2
	shift 3
	"$S" "$@" >"$tmp/with" 2>"$tmp/with.err" </dev/null
	local rc=$?
	env "$var=$NONE/$lib" "$S" "$@" >"$tmp/without" 2>"$tmp/without.err" </dev/null
	local rc2=$?
	if [ "$rc" = "$rc2" ] && [ "$rc" -lt 2 ] && cmp -s "$tmp/with" "$tmp/without" &&
		cmp -s "$tmp/with.err" "$tmp/without.err"; then
		pass "without $lib, $* as with it (exit $rc)"
	else
		fail "without $lib, $*: exit $rc2 (with it: $rc), or other output"
		diff "$tmp/with.err" "$tmp/without.err" | head -5
	fi
}

# version VAR LIB WORD: --version exits 0 with "WORD: not loaded (...LIB...)".
version() {
	local var=$1 lib=$2 word=$3
	if env "$var=$NONE/$lib" "$S" --version >"$tmp/v" 2>&1 &&
		grep -q "^$word: not loaded ($NONE/$lib" "$tmp/v"; then
		pass "--version without $lib: $(grep "^$word" "$tmp/v")"
	else
		fail "--version without $lib"; cat "$tmp/v"
	fi
}

# -- nettle
needs libnettle.so SMBCMP_LIBNETTLE nettle -- --list --keys-from $C/keys.txt $C/encrypted_311_aes128gcm.pcap
needs libnettle.so SMBCMP_LIBNETTLE nettle -- --text --keys-from $C/signkeys.txt $C/signed_311.pcap
needs libnettle.so SMBCMP_LIBNETTLE nettle -- --text --password smbuser:smbpass123 $C/nt1_signed.pcap
# both traces' threads need it at once: still one line
needs libnettle.so SMBCMP_LIBNETTLE nettle -- --text --keys-from $C/keys.txt \
	$C/encrypted_311_aes128gcm.pcap $C/encrypted_311_aes256gcm.pcap
# ... and with it, the same decrypt (the hook is what made them fail)
if "$S" --list --keys-from $C/keys.txt $C/encrypted_311_aes128gcm.pcap | grep -q 'Decrypted SMB3'; then
	pass "with nettle, --keys-from decrypts"
else
	fail "with nettle, --keys-from decrypts nothing"
fi
same libnettle.so SMBCMP_LIBNETTLE -- --text $C/encrypted_311_aes128gcm.pcap $C/encrypted_311_aes256gcm.pcap
same libnettle.so SMBCMP_LIBNETTLE -- --check $C/signed_311.pcap
same libnettle.so SMBCMP_LIBNETTLE -- --json $C/nt1_signed.pcap
# DCE/RPC payloads: the auto engine grafts tshark's trees (when tshark is
# on PATH), cached under a SHA-256 key; without nettle, no cache
same libnettle.so SMBCMP_LIBNETTLE -- --json $C/smb311_ops.pcap
same libnettle.so SMBCMP_LIBNETTLE -- --text $C/smb311_ops.pcap $C/smb3_11.pcap
version SMBCMP_LIBNETTLE libnettle.so nettle

# -- ncursesw: the UI on a terminal (script(1) gives it one)
same libncursesw.so SMBCMP_LIBNCURSESW -- --text $C/smb311_ops.pcap $C/smb3_11.pcap
same libncursesw.so SMBCMP_LIBNCURSESW -- $C/smb311_ops.pcap $C/smb3_11.pcap # not a terminal: text
version SMBCMP_LIBNCURSESW libncursesw.so ncurses
if command -v script >/dev/null; then
	for args in "$C/smb311_ops.pcap $C/smb3_11.pcap" "$C/smb311_ops.pcap"; do
		SMBCMP_LIBNCURSESW=$NONE/libncursesw.so TERM=xterm timeout 60 \
			script -qec "$S $args" /dev/null </dev/null | tr -d '\r' >"$tmp/tty"
		rc=${PIPESTATUS[0]}
		if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/tty")" = 1 ] &&
			grep -q "^smbcmp: ncursesw, needed by the UI, could not be loaded: $NONE/libncursesw.so" "$tmp/tty"; then
			pass "without ncursesw, the UI of $args: $(cat "$tmp/tty")"
		else
			fail "without ncursesw, the UI of $args: exit $rc"; head -5 "$tmp/tty"
		fi
	done
else
	echo "note: no script(1), the UI without ncursesw not tried"
fi

# -- libinih: only when a config file exists
same libinih.so SMBCMP_LIBINIH -- --text $C/smb311_ops.pcap $C/smb3_11.pcap
same libinih.so SMBCMP_LIBINIH -- --list-masks
mkdir -p "$tmp/config/smbcmp"
printf '[masks]\nmask = smb2.credits.*\n' >"$tmp/config/smbcmp/config"
if "$S" --list-masks | grep -q 'smb2.credits'; then
	pass "the config file reads with libinih"
else
	fail "the config file does not read (with libinih)"; "$S" --list-masks | head -5
fi
needs libinih.so SMBCMP_LIBINIH libinih -- --text $C/smb311_ops.pcap $C/smb3_11.pcap
needs libinih.so SMBCMP_LIBINIH libinih -- --list-masks
SMBCMP_CONFIG=$tmp/config/smbcmp/config XDG_CONFIG_HOME=$tmp/none \
	needs libinih.so SMBCMP_LIBINIH libinih -- --list $C/compound.pcap
exit $fails
