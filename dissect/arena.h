/*
 * arena.h - bump allocator with one lifetime.
 *
 * Two lifetimes exist in smbcmp (STYLE.md 7): one arena per trace holds the
 * index, node trees and strings that must outlive a packet (the differ holds
 * two traces at once); a scratch arena per packet holds temporary buffers and
 * is reset after each packet. Nothing allocated from an arena is freed on its
 * own: arena_reset()/arena_free() release everything at once.
 *
 * Allocation failure aborts with a message: it means the machine is out of
 * memory, which the resource limits (dissect/limits.h) are there to prevent.
 */
#ifndef SMBCMP_ARENA_H
#define SMBCMP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* current block, newest first */
	unsigned char *cur;       /* its next free byte (NULL: none) */
	size_t left;              /* and how many follow it */
	size_t used;              /* bytes handed out, for statistics */
	size_t held;              /* bytes of blocks malloc'd (memory limits) */
};

void arena_init(struct arena *a);
/* Releases every block. The arena may be reused after arena_init(). */
void arena_free(struct arena *a);
/* Releases all blocks but the first, keeping it for reuse. */
void arena_reset(struct arena *a);
/* arena_alloc() of n (a multiple of 8) when the current block lacks room. */
void *arena_alloc_block(struct arena *a, size_t n);

/* Returns n bytes aligned to 8, uninitialised. Never returns NULL. Inline:
 * tree nodes and labels are most of a dissection's calls. */
static inline void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (n == 0)
		n = 8;
	if (n > a->left)
		return arena_alloc_block(a, n);
	void *p = a->cur;
	a->cur += n;
	a->left -= n;
	a->used += n;
	return p;
}
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Concatenation of the strings up to a NULL argument (no format parsing:
 * the hot path of tree labels). */
char *arena_cat(struct arena *a, ...) __attribute__((sentinel));

#endif
