/*
 * gssapi.c - entry point for security blobs (SMB1 SESSION_SETUP_ANDX and
 * NEGOTIATE, SMB2 NEGOTIATE and SESSION_SETUP): GSS-API tokens (RFC 2743
 * 3.1) carrying SPNEGO (RFC 4178, MS-SPNG), and raw NTLMSSP (MS-NLMP).
 *
 *   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *       thisMech MechType, innerContextToken ANY DEFINED BY thisMech }
 *
 * As in Wireshark: a blob starting with "NTLMSSP" is handed to NTLMSSP
 * directly (no gss-api layer, packet-smb2.c dissect_smb2_secblob and the
 * SMB1 raw-NTLMSSP case); anything else gets a gss-api node, with
 * gss-api.OID and the SPNEGO token for an InitialContextToken, or a
 * SPNEGO token alone for a subsequent context token ([0]/[1]), where
 * Wireshark uses the mechanism remembered for the conversation.
 */
#include <string.h>

#include "asn1.h"
#include "auth.h"

static void initial_token(struct dctx *d, struct node *g, struct cur *c)
{
	struct asn1_tlv app, oid;

	if (asn1_read_hdr(c, &app) < 0 || asn1_read(c, &oid) < 0 ||
	    !asn1_is(&oid, ASN1_UNIVERSAL, ASN1_TAG_OID)) {
		t_malformed(&d->t, g, cur_pos(c), "bad GSS-API InitialContextToken");
		return;
	}
	const char *mech = gss_add_oid(d, g, F_GSS_API_OID, c, oid.off, oid.len);
	if (!mech)
		return;
	/* The inner token runs to the end of the blob (Wireshark ignores
	 * the outer length too). */
	struct cur inner = cur_sub(c, c->off, cur_left(c));
	if (!strcmp(mech, "1.3.6.1.5.5.2"))
		spnego_dissect(d, g, &inner);
	else if (!strcmp(mech, "1.3.6.1.4.1.311.2.2.10"))
		ntlmssp_dissect(d, g, &inner);
	cur_skip(c, cur_left(c));
}

void gssapi_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	const uint8_t *p = cur_peek(c, 1);
	const uint8_t *sig = cur_peek(c, 7);

	if (!p || d->depth >= AUTH_MAX_DEPTH) {
		cur_skip(c, cur_left(c));
		return;
	}
	d->depth++;
	if (sig && !memcmp(sig, "NTLMSSP", 7)) {
		ntlmssp_dissect(d, parent, c);
	} else {
		struct node *g = t_proto(&d->t, parent, F_GSS_API, cur_pos(c),
					 (uint32_t)cur_left(c));
		if (p[0] == 0x60)
			initial_token(d, g, c);
		else if (p[0] == 0xa0 || p[0] == 0xa1)
			spnego_dissect(d, g, c);
	}
	cur_skip(c, cur_left(c));
	d->depth--;
}
