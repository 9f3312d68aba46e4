/*
 * diff.h - the diff engine: align two traces operation by operation and
 * compare aligned operations field by field (design: top of diff.c).
 *
 * Usage: diff_init(), diff_run() (pass 1: alignment, statuses, counts;
 * or diff_align() then diff_compare() in steps, as the UI does),
 * then diff_detail() per entry for output (re-dissects the entry's frames
 * into the caller's arena and lists its differing fields). Entries, ops
 * and id maps are small fixed-size records; no tree outlives one entry.
 */
#ifndef SMBCMP_DIFF_H
#define SMBCMP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "filter.h"
#include "mask.h"
#include "ops.h"

/* An entry's status. DS_PENDING: a pair not compared yet (after
 * diff_align(), before diff_compare() reaches it); a one-sided entry is
 * DS_ONLY_A / DS_ONLY_B from the start. */
enum dstatus { DS_EQUAL, DS_CHANGED, DS_ONLY_A, DS_ONLY_B, DS_FILTERED, DS_PENDING };

/* One aligned operation (or an operation present on one side only). */
struct dentry {
	uint32_t op[2];   /* op index in A / B, OP_NONE when absent */
	uint32_t conn;    /* index into diff.conns */
	uint8_t status;   /* enum dstatus */
	uint8_t level;    /* key level that paired them: 0 exact, 1 same
			     command/subcommand, 2 same kind of command */
	uint16_t sums;    /* its summaries kept by its comparison (diff.sums,
			     sumcache.c), 0 when not kept */
};

/* A connection pair's id renaming, both directions in one small table
 * (fieldcmp.c): keys of A's values to hashes of B's, and of B's to A's.
 * A pair binds a few ids; tens of thousands of pairs keep it small. */
struct idmap {
	uint64_t *kv;      /* cap (key, value) pairs; key 0: empty */
	uint32_t n, cap;
};

/* A pair of matched connections, or a connection on one side only. */
struct dconn {
	int64_t c[2];      /* index into opset.conns of A / B, -1 if none */
	double similarity; /* 0..1, shared operation kinds */
	struct idmap ids;  /* id renaming: A->B and B->A */
};

struct dfield {
	const char *name;     /* field name, or the label of a text item */
	const char *path;     /* "request/smb2/SMB2 Header/smb2.nt_status" */
	const char *a, *b;    /* show values, NULL when absent on that side */
	const char *la, *lb;  /* labels ("NT Status: STATUS_SUCCESS (0x0)") */
	const char *note;     /* NULL, or why ("id used inconsistently") */
	/* The differing nodes of A and B in ddetail's trees (NULL on the side
	 * where the field is absent, both NULL for a pseudo-field). */
	const struct node *node[2];
};

struct ddetail {
	const char *req_sum[2], *rsp_sum[2]; /* summaries, "" when absent */
	const char *key[2];                  /* alignment key as text, or NULL */
	struct node *req[2], *rsp[2];        /* the trees compared (ops_trees) */
	struct dfield *f;
	size_t nf, more;                     /* fields listed, and beyond max */
};

/* --stream: compare A's stream a with B's stream b. */
struct stream_pick {
	uint32_t a, b;
};

struct diff_opts {
	struct masks *masks;
	const struct filter *filter;   /* NULL: everything */
	const struct stream_pick *picks;
	size_t npicks;                 /* 0: match connections automatically */
};

struct diff_counts {
	size_t compared, equal, changed, only_a, only_b, filtered;
};

struct diff_sums;

struct diff {
	struct trace *t[2];
	struct opset s[2];
	struct diff_opts o;
	struct dconn *conns;
	size_t nconns, capconns;
	struct dentry *e;
	size_t n, cap;
	struct diff_counts counts;
	size_t first_div;              /* first non-equal entry, or SIZE_MAX */
	size_t ncompared;              /* entries [0, ncompared) are compared */
	struct diff_sums *sums;        /* the entries' summaries (sumcache.c) */
};

/* Builds both op sets. Returns 0, or -1 with a reason (bad --stream). */
int diff_init(struct diff *d, struct trace *a, struct trace *b,
	      const struct diff_opts *o, char *err, size_t errlen);
