/*
 * fieldcmp.c - field-by-field comparison of two aligned operations
 * (design point 4 at the top of diff.c).
 *
 * The children of two nodes are aligned as lists by Myers on a hash of
 * each subtree's visible content, gaps re-aligned on the identity (field
 * name, or a text item's label up to ':'); matched pairs recurse, items on
 * one side only are differences. Ids go through the per-connection-pair
 * bijection (id_ok). In record mode the differences are listed with their
 * tree paths; otherwise only counted.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "diff.h"
#include "diffpriv.h"
#include "xalloc.h"

#define MAX_DEPTH 64

/* String hashes for the alignment of children: 8 bytes per step (the
 * hashes of every subtree are a large part of a diff's time). */
static uint64_t hstrn(uint64_t h, const char *s, size_t n)
{
	return hmap_mix(hmap_bytes(h, s, n), 0x17);
}

static uint64_t hstr(uint64_t h, const char *s)
{
	return s ? hstrn(h, s, strlen(s)) : hstrn(h, "", 0);
}

/* ---- field comparison ---- */

struct cmp {
	struct diff *d;
	struct dconn *conn;
	enum id_mode idm;    /* how ids meet the bijection (diffpriv.h) */
	struct idlog *log;   /* ID_LOG: the checks, in order */
	const struct op *op[2]; /* the operations compared */
	struct arena *a;     /* record mode: strings, fields */
	bool record;
	const char *side;    /* "request" / "response" */
	const struct node *root[2];
	struct dfield *f;
	size_t nf, cap, max, more;
	size_t ndiff;
	struct memo *memo;
	size_t nmemo, capmemo;
};

struct item {
	const struct node *n;
	uint64_t content, ident;
};

/* A subtree's content hash, kept: cmp_list() hashes the children of each
 * node it descends into, and those hashes were computed already, inside
 * their parent's. node.aux holds the index + 1 of a node's entry. */
struct memo {
	const struct node *n;
	uint64_t h;
	bool under_ignored, has_id, vis;
};

/* hstr(1, name) of every registry field, made once (pthread_once) and
 * read-only afterwards: most nodes are registry fields, and hashing their
 * names again for every node was a few per cent of a diff. */
static uint64_t field_ident[F_COUNT];
static pthread_once_t field_ident_once = PTHREAD_ONCE_INIT;

static void build_field_ident(void)
{
	for (int f = 1; f < F_COUNT; f++)
		field_ident[f] = hstr(1, field_name(f));
}

/* The hash of a node's identity (diff_node_ident), a name and a label
 * apart. */
static uint64_t ident_hash(const struct node *n)
{
	if (n->name && n->field > 0 && n->field < F_COUNT &&
	    n->name == field_name(n->field)) {
		pthread_once(&field_ident_once, build_field_ident);
		return field_ident[n->field];
	}
	size_t len;
	const char *id = diff_node_ident(n, &len);
	return hstrn(n->name ? 1 : 2, id, len);
}

/*
 * Action for n: its mask rule, or for a text item (no name) under an
 * ignored node, ignore: it is part of that node's presentation.
 */
static enum mask_action eff_action(struct cmp *c, const struct node *n,
				   bool under_ignored)
{
	if (!n->name)
		return under_ignored ? MASK_IGNORE : MASK_COMPARE;
	return masks_node(c->d->o.masks, n);
}

/*
 * A bytes field whose contents are dissected into children (a directory
 * listing blob, an info buffer, an ioctl buffer) is compared through its
 * children: its raw value repeats them, volatile parts (times, ids) and all,
 * and those have their own mask rules.
 */
static bool value_in_children(const struct node *n)
{
	return n->child && n->field != F_INVALID &&
	       (field_get(n->field)->type == FT_BYTES ||
		field_get(n->field)->type == FT_UINT_BYTES);
}

/* The memo entry of n for under_ignored, or NULL. */
static const struct memo *memo_get(const struct cmp *c, const struct node *n,
				   bool under_ignored)
{
	if (!n->aux || n->aux > c->nmemo)
		return NULL;
	const struct memo *m = &c->memo[n->aux - 1];
	return m->n == n && m->under_ignored == under_ignored ? m : NULL;
}

