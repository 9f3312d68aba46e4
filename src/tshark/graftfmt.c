/*
 * graftfmt.c - the encoded form of a frame's grafts (design in graftpriv.h):
 * built from tshark's trees while it runs, re-encoded with the final
 * dictionary for the cache file, decoded into nodes by the hook.
 *
 * A block, every number a varint (7 bits a byte, low first; at most 10
 * bytes), every string a ref:
 *
 *   block  = nroots root{nroots}
 *   root   = nested apos aocc ref(akey) ref(name) nnodes nbytes node{nnodes}
 *            (nbytes: the bytes of its nodes, so a root can be skipped)
 *   node   = depth fl pos size value [ref(name)] [ref(show)] ref(label)
 *            (fl: the node's flags, 0x4000 when it has a name, 0x8000
 *            when it has a show; nodes in preorder, the first at depth 0,
 *            each at most one deeper than the one before)
 *   ref    = 0 string NUL   (inline: a string used once, cache file only)
 *          | k              (the dictionary's string k - 1)
 *
 * Blocks come from the cache file, which is not trusted: every read goes
 * through a cursor that checks what is left and sets a sticky error; a
 * damaged block gives no roots, a damaged tree stops where it breaks (the
 * nodes before stay, as tshark's own output would).
 */
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "graftpriv.h"
#include "ops.h"
#include "xalloc.h"

#define FL_NAME 0x4000u
#define FL_SHOW 0x8000u
#define MAX_DEPTH 256

/* ---- writing ------------------------------------------------------------- */

