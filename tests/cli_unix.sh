#!/usr/bin/env bash
# cli_unix.sh - GNU command-line conventions: --opt=value and --opt value,
# "--" ends options, "-" reads a capture from standard input, one-line
# errors with exit 2, --help short with examples, --version contents,
# SMBCMP_CONFIG.
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
A=captures/same_1.pcap B=captures/change_extra.pcap

# err PATTERN ARGS...: exit 2 and exactly one line on stderr matching PATTERN.
err() {
	local pat=$1; shift
	"$S" "$@" </dev/null >/dev/null 2>"$tmp/err"; local rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/err"; then
		fail "smbcmp $* -> rc=$rc, stderr: $(cat "$tmp/err")"
	fi
}
err "unknown option '--bogus'" --bogus $A
err "unknown option '-x'" -x $A
err "option '--json' takes no value" --json=yes $A
err "is ambiguous" --lis $A
err "needs an argument" $A --mask
err "--stream wants N or N:M" --stream=x $A $B
err "--stream wants N or N:M" --stream x $A $B
err "given twice" - -
err "--junit reports a comparison" --junit "$tmp/j.xml" $A
SMBCMP_CONFIG=$tmp/missing err "SMBCMP_CONFIG=$tmp/missing" $A $B
err "^smbcmp: -: " -       # stdin is /dev/null: not a capture

# --opt=value and --opt value are the same; options may follow files; --.
"$S" --json --mask=smb2.filename $A $B >"$tmp/eq.json"; r1=$?
"$S" --json --mask smb2.filename $A $B >"$tmp/sp.json"; r2=$?
"$S" $A $B --json --mask smb2.filename >"$tmp/after.json"; r3=$?
"$S" --json --mask smb2.filename -- $A $B >"$tmp/dd.json"; r4=$?
[ "$r1$r2$r3$r4" = 1111 ] || fail "exit statuses $r1 $r2 $r3 $r4, want 1 1 1 1"
cmp -s "$tmp/eq.json" "$tmp/sp.json" && cmp -s "$tmp/eq.json" "$tmp/after.json" &&
	cmp -s "$tmp/eq.json" "$tmp/dd.json" || fail "--mask=P, --mask P, trailing options and -- differ"
cp $A "$tmp/-dash.pcap"
(cd "$tmp" && "$S" --index-stats -- -dash.pcap >/dev/null) || fail "-- then a file name starting with a dash"

# "-" reads standard input, as A or as B.
"$S" --json $A >"$tmp/file.jsonl"
"$S" --json - <$A >"$tmp/stdin.jsonl" || fail "--json - failed"
cmp -s "$tmp/file.jsonl" "$tmp/stdin.jsonl" || fail "--json - differs from --json FILE"
"$S" --text $A - <$B >"$tmp/stdin.txt"; rc=$?
[ $rc -eq 1 ] || fail "compare with - as B: exit $rc, want 1"
grep -q '^# 52 operations compared: 40 equal' "$tmp/stdin.txt" || fail "compare with - as B: $(sed -n 4p "$tmp/stdin.txt")"
cat $A | "$S" --text - $A >/dev/null || fail "compare - (pipe) with the same file"

# --help: short, three examples; --version: versions and tshark.
"$S" --help >"$tmp/help" || fail "--help exit status"
[ "$(wc -l <"$tmp/help")" -le 45 ] || fail "--help longer than 45 lines"
[ "$(sed -n '/^examples:/,/^$/p' "$tmp/help" | grep -c '^  smbcmp\|^  .*| smbcmp')" -ge 3 ] ||
	fail "--help: want three examples"
"$S" -h | cmp -s - "$tmp/help" || fail "-h differs from --help"
"$S" --version >"$tmp/version" || fail "--version exit status"
for w in '^smbcmp [0-9]' '^libpcap version' '^ncurses ' '^nettle' '^tshark: '; do
	grep -q "$w" "$tmp/version" || fail "--version lacks $w"
done
PATH=/nonexistent "$S" --version | grep -q '^tshark: not found' || fail "--version without tshark"

# SMBCMP_CONFIG names the config file; the UI's [keys] section is accepted.
printf '[masks]\nmask = smb2.create.action\n[keys]\nquit = q\n' >"$tmp/config"
SMBCMP_CONFIG=$tmp/config "$S" --list-masks >"$tmp/masks" || fail "SMBCMP_CONFIG with [keys]"
grep -q "smb2.create.action.*config" "$tmp/masks" || fail "SMBCMP_CONFIG rule not listed"
exit $fails
