/*
 * fuzz_gssapi.c - security blobs on their own: GSS-API, SPNEGO (DER) and
 * NTLMSSP, as SMB1/SMB2 SESSION_SETUP and NEGOTIATE hand them over.
 * The input is the blob.
 */
#include <stdint.h>
#include <string.h>

#include "dctx.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct dctx d;

	arena_init(&a);
	for (int dry = 0; dry < 2; dry++) {
		memset(&d, 0, sizeof(d));
		d.t.a = &a;
		d.t.dry = dry;
		d.t.max_nodes = 200000;
		d.summary = "";
		struct node *root = tree_root(&d.t);
		struct cur c = cur_make(data, size, 0);
		gssapi_dissect(&d, root, &c);
		if (!dry)
			fuzz_check_tree(root, 200000);
		arena_reset(&a);
	}
	arena_free(&a);
	return 0;
}
