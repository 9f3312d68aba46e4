/*
 * tree.c - field tree nodes and Wireshark-style value formatting: integers,
 * booleans, bitfields, bytes, strings; time and GUID values are
 * tree_values.c. See tree.h.
 */
#include "tree.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "treepriv.h"

struct node *tree_root(struct tctx *t)
{
	struct node *n = arena_zalloc(t->a, sizeof(*n));

	n->label = "";
	return n;
}

/* node_append(), inline for tree_add(). */
static inline void link_child(struct node *parent, struct node *n)
{
	n->parent = parent;
	n->next = NULL;
	if (parent->last)
		parent->last->next = n;
	else
		parent->child = n;
	parent->last = n;
}

struct node *tree_add(struct tctx *t, struct node *parent, const char *name,
		      const char *label, const char *show, uint32_t pos,
		      uint32_t size)
{
	if (t->max_nodes && t->nodes >= t->max_nodes) {
		t->limited = true;
		memset(&t->sink, 0, sizeof(t->sink));
		t->sink.label = "";
		return &t->sink;
	}
	t->nodes++;
	struct node *n = arena_alloc(t->a, sizeof(*n));
	n->parent = parent;
	n->next = n->child = n->last = NULL;
	n->name = name;
	n->label = label ? label : "";
	n->show = show;
	n->value = 0;
	n->pos = pos;
	n->size = size;
	n->field = F_INVALID;
	n->flags = 0;
	n->aux = 0;
	if (parent) {
		link_child(parent, n);
		if (parent->flags & N_REASM)
			n->flags |= N_REASM;
	}
	return n;
}

void node_append(struct node *parent, struct node *n)
{
	link_child(parent, n);
}

static unsigned type_bytes(int type)
{
	switch (type) {
	case FT_UINT8: case FT_INT8: case FT_CHAR: return 1;
	case FT_UINT16: case FT_INT16: return 2;
	case FT_UINT24: case FT_INT24: return 3;
	case FT_UINT32: case FT_INT32: case FT_FRAMENUM: return 4;
	case FT_UINT40: return 5;
	case FT_UINT48: return 6;
	case FT_UINT56: return 7;
	default: return 8;
	}
}

static unsigned mask_shift(uint64_t mask)
{
	unsigned s = 0;

	if (!mask)
		return 0;
	while (!(mask & 1)) {
		mask >>= 1;
		s++;
	}
	return s;
}

static unsigned bit_width(uint64_t v)
{
	unsigned w = 0;

	while (v) {
		w++;
		v >>= 1;
	}
	return w;
}

/* Hex digits Wireshark pads a field's value to: the show value (PDML) uses
 * the width of the type, the label of a bitfield the width of its mask. */
static unsigned hex_digits(const struct field *f)
{
	return 2 * type_bytes(f->type);
}

static unsigned label_hex_digits(const struct field *f)
{
	if (f->mask)
		return (bit_width(f->mask >> mask_shift(f->mask)) + 3) / 4;
	return hex_digits(f);
}

/* Writes v as hex digits, zero-padded to width ("%0*" PRIx64), into a
 * buffer of at least 17 bytes; returns the length. */
static size_t fmt_hex(char *out, uint64_t v, unsigned width)
{
	unsigned d = v ? (64 - (unsigned)__builtin_clzll(v) + 3) / 4 : 1;

	if (d < width)
		d = width < 16 ? width : 16;
	out[d] = '\0';
	for (unsigned i = d; i-- > 0; v >>= 4)
		out[i] = hexdig[v & 15];
	return d;
}

/* "%" PRIu64 into a buffer of at least 21 bytes; returns the length.
 * Two digits a step, most values being small. */
