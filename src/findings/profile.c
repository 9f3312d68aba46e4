/*
 * profile.c - the session profile side by side: one row per property of
 * the session (dialect, capabilities, security mode, negotiate contexts,
 * authentication, credits, signing, encryption, shares), a value per trace.
 *
 * What is read where:
 *  - negotiate and session setup: the profiled connection, the first one
 *    with a session setup (the first that negotiated successfully), else
 *    the first with a negotiate, else the first. Only its NEGOTIATE and
 *    SESSION_SETUP operations are dissected again (ops_trees, values
 *    only, into a scratch arena reset per operation).
 *  - tree connects, session setup count, credits, compounding, pipelining,
 *    signing and encryption: the whole trace, from the per-op facts of
 *    ops.h (no dissection) and the TREE_CONNECT requests.
 * Values are short and in Wireshark's terms (its value strings and bit
 * labels); rows empty on every side are left out. doc/diff.md lists them.
 */
#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "ops.h"

#define SMB2_NEGOTIATE 0
#define SMB2_SESSION_SETUP 1
#define SMB2_TREE_CONNECT 3
#define SMB1_NEGOTIATE 0x72
#define SMB1_SESSION_SETUP_ANDX 0x73
#define SMB1_TREE_CONNECT 0x70
#define SMB1_TREE_CONNECT_ANDX 0x75
#define STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define MAX_SMB1_DIALECTS 64
#define MAX_SHARES_SHOWN 4
#define MAX_SHARES_SEEN 64 /* distinct shares counted exactly */

/* The rows, in output order. */
enum prow_id {
	R_CONNECTIONS, R_DIALECTS_OFFERED, R_DIALECT, R_CLIENT_CAPS,
	R_SERVER_CAPS, R_CLIENT_SEC, R_SERVER_SEC, R_CONTEXTS, R_PREAUTH,
	R_CIPHERS_OFFERED, R_CIPHER, R_SIGNING_OFFERED, R_SIGNING_ALG,
	R_COMP_OFFERED, R_COMP, R_MAX_READ, R_MAX_WRITE, R_MAX_TRANS,
	R_CLIENT_MAXBUF, R_SERVER_MAXBUF, R_SERVER_MAXMPX, R_AUTH, R_NTLM_FLAGS,
	R_NTLM, R_LM, R_MIC, R_USER, R_DOMAIN, R_WORKSTATION, R_SESSION,
	R_SESSIONS, R_CREDITS_REQ, R_CREDITS_GRANTED, R_COMPOUND, R_PIPELINE,
	R_SIGNING, R_ENCRYPTION, R_SHARES, R_TREES, R_NROWS
};

static const char *const row_names[R_NROWS] = {
	[R_CONNECTIONS] = "connections",
	[R_DIALECTS_OFFERED] = "dialects offered",
	[R_DIALECT] = "dialect chosen",
	[R_CLIENT_CAPS] = "client caps",
	[R_SERVER_CAPS] = "server caps",
	[R_CLIENT_SEC] = "client security",
	[R_SERVER_SEC] = "server security",
	[R_CONTEXTS] = "contexts offered",
	[R_PREAUTH] = "preauth hash",
	[R_CIPHERS_OFFERED] = "ciphers offered",
	[R_CIPHER] = "cipher chosen",
	[R_SIGNING_OFFERED] = "signing offered",
	[R_SIGNING_ALG] = "signing chosen",
	[R_COMP_OFFERED] = "compress offered",
	[R_COMP] = "compress chosen",
	[R_MAX_READ] = "max read size",
	[R_MAX_WRITE] = "max write size",
	[R_MAX_TRANS] = "max transact",
	[R_CLIENT_MAXBUF] = "client max buf",
	[R_SERVER_MAXBUF] = "server max buf",
	[R_SERVER_MAXMPX] = "server max mpx",
	[R_AUTH] = "auth mechanism",
	[R_NTLM_FLAGS] = "NTLMSSP flags",
	[R_NTLM] = "NTLM response",
	[R_LM] = "LM response",
	[R_MIC] = "MIC",
	[R_USER] = "user",
	[R_DOMAIN] = "domain",
	[R_WORKSTATION] = "workstation",
	[R_SESSION] = "session setup",
	[R_SESSIONS] = "session setups",
	[R_CREDITS_REQ] = "credits requested",
	[R_CREDITS_GRANTED] = "credits granted",
	[R_COMPOUND] = "compounding",
	[R_PIPELINE] = "pipelining",
	[R_SIGNING] = "signing used",
	[R_ENCRYPTION] = "encryption used",
	[R_SHARES] = "shares",
	[R_TREES] = "tree connects",
};

