/*
 * report.c - diff output; see report.h. The JSON schema is documented in
 * README.md ("Comparing two traces"); bump REPORT_SCHEMA_VERSION on any
 * incompatible change.
 */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "walk.h"

static void json_conn_side(struct jw *w, const struct diff *d, int side, int64_t ci)
{
	if (ci < 0) {
		jw_null(w);
		return;
	}
	const struct op_conn *c = &d->s[side].conns[ci];
	const struct stream_rec *s = trace_stream(d->t[side], c->stream);
	jw_obj(w);
	jw_kuint(w, "stream", c->stream);
	jw_kstr(w, "client", s->client);
	jw_kstr(w, "server", s->server);
	jw_kuint(w, "operations", c->n);
	jw_obj_end(w);
}

static void json_input(struct jw *w, const struct diff *d, int side)
{
	jw_obj(w);
	jw_kstr(w, "path", trace_path(d->t[side]));
	jw_kuint(w, "frames", trace_total_frames(d->t[side]));
	jw_kuint(w, "operations", d->s[side].n);
	jw_kuint(w, "connections", d->s[side].nconns);
	jw_obj_end(w);
}

static void json_str_or_null(struct jw *w, const char *s)
{
	if (s)
		jw_str(w, s);
	else
		jw_null(w);
}

static void json_frame(struct jw *w, const struct opset *s, uint32_t frame)
{
	if (frame == OP_NONE)
		jw_null(w);
	else
		jw_uint(w, ops_frame_num(s, frame));
}

static void json_op(struct jw *w, const struct diff *d, int side, uint32_t opi,
		    const struct ddetail *det)
{
	if (opi == OP_NONE) {
		jw_null(w);
		return;
	}
	const struct opset *s = &d->s[side];
	const struct op *o = &s->ops[opi];
	jw_obj(w);
	jw_key(w, "request_frame");
	json_frame(w, s, o->req_frame);
	jw_key(w, "response_frame");
	json_frame(w, s, o->rsp_frame);
	if (o->ninterim) {
		jw_key(w, "interim_frame");
		json_frame(w, s, o->interim_frame);
	}
	jw_kstr(w, "request", det->req_sum[side]);
	jw_kstr(w, "response", det->rsp_sum[side]);
	jw_key(w, "key");
	json_str_or_null(w, det->key[side]);
	if (o->proto == OP_RPC) {
		jw_key(w, "rpc");
		jw_obj(w);
		jw_kstr(w, "interface", o->key->sub ? o->key->sub : "dcerpc");
		jw_kstr(w, "operation", rpc_operation(o));
		jw_key(w, "opnum");
		if ((o->cmd & RPC_BIND_CMD) == RPC_BIND_CMD)
			jw_null(w);
		else
			jw_uint(w, o->cmd);
		jw_key(w, "pipe");
		json_str_or_null(w, o->key->path);
		jw_obj_end(w);
	}
	if (o->flags & (OP_UNSOLICITED | OP_NO_REQUEST)) {
		jw_kstr(w, "kind", o->flags & OP_UNSOLICITED ? "unsolicited" : "no_request");
	}
	jw_obj_end(w);
}

