#!/usr/bin/env bash
# run.sh TARGET SECONDS [BUILDDIR] - run one libFuzzer target for SECONDS.
#
# Builds BUILDDIR (default build-fuzz) with clang and -Dfuzz=true when it
# does not exist, makes the seed corpus from the captures once
# (BUILDDIR/fuzz-seeds), and keeps what the fuzzer learns in
# BUILDDIR/fuzz-corpus/TARGET. Crashes, leaks and slow inputs land in
# BUILDDIR/fuzz-crashes/TARGET/. Prints libFuzzer's final statistics
# (executions, executions per second) and appends them to
# BUILDDIR/fuzz-stats.tsv; exits non-zero on any finding.
# Extra libFuzzer flags can be passed in FUZZ_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:quarantine_size_mb=16
T=${1:?usage: fuzz/run.sh TARGET SECONDS [BUILDDIR]}
SECS=${2:?usage: fuzz/run.sh TARGET SECONDS [BUILDDIR]}
B=${3:-build-fuzz}
if ! command -v clang >/dev/null; then
	echo "fuzz: clang not found (tools/setup.sh installs it)" >&2
	exit 1
fi
if [ ! -f "$B/build.ninja" ]; then
	CC=clang meson setup "$B" -Dfuzz=true >/dev/null
fi
ninja -C "$B" >/dev/null
exe=$B/fuzz/$T
[ -x "$exe" ] || { echo "fuzz: no target $T in $B/fuzz" >&2; exit 1; }
seeds=$B/fuzz-seeds/$T
[ "$T" = fuzz_smbkeys ] && seeds=$B/fuzz-seeds/fuzz_smb
[ "$T" = fuzz_pcapfile ] && seeds=$B/fuzz-seeds/fuzz_pcap
# Made once; again when a new target has none yet.
if [ ! -d "$seeds" ]; then
	rm -rf "$B/fuzz-seeds.tmp"
	python3 fuzz/make-corpus.py "$B/fuzz-seeds.tmp" >/dev/null
	rm -rf "$B/fuzz-seeds"
	mv "$B/fuzz-seeds.tmp" "$B/fuzz-seeds"
fi
corpus=$B/fuzz-corpus/$T crashes=$B/fuzz-crashes/$T
mkdir -p "$corpus" "$crashes" "$seeds"
dict=() maxlen=16384
case $T in
fuzz_filter) dict=(-dict=fuzz/filter.dict) ;;
fuzz_pdml) dict=(-dict=fuzz/pdml.dict) maxlen=32768 ;; # one packet's PDML
fuzz_config|fuzz_xca|fuzz_keys) ;;
*) dict=(-dict=fuzz/smb.dict) ;;
esac
# quarantine_size_mb: ASan keeps freed memory poisoned in a quarantine to
# catch use after free; the default 256 MB only thrashes caches here (each
# input frees everything it allocated) and costs a fifth to a half of the
# executions per second; 16 MB still spans several inputs.
export ASAN_OPTIONS=${ASAN_OPTIONS:-$FUZZ_ASAN_OPTIONS}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# -timeout: an input that takes over 10 s under ASan is a hang.
# -rss_limit_mb / -malloc_limit_mb: memory over the documented bound is a bug.
rc=0
"$exe" "$corpus" "$seeds" "${dict[@]}" -max_total_time="$SECS" \
	-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len="$maxlen" \
	-print_final_stats=1 -artifact_prefix="$crashes/" ${FUZZ_FLAGS:-} 2>"$B/fuzz-$T.log" || rc=$?
stat() { awk -v k="stat::$1:" '$1 == k {print $2}' "$B/fuzz-$T.log" | tail -1; }
printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$T" "$SECS" "$(stat number_of_executed_units)" \
	"$(stat average_exec_per_sec)" "$([ $rc -eq 0 ] && echo ok || echo FOUND)" >>"$B/fuzz-stats.tsv"
[ $rc -eq 0 ] || {
	grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$B/fuzz-$T.log" | head -20 >&2
	echo "fuzz: $T failed (rc $rc), log $B/fuzz-$T.log" >&2
	exit 1
}
grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|cov: .*corp" \
	"$B/fuzz-$T.log" | tail -4
