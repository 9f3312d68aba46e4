/*
 * fuzz_frame.c - the packet path from the link layer down: link, IPv4/IPv6,
 * TCP/UDP, reassembly, NBSS, SMB1/SMB2, security blobs, every frame.
 *
 * Input: byte 0 picks the link type; the rest is a list of frames, each a
 * 2-byte big-endian length then that many bytes (the last frame takes what
 * is left). Several frames let TCP reassembly work across segments.
 *
 * The limits are set tiny here (fuzz_smb keeps the defaults) so the paths
 * that cut PDUs, declare gaps and stop indexing are fuzzed too.
 */
#include <pcap/pcap.h>
#include <stdint.h>

#include "fuzz_common.h"

static const int dlts[] = {
	DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, 276 /* SLL2 */, DLT_NULL, DLT_LOOP,
	228 /* IPV4 */, 229 /* IPV6 */,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	static const struct trace_opts tiny = {
		.max_pdu = 8192, .max_pending = 2048, .max_reasm = 4096,
		.max_memory = 160u << 10, .max_nodes = 2000,
	};
	struct trace *t = trace_new("fuzz", &tiny);
	size_t off = 1;
	int64_t sec = 1000;

	while (off < size) {
		size_t len = size - off;
		if (len >= 2) {
			size_t want = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			len = size - off < want ? size - off : want;
		} else {
			off += len;
			len = 0;
		}
		trace_add_frame(t, dlt, data + off, (uint32_t)len, sec++, 0);
		off += len;
	}
	trace_finish(t);
	fuzz_dissect_all(t, tiny.max_nodes, FUZZ_SUMMARY | FUZZ_FACTS);
	trace_close(t);
	return 0;
}
