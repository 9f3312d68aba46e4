/*
 * spnego.c - SPNEGO NegotiationToken, RFC 4178 4.2 and MS-SPNG 2.2.1, and
 * the mechanism tokens it carries.
 *
 *   NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit,
 *                                 negTokenTarg [1] NegTokenResp }
 *   NegTokenInit  ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1]
 *                     ContextFlags, mechToken [2] OCTET STRING,
 *                     mechListMIC [3] OCTET STRING }
 *   NegTokenInit2 ::= the same with negHints [3] SEQUENCE { hintName [0]
 *                     GeneralString, hintAddress [1] OCTET STRING } and
 *                     mechListMIC [4] (MS-SPNG 2.2.1, server to client)
 *   NegTokenResp  ::= SEQUENCE { negState [0] ENUMERATED, supportedMech
 *                     [1] MechType, responseToken [2] OCTET STRING,
 *                     mechListMIC [3] OCTET STRING }
 *
 * Field names and positions follow Wireshark's BER dissector: SEQUENCE
 * elements cover their tag and length, SEQUENCE OF counts and primitive
 * values cover the contents only. Tokens are recognised by content
 * (NTLMSSP message or verifier, Kerberos RFC 1964 token); Kerberos itself
 * stays bytes.
 */
#include "auth.h"

#include <string.h>

#include "asn1.h"
#include "wirestr.h"

static const struct {
	const char *oid, *name;
} oid_names[] = {
	{ "1.3.6.1.5.5.2", "SPNEGO - Simple Protected Negotiation" },
	{ "1.3.6.1.4.1.311.2.2.10", "NTLMSSP - Microsoft NTLM Security Support Provider" },
	{ "1.3.6.1.4.1.311.2.2.30", "NEGOEX - SPNEGO Extended Negotiation Security Mechanism" },
	{ "1.2.840.48018.1.2.2", "MS KRB5 - Microsoft Kerberos 5" },
	{ "1.2.840.113554.1.2.2", "KRB5 - Kerberos 5" },
	{ "1.2.840.113554.1.2.2.3", "KRB5 - Kerberos 5 - User to User" },
	{ "1.3.6.1.5.2.5", "KRB5 - IAKERB" },
};

const char *gss_oid_name(const char *dotted)
{
	for (size_t i = 0; i < sizeof(oid_names) / sizeof(oid_names[0]); i++)
		if (!strcmp(oid_names[i].oid, dotted))
			return oid_names[i].name;
	return NULL;
}

struct node *auth_none(struct tctx *t, struct node *parent, int fid,
		       uint32_t pos, uint32_t size, const char *label)
{
	if (t->dry)
		return t_text(t, parent, pos, size, "%s", "");
	struct node *n = tree_add(t, parent, field_name(fid), label, "", pos, size);

	n->field = (uint16_t)fid;
	return n;
}

const char *gss_add_oid(struct dctx *d, struct node *parent, int fid,
			const struct cur *c, size_t off, size_t len)
{
	char oid[160];
	uint32_t pos = c->pos0 + (uint32_t)off;

	if (asn1_oid_str(c->buf + off, len, oid, sizeof(oid)) < 0) {
		t_malformed(&d->t, parent, pos, "bad OBJECT IDENTIFIER");
		return NULL;
	}
	const char *name = gss_oid_name(oid);
	if (!d->t.dry)
		t_custom(&d->t, parent, fid, pos, (uint32_t)len, oid,
			 name ? arena_printf(d->t.a, "%s (%s)", oid, name) : NULL);
	return arena_strdup(d->t.a, oid);
}

static uint32_t tlv_pos(const struct cur *c, const struct asn1_tlv *t)
{
	return c->pos0 + (uint32_t)t->off;
}

/* Kerberos token as SPNEGO shows it (RFC 1964 1.1: [APPLICATION 0] {
 * krb5 OID, TOK_ID (2), message }); the Kerberos message stays bytes. */
static bool krb5_token(struct dctx *d, struct node *parent, struct cur *c)
{
	struct cur r = *c;
	struct asn1_tlv app, oid;

	if (asn1_read_hdr(&r, &app) < 0 || !asn1_is(&app, ASN1_APPLICATION, 0) ||
	    asn1_read(&r, &oid) < 0 || !asn1_is(&oid, ASN1_UNIVERSAL, ASN1_TAG_OID))
		return false;
	char s[160];
	if (asn1_oid_str(r.buf + oid.off, oid.len, s, sizeof(s)) < 0 ||
	    (strcmp(s, "1.2.840.113554.1.2.2") && strcmp(s, "1.2.840.48018.1.2.2")))
		return false;
	struct node *b = r_bytes(&d->t, parent, F_SPNEGO_KRB5_BLOB, c, cur_left(c));
	gss_add_oid(d, b, F_SPNEGO_KRB5_OID, &r, oid.off, oid.len);
	r_uint(&d->t, b, F_SPNEGO_KRB5_TOK_ID, &r, 2);
	return true;
}

