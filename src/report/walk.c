/*
 * walk.c - the entry walk every diff writer shares; see walk.h.
 */
#include "walk.h"

bool walk_detailed(const struct diff *d, const struct findings *F, size_t i,
		   bool similar)
{
	return d->e[i].status == DS_CHANGED && fstatus_differs(F->status[i], similar);
}

void walk_entry(struct diff *d, size_t i, bool detailed, struct arena *a,
		struct ddetail *det)
{
	if (detailed)
		diff_detail(d, i, DIFF_MAX_FIELDS, a, det);
	else
		diff_summary(d, i, a, det);
}

const char *walk_op_line(const struct ddetail *det, int side, struct arena *a)
{
	const char *rq = det->req_sum[side], *rs = det->rsp_sum[side];
	if (*rq && *rs)
		return arena_printf(a, "%s -> %s", rq, rs);
	return *rq ? rq : rs;
}

bool walk_frames(const struct diff *d, int side, uint32_t opi, uint32_t fr[2])
{
	fr[0] = fr[1] = 0;
	if (opi == OP_NONE)
		return false;
	const struct opset *s = &d->s[side];
	const struct op *o = &s->ops[opi];
	fr[0] = ops_frame_num(s, o->req_frame);
	fr[1] = ops_frame_num(s, o->rsp_frame);
	return true;
}

const char *walk_field_value(const struct dfield *x, int side)
{
	return side ? (x->lb ? x->lb : x->b) : (x->la ? x->la : x->a);
}

bool walk_next_hunk(const struct diff *d, const struct findings *F, bool similar,
		    unsigned context, size_t *pos, struct hunk *h)
{
	size_t i = *pos;

	while (i < d->n && !fstatus_differs(F->status[i], similar))
		i++;
	if (i >= d->n) {
		*pos = d->n;
		return false;
	}
	size_t start = i, end = i, quiet = 0;
	for (size_t k = i + 1; k < d->n; k++) {
		if (fstatus_differs(F->status[k], similar)) {
			end = k;
			quiet = 0;
		} else if (d->e[k].status != DS_FILTERED && ++quiet > 2 * (size_t)context) {
			break;
		}
	}
	size_t lo = start, hi = end + 1, n = 0;
	while (lo > 0 && n < context && d->e[lo - 1].conn == d->e[start].conn)
		if (d->e[--lo].status != DS_FILTERED)
			n++;
	n = 0;
	while (hi < d->n && n < context && d->e[hi].conn == d->e[end].conn)
		if (d->e[hi++].status != DS_FILTERED)
			n++;
	*h = (struct hunk){ lo, hi, start, end, d->e[start].conn, d->e[end].conn };
	*pos = end + 1;
	return true;
}
