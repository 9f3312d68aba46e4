/*
 * findview.c - the findings of the comparison (src/findings/) in the UI.
 *
 * When: the findings need every entry compared. cmprows.c compares in the
 * background; one more slice (cmp_findings_work) computes the findings, so
 * that from then on rows whose only differences are systematic ones show
 * as similar (~) and the counts give similar apart from changed. F before
 * that compares what remains first (a key stops it). A mask or filter
 * change drops the findings (cmp_findings_reset); they come again once the
 * new comparison is done.
 *
 * The view (F or !, the whole screen, q or Esc back): the session profile
 * side by side (differing rows marked ≠), where the traces first diverge
 * and first fail, then the findings in rank order, one per line; below,
 * the whole message of the selected line with its operations, frames and
 * fields. Enter goes to the operation in the comparison (the first
 * divergence, the first failure, or the finding's first operation) and
 * selects the first field the finding names when that operation's trees
 * have a field of that name; the focus goes to that tree. } and { then
 * go to the next and previous operation of that finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "uipriv.h"

#include "cmpui.h"
#include "findings.h"
#include "xalloc.h"

/* Lines of the view. */
enum fline {
	FL_HEAD_PROFILE, /* "Session profile   A   B" */
	FL_PROFILE,      /* profile row i */
	FL_NOTE,         /* text, not selectable */
	FL_HEAD_FINDINGS,
	FL_DIVERGENCE,   /* first divergence: selectable when there is one */
	FL_FAILURE,      /* first failure: selectable when there is one */
	FL_FINDING,      /* finding i */
	FL_BLANK,
};

struct fitem {
	enum fline k;
	size_t i;
	const char *text; /* FL_NOTE */
};

struct cmpfind {
	struct findings F;
	bool known;      /* F holds the findings of the current comparison */
	bool shown;      /* the view is on screen */
	struct fitem *it;
	size_t n, cur, top;
	size_t h;        /* list height of the last draw (paging) */
	int hscroll;
	int namew;       /* profile name column */
	size_t last;     /* finding last gone to (} and {), or SIZE_MAX */
};

/* Finding kinds to line types. */
static const enum line_type kind_line[FK_NKINDS] = {
	[FK_DIAGNOSIS] = LINE_ERROR,
	[FK_FAILURE] = LINE_ERROR,
	[FK_MISUSE] = LINE_MALFORMED,
	[FK_SYSTEMATIC] = LINE_DIFF_SIMILAR,
	[FK_PATTERN] = LINE_DEFAULT,
};

static struct cmpfind *cf_get(struct cmpui *c)
{
	if (!c->fnd) {
		c->fnd = xcalloc(1, sizeof(*c->fnd));
	}
	return c->fnd;
}

bool cmp_findings_known(const struct cmpui *c)
{
	return c->fnd && c->fnd->known;
}

int cmp_entry_status(const struct cmpui *c, size_t i)
{
	if (cmp_findings_known(c) && i < c->d->n)
		return c->fnd->F.status[i];
	return c->d->e[i].status;
}

const struct fcounts *cmp_fcounts(const struct cmpui *c)
{
	return cmp_findings_known(c) ? &c->fnd->F.counts : NULL;
}

bool cmp_findings_shown(const struct cmpui *c)
{
	return c->fnd && c->fnd->shown;
}

void cmp_findings_reset(struct cmpui *c)
{
	struct cmpfind *cf = c->fnd;
	if (!cf)
		return;
	if (cf->known)
		findings_free(&cf->F);
	free(cf->it);
	memset(cf, 0, sizeof(*cf));
}

void cmp_findings_free(struct cmpui *c)
{
	cmp_findings_reset(c);
	free(c->fnd);
	c->fnd = NULL;
}

static bool selectable(const struct cmpfind *cf, size_t k)
{
	const struct fitem *x = &cf->it[k];
	switch (x->k) {
	case FL_FINDING: return true;
	case FL_DIVERGENCE: return x->i != SIZE_MAX;
	case FL_FAILURE: return x->i != SIZE_MAX;
	default: return false;
	}
}

