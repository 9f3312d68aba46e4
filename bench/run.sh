#!/usr/bin/env bash
# run.sh [SMBCMP] - the benchmark of issue 9, in one run; prints the
# Markdown table of bench/RESULTS.md (targets and whether each is met).
#
#   bench/run.sh                     build/smbcmp, inputs in /tmp/smbcmp-bench
#   RUNS=3 REF_RUNS=1 BIG=1 bench/run.sh
#
# Inputs, built on first use under $BENCH_DIR and kept for later runs:
#   ops.pcap, ops_b.pcap  operation-heavy: captures/smb311_ops.pcap replicated
#                         $COPIES times with fresh client ports (bench/mktrace.py;
#                         1300 copies = ~100 MB, 210k SMB2 operations); ops_b for
#                         diffs; ops_half.pcap: half as many copies (scaling).
#   bulk_a.pcap, bulk_b.pcap
#                         data-heavy: smbclient copying $BULK_MB MiB (512) to
#                         and from smbd on loopback, recorded by
#                         bench/record_bulk.sh (root; ~1.1 GB each). Skipped
#                         when they cannot be recorded.
#   ops1g_a/b.pcap        (BIG=1) operation-heavy at 1 GiB each, for the diff
#                         and UI rows at that size (one run each).
# Times are wall seconds, best of $RUNS runs for smbcmp and cat, of $REF_RUNS
# for tshark (minutes per run on these sizes); peak RSS from /usr/bin/time.
# Nothing here is part of the test suite; nothing it makes is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-build/smbcmp}
D=${BENCH_DIR:-/tmp/smbcmp-bench}
RUNS=${RUNS:-3}
REF_RUNS=${REF_RUNS:-1}
COPIES=${COPIES:-1300}
BULK_MB=${BULK_MB:-512}
BIG=${BIG:-0}
mkdir -p "$D"
export TZ=UTC

mk() { [ -f "$D/$1" ] || python3 bench/mktrace.py captures/smb311_ops.pcap "$D/$1" "${@:2}"; }
mk ops.pcap "$COPIES"
mk ops_b.pcap "$COPIES"
mk ops_half.pcap $((COPIES / 2))
if [ "$BIG" = 1 ]; then
	mk ops1g_a.pcap 1000000 --bytes 1073741824
	mk ops1g_b.pcap 1000000 --bytes 1073741824
fi
if [ ! -f "$D/bulk_b.pcap" ]; then
	bash bench/record_bulk.sh "$D" "$BULK_MB" >&2 || echo "run.sh: no data-heavy traces (needs root, samba, smbclient, tcpdump)" >&2
fi
have_bulk() { [ -f "$D/bulk_a.pcap" ] && [ -f "$D/bulk_b.pcap" ]; }

# best N CMD: "WALL_SECONDS MAX_RSS_KB", best wall time of N runs
best() {
	local n=$1 bt=999999 bm=0 r t m
	shift
	for ((r = 0; r < n; r++)); do
		/usr/bin/time -f "%e %M" -o "$D/time" bash -c "$1" >/dev/null 2>&1 || true
		# the last line: time prefixes "Command exited with non-zero
		# status" (diffs exit 1 when the traces differ)
		read -r t m < <(tail -n 1 "$D/time")
		if awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
		[ "$m" -gt "$bm" ] && bm=$m
	done
	echo "$bt $bm"
}
corpus() { # corpus CMD: CMD FILE for every public capture, one process each
	echo "for f in ../shared/captures/public/*.pcap*; do $1 \"\$f\" >/dev/null 2>&1 || true; done"
}
mb() { echo $(($1 / 1024)); }
size() { echo "$(($(stat -L -c %s "$1") / 1048576)) MB"; }
frames() { "$S" --index-stats "$1" | awk '/^frames/{print $2}'; }
pdus() { "$S" --index-stats "$1" | awk '/^pdus/{printf "%dk", $2 / 1000}'; }

echo "| what | input | smbcmp s | smbcmp RSS MB | reference | ref. s | ref. RSS MB | ratio | target | met |"
echo "|---|---|---|---|---|---|---|---|---|---|"

