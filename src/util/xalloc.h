/*
 * xalloc.h - allocation that cannot fail: on out of memory the program
 * prints "smbcmp: out of memory" and aborts.
 *
 * For src/ and ui/, whose indexes, alignments and lists have no better
 * answer to a failed allocation. dissect/ does not use it: a dissector
 * reports errors and carries on. A size of 0 allocates 1 byte, so the
 * result is never NULL.
 */
#ifndef SMBCMP_XALLOC_H
#define SMBCMP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* A copy of s (NULL for NULL). */
char *xstrdup(const char *s);

#endif
