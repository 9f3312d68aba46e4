#!/usr/bin/env bash
# cli_html.sh - `--html FILE` writes one self-contained report that a real
# browser (Debian's chromium, headless, driven by playwright-core from
# tests/html/node_modules: tools/setup.sh installs both) opens without a
# console error; tests/html/check.mjs checks the summary against --json,
# expanding, filtering, keys and the ladder, and that names full of markup
# from a capture (tests/html/mkescape.py) render as text and never run.
# Also: no network reference, --html - to stdout, one trace, and an
# unwritable path (exit 2, one line, no partial file).
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?}
C=captures
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if [ ! -x /usr/bin/chromium ] || [ ! -d tests/html/node_modules/playwright-core ]; then
	echo "FAIL: chromium or tests/html/node_modules missing: run tools/setup.sh"
	exit 1
fi

# report NAME ARGS...: --html $tmp/NAME.html ARGS (exit 0 or 1), and --json.
report() {
	local name=$1; shift
	"$S" --html "$tmp/$name.html" "$@" 2>"$tmp/err"
	local rc=$?
	{ [ "$rc" -le 1 ] && [ -s "$tmp/$name.html" ]; } ||
		fail "--html $*: exit $rc, $(cat "$tmp/err")"
	[ -s "$tmp/err" ] && fail "--html $*: stderr: $(cat "$tmp/err")"
	# Self-contained: nothing fetched from anywhere.
	if grep -Eiq '(src|href)="(https?:)?//|@import|url\(' "$tmp/$name.html"; then
		fail "--html $*: refers to something outside the file"
	fi
	if [ $# -eq 2 ]; then
		"$S" --json "$@" >"$tmp/$name.json" 2>/dev/null
	fi
}

browser() {
	node tests/html/check.mjs "$@" || fail "browser check: $*"
}

report job "$C/job_smb3_02.pcap" "$C/reference.pcap"
browser pair "$tmp/job.html" "$tmp/job.json"
report marsaud "$C/marsaud_smb2.pcap" "$C/awo_smb2.pcap"
browser pair "$tmp/marsaud.html" "$tmp/marsaud.json"

python3 tests/html/mkescape.py "$C/reference.pcap" "$tmp/esc.pcap" || fail "mkescape.py"
report esc "$tmp/esc.pcap" "$C/reference.pcap"
browser esc "$tmp/esc.html" "$tmp/esc.json"
# The data inside <script> never closes it or opens a comment: two
# closing tags (the data's and the script's), no "<!--" anywhere.
n=$(grep -o '</script' "$tmp/esc.html" | wc -l)
[ "$n" -eq 2 ] || fail "esc: $n '</script' in the report, want 2"
grep -q '<!--' "$tmp/esc.html" && fail "esc: '<!--' in the report"

report one "$C/reference.pcap"
browser one "$tmp/one.html"

# --html - writes the report to standard output, and nothing else.
"$S" --html - "$C/same_1.pcap" "$C/same_2.pcap" >"$tmp/stdout.html" 2>"$tmp/err"
rc=$?
[ "$rc" -le 1 ] || fail "--html -: exit $rc: $(cat "$tmp/err")"
head -c 15 "$tmp/stdout.html" | grep -q '<!DOCTYPE html>' || fail "--html -: no HTML on stdout"
tail -n 1 "$tmp/stdout.html" | grep -q '</html>' || fail "--html -: stdout does not end with </html>"

# --html with --json: the report in the file, JSON on stdout.
"$S" --json --html "$tmp/both.html" "$C/same_1.pcap" "$C/same_2.pcap" >"$tmp/both.json" 2>/dev/null
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/both.json" ||
	fail "--json --html: stdout is not the JSON report"
grep -q '</html>' "$tmp/both.html" || fail "--json --html: no report"

# Unwritable output: exit 2, one line on stderr, nothing left behind.
unwritable() {
	local out=$1 dir=$2
	local before after
	before=$(ls -A "$dir" 2>/dev/null | wc -l)
	"$S" --html "$out" "$C/same_1.pcap" "$C/same_2.pcap" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	after=$(ls -A "$dir" 2>/dev/null | wc -l)
	[ "$rc" -eq 2 ] || fail "--html $out: exit $rc, want 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--html $out: stderr not one line: $(cat "$tmp/err")"
	grep -q -- "--html" "$tmp/err" || fail "--html $out: stderr does not name --html"
	[ -s "$tmp/out" ] && fail "--html $out: wrote to stdout"
	[ "$before" -eq "$after" ] || fail "--html $out: left a file in $dir: $(ls -A "$dir")"
}
: >"$tmp/out"
unwritable "$tmp/no/such/dir/r.html" "$tmp"
mkdir "$tmp/isdir"
unwritable "$tmp/isdir" "$tmp"
unwritable /proc/version/r.html /proc/version 2>/dev/null
# A run that fails (a capture missing) leaves no report either.
mkdir "$tmp/empty"
"$S" --html "$tmp/empty/r.html" "$C/same_1.pcap" "$tmp/missing.pcap" 2>/dev/null
rc=$?
[ "$rc" -eq 2 ] || fail "--html with a missing capture: exit $rc"
[ -z "$(ls -A "$tmp/empty")" ] || fail "--html failed run left: $(ls -A "$tmp/empty")"

# Refused combinations.
"$S" --html - --json "$C/same_1.pcap" "$C/same_2.pcap" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--html - --json not refused"
"$S" --html "$tmp/c.html" --check "$C/same_1.pcap" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--html --check not refused"

[ "$fails" -eq 0 ] && echo "cli_html: all passed"
[ "$fails" -eq 0 ]
