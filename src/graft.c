/*
 * graft.c - tshark subtrees grafted into native trees; the design (trigger,
 * one run per trace, anchors, cache) is described in graft.h.
 */
#include "graft.h"

#include <errno.h>
#include <inttypes.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../dissect/hmap.h"
#include "tshark.h"

#define GRAFT_FILTER "dcerpc || kerberos || smb_pipe || mailslot || browser || lanman"
#define FULL_HASH_MAX (256u << 20) /* larger files: sampled hash, see graft.h */
#define CACHE_MAGIC "smbcmp-graft 1"
#define CACHE_MAX_MB 1024 /* default size cap of the cache directory */
#define MAX_TREE (64u << 20) /* bytes of one graft tree in the cache file */

/* One graft root and where it goes. */
struct gentry {
	uint32_t frame;
	uint8_t nested;      /* 0: after a top-level SMB layer; 1: under a node */
	const char *akey;    /* anchor: name, or label for a text item */
	uint32_t apos, aocc; /* anchor pos (nested) and occurrence */
	struct node *tree;   /* in memory (fresh from tshark, no cache), or */
	uint64_t off;        /* where its first N line is in the cache file */
	uint32_t len;        /* and the bytes of its N lines */
	const char *name;    /* the root's protocol name */
};

struct graft {
	struct arena a;
	struct gentry *e;
	size_t n, cap;
	size_t frames;
	struct hmap byframe; /* frame number -> first entry index + 1 */
	int fd;              /* the cache file the trees are read from, or -1 */
	bool debug;
};

static const char *const smb_layers[] = { "nbss", "nbdgm", "smb", "smb2", NULL };

static bool is_smb_layer(const char *name)
{
	for (int i = 0; name && smb_layers[i]; i++)
		if (!strcmp(name, smb_layers[i]))
			return true;
	return false;
}

int graft_native_proto(const char *name)
{
	int fid = name ? field_by_name(name) : F_INVALID;
	return fid != F_INVALID && field_get(fid)->type == FT_PROTOCOL;
}

/* Protocols never grafted: raw bytes and tshark's own items. */
static bool graftable(const struct node *n)
{
	return n->flags & N_PROTO && n->name && strcmp(n->name, "data") &&
	       strcmp(n->name, "fake-field-wrapper") && strncmp(n->name, "_ws.", 4);
}

static const char *node_key(const struct node *n)
{
	return n->name ? n->name : n->label;
}

/* ---- trees -------------------------------------------------------------- */

/* Copies a subtree into arena a; with dup, its strings too (except the
 * names of registry fields, which are static). */
static struct node *copy_tree(struct arena *a, const struct node *s, struct node *parent,
			      bool dup)
{
	struct node *n = arena_alloc(a, sizeof(*n));
	*n = *s;
	n->parent = parent;
	n->next = n->child = n->last = NULL;
	if (dup) {
		if (n->name && n->field == F_INVALID)
			n->name = arena_strdup(a, n->name);
		n->label = arena_strdup(a, n->label ? n->label : "");
		if (n->show)
			n->show = arena_strdup(a, n->show);
	}
	for (const struct node *c = s->child; c; c = c->next) {
		struct node *k = copy_tree(a, c, n, dup);
		if (n->last)
			n->last->next = k;
		else
			n->child = k;
		n->last = k;
	}
	return n;
}

static void insert_after(struct node *parent, struct node *prev, struct node *n)
{
	n->parent = parent;
	if (!prev) { /* first child */
		n->next = parent->child;
		parent->child = n;
		if (!parent->last)
			parent->last = n;
		return;
	}
	n->next = prev->next;
	prev->next = n;
	if (parent->last == prev)
		parent->last = n;
}

static void append_child(struct node *parent, struct node *n)
{
	insert_after(parent, parent->last, n);
}

/* Preorder walk for the occ-th node with key and pos below root. With
 * target set, counts the matches before target instead (into *count). */
