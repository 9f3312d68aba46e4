/* json.c - streaming JSON writer; see json.h. */
#include "json.h"

#include <inttypes.h>
#include <string.h>

void jw_flush(struct jw *w)
{
	if (w->n)
		fwrite(w->buf, 1, w->n, w->f);
	w->n = 0;
}

/* Appends n bytes to the staging buffer. */
static void put(struct jw *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->n) {
		jw_flush(w);
		if (n > sizeof(w->buf)) {
			fwrite(s, 1, n, w->f);
			return;
		}
	}
	memcpy(w->buf + w->n, s, n);
	w->n += n;
}

static void putch(struct jw *w, char ch)
{
	if (w->n == sizeof(w->buf))
		jw_flush(w);
	w->buf[w->n++] = ch;
}

static void puts_(struct jw *w, const char *s)
{
	put(w, s, strlen(s));
}

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	w->f = f;
	w->depth = 0;
	memset(w->need_comma, 0, sizeof(w->need_comma));
	w->after_key = false;
	w->pretty = pretty;
	w->n = 0;
}

static void indent(struct jw *w)
{
	if (!w->pretty)
		return;
	putch(w, '\n');
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Comma and indentation before a value or key. */
static void pre(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			putch(w, ',');
		indent(w);
	}
	w->need_comma[w->depth] = true;
}

static void open(struct jw *w, char ch)
{
	pre(w);
	putch(w, ch);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_(struct jw *w, char ch)
{
	bool had = w->need_comma[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		indent(w);
	putch(w, ch);
}

void jw_obj(struct jw *w) { open(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

static void escape(struct jw *w, const char *s, size_t n);

void jw_key(struct jw *w, const char *k)
{
	pre(w);
	escape(w, k, strlen(k));
	if (w->pretty)
		put(w, ": ", 2);
	else
		putch(w, ':');
	w->after_key = true;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Bytes copied verbatim: printable ASCII except '"' and '\\'. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* All of the 8 bytes at s plain? (SWAR: no byte < 0x20, >= 0x80, '"' or
 * '\\'; hasless(x, n) and haszero(x) of the bit-twiddling hacks). */
static bool plain8(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t x;

	memcpy(&x, s, 8);
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t bad = ((x - ones * 0x20) & ~x) | x |
		       ((q - ones) & ~q) | ((b - ones) & ~b);
	return (bad & highs) == 0;
}

/* One escaped byte c (not plain) at out; returns the bytes written, or 0
 * when c starts a UTF-8 sequence (the caller copies it). */
static size_t esc_byte(char *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	switch (c) {
	case '"': out[1] = '"'; return 2;
	case '\\': out[1] = '\\'; return 2;
	case '\n': out[1] = 'n'; return 2;
	case '\r': out[1] = 'r'; return 2;
	case '\t': out[1] = 't'; return 2;
	}
	if (c >= 0x20)
		return 0;
	memcpy(out + 1, "u00", 3);
	out[4] = hex[c >> 4];
	out[5] = hex[c & 15];
	return 6;
}

static void escape_slow(struct jw *w, const char *str, size_t n);

/*
 * The common case: the escaped string surely fits in the buffer (6 bytes
 * per input byte at most), so bytes go straight in, 8 at a time while they
 * need no escaping.
 */
static void escape(struct jw *w, const char *str, size_t n)
{
	if (n > (sizeof(w->buf) - 2) / 6) {
		escape_slow(w, str, n);
		return;
	}
	if (6 * n + 2 > sizeof(w->buf) - w->n)
		jw_flush(w);
	const unsigned char *s = (const unsigned char *)str;
	char *o = w->buf + w->n;
	size_t i = 0;

	*o++ = '"';
	while (i < n) {
		if (n - i >= 8 && plain8(s + i)) {
			memcpy(o, s + i, 8);
			o += 8;
			i += 8;
			continue;
		}
		unsigned char c = s[i];
		if (plain(c)) {
			*o++ = (char)c;
			i++;
			continue;
		}
		size_t k = esc_byte(o, c);
		if (k) {
			o += k;
			i++;
			continue;
		}
		size_t l = utf8_len(s + i, n - i);
		if (l) {
			memcpy(o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(o, "\\ufffd", 6);
			o += 6;
			i++;
		}
	}
	*o++ = '"';
	w->n = (size_t)(o - w->buf);
}

static void escape_slow(struct jw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	putch(w, '"');
	while (i < n) {
		size_t run = i;
		while (n - run >= 8 && plain8(s + run))
			run += 8;
		while (run < n && plain(s[run]))
			run++;
		if (run > i) {
			put(w, str + i, run - i);
			i = run;
			if (i == n)
				break;
		}
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(w, e, 2);
			i++;
		} else if (c < 0x20) {
			static const char hex[] = "0123456789abcdef";
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			switch (c) {
			case '\n': put(w, "\\n", 2); break;
			case '\r': put(w, "\\r", 2); break;
			case '\t': put(w, "\\t", 2); break;
			default: put(w, e, 6); break;
			}
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);
			if (l) {
				put(w, str + i, l);
				i += l;
			} else {
				put(w, "\\ufffd", 6);
				i++;
			}
		}
	}
	putch(w, '"');
}

void json_escape(FILE *f, const char *s, size_t n)
{
	struct jw w;

	jw_init(&w, f, false);
	escape(&w, s, n);
	jw_flush(&w);
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	pre(w);
	escape(w, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

/* Decimal digits of v, written backwards from end; returns the start. */
static char *udec(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void jw_int(struct jw *w, int64_t v)
{
	char b[24], *e = b + sizeof(b);
	char *p = udec(e, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);

	if (v < 0)
		*--p = '-';
	pre(w);
	put(w, p, (size_t)(e - p));
}

void jw_uint(struct jw *w, uint64_t v)
{
	char b[24], *e = b + sizeof(b);
	char *p = udec(e, v);

	pre(w);
	put(w, p, (size_t)(e - p));
}

void jw_bool(struct jw *w, bool v)
{
	pre(w);
	puts_(w, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	pre(w);
	puts_(w, "null");
}

void jw_raw(struct jw *w, const char *num)
{
	pre(w);
	puts_(w, num);
}

void jw_line(struct jw *w)
{
	putch(w, '\n');
	jw_flush(w);
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}
