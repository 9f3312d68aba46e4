/*
 * report_findings.c - the findings section of --text, --json and --junit,
 * and the --check report of one trace; see report.h.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xalloc.h"

#define PROFILE_LINES 8

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

#define TEXT_COLS 80

/* Item k of a ", "-separated list: *len bytes at the return value. */
static const char *list_item(const char *s, size_t k, size_t *len)
{
	for (; k && s; k--) {
		s = strstr(s, ", ");
		s = s ? s + 2 : NULL;
	}
	if (!s || !*s)
		return NULL;
	const char *e = strstr(s, ", ");
	*len = e ? (size_t)(e - s) : strlen(s);
	return s;
}

static bool list_has(const char *s, const char *item, size_t len)
{
	size_t l;
	for (size_t k = 0; (s = list_item(s, k ? 1 : 0, &l)); k++)
		if (l == len && !strncmp(s, item, len))
			return true;
	return false;
}

/* Number of items of a missing from b; *total gets a's item count, *chars
 * the length of the missing items joined by ", ". */
static size_t list_missing(const char *a, const char *b, size_t *total, size_t *chars)
{
	size_t n = 0, k, len;
	const char *it;
	*chars = 0;
	for (k = 0; (it = list_item(a, k, &len)); k++)
		if (!list_has(b, it, len)) {
			*chars += len + (n ? 2 : 0);
			n++;
		}
	*total = k;
	return n;
}

/* Appends to out (cap bytes) label and the items of a missing from b, as
 * many as keep out within room bytes, then "+N more"; nmissing is their
 * number (list_missing). */
static void list_minus(char *out, size_t cap, size_t room, const char *label,
		       const char *a, const char *b, size_t nmissing)
{
	size_t n = 0, shown = 0, len;
	bool full = false;
	const char *it;
	size_t used = strlen(out);
	snprintf(out + used, cap - used, "%s", label);
	used = strlen(out);
	for (size_t k = 0; (it = list_item(a, k, &len)); k++) {
		if (list_has(b, it, len))
			continue;
		n++;
		size_t more = n < nmissing ? 10 : 0; /* room for ", +N more" */
		full = full || used + len + 2 + more > room || used + len + 3 >= cap;
		if (full)
			continue;
		snprintf(out + used, cap - used, "%s%.*s", shown ? ", " : "", (int)len, it);
		used = strlen(out);
		shown++;
	}
	if (n > shown && used + 12 < cap)
		snprintf(out + used, cap - used, "%s+%zu more", shown ? ", " : "", n - shown);
}

/*
 * The profile rows that differ, one short line each (TEXT_COLS when it
 * can): a list value (items separated by ", ") too long is shown as the
 * items only one side has; a side that negotiated no dialect has the rows
 * it lacks named on one line. --json keeps the full values.
 */
