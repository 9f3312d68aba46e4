/*
 * parcmp.c - diff_compare() on several threads (diffpriv.h).
 *
 * What makes an entry's comparison depend on the others is the id
 * bijection of its connection pair alone: an id pair is bound the first
 * time it is met, in entry order. Everything else (dissecting both sides'
 * trees, hashing, aligning the children) reads the traces, the op sets and
 * the masks only. So the entries of a batch are compared by every thread
 * at once, each taking CHUNK entries at a time, with their id checks
 * logged instead of made (ID_LOG); then this thread commits the logged
 * checks entry by entry, in entry order, which binds exactly what the
 * serial loop binds and finds exactly the inconsistencies it finds. An
 * entry whose only differences are inconsistent ids becomes "changed" at
 * that point. One connection pair gains as much as many: the split is by
 * entry, not by connection.
 *
 * Shared state the threads touch: the traces (dissection is safe from
 * several threads: dissect.h, trace_set_hook), the op sets (read only),
 * the masks (their caches are safe from several threads: mask.c), the
 * entries (read; statuses are written by this thread after the join).
 * Each thread has its own arena and its own log.
 *
 * SMBCMP_DIFF_THREADS=N (1..PAR_MAX_THREADS) sets the number of threads;
 * 1 is the serial loop (tests compare the two). Set, it also drops the
 * minimum range and makes batches small, so that the threads and the
 * commits across batches are exercised by small captures. The default is
 * the number of online processors, at most PAR_MAX_THREADS.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diffpriv.h"
#include "xalloc.h"

#define PAR_MAX_THREADS 4
#define PAR_MIN 256   /* fewer entries: the serial loop */
#define BATCH 8192    /* entries compared before their ids are committed */
#define TEST_BATCH 40 /* BATCH when SMBCMP_DIFF_THREADS is set */
#define CHUNK 16      /* entries a thread takes at a time */

/* An entry's result before its ids are committed. */
struct res {
	uint8_t status; /* enum dstatus, ids counted consistent */
	uint8_t worker; /* whose log holds its checks */
	uint32_t n;     /* how many */
	size_t off;     /* where they start in that log */
};

struct par;

struct worker {
	struct par *p;
	uint8_t id;
	struct arena a;
	struct idlog log;
};

struct par {
	struct diff *d;
	size_t lo, hi; /* the batch */
	size_t next;   /* the next entry to take (atomic) */
	struct res *r; /* per entry of the batch */
	struct worker w[PAR_MAX_THREADS];
};

/* The number of threads; *forced when SMBCMP_DIFF_THREADS sets it. */
static unsigned par_threads(bool *forced)
{
	const char *env = getenv("SMBCMP_DIFF_THREADS");
	long n;
	*forced = env && *env;
	if (*forced)
		n = strtol(env, NULL, 10);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > PAR_MAX_THREADS ? PAR_MAX_THREADS : (unsigned)n;
}

/* Compares chunks of the batch until none is left. */
static void run_worker(struct worker *w)
{
	struct par *p = w->p;
	struct diff *d = p->d;

	size_t s, end;
	while (diff_claim_chunk(&p->next, p->hi, CHUNK, &s, &end)) {
		for (size_t i = s; i < end; i++) {
			struct dentry *e = &d->e[i];
			struct res *r = &p->r[i - p->lo];
			r->worker = w->id;
			r->off = w->log.n;
			if (e->status == DS_PENDING || d->o.filter)
				r->status = (uint8_t)diff_cmp_entry_ids(d, e, &w->a, NULL, 0,
									ID_LOG, &w->log);
			else
				r->status = e->status;
			r->n = (uint32_t)(w->log.n - r->off);
			arena_reset(&w->a);
		}
	}
}

static void *worker_thread(void *arg)
{
	run_worker(arg);
	return NULL;
}

/* Commits the batch's id checks in entry order; the final statuses. */
static void commit_batch(struct par *p)
{
	struct diff *d = p->d;

	for (size_t i = p->lo; i < p->hi; i++) {
		const struct res *r = &p->r[i - p->lo];
		struct dentry *e = &d->e[i];
		const struct idcheck *k = p->w[r->worker].log.v + r->off;
		bool bad = false;
		for (uint32_t j = 0; j < r->n; j++)
			if (!diff_id_commit(&d->conns[e->conn], &k[j]))
				bad = true;
		e->status = bad && r->status == DS_EQUAL ? DS_CHANGED : r->status;
	}
	for (unsigned k = 0; k < PAR_MAX_THREADS; k++)
		p->w[k].log.n = 0;
}

bool diff_compare_par(struct diff *d, size_t lo, size_t hi)
{
	bool forced;
	unsigned nt = par_threads(&forced);
	size_t batch = forced ? TEST_BATCH : BATCH;
	if (nt < 2 || (!forced && hi - lo < PAR_MIN))
		return false;
	struct par *p = xrealloc(NULL, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->d = d;
	p->r = xrealloc(NULL, batch * sizeof(*p->r));
	for (unsigned k = 0; k < nt; k++) {
		p->w[k].p = p;
		p->w[k].id = (uint8_t)k;
		arena_init(&p->w[k].a);
	}
	for (size_t b = lo; b < hi; b += batch) {
		p->lo = b;
		p->hi = hi - b > batch ? b + batch : hi;
		p->next = b;
		pthread_t th[PAR_MAX_THREADS];
		bool started[PAR_MAX_THREADS] = { false };
		for (unsigned k = 1; k < nt; k++)
			started[k] = pthread_create(&th[k], NULL, worker_thread, &p->w[k]) == 0;
		run_worker(&p->w[0]);
		for (unsigned k = 1; k < nt; k++)
			if (started[k])
				pthread_join(th[k], NULL);
		commit_batch(p);
	}
	for (unsigned k = 0; k < nt; k++) {
		arena_free(&p->w[k].a);
		free(p->w[k].log.v);
	}
	free(p->r);
	free(p);
	return true;
}
