/*
 * escape.h - the one place where a value from a capture becomes text of
 * another language: a JSON string, XML character data, HTML text.
 *
 * Whatever bytes a capture holds, the output is well formed and nothing in
 * it is markup or code: invalid UTF-8 becomes U+FFFD, control characters
 * are escaped (JSON), replaced (XML 1.0 forbids them) or shown as their
 * Unicode control pictures (HTML, so "\x07" in a name stays visible).
 */
#ifndef SMBCMP_ESCAPE_H
#define SMBCMP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0 when
 * s starts no valid sequence (overlong, surrogate, beyond U+10FFFF, cut). */
size_t esc_utf8_len(const unsigned char *s, size_t n);

/*
 * JSON (RFC 8259) string contents, without the quotes. ESC_JSON_SCRIPT
 * also escapes '<', '>', '&' and U+2028/U+2029, so the JSON can sit inside
 * an HTML <script> element ("</script>", "<!--" cannot end or change it)
 * and be read as JavaScript.
 */
enum { ESC_JSON_SCRIPT = 1 };
/* The most bytes esc_json() writes for one input byte. */
#define ESC_JSON_MAX 6
/*
 * Escapes s[0..n) into out while at least ESC_JSON_MAX bytes of its cap
 * remain, whole characters only; returns the bytes written and sets *done
 * to the input bytes consumed (n when all of it). The caller loops with
 * fresh room until *done reaches n.
 */
size_t esc_json(char *out, size_t cap, const char *s, size_t n, size_t *done,
		unsigned flags);

/* ---- the JSON escaper's inner loop, inline for --json's speed ---- */

/* Bytes copied verbatim: printable ASCII except '"' and '\\'. */
static inline bool esc_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* All of the 8 bytes at s plain? (SWAR: no byte < 0x20, >= 0x80, '"' or
 * '\\'; hasless(x, n) and haszero(x) of the bit-twiddling hacks). */
static inline bool esc_plain8(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t x;

	memcpy(&x, s, 8);
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t bad = ((x - ones * 0x20) & ~x) | x |
		       ((q - ones) & ~q) | ((b - ones) & ~b);
	return (bad & highs) == 0;
}

/* esc_plain8() of 4 bytes. */
static inline bool esc_plain4(const unsigned char *s)
{
	const uint32_t ones = 0x01010101u, highs = 0x80808080u;
	uint32_t x;

	memcpy(&x, s, 4);
	uint32_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint32_t bad = ((x - ones * 0x20) & ~x) | x |
		       ((q - ones) & ~q) | ((b - ones) & ~b);
	return (bad & highs) == 0;
}

/* \u00XX of byte c at out; returns 6. */
static inline size_t esc_json_u(char *out, unsigned c)
{
	memcpy(out, "\\u00", 4);
	out[4] = "0123456789abcdef"[c >> 4 & 15];
	out[5] = "0123456789abcdef"[c & 15];
	return 6;
}

/* One escaped byte c (not plain) at out; returns the bytes written, or 0
 * when c starts a UTF-8 sequence (the caller copies it). */
static inline size_t esc_json_byte(char *out, unsigned char c)
{
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
	return esc_json_u(out, c);
}

#ifdef __SSE2__
/* Bits of the 16 bytes at s that are not plain (bit k: s[k]): '"', '\\',
 * and, by a signed comparison, both the bytes below 0x20 and those from
 * 0x80 up. */
static inline unsigned esc_bad16(const unsigned char *s)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
						_mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
				   _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
	return (unsigned)_mm_movemask_epi8(bad);
}
#endif

/* One byte that is not plain, at s[*i] (of n), escaped at out: the
 * escape, the UTF-8 sequence it starts, or U+FFFD for a byte that starts
 * none; advances *i and returns the bytes written. */
