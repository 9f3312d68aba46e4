/*
 * stats.c - statistics per command (--stats); see stats.h.
 *
 * One pass over the operations fills one row per command and one per
 * subcommand (a cache maps the interned subcommand text of an operation
 * to its row); response times are kept per row and sorted once at the
 * end for the median and p95. Two traces are printed by walking their
 * sorted rows together, so a command only one trace has gets a row too.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "stats.h"
#include "xalloc.h"

/* A session setup's leg, not an error (MS-SMB2 3.3.5.5.3). */
#define STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u

struct st_status {
	uint32_t status;
	uint64_t n;
};

struct srow {
	uint8_t proto;
	uint16_t cmd;
	const char *name;  /* command name */
	const char *sub;   /* subcommand name, NULL for the command's row */
	uint64_t count, bytes, errors;
	struct st_status *st;
	size_t nst, capst;
	int64_t *rt;       /* response times, ns; sorted by stats_build */
	size_t nrt, caprt;
};

struct stats {
	const struct opset *s;
	struct srow *r;
	size_t n, cap;
	struct hmap cache;    /* (proto, cmd, sub text pointer) -> row + 1 */
	struct arena a;       /* names */
	struct arena scratch; /* trees for message sizes */
	uint64_t nops;
};

static uint64_t row_key(const struct op *o, const char *sub)
{
	return hmap_mix(hmap_mix(o->proto, o->cmd), (uint64_t)(uintptr_t)sub);
}

static size_t row_find(struct stats *st, uint8_t proto, uint16_t cmd, const char *name,
		       const char *sub)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct srow *r = &st->r[i];
		if (r->proto == proto && r->cmd == cmd && !r->sub == !sub &&
		    (!sub || !strcmp(r->sub, sub)))
			return i;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 32;
		st->r = xrealloc(st->r, st->cap * sizeof(*st->r));
	}
	struct srow *r = &st->r[st->n];
	memset(r, 0, sizeof(*r));
	r->proto = proto;
	r->cmd = cmd;
	r->name = arena_strdup(&st->a, name);
	r->sub = sub ? arena_strdup(&st->a, sub) : NULL;
	return st->n++;
}

/* The subcommand row name of o, or NULL when its command gets none. */
static const char *sub_name(struct stats *st, const struct op *o)
{
	const char *p = o->key->sub;
	if (!p)
		return NULL;
	if (o->proto == OP_SMB2 && o->cmd == 14) { /* Find: the level, not the pattern */
		const char *slash = strchr(p, '/');
		uint64_t v = strtoull(p, NULL, 0);
		const char *n = val_lookup(field_vals(field_get(F_SMB2_FIND_INFOLEVEL)), v);
		if (n)
			return n;
		return slash ? arena_strndup(&st->a, p, (size_t)(slash - p)) : p;
	}
	if ((o->proto == OP_SMB2 && (o->cmd == 11 || o->cmd == 16 || o->cmd == 17)) ||
	    (o->proto == OP_SMB1 && (o->cmd == 0x32 || o->cmd == 0xa0))) {
		const char *n = op_sub_name(&st->a, o);
		if (n)
			return n;
		const char *slash = strchr(p, '/');
		if (o->proto == OP_SMB1 && slash) /* the subcommand, not its level */
			return arena_strndup(&st->a, p, (size_t)(slash - p));
		return p;
	}
	return NULL;
}

static void add_status(struct srow *r, uint32_t status)
{
	for (size_t i = 0; i < r->nst; i++)
		if (r->st[i].status == status) {
			r->st[i].n++;
			return;
		}
	if (r->nst == r->capst) {
		r->capst = r->capst ? 2 * r->capst : 4;
		r->st = xrealloc(r->st, r->capst * sizeof(*r->st));
	}
	r->st[r->nst++] = (struct st_status){ status, 1 };
}

static void add_rt(struct srow *r, int64_t ns)
{
	if (r->nrt == r->caprt) {
		r->caprt = r->caprt ? 2 * r->caprt : 16;
		r->rt = xrealloc(r->rt, r->caprt * sizeof(*r->rt));
	}
	r->rt[r->nrt++] = ns;
}

static uint64_t node_size(const struct node *n)
{
	return n ? n->size : 0;
}

