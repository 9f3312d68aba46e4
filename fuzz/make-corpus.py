#!/usr/bin/env python3
"""make-corpus.py OUTDIR [CAPTURE...] - seed corpora for the fuzz targets.

Splits captures (default: ../shared/captures/public/* and captures/*.pcap)
into small inputs in each target's own format (see the comment at the top
of every fuzz/fuzz_*.c), one directory per target under OUTDIR:

  fuzz_frame   single frames and runs of frames, with their link type
  fuzz_smb     single TCP payloads and runs of segments of one connection
  fuzz_pcap    small pcap files: each capture's first packets
  fuzz_gssapi  security blobs (GSS-API/SPNEGO, raw NTLMSSP) found in PDUs
  fuzz_xca     compressed segments of SMB2 COMPRESSION_TRANSFORM messages
  fuzz_filter  filter expressions;  fuzz_config  INI config files
  fuzz_keys    key files (captures/keys.txt, signkeys.txt, Wireshark UAT,
               Samba and cifs.ko log excerpts, password files)
  fuzz_pdml    the committed PDML + -V seeds of fuzz/seeds/fuzz_pdml/
               (made with tshark by fuzz/make-pdml-seeds.sh), plus tiny
               hand-made documents
  (fuzz_smbkeys uses the fuzz_smb seeds: fuzz/run.sh)

Python standard library only; seeds are named by content hash, so running
it twice adds nothing.
"""
import glob
import hashlib
import os
import struct
import sys

MAX_SEED = 16384
MAX_PDML_SEED = 32768  # fuzz_pdml's -max_len (fuzz/run.sh)
MAX_PER_CAPTURE = 150

# Link types in fuzz_frame.c's table order.
DLTS = [1, 12, 113, 276, 0, 108, 228, 229]


def read_pcap(data):
    """Yields (linktype, frame bytes). pcap (any endianness/precision) and
    pcapng (IDB/EPB/SPB/OPB)."""
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '<' if magic[0] in (0xd4, 0x4d) else '>'
        link = struct.unpack(e + 'I', data[20:24])[0] & 0xffff
        off = 24
        while off + 16 <= len(data):
            incl = struct.unpack(e + 'I', data[off + 8:off + 12])[0]
            off += 16
            if incl > len(data) - off:
                return
            yield link, data[off:off + incl]
            off += incl
    elif magic == b'\x0a\x0d\x0d\x0a':
        off = 0
        e = '<'
        links = []
        while off + 12 <= len(data):
            if data[off:off + 4] == b'\x0a\x0d\x0d\x0a':
                e = '<' if data[off + 8:off + 12] == b'\x4d\x3c\x2b\x1a' else '>'
                links = []
            btype, blen = struct.unpack(e + 'II', data[off:off + 8])
            if blen < 12 or off + blen > len(data):
                return
            body = data[off + 8:off + blen - 4]
            if btype == 1:
                links.append(struct.unpack(e + 'H', body[:2])[0])
            elif btype in (6, 3) and links:
                if btype == 6:
                    ifid, _, _, caplen = struct.unpack(e + 'IIII', body[:16])
                    pkt = body[20:20 + caplen]
                else:
                    ifid, pkt = 0, body[4:]
                yield links[ifid] if ifid < len(links) else links[0], pkt
            off += blen


