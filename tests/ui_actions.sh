#!/usr/bin/env bash
# ui_actions.sh - the comparison by action in the UI (ui/actview.c): an
# SMB1 client against an SMB 3.1.1 one opens on the actions view (what
# --by auto compares by action), Enter goes to the focused side's
# operation and its trees, A comes back, q / Esc go to the operations;
# a same-dialect pair opens on the operations, A shows its actions.
#
#   SMBCMP=build/smbcmp bash tests/ui_actions.sh
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
. tests/ui_lib.sh ui_actions

start() { # start A B [options]: the pair in a 160x40 pane
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 160 -y 40 "$S $*; echo exit=\$?; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
}

# --- NT1 against SMB 3.1.1: opens on the actions
start captures/job_nt1.pcap captures/reference.pcap
wait_stable "actions view opens" "smbcmp actions  A: captures/job_nt1.pcap \(NT LANMAN 1.0\)" || exit 1
has "counts" "23 actions: 15 equal, 2 similar, 5 changed, 1 only in A, 0 only in B, 0 never reached"
has "first divergence selected" "^! #6 +list share \* FileBothDirectoryInformation"
has "difference in words" "class: A FileBothDirectoryInformation, B FileIdBothDirectoryInformation"
has "both sides' operations" "^ *B  STATUS_SUCCESS: Create 20; Find 22; Find 24; Close 26"
status_has "status" "Enter: A's operation \(Tab: B's\)"
# ] goes to the next difference; Tab then Enter: B's operation in the comparison
keys_stable ']'
has "next difference" "^! #7 +query info share FileFsFullSizeInformation"
keys_stable Tab
status_has "side B" "Enter: B's operation"
keys_stable Enter
wait_stable "back in the operations" "Operation #[0-9]+ \(B's side of the action"
has "operation trees" "GetInfo Request|Create Request"
# A: back to the actions, where we were
keys_stable A
wait_stable "actions again" "^! #7 +query info share FileFsFullSizeInformation"
# Esc: the operations
keys_stable Escape
wait_stable "operations" "B: frame operation|operations"
screen | grep -q "smbcmp actions" && fail "Esc did not leave the actions"
T send-keys -t ui q
wait_stable "exit" "exit="
screen | grep -q "exit=1" || fail "exit status of a differing pair"

# --- the camera: one action and the run B goes on with
start captures/camera.pcap captures/reference.pcap
wait_stable "camera actions" "smbcmp actions" || exit 1
has "camera negotiate" "^! #0 +negotiate none of the offered dialects"
has "camera unreached" "^> #1 +B does 21 more actions A never reaches"
T send-keys -t ui q q
wait_stable "exit" "exit="

# --- same dialect: operations first, A shows the actions
start captures/same_1.pcap captures/same_2.pcap
wait_stable "operations view" "B: frame operation|40 equal" || exit 1
screen | grep -q "smbcmp actions" && fail "same dialect opened on the actions"
keys_stable A
wait_stable "actions on request" "smbcmp actions"
has "same client: all equal" "0 changed, 0 only in A, 0 only in B, 0 never reached"
T send-keys -t ui q q
wait_stable "exit" "exit="
screen | grep -q "exit=0" || fail "exit status of the same client twice"
ui_verdict
