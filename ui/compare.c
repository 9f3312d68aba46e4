/*
 * compare.c - two traces side by side.
 *
 * Top: the aligned operations of the diff model (src/diff.h), one row per
 * entry, A on the left and B on the right, a gap where one side has no
 * counterpart; equal rows plain, changed rows highlighted, one-side rows
 * marked. Bottom: the field trees of the selected pair (request and
 * response under one root per side), changed fields highlighted, masked
 * (ignored) fields dimmed.
 *
 * The model is read-only except for masking: toggling masks (m) or
 * masking the field under the cursor (a) rebuilds the diff through its
 * public API (diff_free, diff_init, diff_run) with the new rules. Only the
 * selected entry is dissected (diff_detail for the changed fields, then
 * ops_trees for the two trees to show).
 *
 * Changed fields are matched by their path as diff_detail spells it
 * ("request/smb2/SMB2 Header/smb2.nt_status", "[k]" after an identity
 * repeated among siblings); a field's identity is its name, or a text
 * item's label up to ':'.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "uipriv.h"

#ifndef UI_HAVE_DIFF

int ui_compare(struct diff *d, struct ui_opts *o)
{
	(void)d;
	snprintf(o->err, sizeof(o->err), "the comparison UI needs src/diff.c");
	return -1;
}

#else

#include "../src/diff.h"

enum cpane { C_LIST, C_TREE_A, C_TREE_B, C_COUNT };

struct cmpui {
	struct diff *d;
	struct ui_opts *o;
	struct keymap km;
	struct hmap expanded;
	struct ftree ft[2];
	struct view v[C_COUNT];
	struct arena da;         /* detail of the selected entry */
	struct ddetail det;
	struct hmap changed;     /* path hashes of changed fields */
	struct hmap inside;      /* path hashes of their ancestors */
	size_t cur, top;         /* selected entry */
	enum cpane focus;
	int list_weight;         /* percent of the height for the list */
	bool lockstep;
	bool masking;            /* the user's masks apply */
	struct masks *user;      /* the user's rules (d->o.masks at start) */
	struct masks none;       /* no rules: everything compared */
	char msg[512];
	bool msg_err;
	long count;
};

