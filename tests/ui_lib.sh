# ui_lib.sh - what the tmux-driven UI tests share (sourced, not run):
# the locale and terminal, a private tmux server for the script (T), a
# temporary directory removed on exit ($tmp), failure counting, screen
# reads and the final verdict.
#
#   . tests/ui_lib.sh NAME     (from the repository root)
#   ... fail "what"; screen; has WHAT REGEX; status_has WHAT REGEX; wait_for ...
#   ui_verdict                 (prints "NAME: all passed", exits 1 on failures)
UI_NAME=$1
export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR
sock=smbcmp-$UI_NAME-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
tmp=$(mktemp -d)
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
screen() { T capture-pane -p -t ui; }
# has WHAT REGEX: a line of the screen matches.
has() { screen | grep -qE -- "$2" || { fail "$1: no line matching '$2'"; screen; }; }
# status_has WHAT REGEX: the status (last) line matches.
status_has() { screen | tail -1 | grep -qE -- "$2" || fail "$1: status '$(screen | tail -1)' lacks '$2'"; }
# wait_for WHAT REGEX [SECONDS]: polls until a line of the screen matches
# (10 s by default); else a failure, with the screen.
wait_for() {
	local i
	for i in $(seq 1 $((${3:-10} * 20))); do
		screen 2>/dev/null | grep -qE -- "$2" && return 0
		sleep 0.05
	done
	fail "$1: no line matching '$2' after ${3:-10} s"
	screen
	return 1
}
# wait_stable WHAT REGEX [SECONDS]: polls until a line of the screen matches
# and the screen stays the same between two polls (default 20 s).
wait_stable() {
	local i prev='' cur
	for i in $(seq 1 $((${3:-20} * 20))); do
		sleep 0.05
		cur=$(screen 2>/dev/null) || continue
		if grep -qE -- "$2" <<<"$cur" && [ "$cur" = "$prev" ]; then
			return 0
		fi
		prev=$cur
	done
	fail "$1: no line matching '$2' after ${3:-20} s"
	screen
	return 1
}
# keys_stable KEY...: sends the keys, then waits for a stable screen.
keys_stable() { T send-keys -t ui "$@"; sleep 0.3; wait_stable "keys $*" "."; }
ui_verdict() {
	if [ "$fails" -eq 0 ]; then
		echo "$UI_NAME: all passed"
		exit 0
	fi
	echo "$UI_NAME: $fails failed"
	exit 1
}
