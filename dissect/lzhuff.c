/*
 * lzhuff.c - MS-XCA 2.2 LZ77+Huffman decompression.
 *
 * Blocks of up to 65536 output bytes, each starting with a 256-byte table
 * of 512 4-bit code lengths (symbols 0-255 literals, 256-511 matches:
 * low nibble length, high nibble offset bit count). Codes are canonical
 * (ordered by length, then symbol), at most 15 bits, read MSB first from
 * 16-bit little-endian words. Symbol 256 at the end of input ends the
 * stream.
 */
#include "xca.h"

#include <stdlib.h>

#define MAXBITS 15

struct bits {
	const uint8_t *in;
	size_t len, pos;   /* next 16-bit word to load */
	uint32_t next;     /* MSB-aligned bit buffer */
	int extra;         /* bits available below the top 16 */
};

static unsigned rd16(const struct bits *b, size_t pos)
{
	if (pos + 1 >= b->len)
		return pos < b->len ? b->in[pos] : 0;
	return (unsigned)(b->in[pos] | b->in[pos + 1] << 8);
}

static void consume(struct bits *b, unsigned n)
{
	b->next = n >= 32 ? 0 : b->next << n;
	b->extra -= (int)n;
	if (b->extra < 0) {
		b->next |= (uint32_t)rd16(b, b->pos) << (-b->extra);
		b->extra += 16;
		b->pos += 2;
	}
}

/* Canonical decoding table; false when the lengths are not a valid code. */
static bool build_table(const uint8_t *t, uint16_t *table, uint8_t *lens)
{
	uint32_t code = 0;
	size_t filled = 0;

	for (int i = 0; i < 512; i++)
		lens[i] = (uint8_t)(i & 1 ? t[i / 2] >> 4 : t[i / 2] & 15);
	for (unsigned len = 1; len <= MAXBITS; len++) {
		for (unsigned sym = 0; sym < 512; sym++) {
			if (lens[sym] != len)
				continue;
			size_t span = (size_t)1 << (MAXBITS - len);
			size_t start = (size_t)code << (MAXBITS - len);
			if (start + span > (1u << MAXBITS))
				return false;
			for (size_t k = 0; k < span; k++)
				table[start + k] = (uint16_t)sym;
			filled += span;
			code++;
		}
		code <<= 1;
	}
	return filled == (1u << MAXBITS);
}

ssize_t xca_lz77huff_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
				size_t cap)
{
	uint16_t *table = malloc(sizeof(uint16_t) << MAXBITS);
	uint8_t lens[512];
	size_t ip = 0, op = 0;
	ssize_t ret = -1;

	if (!table)
		return -1;
	while (op < cap || ip < in_len) {
		/* The bit reader may have run past in_len (it reads zeros
		 * there): ip > in_len must not wrap the subtraction. */
		if (ip >= in_len || in_len - ip < 256) {
			if (op == cap || ip >= in_len)
				ret = (ssize_t)op;
			goto done;
		}
		if (!build_table(in + ip, table, lens))
			goto done;
		struct bits b = { in, in_len, ip + 256, 0, 16 };
		b.next = (uint32_t)rd16(&b, b.pos) << 16 | rd16(&b, b.pos + 2);
		b.pos += 4;
		size_t block_end = op + 65536;
		while (op < block_end) {
			unsigned sym = table[b.next >> (32 - MAXBITS)];
			consume(&b, lens[sym]);
			if (sym < 256) {
				if (op == cap) {
					ret = XCA_NO_ROOM;
					goto done;
				}
				out[op++] = (uint8_t)sym;
				continue;
			}
			if (sym == 256 && b.pos >= in_len) {
				ret = (ssize_t)op;
				goto done;
			}
			sym -= 256;
			size_t len = sym & 15;
			unsigned obits = sym >> 4;
			if (len == 15) {
				if (b.pos >= in_len)
					goto done;
				len = in[b.pos++];
				if (len == 255) {
					if (in_len - b.pos < 2)
						goto done;
					len = rd16(&b, b.pos);
					b.pos += 2;
					if (len == 0) {
						if (in_len - b.pos < 4)
							goto done;
						len = (size_t)rd16(&b, b.pos) |
						      (size_t)rd16(&b, b.pos + 2) << 16;
						b.pos += 4;
					}
					if (len < 15)
						goto done;
					len -= 15;
				}
				len += 15;
			}
			len += 3;
			size_t off = obits ? (size_t)(b.next >> (32 - obits)) : 0;
			off += (size_t)1 << obits;
			consume(&b, obits);
			if (off > op)
				goto done;
			if (len > cap - op) {
				ret = XCA_NO_ROOM;
				goto done;
			}
			for (size_t i = 0; i < len; i++, op++)
				out[op] = out[op - off];
		}
		ip = b.pos;
	}
	ret = (ssize_t)op;
done:
	free(table);
	return ret;
}
