/*
 * fuzz_xca.c - the MS-XCA decompressors (LZNT1, Plain LZ77, LZ77+Huffman)
 * called directly. Input: byte 0 picks the algorithm, bytes 1-2 the output
 * capacity (little-endian, times 4), the rest is the compressed stream.
 * Checks the contract of xca.h: never more than cap bytes written.
 *
 * The output buffer is allocated once and its last cap bytes are used, so
 * that out + cap is the end of the allocation: ASan reports any write past
 * cap as a heap overflow, and the bytes before out are poisoned, so any
 * write before it too. (A fresh malloc of up to 256 KiB per input went
 * through ASan's mmap allocator and cost more than the decompression.)
 */
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xca.h"

#define XCA_MAX_CAP ((size_t)0xffff * 4)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *buf;

	if (!buf && !(buf = malloc(XCA_MAX_CAP)))
		abort();
	if (size < 3)
		return 0;
	size_t cap = ((size_t)data[1] | (size_t)data[2] << 8) * 4;
	uint8_t *out = buf + (XCA_MAX_CAP - cap);
	ssize_t got;

	ASAN_UNPOISON_MEMORY_REGION(buf, XCA_MAX_CAP);
	ASAN_POISON_MEMORY_REGION(buf, XCA_MAX_CAP - cap);
	switch (data[0] % 3) {
	case 0: got = xca_lznt1_decompress(data + 3, size - 3, out, cap); break;
	case 1: got = xca_lz77_decompress(data + 3, size - 3, out, cap); break;
	default: got = xca_lz77huff_decompress(data + 3, size - 3, out, cap); break;
	}
	if (got > (ssize_t)cap) {
		fprintf(stderr, "fuzz: %zd bytes out, cap %zu\n", got, cap);
		abort();
	}
	return 0;
}
