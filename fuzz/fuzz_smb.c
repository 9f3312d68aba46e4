/*
 * fuzz_smb.c - the TCP/NBSS/SMB path, reached quickly: the fuzzer writes
 * TCP payloads only and the harness wraps each in fixed Ethernet/IPv4/TCP
 * headers between a client and port 445, so every mutation lands in
 * reassembly, NBSS framing, SMB1/SMB2/SMB3 or the security blobs.
 *
 * Input: a list of segments, each
 *   ctl   1 byte:  bit 0 direction (0 client->server, 1 server->client)
 *                  bits 1-2 connection (client port 49152 + n)
 *                  bit 3 SYN, bit 4 FIN, bit 5 RST
 *                  bit 6 seq moved back by `adj` (retransmission/overlap)
 *                  bit 7 seq moved ahead by `adj` (gap/out of order),
 *                        the expected sequence number is not advanced
 *   adj   1 byte when bit 6 or 7 is set
 *   len   2 bytes big-endian, then len bytes of payload (capped to the rest)
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

#define NCONN 4

static size_t build(uint8_t *pkt, int dir, int conn, uint32_t seq,
		    uint8_t flags, const uint8_t *data, size_t len)
{
	static const uint8_t cmac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t cip[4] = { 10, 0, 0, 1 }, sip[4] = { 10, 0, 0, 2 };
	uint16_t cport = (uint16_t)(49152 + conn), sport = 445;
	size_t iplen = 20 + 20 + len;

	memcpy(pkt, dir ? cmac : smac, 6);
	memcpy(pkt + 6, dir ? smac : cmac, 6);
	pkt[12] = 0x08;
	pkt[13] = 0x00;
	uint8_t *ip = pkt + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, dir ? sip : cip, 4);
	memcpy(ip + 16, dir ? cip : sip, 4);
	uint8_t *tcp = ip + 20;
	memset(tcp, 0, 20);
	uint16_t sp = dir ? sport : cport, dp = dir ? cport : sport;
	tcp[0] = (uint8_t)(sp >> 8);
	tcp[1] = (uint8_t)sp;
	tcp[2] = (uint8_t)(dp >> 8);
	tcp[3] = (uint8_t)dp;
	tcp[4] = (uint8_t)(seq >> 24);
	tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8);
	tcp[7] = (uint8_t)seq;
	tcp[12] = 0x50;
	tcp[13] = flags;
	memcpy(tcp + 20, data, len);
	return 14 + iplen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[14 + 40 + 65535];
	uint32_t next[NCONN][2];
	struct trace *t = trace_new("fuzz", NULL);
	size_t off = 0;
	int64_t sec = 1000;

	for (int i = 0; i < NCONN; i++) {
		next[i][0] = 1000u + (uint32_t)i * 0x1000000u;
		next[i][1] = 0x80000000u + (uint32_t)i * 0x1000000u;
	}
	while (off + 3 <= size) {
		uint8_t ctl = data[off++];
		uint32_t adj = 0;
		if (ctl & 0xc0)
			adj = data[off++];
		if (off + 2 > size)
			break;
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		int dir = ctl & 1, conn = (ctl >> 1) & 3;
		uint8_t flags = (uint8_t)(0x10 | ((ctl & 8) ? 0x02 : 0) |
					  ((ctl & 16) ? 0x01 : 0) | ((ctl & 32) ? 0x04 : 0));
		uint32_t *nx = &next[conn][dir];
		uint32_t seq = *nx;
		if (ctl & 0x40)
			seq -= adj;
		if (ctl & 0x80)
			seq += adj;
		if (ctl & 8) {
			flags = dir ? 0x12 : 0x02;
			seq = *nx - 1;
		}
		size_t n = build(pkt, dir, conn, seq, flags, data + off, len);
		trace_add_frame(t, DLT_EN10MB, pkt, (uint32_t)n, sec++, 0);
		if (!(ctl & 0x80) && !(ctl & 8))
			*nx = seq + (uint32_t)len;
		off += len;
	}
	trace_finish(t);
	fuzz_dissect_all(t, 200000, false);
	trace_close(t);
	return 0;
}
