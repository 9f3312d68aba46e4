/*
 * compare.c - two traces side by side.
 *
 * Top: the aligned operations of the diff model (src/diff/diff.h), one row per
 * entry, A on the left and B on the right, a gap where one side has no
 * counterpart; equal rows plain, changed rows highlighted, one-side rows
 * marked. Bottom: the field trees of the selected pair (request and
 * response under one root per side), changed fields highlighted, masked
 * (ignored) fields dimmed.
 *
 * The view opens once the entries are aligned; cmprows.c compares them in
 * the background (rows, progress, what waits for what: see there).
 *
 * The model is read-only except for masking and filtering: toggling masks
 * (m), masking the field under the cursor (a) or a display filter (f)
 * restarts the comparison of the aligned entries (diff_restart: alignment
 * kept) with the new rules. The filter hides the entries it drops (rows
 * keep those where either side matches). Only the selected entry is
 * dissected: its diff_detail gives the two trees shown and, for each
 * difference, the differing nodes of both trees, which are highlighted by
 * address.
 *
 * Search (/ n N), go to frame (: and N g, on the focused side) and the
 * filter prompt share find.c with the single-trace view. F shows the
 * findings (findview.c) in place of the comparison.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "uipriv.h"

#include "cmpui.h"

static uint64_t node_key(const struct node *n)
{
	return (uint64_t)(uintptr_t)n;
}

/* ---- paths of nodes, to follow the cursor in the other tree ---- */

/*
 * Writes the path of n into buf (diff_node_path from the request/response
 * wrapper down). Returns false for nodes outside a member and paths that
 * do not fit.
 */
static bool node_path(const struct ftree *ft, const struct node *n, char *buf, size_t len)
{
	const struct node *top = n;
	int k = 1;
	for (; top && top->parent != ft->root && k < DIFF_PATH_DEPTH; top = top->parent)
		k++;
	if (!top || top == ft->root || top->parent != ft->root || !top->name)
		return false;
	return diff_node_path(buf, len, n, top, NULL) < len;
}

static enum line_type mark_node(void *ctx, const struct node *n)
{
	struct cmpui *c = ctx;
	if (hmap_get(&c->changed, node_key(n)))
		return LINE_FIELD_CHANGED;
	if (c->masking && masks_node(c->d->o.masks, n) == MASK_IGNORE)
		return LINE_FIELD_MASKED;
	if (hmap_get(&c->inside, node_key(n)))
		return LINE_MARK;
	return LINE_DEFAULT;
}

/* ---- the selected entry ---- */

/*
 * The tree of one side: pseudo-field differences first, then the request
 * and the response the differ compared (ddetail's trees, in c->da), each
 * under a wrapper node named "request" / "response".
 */
static void build_side(struct cmpui *c, int side)
{
	struct ftree *ft = &c->ft[side];
	ftree_clear(ft);
	ft->empty = "";
	size_t e = cmp_cur_entry(c);
	if (e == SIZE_MAX)
		return;
	const struct op *op = cmp_entry_op(c, e, side);
	struct tctx tc = { .a = &ft->a };
	struct node *root = tree_root(&tc);
	for (size_t i = 0; i < c->det.nf; i++) {
		const struct dfield *f = &c->det.f[i];
		if (f->node[0] || f->node[1])
			continue;
		const char *v = side ? f->b : f->a;
		struct node *n = tree_add(&tc, root, f->name,
					  arena_printf(&ft->a, "%s: %s", f->name, v ? v : "(none)"),
					  v ? v : "", 0, 0);
		n->flags |= N_GENERATED;
		hmap_put(&c->changed, node_key(n), (void *)(i + 1));
	}
	if (!op) {
		ftree_set(ft, root);
		ft->empty = side ? "(only in A)" : "(only in B)";
		return;
	}
	const struct opset *s = &c->d->s[side];
	struct node *req = c->det.req[side], *rsp = c->det.rsp[side];
	if (req) {
		struct node *w = tree_add(&tc, root, "request",
					  arena_printf(&ft->a, "Request, frame %u: %s",
						       ops_frame_num(s, op->req_frame),
						       c->det.req_sum[side]),
					  NULL, 0, 0);
		node_append(w, req);
	}
	if (rsp) {
		struct node *w = tree_add(&tc, root, "response",
					  arena_printf(&ft->a, "Response, frame %u: %s",
						       ops_frame_num(s, op->rsp_frame),
						       c->det.rsp_sum[side]),
					  NULL, 0, 0);
		node_append(w, rsp);
	}
	ftree_set(ft, root);
}

