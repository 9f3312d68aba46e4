/*
 * tree.c - the field-tree view: one frame's tree flattened into the rows
 * currently visible.
 *
 * Expansion state outlives the tree: it is a set of keys shared between
 * frames, where a node's key hashes the names (or, for text items, the
 * labels) on its path from the root. Expanding "SMB2 Header" in one frame
 * keeps it expanded in the next, as Wireshark does per subtree type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uipriv.h"
#include "xalloc.h"

#define MAX_DEPTH 256

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t node_key(uint64_t parent_key, const struct node *n)
{
	return hmap_mix(parent_key, str_hash(n->name ? n->name : n->label));
}

static bool is_expanded(const struct ftree *ft, uint64_t key)
{
	return hmap_get(ft->expanded, key) != NULL;
}

void ftree_expand_path(struct hmap *expanded, const char *path)
{
	char seg[256];
	uint64_t key = 0;
	while (*path) {
		size_t n = strcspn(path, "/");
		snprintf(seg, sizeof(seg), "%.*s", (int)n, path);
		key = hmap_mix(key, str_hash(seg));
		path += n + (path[n] == '/');
	}
	if (key)
		hmap_put(expanded, key, (void *)1);
}

void ftree_init(struct ftree *ft, struct hmap *expanded)
{
	memset(ft, 0, sizeof(*ft));
	arena_init(&ft->a);
	ft->expanded = expanded;
	ft->empty = "";
	ft->title = "Fields";
}

void ftree_free(struct ftree *ft)
{
	arena_free(&ft->a);
	free(ft->rows);
	ft->rows = NULL;
}

void ftree_clear(struct ftree *ft)
{
	ft->root = NULL;
	ft->nrows = ft->cur = ft->top = 0;
	arena_reset(&ft->a);
}

static void push_row(struct ftree *ft, struct node *n, uint64_t key, unsigned depth)
{
	if (ft->nrows == ft->cap) {
		ft->cap = ft->cap ? ft->cap * 2 : 256;
		ft->rows = xrealloc(ft->rows, ft->cap * sizeof(*ft->rows));
	}
	ft->rows[ft->nrows++] = (struct frow){ n, key, (uint16_t)depth };
}

static void flatten(struct ftree *ft, struct node *parent, uint64_t pkey, unsigned depth)
{
	for (struct node *c = parent->child; c; c = c->next) {
		if (c->flags & N_HIDDEN)
			continue;
		uint64_t key = node_key(pkey, c);
		push_row(ft, c, key, depth);
		if (c->child && depth < MAX_DEPTH && is_expanded(ft, key))
			flatten(ft, c, key, depth + 1);
	}
}

static size_t row_of(const struct ftree *ft, const struct node *n)
{
	for (size_t i = 0; i < ft->nrows; i++)
		if (ft->rows[i].n == n)
			return i;
	return SIZE_MAX;
}

void ftree_reflow(struct ftree *ft)
{
	struct node *sel = ftree_node(ft);
	ft->nrows = 0;
	if (ft->root)
		flatten(ft, ft->root, 0, 0);
	if (sel)
		ftree_select(ft, sel);
	if (ft->cur >= ft->nrows)
		ft->cur = ft->nrows ? ft->nrows - 1 : 0;
}

void ftree_set(struct ftree *ft, struct node *root)
{
	ft->root = root;
	ft->nrows = ft->cur = ft->top = 0;
	if (root)
		flatten(ft, root, 0, 0);
}

struct node *ftree_node(const struct ftree *ft)
{
	return ft->cur < ft->nrows ? ft->rows[ft->cur].n : NULL;
}

void ftree_select(struct ftree *ft, const struct node *n)
{
	for (; n && n != ft->root; n = n->parent) {
		size_t r = row_of(ft, n);
		if (r != SIZE_MAX) {
			ft->cur = r;
			return;
		}
	}
}

static uint64_t key_of(const struct ftree *ft, const struct node *n)
{
	if (!n || n == ft->root)
		return 0;
	return node_key(key_of(ft, n->parent), n);
}

void ftree_reveal(struct ftree *ft, struct node *n)
{
	for (struct node *p = n ? n->parent : NULL; p && p != ft->root; p = p->parent)
		hmap_put(ft->expanded, key_of(ft, p), (void *)1);
	ftree_reflow(ft);
	ftree_select(ft, n);
}

static void expand_all(struct ftree *ft, struct node *parent, uint64_t pkey, unsigned depth)
{
	for (struct node *c = parent->child; c && depth < MAX_DEPTH; c = c->next) {
		uint64_t key = node_key(pkey, c);
		if (c->child) {
			hmap_put(ft->expanded, key, (void *)1);
			expand_all(ft, c, key, depth + 1);
		}
	}
}

const char *field_filter_text(const struct node *n, char *buf, size_t len)
{
	if (!n) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	if (!n->name || !*n->name) {
		snprintf(buf, len, "%s", n->label ? n->label : "");
		return buf;
	}
	if ((n->flags & N_PROTO) || !n->show || !*n->show) {
		snprintf(buf, len, "%s", n->name);
		return buf;
	}
	uint8_t ty = field_get(n->field)->type;
	bool quote = n->field == F_INVALID || ty == FT_STRING || ty == FT_STRINGZ ||
		     ty == FT_UINT_STRING || ty == FT_STRINGZPAD || ty == FT_STRINGZTRUNC ||
		     ty == FT_ABSOLUTE_TIME;
	if (n->field == F_INVALID && strspn(n->show, "0123456789abcdefx:.") == strlen(n->show))
		quote = false;
	size_t o = (size_t)snprintf(buf, len, "%s == %s", n->name, quote ? "\"" : "");
	for (const char *s = n->show; *s && o + 3 < len; s++) {
		if (quote && (*s == '"' || *s == '\\'))
			buf[o++] = '\\';
		buf[o++] = *s;
	}
	if (quote && o + 1 < len)
		buf[o++] = '"';
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

bool node_matches(const struct node *n, const char *pat)
{
	return str_icase_contains(n->label, pat) || str_icase_contains(n->show, pat) ||
	       str_icase_contains(n->name, pat);
}

struct node *node_next(struct node *n)
{
	if (n->child)
		return n->child;
	for (; n; n = n->parent)
		if (n->next)
			return n->next;
	return NULL;
}

struct node *node_prev(struct node *root, struct node *n)
{
	struct node *p = n->parent;
	if (!p)
		return NULL;
	if (p->child == n)
		return p == root ? NULL : p;
	struct node *s = p->child;
	while (s && s->next != n)
		s = s->next;
	if (!s)
		return NULL;
	while (s->last)
		s = s->last;
	return s;
}

/* ---- view ---- */

