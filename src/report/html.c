/*
 * html.c - the comparison (and one trace) as one self-contained HTML file
 * (--html FILE): inline CSS and JavaScript, no network access (its
 * Content-Security-Policy forbids any), for CI artifacts and bug reports.
 *
 * Layout of a comparison, top to bottom:
 *   header     inputs, masks, filter, summary counts (#summary td[data-k],
 *              the numbers --json prints), first divergence, first failure
 *   findings   ranked, as --text lists them
 *   profile    the session profile, A beside B
 *   operations the aligned operations (tr.op, status class s-equal ...,
 *              mark as in the UI), each changed one followed by its detail
 *              row (html_tree.c) of fields and trees, in <details>
 *   ladder     the two traces as sequence diagrams side by side, drawn by
 *              the script from the data below (one g.lr per listed row)
 *   times      response time per command, A beside B (drawn by the script;
 *              the --stats work (issue 21 item 3) may fill it from C)
 *   data       <script type="application/json">: per listed row its index,
 *              status, command, times and key ("Create share\dir\file");
 *              every string escaped for a <script> element (escape.h
 *              ESC_JSON_SCRIPT)
 * Everything up to the operations reads without JavaScript; the script
 * adds filtering, keys, the ladder and the charts.
 *
 * Size is bounded (htmlpriv.h): rows and embedded trees are capped, and
 * the report says what it left out and which command shows it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "html_assets.h"
#include "htmlpriv.h"
#include "output.h"
#include "report.h"
#include "xalloc.h"

static const char *const st_class[] = {
	[FS_EQUAL] = "equal", [FS_CHANGED] = "changed", [FS_ONLY_A] = "only_a",
	[FS_ONLY_B] = "only_b", [FS_FILTERED] = "filtered", [FS_SIMILAR] = "similar",
};
static const char st_mark[] = {
	[FS_EQUAL] = ' ', [FS_CHANGED] = '!', [FS_ONLY_A] = '-', [FS_ONLY_B] = '+',
	[FS_FILTERED] = ' ', [FS_SIMILAR] = '~',
};

static void head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"generator\" content=\"smbcmp " SMBCMP_VERSION "\">\n<title>", f);
	esc_htmls(f, title);
	fputs("</title>\n<style>\n", f);
	fputs(html_css, f);
	fputs("</style></head>\n<body>\n", f);
}

static void tail(FILE *f)
{
	fputs("<script>\n", f);
	fputs(html_js, f);
	fputs("</script>\n</body></html>\n", f);
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc_htmls(f, s);
	fputs("</td>", f);
}

static void input_row(FILE *f, const char *side, const struct diff *d, int s)
{
	fprintf(f, "<tr><th>%s</th>", side);
	td(f, trace_path(d->t[s]));
	fprintf(f, "<td>%" PRIu32 " frames, %zu operations, %zu connections</td></tr>\n",
		trace_total_frames(d->t[s]), d->s[s].n, d->s[s].nconns);
}

static void masks_html(FILE *f, const struct masks *m)
{
	fprintf(f, "<details><summary>masks in force: %zu rules</summary><table class=\"masks\">"
		   "<tr><th>pattern</th><th>action</th><th>source</th></tr>", m->n);
	for (size_t i = 0; i < m->n; i++) {
		fputs("<tr>", f);
		td(f, m->r[i].pattern);
		td(f, mask_action_name(m->r[i].action));
		td(f, mask_source_name(m->r[i].source));
		fputs("</tr>", f);
	}
	fputs("</table></details>\n", f);
}

static void count_cell(FILE *f, const char *key, const char *label, size_t v)
{
	fprintf(f, "<td class=\"k-%s\" data-k=\"%s\"><b>%zu</b> %s</td>", key, key, v, label);
}

static void summary_html(FILE *f, const struct diff *d, const struct findings *F)
{
	const struct fcounts *c = &F->counts;
	fputs("<table id=\"summary\"><tr>", f);
	count_cell(f, "compared", "compared", c->compared);
	count_cell(f, "equal", "equal", c->equal);
	count_cell(f, "similar", "similar", c->similar);
	count_cell(f, "changed", "changed", c->changed);
	count_cell(f, "only_a", "only in A", c->only_a);
	count_cell(f, "only_b", "only in B", c->only_b);
	fputs("</tr></table>\n<p id=\"firsts\">", f);
	if (d->first_div == SIZE_MAX) {
		fputs("No differences.", f);
	} else {
		fprintf(f, "First divergence: <a href=\"#o%zu\" data-first=\"%zu\">operation #%zu</a> (%s)",
			d->first_div, d->first_div, d->first_div,
			fstatus_name(F->status[d->first_div]));
		if (F->first_failure != SIZE_MAX)
			fprintf(f, "; first failure: <a href=\"#o%zu\" data-failure=\"%zu\">"
				   "operation #%zu</a>", F->first_failure, F->first_failure,
				F->first_failure);
		fputc('.', f);
	}
	fputs("</p>\n", f);
}

static void findings_html(FILE *f, const struct findings *F)
{
	fprintf(f, "<section id=\"findings\"><h2>Findings (%zu)</h2>\n", F->n);
	if (!F->n)
		fputs("<p>None.</p>", f);
	else
		fputs("<ol>", f);
	for (size_t i = 0; i < F->n; i++) {
		const struct finding *x = F->v[i];
		fprintf(f, "<li class=\"fk-%s\"><span class=\"kind\">%s</span> ",
			fkind_name(x->kind), fkind_name(x->kind));
		esc_htmls(f, x->msg);
		for (size_t k = 0; k < x->nops && F->nsides == 2 && k < 8; k++)
			fprintf(f, " <a href=\"#o%zu\">#%zu</a>", x->ops[k], x->ops[k]);
		if (F->nsides == 2 && x->nops > 8)
			fprintf(f, " (+%zu more)", x->nops - 8);
		if (F->nsides == 1 && x->nframes[0]) {
			fputs(" [frames", f);
			for (size_t k = 0; k < x->nframes[0] && k < 8; k++)
				fprintf(f, " %" PRIu32, x->frames[0][k]);
			fputs(x->nframes[0] > 8 ? " ...]" : "]", f);
		}
		fputs("</li>\n", f);
	}
	if (F->n)
		fputs("</ol>", f);
	fputs("</section>\n", f);
}

static void profile_html(FILE *f, const struct findings *F)
{
	fputs("<section id=\"profile\"><h2>Session profile</h2>\n<table class=\"prof\">", f);
	fputs(F->nsides == 2 ? "<tr><th></th><th>A</th><th>B</th></tr>" : "", f);
	for (size_t i = 0; i < F->nprof; i++) {
		const struct prow *r = &F->prof[i];
		fprintf(f, "<tr%s><th>", r->differs ? " class=\"differs\"" : "");
		esc_htmls(f, r->name);
		fputs("</th>", f);
		for (int s = 0; s < F->nsides; s++)
			td(f, r->v[s]);
		fputs("</tr>\n", f);
	}
	fputs("</table></section>\n", f);
}

/* "12,13" of an op's frames, or "" */
static void frames_cell(FILE *f, const struct diff *d, int side, uint32_t opi)
{
	fputs("<td class=\"fr\">", f);
	if (opi != OP_NONE) {
		const struct opset *s = &d->s[side];
		const struct op *o = &s->ops[opi];
		uint32_t rq = ops_frame_num(s, o->req_frame), rs = ops_frame_num(s, o->rsp_frame);
		if (rq && rs)
			fprintf(f, "%" PRIu32 ",%" PRIu32, rq, rs);
		else
			fprintf(f, "%" PRIu32, rq ? rq : rs);
	}
	fputs("</td>", f);
}

