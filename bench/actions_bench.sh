#!/usr/bin/env bash
# actions_bench.sh - what comparing by action costs (benchmark, not a timed
# test): `smbcmp --json --engine=native A B` of an SMB1 client's trace
# against an SMB 3.1.1 one, ~90 MB each, by operations and by action
# (the default for such a pair), best of RUNS by CPU time, peak RSS from
# /usr/bin/time. Target (issue 20): by action within 1.5x the operation
# diff's time.
#   A: captures/job_nt1.pcap (smbclient NT1) replicated 4800 times
#   B: captures/reference.pcap (smbclient SMB3_11) replicated 3400 times
#
#   bench/actions_bench.sh [SMBCMP]        (RUNS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:-build/smbcmp}
RUNS=${RUNS:-3}
D=${BENCH_DIR:-/tmp/smbcmp-bench}
mkdir -p "$D"
export TZ=UTC
mk() { [ -f "$D/$2" ] || python3 bench/mktrace.py "captures/$1" "$D/$2" "$3" >/dev/null; }
mk job_nt1.pcap nt1_4800.pcap 4800
mk reference.pcap ref3400.pcap 3400

best() { # best BY: "cpu_s wall_s rss_mb" of the fastest of RUNS runs
	local out=""
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%U %S %e %M' -o "$D/time" "$S" --json --engine=native --by "$1" \
			"$D/nt1_4800.pcap" "$D/ref3400.pcap" >/dev/null 2>&1 || true
		read -r u s e m < <(tail -n 1 "$D/time")
		local cpu
		cpu=$(echo "$u + $s" | bc)
		if [ -z "$out" ] || [ "$(echo "$cpu < ${out%% *}" | bc)" = 1 ]; then
			out="$cpu $e $((m / 1024))"
		fi
	done
	echo "$out"
}
read -r c0 w0 m0 <<<"$(best operations)"
read -r c1 w1 m1 <<<"$(best actions)"
ratio=$(printf '%.2f' "$(echo "scale=3; $c1 / $c0" | bc)")
met=$([ "$(echo "$ratio <= 1.5" | bc)" = 1 ] && echo yes || echo no)
printf '| pair | by operations: CPU s / wall s / RSS MB | by action: CPU s / wall s / RSS MB | CPU ratio | target | met |\n'
printf '|---|---|---|---|---|---|\n'
printf '| NT1 (%s MB) vs SMB 3.1.1 (%s MB) | %s / %s / %s | %s / %s / %s | %s | ≤ 1.5× | %s |\n' \
	"$(du -m "$D/nt1_4800.pcap" | cut -f1)" "$(du -m "$D/ref3400.pcap" | cut -f1)" \
	"$c0" "$w0" "$m0" "$c1" "$w1" "$m1" "$ratio" "$met"
