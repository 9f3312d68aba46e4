/* escape.c - JSON, XML and HTML escaping of capture values; see escape.h. */
#include "escape.h"

#include <stdint.h>
#include <string.h>

size_t esc_utf8_len(const unsigned char *s, size_t n)
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

/* ---- JSON ---- */

size_t esc_json(char *out, size_t cap, const char *str, size_t n, size_t *done,
		unsigned flags)
{
	const unsigned char *s = (const unsigned char *)str;
	bool script = flags & ESC_JSON_SCRIPT;
	size_t i = 0, o = 0;

	if (!script && cap / ESC_JSON_MAX >= n) {
		*done = n;
		return esc_json_fast(out, str, n);
	}
	while (i < n && cap - o >= ESC_JSON_MAX) {
		if (!script && n - i >= 8 && cap - o >= 8 && esc_plain8(s + i)) {
			memcpy(out + o, s + i, 8);
			o += 8;
			i += 8;
			continue;
		}
		unsigned char c = s[i];
		if (script && (c == '<' || c == '>' || c == '&')) {
			o += esc_json_u(out + o, c);
			i++;
			continue;
		}
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
		if (!l) {
			memcpy(out + o, "\\ufffd", 6);
			o += 6;
			i++;
		} else if (script && l == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
			   (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
			/* U+2028, U+2029: line terminators to older JavaScript */
			memcpy(out + o, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			o += 6;
			i += 3;
		} else {
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
		}
	}
	*done = i;
	return o;
}

/* ---- XML ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left) allowed in XML
 * 1.0, with its code point in *cp; 0 if invalid or not allowed. */
static size_t xml_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
	    c == 0xfffe || c == 0xffff)
		return 0;
	*cp = c;
	return len;
}

void esc_xml(FILE *f, const char *str, bool attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s);

	while (n) {
		uint32_t cp;
		size_t len = xml_char(s, n, &cp);
		if (!len) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			s++, n--;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs(attr ? "&quot;" : "\"", f); break;
		case '\'': fputs(attr ? "&apos;" : "'", f); break;
		case '\t': fputs(attr ? "&#9;" : "\t", f); break;
		case '\n': fputs(attr ? "&#10;" : "\n", f); break;
		case '\r': fputs("&#13;", f); break;
		default: fwrite(s, 1, len, f); break;
		}
		s += len, n -= len;
	}
}

/* ---- HTML ---- */

void esc_html(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '&' &&
		       s[run] != '<' && s[run] != '>' && s[run] != '"' && s[run] != '\'')
			run++;
		if (run > i) {
			fwrite(s + i, 1, run - i, f);
			i = run;
			continue;
		}
		unsigned char c = s[i];
		switch (c) {
		case '&': fputs("&amp;", f); i++; continue;
		case '<': fputs("&lt;", f); i++; continue;
		case '>': fputs("&gt;", f); i++; continue;
		case '"': fputs("&quot;", f); i++; continue;
		case '\'': fputs("&#39;", f); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			/* U+2400 + c, U+2421 for DEL: visible, never markup */
			unsigned cp = c == 0x7f ? 0x2421 : 0x2400 + c;
			char e[3] = { (char)(0xe0 | cp >> 12), (char)(0x80 | (cp >> 6 & 0x3f)),
				      (char)(0x80 | (cp & 0x3f)) };
			fwrite(e, 1, 3, f);
			i++;
			continue;
		}
		size_t l = esc_utf8_len(s + i, n - i);
		/* C1 controls (U+0080..U+009F) are invisible: U+FFFD too */
		if (!l || (l == 2 && c == 0xc2 && s[i + 1] < 0xa0)) {
			fputs("\xef\xbf\xbd", f);
			i += l ? l : 1;
		} else {
			fwrite(s + i, 1, l, f);
			i += l;
		}
	}
}

void esc_htmls(FILE *f, const char *s)
{
	if (s)
		esc_html(f, s, strlen(s));
}
