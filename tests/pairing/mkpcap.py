#!/usr/bin/env python3
"""Builds the captures of tests/pairing/: SMB2 request/response pairing in
the cases real traces have and the public captures lack (issue 23: the index
keeps only the unanswered requests and finds a response's request by
distance; tests/cli_pairing.sh checks smbcmp against tshark on them).

  pair_reorder.pcap  a response captured before its request (file order), a
                     response whose timestamp is earlier than its request's,
                     two requests whose TCP segments arrive out of order
  pair_pending.pcap  interim STATUS_PENDING responses then the final one; a
                     final response sent twice (SMB level) and one TCP
                     retransmission of a final response
  pair_reuse.pcap    a MessageId reused after its answer (same and other
                     command), before its answer, by two sessions of one
                     connection, 20 times; a credit charge of 4; the same
                     MessageId on two connections
  pair_orphans.pcap  a connection whose capture starts in the middle: a
                     response with no request, a request never answered
  pair_compound.pcap related (CREATE+QUERY_INFO+CLOSE) and unrelated compound
                     chains, answered compound and one by one, answers sent
                     twice; a CHANGE_NOTIFY cancelled by an SMB2 CANCEL
                     (interim, then STATUS_CANCELLED), a sync CANCEL, and a
                     CANCEL of a request already answered

Every message is crafted here (MS-SMB2 2.2); each case is its own TCP
stream (tests/synth/pcapkit.py). Usage: tests/pairing/mkpcap.py (writes next
to itself); mkpcap.py --far OUT writes a larger one (see far()). Standard
library only; deterministic.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "synth"))
from pcapkit import Stream, nbss, write_pcap  # noqa: E402

T0 = 1700000000 * 1000000
CREATE, CLOSE, ECHO, CANCEL, FIND, NOTIFY, GETINFO, IOCTL = 5, 6, 13, 12, 14, 15, 16, 11
PENDING, CANCELLED, NO_MORE_FILES = 0x00000103, 0xC0000120, 0x80000006
RSP, ASYNC, RELATED = 1, 2, 4


def hdr(cmd, mid, rsp=False, status=0, aid=None, sesid=0x1000, tid=1, nxt=0,
        related=False, charge=1):
    flags = (RSP if rsp else 0) | (ASYNC if aid is not None else 0) | (RELATED if related else 0)
    h = struct.pack("<4sHHIHHIIQ", b"\xfeSMB", 64, charge, status, cmd,
                    1 if not rsp else 10, flags, nxt, mid)
    h += struct.pack("<Q", aid) if aid is not None else struct.pack("<II", 0xFEFF, tid)
    return h + struct.pack("<Q", sesid) + b"\0" * 16


RELATED_FID = -1   # FileId of a related compound member: all 0xFF


def fid(n):
    if n == RELATED_FID:
        return b"\xff" * 16
    return struct.pack("<QQ", n, 0xFFFF0000 + n)


def utf16(s):
    return s.encode("utf-16-le")


def create_req(mid, name, **kw):
    n = utf16(name)
    body = struct.pack("<HBBIQQIIIIIHHII", 57, 0, 0, 2, 0, 0, 0x80, 0, 7, 1, 0x40,
                       120, len(n), 0, 0)
    return hdr(CREATE, mid, **kw) + body + (n or b"\0")


def create_rsp(mid, f, **kw):
    body = struct.pack("<HBBIQQQQQQII", 89, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80, 0) + fid(f) + struct.pack("<II", 0, 0)
    return hdr(CREATE, mid, rsp=True, **kw) + body


def error_rsp(cmd, mid, status, **kw):
    return hdr(cmd, mid, rsp=True, status=status, **kw) + struct.pack("<HBBI", 9, 0, 0, 0) + b"\0"


def close_req(mid, f, **kw):
    return hdr(CLOSE, mid, **kw) + struct.pack("<HHI", 24, 0, 0) + fid(f)


def close_rsp(mid, **kw):
    return hdr(CLOSE, mid, rsp=True, **kw) + struct.pack("<HHIQQQQQQI", 60, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def echo(mid, rsp=False, **kw):
    return hdr(ECHO, mid, rsp=rsp, **kw) + struct.pack("<HH", 4, 0)


def cancel(mid, **kw):
    return hdr(CANCEL, mid, **kw) + struct.pack("<HH", 4, 0)


def find_req(mid, f, level, pattern, **kw):
    p = utf16(pattern)
    return hdr(FIND, mid, **kw) + struct.pack("<HBBI", 33, level, 0, 0) + fid(f) + \
        struct.pack("<HHI", 96, len(p), 65536) + p


def find_rsp(mid, level, **kw):
    # one FileNamesInformation (level 12) or FileDirectoryInformation (1) entry
    name = utf16("x.txt")
    if level == 12:
        ent = struct.pack("<III", 0, 0, len(name)) + name
    else:
        ent = struct.pack("<IIQQQQQQII", 0, 0, 0, 0, 0, 0, 5, 8, 0x20, len(name)) + name
    return hdr(FIND, mid, rsp=True, **kw) + struct.pack("<HHI", 9, 72, len(ent)) + ent


def getinfo_req(mid, f, itype, iclass, **kw):
    return hdr(GETINFO, mid, **kw) + struct.pack("<HBBIHHIII", 41, itype, iclass, 4096, 0, 0, 0, 0, 0) + fid(f)


def getinfo_rsp(mid, itype, iclass, **kw):
    if (itype, iclass) == (1, 5):     # FileStandardInformation
        buf = struct.pack("<QQIBBH", 4096, 5, 1, 0, 0, 0)
    elif (itype, iclass) == (1, 6):   # FileInternalInformation
        buf = struct.pack("<Q", 0x1234)
    else:                             # FileFsSizeInformation (2, 3)
        buf = struct.pack("<QQII", 1000, 500, 8, 512)
    return hdr(GETINFO, mid, rsp=True, **kw) + struct.pack("<HHI", 9, 72, len(buf)) + buf


def ioctl_req(mid, f, code, **kw):
    return hdr(IOCTL, mid, **kw) + struct.pack("<HHI", 57, 0, code) + fid(f) + \
        struct.pack("<IIIIIIII", 0, 0, 0, 0, 0, 4096, 1, 0)


def ioctl_rsp(mid, f, code, **kw):
    return hdr(IOCTL, mid, rsp=True, **kw) + struct.pack("<HHI", 49, 0, code) + fid(f) + \
        struct.pack("<IIIIII", 112, 0, 112, 0, 0, 0)


def notify_req(mid, f, **kw):
    return hdr(NOTIFY, mid, **kw) + struct.pack("<HHI", 32, 1, 4096) + fid(f) + struct.pack("<II", 0x17, 0)


def chain(*msgs):
    """A compound: each member 8-byte aligned, NextCommand set."""
    out = b""
    for i, m in enumerate(msgs):
        if i + 1 < len(msgs):
            m += b"\0" * (-len(m) % 8)
            m = m[:20] + struct.pack("<I", len(m)) + m[24:]
        out += m
    return out


class Cut(Stream):
    """A stream whose capture starts after the handshake."""

    def __init__(self, out, cport, t0):
        self.out, self.cport, self.t = out, cport, t0
        self.seq = {True: 77000, False: 99000}


def reorder(out):
    # Response in the file before its request: frames swapped, times as in
    # the file (a merge of two interfaces by timestamp with a skewed clock).
    s = Stream(out, 42001, T0)
    s.c2s(create_req(1, "first.txt"))
    s.s2c(create_rsp(1, 1))
    s.c2s(create_req(2, "swapped.txt"))
    s.s2c(create_rsp(2, 2))
    a, b = len(out) - 2, len(out) - 1
    (ta, tua, fa), (tb, tub, fb) = out[a], out[b]
    out[a], out[b] = (ta, tua, fb), (tb, tub, fa)
    s.c2s(getinfo_req(3, 2, 1, 5))
    s.s2c(getinfo_rsp(3, 1, 5))
    # Request first in the file, its response stamped 3 ms earlier
    # (a file not in time order).
    s.c2s(find_req(4, 2, 12, "*.txt"))
    s.s2c(find_rsp(4, 12))
    ts, tu, fr = out[-1]
    t = ts * 1000000 + tu - 3000
    out[-1] = (t // 1000000, t % 1000000, fr)
    # Two requests whose TCP segments are captured out of order (the
    # second, higher sequence number, first), then their responses.
    s2 = Stream(out, 42002, T0 + 1000000)
    s2.c2s(create_req(1, "ooo_a.txt"))
    s2.c2s(create_req(2, "ooo_b.txt"))
    out[-1], out[-2] = out[-2], out[-1]
    (t1, u1, f1), (t2, u2, f2) = out[-2], out[-1]
    out[-2], out[-1] = (t2, u2, f1), (t1, u1, f2)  # times in file order
    s2.s2c(create_rsp(1, 11))
    s2.s2c(create_rsp(2, 12))


def pending(out):
    s = Stream(out, 42101, T0)
    s.c2s(create_req(5, "slow.txt"))
    s.s2c(error_rsp(CREATE, 5, PENDING, aid=0x51))
    s.s2c(create_rsp(5, 5, aid=0x51))
    s.c2s(getinfo_req(6, 5, 1, 6))
    s.s2c(error_rsp(GETINFO, 6, PENDING, aid=0x61))
    s.s2c(error_rsp(GETINFO, 6, PENDING, aid=0x61))   # a second interim
    s.s2c(getinfo_rsp(6, 1, 6, aid=0x61))
    # the final response sent twice by the server (new TCP data)
    s.c2s(ioctl_req(7, 5, 0x001401FC))
    s.s2c(ioctl_rsp(7, 5, 0x001401FC))
    s.s2c(ioctl_rsp(7, 5, 0x001401FC))
    # a TCP retransmission of a final response (same sequence number)
    s.c2s(find_req(8, 5, 1, "*"))
    s.s2c(find_rsp(8, 1))
    ts, tu, fr = out[-1]
    out.append((ts, tu + 200, fr))
    s.c2s(echo(9))
    s.s2c(echo(9, rsp=True))


def reuse(out):
    s = Stream(out, 42201, T0)
    # reused after its answer, same command
    s.c2s(create_req(7, "a.txt"))
    s.s2c(create_rsp(7, 1))
    s.c2s(create_req(7, "b.txt"))
    s.s2c(create_rsp(7, 2))
    # reused after its answer, another command
    s.c2s(getinfo_req(8, 1, 1, 5))
    s.s2c(getinfo_rsp(8, 1, 5))
    s.c2s(find_req(8, 2, 12, "r*"))
    s.s2c(find_rsp(8, 12))
    # reused before its answer (a broken client): two requests, one answer
    s.c2s(create_req(9, "lost.txt"))
    s.c2s(create_req(9, "kept.txt"))
    s.s2c(create_rsp(9, 3))
    # reused before its answer with another command
    s.c2s(getinfo_req(10, 1, 2, 3))
    s.c2s(ioctl_req(10, 1, 0x00090078))
    s.s2c(ioctl_rsp(10, 1, 0x00090078))
    # one MessageId on two sessions of the connection, both answered
    s.c2s(create_req(20, "s1.txt", sesid=0x1000))
    s.c2s(create_req(20, "s2.txt", sesid=0x2000))
    s.s2c(create_rsp(20, 21, sesid=0x1000))
    s.s2c(create_rsp(20, 22, sesid=0x2000))
    # a credit charge of 4 (ids 30-33), answered after the next request
    s.c2s(find_req(30, 1, 1, "*", charge=4))
    s.c2s(getinfo_req(34, 1, 1, 6))
    s.s2c(getinfo_rsp(34, 1, 6))
    s.s2c(find_rsp(30, 1, charge=4))
    # the same MessageId on two connections, interleaved
    a = Stream(out, 42202, T0 + 1000000)
    b = Stream(out, 42203, T0 + 1000000 + 500)
    a.c2s(create_req(3, "conn_a.txt"))
    b.c2s(create_req(3, "conn_b.txt"))
    b.s2c(create_rsp(3, 32))
    a.s2c(create_rsp(3, 31))
    # one request sent 20 times before its answer (a client retrying)
    c = Stream(out, 42204, T0 + 2000000)
    for i in range(20):
        c.c2s(create_req(5, "retry%d.txt" % i))
    c.s2c(create_rsp(5, 5))


def orphans(out):
    s = Cut(out, 42301, T0)
    s.s2c(create_rsp(40, 40))               # its request is before the capture
    s.s2c(getinfo_rsp(41, 1, 5))
    s.c2s(create_req(42, "never.txt"))      # never answered
    s.c2s(echo(43))
    s.s2c(echo(43, rsp=True))
    s.c2s(find_req(44, 40, 12, "*"))        # never answered either


def compound(out):
    s = Stream(out, 42401, T0)
    # related chain, answered by a compound
    s.c2s(chain(create_req(1, "chain.txt"),
                getinfo_req(2, RELATED_FID, 1, 5, related=True),
                close_req(3, RELATED_FID, related=True)))
    s.s2c(chain(create_rsp(1, 7), getinfo_rsp(2, 1, 5, related=True), close_rsp(3, related=True)))
    # unrelated chain (two CREATEs and an IOCTL), answered one by one and
    # out of order
    s.c2s(chain(create_req(4, "u1.txt"), create_req(5, "u2.txt"), ioctl_req(6, 7, 0x00060194)))
    s.s2c(create_rsp(5, 9))
    s.s2c(ioctl_rsp(6, 7, 0x00060194))
    s.s2c(create_rsp(4, 8))
    # plain requests answered by one compound
    s.c2s(find_req(7, 8, 12, "c*"))
    s.c2s(getinfo_req(8, 8, 2, 3))
    s.s2c(chain(find_rsp(7, 12), getinfo_rsp(8, 2, 3)))
    # that compound answer sent again, and again one of the answers to the
    # unrelated chain, alone
    s.s2c(chain(find_rsp(7, 12), getinfo_rsp(8, 2, 3)))
    s.s2c(create_rsp(5, 9))
    # CHANGE_NOTIFY, interim, CANCEL (async), final STATUS_CANCELLED
    s.c2s(notify_req(9, 8))
    s.s2c(error_rsp(NOTIFY, 9, PENDING, aid=0x91))
    s.c2s(cancel(9, aid=0x91))
    s.s2c(error_rsp(NOTIFY, 9, CANCELLED, aid=0x91))
    # CANCEL (sync, by MessageId) of a CREATE still unanswered, then its
    # answer
    s.c2s(create_req(10, "cancelled.txt"))
    s.c2s(cancel(10))
    s.s2c(error_rsp(CREATE, 10, CANCELLED))
    # CANCEL of a request already answered
    s.c2s(echo(11))
    s.s2c(echo(11, rsp=True))
    s.c2s(cancel(11))
    s.c2s(echo(12))
    s.s2c(echo(12, rsp=True))


def far(path):
    """A NOTIFY answered 40,000 PDUs later (its pair is beyond the 16-bit
    distance of a PDU record) and a CREATE answer sent again after 10,000
    other answers on another connection: 40,012 frames, made by
    tests/cli_pairing.sh (not committed)."""
    out = []
    s = Stream(out, 50001, T0)
    s.c2s(notify_req(1, 8))
    s.s2c(error_rsp(NOTIFY, 1, PENDING, aid=0x11))
    s.c2s(create_req(2, "far.txt"))
    s.s2c(create_rsp(2, 2))
    o = Stream(out, 50002, T0 + 500)
    for i in range(20000):
        o.c2s(echo(10 + i))
        o.s2c(echo(10 + i, rsp=True))
        if i == 9999:
            s.s2c(create_rsp(2, 2))
    s.s2c(error_rsp(NOTIFY, 1, 0x0000010C, aid=0x11))  # STATUS_NOTIFY_ENUM_DIR
    write_pcap(path, out)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--far":
        far(sys.argv[2])
        return
    for name, fn in (("reorder", reorder), ("pending", pending), ("reuse", reuse),
                     ("orphans", orphans), ("compound", compound)):
        out = []
        fn(out)
        write_pcap(os.path.join(HERE, "pair_" + name + ".pcap"), out)


if __name__ == "__main__":
    main()
