/* output.c - printing one trace; see output.h. */
#include "output.h"

#include "copyshort.h"
#include "escape.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Printing on two threads. Frames are printed in chunks (chunk_end()):
 * while this thread prints chunk k to f, a second one prints chunk k + 1
 * into memory (struct membuf), which is then copied to f; the output is
 * byte for byte that of one thread. Dissection only reads the trace
 * (trace_dissect_frame is safe from several threads), so the two chunks
 * need no other coordination (a dissection hook, the tshark grafts, only
 * reads its state: dissect.h). Small traces use one thread.
 */
#define CHUNK 2048
#define CHUNK_BYTES (1u << 20)

/* Output of a chunk in memory; the buffer is reused from chunk to chunk
 * (growing it anew each time costs page faults and copies). */
struct membuf {
	char *p;
	size_t len, cap;
	bool failed; /* out of memory: the chunk is printed again */
};

/* Prints the frames [lo, hi) of t that match flt (all when NULL) to f, or
 * when mem is set, may append to it directly (what f receives lands there
 * too, after what was appended); returns how many it printed. */
typedef size_t range_fn(struct trace *t, const struct filter *flt, FILE *f, size_t lo,
			size_t hi, struct membuf *mem);

static ssize_t membuf_write(void *cookie, const char *b, size_t n)
{
	struct membuf *m = cookie;

	if (m->failed)
		return -1;
	if (n > m->cap - m->len) {
		size_t cap = m->cap ? m->cap : 1u << 20;
		while (cap - m->len < n)
			cap *= 2;
		char *p = realloc(m->p, cap);
		if (!p) {
			m->failed = true;
			return -1;
		}
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, b, n);
	m->len += n;
	return (ssize_t)n;
}

/* Writes p[0..n) to f: with write(2) straight from p when f has a file
 * descriptor (stdio would copy it through its buffer first; f's buffer is
 * flushed before), else, or on an error (which f then records), with
 * fwrite. */
static void out_write(FILE *f, const char *p, size_t n)
{
	int fd = fileno(f);

	if (n && fd >= 0 && fflush(f) == 0) {
		while (n) {
			ssize_t k = write(fd, p, n);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			p += k;
			n -= (size_t)k;
		}
	}
	if (n)
		fwrite(p, 1, n, f);
}

struct chunk_job {
	struct trace *t;
	const struct filter *flt;
	range_fn *fn;
	size_t lo, hi;
	struct membuf *out;
	bool ok;
	size_t printed;
};

static void *chunk_thread(void *arg)
{
	struct chunk_job *j = arg;
	cookie_io_functions_t io = { .write = membuf_write };
	FILE *m = fopencookie(j->out, "w", io);

	j->out->len = 0;
	j->out->failed = false;
	j->ok = m != NULL;
	if (m) {
		setvbuf(m, NULL, _IOFBF, 1u << 16);
		j->printed = j->fn(j->t, j->flt, m, j->lo, j->hi, j->out);
		j->ok = fclose(m) == 0 && !j->out->failed;
	}
	return NULL;
}

/* End of the chunk starting at frame lo: CHUNK frames or CHUNK_BYTES of
 * PDU bytes (the memory copy of a chunk's output stays bounded); CHUNK
 * frames when each frame prints one line (lines: --list, whose chunks
 * are not worth reading the PDU records for on the one thread). */
static size_t chunk_end(const struct trace *t, size_t lo, bool lines)
{
	size_t n = trace_nframes(t), bytes = 0, i = lo;

	if (lines)
		return n - lo < CHUNK ? n : lo + CHUNK;
	while (i < n && i - lo < CHUNK && bytes < CHUNK_BYTES) {
		const struct frame_rec fr_rec = trace_frame(t, i++), *fr = &fr_rec;
		for (uint32_t k = 0; k < fr->npdus; k++)
			bytes += trace_pdu_len(t, fr->first_pdu + k);
	}
	return i;
}

