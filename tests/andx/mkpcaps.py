#!/usr/bin/env python3
"""Builds the AndX-chain test pair for tests/diff_captures.py (case "andx").

Usage: tests/andx/mkpcaps.py [SOURCE.pcap]
SOURCE defaults to the public capture suricata-smb-eicar-andx_smbandx.pcap
(/work/shared/captures/public/; Suricata-verify, see its LICENSE there):
one SMB1 client doing Negotiate, Session Setup x2, Tree Connect, Echo, NT
Create, Locking AndX + Write AndX. Writes next to this script:

  separate.pcap  the source as is: Session Setup and Tree Connect sent alone;
  chained.pcap   the same with the authenticating Session Setup AndX and the
                 Tree Connect AndX sent as one chain (request frames 10+13
                 merged, response frames 11+14 merged: AndXCommand and
                 AndXOffset of the first block set, the Tree Connect block
                 appended, NBSS length, the response header's TID (the new
                 tree's, as servers answer a chain), TCP sequence numbers,
                 IP lengths and checksums fixed up).

Standard library only. Deterministic: running it again gives the same files.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = "/work/shared/captures/public/suricata-smb-eicar-andx_smbandx.pcap"


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, "little-endian microsecond pcap expected"
    hdr, off, frames = data[:24], 24, []
    while off + 16 <= len(data):
        ts_s, ts_u, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        frames.append([ts_s, ts_u, bytearray(data[off + 16:off + 16 + incl])])
        off += 16 + incl
    return hdr, frames


def write_pcap(path, hdr, frames):
    with open(path, "wb") as f:
        f.write(hdr)
        for ts_s, ts_u, pkt in frames:
            f.write(struct.pack("<IIII", ts_s, ts_u, len(pkt), len(pkt)))
            f.write(pkt)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def parse(pkt):
    """Ethernet/IPv4/TCP offsets: (ip, tcp, payload)."""
    assert struct.unpack("!H", pkt[12:14])[0] == 0x0800
    ip = 14
    tcp = ip + (pkt[ip] & 0x0F) * 4
    pay = tcp + (pkt[tcp + 12] >> 4) * 4
    return ip, tcp, pay


def rebuild(pkt, payload, seq_map):
    """New packet with payload; seq/ack mapped; lengths, checksums fixed."""
    ip, tcp, pay = parse(pkt)
    src, dst = bytes(pkt[ip + 12:ip + 16]), bytes(pkt[ip + 16:ip + 20])
    out = bytearray(pkt[:pay]) + payload
    struct.pack_into("!H", out, ip + 2, len(out) - ip)
    struct.pack_into("!H", out, ip + 10, 0)
    struct.pack_into("!H", out, ip + 10, csum(bytes(out[ip:tcp])))
    seq, ack = struct.unpack("!II", out[tcp + 4:tcp + 12])
    struct.pack_into("!II", out, tcp + 4, seq_map(src, seq), seq_map(dst, ack))
    struct.pack_into("!H", out, tcp + 16, 0)
    seg = bytes(out[tcp:])
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    struct.pack_into("!H", out, tcp + 16, csum(pseudo + seg))
    return out


def chain(first, block, tid=None, last_offset=False):
    """SMB1 message `first` (no NBSS) + the AndX block of message `block`."""
    smb = bytearray(first)
    blk = bytearray(block[32:])
    assert smb[33] == 0xFF, "first message must end its chain"
    smb[33] = blk_cmd = block[4]
    struct.pack_into("<H", smb, 35, len(smb))
    if last_offset:  # servers point the last block's AndXOffset at the end
        struct.pack_into("<H", blk, 3, len(smb) + len(blk))
    if tid is not None:
        struct.pack_into("<H", smb, 24, tid)
    assert blk_cmd == 0x75
    return bytes(smb + blk)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else SRC
    hdr, frames = read_pcap(src)
    write_pcap(os.path.join(HERE, "separate.pcap"), hdr, frames)

    def smb_of(n):  # frame number (1-based) -> SMB message without NBSS
        pkt = frames[n - 1][2]
        pay = parse(pkt)[2]
        nb = pkt[pay:]
        assert nb[0] == 0 and nb[4:8] == b"\xffSMB"
        return bytes(nb[4:4 + struct.unpack("!I", nb[:4])[0]])

    def seq_of(n):
        pkt = frames[n - 1][2]
        ip, tcp, pay = parse(pkt)
        return bytes(pkt[ip + 12:ip + 16]), struct.unpack("!I", pkt[tcp + 4:tcp + 8])[0], len(pkt) - pay

    req = chain(smb_of(10), smb_of(13))
    tid = struct.unpack("<H", smb_of(14)[24:26])[0]
    rsp = chain(smb_of(11), smb_of(14), tid=tid, last_offset=True)

    # Sequence-space edits per direction: (old offset from which it applies, delta).
    edits = {}
    for grow, drop, new in ((10, 13, req), (11, 14, rsp)):
        addr, seq, plen = seq_of(grow)
        daddr, dseq, dlen = seq_of(drop)
        assert addr == daddr and seq + plen == dseq
        edits.setdefault(addr, []).extend([(seq + plen, 4 + len(new) - plen), (dseq + dlen, -dlen)])

    def seq_map(addr, v):
        return (v + sum(d for at, d in edits.get(addr, []) if v >= at)) & 0xFFFFFFFF

    out = []
    for n, (ts_s, ts_u, pkt) in enumerate(frames, 1):
        if n in (13, 14):
            continue
        pay = parse(pkt)[2]
        payload = bytes(pkt[pay:])
        if n in (10, 11):
            new = req if n == 10 else rsp
            payload = struct.pack("!I", len(new)) + new
        out.append([ts_s, ts_u, rebuild(pkt, payload, seq_map)])
    write_pcap(os.path.join(HERE, "chained.pcap"), hdr, out)


if __name__ == "__main__":
    main()
