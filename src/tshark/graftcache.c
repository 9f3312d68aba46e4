/*
 * graftcache.c - the graft cache (design in graft.h, the encoded blocks in
 * graftpriv.h and graftfmt.c): the capture's key, the cache file written
 * after a tshark run, its dictionary and frame index read back (load), a
 * frame's block read from it when the frame is dissected, and the
 * directory's size cap.
 *
 * File format (integers little-endian):
 *
 *   0   magic      "smbcmp-graft 2\n\0" (16 bytes)
 *   16  u32        bytes of the tshark version line
 *   20  u32        0
 *   24  u64 x 6    frames, roots, dictionary strings, dictionary bytes,
 *                  block bytes, index bytes (16 per frame)
 *   72  the tshark version line
 *       the dictionary: its strings, each ended by a NUL
 *       the blocks (graftfmt.c), one per frame with grafts
 *       the index: per frame, u32 frame number, u32 block bytes, u64 block
 *       offset from the first block; frame numbers ascending
 *
 * The sizes add up to the file's exactly (a cut file is stale); loading
 * reads the header, the dictionary and the index (checked whole: strings
 * ended, frames ascending, blocks inside the file), never the blocks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "field.h"
#include "graft.h"
#include "graftpriv.h"
#include "nettlelib.h"
#include "xalloc.h"

#define FULL_HASH_MAX (256u << 20) /* larger files: sampled hash, see graft.h */
#define CACHE_MAGIC "smbcmp-graft 2\n" /* and its NUL: 16 bytes */
#define HEADER 72
#define CACHE_MAX_MB 1024 /* default size cap of the cache directory */
#define DICT_MAX (16u << 20) /* bytes of the dictionary of a cache file */
#define VERSION_MAX 4096

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

/*
 * Reading blocks back. ops_build() reads every frame's grafts in file
 * order; a pread per block would be a system call per frame (12,000 for a
 * 30 MB trace). So each thread reads the file through a window of WINDOW
 * bytes of its own (a thread-specific buffer, freed when the thread ends)
 * and serves the blocks inside it from memory; a block past it moves the
 * window there, one larger than it is read alone. The window is keyed by the
 * graft's load id (gen), never by its address, which a later graft may
 * reuse.
 */
#define WINDOW (256u << 10)
#define WINDOWS 4 /* per thread: a diff reads two traces' blocks in turn */

struct window {
	uint64_t gen;    /* the graft's load id; 0: empty */
	uint64_t off;    /* file offset of buf[0] */
	uint64_t used;   /* when last used (the thread's tick) */
	size_t len;      /* bytes in buf */
	char buf[WINDOW];
};

struct windows {
	uint64_t tick;
	struct window w[WINDOWS];
};

static pthread_key_t window_key;
static pthread_once_t window_once = PTHREAD_ONCE_INIT;
static bool window_ok;
static atomic_uint_fast64_t load_gen;

static void window_init(void)
{
	window_ok = pthread_key_create(&window_key, free) == 0;
}

/* This thread's window for n bytes at off in g's file: the one holding
 * them, else the least recently used one, refilled; NULL on a read
 * error or without windows. */
static struct window *window_for(const struct graft *g, size_t n, uint64_t off)
{
	pthread_once(&window_once, window_init);
	struct windows *ws = window_ok ? pthread_getspecific(window_key) : NULL;
	if (window_ok && !ws && (ws = calloc(1, sizeof(*ws))) && pthread_setspecific(window_key, ws)) {
		free(ws);
		ws = NULL;
	}
	if (!ws)
		return NULL;
	struct window *w = &ws->w[0];
	for (int i = 0; i < WINDOWS; i++) {
		struct window *c = &ws->w[i];
		if (c->gen == g->gen && off >= c->off && off - c->off <= c->len &&
		    n <= c->len - (off - c->off)) {
			w = c;
			goto hit;
		}
		if (c->used < w->used)
			w = c;
	}
	ssize_t got = pread(g->fd, w->buf, WINDOW, (off_t)off);
	if (got < 0) {
		w->gen = 0;
		return NULL;
	}
	w->gen = g->gen;
	w->off = off;
	w->len = (size_t)got;
hit:
	w->used = ++ws->tick;
	return w;
}

/* Copies n bytes at file offset off into out, through this thread's
 * windows when it can; the bytes read (short at the end of the file), -1
 * on a read error. */
