#!/usr/bin/env bash
# cli_diff_threads.sh - the comparison on several threads (src/diff/parcmp.c)
# and the JSON writer's walk ahead (src/report/walk.c) print byte for byte
# what the serial comparison prints: SMBCMP_DIFF_THREADS=1 (the serial loop)
# against 2 and 3 threads (small batches, so commits across batches too),
# on a single-connection pair and on many-connection pairs (bench/mktrace.py
# copies), one of them with an id used inconsistently (a session id changed
# in one message of B: "id used inconsistently", found only when the
# threads' id checks are committed in entry order).
set -u
S=${SMBCMP:?}
C=captures
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache TZ=UTC
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# B: same_1.pcap with the SessionId of the 12th SMB2 header (a request after
# the session is set up) changed.
python3 - "$C/same_1.pcap" "$tmp/sesid.pcap" <<'EOF' || fail "cannot patch same_1.pcap"
import sys
data = bytearray(open(sys.argv[1], "rb").read())
pos, k = 0, 0
while True:
    pos = data.find(b"\xfeSMB", pos)
    if pos < 0:
        sys.exit("fewer SMB2 headers than expected")
    k += 1
    if k == 12 and data[pos + 40:pos + 48] != bytes(8):
        data[pos + 40] ^= 0x5a
        break
    pos += 4
open(sys.argv[2], "wb").write(data)
EOF
python3 bench/mktrace.py $C/same_1.pcap "$tmp/same_x12.pcap" 12 >/dev/null &&
	python3 bench/mktrace.py "$tmp/sesid.pcap" "$tmp/sesid_x12.pcap" 12 >/dev/null &&
	python3 bench/mktrace.py $C/reference.pcap "$tmp/ref_x9.pcap" 9 >/dev/null &&
	python3 bench/mktrace.py $C/change_extra.pcap "$tmp/extra_x9.pcap" 9 >/dev/null ||
	fail "mktrace"

# same A B ARGS...: the outputs of 1, 2 and 3 threads are identical.
same() {
	local a=$1 b=$2 t name
	shift 2
	name="$(basename "$a") $(basename "$b") $*"
	for t in 1 2 3; do
		SMBCMP_DIFF_THREADS=$t "$S" --engine=native "$@" "$a" "$b" >"$tmp/out$t" 2>&1
		echo "exit $?" >>"$tmp/out$t"
	done
	cmp -s "$tmp/out1" "$tmp/out2" || fail "$name: 2 threads differ from 1: $(diff "$tmp/out1" "$tmp/out2" | head -5)"
	cmp -s "$tmp/out1" "$tmp/out3" || fail "$name: 3 threads differ from 1"
}

for args in "--json" "--text" "--json --all-fields" "--junit -"; do
	# shellcheck disable=SC2086
	same $C/same_1.pcap "$tmp/sesid.pcap" $args
	# shellcheck disable=SC2086
	same "$tmp/same_x12.pcap" "$tmp/sesid_x12.pcap" $args
	# shellcheck disable=SC2086
	same "$tmp/ref_x9.pcap" "$tmp/extra_x9.pcap" $args
done
same "$tmp/ref_x9.pcap" "$tmp/extra_x9.pcap" --json --filter "smb2.cmd == 5"
same "$tmp/same_x12.pcap" "$tmp/sesid_x12.pcap" --json --mask smb2.sesid

# The summaries kept by the comparison for the writers (src/diff/sumcache.c)
# against none kept (every writer dissects again) and a store that fills
# after 3 records (the rest dissected again), as on a trace with more
# distinct operations than the store holds.
sums() {
	local a=$1 b=$2 n name
	shift 2
	name="$(basename "$a") $(basename "$b") $*"
	"$S" --engine=native "$@" "$a" "$b" >"$tmp/sums" 2>&1
	echo "exit $?" >>"$tmp/sums"
	for n in 0 3; do
		SMBCMP_DIFF_SUMS=$n "$S" --engine=native "$@" "$a" "$b" >"$tmp/sums$n" 2>&1
		echo "exit $?" >>"$tmp/sums$n"
		cmp -s "$tmp/sums" "$tmp/sums$n" ||
			fail "$name: SMBCMP_DIFF_SUMS=$n differs: $(diff "$tmp/sums" "$tmp/sums$n" | head -5 | cut -c1-160)"
	done
}
for args in "--json" "--text" "--junit -" "--html -"; do
	# shellcheck disable=SC2086
	sums "$tmp/ref_x9.pcap" "$tmp/extra_x9.pcap" $args
	# shellcheck disable=SC2086
	sums $C/camera.pcap $C/reference.pcap $args
done
SMBCMP_DIFF_THREADS=2 sums "$tmp/same_x12.pcap" "$tmp/sesid_x12.pcap" --json

# The changed session id is found, once per copy: the test can fail.
for t in 1 2; do
	n=$(SMBCMP_DIFF_THREADS=$t "$S" --engine=native --json --all-fields \
		"$tmp/same_x12.pcap" "$tmp/sesid_x12.pcap" | grep -o '"id used inconsistently"' | wc -l)
	[ "$n" -ge 12 ] || fail "$t threads: $n ids used inconsistently, want 12 or more"
	n=$(SMBCMP_DIFF_THREADS=$t "$S" --engine=native --json --all-fields \
		$C/same_1.pcap "$tmp/sesid.pcap" | grep -o '"id used inconsistently"' | wc -l)
	[ "$n" -ge 1 ] || fail "$t threads, one connection: no id used inconsistently"
done

[ $fails -eq 0 ] && echo "cli_diff_threads: all passed"
exit $((fails > 0))
