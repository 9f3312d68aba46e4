#!/usr/bin/env bash
# ui_stats.sh - the statistics on S (ui/textview.c): in the browser the
# table of one trace, in the comparison A and B side by side with B/A;
# j/G scroll, q and Esc go back to the view they came from. --annotate
# with the comparison UI writes its files when the UI quits.
#
#   SMBCMP=build/smbcmp bash tests/ui_stats.sh
set -u
cd "$(dirname "$0")/.." || exit 2
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
. tests/ui_lib.sh ui_stats # sets tmp, T, fail, screen, has

wait_for() { # wait_for WHAT REGEX: polls until a line matches and the screen is stable
	local i prev='' cur
	for _ in $(seq 1 400); do
		sleep 0.05
		cur=$(screen 2>/dev/null) || continue
		if grep -qE -- "$2" <<<"$cur" && [ "$cur" = "$prev" ]; then
			return 0
		fi
		prev=$cur
	done
	fail "$1: no line matching '$2'"
	screen
	return 1
}
keys() { T send-keys -t ui "$@"; sleep 0.3; }
start() {
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 200 -y 40 "$*; echo exit=\$?; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
}

# The browser.
start "$S" captures/smb311_ops.pcap
wait_for "browser" "Negotiate Protocol Request" || exit 1
keys S
wait_for "statistics title" "^ smbcmp statistics  captures/smb311_ops.pcap"
has "the trace's counts" "^A: captures/smb311_ops.pcap: 333 frames"
has "SMB2 table" "^SMB2 command +count +bytes +errors +timed +min ms +median ms +p95 ms +max ms"
has "Create row" "^Create +31 "
has "status line" "lines 1-"
keys G
wait_for "scrolled to the end" "^Find +STATUS_NO_MORE_FILES +7"
keys q
wait_for "q: back to the browser" "Negotiate Protocol Request"
screen | grep -q "smbcmp statistics" && fail "q did not close the statistics"
keys S
wait_for "statistics again" "^ smbcmp statistics"
keys Escape
wait_for "Esc: back to the browser" "Negotiate Protocol Request"
keys q
wait_for "browser exits" "exit=0"

# The comparison.
start "$S" captures/smb311_ops.pcap captures/gosmb2.pcap
wait_for "comparison" "B: frame operation|only B" || exit 1
keys S
wait_for "statistics of both" "^ smbcmp statistics  A: captures/smb311_ops.pcap   B: captures/gosmb2.pcap"
has "A and B columns with ratios" "^SMB2 command +A +B +B/A +A +B +B/A"
has "Create row with its ratio" "^Create +31 +21 +0\.68 "
before=$(screen | grep '^Create ')
keys l l l
after=$(screen | grep '^Create ')
[ -n "$after" ] && [ "$after" != "$before" ] ||
	fail "scrolling right: the Create row '$after' (before: '$before')"
keys Escape
wait_for "Esc: back to the comparison" "B: frame operation|only B"
screen | grep -q "smbcmp statistics" && fail "Esc did not close the statistics"
keys q
wait_for "comparison exits" "exit=1"

# --annotate with the comparison UI: the files are written once it quits.
mkdir "$tmp/ann"
start "$S" --annotate "$tmp/ann" captures/reference.pcap captures/marsaud_smb2.pcap
wait_for "comparison with --annotate" "B: frame operation|only B" || exit 1
keys q
wait_for "exits" "exit=1"
[ -s "$tmp/ann/a-reference.pcapng" ] && [ -s "$tmp/ann/b-marsaud_smb2.pcapng" ] ||
	fail "--annotate with the UI: $(ls "$tmp/ann")"

ui_verdict
