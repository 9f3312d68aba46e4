/*
 * browse.c - one trace: packet list, field tree and hex pane, like
 * Wireshark's main window, driven by less/vi keys.
 *
 * The main loop reads a key, maps it to a request (ui/keys.c), offers it to
 * the focused view, then to the application (search, filters, jumps,
 * layout), and redraws what the handlers flagged. Selecting a row
 * re-dissects that one frame into the tree's arena; nothing else is
 * dissected except summaries of rows as they are drawn or searched.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "ui.h"

#include "filter.h"
#include "ops.h"

enum pane { P_LIST, P_TREE, P_HEX, P_COUNT };
enum layout { L_STACKED, L_SIDE, L_NO_HEX, L_ZOOM, L_COUNT };

struct browse {
	struct trace *t;
	struct ui_opts *o;
	struct keymap km;
	struct plist pl;
	struct ftree ft;
	struct hexview hx;
	struct hmap expanded;
	struct view v[P_COUNT];
	enum pane focus;
	enum layout layout;
	int weight[P_COUNT];
	char tree_title[512];
	char search[256];
	struct uimsg m;
	long count;             /* numeric prefix, 0 when none */
	char filter_text[512];
	struct filter *flt;
	bool bg_running;        /* o->bg started and not yet done */
	struct textview stats;  /* the statistics (S) */
};

/* ---- selection ---- */

/* Dissects the selected frame into the tree, keeping the selected field's
 * path when the new tree has it. */
static void open_row(struct browse *b)
{
	uint64_t key = b->ft.cur < b->ft.nrows ? b->ft.rows[b->ft.cur].key : 0;
	size_t fi = plist_frame(&b->pl);
	ftree_clear(&b->ft);
	b->hx.have_frame = false;
	b->hx.root = NULL;
	b->hx.sel = NULL;
	if (fi == SIZE_MAX) {
		snprintf(b->tree_title, sizeof(b->tree_title), "No frame");
		return;
	}
	const char *sum = "";
	struct node *root = trace_dissect_frame(b->t, &b->ft.a, fi, &sum);
	ftree_set(&b->ft, root);
	for (size_t i = 0; key && i < b->ft.nrows; i++)
		if (b->ft.rows[i].key == key) {
			b->ft.cur = i;
			break;
		}
	snprintf(b->tree_title, sizeof(b->tree_title), "Frame %u: %s",
		 trace_frame(b->t, fi).num, sum);
	b->hx.frame = fi;
	b->hx.have_frame = true;
	b->hx.root = root;
	b->hx.sel = ftree_node(&b->ft);
	b->v[P_HEX].ops->open(&b->v[P_HEX]);
}

static void select_row(struct browse *b, size_t row)
{
	if (row >= b->pl.nrows)
		return;
	b->pl.cur = row;
	scroll_fix(row, &b->pl.top, b->pl.nrows,
		   b->v[P_LIST].r.h > 0 ? (size_t)b->v[P_LIST].r.h : 1);
	open_row(b);
}

static void goto_frame(struct browse *b, uint32_t num)
{
	bool exact;
	size_t r = plist_find_num(&b->pl, num, &exact);
	if (r == SIZE_MAX) {
		ui_msg(&b->m, true, "No frame shown");
		return;
	}
	select_row(b, r);
	if (!exact)
		ui_msg(&b->m, false, "Frame %u is not in the list; showing frame %u", num,
		    trace_frame(b->t, plist_frame(&b->pl)).num);
}

/* ---- indexing in the background ---- */

#define INDEX_SLICE_MS 40

/* The index is complete: summaries of the last frames and the selected
 * tree may change (flushed PDUs, responses now known), limits are known. */
static bool keep_filtered(void *ctx, size_t fi);

/* What the empty list says: the filter or stream hid every frame, or
 * there is none. */
static const char *empty_text(const struct browse *b)
{
	return trace_nframes(b->t) ? "No frame matches the filter" : "No SMB frame in this capture";
}

static void index_done(struct browse *b)
{
	/* Finishing the index puts its frames in frame order (PDUs that
	 * reassembly completed late take their place): rows afresh. */
	plist_grow(&b->pl, true);
	plist_rebuild(&b->pl, keep_filtered, b);
	b->pl.empty = empty_text(b);
	open_row(b);
	if (!b->pl.nrows)
		ui_msg(&b->m, false, "No SMB frame in %s (q quits)", trace_path(b->t));
	else if (trace_warning(b->t))
		ui_msg(&b->m, true, "%s", trace_warning(b->t));
	else if (trace_note(b->t))
		ui_msg(&b->m, true, "%s: %s (raise with --max-memory)", trace_path(b->t),
		       trace_note(b->t));
	b->bg_running = b->o->bg && b->o->bg->start(b->o->bg->ctx, b->t);
}

