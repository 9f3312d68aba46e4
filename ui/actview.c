/*
 * actview.c - the comparison by action (src/diff/actdiff.h) in the UI.
 *
 * The view (A, the whole screen, q or Esc back to the operations): one
 * line per action pair, as `--text --by actions` prints them (mark,
 * index, title, A's and B's frames); below, the selected pair's
 * differences in words and the operations of both sides with their
 * frames. Enter goes to the comparison of operations on the entry of the
 * focused side's first operation (Tab switches the side), where the trees
 * of that operation are shown; A comes back. The view opens by itself when
 * the traces speak different dialect families (what `--by auto` compares
 * by action), or with --by actions. The actions are built once, the first
 * time the view opens (they do not depend on masks or filters).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "uipriv.h"

#include "actdiff.h"
#include "cmpui.h"

#define NONE UINT32_MAX
#define MAX_WORDS 16

struct cmpact {
	struct actdiff ad;
	bool built;
	bool shown;
	size_t *rows;     /* entries listed (unreached runs: their first) */
	size_t n, cur, top;
	size_t h;
	int hscroll;
	int side;         /* Enter goes to this side's operation */
	struct arena a;   /* per draw */
};

static const char mark[] = { ' ', '~', '!', '-', '+', '>', ' ' };

static struct cmpact *ca_get(struct cmpui *c)
{
	if (!c->act) {
		c->act = calloc(1, sizeof(*c->act));
		if (!c->act) {
			fputs("smbcmp: out of memory\n", stderr);
			abort();
		}
		arena_init(&c->act->a);
	}
	return c->act;
}

bool cmp_actions_shown(const struct cmpui *c)
{
	return c->act && c->act->shown;
}

void cmp_actions_free(struct cmpui *c)
{
	if (!c->act)
		return;
	if (c->act->built)
		actdiff_free(&c->act->ad);
	free(c->act->rows);
	arena_free(&c->act->a);
	free(c->act);
	c->act = NULL;
}

void cmp_actions_open(struct cmpui *c)
{
	struct cmpact *ca = ca_get(c);
	if (!ca->built) {
		actdiff_run(&ca->ad, &c->d->s[0], &c->d->s[1]);
		ca->built = true;
		ca->rows = malloc((ca->ad.n ? ca->ad.n : 1) * sizeof(*ca->rows));
		if (!ca->rows) {
			fputs("smbcmp: out of memory\n", stderr);
			abort();
		}
		for (size_t i = 0; i < ca->ad.n; i++)
			if ((ca->ad.e[i].status != AS_UNREACHED || ca->ad.e[i].unreached) &&
			    ca->ad.e[i].status != AS_FILTERED)
				ca->rows[ca->n++] = i;
		/* start on the first divergence */
		for (size_t r = 0; r < ca->n; r++)
			if (ca->rows[r] == ca->ad.first_div) {
				ca->cur = r;
				break;
			}
	}
	ca->shown = true;
}

/* The frames of action k of side s, "25,26,...". */
static const char *frames(const struct actdiff *d, int s, uint32_t k, struct arena *a)
{
	if (k == NONE)
		return "";
	const struct action *x = &d->as[s].a[k];
	const char *out = "";
	int nf = 0;
	for (uint32_t j = 0; j < x->nops; j++) {
		const struct op *o = &d->s[s]->ops[d->as[s].opidx[x->ops + j]];
		uint32_t fr[3] = { o->req_frame, o->interim_frame, o->rsp_frame };
		for (int q = 0; q < 3; q++) {
			if (fr[q] == OP_NONE)
				continue;
			if (nf++ == 8)
				return arena_printf(a, "%s,...", out);
			out = arena_printf(a, "%s%s%u", out, *out ? "," : "",
					   (unsigned)ops_frame_num(d->s[s], fr[q]));
		}
	}
	return out;
}

static const char *row_text(struct cmpact *ca, size_t i)
{
	const struct actdiff *d = &ca->ad;
	const struct aentry *e = &d->e[i];
	int s = e->act[0] == NONE;
	const struct action *x = &d->as[s].a[e->act[s]];
	if (e->status == AS_UNREACHED)
		return arena_printf(&ca->a, "#%-4zu %c does %u more actions %c never reaches", i,
				    s ? 'B' : 'A', (unsigned)e->unreached, s ? 'A' : 'B');
	return arena_printf(&ca->a, "#%-4zu %-56s A %-14s B %s", i, actdiff_title(&ca->a, x),
			    frames(d, 0, e->act[0], &ca->a), frames(d, 1, e->act[1], &ca->a));
}

