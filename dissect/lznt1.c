/*
 * lznt1.c - MS-XCA 2.5 LZNT1 decompression.
 *
 * A sequence of chunks, each with a 16-bit header: bits 0-11 data size - 1,
 * bit 15 compressed. A compressed chunk holds flag bytes (LSB first): 0 =
 * literal, 1 = 16-bit copy token whose offset/length split depends on how
 * much of the chunk's (at most 4096-byte) output exists already. A header
 * of 0 ends the stream.
 */
#include "xca.h"

static ssize_t chunk(const uint8_t *in, size_t n, uint8_t *out, size_t op,
		     size_t cap)
{
	size_t ip = 0, start = op;

	while (ip < n) {
		unsigned flags = in[ip++];
		for (int bit = 0; bit < 8 && ip < n; bit++, flags >>= 1) {
			if (!(flags & 1)) {
				if (op == cap)
					return XCA_NO_ROOM;
				out[op++] = in[ip++];
				continue;
			}
			if (n - ip < 2)
				return -1;
			unsigned token = (unsigned)(in[ip] | in[ip + 1] << 8);
			ip += 2;
			size_t pos = op - start;
			unsigned shift = 12;
			for (size_t p = pos - 1; pos && p >= 0x10; p >>= 1)
				shift--;
			size_t off = (token >> shift) + 1;
			size_t len = (token & ((1u << shift) - 1)) + 3;
			if (off > pos)
				return -1;
			if (len > cap - op)
				return XCA_NO_ROOM;
			for (size_t i = 0; i < len; i++, op++)
				out[op] = out[op - off];
		}
	}
	return (ssize_t)op;
}

ssize_t xca_lznt1_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
			     size_t cap)
{
	size_t ip = 0, op = 0;

	while (in_len - ip >= 2) {
		unsigned hdr = (unsigned)(in[ip] | in[ip + 1] << 8);
		ip += 2;
		if (hdr == 0)
			break;
		size_t n = (hdr & 0x0fff) + 1;
		if (n > in_len - ip)
			return -1;
		if (hdr & 0x8000) {
			ssize_t r = chunk(in + ip, n, out, op, cap);
			if (r < 0)
				return r;
			op = (size_t)r;
		} else {
			if (n > cap - op)
				return XCA_NO_ROOM;
			for (size_t i = 0; i < n; i++)
				out[op++] = in[ip + i];
		}
		ip += n;
	}
	return (ssize_t)op;
}
