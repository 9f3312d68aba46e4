/*
 * cli.h - what main.c and compare.c share: the output mode and the options
 * of a comparison, and the runs main() dispatches to (compare.c).
 */
#ifndef SMBCMP_CLI_H
#define SMBCMP_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diff.h"
#include "filter.h"
#include "mask.h"

enum mode { MODE_AUTO, MODE_JSON, MODE_TEXT, MODE_LIST, MODE_INDEX_STATS, MODE_VERIFY,
	     MODE_CHECK };

/* Options of the two-trace comparison. */
struct cmp_opts {
	struct masks masks;
	const char *mask_args[256];
	uint8_t mask_act[256];
	size_t nmask_args;
	bool no_defaults;
	bool list_masks;
	struct filter *filter;
	struct stream_pick picks[64];
	size_t npicks;
	bool allow_empty;       /* --allow-empty: comparing nothing is no error */
	const char *junit;      /* --junit FILE, "-" for stdout */
	const char *html;       /* --html FILE, "-" for stdout */
	FILE *html_f;           /* where it goes (outfile_open) */
	const char *config;     /* $SMBCMP_CONFIG, NULL: the XDG default */
	bool all_fields;        /* --all-fields: detail similar entries too */
	bool check;             /* --check: state checks of one trace */
	enum { BY_AUTO, BY_ACTIONS, BY_OPERATIONS } by; /* --by */
	bool stats;             /* --stats: statistics per command */
	const char *annotate;   /* --annotate DIR */
};

/* --check: state checks of one trace; 0 nothing found, 1 findings. */
int check_trace(struct trace *t, bool json);
/* --stats: statistics per command of a, or of a and b side by side. */
void stats_traces(struct trace *a, struct trace *b, bool json);
/* Compares two traces; returns the exit status (0 same, 1 different, 2 error). */
int two_traces(struct trace *a, struct trace *b, enum mode mode, struct cmp_opts *c);

#endif