/* SMB bytes of o's request and final response. */
static uint64_t op_bytes(struct stats *st, const struct op *o)
{
	const struct opset *s = st->s;
	uint32_t fr[2] = { o->req_frame, o->rsp_frame };
	uint64_t sum = 0;
	bool need_trees = false;
	for (int k = 0; k < 2; k++) {
		if (fr[k] == OP_NONE || (o->proto == OP_SMB1 && (k ? o->rsp_link : o->req_link)))
			continue;
		struct frame_rec f = trace_frame(s->t, fr[k]);
		bool one = f.npdus == 1 && (o->flags & OP_ENCRYPTED ||
					    (s->nmem && s->nmem[fr[k]] == 1));
		if (!one) {
			need_trees = true;
			continue;
		}
		struct pdu p = trace_pdu(s->t, f.first_pdu);
		sum += p.wire_len > 4 ? p.wire_len - 4 : 0;
	}
	if (need_trees) {
		struct node *rq = NULL, *rs = NULL;
		arena_reset(&st->scratch);
		ops_trees(s, o, &st->scratch, &rq, &rs, NULL, NULL, true);
		sum = 0;
		if (!(o->proto == OP_SMB1 && o->req_link))
			sum += node_size(rq);
		if (!(o->proto == OP_SMB1 && o->rsp_link))
			sum += node_size(rs);
	}
	return sum;
}

/* Time from frame i to frame j in nanoseconds; clamped to +-10^9 s, as
 * a capture's timestamps are whatever its writer put there. */
static int64_t frame_gap(const struct opset *s, uint32_t i, uint32_t j)
{
	struct frame_rec fa = trace_frame(s->t, i), fb = trace_frame(s->t, j);
	const struct frame_rec *a = &fa, *b = &fb;
	const int64_t lim = 1000000000;
	int64_t ds;
	if (__builtin_sub_overflow(b->sec, a->sec, &ds))
		ds = b->sec > a->sec ? lim : -lim;
	ds = ds > lim ? lim : ds < -lim ? -lim : ds;
	return ds * 1000000000 + ((int64_t)b->nsec - (int64_t)a->nsec);
}

static void count_op(struct stats *st, struct srow *r, const struct op *o,
		     uint64_t bytes, bool timed, int64_t rt)
{
	r->count++;
	r->bytes += bytes;
	if (o->rsp_frame != OP_NONE && o->status) {
		add_status(r, o->status);
		if ((o->status >> 30) == 3 && o->status != STATUS_MORE_PROCESSING_REQUIRED)
			r->errors++;
	}
	if (timed)
		add_rt(r, rt);
	(void)st;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

/* Rows in print order: SMB1 then SMB2, by command, the command's row
 * before its subcommands, these by name. */
static int cmp_row(const struct srow *a, const struct srow *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->cmd != b->cmd)
		return a->cmd < b->cmd ? -1 : 1;
	if (!a->sub || !b->sub)
		return !b->sub - !a->sub;
	return strcmp(a->sub, b->sub);
}

static int cmp_row_q(const void *x, const void *y)
{
	return cmp_row(x, y);
}

static int cmp_status(const void *x, const void *y)
{
	const struct st_status *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->status < b->status ? -1 : a->status > b->status;
}

struct stats *stats_build(const struct opset *s)
{
	struct stats *st = xcalloc(1, sizeof(*st));
	st->s = s;
	hmap_init(&st->cache);
	arena_init(&st->a);
	arena_init(&st->scratch);
	for (size_t i = 0; i < s->n; i++) {
		const struct op *o = &s->ops[i];
		if (o->proto != OP_SMB1 && o->proto != OP_SMB2)
			continue;
		if (o->flags & OP_ENCRYPTED)
			continue; /* command unknown */
		st->nops++;
		uint64_t key = row_key(o, o->key->sub);
		size_t *hit = hmap_get(&st->cache, key);
		size_t ri, si;
		if (hit) {
			ri = hit[0];
			si = hit[1];
		} else {
			const char *sn = sub_name(st, o);
			ri = row_find(st, o->proto, o->cmd, op_cmd_name(o), NULL);
			si = sn ? row_find(st, o->proto, o->cmd, op_cmd_name(o), sn) : SIZE_MAX;
			size_t *v = arena_alloc(&st->a, 2 * sizeof(size_t));
			v[0] = ri;
			v[1] = si;
			hmap_put(&st->cache, key, v);
		}
		bool timed = o->req_frame != OP_NONE && o->rsp_frame != OP_NONE &&
			     !(o->proto == OP_SMB1 && o->req_link);
		int64_t rt = timed ? frame_gap(s, o->req_frame, o->rsp_frame) : 0;
		uint64_t bytes = op_bytes(st, o);
		count_op(st, &st->r[ri], o, bytes, timed, rt);
		if (si != SIZE_MAX)
			count_op(st, &st->r[si], o, bytes, timed, rt);
	}
	hmap_free(&st->cache);
	arena_free(&st->scratch);
	if (st->n)
		qsort(st->r, st->n, sizeof(*st->r), cmp_row_q);
	for (size_t i = 0; i < st->n; i++) {
		struct srow *r = &st->r[i];
		if (r->nrt)
			qsort(r->rt, r->nrt, sizeof(*r->rt), cmp_i64);
		if (r->nst)
			qsort(r->st, r->nst, sizeof(*r->st), cmp_status);
	}
	return st;
}

