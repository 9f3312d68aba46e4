#!/bin/sh
# smbcmp-ci.sh - record the SMB traffic of a command and compare it with a
# reference trace kept in the repository; for CI pipelines.
#
# usage: smbcmp-ci.sh [options] REFERENCE.pcap -- COMMAND [ARG...]
#
#   -i IFACE    interface to capture on (default: any)
#   -f FILTER   tcpdump filter (default: tcp port 445 or tcp port 139)
#   -w FILE     keep the new trace in FILE (default: REFERENCE's name with
#               .new.pcap, next to it)
#   -J FILE     also write a JUnit XML report (smbcmp --junit)
#   -O OPTION   pass OPTION to smbcmp (repeatable), e.g. -O --mask=smb2.create.action
#   -u          update: make the new trace the reference (an intended change)
#   -h          this help
#
# Runs tcpdump around COMMAND, then `smbcmp --text NEW REFERENCE` (A = the
# new trace, B = the reference) and prints the report. When REFERENCE does
# not exist yet the new trace becomes the reference (commit it).
#
# Exit status: 0 same as the reference (or reference created/updated),
#              1 differences,
#              2 trouble (usage, tcpdump could not capture, smbcmp error),
#              3 COMMAND itself failed (its trace is still compared).
#
# Capturing needs root or CAP_NET_RAW (e.g. `sudo`, or a CI container run as
# root). Environment: SMBCMP (default: smbcmp), TCPDUMP (default: tcpdump).
set -u

SMBCMP=${SMBCMP:-smbcmp}
TCPDUMP=${TCPDUMP:-tcpdump}
iface=any
filter='tcp port 445 or tcp port 139'
new=
junit=
update=0
opts_file=$(mktemp) || exit 2
tmpdir=$(mktemp -d) || exit 2
tcpdump_pid=
cleanup() {
	[ -n "$tcpdump_pid" ] && kill "$tcpdump_pid" 2>/dev/null
	rm -rf "$tmpdir" "$opts_file"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

die() { echo "smbcmp-ci: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; }

while getopts i:f:w:J:O:uh opt; do
	case $opt in
	i) iface=$OPTARG ;;
	f) filter=$OPTARG ;;
	w) new=$OPTARG ;;
	J) junit=$OPTARG ;;
	O) printf '%s\n' "$OPTARG" >>"$opts_file" ;;
	u) update=1 ;;
	h) usage; exit 0 ;;
	*) echo "usage: smbcmp-ci.sh [options] REFERENCE.pcap -- COMMAND [ARG...] (-h: help)" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || die "no reference trace given (-h: help)"
ref=$1
shift
[ "${1:-}" = "--" ] && shift
[ $# -ge 1 ] || die "no command given: smbcmp-ci.sh REFERENCE.pcap -- COMMAND [ARG...]"
[ -n "$new" ] || new=${ref%.pcap*}.new.pcap
command -v "$SMBCMP" >/dev/null 2>&1 || die "$SMBCMP not found (set SMBCMP=/path/to/smbcmp)"
command -v "$TCPDUMP" >/dev/null 2>&1 || die "$TCPDUMP not found"

# Record. -U writes each packet as it arrives, so stopping loses nothing.
"$TCPDUMP" -i "$iface" -s 0 -U -n -w "$new" "$filter" >"$tmpdir/tcpdump.out" 2>"$tmpdir/tcpdump.err" &
tcpdump_pid=$!
tries=0
until grep -q 'listening on' "$tmpdir/tcpdump.err" 2>/dev/null; do
	if ! kill -0 "$tcpdump_pid" 2>/dev/null; then
		tcpdump_pid=
		die "tcpdump failed: $(tail -n 1 "$tmpdir/tcpdump.err")"
	fi
	tries=$((tries + 1))
	[ $tries -le 100 ] || die "tcpdump did not start within 10 s"
	sleep 0.1
done

"$@"
cmd_rc=$?

sleep 0.5 # let the last packets reach tcpdump
kill -INT "$tcpdump_pid" 2>/dev/null
wait "$tcpdump_pid" 2>/dev/null
tcpdump_pid=
[ -s "$new" ] || die "tcpdump wrote no trace: $(tail -n 1 "$tmpdir/tcpdump.err")"
[ $cmd_rc -eq 0 ] || echo "smbcmp-ci: the command failed with status $cmd_rc" >&2

if [ $update -eq 1 ] || [ ! -e "$ref" ]; then
	what=updated
	[ -e "$ref" ] || what=created
	mv -f "$new" "$ref" || die "cannot write $ref"
	echo "smbcmp-ci: reference $ref $what; commit it"
	[ $cmd_rc -eq 0 ] || exit 3
	exit 0
fi

# Compare: A = the new trace, B = the reference.
set -- # now the smbcmp options
while IFS= read -r o; do set -- "$@" "$o"; done <"$opts_file"
[ -n "$junit" ] && set -- "$@" --junit "$junit"
"$SMBCMP" --text "$@" -- "$new" "$ref"
rc=$?
case $rc in
0) echo "smbcmp-ci: same as $ref" >&2 ;;
1) echo "smbcmp-ci: differs from $ref (new trace kept in $new; accept it with -u)" >&2 ;;
*) echo "smbcmp-ci: smbcmp failed (status $rc)" >&2; exit 2 ;;
esac
[ $cmd_rc -eq 0 ] || exit 3
[ $rc -ne 0 ] || rm -f "$new"
exit $rc
