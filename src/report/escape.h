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

/* The common case, inline (--json writes gigabytes): s[0..n) into out,
 * which has room for the worst case (ESC_JSON_MAX * n), no script mode;
 * 8 bytes at a time while they need no escaping. Returns the bytes
 * written. */
static inline size_t esc_json_fast(char *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0;

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
		unsigned char c = s[i];
		if (esc_plain(c)) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		size_t k = esc_json_byte(out + o, c);
		if (k) {
			o += k;
			i++;
			continue;
		}
		size_t l = esc_utf8_len(s + i, n - i);
		if (l) {
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(out + o, "\\ufffd", 6);
			o += 6;
			i++;
		}
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