static void memo_put(struct cmp *c, const struct node *n, uint64_t h,
		     bool under_ignored, bool has_id, bool vis)
{
	if (c->nmemo == UINT32_MAX)
		return;
	if (c->nmemo == c->capmemo) {
		c->capmemo = c->capmemo ? 2 * c->capmemo : 256;
		c->memo = xrealloc(c->memo, c->capmemo * sizeof(*c->memo));
	}
	c->memo[c->nmemo++] = (struct memo){ n, h, under_ignored, has_id, vis };
	/* The trees compared are this comparison's own (ops_trees): their
	 * aux is scratch (tree.h). */
	((struct node *)n)->aux = (uint32_t)c->nmemo;
}

/* content_hash() below depth, and whether it reached MAX_DEPTH (a hash cut
 * there depends on the depth it was computed at: not kept). */
static uint64_t hash_subtree(struct cmp *c, const struct node *n, bool *has_id,
			     bool *vis, bool under_ignored, unsigned depth, bool *cut)
{
	uint64_t h = ident_hash(n);
	enum mask_action act = eff_action(c, n, under_ignored);

	*vis = act != MASK_IGNORE;
	if (act == MASK_ID)
		*has_id = true;
	else if (act == MASK_IGNORE)
		;
	else if (n->name && !(n->flags & N_PROTO) && !value_in_children(n))
		h = hstr(h, node_raw_show(n));
	else if (!n->name && !n->child)
		h = hstr(h, n->label);
	if (depth >= MAX_DEPTH) {
		*cut = n->child != NULL;
		return h;
	}
	for (const struct node *k = n->child; k; k = k->next) {
		bool kv;
		uint64_t kh;
		const struct memo *m = memo_get(c, k, act == MASK_IGNORE);
		if (m) {
			kh = m->h;
			kv = m->vis;
			*has_id |= m->has_id;
		} else {
			bool kid = false, kcut = false;
			kh = hash_subtree(c, k, &kid, &kv, act == MASK_IGNORE, depth + 1, &kcut);
			if (!kcut)
				memo_put(c, k, kh, act == MASK_IGNORE, kid, kv);
			*has_id |= kid;
			*cut |= kcut;
		}
		if (kv) {
			h = hmap_mix(h, kh);
			*vis = true;
		}
	}
	return h;
}

/*
 * Content hash of a subtree: identities, compared values, children.
 * *has_id is set when an id field is inside; *vis when anything in it is
 * not ignored (an ignored node hides its own value and presence only: its
 * children follow their own rules, so a masked security blob still shows
 * the NTLMSSP fields dissected inside it). Each subtree is hashed once per
 * comparison (struct memo).
 */
static uint64_t content_hash(struct cmp *c, const struct node *n, bool *has_id,
			     bool *vis, bool under_ignored, unsigned depth)
{
	const struct memo *m = memo_get(c, n, under_ignored);
	if (m) {
		*has_id |= m->has_id;
		*vis = m->vis;
		return m->h;
	}
	bool hid = false, cut = false;
	uint64_t h = hash_subtree(c, n, &hid, vis, under_ignored, depth, &cut);
	if (!cut)
		memo_put(c, n, h, under_ignored, hid, *vis);
	*has_id |= hid;
	return h;
}

const char *diff_node_ident(const struct node *n, size_t *len)
{
	if (n->name) {
		*len = strlen(n->name);
		return n->name;
	}
	const char *l = n->label ? n->label : "";
	const char *colon = strchr(l, ':');
	*len = colon ? (size_t)(colon - l) : strlen(l);
	return l;
}

bool diff_same_ident(const struct node *x, const struct node *y)
{
	size_t la, lb;
	const char *a = diff_node_ident(x, &la), *b = diff_node_ident(y, &lb);
	return (x->name != NULL) == (y->name != NULL) && la == lb && !memcmp(a, b, la);
}