/*
 * Aligns the operations of each pair of connections into d->e[0..n).
 * Nothing is compared yet (ncompared 0): a status is provisional, the
 * entry's kind (DS_ONLY_A, DS_ONLY_B, or DS_PENDING for a pair), and
 * counts are zero. Once, after diff_init().
 */
void diff_align(struct diff *d);
/*
 * Compares entries in order from d->ncompared up to (not including) upto,
 * at most max of them (0: no limit); each compared entry gets its final
 * status and adds to counts and first_div. Entries are compared in order
 * only, because ids are bound on first sight. Returns the new ncompared;
 * when it is d->n, statuses, counts and first_div are diff_run()'s.
 */
size_t diff_compare(struct diff *d, size_t upto, size_t max);
/* diff_align(), then diff_compare() of every entry. */
void diff_run(struct diff *d);
/*
 * Forgets the comparison after d->o.masks or d->o.filter changed, keeping
 * the op sets and the alignment: provisional statuses, counts zero, no
 * first_div, id bindings afresh, ncompared 0. diff_compare() resumes.
 */
void diff_restart(struct diff *d);
/* diff_restart(), then diff_compare() of every entry. */
void diff_recompare(struct diff *d);
/*
 * The work loop of threads sharing the entries [*next, hi) (parcmp.c, the
 * writers' walk ahead in report/walk.c): claims the next step of them for
 * the calling thread, [*lo, *end); false when none is left. *next is
 * shared and moved by this only.
 */
static inline bool diff_claim_chunk(size_t *next, size_t hi, size_t step, size_t *lo,
				    size_t *end)
{
	size_t s = __atomic_fetch_add(next, step, __ATOMIC_RELAXED);
	if (s >= hi)
		return false;
	*lo = s;
	*end = hi - s > step ? s + step : hi;
	return true;
}

/* True when entry i is not compared yet (its status is provisional). */
static inline bool diff_pending(const struct diff *d, size_t i)
{
	return i >= d->ncompared;
}
/* The differences the writers list of one entry; the rest are counted in
 * ddetail.more. */
#define DIFF_MAX_FIELDS 64
/* Details of entry i: at most max_fields differences listed (SIZE_MAX:
 * all), the others counted; trees, strings and arrays live in arena a.
 * Entries [0, i] must be compared (ids bind in entry order). Changes
 * nothing in d but id bindings the entry makes (none when compared). When
 * entry i is compared, several threads may detail entries at once (so
 * may they diff_summary()), while nothing else changes d. */
void diff_detail(struct diff *d, size_t i, size_t max_fields, struct arena *a,
		 struct ddetail *out);
/* As diff_detail without the differences (nf 0) and without trees (req,
 * rsp NULL): the summaries and keys of entry i (ops_summaries), so much
 * cheaper: what output needs for an entry that is not DS_CHANGED. */
void diff_summary(struct diff *d, size_t i, struct arena *a, struct ddetail *out);
void diff_free(struct diff *d);

const char *dstatus_name(enum dstatus s);

/*
 * The identity by which the field comparison pairs nodes, and by which a
 * path names one: a field's name, or a text item's label up to ':'. The
 * identity is the first *len bytes of the string returned.
 */
const char *diff_node_ident(const struct node *n, size_t *len);
/* Whether x and y have the same identity (both named, or both not). */
bool diff_same_ident(const struct node *x, const struct node *y);
/*
 * The path of n: "prefix/top/.../n", one segment per node from top (an
 * ancestor of n, or NULL for the root of n's tree) down to n, each its
 * identity with "[k]" after it when k-th of several siblings of the same
 * identity; no "prefix/" when prefix is NULL. At most DIFF_PATH_DEPTH
 * segments, the deepest ones. Written to buf as snprintf does (truncated
 * to len - 1 bytes, terminated when len > 0); returns its whole length.
 */
#define DIFF_PATH_DEPTH 65
size_t diff_node_path(char *buf, size_t len, const struct node *n,
		      const struct node *top, const char *prefix);

#endif