/*
 * Compares the selected entry again in record mode (every difference, not
 * only the first DIFF_MAX_FIELDS) and shows its trees; the changed nodes are
 * the ones the differ reports, by address. An entry not compared yet
 * waits (its earlier entries bind ids first): empty trees say so, and
 * cmprows.c opens it when the comparison gets there.
 */
void cmp_open_entry(struct cmpui *c)
{
	arena_reset(&c->da);
	hmap_free(&c->changed);
	hmap_free(&c->inside);
	hmap_init(&c->changed);
	hmap_init(&c->inside);
	memset(&c->det, 0, sizeof(c->det));
	size_t e = cmp_cur_entry(c);
	c->opened = e;
	if (e != SIZE_MAX && diff_pending(c->d, e)) {
		c->opened = SIZE_MAX;
		for (int s = 0; s < 2; s++) {
			ftree_clear(&c->ft[s]);
			c->ft[s].empty = "(comparing the operations up to this one...)";
		}
		return;
	}
	if (e != SIZE_MAX) {
		diff_detail(c->d, e, SIZE_MAX, &c->da, &c->det);
		for (size_t i = 0; i < c->det.nf; i++)
			for (int s = 0; s < 2; s++)
				if (c->det.f[i].node[s])
					hmap_put(&c->changed, node_key(c->det.f[i].node[s]),
						 (void *)(i + 1));
	}
	build_side(c, 0);
	build_side(c, 1);
	for (size_t i = 0; i < c->det.nf; i++)
		for (int s = 0; s < 2; s++)
			for (const struct node *p = c->det.f[i].node[s];
			     p && (p = p->parent) && !hmap_get(&c->inside, node_key(p));)
				hmap_put(&c->inside, node_key(p), (void *)1);
	/* Show and select the first changed field of each side. */
	for (int s = 0; s < 2; s++) {
		struct ftree *ft = &c->ft[s];
		if (!ft->root)
			continue;
		for (struct node *n = ft->root->child; n; n = node_next(n))
			if (hmap_get(&c->changed, node_key(n))) {
				ftree_reveal(ft, n);
				break;
			}
	}
	ftree_reflow(&c->ft[0]); /* the expansion state is shared */
}

void cmp_select_row(struct cmpui *c, size_t row)
{
	if (row >= c->nrows)
		return;
	c->cur = row;
	size_t h = c->v[C_LIST].r.h > 0 ? (size_t)c->v[C_LIST].r.h : 1;
	scroll_fix(c->cur, &c->top, c->nrows, h);
	cmp_open_entry(c);
}

/* Compares again with the current masks and filter (alignment kept), in
 * the background from the first entry. */
static void recompare(struct cmpui *c)
{
	c->d->o.masks = c->masking ? c->user : &c->none;
	cmp_findings_reset(c);
	diff_restart(c->d);
	cmp_rebuild_rows(c);
	cmp_open_entry(c);
}

