/*
 * report.h - printing a diff: one JSON document or a unified-diff-style
 * text report, and JUnit XML for CI. All re-dissect only the entries they print.
 */
#ifndef SMBCMP_REPORT_H
#define SMBCMP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "actdiff.h"
#include "diff.h"
#include "findings.h"
#include "json.h"

/* 2: findings, profile, first_failure and the "similar" status (an entry
 * changed only by systematic findings, counted apart from "changed"). */
#define REPORT_SCHEMA_VERSION 2

/*
 * What a diff report shows beside the exact diff. F: the findings of the
 * diff (findings_diff), never NULL. all_fields: list the differences of
 * "similar" entries too (otherwise named once, in their findings).
 */
struct report_opts {
	const struct findings *F;
	const struct actdiff *actions; /* --html: the comparison by action too, or NULL */
	bool all_fields;
	unsigned context; /* text: equal operations around each difference */
};

void report_json(struct diff *d, const struct report_opts *ro, FILE *f);
void report_text(struct diff *d, const struct report_opts *ro, FILE *f);
/* JUnit XML (src/junit.c): a testcase per failure finding, then one per
 * listed operation, a failure per difference. */
void report_junit(struct diff *d, const struct report_opts *ro, FILE *f);

/*
 * html.c: one self-contained HTML file (--html FILE): header, findings,
 * profile, the aligned operations with the trees of the changed ones,
 * a ladder diagram; of one trace (frames matching flt, NULL: all), the
 * packet list with the trees.
 */
void report_html(struct diff *d, const struct report_opts *ro, FILE *f);
void report_html_trace(struct trace *t, const struct filter *flt, FILE *f);

/* report_findings.c: the findings section; --check of one trace. */
void report_findings_text(const struct findings *F, FILE *f);
void report_findings_json(const struct findings *F, struct jw *w);
void report_check(const struct findings *F, bool json, FILE *f);

/* report_actions.c: a comparison by action (actdiff.h). F in ro may be
 * NULL; findings_for_actions() keeps those that hold for actions. */
void report_actions_text(struct diff *dd, const struct actdiff *d,
			 const struct report_opts *ro, FILE *f);
void report_actions_json(struct diff *dd, const struct actdiff *d,
			 const struct report_opts *ro, FILE *f);
void report_actions_junit(struct diff *dd, const struct actdiff *d, FILE *f);
/* The actions that differ as an HTML section (the --html report's). */
void report_actions_html(const struct actdiff *d, FILE *f);

#endif