/* Appends n bytes of s at offset o of buf (len bytes); returns o + n. */
static size_t put(char *buf, size_t len, size_t o, const char *s, size_t n)
{
	if (o < len)
		memcpy(buf + o, s, n < len - o ? n : len - o);
	return o + n;
}

size_t diff_node_path(char *buf, size_t len, const struct node *n,
		      const struct node *top, const char *prefix)
{
	const struct node *chain[DIFF_PATH_DEPTH];
	int k = 0;
	size_t o = 0;

	for (const struct node *x = n; x && k < DIFF_PATH_DEPTH; x = x->parent) {
		chain[k++] = x;
		if (x == top)
			break;
	}
	if (prefix)
		o = put(buf, len, o, prefix, strlen(prefix));
	for (int i = k; i-- > 0;) {
		const struct node *x = chain[i];
		unsigned idx = 0, total = 0;
		if (x->parent)
			for (const struct node *s = x->parent->child; s; s = s->next)
				if (diff_same_ident(s, x)) {
					if (s == x)
						idx = total;
					total++;
				}
		size_t il;
		const char *id = diff_node_ident(x, &il);
		if (prefix || i != k - 1)
			o = put(buf, len, o, "/", 1);
		o = put(buf, len, o, id, il);
		if (total > 1) {
			char ix[16];
			int m = snprintf(ix, sizeof(ix), "[%u]", idx);
			o = put(buf, len, o, ix, (size_t)m);
		}
	}
	if (len)
		buf[o < len ? o : len - 1] = '\0';
	return o;
}

/* Path of n below its member root: "request/smb2/SMB2 Header/smb2.nt_status[1]". */
static const char *node_path(struct cmp *c, const struct node *n)
{
	const struct node *top = n;
	while (top->parent && top != c->root[0] && top != c->root[1])
		top = top->parent;
	size_t len = diff_node_path(NULL, 0, n, top, c->side);
	char *out = arena_alloc(c->a, len + 1);
	diff_node_path(out, len + 1, n, top, c->side);
	return out;
}

static const char *ident_text(struct arena *a, const struct node *n)
{
	size_t len;
	const char *id = diff_node_ident(n, &len);
	return id[len] ? arena_strndup(a, id, len) : id;
}

static const char *node_value(const struct node *n)
{
	if (n->name && !(n->flags & N_PROTO))
		return n->show ? n->show : "";
	return n->label ? n->label : "";
}

/* Counts a difference; whether to record it (record mode, and fewer than
 * max recorded: beyond, it is counted in more). */
static bool room(struct cmp *c)
{
	c->ndiff++;
	if (!c->record)
		return false;
	if (c->nf >= c->max) {
		c->more++;
		return false;
	}
	return true;
}

/* Appends the difference of na and nb (either NULL when absent). */
static void put_field(struct cmp *c, const struct node *na, const struct node *nb,
		      const char *note)
{
	if (c->nf == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct dfield *nf = arena_alloc(c->a, ncap * sizeof(*nf));
		if (c->nf)
			memcpy(nf, c->f, c->nf * sizeof(*nf));
		c->f = nf;
		c->cap = ncap;
	}
	const struct node *n = na ? na : nb;
	struct dfield *f = &c->f[c->nf++];
	f->name = ident_text(c->a, n);
	f->path = node_path(c, n);
	f->a = na ? node_value(na) : NULL;
	f->b = nb ? node_value(nb) : NULL;
	f->la = na ? na->label : NULL;
	f->lb = nb ? nb->label : NULL;
	f->note = note;
	f->node[0] = na;
	f->node[1] = nb;
}

static void record(struct cmp *c, const struct node *na, const struct node *nb,
		   const char *note)
{
	if (room(c))
		put_field(c, na, nb, note);
}