static void draw(struct cmpui *c)
{
	char bar[1024];
	erase();
	if (c->stats.shown) {
		textview_draw(&c->stats);
		refresh();
		return;
	}
	if (cmp_findings_shown(c)) {
		cmp_findings_draw(c);
		refresh();
		return;
	}
	if (cmp_actions_shown(c)) {
		cmp_actions_draw(c);
		refresh();
		return;
	}
	/* Progress here too (the status line shows the field while a tree
	 * has focus), before the filter, which may be cut. */
	int n = 0;
	bar[0] = '\0';
	if (c->d->ncompared < c->d->n)
		n = snprintf(bar, sizeof(bar), "  [comparing %u%%]",
			     (unsigned)(c->d->ncompared * 100 / c->d->n));
	if (c->d->o.filter && n >= 0 && (size_t)n < sizeof(bar))
		snprintf(bar + n, sizeof(bar) - (size_t)n, "  [filter: %s]", c->filter_text);
	const char *label[] = { "A: ", "   B: " };
	const char *path[] = { trace_path(c->d->t[0]), trace_path(c->d->t[1]) };
	title_draw(" smbcmp  ", label, path, 2, bar);
	int h = LINES - 2, half = (COLS - 3) / 2;
	int lh = h * c->list_weight / 100;
	if (lh < 3)
		lh = 3;
	if (h - lh < 3)
		lh = h - 3;
	cmp_draw_rows(c, (struct rect){ 2, 0, lh - 1, COLS }, c->focus == C_LIST);
	snprintf(bar, sizeof(bar), "  %-*.*s│ %s", half - 1, half - 1, " A: frame operation",
		 "B: frame operation");
	put_text(1, 0, COLS, bar, line_attr(c->focus == C_LIST ? LINE_TITLE : LINE_HEADER), true);
	int ty = 1 + lh, tw = (COLS - 1) / 2;
	size_t e = cmp_cur_entry(c);
	for (int s = 0; s < 2; s++) {
		const struct op *op = e != SIZE_MAX ? cmp_entry_op(c, e, s) : NULL;
		snprintf(bar, sizeof(bar), " %s: %s", s ? "B" : "A",
			 op ? op_title(&c->da, op) : "(none)");
		int x = s ? tw + 1 : 0, w = s ? COLS - tw - 1 : tw;
		put_text(ty, x, w, bar,
			 line_attr(c->focus == (enum cpane)(C_TREE_A + s) ? LINE_TITLE : LINE_HEADER),
			 true);
		c->v[C_TREE_A + s].ops->draw(&c->v[C_TREE_A + s],
					     (struct rect){ ty + 1, x, h - lh - 1, w },
					     c->focus == (enum cpane)(C_TREE_A + s));
	}
	put_text(ty, tw, 1, " ", line_attr(LINE_HEADER), false);
	for (int y = ty + 1; y < LINES - 1; y++)
		put_text(y, tw, 1, "│", line_attr(LINE_HEADER), false);
	cmp_draw_status(c);
	refresh();
}

/* ---- search, filter, go to frame ---- */

/* The side go-to and counts act on: B when its tree has the focus. */
static int focused_side(const struct cmpui *c)
{
	return c->focus == C_TREE_B ? 1 : 0;
}

/* A row matches by either side's row text, summaries or fields. */
static bool entry_matches(void *ctx, size_t row)
{
	struct cmpui *c = ctx;
	size_t e = c->rows[row];
	bool hit = false;
	for (int s = 0; s < 2 && !hit; s++) {
		const struct op *op = cmp_entry_op(c, e, s);
		if (!op)
			continue;
		char t[512];
		cmp_side_text(c, e, s, t, sizeof(t));
		struct node *rt[2] = { NULL, NULL };
		const char *sum[2] = { "", "" };
		hit = str_icase_contains(t, c->search);
		if (!hit)
			ops_trees(&c->d->s[s], op, &c->scratch, &rt[0], &rt[1], &sum[0], &sum[1],
				  false);
		for (int k = 0; k < 2 && !hit; k++)
			hit = str_icase_contains(sum[k], c->search) ||
			      (rt[k] && (node_matches(rt[k], c->search) ||
					 tree_find(rt[k], NULL, 1, c->search)));
		arena_reset(&c->scratch);
	}
	return hit;
}

/* In lock-step, puts the other tree's cursor on the counterpart the differ
 * paired with this node, else on the same path. */
