/*
 * smb2a_secdesc_test.c - secdesc_dissect() on a descriptor taken from
 * captures/smb311_ops.pcap frame 185 (hex on the command line or built in),
 * printing "name=show@pos+size" lines to compare with tshark's PDML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secdesc.h"

static void dump(const struct node *n, int depth)
{
	for (const struct node *c = n->child; c; c = c->next) {
		if (c->name && !(c->flags & N_HIDDEN))
			printf("%*s%s=%s@%u+%u\n", depth * 2, "", c->name,
			       c->show ? c->show : "", c->pos, c->size);
		dump(c, depth + 1);
	}
}

int main(int argc, char **argv)
{
	const char *hex = argc > 1 ? argv[1] : NULL;
	uint8_t buf[4096];
	size_t n = 0;

	if (!hex) {
		fprintf(stderr, "usage: %s HEX\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; hex[i] && hex[i + 1] && n < sizeof(buf); i += 2) {
		unsigned v;
		if (sscanf(hex + i, "%2x", &v) != 1)
			return 2;
		buf[n++] = (uint8_t)v;
	}
	struct arena a;
	arena_init(&a);
	struct dctx d;
	memset(&d, 0, sizeof(d));
	d.t.a = &a;
	d.summary = "";
	struct node *root = tree_root(&d.t);
	struct cur c = cur_make(buf, n, 0);
	secdesc_dissect(&d, root, &c);
	dump(root, 0);
	arena_free(&a);
	return 0;
}
