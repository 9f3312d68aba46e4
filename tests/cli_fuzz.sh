#!/usr/bin/env bash
# cli_fuzz.sh - every libFuzzer target for a short bounded time (FUZZ_SECONDS,
# default 20 s each) and every crash reproducer ever found
# (tests/crashes/TARGET/NAME, named after the bug) run once through its
# target. Needs clang with libFuzzer: fails loudly when it is missing
# (tools/setup.sh installs clang and libclang-rt-dev).
set -u
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-fuzz}
SECS=${FUZZ_SECONDS:-20}
# A fixed seed keeps the short CI runs reproducible (the same inputs are
# tried on every machine); long campaigns (fuzz/run-all.sh) use random seeds.
export FUZZ_FLAGS="${FUZZ_FLAGS:--seed=1}"
if ! command -v clang >/dev/null; then
	echo "FAIL: clang not found: the fuzz targets cannot be built (run tools/setup.sh)"
	exit 1
fi
if [ ! -f "$B/build.ninja" ]; then
	CC=clang meson setup "$B" -Dfuzz=true >/dev/null || { echo "FAIL: meson setup $B -Dfuzz=true"; exit 1; }
fi
ninja -C "$B" >"$B/ninja-fuzz.log" 2>&1 || { echo "FAIL: building the fuzz targets"; tail -20 "$B/ninja-fuzz.log"; exit 1; }
fails=0
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:quarantine_size_mb=16 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# Regression inputs first: each must run clean, quickly.
for dir in tests/crashes/*/; do
	[ -d "$dir" ] || continue
	t=$(basename "$dir")
	for f in "$dir"*; do
		[ -f "$f" ] || continue
		if timeout 60 "$B/fuzz/$t" -timeout=10 -rss_limit_mb=2048 "$f" >"$B/repro.log" 2>&1; then
			echo "ok   $t $(basename "$f")"
		else
			echo "FAIL $t $(basename "$f")"; grep -E "ERROR|SUMMARY|#[0-9] " "$B/repro.log" | head -12
			fails=$((fails + 1))
		fi
	done
done

for t in fuzz_frame fuzz_smb fuzz_pcap fuzz_gssapi fuzz_xca fuzz_filter fuzz_config fuzz_keys fuzz_smbkeys fuzz_pdml fuzz_pcapfile; do
	if out=$(fuzz/run.sh "$t" "$SECS" "$B" 2>&1); then
		echo "ok   $t: $(echo "$out" | awk '/number_of_executed_units/ {e=$2} /average_exec_per_sec/ {s=$2} END {print e " runs, " s "/s"}')"
	else
		echo "FAIL $t"; echo "$out" | tail -20
		fails=$((fails + 1))
	fi
done
exit "$fails"
