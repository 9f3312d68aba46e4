/*
 * test_xca.c - unit tests of the MS-XCA decompressors (dissect/lz77.c,
 * lzhuff.c, lznt1.c) on the examples published in MS-XCA section 3
 * (Plain LZ77 3.1, LZ77+Huffman 3.2) plus an LZNT1 stream and truncated
 * inputs. Standalone: exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "xca.h"

static int failures;

static void check(const char *name, ssize_t got_len, const uint8_t *got,
		  const uint8_t *want, size_t want_len)
{
	if (got_len != (ssize_t)want_len || memcmp(got, want, want_len) != 0) {
		printf("FAIL %s (length %zd, want %zu)\n", name, got_len, want_len);
		failures++;
	} else {
		printf("ok   %s\n", name);
	}
}

static void check_status(const char *name, ssize_t got, ssize_t want)
{
	if (got != want) {
		printf("FAIL %s (returned %zd, want %zd)\n", name, got, want);
		failures++;
	} else {
		printf("ok   %s\n", name);
	}
}

static void check_error(const char *name, ssize_t got_len)
{
	if (got_len >= 0) {
		printf("FAIL %s (accepted, %zd bytes)\n", name, got_len);
		failures++;
	} else {
		printf("ok   %s\n", name);
	}
}

int main(void)
{
	static uint8_t out[70000];
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz";

	/* MS-XCA 3.1, example 1. */
	static const uint8_t lz1[] = {
		0x3f, 0x00, 0x00, 0x00, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
		'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u',
		'v', 'w', 'x', 'y', 'z'
	};
	check("lz77 alphabet", xca_lz77_decompress(lz1, sizeof(lz1), out, sizeof(out)),
	      out, (const uint8_t *)alpha, 26);

	/* MS-XCA 3.1, example 2: "abc" 100 times. */
	static const uint8_t lz2[] = {
		0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff,
		0x26, 0x01
	};
	uint8_t abc[300];
	for (int i = 0; i < 300; i++)
		abc[i] = (uint8_t)("abc"[i % 3]);
	check("lz77 abc x100", xca_lz77_decompress(lz2, sizeof(lz2), out, sizeof(out)),
	      out, abc, 300);
	check_error("lz77 output cap", xca_lz77_decompress(lz2, sizeof(lz2), out, 299));
	check_error("lz77 truncated", xca_lz77_decompress(lz2, 9, out, sizeof(out)));
	/* A buffer too small says so (the caller may retry with more room),
	 * an invalid stream does not. */
	check_status("lz77 no room", xca_lz77_decompress(lz2, sizeof(lz2), out, 299), XCA_NO_ROOM);
	check_status("lz77 no room for a literal", xca_lz77_decompress(lz1, sizeof(lz1), out, 10),
		     XCA_NO_ROOM);
	check_status("lz77 truncated is invalid", xca_lz77_decompress(lz2, 9, out, sizeof(out)), -1);

	/* MS-XCA 3.2: the alphabet with LZ77+Huffman. Code lengths: 'a'-'v'
	 * 5 bits, 'w'-'z' 4 bits, end-of-stream symbol 256 4 bits. */
	uint8_t hf[256 + 20] = { 0 };
	for (int sym = 'a'; sym <= 'z'; sym++)
		hf[sym / 2] |= (uint8_t)((sym <= 'v' ? 5 : 4) << (sym & 1 ? 4 : 0));
	hf[256 / 2] |= 4;
	static const uint8_t hf_data[20] = {
		0xd8, 0x52, 0x3e, 0xd7, 0x94, 0x11, 0x5b, 0xe9, 0x19, 0x5f,
		0xf9, 0xd6, 0x7c, 0xdf, 0x8d, 0x04, 0x00, 0x00, 0x00, 0x00
	};
	memcpy(hf + 256, hf_data, sizeof(hf_data));
	check("lz77+huffman alphabet",
	      xca_lz77huff_decompress(hf, sizeof(hf), out, 26), out,
	      (const uint8_t *)alpha, 26);
	check_error("lz77+huffman short table",
		    xca_lz77huff_decompress(hf, 100, out, 26));
	uint8_t bad[sizeof(hf)];
	memcpy(bad, hf, sizeof(hf));
	bad[0] = 0x11; /* over-subscribed code */
	check_error("lz77+huffman bad code", xca_lz77huff_decompress(bad, sizeof(bad), out, 26));

	/* LZNT1: literal 'A' then a 4095-byte copy at distance 1. */
	static const uint8_t nt[] = { 0x03, 0x80, 0x02, 0x41, 0xfc, 0x0f };
	uint8_t as[4096];
	memset(as, 'A', sizeof(as));
	check("lznt1 run", xca_lznt1_decompress(nt, sizeof(nt), out, sizeof(out)),
	      out, as, sizeof(as));
	/* LZNT1 uncompressed chunk followed by the terminator. */
	static const uint8_t nt2[] = { 0x02, 0x30, 'x', 'y', 'z', 0x00, 0x00 };
	check("lznt1 stored chunk", xca_lznt1_decompress(nt2, sizeof(nt2), out, sizeof(out)),
	      out, (const uint8_t *)"xyz", 3);
	check_error("lznt1 truncated", xca_lznt1_decompress(nt, 4, out, sizeof(out)));
	check_status("lznt1 no room", xca_lznt1_decompress(nt, sizeof(nt), out, 100), XCA_NO_ROOM);
	check_status("lz77+huffman no room", xca_lz77huff_decompress(hf, sizeof(hf), out, 20),
		     XCA_NO_ROOM);
	check_error("lznt1 bad distance",
		    xca_lznt1_decompress((const uint8_t[]){ 0x01, 0x80, 0x01, 0x00 }, 4,
					 out, sizeof(out)));

	printf("%s\n", failures ? "FAILED" : "all passed");
	return failures ? 1 : 0;
}
