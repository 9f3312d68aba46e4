/*
 * report_actions.c - a comparison by action (src/diff/actdiff.h) as text,
 * JSON and JUnit: what `--by actions` prints, and what a comparison of an
 * SMB1 client with an SMB2/3 one prints by default.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "report.h"

#define NONE UINT32_MAX
#define MAX_WORDS 16
#define MAX_FRAMES 8

static const char mark[] = { ' ', '~', '!', '-', '+', '>', ' ' };

/* The frame numbers of action k of side s: "25,26,27,28" (at most
 * MAX_FRAMES, then "..."). */
static const char *frames(const struct actdiff *d, int s, uint32_t k, struct arena *a)
{
	if (k == NONE)
		return "";
	const struct actset *as = &d->as[s];
	const struct action *x = &as->a[k];
	char buf[160];
	size_t n = 0, nf = 0;
	buf[0] = 0;
	for (uint32_t j = 0; j < x->nops; j++) {
		const struct op *o = &d->s[s]->ops[as->opidx[x->ops + j]];
		uint32_t fr[3] = { o->req_frame, o->interim_frame, o->rsp_frame };
		for (int q = 0; q < 3; q++) {
			if (fr[q] == OP_NONE)
				continue;
			if (nf++ == MAX_FRAMES) {
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",...");
				return arena_strdup(a, buf);
			}
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%" PRIu32, n ? "," : "",
					      ops_frame_num(d->s[s], fr[q]));
			if (n >= sizeof(buf))
				return arena_strdup(a, buf);
		}
	}
	return arena_strdup(a, buf);
}

static const struct action *act(const struct actdiff *d, size_t i, int s)
{
	uint32_t k = d->e[i].act[s];
	return k == NONE ? NULL : &d->as[s].a[k];
}

/* The title of entry i: A's action, or B's when A has none. */
static const char *title(const struct actdiff *d, size_t i, struct arena *a)
{
	const struct action *x = act(d, i, 0);
	return actdiff_title(a, x ? x : act(d, i, 1));
}

/* "B does 31 more actions A never reaches: authenticate, connect, ..." */
static const char *unreached_text(const struct actdiff *d, size_t i, struct arena *a)
{
	const struct aentry *e = &d->e[i];
	int s = e->act[0] == NONE ? 1 : 0;
	bool seen[V_COUNT] = { false };
	const char *list = "";
	for (size_t k = i; k < i + e->unreached && k < d->n; k++) {
		const struct action *x = act(d, k, s);
		if (!x || seen[x->verb])
			continue;
		seen[x->verb] = true;
		list = arena_printf(a, "%s%s%s", list, *list ? ", " : "", act_verb_name(x->verb));
	}
	return arena_printf(a, "%c does %" PRIu32 " more action%s %c never reaches: %s",
			    s ? 'B' : 'A', e->unreached, e->unreached == 1 ? "" : "s",
			    s ? 'A' : 'B', list);
}

static const char *dialect_of(const struct actdiff *d, int s)
{
	return d->dialect[s];
}

static void text_entry(const struct actdiff *d, FILE *f, size_t i, struct arena *a)
{
	const struct aentry *e = &d->e[i];
	if (e->status == AS_UNREACHED) {
		if (e->unreached)
			fprintf(f, "%c #%-4zu %s\n", mark[AS_UNREACHED], i, unreached_text(d, i, a));
		return;
	}
	fprintf(f, "%c #%-4zu %-56s A %-14s B %s\n", mark[e->status], i, title(d, i, a),
		frames(d, 0, e->act[0], a), frames(d, 1, e->act[1], a));
	const char *w[MAX_WORDS];
	size_t n = actdiff_words(d, i, a, w, MAX_WORDS);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "         %s\n", w[k]);
	if (e->act[0] != NONE && e->act[1] != NONE)
		return;
	const struct action *x = act(d, i, e->act[0] == NONE);
	const char *note = actdiff_note(d, i);
	if (note)
		fprintf(f, "         %s\n", note);
	if (!act_ok(x->status)) {
		char buf[96];
		fprintf(f, "         result: %s\n", act_status_name(x->status, buf, sizeof(buf)));
	}
}