static void op_cell(FILE *f, const struct ddetail *det, int side)
{
	const char *rq = det->req_sum[side], *rs = det->rsp_sum[side];
	fputs("<td class=\"sum\">", f);
	esc_htmls(f, rq);
	if (*rq && *rs)
		fputs(" &rarr; ", f);
	esc_htmls(f, rs);
	fputs("</td>", f);
}

/* Nanoseconds from (s0, n0) to (s1, n1), in double: capture times are
 * untrusted, any int64 seconds must not overflow. */
static double rel_ns(int64_t s1, uint32_t n1, int64_t s0, uint32_t n0)
{
	return ((double)s1 - (double)s0) * 1e9 + ((double)n1 - (double)n0);
}

static double rel_clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Microseconds from the first frame of side's trace to frame (0 to 2^53,
 * what JavaScript numbers hold exactly), -1 if none. */
static int64_t op_time(const struct diff *d, int side, uint32_t frame)
{
	if (frame == OP_NONE || !trace_nframes(d->t[side]))
		return -1;
	struct frame_rec a = trace_frame(d->t[side], 0), b = trace_frame(d->t[side], frame);
	return (int64_t)rel_clamp(rel_ns(b.sec, b.nsec, a.sec, a.nsec) / 1e3, 0, 9e15);
}