static void add(struct cmpfind *cf, size_t *cap, enum fline k, size_t i, const char *text)
{
	if (cf->n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		cf->it = xrealloc(cf->it, *cap * sizeof(*cf->it));
	}
	cf->it[cf->n++] = (struct fitem){ k, i, text };
}

/* The lines of the view, from the findings; the cursor on the first
 * finding (or the first divergence). */
static void build_items(struct cmpui *c)
{
	struct cmpfind *cf = c->fnd;
	const struct findings *F = &cf->F;
	size_t cap = 0;
	cf->n = cf->cur = cf->top = 0;
	cf->hscroll = 0;
	cf->last = SIZE_MAX;
	cf->namew = 15; /* "Session profile" */
	/* What fails and what differs first, then the sessions side by side. */
	add(cf, &cap, FL_HEAD_FINDINGS, 0, NULL);
	add(cf, &cap, FL_DIVERGENCE, c->d->first_div, NULL);
	add(cf, &cap, FL_FAILURE, F->first_failure, NULL);
	for (size_t i = 0; i < F->n; i++)
		add(cf, &cap, FL_FINDING, i, NULL);
	if (!F->n)
		add(cf, &cap, FL_NOTE, 0,
		    c->d->first_div == SIZE_MAX ? "  No findings: the traces do not differ"
						: "  No findings beyond the differences listed");
	add(cf, &cap, FL_BLANK, 0, NULL);
	add(cf, &cap, FL_HEAD_PROFILE, 0, NULL);
	for (size_t i = 0; i < F->nprof; i++) {
		add(cf, &cap, FL_PROFILE, i, NULL);
		int w = text_width(F->prof[i].name);
		if (w > cf->namew)
			cf->namew = w < 32 ? w : 32;
	}
	if (!F->nprof)
		add(cf, &cap, FL_NOTE, 0, "  (no session profile rows)");
	size_t first = SIZE_MAX;
	for (size_t k = 0; k < cf->n && first == SIZE_MAX; k++)
		if (cf->it[k].k == FL_FINDING)
			first = k;
	for (size_t k = 0; k < cf->n && first == SIZE_MAX; k++)
		if (selectable(cf, k))
			first = k;
	cf->cur = first != SIZE_MAX ? first : 0;
}

bool cmp_findings_work(struct cmpui *c)
{
	if (c->d->ncompared < c->d->n || cmp_findings_known(c))
		return false;
	struct cmpfind *cf = cf_get(c);
	findings_diff(&cf->F, c->d);
	cf->known = true;
	build_items(c);
	return true;
}

void cmp_findings_open(struct cmpui *c)
{
	if (!cmp_compare_upto(c, c->d->n ? c->d->n - 1 : SIZE_MAX, "Findings"))
		return;
	if (cmp_findings_work(c))
		c->done_msg = DONE_NONE; /* the view says more */
	c->fnd->shown = true;
}

/* ---- drawing ---- */

