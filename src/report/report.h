/*
 * report.h - printing a diff: one JSON document or a unified-diff-style
 * text report, and JUnit XML for CI. All re-dissect only the entries they print.
 */
#ifndef SMBCMP_REPORT_H
#define SMBCMP_REPORT_H

#include <stdio.h>

#include "diff.h"

#define REPORT_SCHEMA_VERSION 1

void report_json(struct diff *d, FILE *f);
/* context: equal operations shown around each difference. */
void report_text(struct diff *d, FILE *f, unsigned context);
/* JUnit XML (src/junit.c): a testcase per listed operation, a failure per
 * difference. */
void report_junit(struct diff *d, FILE *f);

#endif