/* Index of name in cmds (added when new; 0 "other" past the table). */
static unsigned cmd_index(const char **cmds, unsigned *n, unsigned cap, const char *name)
{
	for (unsigned k = 0; k < *n; k++)
		if (!strcmp(cmds[k], name))
			return k;
	if (*n == cap)
		return 0;
	cmds[*n] = name;
	return (*n)++;
}

#define NCMDS 256

/* Which entries the table lists (htmlpriv.h's caps); returns how many. */
static size_t pick_rows(const struct diff *d, const struct findings *F, uint8_t *listed,
			size_t *left_eq, size_t *left_diff)
{
	size_t neq = 0, ndiff = 0;
	*left_eq = *left_diff = 0;
	for (size_t i = 0; i < d->n; i++) {
		uint8_t st = F->status[i];
		listed[i] = 0;
		if (st == FS_FILTERED)
			continue;
		bool eq = st == FS_EQUAL;
		if (eq ? neq < HTML_MAX_EQ_ROWS : ndiff < HTML_MAX_DIFF_ROWS) {
			listed[i] = 1;
			eq ? neq++ : ndiff++;
		} else {
			eq ? (*left_eq)++ : (*left_diff)++;
		}
	}
	return neq + ndiff;
}

static void controls_html(FILE *f, bool two)
{
	fputs("<div class=\"controls\" id=\"controls\">", f);
	if (two) {
		static const char *const sts[][2] = {
			{ "equal", "equal" }, { "similar", "similar ~" }, { "changed", "changed !" },
			{ "only_a", "only A -" }, { "only_b", "only B +" },
		};
		for (size_t k = 0; k < 5; k++)
			fprintf(f, "<label><input type=\"checkbox\" class=\"stf\" value=\"%s\" checked> %s</label> ",
				sts[k][0], sts[k][1]);
	}
	fputs("<input type=\"search\" id=\"q\" placeholder=\"filter text\"> "
	      "<span class=\"keys\">keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>]</kbd>/<kbd>[</kbd> "
	      "next/previous difference, <kbd>Enter</kbd> expand, <kbd>/</kbd> filter</span></div>\n", f);
}