/* A pseudo-field difference (no node). */
static void record_pseudo(struct cmp *c, const char *name, const char *va,
			  const char *vb)
{
	if (masks_name(c->d->o.masks, name) == MASK_IGNORE || !room(c))
		return;
	struct node fake[2];
	memset(fake, 0, sizeof(fake));
	fake[0].name = fake[1].name = name;
	fake[0].show = fake[0].label = va ? va : "";
	fake[1].show = fake[1].label = vb ? vb : "";
	fake[0].label = va ? arena_printf(c->a, "%s: %s", name, va) : NULL;
	fake[1].label = vb ? arena_printf(c->a, "%s: %s", name, vb) : NULL;
	const char *side = c->side;
	const struct node *r0 = c->root[0], *r1 = c->root[1];
	c->side = "operation";
	c->root[0] = &fake[0];
	c->root[1] = &fake[1];
	put_field(c, va ? &fake[0] : NULL, vb ? &fake[1] : NULL, NULL);
	/* no node: the fakes are on the stack */
	c->f[c->nf - 1].node[0] = c->f[c->nf - 1].node[1] = NULL;
	c->side = side;
	c->root[0] = r0;
	c->root[1] = r1;
}

static bool sentinel(const char *v)
{
	if (!v)
		return true;
	const char *p = v;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	bool zero = true, ones = true;
	int digits = 0;
	for (; *p; p++) {
		if (*p == '-' || *p == ':')
			continue;
		digits++;
		zero &= *p == '0';
		ones &= *p == 'f' || *p == 'F';
	}
	return digits && (zero || ones);
}

/*
 * DCE/RPC context handles: one name space whatever field carries them
 * (lsa_OpenPolicy2.handle is used again as lsa_Close.handle).
 */
static bool rpc_handle(const char *name)
{
	size_t n = strlen(name);
	if (!strncmp(name, "smb", 3))
		return false;
	return (n >= 6 && !strcmp(name + n - 6, "handle")) ||
	       (n >= 4 && (!strcmp(name + n - 4, "_hnd") || !strcmp(name + n - 4, ".hnd")));
}

/* Length of the share part of a normalised path ("share\\dir" -> 5). */
static size_t share_len(const char *p)
{
	const char *s = strchr(p, '\\');
	return s ? (size_t)(s - p) : strlen(p);
}

/*
 * Ids are compared by what they name. A tree id names the share of the
 * operation's path, a file id the file it acts on (ops.c traces file ids
 * back to the CREATE that opened them, and marks ops whose path came so).
 * When both sides' objects are known, the ids are consistent: the objects
 * themselves are compared as fields (the path, the file name), and a
 * client that connects the tree again per file or opens a file three
 * times names the same share and file with new ids. Returns 1 consistent,
 * 0 inconsistent, -1 unknown (the bijection decides).
 */
static int id_by_object(const struct cmp *c, const char *name)
{
	const struct op *a = c->op[0], *b = c->op[1];
	if (!a || !b || !a->key->path || !b->key->path)
		return -1;
	if (!strcmp(name, "smb2.tid") || !strcmp(name, "smb.tid")) {
		size_t la = share_len(a->key->path), lb = share_len(b->key->path);
		return la == lb && !strncmp(a->key->path, b->key->path, la);
	}
	if (!strcmp(name, "smb2.fid") || !strcmp(name, "smb.fid")) {
		bool ka = a->flags & OP_PATH_FROM_ID || op_opens(a);
		bool kb = b->flags & OP_PATH_FROM_ID || op_opens(b);
		return ka && kb ? 1 : -1;
	}
	return -1;
}

/* ---- the id bijection of a connection pair ---- */

/* The keys of A's value (side 0) and B's (side 1) in struct idmap. */
static uint64_t idkey(uint64_t k, int side)
{
	return hmap_mix(k, side ? 0xb5 : 0xa5);
}

static uint64_t idmap_get(const struct idmap *m, uint64_t key)
{
	if (!m->cap)
		return 0;
	for (uint32_t j = (uint32_t)(key * 0x9e3779b97f4a7c15ULL >> 32) & (m->cap - 1);;
	     j = (j + 1) & (m->cap - 1)) {
		if (m->kv[2 * j] == key)
			return m->kv[2 * j + 1];
		if (!m->kv[2 * j])
			return 0;
	}
}

