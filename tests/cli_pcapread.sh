#!/usr/bin/env bash
# cli_pcapread.sh - captures read without libpcap linked (dissect/pcapfile.c):
# smbcmp does not link libpcap; a damaged capture handed to libpcap part-way
# reads the same from a file, from a pipe copied to $TMPDIR (the copy is
# reread from its start) and from a pipe read directly; without libpcap a
# clean capture still reads, and what needs libpcap fails with one line.
# Large captures, read ahead on a thread, read as from a pipe.
# (tests/test_pcapfile.c compares the reader with libpcap packet by packet.)
set -u
S=${SMBCMP:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "PASS: $*"; }

if command -v ldd >/dev/null; then
	if ldd "$S" | grep -Eq 'libpcap|libdbus'; then
		fail "smbcmp links libpcap: $(ldd "$S" | grep -E 'libpcap|libdbus' | tr '\n' ' ')"
	else
		pass "smbcmp does not link libpcap"
	fi
fi

# Cut copies of a pcap and a pcapng capture: the reader hands them to
# libpcap at the cut; file, copied pipe and direct pipe must agree.
ng=../shared/captures/public/zeek-dce-rpc_dce_rpc_ntlm.pcapng
for f in captures/compound.pcap captures/smb311_ops.pcap $ng; do
	[ -f "$f" ] || { echo "note: no $f"; continue; }
	size=$(stat -L -c %s "$f")
	for cut in 23 100 $((size / 3)) $((size / 2 + 5)) $((size - 9)); do
		head -c "$cut" "$f" >"$tmp/cut"
		"$S" --list "$tmp/cut" >"$tmp/file.out" 2>"$tmp/file.err"; rf=$?
		"$S" --list - <"$tmp/cut" >"$tmp/pipe.out" 2>"$tmp/pipe.err"; rp=$?
		cat "$tmp/cut" | TMPDIR=$tmp/none "$S" --list - >"$tmp/direct.out" 2>"$tmp/direct.err"; rd=$?
		sed -i "s|$tmp/cut|-|g" "$tmp/file.err"
		name="$(basename "$f") cut at $cut"
		if [ "$rf" != "$rp" ] || [ "$rf" != "$rd" ] || ! cmp -s "$tmp/file.out" "$tmp/pipe.out" ||
			! cmp -s "$tmp/file.out" "$tmp/direct.out" || ! cmp -s "$tmp/file.err" "$tmp/pipe.err" ||
			! cmp -s "$tmp/file.err" "$tmp/direct.err"; then
			fail "$name: file ($rf), copied pipe ($rp) and direct pipe ($rd) differ:"
			diff "$tmp/file.err" "$tmp/pipe.err"; diff "$tmp/file.out" "$tmp/pipe.out" | head -5
			diff "$tmp/file.err" "$tmp/direct.err"
		elif [ "$(wc -l <"$tmp/file.err")" -ne 1 ] || ! grep -q 'truncated' "$tmp/file.err"; then
			fail "$name: not one line about a truncated capture:"; cat "$tmp/file.err"
		else
			pass "$name: $(cat "$tmp/file.err")"
		fi
	done
done

# A capture of 8 MiB or more is read ahead on a thread (pcapfile.c's
# struct ahead): whole, as pcapng, cut past the first buffer halves and at
# a half's end, and damaged past 3 MiB (libpcap takes over mid-file), it
# reads from the file as from a pipe (read without the thread).
big=$tmp/big.pcap
if python3 bench/mktrace.py captures/smb311_ops.pcap "$big" 140 >/dev/null; then
	editcap -F pcapng "$big" "$tmp/big.pcapng" 2>/dev/null || echo "note: no editcap"
	python3 - "$big" "$tmp/damaged.pcap" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = 24
while off < 3 << 20:
    off += 16 + struct.unpack_from('<I', d, off + 8)[0]
struct.pack_into('<I', d, off + 8, 0x7fffffff)  # caplen past any snapshot length
open(sys.argv[2], 'wb').write(d)
PY
	size=$(stat -c %s "$big")
	head -c $((9 << 20)) "$big" >"$tmp/cut9m.pcap"
	head -c $(((9 << 20) + 7)) "$big" >"$tmp/cut9m7.pcap"
	head -c $((size - 9)) "$big" >"$tmp/cutend.pcap"
	for f in "$big" "$tmp/big.pcapng" "$tmp/damaged.pcap" "$tmp/cut9m.pcap" "$tmp/cut9m7.pcap" \
		"$tmp/cutend.pcap"; do
		[ -f "$f" ] || continue
		"$S" --list "$f" >"$tmp/file.out" 2>"$tmp/file.err"; rf=$?
		"$S" --list - <"$f" >"$tmp/pipe.out" 2>"$tmp/pipe.err"; rp=$?
		sed -i "s|$f|-|g" "$tmp/file.err"
		name="$(basename "$f") ($(($(stat -c %s "$f") >> 20)) MiB, $(wc -l <"$tmp/file.out") lines)"
		if [ "$rf" != "$rp" ] || ! cmp -s "$tmp/file.out" "$tmp/pipe.out" ||
			! cmp -s "$tmp/file.err" "$tmp/pipe.err"; then
			fail "$name read ahead: file ($rf) and pipe ($rp) differ"
			diff "$tmp/file.err" "$tmp/pipe.err"; diff "$tmp/file.out" "$tmp/pipe.out" | head -5
		elif [ "$(wc -l <"$tmp/file.out")" -lt 10000 ]; then
			fail "$name read ahead: too few lines"
		else
			pass "$name read ahead: file and pipe agree (exit $rf)"
		fi
	done
else
	fail "bench/mktrace.py could not build a large capture"
fi

# Without libpcap: a clean capture reads as with it; a damaged one and a
# file that is no capture fail with one line naming libpcap.
"$S" --json captures/compound.pcap >"$tmp/with.json" 2>&1
if SMBCMP_LIBPCAP=/nonexistent/libpcap.so "$S" --json captures/compound.pcap >"$tmp/without.json" 2>&1 &&
	cmp -s "$tmp/with.json" "$tmp/without.json"; then
	pass "a clean capture reads without libpcap"
else
	fail "a clean capture needs libpcap"; head -3 "$tmp/without.json"
fi
head -c 5000 captures/compound.pcap >"$tmp/cut.pcap"
for f in "$tmp/cut.pcap" README.md; do
	SMBCMP_LIBPCAP=/nonexistent/libpcap.so "$S" --list "$f" >/dev/null 2>"$tmp/err"; rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q "libpcap, needed to read this, could not be loaded: /nonexistent/libpcap.so" "$tmp/err"; then
		pass "without libpcap, $(basename "$f"): $(cat "$tmp/err")"
	else
		fail "without libpcap, $(basename "$f"): rc=$rc"; cat "$tmp/err"
	fi
done
if SMBCMP_LIBPCAP=/nonexistent/libpcap.so "$S" --version | grep -q '^libpcap: not loaded (/nonexistent/libpcap.so'; then
	pass "--version without libpcap"
else
	fail "--version without libpcap"; SMBCMP_LIBPCAP=/nonexistent/libpcap.so "$S" --version
fi
"$S" --version | grep -q '^libpcap version ' && pass "--version names libpcap" || fail "--version: no libpcap line"
exit $fails
