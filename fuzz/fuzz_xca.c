/*
 * fuzz_xca.c - the MS-XCA decompressors (LZNT1, Plain LZ77, LZ77+Huffman)
 * called directly. Input: byte 0 picks the algorithm, bytes 1-2 the output
 * capacity (little-endian, times 4), the rest is the compressed stream.
 * Checks the contract of xca.h: never more than cap bytes written.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../dissect/xca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	size_t cap = ((size_t)data[1] | (size_t)data[2] << 8) * 4;
	/* Exact-size heap buffer: ASan catches any write past cap. */
	uint8_t *out = malloc(cap ? cap : 1);
	ssize_t got;

	if (!out)
		return 0;
	switch (data[0] % 3) {
	case 0: got = xca_lznt1_decompress(data + 3, size - 3, out, cap); break;
	case 1: got = xca_lz77_decompress(data + 3, size - 3, out, cap); break;
	default: got = xca_lz77huff_decompress(data + 3, size - 3, out, cap); break;
	}
	if (got > (ssize_t)cap) {
		fprintf(stderr, "fuzz: %zd bytes out, cap %zu\n", got, cap);
		abort();
	}
	free(out);
	return 0;
}