void report_html(struct diff *d, const struct report_opts *ro, FILE *f)
{
	const struct findings *F = ro->F;
	struct arena a;
	struct hdetail h = { .masks = d->o.masks, .budget = HTML_DETAIL_BUDGET };
	uint8_t *listed = xcalloc(d->n ? d->n : 1, 1);
	size_t left_eq, left_diff;
	size_t nrows = pick_rows(d, F, listed, &left_eq, &left_diff);
	const char *cmds[NCMDS] = { "other" };
	unsigned ncmds = 1;

	arena_init(&a);
	char *title = arena_printf(&a, "smbcmp: %s vs %s", trace_path(d->t[0]), trace_path(d->t[1]));
	head(f, title);
	fputs("<header><h1>smbcmp comparison</h1>\n<table class=\"inputs\">", f);
	input_row(f, "A", d, 0);
	input_row(f, "B", d, 1);
	if (d->o.filter) {
		fputs("<tr><th>filter</th>", f);
		td(f, filter_text(d->o.filter));
		fputs("<td></td></tr>", f);
	}
	fputs("</table>\n", f);
	masks_html(f, d->o.masks);
	summary_html(f, d, F);
	fputs("</header>\n", f);
	findings_html(f, F);
	profile_html(f, F);
	if (ro->actions)
		report_actions_html(ro->actions, f);

	fprintf(f, "<section id=\"ops\"><h2>Operations (%zu listed)</h2>\n", nrows);
	if (left_eq || left_diff)
		fprintf(f, "<p class=\"note\" id=\"rows-left\">%zu equal and %zu differing operations "
			   "are not listed, to keep the report small: <code>smbcmp --text</code> "
			   "(or <code>--json</code>) of the two traces lists them all.</p>\n",
			left_eq, left_diff);
	controls_html(f, true);
	fputs("<table id=\"optable\"><thead><tr><th></th><th>#</th><th>A frames</th>"
	      "<th>B frames</th><th>A</th><th>B</th></tr></thead><tbody>\n", f);
	/* The ladder's data, collected while the rows are written. */
	char *data = NULL;
	size_t dlen = 0;
	FILE *df = open_memstream(&data, &dlen);
	struct jw w;
	jw_init(&w, df ? df : f, false);
	w.esc_flags = ESC_JSON_SCRIPT;
	jw_arr(&w);
	for (size_t i = 0; i < d->n; i++) {
		if (!listed[i])
			continue;
		const struct dentry *e = &d->e[i];
		uint8_t st = F->status[i];
		struct ddetail det;
		bool detail = st == FS_CHANGED || (st == FS_SIMILAR && e->status == DS_CHANGED);
		if (detail && (h.shown >= HTML_MAX_DETAILED || h.budget < 1024 ||
			       (st == FS_SIMILAR && h.similar >= HTML_MAX_SIMILAR))) {
			detail = false;
			h.left++;
		}
		h.similar += detail && st == FS_SIMILAR;
		if (detail)
			diff_detail(d, i, DIFF_MAX_FIELDS, &a, &det);
		else
			diff_summary(d, i, &a, &det);
		fprintf(f, "<tr class=\"op s-%s\" id=\"o%zu\" data-i=\"%zu\"><td class=\"mk\">%c</td>"
			   "<td>#%zu</td>", st_class[st], i, i, st_mark[st], i);
		frames_cell(f, d, 0, e->op[0]);
		frames_cell(f, d, 1, e->op[1]);
		op_cell(f, &det, 0);
		op_cell(f, &det, 1);
		fputs("</tr>\n", f);
		if (detail)
			html_entry_detail(&h, f, d, i, &det, 6);
		int side = e->op[0] != OP_NONE ? 0 : 1;
		const struct op *o = &d->s[side].ops[e->op[side]];
		jw_arr(&w);
		jw_uint(&w, i);
		jw_str(&w, st_class[st]);
		jw_uint(&w, cmd_index(cmds, &ncmds, NCMDS, op_cmd_name(o)));
		for (int s = 0; s < 2; s++) {
			const struct op *so = e->op[s] == OP_NONE ? NULL : &d->s[s].ops[e->op[s]];
			jw_int(&w, so ? op_time(d, s, so->req_frame) : -1);
			jw_int(&w, so ? op_time(d, s, so->rsp_frame) : -1);
		}
		jw_str(&w, op_key_text(&a, o));
		jw_arr_end(&w);
		arena_reset(&a);
	}
	jw_arr_end(&w);
	jw_flush(&w);
	fputs("</tbody></table>\n", f);
	if (h.left)
		fprintf(f, "<p class=\"note\" id=\"detail-left\">The details of %zu changed or "
			   "similar operations are left out (%zu shown, at most %d similar), to keep "
			   "the report small: <code>smbcmp --text --all-fields</code> of the two "
			   "traces lists their differing fields.</p>\n",
			h.left, h.shown, HTML_MAX_SIMILAR);
	fputs("</section>\n", f);

	fputs("<section id=\"ladder\"><h2>Ladder</h2><div class=\"controls\">vertical axis: "
	      "<label><input type=\"radio\" name=\"axis\" value=\"seq\" checked> sequence</label> "
	      "<label><input type=\"radio\" name=\"axis\" value=\"time\"> time</label></div>"
	      "<noscript><p>The ladder is drawn by JavaScript.</p></noscript>"
	      "<div id=\"ladderbox\"></div></section>\n", f);
	/* Issue 21 item 3 (--stats) may put its per-command statistics here. */
	fputs("<section id=\"times\"><h2>Response time per command</h2>"
	      "<noscript><p>The charts are drawn by JavaScript.</p></noscript>"
	      "<div id=\"timesbox\"></div></section>\n", f);

	if (df)
		fclose(df);
	fputs("<script type=\"application/json\" id=\"data\">{\"sides\":2,\"cmds\":", f);
	jw_init(&w, f, false);
	w.esc_flags = ESC_JSON_SCRIPT;
	jw_arr(&w);
	for (unsigned k = 0; k < ncmds; k++)
		jw_str(&w, cmds[k]);
	jw_arr_end(&w);
	jw_flush(&w);
	fputs(",\"rows\":", f);
	if (data)
		fwrite(data, 1, dlen, f);
	else
		fputs("[]", f);
	fputs("}</script>\n", f);
	free(data);
	tail(f);
	arena_free(&a);
	free(listed);
}

