#!/usr/bin/env bash
# ui_polish.sh - the UI items of issue 24: titles that keep their status
# parts with long paths, help per view (with a "more" mark and scrolling),
# ) and ( over changed fields, collapse-all with split scrolling, the
# filter prompt holding the filter in use, subcommands by name in tree
# titles, DCE/RPC calls named in the Info column once tshark's grafts are
# in.
#
#   SMBCMP=build/smbcmp bash tests/ui_polish.sh
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
P=../shared/captures/public
. tests/ui_lib.sh ui_polish
# Private caches: the tshark run happens, nothing left in the user's.
export XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config

# wait_stable WHAT REGEX [SECONDS]: polls until a line of the screen matches,
# then until the screen is stable.
# poll_for WHAT REGEX [SECONDS]: wait_stable without waiting for a stable
# screen (while the comparison runs, its progress changes it).
poll_for() {
	local i
	for i in $(seq 1 $((${3:-20} * 20))); do
		screen 2>/dev/null | grep -qE -- "$2" && return 0
		sleep 0.05
	done
	fail "$1: no line matching '$2' after ${3:-20} s"
	screen
	return 1
}

start() { # start W H ARGS...: smbcmp ARGS in a W x H pane
	local w=$1 h=$2
	shift 2
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x "$w" -y "$h" "$*; echo exit=\$?; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
}

quit() { # quit NAME STATUS
	T send-keys -t ui q
	wait_stable "$1: exit" "exit="
	screen | grep -q "exit=$2" || { fail "$1: exit status"; screen | tail -20; }
}

# not_has WHAT REGEX: no line of the screen matches.
not_has() { ! screen | grep -qE -- "$2" || { fail "$1: a line matches '$2'"; screen; }; }

# --- 1. titles: a deep path (through a symlinked directory) at 80 columns
# is shortened from the left; frame count, filter, progress stay whole
deep=$tmp/a-rather-long-directory-name/another-long-directory-name/yet-another-level
mkdir -p "$deep"
ln -s "$PWD/captures" "$deep/caps"
D=$deep/caps
start 80 24 "$S --filter 'smb2.cmd == 5' $D/reference.pcap"
wait_stable "browser opens" "\? help"
has "path from the left, counts and filter whole" \
	"^ smbcmp  …/[a-z/-]*reference\.pcap  [0-9]+/80 frames  \[filter: smb2\.cmd == 5\] +\? help$"
quit title_browse 0
# The auto engine's tshark run (private cache: it runs) stays in the title
# when even the file's name must be cut (at its end: its start tells
# names apart).
if command -v tshark >/dev/null; then
	start 80 24 "$S $P/suricata-smb2-06_20171220_smb_net_user.pcap"
	poll_for "tshark's run whole in the title, the name cut" \
		"^ smbcmp  …/suricata-smb2-06_[0-9a-z_-]+…  150/150 frames  \[tshark running\] +\? help$"
	wait_stable "tshark done" "tshark.*done" 60
	quit title_tshark 0
fi
start 80 24 "SMBCMP_UI_SLICE=1/150 $S $D/reference.pcap $D/change_name.pcap"
poll_for "both names and the progress in the title" \
	"^ smbcmp  A: …/[a-z/]*reference\.pcap   B: …/[a-z/]*change_name\.pcap  \[comparing [0-9]+%\] +\? help$" 30
wait_stable "comparison done" "^40 operations: changed 5" 40
keys_stable F
has "findings title shortened too" "^ smbcmp findings  A: …/.*reference\.pcap   B: …/.*change_name\.pcap +\? help$"
keys_stable q
quit title_compare 1