# row LABEL INPUT "smbcmp cmd" "ref name" "ref cmd" TARGET_KIND TARGET
#   TARGET_KIND: faster (ratio ref/smbcmp >= TARGET), within (smbcmp/ref <=
#   TARGET), info (no target)
row() {
	local t1 m1 t2 m2 ratio met
	read -r t1 m1 < <(best "$RUNS" "$3")
	if [ "$4" = cat ]; then read -r t2 m2 < <(best "$RUNS" "$5"); else read -r t2 m2 < <(best "$REF_RUNS" "$5"); fi
	case $6 in
	faster)
		ratio=$(awk "BEGIN{ printf \"%.1f× faster\", ($t1 > 0 ? $t2 / $t1 : 0) }")
		met=$(awk "BEGIN{ print ($t1 > 0 && $t2 / $t1 >= $7) ? \"yes\" : \"no\" }")
		target="≥ $7× faster" ;;
	within)
		ratio=$(awk "BEGIN{ printf \"%.1f× the time\", ($t2 > 0 ? $t1 / $t2 : 0) }")
		met=$(awk "BEGIN{ print ($t2 > 0 && $t1 / $t2 <= $7) ? \"yes\" : \"no\" }")
		target="≤ $7× the time" ;;
	*)
		ratio=$(awk "BEGIN{ printf \"%.2f\", ($t2 > 0 ? $t1 / $t2 : 0) }")
		met="-"; target=${7:--} ;;
	esac
	echo "| $1 | $2 | $t1 | $(mb "$m1") | $4 | $t2 | $(mb "$m2") | $ratio | $target | $met |"
}
# abs LABEL INPUT "cmd" MAX_S MAX_RSS_MB: an absolute target
abs() {
	local t m
	read -r t m < <(best "$RUNS" "$3")
	local met
	met=$(awk "BEGIN{ print ($t < $4 && $m / 1024 < $5) ? \"yes\" : \"no\" }")
	echo "| $1 | $2 | $t | $(mb "$m") | - | - | - | - | < $4 s, < $5 MB | $met |"
}
# ui LABEL INPUT FILE...: first screen of the UI in tmux
ui() {
	local label=$1 input=$2 t bt=999 r
	shift 2
	if ! command -v tmux >/dev/null || [ ! -d ui ]; then
		return
	fi
	for ((r = 0; r < RUNS; r++)); do
		t=$(RUNS=1 bash bench/ui_first_screen.sh "$S" "$@" 2>/dev/null |
			awk '/^first screen/ {print $3}')
		t=${t:-999}
		if awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
	done
	echo "| $label | $input | $bt | - | - | - | - | - | < 1 s | $(awk "BEGIN{print ($bt < 1) ? \"yes\" : \"no\"}") |"
}

O=$D/ops.pcap H=$D/ops_half.pcap
oin="ops, $(size "$O"), $(frames "$O") frames, $(pdus "$O") SMB2 messages"
hin="ops, $(size "$H"), $(frames "$H") frames"
row "public corpus, one process per file: --json" "30 files, 5 MB" "$(corpus "$S --json")" "tshark -T json" "$(corpus "tshark -T json -r")" faster 50
row "--json" "$oin" "$S --json $O" "tshark -T json" "tshark -r $O -T json" faster 20
row "--json" "$oin" "$S --json $O" "tshark -T pdml" "tshark -r $O -T pdml" faster 20
row "--list (summary lines)" "$oin" "$S --list $O" "tshark" "tshark -r $O" faster 20
row "index pass (--index-stats)" "$oin" "$S --index-stats $O" cat "cat $O" within 3
row "scaling: --json, half vs whole" "$hin" "$S --json $H" "whole" "$S --json $O" info "time ~0.5, RSS sub-linear"
row "scaling: --index-stats, half vs whole" "$hin" "$S --index-stats $H" "whole" "$S --index-stats $O" info "time ~0.5, RSS sub-linear"
abs "diff --json A B" "two ops traces as above" "$S --json $O $D/ops_b.pcap" 30 1024
if have_bulk; then
	A=$D/bulk_a.pcap B=$D/bulk_b.pcap
	bin="data, $(size "$A"), $(frames "$A") frames"
	row "--json" "$bin" "$S --json $A" "tshark -T json" "tshark -r $A -T json" faster 20
	row "--list (summary lines)" "$bin" "$S --list $A" "tshark" "tshark -r $A" faster 20
	row "index pass (--index-stats)" "$bin" "$S --index-stats $A" cat "cat $A" within 3
	abs "diff --json A B (two 1 GB traces)" "data, 2 × $(size "$A")" "$S --json $A $B" 30 1024
	ui "UI first screen" "data, $(size "$A")" "$A"
fi
if [ "$BIG" = 1 ]; then
	RUNS=1 # minutes per run at this size
	G=$D/ops1g_a.pcap
	gin="ops, $(size "$G"), $(frames "$G") frames"
	row "index pass (--index-stats)" "$gin" "$S --index-stats $G" cat "cat $G" within 3
	abs "diff --json A B (two 1 GB traces)" "ops, 2 × $(size "$G")" "$S --json $G $D/ops1g_b.pcap" 30 1024
	ui "UI first screen" "$gin" "$G"
fi
echo
echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%d GiB", $2/1048576}' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(date -u +%Y-%m-%d); tshark $(tshark -v 2>/dev/null | head -1 | awk '{print $3}'); smbcmp $(git rev-parse --short HEAD)."
