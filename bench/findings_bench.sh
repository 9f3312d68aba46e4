#!/usr/bin/env bash
# findings_bench.sh - what the findings layer costs (benchmark, not a timed
# test). Times `smbcmp --json A B` of two ~90 MB traces with the findings
# (SMBCMP) against the same diff without them (BASE: a build of the commit
# before the findings layer, e.g. 4840c75), best of RUNS, peak RSS from
# /usr/bin/time. Two pairs:
#   same:   captures/smb311_ops.pcap replicated 1300 times, twice (the diff
#           benchmark's ops traces: the same client, few differences)
#   client: captures/reference.pcap (SMB 3.1.1) against job_smb3_02.pcap
#           (3.0.2), each replicated 4000 times: every operation differs, so
#           the systematic pass details each one (its worst case)
#
#   bench/findings_bench.sh SMBCMP BASE        (RUNS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
S=${1:?smbcmp with findings}
B=${2:?smbcmp without findings}
RUNS=${RUNS:-3}
D=${BENCH_DIR:-/tmp/smbcmp-bench}
mkdir -p "$D"
export TZ=UTC

mk() { [ -f "$D/$2" ] || python3 bench/mktrace.py "captures/$1" "$D/$2" "$3" >/dev/null; }
mk smb311_ops.pcap ops.pcap 1300
mk smb311_ops.pcap ops_b.pcap 1300
mk reference.pcap ref4k.pcap 4000
mk job_smb3_02.pcap v302_4k.pcap 4000

# best BIN A B: "cpu_s wall_s rss_mb" of the fastest of RUNS runs (CPU time:
# the machine is shared, wall time varies with its load).
best() {
	local bin=$1 a=$2 b=$3 out=""
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%U %S %e %M' -o "$D/time" "$bin" --json --engine=native "$a" "$b" \
			>/dev/null 2>&1 || true
		read -r u s e m < <(tail -n 1 "$D/time") # after "Command exited with..." 
		local cpu
		cpu=$(echo "$u + $s" | bc)
		if [ -z "$out" ] || [ "$(echo "$cpu < ${out%% *}" | bc)" = 1 ]; then
			out="$cpu $e $((m / 1024))"
		fi
	done
	echo "$out"
}

printf '| pair | traces | without findings: CPU s / wall s / RSS MB | with: CPU s / wall s / RSS MB | CPU ratio | target | met |\n'
printf '|---|---|---|---|---|---|---|\n'
row() {
	local name=$1 a=$2 b=$3
	read -r c0 w0 m0 <<<"$(best "$B" "$a" "$b")"
	read -r c1 w1 m1 <<<"$(best "$S" "$a" "$b")"
	local ratio met
	ratio=$(printf '%.2f' "$(echo "scale=3; $c1 / $c0" | bc)")
	met=$([ "$(echo "$ratio <= 1.5" | bc)" = 1 ] && [ "$m1" -le $((m0 * 3 / 2 + 16)) ] && echo yes || echo no)
	printf '| %s | %s, %s | %s / %s / %s | %s / %s / %s | %s | ≤ 1.5×, same memory class | %s |\n' \
		"$name" "$(du -m "$a" | cut -f1) MB" "$(du -m "$b" | cut -f1) MB" \
		"$c0" "$w0" "$m0" "$c1" "$w1" "$m1" "$ratio" "$met"
}
row "same client (ops)" "$D/ops.pcap" "$D/ops_b.pcap"
row "3.1.1 vs 3.0.2 smbclient" "$D/ref4k.pcap" "$D/v302_4k.pcap"
