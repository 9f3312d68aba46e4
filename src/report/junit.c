/*
 * junit.c - the diff as a JUnit XML report (--junit FILE), the format CI
 * systems (GitLab, Jenkins, GitHub test reporters) display natively.
 *
 *   <testsuites name="smbcmp" tests="52" failures="12" errors="0">
 *     <testsuite name="connection 0: A stream 0 (...) B stream 0 (...)"
 *                tests="52" failures="12" errors="0" skipped="0">
 *       <properties><property name="a" value="same_1.pcap"/>...</properties>
 *       <testcase classname="smbcmp.connection0"
 *                 name="#29 Create Request File: x.jpg -&gt; Create Response">
 *         <failure type="only_b" message="only in B">B frames 64,65</failure>
 *       </testcase>
 *
 * One testsuite per pair of connections, one testcase per aligned operation
 * (operations left out by --filter are not listed), a <failure> for changed
 * operations (the differing fields in its text) and for operations present
 * on one side only. Every string is XML-escaped and made valid XML 1.0
 * character data (invalid UTF-8 and control characters become U+FFFD),
 * whatever bytes a capture holds.
 */
#include "report.h"
#include "walk.h"

#include "escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* name="value" with the value escaped. */
static void xml_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	esc_xml(f, value, true);
	fputc('"', f);
}

static void xml_attr_num(FILE *f, const char *name, size_t v)
{
	fprintf(f, " %s=\"%zu\"", name, v);
}

static bool listed(const struct dentry *e)
{
	return e->status != DS_FILTERED;
}

/* A similar entry passes: its differences fail in their findings' cases. */
static bool failed(const struct report_opts *ro, size_t i)
{
	return fstatus_differs(ro->F->status[i], false);
}

/* "A stream 0 (10.0.0.2:49152 -> 10.0.0.1:445)" or "A -". */
static const char *conn_side(struct diff *d, size_t ci, int s, struct arena *a)
{
	int64_t c = d->conns[ci].c[s];
	if (c < 0)
		return arena_printf(a, "%c -", s ? 'B' : 'A');
	const struct op_conn *oc = &d->s[s].conns[c];
	const struct stream_rec *r = trace_stream(d->t[s], oc->stream);
	return arena_printf(a, "%c stream %u (%s -> %s)", s ? 'B' : 'A', oc->stream,
			    r->client, r->server);
}

static const char *frames(struct diff *d, int side, uint32_t opi, struct arena *a)
{
	uint32_t fr[2];

	if (!walk_frames(d, side, opi, fr))
		return arena_printf(a, "%c: -", side ? 'B' : 'A');
	if (fr[0] && fr[1])
		return arena_printf(a, "%c: frames %u,%u", side ? 'B' : 'A', fr[0], fr[1]);
	return arena_printf(a, "%c: frame %u", side ? 'B' : 'A', fr[0] ? fr[0] : fr[1]);
}

static void failure(FILE *f, struct diff *d, const struct dentry *e,
		    const struct ddetail *det, struct arena *a)
{
	const char *msg = e->status == DS_ONLY_A ? "only in A (missing from B)" :
			  e->status == DS_ONLY_B ? "only in B (missing from A)" :
			  arena_printf(a, "%zu field%s differ%s", det->nf + det->more,
				       det->nf + det->more == 1 ? "" : "s",
				       det->nf + det->more == 1 ? "s" : "");
	fputs("      <failure", f);
	xml_attr(f, "type", dstatus_name(e->status));
	xml_attr(f, "message", msg);
	fputc('>', f);
	esc_xml(f, frames(d, 0, e->op[0], a), false);
	fputc('\n', f);
	esc_xml(f, frames(d, 1, e->op[1], a), false);
	fputc('\n', f);
	if (e->status == DS_CHANGED) {
		const char *la = walk_op_line(det, 0, a), *lb = walk_op_line(det, 1, a);
		if (strcmp(la, lb)) {
			fputs("A: ", f);
			esc_xml(f, la, false);
			fputs("\nB: ", f);
			esc_xml(f, lb, false);
			fputc('\n', f);
		}
	}
	for (size_t k = 0; k < det->nf; k++) {
		const struct dfield *x = &det->f[k];
		esc_xml(f, x->path, false);
		if (x->note) {
			fputs("  # ", f);
			esc_xml(f, x->note, false);
		}
		fputs("\n- ", f);
		const char *va = walk_field_value(x, 0), *vb = walk_field_value(x, 1);
		esc_xml(f, va ? va : "(absent)", false);
		fputs("\n+ ", f);
		esc_xml(f, vb ? vb : "(absent)", false);
		fputc('\n', f);
	}
	if (det->more)
		fprintf(f, "... %zu more differences\n", det->more);
	fputs("</failure>\n", f);
}

static void testcase(FILE *f, struct diff *d, const struct report_opts *ro, size_t i,
		     struct arena *a)
{
	const struct dentry *e = &d->e[i];
	struct ddetail det;

