#!/usr/bin/env bash
# ui_first_screen.sh SMBCMP FILE... - seconds from starting the UI on FILE
# (or on two files: the comparison view) in a 120x40 tmux pane until its
# first screen shows rows (the status line and a frame or operation row).
# Polls the pane every 10 ms; prints the time, or "timeout" after 60 s.
set -u
S=$1; shift
case $S in /*) ;; *) S=$PWD/$S ;; esac
sock=smbcmp-bench-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null' EXIT
export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
T new-session -d -s b -x 120 -y 40 "sleep 3600"
T set-option -t b remain-on-exit on >/dev/null
t0=$(date +%s.%N)
T respawn-pane -k -t b "$S $*; sleep 3600"
while :; do
	scr=$(T capture-pane -p -t b 2>/dev/null)
	# A row: a frame or operation number followed by a time or frames.
	if grep -qE '^ *[#]?[0-9]+ .*(→|->)' <<<"$scr" || grep -qE '^[ =!<>+-] *#?[0-9]+ ' <<<"$scr"; then
		break
	fi
	if awk "BEGIN{exit !($(date +%s.%N) - $t0 > 60)}"; then
		echo timeout; exit 1
	fi
	sleep 0.01
done
t1=$(date +%s.%N)
T send-keys -t b q
awk "BEGIN{printf \"%.2f\n\", $t1 - $t0}"
