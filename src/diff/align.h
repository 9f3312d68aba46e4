/*
 * align.h - sequence alignment of two key arrays.
 *
 * Myers' O(ND) difference algorithm in linear space (middle snake,
 * divide and conquer), with the cost cap of GNU diff / xdiff: when a split
 * costs more than about sqrt(N+M) edit steps the furthest-reaching diagonal
 * is taken instead of the optimal one, so the run time stays near-linear
 * for dissimilar inputs too. Keys are 64-bit hashes; equal keys match.
 */
#ifndef SMBCMP_ALIGN_H
#define SMBCMP_ALIGN_H

#include <stddef.h>
#include <stdint.h>

#define ALIGN_NONE (-1)

/*
 * Aligns a[0..n) with b[0..m). On return match[i] is the index in b
 * matched to a[i], or ALIGN_NONE; matched indices increase strictly in
 * both sequences. match must hold n entries. Allocation failure aborts.
 */
void align_keys(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
		int64_t *match);

/*
 * Multi-level alignment: level 0 keys over the whole sequences, then each
 * gap (run of unmatched items between two matches) is aligned again on the
 * level 1 keys, its gaps on level 2, and so on. ka[l] and kb[l] are the
 * key arrays of level l (levels <= 4). level_of[i], when not NULL,
 * receives the level at which a[i] was matched (unmatched: undefined).
 */
void align_levels(const uint64_t *const *ka, const uint64_t *const *kb,
		  int levels, size_t n, size_t m, int64_t *match,
		  uint8_t *level_of);

#endif
