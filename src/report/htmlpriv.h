/*
 * htmlpriv.h - what html.c (the document) and html_tree.c (field trees)
 * share; private to src/report/.
 */
#ifndef SMBCMP_HTMLPRIV_H
#define SMBCMP_HTMLPRIV_H

#include <stddef.h>
#include <stdio.h>

#include "diff.h"

/* The embedded detail: trees of at most HTML_MAX_DETAILED operations (or
 * frames of one trace), HTML_DETAIL_BUDGET bytes of them in all, so the
 * report of two large traces stays small enough to open (issue 21: two
 * 90 MB traces, a report under 20 MB). */
#define HTML_MAX_DETAILED 2000
#define HTML_DETAIL_BUDGET (8u << 20)
/* Of them at most this many "similar" ones (their differences are named
 * once in their findings), so the budget goes to the changed ones. */
#define HTML_MAX_SIMILAR 100
/* Rows of the operations table: every difference up to HTML_MAX_DIFF_ROWS,
 * equal operations up to HTML_MAX_EQ_ROWS. */
#define HTML_MAX_DIFF_ROWS 20000
#define HTML_MAX_EQ_ROWS 10000

struct hdetail {
	struct masks *masks;   /* NULL: nothing dimmed (one trace) */
	size_t budget;         /* bytes of trees still allowed */
	size_t shown, left;    /* details written, and left out */
	size_t similar;        /* of them similar entries (HTML_MAX_SIMILAR) */
};

/* The tree of n (a protocol node and its subtree) as nested <details>;
 * fields marked by html_mark() show as changed, fields the masks ignore
 * dimmed. Each named field carries its name (title) and a Wireshark
 * display filter for it (data-f). */
void html_tree(const struct hdetail *h, FILE *f, const struct node *n);
/* Clears the marks of n's subtree (node.aux is scratch, tree.h). */
void html_unmark(struct node *n);
/* Marks n changed, and its ancestors as holding a change (open). */
void html_mark(struct node *n);

/*
 * Entry i's detail row (<tr class="det">): its differing fields, then the
 * request and response trees of both sides. Written only if it fits h's
 * budget (nothing otherwise); counts it in h as shown or left out.
 */
void html_entry_detail(struct hdetail *h, FILE *f, struct diff *d, size_t i,
		       struct ddetail *det, unsigned ncols);

#endif
