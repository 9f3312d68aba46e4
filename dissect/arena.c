/* arena.c - bump allocator; see arena.h for the contract. */
#include "arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data[] */
	_Alignas(max_align_t) unsigned char data[];
};

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b = malloc(sizeof(*b) + size);

	if (!b) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	b->next = NULL;
	b->size = size;
	return b;
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->cur = NULL;
	a->left = 0;
	a->used = 0;
	a->held = 0;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;

	if (!b)
		return;
	while (b->next) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = b;
	/* the oldest block is kept, all of it free */
	a->cur = b->data;
	a->left = b->size;
	a->used = 0;
	a->held = b->size;
}

void *arena_alloc_block(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;

	if (n > ARENA_BLOCK / 4) {
		/* Large request: own block behind the current one so the
		 * current block's free space is not wasted. */
		struct arena_block *big = block_new(n);
		a->held += n;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big; /* full: cur and left stay NULL, 0 */
		}
		a->used += n;
		return big->data;
	}
	b = block_new(ARENA_BLOCK);
	a->held += ARENA_BLOCK;
	b->next = a->head;
	a->head = b;
	a->cur = b->data + n;
	a->left = ARENA_BLOCK - n;
	a->used += n;
	return b->data;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Whether fmt's conversions are all %s, %u, %llu or %%: those that
 * plain_printf() writes (the summaries' formats, one or more a frame). */
static bool plain_fmt(const char *fmt)
{
	for (const char *f = fmt; (f = strchr(f, '%')); f++) {
		f++;
		if (f[0] == 'l' && f[1] == 'l' && f[2] == 'u')
			f += 2;
		else if (*f != 's' && *f != 'u' && *f != '%')
			return false;
	}
	return true;
}

/* Decimal digits of v at the end of the n bytes at buf; returns where they
 * start. */
static char *dec(char *buf, size_t n, unsigned long long v)
{
	char *p = buf + n;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

/* vsnprintf() of a plain_fmt() into buf (n bytes, NUL-terminated), without
 * printf's machinery; the length, or n or more when it does not fit (the
 * contents then unspecified). */
static size_t plain_printf(char *buf, size_t n, const char *fmt, va_list ap)
{
	size_t len = 0;
	char num[24];

	for (const char *f = fmt; *f;) {
		const char *s = f;
		size_t k;
		if (*f != '%') { /* the literal run up to the next conversion */
			const char *e = strchr(f, '%');
			k = e ? (size_t)(e - f) : strlen(f);
			f += k;
		} else if (f[1] == 's') {
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)"; /* as glibc prints it */
			k = strlen(s);
			f += 2;
		} else if (f[1] == 'u') {
			s = dec(num, sizeof(num), va_arg(ap, unsigned));
			k = (size_t)(num + sizeof(num) - s);
			f += 2;
		} else if (f[1] == 'l') {
			s = dec(num, sizeof(num), va_arg(ap, unsigned long long));
			k = (size_t)(num + sizeof(num) - s);
			f += 4;
		} else { /* %% */
			k = 1;
			f += 2;
		}
		if (k >= n - len)
			return n;
		memcpy(buf + len, s, k);
		len += k;
	}
	buf[len] = '\0';
	return len;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	char buf[256];
	va_list ap2;

	va_copy(ap2, ap);
	if (plain_fmt(fmt)) {
		va_list ap3;
		va_copy(ap3, ap);
		size_t n = plain_printf(buf, sizeof(buf), fmt, ap3);
		va_end(ap3);
		if (n < sizeof(buf)) {
			va_end(ap2);
			return arena_strndup(a, buf, n);
		}
	}
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return arena_strdup(a, "");
	}
	if ((size_t)n < sizeof(buf)) {
		va_end(ap2);
		return arena_strndup(a, buf, (size_t)n);
	}
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

char *arena_cat(struct arena *a, ...)
{
	va_list ap;
	size_t len = 0, lens[8], k = 0;
	const char *s;

	/* Each length measured once (the first 8; labels join 2 to 5). */
	va_start(ap, a);
	while ((s = va_arg(ap, const char *))) {
		size_t n = strlen(s);
		if (k < 8)
			lens[k++] = n;
		len += n;
	}
	va_end(ap);
	char *out = arena_alloc(a, len + 1), *p = out;
	k = 0;
	va_start(ap, a);
	while ((s = va_arg(ap, const char *))) {
		size_t n = k < 8 ? lens[k++] : strlen(s);
		memcpy(p, s, n);
		p += n;
	}
	va_end(ap);
	*p = '\0';
	return out;
}