/* One slice of what remains: indexing, then the caller's work. */
static void browse_work(void *ctx)
{
	struct browse *b = ctx;
	if (trace_indexing(b->t)) {
		bool more = trace_index_more(b->t, INDEX_SLICE_MS);
		plist_grow(&b->pl, false);
		if (!more)
			index_done(b);
		else if (b->pl.nrows && !b->ft.root)
			open_row(b); /* the first rows arrived */
		return;
	}
	char msg[512];
	int r = b->o->bg->poll(b->o->bg->ctx, msg, sizeof(msg));
	if (r == 0) {
		napms(INDEX_SLICE_MS);
		return;
	}
	b->bg_running = false;
	if (r > 0) {
		plist_grow(&b->pl, true); /* summaries again: DCE/RPC calls by name */
		open_row(b);
		if (!b->m.text[0] || !b->m.err) /* a warning (a limit hit) stays */
			ui_msg(&b->m, false, "%s: done", b->o->bg->what);
	} else {
		ui_msg(&b->m, true, "%s", msg);
	}
}

static bool work_left(const struct browse *b)
{
	return trace_indexing(b->t) || b->bg_running;
}

/* Commands over every frame wait for the whole index. */
static void index_all(struct browse *b)
{
	if (!trace_indexing(b->t))
		return;
	do { /* the progress on the status line, 5 times a second */
		ui_msg(&b->m, false, "Indexing the rest of %s: %u%%...", trace_path(b->t),
		       trace_index_percent(b->t));
		ui_msg_draw(&b->m);
		refresh();
	} while (trace_index_more(b->t, 200));
	b->m.text[0] = '\0';
	index_done(b);
}

static bool needs_all(enum request req, long count)
{
	switch (req) {
	case REQ_LAST: case REQ_GOTO: case REQ_SEARCH: case REQ_FIND_NEXT:
	case REQ_FIND_PREV: case REQ_FILTER: case REQ_MATCH: case REQ_STREAM:
		return true;
	case REQ_FIRST:
		return count > 0;
	default:
		return false;
	}
}

/* ---- search ---- */

static void show_field(struct browse *b, struct node *n)
{
	ftree_reveal(&b->ft, n);
	b->hx.sel = n;
	b->hx.follow = true;
}

/* A frame matches by its summary or any of its fields. */
static bool frame_matches(void *ctx, size_t row)
{
	struct browse *b = ctx;
	size_t fi = b->pl.rows[row];
	if (str_icase_contains(plist_info(&b->pl, fi)->sum, b->search))
		return true;
	struct node *root = trace_dissect_frame(b->t, &b->pl.scratch, fi, NULL);
	bool hit = tree_find(root, NULL, 1, b->search) != NULL;
	arena_reset(&b->pl.scratch);
	return hit;
}

/*
 * Moves to the next (dir > 0) or previous match of b->search. From the
 * list it goes frame by frame (a frame matches by its summary or any
 * field; the first (last) matching field is selected in the tree). From
 * the tree it goes field by field: the fields of the current frame after
 * (before) the selected one first, then the following (preceding) frames.
 * Wraps once.
 */
static void search_step(struct browse *b, int dir)
{
	if (!b->search[0]) {
		ui_msg(&b->m, true, "No search pattern (/ to search)");
		return;
	}
	struct node *start = b->focus == P_TREE ? ftree_node(&b->ft) : NULL;
	struct node *hit = start ? tree_find(b->ft.root, start, dir, b->search) : NULL;
	if (hit) {
		show_field(b, hit);
		return;
	}
	bool wrapped;
	size_t r = b->pl.nrows ? find_row(b->pl.nrows, b->pl.cur, dir, frame_matches, b, &wrapped)
			       : SIZE_MAX;
	if (r == SIZE_MAX) {
		ui_msg(&b->m, true, "Pattern not found: %s", b->search);
		return;
	}
	select_row(b, r);
	hit = tree_find(b->ft.root, NULL, dir, b->search);
	if (hit)
		show_field(b, hit);
	if (wrapped)
		ui_msg(&b->m, false, "Search wrapped");
}