/* A ", "-separated list being built. */
struct list {
	char buf[1024];
	size_t len;
	unsigned n;
};

static void list_add(struct list *l, const char *item)
{
	if (!item || !*item)
		return;
	int w = snprintf(l->buf + l->len, sizeof(l->buf) - l->len, "%s%s",
			 l->n ? ", " : "", item);
	if (w > 0 && (size_t)w < sizeof(l->buf) - l->len) {
		l->len += (size_t)w;
		l->n++;
	}
}

/* The state of one trace's profile while it is built. */
struct prof {
	struct findings *F;
	const struct opset *s;
	struct arena scratch;
	const char *v[R_NROWS];
	/* negotiate */
	const char *smb1_names[MAX_SMB1_DIALECTS];
	unsigned nsmb1;
	struct list smb1_offered, smb2_offered;
	uint16_t smb2_dialects[16];
	unsigned nsmb2;
	const char *chosen;
	bool negotiated;
	/* session setup */
	unsigned nsetups;
};

/* ASCII case-insensitive equality (share names). */
static bool same_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

static void set(struct prof *p, enum prow_id r, const char *v)
{
	p->v[r] = v && *v ? arena_strdup(&p->F->a, v) : NULL;
}

/* ---- tree helpers ---- */

/* The node after n in a preorder walk of root's subtree, or NULL. */
static struct node *walk_next(struct node *root, struct node *n)
{
	if (n->child)
		return n->child;
	while (n != root && !n->next)
		n = n->parent;
	return n == root ? NULL : n->next;
}

/* The next node named name after `after` (NULL: from the start) under root. */
static struct node *find_next(struct node *root, struct node *after, const char *name)
{
	if (!root)
		return NULL;
	for (struct node *n = walk_next(root, after ? after : root); n; n = walk_next(root, n))
		if (n->name && !strcmp(n->name, name))
			return n;
	return NULL;
}

static struct node *find(struct node *root, const char *name)
{
	return find_next(root, NULL, name);
}

/* The value's name in the field's value table ("SMB 3.1.1"), else its show. */
static const char *vname(const struct node *n)
{
	if (!n)
		return NULL;
	const struct field *f = field_get(n->field);
	if (n->field != F_INVALID && (n->flags & N_HAS_VALUE) && field_vals(f)) {
		const char *s = val_lookup(field_vals(f), n->value);
		if (s)
			return s;
	}
	return n->show;
}

/* Labels of the set boolean bits under a bitmask node ("DFS, LEASING"). */
static void set_bits(struct list *l, const struct node *n, const char *strip)
{
	if (!n)
		return;
	for (const struct node *c = n->child; c; c = c->next) {
		const struct field *f = field_get(c->field);
		if (c->field == F_INVALID || f->type != FT_BOOLEAN || !c->value)
			continue;
		const char *lab = field_str(f->label_at);
		size_t k = strip ? strlen(strip) : 0;
		if (k && !strncmp(lab, strip, k) && lab[k])
			lab += k;
		list_add(l, lab);
	}
}

static const char *bits_text(struct prof *p, const struct node *n, const char *strip)
{
	if (!n)
		return NULL;
	struct list l = { .n = 0 };
	set_bits(&l, n, strip);
	return l.n ? arena_strdup(&p->scratch, l.buf) : "none";
}

/* Value names of every node named name under root ("AES-128-GCM, ..."). */
static const char *all_names(struct prof *p, struct node *root, const char *name)
{
	struct list l = { .n = 0 };
	for (struct node *n = find(root, name); n; n = find_next(root, n, name))
		list_add(&l, vname(n));
	return l.n ? arena_strdup(&p->scratch, l.buf) : NULL;
}

static const char *num_text(struct prof *p, const struct node *n)
{
	if (!n || !(n->flags & N_HAS_VALUE))
		return NULL;
	return arena_printf(&p->scratch, "%llu", (unsigned long long)n->value);
}

static bool all_zero(const struct node *n)
{
	if (!n || !n->show)
		return true;
	for (const char *c = n->show; *c; c++)
		if (*c != '0' && *c != ':')
			return false;
	return true;
}

/* ---- negotiate ---- */

/* "SMB 3.1.1" -> "3.1.1" for the offered list. */
static const char *smb2_short(const char *name)
{
	return name && !strncmp(name, "SMB ", 4) ? name + 4 : name;
}

/* SMB2 SecurityMode / SMB1 Flags2 signing bits as text. */
static const char *sign_text(bool enabled, bool required)
{
	return enabled && required ? "signing enabled, required"
	       : required	  ? "signing required"
	       : enabled	  ? "signing enabled"
				  : "signing disabled";
}