void stats_free(struct stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->r[i].st);
		free(st->r[i].rt);
	}
	free(st->r);
	arena_free(&st->a);
	free(st);
}

/* ---- printing ---- */

enum rt_pick { RT_MIN, RT_MEDIAN, RT_P95, RT_MAX, RT_NPICK };
static const char *const rt_names[RT_NPICK] = { "min", "median", "p95", "max" };

static int64_t rt_get(const struct srow *r, enum rt_pick k)
{
	size_t i = 0;
	switch (k) {
	case RT_MIN: i = 0; break;
	case RT_MEDIAN: i = (r->nrt - 1) / 2; break;
	case RT_P95: i = (r->nrt * 95 + 99) / 100 - 1; break;
	case RT_MAX: i = r->nrt - 1; break;
	default: break;
	}
	return r->rt[i];
}

/* A pair of rows to print: either may be NULL (absent on that side). */
struct rpair {
	const struct srow *r[2];
};

/* The rows of a (and b) in print order, paired. *n gets the count. */
static struct rpair *pair_rows(const struct stats *a, const struct stats *b, size_t *n)
{
	size_t na = a->n, nb = b ? b->n : 0, i = 0, j = 0, k = 0;
	struct rpair *p = xcalloc(na + nb + 1, sizeof(*p));
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_row(&a->r[i], &b->r[j]);
		p[k].r[0] = c <= 0 ? &a->r[i++] : NULL;
		p[k].r[1] = c >= 0 ? &b->r[j++] : NULL;
		k++;
	}
	*n = k;
	return p;
}

static const char *row_label(const struct rpair *p, char *buf, size_t n)
{
	const struct srow *r = p->r[0] ? p->r[0] : p->r[1];
	if (r->sub)
		snprintf(buf, n, "  %s", r->sub);
	else
		snprintf(buf, n, "%s", r->name);
	return buf;
}

static void put_ms(FILE *f, const struct srow *r, enum rt_pick k, int w)
{
	if (!r || !r->nrt) {
		fprintf(f, " %*s", w, "-");
		return;
	}
	fprintf(f, " %*.3f", w, (double)rt_get(r, k) / 1e6);
}

static void put_ratio(FILE *f, double a, double b, bool have)
{
	if (!have || a <= 0)
		fprintf(f, " %6s", "-");
	else
		fprintf(f, " %6.2f", b / a);
}

static void put_u(FILE *f, const struct srow *r, uint64_t v, int w)
{
	if (r)
		fprintf(f, " %*" PRIu64, w, v);
	else
		fprintf(f, " %*s", w, "-");
}

static const char *status_name(uint32_t status, char *buf, size_t n)
{
	const char *s = val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), status);
	if (s)
		return s;
	snprintf(buf, n, "0x%08" PRIx32, status);
	return buf;
}

static uint64_t status_n(const struct srow *r, uint32_t status)
{
	for (size_t i = 0; r && i < r->nst; i++)
		if (r->st[i].status == status)
			return r->st[i].n;
	return 0;
}

static void text_head(const struct stats *st, char side, FILE *f)
{
	const struct opset *s = st->s;
	size_t answered = 0;
	for (size_t i = 0; i < st->n; i++)
		if (!st->r[i].sub)
			answered += st->r[i].nrt;
	fprintf(f, "%c: %s: %u frames, %zu SMB frames, %zu TCP streams, %" PRIu64
		   " SMB operations (%zu timed)\n", side, trace_path(s->t),
		trace_total_frames(s->t), trace_nframes(s->t), trace_nstreams(s->t), st->nops,
		answered);
}

#define NAME_W STATS_NAME_W