static ssize_t window_read(const struct graft *g, char *out, size_t n, uint64_t off)
{
	struct window *w = n <= WINDOW ? window_for(g, n, off) : NULL;
	if (!w)
		return pread(g->fd, out, n, (off_t)off);
	size_t have = w->off + w->len - off;
	size_t k = have < n ? have : n;
	memcpy(out, w->buf + (off - w->off), k);
	return (ssize_t)k;
}

/* ---- cache file --------------------------------------------------------- */

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int by_key(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* The final dictionary: strings used three times or more, most used first
 * (then first seen), up to DICT_MAX bytes. A string used twice (a frame
 * number in a request's and in its response's labels) stays inline: in
 * a DCE/RPC-heavy trace there are a few per call, and the dictionary
 * is held in memory while the blocks are not. */
#define DICT_MIN_USES 3

/* Fills remap (string id -> dictionary index + 1, 0: inline) and order
 * (the dictionary's ids); the dictionary's size. */
static size_t choose_dict(const struct graft *g, uint32_t *remap, uint32_t *order, size_t *bytes)
{
	uint64_t *key = xmalloc((g->nd ? g->nd : 1) * sizeof(*key));
	size_t n = 0, total = 0, k = 0;
	for (size_t i = 0; i < g->nd; i++)
		if (g->dcount[i] >= DICT_MIN_USES)
			key[n++] = (uint64_t)(UINT32_MAX - g->dcount[i]) << 32 | i;
	qsort(key, n, sizeof(*key), by_key);
	memset(remap, 0, g->nd * sizeof(*remap));
	for (; k < n; k++) {
		uint32_t id = (uint32_t)key[k];
		size_t len = strlen(g->ds[id]) + 1;
		if (total + len > DICT_MAX)
			break;
		total += len;
		order[k] = id;
		remap[id] = (uint32_t)k + 1;
	}
	free(key);
	*bytes = total;
	return k;
}

static int write_all(FILE *f, const void *p, size_t n)
{
	return n && fwrite(p, 1, n, f) != n ? -1 : 0;
}

/* The file after its header; 0 or -1. */
static int save_body(FILE *f, const struct graft *g, uint8_t hdr[HEADER], const char *version)
{
	uint32_t *remap = xmalloc((g->nd ? g->nd : 1) * sizeof(*remap));
	uint32_t *order = xmalloc((g->nd ? g->nd : 1) * sizeof(*order));
	uint8_t *index = xmalloc((g->nf ? g->nf : 1) * 16);
	struct gbuf blk = { 0 };
	size_t dbytes, nd = choose_dict(g, remap, order, &dbytes);
	uint64_t blocks = 0;
	int rc = write_all(f, version, strlen(version));

	for (size_t k = 0; k < nd && !rc; k++)
		rc = write_all(f, g->ds[order[k]], strlen(g->ds[order[k]]) + 1);
	for (size_t i = 0; i < g->nf && !rc; i++) {
		const struct gframe *fr = &g->f[i];
		if (gfmt_recode(g, g->mem.p + fr->off, fr->len, remap, &blk) || blk.len > GFMT_MAX_BLOCK) {
			errno = EINVAL;
			rc = -1;
			break;
		}
		le32(index + 16 * i, fr->frame);
		le32(index + 16 * i + 4, (uint32_t)blk.len);
		le64(index + 16 * i + 8, blocks);
		blocks += blk.len;
		rc = write_all(f, blk.p, blk.len);
	}
	if (!rc)
		rc = write_all(f, index, 16 * g->nf);
	memcpy(hdr, CACHE_MAGIC, sizeof(CACHE_MAGIC));
	le32(hdr + 16, (uint32_t)strlen(version));
	le32(hdr + 20, 0);
	le64(hdr + 24, g->nf);
	le64(hdr + 32, g->roots);
	le64(hdr + 40, nd);
	le64(hdr + 48, dbytes);
	le64(hdr + 56, blocks);
	le64(hdr + 64, 16 * (uint64_t)g->nf);
	free(remap);
	free(order);
	free(index);
	gbuf_free(&blk);
	return rc;
}

int gcache_save(const struct graft *g, const char *path, const char *version)
{
	/* A name of its own for every writer: the two sides of a diff of a
	 * trace with itself (or with a copy: same content, same cache key)
	 * save the same path at the same time, from one process. */
	char tmp[4400];
	uint8_t hdr[HEADER] = { 0 };
	if (strlen(version) > VERSION_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
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
	/* The header last: a file cut short never has one that fits it. */
	int rc = write_all(f, hdr, HEADER);
	if (!rc)
		rc = save_body(f, g, hdr, version);
	if (!rc)
		rc = fflush(f) || fseeko(f, 0, SEEK_SET) || write_all(f, hdr, HEADER) ? -1 : 0;
	if (fclose(f) || rc || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* n bytes at off, all of them; 0 or -1. */
static int pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	uint8_t *p = buf;
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* The dictionary's strings (n of them in len bytes at p, which g keeps). */
static int load_dict(struct graft *g, const char *p, size_t len, uint64_t n)
{
	if (n > len || (len && p[len - 1]))
		return -1;
	g->ds = xmalloc((n ? n : 1) * sizeof(*g->ds));
	g->nd = 0;
	for (const char *q = p, *end = p + len; q < end; q += strlen(q) + 1) {
		if (g->nd == n)
			return -1;
		g->ds[g->nd++] = q;
	}
	if (g->nd != n)
		return -1;
	gfmt_dict_fids(g);
	return 0;
}

/* The frame index (n records at p); blocks start at base, blocks bytes. */
static int load_index(struct graft *g, const uint8_t *p, uint64_t n, uint64_t base, uint64_t blocks)
{
	g->f = xmalloc((n ? n : 1) * sizeof(*g->f));
	g->nf = g->capf = (size_t)n;
	for (size_t i = 0; i < n; i++, p += 16) {
		uint32_t frame = rd32(p), len = rd32(p + 4);
		uint64_t off = rd64(p + 8);
		if ((i && frame <= g->f[i - 1].frame) || !len || len > GFMT_MAX_BLOCK ||
		    off > blocks || len > blocks - off)
			return -1;
		g->f[i] = (struct gframe){ frame, len, base + off };
	}
	return 0;
}

int gcache_load(struct graft *g, const char *path, const char *version)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t h[HEADER], *index = NULL;
	struct stat st;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || pread_full(fd, h, HEADER, 0) ||
	    memcmp(h, CACHE_MAGIC, sizeof(CACHE_MAGIC)))
		goto out;
	uint64_t size = (uint64_t)st.st_size, vlen = rd32(h + 16), nf = rd64(h + 24),
		 roots = rd64(h + 32), nd = rd64(h + 40), dlen = rd64(h + 48), blen = rd64(h + 56),
		 ilen = rd64(h + 64);
	/* each at most the file's size: the sum cannot overflow */
	if (vlen != strlen(version) || nd > size || dlen > DICT_MAX || blen > size || ilen > size ||
	    nf > size / 16 || ilen != 16 * nf || roots > blen ||
	    HEADER + vlen + dlen + blen + ilen != size)
		goto out;
	char *v = arena_alloc(&g->a, (size_t)vlen + 1), *dict = arena_alloc(&g->a, (size_t)dlen + 1);
	if (pread_full(fd, v, (size_t)vlen, HEADER) || memcmp(v, version, (size_t)vlen) ||
	    pread_full(fd, dict, (size_t)dlen, HEADER + vlen) ||
	    load_dict(g, dict, (size_t)dlen, nd))
		goto out;
	index = malloc((size_t)ilen + 1);
	if (!index || pread_full(fd, index, (size_t)ilen, size - ilen) ||
	    load_index(g, index, nf, HEADER + vlen + dlen, blen))
		goto out;
	g->roots = (size_t)roots;
	rc = 0;
out:
	free(index);
	if (rc == 0) {
		g->fd = fd;
		g->gen = atomic_fetch_add(&load_gen, 1) + 1;
	} else {
		close(fd);
	}
	return rc;
}

const uint8_t *gcache_block(const struct graft *g, const struct gframe *f, struct arena *a)
{
	if (g->fd < 0)
		return g->mem.p + f->off; /* collected here: inside g->mem */
	char *buf = arena_alloc(a, f->len);
	ssize_t got = window_read(g, buf, f->len, f->off);
	return got == (ssize_t)f->len ? (const uint8_t *)buf : NULL;
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