/* The value of the boolean child named name of n (false when absent). */
static bool child_bit(const struct node *n, const char *name)
{
	for (const struct node *c = n ? n->child : NULL; c; c = c->next)
		if (c->name && !strcmp(c->name, name))
			return c->value != 0;
	return false;
}

static const char *smb2_sec_mode(const struct node *sm)
{
	if (!sm)
		return NULL;
	return sign_text(child_bit(sm, "smb2.sec_mode.sign_enabled"),
			 child_bit(sm, "smb2.sec_mode.sign_required"));
}

/* SMB1 SecurityMode of the NEGOTIATE response (MS-CIFS 2.2.4.52.2), from
 * its bits (the NT LM 0.12 form is a one-byte custom item). */
static const char *smb1_sec_mode(struct prof *p, const struct node *sm)
{
	if (!sm)
		return NULL;
	return arena_printf(&p->scratch, "%s, %s, %s",
			    child_bit(sm, "smb.sm.mode") ? "user" : "share",
			    child_bit(sm, "smb.sm.password") ? "challenge/response" : "plaintext",
			    sign_text(child_bit(sm, "smb.sm.signatures"),
				      child_bit(sm, "smb.sm.sig_required")));
}

/* "SMB2_ENCRYPTION_CAPABILITIES" -> "ENCRYPTION". */
static void context_names(struct prof *p, struct node *root)
{
	struct list l = { .n = 0 };
	const char *name = "smb2.negotiate_context.type";
	for (struct node *n = find(root, name); n; n = find_next(root, n, name)) {
		char buf[64];
		const char *s = vname(n);
		if (!s)
			continue;
		if (!strncmp(s, "SMB2_", 5))
			s += 5;
		snprintf(buf, sizeof(buf), "%s", s);
		static const char *const suffixes[] = { "_CAPABILITIES",
							"_NEGOTIATE_CONTEXT_ID" };
		for (size_t k = 0; k < 2; k++) {
			size_t bl = strlen(buf), sl = strlen(suffixes[k]);
			if (bl > sl && !strcmp(buf + bl - sl, suffixes[k]))
				buf[bl - sl] = 0;
		}
		list_add(&l, buf);
	}
	if (l.n)
		set(p, R_CONTEXTS, l.buf);
}

static void smb1_negotiate(struct prof *p, const struct op *o, struct node *req,
			   struct node *rsp)
{
	if (req) {
		p->nsmb1 = 0;
		p->smb1_offered.len = p->smb1_offered.n = 0;
		for (struct node *n = find(req, "smb.dialect.name"); n;
		     n = find_next(req, n, "smb.dialect.name")) {
			list_add(&p->smb1_offered, n->show);
			if (p->nsmb1 < MAX_SMB1_DIALECTS)
				p->smb1_names[p->nsmb1++] = arena_strdup(&p->F->a, n->show ? n->show : "");
		}
	}
	if (!rsp) {
		if (o->rsp_frame == OP_NONE && !p->chosen)
			p->chosen = "none (no response, connection closed)";
		return;
	}
	struct node *idx = find(rsp, "smb.dialect.index");
	if (!idx)
		return; /* answered with an SMB2 NEGOTIATE: a separate op */
	if (idx->value == 0xffff) {
		p->chosen = "none (server answered dialect index 0xffff)";
		return;
	}
	p->chosen = idx->value < p->nsmb1 ? p->smb1_names[idx->value]
					  : arena_printf(&p->F->a, "index %llu",
							 (unsigned long long)idx->value);
	p->negotiated = true;
	set(p, R_SERVER_SEC, smb1_sec_mode(p, find(rsp, "smb.sm")));
	set(p, R_SERVER_CAPS, bits_text(p, find(rsp, "smb.server_cap"), NULL));
	set(p, R_SERVER_MAXBUF, num_text(p, find(rsp, "smb.max_bufsize")));
	set(p, R_SERVER_MAXMPX, num_text(p, find(rsp, "smb.max_mpx_count")));
}

