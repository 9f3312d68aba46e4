/*
 * cursor.h - the one bounds-checked way to read packet bytes.
 *
 * A cursor is a window [start, end) over a buffer plus a read offset. Every
 * read checks the remaining length first (comparing lengths, never computing
 * p + len) and, when too short, returns 0 and sets the sticky c->err flag, so
 * a dissector may read a whole fixed structure and check c->err once.
 * Sub-cursors narrow the window for a sub-PDU (compound member, security
 * blob); positions stay relative to the same buffer, so tree node positions
 * are cur_pos() = pos0 + offset.
 */
#ifndef SMBCMP_CURSOR_H
#define SMBCMP_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cur {
	const uint8_t *buf; /* whole buffer: the PDU as dissected */
	size_t start;       /* window start (offset into buf) */
	size_t end;         /* window end, exclusive */
	size_t off;         /* read position, start <= off <= end */
	uint32_t pos0;      /* position of buf[0] in the reported byte source */
	bool err;           /* sticky: a read went past end */
};

static inline struct cur cur_make(const uint8_t *buf, size_t len, uint32_t pos0)
{
	struct cur c = { buf, 0, len, 0, pos0, false };
	return c;
}

static inline size_t cur_left(const struct cur *c)
{
	return c->end - c->off;
}

static inline uint32_t cur_pos(const struct cur *c)
{
	return c->pos0 + (uint32_t)c->off;
}

/* True when n bytes are readable; sets err otherwise. */
static inline bool cur_need(struct cur *c, size_t n)
{
	if (n > c->end - c->off) {
		c->err = true;
		return false;
	}
	return true;
}

/* Pointer to the next n bytes and advance, or NULL (err set, cursor moved
 * to the end so later reads fail too). */
static inline const uint8_t *cur_take(struct cur *c, size_t n)
{
	if (!cur_need(c, n)) {
		c->off = c->end;
		return NULL;
	}
	const uint8_t *p = c->buf + c->off;
	c->off += n;
	return p;
}

/* Pointer to the next n bytes without advancing, or NULL (err not set). */
static inline const uint8_t *cur_peek(const struct cur *c, size_t n)
{
	if (n > c->end - c->off)
		return NULL;
	return c->buf + c->off;
}

static inline void cur_skip(struct cur *c, size_t n)
{
	(void)cur_take(c, n);
}

static inline uint8_t cur_u8(struct cur *c)
{
	const uint8_t *p = cur_take(c, 1);
	return p ? p[0] : 0;
}

static inline uint16_t cur_le16(struct cur *c)
{
	const uint8_t *p = cur_take(c, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static inline uint32_t cur_le24(struct cur *c)
{
	const uint8_t *p = cur_take(c, 3);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 : 0;
}

static inline uint32_t cur_le32(struct cur *c)
{
	const uint8_t *p = cur_take(c, 4);
	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			   (uint32_t)p[3] << 24
		 : 0;
}

static inline uint64_t cur_le64(struct cur *c)
{
	uint64_t lo = cur_le32(c);
	uint64_t hi = cur_le32(c);
	return lo | hi << 32;
}

static inline uint16_t cur_be16(struct cur *c)
{
	const uint8_t *p = cur_take(c, 2);
	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t cur_be24(struct cur *c)
{
	const uint8_t *p = cur_take(c, 3);
	return p ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[2] : 0;
}

static inline uint32_t cur_be32(struct cur *c)
{
	const uint8_t *p = cur_take(c, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
			   (uint32_t)p[3]
		 : 0;
}

/* Little-endian unsigned of size 1..8 bytes. */
static inline uint64_t cur_le(struct cur *c, unsigned size)
{
	const uint8_t *p = cur_take(c, size);
	uint64_t v = 0;

	if (!p)
		return 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Sets the read position to absolute offset off (relative to buf); fails
 * (err) when off is outside the window. */
static inline bool cur_seek(struct cur *c, size_t off)
{
	if (off < c->start || off > c->end) {
		c->err = true;
		return false;
	}
	c->off = off;
	return true;
}

/*
 * Sub-cursor over [off, off + len) of c's buffer (absolute offsets), clamped
 * to c's window. When the requested range does not fit, the result is
 * clamped and its err flag is set, so the sub-dissector shows what is there
 * and marks the rest malformed.
 */
static inline struct cur cur_sub(const struct cur *c, size_t off, size_t len)
{
	struct cur s = *c;

	s.err = false;
	if (off < c->start || off > c->end) {
		s.start = s.off = s.end = c->end;
		s.err = true;
		return s;
	}
	s.start = s.off = off;
	if (len > c->end - off) {
		s.end = c->end;
		s.err = true;
	} else {
		s.end = off + len;
	}
	return s;
}

/* Sub-cursor over the next len bytes of c, advancing c past them. */
static inline struct cur cur_split(struct cur *c, size_t len)
{
	struct cur s = cur_sub(c, c->off, len);

	c->off = s.end;
	if (s.err)
		c->err = true;
	return s;
}

#endif
