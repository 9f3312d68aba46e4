/*
 * lz77.c - MS-XCA 2.4 Plain LZ77 decompression.
 *
 * 32-bit flag words (MSB first): 0 = literal byte, 1 = match. A match is a
 * 16-bit word (offset-1 << 3 | length); length 7 continues in a shared
 * half byte, then a byte, then 16 and 32 bits. A match flag with no input
 * left ends the stream.
 */
#include "xca.h"

ssize_t xca_lz77_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
			    size_t cap)
{
	size_t ip = 0, op = 0, half = 0;
	uint32_t flags = 0;
	unsigned nflags = 0;

	for (;;) {
		if (nflags == 0) {
			if (in_len - ip < 4)
				return ip == in_len ? (ssize_t)op : -1;
			flags = (uint32_t)in[ip] | (uint32_t)in[ip + 1] << 8 |
				(uint32_t)in[ip + 2] << 16 | (uint32_t)in[ip + 3] << 24;
			ip += 4;
			nflags = 32;
		}
		nflags--;
		if (!(flags & (1u << nflags))) {
			if (ip == in_len)
				return (ssize_t)op;
			if (op == cap)
				return XCA_NO_ROOM;
			out[op++] = in[ip++];
			continue;
		}
		if (ip == in_len)
			return (ssize_t)op;
		if (in_len - ip < 2)
			return -1;
		unsigned word = (unsigned)(in[ip] | in[ip + 1] << 8);
		ip += 2;
		size_t len = word & 7;
		size_t off = (word >> 3) + 1;
		if (len == 7) {
			if (half == 0) {
				if (ip == in_len)
					return -1;
				len = in[ip] & 15;
				half = ip++;
			} else {
				len = in[half] >> 4;
				half = 0;
			}
			if (len == 15) {
				if (ip == in_len)
					return -1;
				len = in[ip++];
				if (len == 255) {
					if (in_len - ip < 2)
						return -1;
					len = (size_t)(in[ip] | in[ip + 1] << 8);
					ip += 2;
					if (len == 0) {
						if (in_len - ip < 4)
							return -1;
						len = (size_t)in[ip] | (size_t)in[ip + 1] << 8 |
						      (size_t)in[ip + 2] << 16 |
						      (size_t)in[ip + 3] << 24;
						ip += 4;
					}
					if (len < 15 + 7)
						return -1;
					len -= 15 + 7;
				}
				len += 15;
			}
			len += 7;
		}
		len += 3;
		if (off > op)
			return -1;
		if (len > cap - op)
			return XCA_NO_ROOM;
		for (size_t i = 0; i < len; i++, op++)
			out[op] = out[op - off];
	}
}