	walk_entry(d, i, walk_detailed(d, ro->F, i, false), a, &det);
	int side = e->op[0] != OP_NONE ? 0 : 1;
	fputs("    <testcase", f);
	xml_attr(f, "classname", arena_printf(a, "smbcmp.connection%u", e->conn));
	xml_attr(f, "name", arena_printf(a, "#%zu %s", i, walk_op_line(&det, side, a)));
	if (!failed(ro, i)) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	failure(f, d, e, &det, a);
	fputs("    </testcase>\n", f);
}

/* One testcase per finding, in rank order; each one fails. */
static void findings_suite(FILE *f, const struct findings *F, struct arena *a)
{
	fputs("  <testsuite", f);
	xml_attr(f, "name", "findings");
	xml_attr_num(f, "tests", F->n);
	xml_attr_num(f, "failures", F->n);
	xml_attr_num(f, "errors", 0);
	xml_attr_num(f, "skipped", 0);
	fputs(">\n", f);
	for (size_t i = 0; i < F->n; i++) {
		const struct finding *x = F->v[i];
		fputs("    <testcase", f);
		xml_attr(f, "classname", arena_printf(a, "smbcmp.findings.%s", fkind_name(x->kind)));
		xml_attr(f, "name", arena_printf(a, "%zu. %s", i + 1, x->msg));
		fputs(">\n      <failure", f);
		xml_attr(f, "type", x->check);
		xml_attr(f, "message", x->msg);
		fputc('>', f);
		for (int s = 0; s < 2; s++) {
			fprintf(f, "%c frames:", s ? 'B' : 'A');
			for (size_t k = 0; k < x->nframes[s]; k++)
				fprintf(f, " %u", x->frames[s][k]);
			fputc('\n', f);
		}
		for (size_t k = 0; k < x->nf; k++) {
			esc_xml(f, x->f[k].name, false);
			fputs(": A ", f);
			esc_xml(f, x->f[k].a ? x->f[k].a : "(absent)", false);
			fputs(", B ", f);
			esc_xml(f, x->f[k].b ? x->f[k].b : "(absent)", false);
			fputc('\n', f);
		}
		fputs("</failure>\n    </testcase>\n", f);
		arena_reset(a);
	}
	fputs("  </testsuite>\n", f);
}

void report_junit(struct diff *d, const struct report_opts *ro, FILE *f)
{
	struct arena a;
	size_t nc = d->nconns, tests = 0, fails = 0;
	/* Entries grouped by connection, in order (a counting sort). */
	size_t *start = calloc(nc + 1, sizeof(*start));
	size_t *fail = calloc(nc + 1, sizeof(*fail));
	size_t *pos = calloc(nc + 1, sizeof(*pos));
	size_t *order = malloc((d->n ? d->n : 1) * sizeof(*order));

	if (!start || !fail || !pos || !order) {
		free(start), free(fail), free(pos), free(order);
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<testsuites name=\"smbcmp\" tests=\"0\" failures=\"0\" errors=\"1\"/>\n", f);
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		if (!listed(e) || e->conn >= nc)
			continue;
		start[e->conn + 1]++;
		fail[e->conn] += failed(ro, i);
		tests++;
		fails += failed(ro, i);
	}
	tests += ro->F->n;
	fails += ro->F->n;
	for (size_t c = 0; c < nc; c++)
		start[c + 1] += start[c];
	memcpy(pos, start, (nc + 1) * sizeof(*pos));
	for (size_t i = 0; i < d->n; i++)
		if (listed(&d->e[i]) && d->e[i].conn < nc)
			order[pos[d->e[i].conn]++] = i;

	arena_init(&a);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	xml_attr(f, "name", "smbcmp");
	xml_attr_num(f, "tests", tests);
	xml_attr_num(f, "failures", fails);
	xml_attr_num(f, "errors", 0);
	fputs(">\n", f);
	if (ro->F->n)
		findings_suite(f, ro->F, &a);
	for (size_t c = 0; c < nc; c++) {
		fputs("  <testsuite", f);
		xml_attr(f, "name", arena_printf(&a, "connection %zu: %s, %s", c,
						 conn_side(d, c, 0, &a), conn_side(d, c, 1, &a)));
		xml_attr_num(f, "tests", start[c + 1] - start[c]);
		xml_attr_num(f, "failures", fail[c]);
		xml_attr_num(f, "errors", 0);
		xml_attr_num(f, "skipped", 0);
		fputs(">\n    <properties>\n", f);
		const char *props[][2] = {
			{ "a", trace_path(d->t[0]) },
			{ "b", trace_path(d->t[1]) },
			{ "filter", filter_text(d->o.filter) },
		};
		for (size_t k = 0; k < sizeof(props) / sizeof(props[0]); k++) {
			if (!props[k][1])
				continue;
			fputs("      <property", f);
			xml_attr(f, "name", props[k][0]);
			xml_attr(f, "value", props[k][1]);
			fputs("/>\n", f);
		}
		fputs("    </properties>\n", f);
		arena_reset(&a);
		for (size_t k = start[c]; k < start[c + 1]; k++) {
			testcase(f, d, ro, order[k], &a);
			arena_reset(&a);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	arena_free(&a);
	free(start), free(fail), free(pos), free(order);
}
