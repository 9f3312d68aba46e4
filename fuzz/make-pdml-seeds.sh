#!/usr/bin/env bash
# make-pdml-seeds.sh - regenerates fuzz/seeds/fuzz_pdml/: for a few small
# captures, `tshark -T pdml` of the first packets, a NUL byte, then the
# matching `-P -V` text with the Info column (what src/tshark/tshark.c reads; see
# fuzz/fuzz_pdml.c). The link layer protos (frame, eth: half the bytes) are
# left out of the PDML, and the packet count is lowered until a seed fits
# in 32 KB (the fuzz_pdml -max_len, fuzz/run.sh). A display filter
# (default: NetBIOS) selects the first matching packets. Run from the repository root; needs tshark.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/seeds/fuzz_pdml
pub=../shared/captures/public
mkdir -p "$out"
# PDML without the link layer (frame, eth) and, of IP/TCP/UDP, only the
# fields src/tshark/tshark.c reads (addresses, ports, stream): they are most of
# the bytes of a packet and none of the reader's logic; the same for the
# -V text.
strip_lower() {
	python3 -c 'import re, sys
keep = {"ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
        "tcp.stream", "udp.srcport", "udp.dstport", "udp.stream"}
def proto(m):
    if m.group(1) in ("frame", "eth"):
        return ""
    body = "".join(f.group(0) for f in re.finditer(r"\n    <field name=\"([^\"]*)\"(?:[^\n]*?/>|.*?\n    </field>)", m.group(0), flags=re.S)
                   if f.group(1) in keep)
    return m.group(0).split("\n", 1)[0] + body + "\n  </proto>\n"
sys.stdout.write(re.sub(r"  <proto name=\"(frame|eth|ip|ipv6|tcp|udp)\".*?\n  </proto>\n", proto,
                        sys.stdin.read(), flags=re.S))'
}
# -V text without the blocks of those layers (not read either).
strip_vlower() {
	awk '/^[^ ]/ { skip = /^(Frame |Ethernet II|Linux cooked|Internet Protocol|Transmission Control|User Datagram)/ }
	     !skip'
}
seed() { # NAME CAPTURE PACKETS [DISPLAY FILTER]
	local name=$1 cap=$2 n=$3 f=${4:-nbss || nbdgm} tmp nums
	[ -f "$cap" ] || { echo "skip $cap (missing)" >&2; return 0; }
	tmp=$(mktemp)
	while :; do
		nums=$(TZ=UTC tshark -n -r "$cap" ${f:+-Y "$f"} -T fields -e frame.number 2>/dev/null |
			head -n "$n" | paste -sd,) || true
		[ -n "$nums" ] || { echo "skip $name: no packet matches" >&2; rm -f "$tmp"; return 0; }
		local y="frame.number in {$nums}"
		{ TZ=UTC tshark -n -r "$cap" -Y "$y" -T pdml 2>/dev/null | strip_lower
		  printf '\0'
		  TZ=UTC tshark -n -r "$cap" -Y "$y" -P -V \
			-o 'gui.column.format:"No.","%m","Info","%i"' 2>/dev/null | strip_vlower; } >"$tmp"
		[ "$(stat -c %s "$tmp")" -lt 32768 ] && break
		[ "$n" -gt 1 ] || { echo "skip $name: over 32 KB" >&2; rm -f "$tmp"; return 0; }
		n=$((n - 1))
	done
	mv "$tmp" "$out/$name.pdml"
	echo "$out/$name.pdml: $n packets, $(stat -c %s "$out/$name.pdml") bytes"
}
seed negotiate-smb311   $pub/zeek-smb_smb3_negotiate_context.pcap 2
seed smb1-lanman        $pub/zeek-smb_cifs_negotiate_lanman.pcap 3
seed smb1-trans2        $pub/zeek-smb_smb1_transaction2_request.pcap 3
seed smb1-trans         $pub/zeek-smb_smb1_transaction_response.pcap 3 'smb.cmd == 0x25'
seed dcerpc-ntlm        $pub/zeek-dce-rpc_dce_rpc_ntlm.pcapng 3 dcerpc
seed compressed         captures/compressed.pcap 3 'smb2.header.comp_transform.comp_alg'
seed lanman1            captures/lanman1.pcap 3
seed smb311-create      captures/smb311_ops.pcap 3 'smb2.cmd == 5'
seed smb311-ioctl-info  captures/smb311_ops.pcap 3 'smb2.cmd == 11 || smb2.cmd == 16'
seed encrypted          captures/encrypted_311_aes128gcm.pcap 3 'smb2.cmd == 1'
seed smb2-tree-find     captures/smb311_ops.pcap 3 'smb2.cmd == 3 || smb2.cmd == 14'
seed smb2-sesssetup     captures/reference.pcap 2 'smb2.cmd == 1'
