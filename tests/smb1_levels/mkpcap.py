#!/usr/bin/env python3
"""Builds tests/smb1_levels/levels.pcap: TRANS2 SET_PATH_INFO requests with
every information level smbcmp dissects (and some it must leave alone), for
tests/difftest.py against tshark.

Usage: tests/smb1_levels/mkpcap.py
Source: frame 60 of captures/nt1_posix.pcap (smbclient's SET_PATH_INFO
SMB_SET_FILE_BASIC_INFO, Unicode): the level and the data are replaced, the
trans2 counts, ByteCount, NBSS and IP lengths fixed up, and each request gets
its own client port so that tshark sees no retransmissions. Data bytes are a
fixed pattern (ASCII where a string is read, since tshark 4.0 shows SMB1
characters beyond U+007F as '?' or U+FFFD); DOS date/time pairs cover the
"no time" and invalid forms. Standard library only; deterministic.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "captures", "nt1_posix.pcap")


def frames(path):
    data = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        s, u, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((s, u, bytes(data[off + 16:off + 16 + incl])))
        off += 16 + incl
    return data[:24], out


def request(base, level, payload, port):
    # Offsets in the source frame (Ethernet 14 + IPv4 20 + TCP 32, NBSS at
    # 66, SMB at 70): TotalDataCount 105, DataCount 125, ByteCount 133,
    # level 138, data 174 (to the end).
    p = bytearray(base[:174]) + payload
    n = len(payload)
    struct.pack_into("<H", p, 138, level)
    struct.pack_into("<H", p, 105, n)
    struct.pack_into("<H", p, 125, n)
    struct.pack_into("<H", p, 133, struct.unpack_from("<H", base, 133)[0] - (len(base) - 174) + n)
    p[67:70] = (len(p) - 70).to_bytes(3, "big")
    struct.pack_into(">H", p, 16, len(p) - 14)
    struct.pack_into(">H", p, 34, port)
    return bytes(p)


def dos(y, mo, d, h, mi, s2):
    return struct.pack("<HH", ((y - 1980) << 9) | (mo << 5) | d, (h << 11) | (mi << 5) | s2)


def main():
    hdr, fr = frames(SRC)
    base = fr[59][2]
    assert struct.unpack_from("<H", base, 138)[0] == 1004, "not the expected source frame"
    pat = bytes((k * 13 + 5) & 0xFF for k in range(116))
    cases = [(lv, pat[:40]) for lv in (0x101, 0x102, 0x103, 0x104, 1004, 1013, 1019, 1020)]
    cases += [(0x200, pat[:100]), (0x20B, pat[:116]), (1023, pat[:24])]
    cases += [(lv, pat[:24]) for lv in (0x203, 0x205, 0x206, 0x208, 0x209, 0x20A, 1025, 1040)]
    acl = struct.pack("<HHH", 1, 4, 1)
    for typ, perm, ident in ((1, 6, 1001), (2, 7, 1002), (4, 4, 100), (8, 5, 101), (0x20, 4, 0)):
        acl += bytes([typ, perm]) + struct.pack("<Q", ident)
    cases.append((0x204, acl))
    cases.append((1010, struct.pack("<III", 1, 0, 10) + "b.txt".encode("utf-16-le")))
    cases.append((0x201, "target.jpg\0".encode("utf-16-le")))
    cases.append((0x202, "hard.jpg\0".encode("utf-16-le")))
    dts = [(b"\0\0\0\0"), (b"\xff\xff\xff\xff"), dos(2024, 0, 5, 1, 2, 3), dos(2024, 13, 5, 1, 2, 3),
           dos(2024, 2, 30, 1, 2, 3), dos(2024, 2, 0, 1, 2, 3), dos(2024, 2, 3, 24, 2, 3),
           dos(2024, 2, 3, 1, 60, 3), dos(2024, 2, 3, 1, 2, 30), dos(2024, 2, 3, 1, 2, 29),
           dos(2023, 2, 29, 1, 2, 3), dos(2024, 2, 29, 23, 59, 29)]
    for dt in dts:
        cases.append((1, dt * 3 + struct.pack("<IIH", 5, 6, 0x21)))
    with open(os.path.join(HERE, "levels.pcap"), "wb") as out:
        out.write(hdr)
        for i, (lv, pl) in enumerate(cases):
            p = request(base, lv, pl, 42000 + i)
            out.write(struct.pack("<IIII", fr[59][0] + i, 0, len(p), len(p)))
            out.write(p)


if __name__ == "__main__":
    main()
