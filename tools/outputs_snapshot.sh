#!/usr/bin/env bash
# outputs_snapshot.sh BUILDDIR OUTDIR - record everything smbcmp prints for
# the test set, so a refactoring can be checked byte for byte:
#
#   tools/outputs_snapshot.sh build /tmp/before
#   ... change the code, rebuild ...
#   tools/outputs_snapshot.sh build /tmp/after
#   diff -r /tmp/before /tmp/after
#
# Single traces: --json, --text, --list (and --junit, --index-stats, --stats) of every
# captures/*.pcap, test pcap and public capture, with the keys and the password where the
# capture needs them. Pairs: --json, --text, --list, --junit - of the pairs
# tests/diff_captures.py uses, reference.pcap against every other capture,
# and a few with --filter/--mask/--stream. Each run's stdout, stderr and exit
# status go to one file. Then the golden text (tests/golden.sh) and UI
# screen (tests/ui_tmux.sh) tests, whose result is recorded too.
# SMBCMP_SNAPSHOT_UI=0 skips the UI test (it needs tmux and takes a while).
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:?usage: outputs_snapshot.sh BUILDDIR OUTDIR}
O=${2:?usage: outputs_snapshot.sh BUILDDIR OUTDIR}
case $B in /*) S=$B/smbcmp ;; *) S=$PWD/$B/smbcmp ;; esac
[ -x "$S" ] || { echo "no $S" >&2; exit 2; }
mkdir -p "$O"/single "$O"/pair "$O"/misc
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export TZ=UTC LC_ALL=C.UTF-8 XDG_CONFIG_HOME=/nonexistent XDG_CACHE_HOME=$cache
C=captures
KEYS=(--keys-from $C/keys.txt --password smbuser:smbpass123)

# run NAME ARGS...: one run into $O/NAME (stdout, then stderr, then status).
run() {
	local name=$1; shift
	{
		"$S" "$@" 2>"$O/$name.err"
		echo "exit $?"
	} >"$O/$name" 2>&1
	# paths of temporary files vary from run to run
	sed -i "s|$cache|CACHE|g" "$O/$name.err"
	cat "$O/$name.err" >>"$O/$name" && rm -f "$O/$name.err"
}

singles=("$C"/*.pcap tests/andx/*.pcap tests/smb1_levels/*.pcap tests/pairing/*.pcap)
# The public captures tests/golden/LIST names (../shared/captures/public from
# the main checkout); SMBCMP_PUBLIC=DIR elsewhere.
pub=${SMBCMP_PUBLIC:-../shared/captures/public}
[ -d "$pub" ] || pub=/work/shared/captures/public
[ -d "$pub" ] && singles+=("$pub"/*.pcap "$pub"/*.pcapng)
for p in "${singles[@]}"; do
	n=$(basename "$p"); n=${n%.pcap}
	for how in json text list; do
		run "single/$n.$how" --$how "$p"
		run "single/$n.keys.$how" --$how "${KEYS[@]}" "$p"
	done
	run "single/$n.native.json" --json --engine=native "$p"
	run "single/$n.stats" --index-stats "$p"
done

pair() { # pair NAME A B [extra options]
	local name=$1 a=$2 b=$3; shift 3
	for how in json text list; do
		run "pair/$name.$how" --$how "$@" "$a" "$b"
	done
	run "pair/$name.junit" --junit - "$@" "$a" "$b"
	run "pair/$name.textjunit" --text --junit - "$@" "$a" "$b"
}

# tests/diff_captures.py
pair same "$C/same_1.pcap" "$C/same_2.pcap"
pair same.nomasks "$C/same_1.pcap" "$C/same_2.pcap" --no-default-masks
pair change_name "$C/same_1.pcap" "$C/change_name.pcap"
pair change_extra "$C/same_1.pcap" "$C/change_extra.pcap"
pair change_badpass "$C/same_1.pcap" "$C/change_badpass.pcap"
pair camera "$C/camera.pcap" "$C/reference.pcap"
pair dialects "$C/smb2_02.pcap" "$C/smb3_11.pcap"
pair gosmb2 "$C/reference.pcap" "$C/gosmb2.pcap"
pair filter16 "$C/same_1.pcap" "$C/change_extra.pcap" --filter 'smb2.cmd == 16'
pair filter8 "$C/same_1.pcap" "$C/change_extra.pcap" --filter 'smb2.cmd == 8'
pair andx tests/andx/chained.pcap tests/andx/separate.pcap
pair andx.self tests/andx/chained.pcap tests/andx/chained.pcap
# a few more
pair mask "$C/same_1.pcap" "$C/change_name.pcap" --mask 'smb2.filename' --unmask 'smb2.sesid'
pair stream "$C/smb311_ops.pcap" "$C/smb311_ops.pcap" --stream 0:1
pair ops "$C/smb311_ops.pcap" "$C/nt1_ops.pcap"
pair keys "$C/encrypted_311_aes128ccm.pcap" "$C/encrypted_311_aes256gcm.pcap" "${KEYS[@]}"
pair native "$C/smb311_ops.pcap" "$C/reference.pcap" --engine=native
for p in "$C"/*.pcap; do
	n=$(basename "$p" .pcap)
	[ "$n" = reference ] && continue
	pair "ref-$n" "$C/reference.pcap" "$p"
done

run misc/list-fields --list-fields
run misc/list-masks --list-masks
run misc/list-masks.cfg --list-masks --mask 'x.*' --unmask 'smb2.*' --no-default-masks
run misc/verify --verify "$C/reference.pcap"
run misc/tshark.json --json --engine=tshark "$C/smb311_ops.pcap"
run misc/tshark.list --list --engine=tshark "$C/smb311_ops.pcap"
run misc/badfilter --filter 'smb2.cmd ==' "$C/same_1.pcap" "$C/same_2.pcap"

# (the dates of diff -u's file headers vary)
SMBCMP=$S bash tests/golden.sh 2>&1 | sed -E 's/\t[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [+-][0-9]{4}$//' >"$O/misc/golden"
echo "exit ${PIPESTATUS[0]}" >>"$O/misc/golden"
# The UI test waits on the screen with timeouts: on a loaded machine it can
# fail for time; three tries.
if [ "${SMBCMP_SNAPSHOT_UI:-1}" != 0 ]; then
	for try in 1 2 3; do
		SMBCMP=$S bash tests/ui_tmux.sh >"$O/misc/ui_tmux" 2>&1
		rc=$?
		echo "exit $rc" >>"$O/misc/ui_tmux"
		[ $rc -eq 0 ] && break
	done
fi
echo "$(find "$O" -type f | wc -l) files in $O"
