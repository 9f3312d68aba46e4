/*
 * cmpui.h - what the two halves of the comparison view share: compare.c
 * (the trees of the selected pair, search, filter, requests, main loop) and
 * cmprows.c (the rows of aligned operations, the status line, and the
 * comparison done in the background between key presses).
 */
#ifndef SMBCMP_UI_CMPUI_H
#define SMBCMP_UI_CMPUI_H

#include "diff.h"
#include "uipriv.h"

enum cpane { C_LIST, C_TREE_A, C_TREE_B, C_COUNT };

/* The message shown when the comparison in progress ends. */
enum done_msg { DONE_NONE, DONE_COUNTS, DONE_FILTER };

struct cmpui {
	struct diff *d;
	struct ui_opts *o;
	struct keymap km;
	struct hmap expanded;
	struct ftree ft[2];
	struct view v[C_COUNT];
	struct arena da;         /* detail of the selected entry, trees included */
	struct arena scratch;    /* one entry's trees while searching */
	struct ddetail det;
	struct hmap changed;     /* changed nodes (both sides) -> dfield index + 1 */
	struct hmap inside;      /* their ancestors */
	size_t *rows;            /* entries shown: all but filtered ones */
	size_t nrows;
	size_t rows_to;          /* rows cover entries [0, rows_to) */
	size_t cur, top;         /* selected row */
	size_t opened;           /* entry whose trees are shown, or SIZE_MAX */
	size_t follow;           /* until a key: the cursor goes to this entry
				    (or the next row) when it gets a row */
	bool follow_div;         /* until a key: to the first difference */
	enum done_msg done_msg;
	size_t slice;            /* entries per work slice, 0: about 30 ms */
	unsigned slice_gap;      /* ms between two slices (tests), 0: none */
	uint64_t last_slice;     /* when the last one ran (ui_now_ms) */
	int hscroll;             /* columns the list is scrolled */
	enum cpane focus;
	int list_weight;         /* percent of the height for the list */
	bool lockstep;
	bool masking;            /* the user's masks apply */
	struct masks *user;      /* the user's rules (d->o.masks at start) */
	struct masks none;       /* no rules: everything compared */
	const struct filter *cli_filter; /* d->o.filter at start (--filter) */
	struct filter *flt;      /* the filter entered with f, owned */
	char filter_text[512];
	char search[256];
	struct uimsg m;
	long count;
	struct cmpfind *fnd;     /* findings and their view (findview.c),
				    NULL until first needed */
	struct cmpact *act;      /* actions and their view (actview.c), NULL
				    until first needed */
	struct textview stats;   /* the statistics of A and B (S) */
};

static inline size_t cmp_cur_entry(const struct cmpui *c)
{
	return c->cur < c->nrows ? c->rows[c->cur] : SIZE_MAX;
}

static inline const struct op *cmp_entry_op(const struct cmpui *c, size_t i, int side)
{
	uint32_t k = c->d->e[i].op[side];
	return k == OP_NONE ? NULL : &c->d->s[side].ops[k];
}

/* ---- compare.c ---- */

/* Shows the trees of the selected entry, or, while it is not compared
 * yet, empty trees that say so (c->opened SIZE_MAX). */
void cmp_open_entry(struct cmpui *c);
/* Moves the cursor to row and opens its entry. */
void cmp_select_row(struct cmpui *c, size_t row);

/* ---- cmprows.c ---- */

/* Rows afresh after the comparison restarted; the cursor follows the
 * entry it was on (c->follow) as rows come back. */
void cmp_rebuild_rows(struct cmpui *c);
/* One slice of background comparison (term_key_work): c->slice entries,
 * or about 30 ms; then rows, cursor, trees and the end message. */
void cmp_work(void *ctx);
/* Compares up to entry e included (SIZE_MAX: nothing), blocking; the
 * status line says what for after a moment. False when a key stopped it. */
bool cmp_compare_upto(struct cmpui *c, size_t e, const char *what);
/* ] and [: the next difference below or above the cursor, comparing
 * forward as needed (a key stops it). */
void cmp_next_diff(struct cmpui *c, int dir);
/* "  34 Create share.snapshot.jpg → STATUS_..." for one side of entry i. */
void cmp_side_text(const struct cmpui *c, size_t i, int side, char *out, size_t n);
void cmp_draw_rows(struct cmpui *c, struct rect r, bool focused);
void cmp_draw_status(struct cmpui *c);
/* The end-of-comparison message (counts, or what the filter matched),
 * once everything is compared and the findings are known. */
void cmp_done_message(struct cmpui *c);
/* True while background work remains: comparing, then the findings. */
bool cmp_busy(const struct cmpui *c);

/* ---- findview.c: the findings of the comparison and their view ---- */

struct fcounts;

/* Computes the findings once every entry is compared (src/findings,
 * blocking: one call after the background comparison). True when it ran. */
bool cmp_findings_work(struct cmpui *c);
/* Whether the findings of the current comparison are known. */
bool cmp_findings_known(const struct cmpui *c);
/* Forgets them (masks or filter changed: the comparison restarts); closes
 * the view. */
void cmp_findings_reset(struct cmpui *c);
void cmp_findings_free(struct cmpui *c);
/* Entry i's status: the findings' (FS_SIMILAR apart from FS_CHANGED) once
 * known, else the diff's. */
int cmp_entry_status(const struct cmpui *c, size_t i);
/* The findings' counts (similar apart), NULL until known. */
const struct fcounts *cmp_fcounts(const struct cmpui *c);
/* The findings view: F opens it (comparing what remains first, a key
 * stops that), it takes the whole screen until q / Esc. */
bool cmp_findings_shown(const struct cmpui *c);
void cmp_findings_open(struct cmpui *c);
void cmp_findings_draw(struct cmpui *c);
/* Requests while it is shown; EV_UNHANDLED for the comparison's own
 * (help, redraw). */
unsigned cmp_findings_request(struct cmpui *c, enum request req, long count);
/* } and {: the next (dir > 0) or previous operation, from the cursor, of
 * the finding last gone to from the view. */
void cmp_finding_step(struct cmpui *c, int dir);

/* ---- actview.c: the comparison by action and its view ---- */

/* A opens it (building the actions once), q / Esc closes it. */
bool cmp_actions_shown(const struct cmpui *c);
void cmp_actions_open(struct cmpui *c);
void cmp_actions_draw(struct cmpui *c);
unsigned cmp_actions_request(struct cmpui *c, enum request req, long count);
void cmp_actions_free(struct cmpui *c);

#endif
