#!/usr/bin/env bash
# ui_keys.sh - the [keys] section of the config file (ui/keys.c), read by
# libinih as the [masks] section is (src/diff/mask.c): a section name in
# any case, a '#' or ';' comment after a binding, a rebound key that
# works, and a bad binding said with its line number (the default keys stay).
#
#   SMBCMP=build/smbcmp bash tests/ui_keys.sh
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?set SMBCMP to the smbcmp binary}
case $S in /*) ;; *) S=$PWD/$S ;; esac
. tests/ui_lib.sh ui_keys

start() { # start CONFIG: the pair in a 120x36 pane with that config file
	T kill-session -t ui 2>/dev/null
	T new-session -d -s ui -x 120 -y 36 \
		"SMBCMP_CONFIG=$1 $S captures/reference.pcap captures/change_name.pcap; echo exit=\$?; sleep 30"
	T set-option -t ui remain-on-exit on >/dev/null
}

printf '[masks]\nmask = smb2.create.action\n\n[Keys]  ; mixed case\nquit = x   # x quits\nmove-down = J ; and J moves down\n' >"$tmp/good"
start "$tmp/good"
wait_for "view opens" "B: frame operation" 30
T send-keys -t ui g
sleep 0.3
T send-keys -t ui J
sleep 0.3
status_has "J moves down" " 2/40$"
T send-keys -t ui x
wait_for "x quits" "^exit=1" 10

printf '[masks]\nmask = smb2.create.action\n[KEYS]\nquit = x\nmove-down = NoSuchKey\n' >"$tmp/bad"
start "$tmp/bad"
wait_for "a bad binding is said with its line" "/bad:5: bad key binding" 30
T send-keys -t ui q
wait_for "the default keys stay" "^exit=1" 10

ui_verdict
