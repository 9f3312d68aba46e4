/*
 * fuzz_pcap.c - the capture file reader: the input is a whole pcap or
 * pcapng file, read through libpcap from memory (fmemopen), indexed and
 * dissected like `smbcmp --json FILE`.
 */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct trace *t;

	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	if (trace_open_file(&t, f, "fuzz.pcap", NULL, err, sizeof(err)))
		return 0;
	fuzz_dissect_all(t, 200000, FUZZ_JSON | FUZZ_SUMMARY);
	trace_close(t);
	return 0;
}
