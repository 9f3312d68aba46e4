#!/usr/bin/env python3
"""gen_malformed.py OUTDIR - broken captures for tests/cli_malformed.sh.

Each file is named after what is wrong with it; the test knows what smbcmp
must say about each (an error line, or a [Malformed] item). Standard
library only.
"""
import os
import struct
import sys

CLI, SRV = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def pcap(frames, link=101, snap=262144, magic=0xa1b2c3d4):
    out = [struct.pack('<IHHiIII', magic, 2, 4, 0, 0, snap, link)]
    for i, f in enumerate(frames):
        if isinstance(f, tuple):
            f, orig = f
        else:
            orig = len(f)
        out.append(struct.pack('<IIII', 1000 + i, 0, len(f), orig) + f)
    return b''.join(out)


def tcp(payload, seq=1000, to_server=True, flags=0x18, port=50000):
    src, dst = (CLI, SRV) if to_server else (SRV, CLI)
    sp, dp = (port, 445) if to_server else (445, port)
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 0, 0, 64, 6, 0, src, dst)
    return ip + struct.pack('>HHIIBBHHH', sp, dp, seq, 0, 0x50, flags, 65535, 0, 0) + payload


def nbss(msg, claim=None):
    return struct.pack('>I', len(msg) if claim is None else claim) + msg


def smb2_hdr(cmd, next_cmd=0, flags=0, mid=1):
    return b'\xfeSMB' + struct.pack('<HHIHHIIQIIQ16s', 64, 0, 0, cmd, 1, flags, next_cmd,
                                    mid, 0xfeff, 0, 0, bytes(16))


def session(msgs):
    """SYN then one segment per NBSS payload."""
    frames = [tcp(b'', 999, True, 0x02)]
    seq = 1000
    for m in msgs:
        frames.append(tcp(m, seq))
        seq += len(m)
    return frames


def smb1_hdr(cmd):
    return b'\xffSMB' + struct.pack('<BIBHH8sHHHHH', cmd, 0, 0x18, 0xc803, 0, bytes(8), 0, 1,
                                    1234, 100, 7)


def spnego_deep(levels):
    inner = b'\x05\x00'
    for _ in range(levels):
        inner = b'\x30' + der_len(len(inner)) + inner
    tok = b'\xa0' + der_len(len(inner)) + inner
    oid = b'\x06\x06\x2b\x06\x01\x05\x05\x02'
    body = oid + tok
    return b'\x60' + der_len(len(body)) + body


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b


def ntlm_challenge_noeol():
    av = struct.pack('<HH', 2, 8) + 'DOM1'.encode('utf-16-le')  # no MsvAvEOL
    av += struct.pack('<HH', 1, 200)  # claims 200 bytes, has none
    target = 'DOM1'.encode('utf-16-le')
    off = 56
    hdr = b'NTLMSSP\x00' + struct.pack('<I', 2)
    hdr += struct.pack('<HHI', len(target), len(target), off)
    hdr += struct.pack('<I', 0xe2898215) + bytes(8) + bytes(8)
    hdr += struct.pack('<HHI', len(av), len(av), off + len(target))
    hdr += bytes(8)
    return hdr + target + av


def session_setup_rsp(blob):
    body = struct.pack('<HHHH', 9, 0, 72, len(blob)) + blob
    return smb2_hdr(1, flags=1) + body