void report_actions_text(struct diff *dd, const struct actdiff *d, const struct report_opts *ro,
			 FILE *f)
{
	const struct actdiff_counts *c = &d->counts;
	struct arena a;
	arena_init(&a);
	fprintf(f, "--- A %s\n+++ B %s\n", trace_path(dd->t[0]), trace_path(dd->t[1]));
	fprintf(f, "# by action: A negotiates %s, B %s (--by operations compares operation "
		   "by operation)\n", dialect_of(d, 0), dialect_of(d, 1));
	if (dd->o.filter)
		fprintf(f, "# filter: %s (actions with a matching operation or action field)\n",
			filter_text(dd->o.filter));
	fprintf(f, "# %zu actions compared: %zu equal, %zu similar, %zu changed, %zu only in A, "
		   "%zu only in B", c->compared, c->equal, c->similar, c->changed, c->only_a,
		c->only_b);
	if (c->unreached)
		fprintf(f, ", %zu never reached", c->unreached);
	fputc('\n', f);
	if (ro->F)
		report_findings_text(ro->F, f);
	if (d->first_div == SIZE_MAX) {
		fputs("# no differences in meaning\n", f);
	} else {
		fprintf(f, "\nfirst divergence: action #%zu (%s)\n", d->first_div,
			astatus_name(d->e[d->first_div].status));
	}
	/* Every action that differs, with up to 2 equal ones around each run. */
	fputc('\n', f);
	size_t skipped = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->e[i].status == AS_FILTERED)
			continue;
		bool show = d->e[i].status != AS_EQUAL;
		for (size_t k = i > 2 ? i - 2 : 0; !show && k < i + 3 && k < d->n; k++)
			show = d->e[k].status != AS_EQUAL && d->e[k].status != AS_FILTERED;
		if (!show) {
			skipped++;
			continue;
		}
		if (skipped)
			fprintf(f, "  ...  %zu equal action%s\n", skipped, skipped == 1 ? "" : "s");
		skipped = 0;
		text_entry(d, f, i, &a);
		arena_reset(&a);
	}
	if (skipped)
		fprintf(f, "  ...  %zu equal action%s\n", skipped, skipped == 1 ? "" : "s");
	arena_free(&a);
}