/* ---- jumps and filters ---- */

static bool is_pair_field(const struct node *n)
{
	return n->name && (n->flags & N_HAS_VALUE) &&
	       (!strcmp(n->name, "smb2.response_in") || !strcmp(n->name, "smb2.response_to") ||
		!strcmp(n->name, "smb.response_in") || !strcmp(n->name, "smb.response_to"));
}

static void jump_pair(struct browse *b)
{
	struct node *root = b->ft.root, *sel = ftree_node(&b->ft), *hit = NULL;
	if (!root)
		return;
	/* Prefer the pair field of the protocol node holding the cursor. */
	struct node *top = sel;
	while (top && top->parent && top->parent != root)
		top = top->parent;
	if (top && top->parent == root)
		for (struct node *c = top; c && !hit; c = node_next(c)) {
			if (c != top && c->parent == root)
				break;
			if (is_pair_field(c))
				hit = c;
		}
	for (struct node *c = root->child; c && !hit; c = node_next(c))
		if (is_pair_field(c))
			hit = c;
	if (!hit) {
		ui_msg(&b->m, true, "No request/response link in this frame");
		return;
	}
	goto_frame(b, (uint32_t)hit->value);
}

static bool keep_filtered(void *ctx, size_t fi)
{
	struct browse *b = ctx;
	if (!b->flt)
		return true;
	struct node *root = trace_dissect_frame(b->t, &b->pl.scratch, fi, NULL);
	bool ok = filter_match(b->flt, &root, 1);
	arena_reset(&b->pl.scratch);
	return ok;
}

static void rebuild(struct browse *b)
{
	size_t n = plist_rebuild(&b->pl, keep_filtered, b);
	b->pl.empty = empty_text(b);
	open_row(b);
	if (!n)
		ui_msg(&b->m, true, "No frame matches");
}

static void toggle_stream(struct browse *b)
{
	size_t fi = plist_frame(&b->pl);
	if (b->pl.stream_on) {
		b->pl.stream_on = false;
	} else {
		if (fi == SIZE_MAX)
			return;
		const struct frame_rec f_rec = trace_frame(b->t, fi), *f = &f_rec;
		b->pl.stream_on = true;
		b->pl.stream = f->stream;
		b->pl.udp = f->udp;
	}
	rebuild(b);
	if (b->pl.stream_on)
		ui_msg(&b->m, false, "Following %s stream %u (s again: all streams)",
		    b->pl.udp ? "UDP" : "TCP", b->pl.stream);
}

static void filter_prompt(struct browse *b)
{
	struct filter *f;
	if (ask_filter(b->filter_text, sizeof(b->filter_text), &f, &b->m) <= 0)
		return;
	filter_free(b->flt);
	b->flt = f;
	rebuild(b);
	if (f && b->pl.nrows)
		ui_msg(&b->m, false, "%zu frames match", b->pl.nrows);
}

static void goto_prompt(struct browse *b)
{
	uint32_t num;
	if (ask_frame("go to frame: ", &num, &b->m) > 0)
		goto_frame(b, num);
}

/* ---- layout ---- */

/* Splits h rows among n panes by weight (each at least 1). */
static void split(int h, const int *w, int n, int *out)
{
	int sum = 0, used = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	for (int i = 0; i < n; i++) {
		out[i] = i == n - 1 ? h - used : h * w[i] / (sum ? sum : 1);
		if (out[i] < 1)
			out[i] = 1;
		used += out[i];
	}
}

static void draw_bar(int y, int x, int w, const char *text, int skip, bool focused)
{
	put_text_at(y, x, w, text, skip, line_attr(focused ? LINE_TITLE : LINE_HEADER), true);
}

static void draw_pane(struct browse *b, enum pane p, int y, int x, int h, int w)
{
	char bar[1024];
	bool f = b->focus == p;
	if (h < 2) {
		b->v[p].r = (struct rect){ y, x, 0, w };
		return;
	}
	b->v[p].ops->draw(&b->v[p], (struct rect){ y + 1, x, h - 1, w }, f);
	switch (p) {
	case P_LIST:
		plist_header(w, bar, sizeof(bar));
		break;
	case P_TREE:
		snprintf(bar, sizeof(bar), " %s", b->tree_title);
		break;
	default:
		snprintf(bar, sizeof(bar), " Bytes%s", b->hx.have_frame ? "" : " (none)");
		break;
	}
	draw_bar(y, x, w, bar, p == P_LIST ? b->pl.hscroll : 0, f);
}

