/*
 * graft.c - tshark subtrees grafted into native trees; the design (trigger,
 * one run per trace, anchors, cache) is described in graft.h. Here:
 * collecting the grafts from tshark's trees, the hook that inserts them,
 * and the jobs that prepare them (on a thread); the cache file is
 * graftcache.c's.
 */
#include "graft.h"
#include "graftpriv.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hmap.h"
#include "nettlelib.h"
#include "tshark.h"
#include "xalloc.h"

#define GRAFT_FILTER "dcerpc || kerberos || smb_pipe || mailslot || browser || lanman"

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

/* The roots of one frame, before gfmt_add_frame() encodes them. */
struct pending {
	struct gfmt_pending *r;
	size_t n, cap;
};

static void add_root(struct pending *p, bool nested, const char *akey, uint32_t apos,
		     uint32_t aocc, const struct node *src)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->r = xrealloc(p->r, p->cap * sizeof(*p->r));
	}
	p->r[p->n++] = (struct gfmt_pending){ nested, akey, apos, aocc, src };
}

/* Nested grafts: unknown protocols below a native layer. */
static void collect_nested(struct pending *p, struct node *root, struct node *n)
{
	for (struct node *c = n->child; c; c = c->next) {
		if (graftable(c) && !graft_native_proto(c->name)) {
			uint32_t occ = 0;
			const char *key = node_key(n);
			if (!key)
				continue;
			find_nth(root, key, n->pos, &occ, n);
			add_root(p, true, key, n->pos, occ, c);
			continue;
		}
		collect_nested(p, root, c);
	}
}

static void collect(struct graft *g, struct pending *p, const struct ts_frame *f)
{
	const struct node *anchor = NULL;
	uint32_t occ[4] = { 0 }, aocc = 0;

	p->n = 0;
	for (struct node *c = f->root->child; c; c = c->next) {
		if (is_smb_layer(c->name)) {
			int k = 0;
			while (strcmp(smb_layers[k], c->name))
				k++;
			anchor = c;
			aocc = occ[k]++;
			collect_nested(p, f->root, c);
		} else if (anchor && graftable(c)) {
			add_root(p, false, anchor->name, 0, aocc, c);
		}
	}
	gfmt_add_frame(g, f->num, p->r, p->n);
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

/* The frame with grafts numbered num, or NULL. */
static const struct gframe *find_frame(const struct graft *g, uint32_t num)
{
	size_t lo = 0, hi = g->nf;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->f[mid].frame < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nf && g->f[lo].frame == num ? &g->f[lo] : NULL;
}

/* Nested grafts go in first, so that top-level grafts (which may hold
 * native-looking names) never shift the anchors they count. */
static void hook(void *ctx, struct trace *t, struct arena *a, size_t i, struct node *root,
		 bool facts)
{
	struct graft *g = ctx;
	const struct gframe *f = find_frame(g, trace_frame(t, i).num);
	const uint8_t *blk;
	struct groot *r;
	size_t nr;
	if (!f || !(blk = gcache_block(g, f, a)) || !(nr = gfmt_roots(g, blk, f->len, a, &r)))
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < nr; k++) {
			const struct groot *e = &r[k];
			if (e->nested != !pass)
				continue;
			if (e->nested) {
				uint32_t occ = e->aocc;
				struct node *p = find_nth(root, e->akey, e->apos, &occ, NULL);
				struct node *n;
				if (p && !has_child(p, e->name) && (n = gfmt_tree(g, e, a, p, facts)))
					node_append(p, n);
				continue;
			}
			struct node *at = top_anchor(root, e->akey, e->aocc), *n;
			if (!at) {
				if ((n = gfmt_tree(g, e, a, root, facts)))
					node_append(root, n);
				continue;
			}
			if (native_has_top(at, e->name))
				continue;
			while (at->next && !is_smb_layer(at->next->name))
				at = at->next;
			if ((n = gfmt_tree(g, e, a, root, facts)))
				insert_after(root, at, n);
		}
	}
}