static unsigned ftree_open(struct view *v)
{
	(void)v;
	return RD_TREE;
}

static enum line_type row_type(const struct ftree *ft, const struct node *n)
{
	if (ft->mark) {
		enum line_type t = ft->mark(ft->mark_ctx, n);
		if (t != LINE_DEFAULT)
			return t;
	}
	if (n->flags & N_MALFORMED)
		return LINE_MALFORMED;
	if (n->flags & N_PROTO)
		return LINE_PROTO;
	if (n->flags & N_GENERATED)
		return LINE_GENERATED;
	return LINE_DEFAULT;
}

static void ftree_draw(struct view *v, struct rect r, bool focused)
{
	struct ftree *ft = v->ctx;
	bool utf8 = MB_CUR_MAX > 1;

	v->r = r;
	if (r.h <= 0)
		return;
	if (!ft->root || !ft->nrows) {
		put_text(r.y, r.x, r.w, ft->empty, line_attr(LINE_DEFAULT), true);
		for (int i = 1; i < r.h; i++)
			put_text(r.y + i, r.x, r.w, "", A_NORMAL, true);
		return;
	}
	scroll_fix(ft->cur, &ft->top, ft->nrows, (size_t)r.h);
	/* Row texts first: the widest visible one bounds the scrolling. */
	char (*text)[1024] = malloc((size_t)r.h * sizeof(*text));
	if (!text)
		return;
	int maxw = 0;
	for (int i = 0; i < r.h; i++) {
		size_t k = ft->top + (size_t)i;
		text[i][0] = '\0';
		if (k >= ft->nrows)
			continue;
		const struct frow *row = &ft->rows[k];
		const struct node *n = row->n;
		const char *mark = "  ";
		if (n->child)
			mark = is_expanded(ft, row->key) ? (utf8 ? "▾ " : "- ")
							 : (utf8 ? "▸ " : "+ ");
		int indent = 2 * row->depth;
		if (indent > r.w / 2)
			indent = r.w / 2;
		const char *gen = n->flags & N_GENERATED ? "[" : "";
		snprintf(text[i], sizeof(text[i]), "%*s%s%s%s%s", indent, "", mark, gen,
			 n->label ? n->label : "", *gen ? "]" : "");
		int tw = text_width(text[i]);
		if (tw > maxw)
			maxw = tw;
	}
	ft->hscroll = hscroll_clamp(ft->hscroll, maxw, r.w);
	for (int i = 0; i < r.h; i++) {
		size_t k = ft->top + (size_t)i;
		if (k >= ft->nrows) {
			put_text(r.y + i, r.x, r.w, "", A_NORMAL, true);
			continue;
		}
		attr_t a = line_attr(row_type(ft, ft->rows[k].n));
		if (k == ft->cur)
			a = line_attr(focused ? LINE_CURSOR : LINE_CURSOR_IDLE);
		put_text_at(r.y + i, r.x, r.w, text[i], ft->hscroll, a, true);
	}
	free(text);
}

