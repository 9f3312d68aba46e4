/*
 * ui.h - the interactive terminal UI (ncursesw), the only header src/
 * includes from ui/.
 *
 * The UI reads a model that only grows: the trace index (dissect/dissect.h)
 * for one trace, extended between key presses while the capture is still
 * being indexed, and for two traces the aligned rows the differ built
 * (src/diff/diff.h), compared in order between key presses. It dissects nothing
 * but what is on screen: the summaries of the visible rows (cached) and the
 * tree of the selected frame or pair.
 *
 * Both entry points take over the terminal until the user quits and return
 * 0, or -1 with a one-line reason in o->err when the terminal cannot be used
 * (not a tty, unknown TERM). They never exit() and leave the terminal in its
 * original state on return.
 */
#ifndef SMBCMP_UI_H
#define SMBCMP_UI_H

#include <stdbool.h>
#include <stddef.h>

struct trace;
struct diff;

/*
 * Work the caller runs beside the browser once the whole trace is indexed
 * (the auto engine's tshark run for DCE/RPC and Kerberos subtrees). start()
 * begins it and returns false when there is nothing to do; poll() returns 0
 * while it runs, 1 when it is done (trees dissected from then on change: the
 * browser dissects the selected frame again), -1 when it failed (msg: one
 * line); stop() ends it when the user quits first. All run on the UI's
 * thread.
 */
struct ui_bg {
	bool (*start)(void *ctx, struct trace *t);
	int (*poll)(void *ctx, char *msg, size_t n);
	void (*stop)(void *ctx);
	const char *what;       /* status text while it runs */
	void *ctx;
	const char *tag;        /* the title's short form ("tshark running") */
};

struct ui_opts {
	const char *config;     /* key/colour config file, NULL = default path */
	bool no_color;          /* force attributes only (NO_COLOR also does) */
	const struct ui_bg *bg; /* browse: work after indexing, or NULL */
	const char *filter;     /* browse: display filter to start with (--filter),
				   valid (filter_parse), or NULL */
	bool actions;           /* compare: open on the actions view */
	char err[256];          /* reason when an entry point returns -1 */
};

/* Browses one trace: packet list, field tree, hex pane. The trace may be
 * still indexing (trace_open_partial): the browser shows the rows indexed
 * so far and indexes the rest between key presses; commands that need
 * every frame (search, filter, go to, follow a stream, the last row,
 * request/response jumps) finish the index first. */
int ui_browse(struct trace *t, struct ui_opts *o);

/*
 * Compares two traces side by side. d has been through diff_init() and
 * diff_align() (or diff_run()); the UI compares the entries not compared
 * yet between key presses (diff_compare), reads d->e[0..n), d->counts and
 * d->s[], and calls diff_detail() for the selected row only. The user may
 * change d->o.masks and d->o.filter (then the comparison restarts:
 * diff_restart()); on return they are as they came, and d->counts matches
 * them for the entries [0, d->ncompared): diff_compare(d, d->n, 0) finishes.
 */
int ui_compare(struct diff *d, struct ui_opts *o);

#endif
