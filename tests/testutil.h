/* testutil.h - tiny assertion helpers and packet builders for unit tests. */
#ifndef SMBCMP_TESTUTIL_H
#define SMBCMP_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int test_failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			test_failures++;                                     \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long va_ = (long long)(a), vb_ = (long long)(b);        \
		if (va_ != vb_) {                                            \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", \
				__FILE__, __LINE__, #a, va_, vb_);           \
			test_failures++;                                     \
		}                                                            \
	} while (0)

static inline void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put_be32(uint8_t *p, uint32_t v) { put_be16(p, (uint16_t)(v >> 16)); put_be16(p + 2, (uint16_t)v); }
static inline void put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put_le32(uint8_t *p, uint32_t v) { put_le16(p, (uint16_t)v); put_le16(p + 2, (uint16_t)(v >> 16)); }

/*
 * Builds an IPv4/TCP packet (no link header) into out: src 10.0.0.2:49152
 * -> 10.0.0.1:445 when to_server, reversed otherwise. Returns its length.
 */
static inline size_t build_ipv4_tcp(uint8_t *out, int to_server, uint32_t seq,
				    uint8_t flags, const uint8_t *data, size_t len)
{
	uint8_t *ip = out, *tcp = out + 20;
	memset(out, 0, 40);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(40 + len));
	ip[8] = 64;
	ip[9] = 6;
	uint8_t a[4] = { 10, 0, 0, 2 }, b[4] = { 10, 0, 0, 1 };
	memcpy(ip + 12, to_server ? a : b, 4);
	memcpy(ip + 16, to_server ? b : a, 4);
	put_be16(tcp, to_server ? 49152 : 445);
	put_be16(tcp + 2, to_server ? 445 : 49152);
	put_be32(tcp + 4, seq);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	if (len)
		memcpy(out + 40, data, len);
	return 40 + len;
}

/* An NBSS-framed minimal SMB2 header (64 bytes) with command cmd and
 * message id mid; returns 68. */
static inline size_t build_smb2(uint8_t *out, uint16_t cmd, uint64_t mid, int response)
{
	memset(out, 0, 68);
	out[3] = 64;
	uint8_t *h = out + 4;
	h[0] = 0xfe; h[1] = 'S'; h[2] = 'M'; h[3] = 'B';
	put_le16(h + 4, 64);
	put_le16(h + 12, cmd);
	put_le32(h + 16, response ? 1 : 0);
	put_le32(h + 24, (uint32_t)mid);
	return 68;
}

#endif
