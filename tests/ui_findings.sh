#!/usr/bin/env bash
# ui_findings.sh - the findings in the comparison UI (ui/findview.c): the
# view on F / ! (session profile, first divergence and failure, findings
# in rank order), Enter going to the operation and its field, Esc back;
# similar rows (~) and counts once the findings are known.
#
#   SMBCMP=build/smbcmp bash tests/ui_findings.sh
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
. tests/ui_lib.sh ui_findings

# wait_stable WHAT REGEX [SECONDS]: polls until a line of the screen matches,
# then until the screen is stable.

start() { # start A B: the pair in a 120x36 pane
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 120 -y 36 "$S $1 $2; echo exit=\$?; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
}

quit() { # quit NAME STATUS
	T send-keys -t ui q
	wait_stable "$1: exit" "exit="
	screen | grep -q "exit=$2" || { fail "$1: exit status"; screen | tail -20; }
}

# --- the SMB1-only camera against the SMB 3.1.1 reference, operation by
# operation (across dialects the UI opens on the actions: ui_actions.sh)
start "--by operations captures/camera.pcap" captures/reference.pcap
wait_stable "view opens" "B: frame operation|built without" || exit 1
if screen | grep -q "built without"; then
	echo "SKIP: smbcmp built without src/diff.c"
	exit 0
fi
wait_stable "counts with similar, once the findings are known" \
	"^40 operations: changed 1, similar 0, only A 0, only B 39 \(\] next difference, F findings"
keys_stable F
has "findings title" "^ smbcmp findings  A: captures/camera.pcap   B: captures/reference.pcap"
has "profile table" "^  Session profile +A +B"
has "profile rows (differing ones marked), or none" "^(≠ |    \(no session profile rows\))"
has "first divergence" "^→ first divergence: operation #0 \(changed\)"
screen | grep -m1 -E '^ +[0-9]+\. ' | grep -qE '^ +1\. diagnosis +no common dialect: A offers only SMB1' ||
	{ fail "the first finding is not 'no common dialect'"; screen; }
has "the selected finding in full" "^ Finding 1 of [0-9]+: diagnosis"
has "its fields" "^ offered: A SMB1: .*\| B SMB2: "
keys_stable Escape
has "Esc: back to the comparison" "B: frame operation"
keys_stable '!'
has "! opens the findings too" "^ smbcmp findings"
keys_stable Enter
status_has "Enter goes to the finding's operation" "^Finding 1 \(diagnosis\) 1/1: operation #0$"
has "its row" "^≠ +4 Negotiate Protocol +│ +4 Negotiate Protocol"
keys_stable '?'
has "help lists the findings key" "F !.* findings +Findings: session profile"
keys_stable q
quit camera 1

# --- SMB 3.1.1 against 2.0.2: everything but the negotiate is similar
start captures/reference.pcap captures/smb2_02.pcap
wait_stable "counts" "^42 operations: changed 1, similar 39, only A 0, only B 2"
has "similar rows" "^~ +8 Session Setup → STATUS_MORE_PROCESSING_REQUIRED +│"
has "the changed row apart" "^≠ +4 Negotiate Protocol"
keys_stable j k
status_has "similar counted apart" "^changed 1  similar 39  only A 0  only B 2  equal 0  masks on"
keys_stable F
has "first finding" "^ +1\. systematic +dialect: A SMB 3.1.1"
keys_stable j Enter
status_has "Enter on a finding: its first operation, its field" \
	"^Finding 2 \(systematic\) 1/4: operation #10, field smb2.output_buffer_len$"
has "tree of that operation" "^ A: Find .*share +B: Find"
keys_stable C-l
status_has "the field selected in tree A" "^smb2.output_buffer_len == 8388608 +11/42$"
keys_stable '}'
status_has "} the finding's next operation" "^Finding 2 \(systematic\) 2/4: operation #11, field smb2.output_buffer_len$"
keys_stable '{' '{'
status_has "{ back, then none above" "^No operation of finding 2 above$"
# masks off: the comparison restarts, the findings come again after it
keys_stable m
status_has "masks off" "^Masks off"
keys_stable Tab Tab
wait_stable "counts again" "^changed [0-9]+  similar [0-9]+  only A [0-9]+  only B [0-9]+  equal [0-9]+  masks off"
keys_stable F
has "findings after the restart" "^ smbcmp findings"
keys_stable q m
quit smb2_02 1

# --- a bad password: the first failure, beside the first divergence
start captures/reference.pcap captures/change_badpass.pcap
wait_stable "counts" "^43 operations: changed 0, similar 0, only A 0, only B 3"
keys_stable F
has "first failure" "^→ first failure: operation #2$"
keys_stable k Enter
status_has "Enter on the first failure" "^First failure: operation #2"
quit badpass 1

# --- a on a flags field ignores its bits with it: the Priority flag of
# 3.1.1 was all that made 39 operations similar
start captures/reference.pcap captures/smb2_02.pcap
wait_stable "counts" "^42 operations: changed 1, similar 39, only A 0, only B 2"
keys_stable F
keys_stable Enter
status_has "finding 1: smb2.flags" "^Finding 1 \(systematic\) 1/[0-9]+: operation #[0-9]+, field smb2.flags$"
keys_stable a
status_has "a on a flags field" "^Ignoring smb2.flags and its [0-9]+ bits"
keys_stable Tab Tab
wait_stable "the Priority-only operations are equal now (4 Finds keep another difference)" "^changed 1  similar 4  only A 0  only B 2  equal 35  masks on"
quit flags 1

ui_verdict
