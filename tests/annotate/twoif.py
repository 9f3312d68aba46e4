#!/usr/bin/env python3
"""twoif.py IN.pcap OUT.pcapng: IN as a pcapng with two interfaces of its
link type (microsecond and nanosecond times; libpcap wants one snaplen),
packets alternating between them, and an opt_comment of the input's own on
the first packet, for tests/cli_annotate.sh."""
import struct
import sys

data = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", data[:4])[0]
assert magic == 0xa1b2c3d4, "a little-endian microsecond pcap"
linktype = struct.unpack("<I", data[20:24])[0] & 0xffff


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def opt(code, val):
    return struct.pack("<HH", code, len(val)) + val + b"\0" * (-len(val) % 4)


out = [block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)),
       block(1, struct.pack("<HHI", linktype, 0, 65535)),
       block(1, struct.pack("<HHI", linktype, 0, 65535) + opt(9, b"\x09") + opt(0, b""))]
off, i = 24, 0
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    iface = i % 2
    ts = sec * 10**6 + usec if iface == 0 else (sec * 10**6 + usec) * 1000
    body = struct.pack("<IIIII", iface, ts >> 32, ts & 0xffffffff, incl, orig) + pkt
    body += b"\0" * (-len(body) % 4)
    if i == 0:
        body += opt(1, b"the input's own comment") + opt(0, b"")
    out.append(block(6, body))
    i += 1
open(sys.argv[2], "wb").write(b"".join(out))