static void follow_other(struct cmpui *c, int side)
{
	struct ftree *src = &c->ft[side], *dst = &c->ft[!side];
	const struct node *n = ftree_node(src);
	if (!n)
		return;
	ftree_reflow(dst);
	size_t fi = (size_t)(uintptr_t)hmap_get(&c->changed, node_key(n));
	const struct node *peer = fi ? c->det.f[fi - 1].node[!side] : NULL;
	if (peer) {
		ftree_select(dst, peer);
		return;
	}
	char p[2048], q[2048];
	if (!node_path(src, n, p, sizeof(p)))
		return;
	for (size_t i = 0; i < dst->nrows; i++)
		if (node_path(dst, dst->rows[i].n, q, sizeof(q)) && !strcmp(p, q)) {
			dst->cur = i;
			return;
		}
}

/*
 * Next (dir > 0) or previous match of c->search. From a tree: the fields
 * of that side after (before) the cursor first. Then row by row, wrapping
 * once: a row matches by either side; each tree shows its first (last)
 * matching field, and a focused tree without one hands the focus to the
 * other side.
 */
static void search_step(struct cmpui *c, int dir)
{
	if (!c->search[0]) {
		ui_msg(&c->m, true, "No search pattern (/ to search)");
		return;
	}
	int side = c->focus == C_LIST ? -1 : (int)c->focus - C_TREE_A;
	if (side >= 0) {
		struct ftree *ft = &c->ft[side];
		struct node *hit = tree_find(ft->root, ftree_node(ft), dir, c->search);
		if (hit) {
			ftree_reveal(ft, hit);
			if (c->lockstep)
				follow_other(c, side);
			return;
		}
	}
	bool wrapped;
	size_t r = c->nrows ? find_row(c->nrows, c->cur, dir, entry_matches, c, &wrapped)
			    : SIZE_MAX;
	if (r == SIZE_MAX) {
		ui_msg(&c->m, true, "Pattern not found: %s", c->search);
		return;
	}
	if (!cmp_compare_upto(c, c->rows[r], "Search")) /* to show its trees */
		return;
	cmp_select_row(c, r);
	struct node *hit[2];
	for (int s = 0; s < 2; s++)
		if ((hit[s] = tree_find(c->ft[s].root, NULL, dir, c->search)))
			ftree_reveal(&c->ft[s], hit[s]);
	ftree_reflow(&c->ft[0]); /* shared expansion state */
	if (side >= 0 && !hit[side] && hit[!side])
		c->focus = (enum cpane)(C_TREE_A + !side);
	if (wrapped)
		ui_msg(&c->m, false, "Search wrapped");
}

static void filter_prompt(struct cmpui *c)
{
	struct filter *f;
	if (ask_filter(c->filter_text, sizeof(c->filter_text), &f, &c->m) <= 0)
		return;
	c->d->o.filter = f;
	filter_free(c->flt);
	c->flt = f;
	recompare(c);
	c->done_msg = f ? DONE_FILTER : DONE_NONE; /* how many match, once known */
}

/*
 * Selects the row whose operation on side has frame number num (request,
 * response or interim), or else the one with the nearest frame after it.
 */
static void goto_frame(struct cmpui *c, int side, uint32_t num)
{
	size_t best = SIZE_MAX;
	uint32_t best_num = UINT32_MAX;
	const struct opset *s = &c->d->s[side];
	for (size_t r = 0; r < c->nrows; r++) {
		const struct op *op = cmp_entry_op(c, c->rows[r], side);
		if (!op)
			continue;
		uint32_t fr[3] = { op->req_frame, op->rsp_frame, op->interim_frame };
		for (int k = 0; k < 3; k++) {
			if (fr[k] == OP_NONE)
				continue;
			uint32_t n = ops_frame_num(s, fr[k]);
			if (n == num) {
				cmp_select_row(c, r);
				return;
			}
			if (n > num && n < best_num) {
				best = r;
				best_num = n;
			}
		}
	}
	if (best == SIZE_MAX) {
		ui_msg(&c->m, true, "No operation of %c at or after frame %u", side ? 'B' : 'A', num);
		return;
	}
	cmp_select_row(c, best);
	ui_msg(&c->m, false, "Frame %u of %c is in no operation shown; showing frame %u", num,
	       side ? 'B' : 'A', best_num);
}