static inline size_t esc_json_one(char *out, const unsigned char *s, size_t *i, size_t n)
{
	unsigned char c = s[*i];
	size_t k = esc_json_byte(out, c);

	if (k) {
		++*i;
		return k;
	}
	size_t l = esc_utf8_len(s + *i, n - *i);
	if (l) {
		memcpy(out, s + *i, l);
		*i += l;
		return l;
	}
	memcpy(out, "\\ufffd", 6);
	++*i;
	return 6;
}

/* The byte at s[*i] (of n), plain or not, at out: copied, or as
 * esc_json_one(); advances *i and returns the bytes written. The loops'
 * byte-at-a-time step, between their runs of 16 or 8 plain bytes. */
static inline size_t esc_json_step(char *out, const unsigned char *s, size_t *i, size_t n)
{
	if (esc_plain(s[*i])) {
		out[0] = (char)s[(*i)++];
		return 1;
	}
	return esc_json_one(out, s, i, n);
}

/* The common case, inline (--json writes gigabytes): s[0..n) into out,
 * which has room for the worst case (ESC_JSON_MAX * n), no script mode;
 * 16 (SSE2) or 8 bytes at a time while they need no escaping. Returns the
 * bytes written. */
static inline size_t esc_json_fast(char *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0;

	/* Short and plain (most shows and many labels): two overlapping
	 * copies. */
	if (n < 16 && n >= 4) {
		if (n >= 8 ? esc_plain8(s) && esc_plain8(s + n - 8)
			   : esc_plain4(s) && esc_plain4(s + n - 4)) {
			if (n >= 8) {
				memcpy(out, s, 8);
				memcpy(out + n - 8, s + n - 8, 8);
			} else {
				memcpy(out, s, 4);
				memcpy(out + n - 4, s + n - 4, 4);
			}
			return n;
		}
	}
#ifdef __SSE2__
	/* 16 bytes a step; at a byte to escape, the plain ones before it are
	 * kept of the 16 copied (the room, 6 bytes per byte left, holds
	 * them). */
	while (n - i >= 16) {
		unsigned bad = esc_bad16(s + i);
		memcpy(out + o, s + i, 16);
		if (!bad) {
			o += 16;
			i += 16;
			continue;
		}
		unsigned k = (unsigned)__builtin_ctz(bad);
		o += k;
		i += k;
		o += esc_json_one(out + o, s, &i, n);
	}
	/* A tail under 16 bytes whose last 16 are plain: one overlapping
	 * copy (the bytes before i among them were plain, so copied one to
	 * one just before o). */
	if (n >= 16 && i < n && !esc_bad16(s + n - 16)) {
		memcpy(out + o - (16 - (n - i)), s + n - 16, 16);
		return o + (n - i);
	}
#endif
	while (i < n) {
		if (n - i >= 8 && esc_plain8(s + i)) {
			memcpy(out + o, s + i, 8);
			o += 8;
			i += 8;
			continue;
		}
		/* A tail under 8 bytes whose last 8 are plain: one overlapping
		 * copy (the bytes before i among them were plain, so copied
		 * one to one just before o). */
		if (n >= 8 && n - i < 8 && esc_plain8(s + n - 8)) {
			size_t back = 8 - (n - i);
			memcpy(out + o - back, s + n - 8, 8);
			o += n - i;
			i = n;
			break;
		}
		o += esc_json_step(out + o, s, &i, n);
	}
	return o;
}

/* s (NULL: "") as XML 1.0 element content, or as a double-quoted attribute
 * value when attr (whitespace controls become character references there,
 * so parsers do not normalise them away). */
void esc_xml(FILE *f, const char *s, bool attr);

/* s[0..n) as HTML text or a double-quoted attribute value: & < > " ' as
 * references, C0 controls and DEL as their control pictures (U+2400...),
 * invalid UTF-8 as U+FFFD. */
void esc_html(FILE *f, const char *s, size_t n);
/* esc_html of a NUL-terminated s (NULL: nothing). */
void esc_htmls(FILE *f, const char *s);

#endif
