/*
 * diff.c - the diff engine; see diff.h.
 *
 * Design
 * ------
 * 1. Operations (ops.c). Each trace becomes a list of operations (request
 *    + final response, interims folded in, breaks and orphans alone; each
 *    compound member and each SMB1 AndX chain link on its own), grouped by
 *    connection (TCP stream). Each op carries three alignment
 *    keys, from most to least specific:
 *      key[0] = protocol, command, subcommand (info class/level, FSCTL,
 *               TRANS2 subcommand, search pattern) and normalised path
 *               (file ids mapped back to the CREATE that opened them);
 *      key[1] = the same without the path;
 *      key[2] = the kind of command across dialects (SMB1 NT Create AndX
 *               and SMB2 CREATE are both "create").
 *    Only these small records stay in memory; trees are rebuilt on demand.
 *
 * 2. Connections. With one connection on each side they are paired. With
 *    more, a dynamic programme over the two ordered lists maximises the sum
 *    of similarities (shared key[1] multiset, Dice coefficient) plus a small
 *    bonus per pair, so connections pair by similarity but keep their
 *    order, and a connection without counterpart (a failed login before the
 *    real one) stays alone. Above 1e6 connection pairs: pairing by order.
 *    --stream A:B forces pairs.
 *
 * 3. Operations of paired connections are aligned by Myers' O(ND) diff
 *    on key[0] (align.c, near-linear for similar traces, capped cost for
 *    dissimilar ones); each gap between two matches is aligned again on
 *    key[1], and the remaining gaps on key[2]. An inserted or missing
 *    operation is one gap; an operation done on another file pairs with
 *    its counterpart at level 1 and shows as "changed". Among READs or
 *    WRITEs of one key next to a gap, the pair at the same file offset
 *    wins (prefer_same_offset).
 *
 * 4. Field comparison (fieldcmp.c). Aligned requests are compared with requests,
 *    responses with responses, walking the trees by field name: the
 *    children of two nodes are aligned as lists (Myers on a hash of each
 *    subtree's content, gaps re-aligned on the field name), so repeated
 *    fields (dialects, directory entries, negotiate contexts, AV pairs)
 *    align as lists and one extra entry is one difference. Text items
 *    without a field name are identified by their label up to ':'.
 *    An SMB1 AndX link is its own subtree (ops_trees gives the link's view:
 *    header + its block); when either side is a later link, only the two
 *    AndX blocks are compared, the header belonging to the first link.
 *    Masked (ignored) fields and their subtrees take no part, not even in
 *    the content hash. Id fields compare through a per-connection-pair
 *    bijection: the first time value X (A) meets Y (B) they are bound;
 *    later X must meet Y again, else "id used inconsistently". Sentinel
 *    ids (all zeros, all ones) must be equal. Pseudo-fields add what the
 *    trees do not say: smbcmp.response (answered or not), smbcmp.path (the
 *    file an operation on a file id acts on), smbcmp.interim (count of
 *    STATUS_PENDING interims, masked by default).
 *
 * 5. Passes. diff_init() builds the two operation lists on two threads.
 *    diff_align() aligns them; diff_compare() then compares the entries
 *    once each, and keeps only their statuses: on several threads
 *    (parcmp.c), their id checks then made in entry order (id bindings
 *    are made on first sight, so order matters); it can stop after any
 *    entry and resume (d->ncompared), which lets the UI show the aligned
 *    entries at once and compare the rest between key presses. diff_run()
 *    is both at once. diff_restart() forgets the comparison (alignment
 *    kept) when the masks or the filter change: neither takes part in
 *    alignment; diff_recompare() restarts and compares all. Output re-runs
 *    the comparison of the entries it prints in
 *    record mode (diff_detail); because id bindings are only ever added,
 *    and an entry's bindings are made by the entry itself or earlier ones,
 *    the second run gives the same answer as the first.
 */
#include "diff.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "diffpriv.h"
#include "xalloc.h"