/* ---- changed fields, one after the other ---- */

/*
 * ) and (: the next (dir > 0) or previous changed field of the focused
 * tree, count times; from the list, the first (last) one of tree A, or of
 * B when A has none. The differ's changed nodes (c->changed) in
 * depth-first order, the cursor's place among them.
 */
static void change_step(struct cmpui *c, int dir, long count)
{
	bool from_list = c->focus == C_LIST;
	int side = c->focus == C_TREE_B ? 1 : 0;
	size_t total = 0, before = 0;
	bool on = false; /* the cursor is on a changed node */
	for (int tries = 0; tries < 2; tries++) {
		struct ftree *ft = &c->ft[side];
		const struct node *cur = from_list ? NULL : ftree_node(ft);
		bool seen = false;
		total = before = 0;
		on = false;
		for (struct node *n = ft->root ? ft->root->child : NULL; n; n = node_next(n)) {
			if (n == cur)
				seen = true;
			if (!hmap_get(&c->changed, node_key(n)))
				continue;
			total++;
			if (n == cur)
				on = true;
			else if (!seen)
				before++;
		}
		if (total || !from_list)
			break;
		side = 1;
	}
	const char *sn = side ? "B" : "A";
	if (!total) {
		ui_msg(&c->m, true, "No changed field in %s (] and [ go to the next difference)",
		       from_list ? "this operation" : sn);
		return;
	}
	long steps = count > 0 ? count : 1;
	long k;
	if (from_list)
		k = dir > 0 ? steps - 1 : (long)total - steps;
	else
		k = dir > 0 ? (long)before + (on ? 1 : 0) + steps - 1 : (long)before - steps;
	if (k < 0 || k >= (long)total) {
		ui_msg(&c->m, false, "No changed field %s in %s (of %zu; ] and [: other operations)",
		       dir > 0 ? "below" : "above", sn, total);
		return;
	}
	struct ftree *ft = &c->ft[side];
	size_t i = 0;
	for (struct node *n = ft->root->child; n; n = node_next(n))
		if (hmap_get(&c->changed, node_key(n)) && i++ == (size_t)k) {
			ftree_reveal(ft, n);
			break;
		}
	ftree_reflow(&c->ft[!side]); /* shared expansion state */
	c->focus = (enum cpane)(C_TREE_A + side);
	if (c->lockstep)
		follow_other(c, side);
	char f[256];
	field_filter_text(ftree_node(ft), f, sizeof(f));
	ui_msg(&c->m, false, "Changed field %ld/%zu in %s: %s", k + 1, total, sn, f);
}

/* ---- requests ---- */

static void mask_field(struct cmpui *c)
{
	if (c->focus == C_LIST) {
		ui_msg(&c->m, true, "Select a field in a tree first (Tab)");
		return;
	}
	const struct node *n = ftree_node(&c->ft[c->focus - C_TREE_A]);
	if (!n || !n->name || !strchr(n->name, '.')) {
		ui_msg(&c->m, true, "This item has no field name to mask");
		return;
	}
	if (!c->masking) {
		ui_msg(&c->m, true, "Masking is off (m turns it on)");
		return;
	}
	bool ignored = masks_node(c->user, n) == MASK_IGNORE;
	char name[256];
	snprintf(name, sizeof(name), "%s", n->name);
	masks_add(c->user, name, ignored ? MASK_COMPARE : MASK_IGNORE, MSRC_FLAG);
	/* A flags field's bits are its value shown bit by bit: they go with it
	 * (other named fields inside a node keep their own rules). */
	unsigned bits = 0;
	for (const struct node *k = n->child; k; k = k->next)
		if (k->name && k->field != F_INVALID && field_get(k->field)->mask) {
			masks_add(c->user, k->name, ignored ? MASK_COMPARE : MASK_IGNORE, MSRC_FLAG);
			bits++;
		}
	recompare(c);
	if (bits)
		ui_msg(&c->m, false, "%s %s and its %u bits", ignored ? "Comparing" : "Ignoring",
		       name, bits);
	else
		ui_msg(&c->m, false, "%s %s", ignored ? "Comparing" : "Ignoring", name);
}

