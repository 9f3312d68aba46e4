/*
 * gssapi.c - entry point for security blobs (GSS-API / SPNEGO / NTLMSSP)
 * carried by SMB1 and SMB2 session setups.
 *
 * Placeholder until the SPNEGO/NTLMSSP dissector lands (issue 5): the blob
 * stays a bytes node added by the caller.
 */
#include "dctx.h"

void gssapi_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	(void)d;
	(void)parent;
	cur_skip(c, cur_left(c));
}