#define DP_MAX_CELLS 1000000u
#define PAIR_BONUS 0.01

const char *dstatus_name(enum dstatus s)
{
	static const char *const names[] = {
		[DS_EQUAL] = "equal", [DS_CHANGED] = "changed", [DS_ONLY_A] = "only_a",
		[DS_ONLY_B] = "only_b", [DS_FILTERED] = "filtered", [DS_PENDING] = "pending",
	};
	return names[s];
}

/* ---- connections ---- */

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Sorted key[1] values of a connection (caller frees). */
static uint64_t *conn_keys(const struct opset *s, const struct op_conn *c)
{
	uint64_t *k = xrealloc(NULL, c->n * sizeof(*k));
	for (size_t i = 0; i < c->n; i++)
		k[i] = s->ops[c->ops[i]].key->hash[1];
	qsort(k, c->n, sizeof(*k), cmp_u64);
	return k;
}

static double dice(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, common = 0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			common++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return na + nb ? 2.0 * (double)common / (double)(na + nb) : 1.0;
}

static void add_conn(struct diff *d, int64_t ca, int64_t cb, double sim)
{
	if (d->nconns == d->capconns) { /* doubling: 30,000 connections */
		d->capconns = d->capconns ? 2 * d->capconns : 16;
		d->conns = xrealloc(d->conns, d->capconns * sizeof(*d->conns));
	}
	struct dconn *c = &d->conns[d->nconns++];
	memset(c, 0, sizeof(*c));
	c->c[0] = ca;
	c->c[1] = cb;
	c->similarity = sim;
}

/* Pairs connections: order-preserving maximum total similarity. */
static void match_conns(struct diff *d)
{
	size_t na = d->s[0].nconns, nb = d->s[1].nconns;

	if (na * nb > DP_MAX_CELLS || !na || !nb) {
		size_t k = na > nb ? na : nb;
		for (size_t i = 0; i < k; i++)
			add_conn(d, i < na ? (int64_t)i : -1, i < nb ? (int64_t)i : -1, 0);
		return;
	}
	uint64_t **ka = xrealloc(NULL, na * sizeof(*ka)), **kb = xrealloc(NULL, nb * sizeof(*kb));
	for (size_t i = 0; i < na; i++)
		ka[i] = conn_keys(&d->s[0], &d->s[0].conns[i]);
	for (size_t j = 0; j < nb; j++)
		kb[j] = conn_keys(&d->s[1], &d->s[1].conns[j]);
	size_t w = nb + 1;
	double *sc = xrealloc(NULL, (na + 1) * w * sizeof(*sc));
	double *sim = xrealloc(NULL, na * nb * sizeof(*sim));
	for (size_t i = 0; i <= na; i++)
		for (size_t j = 0; j <= nb; j++) {
			if (!i || !j) {
				sc[i * w + j] = 0;
				continue;
			}
			double s = dice(ka[i - 1], d->s[0].conns[i - 1].n, kb[j - 1],
					d->s[1].conns[j - 1].n);
			sim[(i - 1) * nb + j - 1] = s;
			double best = sc[(i - 1) * w + j - 1] + s + PAIR_BONUS;
			if (sc[(i - 1) * w + j] > best)
				best = sc[(i - 1) * w + j];
			if (sc[i * w + j - 1] > best)
				best = sc[i * w + j - 1];
			sc[i * w + j] = best;
		}
	/* Trace back, then emit in order. */
	int64_t *pa = xrealloc(NULL, na * sizeof(*pa));
	for (size_t i = 0; i < na; i++)
		pa[i] = -1;
	for (size_t i = na, j = nb; i && j;) {
		double s = sim[(i - 1) * nb + j - 1];
		if (sc[i * w + j] == sc[(i - 1) * w + j - 1] + s + PAIR_BONUS) {
			pa[i - 1] = (int64_t)(j - 1);
			i--;
			j--;
		} else if (sc[i * w + j] == sc[(i - 1) * w + j]) {
			i--;
		} else {
			j--;
		}
	}
	size_t j = 0;
	for (size_t i = 0; i < na; i++) {
		if (pa[i] < 0) {
			add_conn(d, (int64_t)i, -1, 0);
			continue;
		}
		for (; j < (size_t)pa[i]; j++)
			add_conn(d, -1, (int64_t)j, 0);
		add_conn(d, (int64_t)i, pa[i], sim[i * nb + (size_t)pa[i]]);
		j++;
	}
	for (; j < nb; j++)
		add_conn(d, -1, (int64_t)j, 0);
	for (size_t i = 0; i < na; i++)
		free(ka[i]);
	for (size_t k = 0; k < nb; k++)
		free(kb[k]);
	free(ka);
	free(kb);
	free(sc);
	free(sim);
	free(pa);
}

