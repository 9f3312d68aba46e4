/* field.c - the field descriptor array and look-ups; see field.h. */
#include "field.h"
#include "fieldvals.h"

#include <stdlib.h>
#include <pthread.h>
#include <string.h>

const struct field field_table[F_COUNT] = {
	[F_INVALID] = { "", "", FT_NONE, BASE_NONE, 0, NULL, NULL, NULL, 0 },
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) \
	[id] = { name, label, type, base, bits, vals, rvals, tfs, mask },
#include "fields.def"
#include "fields_local.def"
#undef F
};

const char *val_lookup(const struct val *vals, uint64_t v)
{
	if (!vals)
		return NULL;
	for (; vals->s; vals++)
		if (vals->v == v)
			return vals->s;
	return NULL;
}

const char *rval_lookup(const struct rval *rvals, uint64_t v)
{
	if (!rvals)
		return NULL;
	for (; rvals->s; rvals++)
		if (v >= rvals->lo && v <= rvals->hi)
			return rvals->s;
	return NULL;
}

/* Sorted index of field names, built once (pthread_once: two traces may be
 * dissected by two threads). Read-only afterwards. */
static int *name_index;
static pthread_once_t name_once = PTHREAD_ONCE_INIT;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(field_table[*(const int *)a].name,
		      field_table[*(const int *)b].name);
}

static void build_name_index(void)
{
	int *idx = malloc(sizeof(int) * F_COUNT);

	if (!idx)
		return;
	for (int i = 0; i < F_COUNT; i++)
		idx[i] = i;
	qsort(idx, F_COUNT, sizeof(int), cmp_name);
	name_index = idx;
}

int field_by_name(const char *name)
{
	pthread_once(&name_once, build_name_index);
	if (!name_index)
		return F_INVALID;
	size_t lo = 0, hi = F_COUNT;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(field_table[name_index[mid]].name, name);
		if (c == 0)
			return name_index[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return F_INVALID;
}
