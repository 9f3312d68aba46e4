/*
 * compare.c - the runs of two traces (and of one for --check, --stats):
 * the comparison by operation or by action, its writers, the UI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "cli.h"
#include "dissect.h"
#include "report.h"
#include "stats.h"
#include "ui.h"

/* --check: state checks of one trace; 0 nothing found, 1 findings. */
int check_trace(struct trace *t, bool json)
{
	struct opset s;
	struct findings F;
	ops_build(&s, t);
	findings_check(&F, &s);
	report_check(&F, json, stdout);
	int rc = F.n ? 1 : 0;
	findings_free(&F);
	ops_free(&s);
	return rc;
}

/* A run that compared nothing must not pass (a filter typo in CI): says
 * so and returns 2, unless --allow-empty. what: "operation" or "action". */
static int nothing_compared(const struct cmp_opts *c, const char *what, int rc)
{
	if (c->allow_empty)
		return rc;
	if (c->filter)
		fprintf(stderr, "smbcmp: --filter '%s' matches no %s in either trace "
				"(--allow-empty to accept that)\n", filter_text(c->filter), what);
	else
		fprintf(stderr, "smbcmp: no SMB %s in either trace, nothing compared "
				"(--allow-empty to accept that)\n", what);
	return 2;
}

/* Closes the --junit file; 2 on a write error, else rc. */
static int junit_close(const struct cmp_opts *c, FILE *junit, int rc)
{
	if (ferror(junit) | fclose(junit)) {
		fprintf(stderr, "smbcmp: --junit %s: write error\n", c->junit);
		return 2;
	}
	return rc;
}

/* The comparison by action (--by actions, or the dialect families differ):
 * takes d and junit over. */
static int by_actions(struct diff *d, enum mode mode, struct cmp_opts *c, FILE *junit,
		      bool junit_only, bool aligned, bool print)
{
	struct findings F;
	struct actdiff ad;
	struct report_opts ro = { .F = &F, .all_fields = c->all_fields, .context = 3 };
	if (aligned) /* by the UI, partly compared */
		diff_compare(d, d->n, 0);
	else
		diff_run(d);
	findings_diff(&F, d);
	findings_for_actions(&F);
	actdiff_run(&ad, &d->s[0], &d->s[1]);
	actdiff_filter(&ad, d->o.filter);
	if (c->html) { /* the actions, then the operations, with the findings by action */
		ro.actions = &ad;
		report_html(d, &ro, c->html_f);
	}
	if (!print || (c->html && mode == MODE_AUTO))
		; /* the UI or the HTML report showed it */
	else if (junit_only)
		report_actions_junit(d, &ad, stdout);
	else if (mode == MODE_JSON)
		report_actions_json(d, &ad, &ro, stdout);
	else
		report_actions_text(d, &ad, &ro, stdout);
	const struct actdiff_counts *n = &ad.counts;
	int rc = n->changed || n->only_a || n->only_b || n->unreached ? 1 : 0;
	if (n->compared == 0)
		rc = nothing_compared(c, "action", rc);
	if (junit) {
		report_actions_junit(d, &ad, junit);
		rc = junit_close(c, junit, rc);
	}
	if (c->annotate) { /* the frames of the differing operations */
		char aerr[512];
		if (annotate_write(d, &F, c->annotate, aerr, sizeof(aerr))) {
			fprintf(stderr, "smbcmp: --annotate %s\n", aerr);
			rc = 2;
		}
	}
	actdiff_free(&ad);
	findings_free(&F);
	diff_free(d);
	return rc;
}

/* --stats: statistics per command of a, or of a and b side by side. */
void stats_traces(struct trace *a, struct trace *b, bool json)
{
	struct opset s[2];
	struct stats *st[2] = { NULL, NULL };
	struct trace *t[2] = { a, b };
	for (int i = 0; i < 2 && t[i]; i++) {
		ops_build(&s[i], t[i]);
		st[i] = stats_build(&s[i]);
	}
	if (json)
		stats_json(st[0], st[1], false, stdout);
	else
		stats_text(st[0], st[1], stdout);
	for (int i = 0; i < 2 && t[i]; i++) {
		stats_free(st[i]);
		ops_free(&s[i]);
	}
}

