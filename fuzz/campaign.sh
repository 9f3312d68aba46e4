#!/usr/bin/env bash
# campaign.sh - the long fuzzing run: every target until it has done
# GOAL executions (default 10 million), one libFuzzer job at a time.
#
#   fuzz/campaign.sh start [DIR]   build, snapshot the binaries into DIR/bin,
#                                  run the loop below in the background
#                                  (nohup nice -n 19), log in DIR/campaign.log
#   fuzz/campaign.sh loop [DIR]    the loop itself, in the foreground
#                                  (LANE=k names its running.k file)
#   fuzz/campaign.sh report [DIR]  per target: time, executions, exec/s,
#                                  result, summed over the slices so far
#   fuzz/campaign.sh recover [DIR] count the slices a stop cut short (start
#                                  does it too)
#   TARGET=t LANE=k fuzz/campaign.sh extra [DIR]
#                                  one more slice of t beside its lane
#   fuzz/campaign.sh save [DIR]    copy DIR/stats.tsv to fuzz/campaign-stats.tsv
#                                  (committed; start resumes from it when DIR
#                                  has no stats.tsv, e.g. on a new machine)
#
# DIR defaults to /work/fuzz-campaign (outside git). The loop goes round
# robin over the targets; each turn runs one target for at most SLICE
# seconds (default 3600) or its remaining executions, whichever ends
# first, so the fast targets finish in the first round and the slow ones
# share the machine fairly. JOBS=n (default 1) starts n loops (lanes); each
# takes the next unfinished target no other lane is running. Corpora grow in DIR/corpus/TARGET, findings go
# to DIR/crashes/TARGET, each slice's libFuzzer output to DIR/logs/, and
# one line per slice to DIR/stats.tsv (date, target, seconds, executions,
# exec/s, result). A target with a finding (crash, leak, timeout, UBSan,
# memory limit) is not run again until DIR/stop/TARGET is removed: fix the
# bug, add the reproducer under tests/crashes/TARGET/, restart.
# The binaries are a snapshot: rebuilding the worktree does not disturb a
# running campaign.
set -uo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$0")/.."
CMD=${1:-report}
DIR=${2:-/work/fuzz-campaign}
GOAL=${GOAL:-10000000}
SLICE=${SLICE:-3600}
JOBS=${JOBS:-1}
LANE=${LANE:-0}
B=${FUZZ_BUILD:-build-fuzz}
TARGETS="fuzz_gssapi fuzz_filter fuzz_config fuzz_xca fuzz_keys fuzz_pdml fuzz_frame
	 fuzz_smb fuzz_smbkeys fuzz_pcap fuzz_pcapfile"

# Sums one target's slices: seconds, executions, result (clean or FOUND),
# and the executions of the slices whose time is known (carried lines,
# from a campaign directory that did not survive its machine, have 0 s).
sums() {
	awk -F'\t' -v t="$1" '$2 == t { s += $3; e += $4; if ($3 > 0) te += $4; if ($6 != "ok") f++ }
		END { printf "%d\t%d\t%s\t%d\n", s, e, f ? f " finding" (f > 1 ? "s" : "") : "clean", te }' \
		"$DIR/stats.tsv" 2>/dev/null ||
		printf '0\t0\tclean\t0\n'
}

report() {
	printf '%-13s %9s %12s %7s  %s\n' target time executions exec/s result
	for t in $TARGETS; do
		IFS=$'\t' read -r s e r te < <(sums "$t")
		local rate=0 state=
		[ "$s" -gt 0 ] && rate=$((te / s))
		[ "$e" -ge "$GOAL" ] && state=", done"
		[ -f "$DIR/stop/$t" ] && state=", stopped: see $DIR/crashes/$t"
		[ ! -f "$DIR/stop/$t" ] && [ "$r" != clean ] && state="$state, resumed after the fix"
		printf '%-13s %3dh%02dm%02ds %12d %7d  %s%s\n' "$t" $((s / 3600)) $((s / 60 % 60)) \
			$((s % 60)) "$e" "$rate" "$r" "$state"
	done
	for r in "$DIR"/running*; do
		[ -f "$r" ] && echo "running: $(cat "$r")"
	done
}