/* The text of line k (without the mark column). */
static void item_text(struct cmpui *c, size_t k, char *out, size_t n, enum line_type *lt)
{
	const struct cmpfind *cf = c->fnd;
	const struct findings *F = &cf->F;
	const struct fitem *x = &cf->it[k];
	int vw = (COLS - 4 - cf->namew) / 2 - 2;
	if (vw < 8)
		vw = 8;
	*lt = LINE_DEFAULT;
	out[0] = '\0';
	switch (x->k) {
	case FL_HEAD_PROFILE:
		*lt = LINE_HEADER;
		snprintf(out, n, "%-*s  %-*s  %s", cf->namew, "Session profile", vw, "A", "B");
		break;
	case FL_PROFILE: {
		const struct prow *r = &F->prof[x->i];
		*lt = r->differs ? LINE_DIFF_CHANGED : LINE_DEFAULT;
		snprintf(out, n, "%-*.*s  %-*.*s  %s", cf->namew, cf->namew, r->name, vw, vw,
			 *r->v[0] ? r->v[0] : "-", *r->v[1] ? r->v[1] : "-");
		break;
	}
	case FL_NOTE: snprintf(out, n, "%s", x->text); break;
	case FL_HEAD_FINDINGS: {
		size_t nk[FK_NKINDS] = { 0 };
		for (size_t i = 0; i < F->n; i++)
			nk[F->v[i]->kind]++;
		int o = snprintf(out, n, "Findings (%zu)", F->n);
		const char *sep = ": ";
		for (int kd = 0; kd < FK_NKINDS && o > 0 && (size_t)o < n; kd++)
			if (nk[kd]) {
				o += snprintf(out + o, n - (size_t)o, "%s%zu %s", sep, nk[kd],
					      fkind_name((enum fkind)kd));
				sep = ", ";
			}
		*lt = LINE_HEADER;
		break;
	}
	case FL_DIVERGENCE:
		if (x->i == SIZE_MAX)
			snprintf(out, n, "first divergence: none");
		else
			snprintf(out, n, "first divergence: operation #%zu (%s)", x->i,
				 fstatus_name((enum fstatus)F->status[x->i]));
		*lt = LINE_PROTO;
		break;
	case FL_FAILURE:
		if (x->i == SIZE_MAX)
			snprintf(out, n, "first failure: none");
		else
			snprintf(out, n, "first failure: operation #%zu", x->i);
		*lt = LINE_PROTO;
		break;
	case FL_FINDING: {
		const struct finding *f = F->v[x->i];
		snprintf(out, n, "%2zu. %-11s %s", x->i + 1, fkind_name(f->kind), f->msg);
		*lt = kind_line[f->kind];
		break;
	}
	case FL_BLANK: break;
	}
}

static const char *item_mark(const struct cmpfind *cf, size_t k)
{
	const struct fitem *x = &cf->it[k];
	if (x->k == FL_PROFILE && cf->F.prof[x->i].differs)
		return "≠";
	if (x->k == FL_DIVERGENCE || x->k == FL_FAILURE)
		return x->i != SIZE_MAX ? "→" : " ";
	return " ";
}

/*
 * Word-wraps s into rows [y, y + maxl) of w columns; returns the rows
 * used. A word longer than the width is cut.
 */
static int wrap(int y, int x, int w, int maxl, const char *s, attr_t a)
{
	char buf[1024];
	int used = 0;
	while (*s && used < maxl) {
		size_t len = strlen(s), cut = len, lastsp = 0;
		for (size_t k = 1; k <= len; k++) {
			if (k < len && (s[k] & 0xc0) == 0x80)
				continue; /* inside a UTF-8 sequence */
			size_t m = k < sizeof(buf) ? k : sizeof(buf) - 1;
			memcpy(buf, s, m);
			buf[m] = '\0';
			if (text_width(buf) > w) {
				cut = lastsp ? lastsp : k - 1;
				break;
			}
			if (k < len && s[k] == ' ')
				lastsp = k;
		}
		if (!cut)
			cut = 1;
		size_t m = cut < sizeof(buf) ? cut : sizeof(buf) - 1;
		memcpy(buf, s, m);
		buf[m] = '\0';
		put_text(y + used, x, w, buf, a, true);
		used++;
		s += cut;
		while (*s == ' ')
			s++;
	}
	return used;
}

/* "#14, #17, #20 and 4 more" of a finding's operations. */
static void ops_list(const struct finding *f, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t k = 0; k < f->nops && k < 12 && o < n; k++)
		o += (size_t)snprintf(out + o, n - o, "%s#%zu", k ? ", " : "", f->ops[k]);
	if (f->nops > 12 && o < n)
		snprintf(out + o, n - o, " and %zu more", f->nops - 12);
}

static void frames_list(const struct finding *f, int side, char *out, size_t n)
{
	size_t o = (size_t)snprintf(out, n, "%c", side ? 'B' : 'A');
	for (size_t k = 0; k < f->nframes[side] && k < 12 && o < n; k++)
		o += (size_t)snprintf(out + o, n - o, "%s%u", k ? "," : " ", f->frames[side][k]);
	if (f->nframes[side] > 12 && o < n)
		snprintf(out + o, n - o, ",...");
}

