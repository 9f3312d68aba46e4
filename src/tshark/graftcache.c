/*
 * graftcache.c - the graft cache (design in graft.h): the capture's key,
 * the cache file written after a tshark run, its offset index read back
 * (load) and one graft's tree read from it when its frame is dissected,
 * and the directory's size cap.
 *
 * File format, one line per record, fields tab-separated with \\ \\t \\n \\r
 * escaped: "smbcmp-graft 1<TAB>tshark version", then per graft
 * "G frame nested apos aocc anchor-key" followed by its tree in preorder,
 * "N depth flags pos size value name show label", and "E" at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "field.h"
#include "graft.h"
#include "graftpriv.h"
#include "nettlelib.h"
#include "ops.h"

#define FULL_HASH_MAX (256u << 20) /* larger files: sampled hash, see graft.h */
#define CACHE_MAGIC "smbcmp-graft 1"
#define CACHE_MAX_MB 1024 /* default size cap of the cache directory */
#define MAX_TREE (64u << 20) /* bytes of one graft tree in the cache file */

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

int gcache_mkdir(const char *dir)
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

void gcache_hex(char *out, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* SHA-256 of the file (sampled above FULL_HASH_MAX, see graft.h). */
int gcache_file_key(const char *path, char out[65], char *err, size_t errlen)
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
	gcache_hex(out, d, sizeof(d));
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

int gcache_save(const struct graft *g, const char *path, const char *version)
{
	/* A name of its own for every writer: the two sides of a diff of a
	 * trace with itself (or with a copy: same content, same cache key)
	 * save the same path at the same time, from one process. */
	char tmp[4400];
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
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
/* A run without tab or backslash at r: its length. With padded, at least
 * 15 bytes after the NUL ending r are readable: 16 bytes a step (SSE2). */
static size_t run_len(const char *r, bool padded)
{
#ifdef __SSE2__
	if (padded) {
		const __m128i tab = _mm_set1_epi8('\t'), bs = _mm_set1_epi8('\\'),
			      nul = _mm_setzero_si128();
		for (size_t k = 0;; k += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(r + k));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(x, tab), _mm_cmpeq_epi8(x, bs)),
				_mm_cmpeq_epi8(x, nul)));
			if (m)
				return k + (unsigned)__builtin_ctz(m);
		}
	}
#endif
	(void)padded;
	return strcspn(r, "\t\\");
}

static size_t split_run(char *line, char **fld, size_t max, bool padded)
{
	size_t n = 0;
	char *w = line, *r = line;
	fld[n++] = w;
	for (;;) {
		size_t k = run_len(r, padded); /* a run without tab or backslash */
		if (w != r)
			memmove(w, r, k);
		w += k;
		r += k;
		if (!*r)
			break;
		if (*r == '\t') {
			*w++ = 0;
			r++;
			if (n == max)
				return n;
			fld[n++] = w;
		} else if (r[1]) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
			r++;
		} else {
			*w++ = *r++; /* a backslash ending the line */
		}
	}
	*w = 0;
	return n;
}

static size_t split(char *line, char **fld, size_t max)
{
	return split_run(line, fld, max, false);
}

/* The node of an N line split into its 9 fields, strings copied into a;
 * its depth in *depth. */
/* A decimal number (the cache writes plain ones); stops at the first
 * non-digit. */