static void gbuf_need(struct gbuf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void put_bytes(struct gbuf *b, const void *p, size_t n)
{
	gbuf_need(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_v(struct gbuf *b, uint64_t v)
{
	gbuf_need(b, 10);
	while (v >= 0x80) {
		b->p[b->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (uint8_t)v;
}

void gbuf_free(struct gbuf *b)
{
	free(b->p);
	*b = (struct gbuf){ 0 };
}

/* The dictionary id of s (NULL: ""), added on first sight; counts uses. */
static uint32_t intern(struct graft *g, const char *s)
{
	if (!s)
		s = "";
	size_t len = strlen(s);
	uint64_t key = hmap_mix(0, hmap_bytes(0x5bd1e995u, s, len));
	for (;;) {
		uintptr_t v = (uintptr_t)hmap_get(&g->intern, key);
		if (!v)
			break;
		if (!strcmp(g->ds[v - 1], s)) {
			g->dcount[v - 1]++;
			return (uint32_t)(v - 1);
		}
		key = hmap_mix(key, 1); /* a collision of two strings' hashes */
	}
	if (g->nd == g->capd) {
		g->capd = g->capd ? 2 * g->capd : 256;
		g->ds = xrealloc(g->ds, g->capd * sizeof(*g->ds));
		g->dfid = xrealloc(g->dfid, g->capd * sizeof(*g->dfid));
		g->dcount = xrealloc(g->dcount, g->capd * sizeof(*g->dcount));
	}
	g->ds[g->nd] = arena_strndup(&g->a, s, len);
	g->dfid[g->nd] = (uint16_t)field_by_name(s);
	g->dcount[g->nd] = 1;
	hmap_put(&g->intern, key, (void *)(uintptr_t)(g->nd + 1));
	return (uint32_t)g->nd++;
}

static uint32_t put_tree(struct graft *g, struct gbuf *b, const struct node *n, unsigned depth)
{
	unsigned fl = n->flags | (depth ? 0 : N_GRAFT);
	fl = (fl & 0x3fffu) | (n->name ? FL_NAME : 0) | (n->show ? FL_SHOW : 0);
	put_v(b, depth);
	put_v(b, fl);
	put_v(b, n->pos);
	put_v(b, n->size);
	put_v(b, n->value);
	if (n->name)
		put_v(b, intern(g, n->name) + 1u);
	if (n->show)
		put_v(b, intern(g, n->show) + 1u);
	put_v(b, intern(g, n->label) + 1u);
	uint32_t count = 1;
	for (const struct node *c = n->child; c; c = c->next)
		count += put_tree(g, b, c, depth + 1);
	return count;
}

void gfmt_add_frame(struct graft *g, uint32_t frame, const struct gfmt_pending *r, size_t n)
{
	struct gbuf *m = &g->mem, nodes = { 0 };
	size_t start = m->len;

	if (!n || (g->nf && frame <= g->f[g->nf - 1].frame))
		return; /* frames come in order; a repeated one is left out */
	put_v(m, n);
	for (size_t k = 0; k < n; k++) {
		put_v(m, r[k].nested);
		put_v(m, r[k].apos);
		put_v(m, r[k].aocc);
		put_v(m, intern(g, r[k].akey) + 1u);
		put_v(m, intern(g, r[k].src->name) + 1u);
		nodes.len = 0;
		uint32_t count = put_tree(g, &nodes, r[k].src, 0);
		put_v(m, count);
		put_v(m, nodes.len);
		put_bytes(m, nodes.p, nodes.len);
	}
	gbuf_free(&nodes);
	if (m->len - start > GFMT_MAX_BLOCK) {
		m->len = start; /* never seen: a frame is at most a few MB */
		return;
	}
	if (g->nf == g->capf) {
		g->capf = g->capf ? 2 * g->capf : 256;
		g->f = xrealloc(g->f, g->capf * sizeof(*g->f));
	}
	g->f[g->nf++] = (struct gframe){ frame, (uint32_t)(m->len - start), start };
	g->roots += n;
}

void gfmt_dict_fids(struct graft *g)
{
	g->dfid = xrealloc(g->dfid, (g->nd ? g->nd : 1) * sizeof(*g->dfid));
	for (size_t i = 0; i < g->nd; i++)
		g->dfid[i] = (uint16_t)field_by_name(g->ds[i]);
}

/* ---- reading ------------------------------------------------------------- */

/* A cursor over untrusted bytes with a sticky error. */
struct gcur {
	const uint8_t *p;
	size_t left;
	bool err;
};

static uint64_t get_v(struct gcur *c)
{
	uint64_t v = 0;
	for (unsigned sh = 0; sh < 70; sh += 7) {
		if (!c->left) {
			c->err = true;
			return 0;
		}
		uint8_t b = *c->p++;
		c->left--;
		if (sh == 63 && b > 1)
			break; /* more than 64 bits */
		v |= (uint64_t)(b & 0x7f) << sh;
		if (!(b & 0x80))
			return v;
	}
	c->err = true;
	return 0;
}

static uint32_t get_u32(struct gcur *c)
{
	uint64_t v = get_v(c);
	if (v > UINT32_MAX)
		c->err = true;
	return c->err ? 0 : (uint32_t)v;
}

/* A ref: the string (NULL on error); *fid its field id when fid is set. */
static const char *get_ref(const struct graft *g, struct gcur *c, int *fid)
{
	uint64_t k = get_v(c);
	if (c->err)
		return NULL;
	if (k == 0) {
		const uint8_t *z = memchr(c->p, 0, c->left);
		if (!z) {
			c->err = true;
			return NULL;
		}
		const char *s = (const char *)c->p;
		c->left -= (size_t)(z - c->p) + 1;
		c->p = z + 1;
		if (fid)
			*fid = field_by_name(s);
		return s;
	}
	if (k > g->nd) {
		c->err = true;
		return NULL;
	}
	if (fid)
		*fid = g->dfid[k - 1];
	return g->ds[k - 1];
}

/* Copies a ref from c to out, remapped (gfmt_recode). */
static void copy_ref(const struct graft *g, struct gcur *c, const uint32_t *remap, struct gbuf *out)
{
	uint64_t k = get_v(c);
	if (c->err || k == 0 || k > g->nd) {
		c->err = true; /* collected blocks have no inline strings */
		return;
	}
	put_v(out, remap[k - 1]);
	if (!remap[k - 1])
		put_bytes(out, g->ds[k - 1], strlen(g->ds[k - 1]) + 1);
}

size_t gfmt_roots(const struct graft *g, const uint8_t *p, size_t len, struct arena *a,
		  struct groot **out)
{
	struct gcur c = { p, len, false };
	uint64_t n = get_v(&c);
	if (c.err || n == 0 || n > len / 7) /* a root takes 7 numbers at least */
		return 0;
	struct groot *r = arena_alloc(a, (size_t)n * sizeof(*r));
	for (size_t k = 0; k < n && !c.err; k++) {
		uint64_t nested = get_v(&c);
		r[k].nested = nested == 1;
		r[k].apos = get_u32(&c);
		r[k].aocc = get_u32(&c);
		r[k].akey = get_ref(g, &c, NULL);
		r[k].name = get_ref(g, &c, NULL);
		r[k].nnodes = get_u32(&c);
		uint64_t nbytes = get_v(&c);
		if (nested > 1 || nbytes > c.left)
			c.err = true;
		if (c.err)
			break;
		r[k].nodes = c.p;
		r[k].nbytes = (size_t)nbytes;
		c.p += nbytes;
		c.left -= (size_t)nbytes;
	}
	if (c.err)
		return 0;
	*out = r;
	return (size_t)n;
}

struct gnode {
	unsigned depth, fl;
	uint32_t pos, size;
	uint64_t value;
	int fid;
	const char *name, *show, *label;
};

static bool get_node(const struct graft *g, struct gcur *c, struct gnode *d)
{
	uint64_t depth = get_v(c), fl = get_v(c);
	d->pos = get_u32(c);
	d->size = get_u32(c);
	d->value = get_v(c);
	d->fid = F_INVALID;
	d->name = fl & FL_NAME ? get_ref(g, c, &d->fid) : NULL;
	d->show = fl & FL_SHOW ? get_ref(g, c, NULL) : NULL;
	d->label = get_ref(g, c, NULL);
	if (c->err || depth >= MAX_DEPTH || fl > 0xffff)
		return false;
	d->depth = (unsigned)depth;
	d->fl = (unsigned)fl;
	return true;
}

static struct node *make_node(struct arena *a, const struct gnode *d)
{
	struct node *n = arena_zalloc(a, sizeof(*n));
	/* N_RAW_SHOW would make value a pointer: tshark's trees never have it */
	n->flags = (uint16_t)(d->fl & 0x3fff & ~(unsigned)N_RAW_SHOW);
	n->pos = d->pos;
	n->size = d->size;
	n->value = d->value;
	if (d->name) {
		n->field = (uint16_t)d->fid;
		n->name = d->fid ? field_name(d->fid) : d->name;
	}
	n->show = d->show;
	n->label = d->label;
	return n;
}

struct node *gfmt_tree(const struct graft *g, const struct groot *r, struct arena *a,
		       struct node *parent, bool facts)
{
	struct gcur c = { r->nodes, r->nbytes, false };
	struct node *stack[MAX_DEPTH], *root = NULL;
	unsigned last = 0;
	/* A top-level graft for ops_build(): the root, and as its children the
	 * nodes ops_graft_reads() names, in order (graftpriv.h). */
	bool part = facts && !r->nested && !g->facts_whole && r->nnodes <= OPS_GRAFT_WALK;

	for (uint32_t k = 0; k < r->nnodes; k++) {
		struct gnode d;
		if (!get_node(g, &c, &d) || (d.depth == 0) != !root || (root && d.depth > last + 1))
			break;
		last = d.depth;
		if (part && root) {
			const char *nm = d.name ? d.name : "";
			if (ops_graft_reads(root->name, nm, strlen(nm), d.depth))
				node_append(root, make_node(a, &d));
			continue;
		}
		struct node *n = make_node(a, &d);
		stack[d.depth] = n;
		if (!root) {
			root = n;
			n->parent = parent;
		} else {
			node_append(stack[d.depth - 1], n);
		}
	}
	return root;
}

int gfmt_recode(const struct graft *g, const uint8_t *src, size_t len, const uint32_t *remap,
		struct gbuf *out)
{
	struct gcur c = { src, len, false };
	struct gbuf nodes = { 0 };
	uint64_t n = get_v(&c);

	out->len = 0;
	put_v(out, n);
	for (uint64_t k = 0; k < n && !c.err; k++) {
		for (int i = 0; i < 3; i++) /* nested, apos, aocc */
			put_v(out, get_v(&c));
		copy_ref(g, &c, remap, out); /* akey */
		copy_ref(g, &c, remap, out); /* name */
		uint32_t nnodes = get_u32(&c);
		uint64_t nbytes = get_v(&c);
		if (c.err || nbytes > c.left)
			break;
		struct gcur t = { c.p, (size_t)nbytes, false };
		nodes.len = 0;
		for (uint32_t i = 0; i < nnodes && !t.err; i++) {
			uint64_t depth = get_v(&t), fl = get_v(&t);
			put_v(&nodes, depth);
			put_v(&nodes, fl);
			for (int j = 0; j < 3; j++) /* pos, size, value */
				put_v(&nodes, get_v(&t));
			if (fl & FL_NAME)
				copy_ref(g, &t, remap, &nodes);
			if (fl & FL_SHOW)
				copy_ref(g, &t, remap, &nodes);
			copy_ref(g, &t, remap, &nodes);
		}
		if (t.err || t.left)
			c.err = true;
		put_v(out, nnodes);
		put_v(out, nodes.len);
		put_bytes(out, nodes.p, nodes.len);
		c.p += nbytes;
		c.left -= (size_t)nbytes;
	}
	gbuf_free(&nodes);
	return c.err || c.left ? -1 : 0;
}
