/*
 * rpcops.h - DCE/RPC calls over SMB named pipes as operations of the diff.
 *
 * With the auto engine, tshark's dcerpc layer and the interface layer that
 * decodes its stub (srvsvc, samr, lsarpc...) are grafted after the SMB
 * message that carries them (graft.h). Each such dcerpc PDU becomes part of
 * an operation of its own (proto OP_RPC), next to the SMB operations that
 * carry it, so two clients' RPC calls are aligned by interface and opnum
 * and compared field by field like SMB operations. Design at the top of
 * rpcops.c. Internal to ops/ (ops.c and rpcops.c): what the other stages
 * read of an RPC operation is in ops.h (RPC_BIND_CMD, rpc_operation).
 */
#ifndef SMBCMP_RPCOPS_H
#define SMBCMP_RPCOPS_H

#include "ops.h"

/* The SMB message a dcerpc PDU follows, as ops.c knows it. */
struct rpc_carrier {
	const struct node *msg; /* top-level node of the message: its smb/smb2
				   node, or the transform a decrypted one came from */
	const char *fid;        /* pipe's file id, interned, or NULL */
	const char *path;       /* pipe path ("ipc$\srvsvc"), interned, or NULL */
};

struct rpc_builder;

/* ops_graft_reads() for a dcerpc root or an interface layer. */
bool rpc_graft_reads(const char *root, const char *name, size_t namelen, unsigned depth);

struct rpc_builder *rpc_builder_new(struct opset *s);
void rpc_builder_free(struct rpc_builder *rb);

/*
 * Adds the operations of the dcerpc PDUs at the top level of frame root
 * (frame index frame). car[0..ncar) are the frame's SMB messages in order.
 */
void rpc_frame(struct rpc_builder *rb, struct node *root, uint32_t frame,
	       const struct frame_rec *fr, const struct rpc_carrier *car, size_t ncar);

/*
 * The ordinal-th dcerpc PDU of a frame tree, with the interface layer
 * that follows it moved under it as its last child (so one node holds
 * the whole PDU); NULL if absent. *sum, when not NULL, gets a summary
 * ("srvsvc NetShareEnumAll request") in arena a.
 */
struct node *rpc_pdu_view(struct arena *a, const struct op *o, struct node *root,
			  uint16_t ordinal, const char **sum);

#endif