static int64_t conn_by_stream(const struct opset *s, uint32_t stream)
{
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i].stream == stream)
			return (int64_t)i;
	return -1;
}

static int pick_conns(struct diff *d, char *err, size_t errlen)
{
	for (size_t k = 0; k < d->o.npicks; k++) {
		const struct stream_pick *p = &d->o.picks[k];
		int64_t ca = conn_by_stream(&d->s[0], p->a), cb = conn_by_stream(&d->s[1], p->b);
		if (ca < 0 || cb < 0) {
			snprintf(err, errlen, "--stream: no SMB stream %u in %s",
				 ca < 0 ? p->a : p->b, trace_path(d->t[ca < 0 ? 0 : 1]));
			return -1;
		}
		double s = 0;
		if (d->s[0].conns[ca].n && d->s[1].conns[cb].n) {
			uint64_t *ka = conn_keys(&d->s[0], &d->s[0].conns[ca]);
			uint64_t *kb = conn_keys(&d->s[1], &d->s[1].conns[cb]);
			s = dice(ka, d->s[0].conns[ca].n, kb, d->s[1].conns[cb].n);
			free(ka);
			free(kb);
		}
		add_conn(d, ca, cb, s);
	}
	return 0;
}

/* ---- entries ---- */

static void add_entry(struct diff *d, uint32_t a, uint32_t b, uint32_t conn,
		      uint8_t level)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->e = xrealloc(d->e, d->cap * sizeof(*d->e));
	}
	d->e[d->n++] = (struct dentry){ { a, b }, conn,
					a == OP_NONE ? DS_ONLY_B : b == OP_NONE ? DS_ONLY_A : DS_PENDING,
					level };
}

/* Operations that open / close a unit of work (for placing gaps):
 * NEGOTIATE, SESSION_SETUP, TREE_CONNECT, an open (cmdfacts.def). */
static bool is_opener(const struct op *o)
{
	if (o->proto == OP_RPC)
		return o->cmd == RPC_BIND;
	return op_facts(o).facts & (CF_NEGOTIATE | CF_SESSION | CF_TREE | CF_OPENS);
}

static bool is_closer(const struct op *o)
{
	if (o->proto == OP_RPC)
		return false;
	return op_facts(o).facts & (CF_LOGOFF | CF_UNTREE | CF_CLOSES);
}

/*
 * A one-sided gap inside a repeated region can slide (diff's classic
 * ambiguity: "ABCABC" vs "ABC"). Each gap of entries [lo, hi) moves to the
 * position where it starts with an opening command (CREATE, TREE_CONNECT,
 * SESSION_SETUP, NEGOTIATE) and ends with a closing one, the latest such
 * position on ties, so a missing "open, query, close" shows as that unit.
 * The region considered is bounded (SLIDE_MAX entries each way).
 */
#define SLIDE_MAX 4096

static bool slidable(const struct dentry *e)
{
	return e->status == DS_PENDING && e->level == 0;
}