# One slice of target t; appends a line to stats.tsv.
slice() {
	local t=$1 runs=$2 dict=() maxlen=16384 seeds=$DIR/bin/seeds/$1
	case $t in
	fuzz_filter) dict=(-dict="$DIR/bin/filter.dict") ;;
	fuzz_pdml) dict=(-dict="$DIR/bin/pdml.dict") maxlen=32768 ;;
	fuzz_config|fuzz_xca|fuzz_keys) ;;
	*) dict=(-dict="$DIR/bin/smb.dict") ;;
	esac
	[ "$t" = fuzz_smbkeys ] && seeds=$DIR/bin/seeds/fuzz_smb
	[ "$t" = fuzz_pcapfile ] && seeds=$DIR/bin/seeds/fuzz_pcap
	mkdir -p "$DIR/corpus/$t" "$DIR/crashes/$t" "$DIR/logs"
	local log=$DIR/logs/$t-$(date -u +%Y%m%dT%H%M%SZ).log start=$SECONDS rc=0
	echo "$t since $(date -u +%FT%TZ), log $log" >"$DIR/running.$LANE"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:quarantine_size_mb=16 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$DIR/bin/$t" "$DIR/corpus/$t" "$seeds" "${dict[@]}" -runs="$runs" \
		-max_total_time="$SLICE" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
		-max_len="$maxlen" -print_final_stats=1 -artifact_prefix="$DIR/crashes/$t/" \
		>"$log" 2>&1 || rc=$?
	local secs=$((SECONDS - start))
	local execs rate
	execs=$(awk '$1 == "stat::number_of_executed_units:" {print $2}' "$log" | tail -1)
	[ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
	execs=${execs:-0}
	rate=$((secs > 0 ? execs / secs : 0))
	printf '%s\t%s\t%d\t%d\t%d\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$secs" "$execs" "$rate" \
		"$([ "$rc" -eq 0 ] && echo ok || echo "FOUND:rc$rc")" "$log" >>"$DIR/stats.tsv"
	if [ "$rc" -ne 0 ]; then
		mkdir -p "$DIR/stop"
		grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 >"$DIR/stop/$t"
	fi
	rm -f "$DIR/running.$LANE"
}