static void json_fields(struct jw *w, const struct ddetail *det)
{
	jw_key(w, "differences");
	jw_arr(w);
	for (size_t k = 0; k < det->nf; k++) {
		const struct dfield *f = &det->f[k];
		jw_obj(w);
		jw_kstr(w, "name", f->name);
		jw_kstr(w, "path", f->path);
		jw_key(w, "a");
		json_str_or_null(w, f->a);
		jw_key(w, "b");
		json_str_or_null(w, f->b);
		jw_key(w, "a_label");
		json_str_or_null(w, f->la);
		jw_key(w, "b_label");
		json_str_or_null(w, f->lb);
		if (f->note) {
			jw_kstr(w, "note", f->note);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (det->more) {
		jw_kuint(w, "more_differences", det->more);
	}
}

void report_json(struct diff *d, const struct report_opts *ro, FILE *f)
{
	struct jw w;
	const struct fcounts *c = &ro->F->counts;

	jw_init(&w, f, false);
	jw_obj(&w);
	jw_kuint(&w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_key(&w, "inputs");
	jw_obj(&w);
	jw_key(&w, "a");
	json_input(&w, d, 0);
	jw_key(&w, "b");
	json_input(&w, d, 1);
	jw_obj_end(&w);
	jw_key(&w, "masks");
	jw_arr(&w);
	for (size_t i = 0; i < d->o.masks->n; i++) {
		const struct mask_rule *r = &d->o.masks->r[i];
		jw_obj(&w);
		jw_kstr(&w, "pattern", r->pattern);
		jw_kstr(&w, "action", mask_action_name(r->action));
		jw_kstr(&w, "source", mask_source_name(r->source));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "filter");
	json_str_or_null(&w, filter_text(d->o.filter));
	jw_key(&w, "summary");
	jw_obj(&w);
	jw_kuint(&w, "compared", c->compared);
	jw_kuint(&w, "equal", c->equal);
	jw_kuint(&w, "similar", c->similar);
	jw_kuint(&w, "changed", c->changed);
	jw_kuint(&w, "only_a", c->only_a);
	jw_kuint(&w, "only_b", c->only_b);
	jw_key(&w, "first_divergence");
	if (d->first_div == SIZE_MAX)
		jw_null(&w);
	else
		jw_uint(&w, d->first_div);
	jw_key(&w, "first_failure");
	if (ro->F->first_failure == SIZE_MAX)
		jw_null(&w);
	else
		jw_uint(&w, ro->F->first_failure);
	jw_obj_end(&w);
	report_findings_json(ro->F, &w);
	jw_key(&w, "connections");
	jw_arr(&w);
	for (size_t i = 0; i < d->nconns; i++) {
		jw_obj(&w);
		jw_key(&w, "a");
		json_conn_side(&w, d, 0, d->conns[i].c[0]);
		jw_key(&w, "b");
		json_conn_side(&w, d, 1, d->conns[i].c[1]);
		char sim[32];
		snprintf(sim, sizeof(sim), "%.3f", d->conns[i].similarity);
		jw_key(&w, "similarity");
		jw_raw(&w, sim);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "operations");
	jw_arr(&w);
	struct walk_ahead *wa = walk_ahead_new(d, ro->F, ro->all_fields);
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		if (e->status == DS_FILTERED)
			continue;
		bool detail;
		const struct ddetail *det = walk_ahead_get(wa, i, &detail);
		jw_obj(&w);
		jw_kuint(&w, "index", i);
		jw_kuint(&w, "connection", e->conn);
		jw_kstr(&w, "status", fstatus_name(ro->F->status[i]));
		jw_key(&w, "a");
		json_op(&w, d, 0, e->op[0], det);
		jw_key(&w, "b");
		json_op(&w, d, 1, e->op[1], det);
		if (detail)
			json_fields(&w, det);
		jw_obj_end(&w);
	}
	walk_ahead_free(wa);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_line(&w);
}

/* ---- text ---- */

static void frames_text(char *buf, size_t n, const struct diff *d, int side,
			uint32_t opi)
{
	uint32_t fr[2];

	if (!walk_frames(d, side, opi, fr))
		snprintf(buf, n, "%s", "");
	else if (fr[0] && fr[1])
		snprintf(buf, n, "%c%u,%u", side ? 'B' : 'A', fr[0], fr[1]);
	else
		snprintf(buf, n, "%c%u", side ? 'B' : 'A', fr[0] ? fr[0] : fr[1]);
}

static void text_fields(FILE *f, const struct ddetail *det)
{
	for (size_t k = 0; k < det->nf; k++) {
		const struct dfield *x = &det->f[k];
		fprintf(f, "      %s%s%s\n", x->path, x->note ? "  # " : "",
			x->note ? x->note : "");
		for (int s = 0; s < 2; s++)
			if (walk_field_value(x, s))
				fprintf(f, "      %c %s\n", s ? '+' : '-', walk_field_value(x, s));
	}
	if (det->more)
		fprintf(f, "      ... %zu more differences\n", det->more);
}

/* Entry i: its line, and unless brief its differing fields. */
static void text_entry(struct diff *d, const struct report_opts *ro, FILE *f,
		       size_t i, struct arena *a, bool brief)
{
	const struct dentry *e = &d->e[i];
	struct ddetail det;
	char fa[32], fb[32];
	static const char marks[] = { [FS_EQUAL] = ' ', [FS_CHANGED] = '!',
				      [FS_ONLY_A] = '-', [FS_ONLY_B] = '+',
				      [FS_FILTERED] = ' ', [FS_SIMILAR] = '~' };
	bool detail = !brief && walk_detailed(d, ro->F, i, ro->all_fields);

	walk_entry(d, i, detail, a, &det);
	frames_text(fa, sizeof(fa), d, 0, e->op[0]);
	frames_text(fb, sizeof(fb), d, 1, e->op[1]);
	int side = e->op[0] != OP_NONE ? 0 : 1;
	fprintf(f, "%c #%-5zu %-12s %-12s %s\n", marks[ro->F->status[i]], i, fa, fb,
		walk_op_line(&det, side, a));
	if (detail) {
		const char *la = walk_op_line(&det, 0, a), *lb = walk_op_line(&det, 1, a);
		if (strcmp(la, lb))
			fprintf(f, "%*s B: %s\n", 34, "", lb);
		text_fields(f, &det);
	}
	arena_reset(a);
}

static void text_conns(struct diff *d, FILE *f)
{
	for (size_t i = 0; i < d->nconns; i++) {
		const struct dconn *c = &d->conns[i];
		fprintf(f, "# connection %zu:", i);
		for (int s = 0; s < 2; s++) {
			if (c->c[s] < 0) {
				fprintf(f, " %c -", s ? 'B' : 'A');
				continue;
			}
			const struct op_conn *oc = &d->s[s].conns[c->c[s]];
			const struct stream_rec *r = trace_stream(d->t[s], oc->stream);
			fprintf(f, " %c stream %u (%s -> %s, %zu ops)", s ? 'B' : 'A',
				oc->stream, r->client, r->server, oc->n);
		}
		if (c->c[0] >= 0 && c->c[1] >= 0)
			fprintf(f, " similarity %.2f", c->similarity);
		fputc('\n', f);
	}
}

void report_text(struct diff *d, const struct report_opts *ro, FILE *f)
{
	const struct fcounts *c = &ro->F->counts;
	struct arena a;

	arena_init(&a);
	fprintf(f, "--- A %s\n+++ B %s\n", trace_path(d->t[0]), trace_path(d->t[1]));
	text_conns(d, f);
	if (d->o.filter)
		fprintf(f, "# filter: %s\n", filter_text(d->o.filter));
	fprintf(f, "# %zu operations compared: %zu equal, %zu similar, %zu changed, "
		   "%zu only in A, %zu only in B\n",
		c->compared, c->equal, c->similar, c->changed, c->only_a, c->only_b);
	if (d->first_div == SIZE_MAX) {
		fputs("# no differences\n", f);
		arena_free(&a);
		return;
	}
	report_findings_text(ro->F, f);
	fprintf(f, "\nfirst divergence: operation #%zu (%s)", d->first_div,
		fstatus_name(ro->F->status[d->first_div]));
	if (ro->F->first_failure != SIZE_MAX)
		fprintf(f, ", first failure: operation #%zu", ro->F->first_failure);
	fputc('\n', f);
	/* Their lines; the fields follow in their hunks below. */
	text_entry(d, ro, f, d->first_div, &a, true);
	if (ro->F->first_failure != SIZE_MAX && ro->F->first_failure != d->first_div)
		text_entry(d, ro, f, ro->F->first_failure, &a, true);

	/* Hunks: runs of differences with context equal operations around;
	 * a similar entry is a difference with --all-fields only (otherwise
	 * its differences are named in the findings). */
	struct hunk h;
	for (size_t pos = 0; walk_next_hunk(d, ro->F, ro->all_fields, ro->context, &pos, &h);) {
		if (h.conn_lo == h.conn_hi)
			fprintf(f, "\n@@ operations #%zu-#%zu, connection %u @@\n", h.lo,
				h.hi - 1, h.conn_lo);
		else
			fprintf(f, "\n@@ operations #%zu-#%zu, connections %u-%u @@\n", h.lo,
				h.hi - 1, h.conn_lo, h.conn_hi);
		for (size_t k = h.lo; k < h.hi; k++)
			if (d->e[k].status != DS_FILTERED)
				text_entry(d, ro, f, k, &a, false);
	}
	arena_free(&a);
}
