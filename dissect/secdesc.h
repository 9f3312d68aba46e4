/*
 * secdesc.h - Windows security descriptors (MS-DTYP 2.4.6 SECURITY_DESCRIPTOR,
 * 2.4.5 ACL, 2.4.4 ACE, 2.4.2 SID) with Wireshark's nt.* fields.
 *
 * Used by SMB2 QUERY_INFO/SET_INFO (security class), CREATE's SecD context
 * and SMB1 NT_TRANSACT security calls.
 */
#ifndef SMBCMP_SECDESC_H
#define SMBCMP_SECDESC_H

#include "dctx.h"

/* Self-relative security descriptor; c's window is the whole descriptor
 * (offsets inside are relative to its start). Adds the "NT Security
 * Descriptor" subtree under parent; malformed parts get a [Malformed]
 * item, never a crash. */
void secdesc_dissect(struct dctx *d, struct node *parent, struct cur *c);

/* How ACE access masks name their specific rights: nt.access_mask.specific_N
 * (SMB2), or SMB1's smb.file.accessmask.* / smb.dir.accessmask.*, which
 * Wireshark uses when it knows the FID is a file or a directory. */
enum secdesc_rights { SD_RIGHTS_NT, SD_RIGHTS_FILE, SD_RIGHTS_DIR };
void secdesc_dissect_rights(struct dctx *d, struct node *parent, struct cur *c,
			    enum secdesc_rights rights);

/* One SID at c->off (advances past it); adds nt.sid labelled
 * "<label>: S-1-..." with its parts. Returns the SID string ("" when cut
 * short). */
const char *secdesc_sid(struct dctx *d, struct node *parent, struct cur *c,
			const char *label);

#endif