static uint64_t dec(const char *s)
{
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

/* The node of an "N" line split into fld; its strings are fld's (the
 * caller keeps the line as long as the node). */
static struct node *line_node(struct arena *a, char **fld, unsigned *depth)
{
	unsigned fl = (unsigned)dec(fld[2]);
	struct node *n = arena_zalloc(a, sizeof(*n));
	*depth = (unsigned)dec(fld[1]);
	n->flags = (uint16_t)(fl & 0x3fff);
	n->pos = (uint32_t)dec(fld[3]);
	n->size = (uint32_t)dec(fld[4]);
	n->value = dec(fld[5]);
	if (fl & 0x4000) {
		int fid = field_by_name(fld[6]);
		n->field = (uint16_t)fid;
		n->name = fid ? field_name(fid) : fld[6];
	}
	n->show = fl & 0x8000 ? fld[7] : NULL;
	n->label = fld[8];
	return n;
}

/*
 * Reading trees back. ops_build() reads every frame's trees in file order;
 * a pread per tree would be a system call per graft (65,000 for a 93 MB
 * trace). So each thread reads the file through a window of WINDOW bytes
 * of its own (a thread-specific buffer, freed when the thread ends) and
 * serves the trees inside it from memory; a tree past it moves the window
 * there, one larger than it is read alone. The window is keyed by the
 * graft's load id (gen), never by its address, which a later graft may
 * reuse.
 */
#define WINDOW (256u << 10)

struct window {
	uint64_t gen;    /* the graft's load id; 0: empty */
	uint64_t off;    /* file offset of buf[0] */
	size_t len;      /* bytes in buf */
	char buf[WINDOW];
};

static pthread_key_t window_key;
static pthread_once_t window_once = PTHREAD_ONCE_INIT;
static bool window_ok;
static atomic_uint_fast64_t load_gen;

static void window_init(void)
{
	window_ok = pthread_key_create(&window_key, free) == 0;
}

/* Copies n bytes at file offset off into out, through this thread's
 * window when it can; the bytes read (short at the end of the file), -1
 * on a read error. */
static ssize_t window_read(const struct graft *g, char *out, size_t n, uint64_t off)
{
	pthread_once(&window_once, window_init);
	struct window *w = window_ok ? pthread_getspecific(window_key) : NULL;
	if (window_ok && !w && (w = malloc(sizeof(*w)))) {
		w->gen = 0;
		if (pthread_setspecific(window_key, w)) {
			free(w);
			w = NULL;
		}
	}
	if (!w || n > WINDOW)
		return pread(g->fd, out, n, (off_t)off);
	if (w->gen != g->gen || off < w->off || off + n > w->off + w->len) {
		ssize_t got = pread(g->fd, w->buf, WINDOW, (off_t)off);
		if (got < 0) {
			w->gen = 0;
			return -1;
		}
		w->gen = g->gen;
		w->off = off;
		w->len = (size_t)got;
	}
	size_t have = w->off + w->len - off;
	size_t k = have < n ? have : n;
	memcpy(out, w->buf + (off - w->off), k);
	return (ssize_t)k;
}

/*
 * A top-level graft's tree for a facts-mode dissection: its root, and as
 * the root's children, in file order, the nodes ops_build() reads
 * (ops_graft_reads); the other lines are checked (depth, field count) as
 * read_tree() checks them, not parsed.
 */
static struct node *read_facts(char *buf, struct arena *a, struct node *parent)
{
	char *fld[9];
	struct node *root = NULL;
	unsigned last = 0;

	for (char *line = buf, *nl; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break; /* a cut line: the file changed */
		*nl = 0;
		if (strncmp(line, "N\t", 2))
			break;
		/* the name is the 7th field, after 6 short numbers */
		const char *name = NULL, *p = line;
		int tabs = 0;
		for (; *p && tabs < 7; p++)
			if (*p == '\t' && ++tabs == 6)
				name = p + 1;
		if (tabs < 7 || !memchr(p, '\t', (size_t)(nl - p)))
			break; /* fewer than 9 fields */
		size_t namelen = (size_t)(p - 1 - name);
		unsigned depth = (unsigned)dec(line + 2);
		if (depth >= 256 || (depth == 0) != !root || (root && depth > last + 1))
			break;
		last = depth;
		if (root && !ops_graft_reads(root->name, name, namelen, depth))
			continue;
		if (split_run(line, fld, 9, true) != 9)
			break;
		struct node *n = line_node(a, fld, &depth);
		if (!root) {
			root = n;
			n->parent = parent;
		} else {
			node_append(root, n);
		}
	}
	return root;
}

struct node *gcache_read_tree(const struct graft *g, const struct gentry *e, struct arena *a,
			      struct node *parent, bool facts)
{
	char *fld[9];
	struct node *stack[256], *root = NULL;
	unsigned last = 0;

	if (g->fd < 0)
		return NULL;
	/* In a's memory: the nodes' strings stay in their lines. 16 bytes
	 * of zeros after them: split_run() reads 16 at a time. */
	char *buf = arena_alloc(a, (size_t)e->len + 16);
	ssize_t got = window_read(g, buf, e->len, e->off);
	if (got < 0)
		return NULL;
	memset(buf + got, 0, 16);
	if (facts && !e->nested && !g->facts_whole) {
		size_t lines = 0;
		for (const char *q = buf, *end = buf + got;
		     lines <= OPS_GRAFT_WALK && (q = memchr(q, '\n', (size_t)(end - q))); q++)
			lines++;
		if (lines <= OPS_GRAFT_WALK)
			return read_facts(buf, a, parent);
	}
	for (char *line = buf, *nl; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break; /* a cut line: the file changed */
		*nl = 0;
		if (strncmp(line, "N\t", 2) || split_run(line, fld, 9, true) != 9)
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
			node_append(stack[depth - 1], n);
		}
	}
	return root;
}

/*
 * Indexes a cache file into g: its entries (frame, anchor, the root's name
 * and where its tree starts), not the trees, which read_tree() reads when
 * a frame is dissected; g keeps the file open. 0, or -1 if missing, stale
 * or damaged (checked whole: every entry has a tree of well-formed N lines,
 * depths step down one at a time, the file ends with E).
 */
int gcache_load(struct graft *g, const char *path, const char *version)
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
	/* stdio's 4 KB buffer would be a read() per 4 KB of a file of
	 * hundreds of MB */
	setvbuf(f, NULL, _IOFBF, WINDOW);
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
	if (rc == 0) {
		g->fd = fd;
		g->gen = atomic_fetch_add(&load_gen, 1) + 1;
	} else {
		close(fd);
	}
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
void gcache_trim(const char *dir, const char *keep, bool debug)
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