static void smb2_negotiate(struct prof *p, const struct op *o, struct node *req,
			   struct node *rsp)
{
	if (req) {
		p->nsmb2 = 0;
		p->smb2_offered.len = p->smb2_offered.n = 0;
		for (struct node *n = find(req, "smb2.dialect"); n;
		     n = find_next(req, n, "smb2.dialect")) {
			list_add(&p->smb2_offered, smb2_short(vname(n)));
			if (p->nsmb2 < 16)
				p->smb2_dialects[p->nsmb2++] = (uint16_t)n->value;
		}
		set(p, R_CLIENT_SEC, smb2_sec_mode(find(req, "smb2.sec_mode")));
		set(p, R_CLIENT_CAPS, bits_text(p, find(req, "smb2.capabilities"), NULL));
		context_names(p, req);
		set(p, R_CIPHERS_OFFERED, all_names(p, req, "smb2.negotiate_context.cipher_id"));
		set(p, R_SIGNING_OFFERED, all_names(p, req, "smb2.negotiate_context.signing_id"));
		set(p, R_COMP_OFFERED, all_names(p, req, "smb2.negotiate_context.comp_alg_id"));
		set(p, R_PREAUTH, all_names(p, req, "smb2.negotiate_context.hash_algorithm"));
	}
	if (!rsp) {
		if (req && o->rsp_frame == OP_NONE)
			p->chosen = "none (no response, connection closed)";
		return;
	}
	if (fnd_is_error(o->status)) {
		p->chosen = arena_printf(&p->F->a, "none (%s)", fnd_status(p->F, o->status));
		return;
	}
	struct node *d = find(rsp, "smb2.dialect");
	if (!d)
		return;
	p->chosen = arena_strdup(&p->F->a, vname(d));
	if (d->value == 0x02ff) /* the SMB2 NEGOTIATE that follows decides */
		return;
	p->negotiated = true;
	set(p, R_SERVER_SEC, smb2_sec_mode(find(rsp, "smb2.sec_mode")));
	set(p, R_SERVER_CAPS, bits_text(p, find(rsp, "smb2.capabilities"), NULL));
	set(p, R_MAX_READ, num_text(p, find(rsp, "smb2.max_read_size")));
	set(p, R_MAX_WRITE, num_text(p, find(rsp, "smb2.max_write_size")));
	set(p, R_MAX_TRANS, num_text(p, find(rsp, "smb2.max_trans_size")));
	const char *v;
	if ((v = all_names(p, rsp, "smb2.negotiate_context.cipher_id")))
		set(p, R_CIPHER, v);
	if ((v = all_names(p, rsp, "smb2.negotiate_context.signing_id")))
		set(p, R_SIGNING_ALG, v);
	if ((v = all_names(p, rsp, "smb2.negotiate_context.comp_alg_id")))
		set(p, R_COMP, v);
	if ((v = all_names(p, rsp, "smb2.negotiate_context.hash_algorithm")))
		set(p, R_PREAUTH, v);
}

/* True when the SMB2 dialects offered are a run of the known ones in order. */
static bool smb2_run(const struct prof *p)
{
	static const uint16_t known[] = { 0x202, 0x210, 0x300, 0x302, 0x311 };
	size_t n = sizeof(known) / sizeof(known[0]);
	if (p->nsmb2 < 3)
		return false;
	for (size_t i = 0; i + p->nsmb2 <= n; i++)
		if (known[i] == p->smb2_dialects[0]) {
			for (unsigned k = 0; k < p->nsmb2; k++)
				if (known[i + k] != p->smb2_dialects[k])
					return false;
			return true;
		}
	return false;
}

static void dialect_rows(struct prof *p)
{
	if (p->smb1_offered.n && p->smb2_offered.n) {
		const char *smb2 = p->smb2_offered.buf;
		if (smb2_run(p)) {
			const char *first = val_lookup(field_vals(field_get(F_SMB2_DIALECT)),
						       p->smb2_dialects[0]);
			const char *last = val_lookup(field_vals(field_get(F_SMB2_DIALECT)),
						      p->smb2_dialects[p->nsmb2 - 1]);
			smb2 = arena_printf(&p->scratch, "%s..%s", smb2_short(first),
					    smb2_short(last));
		}
		set(p, R_DIALECTS_OFFERED, arena_printf(&p->scratch, "SMB1: %s; then %s",
							p->smb1_offered.buf, smb2));
	} else if (p->smb1_offered.n) {
		set(p, R_DIALECTS_OFFERED, p->smb1_offered.buf);
	} else if (p->smb2_offered.n) {
		set(p, R_DIALECTS_OFFERED, p->smb2_offered.buf);
	}
	set(p, R_DIALECT, p->chosen);
}

/* ---- session setup ---- */

static bool is_kerberos_oid(const char *oid)
{
	return oid && (!strcmp(oid, "1.2.840.113554.1.2.2") ||
		       !strcmp(oid, "1.2.840.48018.1.2.2"));
}

/* The NTLMSSP message of type t under root, or NULL. */
static struct node *ntlmssp_msg(struct node *root, uint64_t t)
{
	for (struct node *n = find(root, "ntlmssp"); n; n = find_next(root, n, "ntlmssp")) {
		struct node *mt = find(n, "ntlmssp.messagetype");
		if (mt && mt->value == t)
			return n;
	}
	return NULL;
}