static void slide_gap(struct diff *d, size_t lo, size_t hi, size_t p, size_t q)
{
	uint8_t st = d->e[p].status;
	int side = st == DS_ONLY_A ? 0 : 1;
	const struct op *ops = d->s[side].ops;
	size_t k = q - p, r0 = p, r1 = q;

	while (r0 > lo && p - r0 < SLIDE_MAX && slidable(&d->e[r0 - 1]))
		r0--;
	while (r1 < hi && r1 - q < SLIDE_MAX && slidable(&d->e[r1]))
		r1++;
	size_t L = r1 - r0, g0 = p - r0;
	uint32_t *S = xrealloc(NULL, L * sizeof(*S)), *O = xrealloc(NULL, L * sizeof(*O));
	for (size_t i = 0, o = 0; i < L; i++) {
		S[i] = d->e[r0 + i].op[side];
		if (i < g0 || i >= g0 + k)
			O[o++] = d->e[r0 + i].op[!side];
	}
	size_t gmin = g0, gmax = g0;
	while (gmin > 0 && ops[S[gmin - 1]].key->hash[0] == ops[S[gmin - 1 + k]].key->hash[0])
		gmin--;
	while (gmax + k < L && ops[S[gmax]].key->hash[0] == ops[S[gmax + k]].key->hash[0])
		gmax++;
	size_t best = g0;
	int best_score = -1;
	for (size_t g = gmin; g <= gmax; g++) {
		int score = 2 * is_opener(&ops[S[g]]) + is_closer(&ops[S[g + k - 1]]);
		if (score >= best_score) {
			best_score = score;
			best = g;
		}
	}
	uint32_t conn = d->e[p].conn;
	for (size_t i = 0, o = 0; i < L; i++) {
		struct dentry *e = &d->e[r0 + i];
		e->conn = conn;
		e->level = 0;
		e->op[side] = S[i];
		if (i >= best && i < best + k) {
			e->op[!side] = OP_NONE;
			e->status = st;
		} else {
			e->op[!side] = O[o++];
			e->status = DS_PENDING;
		}
	}
	free(S);
	free(O);
}

static void slide_gaps(struct diff *d, size_t lo, size_t hi)
{
	for (size_t p = lo; p < hi;) {
		uint8_t st = d->e[p].status;
		size_t q = p + 1;
		if (st != DS_ONLY_A && st != DS_ONLY_B) {
			p = q;
			continue;
		}
		while (q < hi && d->e[q].status == st)
			q++;
		bool one_sided = (p == lo || slidable(&d->e[p - 1])) &&
				 (q == hi || slidable(&d->e[q]));
		if (one_sided)
			slide_gap(d, lo, hi, p, q);
		p = q;
	}
}

/*
 * Among candidates of one class, the pair at the same offset: a READ or
 * WRITE paired with one at another offset gives its partner to an
 * unpaired operation of the same key[0] at the partner's offset, when only
 * one-sided entries of that side lie between them (so both sides stay in
 * order). A client writing 65,423 + 113 bytes against a reference's one
 * 64 KiB write then pairs the two writes at offset 0, and the 113 bytes
 * at 65,423 are the extra operation.
 */
static void prefer_same_offset(struct diff *d, size_t lo, size_t hi)
{
	for (size_t p = lo; p < hi; p++) {
		struct dentry *e = &d->e[p];
		if (e->op[0] == OP_NONE || e->op[1] == OP_NONE)
			continue;
		const struct op *o[2] = { &d->s[0].ops[e->op[0]], &d->s[1].ops[e->op[1]] };
		if (!(o[0]->flags & o[1]->flags & OP_HAS_OFFSET) || o[0]->offset == o[1]->offset)
			continue;
		bool moved = false;
		for (int s = 0; s < 2 && !moved; s++) { /* s: the side of the unpaired one */
			uint8_t only = s ? DS_ONLY_B : DS_ONLY_A;
			for (int dir = -1; dir <= 1 && !moved; dir += 2) {
				for (size_t q = p + (size_t)(ptrdiff_t)dir;
				     q >= lo && q < hi && d->e[q].status == only;
				     q += (size_t)(ptrdiff_t)dir) {
					const struct op *c = &d->s[s].ops[d->e[q].op[s]];
					if (c->key->hash[0] != o[s]->key->hash[0] || !(c->flags & OP_HAS_OFFSET) ||
					    c->offset != o[1 - s]->offset)
						continue;
					d->e[q].op[1 - s] = e->op[1 - s];
					d->e[q].status = DS_PENDING;
					d->e[q].level = e->level;
					e->op[1 - s] = OP_NONE;
					e->status = only;
					e->level = 0;
					moved = true;
					break;
				}
			}
		}
	}
}