static struct node *find_nth(struct node *root, const char *key, uint32_t pos,
			     uint32_t *count, const struct node *target)
{
	for (struct node *c = root->child; c; c = c->next) {
		if (c == target)
			return c;
		const char *k = node_key(c);
		if (k && !strcmp(k, key) && c->pos == pos) {
			if (!target && *count == 0)
				return c;
			if (target)
				++*count;
			else
				--*count;
		}
		struct node *r = find_nth(c, key, pos, count, target);
		if (r)
			return r;
	}
	return NULL;
}

/* ---- collecting grafts from tshark's trees ----------------------------- */

static void add_entry(struct graft *g, uint32_t frame, bool nested, const char *akey,
		      uint32_t apos, uint32_t aocc, const struct node *src)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->e = realloc(g->e, g->cap * sizeof(*g->e));
		if (!g->e) {
			fputs("smbcmp: out of memory\n", stderr);
			abort();
		}
	}
	struct node *tree = copy_tree(&g->a, src, NULL, true);
	tree->flags |= N_GRAFT;
	g->e[g->n++] = (struct gentry){ frame, nested, arena_strdup(&g->a, akey), apos, aocc,
					tree, 0, 0, tree->name };
}

/* Nested grafts: unknown protocols below a native layer. */
static void collect_nested(struct graft *g, uint32_t frame, struct node *root, struct node *n)
{
	for (struct node *c = n->child; c; c = c->next) {
		if (graftable(c) && !graft_native_proto(c->name)) {
			uint32_t occ = 0;
			const char *key = node_key(n);
			if (!key)
				continue;
			find_nth(root, key, n->pos, &occ, n);
			add_entry(g, frame, true, key, n->pos, occ, c);
			continue;
		}
		collect_nested(g, frame, root, c);
	}
}

static void collect(struct graft *g, const struct ts_frame *f)
{
	const struct node *anchor = NULL;
	uint32_t occ[4] = { 0 }, aocc = 0;
	size_t before = g->n;

	for (struct node *c = f->root->child; c; c = c->next) {
		if (is_smb_layer(c->name)) {
			int k = 0;
			while (strcmp(smb_layers[k], c->name))
				k++;
			anchor = c;
			aocc = occ[k]++;
			collect_nested(g, f->num, f->root, c);
		} else if (anchor && graftable(c)) {
			add_entry(g, f->num, false, anchor->name, 0, aocc, c);
		}
	}
	if (g->n > before) {
		hmap_put(&g->byframe, hmap_mix(0, f->num), (void *)(uintptr_t)(before + 1));
		g->frames++;
	}
}

/* ---- the hook ------------------------------------------------------------ */

static bool has_child(const struct node *n, const char *name)
{
	for (const struct node *c = n->child; c; c = c->next)
		if (c->name && !strcmp(c->name, name) && !(c->flags & N_GRAFT))
			return true;
	return false;
}

static struct node *top_anchor(struct node *root, const char *name, uint32_t occ)
{
	for (struct node *c = root->child; c; c = c->next)
		if (c->name && !strcmp(c->name, name) && occ-- == 0)
			return c;
	return NULL;
}

/* True if the native tree already has protocol name after anchor, before
 * the next SMB layer. */
static bool native_has_top(const struct node *anchor, const char *name)
{
	for (const struct node *c = anchor->next; c && !is_smb_layer(c->name); c = c->next)
		if (c->name && !strcmp(c->name, name) && !(c->flags & N_GRAFT))
			return true;
	return false;
}

static struct node *read_tree(const struct graft *g, const struct gentry *e, struct arena *a,
			      struct node *parent);

/* Entry e's tree for a frame's arena a, under parent: a copy of the tree in
 * memory, or read from the cache file. NULL if the file lets us down. */
