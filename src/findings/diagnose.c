/*
 * diagnose.c - diagnoses (FK_DIAGNOSIS): why the first failure happens,
 * each naming the fields that prove it. One row per diagnosis:
 *
 *   no_common_dialect  a side's negotiate chose no dialect (SMB1 Selected
 *                      Index 0xffff, an error, or no answer: the server
 *                      closed the connection): what each side offered
 *   logon_failure      a Session Setup failed where the other side's
 *                      succeeded: user, domain, workstation and NTLM
 *                      variant compared (all equal: the password)
 *   tree_denied        a Tree Connect refused: encryption capability
 *   create_denied      a Create refused where the other side's succeeded
 *                      (worded by failures.c with the request fields)
 *   not_found          an open of a name not found: how the names differ
 *   not_supported      an info class or FSCTL the server refuses
 */
#include <stdio.h>
#include <string.h>

#include "findings.h"

#define SMB1_NEGOTIATE 0x72
#define SMB1_SESSION_SETUP 0x73
#define SMB1_TREE_CONNECT 0x75
#define SMB2_NEGOTIATE 0
#define SMB2_SESSION_SETUP 1
#define SMB2_TREE_CONNECT 3
#define STATUS_LOGON_FAILURE 0xc000006du
#define STATUS_ACCESS_DENIED 0xc0000022u

/* Appends every value of field name under n to buf as "x, y". */
static void collect(const struct node *n, const char *name, char *buf, size_t cap)
{
	for (const struct node *k = n ? n->child : NULL; k; k = k->next) {
		if (k->name && !strcmp(k->name, name) && k->show) {
			size_t len = strlen(buf);
			snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", k->show);
		}
		collect(k, name, buf, cap);
	}
}

static const struct node *find(const struct node *n, const char *name)
{
	for (const struct node *k = n ? n->child : NULL; k; k = k->next) {
		if (k->name && !strcmp(k->name, name))
			return k;
		const struct node *r = find(k, name);
		if (r)
			return r;
	}
	return NULL;
}

/* The label value of a node: "SMB 3.1.1 (0x0311)" of "Dialect: SMB...". */
static const char *lval(const struct node *n)
{
	if (!n)
		return NULL;
	const char *c = n->label ? strstr(n->label, ": ") : NULL;
	return c ? c + 2 : n->show;
}

struct negotiation {
	bool seen, chosen;
	char offered[512];
	char answer[256];     /* what the server said */
	char dialect[64];
	uint32_t first_op;
};

