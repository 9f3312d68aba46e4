/*
 * align.c - Myers O(ND) diff in linear space; see align.h.
 *
 * split() finds the middle snake of the box [off1,lim1) x [off2,lim2) by
 * running the forward and the backward search at once over diagonals
 * d = i1 - i2 (kvdf/kvdb hold the furthest x reached per diagonal). After
 * mxcost rounds without meeting, it returns the furthest-reaching point
 * (the xdiff heuristic). align_keys() trims common prefixes and suffixes
 * of each box and splits it until every box is empty on one side, using an
 * explicit stack, so recursion depth does not depend on the input.
 */
#include "align.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COST_MIN 256

struct box {
	int64_t off1, lim1, off2, lim2;
	bool need_min;
};

struct split {
	int64_t i1, i2;
	bool min_lo, min_hi;
};

static void split(const uint64_t *a, int64_t off1, int64_t lim1,
		  const uint64_t *b, int64_t off2, int64_t lim2, int64_t *kvdf,
		  int64_t *kvdb, bool need_min, int64_t mxcost, struct split *spl)
{
	int64_t dmin = off1 - lim2, dmax = lim1 - off2;
	int64_t fmid = off1 - off2, bmid = lim1 - lim2;
	bool odd = (fmid - bmid) & 1;
	int64_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	int64_t i1, i2, d;

	kvdf[fmid] = off1;
	kvdb[bmid] = lim1;
	for (int64_t ec = 1;; ec++) {
		if (fmin > dmin)
			kvdf[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			kvdf[++fmax + 1] = -1;
		else
			--fmax;
		for (d = fmax; d >= fmin; d -= 2) {
			if (kvdf[d - 1] >= kvdf[d + 1])
				i1 = kvdf[d - 1] + 1;
			else
				i1 = kvdf[d + 1];
			i2 = i1 - d;
			while (i1 < lim1 && i2 < lim2 && a[i1] == b[i2]) {
				i1++;
				i2++;
			}
			kvdf[d] = i1;
			if (odd && bmin <= d && d <= bmax && kvdb[d] <= i1) {
				*spl = (struct split){ i1, i2, true, true };
				return;
			}
		}
		if (bmin > dmin)
			kvdb[--bmin - 1] = INT64_MAX;
		else
			++bmin;
		if (bmax < dmax)
			kvdb[++bmax + 1] = INT64_MAX;
		else
			--bmax;
		for (d = bmax; d >= bmin; d -= 2) {
			if (kvdb[d - 1] < kvdb[d + 1])
				i1 = kvdb[d - 1];
			else
				i1 = kvdb[d + 1] - 1;
			i2 = i1 - d;
			while (i1 > off1 && i2 > off2 && a[i1 - 1] == b[i2 - 1]) {
				i1--;
				i2--;
			}
			kvdb[d] = i1;
			if (!odd && fmin <= d && d <= fmax && i1 <= kvdf[d]) {
				*spl = (struct split){ i1, i2, true, true };
				return;
			}
		}
		if (need_min || ec < mxcost)
			continue;
		/* Too expensive: take the furthest-reaching path found so far. */
		int64_t fbest = -1, fbest1 = -1, bbest = INT64_MAX, bbest1 = INT64_MAX;
		for (d = fmax; d >= fmin; d -= 2) {
			i1 = kvdf[d] < lim1 ? kvdf[d] : lim1;
			i2 = i1 - d;
			if (lim2 < i2) {
				i1 = lim2 + d;
				i2 = lim2;
			}
			if (fbest < i1 + i2) {
				fbest = i1 + i2;
				fbest1 = i1;
			}
		}
		for (d = bmax; d >= bmin; d -= 2) {
			i1 = kvdb[d] > off1 ? kvdb[d] : off1;
			i2 = i1 - d;
			if (i2 < off2) {
				i1 = off2 + d;
				i2 = off2;
			}
			if (i1 + i2 < bbest) {
				bbest = i1 + i2;
				bbest1 = i1;
			}
		}
		if ((lim1 + lim2) - bbest < fbest - (off1 + off2))
			*spl = (struct split){ fbest1, fbest - fbest1, true, false };
		else
			*spl = (struct split){ bbest1, bbest - bbest1, false, true };
		return;
	}
}

static int64_t isqrt(int64_t v)
{
	int64_t r = 1;
	while (r * r < v)
		r <<= 1;
	return r;
}

void align_keys(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
		int64_t *match)
{
	for (size_t i = 0; i < n; i++)
		match[i] = ALIGN_NONE;
	if (!n || !m)
		return;
	int64_t ndiags = (int64_t)n + (int64_t)m + 3;
	int64_t *kv = xmalloc(sizeof(*kv) * (size_t)ndiags * 2);
	int64_t *kvdf = kv + m + 1, *kvdb = kvdf + ndiags;
	int64_t mxcost = isqrt(ndiags);
	if (mxcost < MAX_COST_MIN)
		mxcost = MAX_COST_MIN;

	size_t cap = 64, top = 0;
	struct box *st = xmalloc(sizeof(*st) * cap);
	st[top++] = (struct box){ 0, (int64_t)n, 0, (int64_t)m, false };
	while (top) {
		struct box bx = st[--top];
		while (bx.off1 < bx.lim1 && bx.off2 < bx.lim2 && a[bx.off1] == b[bx.off2])
			match[bx.off1++] = bx.off2++;
		while (bx.off1 < bx.lim1 && bx.off2 < bx.lim2 &&
		       a[bx.lim1 - 1] == b[bx.lim2 - 1])
			match[--bx.lim1] = --bx.lim2;
		if (bx.off1 == bx.lim1 || bx.off2 == bx.lim2)
			continue;
		struct split spl;
		split(a, bx.off1, bx.lim1, b, bx.off2, bx.lim2, kvdf, kvdb,
		      bx.need_min, mxcost, &spl);
		if (top + 2 > cap) {
			cap *= 2;
			st = xrealloc(st, sizeof(*st) * cap);
		}
		st[top++] = (struct box){ spl.i1, bx.lim1, spl.i2, bx.lim2, spl.min_hi };
		st[top++] = (struct box){ bx.off1, spl.i1, bx.off2, spl.i2, spl.min_lo };
	}
	free(st);
	free(kv);
}

void align_levels(const uint64_t *const *ka, const uint64_t *const *kb,
		  int levels, size_t n, size_t m, int64_t *match,
		  uint8_t *level_of)
{
	align_keys(ka[0], n, kb[0], m, match);
	if (level_of)
		for (size_t i = 0; i < n; i++)
			level_of[i] = 0;
	for (int l = 1; l < levels && l < 5; l++) {
		/* Re-align each gap on level l keys. */
		size_t i = 0, j = 0;
		while (i < n || j < m) {
			size_t i0 = i, j0 = j;
			while (i < n && match[i] == ALIGN_NONE)
				i++;
			size_t j1 = i < n ? (size_t)match[i] : m;
			if (i > i0 && j1 > j0) {
				int64_t *sub = xmalloc(sizeof(*sub) * (i - i0));
				align_keys(ka[l] + i0, i - i0, kb[l] + j0, j1 - j0, sub);
				for (size_t k = 0; k < i - i0; k++)
					if (sub[k] != ALIGN_NONE) {
						match[i0 + k] = (int64_t)j0 + sub[k];
						if (level_of)
							level_of[i0 + k] = (uint8_t)l;
					}
				free(sub);
			}
			if (i >= n)
				break;
			j = (size_t)match[i] + 1;
			i++;
		}
	}
}
