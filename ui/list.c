/*
 * list.c - the packet list: one row per SMB frame (number, relative time,
 * source → destination, Info summary), rows narrowed by the stream and
 * display filters.
 *
 * Summaries are computed lazily, when a row is first drawn or searched,
 * by dissecting that frame into a scratch arena; the summary string and
 * the row's marks (NT error, malformed, incomplete) are then cached for
 * the session. Opening a trace therefore costs nothing beyond the index.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "ops.h"
#include "output.h"
#include "xalloc.h"

void plist_init(struct plist *pl, struct trace *t)
{
	memset(pl, 0, sizeof(*pl));
	pl->t = t;
	arena_init(&pl->cache);
	arena_init(&pl->scratch);
	size_t n = trace_nframes(t);
	pl->info = xcalloc(n, sizeof(*pl->info));
	pl->rows = xcalloc(n, sizeof(*pl->rows));
	pl->nframes = pl->cap = n;
	if (n) {
		pl->t0_sec = trace_frame(t, 0).sec;
		pl->t0_nsec = trace_frame(t, 0).nsec;
	}
	plist_rebuild(pl, NULL, NULL);
}

void plist_grow(struct plist *pl, bool all)
{
	size_t old = pl->nframes, n = trace_nframes(pl->t);
	if (all) {
		memset(pl->info, 0, old * sizeof(*pl->info));
		arena_reset(&pl->cache);
		/* The finished index is in frame order, its records merged:
		 * the list may have fewer frames, and another first one. */
		if (n < old)
			pl->nframes = old = n;
		if (n) {
			pl->t0_sec = trace_frame(pl->t, 0).sec;
			pl->t0_nsec = trace_frame(pl->t, 0).nsec;
		}
	}
	if (n <= old)
		return;
	if (n > pl->cap) {
		pl->cap = n > 2 * pl->cap ? n : 2 * pl->cap;
		pl->info = xrealloc(pl->info, pl->cap * sizeof(*pl->info));
		pl->rows = xrealloc(pl->rows, pl->cap * sizeof(*pl->rows));
	}
	memset(pl->info + old, 0, (n - old) * sizeof(*pl->info));
	pl->nframes = n;
	if (!old) {
		pl->t0_sec = trace_frame(pl->t, 0).sec;
		pl->t0_nsec = trace_frame(pl->t, 0).nsec;
	}
	if (pl->stream_on)
		return;
	for (size_t fi = old; fi < n; fi++)
		pl->rows[pl->nrows++] = (uint32_t)fi;
}

void plist_free(struct plist *pl)
{
	arena_free(&pl->cache);
	arena_free(&pl->scratch);
	free(pl->info);
	free(pl->rows);
}

static bool tree_malformed(struct node *root)
{
	for (struct node *n = root->child; n; n = node_next(n))
		if (n->flags & N_MALFORMED)
			return true;
	return false;
}

const struct rowinfo *plist_info(struct plist *pl, size_t fi)
{
	struct rowinfo *ri = &pl->info[fi];
	if (ri->flags & RF_DONE)
		return ri;
	const char *sum = "";
	/* The _cmp variant: same summary and marks, but READ/WRITE payloads
	 * are not formatted as megabytes of hex for a list row. */
	struct node *root = trace_dissect_frame_cmp(pl->t, &pl->scratch, fi, &sum);
	/* With tshark's grafts, a DCE/RPC call is named as tshark does
	 * ("OpenHKU request"), not by the SMB message that carries it. */
	const char *rpc = rpc_frame_info(&pl->cache, root);
	ri->sum = rpc ? rpc : arena_strdup(&pl->cache, sum ? sum : "");
	ri->flags = RF_DONE;
	if (strstr(ri->sum, "Error:"))
		ri->flags |= RF_ERROR;
	if (tree_malformed(root))
		ri->flags |= RF_MALFORMED;
	const struct frame_rec f_rec = trace_frame(pl->t, fi), *f = &f_rec;
	for (uint32_t k = 0; k < f->npdus; k++)
		if (trace_pdu(pl->t, f->first_pdu + k).flags & (PDU_INCOMPLETE | PDU_TRUNC))
			ri->flags |= RF_INCOMPLETE;
	arena_reset(&pl->scratch);
	return ri;
}

size_t plist_rebuild(struct plist *pl, bool (*keep)(void *ctx, size_t fi), void *ctx)
{
	size_t sel = plist_frame(pl);
	size_t n = pl->nframes;
	pl->nrows = 0;
	for (size_t fi = 0; fi < n; fi++) {
		const struct frame_rec f_rec = trace_frame(pl->t, fi), *f = &f_rec;
		if (pl->stream_on && (f->stream != pl->stream || f->udp != pl->udp))
			continue;
		if (keep && !keep(ctx, fi))
			continue;
		pl->rows[pl->nrows++] = (uint32_t)fi;
	}
	/* Keep the selected frame, or the nearest row after it. */
	pl->cur = 0;
	if (sel != SIZE_MAX) {
		for (size_t r = 0; r < pl->nrows; r++) {
			pl->cur = r;
			if (pl->rows[r] >= sel)
				break;
		}
	}
	pl->top = pl->cur > 3 ? pl->cur - 3 : 0;
	return pl->nrows;
}

size_t plist_frame(const struct plist *pl)
{
	return pl->cur < pl->nrows ? pl->rows[pl->cur] : SIZE_MAX;
}

