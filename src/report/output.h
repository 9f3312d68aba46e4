/*
 * output.h - printing one trace: JSON Lines (--json), tshark -V-like text
 * (--text) and the one-line-per-frame summary list (--list).
 */
#ifndef SMBCMP_OUTPUT_H
#define SMBCMP_OUTPUT_H

#include <stdio.h>

#include "dissect.h"
#include "filter.h"
#include "json.h"

/*
 * One dissected frame, from either engine: what --json and --text print.
 * Strings and nodes live in the arena given to frame_src.next().
 */
struct out_frame {
	uint32_t num;
	int64_t sec;
	uint32_t nsec;
	uint32_t stream;
	bool udp;
	const char *src, *dst, *summary;
	struct node *root;
};

/*
 * A stream of frames (the "frame source"): the native index
 * (out_native_src) or a tshark run (src/tshark/engine.c). next() fills f with
 * nodes in a, which the caller resets after each frame, and returns 1, 0
 * at the end, or -1 on an error the source reports itself.
 */
struct frame_src {
	int (*next)(struct frame_src *s, struct arena *a, struct out_frame *f);
};

struct native_src {
	struct frame_src base;
	struct trace *t;
	const struct filter *flt; /* frames matching it only; NULL: all */
	size_t i, end; /* next frame, one past the last */
	size_t printed; /* frames returned so far */
};
struct frame_src *out_native_src(struct native_src *s, struct trace *t);

/* Print every frame of a source; 0, or -1 if the source failed. */
int out_json_src(struct frame_src *s, FILE *f);
int out_text_src(struct frame_src *s, FILE *f);

/* Every frame of t, in frame order, or those whose tree matches flt (--filter
 * of one trace) when it is not NULL; each returns how many it printed. */
size_t out_json_frames(struct trace *t, const struct filter *flt, FILE *f);
size_t out_text_frames(struct trace *t, const struct filter *flt, FILE *f);
size_t out_list(struct trace *t, const struct filter *flt, FILE *f);
/* One node (and subtree) as a JSON object. */
void out_json_node(struct jw *w, const struct node *n);
/* Frame time as "1510000000.123456789". */
void out_fmt_time(char *buf, size_t n, int64_t sec, uint32_t nsec);
/* A time relative to the first frame, ns nanoseconds, as the list's column:
 * seconds right-aligned in 4, then microseconds ("   0.000123", "  -4.877065"). */
void out_fmt_reltime(char *buf, size_t n, int64_t ns);

#endif
