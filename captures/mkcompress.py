#!/usr/bin/env python3
# Builds captures/compressed.pcap: SMB2 messages of captures/smb311_ops.pcap re-sent in
# compression transforms (unchained LZ77, chained NONE, chained NONE+PATTERN_V1,
# unchained LZNT1). Usage: captures/mkcompress.py captures/compressed.pcap (needs tshark).
import struct, subprocess, sys
def payload(cap, frame):
    h=subprocess.run(['tshark','-r',cap,'-Y','frame.number==%d'%frame,'-T','fields','-e','tcp.payload'],capture_output=True,text=True).stdout.strip()
    return bytes.fromhex(h)[4:]  # strip NBSS
def lz77_literals(data):
    out=b''
    for i in range(0,len(data),32):
        chunk=data[i:i+32]
        n=len(chunk)
        flags = 0 if n==32 else ((1<<(32-n))-1)  # after n literals a match flag -> end
        out+=struct.pack('<I',flags)+chunk
    if len(data)%32==0: out+=struct.pack('<I',0xffffffff)
    return out
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16
    return (~s)&0xffff
seq={'c':1000,'s':5000}
def pkt(tcp_payload, to_server, flags=0x18):
    src,dst=(b'\x0a\0\0\x01',b'\x0a\0\0\x02') if to_server else (b'\x0a\0\0\x02',b'\x0a\0\0\x01')
    sp,dp=(40000,445) if to_server else (445,40000)
    k='c' if to_server else 's'; ok='s' if to_server else 'c'
    tcp=struct.pack('!HHIIBBHHH',sp,dp,seq[k],seq[ok],0x50,flags,65535,0,0)+tcp_payload
    seq[k]+=len(tcp_payload)+(1 if flags&0x02 else 0)
    ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(tcp),1,0,64,6,0,src,dst)
    ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
    eth=b'\0'*12+b'\x08\x00'
    return eth+ip+tcp
def nbss(b): return struct.pack('!I',len(b))+b
cap='/work/wt-smb2b/captures/smb311_ops.pcap'
req=payload(cap,22); rsp=payload(cap,23)
pkts=[pkt(b'',True,0x02),pkt(b'',False,0x12),pkt(b'',True,0x10)]
# unchained LZ77: first 16 bytes uncompressed (offset), rest compressed
off=16
comp_req=b'\xfcSMB'+struct.pack('<IHHI',len(req)-off,2,0,off)+req[:off]+lz77_literals(req[off:])
pkts.append(pkt(nbss(comp_req),True))
# chained: NONE for header 64 bytes + PATTERN_V1 (8 zero bytes?) + NONE rest
chain=b'\xfcSMB'+struct.pack('<I',len(rsp))
chain+=struct.pack('<HHI',0,1,64)+rsp[:64]
chain+=struct.pack('<HHI',0,0,len(rsp)-64)+rsp[64:]
pkts.append(pkt(nbss(chain),False))
def lznt1_stored(data):
    out=b''
    for i in range(0,len(data),4096):
        ch=data[i:i+4096]
        body=b''
        for j in range(0,len(ch),8):
            body+=b'\0'+ch[j:j+8]
        out+=struct.pack('<H',0xb000|(len(body)-1))+body
    return out+b'\0\0'
req2=payload(cap,24); rsp2=payload(cap,25)
comp3=b'\xfcSMB'+struct.pack('<IHHI',len(req2),1,0,0)+lznt1_stored(req2)
pkts.append(pkt(nbss(comp3),True))
ch=b'\xfcSMB'+struct.pack('<I',len(rsp2))
ch+=struct.pack('<HHI',0,1,48)+rsp2[:48]
ch+=struct.pack('<HHI',4,1,8)+struct.pack('<BBHI',0,0,0,16)
ch+=struct.pack('<HHI',0,0,len(rsp2)-64)+rsp2[64:]
pkts.append(pkt(nbss(ch),False))
with open(sys.argv[1],'wb') as f:
    f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
    for i,p in enumerate(pkts):
        f.write(struct.pack('<IIII',1700000000+i,0,len(p),len(p))+p)
