#!/usr/bin/env bash
# cli_stats.sh - `smbcmp --stats`: per command statistics. Counts and
# response times against tshark's `-z smb2,srt` / `-z smb,srt` on the
# captures below (tests/stats/srt.py); two traces side by side with B/A
# ratios; --json; --index-stats (the index counts); bad input exits 2.
#
# Left out of the tshark comparison, where tshark 4.0 itself misses
# messages: captures/compressed.pcap (a chained compressed message it cannot
# decompress), suricata-smb1-02_smb1_osx.pcap (a negotiate it takes for a
# spurious retransmission), suricata-smb-eicar-file-segmentation-random.pcap
# (segments it does not reassemble).
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
P=../shared/captures/public

for f in captures/reference.pcap captures/smb311_ops.pcap captures/nt1_ops.pcap \
	 captures/job_lanman2.pcap captures/gosmb2.pcap captures/compound.pcap \
	 "$P/suricata-smb2-async.pcap" "$P/zeek-smb_smb2.pcap" "$P/zeek-smb_smb1.pcap"; do
	python3 tests/stats/srt.py "$S" "$f" 2>"$tmp/err" || fail "$f: --stats differs from tshark's srt"
done

# One trace, text: the SMB2 table with its columns and a subcommand row.
"$S" --stats captures/smb311_ops.pcap >"$tmp/one" 2>"$tmp/err" || fail "--stats one trace: exit $?"
grep -q '^SMB2 command  *count  *bytes  *errors  *timed  *min ms  *median ms  *p95 ms  *max ms$' \
	"$tmp/one" || fail "--stats: no SMB2 table header"
grep -q '^Create  *31 ' "$tmp/one" || fail "--stats: Create row"
grep -q '^  FSCTL_PIPE_TRANSCEIVE  *15 ' "$tmp/one" || fail "--stats: Ioctl per FSCTL row"
grep -q '^Find  *STATUS_NO_MORE_FILES  *7$' "$tmp/one" || fail "--stats: statuses section"

# Two traces: A and B columns and their ratios, in text and JSON.
"$S" --stats captures/smb311_ops.pcap captures/gosmb2.pcap >"$tmp/two" 2>"$tmp/err" ||
	fail "--stats A B: exit $?"
grep -q '^SMB2 command  *A  *B  *B/A  *A  *B  *B/A ' "$tmp/two" || fail "--stats A B: no A B B/A columns"
grep -q '^Create  *31  *21  *0\.68 ' "$tmp/two" || fail "--stats A B: Create row with its ratio"
grep -q '^Session Logoff  *-  *1  *- ' "$tmp/two" || fail "--stats A B: a command only B has"
"$S" --stats --json captures/smb311_ops.pcap captures/gosmb2.pcap >"$tmp/two.json" ||
	fail "--stats --json A B: exit $?"
python3 - "$tmp/two.json" <<'PY' || fail "--stats --json A B: ratios"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["a"]["file"].endswith("smb311_ops.pcap") and d["b"]["file"].endswith("gosmb2.pcap")
n = 0
for r in d["rows"]:
    a, b, q = r["a"], r["b"], r["ratio"]
    if a and b:
        assert abs(q["count"] - round(b["count"] / a["count"], 4)) < 1e-9, r
        assert abs(q["bytes"] - round(b["bytes"] / a["bytes"], 4)) < 1e-9, r
        if a["rt_n"] and b["rt_n"] and a["rt_median_ns"]:
            assert abs(q["rt_median"] - round(b["rt_median_ns"] / a["rt_median_ns"], 4)) < 1e-9
        n += 1
    else:
        assert all(v is None for v in q.values()), r
assert n >= 8, n
PY

# --index-stats: the index counts (--stats before).
"$S" --index-stats captures/smb311_ops.pcap >"$tmp/idx" || fail "--index-stats: exit $?"
grep -qx 'frames 333' "$tmp/idx" && grep -qx 'tcp_streams 4' "$tmp/idx" ||
	fail "--index-stats: $(cat "$tmp/idx")"

# Bad input: exit 2, one line.
for args in "--stats $tmp/missing.pcap" "--stats captures/gosmb2.pcap $tmp/missing.pcap" \
	    "--stats --list captures/gosmb2.pcap" "--stats --filter smb2.cmd==5 captures/gosmb2.pcap"; do
	# shellcheck disable=SC2086
	"$S" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$args: exit $rc, want 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$args: stderr: $(cat "$tmp/err")"
	[ -s "$tmp/out" ] && fail "$args: printed $(head -2 "$tmp/out")"
done

# Broken captures (bytes flipped, cut short): exit 0 or 2, never a crash.
python3 - "$tmp" <<'PY'
import random, sys
data = open("captures/smb311_ops.pcap", "rb").read()
for k in range(8):
    r = random.Random(k)
    d = bytearray(data)
    for _ in range(40):
        d[r.randrange(24, len(d))] = r.randrange(256)
    open(f"{sys.argv[1]}/flip{k}.pcap", "wb").write(d)
    open(f"{sys.argv[1]}/cut{k}.pcap", "wb").write(data[:r.randrange(24, len(data))])
PY
for f in "$tmp"/flip*.pcap "$tmp"/cut*.pcap; do
	timeout 60 "$S" --stats "$f" captures/gosmb2.pcap >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" -le 2 ] || fail "--stats $f: exit $rc: $(head -3 "$tmp/err")"
done

[ "$fails" -eq 0 ] || { echo "cli_stats: $fails failures"; exit 1; }
echo "cli_stats: ok"
