/* copyshort.h - memcpy() of a short string, inline. */
#ifndef SMBCMP_COPYSHORT_H
#define SMBCMP_COPYSHORT_H

#include <stddef.h>
#include <string.h>

/* Copies n bytes (names, label pieces: short) in 16-, 8- or 4-byte moves,
 * the last one overlapping: a memcpy() call per piece, or the "rep movs"
 * the compiler inlines for a variable length, costs more than the copy. */
static inline void copy_short(char *d, const char *s, size_t n)
{
	if (n >= 16) {
		for (size_t i = 0; i + 16 < n; i += 16)
			memcpy(d + i, s + i, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

#endif
