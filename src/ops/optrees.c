/*
 * optrees.c - an operation's trees and summaries again (ops_trees,
 * ops_summaries; ops.h): its request and response frames re-dissected,
 * the member of a compound and the link of an SMB1 AndX chain picked out.
 */
#include "ops.h"

#include <stdbool.h>
#include <string.h>

#include "opspriv.h"
#include "rpcops.h"

/*
 * Splits s at separators: ';' not followed by a space between members of a
 * frame (sep_space false), "; " between the links of an SMB1 chain (true).
 * Returns the number of items; item k is [b[k], e[k]).
 */
static size_t split_items(const char *s, bool sep_space, const char **b,
			  const char **e, size_t max)
{
	size_t n = 0;
	const char *p = s;
	for (const char *q = s;; q++) {
		bool sep = *q == ';' && ((q[1] == ' ') == sep_space);
		if (!*q || sep) {
			if (n < max) {
				b[n] = p;
				e[n] = q;
			}
			n++;
			if (!*q)
				break;
			p = q + (sep_space ? 2 : 1);
			q = p - 1;
		}
	}
	return n;
}

/* The member-th summary item of a ';'-joined frame summary. */
static const char *summary_item(struct arena *a, const char *sum, uint16_t member,
				uint16_t nmembers)
{
	const char *b[MAX_LINKS], *e[MAX_LINKS];
	size_t items = split_items(sum, false, b, e, MAX_LINKS);
	if (items != nmembers || member >= MAX_LINKS)
		return sum;
	return arena_strndup(a, b[member], (size_t)(e[member] - b[member]));
}

static struct node *member_node(struct trace *t, struct arena *a, uint32_t frame,
				uint16_t member, const char **sum, bool values)
{
	const char *fsum;
	struct node *root = values ? trace_dissect_frame_values(t, a, frame, &fsum)
				   : trace_dissect_frame_cmp(t, a, frame, &fsum);
	struct node *found = NULL;
	uint16_t k = 0;
	for (struct node *c = first_member(root); c; c = next_member(root, c)) {
		if (k == member)
			found = c;
		k++;
	}
	if (sum)
		*sum = found ? summary_item(a, fsum, member, k) : fsum;
	return found;
}

static void set_children(struct node *p, struct node **kids, size_t n)
{
	p->child = p->last = NULL;
	for (size_t i = 0; i < n; i++)
		node_append(p, kids[i]);
}

/*
 * The view of link k of an SMB1 chain (see ops_trees); *sum becomes the
 * link's part of the message summary, named like a request or response
 * sent alone ("Tree Connect AndX Request, Path: ...").
 */
static struct node *link_view(struct arena *a, struct node *smb, uint8_t link,
			      const char **sum)
{
	const struct node *lk[MAX_LINKS];
	size_t nl = andx_links(smb, lk, MAX_LINKS);
	if (strcmp(smb->name, "smb") || nl < 2 || link >= nl)
		return smb;
	size_t n = 0;
	for (struct node *c = smb->child; c; c = c->next)
		n++;
	struct node **kids = arena_alloc(a, n * sizeof(*kids)), **keep = kids;
	size_t nk = 0;
	bool before = true; /* the header: what comes before the first block */
	for (struct node *c = smb->child; c; c = c->next) {
		if (c->flags & N_ANDX)
			before = false;
		bool mine = c == lk[link] || before ||
			    (link == 0 && !(c->flags & N_ANDX));
		if (mine)
			keep[nk++] = c;
	}
	set_children(smb, keep, nk);
	if (sum && *sum) {
		const char *b[MAX_LINKS], *e[MAX_LINKS];
		size_t np = split_items(*sum, true, b, e, MAX_LINKS);
		if (np == nl) {
			const char *p = b[link];
			size_t len = (size_t)(e[link] - p);
			const char *lbl = lk[link]->label ? lk[link]->label : "";
			const char *rr = strstr(lbl, " Request (") ? " Request" : " Response";
			const char *cut = strstr(lbl, rr);
			size_t nlen = cut ? (size_t)(cut - lbl) : 0;
			if (link && nlen && nlen <= len && !strncmp(p, lbl, nlen))
				*sum = arena_printf(a, "%.*s%s%.*s", (int)nlen, p, rr,
						    (int)(len - nlen), p + nlen);
			else
				*sum = arena_strndup(a, p, len);
		}
	}
	return smb;
}

void ops_trees(const struct opset *s, const struct op *o, struct arena *a,
	       struct node **req, struct node **rsp, const char **req_sum,
	       const char **rsp_sum, bool values)
{
	const char *dummy[2];
	*req = *rsp = NULL;
	if (!req_sum)
		req_sum = &dummy[0];
	if (!rsp_sum)
		rsp_sum = &dummy[1];
	*req_sum = *rsp_sum = "";
	if (o->proto == OP_RPC) {
		if (o->req_frame != OP_NONE)
			*req = rpc_pdu_view(a, o, trace_dissect_frame_cmp(s->t, a, o->req_frame, NULL),
					    o->req_member, req_sum);
		if (o->rsp_frame != OP_NONE)
			*rsp = rpc_pdu_view(a, o, trace_dissect_frame_cmp(s->t, a, o->rsp_frame, NULL),
					    o->rsp_member, rsp_sum);
		return;
	}
	if (o->req_frame != OP_NONE) {
		*req = member_node(s->t, a, o->req_frame, o->req_member, req_sum,
				   values);
		if (*req)
			*req = link_view(a, *req, o->req_link, req_sum);
	}
	if (o->rsp_frame != OP_NONE) {
		*rsp = member_node(s->t, a, o->rsp_frame, o->rsp_member, rsp_sum,
				   values);
		if (*rsp)
			*rsp = link_view(a, *rsp, o->rsp_link, rsp_sum);
	}
}

struct node *ops_tree(const struct opset *s, const struct op *o, struct arena *a,
		      bool rsp, bool values)
{
	struct op one = *o;
	struct node *req, *res;
	if (rsp)
		one.req_frame = OP_NONE;
	else
		one.rsp_frame = OP_NONE;
	ops_trees(s, &one, a, &req, &res, NULL, NULL, values);
	return rsp ? res : req;
}

/* The summary of member of frame as member_node() gives it, from a
 * summary-only dissection; NULL when the member count is not known. */
static const char *member_summary(const struct opset *s, struct arena *a,
				  uint32_t frame, uint16_t member)
{
	uint8_t k = s->nmem ? s->nmem[frame] : 0;
	if (!k)
		return NULL;
	const char *fsum = trace_summary(s->t, a, frame);
	return member < k ? summary_item(a, fsum, member, k) : fsum;
}

void ops_summaries(const struct opset *s, const struct op *o, struct arena *a,
		   const char **req_sum, const char **rsp_sum)
{
	const char *rq = NULL, *rs = NULL;
	if (o->proto == OP_SMB2) { /* no AndX links, no RPC view */
		rq = o->req_frame == OP_NONE ? "" : member_summary(s, a, o->req_frame, o->req_member);
		rs = o->rsp_frame == OP_NONE ? "" : member_summary(s, a, o->rsp_frame, o->rsp_member);
	}
	if (!rq || !rs) {
		struct node *req, *rsp;
		ops_trees(s, o, a, &req, &rsp, req_sum, rsp_sum, true);
		return;
	}
	*req_sum = rq;
	*rsp_sum = rs;
}

