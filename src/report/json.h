/*
 * json.h - a small streaming JSON writer.
 *
 * Writes to a FILE with commas and nesting tracked for the caller; strings
 * are escaped per RFC 8259 and invalid UTF-8 becomes U+FFFD, so the output
 * is always valid JSON whatever bytes a capture holds.
 *
 * Output is staged in a buffer (struct jw's own, or memory a sink hands
 * it) (--json writes gigabytes: one stdio call per token cost more than
 * the dissection) and handed to the FILE when full, at every jw_line()
 * (unless line_flush is off) and at jw_flush(). A caller that also writes
 * to the FILE directly must end its JSON with jw_line() or jw_flush()
 * first.
 */
#ifndef SMBCMP_JSON_H
#define SMBCMP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define JSON_MAX_DEPTH 256

struct jw {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
	bool pretty;
	unsigned esc_flags;      /* escape.h: ESC_JSON_SCRIPT inside <script> */
	bool line_flush;          /* jw_line() flushes (jw_init: true) */
	size_t n;                 /* bytes staged in buf */
	char *buf;                /* own, or the sink's memory */
	size_t cap;               /* of buf */
	/* When set (jw_init: NULL), jw_flush() calls it instead of writing
	 * buf[0..n) to f: it keeps those bytes and sets buf, cap and n anew
	 * with at least JW_ROOM bytes free after n (a writer into memory
	 * lets the JSON be laid out there, no copy). */
	void (*sink)(struct jw *w);
	void *sink_ctx;
	char own[1 << 16];
};

/* Room a flush leaves at least (the size of the writer's own buffer). */
#define JW_ROOM (sizeof(((struct jw *)0)->own))

void jw_init(struct jw *w, FILE *f, bool pretty);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_uint(struct jw *w, uint64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* A number written verbatim (caller guarantees JSON number syntax). */
void jw_raw(struct jw *w, const char *num);
/* Ends a top-level value with a newline (JSON Lines); flushes when
 * line_flush. */
void jw_line(struct jw *w);
/* Hands the staged bytes to the FILE. */
void jw_flush(struct jw *w);

/* Comma and indentation before a value or key (for the inline writers
 * below). */
void jw_pre(struct jw *w);

/* A key given as q, its quoted form with the colon ("\"key\":", n bytes),
 * which the caller knows needs no escaping (printable ASCII without '"',
 * '\\', '<', '>', '&'): JW_KEY(w, "literal"). Inline, so that the copy is
 * of a constant size. */
static inline void jw_key_q(struct jw *w, const char *q, size_t n)
{
	jw_pre(w);
	if (n + 1 > w->cap - w->n)
		jw_flush(w);
	memcpy(w->buf + w->n, q, n);
	w->n += n;
	if (w->pretty)
		w->buf[w->n++] = ' ';
	w->after_key = true;
}
#define JW_KEY(w, lit) jw_key_q((w), "\"" lit "\":", sizeof(lit) + 2)

/* Raw output, for writers that lay out a whole value themselves (no comma
 * or indentation bookkeeping; the caller keeps the JSON well formed and
 * calls jw_pre() once before the value): n bytes verbatim, s (not NULL)
 * as a JSON string with its quotes, v in decimal. */
void jw_put(struct jw *w, const char *s, size_t n);
void jw_put_str(struct jw *w, const char *s);
void jw_put_uint(struct jw *w, uint64_t v);

/*
 * Raw layouts by position, for a writer's hot loop (--json's node objects):
 * o = jw_room(w, k) gives where the next byte goes, the caller writes at
 * most k bytes through o (advancing it), strings with o = jw_put_str_at(w,
 * o, s), which leaves at least JW_SLACK bytes of room after o, and hands
 * the position back with jw_put_end(w, o) before any other call on w.
 */
#define JW_SLACK 256
char *jw_put_str_at(struct jw *w, char *o, const char *s);

/* A string literal at o; the end. */
#define JW_AT(o, lit) ((char *)memcpy((o), "" lit, sizeof(lit) - 1) + sizeof(lit) - 1)

static inline void jw_put_end(struct jw *w, char *o)
{
	w->n = (size_t)(o - w->buf);
}

/* "00" to "99". */
extern const char jw_digit_pairs[200];

/* v in decimal at o (room for 10 bytes); returns the end. Positions and
 * sizes, mostly of one to four digits: those without a loop. */
static inline char *jw_u32_at(char *o, uint32_t v)
{
	if (v < 100) {
		if (v < 10) {
			*o = (char)('0' + v);
			return o + 1;
		}
		memcpy(o, jw_digit_pairs + 2 * v, 2);
		return o + 2;
	}
	if (v < 10000) {
		uint32_t hi = v / 100;
		if (hi < 10) {
			*o++ = (char)('0' + hi);
		} else {
			memcpy(o, jw_digit_pairs + 2 * hi, 2);
			o += 2;
		}
		memcpy(o, jw_digit_pairs + 2 * (v % 100), 2);
		return o + 2;
	}
	unsigned d = 5;
	for (uint32_t p = 100000; d < 10 && v >= p; p *= 10)
		d++;
	char *e = o + d;
	while (v >= 100) {
		e -= 2;
		memcpy(e, jw_digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(e - 2, jw_digit_pairs + 2 * v, 2);
	else
		e[-1] = (char)('0' + v);
	return o + d;
}

/* Makes room for k <= JW_ROOM bytes at buf + n (flushes when there is
 * less); the caller writes them and advances n. */
static inline char *jw_room(struct jw *w, size_t k)
{
	if (k > w->cap - w->n)
		jw_flush(w);
	return w->buf + w->n;
}

/* A string literal verbatim, a copy of constant size. */
static inline void jw_put_q(struct jw *w, const char *q, size_t n)
{
	if (n > w->cap - w->n)
		jw_flush(w);
	memcpy(w->buf + w->n, q, n);
	w->n += n;
}
#define JW_PUT(w, lit) jw_put_q((w), "" lit, sizeof(lit) - 1)

/* A key and its value, the pairs most objects are made of. */
static inline void jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

static inline void jw_kuint(struct jw *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

/* Writes s escaped as a JSON string (with quotes) to f. */
void json_escape(FILE *f, const char *s, size_t n);

#endif