void gss_mech_token(struct dctx *d, struct node *parent, struct cur *c)
{
	const uint8_t *p = cur_peek(c, 1);

	if (!p || d->depth >= AUTH_MAX_DEPTH)
		return;
	d->depth++;
	const uint8_t *sig = cur_peek(c, 7);
	if ((sig && !memcmp(sig, "NTLMSSP", 7)) || (cur_left(c) == 16 && p[0] == 0x01))
		ntlmssp_dissect(d, parent, c);
	else if (p[0] == 0x60)
		krb5_token(d, parent, c);
	d->depth--;
}

/* An OCTET STRING value: the bytes field, then the token it carries. */
static void octets(struct dctx *d, struct node *parent, int fid, const struct cur *c,
		   const struct asn1_tlv *v, bool token)
{
	struct cur in = asn1_contents(c, v);

	t_bytes(&d->t, parent, fid, tlv_pos(c, v), c->buf + v->off, (uint32_t)v->len);
	if (token)
		gss_mech_token(d, parent, &in);
}

/* MechTypeList ::= SEQUENCE OF MechType */
static void mech_types(struct dctx *d, struct node *parent, const struct cur *c,
		       const struct asn1_tlv *seq)
{
	struct cur in = asn1_contents(c, seq);
	struct asn1_tlv t;
	uint32_t n = 0;

	while (cur_left(&in) > 0 && asn1_read(&in, &t) == 0)
		n++;
	struct node *m = t_uint(&d->t, parent, F_SPNEGO_MECHTYPES, tlv_pos(c, seq),
				(uint32_t)seq->len, n);
	m->label = arena_printf(d->t.a, "mechTypes: %u item%s", n, n == 1 ? "" : "s");
	in = asn1_contents(c, seq);
	for (uint32_t i = 0; i < n && asn1_read(&in, &t) == 0; i++) {
		if (asn1_is(&t, ASN1_UNIVERSAL, ASN1_TAG_OID))
			gss_add_oid(d, m, F_SPNEGO_MECHTYPE, &in, t.off, t.len);
	}
	if (in.err)
		t_malformed(&d->t, m, c->pos0 + (uint32_t)in.off, "bad MechType");
}

/* ContextFlags ::= BIT STRING (RFC 4178 4.2.1) */
static void req_flags(struct dctx *d, struct node *parent, const struct cur *c,
		      const struct asn1_tlv *v)
{
	static const int bits[] = {
		F_SPNEGO_CONTEXTFLAGS_DELEGFLAG, F_SPNEGO_CONTEXTFLAGS_MUTUALFLAG,
		F_SPNEGO_CONTEXTFLAGS_REPLAYFLAG, F_SPNEGO_CONTEXTFLAGS_SEQUENCEFLAG,
		F_SPNEGO_CONTEXTFLAGS_ANONFLAG, F_SPNEGO_CONTEXTFLAGS_CONFFLAG,
		F_SPNEGO_CONTEXTFLAGS_INTEGFLAG, F_INVALID
	};
	if (v->len < 1)
		return;
	const uint8_t *p = c->buf + v->off;
	struct node *f = t_bytes(&d->t, parent, F_SPNEGO_REQFLAGS, tlv_pos(c, v) + 1,
				 p + 1, (uint32_t)(v->len - 1));
	if (v->len >= 2)
		t_bitmask_subs(&d->t, f, tlv_pos(c, v) + 1, 1, p[1], bits);
}