static void draw_title(struct browse *b)
{
	char st[1024];
	int n = snprintf(st, sizeof(st), "  %zu/%zu frames", b->pl.nrows, b->pl.nframes);
	if (trace_indexing(b->t) && n > 0 && (size_t)n < sizeof(st))
		n += snprintf(st + n, sizeof(st) - (size_t)n, "  [indexing %u%%]",
			      trace_index_percent(b->t));
	else if (b->bg_running && n > 0 && (size_t)n < sizeof(st))
		n += snprintf(st + n, sizeof(st) - (size_t)n, "  [%s]",
			      b->o->bg->tag ? b->o->bg->tag : b->o->bg->what);
	if (b->pl.stream_on && n > 0 && (size_t)n < sizeof(st))
		n += snprintf(st + n, sizeof(st) - (size_t)n, "  [%s stream %u]",
			      b->pl.udp ? "udp" : "tcp", b->pl.stream);
	if (b->filter_text[0] && n > 0 && (size_t)n < sizeof(st))
		snprintf(st + n, sizeof(st) - (size_t)n, "  [filter: %s]", b->filter_text);
	const char *label = "", *path = trace_path(b->t);
	title_draw(" smbcmp  ", &label, &path, 1, st);
}

static void draw_status(struct browse *b)
{
	int y = LINES - 1;
	if (b->m.text[0]) {
		ui_msg_draw(&b->m);
		return;
	}
	char left[1024], right[64];
	const struct node *n = b->hx.sel;
	field_filter_text(n, left, sizeof(left));
	size_t fi = plist_frame(&b->pl);
	if (b->count)
		snprintf(right, sizeof(right), " count %ld ", b->count);
	else if (fi != SIZE_MAX)
		snprintf(right, sizeof(right), " frame %u  %zu/%zu ", trace_frame(b->t, fi).num,
			 b->pl.cur + 1, b->pl.nrows);
	else
		snprintf(right, sizeof(right), " empty ");
	int rw = text_width(right);
	put_text(y, 0, COLS - rw, left[0] ? left : "", line_attr(LINE_STATUS), true);
	put_text(y, COLS - rw, rw, right, line_attr(LINE_STATUS) | A_BOLD, true);
}

static void draw(struct browse *b)
{
	int top = 1, h = LINES - 2, w = COLS;
	struct rect none = { 0, 0, 0, 0 };
	for (int p = 0; p < P_COUNT; p++)
		b->v[p].r = none;
	if (b->stats.shown) {
		erase();
		textview_draw(&b->stats);
		refresh();
		return;
	}
	draw_title(b);
	if (b->layout == L_ZOOM) {
		draw_pane(b, b->focus, top, 0, h, w);
	} else if (b->layout == L_NO_HEX) {
		int hs[2];
		split(h, b->weight, 2, hs);
		draw_pane(b, P_LIST, top, 0, hs[0], w);
		draw_pane(b, P_TREE, top + hs[0], 0, hs[1], w);
	} else if (b->layout == L_SIDE) {
		int hs[2], wt[2] = { b->weight[P_LIST], b->weight[P_TREE] + b->weight[P_HEX] };
		split(h, wt, 2, hs);
		draw_pane(b, P_LIST, top, 0, hs[0], w);
		int hw = w >= 120 ? 74 : w / 2;
		draw_pane(b, P_TREE, top + hs[0], 0, hs[1], w - hw - 1);
		for (int y = top + hs[0]; y < top + h; y++)
			put_text(y, w - hw - 1, 1, "│", line_attr(LINE_HEADER), false);
		draw_pane(b, P_HEX, top + hs[0], w - hw, hs[1], hw);
	} else {
		int hs[3];
		split(h, b->weight, 3, hs);
		draw_pane(b, P_LIST, top, 0, hs[0], w);
		draw_pane(b, P_TREE, top + hs[0], 0, hs[1], w);
		draw_pane(b, P_HEX, top + hs[0] + hs[1], 0, hs[2], w);
	}
	draw_status(b);
	refresh();
}

static bool pane_shown(const struct browse *b, enum pane p)
{
	if (b->layout == L_ZOOM)
		return p == b->focus;
	return !(b->layout == L_NO_HEX && p == P_HEX);
}

