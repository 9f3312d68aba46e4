/*
 * report_findings.c - the findings section of --text, --json and --junit,
 * and the --check report of one trace; see report.h.
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

/* "#3,#5-#9" of a finding's entries, at most max items then "...". */
static void ops_text(FILE *f, const struct finding *x, size_t max)
{
	size_t shown = 0;
	for (size_t k = 0; k < x->nops && shown < max; shown++) {
		size_t lo = x->ops[k], hi = lo;
		while (k + 1 < x->nops && x->ops[k + 1] == hi + 1)
			hi = x->ops[++k];
		k++;
		fprintf(f, "%s#%zu", shown ? "," : "", lo);
		if (hi > lo)
			fprintf(f, "-#%zu", hi);
		if (k < x->nops && shown + 1 == max)
			fputs(",...", f);
	}
}

static void frames_text(FILE *f, const struct finding *x, int side, size_t max)
{
	fprintf(f, "%c", side ? 'B' : 'A');
	for (size_t k = 0; k < x->nframes[side] && k < max; k++)
		fprintf(f, "%s%" PRIu32, k ? "," : "", x->frames[side][k]);
	if (x->nframes[side] > max)
		fputs(",...", f);
}

void report_findings_text(const struct findings *F, FILE *f)
{
	size_t nk[FK_NKINDS] = { 0 };
	for (size_t i = 0; i < F->n; i++)
		nk[F->v[i]->kind]++;
	size_t ndiff = 0;
	for (size_t i = 0; i < F->nprof; i++)
		ndiff += F->prof[i].differs;

	if (!F->n && !ndiff) {
		fputs("# findings: none\n", f);
		return;
	}
	fprintf(f, "# findings:");
	bool first = true;
	for (int k = 0; k < FK_NKINDS; k++)
		if (nk[k]) {
			fprintf(f, "%s %zu %s", first ? "" : ",", nk[k], fkind_name(k));
			first = false;
		}
	if (ndiff)
		fprintf(f, "%s %zu profile difference%s", first ? "" : ",", ndiff,
			ndiff == 1 ? "" : "s");
	fputc('\n', f);
	if (ndiff && F->nsides == 2) {
		int w = 4;
		for (size_t i = 0; i < F->nprof; i++)
			if (F->prof[i].differs && (int)strlen(F->prof[i].name) > w)
				w = (int)strlen(F->prof[i].name);
		for (size_t i = 0; i < F->nprof; i++) {
			const struct prow *r = &F->prof[i];
			if (r->differs)
				fprintf(f, "  %-*s  A %s | B %s\n", w, r->name,
					*r->v[0] ? r->v[0] : "-", *r->v[1] ? r->v[1] : "-");
		}
	}
	for (size_t i = 0; i < F->n; i++) {
		const struct finding *x = F->v[i];
		fprintf(f, "%2zu. %s: %s", i + 1, fkind_name(x->kind), x->msg);
		if (F->nsides == 2 && x->nops > 1) {
			fputs(" [", f);
			ops_text(f, x, 6);
			fputc(']', f);
		} else if (F->nsides == 1) {
			fputs(" [frames ", f);
			frames_text(f, x, 0, 8);
			fputc(']', f);
		}
		fputc('\n', f);
	}
}

static void json_frames(struct jw *w, const struct finding *x, int side)
{
	jw_arr(w);
	for (size_t k = 0; k < x->nframes[side]; k++)
		jw_uint(w, x->frames[side][k]);
	jw_arr_end(w);
}

void report_findings_json(const struct findings *F, struct jw *w)
{
	jw_key(w, "profile");
	jw_arr(w);
	for (size_t i = 0; i < F->nprof; i++) {
		const struct prow *r = &F->prof[i];
		jw_obj(w);
		jw_key(w, "name");
		jw_str(w, r->name);
		jw_key(w, "a");
		jw_str(w, r->v[0]);
		if (F->nsides == 2) {
			jw_key(w, "b");
			jw_str(w, r->v[1]);
			jw_key(w, "differs");
			jw_bool(w, r->differs);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "findings");
	jw_arr(w);
	for (size_t i = 0; i < F->n; i++) {
		const struct finding *x = F->v[i];
		jw_obj(w);
		jw_key(w, "rank");
		jw_uint(w, i + 1);
		jw_key(w, "kind");
		jw_str(w, fkind_name(x->kind));
		jw_key(w, "check");
		jw_str(w, x->check);
		jw_key(w, "message");
		jw_str(w, x->msg);
		if (F->nsides == 2) {
			jw_key(w, "operations");
			jw_arr(w);
			for (size_t k = 0; k < x->nops; k++)
				jw_uint(w, x->ops[k]);
			jw_arr_end(w);
		}
		jw_key(w, "frames");
		jw_obj(w);
		jw_key(w, "a");
		json_frames(w, x, 0);
		if (F->nsides == 2) {
			jw_key(w, "b");
			json_frames(w, x, 1);
		}
		jw_obj_end(w);
		jw_key(w, "fields");
		jw_arr(w);
		for (size_t k = 0; k < x->nf; k++) {
			jw_obj(w);
			jw_key(w, "name");
			jw_str(w, x->f[k].name);
			jw_key(w, "a");
			if (x->f[k].a)
				jw_str(w, x->f[k].a);
			else
				jw_null(w);
			if (F->nsides == 2) {
				jw_key(w, "b");
				if (x->f[k].b)
					jw_str(w, x->f[k].b);
				else
					jw_null(w);
			}
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void report_check(const struct findings *F, bool json, FILE *f)
{
	if (!json) {
		fprintf(f, "--- %s\n", trace_path(F->s[0]->t));
		fprintf(f, "# %zu operations, %zu connections\n", F->s[0]->n, F->s[0]->nconns);
		for (size_t i = 0; i < F->nprof; i++)
			fprintf(f, "  %-24s %s\n", F->prof[i].name, F->prof[i].v[0]);
		report_findings_text(F, f);
		return;
	}
	struct jw w;
	jw_init(&w, f, false);
	jw_obj(&w);
	jw_key(&w, "schema_version");
	jw_uint(&w, REPORT_SCHEMA_VERSION);
	jw_key(&w, "input");
	jw_obj(&w);
	jw_key(&w, "path");
	jw_str(&w, trace_path(F->s[0]->t));
	jw_key(&w, "frames");
	jw_uint(&w, trace_total_frames(F->s[0]->t));
	jw_key(&w, "operations");
	jw_uint(&w, F->s[0]->n);
	jw_obj_end(&w);
	report_findings_json(F, &w);
	jw_obj_end(&w);
	jw_line(&w);
}