/* The negotiation of side: every negotiate of its first connection. */
static void negotiation(struct findings *F, int side, struct negotiation *ng)
{
	const struct opset *s = F->s[side];
	memset(ng, 0, sizeof(*ng));
	ng->first_op = OP_NONE;
	struct arena a;
	arena_init(&a);
	for (size_t c = 0; c < s->nconns && !ng->chosen; c++) {
		const struct op_conn *oc = &s->conns[c];
		for (size_t k = 0; k < oc->n && k < 4; k++) {
			const struct op *o = &s->ops[oc->ops[k]];
			bool neg = (o->proto == OP_SMB2 && o->cmd == SMB2_NEGOTIATE) ||
				   (o->proto == OP_SMB1 && o->cmd == SMB1_NEGOTIATE);
			if (!neg || o->req_frame == OP_NONE)
				continue;
			if (!ng->seen)
				ng->first_op = oc->ops[k];
			ng->seen = true;
			struct node *rq, *rs;
			ops_trees(s, o, &a, &rq, &rs, NULL, NULL, false);
			char list[400] = "";
			collect(rq, o->proto == OP_SMB2 ? "smb2.dialect" : "smb.dialect.name",
				list, sizeof(list));
			size_t len = strlen(ng->offered);
			snprintf(ng->offered + len, sizeof(ng->offered) - len, "%s%s: %s",
				 len ? "; then " : "", o->proto == OP_SMB2 ? "SMB2" : "SMB1", list);
			if (!rs) {
				snprintf(ng->answer, sizeof(ng->answer),
					 "no answer (the server closes the connection)");
			} else if (o->status && fnd_is_error(o->status)) {
				snprintf(ng->answer, sizeof(ng->answer), "%s",
					 fnd_status(F, o->status));
			} else if (!strcmp(rs->name, "smb2")) {
				const char *d = lval(find(rs, "smb2.dialect"));
				snprintf(ng->dialect, sizeof(ng->dialect), "%s", d ? d : "?");
				/* 0x02ff: the wildcard answer to a multi-protocol
				 * SMB1 negotiate, an SMB2 negotiate follows. */
				ng->chosen = !d || !strstr(d, "02ff");
			} else {
				const struct node *ix = find(rs, "smb.dialect.index");
				if (ix && ix->value == 0xffff) {
					snprintf(ng->answer, sizeof(ng->answer),
						 "Selected Index 65535 (none of them)");
				} else if (ix) {
					/* The name of the chosen one, by index. */
					char names[400] = "";
					collect(rq, "smb.dialect.name", names, sizeof(names));
					const char *p = names;
					for (uint64_t i = 0; i < ix->value && p; i++) {
						p = strstr(p, ", ");
						p = p ? p + 2 : NULL;
					}
					size_t n = p ? strcspn(p, ",") : 0;
					snprintf(ng->dialect, sizeof(ng->dialect), "%.*s", (int)n,
						 p ? p : "");
					ng->chosen = true;
				}
			}
			arena_reset(&a);
		}
		/* A connection the server closed right after: say so. */
		if (ng->seen && !ng->chosen && oc->n <= 2 && !*ng->answer)
			snprintf(ng->answer, sizeof(ng->answer), "no dialect");
		if (ng->seen)
			break;
	}
	arena_free(&a);
}

const char *fnd_dialect(struct findings *F, int side)
{
	struct negotiation ng;
	negotiation(F, side, &ng);
	return ng.chosen ? arena_strdup(&F->a, ng.dialect) : NULL;
}

static void no_common_dialect(struct findings *F)
{
	struct negotiation ng[2];
	negotiation(F, 0, &ng[0]);
	negotiation(F, 1, &ng[1]);
	for (int s = 0; s < 2; s++) {
		if (!ng[s].seen || ng[s].chosen)
			continue;
		const struct negotiation *o = &ng[!s];
		bool smb1_only = !strstr(ng[s].offered, "SMB2") && !strstr(ng[s].offered, "SMB 2.");
		struct finding *x = finding_new(
			F, FK_DIAGNOSIS, "no_common_dialect",
			"no common dialect: %c offers %s%s, the server answers %s%s%s%s%s",
			s ? 'B' : 'A', smb1_only ? "only SMB1 dialects: " : "",
			smb1_only && !strncmp(ng[s].offered, "SMB1: ", 6) ? ng[s].offered + 6
									  : ng[s].offered,
			ng[s].answer, o->chosen ? "; " : "", o->chosen ? (s ? "A" : "B") : "",
			o->chosen ? " negotiates " : "", o->chosen ? o->dialect : "");
		x->side = s;
		finding_op(F, x, s, ng[s].first_op);
		if (o->first_op != OP_NONE)
			finding_op(F, x, !s, o->first_op);
		finding_field(F, x, "offered", s ? o->offered : ng[s].offered,
			      s ? ng[s].offered : o->offered);
		finding_field(F, x, "chosen", s ? o->dialect : ng[s].answer,
			      s ? ng[s].answer : o->dialect);
		x->order = 0;
		/* The failed negotiate is the first failure. */
		if (x->nops && x->ops[0] < F->first_failure)
			F->first_failure = x->ops[0];
	}
}

/* The NTLMSSP AUTHENTICATE facts of a Session Setup request. */
struct auth {
	char user[128], domain[128], host[128], variant[32];
};