static void resize_pane(struct browse *b, int delta)
{
	int *w = b->weight;
	if (b->layout == L_ZOOM)
		return;
	enum pane p = b->focus;
	if (b->layout == L_SIDE && p == P_HEX)
		p = P_TREE;
	if (w[p] + delta < 4 || w[p] + delta > 90)
		return;
	w[p] += delta;
	/* Take from (give to) the other shown panes. */
	for (int i = 0; i < P_COUNT; i++)
		if (i != (int)p && pane_shown(b, (enum pane)i) && w[i] - delta / 2 >= 4)
			w[i] -= delta / 2;
}

/* ---- requests ---- */

/* S: the statistics of the whole trace (indexed through first). */
static void open_stats(struct browse *b)
{
	struct opset s;
	char t[600];
	index_all(b);
	ui_msg(&b->m, false, "Counting the operations of %s...", trace_path(b->t));
	ui_msg_draw(&b->m);
	refresh();
	ops_build(&s, b->t);
	snprintf(t, sizeof(t), " smbcmp statistics  %s", trace_path(b->t));
	if (!textview_stats(&b->stats, &s, NULL, t))
		ui_msg(&b->m, true, "Out of memory");
	else
		b->m.text[0] = '\0';
	ops_free(&s);
}

static unsigned app_request(struct browse *b, enum request req, long count)
{
	switch (req) {
	case REQ_FIRST:
	case REQ_LAST:
		if (count > 0) {
			goto_frame(b, (uint32_t)count);
			return RD_ALL;
		}
		return RD_NONE;
	case REQ_TOGGLE:
		if (b->focus == P_LIST) {
			b->focus = P_TREE;
			if (b->layout == L_ZOOM)
				b->layout = L_STACKED;
			return RD_ALL;
		}
		return RD_NONE;
	case REQ_GOTO:
		goto_prompt(b);
		return RD_ALL;
	case REQ_SEARCH:
		if (ask_search(b->search, sizeof(b->search)))
			search_step(b, 1);
		return RD_ALL;
	case REQ_FIND_NEXT:
		search_step(b, 1);
		return RD_ALL;
	case REQ_FIND_PREV:
		search_step(b, -1);
		return RD_ALL;
	case REQ_FILTER:
		filter_prompt(b);
		return RD_ALL;
	case REQ_MATCH:
		jump_pair(b);
		return RD_ALL;
	case REQ_STREAM:
		toggle_stream(b);
		return RD_ALL;
	case REQ_FOCUS_NEXT:
	case REQ_FOCUS_PREV:
		do
			b->focus = (enum pane)((b->focus + (req == REQ_FOCUS_NEXT ? 1 : P_COUNT - 1)) %
					       P_COUNT);
		while (b->layout != L_ZOOM && !pane_shown(b, b->focus));
		return RD_ALL;
	case REQ_LAYOUT:
		b->layout = (enum layout)((b->layout + 1) % L_COUNT);
		if (!pane_shown(b, b->focus))
			b->focus = P_TREE;
		static const char *const names[] = { "stacked", "tree beside bytes",
						     "no bytes pane", "zoom on focused pane" };
		ui_msg(&b->m, false, "Layout: %s", names[b->layout]);
		return RD_ALL;
	case REQ_GROW:
	case REQ_SHRINK:
		resize_pane(b, req == REQ_GROW ? 4 : -4);
		return RD_ALL;
	case REQ_HELP:
		help_screen(&b->km, "smbcmp", 0x37, 0); /* all but the compare section */
		return RD_ALL;
	case REQ_STATS:
		open_stats(b);
		return RD_ALL;
	case REQ_REDRAW:
		clearok(curscr, TRUE);
		return RD_ALL;
	case REQ_QUIT:
		return EV_QUIT;
	case REQ_NEXT_DIFF:
	case REQ_PREV_DIFF:
	case REQ_MASK:
	case REQ_MASK_FIELD:
	case REQ_NEXT_CHANGE:
	case REQ_PREV_CHANGE:
	case REQ_FINDINGS:
	case REQ_ACTIONS:
	case REQ_FINDING_NEXT:
	case REQ_FINDING_PREV:
	case REQ_LOCKSTEP:
		ui_msg(&b->m, false, "Only when comparing two traces");
		return RD_STATUS;
	default:
		return RD_NONE;
	}
}

