/*
 * opspriv.h - what ops.c and optrees.c share, internal to ops/.
 */
#ifndef SMBCMP_OPSPRIV_H
#define SMBCMP_OPSPRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"

#define MAX_LINKS 64 /* AndX links of one SMB1 message */

/* One smb/smb2 message as ops.c reads it (from a tree, or for plain SMB2
 * from the header-level reader: opsfast.c). */
struct msg {
	uint8_t proto, link;
	bool response, async, has_cmd, has_msgid, has_offset;
	bool is_signed, sealed, compound, sig_bad; /* see enum op_facts */
	uint16_t cmd, credits, charge, granted;
	uint32_t chain_offset;
	uint8_t dos_class;        /* SMB1 DOS error class, 0 when none */
	uint16_t dos_code;
	uint32_t status;
	uint64_t msg_id, sesid, tid, pid, offset;
	const char *fid, *name, *tree, *path1;
	char sub[160];
	size_t sublen;
	uint32_t code[2]; /* numeric sub-codes (struct op) */
	uint8_t ncode;
};

struct trace;
struct arena;
struct hmap;
struct op;
/* opsfast.c: the messages of frame i read by the header-level reader
 * (dissect/smb2facts.h) into m[0..n), n returned; -1 when the frame must be
 * dissected: not covered, or a response whose request pending (the
 * operations waiting for a response, by pend_key) does not hold (its
 * sub-codes come from the request). With verify, the frame is dissected
 * too and the two readings compared (abort on a difference); verify 2
 * misreads the CreditCharge of QUERY_DIRECTORY first (the check's test). */
int ops_fast_msgs(struct trace *t, struct arena *a, size_t i, const struct hmap *pending,
		  const struct op *ops, struct msg *m, size_t max, const uint8_t *kinds,
		  int verify);
/* ops.c: a sub-code item into m (its value as a code, its show appended
 * to m->sub). */
void ops_add_sub(struct msg *m, const struct node *n);
/* ops.c: the key of the operation waiting for the response m. */
uint64_t ops_pend_key(const struct msg *m, uint32_t stream);
/* ops.c: reads the members of a dissected frame as ops_build does
 * (SMB1 links aside) into m[0..n); returns n. */
size_t ops_read_members(const uint8_t *kinds, struct node *root, struct msg *m, size_t max);

/* The message nodes of a frame tree in order (smb/smb2 members; the
 * plaintext messages of a decrypted transform stand for it). */
struct node *first_member(struct node *root);
struct node *next_member(struct node *root, struct node *m);
/* The AndX blocks of an SMB1 message node, in order; returns their count. */
size_t andx_links(const struct node *smb, const struct node **out, size_t max);

#endif
