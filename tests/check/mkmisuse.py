#!/usr/bin/env python3
"""Builds tests/check/synthetic.pcap: captures/reference.pcap (smbclient, SMB
3.1.1, the job) with four defects smbcmp --check must find, each at a known
frame (frame numbers are those of the source: a removed message leaves a
bare TCP ACK in its place):

  frame 26/27  Close of a FileId no Create returned: the Close of the share
               root directory names another FileId, and the server answers
               STATUS_FILE_CLOSED (an SMB2 ERROR response) ...
  frame 20/21  ... so the directory opened by that Create is never closed
               (left open until the Tree Disconnect of frame 84)
  frame 80     a Find request never answered: its response (frame 81) is
               removed
  frame 84/85  the Tree Disconnect reuses the MessageId of the Close of
               frame 82 (its response carries it too)

Only the SMB2 bytes change; NBSS lengths, IPv4 lengths and checksums, TCP
sequence and acknowledgement numbers and checksums are recomputed so the
stream stays consistent. None of the changed messages is signed. Standard
library only; deterministic.

tests/check/synthetic_signed.pcap: captures/signed_311.pcap (smbclient
--client-protection=sign: its negotiate requires signing) with

  frame 20     a Create request without the Signed flag (signature zeroed)
  frame 22     a Find request whose signature does not match (one byte
               changed; seen with --password smbuser:smbpass123)

tests/check/synthetic_state.pcap: captures/reference.pcap with

  frame 42/43  a GetInfo on the handle the Close of frame 38 closed
               (STATUS_FILE_CLOSED)
  frame 50/51  a Close of the handle the Close of frame 44 closed
               (STATUS_FILE_CLOSED), so the Create of frame 46/47 is
               never closed
  frame 84/85  the Tree Disconnect's MessageId 100,000 higher: ids skipped,
               and beyond the credits the server granted

tests/check/synthetic_signed1.pcap: captures/nt1_signed.pcap (smbclient -m NT1
--client-protection=sign: Flags2 "signatures required" from its
SESSION_SETUP on) with

  frame 19     a Tree Connect AndX request without the Security Signatures
               flag (signature zeroed)

Usage: tests/check/mkmisuse.py [DIR]   (default tests/check)
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPS = os.path.join(HERE, "..", "..", "captures")

STATUS_FILE_CLOSED = 0xC0000128
SMB2_CREATE, SMB2_CLOSE, SMB2_FIND, SMB2_GETINFO, SMB2_TREE_DISCONNECT = 5, 6, 14, 16, 4
SMB2_FLAGS_SIGNED = 0x08
SMB1_TREE_CONNECT_ANDX = 0x75


def frames(path):
    data = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        s, u, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append([s, u, bytes(data[off + 16:off + 16 + incl])])
        off += 16 + incl
    return data[:24], out


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def split(pkt):
    """(ethernet+ip header, tcp header, payload) of an IPv4/TCP frame."""
    ihl = (pkt[14] & 0x0F) * 4
    tcp = 14 + ihl
    thl = (pkt[tcp + 12] >> 4) * 4
    return pkt[:tcp], pkt[tcp:tcp + thl], pkt[tcp + thl:]


def smb2(payload):
    """The SMB2 message of a one-message NBSS payload, or None."""
    if len(payload) < 68 or payload[4:8] != b"\xfeSMB":
        return None
    return bytearray(payload[4:])


def nbss(msg):
    return struct.pack(">I", len(msg)) + bytes(msg)


def load(path):
    """pcap header, frames, and the SMB2 message of each frame that has one."""
    hdr, fr = frames(path)
    msgs = {}  # frame number -> SMB2 message (bytearray)
    for n, f in enumerate(fr, 1):
        m = smb2(split(f[2])[2])
        if m is not None:
            msgs[n] = m
    return hdr, fr, msgs


def write(out, hdr, fr, msgs):
    """Writes fr with the SMB2 messages msgs (b"": a bare ACK instead)."""
    seq = {}
    with open(out, "wb") as w:
        w.write(hdr)
        for n, f in enumerate(fr, 1):
            eip, tcp, payload = split(f[2])
            if n in msgs:
                payload = nbss(msgs[n]) if msgs[n] else b""
            tcp = bytearray(tcp)
            sport, dport = struct.unpack_from(">HH", tcp, 0)
            d, o = (sport, dport), (dport, sport)
            if not payload:
                tcp[13] &= ~0x08  # no PSH on a bare ACK
            flags = tcp[13]
            if d not in seq:
                seq[d] = struct.unpack_from(">I", tcp, 4)[0]
            struct.pack_into(">I", tcp, 4, seq[d] & 0xFFFFFFFF)
            if flags & 0x10 and o in seq:
                struct.pack_into(">I", tcp, 8, seq[o] & 0xFFFFFFFF)
            seq[d] += len(payload) + (1 if flags & 0x03 else 0)  # SYN, FIN
            ip = bytearray(eip[14:])
            struct.pack_into(">H", ip, 2, len(ip) + len(tcp) + len(payload))
            struct.pack_into(">H", ip, 10, 0)
            struct.pack_into(">H", ip, 10, csum(bytes(ip)))
            struct.pack_into(">H", tcp, 16, 0)
            pseudo = bytes(ip[12:20]) + struct.pack(">BBH", 0, 6, len(tcp) + len(payload))
            struct.pack_into(">H", tcp, 16, csum(pseudo + bytes(tcp) + payload))
            pkt = eip[:14] + bytes(ip) + bytes(tcp) + payload
            w.write(struct.pack("<IIII", f[0], f[1], len(pkt), len(pkt)))
            w.write(pkt)


def misuse(out):
    hdr, fr, msgs = load(os.path.join(CAPS, "reference.pcap"))
    cmd = lambda n: struct.unpack_from("<H", msgs[n], 12)[0]
    mid = lambda n: struct.unpack_from("<Q", msgs[n], 24)[0]
    assert cmd(26) == SMB2_CLOSE and cmd(80) == SMB2_FIND and cmd(82) == SMB2_CLOSE
    assert cmd(84) == SMB2_TREE_DISCONNECT, "not the expected source capture"

    # 1. Close with a FileId no Create returned; STATUS_FILE_CLOSED error.
    msgs[26][64 + 8:64 + 24] = bytes(range(0xA0, 0xB0))
    msgs[27] = error(msgs[27], STATUS_FILE_CLOSED)
    # 2. The Find of frame 80 is never answered.
    msgs[81] = b""
    # 3. Tree Disconnect with the MessageId of the Close of frame 82.
    for n in (84, 85):
        struct.pack_into("<Q", msgs[n], 24, mid(82))
    write(out, hdr, fr, msgs)


def signed(out):
    hdr, fr, msgs = load(os.path.join(CAPS, "signed_311.pcap"))
    cmd = lambda n: struct.unpack_from("<H", msgs[n], 12)[0]
    assert cmd(20) == SMB2_CREATE and cmd(22) == SMB2_FIND, "not the expected source capture"
    # 4. A request unsigned though the client's negotiate requires signing.
    struct.pack_into("<I", msgs[20], 16, struct.unpack_from("<I", msgs[20], 16)[0] & ~SMB2_FLAGS_SIGNED)
    msgs[20][48:64] = bytes(16)
    # 5. A signature that does not match (seen with the keys).
    msgs[22][48] ^= 0x5A
    write(out, hdr, fr, msgs)


def load1(path):
    """As load, for SMB1 messages."""
    hdr, fr = frames(path)
    msgs = {}
    for n, f in enumerate(fr, 1):
        p = split(f[2])[2]
        if len(p) >= 36 and p[4:8] == b"\xffSMB":
            msgs[n] = bytearray(p[4:])
    return hdr, fr, msgs


def signed1(out):
    hdr, fr, msgs = load1(os.path.join(CAPS, "nt1_signed.pcap"))
    assert msgs[19][4] == SMB1_TREE_CONNECT_ANDX, "not the expected source capture"
    # 9. An SMB1 request without SMB_FLAGS2_SMB_SECURITY_SIGNATURE, though
    # the client's SESSION_SETUP says it requires signing.
    struct.pack_into("<H", msgs[19], 10, struct.unpack_from("<H", msgs[19], 10)[0] & ~0x0004)
    msgs[19][14:22] = bytes(8)
    write(out, hdr, fr, msgs)


def error(msg, status):
    """msg, a response, turned into an ERROR response with status."""
    err = bytearray(msg[:64])
    struct.pack_into("<I", err, 8, status)
    return err + struct.pack("<HBBI", 9, 0, 0, 0) + b"\0"  # MS-SMB2 2.2.2


def state(out):
    hdr, fr, msgs = load(os.path.join(CAPS, "reference.pcap"))
    cmd = lambda n: struct.unpack_from("<H", msgs[n], 12)[0]
    assert [cmd(n) for n in (38, 42, 44, 50)] == [SMB2_CLOSE, SMB2_GETINFO, SMB2_CLOSE, SMB2_CLOSE]
    fid = lambda n: bytes(msgs[n][64 + 8:64 + 24])  # a Close request's FileId
    # 6. GetInfo on the handle the Close of frame 38 closed.
    msgs[42][64 + 24:64 + 40] = fid(38)
    msgs[43] = error(msgs[43], STATUS_FILE_CLOSED)
    # 7. The Close of frame 50 closes the handle frame 44 closed ...
    msgs[50][64 + 8:64 + 24] = fid(44)
    msgs[51] = error(msgs[51], STATUS_FILE_CLOSED)
    # ... so the Create of frame 46/47 is never closed.
    # 8. The Tree Disconnect skips 100,000 MessageIds: beyond the credits.
    for n in (84, 85):
        struct.pack_into("<Q", msgs[n], 24, struct.unpack_from("<Q", msgs[n], 24)[0] + 100000)
    write(out, hdr, fr, msgs)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    misuse(os.path.join(out, "synthetic.pcap"))
    signed(os.path.join(out, "synthetic_signed.pcap"))
    state(os.path.join(out, "synthetic_state.pcap"))
    signed1(os.path.join(out, "synthetic_signed1.pcap"))


if __name__ == "__main__":
    main()
