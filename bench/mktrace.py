#!/usr/bin/env python3
"""mktrace.py - build a large test trace by replicating a real one.

    bench/mktrace.py IN.pcap OUT.pcap COPIES [--bytes N]

Each copy of IN's packets gets its own client port (and so its own TCP
connection: tshark treats same-tuple copies as retransmissions, ORACLE.md)
and is shifted in time after the previous one. Classic pcap with Ethernet +
IPv4 input only (our loopback recordings). Stops early once OUT reaches
--bytes. Checksums are not recomputed (neither smbcmp nor tshark checks
them by default).
"""
import struct
import sys


def main():
    src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    limit = int(sys.argv[sys.argv.index("--bytes") + 1]) if "--bytes" in sys.argv else 1 << 62
    data = open(src, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    hdr, off, pkts = data[:24], 24, []
    while off + 16 <= len(data):
        ts, tf, cap, ln = struct.unpack(endian + "IIII", data[off:off + 16])
        pkts.append([ts, tf, ln, bytearray(data[off + 16:off + 16 + cap])])
        off += 16 + cap
    span = pkts[-1][0] - pkts[0][0] + 1
    written = 24
    with open(dst, "wb") as out:
        out.write(hdr)
        for k in range(copies):
            for ts, tf, ln, pkt in pkts:
                p = bytearray(pkt)
                if len(p) >= 14 + 20 + 4 and p[12:14] == b"\x08\x00" and p[23] == 6:
                    ihl = (p[14] & 15) * 4
                    t = 14 + ihl
                    sport, dport = struct.unpack(">HH", p[t:t + 4])
                    # The client is the side that is not 445/139.
                    if dport in (445, 139):
                        sport = 1024 + (sport + k * 7) % 60000
                    else:
                        dport = 1024 + (dport + k * 7) % 60000
                    p[t:t + 4] = struct.pack(">HH", sport, dport)
                rec = struct.pack(endian + "IIII", ts + k * span, tf, len(p), ln) + p
                out.write(rec)
                written += len(rec)
            if written >= limit:
                break


if __name__ == "__main__":
    main()
