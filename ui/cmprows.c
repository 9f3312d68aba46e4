/*
 * cmprows.c - the rows of the comparison view and the comparison behind
 * them, done between key presses.
 *
 * The view opens as soon as the traces are aligned (diff_align): every
 * entry has a row, and the entries are compared in order (diff_compare;
 * ids bind on first sight, so never out of order) in slices of about
 * 30 ms while no key waits (term_key_work). Until compared, a row is drawn
 * plainly with a pending mark, and the status line shows the progress
 * with the counts so far. What needs an entry's result waits for it:
 *  - the trees of the selected entry (diff_detail needs every earlier
 *    entry compared) say "comparing..." and appear when the background
 *    comparison reaches it; the keys keep working meanwhile;
 *  - ] and [ compare forward until they find a difference, the status line
 *    saying so after a moment; any key stops them;
 *  - with a display filter, rows are the entries the filter keeps, so they
 *    appear as entries get compared (the rows only ever grow at the end:
 *    comparison goes in entry order).
 * Once every entry is compared, one more slice computes the findings
 * (findview.c): rows whose only differences are systematic ones are then
 * marked similar (~) apart from changed ones, and counted apart.
 * Until the user presses a key, the cursor goes to the first difference
 * once it is found (as when the whole comparison came first), and after a
 * filter or mask change it goes back to the entry it was on as soon as that
 * entry (or the next one kept) has a row again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "uipriv.h"

#include "cmpui.h"
#include "findings.h"

#define SLICE_MS 30
#define SLICE_STEP 16     /* entries between two looks at the clock */
#define BUSY_NOTICE_MS 200 /* a blocking search says so after this */

/* A row's state for drawing: its status, or DS_PENDING (a one-sided entry
 * not compared yet is pending too: the filter may leave it out). */
static int row_state(const struct cmpui *c, size_t e)
{
	return diff_pending(c->d, e) ? DS_PENDING : cmp_entry_status(c, e);
}

