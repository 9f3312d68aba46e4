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
#include <stdio.h>

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