/* The hook's probe (trace_set_hook_has): any grafts for frame i. */
static bool hook_has(void *ctx, const struct trace *t, size_t i)
{
	return find_frame(ctx, trace_frame(t, i).num) != NULL;
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

/* ---- attaching ----------------------------------------------------------- */

static struct graft *graft_new(void)
{
	struct graft *g = xcalloc(1, sizeof(*g));
	arena_init(&g->a);
	hmap_init(&g->intern);
	g->fd = -1;
	const char *dbg = getenv("SMBCMP_DEBUG");
	g->debug = dbg && strstr(dbg, "graft");
	const char *whole = getenv("SMBCMP_GRAFT_FACTS");
	g->facts_whole = whole && !strcmp(whole, "0");
	return g;
}

/* The collecting-only parts: the intern table and the use counts. */
static void graft_done_collecting(struct graft *g)
{
	hmap_free(&g->intern);
	hmap_init(&g->intern);
	free(g->dcount);
	g->dcount = NULL;
}

static void graft_clear(struct graft *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	graft_done_collecting(g);
	free(g->f);
	free(g->ds);
	free(g->dfid);
	g->f = NULL;
	g->ds = NULL;
	g->dfid = NULL;
	g->nf = g->capf = g->nd = g->capd = g->roots = 0;
	gbuf_free(&g->mem);
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
	struct pending p = { 0 };
	while ((r = tshark_next(ts, &a, &f, err, errlen)) > 0) {
		if (j && atomic_load(&j->cancel)) {
			snprintf(err, errlen, "stopped");
			r = -1;
			break;
		}
		collect(g, &p, &f);
		arena_reset(&a);
	}
	free(p.r);
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
	/* the cache's keys are SHA-256 (nettle): no nettle, no cache */
	bool cache = nettlelib_loaded() && graft_cache_dir(dir, sizeof(dir)) == 0;
	if (tshark_version(cache && gcache_mkdir(dir) == 0 ? dir : NULL, version, sizeof(version),
			   err, errlen))
		goto fail;
	if (cache && gcache_file_key(trace_path(t), key, err, errlen) == 0) {
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
		gcache_hex(vh, vd, 8);
		snprintf(cpath, sizeof(cpath), "%s/%s-%s.graft", dir, key, vh);
		if (gcache_load(g, cpath, version) == 0) {
			if (g->debug)
				fprintf(stderr, "smbcmp: graft: cache hit %s (%zu grafts in %zu frames)\n",
					cpath, g->roots, g->nf);
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
			why, g->roots, g->nf, cache ? ", saved " : "", cache ? cpath : "");
	if (cache && gcache_save(g, cpath, version)) {
		if (g->debug)
			fprintf(stderr, "smbcmp: graft: cannot write %s: %s\n", cpath, strerror(errno));
	} else if (cache) {
		/* Trees from the file from now on, not held in memory (if it
		 * reads back: else those in memory stay). */
		struct graft *lazy = graft_new();
		if (gcache_load(lazy, cpath, version) == 0) {
			graft_free(g, NULL);
			g = lazy;
		} else {
			graft_free(lazy, NULL);
		}
	}
	if (g->dcount) /* the blocks stay in memory */
		graft_done_collecting(g);
	if (cache)
		gcache_trim(dir, cpath, g->debug);
ok:
	*out = g;
	return 0;
fail:
	graft_free(g, NULL);
	return -1;
}

static void install(struct graft *g, struct trace *t)
{
	if (g->nf) {
		trace_set_hook(t, hook, g);
		trace_set_hook_has(t, hook_has);
	}
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
	if (t) {
		trace_set_hook(t, NULL, NULL);
		trace_set_hook_has(t, NULL);
	}
	graft_clear(g);
	arena_free(&g->a);
	free(g);
}

void graft_counts(const struct graft *g, size_t *frames, size_t *roots)
{
	*frames = g ? g->nf : 0;
	*roots = g ? g->roots : 0;
}