static uint32_t bytes_len(const struct node *n)
{
	return n ? n->size : 0;
}

/* The response variant of an NTLMSSP AUTHENTICATE (MS-NLMP 3.3). */
static const char *ntlm_version(uint32_t ntlen, uint32_t lmlen, uint64_t flags)
{
	if (ntlen > 24)
		return "NTLMv2";
	if (ntlen == 24)
		return flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY ? "NTLMv1 with ESS"
									 : "NTLMv1";
	if (lmlen >= 24)
		return "LM";
	return "anonymous";
}

static void authenticate(struct prof *p, struct node *auth)
{
	struct node *flags = find(auth, "ntlmssp.negotiateflags");
	struct node *lm = find(auth, "ntlmssp.auth.lmresponse");
	struct node *nt = find(auth, "ntlmssp.auth.ntresponse");
	set(p, R_NTLM_FLAGS, bits_text(p, flags, "Negotiate "));
	set(p, R_NTLM, ntlm_version(bytes_len(nt), bytes_len(lm), flags ? flags->value : 0));
	set(p, R_LM, !bytes_len(lm) ? "no" : all_zero(lm) ? "zeros" : "yes");
	struct node *mic = find(auth, "ntlmssp.authenticate.mic");
	set(p, R_MIC, !mic ? "no" : all_zero(mic) ? "zeros" : "yes");
	set(p, R_USER, find(auth, "ntlmssp.auth.username") ? find(auth, "ntlmssp.auth.username")->show : NULL);
	set(p, R_DOMAIN, find(auth, "ntlmssp.auth.domain") ? find(auth, "ntlmssp.auth.domain")->show : NULL);
	set(p, R_WORKSTATION, find(auth, "ntlmssp.auth.hostname") ? find(auth, "ntlmssp.auth.hostname")->show : NULL);
}

/* The security blob's mechanism, from the first SESSION_SETUP request. */
static const char *blob_mech(struct node *req)
{
	struct node *spnego = find(req, "spnego");
	struct node *ntlm = find(req, "ntlmssp");
	struct node *oid = find(req, "gss-api.OID");
	if (spnego) {
		if (ntlm)
			return "SPNEGO+NTLMSSP";
		struct node *mech = find(spnego, "spnego.MechType");
		if (mech && is_kerberos_oid(mech->show))
			return "SPNEGO+Kerberos";
		if (mech && mech->show && !strcmp(mech->show, "1.3.6.1.4.1.311.2.2.10"))
			return "SPNEGO+NTLMSSP";
		return "SPNEGO";
	}
	if (ntlm)
		return "raw NTLMSSP";
	if (oid && is_kerberos_oid(oid->show))
		return "Kerberos";
	return NULL;
}

/* SMB1 SESSION_SETUP_ANDX without extended security (MS-CIFS 2.2.4.53). */
static void smb1_plain_setup(struct prof *p, struct node *req)
{
	struct node *pw = find(req, "smb.pwlen");
	struct node *ansi = find(req, "smb.ansi_pwlen");
	struct node *uni = find(req, "smb.unicode_pwlen");
	uint64_t lmlen = pw ? pw->value : ansi ? ansi->value : 0;
	uint64_t ntlen = uni ? uni->value : 0;
	const char *sm = p->v[R_SERVER_SEC];
	bool plaintext = sm && strstr(sm, "plaintext");
	if (plaintext) {
		set(p, R_AUTH, "plaintext password");
		set(p, R_NTLM, "plaintext");
	} else {
		set(p, R_AUTH, "LM/NTLM challenge-response (no extended security)");
		set(p, R_NTLM, ntlen > 24 ? "NTLMv2" : ntlen == 24 ? "NTLMv1"
			       : lmlen >= 24 ? "LM" : "anonymous");
	}
	struct node *lm = find(req, pw ? "smb.password" : "smb.ansi_password");
	set(p, R_LM, !lmlen ? "no" : all_zero(lm) && lm ? "zeros" : "yes");
	struct node *acc = find(req, "smb.account");
	struct node *dom = find(req, "smb.primary_domain");
	set(p, R_USER, acc ? acc->show : NULL);
	set(p, R_DOMAIN, dom ? dom->show : NULL);
}