static void text_one(const struct stats *a, FILE *f, const struct rpair *p, size_t n)
{
	char buf[160];
	int last = -1;
	for (size_t i = 0; i < n; i++) {
		const struct srow *r = p[i].r[0];
		if (r->proto != last) {
			last = r->proto;
			fprintf(f, "\n%-*s %7s %11s %6s %7s %10s %10s %10s %10s\n", NAME_W,
				r->proto == OP_SMB2 ? "SMB2 command" : "SMB1 command", "count",
				"bytes", "errors", "timed", "min ms", "median ms", "p95 ms", "max ms");
		}
		fprintf(f, "%-*s", NAME_W, row_label(&p[i], buf, sizeof(buf)));
		put_u(f, r, r->count, 7);
		put_u(f, r, r->bytes, 11);
		put_u(f, r, r->errors, 6);
		put_u(f, r, r->nrt, 7);
		for (int k = 0; k < RT_NPICK; k++)
			put_ms(f, r, (enum rt_pick)k, 10);
		fputc('\n', f);
	}
	(void)a;
}

static void text_two(FILE *f, const struct rpair *p, size_t n)
{
	char buf[160];
	int last = -1;
	for (size_t i = 0; i < n; i++) {
		const struct srow *ra = p[i].r[0], *rb = p[i].r[1], *r = ra ? ra : rb;
		if (r->proto != last) {
			last = r->proto;
			fprintf(f, "\n%-*s %22s %31s %13s", NAME_W, "", "count", "bytes", "errors");
			for (int k = 0; k < RT_NPICK; k++)
				fprintf(f, " %23s ms", rt_names[k]);
			fprintf(f, "\n%-*s %7s %7s %6s %11s %11s %6s %6s %6s", NAME_W,
				r->proto == OP_SMB2 ? "SMB2 command" : "SMB1 command",
				"A", "B", "B/A", "A", "B", "B/A", "A", "B");
			for (int k = 0; k < RT_NPICK; k++)
				fprintf(f, " %9s %9s %6s", "A", "B", "B/A");
			fputc('\n', f);
		}
		fprintf(f, "%-*s", NAME_W, row_label(&p[i], buf, sizeof(buf)));
		put_u(f, ra, ra ? ra->count : 0, 7);
		put_u(f, rb, rb ? rb->count : 0, 7);
		put_ratio(f, ra ? (double)ra->count : 0, rb ? (double)rb->count : 0, ra && rb);
		put_u(f, ra, ra ? ra->bytes : 0, 11);
		put_u(f, rb, rb ? rb->bytes : 0, 11);
		put_ratio(f, ra ? (double)ra->bytes : 0, rb ? (double)rb->bytes : 0, ra && rb);
		put_u(f, ra, ra ? ra->errors : 0, 6);
		put_u(f, rb, rb ? rb->errors : 0, 6);
		for (int k = 0; k < RT_NPICK; k++) {
			bool have = ra && rb && ra->nrt && rb->nrt;
			put_ms(f, ra, (enum rt_pick)k, 9);
			put_ms(f, rb, (enum rt_pick)k, 9);
			put_ratio(f, have ? (double)rt_get(ra, (enum rt_pick)k) : 0,
				  have ? (double)rt_get(rb, (enum rt_pick)k) : 0, have);
		}
		fputc('\n', f);
	}
}

/* The statuses other than success, per command row. */
static void text_statuses(FILE *f, const struct rpair *p, size_t n, bool two)
{
	char buf[160], sb[16];
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		const struct srow *r = p[i].r[0] ? p[i].r[0] : p[i].r[1];
		if (r->sub)
			continue;
		for (int s = 0; s < (two ? 2 : 1); s++) {
			const struct srow *x = p[i].r[s];
			for (size_t k = 0; x && k < x->nst; k++) {
				uint32_t code = x->st[k].status;
				/* In B: those A does not have (A's are listed with both). */
				if (s == 1 && status_n(p[i].r[0], code))
					continue;
				if (!any)
					fprintf(f, "\n%-*s %-40s %7s%s\n", NAME_W, "Statuses other than success",
						"", two ? "A" : "count", two ? "       B" : "");
				any = true;
				fprintf(f, "%-*s %-40s", NAME_W, row_label(&p[i], buf, sizeof(buf)),
					status_name(code, sb, sizeof(sb)));
				put_u(f, p[i].r[0], status_n(p[i].r[0], code), 7);
				if (two)
					put_u(f, p[i].r[1], status_n(p[i].r[1], code), 7);
				fputc('\n', f);
			}
		}
	}
}

