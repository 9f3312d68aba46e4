#!/usr/bin/env bash
# cli_malformed.sh - broken captures (tests/gen_malformed.py), each with
# what smbcmp must say: the one-line error and exit 2 for files it cannot
# read, a [Malformed]/incomplete item for broken packets, and never a
# crash, a sanitizer report or a run over 5 s. Then every truncation of
# two small public captures (every byte offset).
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:?SMBCMP must name the smbcmp binary (tests/run.sh sets it)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 tests/gen_malformed.py "$tmp" || exit 1
fails=0

# expect FILE RC PATTERN: exit status RC and PATTERN (grep -E) in the
# output (stdout of --text, stderr).
expect() {
	local f=$tmp/$1.pcap rc
	timeout 5 "$S" --text "$f" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" -ne "$2" ]; then
		echo "FAIL $1: exit $rc, want $2"; head -5 "$tmp/err"; fails=$((fails + 1)); return
	fi
	if ! cat "$tmp/out" "$tmp/err" | grep -qE -- "$3"; then
		echo "FAIL $1: no '$3' in the output"; fails=$((fails + 1)); return
	fi
	echo "ok   $1"
}

expect wrong_magic 2 "wrong_magic.pcap: not a pcap or pcapng capture file$"
expect empty 2 "empty.pcap: empty file, not a capture"
expect header_only_cut 2 "header_only_cut.pcap: truncated capture file"
expect unknown_linktype 2 "unknown_linktype.pcap: unsupported link type 147$"
expect pcapng_oversized_block 2 "truncated or corrupt capture file \(pcapng block size"
expect pcapng_unknown_block 0 "KeepAlive Request"
expect zero_length_packets 0 "KeepAlive Request"
expect snaplen_cut 0 "\[Malformed Packet: SMB2 header cut short\]"
expect nbss_longer_than_data 0 "\[Incomplete PDU: bytes lost in capture\]"
expect smb2_nextcommand_loop 0 "\[Malformed Packet: NextCommand points outside the PDU\]"
expect smb2_nextcommand_outside 0 "\[Malformed Packet: NextCommand points outside the PDU\]"
expect smb2_offset_outside 0 "\[Malformed Packet: security blob past the message end\]"
expect smb1_andx_backwards 0 "\[Malformed Packet: AndXOffset does not advance\]"
expect asn1_deep_nesting 0 "negTokenInit"
expect ntlmssp_av_no_terminator 0 "\[invalid NTLMSSP Target Info AvPairs\]"
expect compression_claims_4gb 0 "\[Malformed Packet: decompressed size over 16 MB\]"
expect compression_pattern_2gb 0 "\[Malformed Packet: decompressed size over 16 MB\]"
expect compression_lz77_1mb 0 "Decomp. SMB3;KeepAlive Request"
expect compression_claims_16mb 0 "\[Malformed Packet: decompression failed\]"

# Every truncation of two small captures: exit 0 or 2, nothing else (leak
# checks on the first only: they double the run time).
leaks=1
for src in ../shared/captures/public/zeek-smb_smb1-logoff-andx-advance.pcap \
	   ../shared/captures/public/zeek-smb_cifs_negotiate_lanman.pcap; do
	[ -f "$src" ] || { echo "FAIL missing $src"; fails=$((fails + 1)); continue; }
	size=$(stat -c %s "$src") bad=0
	for ((i = 0; i < size; i++)); do
		head -c "$i" "$src" >"$tmp/t.pcap"
		ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=$leaks timeout 5 "$S" --json "$tmp/t.pcap" \
			>/dev/null 2>"$tmp/err"; rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
			echo "FAIL $src cut at $i: exit $rc"; head -5 "$tmp/err"; bad=$((bad + 1))
			[ "$bad" -ge 3 ] && break
		fi
	done
	[ "$bad" -eq 0 ] && echo "ok   every truncation of $(basename "$src") ($size)"
	fails=$((fails + bad))
	leaks=0
done
exit "$fails"
