"""pcapkit.py - the few pcap helpers tests/synth/mkpcap.py needs: read the
SMB messages of a real capture, and write new TCP streams (handshake, correct
sequence and acknowledgement numbers, one NBSS message per segment unless told
otherwise) that tshark and smbcmp both dissect. Standard library only."""
import struct


def read_pcap(path):
    """Returns the 24-byte file header and a list of (sec, usec, frame)."""
    data = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        s, u, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append((s, u, bytes(data[off + 16:off + 16 + incl])))
        off += 16 + incl
    return data[:24], out


def tcp_payload(frame):
    """The TCP payload of an Ethernet/IPv4 frame."""
    ihl = (frame[14] & 0x0F) * 4
    tot = struct.unpack_from(">H", frame, 16)[0]
    tcp = 14 + ihl
    doff = (frame[tcp + 12] >> 4) * 4
    return frame[tcp + doff:14 + tot]


def smb_of(frame):
    """The SMB message of a frame holding one whole NBSS message."""
    p = tcp_payload(frame)
    n = int.from_bytes(p[1:4], "big")
    assert p[0] == 0 and len(p) >= 4 + n, "not one whole NBSS message"
    return p[4:4 + n]


def nbss(msg):
    return b"\0" + len(msg).to_bytes(3, "big") + msg


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Stream:
    """One TCP connection 10.0.0.1:cport -> 10.0.0.2:445."""

    def __init__(self, out, cport, t0):
        self.out, self.cport, self.t = out, cport, t0
        self.seq = {True: 1000, False: 5000}   # True: client to server
        self._seg(True, b"", 0x02)
        self.seq[True] += 1
        self._seg(False, b"", 0x12)
        self.seq[False] += 1
        self._seg(True, b"", 0x10)

    def _seg(self, c2s, payload, flags=0x18):
        src, dst = (b"\x0a\0\0\x01", b"\x0a\0\0\x02") if c2s else (b"\x0a\0\0\x02", b"\x0a\0\0\x01")
        sp, dp = (self.cport, 445) if c2s else (445, self.cport)
        ack = self.seq[not c2s] if flags != 0x02 else 0
        tcp = struct.pack(">HHIIBBHHH", sp, dp, self.seq[c2s], ack, 5 << 4, flags, 65535, 0, 0)
        pseudo = src + dst + struct.pack(">BBH", 0, 6, len(tcp) + len(payload))
        tcp = tcp[:16] + struct.pack(">H", _csum(pseudo + tcp + payload)) + tcp[18:]
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack(">H", _csum(ip)) + ip[12:]
        eth = (b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01") if c2s else (b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02")
        frame = eth + b"\x08\x00" + ip + tcp + payload
        self.t += 1000
        self.out.append((self.t // 1000000, self.t % 1000000, frame))
        self.seq[c2s] = (self.seq[c2s] + len(payload)) & 0xFFFFFFFF

    def send(self, c2s, payload):
        """One segment of raw TCP payload (NBSS framing is the caller's)."""
        self._seg(c2s, payload)

    def _msgs(self, c2s, msgs):
        data = b"".join(nbss(m) for m in msgs)
        for k in range(0, max(len(data), 1), 32768):   # IPv4 holds < 64 KiB
            self._seg(c2s, data[k:k + 32768])

    def c2s(self, *msgs):
        self._msgs(True, msgs)

    def s2c(self, *msgs):
        self._msgs(False, msgs)


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for s, u, fr in frames:
            f.write(struct.pack("<IIII", s, u, len(fr), len(fr)))
            f.write(fr)