static size_t fmt_dec(char *out, uint64_t v)
{
	static const char pairs[200] = "00010203040506070809101112131415161718192021222324"
				       "25262728293031323334353637383940414243444546474849"
				       "50515253545556575859606162636465666768697071727374"
				       "75767778798081828384858687888990919293949596979899";
	char tmp[20], *e = tmp + sizeof(tmp), *p = e;

	if (v < 10) {
		out[0] = (char)('0' + v);
		out[1] = '\0';
		return 1;
	}
	while (v >= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	size_t k = (size_t)(e - p);
	memcpy(out, p, k);
	out[k] = '\0';
	return k;
}

/* "0%" PRIo64 into a buffer of at least 24 bytes; returns the length. */
static size_t fmt_oct(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	out[k++] = '0';
	while (n)
		out[k++] = tmp[--n];
	out[k] = '\0';
	return k;
}

/* Field f's show value of v into out[32] (NUL-terminated); returns its
 * length. Unsigned per base: 0x-padded hex to the type's width, octal
 * with a leading 0, else decimal; signed (sign-extended from the type's
 * width) always decimal. */
static size_t fmt_int_show(char *out, const struct field *f, uint64_t v, bool is_signed);

const char *fmt_show_uint(struct tctx *t, const struct field *f, uint64_t v)
{
	char b[32];

	return arena_strndup(t->a, b, fmt_int_show(b, f, v, false));
}

/* Wireshark's decode_bitfield_value(): "..0. .... = " for width bits. */
/* The four characters of a nibble of a bit pattern, [mask << 4 | raw]:
 * '.' where the mask bit is clear, else the raw bit. */
static char nibble_bits[256][4];
static pthread_once_t nibble_once = PTHREAD_ONCE_INIT;

static void build_nibble_bits(void)
{
	for (unsigned m = 0; m < 16; m++)
		for (unsigned r = 0; r < 16; r++)
			for (unsigned b = 0; b < 4; b++)
				nibble_bits[m << 4 | r][b] =
					(m >> (3 - b) & 1) ? (char)('0' + (r >> (3 - b) & 1)) : '.';
}

static size_t fmt_bits(char *out, size_t cap, uint64_t mask, uint64_t raw,
		       unsigned width)
{
	size_t n = 0;

	if (width % 4 == 0 && width <= 64 && cap >= 5 * 64 / 4 + 3) {
		/* A nibble a step (most widths). */
		pthread_once(&nibble_once, build_nibble_bits);
		for (unsigned g = width / 4; g-- > 0;) {
			unsigned m = (unsigned)(mask >> 4 * g) & 15, r = (unsigned)(raw >> 4 * g) & 15;
			memcpy(out + n, nibble_bits[m << 4 | r], 4);
			out[n + 4] = ' ';
			n += g ? 5 : 4;
		}
	} else {
		for (unsigned i = width; i-- > 0;) {
			if (n + 4 >= cap)
				break;
			uint64_t bit = (uint64_t)1 << i;
			out[n++] = (mask & bit) ? ((raw & bit) ? '1' : '0') : '.';
			if (i && i % 4 == 0)
				out[n++] = ' ';
		}
	}
	memcpy(out + n, " = ", 3);
	n += 3;
	out[n] = '\0';
	return n;
}

static const char *value_name(const struct field *f, uint64_t v)
{
	const char *s = val_lookup(field_vals(f), v);

	if (!s)
		s = rval_lookup(field_rvals(f), v);
	return s;
}

struct node *t_proto(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		     uint32_t size)
{
	if (t->dry)
		return dry_node(t);
	struct node *n = add_field(t, parent, fid, field_label(fid), NULL,
				   pos, size);

	n->flags |= N_PROTO;
	return n;
}

/*
 * Labels of one-bit boolean fields ("...1 .... = Name: Set"): each made the
 * first time it is needed and read-only afterwards, shared by the threads
 * that dissect (the first to publish a label wins; a loser frees its copy).
 * Flags are a large share of every tree and formatting them each time cost
 * more than the rest of the dissection; making all of them at start cost a
 * small capture's process a third of its instructions.
 */
static _Atomic(const char *) bool_labels[2 * (size_t)F_COUNT]; /* [2 * fid + value] */

static const char *bool_label(int fid, bool b)
{
	_Atomic(const char *) *slot = &bool_labels[2 * (size_t)fid + b];
	const char *l = atomic_load_explicit(slot, memory_order_acquire);

	if (l)
		return l;
	const struct field *f = field_get(fid);
	unsigned width = f->bits ? f->bits : 8 * type_bytes(f->type);
	const char *ts = field_tfs_str(f, b);
	if (!ts)
		ts = b ? "True" : "False";
	char bits[128];
	size_t bn = fmt_bits(bits, sizeof(bits), f->mask, b ? f->mask : 0, width);
	const char *label = field_str(f->label_at);
	size_t ln = strlen(label), tn = strlen(ts);
	/* "%s%s: %s" of the bits, the label and ts, without printf (small
	 * captures make most of their labels here) */
	char *m = malloc(bn + ln + 2 + tn + 1);
	if (!m)
		return "";
	memcpy(m, bits, bn);
	memcpy(m + bn, label, ln);
	memcpy(m + bn + ln, ": ", 2);
	memcpy(m + bn + ln + 2, ts, tn + 1);
	const char *expected = NULL;
	if (!atomic_compare_exchange_strong_explicit(slot, &expected, m, memory_order_acq_rel,
						     memory_order_acquire)) {
		free(m);
		return expected;
	}
	return m;
}

static size_t fmt_int_show(char *out, const struct field *f, uint64_t v, bool is_signed)
{
	if (is_signed) {
		unsigned w = 8 * type_bytes(f->type);
		int64_t sv = w < 64 && (v >> (w - 1)) & 1
				     ? (int64_t)(v | ~(((uint64_t)1 << w) - 1))
				     : (int64_t)v;
		if (sv >= 0)
			return fmt_dec(out, (uint64_t)sv);
		out[0] = '-';
		return 1 + fmt_dec(out + 1, 0 - (uint64_t)sv);
	}
	switch (f->base) {
	case BASE_HEX:
	case BASE_HEX_DEC:
		out[0] = '0';
		out[1] = 'x';
		return 2 + fmt_hex(out + 2, v, hex_digits(f));
	case BASE_OCT:
		return fmt_oct(out, v);
	default:
		return fmt_dec(out, v);
	}
}

/* A piece of a label: text and its length. */
struct piece {
	const char *s;
	size_t n;
};
#define PIECE(lit) ((struct piece){ "" lit, sizeof(lit) - 1 })

/*
 * Joins k pieces into one arena string (the label) and, unless sh is
 * NULL, places the show value sh (shn bytes) in the same allocation: as
 * the label's tail when the last piece is sh itself (its text ends the
 * label), else after the label's NUL, and sets *show. Returns the label.
 */
static const char *label_show(struct arena *a, const struct piece *pc, int k, const char *sh,
			      size_t shn, const char **show)
{
	size_t total = 0;
	bool tail = sh && k > 0 && pc[k - 1].s == sh;

	for (int i = 0; i < k; i++)
		total += pc[i].n;
	char *out = arena_alloc(a, total + 1 + (tail || !sh ? 0 : shn + 1)), *p = out;
	for (int i = 0; i < k; i++) {
		copy_short(p, pc[i].s, pc[i].n);
		p += pc[i].n;
	}
	*p = '\0';
	if (tail) {
		*show = p - shn;
	} else if (sh) {
		copy_short(p + 1, sh, shn);
		p[1 + shn] = '\0';
		*show = p + 1;
	}
	return out;
}

/* Length of field f's label. */
static size_t flabel_len(const struct field *f)
{
	size_t n = field_label_len[f - field_table];

	return n < 255 ? n : strlen(field_str(f->label_at));
}

static struct node *add_int(struct tctx *t, struct node *parent, int fid,
			    uint32_t pos, uint32_t size, uint64_t raw,
			    bool is_signed)
{
	if (t->dry)
		return dry_node(t);
	const struct field *f = field_get(fid);
	char bits[128];
	size_t bn = 0;
	uint64_t v = raw;

	if (bare(t, fid)) {
		if (f->mask) /* a one-bit flag's value is 0 or 1, as below */
			v = (raw & f->mask) >> mask_shift(f->mask);
		struct node *n = bare_node(t, parent, fid, pos, size);
		n->value = v;
		n->flags |= N_HAS_VALUE;
		return n;
	}
	if (f->type == FT_BOOLEAN && f->mask && !(f->mask & (f->mask - 1))) {
		/* One-bit flag: its label is one of two fixed strings. */
		bool b = (raw & f->mask) != 0;
		struct node *n = add_field(t, parent, fid, bool_label(fid, b),
					   b ? "1" : "0", pos, size);
		n->value = b;
		n->flags |= N_HAS_VALUE;
		return n;
	}
	if (f->mask) {
		unsigned width = f->bits ? f->bits : 8 * type_bytes(f->type);
		if (!t->nolabel)
			bn = fmt_bits(bits, sizeof(bits), f->mask, raw, width);
		v = (raw & f->mask) >> mask_shift(f->mask);
	}

	const char *show, *label;
	struct piece pc[8];
	int k = 0;
	pc[k++] = (struct piece){ bits, bn };
	pc[k++] = (struct piece){ field_str(f->label_at), flabel_len(f) };
	if (f->type == FT_BOOLEAN) {
		bool b = v != 0;
		show = b ? "1" : "0";
		const char *ts = field_tfs_str(f, b);
		if (!ts)
			ts = b ? "True" : "False";
		pc[k++] = PIECE(": ");
		pc[k++] = (struct piece){ ts, strlen(ts) };
		label = t->nolabel ? show : label_show(t->a, pc, k, NULL, 0, NULL);
	} else if (t->nolabel) {
		/* Comparisons by value: the show is the whole story. */
		char sh[32];
		show = label = arena_strndup(t->a, sh, fmt_int_show(sh, f, v, is_signed));
	} else {
		char sh[32], lsh[24], num[24];
		size_t shn = fmt_int_show(sh, f, v, is_signed);
		struct piece ls = { sh, shn };
		if (f->mask && !is_signed && (f->base == BASE_HEX || f->base == BASE_HEX_DEC)) {
			lsh[0] = '0';
			lsh[1] = 'x';
			ls = (struct piece){ lsh, 2 + fmt_hex(lsh + 2, v, label_hex_digits(f)) };
		}
		const char *name = value_name(f, v);
		if (name) {
			pc[k++] = PIECE(": ");
			pc[k++] = (struct piece){ name, strlen(name) };
			pc[k++] = PIECE(" (");
			pc[k++] = ls;
			pc[k++] = PIECE(")");
		} else if (field_vals(f) && !is_signed) {
			pc[k++] = PIECE(": Unknown (");
			pc[k++] = ls;
			pc[k++] = PIECE(")");
		} else if (f->base == BASE_DEC_HEX) {
			num[0] = '0';
			num[1] = 'x';
			pc[k++] = PIECE(": ");
			pc[k++] = ls;
			pc[k++] = PIECE(" (");
			pc[k++] = (struct piece){ num, 2 + fmt_hex(num + 2, v, hex_digits(f)) };
			pc[k++] = PIECE(")");
		} else if (f->base == BASE_HEX_DEC) {
			pc[k++] = PIECE(": ");
			pc[k++] = ls;
			pc[k++] = PIECE(" (");
			pc[k++] = (struct piece){ num, fmt_dec(num, v) };
			pc[k++] = PIECE(")");
		} else {
			pc[k++] = PIECE(": ");
			pc[k++] = ls;
		}
		label = label_show(t->a, pc, k, sh, shn, &show);
	}
	struct node *n = add_field(t, parent, fid, label, show, pos, size);
	n->value = v;
	n->flags |= N_HAS_VALUE;
	return n;
}

struct node *t_uint(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		    uint32_t size, uint64_t v)
{
	return add_int(t, parent, fid, pos, size, v, false);
}

struct node *t_int(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		   uint32_t size, int64_t v)
{
	return add_int(t, parent, fid, pos, size, (uint64_t)v, true);
}

/* The two hex digits of each byte value, made once. */
static char hex_pairs[256][2];
static pthread_once_t hex_once = PTHREAD_ONCE_INIT;

static void build_hex_pairs(void)
{
	for (unsigned b = 0; b < 256; b++) {
		hex_pairs[b][0] = hexdig[b >> 4];
		hex_pairs[b][1] = hexdig[b & 15];
	}
}

/* A 64-bit digest of n bytes (not cryptographic: it tells payloads apart
 * in comparisons, 8 bytes per step). */
static uint64_t bytes_digest(const uint8_t *p, size_t n)
{
	uint64_t h = hmap_bytes(0, p, n);

	return h ^ h >> 32;
}

struct node *t_bytes(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		     const uint8_t *p, uint32_t n)
{
	if (t->dry)
		return dry_node(t);
	if (bare(t, fid))
		return bare_node(t, parent, fid, pos, n);
	const struct field *f = field_get(fid);
	char *show;

	if (t->digest_over && n > t->digest_over) {
		show = arena_printf(t->a, "<%u bytes, digest %016" PRIx64 ">", n,
				    bytes_digest(p, n));
	} else {
		/* "xx:" a byte, the last ':' the NUL (a payload's bytes are
		 * most of a data-heavy trace's JSON) */
		pthread_once(&hex_once, build_hex_pairs);
		char *o = show = arena_alloc(t->a, n ? (size_t)n * 3 : 1);
		for (uint32_t i = 0; i < n; i++, o += 3) {
			memcpy(o, hex_pairs[p[i]], 2);
			o[2] = ':';
		}
		*(n ? o - 1 : o) = '\0';
	}

	if (t->nolabel) /* comparisons by value: the show is the whole story */
		return add_field(t, parent, fid, show, show, pos, n);
	/* Label: hex without separators, cut like Wireshark's tree lines. */
	enum { MAXB = 36 };
	char hex[2 * MAXB + 8];
	uint32_t m = n < MAXB ? n : MAXB;
	size_t h = 0;
	for (uint32_t i = 0; i < m; i++, h += 2)
		memcpy(hex + h, hex_pairs[p[i]], 2);
	hex[h] = '\0';
	struct piece pc[4] = {
		{ field_str(f->label_at), flabel_len(f) },
		n == 0 ? PIECE(": <MISSING>") : PIECE(": "),
		{ hex, h },
		n > m ? PIECE("…") : PIECE(""),
	};
	const char *label = label_show(t->a, pc, 4, NULL, 0, NULL);
	return add_field(t, parent, fid, label, show, pos, n);
}

static bool show_escapes(unsigned char ch)
{
	return (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f;
}

/* A string's show value as tshark 4.0 prints it: C0 control characters
 * other than tab, line feed and carriage return, and DEL, written "\x5"
 * (lower-case hex, no leading zero); the rest as it is. NULL when nothing
 * needs escaping. (UTF-8 continuation bytes are never below 0x80.) */
static char *escape_show(struct arena *a, const char *s)
{
	size_t n = 0, extra = 0;

	for (; s[n]; n++)
		if (show_escapes((unsigned char)s[n]))
			extra += 3;
	if (!extra)
		return NULL;
	char *out = arena_alloc(a, n + extra + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (show_escapes(ch)) {
			*o++ = '\\';
			*o++ = 'x';
			if (ch >= 0x10)
				*o++ = hexdig[ch >> 4];
			*o++ = hexdig[ch & 15];
		} else {
			*o++ = (char)ch;
		}
	}
	*o = '\0';
	return out;
}

struct node *t_string(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		      uint32_t size, const char *s)
{
	if (t->dry)
		return dry_node(t);
	if (bare(t, fid))
		return bare_node(t, parent, fid, pos, size);
	const struct field *f = field_get(fid);
	const char *raw = arena_strdup(t->a, s);
	const char *esc = escape_show(t->a, raw);
	const char *show = esc ? esc : raw;

	struct node *n = add_field(t, parent, fid,
				   t->nolabel ? show : arena_cat(t->a, field_str(f->label_at), ": ", show,
								 (char *)NULL),
				   show, pos, size);
	if (esc) {
		n->value = (uint64_t)(uintptr_t)raw;
		n->flags |= N_RAW_SHOW;
	}
	return n;
}

struct node *t_text(struct tctx *t, struct node *parent, uint32_t pos,
		    uint32_t size, const char *fmt, ...)
{
	if (t->dry)
		return dry_node(t);
	/* Without a conversion the label is fmt itself (a literal: the
	 * format attribute keeps it one), no copy. */
	const char *pct = strchr(fmt, '%');
	if (!pct)
		return tree_add(t, parent, NULL, fmt, NULL, pos, size);
	va_list ap;
	if (pct[1] == 's' && !pct[2]) { /* "text %s": joined without printf */
		va_start(ap, fmt);
		const char *arg = va_arg(ap, const char *);
		va_end(ap);
		if (arg) {
			size_t k = (size_t)(pct - fmt), m = strlen(arg);
			char *label = arena_alloc(t->a, k + m + 1);
			memcpy(label, fmt, k);
			memcpy(label + k, arg, m + 1);
			return tree_add(t, parent, NULL, label, NULL, pos, size);
		}
	}

	va_start(ap, fmt);
	const char *label = arena_vprintf(t->a, fmt, ap);
	va_end(ap);
	return tree_add(t, parent, NULL, label, NULL, pos, size);
}

struct node *t_malformed(struct tctx *t, struct node *parent, uint32_t pos,
			 const char *reason)
{
	if (t->dry)
		return dry_node(t);
	struct node *n = add_field(t, parent, F_WS_MALFORMED,
				   arena_printf(t->a, "[Malformed Packet: %s]", reason),
				   "", pos, 0);

	n->flags |= N_MALFORMED;
	for (struct node *p = parent; p; p = p->parent)
		if (p->flags & N_PROTO) {
			p->flags |= N_MALFORMED;
			break;
		}
	return n;
}

struct node *t_custom(struct tctx *t, struct node *parent, int fid,
		      uint32_t pos, uint32_t size, const char *show,
		      const char *label_value)
{
	if (t->dry)
		return dry_node(t);
	if (bare(t, fid))
		return bare_node(t, parent, fid, pos, size);
	return add_field(t, parent, fid,
			 arena_cat(t->a, field_label(fid), ": ",
				   label_value ? label_value : show ? show : "", (char *)NULL),
			 show ? arena_strdup(t->a, show) : "", pos, size);
}

uint64_t r_uint(struct tctx *t, struct node *parent, int fid, struct cur *c,
		unsigned size)
{
	uint32_t pos = cur_pos(c);
	uint64_t v = cur_le(c, size);

	if (!c->err)
		t_uint(t, parent, fid, pos, size, v);
	return v;
}

uint64_t r_uint_be(struct tctx *t, struct node *parent, int fid, struct cur *c,
		   unsigned size)
{
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, size);
	uint64_t v = 0;

	if (!p)
		return 0;
	for (unsigned i = 0; i < size; i++)
		v = v << 8 | p[i];
	t_uint(t, parent, fid, pos, size, v);
	return v;
}

void t_bitmask_subs(struct tctx *t, struct node *node, uint32_t pos,
		    uint32_t size, uint64_t v, const int *subs)
{
	if (t->dry)
		return;
	if (bare(t, node->field)) { /* the subfields each as wanted */
		for (const int *k = subs; k && *k != F_INVALID; k++)
			t_uint(t, node, *k, pos, size, v);
		return;
	}
	size_t extra = 0;

	for (const int *k = subs; k && *k != F_INVALID; k++) {
		const struct field *sf = field_get(*k);
		t_uint(t, node, *k, pos, size, v);
		if (sf->type == FT_BOOLEAN && sf->mask && (v & sf->mask))
			extra += 2 + flabel_len(sf);
	}
	if (!extra)
		return;
	size_t len = strlen(node->label);
	/* One allocation for "Label, Set1, Set2...". */
	char *out = arena_alloc(t->a, len + extra + 1), *p = out;
	memcpy(p, node->label, len);
	p += len;
	for (const int *k = subs; *k != F_INVALID; k++) {
		const struct field *sf = field_get(*k);
		if (sf->type == FT_BOOLEAN && sf->mask && (v & sf->mask)) {
			size_t l = flabel_len(sf);
			memcpy(p, ", ", 2);
			copy_short(p + 2, field_str(sf->label_at), l);
			p += 2 + l;
		}
	}
	*p = '\0';
	node->label = out;
}

uint64_t r_bitmask(struct tctx *t, struct node *parent, int fid, struct cur *c,
		   unsigned size, const int *subs)
{
	uint32_t pos = cur_pos(c);
	uint64_t v = cur_le(c, size);

	if (c->err)
		return 0;
	struct node *n = t_uint(t, parent, fid, pos, size, v);
	t_bitmask_subs(t, n, pos, size, v, subs);
	return v;
}

struct node *r_bytes(struct tctx *t, struct node *parent, int fid,
		     struct cur *c, size_t n)
{
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, n);

	if (!p)
		return NULL;
	return t_bytes(t, parent, fid, pos, p, (uint32_t)n);
}

struct node *r_guid(struct tctx *t, struct node *parent, int fid, struct cur *c)
{
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, 16);

	if (!p)
		return NULL;
	return t_guid(t, parent, fid, pos, p);
}

uint64_t r_filetime(struct tctx *t, struct node *parent, int fid, struct cur *c)
{
	uint32_t pos = cur_pos(c);
	uint64_t v = cur_le64(c);

	if (!c->err)
		t_filetime(t, parent, fid, pos, 8, v);
	return v;
}

struct node *node_find(struct node *root, const char *name)
{
	for (struct node *n = root ? root->child : NULL; n; n = n->next) {
		if (n->name && strcmp(n->name, name) == 0)
			return n;
		struct node *r = node_find(n, name);
		if (r)
			return r;
	}
	return NULL;
}

unsigned node_depth(const struct node *n)
{
	unsigned d = 0;

	while (n && n->parent) {
		d++;
		n = n->parent;
	}
	return d;
}

void node_set_generated(struct node *n)
{
	n->flags |= N_GENERATED;
	for (struct node *c = n->child; c; c = c->next)
		node_set_generated(c);
}