static void align_conn(struct diff *d, uint32_t ci)
{
	const struct dconn *c = &d->conns[ci];
	const struct op_conn *oc[2] = {
		c->c[0] >= 0 ? &d->s[0].conns[c->c[0]] : NULL,
		c->c[1] >= 0 ? &d->s[1].conns[c->c[1]] : NULL,
	};
	size_t n = oc[0] ? oc[0]->n : 0, m = oc[1] ? oc[1]->n : 0;
	uint64_t *keys = xrealloc(NULL, (n + m) * 3 * sizeof(*keys));
	const uint64_t *ka[3], *kb[3];
	for (int l = 0; l < 3; l++) {
		uint64_t *xa = keys + (size_t)l * (n + m), *xb = xa + n;
		for (size_t i = 0; i < n; i++)
			xa[i] = d->s[0].ops[oc[0]->ops[i]].key->hash[l];
		for (size_t j = 0; j < m; j++)
			xb[j] = d->s[1].ops[oc[1]->ops[j]].key->hash[l];
		ka[l] = xa;
		kb[l] = xb;
	}
	int64_t *match = xrealloc(NULL, n * sizeof(*match));
	uint8_t *lvl = xrealloc(NULL, n);
	align_levels(ka, kb, 3, n, m, match, lvl);
	size_t j = 0, first = d->n;
	for (size_t i = 0; i < n; i++) {
		if (match[i] == ALIGN_NONE) {
			add_entry(d, oc[0]->ops[i], OP_NONE, ci, 0);
			continue;
		}
		for (; j < (size_t)match[i]; j++)
			add_entry(d, OP_NONE, oc[1]->ops[j], ci, 0);
		add_entry(d, oc[0]->ops[i], oc[1]->ops[j], ci, lvl[i]);
		j++;
	}
	for (; j < m; j++)
		add_entry(d, OP_NONE, oc[1]->ops[j], ci, 0);
	slide_gaps(d, first, d->n);
	prefer_same_offset(d, first, d->n);
	free(match);
	free(lvl);
	free(keys);
}

struct build_job {
	struct opset *s;
	struct trace *t;
};

static void *build_thread(void *arg)
{
	struct build_job *j = arg;

	ops_build(j->s, j->t);
	return NULL;
}

/* The operation lists of A and B, built on two threads (each dissects
 * every frame of its own trace once). */