static enum line_type row_line(const struct aentry *e)
{
	switch (e->status) {
	case AS_EQUAL: return LINE_DEFAULT;
	case AS_SIMILAR: return LINE_DIFF_SIMILAR;
	case AS_ONLY_A: return LINE_DIFF_ONLY_A;
	case AS_ONLY_B: return LINE_DIFF_ONLY_B;
	default: return LINE_DIFF_CHANGED;
	}
}

static void draw_detail(struct cmpui *c, struct rect r)
{
	struct cmpact *ca = c->act;
	for (int y = 0; y < r.h; y++)
		put_text(r.y + y, r.x, r.w, "", line_attr(LINE_DEFAULT), true);
	if (!ca->n || r.h < 2)
		return;
	put_text(r.y, r.x, r.w, " Differences and operations", line_attr(LINE_HEADER), true);
	size_t i = ca->rows[ca->cur];
	const struct actdiff *d = &ca->ad;
	const struct aentry *e = &d->e[i];
	int y = r.y + 1;
	const char *w[MAX_WORDS];
	size_t nw = actdiff_words(d, i, &ca->a, w, MAX_WORDS);
	const char *note = actdiff_note(d, i);
	if (note && y < r.y + r.h)
		put_text(y++, r.x + 1, r.w - 1, note, line_attr(LINE_DEFAULT), true);
	for (size_t k = 0; k < nw && y < r.y + r.h; k++)
		put_text(y++, r.x + 1, r.w - 1, w[k], line_attr(LINE_DIFF_CHANGED), true);
	for (int s = 0; s < 2 && y < r.y + r.h; s++) {
		if (e->act[s] == NONE) {
			put_text(y++, r.x + 1, r.w - 1, arena_printf(&ca->a, "%c: (none)", s ? 'B' : 'A'),
				 line_attr(LINE_DEFAULT), true);
			continue;
		}
		const struct action *x = &d->as[s].a[e->act[s]];
		const char *ops = "";
		for (uint32_t j = 0; j < x->nops; j++) {
			const struct op *o = &d->s[s]->ops[d->as[s].opidx[x->ops + j]];
			ops = arena_printf(&ca->a, "%s%s%s %u", ops, *ops ? "; " : "", op_cmd_name(o),
					   (unsigned)ops_frame_num(d->s[s], o->req_frame));
		}
		char st[96];
		put_text(y++, r.x + 1, r.w - 1,
			 arena_printf(&ca->a, "%c%s %s: %s", s ? 'B' : 'A', ca->side == s ? "*" : " ",
				      act_status_name(x->status, st, sizeof(st)), ops),
			 line_attr(LINE_DEFAULT), true);
	}
}

void cmp_actions_draw(struct cmpui *c)
{
	struct cmpact *ca = c->act;
	arena_reset(&ca->a);
	const struct actdiff_counts *k = &ca->ad.counts;
	char t[1200];
	snprintf(t, sizeof(t), " smbcmp actions  A: %s (%s)   B: %s (%s)", trace_path(c->d->t[0]),
		 ca->ad.dialect[0], trace_path(c->d->t[1]), ca->ad.dialect[1]);
	put_text(0, 0, COLS, t, line_attr(LINE_TITLE), true);
	put_text(0, COLS - 7, 7, "? help ", line_attr(LINE_TITLE), true);
	int avail = LINES - 3;
	int dh = avail / 3 < 8 ? avail / 3 : 8;
	int lh = avail - dh;
	ca->h = lh > 0 ? (size_t)lh : 1;
	snprintf(t, sizeof(t), " %zu actions: %zu equal, %zu similar, %zu changed, %zu only in A, "
			       "%zu only in B, %zu never reached", k->compared, k->equal, k->similar,
		 k->changed, k->only_a, k->only_b, k->unreached);
	put_text(1, 0, COLS, t, line_attr(LINE_HEADER), true);
	scroll_fix(ca->cur, &ca->top, ca->n, ca->h);
	int maxw = 0;
	for (int y = 0; y < lh && ca->top + (size_t)y < ca->n; y++) {
		int w = text_width(row_text(ca, ca->rows[ca->top + (size_t)y]));
		maxw = w > maxw ? w : maxw;
	}
	ca->hscroll = hscroll_clamp(ca->hscroll, maxw, COLS - 2);
	for (int y = 0; y < lh; y++) {
		size_t r = ca->top + (size_t)y;
		if (r >= ca->n) {
			put_text(2 + y, 0, COLS, "", A_NORMAL, true);
			continue;
		}
		const struct aentry *e = &ca->ad.e[ca->rows[r]];
		attr_t a = line_attr(r == ca->cur ? LINE_CURSOR : row_line(e));
		char m[3] = { mark[e->status], ' ', 0 };
		put_text(2 + y, 0, 2, m, a, true);
		put_text_at(2 + y, 2, COLS - 2, row_text(ca, ca->rows[r]), ca->hscroll, a, true);
	}
	draw_detail(c, (struct rect){ 2 + lh, 0, dh, COLS });
	if (c->m.text[0]) {
		ui_msg_draw(&c->m);
		return;
	}
	char right[32];
	snprintf(right, sizeof(right), " %zu/%zu ", ca->n ? ca->cur + 1 : 0, ca->n);
	int rw = text_width(right);
	put_text(LINES - 1, 0, COLS - rw,
		 ca->side ? "Enter: B's operation (Tab: A's)   ]/[: next/previous difference   q, Esc: operations"
			  : "Enter: A's operation (Tab: B's)   ]/[: next/previous difference   q, Esc: operations",
		 line_attr(LINE_STATUS), true);
	put_text(LINES - 1, COLS - rw, rw, right, line_attr(LINE_STATUS) | A_BOLD, true);
}

