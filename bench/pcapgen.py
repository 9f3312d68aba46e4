#!/usr/bin/env python3
"""Builds a large SMB2 trace by replaying one real connection (stdlib only).

Takes the TCP payloads of the first connection in INPUT (Ethernet/IPv4
pcap), keeps its setup (negotiate, session setup, tree connect) and
teardown, and repeats the file operations in between (first CREATE
request to last CLOSE response) until about --ops operations. Writes a
fresh TCP stream: new ports, initial sequence numbers from --seed, seq/ack
recomputed, one packet per original data segment; FileIds renumbered per
repetition (servers hand out new ones).

  pcapgen.py --input captures/same_1.pcap --ops 100000 --out big_a.pcap
  pcapgen.py ... --seed 2 --drop-every 500 --out big_b.pcap   # B: a gap every 500 reps
"""
import argparse
import random
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit("pcapgen: little-endian classic pcap expected")
    off = 24
    while off + 16 <= len(data):
        ts, tus, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def tcp_payloads(path):
    """(to_server, payload) of the first TCP connection, data segments only."""
    first = None
    for pkt in read_pcap(path):
        if len(pkt) < 14 + 20 or struct.unpack(">H", pkt[12:14])[0] != 0x0800:
            continue
        ip = pkt[14:]
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack(">H", ip[2:4])[0]
        if ip[9] != 6:
            continue
        tcp = ip[ihl:tot]
        sport, dport = struct.unpack(">HH", tcp[:4])
        doff = (tcp[12] >> 4) * 4
        payload = tcp[doff:]
        key = tuple(sorted((sport, dport)))
        if first is None:
            first = key
        if key != first or not payload:
            continue
        yield dport in (445, 139), payload


def smb2_cmd(payload):
    if len(payload) >= 4 + 64 and payload[4:8] == b"\xfeSMB":
        cmd, = struct.unpack("<H", payload[16:18])
        flags, = struct.unpack("<I", payload[20:24])
        return cmd, bool(flags & 1)
    return None, None


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Writer:
    def __init__(self, f, cport, sport, seed):
        self.f = f
        self.cport, self.sport = cport, sport
        rnd = random.Random(seed)
        self.seq = {True: rnd.getrandbits(32), False: rnd.getrandbits(32)}
        self.t = 1_700_000_000.0
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def packet(self, to_server, payload, flags=0x18):
        src, dst = (self.cport, self.sport) if to_server else (self.sport, self.cport)
        seq = self.seq[to_server]
        ack = self.seq[not to_server]
        tcp = struct.pack(">HHIIBBHHH", src, dst, seq, ack, 5 << 4, flags, 65535, 0, 0)
        ipl = 20 + len(tcp) + len(payload)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, ipl, 0, 0x4000, 64, 6, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
        ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
        frame = b"\0" * 12 + b"\x08\x00" + ip + tcp + payload
        self.t += 0.0001
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(frame), len(frame)))
        self.f.write(frame)
        step = len(payload) + (1 if flags & 0x03 else 0)
        self.seq[to_server] = (seq + step) & 0xFFFFFFFF

    def handshake(self):
        self.packet(True, b"", 0x02)
        self.packet(False, b"", 0x12)
        self.packet(True, b"", 0x10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--ops", type=int, default=100000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--drop-every", type=int, default=0,
                    help="leave out one repetition every N (makes gaps)")
    args = ap.parse_args()

    segs = list(tcp_payloads(args.input))
    cmds = [smb2_cmd(p) for _, p in segs]
    first = next(i for i, c in enumerate(cmds) if c == (5, False))
    last = max(i for i, c in enumerate(cmds) if c == (6, True))
    head, body, tail = segs[:first], segs[first:last + 1], segs[last + 1:]
    per_rep = sum(1 for c in cmds[first:last + 1] if c[0] is not None and not c[1])
    # FileIds opened in the repeated part (CREATE responses): each
    # repetition gets its own, as a server would hand out.
    fids = [p[4 + 128:4 + 144] for (_, p), c in zip(body, cmds[first:last + 1])
            if c == (5, True) and p[12:16] == b"\0\0\0\0" and len(p) >= 4 + 144]
    reps = max(1, (args.ops - len(segs) // 2) // max(per_rep, 1))
    with open(args.out, "wb") as f:
        w = Writer(f, 40000 + args.seed, 445, args.seed)
        w.handshake()
        for to_server, p in head:
            w.packet(to_server, p)
        for r in range(reps):
            if args.drop_every and r % args.drop_every == args.drop_every - 1:
                continue
            for to_server, p in body:
                for fid in fids:
                    if fid in p:
                        new = struct.pack("<I", (struct.unpack("<I", fid[:4])[0] + r + 1) & 0xFFFFFFFF)
                        p = p.replace(fid, new + fid[4:])
                w.packet(to_server, p)
        for to_server, p in tail:
            w.packet(to_server, p)
    print(f"{args.out}: {reps} repetitions of {per_rep} operations (~{reps * per_rep} ops)")


if __name__ == "__main__":
    main()