def session_setup_req(blob):
    body = struct.pack('<HBBIIHHQ', 25, 0, 1, 1, 0, 88, len(blob), 0) + blob
    return smb2_hdr(1) + body


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    echo = smb2_hdr(13) + struct.pack('<HH', 4, 0)
    files = {}
    files['wrong_magic'] = b'\x00\x11\x22\x33' + bytes(60)
    files['empty'] = b''
    files['header_only_cut'] = pcap([])[:10]
    files['zero_length_packets'] = pcap([b'', b'', tcp(nbss(echo))])
    files['unknown_linktype'] = pcap([tcp(nbss(echo))], link=147)
    files['snaplen_cut'] = pcap(session([(nbss(echo)[:30], 0)]) if False else
                                [tcp(b'', 999, True, 0x02), (tcp(nbss(echo))[:60], 40 + 72)])
    # pcapng: SHB, IDB, an unknown block type, then an EPB; and one with an
    # oversized block length.
    shb = struct.pack('<IIIHHq', 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0, -1) + struct.pack('<I', 28)
    idb = struct.pack('<IIHHI', 1, 20, 101, 0, 262144) + struct.pack('<I', 20)
    unk = struct.pack('<II', 0x0badf00d, 16) + b'abcd' + struct.pack('<I', 16)
    pkt = tcp(nbss(echo))
    pad = (4 - len(pkt) % 4) % 4
    epb_len = 32 + len(pkt) + pad
    epb = struct.pack('<IIIIIII', 6, epb_len, 0, 0, 0, len(pkt), len(pkt)) + pkt + bytes(pad) + \
        struct.pack('<I', epb_len)
    files['pcapng_unknown_block'] = shb + idb + unk + epb
    files['pcapng_oversized_block'] = shb + idb + struct.pack('<II', 6, 0x7ffffff0) + bytes(64)
    files['nbss_longer_than_data'] = pcap(session([nbss(echo, claim=5000)]))
    # SMB2 compound whose NextCommand points inside the header, and one
    # pointing past the PDU.
    files['smb2_nextcommand_loop'] = pcap(session([nbss(smb2_hdr(13, next_cmd=8) + echo[64:])]))
    files['smb2_nextcommand_outside'] = pcap(session([nbss(smb2_hdr(13, next_cmd=0x10000) +
                                                           echo[64:])]))
    bad_off = smb2_hdr(1) + struct.pack('<HBBIIHHQ', 25, 0, 1, 1, 0, 0xfff0, 0x100, 0) + bytes(8)
    files['smb2_offset_outside'] = pcap(session([nbss(bad_off)]))
    # SMB1 LOGOFF_ANDX whose AndXOffset points back at the header.
    logoff = smb1_hdr(0x74) + bytes([2, 0x74, 0]) + struct.pack('<H', 0) + struct.pack('<H', 0)
    files['smb1_andx_backwards'] = pcap(session([nbss(logoff)]))
    files['asn1_deep_nesting'] = pcap(session([nbss(session_setup_req(spnego_deep(3000)))]))
    files['ntlmssp_av_no_terminator'] = pcap(session([nbss(session_setup_rsp(ntlm_challenge_noeol()))]))
    comp = b'\xfcSMB' + struct.pack('<IHHI', 0xffffffff, 2, 0, 0) + bytes(32)
    files['compression_claims_4gb'] = pcap(session([nbss(comp)]))
    chained = b'\xfcSMB' + struct.pack('<I', 0x7fffffff) + struct.pack('<HHI', 4, 0, 8) + \
        struct.pack('<BBHI', 0x41, 0, 0, 0x7fffffff)
    files['compression_pattern_2gb'] = pcap(session([nbss(chained)]))
    # Unchained LZ77 (literals only) of an echo request padded to 1 MiB: the
    # output outgrows the first 64 KiB reservation twice (decompressed again
    # into 256 KiB, then 1 MiB). And a 16 MB claim on a few bytes of garbage:
    # "decompression failed" without reserving the 16 MB.
    big = echo + bytes((1 << 20) - len(echo))
    lz = b''
    for i in range(0, len(big), 32):
        lz += struct.pack('<I', 0) + big[i:i + 32]
    lz += struct.pack('<I', 0xffffffff)
    comp = b'\xfcSMB' + struct.pack('<IHHI', len(big), 2, 0, 0) + lz
    msg = nbss(comp)
    files['compression_lz77_1mb'] = pcap(session([msg[i:i + 60000]
                                                  for i in range(0, len(msg), 60000)]))
    comp = b'\xfcSMB' + struct.pack('<IHHI', 16 << 20, 2, 0, 0) + bytes([0xff] * 40)
    files['compression_claims_16mb'] = pcap(session([nbss(comp)]))
    for name, data in files.items():
        with open(os.path.join(out, name + '.pcap'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