/* First row whose entry is >= e (rows ascend), nrows when none. */
static size_t row_at_or_after(const struct cmpui *c, size_t e)
{
	size_t lo = 0, hi = c->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->rows[mid] < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Moves the cursor where c->follow_div / c->follow want it. True when it
 * moved. */
static bool follow_cursor(struct cmpui *c)
{
	const struct diff *d = c->d;
	size_t old = c->cur;
	if (c->follow_div && d->first_div != SIZE_MAX) {
		size_t r = row_at_or_after(c, d->first_div);
		if (r < c->nrows)
			c->cur = r;
		c->follow_div = false;
		c->follow = SIZE_MAX;
	} else if (c->follow != SIZE_MAX) {
		size_t r = row_at_or_after(c, c->follow);
		if (r < c->nrows) {
			c->cur = r;
			c->follow = SIZE_MAX;
		} else if (c->nrows) {
			c->cur = c->nrows - 1;
		}
		if (c->cur != old)
			c->top = c->cur > 3 ? c->cur - 3 : 0;
		if (d->ncompared == d->n)
			c->follow = SIZE_MAX;
	}
	return c->cur != old;
}

/* Rows for the entries compared since the last call (with a filter), or
 * for all entries (without one: none gets filtered). */
static void sync_rows(struct cmpui *c)
{
	const struct diff *d = c->d;
	size_t to = d->o.filter ? d->ncompared : d->n;
	for (; c->rows_to < to; c->rows_to++)
		if (d->e[c->rows_to].status != DS_FILTERED)
			c->rows[c->nrows++] = c->rows_to;
}

void cmp_rebuild_rows(struct cmpui *c)
{
	size_t sel = cmp_cur_entry(c);
	c->nrows = c->rows_to = 0;
	c->cur = c->top = 0;
	sync_rows(c);
	if (sel != SIZE_MAX) {
		c->follow = sel;
		follow_cursor(c);
	}
}

/* After entries were compared: new rows, the cursor, the trees of the
 * selected entry once compared (cmp_work gives the message when all is
 * done and the findings are known). */
static void after_compare(struct cmpui *c)
{
	const struct diff *d = c->d;
	sync_rows(c);
	bool moved = follow_cursor(c);
	size_t e = cmp_cur_entry(c);
	if (moved || (e != c->opened && e != SIZE_MAX && !diff_pending(d, e)))
		cmp_open_entry(c);
}

bool cmp_busy(const struct cmpui *c)
{
	return c->d->ncompared < c->d->n || !cmp_findings_known(c);
}

void cmp_done_message(struct cmpui *c)
{
	const struct diff *d = c->d;
	if (d->ncompared < d->n)
		return;
	enum done_msg dm = c->done_msg;
	c->done_msg = DONE_NONE;
	if (c->m.text[0]) /* a message of the user's last key stays */
		return;
	if (cmp_actions_shown(c)) /* its header has the actions' counts */
		return;
	const struct fcounts *fc = cmp_fcounts(c);
	if (dm == DONE_COUNTS && fc)
		ui_msg(&c->m, false,
		       "%zu operations: changed %zu, similar %zu, only A %zu, only B %zu "
		       "(] next difference, F findings, ? help)",
		       d->n, fc->changed, fc->similar, fc->only_a, fc->only_b);
	else if (dm == DONE_COUNTS)
		ui_msg(&c->m, false,
		       "%zu operations: changed %zu, only A %zu, only B %zu (] next difference, ? help)",
		       d->n, d->counts.changed, d->counts.only_a, d->counts.only_b);
	else if (dm == DONE_FILTER && c->nrows)
		ui_msg(&c->m, false, "%zu operation%s match%s (either side)", c->nrows,
		       c->nrows == 1 ? "" : "s", c->nrows == 1 ? "es" : "");
	else if (dm == DONE_FILTER)
		ui_msg(&c->m, true, "No operation matches");
}

/* Compares entries for about ms milliseconds, or c->slice entries. */
static void compare_for(struct cmpui *c, uint64_t ms)
{
	struct diff *d = c->d;
	if (c->slice) {
		diff_compare(d, d->n, c->slice);
	} else {
		uint64_t t0 = ui_now_ms();
		while (diff_compare(d, d->n, SLICE_STEP) < d->n && ui_now_ms() - t0 < ms)
			;
	}
	after_compare(c);
}

void cmp_work(void *ctx)
{
	struct cmpui *c = ctx;
	if (c->slice_gap) { /* slowed down for tests: waits up to 20 ms */
		uint64_t now = ui_now_ms(), next = c->last_slice + c->slice_gap;
		if (now < next) {
			napms((int)(next - now < 20 ? next - now : 20));
			return;
		}
		c->last_slice = now;
	}
	/* The findings come in a slice of their own, after the last entry:
	 * the end message waits for them (it counts similar apart). */
	if (c->d->ncompared < c->d->n)
		compare_for(c, SLICE_MS);
	else if (cmp_findings_work(c))
		cmp_done_message(c);
}

static unsigned percent(const struct diff *d)
{
	return d->n ? (unsigned)(d->ncompared * 100 / d->n) : 100;
}

/*
 * One slice for a request that waits for the comparison (] [). After
 * BUSY_NOTICE_MS the status line says what is going on. False when a key
 * is pressed: the request gives up and the key is handled next.
 */
static bool compare_wait(struct cmpui *c, uint64_t t0, const char *what)
{
	compare_for(c, SLICE_MS);
	if (ui_now_ms() - t0 >= BUSY_NOTICE_MS) {
		put_fmt(LINES - 1, 0, COLS, line_attr(LINE_STATUS), true,
			"%s: comparing %u%%... (any key stops)", what, percent(c->d));
		refresh();
	}
	timeout(0);
	int k = getch();
	timeout(-1);
	if (k == ERR)
		return true;
	ungetch(k);
	ui_msg(&c->m, false, "Stopped looking at %u%% compared", percent(c->d));
	return false;
}

bool cmp_compare_upto(struct cmpui *c, size_t e, const char *what)
{
	uint64_t t0 = ui_now_ms();
	while (e != SIZE_MAX && diff_pending(c->d, e))
		if (!compare_wait(c, t0, what))
			return false;
	return true;
}

void cmp_next_diff(struct cmpui *c, int dir)
{
	const struct diff *d = c->d;
	uint64_t t0 = ui_now_ms();
	const char *what = dir > 0 ? "Next difference" : "Previous difference";
	if (dir < 0) {
		/* Every entry above a compared one is compared. */
		if (!cmp_compare_upto(c, cmp_cur_entry(c), what))
			return;
		for (size_t r = c->cur; r-- > 0 && r < c->nrows;)
			if (fstatus_differs(d->e[c->rows[r]].status, true)) {
				cmp_select_row(c, r);
				return;
			}
		ui_msg(&c->m, false, "No difference above");
		return;
	}
	size_t r = c->nrows ? c->cur + 1 : 0;
	for (;;) {
		for (; r < c->nrows && !diff_pending(d, c->rows[r]); r++)
			if (fstatus_differs(d->e[c->rows[r]].status, true)) {
				cmp_select_row(c, r);
				return;
			}
		/* Without a filter every entry has its row already. */
		if (d->ncompared == d->n || (!d->o.filter && r >= c->nrows))
			break;
		if (!compare_wait(c, t0, what))
			return;
	}
	ui_msg(&c->m, false, "No difference below");
}

/* ---- drawing ---- */

static const char *status_name(uint32_t st, char *buf, size_t n)
{
	const char *s = val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), st);
	if (s)
		return s;
	snprintf(buf, n, "0x%08x", st);
	return buf;
}

