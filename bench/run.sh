#!/usr/bin/env bash
# run.sh [SMBCMP] - the benchmarks of issues 9 and 23 in one run; prints a
# Markdown table (README's "Performance"): each target with its measured
# figure and whether it is met. Issue 23's rows (operation-heavy traces)
# come first, then issue 9's for context.
#
#   bench/run.sh                     build/smbcmp, inputs in /tmp/smbcmp-bench
#   RUNS=3 REF_RUNS=1 BIG=1 bench/run.sh
#
# Inputs, built on first use under $BENCH_DIR and kept for later runs:
#   ops.pcap, ops_b.pcap  operation-heavy: captures/smb311_ops.pcap replicated
#                         $COPIES times with fresh client ports (bench/mktrace.py;
#                         400 copies = ~29 MB, 118k SMB2 messages, 1300 = ~93 MB);
#                         ops_b for diffs; ops_half.pcap: half as many copies
#                         (scaling, and index bytes per message: the growth
#                         from half to whole).
#   bulk_a.pcap, bulk_b.pcap
#                         data-heavy: smbclient copying $BULK_MB MiB (512) to
#                         and from smbd on loopback, recorded by
#                         bench/record_bulk.sh (root; ~1.1 GB each). Skipped
#                         when they cannot be recorded, or with BULK=0.
#   ops1g_a/b.pcap        (BIG=1) operation-heavy at 1 GiB each (4.7M frames),
#                         for the index, diff, stdin and UI rows at that size
#                         (one run each).
# Times are wall seconds, best of $RUNS runs for smbcmp and cat, of $REF_RUNS
# for tshark (minutes per run on these sizes); peak RSS from /usr/bin/time.
# The graft cache is warmed first (--engine=auto runs tshark once per new
# trace). Nothing here is part of the test suite; nothing it makes is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-build/smbcmp}
D=${BENCH_DIR:-/tmp/smbcmp-bench}
RUNS=${RUNS:-3}
REF_RUNS=${REF_RUNS:-1}
COPIES=${COPIES:-400}
BULK_MB=${BULK_MB:-512}
BIG=${BIG:-0}
mkdir -p "$D"
export TZ=UTC

