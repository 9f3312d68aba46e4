/*
 * smb2_reqs.c - the SMB2 requests of a trace not yet answered, while it is
 * indexed; see smb2.h.
 *
 * The index keeps no table of all requests: a request and its response in
 * PDUs of one SMB2 message each point at each other's PDU (trace.c's pair
 * array), and the dissection reads what it needs again from the request's
 * bytes. Only while indexing, this table holds the requests not yet
 * answered, keyed by smb2_req_key(): records in a pool (a free list reuses
 * the answered ones) and an open-addressing table of record indices + 1
 * (0: empty) beside the slots' keys, 12 bytes a slot (a probe reads no
 * record: the pool's records are scattered). A response
 * takes its request out, so the table is sized to what is outstanding, not
 * to the trace. The last SMB2_DONE answered requests stay in a second
 * table (a ring and its index) for a response that comes again.
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

	while (r->slots[j] && r->skeys[j] != key)
		j = (j + 1) & (r->scap - 1);
	return j;
}

/* Puts record i in the table (replacing a record of the same key). */
static void put(struct smb2_reqs *r, uint32_t i)
{
	if ((r->sused + 1) * 4 > r->scap * 3) {
		size_t ocap = r->scap, ncap = ocap ? ocap * 2 : 64;
		uint32_t *old = r->slots;
		uint64_t *okeys = r->skeys;
		r->slots = calloc(ncap, sizeof(*r->slots));
		r->skeys = malloc(ncap * sizeof(*r->skeys));
		if (!r->slots || !r->skeys) {
			fprintf(stderr, "smbcmp: out of memory\n");
			abort();
		}
		r->scap = ncap;
		for (size_t k = 0; k < ocap; k++)
			if (old[k]) {
				size_t j = probe(r, okeys[k]);
				r->slots[j] = old[k];
				r->skeys[j] = okeys[k];
			}
		free(old);
		free(okeys);
	}
	size_t j = probe(r, r->recs[i].key);
	if (!r->slots[j])
		r->sused++;
	else /* the replaced record goes back to the pool */
		r->recs[r->slots[j] - 1].next_free = r->free, r->free = r->slots[j];
	r->slots[j] = i + 1;
	r->skeys[j] = r->recs[i].key;
}

struct smb2_live *smb2_reqs_live(struct smb2_reqs *r, uint64_t key)
{
	if (!r->scap)
		return NULL;
	uint32_t s = r->slots[probe(r, key)];
	return s ? &r->recs[s - 1] : NULL;
}

/* The answered requests: a ring of the last SMB2_DONE answers (dn, grown
 * by doubling up to SMB2_DONE) and an open-addressing index of ring
 * positions + 1 by key (dslots, twice the ring's size). */
static size_t dprobe(const struct smb2_reqs *r, uint64_t key)
{
	size_t j = slot_of(key, r->dscap);

	while (r->dslots[j] && r->dn[r->dslots[j] - 1].key != key)
		j = (j + 1) & (r->dscap - 1);
	return j;
}

/* Takes key out of the index (backward-shift deletion). */
static void ddel(struct smb2_reqs *r, uint64_t key)
{
	if (!r->dscap)
		return;
	size_t j = dprobe(r, key), k = j;
	if (!r->dslots[j])
		return;
	r->dn[r->dslots[j] - 1].used = false;
	for (;;) {
		r->dslots[j] = 0;
		for (;;) {
			k = (k + 1) & (r->dscap - 1);
			if (!r->dslots[k])
				return;
			size_t home = slot_of(r->dn[r->dslots[k] - 1].key, r->dscap);
			if (j <= k ? (home <= j || home > k) : (home <= j && home > k))
				break;
		}
		r->dslots[j] = r->dslots[k];
		j = k;
	}
}