static size_t in_chunks(struct trace *t, const struct filter *flt, FILE *f, range_fn *fn,
			bool lines)
{
	size_t n = trace_nframes(t), printed = 0;
	struct membuf mb = { NULL, 0, 0, false };

	if (n <= CHUNK || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return fn(t, flt, f, 0, n, NULL);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		size_t mid = chunk_end(t, lo, lines);
		hi = chunk_end(t, mid, lines);
		struct chunk_job j = { t, flt, fn, mid, hi, &mb, false, 0 };
		pthread_t th;
		bool threaded = mid < hi && pthread_create(&th, NULL, chunk_thread, &j) == 0;
		printed += fn(t, flt, f, lo, mid, NULL);
		if (threaded)
			pthread_join(th, NULL);
		if (threaded && j.ok) {
			out_write(f, mb.p, mb.len);
			printed += j.printed;
		} else if (mid < hi) {
			printed += fn(t, flt, f, mid, hi, NULL);
		}
	}
	free(mb.p);
	return printed;
}

/* Decimal digits of v, written backwards from end; returns the start. */
static char *dec_back(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void out_fmt_time(char *buf, size_t n, int64_t sec, uint32_t nsec)
{
	/* "%" PRId64 ".%09u" by hand (--json writes one per frame), or of
	 * -(sec + 1) and 10^9 - nsec after a '-' when sec < 0 and nsec is
	 * set (nsec may be anything a capture says: then 10 digits) */
	char tmp[48], *e = tmp + 40, *p;
	bool neg = sec < 0;
	uint64_t s = !neg ? (uint64_t)sec : nsec ? (uint64_t)(-(sec + 1)) : 0 - (uint64_t)sec;

	if (neg && nsec)
		nsec = 1000000000u - nsec;
	p = dec_back(e, nsec);
	while (e - p < 9)
		*--p = '0';
	*--p = '.';
	p = dec_back(p, s);
	if (neg)
		*--p = '-';
	if (n) {
		size_t len = (size_t)(e - p);
		if (len > n - 1)
			len = n - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
	}
}

void out_fmt_reltime(char *buf, size_t n, int64_t ns)
{
	/* "%4s.%06u" of the signed seconds and the microseconds, by hand
	 * (--list prints one per frame). */
	uint64_t a = ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;
	char tmp[48], *e = tmp + 24, *p = dec_back(e, a / 1000000000);
	uint64_t us = a % 1000000000 / 1000;

	if (ns < 0)
		*--p = '-';
	while (e - p < 4)
		*--p = ' ';
	*e = '.';
	for (int i = 6; i >= 1; i--, us /= 10)
		e[i] = (char)('0' + us % 10);
	e[7] = '\0';
	if (n) {
		size_t len = (size_t)(e + 7 - p);
		if (len > n - 1)
			len = n - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
	}
}

/* Does the subtree under n nest more than lim levels? */
static bool deeper_than(const struct node *n, int lim)
{
	if (lim < 0)
		return true;
	for (const struct node *c = n->child; c; c = c->next)
		if (deeper_than(c, lim - 1))
			return true;
	return false;
}

/* out_json_node's object laid out directly (--json writes gigabytes of
 * these): what the generic calls below write for a compact writer, after
 * a comma when comma is set. Room is made once for what comes before the
 * first string (a registry name is under 255 bytes), and the string writer
 * leaves JW_SLACK bytes for what follows each. */
static void json_node_raw(struct jw *w, const struct node *n, bool comma)
{
	char *o = jw_room(w, 255 + 32);

	if (comma)
		*o++ = ',';
	if (n->name) {
		/* A registry name is plain (field.h): written as it is. */
		size_t nl = n->field && n->field < F_COUNT && n->name == field_name(n->field)
				    ? field_name_len[n->field]
				    : 0;
		if (nl && nl < 255) {
			o = JW_AT(o, "{\"name\":\"");
			copy_short(o, n->name, nl);
			o += nl;
			*o++ = '"';
		} else {
			o = jw_put_str_at(w, JW_AT(o, "{\"name\":"), n->name);
		}
		if (n->show && !(n->flags & N_PROTO))
			o = jw_put_str_at(w, JW_AT(o, ",\"show\":"), n->show);
		o = JW_AT(o, ",\"label\":");
	} else {
		o = JW_AT(o, "{\"label\":");
	}
	o = jw_put_str_at(w, o, n->label);
	/* up to the children, at most 7 + 10 + 8 + 10 + 71 + 13 + 1 bytes
	 * (of JW_SLACK) */
	o = jw_u32_at(JW_AT(o, ",\"pos\":"), n->pos);
	o = jw_u32_at(JW_AT(o, ",\"size\":"), n->size);
	if (n->flags & (N_GENERATED | N_MALFORMED | N_GRAFT | N_REASM)) {
		if (n->flags & N_GENERATED)
			o = JW_AT(o, ",\"generated\":true");
		if (n->flags & N_MALFORMED)
			o = JW_AT(o, ",\"malformed\":true");
		if (n->flags & N_GRAFT)
			o = JW_AT(o, ",\"engine\":\"tshark\"");
		if (n->flags & N_REASM && n->flags & N_PROTO)
			o = JW_AT(o, ",\"reassembled\":true");
	}
	if (n->child) {
		jw_put_end(w, JW_AT(o, ",\"children\":["));
		for (const struct node *c = n->child; c; c = c->next)
			json_node_raw(w, c, c != n->child);
		o = jw_room(w, 2);
		*o++ = ']';
	}
	*o++ = '}';
	jw_put_end(w, o);
}

static void json_node(struct jw *w, const struct node *n)
{

	jw_obj(w);
	if (n->name) {
		JW_KEY(w, "name");
	jw_str(w, n->name);
	}
	if (n->show && n->name && !(n->flags & N_PROTO)) {
		JW_KEY(w, "show");
	jw_str(w, n->show);
	}
	JW_KEY(w, "label");
	jw_str(w, n->label);
	JW_KEY(w, "pos");
	jw_uint(w, n->pos);
	JW_KEY(w, "size");
	jw_uint(w, n->size);
	if (n->flags & N_GENERATED) {
		JW_KEY(w, "generated");
	jw_bool(w, true);
	}
	if (n->flags & N_MALFORMED) {
		JW_KEY(w, "malformed");
	jw_bool(w, true);
	}
	if (n->flags & N_GRAFT) {
		JW_KEY(w, "engine");
	jw_str(w, "tshark");
	}
	if (n->flags & N_REASM && n->flags & N_PROTO) {
		JW_KEY(w, "reassembled");
	jw_bool(w, true);
	}
	if (n->child) {
		JW_KEY(w, "children");
	jw_arr(w);
		for (const struct node *c = n->child; c; c = c->next)
			json_node(w, c);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void out_json_node(struct jw *w, const struct node *n)
{
	/* The raw layout while the writer's depth stays below its limit
	 * (JSON_MAX_DEPTH: two levels per node, an object and its children
	 * array) and output is compact. */
	if (!w->pretty && !deeper_than(n, (JSON_MAX_DEPTH - 8 - w->depth) / 2)) {
		jw_pre(w);
		json_node_raw(w, n, false);
	} else {
		json_node(w, n);
	}
}

static void frame_head(struct jw *w, const struct out_frame *fr)
{
	char ts[48];

	out_fmt_time(ts, sizeof(ts), fr->sec, fr->nsec);
	JW_KEY(w, "frame");
	jw_uint(w, fr->num);
	JW_KEY(w, "time");
	jw_raw(w, ts);
	if (fr->udp)
		JW_KEY(w, "udp_stream");
	else
		JW_KEY(w, "stream");
	jw_uint(w, fr->stream);
	JW_KEY(w, "src");
	jw_str(w, fr->src);
	JW_KEY(w, "dst");
	jw_str(w, fr->dst);
	JW_KEY(w, "summary");
	jw_str(w, fr->summary);
}

static int native_next(struct frame_src *base, struct arena *a, struct out_frame *f)
{
	struct native_src *s = (struct native_src *)base;
	struct node *root = NULL;
	const char *summary = "";
	for (;; s->i++) {
		if (s->i >= s->end)
			return 0;
		root = trace_dissect_frame(s->t, a, s->i, &summary);
		if (!s->flt || filter_match(s->flt, &root, 1))
			break;
		arena_reset(a);
	}
	const struct frame_rec fr_rec = trace_frame(s->t, s->i), *fr = &fr_rec;
	const struct stream_rec *st = trace_frame_stream(s->t, fr);
	f->num = fr->num;
	f->sec = fr->sec;
	f->nsec = fr->nsec;
	f->stream = fr->stream;
	f->udp = fr->udp;
	f->src = fr->to_server ? st->client : st->server;
	f->dst = fr->to_server ? st->server : st->client;
	f->root = root;
	f->summary = summary;
	s->i++;
	s->printed++;
	return 1;
}

struct frame_src *out_native_src(struct native_src *s, struct trace *t)
{
	s->base.next = native_next;
	s->t = t;
	s->flt = NULL;
	s->i = 0;
	s->end = trace_nframes(t);
	s->printed = 0;
	return &s->base;
}

/* The frames [lo, hi) of t as a source. */
static struct frame_src *range_src(struct native_src *s, struct trace *t,
				   const struct filter *flt, size_t lo, size_t hi)
{
	out_native_src(s, t);
	s->flt = flt;
	s->i = lo;
	s->end = hi;
	return &s->base;
}

/* Calls print(fr, ctx) for every frame of s, each in a fresh arena; returns
 * what the source's last next() did (0 at the end, -1 on error). */
static int each_frame(struct frame_src *s, void (*print)(const struct out_frame *, void *),
		      void *ctx)
{
	struct arena a;
	struct out_frame fr;
	int r;

	arena_init(&a);
	while ((r = s->next(s, &a, &fr)) > 0) {
		print(&fr, ctx);
		arena_reset(&a);
	}
	arena_free(&a);
	return r;
}

static void json_frame(const struct out_frame *fr, void *ctx)
{
	struct jw *w = ctx;

	jw_obj(w);
	frame_head(w, fr);
	JW_KEY(w, "tree");
	jw_arr(w);
	for (const struct node *c = fr->root->child; c; c = c->next)
		out_json_node(w, c);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_line(w);
}

int out_json_src(struct frame_src *s, FILE *f)
{
	struct jw w;

	jw_init(&w, f, false);
	return each_frame(s, json_frame, &w);
}

/* The writer's sink into a chunk's membuf: the JSON is laid out in the
 * membuf's memory itself, which grows to keep JW_ROOM bytes free. Out of
 * memory, the writer's own buffer takes what follows, to be dropped. */
static void mem_sink(struct jw *w)
{
	struct membuf *m = w->sink_ctx;

	if (!m->failed && w->buf == m->p) {
		m->len = w->n;
		if (JW_ROOM > m->cap - m->len) {
			size_t cap = m->cap ? m->cap : 1u << 20;
			while (cap - m->len < JW_ROOM)
				cap *= 2;
			char *p = realloc(m->p, cap);
			if (p) {
				m->p = p;
				m->cap = cap;
			} else {
				m->failed = true;
			}
		}
	} else {
		m->failed = true;
	}
	if (m->failed) {
		w->buf = w->own;
		w->cap = sizeof(w->own);
		w->n = 0;
	} else {
		w->buf = m->p;
		w->cap = m->cap;
		w->n = m->len;
	}
}

/* The writer's sink into its FILE (the main thread's chunks). */
static void file_sink(struct jw *w)
{
	out_write(w->f, w->buf, w->n);
	w->n = 0;
}

static size_t json_range(struct trace *t, const struct filter *flt, FILE *f, size_t lo,
			 size_t hi, struct membuf *mem)
{
	struct native_src s;
	struct jw w;

	jw_init(&w, f, false);
	w.line_flush = false;
	if (mem) {
		w.sink = mem_sink;
		w.sink_ctx = mem;
		w.buf = mem->p;
		w.cap = mem->cap;
		w.n = mem->len;
		mem_sink(&w);
	} else {
		w.sink = file_sink;
	}
	each_frame(range_src(&s, t, flt, lo, hi), json_frame, &w);
	jw_flush(&w);
	return s.printed;
}

size_t out_json_frames(struct trace *t, const struct filter *flt, FILE *f)
{
	return in_chunks(t, flt, f, json_range, false);
}

static void text_node(FILE *f, const struct node *n, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("    ", f);
	if (n->flags & N_GENERATED)
		fprintf(f, "[%s]\n", n->label);
	else
		fprintf(f, "%s\n", n->label);
	for (const struct node *c = n->child; c; c = c->next)
		text_node(f, c, depth + 1);
}

static void text_frame(const struct out_frame *fr, void *ctx)
{
	FILE *f = ctx;
	char ts[48];

	out_fmt_time(ts, sizeof(ts), fr->sec, fr->nsec);
	fprintf(f, "Frame %u: time %s, stream %u, %s -> %s: %s\n", fr->num, ts,
		fr->stream, fr->src, fr->dst, fr->summary);
	for (const struct node *c = fr->root->child; c; c = c->next)
		text_node(f, c, 0);
	fputc('\n', f);
}

int out_text_src(struct frame_src *s, FILE *f)
{
	return each_frame(s, text_frame, f);
}

static size_t text_range(struct trace *t, const struct filter *flt, FILE *f, size_t lo,
			 size_t hi, struct membuf *mem)
{
	(void)mem;
	struct native_src s;
	out_text_src(range_src(&s, t, flt, lo, hi), f);
	return s.printed;
}

size_t out_text_frames(struct trace *t, const struct filter *flt, FILE *f)
{
	return in_chunks(t, flt, f, text_range, false);
}

/* "%6u %s %s -> %s %s\n" of a --list line, assembled by hand and written
 * with one call when it fits a line buffer (most do). */
static void list_line(FILE *f, uint32_t num, const char *rel, const char *src,
		      const char *dst, const char *summary)
{
	char line[512], nb[16], *e = nb + sizeof(nb), *p = dec_back(e, num);
	size_t lr = strlen(rel), ls = strlen(src), ld = strlen(dst), lm = strlen(summary);

	while (e - p < 6)
		*--p = ' ';
	size_t ln = (size_t)(e - p);
	size_t total = ln + 1 + lr + 1 + ls + 4 + ld + 1 + lm + 1;
	if (total > sizeof(line)) {
		fprintf(f, "%6u %s %s -> %s %s\n", num, rel, src, dst, summary);
		return;
	}
	char *o = line;
	memcpy(o, p, ln), o += ln, *o++ = ' ';
	memcpy(o, rel, lr), o += lr, *o++ = ' ';
	memcpy(o, src, ls), o += ls;
	memcpy(o, " -> ", 4), o += 4;
	memcpy(o, dst, ld), o += ld, *o++ = ' ';
	memcpy(o, summary, lm), o += lm, *o++ = '\n';
	fwrite(line, 1, (size_t)(o - line), f);
}

static size_t list_range(struct trace *t, const struct filter *flt, FILE *f, size_t lo,
			 size_t hi, struct membuf *mem)
{
	(void)mem;
	struct arena a;
	size_t printed = 0;
	int64_t t0 = 0;
	uint32_t n0 = 0;

	if (trace_nframes(t)) {
		t0 = trace_frame(t, 0).sec;
		n0 = trace_frame(t, 0).nsec;
	}
	arena_init(&a);
	for (size_t i = lo; i < hi; i++) {
		if (flt) {
			struct node *root = trace_dissect_frame(t, &a, i, NULL);
			bool keep = filter_match(flt, &root, 1);
			arena_reset(&a);
			if (!keep)
				continue;
		}
		printed++;
		const struct frame_rec fr_rec = trace_frame(t, i), *fr = &fr_rec;
		const struct stream_rec *s = trace_frame_stream(t, fr);
		const char *summary = trace_summary(t, &a, i);
		char rel[48];
		/* modulo 2^64: a hostile time far from the first one wraps
		 * (as it always printed) instead of overflowing */
		uint64_t ns = ((uint64_t)fr->sec - (uint64_t)t0) * 1000000000u +
			      (uint64_t)((int64_t)fr->nsec - n0);
		out_fmt_reltime(rel, sizeof(rel), (int64_t)ns);
		list_line(f, fr->num, rel, fr->to_server ? s->client : s->server,
			  fr->to_server ? s->server : s->client, summary);
		arena_reset(&a);
	}
	arena_free(&a);
	return printed;
}

size_t out_list(struct trace *t, const struct filter *flt, FILE *f)
{
	return in_chunks(t, flt, f, list_range, true);
}
