/* json.c - streaming JSON writer; see json.h. */
#include "json.h"

#include "escape.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

void jw_flush(struct jw *w)
{
	if (w->sink) {
		w->sink(w);
		return;
	}
	if (w->n)
		fwrite(w->buf, 1, w->n, w->f);
	w->n = 0;
}

/* Appends n bytes to the staging buffer. */
static void put(struct jw *w, const char *s, size_t n)
{
	while (n > w->cap - w->n) {
		size_t k = w->cap - w->n;
		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
		jw_flush(w);
	}
	memcpy(w->buf + w->n, s, n);
	w->n += n;
}

static void putch(struct jw *w, char ch)
{
	if (w->n == w->cap)
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
	w->line_flush = true;
	w->n = 0;
	w->buf = w->own;
	w->cap = sizeof(w->own);
	w->esc_flags = 0;
	w->sink = NULL;
	w->sink_ctx = NULL;
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

void jw_pre(struct jw *w)
{
	pre(w);
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

/* s as a JSON string, quotes included (escape.c), in chunks that fit the
 * staging buffer. */
static void escape(struct jw *w, const char *str, size_t n)
{
	size_t i = 0;

	/* Most strings: room made once, one call. */
	if (n <= (JW_ROOM - 2) / ESC_JSON_MAX) {
		if (ESC_JSON_MAX * n + 2 > w->cap - w->n)
			jw_flush(w);
		w->buf[w->n++] = '"';
		if (!w->esc_flags) {
			w->n += esc_json_fast(w->buf + w->n, str, n);
			w->buf[w->n++] = '"';
			return;
		}
		w->n += esc_json(w->buf + w->n, ESC_JSON_MAX * n, str, n, &i, w->esc_flags);
		if (i == n) {
			w->buf[w->n++] = '"';
			return;
		}
	} else {
		putch(w, '"');
	}
	while (i < n) {
		if (w->cap - w->n < 64)
			jw_flush(w);
		size_t done;
		w->n += esc_json(w->buf + w->n, w->cap - w->n, str + i, n - i, &done,
				 w->esc_flags);
		i += done;
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

void jw_put(struct jw *w, const char *s, size_t n)
{
	put(w, s, n);
}

/* ASan (gcc says so with __SANITIZE_ADDRESS__, clang with __has_feature)
 * would see put_cstr()'s loads past a string's NUL: those builds measure
 * first. */
#if defined(__SANITIZE_ADDRESS__)
#define JSON_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JSON_UNDER_ASAN 1
#endif
#endif

#if defined(__SSE2__) && !defined(JSON_UNDER_ASAN)
/*
 * s as a JSON string (no script mode), measured while it is escaped: 16
 * bytes a step, stopping at the NUL, with loads that never cross a page
 * boundary (near one, a byte at a time), so none can fault past the
 * string's end (reads beyond the NUL within its page are what strlen()
 * itself does; ASan builds measure first instead).
 */
/* Flushes, with o the position; returns the new one (the put_cstr()
 * loop's rare way out, apart so that the loop keeps to few registers). */
__attribute__((noinline, cold)) static char *flush_at(struct jw *w, char *o)
{
	jw_put_end(w, o);
	jw_flush(w);
	return w->buf + w->n;
}

__attribute__((always_inline)) static inline char *put_cstr(struct jw *w, char *o, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	/* room for 40 bytes after every step (at most 16, or 6 for one
	 * escaped byte, or 4 of one UTF-8 sequence), for the quotes, and
	 * JW_SLACK after the last */
	if (w->buf + w->cap - o < 64)
		o = flush_at(w, o);
	const char *lim = w->buf + w->cap - 40;
	*o++ = '"';
	for (;;) {
		if (o > lim) {
			o = flush_at(w, o);
			lim = w->buf + w->cap - 40;
		}
		if (((uintptr_t)s & 4095) <= 4096 - 16) {
			/* the NUL is below 0x20: among the bytes to escape */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
			_mm_storeu_si128((__m128i *)(void *)o, x);
			unsigned bad = esc_bad16(s);
			if (!bad) {
				o += 16;
				s += 16;
				continue;
			}
			unsigned k = (unsigned)__builtin_ctz(bad);
			o += k;
			s += k;
		}
		if (!*s)
			break;
		/* esc_utf8_len() reads on only while bytes continue a
		 * sequence, so never past the NUL: 4 bytes "left" suffice */
		size_t i = 0;
		o += esc_json_step(o, s, &i, 4);
		s += i;
	}
	*o++ = '"';
	if (lim + 40 - o < (ptrdiff_t)JW_SLACK)
		o = flush_at(w, o);
	return o;
}
#endif

void jw_put_str(struct jw *w, const char *s)
{
#if defined(__SSE2__) && !defined(JSON_UNDER_ASAN)
	if (!w->esc_flags) {
		jw_put_end(w, put_cstr(w, w->buf + w->n, s));
		return;
	}
#endif
	escape(w, s, strlen(s));
}

char *jw_put_str_at(struct jw *w, char *o, const char *s)
{
#if defined(__SSE2__) && !defined(JSON_UNDER_ASAN)
	if (!w->esc_flags)
		return put_cstr(w, o, s);
#endif
	jw_put_end(w, o);
	escape(w, s, strlen(s));
	return jw_room(w, JW_SLACK);
}

const char jw_digit_pairs[200] = "00010203040506070809101112131415161718192021222324"
				  "25262728293031323334353637383940414243444546474849"
				  "50515253545556575859606162636465666768697071727374"
				  "75767778798081828384858687888990919293949596979899";

void jw_put_uint(struct jw *w, uint64_t v)
{
	/* Written in place, two digits a step, after counting them (most
	 * numbers are positions and sizes of a few digits: 32-bit steps). */
	static const uint64_t p10[20] = {
		1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
		1000000000u, 10000000000u, 100000000000u, 1000000000000u,
		10000000000000u, 100000000000000u, 1000000000000000u,
		10000000000000000u, 100000000000000000u, 1000000000000000000u,
		10000000000000000000u,
	};
	char *o = jw_room(w, 20);

	if (v <= UINT32_MAX) {
		jw_put_end(w, jw_u32_at(o, (uint32_t)v));
		return;
	}
	unsigned d = 10;
	while (d < 20 && v >= p10[d])
		d++;
	char *e = o + d;
	while (v > UINT32_MAX) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		e -= 2;
		memcpy(e, jw_digit_pairs + 2 * r, 2);
	}
	uint32_t u = (uint32_t)v;
	while (u >= 100) {
		unsigned r = u % 100;
		u /= 100;
		e -= 2;
		memcpy(e, jw_digit_pairs + 2 * r, 2);
	}
	if (u >= 10) {
		e -= 2;
		memcpy(e, jw_digit_pairs + 2 * u, 2);
	} else {
		*--e = (char)('0' + u);
	}
	w->n += d;
}

void jw_uint(struct jw *w, uint64_t v)
{
	pre(w);
	jw_put_uint(w, v);
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
	if (w->line_flush)
		jw_flush(w);
	w->depth = 0;
	w->need_comma[0] = false;
	w->after_key = false;
}
