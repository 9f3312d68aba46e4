/*
 * smb2_reqs.c - the SMB2 request table of a trace; see smb2.h.
 *
 * One record per request, appended in capture order (recs, with its key in
 * keys). While indexing, an open-addressing table of record indices holds
 * only the requests not yet answered: a response takes its request out, so
 * the table is sized to what is outstanding, not to the trace. When the
 * index is finished, one table over all records (the last one per key, as
 * a map replaced on insertion would keep) answers the dissections. Slots
 * hold a record index + 1 (0: empty), 4 bytes each, keys compared in keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smb2.h"

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	return p;
}

static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

/* Slot holding key in r->slots, or the empty slot where it would go. */
static size_t probe(const struct smb2_reqs *r, uint64_t key)
{
	size_t j = slot_of(key, r->scap);

	while (r->slots[j] && r->keys[r->slots[j] - 1] != key)
		j = (j + 1) & (r->scap - 1);
	return j;
}

/* Puts record i in the table (replacing a record of the same key). */
static void put(struct smb2_reqs *r, uint32_t i)
{
	if ((r->sused + 1) * 4 > r->scap * 3) {
		size_t ocap = r->scap, ncap = ocap ? ocap * 2 : 64;
		uint32_t *old = r->slots;
		r->slots = calloc(ncap, sizeof(*r->slots));
		if (!r->slots) {
			fprintf(stderr, "smbcmp: out of memory\n");
			abort();
		}
		r->scap = ncap;
		for (size_t k = 0; k < ocap; k++)
			if (old[k])
				r->slots[probe(r, r->keys[old[k] - 1])] = old[k];
		free(old);
	}
	size_t j = probe(r, r->keys[i]);
	if (!r->slots[j])
		r->sused++;
	r->slots[j] = i + 1;
}

struct smb2_req *smb2_reqs_live(struct smb2_reqs *r, uint64_t key)
{
	if (!r->scap || r->final)
		return NULL;
	uint32_t s = r->slots[probe(r, key)];
	return s ? &r->recs[s - 1] : NULL;
}

struct smb2_req *smb2_reqs_new(struct smb2_reqs *r, uint64_t key)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->recs = xrealloc(r->recs, r->cap * sizeof(*r->recs));
		r->keys = xrealloc(r->keys, r->cap * sizeof(*r->keys));
	}
	uint32_t i = (uint32_t)r->n++;
	memset(&r->recs[i], 0, sizeof(r->recs[i]));
	r->keys[i] = key;
	put(r, i);
	return &r->recs[i];
}

void smb2_reqs_answered(struct smb2_reqs *r, uint64_t key)
{
	if (!r->scap || r->final)
		return;
	size_t j = probe(r, key), k = j;
	if (!r->slots[j])
		return;
	/* Backward-shift deletion: no tombstones, probes stay short. */
	for (;;) {
		r->slots[j] = 0;
		for (;;) {
			k = (k + 1) & (r->scap - 1);
			if (!r->slots[k]) {
				r->sused--;
				return;
			}
			size_t home = slot_of(r->keys[r->slots[k] - 1], r->scap);
			/* k's entry may fill j when its home is not in (j, k]. */
			if (j <= k ? (home <= j || home > k) : (home <= j && home > k))
				break;
		}
		r->slots[j] = r->slots[k];
		j = k;
	}
}

void smb2_reqs_finish(struct smb2_reqs *r)
{
	if (r->final)
		return;
	free(r->slots);
	r->slots = NULL;
	r->scap = r->sused = 0;
	r->final = true;
	if (!r->n)
		return;
	/* sized once (load <= 3/4): no second table alive while it fills */
	r->scap = 64;
	while (r->n * 4 > r->scap * 3)
		r->scap *= 2;
	r->slots = calloc(r->scap, sizeof(*r->slots));
	if (!r->slots) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	for (uint32_t i = 0; i < r->n; i++)
		put(r, i);
}

struct smb2_req *smb2_reqs_get(const struct smb2_reqs *r, uint64_t key)
{
	if (!r->scap)
		return NULL;
	uint32_t s = r->slots[probe(r, key)];
	return s ? &r->recs[s - 1] : NULL;
}

size_t smb2_reqs_mem(const struct smb2_reqs *r)
{
	return r->n * (sizeof(*r->recs) + sizeof(*r->keys)) + r->scap * sizeof(*r->slots);
}

void smb2_reqs_free(struct smb2_reqs *r)
{
	free(r->recs);
	free(r->keys);
	free(r->slots);
	memset(r, 0, sizeof(*r));
}
