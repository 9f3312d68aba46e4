/*
 * fuzz_pdml.c - the tshark engine's reader (src/tshark/tshark.c): `tshark -T pdml`
 * output parsed with libxml2's xmlTextReader into field trees, and the
 * `-P -V` text whose "[label]" lines mark generated items.
 *
 * Input: PDML; when it contains a NUL byte, what follows the first NUL is
 * the -V text (the seeds from fuzz/make-corpus.py carry both). Every
 * packet is read with tshark_next() until the end or an error; each tree
 * is checked (depth within the reader's cap, every node labelled).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tshark.h"
#include "xmlapi.h"
#include "fuzz_common.h"

/* src/tshark/tshark.c drops PDML items deeper than 256 levels; +1 for the root. */
#define PDML_MAX_DEPTH 257
/* More packets than any input of -max_len bytes can hold. */
#define PDML_MAX_PACKETS 1000000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];

	if (!xmlapi_load(err, sizeof(err))) /* once per process, not per input */
		fprintf(stderr, "fuzz_pdml: %s\n", err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *sep = memchr(in, 0, size);
	size_t plen = sep ? (size_t)(sep - in) : size;
	struct tshark *ts;
	struct arena a;
	char err[512];

	if (tshark_open_mem(&ts, in, plen, sep ? sep + 1 : NULL,
			    sep ? size - plen - 1 : 0, err, sizeof(err)))
		return 0;
	arena_init(&a);
	for (int i = 0; i < PDML_MAX_PACKETS; i++) {
		struct ts_frame f;
		if (tshark_next(ts, &a, &f, err, sizeof(err)) <= 0)
			break;
		if (!f.root || !f.summary) {
			fprintf(stderr, "fuzz: packet without root or summary\n");
			abort();
		}
		fuzz_check_tree_depth(f.root, 0, PDML_MAX_DEPTH);
		arena_reset(&a);
	}
	arena_free(&a);
	tshark_close(ts, NULL, NULL, 0);
	return 0;
}