/* The detail pane: the selected line in full. */
static void draw_detail(struct cmpui *c, struct rect r)
{
	const struct cmpfind *cf = c->fnd;
	const struct fitem *x = cf->n ? &cf->it[cf->cur] : NULL;
	char t[1024];
	int y = r.y, end = r.y + r.h;
	if (!x || r.h <= 0)
		return;
	if (x->k == FL_FINDING) {
		const struct finding *f = cf->F.v[x->i];
		put_fmt(y++, r.x, r.w, line_attr(LINE_HEADER), true, " Finding %zu of %zu: %s",
			x->i + 1, cf->F.n, fkind_name(f->kind));
		y += wrap(y, r.x + 1, r.w - 1, end - y, f->msg, line_attr(kind_line[f->kind]));
		if (f->nops && y < end) {
			ops_list(f, t, sizeof(t));
			char line[1200];
			snprintf(line, sizeof(line), "operations: %s  (Enter: go to #%zu)", t,
				 f->ops[0]);
			y += wrap(y, r.x + 1, r.w - 1, end - y, line, line_attr(LINE_DEFAULT));
		}
		if ((f->nframes[0] || f->nframes[1]) && y < end) {
			char fa[300], fb[300];
			frames_list(f, 0, fa, sizeof(fa));
			frames_list(f, 1, fb, sizeof(fb));
			put_fmt(y++, r.x + 1, r.w - 1, line_attr(LINE_DEFAULT), true, "frames: %s%s%s",
				f->nframes[0] ? fa : "", f->nframes[0] && f->nframes[1] ? "  " : "",
				f->nframes[1] ? fb : "");
		}
		for (size_t k = 0; k < f->nf && y < end; k++)
			put_fmt(y++, r.x + 1, r.w - 1, line_attr(LINE_GENERATED), true,
				"%s: A %s | B %s", f->f[k].name, f->f[k].a ? f->f[k].a : "-",
				f->f[k].b ? f->f[k].b : "-");
		return;
	}
	if ((x->k == FL_DIVERGENCE || x->k == FL_FAILURE) && x->i != SIZE_MAX) {
		put_fmt(y++, r.x, r.w, line_attr(LINE_HEADER), true, " Operation #%zu", x->i);
		for (int s = 0; s < 2 && y < end; s++) {
			cmp_side_text(c, x->i, s, t, sizeof(t));
			put_fmt(y++, r.x + 1, r.w - 1, line_attr(LINE_DEFAULT), true, "%c: %s",
				s ? 'B' : 'A', t[0] ? t : "(none)");
		}
	}
}

