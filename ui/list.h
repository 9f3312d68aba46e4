/*
 * list.h - the packet list model and view (list.c).
 */
#ifndef SMBCMP_UI_LIST_H
#define SMBCMP_UI_LIST_H

#include "uipriv.h"

enum row_flags {
	RF_DONE = 1 << 0,       /* summary computed */
	RF_ERROR = 1 << 1,      /* NT status error ("Error:" in the summary) */
	RF_MALFORMED = 1 << 2,  /* a [Malformed] item in the tree */
	RF_INCOMPLETE = 1 << 3, /* a PDU lost bytes or was cut short */
};

struct rowinfo {
	const char *sum; /* Info summary, in plist.cache */
	uint8_t flags;   /* enum row_flags */
};

struct plist {
	struct trace *t;
	struct arena cache;      /* summaries */
	struct arena scratch;    /* one dissection at a time */
	struct rowinfo *info;    /* per frame index, lazily filled */
	uint32_t *rows;          /* frame indexes shown, ascending */
	size_t nframes, cap;     /* frames taken in; room in info and rows */
	size_t nrows, cur, top;
	int64_t t0_sec;          /* time of the first frame */
	uint32_t t0_nsec;
	bool stream_on;          /* show one stream only */
	uint32_t stream;
	uint8_t udp;
	const char *empty;       /* text when no row is shown */
	int hscroll;             /* columns scrolled to the right */
};

void plist_init(struct plist *pl, struct trace *t);
void plist_free(struct plist *pl);
/*
 * Takes in the frames the trace indexed since (trace_index_more): rows are
 * added for them unless a stream is followed or a filter applies (those
 * wait for the whole index). all: forget the cached summaries too (the
 * index is complete: the last frames may have changed).
 */
void plist_grow(struct plist *pl, bool all);
/* Summary and marks of frame fi (dissects it the first time). */
const struct rowinfo *plist_info(struct plist *pl, size_t fi);
/*
 * Recomputes the rows: the stream filter, then keep(ctx, fi) when not
 * NULL. The cursor stays on the selected frame or the nearest one.
 * Returns the number of rows.
 */
size_t plist_rebuild(struct plist *pl, bool (*keep)(void *ctx, size_t fi), void *ctx);
/* Frame index of the cursor row, SIZE_MAX when the list is empty. */
size_t plist_frame(const struct plist *pl);
/* Row of frame number num or the first one after it (the last row when
 * none is after); *exact tells which. SIZE_MAX when the list is empty. */
size_t plist_find_num(const struct plist *pl, uint32_t num, bool *exact);
/* The text of a row for width w and its line type. */
void plist_format(struct plist *pl, size_t fi, int w, char *out, size_t n,
		  enum line_type *lt);
void plist_header(int w, char *out, size_t n);

extern const struct view_ops plist_ops;

#endif
