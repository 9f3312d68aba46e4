/*
 * opsfast.c - the messages of a plain SMB2 frame for ops_build() without
 * dissecting it: the header-level reader (dissect/smb2facts.h) gives the
 * fields ops.c reads from a facts tree; here they become struct msg as
 * read_msg() would fill it. A frame the reader does not cover, and one
 * holding a response whose request is not pending (its sub-codes, shown
 * from the request's state, matter then), goes to the dissection.
 *
 * SMBCMP_OPS_VERIFY=1 dissects every covered frame too and compares the
 * two readings field by field: tests/cli_opsfast.sh runs it on every
 * capture, so a field the reader misses shows as a failure, not as a
 * changed key (SMBCMP_OPS_VERIFY=selftest: with a field misread on
 * purpose, that the check catches it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "ops.h"
#include "opspriv.h"
#include "smb2facts.h"

static void from_fact(struct msg *m, const struct smb2_fact *f, bool chained)
{
	memset(m, 0, sizeof(*m));
	m->proto = OP_SMB2;
	m->has_cmd = m->has_msgid = true;
	m->response = f->response;
	m->async = f->async;
	m->has_offset = f->has_offset;
	m->is_signed = f->is_signed;
	m->sig_bad = f->sig_bad;
	m->compound = chained || f->chain_offset;
	m->cmd = f->cmd;
	m->credits = f->credits;
	m->charge = f->charge;
	m->granted = f->granted;
	m->chain_offset = f->chain_offset;
	m->status = f->status;
	m->msg_id = f->msg_id;
	m->sesid = f->sesid;
	m->tid = f->tid;
	m->offset = f->offset;
	m->fid = f->fid;
	m->name = f->name;
	m->tree = f->tree;
	for (unsigned k = 0; k < f->nsub; k++)
		ops_add_sub(m, f->sub[k]);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * The first field where a (header-level) and b (tree) differ, of those
 * ops.c reads, or NULL. A response's name, tree, sub-codes and offset are
 * read only when it has no request (such frames are dissected), a
 * request's name only for a CREATE (req_path).
 */
static const char *msg_diff(const struct msg *a, const struct msg *b)
{
#define SAME(x) if (a->x != b->x) return #x
	SAME(proto); SAME(link); SAME(response); SAME(async); SAME(has_cmd);
	SAME(has_msgid); SAME(is_signed); SAME(sealed);
	SAME(compound); SAME(sig_bad); SAME(cmd); SAME(credits); SAME(charge);
	SAME(granted); SAME(chain_offset); SAME(dos_class); SAME(dos_code);
	SAME(status); SAME(msg_id); SAME(sesid); SAME(tid); SAME(pid);
#undef SAME
	if (!str_eq(a->fid, b->fid))
		return "fid";
	if (!str_eq(a->path1, b->path1))
		return "path1";
	if (a->response)
		return NULL;
	if (a->has_offset != b->has_offset || (a->has_offset && a->offset != b->offset))
		return "offset";
	if (a->cmd == 5 && !str_eq(a->name, b->name))
		return "name";
	if (!str_eq(a->tree, b->tree))
		return "tree";
	if (a->ncode != b->ncode || a->sublen != b->sublen || memcmp(a->sub, b->sub, a->sublen) ||
	    memcmp(a->code, b->code, a->ncode * sizeof(a->code[0])))
		return "sub";
	return NULL;
}

static void verify_frame(struct trace *t, struct arena *a, size_t i, const struct msg *m,
			 size_t n, const uint8_t *kinds)
{
	struct msg d[SMB2_FACTS_MAX];
	struct node *root = trace_dissect_frame_facts(t, a, i, kinds);
	size_t nd = ops_read_members(kinds, root, d, SMB2_FACTS_MAX);
	const char *what = nd != n ? "member count" : NULL;
	size_t k = 0;
	for (; !what && k < n; k++)
		what = msg_diff(&m[k], &d[k]);
	if (!what)
		return;
	fprintf(stderr, "smbcmp: SMBCMP_OPS_VERIFY: %s frame %u member %zu: header-level reading "
		"differs from the dissection in %s\n", trace_path(t), trace_frame(t, i).num,
		k ? k - 1 : 0, what);
	if (k && nd == n)
		fprintf(stderr, "  cmd %u rsp %d: header-level sub '%s' ncode %u name '%s' fid '%s'; "
			"dissection sub '%s' ncode %u name '%s' fid '%s'\n", m[k - 1].cmd,
			m[k - 1].response, m[k - 1].sub, m[k - 1].ncode,
			m[k - 1].name ? m[k - 1].name : "(null)", m[k - 1].fid ? m[k - 1].fid : "(null)",
			d[k - 1].sub, d[k - 1].ncode, d[k - 1].name ? d[k - 1].name : "(null)",
			d[k - 1].fid ? d[k - 1].fid : "(null)");
	abort();
}

int ops_fast_msgs(struct trace *t, struct arena *a, size_t i, const struct hmap *pending,
		  const struct op *ops, struct msg *m, size_t max, const uint8_t *kinds,
		  int verify)
{
	struct smb2_fact f[SMB2_FACTS_MAX];
	if (max > SMB2_FACTS_MAX)
		max = SMB2_FACTS_MAX;
	int n = trace_smb2_facts(t, a, i, f, max);
	if (n <= 0)
		return n;
	uint32_t stream = trace_frame(t, i).stream;
	for (int k = 0; k < n; k++) {
		from_fact(&m[k], &f[k], k > 0 && f[k - 1].chain_offset);
		if (!m[k].response)
			continue;
		uintptr_t v = (uintptr_t)hmap_get(pending, ops_pend_key(&m[k], stream));
		if (!v || ops[v - 1].cmd != m[k].cmd)
			return -1;
	}
	for (int k = 0; verify == 2 && k < n; k++)
		m[k].charge += m[k].cmd == 14;
	if (verify)
		verify_frame(t, a, i, m, (size_t)n, kinds);
	return n;
}
