/*
 * sumcache.c - the summaries of compared entries, kept for the writers
 * (diffpriv.h: diff_sums_keep, diff_sums_get).
 *
 * Comparing an entry dissects both operations, which gives their Info
 * summaries too; a writer of every entry (JSON) would otherwise dissect
 * them all again only for those lines. An entry's four summaries (request
 * and response of A and B) are kept as one record, interned: a busy trace
 * repeats the same operations on the same files, so a few thousand
 * records serve millions of entries, and the entry holds only the
 * record's 16-bit number (dentry.sums, in what was its padding). Bounded:
 * at most SUMS_MAX records and SUMS_BYTES of strings; an entry whose
 * summaries find no room keeps 0 and its writer dissects it again
 * (diff_summary), as before.
 *
 * Several comparison threads keep records at once (parcmp.c); one mutex
 * guards the table. Records never change once made. diff_init() makes the
 * table, diff_free() frees it.
 *
 * SMBCMP_DIFF_SUMS=N (tests) keeps at most N records, 0 none: the writers'
 * second dissection runs for the entries past them, and the output is the
 * same for any N (tests/cli_diff_threads.sh).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diffpriv.h"
#include "hmap.h"
#include "xalloc.h"

#define SUMS_MAX 65535             /* ids 1..SUMS_MAX fit dentry.sums */
#define SUMS_BYTES (8u << 20)      /* strings kept, at most */

struct sumrec {
	const char *s[4]; /* req A, rsp A, req B, rsp B */
	uint16_t id;
};

struct diff_sums {
	size_t max;            /* records kept, at most */
	pthread_mutex_t mu;
	struct hmap map;       /* hash of the four -> struct sumrec */
	struct sumrec **v;     /* id - 1 -> record */
	size_t n, cap;
	size_t bytes;
	struct arena a;
};

struct diff_sums *diff_sums_new(void)
{
	const char *env = getenv("SMBCMP_DIFF_SUMS");
	size_t max = SUMS_MAX;
	if (env && *env) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);
		if (!*end && v < SUMS_MAX)
			max = v;
	}
	if (!max)
		return NULL;
	struct diff_sums *S = xrealloc(NULL, sizeof(*S));
	memset(S, 0, sizeof(*S));
	S->max = max;
	pthread_mutex_init(&S->mu, NULL);
	hmap_init(&S->map);
	arena_init(&S->a);
	return S;
}

static bool same4(const struct sumrec *r, const char *const s[4])
{
	for (int k = 0; k < 4; k++)
		if (strcmp(r->s[k], s[k]))
			return false;
	return true;
}

void diff_sums_keep(struct diff *d, struct dentry *e, const char *const s[4])
{
	uint64_t h = 0x5u;
	size_t len[4], total = 0;
	for (int k = 0; k < 4; k++) {
		len[k] = strlen(s[k]);
		h = hmap_mix(hmap_bytes(h, s[k], len[k]), (uint64_t)k + 1);
		total += len[k] + 1;
	}
	struct diff_sums *S = d->sums;
	uint16_t id = 0;
	if (!S)
		return;
	pthread_mutex_lock(&S->mu);
	struct sumrec *r = hmap_get(&S->map, h);
	if (r) {
		if (same4(r, s)) /* else another record has its hash: not kept */
			id = r->id;
	} else if (S->n < S->max && S->bytes + total <= SUMS_BYTES) {
		r = arena_alloc(&S->a, sizeof(*r));
		for (int k = 0; k < 4; k++)
			r->s[k] = arena_strndup(&S->a, s[k], len[k]);
		if (S->n == S->cap) {
			S->cap = S->cap ? 2 * S->cap : 256;
			S->v = xrealloc(S->v, S->cap * sizeof(*S->v));
		}
		S->v[S->n++] = r;
		r->id = id = (uint16_t)S->n;
		S->bytes += total;
		hmap_put(&S->map, h, r);
	}
	pthread_mutex_unlock(&S->mu);
	e->sums = id;
}

bool diff_sums_get(struct diff *d, const struct dentry *e, const char *s[4])
{
	struct diff_sums *S = e->sums ? d->sums : NULL;
	if (!S)
		return false;
	pthread_mutex_lock(&S->mu);
	const struct sumrec *r = e->sums <= S->n ? S->v[e->sums - 1] : NULL;
	pthread_mutex_unlock(&S->mu);
	if (!r)
		return false;
	memcpy(s, r->s, sizeof(r->s));
	return true;
}

void diff_sums_free(struct diff *d)
{
	struct diff_sums *S = d->sums;
	if (!S)
		return;
	pthread_mutex_destroy(&S->mu);
	hmap_free(&S->map);
	arena_free(&S->a);
	free(S->v);
	free(S);
	d->sums = NULL;
}
