/*
 * auth.h - internals shared by the security-blob dissectors:
 * gssapi.c (GSS-API InitialContextToken, RFC 2743 3.1, and the entry
 * point), spnego.c (RFC 4178 / MS-SPNG NegotiationToken, shallow
 * Kerberos tokens) and ntlmssp.c (MS-NLMP messages and verifier).
 *
 * Every function adds nodes under parent for the bytes of c's window and
 * never reads outside it; malformed input ends with a t_malformed() node.
 */
#ifndef SMBCMP_AUTH_H
#define SMBCMP_AUTH_H

#include "dctx.h"

/* Nesting limit for blob dissectors calling each other (SPNEGO in GSS-API
 * in ...); d->depth counts the levels. */
#define AUTH_MAX_DEPTH 8

/* An NTLMSSP message (c's window starts at "NTLMSSP\0"): adds the ntlmssp
 * protocol node and appends ", NTLMSSP_<TYPE>" (and ", User: D\U") to the
 * Info summary. A 16-byte window starting with 0x01 is a verifier. */
void ntlmssp_dissect(struct dctx *d, struct node *parent, struct cur *c);

/* SPNEGO NegotiationToken ([0] negTokenInit / [1] negTokenTarg): adds the
 * spnego protocol node. */
void spnego_dissect(struct dctx *d, struct node *parent, struct cur *c);

/* A mechanism token or MIC from SPNEGO, recognised by content: NTLMSSP
 * message, NTLMSSP verifier, Kerberos [APPLICATION 0] token. Others are
 * left as the caller's bytes node. */
void gss_mech_token(struct dctx *d, struct node *parent, struct cur *c);

/* Wireshark's name of a mechanism OID (dotted), or NULL. */
const char *gss_oid_name(const char *dotted);

/* Adds an OID field fid from contents at [off, off+len) of c's buffer,
 * labelled "Label: 1.2.3 (Name)". Returns the dotted string or NULL. */
const char *gss_add_oid(struct dctx *d, struct node *parent, int fid,
			const struct cur *c, size_t off, size_t len);

/* FT_NONE item with an explicit label (show ""). */
struct node *auth_none(struct tctx *t, struct node *parent, int fid,
		       uint32_t pos, uint32_t size, const char *label);

#endif