static unsigned list_request(struct cmpui *c, enum request req, long count)
{
	size_t h = c->v[C_LIST].r.h > 0 ? (size_t)c->v[C_LIST].r.h : 1;
	size_t old = c->cur, n = c->nrows;
	long step = count > 0 ? count : 1;
	switch (req) {
	case REQ_MOVE_DOWN: scroll_move(&c->cur, &c->top, n, h, step); break;
	case REQ_MOVE_UP: scroll_move(&c->cur, &c->top, n, h, -step); break;
	case REQ_PAGE_DOWN: scroll_move(&c->cur, &c->top, n, h, (long)(h > 1 ? h - 1 : 1)); break;
	case REQ_PAGE_UP: scroll_move(&c->cur, &c->top, n, h, -(long)(h > 1 ? h - 1 : 1)); break;
	case REQ_FIRST: c->cur = 0; break;
	case REQ_LAST: c->cur = n ? n - 1 : 0; break;
	case REQ_TOGGLE: c->focus = C_TREE_A; return RD_ALL;
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
	case REQ_SCROLL_HOME:
	case REQ_EXPAND: /* no tree here: h/l and the arrows scroll, as in less */
	case REQ_COLLAPSE:
		c->hscroll = hscroll_step(c->hscroll, req, (COLS - 3) / 2);
		return RD_LIST;
	default: return EV_UNHANDLED;
	}
	if (c->cur != old)
		cmp_open_entry(c);
	return RD_ALL;
}

static unsigned app_request(struct cmpui *c, enum request req, long count)
{
	switch (req) {
	case REQ_NEXT_DIFF: cmp_next_diff(c, 1); return RD_ALL;
	case REQ_PREV_DIFF: cmp_next_diff(c, -1); return RD_ALL;
	case REQ_FINDINGS: cmp_findings_open(c); return RD_ALL;
	case REQ_ACTIONS: cmp_actions_open(c); return RD_ALL;
	case REQ_FINDING_NEXT: cmp_finding_step(c, 1); return RD_ALL;
	case REQ_FINDING_PREV: cmp_finding_step(c, -1); return RD_ALL;
	case REQ_STATS: {
		char t[1024];
		snprintf(t, sizeof(t), " smbcmp statistics  A: %s   B: %s", trace_path(c->d->t[0]),
			 trace_path(c->d->t[1]));
		if (!textview_stats(&c->stats, &c->d->s[0], &c->d->s[1], t))
			ui_msg(&c->m, true, "Out of memory");
		return RD_ALL;
	}
	case REQ_MASK:
		if (!c->user) {
			ui_msg(&c->m, true, "No mask rules in use");
			return RD_STATUS;
		}
		c->masking = !c->masking;
		recompare(c);
		ui_msg(&c->m, false, "Masks %s",
		       c->masking ? "on: volatile fields ignored" : "off: every field compared");
		return RD_ALL;
	case REQ_MASK_FIELD: mask_field(c); return RD_ALL;
	case REQ_LOCKSTEP:
		c->lockstep = !c->lockstep;
		ui_msg(&c->m, false, "Trees scroll %s", c->lockstep ? "together" : "apart");
		return RD_ALL;
	case REQ_FOCUS_NEXT: c->focus = (enum cpane)((c->focus + 1) % C_COUNT); return RD_ALL;
	case REQ_FOCUS_PREV: c->focus = (enum cpane)((c->focus + C_COUNT - 1) % C_COUNT); return RD_ALL;
	case REQ_GROW:
	case REQ_SHRINK: {
		int d = (req == REQ_GROW) == (c->focus == C_LIST) ? 5 : -5;
		if (c->list_weight + d >= 15 && c->list_weight + d <= 85)
			c->list_weight += d;
		return RD_ALL;
	}
	case REQ_HELP:
		help_screen(&c->km, "smbcmp compare", 0x3f,
			    REQ_BIT(REQ_STREAM) | REQ_BIT(REQ_MATCH) | REQ_BIT(REQ_LAYOUT));
		return RD_ALL;
	case REQ_REDRAW: clearok(curscr, TRUE); return RD_ALL;
	case REQ_QUIT: return EV_QUIT;
	case REQ_FIRST:
	case REQ_LAST:
		if (count > 0)
			goto_frame(c, focused_side(c), (uint32_t)count);
		return RD_ALL;
	case REQ_GOTO: {
		uint32_t num;
		if (ask_frame(focused_side(c) ? "go to frame of B: " : "go to frame of A: ", &num,
			      &c->m) > 0)
			goto_frame(c, focused_side(c), num);
		return RD_ALL;
	}
	case REQ_SEARCH:
		if (ask_search(c->search, sizeof(c->search)))
			search_step(c, 1);
		return RD_ALL;
	case REQ_FIND_NEXT: search_step(c, 1); return RD_ALL;
	case REQ_FIND_PREV: search_step(c, -1); return RD_ALL;
	case REQ_FILTER: filter_prompt(c); return RD_ALL;
	case REQ_NEXT_CHANGE: change_step(c, 1, count); return RD_ALL;
	case REQ_PREV_CHANGE: change_step(c, -1, count); return RD_ALL;
	/* What only the one-trace browser does, said in words that fit 80
	 * columns (help_screen leaves them out here). */
	case REQ_STREAM:
		ui_msg(&c->m, false, "Rows pair operations of two traces: no one connection to follow");
		return RD_STATUS;
	case REQ_MATCH:
		ui_msg(&c->m, false, "Each row already holds a request and its response");
		return RD_STATUS;
	case REQ_LAYOUT:
		ui_msg(&c->m, false, "One layout when comparing: + and - resize the list");
		return RD_STATUS;
	default:
		return RD_NONE;
	}
}

