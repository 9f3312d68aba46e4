/*
 * textview.c - a read-only text shown on the whole screen, scrolled with
 * the moving keys (the statistics, S): q or Esc goes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "uipriv.h"

void textview_open(struct textview *v, const char *title, char *text, size_t len)
{
	textview_close(v);
	v->text = text;
	snprintf(v->title, sizeof(v->title), "%s", title);
	size_t cap = 0;
	for (size_t i = 0; i < len; i++) {
		if (v->n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nl = realloc(v->line, cap * sizeof(*nl));
			if (!nl) {
				fputs("smbcmp: out of memory\n", stderr);
				abort();
			}
			v->line = nl;
		}
		v->line[v->n++] = text + i;
		char *e = memchr(text + i, '\n', len - i);
		if (!e)
			break;
		*e = '\0';
		i = (size_t)(e - text);
	}
	v->shown = true;
}

void textview_close(struct textview *v)
{
	free(v->text);
	free(v->line);
	memset(v, 0, sizeof(*v));
}

void textview_draw(struct textview *v)
{
	put_text(0, 0, COLS, v->title, line_attr(LINE_TITLE), true);
	put_text(0, COLS - 9, 9, "q: back ", line_attr(LINE_TITLE), true);
	v->h = LINES > 2 ? (size_t)LINES - 2 : 1;
	if (v->top + v->h > v->n)
		v->top = v->n > v->h ? v->n - v->h : 0;
	int maxw = 0;
	for (size_t k = v->top; k < v->n && k < v->top + v->h; k++) {
		int w = text_width(v->line[k]);
		maxw = w > maxw ? w : maxw;
	}
	v->hscroll = hscroll_clamp(v->hscroll, maxw, COLS);
	for (int y = 0; y < (int)v->h; y++) {
		size_t k = v->top + (size_t)y;
		const char *l = k < v->n ? v->line[k] : "";
		int fz = v->hscroll && v->freeze < COLS / 2 ? v->freeze : 0;
		if (fz)
			put_text_at(1 + y, 0, fz, l, 0, line_attr(LINE_DEFAULT), true);
		put_text_at(1 + y, fz, COLS - fz, l, fz + v->hscroll, line_attr(LINE_DEFAULT), true);
	}
	char st[128];
	snprintf(st, sizeof(st), " lines %zu-%zu of %zu   j/k PgDn/PgUp g/G scroll, h/l left/right",
		 v->n ? v->top + 1 : 0, v->top + v->h < v->n ? v->top + v->h : v->n, v->n);
	put_text(LINES - 1, 0, COLS, st, line_attr(LINE_STATUS), true);
}

static void tv_scroll(struct textview *v, long d)
{
	long top = (long)v->top + d, max = v->n > v->h ? (long)(v->n - v->h) : 0;
	v->top = (size_t)(top < 0 ? 0 : top > max ? max : top);
}

unsigned textview_request(struct textview *v, enum request req, long count)
{
	long step = count > 0 ? count : 1, page = v->h > 1 ? (long)v->h - 1 : 1;
	switch (req) {
	case REQ_MOVE_DOWN: tv_scroll(v, step); break;
	case REQ_MOVE_UP: tv_scroll(v, -step); break;
	case REQ_PAGE_DOWN: tv_scroll(v, page); break;
	case REQ_PAGE_UP: tv_scroll(v, -page); break;
	case REQ_FIRST: v->top = 0; break;
	case REQ_LAST: tv_scroll(v, (long)v->n); break;
	case REQ_SCROLL_LEFT:
	case REQ_SCROLL_RIGHT:
	case REQ_SCROLL_HOME:
	case REQ_EXPAND:
	case REQ_COLLAPSE: v->hscroll = hscroll_step(v->hscroll, req, COLS); break;
	case REQ_QUIT:
	case REQ_STATS: v->shown = false; break;
	case REQ_HELP:
	case REQ_REDRAW: return EV_UNHANDLED;
	default: return RD_NONE;
	}
	return RD_ALL;
}

bool textview_stats(struct textview *v, const struct opset *a, const struct opset *b,
		    const char *title)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return false;
	struct stats *sa = stats_build(a), *sb = b ? stats_build(b) : NULL;
	stats_text(sa, sb, f);
	stats_free(sa);
	stats_free(sb);
	if (fclose(f) != 0) {
		free(buf);
		return false;
	}
	textview_open(v, title, buf, len);
	v->freeze = STATS_NAME_W;
	return true;
}