# --- 2. help per view, at 24 rows: a "more" mark, scrolling; keys that
# only the browser has are not listed when comparing and say why
start 120 24 "$S captures/reference.pcap captures/change_name.pcap"
wait_stable "compare opens" "^40 operations: changed 5" 40
keys_stable '?'
status_has "more mark" "^-- more: [0-9]+ lines below"
keys_stable G
has "last section after G" "^  q Q +quit "
has "the changed-field keys listed" "^  \) +next-change +Next changed field"
status_has "no more mark at the end" "^Rebind in"
not_has "no stream key when comparing" "^  s +stream "
not_has "no request/response key when comparing" "^  % r +match "
not_has "no layout key when comparing" "^  v +layout "
keys_stable g
has "back to the top" "^Moving"
keys_stable q
keys_stable s
status_has "s says why" "^Rows pair operations of two traces: no one connection to follow"
keys_stable %
status_has "% says why" "^Each row already holds a request and its response"
keys_stable v
status_has "v says why" "^One layout when comparing"

# --- 3. ) and ( over the changed fields of the selected operation
keys_stable g ')'
status_has ") on an equal operation" "^No changed field in this operation"
keys_stable : 3 4 Enter
keys_stable ')'
status_has ") from the list: tree A's first changed field" '^Changed field 1/[0-9]+ in A: smb2\.filename == "snapshot\.jpg"'
keys_stable '('
status_has "( before the first" "^No changed field above in A"
keys_stable Tab
status_has "lock-step: B's counterpart" '^smb2\.filename == "holiday\.jpg"'
keys_stable BTab BTab
# --- 6. tree titles name the subcommand (lists do)
keys_stable g / "Find" Enter
has "Find by information class" "^ A: Find [A-Z][A-Z0-9a-z_]+ "
not_has "no raw number" "^ A: Find [0-9]"

# --- 4. collapse-all with the trees scrolling apart: both trees collapse
keys_stable : 3 4 Enter Tab y e c
not_has "tree B drew children of a collapsed node" "│ *[▸▾]? *SMB2 \(Server Message Block"
has "tree B's top rows" "│ *▸ Request, frame 34"
quit collapse 1

# a negotiate with many changed fields: ) with a count, ( back, the end
start 120 36 "$S captures/reference.pcap captures/job_smb3_02.pcap"
wait_stable "compare opens" "^42 operations" 40
keys_stable g ')'
status_has ") from the list: tree A" "^Changed field 1/[0-9]+ in A: "
total=$(screen | tail -1 | sed -nE 's/^Changed field 1\/([0-9]+) .*/\1/p')
keys_stable 3 ')'
status_has "3) skips three" "^Changed field 4/$total in A: "
keys_stable '('
status_has "( goes back" "^Changed field 3/$total in A: "
keys_stable 9 9 9 ')'
status_has "past the last" "^No changed field below in A \(of $total;"
quit negotiate 1

# --- 5. the filter prompt holds the filter in use: typing extends it
start 100 30 "$S captures/reference.pcap"
wait_stable "browser opens" "80/80 frames"
keys_stable f "smb2.cmd == 5" Enter
keys_stable f
status_has "prompt holds the filter" "^filter: smb2\.cmd == 5$"
keys_stable " || smb2.cmd == 6" Enter
has "extended filter" "\[filter: smb2\.cmd == 5 \|\| smb2\.cmd == 6\]"
keys_stable '?'
has "browser help lists stream" "^  s +stream "
not_has "browser help has no compare keys" "next-change"
keys_stable q
quit filter 0

# --- 7. DCE/RPC calls by name once tshark's subtrees are grafted
if command -v tshark >/dev/null; then
	start 120 36 "$S $P/suricata-smb2-06_20171220_smb_net_user.pcap"
	wait_stable "tshark done" "tshark.*done" 60
	keys_stable : 2 1 Enter
	has "the call as tshark names it" "^ +21 .* Connect5 request$"
	has "bind" "^ +17 .* Bind: call_id: 2$"
	has "bind ack" "^ +20 .* Bind_ack: call_id: 2$"
	keys_stable j
	has "its response" "^ +22 .* Connect5 response$"
	quit rpc_info 0
fi

ui_verdict
