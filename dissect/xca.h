/*
 * xca.h - MS-XCA decompressors used by the SMB2 compression transform
 * (MS-SMB2 2.2.42): Plain LZ77 (MS-XCA 2.3/2.4), LZ77+Huffman (2.1/2.2)
 * and LZNT1 (2.5).
 *
 * Contract, the same for all three: in/in_len is the compressed stream,
 * out/cap the output buffer. Returns the number of bytes written, -1
 * when the stream is invalid, or XCA_NO_ROOM when it would need more than
 * cap bytes. Never
 * reads outside in[0..in_len) nor writes outside out[0..cap); every loop
 * advances its input or output, so run time is bounded by in_len + cap.
 * No global state; the Huffman decoder allocates its 64 KiB table itself.
 */
#ifndef SMBCMP_XCA_H
#define SMBCMP_XCA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Returned instead of -1 when the stream is valid so far but its output
 * would not fit in cap bytes: a caller that guessed cap low may retry with
 * a larger buffer. */
#define XCA_NO_ROOM (-2)

ssize_t xca_lz77_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
			    size_t cap);
ssize_t xca_lz77huff_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
				size_t cap);
ssize_t xca_lznt1_decompress(const uint8_t *in, size_t in_len, uint8_t *out,
			     size_t cap);

#endif
