#!/usr/bin/env python3
"""Builds tests/check/misuse.pcap: one SMB2 session with three protocol
misuses, for a future `smbcmp --check` (single-trace checks).

Usage: tests/check/mkpcap.py        (writes tests/check/misuse.pcap)

Source: captures/reference.pcap (smbclient -m SMB3_11, the job; only the
SESSION_SETUP response and the TREE_CONNECTs are signed, nothing here edits
those). Its SMB2 messages are taken out of the TCP streams (NBSS PDUs in
order, with the timestamp of the segment that completes each) and edited:

  1. leaked handle: the CREATE of MID 277 (allinfo's FileStreamInformation
     open of snapshot.jpg) is never closed: the CLOSE that followed it
     (MID 279) now names another FileId ...
  2. ... a FileId that no CREATE response returned (persistent
     0x00000000deadbeef, volatile 0x00000000cafef00d); its response becomes
     an SMB2 ERROR response with STATUS_FILE_CLOSED (0xC0000128), as a server
     answers a CLOSE on an unknown handle;
  3. unanswered request: the response to MID 272 (QUERY_INFO
     FileAlternateNameInformation) is dropped.

The messages are then written as one new TCP connection (127.0.0.1:40000
-> 127.0.0.1:445): three-way handshake, one segment per SMB2 message with
sequence and acknowledgement numbers consistent with the bytes sent, valid
IPv4 and TCP checksums, FIN/FIN/ACK at the end; Ethernet link type with
zero MAC addresses like every loopback capture. tests/check/README.md lists
the resulting frame numbers. Standard library only; deterministic.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "captures", "reference.pcap")
OUT = os.path.join(HERE, "misuse.pcap")

CLIENT, SERVER = (127, 0, 0, 1), (127, 0, 0, 1)
CPORT, SPORT = 40000, 445
CISN, SISN = 0x10000000, 0x20000000

LEAK_CLOSE_MID = 279      # CLOSE of the CREATE of MID 277: gets a bogus FileId
UNANSWERED_MID = 272      # QUERY_INFO whose response is dropped
BOGUS_FILEID = struct.pack("<QQ", 0xDEADBEEF, 0xCAFEF00D)
STATUS_FILE_CLOSED = 0xC0000128


def read_pcap(path):
    data = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        s, u, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((s, u, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], out


def messages(frames):
    """(sec, usec, to_server, nbss_pdu) in the order the PDUs complete."""
    bufs = {True: b"", False: b""}
    out = []
    for s, u, f in frames:
        if struct.unpack_from(">H", f, 12)[0] != 0x0800:
            continue
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6:
            continue
        tot = struct.unpack_from(">H", ip, 2)[0]
        tcp = ip[ihl:tot]
        sport, dport = struct.unpack_from(">HH", tcp, 0)
        payload = tcp[(tcp[12] >> 4) * 4:]
        if not payload:
            continue
        d = dport == 445
        bufs[d] += payload
        while len(bufs[d]) >= 4:
            n = int.from_bytes(bufs[d][1:4], "big")
            if len(bufs[d]) < 4 + n:
                break
            out.append((s, u, d, bufs[d][:4 + n]))
            bufs[d] = bufs[d][4 + n:]
    assert not bufs[True] and not bufs[False], "trailing partial PDU"
    return out


def smb2(pdu):
    """(command, mid, is_response) of an NBSS PDU holding one SMB2 message."""
    m = pdu[4:]
    assert m[:4] == b"\xfeSMB" and struct.unpack_from("<I", m, 20)[0] == 0, "not a single SMB2 message"
    cmd = struct.unpack_from("<H", m, 12)[0]
    flags = struct.unpack_from("<I", m, 16)[0]
    mid = struct.unpack_from("<Q", m, 24)[0]
    return cmd, mid, bool(flags & 1)


def nbss(msg):
    return b"\x00" + len(msg).to_bytes(3, "big") + msg


def edit(msgs):
    out = []
    seen = set()
    for s, u, d, pdu in msgs:
        cmd, mid, resp = smb2(pdu)
        seen.add((cmd, mid, resp))
        if mid == UNANSWERED_MID and resp:
            continue                                  # 3. never answered
        if mid == LEAK_CLOSE_MID and cmd == 6:        # CLOSE
            m = bytearray(pdu[4:])
            if not resp:                              # 2. bogus FileId
                assert struct.unpack_from("<H", m, 64)[0] == 24
                m[64 + 8:64 + 24] = BOGUS_FILEID
            else:                                     # answered FILE_CLOSED
                struct.pack_into("<I", m, 8, STATUS_FILE_CLOSED)
                m = m[:64] + struct.pack("<HBBI", 9, 0, 0, 0) + b"\x00"
            pdu = nbss(bytes(m))
        out.append((s, u, d, pdu))
    for need in ((5, 277, True), (6, LEAK_CLOSE_MID, False), (16, UNANSWERED_MID, True)):
        assert need in seen, "source capture changed: %r missing" % (need,)
    return out


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(to_server, seq, ack, flags, payload=b"", ipid=0):
    src, dst = (CLIENT, SERVER) if to_server else (SERVER, CLIENT)
    sp, dp = (CPORT, SPORT) if to_server else (SPORT, CPORT)
    tcp = bytearray(struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)) + payload
    pseudo = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    struct.pack_into("!H", tcp, 16, csum(pseudo + bytes(tcp)))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0x4000, 64, 6, 0,
                               bytes(src), bytes(dst)))
    struct.pack_into("!H", ip, 10, csum(bytes(ip)))
    return b"\0" * 12 + b"\x08\x00" + bytes(ip) + bytes(tcp)


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def main():
    hdr, frames = read_pcap(SRC)
    assert struct.unpack_from("<I", hdr, 20)[0] == 1, "expected Ethernet link type"
    msgs = edit(messages(frames))
    s0, u0 = msgs[0][0], msgs[0][1]
    out = []
    cseq, sseq = CISN, SISN
    ipid = {True: 1, False: 1}

    def emit(s, u, d, flags, payload=b""):
        nonlocal cseq, sseq
        seq, ack = (cseq, sseq) if d else (sseq, cseq)
        p = packet(d, seq, ack if flags & ACK else 0, flags, payload, ipid[d])
        ipid[d] += 1
        out.append((s, u, p))
        n = len(payload) + (1 if flags & (SYN | FIN) else 0)
        if d:
            cseq += n
        else:
            sseq += n

    emit(s0, max(u0 - 300, 0), True, SYN)
    emit(s0, max(u0 - 200, 0), False, SYN | ACK)
    emit(s0, max(u0 - 100, 0), True, ACK)
    for s, u, d, pdu in msgs:
        emit(s, u, d, PSH | ACK, pdu)
    s, u = msgs[-1][0], msgs[-1][1]
    emit(s, u + 100, True, FIN | ACK)
    emit(s, u + 200, False, FIN | ACK)
    emit(s, u + 300, True, ACK)
    with open(OUT, "wb") as f:
        f.write(hdr)
        for s, u, p in out:
            f.write(struct.pack("<IIII", s, u, len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
