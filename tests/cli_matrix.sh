#!/usr/bin/env bash
# cli_matrix.sh - every option with one trace and with two, in each output
# (--list, --text, --json, --junit, --html; the UI's --filter is in ui_tmux.sh):
# each combination does what it says or is refused with exit 2 and one
# line on stderr (issue 24 item 4). One row per combination:
#   RC  STDERR  CHECK  ARGS...
# STDERR: a pattern the one stderr line must match, or "-" for none.
# CHECK: "-" or a check of stdout (see check()).
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
A=captures/same_1.pcap B=captures/same_2.pcap J=$tmp/j.xml H=$tmp/h.html
F='smb2.cmd == 5'
fails=0 rows=0

# check NAME: stdout of the last run
check() {
	case $1 in
	-) return 0 ;;
	list20) [ "$(wc -l <"$tmp/out")" -eq 20 ] && [ "$(grep -c 'Create' "$tmp/out")" -eq 20 ] ;;
	json20) [ "$(wc -l <"$tmp/out")" -eq 20 ] && [ "$(grep -c '"name":"smb2.cmd","show":"5"' "$tmp/out")" -eq 20 ] ;;
	text20) [ "$(grep -c '^Frame ' "$tmp/out")" -eq 20 ] && ! grep '^Frame ' "$tmp/out" | grep -vq 'Create' ;;
	listall) [ "$(wc -l <"$tmp/out")" -eq "$(grep -c . <<<"$("$S" --list "$A")")" ] ;;
	empty) [ ! -s "$tmp/out" ] ;;
	report) grep -q '^# 40 operations compared: 40 equal' "$tmp/out" ;;
	report10) grep -q '^# filter: smb2.cmd == 5' "$tmp/out" && grep -q '^# 10 operations compared: 10 equal' "$tmp/out" ;;
	jsonfilter) grep -q '"filter":"smb2.cmd == 5"' "$tmp/out" ;;
	junit) grep -q '<testsuites' "$tmp/out" ;;
	junitfile) [ -s "$J" ] && grep -q 'tests="40"' "$J" ;;
	junit10) grep -q 'tests="10"' "$J" ;;
	stats) grep -q '^smb_frames 80$' "$tmp/out" ;;
	# --html: the report in $H and nothing on stdout; N rows in its table
	html*) [ ! -s "$tmp/out" ] && [ "$(grep -c '<tr class="op ' "$H")" -eq "${1#html}" ] ;;
	cmdstats) grep -q '^Create  *10 ' "$tmp/out" ;;
	cmdstatsjson) grep -q '"command":"Create","sub":null,"a":{"count":10,' "$tmp/out" ;;
	cmdstats2) grep -q '^Create  *10  *10  *1\.00 ' "$tmp/out" ;;
	annotate) [ -s "$tmp/ann/a-same_1.pcapng" ] && [ -s "$tmp/ann/b-same_2.pcapng" ] ;;
	*) echo "bad check $1"; return 1 ;;
	esac
}

