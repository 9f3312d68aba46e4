#!/usr/bin/env bash
# run.sh [SMBCMP] - the benchmark table of README.md, in one run.
#
# Builds its inputs under $BENCH_DIR (default /tmp/smbcmp-bench): an
# operation-heavy trace by replicating captures/smb311_ops.pcap with fresh
# client ports (bench/mktrace.py), and a second one for diffs; then times,
# best of $RUNS runs, smbcmp against tshark on the same files, and prints a
# Markdown table with the ratios. Peak RSS from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-build/smbcmp}
D=${BENCH_DIR:-/tmp/smbcmp-bench}
RUNS=${RUNS:-3}
COPIES=${COPIES:-1200}
mkdir -p "$D"
export TZ=UTC

[ -f "$D/ops.pcap" ] || python3 bench/mktrace.py captures/smb311_ops.pcap "$D/ops.pcap" "$COPIES"
[ -f "$D/ops_b.pcap" ] || python3 bench/mktrace.py captures/smb311_ops.pcap "$D/ops_b.pcap" "$COPIES"
[ -f "$D/ops_half.pcap" ] || python3 bench/mktrace.py captures/smb311_ops.pcap "$D/ops_half.pcap" $((COPIES / 2))

# best WALL_SECONDS MAX_RSS_KB over RUNS runs of a command
best() {
	local bt=999999 bm=0
	for ((r = 0; r < RUNS; r++)); do
		/usr/bin/time -f "%e %M" -o "$D/time" "$@" >/dev/null 2>&1 || true
		read -r t m <"$D/time"
		if awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
		[ "$m" -gt "$bm" ] && bm=$m
	done
	echo "$bt $bm"
}

corpus() { # corpus CMD...: run CMD FILE for every public capture
	for f in ../shared/captures/public/*.pcap*; do "$@" "$f" >/dev/null 2>&1 || true; done
}
export -f corpus

size=$(du -m "$D/ops.pcap" | cut -f1)
frames=$("$S" --stats "$D/ops.pcap" | awk '/^frames/{print $2}')
echo "| what (${size} MB, ${frames} frames unless noted) | smbcmp s | smbcmp peak RSS MB | reference s | ref. peak RSS MB | ratio |"
echo "|---|---|---|---|---|---|"
row() { # row LABEL "smbcmp cmd" "reference cmd"
	read -r t1 m1 < <(best bash -c "$2")
	read -r t2 m2 < <(best bash -c "$3")
	ratio=$(awk "BEGIN{ if ($t1 > 0) printf \"%.1fx\", $t2 / $t1; else print \"-\" }")
	echo "| $1 | $t1 | $((m1 / 1024)) | $t2 | $((m2 / 1024)) | $ratio |"
}
row "public corpus (30 files), --json vs tshark -T json" "corpus $S --json" "corpus tshark -T json -r"
row "--json vs tshark -T json" "$S --json $D/ops.pcap" "tshark -r $D/ops.pcap -T json"
row "--json vs tshark -T pdml" "$S --json $D/ops.pcap" "tshark -r $D/ops.pcap -T pdml"
row "--list vs tshark (summary lines)" "$S --list $D/ops.pcap" "tshark -r $D/ops.pcap"
row "index pass (--stats) vs cat" "$S --stats $D/ops.pcap" "cat $D/ops.pcap"
row "scaling: --json on half the trace vs the whole" "$S --json $D/ops_half.pcap" "$S --json $D/ops.pcap"
row "diff of two such traces (--json A B) vs --json of one" "$S --json $D/ops.pcap $D/ops_b.pcap" "$S --json $D/ops.pcap"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%d GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%d); tshark $(tshark -v 2>/dev/null | head -1 | awk '{print $3}')"