void cmp_side_text(const struct cmpui *c, size_t i, int side, char *out, size_t n)
{
	const struct op *op = cmp_entry_op(c, i, side);
	if (!op) {
		out[0] = '\0';
		return;
	}
	const struct opset *s = &c->d->s[side];
	uint32_t fr = op->req_frame != OP_NONE ? op->req_frame : op->rsp_frame;
	char sb[16];
	snprintf(out, n, "%5u %s%s%s%s%s", ops_frame_num(s, fr), op_cmd_name(op),
		 op->key->path ? " " : "", op->key->path ? op->key->path : "", op->status ? " → " : "",
		 op->status ? status_name(op->status, sb, sizeof(sb)) : "");
}

static enum line_type row_type(int st)
{
	switch (st) {
	case DS_CHANGED: return LINE_DIFF_CHANGED;
	case DS_ONLY_A: return LINE_DIFF_ONLY_A;
	case DS_ONLY_B: return LINE_DIFF_ONLY_B;
	case DS_FILTERED: return LINE_DIFF_FILTERED;
	case FS_SIMILAR: return LINE_DIFF_SIMILAR;
	default: return LINE_DEFAULT; /* equal, pending */
	}
}

static const char *row_mark(int st)
{
	switch (st) {
	case DS_CHANGED: return "≠";
	case DS_ONLY_A: return "<";
	case DS_ONLY_B: return ">";
	case DS_FILTERED: return "·";
	case FS_SIMILAR: return "~";
	case DS_PENDING: return "…";
	default: return " ";
	}
}

static const char *empty_text(const struct cmpui *c)
{
	if (!c->d->n)
		return "No operation to compare";
	if (c->d->o.filter && c->d->ncompared < c->d->n)
		return "No operation matches the filter yet (comparing)";
	return c->flt ? "No operation matches the filter (f to change it)" : "No operation shown";
}