/* Compares two traces; returns the exit status (0 same, 1 different, 2 error). */
int two_traces(struct trace *a, struct trace *b, enum mode mode,
		      struct cmp_opts *c)
{
	struct diff d;
	struct diff_opts o = {
		.masks = &c->masks, .filter = c->filter,
		.picks = c->picks, .npicks = c->npicks,
	};
	char err[512];
	FILE *junit = NULL;
	bool junit_only = c->junit && strcmp(c->junit, "-") == 0;

	if (c->junit && !junit_only && !(junit = fopen(c->junit, "w"))) {
		fprintf(stderr, "smbcmp: --junit %s: %s\n", c->junit, strerror(errno));
		return 2;
	}
	if (diff_init(&d, a, b, &o, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		diff_free(&d);
		if (junit)
			fclose(junit);
		return 2;
	}
	bool ui = !junit_only && !c->html && mode == MODE_AUTO && isatty(STDIN_FILENO) &&
		  isatty(STDOUT_FILENO);
	bool actions = c->by == BY_ACTIONS ||
		       (c->by == BY_AUTO && actdiff_cross_dialect(&d.s[0], &d.s[1]));
	if (!ui && actions)
		return by_actions(&d, mode, c, junit, junit_only, false, true);
	bool ui_done = junit_only;
	struct findings F;
	struct report_opts ro = { .F = &F, .all_fields = c->all_fields, .context = 3 };
	bool have_findings = false;
	if (!ui) {
		diff_run(&d);
		findings_diff(&F, &d);
		have_findings = true;
	}
	if (junit_only)
		report_junit(&d, &ro, stdout);
	if (ui) {
		/* The UI compares the aligned entries while it runs. */
		diff_align(&d);
		struct ui_opts uo = { .config = c->config, .actions = actions };
		ui_done = ui_compare(&d, &uo) == 0;
		if (!ui_done)
			fprintf(stderr, "smbcmp: %s\n", uo.err);
		if (actions) /* --junit and the exit status by action too */
			return by_actions(&d, mode, c, junit, false, true, !ui_done);
		/* The rest, for the report, --junit or the exit status (already 1
		 * once a difference is known). */
		const struct diff_counts *k = &d.counts;
		if ((!ui_done || junit || c->annotate || !(k->changed || k->only_a || k->only_b)) &&
		    d.ncompared < d.n) {
			if (ui_done)
				fputs("smbcmp: comparing the remaining operations...\n", stderr);
			diff_compare(&d, d.n, 0);
		}
		if (!ui_done || junit || c->annotate) {
			findings_diff(&F, &d);
			have_findings = true;
		}
	}
	if (c->html) {
		report_html(&d, &ro, c->html_f);
		ui_done = mode == MODE_AUTO;
	}
	if (!ui_done && mode == MODE_JSON)
		report_json(&d, &ro, stdout);
	else if (!ui_done)
		report_text(&d, &ro, stdout);
	const struct diff_counts *n = &d.counts;
	int rc = n->changed || n->only_a || n->only_b ? 1 : 0;
	/* A run that compared nothing must not pass (a filter typo in CI). */
	if (d.ncompared == d.n && n->compared == 0)
		rc = nothing_compared(c, "operation", rc);
	if (junit) {
		report_junit(&d, &ro, junit);
		rc = junit_close(c, junit, rc);
	}
	if (c->annotate) {
		char aerr[512];
		if (annotate_write(&d, &F, c->annotate, aerr, sizeof(aerr))) {
			fprintf(stderr, "smbcmp: --annotate %s\n", aerr);
			rc = 2;
		}
	}
	if (have_findings)
		findings_free(&F);
	diff_free(&d);
	return rc;
}
