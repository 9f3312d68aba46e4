#!/usr/bin/env bash
# cli_offsets.sh - PDU bytes read back from file offsets (a capture opened
# by path: dissect/capture.c locator, tcp.c piece lists, trace_dissect.c read_at)
# must dissect exactly as bytes copied in memory (the same capture read
# from a pipe, "-"): for every capture of ../shared/captures/public and
# captures/, plus the pcap/pcapng crash reproducers and a cut-short
# capture, `smbcmp --json FILE` and `cat FILE | smbcmp --json -` must give
# the same stdout byte for byte, the same exit status, and the same stderr
# once the file name is replaced by "-" (the JSON itself never names the
# file). --engine=native: the default engine grafts tshark's DCE/RPC and
# Kerberos trees, which tshark can only make from a file, not a pipe.
# Uses $SMBCMP, else build/smbcmp.
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
[ -x "$S" ] || { echo "FAIL: no smbcmp at $S"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
# A capture cut inside its last record: libpcap's truncation warning.
head -c $(( $(stat -c %s captures/reference.pcap) - 100 )) captures/reference.pcap >"$tmp/cut.pcap"
fails=0 n=0
for f in ../shared/captures/public/*.pcap* captures/*.pcap tests/crashes/fuzz_pcap*/* "$tmp/cut.pcap"; do
	[ -f "$f" ] || continue
	"$S" --engine=native --json "$f" >"$tmp/file.json" 2>"$tmp/file.err"; rf=$?
	"$S" --engine=native --json - <"$f" >"$tmp/pipe.json" 2>"$tmp/pipe.err"; rp=$?
	sed "s|$f|-|g" "$tmp/file.err" >"$tmp/file.err-"
	n=$((n + 1))
	if [ "$rf" -ne "$rp" ] || ! cmp -s "$tmp/file.json" "$tmp/pipe.json" ||
	   ! cmp -s "$tmp/file.err-" "$tmp/pipe.err"; then
		echo "FAIL: $f: by path (rc $rf) and from a pipe (rc $rp) differ"
		diff <(cat "$tmp/file.err-" "$tmp/file.json") <(cat "$tmp/pipe.err" "$tmp/pipe.json") |
			cut -c1-300 | head -6
		fails=$((fails + 1))
	fi
done
echo "$n captures, $fails different"
[ "$fails" -eq 0 ]
