/*
 * smb2facts.h - the facts of a frame's SMB2 messages read from the header
 * and a few fixed body fields, without building the frame's tree: what
 * src/ops/ops.c keys, pairs and names operations by.
 *
 * The answer is the one ops.c reads from trace_dissect_frame_facts(),
 * field for field, for the frames it covers: plain (not encrypted, not
 * compressed) SMB2 over NBSS, of the commands whose bodies it knows, with
 * no tshark graft on the frame. For any other frame it says so and the
 * caller dissects the frame. tests/cli_opsfast.sh checks both ways agree
 * on every capture (SMBCMP_OPS_VERIFY=1).
 */
#ifndef SMBCMP_SMB2FACTS_H
#define SMBCMP_SMB2FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect.h"

/* One SMB2 message (compound member) of a frame. */
struct smb2_fact {
	uint16_t cmd;
	uint16_t credits;       /* CreditRequest (requests) */
	uint16_t granted;       /* CreditResponse (responses) */
	uint16_t charge;        /* CreditCharge */
	uint32_t status;        /* NT status (responses; 0 for requests) */
	uint32_t chain_offset;  /* NextCommand */
	uint64_t msg_id, sesid, tid;
	uint64_t offset;        /* READ/WRITE file offset (has_offset) */
	bool response, async, is_signed, sig_bad, has_offset;
	const char *fid;        /* smb2.fid's show, or NULL */
	const char *name;       /* CREATE request: smb2.filename's show */
	const char *tree;       /* TREE_CONNECT request: smb2.tree's show */
	const struct node *sub[2]; /* the sub-code items (smb2.ioctl.function,
				      smb2.class and its level, find level
				      and pattern) in tree order */
	uint8_t nsub;
};

#define SMB2_FACTS_MAX 64

/*
 * The facts of frame i's messages into out[0..n), strings and items in
 * arena a; returns n (0: no SMB2 message), or -1 when the frame needs
 * trace_dissect_frame_facts(): it holds something else than plain SMB2
 * messages of the commands this reader knows, more than max of them, a
 * tshark graft, or it may be cut by max_nodes.
 */
int trace_smb2_facts(struct trace *t, struct arena *a, size_t i, struct smb2_fact *out,
		     size_t max);

#endif