# mk NAME ARGS...: the trace, rebuilt when an earlier run made it with other
# arguments (a stamp beside it says which), so no figure is of a stale size.
mk() {
	local stamp="$D/.$1.args"
	if [ ! -f "$D/$1" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${*:2}" ]; then
		python3 bench/mktrace.py captures/smb311_ops.pcap "$D/$1" "${@:2}" && echo "${*:2}" >"$stamp"
	fi
}
mk ops.pcap "$COPIES"
mk ops_b.pcap "$COPIES"
mk ops_half.pcap $((COPIES / 2))
if [ "$BIG" = 1 ]; then
	mk ops1g_a.pcap 1000000 --bytes 1073741824
	mk ops1g_b.pcap 1000000 --bytes 1073741824
fi
if [ "${BULK:-1}" = 1 ] && [ ! -f "$D/bulk_b.pcap" ]; then
	bash bench/record_bulk.sh "$D" "$BULK_MB" >&2 || echo "run.sh: no data-heavy traces (needs root, samba, smbclient, tcpdump)" >&2
fi
have_bulk() { [ "${BULK:-1}" = 1 ] && [ -f "$D/bulk_a.pcap" ] && [ -f "$D/bulk_b.pcap" ]; }

# best N CMD: "WALL_SECONDS MAX_RSS_KB CPU_SECONDS", best wall time of N
# runs (and the CPU time, user + system, of that run)
best() {
	local n=$1 bt=999999 bm=0 bc=0 r t m u s
	shift
	for ((r = 0; r < n; r++)); do
		# wall time from bash's microsecond clock (time(1)'s %e counts in
		# 10 ms steps: a 30 MB cat takes one or two of them); RSS and CPU
		# from time(1)
		local t0=$EPOCHREALTIME
		/usr/bin/time -f "%e %M %U %S" -o "$D/time" bash -c "$1" >/dev/null 2>&1 || true
		t=$(awk "BEGIN{ printf \"%.3f\", $EPOCHREALTIME - $t0 }")
		# the last line: time prefixes "Command exited with non-zero
		# status" (diffs exit 1 when the traces differ)
		read -r _ m u s < <(tail -n 1 "$D/time")
		if awk "BEGIN{exit !($t < $bt)}"; then bt=$t bc=$(awk "BEGIN{print $u + $s}"); fi
		[ "$m" -gt "$bm" ] && bm=$m
	done
	echo "$bt $bm $bc"
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
	read -r t1 m1 _ < <(best "$RUNS" "$3")
	if [ "$4" = cat ]; then read -r t2 m2 _ < <(best "$RUNS" "$5"); else read -r t2 m2 _ < <(best "$REF_RUNS" "$5"); fi
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
	read -r t m _ < <(best "$RUNS" "$3")
	local met
	met=$(awk "BEGIN{ print ($t < $4 && $m / 1024 < $5) ? \"yes\" : \"no\" }")
	echo "| $1 | $2 | $t | $(mb "$m") | - | - | - | - | < $4 s, < $5 MB | $met |"
}
# ui LABEL INPUT MAX_S FILE...: first screen of the UI in tmux
ui() {
	local label=$1 input=$2 max=$3 t bt=999 r
	shift 3
	if ! command -v tmux >/dev/null || [ ! -d ui ]; then
		return
	fi
	for ((r = 0; r < RUNS; r++)); do
		t=$(RUNS=1 bash bench/ui_first_screen.sh "$S" "$@" 2>/dev/null |
			awk '/^first screen/ {print $3}')
		t=${t:-999}
		if awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
	done
	echo "| $label | $input | $bt | - | - | - | - | - | < $max s | $(awk "BEGIN{print ($bt < $max) ? \"yes\" : \"no\"}") |"
}
# index_row HALF WHOLE: index bytes per SMB message, as the growth of the
# peak RSS of --index-stats from the half trace to the whole one over the growth
# in PDUs (fixed costs cancel: buffers, libraries, read-ahead windows)
index_row() {
	local th mh tw mw ph pw per
	read -r th mh _ < <(best "$RUNS" "$S --index-stats $1")
	read -r tw mw _ < <(best "$RUNS" "$S --index-stats $2")
	ph=$("$S" --index-stats "$1" | awk '/^pdus/{print $2}')
	pw=$("$S" --index-stats "$2" | awk '/^pdus/{print $2}')
	per=$(awk "BEGIN{ printf \"%.0f\", ($mw - $mh) * 1024 / ($pw - $ph) }")
	echo "| index size (--index-stats): bytes per SMB message | ops half → whole, $ph → $pw PDUs | $tw | $(mb "$mw") | half | $th | $(mb "$mh") | $per B/message | ≤ 48 B/message | $(awk "BEGIN{print ($per <= 48) ? \"yes\" : \"no\"}") |"
}
# startup_row FILE: one small capture, process start to exit, against
# true(1) for the machine's cost of a process: $n processes one after the
# other, started by bench/spawn.py (posix_spawn + wait4, best of $RUNS
# rounds). Wall ms per process, and in brackets the process's own CPU ms
# (user + system, from wait4): on a loaded machine the wall time is mostly
# waiting for a core, so the target is judged on CPU. Peak RSS: one run
# under /usr/bin/time. A second row keeps the earlier measure (README's
# figures before spawn.py): a bash `for` loop under /usr/bin/time, whose
# CPU includes bash forking itself for every command (about 2 ms, as much
# as the process measured).
startup_row() {
	local n=100 w1 c1 w2 c2 m1 m2 ms1 ms2 cpu1 cpu2 t1 t2
	read -r w1 c1 _ < <(python3 bench/spawn.py -n $n -r "$RUNS" -- "$S" --json "$1")
	read -r w2 c2 _ < <(python3 bench/spawn.py -n $n -r "$RUNS" -- true)
	read -r _ m1 _ < <(best 1 "$S --json $1")
	read -r _ m2 _ < <(best 1 "true")
	ms1=$(awk "BEGIN{ printf \"%.2f\", $w1 * 1000 / $n }") cpu1=$(awk "BEGIN{ printf \"%.2f\", $c1 * 1000 / $n }")
	ms2=$(awk "BEGIN{ printf \"%.2f\", $w2 * 1000 / $n }") cpu2=$(awk "BEGIN{ printf \"%.2f\", $c2 * 1000 / $n }")
	local input
	input="$(basename "$1"), $(($(stat -L -c %s "$1") / 1024)) KB"
	echo "| one small capture: start to exit (--json; ms per process, its CPU ms in brackets; $n processes by bench/spawn.py) | $input | $ms1 ms ($cpu1 CPU) | $(mb "$m1") | true(1) | $ms2 ms ($cpu2 CPU) | $(mb "$m2") | $(awk "BEGIN{ printf \"%.2f CPU ms over true\", $cpu1 - $cpu2 }") | ≤ 5 ms (CPU) | $(awk "BEGIN{print ($cpu1 <= 5) ? \"yes\" : \"no\"}") |"
	read -r t1 m1 c1 < <(best "$RUNS" "for i in \$(seq $n); do $S --json $1 >/dev/null; done")
	read -r t2 m2 c2 < <(best "$RUNS" "for i in \$(seq $n); do /bin/true; done")
	ms1=$(awk "BEGIN{ printf \"%.1f\", $t1 * 1000 / $n }") cpu1=$(awk "BEGIN{ printf \"%.1f\", $c1 * 1000 / $n }")
	ms2=$(awk "BEGIN{ printf \"%.1f\", $t2 * 1000 / $n }") cpu2=$(awk "BEGIN{ printf \"%.1f\", $c2 * 1000 / $n }")
	echo "| the same, earlier measure: a bash for loop (its CPU includes bash's fork per run) | $input | $ms1 ms ($cpu1 CPU) | $(mb "$m1") | true(1), same loop | $ms2 ms ($cpu2 CPU) | $(mb "$m2") | $(awk "BEGIN{ printf \"%.1f CPU ms over true\", $cpu1 - $cpu2 }") | info | - |"
}
# corpus_row: --json of every public capture, one process per file, and
# tshark -T json the same way, both started by bench/spawn.py (best of
# $RUNS, of $REF_RUNS for tshark): seconds for the corpus, CPU seconds of
# the processes in brackets; the ratio of both, the target judged on CPU
# as startup_row's. A second row keeps the earlier measure of smbcmp's side
# (a bash for loop; tshark's seconds are its own whichever way it starts).
corpus_row() {
	local files=(../shared/captures/public/*.pcap*) w1 c1 w2 c2 t m c
	read -r w1 c1 _ < <(python3 bench/spawn.py -r "$RUNS" --each "${files[@]}" -- "$S" --json)
	read -r w2 c2 _ < <(python3 bench/spawn.py -r "$REF_RUNS" --each "${files[@]}" -- tshark -T json -r)
	read -r w1 c1 w2 c2 < <(awk "BEGIN{ printf \"%.3f %.3f %.2f %.2f\\n\", $w1, $c1, $w2, $c2 }")
	echo "| public corpus, one process per file: --json (bench/spawn.py; CPU s in brackets) | ${#files[@]} files | $w1 ($c1 CPU) | - | tshark -T json | $w2 ($c2 CPU) | - | $(awk "BEGIN{ printf \"%.0f× faster (%.0f× CPU)\", ($w1 > 0 ? $w2 / $w1 : 0), ($c1 > 0 ? $c2 / $c1 : 0) }") | ≥ 100× faster (CPU) | $(awk "BEGIN{ print ($c1 > 0 && $c2 / $c1 >= 100) ? \"yes\" : \"no\" }") |"
	read -r t m c < <(best "$RUNS" "$(corpus "$S --json")")
	echo "| the same, earlier measure: a bash for loop (its CPU includes bash's fork per file) | ${#files[@]} files | $t ($c CPU) | $(mb "$m") | tshark -T json, as above | $w2 | - | $(awk "BEGIN{ printf \"%.0f× faster\", ($t > 0 ? $w2 / $t : 0) }") | info | - |"
}
# stdin_row FILE: --json of the trace from a pipe against from the file;
# bounded when reading a pipe costs at most 16 MB more than the file
stdin_row() {
	local t1 m1 t2 m2
	read -r t1 m1 _ < <(best "$RUNS" "cat $1 | $S --json --engine=native -")
	read -r t2 m2 _ < <(best "$RUNS" "$S --json --engine=native $1")
	echo "| --json - (from a pipe), --engine=native | $(basename "$1"), $(size "$1") | $t1 | $(mb "$m1") | from the file | $t2 | $(mb "$m2") | +$(mb $((m1 - m2))) MB | ≤ file + 16 MB | $(awk "BEGIN{print ($m1 - $m2 <= 16384) ? \"yes\" : \"no\"}") |"
}

O=$D/ops.pcap H=$D/ops_half.pcap OB=$D/ops_b.pcap
oin="ops, $(size "$O"), $(frames "$O") frames, $(pdus "$O") SMB2 messages"
hin="ops, $(size "$H"), $(frames "$H") frames"
# Warm the graft cache (--engine=auto runs tshark once per trace, minutes at
# these sizes; the issue's targets are with a warm cache).
for f in "$O" "$OB" "$H"; do "$S" --json "$f" >/dev/null 2>&1 || true; done
"$S" --json "$O" "$OB" >/dev/null 2>&1 || true

# Issue 23's targets first.
index_row "$H" "$O"
row "index pass (--index-stats)" "$oin" "$S --index-stats $O" cat "cat $O" within 5
abs "diff --json A B (auto engine, warm cache)" "2 × ops as above" "$S --json $O $OB" 30 1024
abs "diff --json A B --engine=native" "2 × ops as above" "$S --json --engine=native $O $OB" 30 1024
ui "UI comparison, first screen" "2 × ops as above" 2 "$O" "$OB"
row "--json" "$oin" "$S --json $O" "tshark -T json" "tshark -r $O -T json" faster 20
row "--list (summary lines)" "$oin" "$S --list $O" "tshark" "tshark -r $O" faster 20
startup_row captures/compound.pcap
corpus_row
stdin_row "$O"
# Context (issue 9's rows).
row "--json" "$oin" "$S --json $O" "tshark -T pdml" "tshark -r $O -T pdml" faster 20
row "scaling: --json, half vs whole" "$hin" "$S --json $H" "whole" "$S --json $O" info "time ~0.5, RSS sub-linear"
row "scaling: --index-stats, half vs whole" "$hin" "$S --index-stats $H" "whole" "$S --index-stats $O" info "time ~0.5, RSS sub-linear"
if have_bulk; then
	A=$D/bulk_a.pcap B=$D/bulk_b.pcap
	bin="data, $(size "$A"), $(frames "$A") frames"
	row "--json" "$bin" "$S --json $A" "tshark -T json" "tshark -r $A -T json" faster 20
	row "--list (summary lines)" "$bin" "$S --list $A" "tshark" "tshark -r $A" faster 20
	row "index pass (--index-stats)" "$bin" "$S --index-stats $A" cat "cat $A" within 3
	abs "diff --json A B (two 1 GB traces)" "data, 2 × $(size "$A")" "$S --json $A $B" 30 1024
	ui "UI first screen" "data, $(size "$A")" 1 "$A"
fi
if [ "$BIG" = 1 ]; then
	RUNS=1 # minutes per run at this size
	G=$D/ops1g_a.pcap GB=$D/ops1g_b.pcap
	gin="ops, $(size "$G"), $(frames "$G") frames, $(pdus "$G") SMB2 messages"
	for f in "$G" "$GB"; do "$S" --json "$f" >/dev/null 2>&1 || true; done
	row "index pass (--index-stats)" "$gin" "$S --index-stats $G" cat "cat $G" within 5
	row "--index-stats, default --max-memory" "$gin" "$S --index-stats $G" "--max-memory 4096" "$S --index-stats --max-memory 4096 $G" info "whole trace indexed: $(
		"$S" --index-stats "$G" 2>&1 | grep -q 'memory limit' && echo no || echo yes)"
	abs "diff --json A B (auto engine, warm cache)" "ops, 2 × $(size "$G")" "$S --json $G $GB" 30 1024
	abs "diff --json A B --engine=native" "ops, 2 × $(size "$G")" "$S --json --engine=native $G $GB" 30 1024
	stdin_row "$G"
	ui "UI first screen" "$gin" 1 "$G"
fi
echo
echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%d GiB", $2/1048576}' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(date -u +%Y-%m-%d); tshark $(tshark -v 2>/dev/null | head -1 | awk '{print $3}'); smbcmp $(git rev-parse --short HEAD)."
