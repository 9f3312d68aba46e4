/* wirestr.c - UTF-16LE and 8-bit string readers; see wirestr.h. */
#include "wirestr.h"

#include <string.h>

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *str_utf16le(struct arena *a, const uint8_t *p, size_t nbytes)
{
	size_t units = nbytes / 2;
	char *out = arena_alloc(a, units * 3 + 1);
	size_t o = 0;

	for (size_t i = 0; i < units; i++) {
		uint32_t u = (uint32_t)(p[2 * i] | p[2 * i + 1] << 8);
		if (u == 0)
			break;
		if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
			uint32_t l = (uint32_t)(p[2 * i + 2] | p[2 * i + 3] << 8);
			if (l >= 0xdc00 && l <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
				i++;
			} else {
				u = 0xfffd;
			}
		} else if (u >= 0xd800 && u <= 0xdfff) {
			u = 0xfffd;
		}
		o += put_utf8(out + o, u);
	}
	out[o] = '\0';
	return out;
}

char *str_ascii(struct arena *a, const uint8_t *p, size_t n)
{
	char *out = arena_alloc(a, n * 2 + 1);
	size_t o = 0;

	for (size_t i = 0; i < n && p[i]; i++)
		o += put_utf8(out + o, p[i]);
	out[o] = '\0';
	return out;
}

const char *r_utf16(struct tctx *t, struct node *parent, int fid,
		    struct cur *c, size_t nbytes)
{
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, nbytes);

	if (!p)
		return "";
	const char *s = str_utf16le(t->a, p, nbytes);
	t_string(t, parent, fid, pos, (uint32_t)nbytes, s);
	return s;
}

const char *r_stringz(struct tctx *t, struct node *parent, int fid,
		      struct cur *c, int unicode)
{
	uint32_t pos = cur_pos(c);
	size_t left = cur_left(c), n = 0;
	const uint8_t *p = c->buf + c->off;
	const char *s;

	if (unicode) {
		while (n + 1 < left && (p[n] || p[n + 1]))
			n += 2;
		s = str_utf16le(t->a, p, n);
		n = n + 2 <= left ? n + 2 : left;
	} else {
		while (n < left && p[n])
			n++;
		s = str_ascii(t->a, p, n);
		n = n + 1 <= left ? n + 1 : left;
	}
	cur_skip(c, n);
	t_string(t, parent, fid, pos, (uint32_t)n, s);
	return s;
}

const char *r_ascii(struct tctx *t, struct node *parent, int fid,
		    struct cur *c, size_t n)
{
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, n);

	if (!p)
		return "";
	const char *s = str_ascii(t->a, p, n);
	t_string(t, parent, fid, pos, (uint32_t)n, s);
	return s;
}
