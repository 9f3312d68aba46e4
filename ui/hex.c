/*
 * hex.c - the hex/ASCII pane: the bytes of the selected frame's PDUs, the
 * selected field's bytes highlighted.
 *
 * Only PDU bytes are kept by the index (not link/IP/TCP headers). A PDU
 * that lies in one frame is shown with frame offsets (as Wireshark's bytes
 * pane); a reassembled PDU with offsets into the PDU. Node positions follow
 * the same rule (dissect.h): a top-level protocol node belongs to the PDU
 * opened by the nbss/nbdgm node before it, and its pos is frame-relative
 * when that PDU's frame_off >= 0, PDU-relative otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "uipriv.h"

struct hl {
	size_t pdu;      /* PDU ordinal in the frame, SIZE_MAX: none */
	size_t b0, b1;   /* byte range in the PDU data */
};

static struct hl highlight(const struct hexview *h)
{
	struct hl r = { SIZE_MAX, 0, 0 };
	const struct node *n = h->sel;
	if (!n || !h->root || !n->size)
		return r;
	const struct node *top = n;
	while (top->parent && top->parent != h->root)
		top = top->parent;
	if (top->parent != h->root)
		return r;
	size_t k = 0, seen = 0;
	for (const struct node *c = h->root->child; c; c = c->next) {
		if (c->name && (!strcmp(c->name, "nbss") || !strcmp(c->name, "nbdgm"))) {
			k = seen++;
		}
		if (c == top)
			break;
	}
	const struct frame_rec f_rec = trace_frame(h->t, h->frame), *f = &f_rec;
	if (k >= f->npdus)
		return r;
	const struct pdu p_rec = trace_pdu(h->t, f->first_pdu + k), *p = &p_rec;
	size_t base = p->frame_off >= 0 ? (size_t)p->frame_off : 0;
	if (n->pos < base || n->pos - base >= p->len)
		return r;
	r.pdu = k;
	r.b0 = n->pos - base;
	r.b1 = r.b0 + n->size;
	if (r.b1 > p->len)
		r.b1 = p->len;
	return r;
}

static bool show_headers(const struct hexview *h, const struct frame_rec *f)
{
	return f->npdus > 1 || trace_pdu(h->t, f->first_pdu).frame_off < 0;
}

static size_t pdu_lines(const struct pdu *p, int bpl)
{
	return (p->len + (size_t)bpl - 1) / (size_t)bpl;
}

/* Total lines and the line where the highlight starts. */
static size_t layout(const struct hexview *h, int bpl, const struct hl *hl, size_t *hl_line)
{
	const struct frame_rec f_rec = trace_frame(h->t, h->frame), *f = &f_rec;
	bool heads = show_headers(h, f);
	size_t line = 0;
	*hl_line = 0;
	for (size_t k = 0; k < f->npdus; k++) {
		const struct pdu p_rec = trace_pdu(h->t, f->first_pdu + k), *p = &p_rec;
		line += heads;
		if (k == hl->pdu)
			*hl_line = line + hl->b0 / (size_t)bpl;
		line += pdu_lines(p, bpl);
	}
	return line;
}

static void draw_bytes(int y, struct rect r, const struct pdu *p, const uint8_t *data,
		       size_t off, int bpl, const struct hl *hl, bool this_pdu)
{
	size_t base = p->frame_off >= 0 ? (size_t)p->frame_off : 0;
	attr_t norm = line_attr(LINE_DEFAULT), hi = line_attr(LINE_HEX_HILITE);
	int x = r.x, end = r.x + r.w;
	char buf[16];

	snprintf(buf, sizeof(buf), "%04zx  ", base + off);
	x += put_text(y, x, end - x, buf, line_attr(LINE_HEX_OFFSET), false);
	for (int i = 0; i < bpl; i++) {
		size_t b = off + (size_t)i;
		bool in = this_pdu && b >= hl->b0 && b < hl->b1;
		bool in_next = this_pdu && b + 1 >= hl->b0 && b + 1 < hl->b1 && i + 1 < bpl;
		if (b < p->len) {
			snprintf(buf, sizeof(buf), "%02x", data[b]);
			x += put_text(y, x, end - x, buf, in ? hi : norm, false);
		} else {
			x += put_text(y, x, end - x, "  ", norm, false);
		}
		/* The space between two highlighted bytes is highlighted too. */
		const char *gap = i == bpl / 2 - 1 ? "  " : " ";
		x += put_text(y, x, end - x, gap, in && in_next && b + 1 < p->len ? hi : norm, false);
	}
	x += put_text(y, x, end - x, " ", norm, false);
	for (int i = 0; i < bpl && off + (size_t)i < p->len; i++) {
		size_t b = off + (size_t)i;
		uint8_t c = data[b];
		char s[2] = { c >= 32 && c < 127 ? (char)c : '.', 0 };
		bool in = this_pdu && b >= hl->b0 && b < hl->b1;
		x += put_text(y, x, end - x, s, in ? hi : norm, false);
	}
	if (x < end)
		put_text(y, x, end - x, "", norm, true);
}