size_t plist_find_num(const struct plist *pl, uint32_t num, bool *exact)
{
	size_t lo = 0, hi = pl->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (trace_frame(pl->t, pl->rows[mid]).num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	*exact = lo < pl->nrows && trace_frame(pl->t, pl->rows[lo]).num == num;
	if (lo == pl->nrows && lo)
		lo--;
	return lo < pl->nrows ? lo : SIZE_MAX;
}

/* "10.0.0.1:445" without the port when narrow. */
static void addr(char *out, size_t n, const char *a, bool port)
{
	snprintf(out, n, "%s", a);
	if (!port) {
		char *c = strrchr(out, ':');
		if (c && (out[0] == '[' || strchr(out, ':') == c))
			*c = '\0';
		if (out[0] == '[') {
			size_t l = strlen(out);
			if (l > 1 && out[l - 1] == ']') {
				memmove(out, out + 1, l - 2);
				out[l - 2] = '\0';
			}
		}
	}
}

void plist_format(struct plist *pl, size_t fi, int w, char *out, size_t n,
		  enum line_type *lt)
{
	const struct frame_rec f_rec = trace_frame(pl->t, fi), *f = &f_rec;
	const struct stream_rec *s = trace_frame_stream(pl->t, f);
	const struct rowinfo *ri = plist_info(pl, fi);
	bool port = w >= 110;
	char src[72], dst[72];
	addr(src, sizeof(src), f->to_server ? s->client : s->server, port);
	addr(dst, sizeof(dst), f->to_server ? s->server : s->client, port);
	char rel[48];
	out_fmt_reltime(rel, sizeof(rel),
			(f->sec - pl->t0_sec) * 1000000000 + ((int64_t)f->nsec - pl->t0_nsec));
	const char *mark = ri->flags & RF_MALFORMED ? "!" : ri->flags & RF_INCOMPLETE ? "~" : " ";
	int aw = port ? 21 : 15;
	snprintf(out, n, "%6u%s%s %*.*s → %-*.*s %s", f->num, mark, rel, aw, aw, src, aw, aw,
		 dst, ri->sum);
	*lt = ri->flags & (RF_MALFORMED | RF_INCOMPLETE) ? LINE_MALFORMED
	      : ri->flags & RF_ERROR			? LINE_ERROR
							: LINE_DEFAULT;
}

void plist_header(int w, char *out, size_t n)
{
	int aw = w >= 110 ? 21 : 15;
	snprintf(out, n, "%6s %11s %*s → %-*s %s", "No.", "Time", aw, "Source", aw,
		 "Destination", "Info");
}

/* ---- view ---- */

static unsigned plist_open(struct view *v)
{
	(void)v;
	return RD_LIST;
}

static void plist_draw(struct view *v, struct rect r, bool focused)
{
	struct plist *pl = v->ctx;
	v->r = r;
	if (r.h <= 0)
		return;
	scroll_fix(pl->cur, &pl->top, pl->nrows, (size_t)r.h);
	char (*line)[1024] = malloc((size_t)r.h * sizeof(*line));
	enum line_type *lt = malloc((size_t)r.h * sizeof(*lt));
	if (!line || !lt) {
		free(line);
		free(lt);
		return;
	}
	int maxw = 0;
	for (int i = 0; i < r.h && pl->top + (size_t)i < pl->nrows; i++) {
		plist_format(pl, pl->rows[pl->top + (size_t)i], r.w, line[i], sizeof(line[i]),
			     &lt[i]);
		int tw = text_width(line[i]);
		if (tw > maxw)
			maxw = tw;
	}
	pl->hscroll = hscroll_clamp(pl->hscroll, maxw, r.w);
	for (int i = 0; i < r.h; i++) {
		size_t k = pl->top + (size_t)i;
		if (k >= pl->nrows) {
			put_text(r.y + i, r.x, r.w, i == 0 && !pl->nrows ? pl->empty : "",
				 A_NORMAL, true);
			continue;
		}
		attr_t a = line_attr(lt[i]);
		if (k == pl->cur)
			a = line_attr(focused ? LINE_CURSOR : LINE_CURSOR_IDLE) |
			    (lt[i] != LINE_DEFAULT ? A_BOLD : 0);
		put_text_at(r.y + i, r.x, r.w, line[i], pl->hscroll, a, true);
	}
	free(line);
	free(lt);
}

static unsigned plist_request(struct view *v, enum request req)
{
	struct plist *pl = v->ctx;
	size_t h = v->r.h > 0 ? (size_t)v->r.h : 1;
	size_t page = h > 1 ? h - 1 : 1;
	size_t old = pl->cur;

	switch (req) {
	case REQ_MOVE_DOWN: scroll_move(&pl->cur, &pl->top, pl->nrows, h, 1); break;
	case REQ_MOVE_UP: scroll_move(&pl->cur, &pl->top, pl->nrows, h, -1); break;
	case REQ_PAGE_DOWN: scroll_move(&pl->cur, &pl->top, pl->nrows, h, (long)page); break;
	case REQ_PAGE_UP: scroll_move(&pl->cur, &pl->top, pl->nrows, h, -(long)page); break;
	case REQ_FIRST: pl->cur = 0; break;
	case REQ_LAST: pl->cur = pl->nrows ? pl->nrows - 1 : 0; break;
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
	case REQ_SCROLL_HOME:
	case REQ_EXPAND: /* no tree here: h/l and the arrows scroll, as in less */
	case REQ_COLLAPSE: {
		int off = hscroll_step(pl->hscroll, req, (int)v->r.w);
		if (off == pl->hscroll)
			return RD_NONE;
		pl->hscroll = off;
		return RD_LIST;
	}
	default: return EV_UNHANDLED;
	}
	return pl->cur != old ? RD_ALL | EV_ROW : RD_NONE;
}

const struct view_ops plist_ops = {
	.name = "list",
	.open = plist_open,
	.draw = plist_draw,
	.request = plist_request,
};
