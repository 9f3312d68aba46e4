/*
 * walk.h - what every diff writer (text, JSON, JUnit, HTML) decides the
 * same way: whether an entry's differences are listed or only its line,
 * an operation's line and frame numbers, and the hunks of the text report
 * (runs of differences with equal operations around them).
 *
 * The writers differ only in how they print; they walk the entries with
 * these, so the same entry gets the same treatment in every format.
 */
#ifndef SMBCMP_WALK_H
#define SMBCMP_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "findings.h"

/*
 * Whether the differing fields of entry i are listed: a changed entry,
 * unless only systematic findings changed it ("similar", its differences
 * named once in their findings) and similar is false (--all-fields sets
 * it in text and JSON; JUnit never does, a similar entry passes there).
 */
bool walk_detailed(const struct diff *d, const struct findings *F, size_t i,
		   bool similar);
/* Entry i into det, in arena a: diff_detail() (at most
 * DIFF_MAX_FIELDS differences listed) when detailed, else diff_summary()
 * (summaries and keys). */
void walk_entry(struct diff *d, size_t i, bool detailed, struct arena *a,
		struct ddetail *det);
/* "request -> response" of one side, or whichever of the two exists ("" if
 * neither); in arena a when both. */
const char *walk_op_line(const struct ddetail *det, int side, struct arena *a);
/* The request and response frame numbers (capture numbering) of operation
 * opi of one side, 0 where there is none. False (both 0) for OP_NONE. */
bool walk_frames(const struct diff *d, int side, uint32_t opi, uint32_t fr[2]);
/* The value a field has on one side for display: its label, else its show
 * value, NULL when the field is absent there. */
const char *walk_field_value(const struct dfield *x, int side);

/*
 * The entries of a comparison in order, as walk_entry() gives them with
 * walk_detailed(d, F, i, similar), prepared ahead a chunk at a time on two
 * threads (diff_detail and diff_summary of compared entries may run on
 * several at once): for a writer of every entry (JSON). Every entry of d
 * must be compared, and d unchanged while it is walked.
 * walk_ahead_get() gives entry i (not DS_FILTERED) and whether it is
 * detailed; its strings and trees live until a get of an entry outside
 * its chunk (up to 2048 entries, 64 of them detailed). Asked in
 * increasing order, each entry is prepared once.
 */
struct walk_ahead;
struct walk_ahead *walk_ahead_new(struct diff *d, const struct findings *F, bool similar);
const struct ddetail *walk_ahead_get(struct walk_ahead *w, size_t i, bool *detailed);
void walk_ahead_free(struct walk_ahead *w);

/*
 * A hunk: the entries [lo, hi) printed together, the visible changes from
 * start to end with up to context listed (not filtered) entries of their
 * connection before and after. Its changes may belong to several
 * connections (conn_lo to conn_hi), when fewer than 2 * context listed
 * entries lie between them.
 */
struct hunk {
	size_t lo, hi, start, end;
	uint32_t conn_lo, conn_hi;
};
/*
 * The next hunk at or after entry *pos, where a visible change is one that
 * differs (fstatus_differs(st, similar)). Returns false when there is none;
 * else fills h and moves *pos past it.
 */
bool walk_next_hunk(const struct diff *d, const struct findings *F, bool similar,
		    unsigned context, size_t *pos, struct hunk *h);

#endif
