/*
 * fuzz_filter.c - the --filter expression parser and evaluator. The input
 * is the expression; a parsed filter is evaluated over a small fixed tree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	char *expr = malloc(size + 1);

	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	struct filter *f = filter_parse(expr, err, sizeof(err));
	free(expr);
	if (!f)
		return 0;

	struct arena a;
	struct tctx t = { 0 };
	arena_init(&a);
	t.a = &a;
	struct node *root = tree_root(&t);
	struct node *smb2 = t_proto(&t, root, F_SMB2, 0, 64);
	t_uint(&t, smb2, F_SMB2_CMD, 12, 2, 5);
	t_string(&t, smb2, F_SMB2_FILENAME, 80, 8, "a\\b.jpg");
	t_uint(&t, smb2, F_SMB2_CREATE_DISPOSITION, 100, 4, 1);
	struct node *roots[2] = { root, NULL };
	(void)filter_match(f, roots, 2);
	(void)filter_text(f);
	filter_free(f);
	arena_free(&a);
	return 0;
}
