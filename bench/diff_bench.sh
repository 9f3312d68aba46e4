#!/bin/sh
# Diff benchmark (not a timed test): two ~100k-operation traces built from
# captures/same_1.pcap by bench/pcapgen.py (B leaves out one repetition in
# 500, so the alignment has gaps to find), then time and peak RSS of
# `smbcmp --text` and `smbcmp --json` on them.
#
#   bench/diff_bench.sh [SMBCMP] [OPS]     defaults: build/smbcmp 100000
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
smbcmp=${1:-$here/build/smbcmp}
ops=${2:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$here/bench/pcapgen.py" --input "$here/captures/same_1.pcap" --ops "$ops" \
	--seed 1 --out "$tmp/a.pcap"
python3 "$here/bench/pcapgen.py" --input "$here/captures/same_1.pcap" --ops "$ops" \
	--seed 2 --drop-every 500 --out "$tmp/b.pcap"
ls -l "$tmp/a.pcap" "$tmp/b.pcap" | awk '{print $5, $9}'

run() {
	mode=$1
	/usr/bin/time -v "$smbcmp" "$mode" "$tmp/a.pcap" "$tmp/b.pcap" >"$tmp/out" 2>"$tmp/time" || true
	wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tmp/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
	printf '%-7s wall %s  peak RSS %s MiB  output %s bytes\n' "$mode" "$wall" \
		"$((rss / 1024))" "$(wc -c <"$tmp/out")"
}
run --text
run --json
head -5 "$tmp/out" | cut -c1-200 || true
"$smbcmp" --text "$tmp/a.pcap" "$tmp/b.pcap" | sed -n 1,6p