static void auth_of(const struct node *rq, struct auth *au)
{
	memset(au, 0, sizeof(*au));
	const struct node *n;
	if ((n = find(rq, "ntlmssp.auth.username")) && n->show)
		snprintf(au->user, sizeof(au->user), "%s", n->show);
	else if ((n = find(rq, "smb.account")) && n->show)
		snprintf(au->user, sizeof(au->user), "%s", n->show);
	if ((n = find(rq, "ntlmssp.auth.domain")) && n->show)
		snprintf(au->domain, sizeof(au->domain), "%s", n->show);
	else if ((n = find(rq, "smb.primary_domain")) && n->show)
		snprintf(au->domain, sizeof(au->domain), "%s", n->show);
	if ((n = find(rq, "ntlmssp.auth.hostname")) && n->show)
		snprintf(au->host, sizeof(au->host), "%s", n->show);
	const struct node *nt = find(rq, "ntlmssp.auth.ntresponse");
	const struct node *v2 = find(rq, "ntlmssp.ntlmv2_response");
	if (v2)
		snprintf(au->variant, sizeof(au->variant), "NTLMv2");
	else if (nt && nt->size == 24)
		snprintf(au->variant, sizeof(au->variant), "NTLMv1");
	else if (find(rq, "smb.unicode_password") || find(rq, "smb.ansi_password"))
		snprintf(au->variant, sizeof(au->variant), "LM/NTLM (no extended security)");
}

static bool is_setup(const struct op *o)
{
	return (o->proto == OP_SMB2 && o->cmd == SMB2_SESSION_SETUP) ||
	       (o->proto == OP_SMB1 && o->cmd == SMB1_SESSION_SETUP);
}

/* The last Session Setup request of side that carries a user (the
 * AUTHENTICATE), with its op; succeeded: only successful ones. */
static uint32_t auth_op(struct findings *F, int side, bool succeeded, struct auth *au,
			struct arena *a)
{
	const struct opset *s = F->s[side];
	for (size_t i = 0; i < s->n; i++) {
		const struct op *o = &s->ops[i];
		if (!is_setup(o) || o->req_frame == OP_NONE || o->rsp_frame == OP_NONE)
			continue;
		if (succeeded ? o->status != 0 : o->status != STATUS_LOGON_FAILURE)
			continue;
		struct node *rq, *rs;
		ops_trees(s, o, a, &rq, &rs, NULL, NULL, false);
		auth_of(rq, au);
		if (*au->user || *au->variant)
			return (uint32_t)i;
	}
	return OP_NONE;
}

static void logon_failure(struct findings *F)
{
	struct arena a;
	arena_init(&a);
	for (int s = 0; s < 2; s++) {
		struct auth fa, ok, other;
		uint32_t bad = auth_op(F, s, false, &fa, &a);
		if (bad == OP_NONE)
			continue;
		uint32_t good_other = auth_op(F, !s, true, &other, &a);
		uint32_t good_self = auth_op(F, s, true, &ok, &a);
		char diffs[512] = "";
		struct finding *x;
		if (good_other != OP_NONE) {
			const char *nm[] = { "user", "domain", "workstation", "NTLM variant" };
			const char *va[] = { fa.user, fa.domain, fa.host, fa.variant };
			const char *vb[] = { other.user, other.domain, other.host, other.variant };
			for (int k = 0; k < 4; k++)
				if (strcmp(va[k], vb[k])) {
					size_t len = strlen(diffs);
					snprintf(diffs + len, sizeof(diffs) - len, "%s%s '%s' (%c '%s')",
						 len ? ", " : "", nm[k], va[k], s ? 'A' : 'B', vb[k]);
				}
		}
		x = finding_new(F, FK_DIAGNOSIS, "logon_failure",
				"logon failure: %c's Session Setup (user '%s', domain '%s', %s) "
				"fails STATUS_LOGON_FAILURE%s; %s%s",
				s ? 'B' : 'A', fa.user, fa.domain, *fa.variant ? fa.variant : "?",
				good_self != OP_NONE ? ", a later one succeeds" : "",
				*diffs ? diffs : good_other != OP_NONE
					? "user, domain and NTLM variant as the other side's: the "
					  "password or the account is wrong"
					: "the other side has no successful logon either",
				"");
		x->side = s;
		finding_op(F, x, s, bad);
		if (good_other != OP_NONE)
			finding_op(F, x, !s, good_other);
		finding_field(F, x, "ntlmssp.auth.username", s ? other.user : fa.user,
			      s ? fa.user : other.user);
		finding_field(F, x, "ntlmssp.auth.domain", s ? other.domain : fa.domain,
			      s ? fa.domain : other.domain);
		arena_reset(&a);
	}
	arena_free(&a);
}