static unsigned ftree_request(struct view *v, enum request req)
{
	struct ftree *ft = v->ctx;
	size_t page = v->r.h > 1 ? (size_t)v->r.h - 1 : 1;
	struct node *n = ftree_node(ft);
	size_t old = ft->cur;

	switch (req) {
	case REQ_MOVE_DOWN:
		scroll_move(&ft->cur, &ft->top, ft->nrows, (size_t)v->r.h, 1);
		break;
	case REQ_MOVE_UP:
		scroll_move(&ft->cur, &ft->top, ft->nrows, (size_t)v->r.h, -1);
		break;
	case REQ_PAGE_DOWN:
		scroll_move(&ft->cur, &ft->top, ft->nrows, (size_t)v->r.h, (long)page);
		break;
	case REQ_PAGE_UP:
		scroll_move(&ft->cur, &ft->top, ft->nrows, (size_t)v->r.h, -(long)page);
		break;
	case REQ_FIRST:
		ft->cur = 0;
		break;
	case REQ_LAST:
		ft->cur = ft->nrows ? ft->nrows - 1 : 0;
		break;
	case REQ_TOGGLE:
		if (!n || !n->child)
			return RD_NONE;
		hmap_put(ft->expanded, ft->rows[ft->cur].key,
			 is_expanded(ft, ft->rows[ft->cur].key) ? NULL : (void *)1);
		ftree_reflow(ft);
		return RD_TREE;
	case REQ_EXPAND:
		if (!n || !n->child)
			return RD_NONE;
		if (is_expanded(ft, ft->rows[ft->cur].key)) {
			ft->cur++;
			break;
		}
		hmap_put(ft->expanded, ft->rows[ft->cur].key, (void *)1);
		ftree_reflow(ft);
		return RD_TREE;
	case REQ_COLLAPSE:
		if (!n)
			return RD_NONE;
		if (n->child && is_expanded(ft, ft->rows[ft->cur].key)) {
			hmap_put(ft->expanded, ft->rows[ft->cur].key, NULL);
			ftree_reflow(ft);
			return RD_TREE;
		}
		if (n->parent && n->parent != ft->root)
			ftree_select(ft, n->parent);
		break;
	case REQ_EXPAND_ALL:
		if (ft->root)
			expand_all(ft, ft->root, 0, 0);
		ftree_reflow(ft);
		return RD_TREE | EV_NODE;
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
	case REQ_SCROLL_HOME: {
		int off = hscroll_step(ft->hscroll, req, v->r.w);
		if (off == ft->hscroll)
			return RD_NONE;
		ft->hscroll = off;
		return RD_TREE;
	}
	case REQ_COLLAPSE_ALL: {
		/* Collapse everything: forget every key. */
		hmap_free(ft->expanded);
		hmap_init(ft->expanded);
		struct node *top = n;
		while (top && top->parent && top->parent != ft->root)
			top = top->parent;
		ftree_reflow(ft);
		ftree_select(ft, top);
		return RD_TREE | EV_NODE;
	}
	default:
		return EV_UNHANDLED;
	}
	return ft->cur != old ? RD_TREE | RD_HEX | RD_STATUS | EV_NODE : RD_NONE;
}

const struct view_ops ftree_ops = {
	.name = "tree",
	.open = ftree_open,
	.draw = ftree_draw,
	.request = ftree_request,
};
