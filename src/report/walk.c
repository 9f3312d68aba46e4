/*
 * walk.c - the entry walk every diff writer shares; see walk.h.
 */
#include "walk.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool walk_detailed(const struct diff *d, const struct findings *F, size_t i,
		   bool similar)
{
	return d->e[i].status == DS_CHANGED && fstatus_differs(F->status[i], similar);
}

void walk_entry(struct diff *d, size_t i, bool detailed, struct arena *a,
		struct ddetail *det)
{
	if (detailed)
		diff_detail(d, i, DIFF_MAX_FIELDS, a, det);
	else
		diff_summary(d, i, a, det);
}

const char *walk_op_line(const struct ddetail *det, int side, struct arena *a)
{
	const char *rq = det->req_sum[side], *rs = det->rsp_sum[side];
	if (*rq && *rs)
		return arena_printf(a, "%s -> %s", rq, rs);
	return *rq ? rq : rs;
}

bool walk_frames(const struct diff *d, int side, uint32_t opi, uint32_t fr[2])
{
	fr[0] = fr[1] = 0;
	if (opi == OP_NONE)
		return false;
	const struct opset *s = &d->s[side];
	const struct op *o = &s->ops[opi];
	fr[0] = ops_frame_num(s, o->req_frame);
	fr[1] = ops_frame_num(s, o->rsp_frame);
	return true;
}

const char *walk_field_value(const struct dfield *x, int side)
{
	return side ? (x->lb ? x->lb : x->b) : (x->la ? x->la : x->a);
}

bool walk_next_hunk(const struct diff *d, const struct findings *F, bool similar,
		    unsigned context, size_t *pos, struct hunk *h)
{
	size_t i = *pos;

	while (i < d->n && !fstatus_differs(F->status[i], similar))
		i++;
	if (i >= d->n) {
		*pos = d->n;
		return false;
	}
	size_t start = i, end = i, quiet = 0;
	for (size_t k = i + 1; k < d->n; k++) {
		if (fstatus_differs(F->status[k], similar)) {
			end = k;
			quiet = 0;
		} else if (d->e[k].status != DS_FILTERED && ++quiet > 2 * (size_t)context) {
			break;
		}
	}
	size_t lo = start, hi = end + 1, n = 0;
	while (lo > 0 && n < context && d->e[lo - 1].conn == d->e[start].conn)
		if (d->e[--lo].status != DS_FILTERED)
			n++;
	n = 0;
	while (hi < d->n && n < context && d->e[hi].conn == d->e[end].conn)
		if (d->e[hi++].status != DS_FILTERED)
			n++;
	*h = (struct hunk){ lo, hi, start, end, d->e[start].conn, d->e[end].conn };
	*pos = end + 1;
	return true;
}

/* ---- walking ahead on several threads ---- */

/* Entries prepared at once: at most AHEAD_CHUNK, of which at most
 * AHEAD_DETAILED detailed (their trees are kept until printed). A chunk
 * is long enough that a thread started per chunk is worth its start on a
 * busy machine. */
#define AHEAD_CHUNK 2048
#define AHEAD_DETAILED 64
#define AHEAD_STEP 8      /* entries a thread takes at a time */
#define AHEAD_THREADS 2

struct ahead_worker {
	struct walk_ahead *w;
	struct arena a;
};

struct walk_ahead {
	struct diff *d;
	const struct findings *F;
	bool similar;
	size_t lo, hi;   /* the chunk prepared */
	size_t next;     /* the next entry to take (atomic) */
	struct ddetail det[AHEAD_CHUNK];
	bool detailed[AHEAD_CHUNK];
	unsigned nt;
	size_t chunk;    /* AHEAD_CHUNK, or small for tests */
	struct ahead_worker wk[AHEAD_THREADS];
};

static void ahead_run(struct ahead_worker *k)
{
	struct walk_ahead *w = k->w;

	size_t s, end;
	while (diff_claim_chunk(&w->next, w->hi, AHEAD_STEP, &s, &end)) {
		for (size_t i = s; i < end; i++) {
			if (w->d->e[i].status == DS_FILTERED)
				continue;
			bool det = walk_detailed(w->d, w->F, i, w->similar);
			w->detailed[i - w->lo] = det;
			walk_entry(w->d, i, det, &k->a, &w->det[i - w->lo]);
		}
	}
}

static void *ahead_thread(void *arg)
{
	ahead_run(arg);
	return NULL;
}

struct walk_ahead *walk_ahead_new(struct diff *d, const struct findings *F, bool similar)
{
	struct walk_ahead *w = xrealloc(NULL, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->d = d;
	w->F = F;
	w->similar = similar;
	/* Small comparisons: one thread, no thread started. Tests set
	 * SMBCMP_DIFF_THREADS (parcmp.c): from 2, two threads and small
	 * chunks whatever the size. */
	const char *env = getenv("SMBCMP_DIFF_THREADS");
	w->chunk = AHEAD_CHUNK;
	w->nt = d->n >= 4 * AHEAD_CHUNK ? AHEAD_THREADS : 1;
	if (env && *env) {
		w->nt = strtol(env, NULL, 10) >= 2 ? AHEAD_THREADS : 1;
		w->chunk = 24;
	}
	for (unsigned k = 0; k < w->nt; k++) {
		w->wk[k].w = w;
		arena_init(&w->wk[k].a);
	}
	return w;
}

/* Prepares the chunk of entry i. */
static void ahead_fill(struct walk_ahead *w, size_t i)
{
	for (unsigned k = 0; k < w->nt; k++)
		arena_reset(&w->wk[k].a);
	size_t ndet = 0, hi = i;
	while (hi < w->d->n && hi - i < w->chunk && ndet < AHEAD_DETAILED) {
		if (w->d->e[hi].status != DS_FILTERED &&
		    walk_detailed(w->d, w->F, hi, w->similar))
			ndet++;
		hi++;
	}
	w->lo = i;
	w->hi = hi;
	w->next = w->lo;
	pthread_t th[AHEAD_THREADS];
	bool started[AHEAD_THREADS] = { false };
	for (unsigned k = 1; k < w->nt; k++)
		started[k] = pthread_create(&th[k], NULL, ahead_thread, &w->wk[k]) == 0;
	ahead_run(&w->wk[0]);
	for (unsigned k = 1; k < w->nt; k++)
		if (started[k])
			pthread_join(th[k], NULL);
}

const struct ddetail *walk_ahead_get(struct walk_ahead *w, size_t i, bool *detailed)
{
	if (i < w->lo || i >= w->hi)
		ahead_fill(w, i);
	*detailed = w->detailed[i - w->lo];
	return &w->det[i - w->lo];
}

void walk_ahead_free(struct walk_ahead *w)
{
	if (!w)
		return;
	for (unsigned k = 0; k < w->nt; k++)
		arena_free(&w->wk[k].a);
	free(w);
}