static void session_setup(struct prof *p, const struct op *o, struct node *req,
			  struct node *rsp)
{
	(void)rsp;
	if (req) {
		if (!p->v[R_AUTH]) {
			const char *mech = blob_mech(req);
			if (mech)
				set(p, R_AUTH, mech);
			else if (o->proto == OP_SMB1)
				smb1_plain_setup(p, req);
		}
		struct node *auth = ntlmssp_msg(req, 3);
		if (auth)
			authenticate(p, auth);
		if (o->proto == OP_SMB1) {
			if (!p->v[R_CLIENT_CAPS])
				set(p, R_CLIENT_CAPS, bits_text(p, find(req, "smb.server_cap"), NULL));
			if (!p->v[R_CLIENT_MAXBUF])
				set(p, R_CLIENT_MAXBUF, num_text(p, find(req, "smb.max_buf")));
			struct node *f2 = find(req, "smb.flags2");
			if (f2 && !p->v[R_CLIENT_SEC])
				set(p, R_CLIENT_SEC, sign_text(f2->value & 0x4, f2->value & 0x10));
		}
	}
	if (o->rsp_frame == OP_NONE)
		set(p, R_SESSION, "no response");
	else if (o->status != STATUS_MORE_PROCESSING_REQUIRED)
		set(p, R_SESSION, fnd_status(p->F, o->status));
}

/* ---- the profiled connection ---- */

static bool is_cmd(const struct op *o, uint16_t smb2, uint16_t smb1a, uint16_t smb1b)
{
	return (o->proto == OP_SMB2 && o->cmd == smb2) ||
	       (o->proto == OP_SMB1 && (o->cmd == smb1a || o->cmd == smb1b));
}

static bool is_negotiate(const struct op *o)
{
	return is_cmd(o, SMB2_NEGOTIATE, SMB1_NEGOTIATE, SMB1_NEGOTIATE);
}

static bool is_session_setup(const struct op *o)
{
	return is_cmd(o, SMB2_SESSION_SETUP, SMB1_SESSION_SETUP_ANDX, SMB1_SESSION_SETUP_ANDX);
}

/* The connection to profile: the first with a session setup, else the
 * first with a negotiate, else the first; SIZE_MAX when none. */
static size_t pick_conn(const struct opset *s)
{
	size_t with_neg = SIZE_MAX;
	for (size_t c = 0; c < s->nconns; c++)
		for (size_t k = 0; k < s->conns[c].n; k++) {
			const struct op *o = &s->ops[s->conns[c].ops[k]];
			if (is_session_setup(o))
				return c;
			if (is_negotiate(o) && with_neg == SIZE_MAX)
				with_neg = c;
		}
	return with_neg != SIZE_MAX ? with_neg : s->nconns ? 0 : SIZE_MAX;
}

static void profile_conn(struct prof *p, const struct op_conn *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const struct op *o = &p->s->ops[c->ops[k]];
		bool neg = is_negotiate(o), setup = is_session_setup(o);
		if (!neg && !setup)
			continue;
		struct node *req = NULL, *rsp = NULL;
		ops_trees(p->s, o, &p->scratch, &req, &rsp, NULL, NULL, true);
		if (neg && o->proto == OP_SMB1)
			smb1_negotiate(p, o, req, rsp);
		else if (neg)
			smb2_negotiate(p, o, req, rsp);
		else
			session_setup(p, o, req, rsp);
		/* Rows are copied into F's arena by set(); the lists are
		 * in p; the scratch trees go. */
		arena_reset(&p->scratch);
	}
	dialect_rows(p);
}

/* ---- whole-trace facts ---- */

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/*
 * Most requests outstanding at once on one connection: a request is
 * outstanding from its frame until its first response (interim or final)
 * arrives. Requests never answered are left out.
 */
static size_t max_outstanding(const struct opset *s)
{
	size_t best = 0;
	uint64_t *ev = NULL;
	size_t cap = 0;
	for (size_t c = 0; c < s->nconns; c++) {
		const struct op_conn *cn = &s->conns[c];
		size_t n = 0;
		if (2 * cn->n > cap) {
			cap = 2 * cn->n;
			ev = realloc(ev, cap * sizeof(*ev));
			if (!ev)
				abort();
		}
		for (size_t k = 0; k < cn->n; k++) {
			const struct op *o = &s->ops[cn->ops[k]];
			uint32_t end = o->interim_frame != OP_NONE ? o->interim_frame : o->rsp_frame;
			if (o->req_frame == OP_NONE || end == OP_NONE || o->proto == OP_RPC ||
			    (o->flags & OP_UNSOLICITED))
				continue;
			ev[n++] = (uint64_t)o->req_frame << 1 | 1; /* +1 */
			ev[n++] = (uint64_t)end << 1;              /* -1, first in a frame */
		}
		qsort(ev, n, sizeof(*ev), cmp_u64);
		size_t cur = 0;
		for (size_t k = 0; k < n; k++) {
			if (ev[k] & 1) {
				if (++cur > best)
					best = cur;
			} else if (cur) {
				cur--;
			}
		}
	}
	free(ev);
	return best;
}

