#!/usr/bin/env python3
"""Builds tests/gap/gap.pcap: captures/same_1.pcap with capture loss in the
client's direction, for frame order (issue 24 items 2 and 3).

Frame 10 (the client's authenticating Session Setup Request) is cut to its
first 100 TCP payload bytes: the rest of that segment was "lost". The
client's later segments then wait behind the hole until the end of the
capture, where the hole is declared a gap: the cut PDU is flushed as
incomplete on frame 10 and the queued requests come out (reassembly order
12, 14, ... after the server's 11, 13, ...). Every output must still be in
frame order, and frame 10, which holds no complete SMB2 header, has a label.
The clock also steps back: frame 85 is stamped 4.877065 s before the first
SMB frame (4), so its relative time is negative. IP length and checksum are
fixed up; frame count and numbers are unchanged.

Usage: tests/gap/mkpcap.py [SOURCE.pcap [OUT.pcap]]. Standard library only,
deterministic.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CUT_FRAME, KEEP = 10, 40
FIRST_SMB, BACK_FRAME, BACK_USEC = 4, 85, 4877065


def ip_checksum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "captures", "same_1.pcap")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "gap.pcap")
    data = open(src, "rb").read()
    magic, _, _, _, _, _, linktype = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and linktype == 1, "little-endian Ethernet pcap expected"
    res, off, num, first = [data[:24]], 24, 0, 0
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        num += 1
        if num == FIRST_SMB:
            first = sec * 1000000 + usec
        if num == BACK_FRAME:
            sec, usec = divmod(first - BACK_USEC, 1000000)
        pkt = bytearray(data[off + 16:off + 16 + incl])
        off += 16 + incl
        if num == CUT_FRAME:
            ihl = (pkt[14] & 0x0F) * 4
            thl = (pkt[14 + ihl + 12] >> 4) * 4
            start = 14 + ihl + thl
            assert len(pkt) > start + KEEP, "frame to cut has too little payload"
            del pkt[start + KEEP:]
            struct.pack_into("!H", pkt, 16, len(pkt) - 14)
            struct.pack_into("!H", pkt, 24, 0)
            struct.pack_into("!H", pkt, 24, ip_checksum(bytes(pkt[14:14 + ihl])))
            incl = orig = len(pkt)
        res.append(struct.pack("<IIII", sec, usec, incl, orig) + bytes(pkt))
    open(out, "wb").write(b"".join(res))


if __name__ == "__main__":
    main()