def tcp_payload(link, frame):
    """Returns (src, dst, sport, dport, seq, flags, payload) or None."""
    if link == 1:
        off, et = 14, frame[12:14]
        while et in (b'\x81\x00', b'\x88\xa8') and len(frame) >= off + 4:
            et = frame[off + 2:off + 4]
            off += 4
        if et != b'\x08\x00':
            return None
    elif link == 113:
        if frame[14:16] != b'\x08\x00':
            return None
        off = 16
    elif link in (0, 108):
        off = 4
    elif link in (12, 101, 228):
        off = 0
    else:
        return None
    ip = frame[off:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
        return None
    ihl = (ip[0] & 15) * 4
    total = struct.unpack('>H', ip[2:4])[0]
    ip = ip[:total]
    tcp = ip[ihl:]
    if len(tcp) < 20:
        return None
    sport, dport, seq = struct.unpack('>HHI', tcp[:8])
    hl = (tcp[12] >> 4) * 4
    return ip[12:16], ip[16:20], sport, dport, seq, tcp[13], tcp[hl:]


def rec(ctl, data):
    return bytes([ctl]) + struct.pack('>H', len(data)) + data


class Out:
    def __init__(self, root):
        self.root = root
        self.count = {}

    def put(self, target, data, cap_key=None, max_len=MAX_SEED):
        if not data or len(data) > max_len:
            return
        if cap_key is not None:
            k = (target, cap_key)
            if self.count.get(k, 0) >= MAX_PER_CAPTURE:
                return
            self.count[k] = self.count.get(k, 0) + 1
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(d, name)
        if not os.path.exists(path):
            with open(path, 'wb') as f:
                f.write(data)


def pdus(payload):
    """NBSS messages starting at offset 0 of a payload (complete ones)."""
    off = 0
    while off + 4 <= len(payload) and payload[off] == 0:
        n = 4 + (payload[off + 1] << 16 | payload[off + 2] << 8 | payload[off + 3])
        if off + n > len(payload):
            break
        yield payload[off:off + n]
        off += n


def blobs(pdu):
    spnego = b'\x06\x06\x2b\x06\x01\x05\x05\x02'
    i = pdu.find(b'NTLMSSP\x00')
    if i >= 0:
        yield pdu[i:]
    i = pdu.find(spnego)
    if i >= 2 and pdu[i - 2] == 0x60:
        yield pdu[i - 2:]
    elif i >= 3 and pdu[i - 3] == 0x60:
        yield pdu[i - 3:]
    elif i >= 4 and pdu[i - 4] == 0x60:
        yield pdu[i - 4:]
    for tag in (b'\xa1\x81', b'\xa1\x82'):
        j = pdu.find(tag)
        if j >= 0 and pdu.find(b'\x0a\x01', j) > j:
            yield pdu[j:]


def xca_seeds(pdu):
    m = pdu[4:]
    if len(m) < 16 or m[:4] != b'\xfcSMB':
        return
    orig, alg, flags, off = struct.unpack('<IHHI', m[4:16])
    amap = {1: 0, 2: 1, 3: 2}
    if flags == 0 and alg in amap:
        yield bytes([amap[alg]]) + struct.pack('<H', min(orig // 4 + 1, 0xffff)) + m[16 + off:]
    elif flags == 1:
        p = 8
        while p + 8 <= len(m):
            alg, _, ln = struct.unpack('<HHI', m[p:p + 8])
            p += 8
            if alg in amap and p + 4 <= len(m):
                osz = struct.unpack('<I', m[p:p + 4])[0]
                yield bytes([amap[alg]]) + struct.pack('<H', min(osz // 4 + 1, 0xffff)) + m[p + 4:p + ln]
            p += ln


def pcap_file(link, frames):
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, link)]
    for i, fr in enumerate(frames):
        out.append(struct.pack('<IIII', 1000 + i, 0, len(fr), len(fr)) + fr)
    return b''.join(out)


def pcapng_file(link, frames):
    """The same frames as pcapng: SHB, IDB, then Enhanced Packet Blocks with
    a Name Resolution Block and an unknown block among them and one Simple
    Packet Block, so that fuzz_pcapfile's packet locator walks blocks."""
    def block(btype, body):
        body += b'\0' * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack('<II', btype, n) + body + struct.pack('<I', n)
    out = [block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1)),
           block(1, struct.pack('<HHI', link, 0, 65535))]
    for i, fr in enumerate(frames):
        if i == 1:
            out.append(block(4, struct.pack('<HH', 0, 0)))
        if i == 2:
            out.append(block(0x0BAD, b'x' * 5))
        if i == 3:
            out.append(block(3, struct.pack('<I', len(fr)) + fr))
            continue
        out.append(block(6, struct.pack('<IIIII', 0, 0, 1000 + i, len(fr), len(fr)) + fr))
    return b''.join(out)


def reasm_window(frames):
    """Frames from the first TCP payload whose NBSS message continues in
    later segments, as many as fit a seed: reassembled PDUs are stored as
    lists of file pieces."""
    for i, (link, fr) in enumerate(frames):
        t = tcp_payload(link, fr)
        if not t or len(t[6]) < 4 or t[6][0] != 0:
            continue
        if 4 + int.from_bytes(t[6][1:4], 'big') <= len(t[6]):
            continue
        win, size = [], 24
        for _, f in frames[i:i + 24]:
            if size + 16 + len(f) > MAX_SEED:
                break
            win.append(f)
            size += 16 + len(f)
        return win if len(win) > 1 else None
    return None


def segmented(pdus, size, swap):
    """One client connection to port 445 sending pdus (NBSS messages) in
    segments of size bytes, every swap-th pair out of order (0: none):
    reassembled PDUs made of many file pieces (fuzz_pcapfile; tcp.c caps
    the pieces of one PDU, at 64 in fuzz builds)."""
    data = b''.join(pdus)
    segs = [(i, data[i:i + size]) for i in range(0, len(data), size)]
    if swap:
        for k in range(0, len(segs) - 1, swap):
            segs[k], segs[k + 1] = segs[k + 1], segs[k]
    frames = []
    for off, pay in segs:
        tcp = struct.pack('>HHIIBBHHH', 50000, 445, 1000 + off, 1, 0x50, 0x18, 65535, 0, 0)
        ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(pay), 0, 0, 64, 6, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        frames.append(b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + ip + tcp + pay)
    return frames


def capture(path, out):
    data = open(path, 'rb').read()
    key = os.path.basename(path)
    frames = list(read_pcap(data))
    if not frames:
        return
    if len(data) <= MAX_SEED:
        out.put('fuzz_pcap', data)
    out.put('fuzz_pcap', pcap_file(frames[0][0], [f for _, f in frames[:12]]))
    out.put('fuzz_pcap', pcapng_file(frames[0][0], [f for _, f in frames[:12]]))
    win = reasm_window(frames)
    msgs = []
    for link, fr in frames[:40]:
        t = tcp_payload(link, fr)
        msgs += list(pdus(t[6])) if t else []
    if msgs and key in ('reference.pcap', 'nt1.pcap', 'zeek-smb_smb2.pcap'):
        for size, swap in ((1, 0), (3, 5), (40, 0), (7, 3)):
            segs = segmented(msgs[:3], size, swap)[:220]
            out.put('fuzz_pcap', pcap_file(1, segs))
            out.put('fuzz_pcap', pcapng_file(1, segs))
    if win:
        out.put('fuzz_pcap', pcap_file(frames[0][0], win))
        out.put('fuzz_pcap', pcapng_file(frames[0][0], win))
    # fuzz_frame: single frames with SMB payload, and runs of 8 frames.
    run = []
    for link, fr in frames:
        if link not in DLTS:
            continue
        sel = bytes([DLTS.index(link)])
        t = tcp_payload(link, fr)
        if t and t[6]:
            out.put('fuzz_frame', sel + struct.pack('>H', len(fr)) + fr, key)
        run.append(struct.pack('>H', len(fr)) + fr)
        if len(run) == 8:
            out.put('fuzz_frame', sel + b''.join(run), key + 'run')
            run = []
    # fuzz_smb: per connection, segments as records; PDUs alone.
    conns = {}
    for link, fr in frames:
        t = tcp_payload(link, fr)
        if not t:
            continue
        src, dst, sport, dport, seq, flags, pay = t
        if 445 in (sport, dport) or 139 in (sport, dport):
            to_srv = dport in (445, 139)
            k = (src, sport, dst, dport) if to_srv else (dst, dport, src, sport)
            conns.setdefault(k, []).append((0 if to_srv else 1, pay))
            for p in pdus(pay):
                out.put('fuzz_smb', rec(0 if to_srv else 1, p), key)
                for b in blobs(p):
                    out.put('fuzz_gssapi', b, key)
                for x in xca_seeds(p):
                    out.put('fuzz_xca', x, key)
    for segs in conns.values():
        chunk = b''
        for d, pay in segs:
            if not pay:
                continue
            r = rec(d, pay)
            if len(chunk) + len(r) > MAX_SEED:
                out.put('fuzz_smb', chunk, key + 'run')
                chunk = b''
            chunk += r
        out.put('fuzz_smb', chunk, key + 'run')


FILTERS = [
    'smb2.cmd == 5', 'smb2.cmd == 5 && smb2.filename contains "jpg"',
    '!(smb2.cmd eq 0x10) || smb.cmd', 'smb2.create.disposition >= 1 and not smb2',
    'smb2.filename == a\\b.jpg', '((((smb2))))', 'smb2.cmd != 5', 'smb2.cmd lt 3',
]
CONFIGS = [
    b'[masks]\ndefaults = no\nmask = smb2.create.action\nunmask = smb2.credits.granted\nid = smb2.lease.lease_key\n',
    b'; comment\n[masks]\nmask = smb2.*\n',
    b'[other]\nx = y\n',
]
KEYFILES = [
    b'"1ebf0f0600000000","7a66c3fb459c81b923cf1bf0e101d26a","91dfee0e389dfd2653458830a3be0062","75c6bcaab8d6bad78cef9b26efe1d3a1"\n',
    b'1ebf0f0600000000:7a66c3fb459c81b923cf1bf0e101d26a\n',
    b'  Session Id    [0000] 1E BF 0F 06 00 00 00 00                            ........\n'
    b'  Session Key   [0000] 7A 66 C3 FB 45 9C 81 B9   23 CF 1B F0 E1 01 D2 6A   zf..E...#......j\n',
    b'CIFS: VFS: Session Id    1e bf 0f 06 00 00 00 00\n'
    b'CIFS: VFS: Session Key   7a 66 c3 fb 45 9c 81 b9 23 cf 1b f0 e1 01 d2 6a\n',
    b'smbuser:smbpass123\nDOMAIN\\user:secret\njustapassword\n',
]


# Small PDML documents: an empty packet, a loose data item inside a
# fake-field-wrapper, a hidden field, a deep nesting, -V lines that do not
# line up (after the NUL).
PDML_DOCS = [
    b'<?xml version="1.0"?>\n<pdml>\n<packet/>\n</pdml>\n',
    b'<pdml><packet><proto name="geninfo"><field name="num" show="7"/>'
    b'<field name="timestamp" value="12.5"/></proto><proto name="nbss" pos="54" size="4">'
    b'<field name="nbss.length" show="0x0010" pos="55" size="3"/></proto>'
    b'<proto name="fake-field-wrapper"><field name="data" pos="58" size="2" show="ab"/>'
    b'</proto></packet></pdml>\x00    7 Info\nNetBIOS Session Service\n    [Length: 16]\n',
    b'<pdml><packet><proto name="smb2"><field name="smb2.cmd" show="5" hide="yes"/>'
    + b'<field name="x">' * 300 + b'</field>' * 300 + b'</proto></packet></pdml>',
]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Out(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    caps = sys.argv[2:] or sorted(
        glob.glob(os.path.join(here, '..', '..', 'shared', 'captures', 'public', '*.pcap*')) +
        glob.glob(os.path.join(here, '..', 'captures', '*.pcap')))
    seen = set()
    for c in caps:
        r = os.path.realpath(c)
        if r not in seen:
            seen.add(r)
            capture(c, out)
    for f in FILTERS:
        out.put('fuzz_filter', f.encode())
    for c in CONFIGS:
        out.put('fuzz_config', c)
    for name in ('keys.txt', 'signkeys.txt'):
        p = os.path.join(here, '..', 'captures', name)
        if os.path.exists(p):
            out.put('fuzz_keys', open(p, 'rb').read())
    for k in KEYFILES:
        out.put('fuzz_keys', k)
    # Hand-made decompressor seeds: an LZNT1 uncompressed chunk, a plain
    # LZ77 stream of literals.
    out.put('fuzz_xca', b'\x00\x10\x00' + struct.pack('<H', 0x3000 | 15) + bytes(range(16)))
    out.put('fuzz_xca', b'\x01\x10\x00' + b'\x00\x00\x00\x00' + bytes(range(32)))
    # PDML: the committed seeds (tshark is not needed here) and edge cases.
    for p in sorted(glob.glob(os.path.join(here, 'seeds', 'fuzz_pdml', '*.pdml'))):
        out.put('fuzz_pdml', open(p, 'rb').read(), max_len=MAX_PDML_SEED)
    for d in PDML_DOCS:
        out.put('fuzz_pdml', d)
    for t in sorted(os.listdir(out.root)):
        print('%-12s %d seeds' % (t, len(os.listdir(os.path.join(out.root, t)))))


if __name__ == '__main__':
    main()