static void idmap_put(struct idmap *m, uint64_t key, uint64_t val)
{
	if ((m->n + 1) * 4 > m->cap * 3) { /* at most 3/4 full */
		uint32_t ncap = m->cap ? 2 * m->cap : 8;
		uint64_t *old = m->kv;
		uint32_t ocap = m->cap;
		m->kv = xrealloc(NULL, 2 * (size_t)ncap * sizeof(*m->kv));
		memset(m->kv, 0, 2 * (size_t)ncap * sizeof(*m->kv));
		m->cap = ncap;
		m->n = 0;
		for (uint32_t i = 0; i < ocap; i++)
			if (old[2 * i])
				idmap_put(m, old[2 * i], old[2 * i + 1]);
		free(old);
	}
	uint32_t j = (uint32_t)(key * 0x9e3779b97f4a7c15ULL >> 32) & (m->cap - 1);
	while (m->kv[2 * j] && m->kv[2 * j] != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->kv[2 * j])
		m->n++;
	m->kv[2 * j] = key;
	m->kv[2 * j + 1] = val;
}

void diff_idmap_free(struct idmap *m)
{
	free(m->kv);
	memset(m, 0, sizeof(*m));
}

/* The check's answer from the bindings made; binds when neither value is
 * bound and bind is true. */
static bool id_check(struct idmap *m, const struct idcheck *k, bool bind)
{
	uint64_t ka = idkey(k->ka, 0), kb = idkey(k->kb, 1);
	uint64_t pa = idmap_get(m, ka), pb = idmap_get(m, kb);
	if (!pa && !pb) {
		if (bind) {
			idmap_put(m, ka, k->hb);
			idmap_put(m, kb, k->ha);
		}
		return true;
	}
	return pa == k->hb && pb == k->ha;
}

bool diff_id_commit(struct dconn *cn, const struct idcheck *k)
{
	return id_check(&cn->ids, k, true);
}

/*
 * Consistent renaming check and binding for id fields. ID_LOG appends the
 * check to c->log and answers true (diff_id_commit() gives the answer
 * later); ID_READ answers without binding (an unbound pair is consistent).
 */
static bool id_ok(struct cmp *c, const char *name, const char *va, const char *vb)
{
	if (sentinel(va) || sentinel(vb))
		return !strcmp(va ? va : "", vb ? vb : "");
	if (!strcmp(name, "smb2.previous_sesid"))
		name = "smb2.sesid";
	else if (rpc_handle(name))
		name = "dcerpc.context_handle";
	uint64_t cls = hstr(3, name);
	struct idcheck k;
	k.ha = hstr(4, va) | 1;
	k.hb = hstr(4, vb) | 1;
	k.ka = hmap_mix(cls, k.ha);
	k.kb = hmap_mix(cls, k.hb);
	if (c->idm == ID_LOG) {
		struct idlog *l = c->log;
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 256;
			l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		}
		l->v[l->n++] = k;
		return true;
	}
	return id_check(&c->conn->ids, &k, c->idm == ID_BIND);
}

static void cmp_list(struct cmp *c, const struct node *pa, const struct node *pb,
		     bool ignored, unsigned depth);

/*
 * A subtree present on one side only: one difference. In record mode a
 * text item (a body, a header) is listed by the fields inside it, so the
 * report shows what is missing, not just the name of its container.
 */
static void record_one_side(struct cmp *c, const struct node *n, int side,
			    bool under_ignored, unsigned depth)
{
	bool ignored = eff_action(c, n, under_ignored) == MASK_IGNORE;
	bool expand = (c->record && !n->name) || ignored;
	bool any = false;
	if (expand && depth < MAX_DEPTH) {
		for (const struct node *k = n->child; k; k = k->next) {
			bool has_id = false, vis;
			content_hash(c, k, &has_id, &vis, ignored, depth + 1);
			if (!vis)
				continue;
			record_one_side(c, k, side, ignored, depth + 1);
			any = true;
		}
	}
	if (!any && !ignored)
		record(c, side ? NULL : n, side ? n : NULL, NULL);
}

/* Id fields na and nb (values va and vb): an inconsistent use is a
 * difference. */
