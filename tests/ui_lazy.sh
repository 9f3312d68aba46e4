#!/usr/bin/env bash
# ui_lazy.sh - the comparison view opens after alignment and compares the
# entries between key presses (ui/cmprows.c). SMBCMP_UI_SLICE=1/150 slows
# the background comparison down to one entry every 150 ms, so the 40
# entries of reference.pcap vs change_name.pcap take about 6 s and the
# pending state can be seen: pending rows, progress on the status line,
# trees that wait for their entry, ] comparing forward, a filter whose rows
# come as entries get compared, then the usual counts.
#
#   SMBCMP=build/smbcmp bash tests/ui_lazy.sh
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
. tests/ui_lib.sh ui_lazy

keys() { T send-keys -t ui "$@"; sleep 0.3; }

start() { # start SLICE: the pair in a 120x36 pane, comparison slowed down
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 120 -y 36 \
		"SMBCMP_UI_SLICE=$1 $S captures/reference.pcap captures/change_name.pcap; echo exit=\$?; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
}

start 1/150
if ! wait_for "view opens" "B: frame operation" 20; then
	exit 1
fi
wait_for "progress on the status line" "^comparing [0-9]+%  changed [0-9]+  only A 0  only B 0  equal [0-9]+  masks on"
has "pending rows are marked" "^… +[0-9]+ .*│ +[0-9]+ "
keys G
status_has "last row while comparing" " 40/40$"
has "its trees wait for the comparison" "^\(comparing the operations up to this one\.\.\.\) +│\(comparing"
keys g
status_has "first row" " 1/40$"
has "first row's trees (compared)" "^▾ Request, frame 4: Negotiate Protocol Request"
keys ']'
status_has "] compares forward to the first difference" " 15/40$"
has "the difference's row" "^≠ +34 Create share.snapshot.jpg +│ +34 Create share.holiday.jpg"
has "and its trees" "^▾ Request, frame 34: Create Request"
screen | tail -1 | grep -q "^comparing" || fail "comparison finished too early to test anything"
keys Tab
has "progress in the title while a tree has focus" "^ smbcmp  A: .*\[comparing [0-9]+%\]"
keys BTab
wait_for "the usual counts at the end" "^40 operations: changed 5, similar 18, only A 0, only B 0" 30
has "no pending row left" "^ +4 Negotiate Protocol"
screen | grep -q "^…" && fail "pending rows after the end"
keys G
has "last row's trees" "^▾ Request, frame 84: Tree Disconnect Request"

# a filter while comparing: its rows come as entries get compared, the
# cursor back on the entry it was on, the count of matches at the end
keys g f "smb2.cmd == 5" Enter
has "filter title" "\[filter: smb2.cmd == 5\]"
wait_for "filter count at the end" "^[0-9]+ operations match \(either side\)" 30
screen | sed -n '3,18p' | grep -E "^. +[0-9]+ " | grep -v "Create" && fail "filter let other commands through"
keys q
wait_for "exit status after q" "exit=1"

# q while comparing: the exit status still says the traces differ
start 1/150
wait_for "view opens again" "^comparing [0-9]+%"
keys q
wait_for "exit status after an early q" "exit=1" 20

# unslowed: the first screen is complete, as before
start 0
wait_for "counts without slowing down" "^40 operations: changed 5, similar 18, only A 0, only B 0"
has "cursor on the first difference" "^▾ Request, frame 34: Create Request"
keys q
wait_for "exit status" "exit=1"

ui_verdict