static struct node *entry_tree(const struct graft *g, const struct gentry *e, struct arena *a,
			       struct node *parent)
{
	return e->tree ? copy_tree(a, e->tree, parent, false) : read_tree(g, e, a, parent);
}

/* Nested grafts go in first, so that top-level grafts (which may hold
 * native-looking names) never shift the anchors they count. */
static void hook(void *ctx, struct trace *t, struct arena *a, size_t i, struct node *root)
{
	struct graft *g = ctx;
	uint32_t num = trace_frame(t, i)->num;
	uintptr_t first = (uintptr_t)hmap_get(&g->byframe, hmap_mix(0, num));
	if (!first)
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = first - 1; k < g->n && g->e[k].frame == num; k++) {
			const struct gentry *e = &g->e[k];
			if (e->nested != !pass)
				continue;
			if (e->nested) {
				uint32_t occ = e->aocc;
				struct node *p = find_nth(root, e->akey, e->apos, &occ, NULL);
				struct node *n;
				if (p && !has_child(p, e->name) && (n = entry_tree(g, e, a, p)))
					append_child(p, n);
				continue;
			}
			struct node *at = top_anchor(root, e->akey, e->aocc), *n;
			if (!at) {
				if ((n = entry_tree(g, e, a, root)))
					append_child(root, n);
				continue;
			}
			if (native_has_top(at, e->name))
				continue;
			while (at->next && !is_smb_layer(at->next->name))
				at = at->next;
			if ((n = entry_tree(g, e, a, root)))
				insert_after(root, at, n);
		}
	}
}

/* ---- trigger ----------------------------------------------------------- */

static const char *trigger(const struct trace *t)
{
	unsigned seen = trace_foreign(t);

	if (seen & TRACE_SAW_DCERPC)
		return "DCE/RPC";
	if (seen & TRACE_SAW_KRB5)
		return "Kerberos";
	return NULL;
}

/* ---- cache key ---------------------------------------------------------- */

int graft_cache_dir(char *buf, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	if (x && *x == '/')
		snprintf(buf, n, "%s/smbcmp", x);
	else if (h && *h)
		snprintf(buf, n, "%s/.cache/smbcmp", h);
	else
		return -1;
	return 0;
}

static int mkdir_p(const char *dir)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0700) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