void stats_text(const struct stats *a, const struct stats *b, FILE *f)
{
	size_t n;
	struct rpair *p = pair_rows(a, b, &n);
	text_head(a, 'A', f);
	if (b)
		text_head(b, 'B', f);
	if (!n)
		fputs("\nno SMB operation\n", f);
	else if (b)
		text_two(f, p, n);
	else
		text_one(a, f, p, n);
	text_statuses(f, p, n, b != NULL);
	free(p);
}

static void json_side(struct jw *w, const struct srow *r)
{
	char sb[16];
	jw_obj(w);
	jw_key(w, "count");
	jw_uint(w, r->count);
	jw_key(w, "bytes");
	jw_uint(w, r->bytes);
	jw_key(w, "errors");
	jw_uint(w, r->errors);
	jw_key(w, "statuses");
	jw_obj(w);
	for (size_t k = 0; k < r->nst; k++) {
		jw_key(w, status_name(r->st[k].status, sb, sizeof(sb)));
		jw_uint(w, r->st[k].n);
	}
	jw_obj_end(w);
	jw_key(w, "rt_n");
	jw_uint(w, r->nrt);
	for (int k = 0; k < RT_NPICK; k++) {
		char key[16];
		snprintf(key, sizeof(key), "rt_%s_ns", rt_names[k]);
		jw_key(w, key);
		if (r->nrt)
			jw_int(w, rt_get(r, (enum rt_pick)k));
		else
			jw_null(w);
	}
	jw_obj_end(w);
}

static void json_ratio(struct jw *w, const char *key, double a, double b)
{
	char num[48];
	jw_key(w, key);
	if (a > 0) {
		snprintf(num, sizeof(num), "%.4f", b / a);
		jw_raw(w, num);
	} else {
		jw_null(w);
	}
}

static void json_trace(struct jw *w, const struct stats *st)
{
	const struct opset *s = st->s;
	jw_obj(w);
	jw_key(w, "file");
	jw_str(w, trace_path(s->t));
	jw_key(w, "frames");
	jw_uint(w, trace_total_frames(s->t));
	jw_key(w, "smb_frames");
	jw_uint(w, trace_nframes(s->t));
	jw_key(w, "pdus");
	jw_uint(w, trace_npdus(s->t));
	jw_key(w, "tcp_streams");
	jw_uint(w, trace_nstreams(s->t));
	jw_key(w, "operations");
	jw_uint(w, st->nops);
	jw_obj_end(w);
}

void stats_json(const struct stats *a, const struct stats *b, bool pretty, FILE *f)
{
	struct jw *w = xmalloc(sizeof(*w)); /* a 64 KiB buffer */
	size_t n;
	struct rpair *p = pair_rows(a, b, &n);
	jw_init(w, f, pretty);
	jw_obj(w);
	jw_key(w, "stats_version");
	jw_uint(w, 1);
	jw_key(w, "a");
	json_trace(w, a);
	if (b) {
		jw_key(w, "b");
		json_trace(w, b);
	}
	jw_key(w, "rows");
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		const struct srow *ra = p[i].r[0], *rb = p[i].r[1], *r = ra ? ra : rb;
		jw_obj(w);
		jw_key(w, "proto");
		jw_str(w, r->proto == OP_SMB2 ? "smb2" : "smb");
		jw_key(w, "cmd");
		jw_uint(w, r->cmd);
		jw_key(w, "command");
		jw_str(w, r->name);
		jw_key(w, "sub");
		if (r->sub)
			jw_str(w, r->sub);
		else
			jw_null(w);
		for (int s = 0; s < (b ? 2 : 1); s++) {
			jw_key(w, s ? "b" : "a");
			if (p[i].r[s])
				json_side(w, p[i].r[s]);
			else
				jw_null(w);
		}
		if (b) {
			jw_key(w, "ratio");
			jw_obj(w);
			/* null where a side lacks the row, as "-" in the text */
			json_ratio(w, "count", ra && rb ? (double)ra->count : 0, rb ? (double)rb->count : 0);
			json_ratio(w, "bytes", ra && rb ? (double)ra->bytes : 0, rb ? (double)rb->bytes : 0);
			for (int k = 0; k < RT_NPICK; k++) {
				char key[16];
				bool have = ra && rb && ra->nrt && rb->nrt;
				snprintf(key, sizeof(key), "rt_%s", rt_names[k]);
				json_ratio(w, key, have ? (double)rt_get(ra, (enum rt_pick)k) : 0,
					   have ? (double)rt_get(rb, (enum rt_pick)k) : 0);
			}
			jw_obj_end(w);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	jw_line(w);
	free(w);
	free(p);
}