void cmp_findings_draw(struct cmpui *c)
{
	struct cmpfind *cf = c->fnd;
	char t[1200];
	const char *label[] = { "A: ", "   B: " };
	const char *path[] = { trace_path(c->d->t[0]), trace_path(c->d->t[1]) };
	title_draw(" smbcmp findings  ", label, path, 2, "");
	int avail = LINES - 2;
	int dh = avail / 3 < 8 ? avail / 3 : 8;
	int lh = avail - dh;
	cf->h = lh > 0 ? (size_t)lh : 1;
	scroll_fix(cf->cur, &cf->top, cf->n, cf->h);
	int maxw = 0;
	for (int y = 0; y < lh && cf->top + (size_t)y < cf->n; y++) {
		enum line_type lt;
		item_text(c, cf->top + (size_t)y, t, sizeof(t), &lt);
		int w = text_width(t);
		maxw = w > maxw ? w : maxw;
	}
	cf->hscroll = hscroll_clamp(cf->hscroll, maxw, COLS - 2);
	for (int y = 0; y < lh; y++) {
		size_t k = cf->top + (size_t)y;
		if (k >= cf->n) {
			put_text(1 + y, 0, COLS, "", A_NORMAL, true);
			continue;
		}
		enum line_type lt;
		item_text(c, k, t, sizeof(t), &lt);
		attr_t a = line_attr(k == cf->cur ? LINE_CURSOR : lt);
		put_text(1 + y, 0, 2, item_mark(cf, k), a, true);
		if (lt == LINE_HEADER) /* headers do not scroll */
			put_text(1 + y, 2, COLS - 2, t, a, true);
		else
			put_text_at(1 + y, 2, COLS - 2, t, cf->hscroll, a, true);
	}
	draw_detail(c, (struct rect){ 1 + lh, 0, dh, COLS });
	if (c->m.text[0]) {
		ui_msg_draw(&c->m);
		return;
	}
	size_t nsel = 0, at = 0;
	for (size_t k = 0; k < cf->n; k++)
		if (selectable(cf, k)) {
			nsel++;
			if (k <= cf->cur)
				at = nsel;
		}
	char right[32];
	snprintf(right, sizeof(right), " %zu/%zu ", at, nsel);
	int rw = text_width(right);
	put_text(LINES - 1, 0, COLS - rw, "Enter: go to the operation   q, Esc: back to the comparison",
		 line_attr(LINE_STATUS), true);
	put_text(LINES - 1, COLS - rw, rw, right, line_attr(LINE_STATUS) | A_BOLD, true);
}

/* ---- requests ---- */

/* Moves the cursor by delta selectable lines (stopping at the ends). */
static void cursor_move(struct cmpfind *cf, long delta)
{
	long step = delta > 0 ? 1 : -1;
	for (long d = delta; d; d -= step) {
		size_t k = cf->cur;
		for (;;) {
			if ((step < 0 && !k) || (step > 0 && k + 1 >= cf->n)) {
				k = SIZE_MAX;
				break;
			}
			k = step > 0 ? k + 1 : k - 1;
			if (selectable(cf, k))
				break;
		}
		if (k == SIZE_MAX) {
			/* Above the first selectable line: show what is above it. */
			if (step < 0)
				cf->top = 0;
			break;
		}
		cf->cur = k;
	}
	if (cf->cur < cf->top)
		cf->top = cf->cur;
}

static uint64_t node_key(const struct node *n)
{
	return (uint64_t)(uintptr_t)n;
}

/* Selects the field called name in both trees of the shown entry (a
 * changed one first) and focuses the tree that has it. False when
 * neither has one. */
static bool select_field(struct cmpui *c, const char *name)
{
	struct node *hit[2] = { NULL, NULL };
	for (int s = 0; s < 2; s++) {
		struct ftree *ft = &c->ft[s];
		if (!ft->root)
			continue;
		for (struct node *n = ft->root->child; n; n = node_next(n)) {
			if (!n->name || strcmp(n->name, name))
				continue;
			if (!hit[s])
				hit[s] = n;
			if (hmap_get(&c->changed, node_key(n))) {
				hit[s] = n;
				break;
			}
		}
	}
	for (int s = 0; s < 2; s++)
		if (hit[s])
			ftree_reveal(&c->ft[s], hit[s]);
	ftree_reflow(&c->ft[0]); /* the expansion state is shared */
	ftree_reflow(&c->ft[1]);
	if (hit[0])
		c->focus = C_TREE_A;
	else if (hit[1])
		c->focus = C_TREE_B;
	return hit[0] || hit[1];
}