static void profile_text(const struct findings *F, FILE *f)
{
	bool nosession[2];
	for (int s = 0; s < 2; s++) {
		const char *d = profile_get(F, "dialect chosen", s);
		nosession[s] = !d || !strncmp(d, "none", 4);
	}
	int w = 4;
	for (size_t i = 0; i < F->nprof; i++)
		if (F->prof[i].differs && (int)strlen(F->prof[i].name) > w)
			w = (int)strlen(F->prof[i].name);
	char only[2][TEXT_COLS * 2] = { "", "" };
	size_t nonly[2] = { 0, 0 }, shown[2] = { 0, 0 };
	size_t room = TEXT_COLS - (size_t)w - 4;
	bool *said = xcalloc(F->nprof ? F->nprof : 1, 1);
	/* At most PROFILE_LINES rows with their values, so the findings stay
	 * on one screen; the others by name on one line (all in --json and
	 * the UI's findings view). */
	size_t lines = 0;
	char also[TEXT_COLS * 2] = "";
	size_t nalso = 0, shown_also = 0;
	for (size_t i = 0; i < F->nprof; i++) {
		const struct prow *r = &F->prof[i];
		if (!r->differs || said[i])
			continue;
		const char *a = r->v[0], *b = r->v[1];
		if (lines >= PROFILE_LINES && *a && *b) {
			size_t used = strlen(also);
			if (shown_also == nalso && used + strlen(r->name) + 12 < room) {
				snprintf(also + used, sizeof(also) - used, "%s%s", used ? ", " : "",
					 r->name);
				shown_also++;
			}
			nalso++;
			continue;
		}
		if (*a && *b)
			lines++;
		/* A row one side lacks (a dialect without negotiate contexts,
		 * a side that negotiated nothing): named with the others. */
		int lacking = !*a ? 0 : !*b ? 1 : -1;
		(void)nosession;
		/* Rows with the same two values: one line ("max read size, max
		 * write size"). */
		char name[TEXT_COLS] = "";
		snprintf(name, sizeof(name), "%s", r->name);
		for (size_t j = i + 1; j < F->nprof && lacking < 0; j++) {
			const struct prow *q = &F->prof[j];
			if (!q->differs || said[j] || strcmp(q->v[0], a) || strcmp(q->v[1], b))
				continue;
			size_t len = strlen(name);
			if (len + strlen(q->name) + 3 > (size_t)w + 16)
				continue;
			snprintf(name + len, sizeof(name) - len, ", %s", q->name);
			said[j] = true;
		}
		if (lacking >= 0) {
			int s = !lacking;
			char *o = only[s];
			size_t used = strlen(o);
			if (shown[s] == nonly[s] && used + strlen(r->name) + 12 < room) {
				snprintf(o + used, sizeof(only[0]) - used, "%s%s", used ? ", " : "", r->name);
				shown[s]++;
			}
			nonly[s]++;
			continue;
		}
		size_t ta, tb, ca, cb;
		size_t na = list_missing(a, b, &ta, &ca), nb = list_missing(b, a, &tb, &cb);
		bool disjoint = na == ta && nb == tb;
		if ((size_t)w + 10 + strlen(a) + strlen(b) <= TEXT_COLS || ta < 2 || tb < 2 ||
		    disjoint) {
			fprintf(f, "  %-*s  A %s | B %s\n", w, name, *a ? a : "-", *b ? b : "-");
			continue;
		}
		char line[TEXT_COLS * 2] = "";
		if (na)
			list_minus(line, sizeof(line),
				   nb ? room - (cb + 20 < room / 2 ? cb + 20 : room / 2) : room,
				   "only A: ", a, b, na);
		if (nb)
			list_minus(line, sizeof(line), room, na ? "; only B: " : "only B: ", b, a, nb);
		if (!na && !nb)
			snprintf(line, sizeof(line), "the same, in another order");
		fprintf(f, "  %-*s  %s\n", w, name, line);
	}
	free(said);
	if (nalso) {
		fprintf(f, "  %-*s  %s", w, "also differ", also);
		if (nalso > shown_also)
			fprintf(f, ", +%zu more", nalso - shown_also);
		fputc('\n', f);
	}
	for (int s = 0; s < 2; s++) {
		if (!nonly[s])
			continue;
		fprintf(f, "  %-*s  %s", w, s ? "only B has" : "only A has", only[s]);
		if (nonly[s] > shown[s])
			fprintf(f, ", +%zu more", nonly[s] - shown[s]);
		fputc('\n', f);
	}
}

static void finding_text(const struct findings *F, FILE *f, size_t i);

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
	/* What fails and why first, then how the sessions differ, then the
	 * rest by rank. */
	size_t i = 0;
	for (; i < F->n && F->v[i]->kind <= FK_FAILURE; i++)
		finding_text(F, f, i);
	if (ndiff && F->nsides == 2)
		profile_text(F, f);
	for (; i < F->n; i++)
		finding_text(F, f, i);
}

static void finding_text(const struct findings *F, FILE *f, size_t i)
{
	{
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
		jw_kstr(w, "name", r->name);
		jw_kstr(w, "a", r->v[0]);
		if (F->nsides == 2) {
			jw_kstr(w, "b", r->v[1]);
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
		jw_kuint(w, "rank", i + 1);
		jw_kstr(w, "kind", fkind_name(x->kind));
		jw_kstr(w, "check", x->check);
		jw_kstr(w, "message", x->msg);
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
			jw_kstr(w, "name", x->f[k].name);
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
		report_findings_text(F, f);
		fputs("# session profile\n", f);
		for (size_t i = 0; i < F->nprof; i++)
			fprintf(f, "  %-24s %s\n", F->prof[i].name, F->prof[i].v[0]);
		return;
	}
	struct jw w;
	jw_init(&w, f, false);
	jw_obj(&w);
	jw_kuint(&w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_key(&w, "input");
	jw_obj(&w);
	jw_kstr(&w, "path", trace_path(F->s[0]->t));
	jw_kuint(&w, "frames", trace_total_frames(F->s[0]->t));
	jw_kuint(&w, "operations", F->s[0]->n);
	jw_obj_end(&w);
	report_findings_json(F, &w);
	jw_obj_end(&w);
	jw_line(&w);
}