static void hex(char *out, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* SHA-256 of the file (sampled above FULL_HASH_MAX, see graft.h). */
static int file_key(const char *path, char out[65], char *err, size_t errlen)
{
	struct sha256_ctx h;
	struct stat st;
	FILE *f = fopen(path, "rb");
	static const size_t chunk = 1 << 20;
	uint8_t *buf = malloc(chunk), d[SHA256_DIGEST_SIZE];
	int rc = -1;

	if (!f || !buf || fstat(fileno(f), &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	sha256_init(&h);
	if ((uint64_t)st.st_size > FULL_HASH_MAX) {
		char meta[64];
		int m = snprintf(meta, sizeof(meta), "sampled %lld %lld", (long long)st.st_size,
				 (long long)st.st_mtim.tv_sec);
		sha256_update(&h, (size_t)m, (const uint8_t *)meta);
		size_t r = fread(buf, 1, chunk, f);
		sha256_update(&h, r, buf);
		if (fseeko(f, st.st_size - (off_t)chunk, SEEK_SET) == 0) {
			r = fread(buf, 1, chunk, f);
			sha256_update(&h, r, buf);
		}
	} else {
		size_t r;
		while ((r = fread(buf, 1, chunk, f)) > 0)
			sha256_update(&h, r, buf);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	sha256_digest(&h, sizeof(d), d);
	hex(out, d, sizeof(d));
	rc = 0;
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

/* ---- cache file --------------------------------------------------------- */

static void put_str(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '\\': fputs("\\\\", f); break;
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		default: fputc(*s, f);
		}
}

static void put_tree(FILE *f, const struct node *n, unsigned depth)
{
	unsigned fl = n->flags | (n->name ? 0x4000u : 0) | (n->show ? 0x8000u : 0);
	fprintf(f, "N\t%u\t%u\t%u\t%u\t%llu\t", depth, fl, n->pos, n->size,
		(unsigned long long)n->value);
	put_str(f, n->name);
	fputc('\t', f);
	put_str(f, n->show);
	fputc('\t', f);
	put_str(f, n->label);
	fputc('\n', f);
	for (const struct node *c = n->child; c; c = c->next)
		put_tree(f, c, depth + 1);
}

static int save(const struct graft *g, const char *path, const char *version)
{
	char tmp[4400];
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\t", CACHE_MAGIC);
	put_str(f, version);
	fputc('\n', f);
	for (size_t i = 0; i < g->n; i++) {
		const struct gentry *e = &g->e[i];
		fprintf(f, "G\t%u\t%u\t%u\t%u\t", e->frame, e->nested, e->apos, e->aocc);
		put_str(f, e->akey);
		fputc('\n', f);
		put_tree(f, e->tree, 0);
	}
	fputs("E\n", f);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Splits line at tabs into at most max fields (unescaped in place). */
static size_t split(char *line, char **fld, size_t max)
{
	size_t n = 0;
	char *w = line;
	fld[n++] = w;
	for (char *r = line; *r; r++) {
		if (*r == '\t') {
			*w++ = 0;
			if (n == max)
				return n;
			fld[n++] = w;
		} else if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return n;
}

/* The node of an N line split into its 9 fields, strings copied into a;
 * its depth in *depth. */
static struct node *line_node(struct arena *a, char **fld, unsigned *depth)
{
	unsigned fl = (unsigned)strtoul(fld[2], NULL, 10);
	struct node *n = arena_zalloc(a, sizeof(*n));
	*depth = (unsigned)strtoul(fld[1], NULL, 10);
	n->flags = (uint16_t)(fl & 0x3fff);
	n->pos = (uint32_t)strtoul(fld[3], NULL, 10);
	n->size = (uint32_t)strtoul(fld[4], NULL, 10);
	n->value = strtoull(fld[5], NULL, 10);
	if (fl & 0x4000) {
		int fid = field_by_name(fld[6]);
		n->field = (uint16_t)fid;
		n->name = fid ? field_get(fid)->name : arena_strdup(a, fld[6]);
	}
	n->show = fl & 0x8000 ? arena_strdup(a, fld[7]) : NULL;
	n->label = arena_strdup(a, fld[8]);
	return n;
}

/*
 * Reads entry e's tree from the cache file into arena a, under parent: its
 * e->len bytes of N lines at e->off, one pread (safe from several threads).
 * load() checked the file's shape; if it changed since, what is read stops
 * at the first line out of place (NULL when not even the root).
 */
static struct node *read_tree(const struct graft *g, const struct gentry *e, struct arena *a,
			      struct node *parent)
{
	char *fld[9];
	struct node *stack[256], *root = NULL;
	unsigned last = 0;

	if (g->fd < 0)
		return NULL;
	char *buf = malloc((size_t)e->len + 1);
	ssize_t got = buf ? pread(g->fd, buf, e->len, (off_t)e->off) : -1;
	if (got < 0) {
		free(buf);
		return NULL;
	}
	buf[got] = 0;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break; /* a cut line: the file changed */
		*nl = 0;
		if (strncmp(line, "N\t", 2) || split(line, fld, 9) != 9)
			break;
		unsigned depth;
		struct node *n = line_node(a, fld, &depth);
		if (depth >= 256 || (depth == 0) != !root || (root && depth > last + 1))
			break;
		stack[depth] = n;
		last = depth;
		if (depth == 0) {
			root = n;
			n->parent = parent;
		} else {
			append_child(stack[depth - 1], n);
		}
	}
	free(buf);
	return root;
}

/*
 * Indexes a cache file into g: its entries (frame, anchor, the root's name
 * and where its tree starts), not the trees, which read_tree() reads when
 * a frame is dissected; g keeps the file open. 0, or -1 if missing, stale
 * or damaged (checked whole: every entry has a tree of well-formed N lines,
 * depths step down one at a time, the file ends with E).
 */
static int load(struct graft *g, const char *path, const char *version)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int dfd = fd >= 0 ? dup(fd) : -1;
	FILE *f = dfd >= 0 ? fdopen(dfd, "r") : NULL;
	char *line = NULL, *fld[9];
	size_t cap = 0;
	ssize_t len;
	uint64_t pos = 0;
	int rc = -1;
	unsigned last = 0;
	uint32_t frame = 0;
	bool ended = false;

	if (!f) {
		if (dfd >= 0)
			close(dfd);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((len = getline(&line, &cap, f)) <= 0)
		goto out;
	pos += (uint64_t)len;
	line[strcspn(line, "\n")] = 0;
	if (split(line, fld, 2) != 2 || strcmp(fld[0], CACHE_MAGIC) || strcmp(fld[1], version))
		goto out;
	size_t cur = SIZE_MAX;
	struct arena scratch;
	arena_init(&scratch);
	while ((len = getline(&line, &cap, f)) > 0) {
		uint64_t at = pos;
		pos += (uint64_t)len;
		line[strcspn(line, "\n")] = 0;
		if (line[0] == 'N' && line[1] == '\t' && cur != SIZE_MAX) {
			/* Only the depth, and the root's name: read_tree() parses
			 * the rest when the frame is dissected. */
			struct gentry *e = &g->e[cur];
			char *end;
			unsigned long depth = strtoul(line + 2, &end, 10);
			if (*end != '\t' || depth >= 256 || (depth == 0) != !e->name ||
			    (e->name && depth > last + 1))
				break;
			last = (unsigned)depth;
			if (depth == 0) {
				if (split(line, fld, 9) != 9)
					break;
				unsigned d0;
				struct node *n = line_node(&scratch, fld, &d0);
				e->off = at;
				e->name = n->name ? arena_strdup(&g->a, n->name) : "";
				arena_reset(&scratch);
			}
			continue;
		}
		size_t k = split(line, fld, 9);
		if (cur != SIZE_MAX && (!strcmp(fld[0], "E") || !strcmp(fld[0], "G"))) {
			struct gentry *p = &g->e[cur];
			if (!p->name || at - p->off > MAX_TREE)
				break; /* the previous entry had no tree, or a huge one */
			p->len = (uint32_t)(at - p->off);
		}
		if (!strcmp(fld[0], "E")) {
			ended = true;
			break;
		}
		if (!strcmp(fld[0], "G") && k == 6) {
			if (g->n == g->cap) {
				g->cap = g->cap ? g->cap * 2 : 64;
				g->e = realloc(g->e, g->cap * sizeof(*g->e));
				if (!g->e)
					abort();
			}
			struct gentry *e = &g->e[g->n];
			*e = (struct gentry){ .frame = (uint32_t)strtoul(fld[1], NULL, 10),
					      .nested = (uint8_t)(fld[2][0] == '1'),
					      .apos = (uint32_t)strtoul(fld[3], NULL, 10),
					      .aocc = (uint32_t)strtoul(fld[4], NULL, 10),
					      .akey = arena_strdup(&g->a, fld[5]) };
			cur = g->n++;
			if (e->frame != frame || g->n == 1) {
				frame = e->frame;
				hmap_put(&g->byframe, hmap_mix(0, frame), (void *)(uintptr_t)(cur + 1));
				g->frames++;
			}
		} else {
			break;
		}
	}
	arena_free(&scratch);
	rc = ended && (cur == SIZE_MAX || g->e[cur].len) ? 0 : -1;
out:
	free(line);
	fclose(f);
	if (rc == 0)
		g->fd = fd;
	else
		close(fd);
	return rc;
}

/* ---- cache size ---------------------------------------------------------- */

struct cfile {
	char name[256];
	off_t size;
	struct timespec used; /* mtime: set on every hit (touch) */
};

static int by_use(const void *x, const void *y)
{
	const struct cfile *a = x, *b = y;
	if (a->used.tv_sec != b->used.tv_sec)
		return a->used.tv_sec < b->used.tv_sec ? -1 : 1;
	if (a->used.tv_nsec != b->used.tv_nsec)
		return a->used.tv_nsec < b->used.tv_nsec ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The cap in bytes: $SMBCMP_CACHE_MAX_MB, else CACHE_MAX_MB. */
static uint64_t cache_cap(void)
{
	const char *v = getenv("SMBCMP_CACHE_MAX_MB");
	char *end;
	unsigned long mb = v && *v ? strtoul(v, &end, 10) : CACHE_MAX_MB;
	if (v && *v && *end)
		mb = CACHE_MAX_MB;
	return (uint64_t)mb << 20;
}

/*
 * Keeps the cache directory under its cap: removes the least recently used
 * .graft files (by mtime, which a hit refreshes) until the rest fits, never
 * keep (the file just written or read). Failures are not errors: the cache
 * is an optimisation.
 */
static void cache_trim(const char *dir, const char *keep, bool debug)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct cfile *f = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;
		if (len < 7 || len >= sizeof(f->name) || strcmp(de->d_name + len - 6, ".graft") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct cfile *nf = realloc(f, (cap = cap ? 2 * cap : 64) * sizeof(*f));
			if (!nf)
				break;
			f = nf;
		}
		memcpy(f[n].name, de->d_name, len + 1);
		f[n].size = st.st_size;
		f[n].used = st.st_mtim;
		total += (uint64_t)st.st_size;
		n++;
	}
	uint64_t max = cache_cap();
	const char *base = strrchr(keep, '/') ? strrchr(keep, '/') + 1 : keep;
	if (total > max && f) {
		qsort(f, n, sizeof(*f), by_use);
		for (size_t i = 0; i < n && total > max; i++) {
			if (!strcmp(f[i].name, base) || unlinkat(dirfd(d), f[i].name, 0))
				continue;
			total -= (uint64_t)f[i].size;
			if (debug)
				fprintf(stderr, "smbcmp: graft: cache over %" PRIu64 " MB, removed %s\n",
					max >> 20, f[i].name);
		}
	}
	free(f);
	closedir(d);
}

/* ---- attaching ----------------------------------------------------------- */

static struct graft *graft_new(void)
{
	struct graft *g = calloc(1, sizeof(*g));
	if (!g) {
		fputs("smbcmp: out of memory\n", stderr);
		abort();
	}
	arena_init(&g->a);
	hmap_init(&g->byframe);
	g->fd = -1;
	const char *dbg = getenv("SMBCMP_DEBUG");
	g->debug = dbg && strstr(dbg, "graft");
	return g;
}

static void graft_clear(struct graft *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	free(g->e);
	g->e = NULL;
	g->n = g->cap = g->frames = 0;
	hmap_free(&g->byframe);
	hmap_init(&g->byframe);
	arena_free(&g->a);
	arena_init(&g->a);
}

/* graft_start(): graft_attach's work on a thread. */
struct graft_job {
	pthread_t th;
	struct trace *t;
	const struct ts_secrets *sec;
	struct graft *g;       /* the result, when rc is 0 */
	int rc;
	char err[512];
	atomic_bool done;
	atomic_bool cancel;    /* graft_stop(): end tshark, give up */
	atomic_int pid[2];     /* tshark's processes while they run */
	bool quiet;            /* no "running tshark" line (the UI's title says it) */
	bool threaded;         /* th runs it (else it ran in graft_start) */
};

/* Signals the job's tshark processes (the reader then sees end of input). */
static void job_kill(struct graft_job *j)
{
	for (int i = 0; i < 2; i++) {
		pid_t p = atomic_load(&j->pid[i]);
		if (p > 0)
			kill(p, SIGTERM);
	}
}

/* Runs tshark once over the capture and keeps the graft roots. */
static int run_tshark(struct graft *g, const char *path, const struct ts_secrets *sec,
		      struct graft_job *j, char *err, size_t errlen)
{
	struct tshark *ts;
	struct ts_opts o = { .filter = GRAFT_FILTER, .secrets = sec };
	struct arena a;
	struct ts_frame f;
	int r;

	if (tshark_open(&ts, path, &o, err, errlen))
		return -1;
	if (j) {
		pid_t p[2];
		tshark_pids(ts, p);
		atomic_store(&j->pid[0], p[0]);
		atomic_store(&j->pid[1], p[1]);
		if (atomic_load(&j->cancel)) /* graft_stop() ran before the store */
			job_kill(j);
	}
	arena_init(&a);
	while ((r = tshark_next(ts, &a, &f, err, errlen)) > 0) {
		if (j && atomic_load(&j->cancel)) {
			snprintf(err, errlen, "stopped");
			r = -1;
			break;
		}
		collect(g, &f);
		arena_reset(&a);
	}
	if (j) {
		atomic_store(&j->pid[0], 0);
		atomic_store(&j->pid[1], 0);
	}
	arena_free(&a);
	char cerr[512];
	if (tshark_close(ts, NULL, cerr, sizeof(cerr)) && r == 0) {
		snprintf(err, errlen, "%s", cerr);
		return -1;
	}
	return r < 0 ? -1 : 0;
}

/* The grafts of trace t, without installing the hook: what may run on
 * another thread (it reads only the trace's path and trigger flags). */
static int build(struct graft **out, struct trace *t, const struct ts_secrets *sec,
		 struct graft_job *j, char *err, size_t errlen)
{
	struct graft *g = graft_new();
	char dir[4096], version[512], key[65], cpath[4300];
	const char *why = trigger(t);

	*out = NULL;
	if (!why) { /* graft_start() does not start a job then */
		*out = g;
		return 0;
	}
	bool cache = graft_cache_dir(dir, sizeof(dir)) == 0;
	if (tshark_version(cache && mkdir_p(dir) == 0 ? dir : NULL, version, sizeof(version),
			   err, errlen))
		goto fail;
	if (cache && file_key(trace_path(t), key, err, errlen) == 0) {
		uint8_t vd[SHA256_DIGEST_SIZE];
		char vh[2 * SHA256_DIGEST_SIZE + 1];
		struct sha256_ctx h;
		sha256_init(&h);
		sha256_update(&h, strlen(version), (const uint8_t *)version);
		const char *conf[2] = { sec ? sec->preferences : NULL,
					sec ? sec->smb2_seskey_list : NULL };
		for (int i = 0; i < 2; i++) /* keys change what tshark decrypts */
			sha256_update(&h, conf[i] ? strlen(conf[i]) + 1 : 1,
				      (const uint8_t *)(conf[i] ? conf[i] : ""));
		sha256_digest(&h, sizeof(vd), vd);
		hex(vh, vd, 8);
		snprintf(cpath, sizeof(cpath), "%s/%s-%s.graft", dir, key, vh);
		if (load(g, cpath, version) == 0) {
			if (g->debug)
				fprintf(stderr, "smbcmp: graft: cache hit %s (%zu grafts in %zu frames)\n",
					cpath, g->n, g->frames);
			utimensat(AT_FDCWD, cpath, NULL, 0); /* recently used: trimmed last */
			goto ok;
		}
		graft_clear(g);
	} else {
		cache = false;
	}
	/* Minutes on a big trace: say why nothing seems to happen (not from
	 * the UI's thread, whose title says it, nor into a pipe or log). */
	if (!(j && j->quiet) && isatty(STDERR_FILENO))
		fprintf(stderr, "smbcmp: %s: %s payloads: running tshark once (cached afterwards)...\n",
			trace_path(t), why);
	if (run_tshark(g, trace_path(t), sec, j, err, errlen))
		goto fail;
	if (g->debug)
		fprintf(stderr, "smbcmp: graft: %s payload: ran tshark, %zu grafts in %zu frames%s%s\n",
			why, g->n, g->frames, cache ? ", saved " : "", cache ? cpath : "");
	if (cache && save(g, cpath, version)) {
		if (g->debug)
			fprintf(stderr, "smbcmp: graft: cannot write %s: %s\n", cpath, strerror(errno));
	} else if (cache) {
		/* Trees from the file from now on, not held in memory (if it
		 * reads back: else those in memory stay). */
		struct graft *lazy = graft_new();
		if (load(lazy, cpath, version) == 0) {
			graft_free(g, NULL);
			g = lazy;
		} else {
			graft_free(lazy, NULL);
		}
	}
	if (cache)
		cache_trim(dir, cpath, g->debug);
ok:
	*out = g;
	return 0;
fail:
	graft_free(g, NULL);
	return -1;
}

static void install(struct graft *g, struct trace *t)
{
	if (g->n)
		trace_set_hook(t, hook, g);
}

static void *job_thread(void *arg)
{
	struct graft_job *j = arg;
	j->rc = build(&j->g, j->t, j->sec, j, j->err, sizeof(j->err));
	atomic_store(&j->done, true);
	return NULL;
}

struct graft_job *graft_start(struct trace *t, const struct ts_secrets *sec, bool quiet)
{
	if (!trigger(t)) {
		const char *dbg = getenv("SMBCMP_DEBUG");
		if (dbg && strstr(dbg, "graft"))
			fprintf(stderr, "smbcmp: graft: %s: no DCE/RPC or Kerberos payload, tshark not needed\n",
				trace_path(t));
		return NULL;
	}
	struct graft_job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->t = t;
	j->sec = sec;
	j->quiet = quiet;
	atomic_init(&j->done, false);
	atomic_init(&j->cancel, false);
	atomic_init(&j->pid[0], 0);
	atomic_init(&j->pid[1], 0);
	j->threaded = pthread_create(&j->th, NULL, job_thread, j) == 0;
	if (!j->threaded)
		job_thread(j); /* no thread: the work is done here and now */
	return j;
}

int graft_poll(struct graft_job *j, struct graft **out, char *err, size_t errlen)
{
	if (!atomic_load(&j->done))
		return 0;
	return graft_wait(j, out, err, errlen);
}

int graft_wait(struct graft_job *j, struct graft **out, char *err, size_t errlen)
{
	if (j->threaded)
		pthread_join(j->th, NULL);
	int rc = j->rc;
	if (rc == 0) {
		install(j->g, j->t);
		*out = j->g;
	} else {
		snprintf(err, errlen, "%s", j->err);
	}
	free(j);
	return rc == 0 ? 1 : -1;
}

void graft_stop(struct graft_job *j)
{
	if (!j)
		return;
	atomic_store(&j->cancel, true);
	job_kill(j);
	if (j->threaded)
		pthread_join(j->th, NULL);
	if (j->rc == 0)
		graft_free(j->g, NULL);
	free(j);
}

void graft_free(struct graft *g, struct trace *t)
{
	if (!g)
		return;
	if (t)
		trace_set_hook(t, NULL, NULL);
	if (g->fd >= 0)
		close(g->fd);
	free(g->e);
	hmap_free(&g->byframe);
	arena_free(&g->a);
	free(g);
}

void graft_counts(const struct graft *g, size_t *frames, size_t *roots)
{
	*frames = g ? g->frames : 0;
	*roots = g ? g->n : 0;
}