row() {
	local want=$1 pat=$2 chk=$3; shift 3
	rows=$((rows + 1))
	rm -f "$J" "$H"
	"$S" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; local rc=$?
	local ok=1
	[ "$rc" -eq "$want" ] || ok=0
	if [ "$pat" = - ]; then
		[ ! -s "$tmp/err" ] || ok=0
	else
		[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$pat" "$tmp/err" || ok=0
	fi
	check "$chk" || ok=0
	if [ $ok = 1 ]; then
		echo "PASS: $*"
	else
		echo "FAIL: smbcmp $* -> exit $rc (want $want, stderr /$pat/, check $chk):"
		head -3 "$tmp/err"; fails=$((fails + 1))
	fi
}

# ---- one trace --------------------------------------------------------------
row 0 - listall --list "$A"
row 0 - listall "$A"                       # not a terminal: the list
row 0 - list20  --list --filter "$F" "$A"
row 0 - list20  --filter "$F" "$A"         # not a terminal: the list, filtered
row 0 - json20  --json --filter "$F" "$A"
row 0 - text20  --text --filter "$F" "$A"
row 0 - list20  --engine=native --list --filter "$F" "$A"
row 0 "matches no frame of $A" empty --list --filter 'smb2.cmd == 99' "$A"
row 0 "matches no frame of $A" empty --json --filter 'smb2.cmd == 99' "$A"
row 0 - empty   --text --allow-empty --filter 'smb2.cmd == 99' "$A"
row 0 - stats   --index-stats "$A"
row 0 - cmdstats --stats "$A"
row 0 - cmdstats --stats --text "$A"
row 0 - cmdstatsjson --stats --json "$A"
row 2 "--index-stats covers the whole capture: --filter" empty --index-stats --filter "$F" "$A"
row 2 "--stats covers the whole capture: --filter" empty --stats --filter "$F" "$A"
row 2 "--stats prints its table as text or --json, not --list" empty --stats --list "$A"
row 2 "--stats counts the whole traces: drop --check" empty --stats --check "$A"
row 2 "--annotate marks a comparison's differences" empty --annotate "$tmp" "$A"
row 2 "--verify covers the whole capture: --filter" empty --verify --filter "$F" "$A"
row 2 "--verify runs both engines" empty --verify --engine=native "$A"
for m in "" --list --json --text; do
	row 2 "--mask applies to a comparison" empty $m --mask 'smb2.time' "$A"
	row 2 "--unmask applies to a comparison" empty $m --unmask 'smb2.time' "$A"
	row 2 "--no-default-masks applies to a comparison" empty $m --no-default-masks "$A"
	row 2 "--stream applies to a comparison" empty $m --stream 0 "$A"
	row 2 "--junit reports a comparison" empty $m --junit "$J" "$A"
done
row 2 "--json and --text cannot be combined" empty --json --text "$A"
row 2 "--list and --index-stats cannot be combined" empty --list --index-stats "$A"
row 2 "--text and --verify cannot be combined" empty --text --verify "$A"
row 0 - listall --list --list "$A"
row 2 "--list-masks prints the mask rules only" empty --list-masks "$A"
row 2 "--filter selects with smbcmp's trees" empty --engine=tshark --filter "$F" --list "$A"
row 2 "--max-memory bounds smbcmp's own index" empty --engine=tshark --max-memory 64 --json "$A"
row 2 "--max-nodes bounds smbcmp's own index" empty --engine=tshark --max-nodes 1000 --text "$A"
row 2 "--index-stats counts smbcmp's own index" empty --engine=tshark --index-stats "$A"
row 2 "--stats counts smbcmp's own operations" empty --engine=tshark --stats "$A"
row 0 - listall --max-memory 64 --max-nodes 100000 --list "$A"
row 0 - html80  --html "$H" "$A"
row 0 - html20  --html "$H" --filter "$F" "$A"
row 2 "--html reports a comparison, or one trace alone: drop --list" empty --html "$H" --list "$A"
row 2 "--html reports a comparison, or one trace alone: drop --check" empty --html "$H" --check "$A"

# ---- two traces -------------------------------------------------------------
row 0 - report  "$A" "$B"
row 0 - report  --text "$A" "$B"
row 0 - jsonfilter --json --filter "$F" "$A" "$B"
row 0 - report10 --filter "$F" --junit "$J" "$A" "$B"
check junit10 || { echo "FAIL: --junit with --filter"; fails=$((fails + 1)); }
row 0 - junitfile --junit "$J" "$A" "$B"
row 0 - junit   --junit - "$A" "$B"
row 0 - report  --mask 'smb2.filename' --unmask 'smb2.nosuch' "$A" "$B"
row 0 - report  --stream 0 "$A" "$B"
row 0 - report  --allow-empty "$A" "$B"
row 0 - report  --engine=native --max-memory 64 --max-nodes 100000 "$A" "$B"
row 2 "--list takes one capture file" empty --list "$A" "$B"
row 2 "--index-stats takes one capture file" empty --index-stats "$A" "$B"
row 0 - cmdstats2 --stats "$A" "$B"
row 2 "--stats counts the whole traces: drop --mask" empty --stats --mask 'smb2.time' "$A" "$B"
row 2 "--stats counts the whole traces: drop --junit" empty --stats --junit "$J" "$A" "$B"
mkdir -p "$tmp/ann"
row 0 - annotate --annotate "$tmp/ann" "$A" "$B"
row 2 "--annotate $tmp/nosuch: No such file or directory" empty --annotate "$tmp/nosuch" "$A" "$B"
row 2 "--verify takes one capture file" empty --verify "$A" "$B"
row 2 "--junit - writes the XML to standard output: --json" empty --junit - --json "$A" "$B"
row 2 "--junit - writes the XML to standard output: --text" empty --junit - --text "$A" "$B"
row 2 "--engine=tshark prints one trace" empty --engine=tshark "$A" "$B"
row 2 "--json and --list cannot be combined" empty --json --list "$A" "$B"
row 2 "--list-masks prints the mask rules only" empty --list-masks "$A" "$B"
row 0 - html40  --html "$H" "$A" "$B"
row 0 - html10  --html "$H" --filter "$F" "$A" "$B"
row 0 - html40  --html "$H" --mask 'smb2.filename' --stream 0 "$A" "$B"
row 2 "--html - writes the report to standard output: --text" empty --html - --text "$A" "$B"
row 2 "--html - writes the report to standard output: --junit -" empty --html - --junit - "$A" "$B"

echo "$rows rows, $fails failed"
exit $fails