static void cmp_id(struct cmp *c, const struct node *na, const struct node *nb,
		   const char *va, const char *vb)
{
	int obj = sentinel(va) || sentinel(vb) ? -1 : id_by_object(c, na->name);
	if (obj == 0 || (obj < 0 && !id_ok(c, na->name, va, vb)))
		record(c, na, nb, "id used inconsistently");
}

static void cmp_pair(struct cmp *c, const struct node *na, const struct node *nb,
		     bool under_ignored, unsigned depth, bool same_content, bool has_id)
{
	if (same_content && !has_id)
		return;
	bool ignored = eff_action(c, na, under_ignored) == MASK_IGNORE;
	if (na->name && nb->name && !(na->flags & N_PROTO)) {
		enum mask_action act = masks_node(c->d->o.masks, na);
		const char *va = node_raw_show(na), *vb = node_raw_show(nb);
		va = va ? va : "";
		vb = vb ? vb : "";
		if (act == MASK_ID) {
			cmp_id(c, na, nb, va, vb);
		} else if (act == MASK_COMPARE && !value_in_children(na) &&
			   !value_in_children(nb) && strcmp(va, vb) != 0) {
			record(c, na, nb, NULL);
		}
	} else if (!na->name && !nb->name && !na->child && !nb->child &&
		   strcmp(na->label ? na->label : "", nb->label ? nb->label : "")) {
		record(c, na, nb, NULL);
	}
	if (depth < MAX_DEPTH && (na->child || nb->child))
		cmp_list(c, na, nb, ignored, depth + 1);
}

static size_t items_of(struct cmp *c, const struct node *p, bool ignored,
		       struct item **out, bool **ids)
{
	size_t n = 0;
	for (const struct node *k = p->child; k; k = k->next)
		n++;
	struct item *it = xrealloc(NULL, n * sizeof(*it));
	bool *hid = xrealloc(NULL, n * sizeof(*hid));
	size_t m = 0;
	for (const struct node *k = p->child; k; k = k->next) {
		bool vis;
		hid[m] = false;
		it[m].content = content_hash(c, k, &hid[m], &vis, ignored, 0);
		if (!vis)
			continue;
		it[m].n = k;
		it[m].ident = ident_hash(k);
		m++;
	}
	*out = it;
	*ids = hid;
	return m;
}

static void cmp_list(struct cmp *c, const struct node *pa, const struct node *pb,
		     bool ignored, unsigned depth)
{
	struct item *ia, *ib;
	bool *ida, *idb;
	size_t na = items_of(c, pa, ignored, &ia, &ida);
	size_t nb = items_of(c, pb, ignored, &ib, &idb);
	uint64_t *keys = xrealloc(NULL, (na + nb) * 2 * sizeof(*keys));
	uint64_t *ka[2] = { keys, keys + na }, *kb[2] = { keys + 2 * na, keys + 2 * na + nb };
	for (size_t i = 0; i < na; i++) {
		ka[0][i] = ia[i].content;
		ka[1][i] = ia[i].ident;
	}
	for (size_t j = 0; j < nb; j++) {
		kb[0][j] = ib[j].content;
		kb[1][j] = ib[j].ident;
	}
	int64_t *match = xrealloc(NULL, na * sizeof(*match));
	uint8_t *lvl = xrealloc(NULL, na);
	align_levels((const uint64_t *const *)ka, (const uint64_t *const *)kb, 2,
		     na, nb, match, lvl);
	size_t j = 0;
	for (size_t i = 0; i < na; i++) {
		if (match[i] == ALIGN_NONE) {
			record_one_side(c, ia[i].n, 0, ignored, depth);
			continue;
		}
		for (; j < (size_t)match[i]; j++)
			record_one_side(c, ib[j].n, 1, ignored, depth);
		cmp_pair(c, ia[i].n, ib[j].n, ignored, depth, lvl[i] == 0, ida[i] || idb[j]);
		j++;
	}
	for (; j < nb; j++)
		record_one_side(c, ib[j].n, 1, ignored, depth);
	free(lvl);
	free(match);
	free(keys);
	free(ia);
	free(ib);
	free(ida);
	free(idb);
}