/* "37/40" */
static const char *count_of(struct prof *p, size_t k, size_t n)
{
	return arena_printf(&p->scratch, "%zu/%zu", k, n);
}

static void trace_facts(struct prof *p)
{
	const struct opset *s = p->s;
	size_t nreq = 0, nrsp = 0, sreq = 0, srsp = 0, ereq = 0, ersp = 0, opaque = 0;
	size_t ncomp = 0, nandx = 0, nsmb2 = 0;
	uint64_t creq = 0, cgr = 0, cfirst = 0;
	bool have_first = false;
	for (size_t i = 0; i < s->n; i++) {
		const struct op *o = &s->ops[i];
		if (o->proto == OP_RPC || o->proto == OP_OTHER)
			continue;
		if (o->flags & OP_ENCRYPTED) {
			opaque++;
			continue;
		}
		if (o->req_frame != OP_NONE && !(o->flags & OP_UNSOLICITED)) {
			nreq++;
			sreq += !!(o->facts & OPF_REQ_SIGNED);
			ereq += !!(o->facts & OPF_REQ_SEALED);
			ncomp += !!(o->facts & OPF_COMPOUND);
			nandx += o->req_link > 0;
			if (o->proto == OP_SMB2) {
				nsmb2++;
				creq += o->credits_req;
				if (!have_first) {
					cfirst = o->credits_req;
					have_first = true;
				}
			}
		}
		if (o->rsp_frame != OP_NONE) {
			nrsp++;
			srsp += !!(o->facts & OPF_RSP_SIGNED);
			ersp += !!(o->facts & OPF_RSP_SEALED);
			if (o->proto == OP_SMB2)
				cgr += o->granted;
		}
	}
	if (nsmb2) {
		set(p, R_CREDITS_REQ, arena_printf(&p->scratch, "first %llu; total %llu",
						   (unsigned long long)cfirst,
						   (unsigned long long)creq));
		set(p, R_CREDITS_GRANTED, arena_printf(&p->scratch, "total %llu",
						       (unsigned long long)cgr));
	}
	if (!nreq && !nrsp && !opaque)
		return;
	if (ncomp)
		set(p, R_COMPOUND, arena_printf(&p->scratch, "%zu requests compounded", ncomp));
	else if (nandx)
		set(p, R_COMPOUND, arena_printf(&p->scratch, "%zu AndX links chained", nandx));
	else
		set(p, R_COMPOUND, "none");
	size_t mo = max_outstanding(s);
	set(p, R_PIPELINE, mo > 1 ? arena_printf(&p->scratch, "up to %zu requests outstanding", mo)
				  : "none");
	if (!sreq && !srsp)
		set(p, R_SIGNING, "none");
	else
		set(p, R_SIGNING, arena_printf(&p->scratch, "req %s; rsp %s", count_of(p, sreq, nreq),
					       count_of(p, srsp, nrsp)));
	if (!ereq && !ersp && !opaque)
		set(p, R_ENCRYPTION, "none");
	else if (!ereq && !ersp)
		set(p, R_ENCRYPTION, arena_printf(&p->scratch, "%zu messages (not decrypted)", opaque));
	else
		set(p, R_ENCRYPTION, arena_printf(&p->scratch, "req %s; rsp %s%s", count_of(p, ereq, nreq),
						  count_of(p, ersp, nrsp),
						  opaque ? arena_printf(&p->scratch, "; %zu not decrypted", opaque) : ""));
}

/* Session setups and tree connects of the whole trace. */
static void trace_setups_trees(struct prof *p)
{
	const struct opset *s = p->s;
	size_t nset = 0, nfail = 0, ntree = 0, nshares = 0;
	struct list shares = { .n = 0 };
	char seen[MAX_SHARES_SEEN][256];
	for (size_t i = 0; i < s->n; i++) {
		const struct op *o = &s->ops[i];
		if (is_session_setup(o) && o->rsp_frame != OP_NONE &&
		    o->status != STATUS_MORE_PROCESSING_REQUIRED) {
			nset++;
			nfail += fnd_is_error(o->status);
		}
		if (!is_cmd(o, SMB2_TREE_CONNECT, SMB1_TREE_CONNECT_ANDX, SMB1_TREE_CONNECT) ||
		    o->req_frame == OP_NONE)
			continue;
		ntree++;
		struct node *req = ops_tree(s, o, &p->scratch, false, true);
		struct node *t = find(req, o->proto == OP_SMB2 ? "smb2.tree" : "smb.path");
		if (t && t->show) {
			bool dup = false;
			for (size_t k = 0; k < nshares && k < MAX_SHARES_SEEN; k++)
				dup |= same_ci(seen[k], t->show);
			if (!dup) {
				if (nshares < MAX_SHARES_SEEN)
					snprintf(seen[nshares], sizeof(seen[nshares]), "%s", t->show);
				if (nshares < MAX_SHARES_SHOWN)
					list_add(&shares, t->show);
				nshares++;
			}
		}
		arena_reset(&p->scratch);
	}
	if (nset)
		set(p, R_SESSIONS, nfail ? arena_printf(&p->scratch, "%zu (%zu failed)", nset, nfail)
					 : arena_printf(&p->scratch, "%zu", nset));
	if (nshares > MAX_SHARES_SHOWN)
		list_add(&shares, arena_printf(&p->scratch, "+%zu more", nshares - MAX_SHARES_SHOWN));
	if (shares.n)
		set(p, R_SHARES, shares.buf);
	if (ntree)
		set(p, R_TREES, arena_printf(&p->scratch, "%zu", ntree));
}