static void json_side(struct jw *w, const struct actdiff *d, int s, uint32_t k,
		      struct arena *ar)
{
	if (k == NONE) {
		jw_null(w);
		return;
	}
	const struct action *x = &d->as[s].a[k];
	char buf[160];
	jw_obj(w);
	jw_kstr(w, "verb", act_verb_name(x->verb));
	jw_kstr(w, "title", actdiff_title(ar, x));
	jw_key(w, "object");
	if (x->path)
		jw_str(w, x->path);
	else
		jw_null(w);
	if (x->name) {
		jw_kstr(w, "name", x->name);
	}
	jw_kstr(w, "status", act_status_name(x->status, buf, sizeof(buf)));
	if (x->known & AK_ACCESS) {
		jw_kuint(w, "access", x->access);
	}
	if (x->known & AK_SHARE) {
		jw_kuint(w, "share_access", x->share);
	}
	if (x->known & AK_DISP) {
		jw_kstr(w, "disposition", act_disp_name(x->disp, buf, sizeof(buf)));
	}
	if (x->known & AK_OPTIONS) {
		jw_kuint(w, "create_options", x->options);
	}
	if (x->known & AK_INFO) {
		jw_kstr(w, "class", act_info_name(x->info, buf, sizeof(buf)));
	}
	if (x->known & AK_FSCTL) {
		jw_kstr(w, "fsctl", act_fsctl_name(x->fsctl, buf, sizeof(buf)));
	}
	if ((x->known & AK_PATTERN) || (x->known & AK_DIALECT)) {
		jw_key(w, x->verb == V_NEGOTIATE ? "dialect" : "pattern");
		if (x->pattern)
			jw_str(w, x->pattern);
		else
			jw_null(w);
	}
	if (x->known & AK_EXTENT) {
		jw_kuint(w, "offset", x->offset);
		jw_kuint(w, "length", x->length);
		jw_kuint(w, "requests", x->nchunks);
		jw_kuint(w, "largest_request", x->max_chunk);
		if (x->known & AK_DIGEST) {
			jw_key(w, "digest");
			snprintf(buf, sizeof(buf), "%016" PRIx64, x->digest);
			jw_str(w, buf);
		}
	}
	jw_key(w, "operations");
	jw_arr(w);
	for (uint32_t j = 0; j < x->nops; j++) {
		uint32_t oi = d->as[s].opidx[x->ops + j];
		const struct op *o = &d->s[s]->ops[oi];
		jw_obj(w);
		jw_kuint(w, "op", oi);
		jw_kstr(w, "command", op_cmd_name(o));
		jw_kuint(w, "request_frame", ops_frame_num(d->s[s], o->req_frame));
		jw_kuint(w, "response_frame", ops_frame_num(d->s[s], o->rsp_frame));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void report_actions_json(struct diff *dd, const struct actdiff *d, const struct report_opts *ro,
			 FILE *f)
{
	struct jw w;
	struct arena a;
	const struct actdiff_counts *c = &d->counts;
	arena_init(&a);
	jw_init(&w, f, false);
	jw_obj(&w);
	jw_kuint(&w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_kstr(&w, "by", "actions");
	jw_key(&w, "inputs");
	jw_obj(&w);
	for (int s = 0; s < 2; s++) {
		jw_key(&w, s ? "b" : "a");
		jw_obj(&w);
		jw_kstr(&w, "path", trace_path(dd->t[s]));
		jw_kstr(&w, "dialect", dialect_of(d, s));
		jw_kuint(&w, "actions", d->as[s].n);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_key(&w, "filter");
	if (dd->o.filter)
		jw_str(&w, filter_text(dd->o.filter));
	else
		jw_null(&w);
	jw_key(&w, "summary");
	jw_obj(&w);
	jw_kuint(&w, "compared", c->compared);
	jw_kuint(&w, "equal", c->equal);
	jw_kuint(&w, "similar", c->similar);
	jw_kuint(&w, "changed", c->changed);
	jw_kuint(&w, "only_a", c->only_a);
	jw_kuint(&w, "only_b", c->only_b);
	jw_kuint(&w, "unreached", c->unreached);
	jw_key(&w, "first_divergence");
	if (d->first_div == SIZE_MAX)
		jw_null(&w);
	else
		jw_uint(&w, d->first_div);
	jw_obj_end(&w);
	if (ro->F)
		report_findings_json(ro->F, &w);
	jw_key(&w, "actions");
	jw_arr(&w);
	for (size_t i = 0; i < d->n; i++) {
		const struct aentry *e = &d->e[i];
		if ((e->status == AS_UNREACHED && !e->unreached) || e->status == AS_FILTERED)
			continue;
		jw_obj(&w);
		jw_kuint(&w, "index", i);
		jw_kstr(&w, "status", astatus_name(e->status));
		jw_kstr(&w, "title", e->status == AS_UNREACHED ? unreached_text(d, i, &a) : title(d, i, &a));
		if (e->status == AS_UNREACHED) {
			jw_kuint(&w, "count", e->unreached);
		}
		jw_key(&w, "differences");
		jw_arr(&w);
		const char *words[MAX_WORDS];
		size_t n = actdiff_words(d, i, &a, words, MAX_WORDS);
		for (size_t k = 0; k < n; k++)
			jw_str(&w, words[k]);
		jw_arr_end(&w);
		jw_key(&w, "a");
		json_side(&w, d, 0, e->act[0], &a);
		jw_key(&w, "b");
		json_side(&w, d, 1, e->act[1], &a);
		jw_obj_end(&w);
		arena_reset(&a);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_line(&w);
	arena_free(&a);
}

void report_actions_junit(struct diff *dd, const struct actdiff *d, FILE *f)
{
	const struct actdiff_counts *c = &d->counts;
	struct arena a;
	arena_init(&a);
	size_t fails = c->changed + c->only_a + c->only_b + (c->unreached ? 1 : 0);
	size_t tests = c->compared;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"smbcmp\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
		tests, fails);
	fprintf(f, "  <testsuite name=\"");
	esc_xml(f, arena_printf(&a, "actions: A %s (%s), B %s (%s)",
					  trace_path(dd->t[0]), dialect_of(d, 0),
					  trace_path(dd->t[1]), dialect_of(d, 1)), true);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n", tests, fails);
	for (size_t i = 0; i < d->n; i++) {
		const struct aentry *e = &d->e[i];
		if ((e->status == AS_UNREACHED && !e->unreached) || e->status == AS_FILTERED)
			continue;
		const char *t = e->status == AS_UNREACHED ? unreached_text(d, i, &a) : title(d, i, &a);
		fprintf(f, "    <testcase classname=\"smbcmp.actions\" name=\"");
		esc_xml(f, arena_printf(&a, "#%zu %s", i, t), true);
		bool fail = e->status >= AS_CHANGED;
		if (!fail) {
			fputs("\"/>\n", f);
			arena_reset(&a);
			continue;
		}
		fputs("\">\n      <failure message=\"", f);
		esc_xml(f, astatus_name(e->status), true);
		fputs("\">", f);
		const char *words[MAX_WORDS];
		size_t n = actdiff_words(d, i, &a, words, MAX_WORDS);
		esc_xml(f, arena_printf(&a, "A frames %s; B frames %s\n",
						  frames(d, 0, e->act[0], &a),
						  frames(d, 1, e->act[1], &a)), false);
		for (size_t k = 0; k < n; k++) {
			esc_xml(f, words[k], false);
			fputc('\n', f);
		}
		fputs("</failure>\n    </testcase>\n", f);
		arena_reset(&a);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	arena_free(&a);
}

#define HTML_MAX_ACTIONS 20000

void report_actions_html(const struct actdiff *d, FILE *f)
{
	static const char *const cls[] = { "equal", "similar", "changed", "only_a", "only_b",
					   "unreached", "filtered" };
	const struct actdiff_counts *c = &d->counts;
	struct arena a;
	arena_init(&a);
	fprintf(f, "<section id=\"actions\"><h2>By action (A %s", d->dialect[0]);
	fputs(", B ", f);
	esc_htmls(f, d->dialect[1]);
	fprintf(f, ")</h2>\n<p>%zu actions compared: %zu equal, %zu similar, %zu changed, %zu only "
		   "in A, %zu only in B, %zu never reached. The actions that differ (all of them: "
		   "<code>smbcmp --text</code>):</p>\n<table class=\"actions\"><tr><th></th><th>#</th>"
		   "<th>action</th><th>A frames</th><th>B frames</th><th>differences</th></tr>\n",
		c->compared, c->equal, c->similar, c->changed, c->only_a, c->only_b, c->unreached);
	size_t listed = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct aentry *e = &d->e[i];
		if (e->status == AS_EQUAL || e->status == AS_FILTERED ||
		    (e->status == AS_UNREACHED && !e->unreached))
			continue;
		if (listed++ == HTML_MAX_ACTIONS) {
			fputs("<tr><td colspan=\"6\">(more: <code>smbcmp --text</code> lists them "
			      "all)</td></tr>\n", f);
			break;
		}
		fprintf(f, "<tr class=\"a-%s\"><td>%c</td><td>%zu</td><td>", cls[e->status],
			mark[e->status], i);
		esc_htmls(f, e->status == AS_UNREACHED ? unreached_text(d, i, &a) : title(d, i, &a));
		fputs("</td><td>", f);
		esc_htmls(f, frames(d, 0, e->act[0], &a));
		fputs("</td><td>", f);
		esc_htmls(f, frames(d, 1, e->act[1], &a));
		fputs("</td><td>", f);
		const char *words[MAX_WORDS];
		size_t n = actdiff_words(d, i, &a, words, MAX_WORDS);
		for (size_t k = 0; k < n; k++) {
			if (k)
				fputs("<br>", f);
			esc_htmls(f, words[k]);
		}
		const char *note = actdiff_note(d, i);
		if (note) {
			fputs(n ? "<br>" : "", f);
			esc_htmls(f, note);
		}
		fputs("</td></tr>\n", f);
		arena_reset(&a);
	}
	fputs("</table></section>\n", f);
	arena_free(&a);
}
