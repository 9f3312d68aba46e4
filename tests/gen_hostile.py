#!/usr/bin/env python3
"""gen_hostile.py KIND N OUT.pcap - hostile captures for tests/cli_limits.sh.

A small pcap writer (standard library only, raw IPv4 link type) and the
captures that try to exhaust smbcmp's memory or time:

  tiny N       one connection, N one-byte TCP segments of SMB2 ECHO requests
  pdus N       one connection, N segments each a complete SMB2 ECHO request
  conns N      N connections, each a SYN and one segment whose NBSS header
               claims 16 MB (the PDU never completes)
  ooo N        one connection, N small segments delivered out of order
               (shuffled within windows of 2000) after a missing first byte
  claims N     N connections each sending 2 MB of a PDU that claims 16 MB
  ports N      N tiny segments on N different 4-tuples without SYN
  big N        one connection, N complete 256 KB SMB2 messages
"""
import random
import struct
import sys

CLI = bytes([10, 0, 0, 1])
SRV = bytes([10, 0, 0, 2])


class Writer:
    def __init__(self, path):
        self.f = open(path, 'wb', buffering=1 << 20)
        # pcap, microseconds, snaplen 262144, LINKTYPE_RAW (101)
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 101))
        self.t = 0

    def tcp(self, cport, to_server, seq, flags, payload=b''):
        src, dst = (CLI, SRV) if to_server else (SRV, CLI)
        sp, dp = (cport, 445) if to_server else (445, cport)
        ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 0, 0, 64, 6, 0,
                         src, dst)
        tcp = struct.pack('>HHIIBBHHH', sp, dp, seq & 0xffffffff, 0, 0x50, flags, 65535, 0, 0)
        pkt = ip + tcp + payload
        self.t += 1
        self.f.write(struct.pack('<IIII', 1000 + self.t // 1000000, self.t % 1000000,
                                 len(pkt), len(pkt)) + pkt)

    def close(self):
        self.f.close()


def echo(mid):
    hdr = b'\xfeSMB' + struct.pack('<HHIHHIIQIIQ16s', 64, 0, 0, 13, 1, 0, 0, mid, 0xfeff,
                                   0, 0, bytes(16))
    body = struct.pack('<HH', 4, 0)
    msg = hdr + body
    return struct.pack('>I', len(msg)) + msg


def stream_of_echos(nbytes):
    out = bytearray()
    mid = 0
    while len(out) < nbytes:
        out += echo(mid)
        mid += 1
    return bytes(out[:nbytes])


def main():
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    w = Writer(path)
    PSH_ACK, SYN = 0x18, 0x02
    if kind == 'tiny':
        data = stream_of_echos(n)
        w.tcp(50000, True, 999, SYN)
        for i in range(n):
            w.tcp(50000, True, 1000 + i, PSH_ACK, data[i:i + 1])
    elif kind == 'pdus':
        w.tcp(50000, True, 999, SYN)
        seq = 1000
        for i in range(n):
            e = echo(i)
            w.tcp(50000, True, seq, PSH_ACK, e)
            seq += len(e)
    elif kind == 'conns':
        claim = b'\x00\xff\xff\xff\xfeSMB' + bytes(60)
        for i in range(n):
            port = 1024 + i % 60000
            w.f.write(b'')  # keep the generator simple: distinct client IPs
            global CLI
            CLI = bytes([10, 1 + i // 60000 // 256, (i // 60000) % 256, 1])
            w.tcp(port, True, 999, SYN)
            w.tcp(port, True, 1000, PSH_ACK, claim)
    elif kind == 'ooo':
        rng = random.Random(7)
        w.tcp(50000, True, 999, SYN)
        order = []
        for base in range(0, n, 2000):
            win = list(range(base, min(n, base + 2000)))
            rng.shuffle(win)
            order += win
        for i in order:
            # segment i covers bytes 1 + 8i .. 8i + 8: byte 1000 never comes
            w.tcp(50000, True, 1001 + 8 * i, PSH_ACK, b'\x00\x00\x00\x04\xfeSMB')
    elif kind == 'claims':
        chunk = 60000
        per = 2 << 20
        claim = b'\x00\xff\xff\xff\xfeSMB'
        for c in range(n):
            w.tcp(20000 + c, True, 999, SYN)
        for off in range(0, per, chunk):
            for c in range(n):
                data = (claim + bytes(chunk - len(claim))) if off == 0 else bytes(chunk)
                w.tcp(20000 + c, True, 1000 + off, PSH_ACK, data)
    elif kind == 'ports':
        for i in range(n):
            CLI2 = bytes([10, 2 + i // 60000 // 256, (i // 60000) % 256, 1])
            globals()['CLI'] = CLI2
            w.tcp(1024 + i % 60000, True, 5000, PSH_ACK, b'\x00\x00\x00\x04\xfeSMB')
    elif kind == 'big':
        w.tcp(50000, True, 999, SYN)
        seq = 1000
        for i in range(n):
            e = echo(i)
            msg = e[:4] + e[4:] + bytes(256 * 1024 - len(e))
            msg = struct.pack('>I', len(msg) - 4) + msg[4:]
            for off in range(0, len(msg), 60000):
                w.tcp(50000, True, seq, PSH_ACK, msg[off:off + 60000])
                seq += len(msg[off:off + 60000])
    else:
        sys.exit(__doc__)
    w.close()


if __name__ == '__main__':
    main()
