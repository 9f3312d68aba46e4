#!/usr/bin/env bash
# ui_first_screen.sh [SMBCMP] FILE [FILE2] - time from starting the curses
# UI in tmux to its first complete screen (the title bar and, for one
# trace, a list row; for two, the status line: progress or counts), best of
# $RUNS runs. Also prints the time of the first key answered (j: the next
# row's tree) so a UI that draws early but then stalls shows, and the
# harness's own cost (tmux starting a shell that echoes a line).
#
#   bash bench/ui_first_screen.sh build/smbcmp /tmp/big_a.pcap
#   bash bench/ui_first_screen.sh build/smbcmp /tmp/big_a.pcap /tmp/big_b.pcap
set -euo pipefail
S=${1:?usage: ui_first_screen.sh SMBCMP FILE [FILE2]}
shift
RUNS=${RUNS:-3}
sock=smbcmp-bench-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null' EXIT
export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color

now() { date +%s.%N; }

# wait_for REGEX: polls the screen every 10 ms (at most about 10 minutes).
wait_for() {
	for _ in $(seq 1 60000); do
		T capture-pane -p -t b 2>/dev/null | grep -qE -- "$1" && return 0
		sleep 0.01
	done
	return 1
}

# Two traces: the view opens after alignment, the status line showing the
# comparison's progress ("comparing 41%  changed ...") until it ends.
if [ $# -eq 2 ]; then ready='^(comparing [0-9]+%|changed [0-9]+|[0-9]+ operations: )'; else ready='^ +[0-9]+[ !~] +[0-9]+\.[0-9]{6} '; fi
best1=999999 best2=999999
for ((r = 0; r < RUNS; r++)); do
	T kill-session -t b 2>/dev/null || true
	t0=$(now)
	T new-session -d -s b -x 100 -y 30 "$S $*; sleep 30"
	wait_for "$ready"
	t1=$(now)
	# the row position at the end of the status line (the rest of it may
	# change by itself while a comparison goes on)
	pos() { T capture-pane -p -t b | tail -1 | grep -oE '[0-9]+/[0-9]+ *$' || true; }
	before=$(pos)
	T send-keys -t b j
	for _ in $(seq 1 60000); do
		[ "$(pos)" != "$before" ] && break
		sleep 0.01
	done
	t2=$(now)
	T send-keys -t b q
	a=$(awk "BEGIN{print $t1 - $t0}") b=$(awk "BEGIN{print $t2 - $t1}")
	awk "BEGIN{exit !($a < $best1)}" && best1=$a
	awk "BEGIN{exit !($b < $best2)}" && best2=$b
done
# The harness's own cost: tmux starting a shell that prints one line.
T kill-session -t b 2>/dev/null || true
t0=$(now)
T new-session -d -s b -x 100 -y 30 "echo READY; sleep 30"
wait_for '^READY'
base=$(awk "BEGIN{print $(now) - $t0}")
printf 'tmux harness alone (echo): %.2f s\n' "$base"
printf 'first screen %.2f s, first key answered after %.3f s (best of %d)\n' "$best1" "$best2" "$RUNS"