static void cmsg(struct cmpui *c, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cmsg(struct cmpui *c, bool err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->msg_err = err;
}

/* ---- paths of nodes, as diff_detail writes them ---- */

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	h ^= 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static size_t ident_len(const struct node *n, const char **s)
{
	if (n->name) {
		*s = n->name;
		return strlen(n->name);
	}
	*s = n->label ? n->label : "";
	const char *colon = strchr(*s, ':');
	return colon ? (size_t)(colon - *s) : strlen(*s);
}

static bool same_ident(const struct node *x, const struct node *y)
{
	const char *a, *b;
	size_t la = ident_len(x, &a), lb = ident_len(y, &b);
	return (x->name != NULL) == (y->name != NULL) && la == lb && !memcmp(a, b, la);
}

/*
 * Writes the path of n into buf: the member (request/response wrapper)
 * name, then one segment per node from the protocol node down. Returns
 * false for nodes outside a member.
 */
static bool node_path(const struct ftree *ft, const struct node *n, char *buf, size_t len)
{
	const struct node *chain[64];
	int k = 0;
	for (const struct node *x = n; x && x != ft->root && k < 64; x = x->parent)
		chain[k++] = x;
	if (!k || k == 64 || chain[k - 1]->parent != ft->root || !chain[k - 1]->name)
		return false;
	size_t o = (size_t)snprintf(buf, len, "%s", chain[k - 1]->name);
	for (int i = k - 2; i >= 0 && o < len; i--) {
		const struct node *x = chain[i];
		unsigned idx = 0, total = 0;
		for (const struct node *s = x->parent->child; s; s = s->next)
			if (same_ident(s, x)) {
				if (s == x)
					idx = total;
				total++;
			}
		const char *id;
		int il = (int)ident_len(x, &id);
		if (total > 1)
			o += (size_t)snprintf(buf + o, len - o, "/%.*s[%u]", il, id, idx);
		else
			o += (size_t)snprintf(buf + o, len - o, "/%.*s", il, id);
	}
	return o < len;
}

static enum line_type mark_node(void *ctx, const struct node *n)
{
	struct cmpui *c = ctx;
	const struct ftree *ft = &c->ft[0];
	for (const struct node *x = n; x; x = x->parent)
		if (x == c->ft[1].root) {
			ft = &c->ft[1];
			break;
		}
	if (n->parent == ft->root && n->name && !strncmp(n->name, "smbcmp.", 7))
		return LINE_FIELD_CHANGED; /* pseudo-field difference */
	if (c->masking && masks_node(c->d->o.masks, n) == MASK_IGNORE)
		return LINE_FIELD_MASKED;
	char path[2048];
	if (!node_path(ft, n, path, sizeof(path)))
		return LINE_DEFAULT;
	uint64_t h = hash_bytes(0, path, strlen(path));
	if (hmap_get(&c->changed, h))
		return LINE_FIELD_CHANGED;
	if (hmap_get(&c->inside, h))
		return LINE_MARK;
	return LINE_DEFAULT;
}

/* ---- the selected entry ---- */

static const struct op *entry_op(const struct cmpui *c, size_t i, int side)
{
	uint32_t k = c->d->e[i].op[side];
	return k == OP_NONE ? NULL : &c->d->s[side].ops[k];
}

static void hang(struct node *parent, struct node *child)
{
	child->parent = parent;
	child->next = NULL;
	if (parent->last)
		parent->last->next = child;
	else
		parent->child = child;
	parent->last = child;
}

static void build_side(struct cmpui *c, int side)
{
	struct ftree *ft = &c->ft[side];
	ftree_clear(ft);
	if (c->cur >= c->d->n)
		return;
	const struct op *op = entry_op(c, c->cur, side);
	struct tctx tc = { .a = &ft->a };
	struct node *root = tree_root(&tc);
	for (size_t i = 0; i < c->det.nf; i++) {
		const struct dfield *f = &c->det.f[i];
		if (strncmp(f->path, "operation/", 10))
			continue;
		const char *v = side ? f->b : f->a;
		struct node *n = tree_add(&tc, root, f->name,
					  arena_printf(&ft->a, "%s: %s", f->name, v ? v : "(none)"),
					  v ? v : "", 0, 0);
		n->flags |= N_GENERATED;
	}
	if (!op) {
		ftree_set(ft, root);
		ft->empty = side ? "(only in A)" : "(only in B)";
		return;
	}
	struct node *req = NULL, *rsp = NULL;
	const char *rq = "", *rs = "";
	ops_trees(&c->d->s[side], op, &ft->a, &req, &rsp, &rq, &rs);
	const struct opset *s = &c->d->s[side];
	if (req) {
		struct node *w = tree_add(&tc, root, "request",
					  arena_printf(&ft->a, "Request, frame %u: %s",
						       ops_frame_num(s, op->req_frame), rq),
					  NULL, 0, 0);
		hang(w, req);
	}
	if (rsp) {
		struct node *w = tree_add(&tc, root, "response",
					  arena_printf(&ft->a, "Response, frame %u: %s",
						       ops_frame_num(s, op->rsp_frame), rs),
					  NULL, 0, 0);
		hang(w, rsp);
	}
	ftree_set(ft, root);
}

static void open_entry(struct cmpui *c)
{
	arena_reset(&c->da);
	hmap_free(&c->changed);
	hmap_free(&c->inside);
	hmap_init(&c->changed);
	hmap_init(&c->inside);
	memset(&c->det, 0, sizeof(c->det));
	if (c->cur < c->d->n) {
		diff_detail(c->d, c->cur, &c->da, &c->det);
		for (size_t i = 0; i < c->det.nf; i++) {
			const char *p = c->det.f[i].path;
			hmap_put(&c->changed, hash_bytes(0, p, strlen(p)), (void *)1);
			for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/'))
				hmap_put(&c->inside, hash_bytes(0, p, (size_t)(s - p)), (void *)1);
		}
	}
	build_side(c, 0);
	build_side(c, 1);
	/* Show and select the first changed field of each side. */
	for (int s = 0; s < 2; s++) {
		struct ftree *ft = &c->ft[s];
		if (!ft->root)
			continue;
		for (struct node *n = ft->root->child; n; n = node_next(n))
			if (mark_node(c, n) == LINE_FIELD_CHANGED) {
				ftree_reveal(ft, n);
				break;
			}
	}
	ftree_reflow(&c->ft[0]); /* the expansion state is shared */
}

/* ---- rows ---- */

static const char *status_name(uint32_t st, char *buf, size_t n)
{
	const char *s = val_lookup(field_get(F_SMB2_NT_STATUS)->vals, st);
	if (s)
		return s;
	snprintf(buf, n, "0x%08x", st);
	return buf;
}

static void side_text(const struct cmpui *c, size_t i, int side, char *out, size_t n)
{
	const struct op *op = entry_op(c, i, side);
	if (!op) {
		out[0] = '\0';
		return;
	}
	const struct opset *s = &c->d->s[side];
	uint32_t fr = op->req_frame != OP_NONE ? op->req_frame : op->rsp_frame;
	char sb[16];
	snprintf(out, n, "%5u %s%s%s%s%s", ops_frame_num(s, fr), op_cmd_name(op),
		 op->path ? " " : "", op->path ? op->path : "", op->status ? " → " : "",
		 op->status ? status_name(op->status, sb, sizeof(sb)) : "");
}

static enum line_type row_type(uint8_t st)
{
	switch (st) {
	case DS_CHANGED: return LINE_DIFF_CHANGED;
	case DS_ONLY_A: return LINE_DIFF_ONLY_A;
	case DS_ONLY_B: return LINE_DIFF_ONLY_B;
	case DS_FILTERED: return LINE_DIFF_FILTERED;
	default: return LINE_DEFAULT;
	}
}

static const char *row_mark(uint8_t st)
{
	switch (st) {
	case DS_CHANGED: return "≠";
	case DS_ONLY_A: return "<";
	case DS_ONLY_B: return ">";
	case DS_FILTERED: return "·";
	default: return " ";
	}
}

static void draw_rows(struct cmpui *c, struct rect r, bool focused)
{
	c->v[C_LIST].r = r;
	scroll_fix(c->cur, &c->top, c->d->n, (size_t)(r.h > 0 ? r.h : 1));
	int half = (r.w - 3) / 2;
	for (int y = 0; y < r.h; y++) {
		size_t i = c->top + (size_t)y;
		if (i >= c->d->n) {
			put_text(r.y + y, r.x, r.w, i == 0 && y == 0 ? "No operation to compare" : "",
				 A_NORMAL, true);
			continue;
		}
		uint8_t st = c->d->e[i].status;
		attr_t a = line_attr(row_type(st));
		if (i == c->cur)
			a = line_attr(focused ? LINE_CURSOR : LINE_CURSOR_IDLE) |
			    (st != DS_EQUAL ? A_BOLD : 0);
		char ta[512], tb[512];
		side_text(c, i, 0, ta, sizeof(ta));
		side_text(c, i, 1, tb, sizeof(tb));
		int x = r.x;
		x += put_text(r.y + y, x, 2, row_mark(st), a, true);
		x += put_text(r.y + y, x, half, ta, a, true);
		x += put_text(r.y + y, x, 1, "│", a, true);
		put_text(r.y + y, x, r.x + r.w - x, tb, a, true);
	}
}

static void draw_status(struct cmpui *c)
{
	int y = LINES - 1;
	if (c->msg[0]) {
		put_text(y, 0, COLS, c->msg, line_attr(c->msg_err ? LINE_MSG_ERROR : LINE_STATUS), true);
		return;
	}
	const struct diff_counts *n = &c->d->counts;
	char left[512], right[64], field[512] = "";
	if (c->focus != C_LIST) {
		const struct node *sel = ftree_node(&c->ft[c->focus - C_TREE_A]);
		field_filter_text(sel, field, sizeof(field));
	}
	if (field[0])
		snprintf(left, sizeof(left), "%s", field);
	else
		snprintf(left, sizeof(left), "changed %zu  only A %zu  only B %zu  equal %zu%s  masks %s (%zu rules)",
			 n->changed, n->only_a, n->only_b, n->equal,
			 n->filtered ? "  filtered" : "", c->masking ? "on" : "off",
			 c->masking && c->d->o.masks ? c->d->o.masks->n : 0);
	if (c->count)
		snprintf(right, sizeof(right), " count %ld ", c->count);
	else
		snprintf(right, sizeof(right), " %zu/%zu%s ", c->d->n ? c->cur + 1 : 0, c->d->n,
			 c->lockstep ? "" : " apart");
	int rw = text_width(right);
	put_text(y, 0, COLS - rw, left, line_attr(LINE_STATUS), true);
	put_text(y, COLS - rw, rw, right, line_attr(LINE_STATUS) | A_BOLD, true);
}

static void draw(struct cmpui *c)
{
	char bar[1024];
	erase();
	snprintf(bar, sizeof(bar), " smbcmp  A: %s   B: %s", trace_path(c->d->t[0]),
		 trace_path(c->d->t[1]));
	put_text(0, 0, COLS, bar, line_attr(LINE_TITLE), true);
	put_text(0, COLS - 7, 7, "? help ", line_attr(LINE_TITLE), true);
	int h = LINES - 2, half = (COLS - 3) / 2;
	int lh = h * c->list_weight / 100;
	if (lh < 3)
		lh = 3;
	if (h - lh < 3)
		lh = h - 3;
	snprintf(bar, sizeof(bar), "  %-*.*s│ %s", half - 1, half - 1, " A: frame operation",
		 "B: frame operation");
	put_text(1, 0, COLS, bar, line_attr(c->focus == C_LIST ? LINE_TITLE : LINE_HEADER), true);
	draw_rows(c, (struct rect){ 2, 0, lh - 1, COLS }, c->focus == C_LIST);
	int ty = 1 + lh, tw = (COLS - 1) / 2;
	for (int s = 0; s < 2; s++) {
		const struct op *op = c->cur < c->d->n ? entry_op(c, c->cur, s) : NULL;
		snprintf(bar, sizeof(bar), " %s: %s", s ? "B" : "A",
			 op ? (c->det.key[s] ? c->det.key[s] : op_cmd_name(op)) : "(none)");
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
	draw_status(c);
	refresh();
}

/* ---- requests ---- */

static void rerun(struct cmpui *c)
{
	struct diff *d = c->d;
	struct trace *a = d->t[0], *b = d->t[1];
	struct diff_opts o = d->o;
	char err[256];
	o.masks = c->masking ? c->user : &c->none;
	diff_free(d);
	if (diff_init(d, a, b, &o, err, sizeof(err)))
		cmsg(c, true, "%s", err);
	else
		diff_run(d);
	if (c->cur >= d->n)
		c->cur = d->n ? d->n - 1 : 0;
	open_entry(c);
}

static void next_diff(struct cmpui *c, int dir)
{
	size_t n = c->d->n;
	for (size_t k = 1; k < n + 1; k++) {
		long i = (long)c->cur + dir * (long)k;
		if (i < 0 || (size_t)i >= n)
			break;
		uint8_t st = c->d->e[i].status;
		if (st != DS_EQUAL && st != DS_FILTERED) {
			c->cur = (size_t)i;
			open_entry(c);
			return;
		}
	}
	cmsg(c, false, dir > 0 ? "No difference below" : "No difference above");
}

static void mask_field(struct cmpui *c)
{
	if (c->focus == C_LIST) {
		cmsg(c, true, "Select a field in a tree first (Tab)");
		return;
	}
	const struct node *n = ftree_node(&c->ft[c->focus - C_TREE_A]);
	if (!n || !n->name || !strchr(n->name, '.')) {
		cmsg(c, true, "This item has no field name to mask");
		return;
	}
	if (!c->masking) {
		cmsg(c, true, "Masking is off (m turns it on)");
		return;
	}
	bool ignored = masks_node(c->user, n) == MASK_IGNORE;
	char name[256];
	snprintf(name, sizeof(name), "%s", n->name);
	masks_add(c->user, name, ignored ? MASK_COMPARE : MASK_IGNORE, MSRC_FLAG);
	rerun(c);
	cmsg(c, false, "%s %s", ignored ? "Comparing" : "Ignoring", name);
}

/* In lock-step, puts the other tree's cursor on the same path. */
static void follow_other(struct cmpui *c, int side)
{
	struct ftree *src = &c->ft[side], *dst = &c->ft[!side];
	const struct node *n = ftree_node(src);
	char p[2048], q[2048];
	if (!n || !node_path(src, n, p, sizeof(p)))
		return;
	ftree_reflow(dst);
	for (size_t i = 0; i < dst->nrows; i++)
		if (node_path(dst, dst->rows[i].n, q, sizeof(q)) && !strcmp(p, q)) {
			dst->cur = i;
			return;
		}
}

static unsigned list_request(struct cmpui *c, enum request req, long count)
{
	size_t h = c->v[C_LIST].r.h > 0 ? (size_t)c->v[C_LIST].r.h : 1;
	size_t old = c->cur, n = c->d->n;
	long step = count > 0 ? count : 1;
	switch (req) {
	case REQ_MOVE_DOWN: scroll_move(&c->cur, &c->top, n, h, step); break;
	case REQ_MOVE_UP: scroll_move(&c->cur, &c->top, n, h, -step); break;
	case REQ_PAGE_DOWN: scroll_move(&c->cur, &c->top, n, h, (long)(h > 1 ? h - 1 : 1)); break;
	case REQ_PAGE_UP: scroll_move(&c->cur, &c->top, n, h, -(long)(h > 1 ? h - 1 : 1)); break;
	case REQ_FIRST: c->cur = count > 0 && (size_t)count <= n ? (size_t)count - 1 : 0; break;
	case REQ_LAST: c->cur = count > 0 && (size_t)count <= n ? (size_t)count - 1 : n ? n - 1 : 0; break;
	case REQ_TOGGLE: c->focus = C_TREE_A; return RD_ALL;
	default: return EV_UNHANDLED;
	}
	if (c->cur != old)
		open_entry(c);
	return RD_ALL;
}

static unsigned app_request(struct cmpui *c, enum request req, long count)
{
	switch (req) {
	case REQ_NEXT_DIFF: next_diff(c, 1); return RD_ALL;
	case REQ_PREV_DIFF: next_diff(c, -1); return RD_ALL;
	case REQ_MASK:
		if (!c->user) {
			cmsg(c, true, "No mask rules in use");
			return RD_STATUS;
		}
		c->masking = !c->masking;
		rerun(c);
		cmsg(c, false, "Masks %s", c->masking ? "on: volatile fields ignored" : "off: every field compared");
		return RD_ALL;
	case REQ_MASK_FIELD: mask_field(c); return RD_ALL;
	case REQ_LOCKSTEP:
		c->lockstep = !c->lockstep;
		cmsg(c, false, "Trees scroll %s", c->lockstep ? "together" : "apart");
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
	case REQ_HELP: help_screen(&c->km, "smbcmp compare", 0x3f); return RD_ALL;
	case REQ_REDRAW: clearok(curscr, TRUE); return RD_ALL;
	case REQ_QUIT: return EV_QUIT;
	case REQ_FIRST:
	case REQ_LAST:
		if (count > 0) {
			c->focus = C_LIST;
			return list_request(c, req, count);
		}
		return RD_NONE;
	case REQ_SEARCH:
	case REQ_FIND_NEXT:
	case REQ_FIND_PREV:
	case REQ_FILTER:
	case REQ_STREAM:
	case REQ_MATCH:
	case REQ_GOTO:
	case REQ_LAYOUT:
		cmsg(c, false, "Not in the comparison view yet (open one trace to browse it)");
		return RD_STATUS;
	default:
		return RD_NONE;
	}
}

static unsigned dispatch(struct cmpui *c, enum request req, long count)
{
	unsigned r;
	if (c->focus == C_LIST) {
		r = list_request(c, req, count);
	} else {
		int side = c->focus - C_TREE_A;
		long times = count > 0 && (req == REQ_MOVE_DOWN || req == REQ_MOVE_UP) ? count : 1;
		r = 0;
		for (long i = 0; i < times; i++)
			r |= c->v[c->focus].ops->request(&c->v[c->focus], req);
		if (!(r & EV_UNHANDLED) && c->lockstep) {
			ftree_reflow(&c->ft[!side]); /* shared expansion state */
			follow_other(c, side);
		}
	}
	if (r & EV_UNHANDLED)
		r = app_request(c, req, count);
	return r;
}

int ui_compare(struct diff *d, struct ui_opts *o)
{
	struct cmpui *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(o->err, sizeof(o->err), "out of memory");
		return -1;
	}
	c->d = d;
	c->o = o;
	c->user = d->o.masks;
	c->masking = c->user != NULL;
	masks_init(&c->none);
	c->lockstep = true;
	c->list_weight = 50;
	hmap_init(&c->expanded);
	hmap_init(&c->changed);
	hmap_init(&c->inside);
	arena_init(&c->da);
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
		cmsg(c, true, "%s", err);
	int rc = 0;
	if (term_start(o->no_color, o->err, sizeof(o->err))) {
		rc = -1;
		goto out;
	}
	c->cur = d->first_div != SIZE_MAX ? d->first_div : 0;
	open_entry(c);
	if (!c->msg[0])
		cmsg(c, false, "%zu operations: changed %zu, only A %zu, only B %zu (] next difference, ? help)",
		     d->n, d->counts.changed, d->counts.only_a, d->counts.only_b);
	for (;;) {
		if (!term_too_small())
			draw(c);
		int key = term_key();
		c->msg[0] = '\0';
		if (key == KEY_RESIZE || key == ERR)
			continue;
		if (term_too_small()) {
			if (key == 'q' || key == 'Q')
				break;
			continue;
		}
		enum request req = keymap_get(&c->km, key);
		if (req == REQ_NONE && key >= '0' && key <= '9') {
			if (c->count < 100000000)
				c->count = c->count * 10 + (key - '0');
			continue;
		}
		long count = c->count;
		c->count = 0;
		if (req == REQ_NONE) {
			if (key != 27) {
				char kn[32];
				cmsg(c, true, "Key %s is not bound (? for help)", ui_key_name(key, kn, sizeof(kn)));
			}
			continue;
		}
		if (dispatch(c, req, count) & EV_QUIT)
			break;
	}
	term_stop();
out:
	/* Leave the model with the user's rules, as it came. */
	if (!c->masking && c->user)
		d->o.masks = c->user;
	for (int s = 0; s < 2; s++)
		ftree_free(&c->ft[s]);
	hmap_free(&c->expanded);
	hmap_free(&c->changed);
	hmap_free(&c->inside);
	arena_free(&c->da);
	masks_free(&c->none);
	free(c);
	return rc;
}

#endif