# Slices cut short (the machine or the session stopped, killing the loop
# with its fuzzer) leave a log and no line in stats.tsv. Their work still
# counts: libFuzzer's final statistics when it printed them (a SIGTERM),
# else, conservatively, the last "#N" the log printed; clean unless the
# log reports an error. Recorded once (DIR/recovered lists them); never a
# log a lane is still writing. Logs of slices before stats.tsv named its
# log (7th column) count as recorded when they have final statistics.
recover() {
	local log t secs execs start end busy
	busy=$(cat "$DIR"/running.* 2>/dev/null)
	for log in "$DIR"/logs/*.log; do
		[ -f "$log" ] || continue
		grep -qF "$log" "$DIR/stats.tsv" 2>/dev/null && continue
		grep -qxF "$log" "$DIR/recovered" 2>/dev/null && continue
		grep -qF "$log" <<<"$busy" && continue
		t=$(basename "$log" | sed -E 's/-[0-9]{8}T[0-9]{6}Z\.log$//')
		execs=$(awk '$1 == "stat::number_of_executed_units:" {print $2}' "$log" | tail -1)
		if [ -n "$execs" ] && [ "$(date -u -r "$log" +%s)" -lt "$(date -u -d 2026-11-23T18:40:00Z +%s)" ]; then
			continue # recorded before stats.tsv named its logs
		fi
		[ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
		start=$(basename "$log" | sed -E 's/.*-([0-9]{8})T([0-9]{2})([0-9]{2})([0-9]{2})Z\.log$/\1 \2:\3:\4/')
		start=$(date -u -d "$start" +%s 2>/dev/null) || continue
		end=$(stat -c %Y "$log")
		secs=$((end > start ? end - start : 1))
		printf '%s\t%s\t%d\t%d\t%d\t%s\tinterrupted\n' "$(date -u +%FT%TZ)" "$t" "$secs" \
			"${execs:-0}" "$(( ${execs:-0} / secs ))" \
			"$(grep -qE "ERROR|SUMMARY" "$log" && echo "FOUND:interrupted" || echo ok)" \
			>>"$DIR/stats.tsv"
		echo "$log" >>"$DIR/recovered"
		echo "recovered $(basename "$log"): ${execs:-0} executions"
	done
}

# Each lane takes the next target that is not done and that no other lane
# holds (DIR/lock.TARGET, made atomically by mkdir), so a lane whose own
# targets are done goes on with the others' instead of idling.
loop() {
	while :; do
		local left=0 ran=0
		for t in $TARGETS; do
			[ -f "$DIR/stop/$t" ] && continue
			IFS=$'\t' read -r _ e _ _ < <(sums "$t")
			[ "$e" -ge "$GOAL" ] && continue
			left=1
			mkdir "$DIR/lock.$t" 2>/dev/null || continue
			IFS=$'\t' read -r _ e _ _ < <(sums "$t") # final: another lane may have just run it
			[ "$e" -lt "$GOAL" ] && slice "$t" $((GOAL - e)) && ran=1
			rmdir "$DIR/lock.$t"
		done
		[ $left -eq 1 ] || break
		[ $ran -eq 1 ] || sleep 5
	done
	echo "campaign over: $(date -u +%FT%TZ)"
	report
}

case $CMD in
start)
	for p in $(cat "$DIR/pid" 2>/dev/null); do
		if kill -0 "$p" 2>/dev/null; then
			echo "campaign already running (pid $p)" >&2
			exit 1
		fi
	done
	mkdir -p "$DIR"
	# The record lives in git too: a new machine resumes from it.
	[ -s "$DIR/stats.tsv" ] || cp fuzz/campaign-stats.tsv "$DIR/stats.tsv"
	recover
	rm -f "$DIR"/running*
	rm -rf "$DIR"/lock.*
	[ -f "$B/build.ninja" ] || CC=clang meson setup "$B" -Dfuzz=true >/dev/null
	ninja -C "$B" >/dev/null || exit 1
	mkdir -p "$DIR/bin"
	for t in $TARGETS; do cp "$B/fuzz/$t" "$DIR/bin/"; done
	cp fuzz/*.dict "$DIR/bin/"
	rm -rf "$DIR/bin/seeds"
	python3 fuzz/make-corpus.py "$DIR/bin/seeds" >/dev/null
	git rev-parse HEAD >"$DIR/bin/commit"
	cp "$SELF" "$DIR/bin/campaign.sh" # the loop must not read a script being edited
	: >"$DIR/pid"
	for ((lane = 0; lane < JOBS; lane++)); do
		GOAL=$GOAL SLICE=$SLICE JOBS=$JOBS LANE=$lane nohup nice -n 19 \
			"$DIR/bin/campaign.sh" loop "$DIR" >>"$DIR/campaign.log" 2>&1 &
		echo $! >>"$DIR/pid"
	done
	echo "campaign started ($JOBS lanes, pids $(echo $(cat "$DIR/pid"))), commit $(cat "$DIR/bin/commit")"
	echo "progress: fuzz/campaign.sh report $DIR"
	;;
loop) loop ;;
report) report ;;
recover) recover ;;
save) recover && cp "$DIR/stats.tsv" fuzz/campaign-stats.tsv ;;
extra) # TARGET=t LANE=k: one more slice of t beside the lane holding it
	# (when the other lane has nothing left); libFuzzer shares the corpus.
	IFS=$'\t' read -r _ e _ _ < <(sums "$TARGET")
	[ "$e" -lt "$GOAL" ] && slice "$TARGET" $((GOAL - e)) ;;
*) echo "usage: fuzz/campaign.sh start|loop|report|recover|save|extra [DIR]" >&2; exit 2 ;;
esac