static unsigned dispatch(struct browse *b, enum request req, long count)
{
	unsigned r = EV_UNHANDLED;
	bool counted = (req == REQ_FIRST || req == REQ_LAST) && count > 0;
	if (b->stats.shown) {
		r = textview_request(&b->stats, req, count);
		return r & EV_UNHANDLED ? app_request(b, req, count) : r;
	}
	if (needs_all(req, count))
		index_all(b);
	if (!counted) {
		long times = count > 0 && (req == REQ_MOVE_DOWN || req == REQ_MOVE_UP) ? count : 1;
		for (long i = 0; i < times; i++) {
			unsigned ri = b->v[b->focus].ops->request(&b->v[b->focus], req);
			r = i ? (r | ri) : ri;
		}
	}
	if (r & EV_UNHANDLED)
		r = app_request(b, req, count);
	if (r & EV_ROW)
		open_row(b);
	if (r & EV_NODE) {
		b->hx.sel = ftree_node(&b->ft);
		b->hx.follow = true;
	}
	return r;
}

static void browse_init(struct browse *b, struct trace *t, struct ui_opts *o)
{
	memset(b, 0, sizeof(*b));
	b->t = t;
	b->o = o;
	hmap_init(&b->expanded);
	/* SMB layers start expanded (their header and command stay closed). */
	ftree_expand_path(&b->expanded, "smb2");
	ftree_expand_path(&b->expanded, "smb");
	plist_init(&b->pl, t);
	b->pl.empty = "No SMB frame in this capture";
	ftree_init(&b->ft, &b->expanded);
	b->ft.empty = "No frame selected";
	b->hx.t = t;
	b->v[P_LIST] = (struct view){ &plist_ops, &b->pl, { 0, 0, 0, 0 } };
	b->v[P_TREE] = (struct view){ &ftree_ops, &b->ft, { 0, 0, 0, 0 } };
	b->v[P_HEX] = (struct view){ &hex_ops, &b->hx, { 0, 0, 0, 0 } };
	b->weight[P_LIST] = 40;
	b->weight[P_TREE] = 35;
	b->weight[P_HEX] = 25;
	keymap_init(&b->km);
}

/* The browser's operations for the main loop (ui_loop_run). */
static void loop_draw(void *ctx)
{
	draw(ctx);
}

static bool loop_busy(void *ctx)
{
	return work_left(ctx);
}

static enum request loop_escape(void *ctx)
{
	struct browse *b = ctx;
	b->stats.shown = false; /* back from the statistics; else drops a count */
	return REQ_NONE;
}

static unsigned loop_dispatch(void *ctx, enum request req, long count)
{
	return dispatch(ctx, req, count);
}

int ui_browse(struct trace *t, struct ui_opts *o)
{
	struct browse *b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(o->err, sizeof(o->err), "out of memory");
		return -1;
	}
	browse_init(b, t, o);
	char err[256];
	if (keymap_load(&b->km, o->config, err, sizeof(err)))
		ui_msg(&b->m, true, "%s", err);
	if (term_start(o->no_color, o->err, sizeof(o->err))) {
		plist_free(&b->pl);
		ftree_free(&b->ft);
		hmap_free(&b->expanded);
		free(b);
		return -1;
	}
	if (trace_indexing(t)) {
		b->pl.empty = "Indexing...";
		open_row(b);
	} else {
		index_done(b);
	}
	if (o->filter) { /* --filter: the rows it keeps, as the f prompt would */
		b->flt = filter_parse(o->filter, err, sizeof(err));
		if (b->flt) {
			snprintf(b->filter_text, sizeof(b->filter_text), "%s", o->filter);
			index_all(b);
			rebuild(b);
			if (b->pl.nrows)
				ui_msg(&b->m, false, "%zu frames match", b->pl.nrows);
		}
	}
	struct ui_loop loop = {
		.ctx = b, .km = &b->km, .m = &b->m, .count = &b->count,
		.draw = loop_draw, .busy = loop_busy, .work = browse_work,
		.escape = loop_escape, .dispatch = loop_dispatch,
	};
	ui_loop_run(&loop);
	term_stop();
	if (b->bg_running)
		b->o->bg->stop(b->o->bg->ctx);
	textview_close(&b->stats);
	filter_free(b->flt);
	plist_free(&b->pl);
	ftree_free(&b->ft);
	hmap_free(&b->expanded);
	free(b);
	return 0;
}