/*
 * The connections row: their number, the one profiled when it is not the
 * first, and, when the connections negotiate different dialects or their
 * logons end differently, each one's (the first MAX_CONNS_SHOWN).
 */
#define MAX_CONNS_SHOWN 8
static void connections_row(struct prof *p, size_t picked)
{
	const struct opset *s = p->s;
	const char *dia[MAX_CONNS_SHOWN], *ses[MAX_CONNS_SHOWN];
	size_t n = s->nconns < MAX_CONNS_SHOWN ? s->nconns : MAX_CONNS_SHOWN;
	bool dia_differ = false, ses_differ = false;
	for (size_t c = 0; c < n; c++) {
		struct prof *q = calloc(1, sizeof(*q));
		if (!q)
			abort();
		q->F = p->F;
		q->s = s;
		arena_init(&q->scratch);
		profile_conn(q, &s->conns[c]);
		dia[c] = q->v[R_DIALECT] ? q->v[R_DIALECT] : "no negotiate";
		ses[c] = q->v[R_SESSION] ? q->v[R_SESSION] : "no logon";
		arena_free(&q->scratch);
		free(q);
		dia_differ |= c && strcmp(dia[c], dia[0]);
		ses_differ |= c && strcmp(ses[c], ses[0]);
	}
	struct list l = { .n = 0 };
	char buf[160];
	snprintf(buf, sizeof(buf), "%zu", s->nconns);
	if (picked)
		snprintf(buf, sizeof(buf), "%zu (profile of #%zu: the first to log on)",
			 s->nconns, picked + 1);
	list_add(&l, buf);
	for (size_t c = 0; c < n && (dia_differ || ses_differ); c++) {
		snprintf(buf, sizeof(buf), "#%zu %s%s%s", c + 1, dia_differ ? dia[c] : "",
			 dia_differ && ses_differ ? " " : "", ses_differ ? ses[c] : "");
		list_add(&l, buf);
	}
	set(p, R_CONNECTIONS, l.buf);
}

static void profile_side(struct prof *p)
{
	const struct opset *s = p->s;
	size_t c = pick_conn(s);
	if (c == SIZE_MAX)
		return;
	if (s->nconns > 1)
		connections_row(p, c);
	else
		set(p, R_CONNECTIONS, "1");
	profile_conn(p, &s->conns[c]);
	trace_setups_trees(p);
	trace_facts(p);
	arena_reset(&p->scratch);
}

void profile_pass(struct findings *F)
{
	struct prof *p[2] = { NULL, NULL };
	for (int side = 0; side < F->nsides && side < 2; side++) {
		p[side] = calloc(1, sizeof(*p[side]));
		if (!p[side])
			abort();
		p[side]->F = F;
		p[side]->s = F->s[side];
		arena_init(&p[side]->scratch);
		if (p[side]->s)
			profile_side(p[side]);
	}
	for (int r = 0; r < R_NROWS; r++) {
		const char *a = p[0] ? p[0]->v[r] : NULL;
		const char *b = p[1] ? p[1]->v[r] : NULL;
		if (a || b)
			findings_prow(F, row_names[r], a, b);
	}
	for (int side = 0; side < 2; side++)
		if (p[side]) {
			arena_free(&p[side]->scratch);
			free(p[side]);
		}
}

const char *profile_get(const struct findings *F, const char *row_name, int side)
{
	if (side < 0 || side > 1)
		return NULL;
	for (size_t i = 0; i < F->nprof; i++)
		if (!strcmp(F->prof[i].name, row_name))
			return *F->prof[i].v[side] ? F->prof[i].v[side] : NULL;
	return NULL;
}
