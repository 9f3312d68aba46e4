#!/usr/bin/env python3
"""Builds tests/writepair/two_writes.pcap for write pairing (issue 24 item 9).

captures/same_1.pcap writes 4096 bytes at offset 0 (request frame 36,
response 37). two_writes.pcap is the same recording with one more WRITE of
the same file: frame 36 now writes at offset 4096, and a copy of frames 36
and 37 right after them (frames 38, 39; other MessageId) writes at offset
0; TCP sequence and acknowledgement numbers of the later packets shifted.
Compared with same_1.pcap, the write at offset 0 (frame 38) must pair with
the reference's write at offset 0, and the one at 4096 (frame 36) be the
extra operation, not the other way round (the alignment's common-prefix
trimming pairs the first writes, whatever their offsets).

Usage: tests/writepair/mkpcap.py [SOURCE.pcap [OUT.pcap]]. Standard library
only, deterministic.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REQ, RSP, NEW_OFFSET, NEW_MSGID = 36, 37, 4096, 0x1000


def ip_checksum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_parts(pkt):
    ihl = (pkt[14] & 0x0F) * 4
    t = 14 + ihl
    return ihl, t, t + (pkt[t + 12] >> 4) * 4


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "captures", "same_1.pcap")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "two_writes.pcap")
    data = open(src, "rb").read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4 and struct.unpack("<I", data[20:24])[0] == 1
    pkts, off = [], 24
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        pkts.append((data[off:off + 8], bytearray(data[off + 16:off + 16 + incl])))
        off += 16 + incl
    # The copies (request, then response) follow the original response:
    # 36 37 36' 37'. Each copy's sequence number follows its original; the
    # later packets of each direction move by the copy's payload length.
    grow, copies = {}, []
    for num in (REQ, RSP):
        ts, pkt = pkts[num - 1]
        pkt = bytearray(pkt)
        _, t, pay = tcp_parts(pkt)
        sport, seq = struct.unpack("!H", pkt[t:t + 2])[0], struct.unpack("!I", pkt[t + 4:t + 8])[0]
        n = len(pkt) - pay
        struct.pack_into("!I", pkt, t + 4, (seq + n) & 0xFFFFFFFF)
        struct.pack_into("<Q", pkt, pay + 4 + 24, NEW_MSGID)        # SMB2 MessageId
        if num == REQ:  # the original writes at NEW_OFFSET, the copy at 0
            _, _, opay = tcp_parts(pkts[num - 1][1])
            struct.pack_into("<Q", pkts[num - 1][1], opay + 4 + 64 + 8, NEW_OFFSET)
        grow[sport] = n
        copies.append((ts, pkt))
    res = []
    for i, (ts, pkt) in enumerate(pkts, 1):
        if i > RSP and pkt[12:14] == b"\x08\x00" and pkt[23] == 6:
            _, t, _ = tcp_parts(pkt)
            sport, dport = struct.unpack("!HH", pkt[t:t + 4])
            seq, ack = struct.unpack("!II", pkt[t + 4:t + 12])
            struct.pack_into("!II", pkt, t + 4, (seq + grow.get(sport, 0)) & 0xFFFFFFFF,
                             (ack + grow.get(dport, 0)) & 0xFFFFFFFF)
        res.append((ts, pkt))
        if i == RSP:
            res.extend(copies)
    blob = [data[:24]]
    for ts, pkt in res:
        blob.append(ts + struct.pack("<II", len(pkt), len(pkt)) + bytes(pkt))
    open(out, "wb").write(b"".join(blob))


if __name__ == "__main__":
    main()
