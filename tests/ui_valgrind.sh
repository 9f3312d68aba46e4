#!/usr/bin/env bash
# ui_valgrind.sh - the curses UI once under valgrind (memcheck), on the
# plain build: ASan and curses do not mix well (terminfo and the wide
# character paths are libraries ASan does not see into, and ASan's shadow
# memory hides uninitialised reads, which memcheck reports). Drives the
# browser (incremental index, tree, hex, search, filter, jumps, the
# background tshark run) and the comparison (differences, masks, filter,
# search) in tmux and fails on any memcheck error or definite leak.
#
#   bash tests/ui_valgrind.sh [PLAIN_SMBCMP]   (default build/smbcmp)
set -u
cd "$(dirname "$0")/.."
S=${1:-build/smbcmp}
case $S in /*) ;; *) S=$PWD/$S ;; esac
[ -x "$S" ] || { echo "FAIL: no plain build at $S (tools/test.sh builds build/)"; exit 1; }
command -v valgrind >/dev/null || { echo "FAIL: valgrind not installed (tools/setup.sh)"; exit 1; }
. tests/ui_lib.sh ui_valgrind
# Private caches: the tshark run happens (no graft cache) and nothing is
# left in the user's.
export XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=yes --log-file=$tmp/vg.%p.log"

# wait_for REGEX: up to 60 s (valgrind is slow), then the screen is stable.
wait_for() {
	local prev='' cur
	for _ in $(seq 1 600); do
		sleep 0.1
		cur=$(screen) || continue
		if grep -qE -- "$1" <<<"$cur" && [ "$cur" = "$prev" ]; then
			return 0
		fi
		prev=$cur
	done
	fail "timeout waiting for '$1'"
	screen | tail -5
}
keys() { T send-keys -t ui "$@"; sleep 0.3; wait_for "${WANT:-.}"; }

run() { # run NAME ENV... -- ARGS...: starts smbcmp under valgrind in tmux
	local name=$1 env=()
	shift
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 120 -y 36 "env ${env[*]} $VG $S $*; echo exit=\$?; sleep 60"
	T set-option -t ui remain-on-exit on >/dev/null
	wait_for "help"
}
finish() { # finish NAME [STATUS]: quits, checks the exit status (default 0) and the logs
	T send-keys -t ui q
	wait_for "exit="
	screen | grep -q "exit=${2:-0}" || fail "$1: exit status $(screen | grep -o 'exit=[0-9]*')"
	if grep -q "== [A-Z]" "$tmp"/vg.*.log 2>/dev/null; then
		fail "$1: valgrind reports"
		cat "$tmp"/vg.*.log
	fi
	rm -f "$tmp"/vg.*.log
}

# Browser: one packet per index slice, keys while indexing, then the
# tshark thread (smb311_ops carries DCE/RPC) until it is done.
run browse SMBCMP_UI_SLICE=1 -- captures/smb311_ops.pcap
WANT='frame ' keys j j j Tab e j j j j
WANT='tshark.*done|frame ' keys l h v v v v
wait_for 'tshark: DCE/RPC and Kerberos subtrees: done'
WANT="frame " keys / "Bind_ack" Enter
WANT='frame ' keys n N % G g
WANT='frames match' keys f "smb2.cmd == 5" Enter
WANT='frame ' keys s s : 2 0 Enter
finish browse

# Quitting while tshark runs stops it (graft_stop).
run browse_quit -- captures/smb311_ops.pcap
finish browse_quit

# Comparison.
run compare -- captures/reference.pcap captures/change_name.pcap
WANT='.' keys ']' ']' '[' Tab j j e Tab
WANT='.' keys m m a / "holiday" Enter n
WANT='smbcmp findings' keys F j j k
WANT='.' keys Enter m F
WANT='.' keys Escape m '!' q
WANT='.' keys f "smb2.cmd == 5" Enter f Enter
finish compare 1 # they differ

ui_verdict