/* Back to the comparison of operations on the entry holding op of side. */
static void go_to(struct cmpui *c, int side, uint32_t op)
{
	size_t e = SIZE_MAX;
	for (size_t i = 0; i < c->d->n && e == SIZE_MAX; i++)
		if (c->d->e[i].op[side] == op)
			e = i;
	size_t lo = 0, hi = c->nrows;
	while (lo < hi) { /* rows ascend */
		size_t mid = lo + (hi - lo) / 2;
		if (c->rows[mid] < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (e == SIZE_MAX || lo >= c->nrows || c->rows[lo] != e) {
		ui_msg(&c->m, true, "That operation is not shown (the filter hides it)");
		return;
	}
	c->act->shown = false;
	c->focus = side ? C_TREE_B : C_TREE_A;
	cmp_select_row(c, lo);
	c->top = lo > 3 ? lo - 3 : 0;
	ui_msg(&c->m, false, "Operation #%zu (%c's side of the action; A: back to the actions)", e,
	       side ? 'B' : 'A');
}

static void enter(struct cmpui *c)
{
	struct cmpact *ca = c->act;
	if (!ca->n)
		return;
	const struct aentry *e = &ca->ad.e[ca->rows[ca->cur]];
	int s = ca->side;
	if (e->act[s] == NONE)
		s = !s;
	const struct action *x = &ca->ad.as[s].a[e->act[s]];
	go_to(c, s, ca->ad.as[s].opidx[x->ops]);
}

static void next_diff(struct cmpact *ca, int dir)
{
	for (size_t r = ca->cur; dir > 0 ? r + 1 < ca->n : r > 0;) {
		r = dir > 0 ? r + 1 : r - 1;
		if (ca->ad.e[ca->rows[r]].status != AS_EQUAL) {
			ca->cur = r;
			return;
		}
	}
}

unsigned cmp_actions_request(struct cmpui *c, enum request req, long count)
{
	struct cmpact *ca = c->act;
	size_t step = count > 0 ? (size_t)count : 1;
	size_t page = ca->h > 1 ? ca->h - 1 : 1;
	switch (req) {
	case REQ_MOVE_DOWN:
		ca->cur = ca->cur + step < ca->n ? ca->cur + step : (ca->n ? ca->n - 1 : 0);
		break;
	case REQ_MOVE_UP: ca->cur = ca->cur > step ? ca->cur - step : 0; break;
	case REQ_PAGE_DOWN:
		ca->cur = ca->cur + page < ca->n ? ca->cur + page : (ca->n ? ca->n - 1 : 0);
		break;
	case REQ_PAGE_UP: ca->cur = ca->cur > page ? ca->cur - page : 0; break;
	case REQ_FIRST: ca->cur = 0; break;
	case REQ_LAST: ca->cur = ca->n ? ca->n - 1 : 0; break;
	case REQ_NEXT_DIFF: next_diff(ca, 1); break;
	case REQ_PREV_DIFF: next_diff(ca, -1); break;
	case REQ_FOCUS_NEXT:
	case REQ_FOCUS_PREV: ca->side = !ca->side; break;
	case REQ_TOGGLE: enter(c); break;
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
	case REQ_SCROLL_HOME:
	case REQ_EXPAND:
	case REQ_COLLAPSE: ca->hscroll = hscroll_step(ca->hscroll, req, COLS - 2); break;
	case REQ_QUIT:
	case REQ_ACTIONS: ca->shown = false; break;
	case REQ_HELP:
	case REQ_REDRAW: return EV_UNHANDLED;
	default:
		ui_msg(&c->m, true, "Not in the actions: q or Esc goes back to the operations");
		return RD_STATUS;
	}
	return RD_ALL;
}
