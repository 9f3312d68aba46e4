/* output.c - printing one trace; see output.h. */
#include "output.h"

#include <inttypes.h>
#include <string.h>

void out_fmt_time(char *buf, size_t n, int64_t sec, uint32_t nsec)
{
	if (sec < 0 && nsec) {
		sec++;
		nsec = 1000000000u - nsec;
		snprintf(buf, n, "-%" PRId64 ".%09u", -sec, nsec);
	} else {
		snprintf(buf, n, "%" PRId64 ".%09u", sec, nsec);
	}
}

void out_json_node(struct jw *w, const struct node *n)
{
	jw_obj(w);
	if (n->name) {
		jw_key(w, "name");
		jw_str(w, n->name);
	}
	if (n->show && n->name && !(n->flags & N_PROTO)) {
		jw_key(w, "show");
		jw_str(w, n->show);
	}
	jw_key(w, "label");
	jw_str(w, n->label);
	jw_key(w, "pos");
	jw_uint(w, n->pos);
	jw_key(w, "size");
	jw_uint(w, n->size);
	if (n->flags & N_GENERATED) {
		jw_key(w, "generated");
		jw_bool(w, true);
	}
	if (n->flags & N_MALFORMED) {
		jw_key(w, "malformed");
		jw_bool(w, true);
	}
	if (n->flags & N_GRAFT) {
		jw_key(w, "engine");
		jw_str(w, "tshark");
	}
	if (n->flags & N_REASM && n->flags & N_PROTO) {
		jw_key(w, "reassembled");
		jw_bool(w, true);
	}
	if (n->child) {
		jw_key(w, "children");
		jw_arr(w);
		for (const struct node *c = n->child; c; c = c->next)
			out_json_node(w, c);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void frame_head(struct jw *w, const struct out_frame *fr)
{
	char ts[48];

	out_fmt_time(ts, sizeof(ts), fr->sec, fr->nsec);
	jw_key(w, "frame");
	jw_uint(w, fr->num);
	jw_key(w, "time");
	jw_raw(w, ts);
	jw_key(w, fr->udp ? "udp_stream" : "stream");
	jw_uint(w, fr->stream);
	jw_key(w, "src");
	jw_str(w, fr->src);
	jw_key(w, "dst");
	jw_str(w, fr->dst);
	jw_key(w, "summary");
	jw_str(w, fr->summary);
}

static int native_next(struct frame_src *base, struct arena *a, struct out_frame *f)
{
	struct native_src *s = (struct native_src *)base;
	if (s->i >= trace_nframes(s->t))
		return 0;
	const struct frame_rec *fr = trace_frame(s->t, s->i);
	const struct stream_rec *st = trace_frame_stream(s->t, fr);
	f->num = fr->num;
	f->sec = fr->sec;
	f->nsec = fr->nsec;
	f->stream = fr->stream;
	f->udp = fr->udp;
	f->src = fr->to_server ? st->client : st->server;
	f->dst = fr->to_server ? st->server : st->client;
	f->root = trace_dissect_frame(s->t, a, s->i, &f->summary);
	s->i++;
	return 1;
}

struct frame_src *out_native_src(struct native_src *s, struct trace *t)
{
	s->base.next = native_next;
	s->t = t;
	s->i = 0;
	return &s->base;
}

int out_json_src(struct frame_src *s, FILE *f)
{
	struct arena a;
	struct jw w;
	struct out_frame fr;
	int r;

	arena_init(&a);
	jw_init(&w, f, false);
	while ((r = s->next(s, &a, &fr)) > 0) {
		jw_obj(&w);
		frame_head(&w, &fr);
		jw_key(&w, "tree");
		jw_arr(&w);
		for (const struct node *c = fr.root->child; c; c = c->next)
			out_json_node(&w, c);
		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_line(&w);
		arena_reset(&a);
	}
	arena_free(&a);
	return r;
}

void out_json_frames(struct trace *t, FILE *f)
{
	struct native_src s;
	out_json_src(out_native_src(&s, t), f);
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

int out_text_src(struct frame_src *s, FILE *f)
{
	struct arena a;
	struct out_frame fr;
	int r;

	arena_init(&a);
	while ((r = s->next(s, &a, &fr)) > 0) {
		char ts[48];
		out_fmt_time(ts, sizeof(ts), fr.sec, fr.nsec);
		fprintf(f, "Frame %u: time %s, stream %u, %s -> %s: %s\n", fr.num, ts,
			fr.stream, fr.src, fr.dst, fr.summary);
		for (const struct node *c = fr.root->child; c; c = c->next)
			text_node(f, c, 0);
		fputc('\n', f);
		arena_reset(&a);
	}
	arena_free(&a);
	return r;
}

void out_text_frames(struct trace *t, FILE *f)
{
	struct native_src s;
	out_text_src(out_native_src(&s, t), f);
}

void out_list(struct trace *t, FILE *f)
{
	struct arena a;
	int64_t t0 = 0;
	uint32_t n0 = 0;

	arena_init(&a);
	for (size_t i = 0; i < trace_nframes(t); i++) {
		const struct frame_rec *fr = trace_frame(t, i);
		const struct stream_rec *s = trace_frame_stream(t, fr);
		const char *summary;
		if (i == 0) {
			t0 = fr->sec;
			n0 = fr->nsec;
		}
		summary = trace_summary(t, &a, i);
		int64_t ns = (fr->sec - t0) * 1000000000 + ((int64_t)fr->nsec - n0);
		fprintf(f, "%6u %4" PRId64 ".%06" PRId64 " %s -> %s %s\n", fr->num,
			(int64_t)(ns / 1000000000), (int64_t)((ns % 1000000000) / 1000),
			fr->to_server ? s->client : s->server,
			fr->to_server ? s->server : s->client, summary);
		arena_reset(&a);
	}
	arena_free(&a);
}