/* NegHints (MS-SPNG 2.2.1) */
static void neg_hints(struct dctx *d, struct node *parent, const struct cur *c,
		      const struct asn1_tlv *seq)
{
	struct node *h = auth_none(&d->t, parent, F_SPNEGO_NEGHINTS_ELEMENT,
				   c->pos0 + (uint32_t)seq->hdr,
				   (uint32_t)(seq->off + seq->len - seq->hdr), "negHints");
	struct cur in = asn1_contents(c, seq);
	struct asn1_tlv w, v;

	while (cur_left(&in) > 0) {
		if (asn1_read(&in, &w) < 0 || w.cls != ASN1_CONTEXT)
			break;
		struct cur win = asn1_contents(&in, &w);
		if (asn1_read(&win, &v) < 0)
			break;
		if (w.tag == 0)
			t_string(&d->t, h, F_SPNEGO_HINTNAME, tlv_pos(&win, &v), (uint32_t)v.len,
				 str_ascii(d->t.a, win.buf + v.off, v.len));
		else if (w.tag == 1)
			octets(d, h, F_SPNEGO_HINTADDRESS, &win, &v, false);
	}
	if (in.err)
		t_malformed(&d->t, h, c->pos0 + (uint32_t)in.off, "bad negHints");
}

/* Big-endian INTEGER / ENUMERATED contents (up to 8 bytes). */
static uint64_t ber_uint(const struct cur *c, const struct asn1_tlv *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < v->len && i < 8; i++)
		x = x << 8 | c->buf[v->off + i];
	return x;
}

/* The SEQUENCE of a negTokenInit(2) or negTokenTarg. */
static void neg_token(struct dctx *d, struct node *parent, struct cur *c, bool targ,
		      bool init2)
{
	struct asn1_tlv seq, w, v;

	if (asn1_read(c, &seq) < 0 || !asn1_is(&seq, ASN1_UNIVERSAL, ASN1_TAG_SEQUENCE)) {
		t_malformed(&d->t, parent, cur_pos(c), "SPNEGO token is not a SEQUENCE");
		return;
	}
	int fid = targ ? F_SPNEGO_NEGTOKENTARG_ELEMENT : F_SPNEGO_NEGTOKENINIT_ELEMENT;
	struct node *e = auth_none(&d->t, parent, fid, c->pos0 + (uint32_t)seq.hdr,
				   (uint32_t)(seq.off + seq.len - seq.hdr),
				   targ ? "negTokenTarg" : "negTokenInit");
	struct cur in = asn1_contents(c, &seq);

	while (cur_left(&in) > 0) {
		if (asn1_read(&in, &w) < 0 || w.cls != ASN1_CONTEXT || !w.constructed)
			break;
		struct cur win = asn1_contents(&in, &w);
		if (asn1_read(&win, &v) < 0)
			break;
		if (targ) {
			switch (w.tag) {
			case 0:
				t_uint(&d->t, e, F_SPNEGO_NEGRESULT, tlv_pos(&win, &v),
				       (uint32_t)v.len, ber_uint(&win, &v));
				break;
			case 1:
				gss_add_oid(d, e, F_SPNEGO_SUPPORTEDMECH, &win, v.off, v.len);
				break;
			case 2:
				octets(d, e, F_SPNEGO_RESPONSETOKEN, &win, &v, true);
				break;
			case 3:
				octets(d, e, F_SPNEGO_MECHLISTMIC, &win, &v, true);
				break;
			default:
				break;
			}
			continue;
		}
		switch (w.tag) {
		case 0:
			mech_types(d, e, &win, &v);
			break;
		case 1:
			req_flags(d, e, &win, &v);
			break;
		case 2:
			octets(d, e, F_SPNEGO_MECHTOKEN, &win, &v, true);
			break;
		case 3:
			if (init2)
				neg_hints(d, e, &win, &v);
			else
				octets(d, e, F_SPNEGO_MECHLISTMIC, &win, &v, true);
			break;
		case 4:
			if (init2)
				octets(d, e, F_SPNEGO_MECHLISTMIC, &win, &v, true);
			break;
		default:
			break;
		}
	}
	if (in.err)
		t_malformed(&d->t, e, c->pos0 + (uint32_t)in.off, "SPNEGO element cut short");
}

void spnego_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	struct node *sp = t_proto(t, parent, F_SPNEGO, cur_pos(c), (uint32_t)cur_left(c));
	struct asn1_tlv ch;

	if (asn1_read(c, &ch) < 0 || ch.cls != ASN1_CONTEXT || ch.tag > 1) {
		t_malformed(t, sp, cur_pos(c), "not a SPNEGO NegotiationToken");
		return;
	}
	struct cur in = asn1_contents(c, &ch);
	/* MS-SPNG 2.2.1: a negTokenInit sent by the server is a NegTokenInit2
	 * (Wireshark: source port below 1024). */
	bool init2 = d->pdu && !d->pdu->to_server;
	neg_token(d, sp, &in, ch.tag == 1, init2);
}
