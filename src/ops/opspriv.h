/*
 * opspriv.h - what ops.c and optrees.c share, internal to ops/.
 */
#ifndef SMBCMP_OPSPRIV_H
#define SMBCMP_OPSPRIV_H

#include <stddef.h>

#include "tree.h"

#define MAX_LINKS 64 /* AndX links of one SMB1 message */

/* The message nodes of a frame tree in order (smb/smb2 members; the
 * plaintext messages of a decrypted transform stand for it). */
struct node *first_member(struct node *root);
struct node *next_member(struct node *root, struct node *m);
/* The AndX blocks of an SMB1 message node, in order; returns their count. */
size_t andx_links(const struct node *smb, const struct node **out, size_t max);

#endif