static unsigned dispatch(struct cmpui *c, enum request req, long count)
{
	unsigned r = EV_UNHANDLED;
	bool counted = (req == REQ_FIRST || req == REQ_LAST) && count > 0;
	if (c->stats.shown) {
		r = textview_request(&c->stats, req, count);
	} else if (cmp_findings_shown(c)) {
		r = cmp_findings_request(c, req, count);
	} else if (cmp_actions_shown(c)) {
		r = cmp_actions_request(c, req, count);
	} else if (counted) {
		/* go to frame N: app_request */
	} else if (c->focus == C_LIST) {
		r = list_request(c, req, count);
	} else {
		int side = c->focus - C_TREE_A;
		long times = count > 0 && (req == REQ_MOVE_DOWN || req == REQ_MOVE_UP) ? count : 1;
		r = 0;
		for (long i = 0; i < times; i++)
			r |= c->v[c->focus].ops->request(&c->v[c->focus], req);
		/* The expansion state is shared: the other tree follows it
		 * (collapse-all too) even when it scrolls apart. */
		if (!(r & EV_UNHANDLED))
			ftree_reflow(&c->ft[!side]);
		if (!(r & EV_UNHANDLED) && c->lockstep) {
			follow_other(c, side);
			c->ft[!side].hscroll = c->ft[side].hscroll;
		}
	}
	if (r & EV_UNHANDLED)
		r = app_request(c, req, count);
	return r;
}

static void cmpui_free(struct cmpui *c)
{
	for (int s = 0; s < 2; s++)
		ftree_free(&c->ft[s]);
	hmap_free(&c->expanded);
	hmap_free(&c->changed);
	hmap_free(&c->inside);
	arena_free(&c->da);
	arena_free(&c->scratch);
	masks_free(&c->none);
	cmp_findings_free(c);
	cmp_actions_free(c);
	textview_close(&c->stats);
	filter_free(c->flt);
	free(c->rows);
	free(c);
}

/* The comparison's operations for the main loop (ui_loop_run). */
static void loop_draw(void *ctx)
{
	draw(ctx);
}