static unsigned hex_open(struct view *v)
{
	struct hexview *h = v->ctx;
	h->top = 0;
	h->follow = true;
	return RD_HEX;
}

static void hex_draw(struct view *v, struct rect r, bool focused)
{
	struct hexview *h = v->ctx;
	(void)focused;
	v->r = r;
	if (r.h <= 0)
		return;
	if (!h->have_frame) {
		for (int i = 0; i < r.h; i++)
			put_text(r.y + i, r.x, r.w, "", A_NORMAL, true);
		return;
	}
	h->bpl = r.w >= 74 ? 16 : 8;
	struct hl hl = highlight(h);
	size_t hl_line;
	h->nlines = layout(h, h->bpl, &hl, &hl_line);
	if (h->follow && hl.pdu != SIZE_MAX &&
	    (hl_line < h->top || hl_line >= h->top + (size_t)r.h))
		h->top = hl_line ? hl_line - 1 : 0; /* one line of context above */
	h->follow = false;
	if (h->nlines > (size_t)r.h && h->top > h->nlines - (size_t)r.h)
		h->top = h->nlines - (size_t)r.h;
	if (h->nlines <= (size_t)r.h)
		h->top = 0;

	const struct frame_rec f_rec = trace_frame(h->t, h->frame), *f = &f_rec;
	bool heads = show_headers(h, f);
	size_t line = 0;
	int y = r.y;
	struct arena bytes; /* PDU bytes read back from the file (dissect.h) */
	arena_init(&bytes);
	for (size_t k = 0; k < f->npdus && y < r.y + r.h; k++) {
		const struct pdu p_rec = trace_pdu(h->t, f->first_pdu + k), *p = &p_rec;
		if (heads) {
			if (line >= h->top && y < r.y + r.h) {
				if (p->frame_off >= 0)
					put_fmt(y++, r.x, r.w, line_attr(LINE_GENERATED), true,
						"PDU %zu of %u: frame bytes %d-%u", k + 1, f->npdus,
						p->frame_off, (unsigned)p->frame_off + p->len - 1);
				else
					put_fmt(y++, r.x, r.w, line_attr(LINE_GENERATED), true,
						"PDU %zu of %u: reassembled, %u bytes%s", k + 1,
						f->npdus, p->len,
						p->flags & PDU_INCOMPLETE ? " (incomplete)" : "");
			}
			line++;
		}
		size_t nl = pdu_lines(p, h->bpl);
		if (line + nl <= h->top) {
			line += nl;
			continue;
		}
		size_t first = h->top > line ? h->top - line : 0;
		const uint8_t *data = trace_pdu_bytes(h->t, &bytes, f->first_pdu + k);
		for (size_t i = first; i < nl && y < r.y + r.h; i++)
			draw_bytes(y++, r, p, data, i * (size_t)h->bpl, h->bpl, &hl,
				   hl.pdu == k);
		line += nl;
	}
	arena_free(&bytes);
	while (y < r.y + r.h)
		put_text(y++, r.x, r.w, "", A_NORMAL, true);
}

static unsigned hex_request(struct view *v, enum request req)
{
	struct hexview *h = v->ctx;
	size_t page = v->r.h > 1 ? (size_t)v->r.h - 1 : 1;
	size_t max = h->nlines > (size_t)v->r.h ? h->nlines - (size_t)v->r.h : 0;
	size_t old = h->top;

	switch (req) {
	case REQ_MOVE_DOWN: h->top = h->top < max ? h->top + 1 : max; break;
	case REQ_MOVE_UP: h->top = h->top ? h->top - 1 : 0; break;
	case REQ_PAGE_DOWN: h->top = h->top + page < max ? h->top + page : max; break;
	case REQ_PAGE_UP: h->top = h->top > page ? h->top - page : 0; break;
	case REQ_FIRST: h->top = 0; break;
	case REQ_LAST: h->top = max; break;
	default: return EV_UNHANDLED;
	}
	return h->top != old ? RD_HEX : RD_NONE;
}

const struct view_ops hex_ops = {
	.name = "hex",
	.open = hex_open,
	.draw = hex_draw,
	.request = hex_request,
};