void cmp_draw_rows(struct cmpui *c, struct rect r, bool focused)
{
	c->v[C_LIST].r = r;
	scroll_fix(c->cur, &c->top, c->nrows, (size_t)(r.h > 0 ? r.h : 1));
	int half = (r.w - 3) / 2;
	char (*text)[2][512] = malloc((size_t)(r.h > 0 ? r.h : 1) * sizeof(*text));
	if (!text)
		return;
	int maxw = 0;
	for (int y = 0; y < r.h && c->top + (size_t)y < c->nrows; y++)
		for (int s = 0; s < 2; s++) {
			cmp_side_text(c, c->rows[c->top + (size_t)y], s, text[y][s],
				      sizeof(text[y][s]));
			int tw = text_width(text[y][s]);
			maxw = tw > maxw ? tw : maxw;
		}
	c->hscroll = hscroll_clamp(c->hscroll, maxw, half);
	for (int y = 0; y < r.h; y++) {
		size_t k = c->top + (size_t)y;
		if (k >= c->nrows) {
			put_text(r.y + y, r.x, r.w, k == 0 && y == 0 ? empty_text(c) : "",
				 A_NORMAL, true);
			continue;
		}
		int st = row_state(c, c->rows[k]);
		attr_t a = line_attr(row_type(st));
		if (k == c->cur)
			a = line_attr(focused ? LINE_CURSOR : LINE_CURSOR_IDLE) |
			    (fstatus_differs(st, true) ? A_BOLD : 0);
		int x = r.x;
		x += put_text(r.y + y, x, 2, row_mark(st), a, true);
		x += put_text_at(r.y + y, x, half, text[y][0], c->hscroll, a, true);
		x += put_text(r.y + y, x, 1, "│", a, true);
		put_text_at(r.y + y, x, r.x + r.w - x, text[y][1], c->hscroll, a, true);
	}
	free(text);
}

void cmp_draw_status(struct cmpui *c)
{
	int y = LINES - 1;
	if (c->m.text[0]) {
		ui_msg_draw(&c->m);
		return;
	}
	const struct diff_counts *n = &c->d->counts;
	char left[512], right[64], field[512] = "", progress[32] = "";
	if (c->focus != C_LIST) {
		const struct node *sel = ftree_node(&c->ft[c->focus - C_TREE_A]);
		field_filter_text(sel, field, sizeof(field));
	}
	if (c->d->ncompared < c->d->n)
		snprintf(progress, sizeof(progress), "comparing %u%%  ", percent(c->d));
	const struct fcounts *fc = cmp_fcounts(c);
	if (field[0])
		snprintf(left, sizeof(left), "%s", field);
	else if (fc)
		snprintf(left, sizeof(left),
			 "changed %zu  similar %zu  only A %zu  only B %zu  equal %zu%s  masks %s (%zu rules)",
			 fc->changed, fc->similar, fc->only_a, fc->only_b, fc->equal,
			 n->filtered ? "  filtered" : "", c->masking ? "on" : "off",
			 c->masking && c->d->o.masks ? c->d->o.masks->n : 0);
	else
		snprintf(left, sizeof(left),
			 "%schanged %zu  only A %zu  only B %zu  equal %zu%s  masks %s (%zu rules)",
			 progress, n->changed, n->only_a, n->only_b, n->equal,
			 n->filtered ? "  filtered" : "", c->masking ? "on" : "off",
			 c->masking && c->d->o.masks ? c->d->o.masks->n : 0);
	if (c->count)
		snprintf(right, sizeof(right), " count %ld ", c->count);
	else
		snprintf(right, sizeof(right), " %zu/%zu%s ", c->nrows ? c->cur + 1 : 0, c->nrows,
			 c->lockstep ? "" : " apart");
	int rw = text_width(right);
	put_text(y, 0, COLS - rw, left, line_attr(LINE_STATUS), true);
	put_text(y, COLS - rw, rw, right, line_attr(LINE_STATUS) | A_BOLD, true);
}
