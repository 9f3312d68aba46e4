#!/usr/bin/env bash
# ui_tmux.sh - drives the curses UI inside tmux: scripted keys, screen
# dumps compared with golden files (tests/golden/ui/*.txt) where the text
# is stable, grep on key lines elsewhere. The program's exit status is
# checked after 'q' (so ASan/UBSan reports fail the test).
#
#   SMBCMP=build/smbcmp bash tests/ui_tmux.sh
#   UPDATE=1 SMBCMP=build/smbcmp bash tests/ui_tmux.sh   # rewrite goldens
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
G=tests/golden/ui
. tests/ui_lib.sh ui_tmux

# Waits until the screen stops changing (and, when given, shows PATTERN).
settle() {
	local pat=${1:-} prev='' cur i
	for i in $(seq 1 100); do
		sleep 0.05
		cur=$(screen 2>/dev/null) || continue
		if [ "$cur" = "$prev" ] && { [ -z "$pat" ] || grep -q -- "$pat" <<<"$cur"; }; then
			return 0
		fi
		prev=$cur
	done
	[ -z "$pat" ] || fail "timeout waiting for '$pat'"
	return 0
}

start() { # start [W H] FILE...
	local w=100 h=30
	if [ $# -gt 2 ]; then w=$1 h=$2; shift 2; fi
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x "$w" -y "$h" "$S $*; echo \"exit=\$?\"; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
	settle "help"
}

keys() { T send-keys -t ui "$@"; settle; }

quit() { # quit NAME [STATUS]: sends q, checks the exit status (default 0)
	T send-keys -t ui q
	settle "exit="
	screen | grep -q "exit=${2:-0}" || { fail "$1: exit status"; screen | tail -20; }
}

# The screen without the text the dissectors own and keep refining: the
# Info column of list rows and the summary in the tree pane's title. What
# stays is the UI's own: layout, columns, tree shape, bytes, status line.
norm() {
	screen | sed -E -e 's/^( +[0-9]+[ !~] +[0-9]+\.[0-9]{6} +[^ ]+ → [^ ]+ +).*/\1…/' \
		-e 's/^( Frame [0-9]+:).*/\1 …/'
}

golden() { # golden NAME: compares the normalised screen with $G/NAME.txt
	mkdir -p "$G"
	if [ "${UPDATE:-}" = 1 ]; then
		norm >"$G/$1.txt"
	elif ! diff -u "$G/$1.txt" <(norm) >"/tmp/ui-$1.$$.diff"; then
		fail "screen $1 differs from $G/$1.txt"
		cat "/tmp/ui-$1.$$.diff"
	fi
	rm -f "/tmp/ui-$1.$$.diff"
}


# --- open: list, tree of the first frame, bytes
start captures/reference.pcap
golden open
has "title" "^ smbcmp  captures/reference.pcap  80/80 frames"
status_has "first frame" "frame 4  1/80"

# --- navigate: move, switch pane, expand all, move in the tree
keys j j j
status_has "list moves" "frame 9  4/80"
has "tree follows" "^ Frame 9: Session Setup Response"
keys Tab e j j j j j j j
golden expand
status_has "field status line" "^smb2.credit.charge == 1 "
keys c
has "collapse all" "^▸ SMB2 \(Server Message Block Protocol version 2\)"
keys Enter
has "toggle" "^▾ SMB2 \(Server Message Block Protocol version 2\)"

# --- go to frame: ':' prompt, count + g, request/response jump
keys : 3 5 Enter
status_has "goto prompt" "frame 35 "
keys 2 0 g
status_has "count g" "frame 20 "
keys %
status_has "request -> response" "frame 21 "
keys r
status_has "response -> request" "frame 20 "
keys : 5 Enter
status_has "goto non-SMB frame shows next" "Frame 5 is not in the list; showing frame 6"
keys BTab G
status_has "last" "80/80"
keys g
status_has "first" "frame 4  1/80"

# --- search summaries and fields, next / previous
keys / "Tree Connect" Enter
status_has "search summary" "frame 12 "
keys n
status_has "search next" "frame 13 "
keys N
status_has "search prev" "frame 12 "
keys g / "smb2.tid" Enter
status_has "search field name" "^smb2.tid == 0x00000000"
keys / "no such text anywhere" Enter
status_has "not found" "Pattern not found"

# --- help generated from the key table
keys '?'
has "help" "expand-all +Expand all fields"
has "help: sideways scrolling" "^  L S-Right +scroll-right +Scroll right"
keys q
has "help closed" "^ smbcmp  captures/reference.pcap"

# --- layouts and pane sizes
keys v
status_has "layout" "Layout: tree beside bytes"
keys v v v
keys Tab + +
status_has "still alive after resizing panes" "frame"

# --- resize: 80x24 minimum, graceful below it
# (each resize settles on what only the new screen shows: the old one,
# cut or padded by tmux, is steady until the UI has read the resize, so a
# steady screen alone can be the old one. The title ends with "? help" at
# the right edge: cut to 80 columns, the 100-column title does not.)
T resize-window -t ui -x 80 -y 24; settle "^ smbcmp  captures/reference.pcap .*? help$"
golden resize80x24
T resize-window -t ui -x 60 -y 20; settle "smbcmp needs 80x24"
has "too small" "smbcmp needs 80x24"
T resize-window -t ui -x 100 -y 30; settle "^ smbcmp  captures/reference.pcap"
has "back" "^ smbcmp  captures/reference.pcap"

# --- display filter (a clear message, whether or not filters are built in)
keys f
if screen | tail -1 | grep -q "^filter:"; then
	keys "smb2.cmd == 5" Enter
	has "filter applied" "\[filter: smb2.cmd == 5\]"
	screen | sed -n '3,12p' | grep -v "Create" | grep -qE "^ +[0-9]+ " && fail "filter let other commands through"
	keys f C-u "smb2.cmd ===" Enter
	status_has "bad filter" "Bad filter"
	keys f C-u Enter
	has "filter cleared" "80/80 frames"
else
	status_has "filter unavailable" "filter"
fi
quit reference

# --- --filter on the command line: the browser starts with it applied
start "--filter 'smb2.cmd == 5'" captures/reference.pcap
has "--filter applied at start" "\[filter: smb2.cmd == 5\]"
screen | sed -n '3,12p' | grep -v "Create" | grep -qE "^ +[0-9]+ " && fail "--filter let other commands through"
quit filter_flag
start "--filter 'smb2.cmd == 99'" captures/reference.pcap
has "a filter that hides every frame says so" "No frame matches the filter"
quit filter_none

# --- incremental indexing: SMBCMP_UI_SLICE=1 indexes one packet per slice
# between key presses, so the first screen comes before the index is
# complete. Keys sent at once act on the whole trace (G, search finish the
# index first) and the settled screen is the same as with a full index.
incr() { # incr KEYS...: starts reference.pcap one packet per slice, sends KEYS at once
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 100 -y 30 "SMBCMP_UI_SLICE=1 $S captures/reference.pcap; echo \"exit=\$?\"; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
	[ $# -gt 0 ] && T send-keys -t ui "$@"
	settle "help"
}
incr
has "incremental: all rows once indexed" "^ smbcmp  captures/reference.pcap  80/80 frames +\? help"
golden open
quit incremental
incr G
status_has "incremental: G waits for the whole index" "80/80"
quit incremental_last
incr / "Tree Connect" Enter
status_has "incremental: search at once" "frame 12 "
quit incremental_search

# --- frame order after capture loss (tests/gap/gap.pcap): the client's
# PDUs that reassembly completed last are in their place, also when the
# browser indexes one packet per slice
for slice in "" 1; do
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 100 -y 30 "SMBCMP_UI_SLICE=$slice $S tests/gap/gap.pcap; echo \"exit=\$?\"; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
	settle "help"
	keys : 1 2 Enter
	status_has "gap$slice: go to frame 12" "frame 12  7/80"
	keys k
	status_has "gap$slice: frame 11 before 12" "frame 11  6/80"
	keys G
	has "gap$slice: negative time" "^ +85  +-4\.877065 "
	quit "gap$slice"
done

# --- horizontal scrolling at 80 columns: the list with l/Right, the tree
# with L (Left/Right stay collapse/expand there), | back to column 0
start 80 24 captures/reference.pcap
keys : 2 0 Enter Right
has "list scrolled right: the longest Info in full" "^ → 127\.0\.0\.1 +Ioctl Request .*share$"
has "header scrolled with it" "^ → Destination +Info"
keys Left
has "list scrolled back" "^ +20 +0\.043518 "
keys Tab e j j j j j j j j j j j j j j j j j j j j L
golden hscroll_tree
keys L L L
has "tree scrolls to the end of the longest line" "^[. ]+= Replay operation: This is NOT a replay operation$"
keys '|'
has "scroll home" "^ +\.\.\.\. [. 01]+ = Signing: "
quit hscroll

# --- follow one connection
start captures/smb311_ops.pcap
n_all=$(screen | head -1 | grep -oE '[0-9]+/[0-9]+ frames')
keys s
has "stream filter" "\[tcp stream [0-9]+\]"
n_one=$(screen | head -1 | grep -oE '[0-9]+/[0-9]+ frames')
[ "$n_all" != "$n_one" ] || fail "stream filter did not narrow ($n_all)"
keys s
has "stream filter off" "$n_all"
quit smb311_ops

# --- monochrome: NO_COLOR gives attributes, no colour escapes
T kill-session -t ui 2>/dev/null
T new-session -d -s ui -x 100 -y 30 "NO_COLOR=1 $S captures/reference.pcap; echo exit=\$?; sleep 30"
settle "help"
T capture-pane -p -e -t ui | grep -qE $'\e\\[(3[0-7]|4[0-7])m' && fail "NO_COLOR still uses colours"
T capture-pane -p -e -t ui | grep -q $'\e\\[7m' || fail "NO_COLOR: no reverse video"
quit no_color

# --- a malformed frame is marked in the list: reference.pcap with the
# first Negotiate's DialectCount set to 255
python3 - captures/reference.pcap "$tmp/mal.pcap" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'\xfeSMB') + 64
d[i + 2], d[i + 3] = 0xff, 0x00
open(sys.argv[2], 'wb').write(d)
PY
start "$tmp/mal.pcap"
has "malformed mark" "^ +4! "
quit malformed

# --- UTF-8 file names: shown whole in the title, cut on a character
# boundary at 80 columns
u="$tmp/caméra_снимок_$(printf 'ü%.0s' $(seq 1 60)).pcap"
cp captures/reference.pcap "$u"
start "$u"
has "UTF-8 name in the title" "caméra_снимок_üü"
quit utf8_name
start 80 24 "$u"
screen | head -1 | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || fail "UTF-8 title cut inside a character"
has "UTF-8 title at 80 columns" "^ smbcmp  .*caméra_снимок_ü"
quit utf8_name_narrow

# --- two traces side by side (when the diff engine is built in)
T kill-session -t ui 2>/dev/null
T new-session -d -s ui -x 120 -y 36 "$S captures/reference.pcap captures/change_name.pcap; echo exit=\$?; sleep 30"
T set-option -t ui remain-on-exit on >/dev/null
settle "B: frame operation\|built without" # slow to start under ASan
if screen | grep -q "B: frame operation"; then
	# the file's 23 operations differ by its name only, systematically:
	# similar (~), apart from the 5 changed ones (the findings, F)
	has "counts" "^40 operations: changed 5, similar 18, only A 0, only B 0"
	has "similar row" "^~ +34 Create share.snapshot.jpg +│ +34 Create share.holiday.jpg"
	has "equal row" "^ +4 Negotiate Protocol +│ +4 Negotiate Protocol"
	has "tree A" "^▾ Request, frame 34: Create Request"
	keys ']'
	status_has "next difference" " 16/40$"
	keys '['
	status_has "previous difference" " 15/40$"
	status_has "counts on the status line" "^changed 5  similar 18  only A 0  only B 0  equal 17  masks on"
	keys Tab
	status_has "changed field selected in A" '^smb2.filename == "snapshot.jpg"'
	keys Tab
	status_has "same field in B" '^smb2.filename == "holiday.jpg"'
	keys BTab BTab m
	status_has "masks off" "^Masks off"
	keys j k
	status_has "more changes unmasked" "^changed [0-9]+ .*masks off"
	screen | tail -1 | grep -q "^changed 5  similar 18 " && fail "masks off changed nothing"
	keys m
	keys '?'
	has "compare help" "next-diff +Next difference"
	keys q

	# search both sides' rows and fields, n / N, from the list and a tree
	keys g / "Tree Connect" Enter
	status_has "compare search row" " 4/40$"
	keys n
	status_has "compare search next" " 7/40$"
	keys N
	status_has "compare search prev" " 4/40$"
	keys / "holiday" Enter
	status_has "search finds B's side" " 15/40$"
	has "search row" "^~ +34 Create share.snapshot.jpg +│ +34 Create share.holiday.jpg"
	keys Tab / "smb2.tid" Enter
	status_has "search a field in tree A" "^smb2.tid == 0x[0-9a-f]{8} +15/40$"
	keys / "no such text anywhere" Enter
	status_has "compare not found" "Pattern not found"
	keys BTab

	# display filter: rows where either side matches; bad expression
	keys f "smb2.cmd == 8" Enter
	status_has "filter count" "^1 operation matches \(either side\)"
	has "filter title" "\[filter: smb2.cmd == 8\]"
	golden compare_filter
	keys f C-u "smb2.cmd ===" Enter
	status_has "compare bad filter" "^Bad filter: "
	has "bad filter keeps the old one" "\[filter: smb2.cmd == 8\]"
	keys f C-u "smb2.cmd == 99" Enter
	status_has "filter matching nothing" "^No operation matches"
	has "empty list says why" "No operation matches the filter"
	keys f C-u Enter
	status_has "filter cleared" " 1/40$"
	keys 3 j
	status_has "count + j in the list" " 4/40$"
	keys G
	status_has "all rows back" " 40/40$"

	# go to frame on the focused side: ':' prompt and count + g
	keys : 3 0 Enter
	status_has "goto frame of A" " 13/40$"
	keys 4 4 g
	status_has "count g goes to frame 44" " 20/40$"
	keys : 5 Enter
	status_has "goto a frame in no operation" "^Frame 5 of A is in no operation shown; showing frame 6"
	keys Tab Tab :
	status_has "goto prompt names the side" "^go to frame of B:"
	keys 3 4 Enter
	status_has "goto frame of B" " 15/40$"
	keys BTab BTab

	# horizontal scrolling at 80 columns: the trees (H/L, together in
	# lock-step), the list (l/h as in less)
	T resize-window -t ui -x 80 -y 24; settle "^ smbcmp  A: .*? help$" # (see resize above)
	keys Tab L
	golden compare_hscroll
	keys '|'
	has "scroll home" "^ +▸ Access Mask: 0x0012019f, Read, +│"
	keys BTab g l
	has "list scrolled: the longest row's end" "^ +[a-z]+ → STATUS_MORE_PROCESSING_REQUIRED *│"
	keys h
	has "list back" "^ +8 Session Setup → STATUS_MORE_PROC"
	quit compare 1 # the traces differ: diff(1) status 1
else
	fail "compare view: no line 'B: frame operation'"; screen
	T kill-session -t ui 2>/dev/null
fi

# --- not a terminal: the list is printed
"$S" captures/reference.pcap </dev/null | head -1 | grep -q "Negotiate Protocol Request" ||
	fail "no list when not on a terminal"

ui_verdict
