#!/usr/bin/env python3
"""Builds the synthetic captures of tests/synth/ from real requests, one per
class of message the public captures lack (issue 22), for tests/difftest.py
against tshark:

  trans_secondary.pcap  TRANSACTION, TRANSACTION2 and NT_TRANSACT primaries
                        whose parameters or data continue in secondary
                        requests (also an NT_TRANSACT secondary in the frame
                        of its primary, and TRANSACTION2 secondaries after an
                        NT_TRANSACT primary as exploit traffic sends them)
  large_rw.pcap         Write AndX requests and Read AndX responses of 64 KiB
                        or more (ByteCount wraps), and pad byte variants
  ctrl_strings.pcap     SMB2 and SMB1 file names with control characters
  smb2_pipes.pcap       READs of a named pipe answered STATUS_BUFFER_OVERFLOW,
                        FSCTL_PIPE_WAIT with and without a timeout
  readx_timeout.pcap    Read AndX requests whose MaxCountHigh is a pipe timeout
  durable_v2.pcap       CREATE with durable handle v2 contexts (DH2Q, DH2C)
  nbss_continuation.pcap  TCP segments that start in the middle of a message
  smb1_pipes.pcap       SMB1 writes and reads of named pipe data (IPC$ tree,
                        message-start write modes)

Usage: tests/synth/mkpcap.py (writes next to itself). Sources: captures/
nt1.pcap frames 26, 27, 34, 35 (Write AndX, Read AndX) and 24 (NT Create AndX), reference.pcap frame 34 (CREATE),
nt1_posix.pcap frame 60 (TRANS2 SET_PATH_INFO), captures/nt1_ops.pcap frame
60 (NT_TRANSACT QUERY_SECURITY_DESC), the public
zeek-smb_raw_ntlm_in_smb.pcap frame 31 (TRANSACTION on \\PIPE\\, a DCE/RPC
bind), suricata-smb2-06_20171220_smb_net_user.pcap frames 19, 20 (READ of
a pipe), zeek-smb_smb2readwrite.pcap frame 44 (FSCTL_PIPE_WAIT),
zeek-smb_smb1_transaction_request.pcap frames 11, 12 (Tree Connect AndX to
IPC$). Each case is its own TCP stream (pcapkit.Stream). Standard library
only; deterministic.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, "..", "..")
# The public captures: shared/ beside the clone (or beside its worktree
# folder), or $PUBLIC_CAPTURES.
PUBLIC = os.environ.get("PUBLIC_CAPTURES") or next(
    (p for p in (os.path.join(REPO, "..", "shared", "captures", "public"),
                 os.path.join(REPO, "..", "..", "shared", "captures", "public"))
     if os.path.isdir(p)), os.path.join(REPO, "..", "shared", "captures", "public"))
sys.path.insert(0, HERE)
from pcapkit import Stream, nbss, read_pcap, smb_of, write_pcap  # noqa: E402

T0 = 1700000000 * 1000000


def source(path, *frames):
    _, fr = read_pcap(path)
    return [smb_of(fr[n - 1][2]) for n in frames]


def smb1(hdr, words, bts, cmd=None):
    if cmd is not None:
        hdr = hdr[:4] + bytes([cmd]) + hdr[5:]
    return hdr + bytes([len(words) // 2]) + words + struct.pack("<H", len(bts)) + bts


def trans_secondary(out):
    # TRANS2 SET_PATH_INFO (FILE_BASIC_INFO): 34 parameter bytes at 0x44,
    # 40 data bytes at 0x68.
    req, rsp = source(os.path.join(REPO, "captures", "nt1_posix.pcap"), 60, 61)
    hdr, params, data = req[:32], req[0x44:0x44 + 34], req[0x68:0x68 + 40]

    def t2_primary(pc, dc):
        po = 0x44
        do = (po + pc + 3) & ~3 if dc else 0
        bts = b"\0" * (po - 0x41) + params[:pc] + b"\0" * ((do - po - pc) if dc else 0) + data[:dc]
        w = struct.pack("<HHHHBBHIHHHHHBBH", 34, 40, 2, 0, 0, 0, 0, 0, 0, pc, po, dc, do, 1, 0, 6)
        return smb1(hdr, w, bts)

    def t2_secondary(pc, pd, dc, dd, pad1, pad2, fid=0xFFFF, cmd=0x33):
        wc = 9 if cmd == 0x33 else 8
        start = 32 + 1 + 2 * wc + 2
        po = start + pad1 if pc else 0
        do = start + pad1 + pc + pad2 if dc else 0
        w = struct.pack("<8H", 34, 40, pc, po, pd, dc, do, dd)
        if cmd == 0x33:
            w += struct.pack("<H", fid)
        return smb1(hdr, w, b"\0" * pad1 + params[pd:pd + pc] + b"\0" * pad2 + data[dd:dd + dc], cmd)

    s = Stream(out, 41001, T0)
    s.c2s(t2_primary(34, 16))
    s.c2s(t2_secondary(0, 0, 24, 16, 3, 0))
    s.s2c(rsp)
    s = Stream(out, 41002, T0 + 1000000)
    s.c2s(t2_primary(10, 0))
    s.c2s(t2_secondary(24, 10, 40, 0, 1, 2, fid=0x1234))
    s.s2c(rsp)
    # The two pieces in one segment; a secondary whose padding runs past
    # its bytes.
    s = Stream(out, 41003, T0 + 2000000)
    short = bytearray(t2_secondary(0, 0, 24, 16, 3, 0))
    struct.pack_into("<H", short, 33 + 12, 120)
    s.c2s(t2_primary(34, 16), bytes(short))
    s.s2c(rsp)

    # TRANSACTION on \PIPE\ (DCE/RPC bind, 72 data bytes at 84): 40 in the
    # primary, 32 in a TRANSACTION secondary.
    req, rsp = source(os.path.join(PUBLIC, "zeek-smb_raw_ntlm_in_smb.pcap"), 31, 32)
    hdr, data = req[:32], req[84:84 + 72]
    w = bytearray(req[33:33 + 32])
    struct.pack_into("<H", w, 22, 40)
    s = Stream(out, 41004, T0 + 3000000)
    s.c2s(smb1(hdr, bytes(w), req[67:84] + data[:40]))
    s.c2s(smb1(hdr, struct.pack("<8H", 0, 72, 0, 0, 0, 32, 52, 40), b"\0" + data[40:], 0x26))
    s.s2c(rsp)

    # NT_TRANSACT QUERY_SECURITY_DESC (8 parameter bytes at 0x4a), made to
    # announce 300 data bytes that follow in NT_TRANSACT secondaries.
    req, rsp = source(os.path.join(REPO, "captures", "nt1_ops.pcap"), 60, 61)
    hdr, params = req[:32], req[0x4A:0x4A + 8]
    w = bytearray(req[33:33 + 38])
    struct.pack_into("<I", w, 7, 300)
    prim = smb1(hdr, bytes(w), req[71:0x4A] + params)
    blob = bytes((k * 7 + 3) & 0xFF for k in range(1200))

    def ntsec(pc, po, pd, dc, do, dd, bts, cmd=0xA1):
        words = b"\0\0\0" + struct.pack("<8I", 8, 300, pc, po, pd, dc, do, dd) + b"\0"
        return smb1(hdr, words, bts, cmd)

    s = Stream(out, 41005, T0 + 4000000)
    # 272 data bytes: ByteCount 0x0111, read one byte late as 1.
    s.c2s(prim, ntsec(0, 0, 0, 272, 72, 28, b"\0" + blob[28:300]))
    # ByteCount 7, read as 0.
    s.c2s(ntsec(2, 72, 0, 4, 76, 4, b"\0\x11\x22\0\0" + blob[:4]))
    s.s2c(rsp)
    # ByteCount 0x0258 whose first byte is 2: read as 0x0202; padding,
    # parameters, padding and data within it, and extra bytes after.
    s = Stream(out, 41006, T0 + 5000000)
    s.c2s(prim)
    s.c2s(ntsec(4, 74, 0, 400, 80, 0, b"\x02" + blob[:599]))
    s.s2c(rsp)
    # Exploit traffic: TRANSACTION2 secondaries continuing an NT_TRANSACT.
    s = Stream(out, 41007, T0 + 6000000)
    s.c2s(prim)
    for k in range(3):
        w = struct.pack("<9H", 8, 300, 0, 0, 0, 100, 53, 100 * k, 0)
        s.c2s(smb1(hdr, w, blob[100 * k:100 * k + 100], 0x33))
    s.s2c(rsp)
    write_pcap(os.path.join(HERE, "trans_secondary.pcap"), out)


def large_rw(out):
    # Write AndX (WordCount 14, DataOffset 64 after one pad byte) and Read
    # AndX response of smbclient's 4096-byte put/get, with lengths of 64 KiB
    # or more whose ByteCount wraps.
    _, fr = read_pcap(os.path.join(REPO, "captures", "nt1.pcap"))
    wreq, wrsp, rreq, rrsp = (smb_of(fr[n - 1][2]) for n in (26, 27, 34, 35))
    data = wreq[64:64 + 4096] * 17

    def writex(dlen, bcc, payload):
        w = bytearray(wreq[33:33 + 28])
        struct.pack_into("<HH", w, 18, dlen >> 16, dlen & 0xFFFF)
        return wreq[:32] + b"\x0e" + bytes(w) + struct.pack("<H", bcc) + payload

    def readx_rsp(dlen, bcc, payload):
        w = bytearray(rrsp[33:33 + 24])
        struct.pack_into("<H", w, 10, dlen & 0xFFFF)
        struct.pack_into("<I", w, 14, dlen >> 16)
        return rrsp[:32] + b"\x0c" + bytes(w) + struct.pack("<H", bcc) + payload

    cases = [
        (writex(4096, 4097, b"\0" + data[:4096]), wrsp),        # as recorded
        (writex(4096, 4096, b"\0" + data[:4096]), wrsp),        # pad not counted
        (writex(4096, 4097, b"\0\0\0" + data[:4096]), wrsp),    # DataOffset 66
        (writex(65600, 65, b"\0" + data[:65600]), wrsp),        # ByteCount wraps
        (writex(65536, 1, b"\0" + data[:65536]), wrsp),         # low 16 bits 0
        (writex(65600, 0, b"\0" + data[:65600]), wrsp),         # ByteCount 0
    ]
    for k, (rq, rs) in enumerate(cases):
        s = Stream(out, 42001 + k, T0 + k * 1000000)
        s.c2s(rq)
        s.s2c(rs)
    for k, rs in enumerate((readx_rsp(65600, 65, b"\0" + data[:65600]),
                            readx_rsp(65536, 1, b"\0" + data[:65536]))):
        s = Stream(out, 42101 + k, T0 + (10 + k) * 1000000)
        s.c2s(rreq)
        s.s2c(rs)
    write_pcap(os.path.join(HERE, "large_rw.pcap"), out)


def ctrl_strings(out):
    # smbclient's CREATE (captures/reference.pcap frame 34) and NT Create
    # AndX (captures/nt1.pcap frame 24) of "snapshot.jpg", the 12 UTF-16
    # characters of the name replaced (no tab, line feed or carriage return:
    # tshark -V breaks its lines there, which the test's alignment needs).
    _, fr = read_pcap(os.path.join(REPO, "captures", "reference.pcap"))
    req2, rsp2 = smb_of(fr[33][2]), smb_of(fr[34][2])
    _, fr = read_pcap(os.path.join(REPO, "captures", "nt1.pcap"))
    req1, rsp1 = smb_of(fr[23][2]), smb_of(fr[24][2])
    old = "snapshot.jpg".encode("utf-16-le")
    names = ["\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f",
             "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b",
             "\x1c\x1d\x1e\x1f\x7f\\\"'?abc",
             "\x05SummaryInfo",
             "\x80\x81\x85\x9f\xa0\xadabcdef"]   # SMB2 only (see README)
    for k, name in enumerate(names):
        new = name.encode("utf-16-le")
        assert len(new) == len(old)
        for smb2, (rq, rs) in enumerate(((req1, rsp1), (req2, rsp2))):
            if not smb2 and k == len(names) - 1:
                continue
            s = Stream(out, 43001 + 10 * k + smb2, T0 + (2 * k + smb2) * 1000000)
            s.c2s(rq.replace(old, new, 1))
            s.s2c(rs)
    write_pcap(os.path.join(HERE, "ctrl_strings.pcap"), out)


def smb2_pipes(out):
    # READ of the samr pipe answered with a DCE/RPC bind_ack (public
    # suricata-smb2-06_20171220_smb_net_user.pcap frames 19, 20): the first
    # 60 bytes answered STATUS_BUFFER_OVERFLOW, the rest by a second READ;
    # then the same after an interim STATUS_PENDING (async). FSCTL_PIPE_WAIT
    # (public zeek-smb_smb2readwrite.pcap frame 44) as recorded and with a
    # timeout specified.
    _, fr = read_pcap(os.path.join(PUBLIC, "suricata-smb2-06_20171220_smb_net_user.pcap"))
    rq, rs = smb_of(fr[18][2]), smb_of(fr[19][2])
    data = rs[0x50:0x50 + 116]

    def with_mid(m, bump):
        m = bytearray(m)
        struct.pack_into("<Q", m, 24, struct.unpack_from("<Q", m, 24)[0] + bump)
        return m

    def read(bump, length):
        m = with_mid(rq, bump)
        struct.pack_into("<I", m, 68, length)
        return bytes(m)

    def answer(bump, status, d, async_id=0):
        m = with_mid(rs[:0x50], bump) + d
        struct.pack_into("<I", m, 8, status)
        struct.pack_into("<I", m, 68, len(d))
        if async_id:
            struct.pack_into("<I", m, 16, struct.unpack_from("<I", m, 16)[0] | 2)
            struct.pack_into("<Q", m, 32, async_id)
        return bytes(m)

    s = Stream(out, 44001, T0)
    s.c2s(read(0, 60))
    s.s2c(answer(0, 0x80000005, data[:60]))
    s.c2s(read(1, 1024))
    s.s2c(answer(1, 0, data[60:]))
    s = Stream(out, 44002, T0 + 1000000)
    s.c2s(read(0, 60))
    pending = bytearray(answer(0, 0x103, b"", 0x1234)[:64]) + bytes([9, 0, 0, 0, 0, 0, 0, 0, 0])
    s.s2c(bytes(pending))
    s.s2c(answer(0, 0x80000005, data[:60], 0x1234))

    _, fr = read_pcap(os.path.join(PUBLIC, "zeek-smb_smb2readwrite.pcap"))
    wait = smb_of(fr[43][2])
    timed = bytearray(wait)
    struct.pack_into("<Q", timed, 64 + 56, 500000000)
    timed[64 + 56 + 12] = 1
    s = Stream(out, 44003, T0 + 2000000)
    s.c2s(wait)
    s.c2s(bytes(with_mid(timed, 1)))
    write_pcap(os.path.join(HERE, "smb2_pipes.pcap"), out)


def readx_timeout(out):
    # smbclient's Read AndX request (captures/nt1.pcap frame 34) with the
    # four bytes after MinCount (MaxCountHigh, a Timeout on pipes) set to
    # what Windows sends on a pipe and to other values.
    _, fr = read_pcap(os.path.join(REPO, "captures", "nt1.pcap"))
    rq, rs = smb_of(fr[33][2]), smb_of(fr[34][2])
    for k, v in enumerate((0xFFFFFFFF, 0x0000FFFF, 0xFFFFFFFE, 1)):
        m = bytearray(rq)
        struct.pack_into("<I", m, 33 + 14, v)
        s = Stream(out, 45001 + k, T0 + k * 1000000)
        s.c2s(bytes(m))
        s.s2c(rs)
    write_pcap(os.path.join(HERE, "readx_timeout.pcap"), out)


def durable_v2(out):
    # smbclient's CREATE request and response (captures/reference.pcap
    # frames 34, 35) with their create contexts replaced by a durable handle
    # v2 request (DH2Q, persistent), its response, and a reconnect (DH2C).
    _, fr = read_pcap(os.path.join(REPO, "captures", "reference.pcap"))
    rq, rs = smb_of(fr[33][2]), smb_of(fr[34][2])

    def context(name, data):
        return struct.pack("<IHHHHI", 0, 16, 4, 0, 24, len(data)) + name + b"\0" * 4 + data

    def create_req(ctx):
        name_off, name_len = struct.unpack_from("<HH", rq, 64 + 44)
        m = bytearray(rq[:64 + 56]) + rq[name_off:name_off + name_len]
        m += b"\0" * ((8 - len(m) % 8) % 8)
        struct.pack_into("<II", m, 64 + 48, len(m), len(ctx))
        return bytes(m + ctx)

    def create_rsp(ctx):
        m = bytearray(rs[:64 + 88])
        struct.pack_into("<II", m, 64 + 80, len(m) if ctx else 0, len(ctx))
        return bytes(m + ctx)

    guid, fid = bytes(range(16)), bytes(range(0x40, 0x50))
    s = Stream(out, 46001, T0)
    s.c2s(create_req(context(b"DH2Q", struct.pack("<IIQ", 30000, 2, 0x0102030405060708) + guid)))
    s.s2c(create_rsp(context(b"DH2Q", struct.pack("<II", 60000, 2))))
    s = Stream(out, 46002, T0 + 1000000)
    s.c2s(create_req(context(b"DH2C", fid + guid + struct.pack("<I", 2))))
    s.s2c(create_rsp(b""))
    write_pcap(os.path.join(HERE, "durable_v2.pcap"), out)


def nbss_continuation(out):
    # Segments that start mid-PDU (smbclient's Write AndX and Read AndX of
    # captures/nt1.pcap frames 26, 27, 34, 35): a capture that starts in the
    # middle of a message, its tail alone, its tail followed by a whole
    # message in the same segment (long and 5-byte tails), and a segment
    # after lost data.
    _, fr = read_pcap(os.path.join(REPO, "captures", "nt1.pcap"))
    wreq, wrsp, rreq, rrsp = (smb_of(fr[n - 1][2]) for n in (26, 27, 34, 35))
    tail = nbss(wreq)

    def mid_stream(cport, t0):
        s = Stream.__new__(Stream)
        s.out, s.cport, s.t = out, cport, t0
        s.seq = {True: 1000, False: 5000}
        return s

    s = mid_stream(47001, T0)
    s.send(True, tail[-300:])
    s.s2c(wrsp)
    s.c2s(rreq)
    s.s2c(rrsp)
    s = mid_stream(47002, T0 + 1000000)
    s.send(True, tail[-300:] + nbss(rreq))
    s.s2c(rrsp)
    s = mid_stream(47003, T0 + 2000000)
    s.send(True, tail[-5:] + nbss(rreq))
    s.s2c(rrsp)
    s = Stream(out, 47004, T0 + 3000000)
    s.c2s(rreq)
    s.s2c(rrsp)
    s.seq[True] += 1000                     # 1000 bytes never captured
    s.send(True, tail[-300:])
    s.c2s(rreq)
    s.s2c(rrsp)
    write_pcap(os.path.join(HERE, "nbss_continuation.pcap"), out)


def smb1_pipes(out):
    # Named pipe data in SMB1 reads and writes: smbclient's Write AndX and
    # Read AndX (captures/nt1.pcap frames 26, 27, 34, 35) on a tree
    # connected to IPC$ (the public zeek-smb_smb1_transaction_request.pcap
    # frames 11, 12, TID/PID/UID made those of the writes), and writes with
    # the message-start and raw write modes.
    _, fr = read_pcap(os.path.join(REPO, "captures", "nt1.pcap"))
    wreq, wrsp, rreq, rrsp = (smb_of(fr[n - 1][2]) for n in (26, 27, 34, 35))
    tcon, tcon_rsp = source(os.path.join(PUBLIC, "zeek-smb_smb1_transaction_request.pcap"), 11, 12)

    def same_tree(m):
        m = bytearray(m)
        m[24:30] = wreq[24:30]
        return bytes(m)

    def write_mode(mode):
        m = bytearray(wreq)
        struct.pack_into("<H", m, 33 + 14, mode)
        return bytes(m)

    s = Stream(out, 48001, T0)
    s.c2s(same_tree(tcon))
    s.s2c(same_tree(tcon_rsp))
    s.c2s(wreq)
    s.s2c(wrsp)
    s.c2s(rreq)
    s.s2c(rrsp)
    for k, mode in enumerate((0x0008, 0x000C, 0x0004, 0x0001)):
        s = Stream(out, 48002 + k, T0 + (1 + k) * 1000000)
        s.c2s(write_mode(mode))
        s.s2c(wrsp)
    write_pcap(os.path.join(HERE, "smb1_pipes.pcap"), out)


def main():
    trans_secondary([])
    large_rw([])
    ctrl_strings([])
    smb2_pipes([])
    readx_timeout([])
    durable_v2([])
    nbss_continuation([])
    smb1_pipes([])


if __name__ == "__main__":
    main()