static bool loop_busy(void *ctx)
{
	return cmp_busy(ctx);
}

static void loop_key(void *ctx)
{
	struct cmpui *c = ctx;
	c->follow_div = false; /* the user leads now */
	c->follow = SIZE_MAX;
}

static enum request loop_escape(void *ctx)
{
	struct cmpui *c = ctx;
	/* back from the findings, the actions or the statistics */
	return cmp_findings_shown(c) || cmp_actions_shown(c) || c->stats.shown ? REQ_QUIT
										  : REQ_NONE;
}

static unsigned loop_dispatch(void *ctx, enum request req, long count)
{
	return dispatch(ctx, req, count);
}

int ui_compare(struct diff *d, struct ui_opts *o)
{
	struct cmpui *c = calloc(1, sizeof(*c));
	size_t *rows = malloc((d->n ? d->n : 1) * sizeof(*rows));
	if (!c || !rows) {
		free(c);
		free(rows);
		snprintf(o->err, sizeof(o->err), "out of memory");
		return -1;
	}
	c->d = d;
	c->o = o;
	c->rows = rows;
	c->opened = c->follow = SIZE_MAX;
	/* Tests see the comparison in progress with SMBCMP_UI_SLICE=N/MS: N
	 * entries per slice, a slice every MS milliseconds at most. */
	const char *slice = getenv("SMBCMP_UI_SLICE");
	if (slice) {
		char *end;
		c->slice = strtoul(slice, &end, 10);
		c->slice_gap = *end == '/' ? (unsigned)strtoul(end + 1, NULL, 10) : 0;
	}
	c->user = d->o.masks;
	c->masking = c->user != NULL;
	c->cli_filter = d->o.filter;
	if (d->o.filter)
		snprintf(c->filter_text, sizeof(c->filter_text), "%s", filter_text(d->o.filter));
	masks_init(&c->none);
	c->lockstep = true;
	c->list_weight = 50;
	hmap_init(&c->expanded);
	hmap_init(&c->changed);
	hmap_init(&c->inside);
	arena_init(&c->da);
	arena_init(&c->scratch);
	static const char *const open[] = { "request", "response", "request/smb2", "request/smb",
					    "response/smb2", "response/smb" };
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		ftree_expand_path(&c->expanded, open[i]);
	for (int s = 0; s < 2; s++) {
		ftree_init(&c->ft[s], &c->expanded);
		c->ft[s].mark = mark_node;
		c->ft[s].mark_ctx = c;
		c->v[C_TREE_A + s] = (struct view){ &ftree_ops, &c->ft[s], { 0, 0, 0, 0 } };
	}
	keymap_init(&c->km);
	char err[256];
	if (keymap_load(&c->km, o->config, err, sizeof(err)))
		ui_msg(&c->m, true, "%s", err);
	if (term_start(o->no_color, o->err, sizeof(o->err))) {
		cmpui_free(c);
		return -1;
	}
	cmp_rebuild_rows(c);
	c->follow_div = true;
	c->done_msg = DONE_COUNTS;
	cmp_open_entry(c);
	if (o->actions) /* across dialects (--by auto) or --by actions */
		cmp_actions_open(c);
	cmp_work(c); /* the first slice, or the end message when all is done */
	struct ui_loop loop = {
		.ctx = c, .km = &c->km, .m = &c->m, .count = &c->count,
		.draw = loop_draw, .busy = loop_busy, .work = cmp_work, .on_key = loop_key,
		.escape = loop_escape, .dispatch = loop_dispatch,
	};
	ui_loop_run(&loop);
	term_stop();
	/* Leave the model as it came, the command line's masks and filter
	 * (the exit status and --junit read it); the caller finishes the
	 * comparison if it needs it. */
	if (d->o.filter != c->cli_filter || d->o.masks != c->user) {
		d->o.filter = c->cli_filter;
		d->o.masks = c->user;
		diff_restart(d);
	}
	cmpui_free(c);
	return 0;
}