static void build_both(struct diff *d)
{
	struct build_job jb = { &d->s[1], d->t[1] };
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, build_thread, &jb) == 0;

	ops_build(&d->s[0], d->t[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		build_thread(&jb);
}

int diff_init(struct diff *d, struct trace *a, struct trace *b,
	      const struct diff_opts *o, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->t[0] = a;
	d->t[1] = b;
	d->o = *o;
	d->first_div = SIZE_MAX;
	d->sums = diff_sums_new();
	build_both(d);
	if (o->npicks)
		return pick_conns(d, err, errlen);
	match_conns(d);
	return 0;
}

void diff_align(struct diff *d)
{
	for (uint32_t ci = 0; ci < d->nconns; ci++)
		align_conn(d, ci);
	memset(&d->counts, 0, sizeof(d->counts));
	d->first_div = SIZE_MAX;
	d->ncompared = 0;
}

/* Entry i's final status: counts and first_div. */
static void count_entry(struct diff *d, size_t i)
{
	const struct dentry *e = &d->e[i];
	struct diff_counts *c = &d->counts;
	switch (e->status) {
	case DS_EQUAL: c->equal++; break;
	case DS_CHANGED: c->changed++; break;
	case DS_ONLY_A: c->only_a++; break;
	case DS_ONLY_B: c->only_b++; break;
	default: c->filtered++; break;
	}
	if (e->status != DS_FILTERED)
		c->compared++;
	if (e->status != DS_FILTERED && e->status != DS_EQUAL && d->first_div == SIZE_MAX)
		d->first_div = i;
}

size_t diff_compare(struct diff *d, size_t upto, size_t max)
{
	struct arena a;

	if (upto > d->n)
		upto = d->n;
	if (upto <= d->ncompared)
		return d->ncompared;
	if (max && upto - d->ncompared > max)
		upto = d->ncompared + max;
	if (diff_compare_par(d, d->ncompared, upto)) {
		for (size_t i = d->ncompared; i < upto; i++)
			count_entry(d, i);
		d->ncompared = upto;
		return upto;
	}
	arena_init(&a);
	for (size_t i = d->ncompared; i < upto; i++) {
		struct dentry *e = &d->e[i];
		if (e->status == DS_PENDING || d->o.filter)
			e->status = (uint8_t)diff_cmp_entry(d, e, &a, NULL, 0);
		arena_reset(&a);
		count_entry(d, i);
	}
	arena_free(&a);
	d->ncompared = upto;
	return upto;
}

void diff_run(struct diff *d)
{
	diff_align(d);
	diff_compare(d, d->n, 0);
}

void diff_restart(struct diff *d)
{
	for (size_t i = 0; i < d->nconns; i++)
		diff_idmap_free(&d->conns[i].ids);
	for (size_t i = 0; i < d->n; i++) {
		struct dentry *e = &d->e[i];
		e->status = e->op[0] == OP_NONE	  ? DS_ONLY_B
			    : e->op[1] == OP_NONE ? DS_ONLY_A
						  : DS_PENDING;
	}
	memset(&d->counts, 0, sizeof(d->counts));
	d->first_div = SIZE_MAX;
	d->ncompared = 0;
}

void diff_recompare(struct diff *d)
{
	diff_restart(d);
	diff_compare(d, d->n, 0);
}

void diff_detail(struct diff *d, size_t i, size_t max_fields, struct arena *a,
		 struct ddetail *out)
{
	memset(out, 0, sizeof(*out));
	/* A compared entry made its bindings: reading them answers the same,
	 * and lets several threads detail entries at once. */
	diff_cmp_entry_ids(d, &d->e[i], a, out, max_fields,
			   i < d->ncompared ? ID_READ : ID_BIND, NULL);
}

void diff_summary(struct diff *d, size_t i, struct arena *a, struct ddetail *out)
{
	const struct dentry *e = &d->e[i];

	const char *kept[4];
	bool have = diff_sums_get(d, e, kept);

	memset(out, 0, sizeof(*out));
	for (int s = 0; s < 2; s++) {
		out->req_sum[s] = out->rsp_sum[s] = "";
		if (e->op[s] == OP_NONE)
			continue;
		const struct op *o = &d->s[s].ops[e->op[s]];
		if (have) {
			out->req_sum[s] = kept[2 * s];
			out->rsp_sum[s] = kept[2 * s + 1];
		} else {
			ops_summaries(&d->s[s], o, a, &out->req_sum[s], &out->rsp_sum[s]);
		}
		out->key[s] = op_key_text(a, o);
	}
}

void diff_free(struct diff *d)
{
	for (size_t i = 0; i < d->nconns; i++) {
		diff_idmap_free(&d->conns[i].ids);
	}
	diff_sums_free(d);
	free(d->conns);
	free(d->e);
	ops_free(&d->s[0]);
	ops_free(&d->s[1]);
	memset(d, 0, sizeof(*d));
}