/*
 * The fast path of an equal member, most of them: both trees walked in
 * step, every node against its counterpart, comparing what content_hash()
 * would hash (identity, compared value, children) instead of hashing both
 * sides. When every node has its counterpart, cmp_list() would pair each
 * with it and find nothing but what the id fields say; those are checked
 * afterwards, in the order cmp_pair() meets them (tree order). Stricter
 * than the hashes (ignored nodes must match too, no hash collision): any
 * mismatch, a tree deeper than MAX_DEPTH or more id fields than SAME_IDS
 * gives up, having changed nothing, and the general comparison runs.
 */
#define SAME_IDS 64

struct same {
	const struct node *id[SAME_IDS][2]; /* the id fields met, in order */
	size_t nid;
};

static const char *show_or_empty(const struct node *n)
{
	const char *v = node_raw_show(n);
	return v ? v : "";
}

static bool same_list(struct cmp *c, const struct node *pa, const struct node *pb,
		      bool ignored, unsigned depth, struct same *sm);

static bool same_node(struct cmp *c, const struct node *x, const struct node *y,
		      bool under_ignored, unsigned depth, struct same *sm)
{
	if (!x->name != !y->name || (x->flags & N_PROTO) != (y->flags & N_PROTO) ||
	    !x->child != !y->child)
		return false;
	if (x->name ? x->name != y->name && strcmp(x->name, y->name) : !diff_same_ident(x, y))
		return false;
	bool vic = value_in_children(x);
	if (vic != value_in_children(y))
		return false;
	enum mask_action act = eff_action(c, x, under_ignored);
	if (act == MASK_ID) {
		if (x->name && !(x->flags & N_PROTO)) {
			if (sm->nid == SAME_IDS)
				return false;
			sm->id[sm->nid][0] = x;
			sm->id[sm->nid++][1] = y;
		}
	} else if (act == MASK_IGNORE) {
		;
	} else if (x->name && !(x->flags & N_PROTO) && !vic) {
		const char *vx = show_or_empty(x), *vy = show_or_empty(y);
		if (vx != vy && strcmp(vx, vy))
			return false;
	} else if (!x->name && !x->child) {
		if (strcmp(x->label ? x->label : "", y->label ? y->label : ""))
			return false;
	}
	return !x->child || same_list(c, x, y, act == MASK_IGNORE, depth + 1, sm);
}

static bool same_list(struct cmp *c, const struct node *pa, const struct node *pb,
		      bool ignored, unsigned depth, struct same *sm)
{
	if (depth + 2 >= MAX_DEPTH)
		return false;
	const struct node *x = pa->child, *y = pb->child;
	for (; x && y; x = x->next, y = y->next)
		if (!same_node(c, x, y, ignored, depth, sm))
			return false;
	return !x && !y;
}

/* Member trees a and b compared on the fast path; false when it gave up. */
static bool cmp_same(struct cmp *c, const struct node *a, const struct node *b)
{
	struct same sm;
	sm.nid = 0;
	if (!same_list(c, a, b, false, 0, &sm))
		return false;
	for (size_t i = 0; i < sm.nid; i++)
		cmp_id(c, sm.id[i][0], sm.id[i][1], show_or_empty(sm.id[i][0]),
		       show_or_empty(sm.id[i][1]));
	return true;
}

/* The AndX block of an SMB1 link view (ops_trees), or NULL. */
static const struct node *andx_block(const struct node *smb)
{
	for (const struct node *k = smb ? smb->child : NULL; k; k = k->next)
		if (k->flags & N_ANDX)
			return k;
	return NULL;
}

/*
 * Compares two member trees (smb/smb2 nodes); either may be NULL. links:
 * one side is a later link of an SMB1 AndX chain, which has no header of
 * its own: only the two AndX blocks are compared.
 */
