/*
 * secdesc.h - NT security descriptor (MS-DTYP 2.4.6 SECURITY_DESCRIPTOR,
 * self-relative form) with its SIDs (2.4.2), ACLs (2.4.5) and ACEs (2.4.4),
 * shown as Wireshark's "nt." fields. Used by SMB2 CREATE's SecD context
 * and QUERY_INFO/SET_INFO security information, and SMB1 NT transacts.
 */
#ifndef SMBCMP_SECDESC_H
#define SMBCMP_SECDESC_H

#include "dctx.h"

/*
 * Adds an "NT Security Descriptor" item under parent for the descriptor
 * filling c's window (offsets inside it are relative to its start) and
 * consumes the window. Malformed or out-of-range parts become [Malformed]
 * items; never reads outside the window.
 */
void secdesc_dissect(struct dctx *d, struct node *parent, struct cur *c);

/* One SID at c->off as nt.sid labelled "<what>: S-1-..."; advances c. */
void secdesc_sid(struct dctx *d, struct node *parent, struct cur *c,
		 const char *what);

#endif
