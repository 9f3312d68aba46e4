/*
 * trace_dissect.c - from the index back to bytes and trees: reading a PDU's
 * bytes from the capture file (through the read-ahead windows) and
 * dissecting a frame (trees, summaries, the engine hook). trace.c builds and
 * keeps the index; see dissect.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dctx.h"
#include "trace.h"

/* Reads n bytes at off of the capture file; returns how many it got. */
static size_t pread_full(int fd, uint8_t *out, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, out + got, n - got, (off_t)(off + got));
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/*
 * Reads n bytes at off of the capture file; what it no longer has is 0.
 * Small reads go through the trace's read-ahead windows (frames are mostly
 * read in file order: one pread per window instead of one per PDU). The
 * windows are shared by the threads using the trace, under its lock; there
 * are several, replaced least recently used first, so that two threads
 * reading two parts of the file do not evict each other's.
 */
static void read_at(struct trace *t, uint8_t *out, size_t n, uint64_t off)
{
	size_t got = 0;

	if (n > TRACE_WINDOW / 4) {
		got = pread_full(t->fd, out, n, off);
		memset(out + got, 0, n - got);
		return;
	}
	pthread_mutex_lock(&t->wlock);
	struct window *w = NULL, *lru = &t->win[0];
	for (int k = 0; k < TRACE_WINDOWS; k++) {
		struct window *x = &t->win[k];
		if (x->buf && off >= x->off && off + n <= x->off + x->len) {
			w = x;
			break;
		}
		if (x->used < lru->used)
			lru = x;
	}
	if (!w) {
		w = lru;
		if (!w->buf) {
			/* A file smaller than a window gets windows its size
			 * (the bytes past one are read below): 256 KiB would
			 * be a mmap() and a munmap() in a small capture's
			 * process. */
			struct stat st;
			w->cap = fstat(t->fd, &st) == 0 && st.st_size >= 0 &&
					 (uint64_t)st.st_size + 4096 <= TRACE_WINDOW
				 ? ((size_t)st.st_size | 4095) + 1 : TRACE_WINDOW;
			w->buf = malloc(w->cap);
		}
		w->off = off;
		w->len = w->buf ? pread_full(t->fd, w->buf, w->cap, off) : 0;
	}
	w->used = ++t->wclock;
	if (w->buf && off >= w->off && off < w->off + w->len) {
		got = w->off + w->len - off < n ? (size_t)(w->off + w->len - off) : n;
		memcpy(out, w->buf + (off - w->off), got);
	}
	pthread_mutex_unlock(&t->wlock);
	/* past the window: the end of the file (or more of a grown one) */
	if (got < n)
		got += pread_full(t->fd, out + got, n - got, off + got);
	memset(out + got, 0, n - got);
}

const uint8_t *trace_pdu_bytes(struct trace *t, struct arena *a, size_t i)
{
	const struct pdu_pk *p = &t->pdus[i];
	uint64_t src = trace_pdu_src(t, i);

	if (!(p->flags & PDU_FILE))
		return (const uint8_t *)(uintptr_t)src;
	uint8_t *buf = arena_alloc(a, p->len ? p->len : 1);
	if (!(p->flags & PDU_PIECES)) {
		read_at(t, buf, p->len, src);
		return buf;
	}
	size_t got = 0;
	for (size_t k = (size_t)src; got < p->len && k < t->npieces; k++) {
		size_t n = t->pieces[k].len;
		if (n > p->len - got)
			n = p->len - got;
		read_at(t, buf + got, n, t->pieces[k].off);
		got += n;
	}
	memset(buf + got, 0, p->len - got);
	return buf;
}
size_t field_count(void) { return F_COUNT; }

void dctx_summary(struct dctx *d, const char *fmt, ...)
{
	va_list ap;

	/* formatted by hand where printf would only copy: this runs for
	 * every message of every comparison */
	const char *item = fmt;
	if (strchr(fmt, '%')) {
		va_start(ap, fmt);
		item = arena_vprintf(d->t.a, fmt, ap);
		va_end(ap);
	}
	d->summary = d->sum_items ? arena_cat(d->t.a, d->summary, ";", item, (char *)NULL)
				  : item;
	d->sum_items++;
}

void dctx_summary_more(struct dctx *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	const char *more = arena_vprintf(d->t.a, fmt, ap);
	va_end(ap);
	d->summary = arena_cat(d->t.a, d->summary, more, (char *)NULL);
}

static struct node *dissect_frame(struct trace *t, struct arena *a, size_t i,
				  const char **summary, bool dry, uint32_t digest_over,
				  bool nolabel, const uint8_t *want)
{
	struct dctx d;

	memset(&d, 0, sizeof(d));
	d.t.dry = dry;
	d.t.want = want;
	d.t.digest_over = digest_over;
	d.t.nolabel = nolabel;
	d.t.a = a;
	d.t.max_nodes = t->opts.max_nodes;
	d.trace = t;
	struct frame_rec fr = trace_frame(t, i);
	d.frame = &fr;
	d.summary = "";
	struct node *root = tree_root(&d.t);
	struct pdu lp; /* the PDU with its bytes loaded */
	for (uint32_t k = 0; k < d.frame->npdus; k++) {
		const struct pdu *p = &lp;
		lp = trace_pdu_at(t, d.frame->first_pdu + k, i);
		lp.data = trace_pdu_bytes(t, a, d.frame->first_pdu + k);
		d.pdu = p;
		d.pdu_index = d.frame->first_pdu + k;
		struct cur c = cur_make(p->data, p->len,
					p->frame_off >= 0 ? (uint32_t)p->frame_off : 0);
		if (p->flags & PDU_DGRAM)
			nbdgm_dissect(&d, root, &c);
		else
			nbss_dissect(&d, root, &c);
	}
	if (d.t.limited) {
		__atomic_store_n(&t->trees_cut, true, __ATOMIC_RELAXED);
		d.t.max_nodes = 0; /* room for the note itself */
		struct node *n = tree_add(&d.t, root, field_name(F_SMBCMP_LIMIT),
					  "Node limit reached: tree cut short (raise with --max-nodes)", "", 0, 0);
		n->flags |= N_GENERATED;
	}
	if (summary)
		*summary = d.summary;
	if (!dry && t->hook)
		t->hook(t->hook_ctx, t, a, i, root, want != NULL);
	return root;
}

void trace_set_hook(struct trace *t, trace_hook_fn *fn, void *ctx)
{
	t->hook = fn;
	t->hook_ctx = ctx;
}

struct node *trace_dissect_frame(struct trace *t, struct arena *a, size_t i,
				 const char **summary)
{
	return dissect_frame(t, a, i, summary, false, 0, false, NULL);
}

struct node *trace_dissect_frame_cmp(struct trace *t, struct arena *a, size_t i,
				     const char **summary)
{
	return dissect_frame(t, a, i, summary, false, TRACE_DIGEST_OVER, false, NULL);
}

struct node *trace_dissect_frame_values(struct trace *t, struct arena *a, size_t i,
					const char **summary)
{
	return dissect_frame(t, a, i, summary, false, TRACE_DIGEST_OVER, true, NULL);
}

struct node *trace_dissect_frame_facts(struct trace *t, struct arena *a, size_t i,
				       const uint8_t *want)
{
	return dissect_frame(t, a, i, NULL, false, TRACE_DIGEST_OVER, true, want);
}

const char *trace_summary(struct trace *t, struct arena *a, size_t i)
{
	const char *summary;

	dissect_frame(t, a, i, &summary, true, 0, false, NULL);
	return summary;
}