/* ---- one trace ---- */

void report_html_trace(struct trace *t, const struct filter *flt, FILE *f)
{
	struct native_src ns;
	struct frame_src *src = out_native_src(&ns, t);
	struct hdetail h = { .masks = NULL, .budget = HTML_DETAIL_BUDGET };
	struct arena a;
	struct out_frame fr;
	size_t rows = 0, left = 0;
	int64_t t0s = 0;
	uint32_t t0n = 0;

	ns.flt = flt;
	if (trace_nframes(t)) {
		struct frame_rec f0 = trace_frame(t, 0);
		t0s = f0.sec;
		t0n = f0.nsec;
	}
	arena_init(&a);
	head(f, arena_printf(&a, "smbcmp: %s", trace_path(t)));
	fputs("<header><h1>smbcmp trace</h1>\n<table class=\"inputs\"><tr><th>trace</th>", f);
	td(f, trace_path(t));
	fprintf(f, "<td>%" PRIu32 " frames, %zu with SMB</td></tr>", trace_total_frames(t),
		trace_nframes(t));
	if (flt) {
		fputs("<tr><th>filter</th>", f);
		td(f, filter_text(flt));
		fputs("<td></td></tr>", f);
	}
	fputs("</table></header>\n<section id=\"ops\"><h2>Packets</h2>\n", f);
	controls_html(f, false);
	fputs("<table id=\"optable\"><thead><tr><th>frame</th><th>time</th><th>source</th>"
	      "<th>destination</th><th>info</th></tr></thead><tbody>\n", f);
	arena_reset(&a);
	while (src->next(src, &a, &fr) == 1) {
		if (rows >= HTML_MAX_DIFF_ROWS) {
			left++;
			arena_reset(&a);
			continue;
		}
		char tb[48];
		out_fmt_reltime(tb, sizeof(tb),
				(int64_t)rel_clamp(rel_ns(fr.sec, fr.nsec, t0s, t0n), -9e18, 9e18));
		fprintf(f, "<tr class=\"op s-frame\" id=\"o%" PRIu32 "\" data-i=\"%" PRIu32 "\">"
			   "<td>%" PRIu32 "</td>", fr.num, fr.num, fr.num);
		td(f, tb);
		td(f, fr.src);
		td(f, fr.dst);
		td(f, fr.summary);
		fputs("</tr>\n", f);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = h.shown < HTML_MAX_DETAILED ? open_memstream(&buf, &len) : NULL;
		if (m) {
			fprintf(m, "<tr class=\"det\" id=\"d%" PRIu32 "\"><td colspan=\"5\"><details>"
				   "<summary>frame %" PRIu32 "</summary>", fr.num, fr.num);
			for (const struct node *k = fr.root ? fr.root->child : NULL; k; k = k->next)
				html_tree(&h, m, k);
			fputs("</details></td></tr>\n", m);
		}
		if (m && fclose(m) == 0 && len <= h.budget) {
			fwrite(buf, 1, len, f);
			h.budget -= len;
			h.shown++;
		} else {
			h.left++;
		}
		free(buf);
		rows++;
		arena_reset(&a);
	}
	fputs("</tbody></table>\n", f);
	if (left)
		fprintf(f, "<p class=\"note\" id=\"rows-left\">%zu more frames are not listed, to "
			   "keep the report small: <code>smbcmp --list</code> of the trace lists them "
			   "all.</p>\n", left);
	if (h.left)
		fprintf(f, "<p class=\"note\" id=\"detail-left\">The trees of %zu frames are left "
			   "out: <code>smbcmp --text</code> of the trace shows them.</p>\n", h.left);
	fputs("</section>\n<script type=\"application/json\" id=\"data\">{\"sides\":1}</script>\n", f);
	tail(f);
	arena_free(&a);
}
