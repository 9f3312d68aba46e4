/*
 * diffpriv.h - what the files of diff/ share and nothing else includes:
 * the field-by-field comparison of one aligned entry (fieldcmp.c), which
 * diff.c runs for every entry (pass 2) and for diff_detail(), and
 * parcmp.c on several threads.
 */
#ifndef SMBCMP_DIFFPRIV_H
#define SMBCMP_DIFFPRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "diff.h"

/* Compares entry e (fieldcmp.c). Returns its status; in record mode (det
 * not NULL) fills det with the differing fields, at most max_fields of
 * them, and both sides' trees (in arena a). Ids bind as ID_BIND below. */
enum dstatus diff_cmp_entry(struct diff *d, struct dentry *e,
			    struct arena *a, struct ddetail *det, size_t max_fields);

/*
 * How an id field meets its connection pair's bijection (d->conns[].ids):
 *   ID_BIND  checked and bound on first sight (the serial comparison);
 *   ID_LOG   not looked up: the check is appended to a log, and counts as
 *            consistent; diff_id_commit() of each logged check, in entry
 *            order, gives what ID_BIND would have (parcmp.c). The walk
 *            never depends on an id check's answer, so the entry's other
 *            differences are those of ID_BIND;
 *   ID_READ  checked against the bindings made, an unbound pair
 *            consistent, nothing bound: for entries already compared,
 *            whose bindings exist (several threads may read at once).
 */
enum id_mode { ID_BIND, ID_LOG, ID_READ };

/* One id check: the keys of A's and B's values in their maps, and the
 * values' hashes. */
struct idcheck {
	uint64_t ka, kb, ha, hb;
};

struct idlog {
	struct idcheck *v;
	size_t n, cap;
};

/* diff_cmp_entry() with ids checked as idm says (log: ID_LOG's). */
enum dstatus diff_cmp_entry_ids(struct diff *d, struct dentry *e, struct arena *a,
				struct ddetail *det, size_t max_fields, enum id_mode idm,
				struct idlog *log);

/*
 * sumcache.c: the summaries s (request and response of A, then of B; ""
 * when absent) of entry e, given by its comparison, kept for
 * diff_summary(): e->sums gets their number, or 0 when there is no room.
 * Safe from several threads at once, each keeping its own entries.
 */
struct diff_sums *diff_sums_new(void);
void diff_sums_keep(struct diff *d, struct dentry *e, const char *const s[4]);
/* The summaries kept for e, which live as long as d; false when none. */
bool diff_sums_get(struct diff *d, const struct dentry *e, const char *s[4]);
void diff_sums_free(struct diff *d);

/* Empties m (then as zeroed). */
void diff_idmap_free(struct idmap *m);

/* The check k against cn's bijection, binding both values when neither is
 * bound yet; whether it is consistent. */
bool diff_id_commit(struct dconn *cn, const struct idcheck *k);

/* The final statuses of entries [lo, hi) compared on several threads
 * (parcmp.c), as the serial loop of diff_compare() gives them, bindings
 * made in the same order; entries [0, lo) are compared. Counts are the
 * caller's. False when it compared nothing (one thread wanted, a small
 * range, or no thread could start): the caller compares serially. */
bool diff_compare_par(struct diff *d, size_t lo, size_t hi);

#endif