void smb2_reqs_done(struct smb2_reqs *r, const struct smb2_live *q)
{
	if (r->dlen == r->dcap && r->dcap < SMB2_DONE) { /* grow: ring in order */
		size_t ncap = r->dcap ? r->dcap * 2 : 256;
		r->dn = xrealloc(r->dn, ncap * sizeof(*r->dn));
		free(r->dslots);
		r->dscap = ncap * 2;
		r->dslots = calloc(r->dscap, sizeof(*r->dslots));
		if (!r->dslots) {
			fprintf(stderr, "smbcmp: out of memory\n");
			abort();
		}
		for (size_t i = 0; i < r->dlen; i++) /* dhead is 0 while growing */
			if (r->dn[i].used)
				r->dslots[dprobe(r, r->dn[i].key)] = (uint32_t)i + 1;
		r->dcap = ncap;
	}
	size_t i;
	if (r->dlen < r->dcap) {
		i = r->dlen++;
	} else { /* full: the oldest answer goes */
		i = r->dhead;
		r->dhead = (r->dhead + 1) % r->dcap;
		if (r->dn[i].used)
			ddel(r, r->dn[i].key);
	}
	/* one probe: an earlier answer of the key gives up its slot */
	size_t j = dprobe(r, q->key);
	if (r->dslots[j])
		r->dn[r->dslots[j] - 1].used = false;
	r->dn[i] = (struct smb2_done){
		.key = q->key, .req_pdu = q->req_pdu, .cmd = q->r.cmd, .side = q->side,
		.used = true
	};
	r->dslots[j] = (uint32_t)i + 1;
}

const struct smb2_done *smb2_reqs_done_get(const struct smb2_reqs *r, uint64_t key)
{
	if (!r->dscap)
		return NULL;
	uint32_t s = r->dslots[dprobe(r, key)];
	return s ? &r->dn[s - 1] : NULL;
}

struct smb2_live *smb2_reqs_new(struct smb2_reqs *r, uint64_t key)
{
	uint32_t i;

	/* An answer of key in the done table stays: it is read only while no
	 * request of key is live (pair_again), and this one leaves the live
	 * table answered (smb2_reqs_done replaces it) or for another of key. */
	if (r->free) {
		i = r->free - 1;
		r->free = r->recs[i].next_free;
	} else {
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->recs = xrealloc(r->recs, r->cap * sizeof(*r->recs));
		}
		i = (uint32_t)r->n++;
	}
	memset(&r->recs[i], 0, sizeof(r->recs[i]));
	r->recs[i].key = key;
	put(r, i);
	return &r->recs[i];
}

void smb2_reqs_answered(struct smb2_reqs *r, uint64_t key)
{
	if (!r->scap)
		return;
	size_t j = probe(r, key), k = j;
	if (!r->slots[j])
		return;
	r->recs[r->slots[j] - 1].next_free = r->free;
	r->free = r->slots[j];
	/* Backward-shift deletion: no tombstones, probes stay short. */
	for (;;) {
		r->slots[j] = 0;
		for (;;) {
			k = (k + 1) & (r->scap - 1);
			if (!r->slots[k]) {
				r->sused--;
				return;
			}
			size_t home = slot_of(r->skeys[k], r->scap);
			/* k's entry may fill j when its home is not in (j, k]. */
			if (j <= k ? (home <= j || home > k) : (home <= j && home > k))
				break;
		}
		r->slots[j] = r->slots[k];
		r->skeys[j] = r->skeys[k];
		j = k;
	}
}

void smb2_reqs_each(struct smb2_reqs *r, void (*fn)(void *ctx, struct smb2_live *q),
		    void *ctx)
{
	for (size_t j = 0; j < r->scap; j++)
		if (r->slots[j])
			fn(ctx, &r->recs[r->slots[j] - 1]);
}

size_t smb2_reqs_mem(const struct smb2_reqs *r)
{
	return r->n * sizeof(*r->recs) + r->scap * (sizeof(*r->slots) + sizeof(*r->skeys)) +
	       r->dcap * sizeof(*r->dn) + r->dscap * sizeof(*r->dslots);
}

void smb2_reqs_free(struct smb2_reqs *r)
{
	free(r->recs);
	free(r->slots);
	free(r->skeys);
	free(r->dn);
	free(r->dslots);
	memset(r, 0, sizeof(*r));
}