/* The operations of entry i in o when it pairs two; false otherwise. */
static bool paired(const struct findings *F, size_t i, const struct op *o[2])
{
	const struct dentry *e = &F->d->e[i];
	if (e->op[0] == OP_NONE || e->op[1] == OP_NONE)
		return false;
	o[0] = &F->s[0]->ops[e->op[0]];
	o[1] = &F->s[1]->ops[e->op[1]];
	return true;
}

/* Tree Connects refused on one side and not the other. */
static void tree_denied(struct findings *F)
{
	for (size_t i = 0; i < F->d->n; i++) {
		const struct op *o[2];
		if (!paired(F, i, o))
			continue;
		bool tc = (o[0]->proto == OP_SMB2 && o[0]->cmd == SMB2_TREE_CONNECT) ||
			  (o[0]->proto == OP_SMB1 && o[0]->cmd == SMB1_TREE_CONNECT);
		if (!tc)
			continue;
		for (int s = 0; s < 2; s++) {
			if (o[s]->status != STATUS_ACCESS_DENIED || o[!s]->status != 0)
				continue;
			const char *why = fnd_explain(F, i, false);
			struct finding *x = finding_new(
				F, FK_DIAGNOSIS, "tree_denied",
				"%c's Tree Connect %s is refused STATUS_ACCESS_DENIED where %c's "
				"succeeds%s%s", s ? 'B' : 'A', o[s]->key->path ? o[s]->key->path : "",
				s ? 'A' : 'B', why ? ": A " : " (the share may require encryption "
				"or a user the other side does not use)", why ? why : "");
			x->side = s;
			finding_entry(F, x, i);
		}
	}
}

/* Opens of names not found: how the name differs from the other side's. */
static void not_found(struct findings *F)
{
	for (size_t i = 0; i < F->d->n; i++) {
		const struct op *o[2];
		if (!paired(F, i, o))
			continue;
		for (int s = 0; s < 2; s++) {
			bool nf = o[s]->status == 0xc0000034u || o[s]->status == 0xc000003au;
			if (!nf || o[!s]->status != 0)
				continue;
			const char *how = fnd_strdiff(&F->a, o[0]->key->path, o[1]->key->path);
			struct finding *x = finding_new(
				F, FK_DIAGNOSIS, "not_found",
				"%c's %s: %s where %c's %s succeeds%s%s", s ? 'B' : 'A',
				fnd_opname(F, s, F->d->e[i].op[s]), fnd_status(F, o[s]->status),
				s ? 'A' : 'B', o[!s]->key->path ? o[!s]->key->path : "", how ? ": the names differ in " : "",
				how ? how : "");
			x->side = s;
			finding_entry(F, x, i);
		}
	}
}

/* Info classes and FSCTLs the server refuses on one side only. */
static void not_supported(struct findings *F)
{
	struct diff *d = F->d;
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		for (int s = 0; s < 2; s++) {
			if (e->op[s] == OP_NONE)
				continue;
			const struct op *o = &F->s[s]->ops[e->op[s]];
			bool ns = o->status == 0xc00000bbu || o->status == 0xc0000003u ||
				  o->status == 0xc0000010u;
			const char *sub = ns ? op_sub_name(&F->a, o) : NULL;
			if (!sub || fnd_probe_answer(F, o))
				continue;
			if (e->op[!s] != OP_NONE && F->s[!s]->ops[e->op[!s]].status == o->status)
				continue;
			struct finding *x = finding_new(F, FK_DIAGNOSIS, "not_supported",
							"the server refuses %c's %s %s: %s", s ? 'B' : 'A',
							op_cmd_name(o), sub, fnd_status(F, o->status));
			x->side = s;
			finding_entry(F, x, i);
		}
	}
}

void diagnose_pass(struct findings *F)
{
	no_common_dialect(F);
	logon_failure(F);
	tree_denied(F);
	not_found(F);
	not_supported(F);
}