static void cmp_member(struct cmp *c, const char *side, const struct node *a,
		       const struct node *b, bool links)
{
	c->side = side;
	c->root[0] = a;
	c->root[1] = b;
	if (!a || !b)
		return;
	const struct node *ba = links ? andx_block(a) : NULL;
	const struct node *bb = links ? andx_block(b) : NULL;
	if (ba && bb) {
		bool ida = false, idb = false, va, vb;
		uint64_t ha = content_hash(c, ba, &ida, &va, false, 1);
		uint64_t hb = content_hash(c, bb, &idb, &vb, false, 1);
		cmp_pair(c, ba, bb, false, 1, ha == hb, ida || idb);
		return;
	}
	if (!links && !c->record && cmp_same(c, a, b))
		return;
	cmp_list(c, a, b, false, 0);
}

static const char *opt_str(const char *s)
{
	return s ? s : "(none)";
}

/* Compares entry e. Returns its status; fills det in record mode. */
enum dstatus diff_cmp_entry_ids(struct diff *d, struct dentry *e, struct arena *a,
				struct ddetail *det, size_t max_fields, enum id_mode idm,
				struct idlog *log)
{
	bool record = det != NULL;
	struct node *req[2] = { NULL, NULL }, *rsp[2] = { NULL, NULL };
	const char *rq[2] = { "", "" }, *rs[2] = { "", "" };
	const struct op *op[2] = { NULL, NULL };

	for (int s = 0; s < 2; s++)
		if (e->op[s] != OP_NONE) {
			op[s] = &d->s[s].ops[e->op[s]];
			ops_trees(&d->s[s], op[s], a, &req[s], &rsp[s], &rq[s], &rs[s],
				  !record);
		}
	if (!record) {
		const char *const sums[4] = { rq[0], rs[0], rq[1], rs[1] };
		diff_sums_keep(d, e, sums);
	}
	if (det) {
		for (int s = 0; s < 2; s++) {
			det->req[s] = req[s];
			det->rsp[s] = rsp[s];
			det->req_sum[s] = rq[s];
			det->rsp_sum[s] = rs[s];
			det->key[s] = op[s] ? op_key_text(a, op[s]) : NULL;
		}
	}
	if (d->o.filter) {
		struct node *roots[4] = { req[0], rsp[0], req[1], rsp[1] };
		bool keep = (op[0] && filter_match(d->o.filter, roots, 2)) ||
			    (op[1] && filter_match(d->o.filter, roots + 2, 2));
		if (!keep)
			return DS_FILTERED;
	}
	if (!op[0] || !op[1])
		return op[0] ? DS_ONLY_A : DS_ONLY_B;

	struct cmp c = { .d = d, .conn = &d->conns[e->conn], .a = a, .record = record,
			 .op = { op[0], op[1] }, .idm = idm, .log = log };
	c.max = max_fields;
	c.side = "operation";
	if (!req[0] != !req[1])
		record_pseudo(&c, "smbcmp.request", req[0] ? "present" : NULL,
			      req[1] ? "present" : NULL);
	if (!rsp[0] != !rsp[1])
		record_pseudo(&c, "smbcmp.response", rsp[0] ? "present" : "absent",
			      rsp[1] ? "present" : "absent");
	if ((op[0]->flags | op[1]->flags) & OP_PATH_FROM_ID &&
	    strcmp(opt_str(op[0]->key->path), opt_str(op[1]->key->path)))
		record_pseudo(&c, "smbcmp.path", opt_str(op[0]->key->path), opt_str(op[1]->key->path));
	if (op[0]->ninterim != op[1]->ninterim)
		record_pseudo(&c, "smbcmp.interim",
			      arena_printf(a, "%u", op[0]->ninterim),
			      arena_printf(a, "%u", op[1]->ninterim));
	cmp_member(&c, "request", req[0], req[1], op[0]->req_link || op[1]->req_link);
	cmp_member(&c, "response", rsp[0], rsp[1], op[0]->rsp_link || op[1]->rsp_link);
	free(c.memo);
	if (det) {
		det->f = c.f;
		det->nf = c.nf;
		det->more = c.more;
	}
	return c.ndiff ? DS_CHANGED : DS_EQUAL;
}


enum dstatus diff_cmp_entry(struct diff *d, struct dentry *e,
			    struct arena *a, struct ddetail *det, size_t max_fields)
{
	return diff_cmp_entry_ids(d, e, a, det, max_fields, ID_BIND, NULL);
}