/* Back to the comparison on entry e; field (or NULL) selected there. */
static void go_to(struct cmpui *c, size_t e, const char *field, const char *what)
{
	size_t lo = 0, hi = c->nrows;
	while (lo < hi) { /* rows ascend */
		size_t mid = lo + (hi - lo) / 2;
		if (c->rows[mid] < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= c->nrows || c->rows[lo] != e) {
		ui_msg(&c->m, true, "Operation #%zu is not shown (the filter hides it)", e);
		return;
	}
	c->fnd->shown = false;
	c->focus = C_LIST;
	cmp_select_row(c, lo);
	c->top = lo > 3 ? lo - 3 : 0; /* a little context above it */
	bool sel = field && select_field(c, field);
	ui_msg(&c->m, false, "%s: operation #%zu%s%s", what, e, sel ? ", field " : "",
	       sel ? field : "");
}

static void go_to_op(struct cmpui *c, size_t k);

static void enter(struct cmpui *c)
{
	struct cmpfind *cf = c->fnd;
	if (!cf->n || !selectable(cf, cf->cur))
		return;
	const struct fitem *x = &cf->it[cf->cur];
	if (x->k == FL_DIVERGENCE) {
		go_to(c, x->i, NULL, "First divergence");
		return;
	}
	if (x->k == FL_FAILURE) {
		const struct finding *f = NULL;
		for (size_t i = 0; i < cf->F.n && !f; i++)
			if (cf->F.v[i]->nops && cf->F.v[i]->ops[0] == x->i &&
			    cf->F.v[i]->kind <= FK_FAILURE) /* or its diagnosis */
				f = cf->F.v[i];
		go_to(c, x->i, f && f->nf ? f->f[0].name : NULL, "First failure");
		return;
	}
	const struct finding *f = cf->F.v[x->i];
	if (!f->nops) {
		ui_msg(&c->m, true, "This finding names no operation");
		return;
	}
	cf->last = x->i;
	go_to_op(c, 0);
}

/* Goes to operation k of the finding last gone to. */
static void go_to_op(struct cmpui *c, size_t k)
{
	const struct finding *f = c->fnd->F.v[c->fnd->last];
	char what[96];
	snprintf(what, sizeof(what), "Finding %zu (%s) %zu/%zu", c->fnd->last + 1,
		 fkind_name(f->kind), k + 1, f->nops);
	go_to(c, f->ops[k], f->nf ? f->f[0].name : NULL, what);
}

void cmp_finding_step(struct cmpui *c, int dir)
{
	const struct cmpfind *cf = c->fnd;
	if (!cmp_findings_known(c) || cf->last == SIZE_MAX) {
		ui_msg(&c->m, true, "No finding gone to yet (F, then Enter on a finding)");
		return;
	}
	const struct finding *f = cf->F.v[cf->last];
	size_t e = cmp_cur_entry(c), k;
	if (dir > 0) {
		for (k = 0; k < f->nops && f->ops[k] <= e; k++)
			;
		if (k == f->nops) {
			ui_msg(&c->m, false, "No operation of finding %zu below", cf->last + 1);
			return;
		}
	} else {
		for (k = f->nops; k && f->ops[k - 1] >= e; k--)
			;
		if (!k) {
			ui_msg(&c->m, false, "No operation of finding %zu above", cf->last + 1);
			return;
		}
		k--;
	}
	go_to_op(c, k);
}

unsigned cmp_findings_request(struct cmpui *c, enum request req, long count)
{
	struct cmpfind *cf = c->fnd;
	long step = count > 0 ? count : 1;
	long page = cf->h > 1 ? (long)cf->h - 1 : 1;
	switch (req) {
	case REQ_MOVE_DOWN: cursor_move(cf, step); break;
	case REQ_MOVE_UP: cursor_move(cf, -step); break;
	case REQ_PAGE_DOWN: cursor_move(cf, page); break;
	case REQ_PAGE_UP: cursor_move(cf, -page); break;
	case REQ_FIRST: cursor_move(cf, -(long)cf->n); break;
	case REQ_LAST: cursor_move(cf, (long)cf->n); break;
	case REQ_TOGGLE: enter(c); break;
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
	case REQ_SCROLL_HOME:
	case REQ_EXPAND:
	case REQ_COLLAPSE: cf->hscroll = hscroll_step(cf->hscroll, req, COLS - 2); break;
	case REQ_QUIT:
	case REQ_FINDINGS: cf->shown = false; break;
	case REQ_HELP:
	case REQ_REDRAW: return EV_UNHANDLED;
	default:
		ui_msg(&c->m, true, "Not in the findings: q or Esc goes back to the comparison");
		return RD_STATUS;
	}
	return RD_ALL;
}


