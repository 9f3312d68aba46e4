/*
 * ops.h - the operations of a trace, the unit the differ aligns.
 *
 * An operation is a request with its response: SMB2 messages are paired
 * by (TCP stream, MessageId), interim STATUS_PENDING responses folded in;
 * SMB1 by (stream, MID, PID). A request never answered, a response whose
 * request was not captured and an unsolicited message (SMB2 oplock/lease
 * break with MessageId 0xffffffffffffffff, SMB1 oplock break sent by the
 * server) are operations too. Each compound member is its own operation,
 * and so is each link of an SMB1 AndX chain: the first link carries the
 * SMB header, each later link is the operation of its own AndX block, and
 * response link k completes request link k of the same command.
 *
 * A DCE/RPC PDU carried over a named pipe (a tshark graft, auto engine)
 * is part of an operation of its own (proto OP_RPC, rpcops.h): request
 * with response, bind with bind_ack, paired by call id on the pipe, keyed
 * by interface and opnum, next to the SMB operations that carry it.
 *
 * Only what alignment needs stays in memory: frame indexes, command,
 * status, and a shared record of the alignment keys with the interned
 * names they hash (sub-code, normalised path: struct op_key). Trees are
 * rebuilt on demand with ops_trees() into an arena the caller resets, so
 * memory does not grow with the size of the trees.
 */
#ifndef SMBCMP_OPS_H
#define SMBCMP_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdfacts.h"
#include "dissect.h"

enum op_proto { OP_SMB2 = 2, OP_SMB1 = 1, OP_OTHER = 0, OP_RPC = 3 };

enum op_flags {
	OP_UNSOLICITED = 1 << 0, /* sent by the server unasked (break) */
	OP_NO_REQUEST = 1 << 1,  /* response whose request is not in the trace */
	OP_PATH_FROM_ID = 1 << 2, /* path found through the file id */
	OP_ENCRYPTED = 1 << 3,   /* transform header: contents unknown */
	OP_HAS_OFFSET = 1 << 4,  /* offset holds the request's file offset */
};

/* Per-message facts the session profile (findings/profile.c) counts and
 * the state checks (findings/check.c) test. */
enum op_facts {
	OPF_REQ_SIGNED = 1 << 0,  /* request: SMB2 Signed flag / SMB1 Flags2
				     security signature */
	OPF_RSP_SIGNED = 1 << 1,  /* final response signed */
	OPF_REQ_SEALED = 1 << 2,  /* request came in a decrypted transform */
	OPF_RSP_SEALED = 1 << 3,  /* final response came in one */
	OPF_COMPOUND = 1 << 4,    /* request is a member of an SMB2 compound */
	OPF_OPENED = 1 << 5,      /* fid is the one a successful open returned */
	OPF_REQ_SIG_BAD = 1 << 6, /* signature checked with keys: bad */
	OPF_RSP_SIG_BAD = 1 << 7,
};

#define OP_NONE UINT32_MAX

/*
 * What an operation is aligned by: its keys and the names they are made
 * of. Interned per opset (ops_key()): the many operations of a trace that
 * do the same thing on the same file share one record, so struct op keeps
 * one pointer instead of three keys and three names.
 */
struct op_key {
	uint64_t hash[3];       /* alignment keys, most to least specific */
	const char *sub;        /* every sub-code as shown ("0x01/0x12",
				   "260/pattern" for a search), or NULL;
				   RPC: the interface ("srvsvc") */
	const char *name;       /* RPC: "srvsvc NetShareEnumAll"; else NULL */
	const char *path;       /* normalised "share\\dir\\file", or NULL */
	uint32_t code[2];       /* the request's first numeric sub-codes, in
				   tree order: SMB1 TRANS2 subcommand or
				   NT_TRANSACT function, then its level of
				   interest; SMB2 QUERY/SET_INFO InfoType and
				   class, IOCTL CtlCode, QUERY_DIRECTORY class
				   (cmdfacts.def reads them; hash[2] is of them) */
	uint8_t ncode;          /* numeric sub-codes in code[] */
};

struct op {
	uint32_t req_frame;     /* frame index of the request, OP_NONE if none */
	uint32_t rsp_frame;     /* frame index of the final response, or OP_NONE */
	uint32_t interim_frame; /* first interim response, or OP_NONE */
	uint32_t stream;
	uint32_t status;        /* final NT status (0 when unknown) */
	uint16_t cmd;           /* SMB2 or SMB1 command code; RPC: opnum */
	uint16_t req_member;    /* ordinal of the smb/smb2 node in its frame
				   (RPC: of the dcerpc node) */
	uint16_t rsp_member;
	uint16_t ninterim;      /* interim responses folded in */
	uint8_t req_link;       /* SMB1 AndX link of the request (0: first) */
	uint8_t rsp_link;       /* and of the response */
	uint8_t proto;          /* enum op_proto */
	uint8_t flags;          /* enum op_flags */
	uint16_t credits_req;   /* SMB2 CreditRequest of the request */
	uint16_t granted;       /* SMB2 credits granted by all its responses
				   (interim and final; saturates) */
	uint32_t msg_id;        /* SMB2 MessageId (UINT32_MAX when over 32 bits
				   or none) or SMB1 MID; of the request, else
				   of the response */
	uint32_t ses;           /* SessionId folded to 32 bits (SMB1: UID) */
	uint16_t charge;        /* SMB2 CreditCharge of the request */
	uint8_t facts;          /* enum op_facts */
	const struct op_key *key; /* alignment keys, the names and sub-codes
				   they hash, shared by the operations that
				   have the same (never NULL) */
	const char *fid;        /* file id the request names (its show,
				   interned), or for an open (OPF_OPENED) the
				   one its response returned; NULL if none */
	uint64_t offset;        /* READ/WRITE: the request's file offset
				   (OP_HAS_OFFSET), for alignment (diff.c) */
};

struct op_conn {
	uint32_t stream;
	uint32_t *ops;          /* indexes into opset.ops, in order (in
				   opset.conn_ops) */
	size_t n;
};

struct opset {
	struct trace *t;
	struct op *ops;
	size_t n, cap;
	struct op_conn *conns;  /* in order of first operation */
	size_t nconns, capconns;
	uint32_t *conn_ops;     /* every connection's ops, one block */
	struct arena a;         /* interned strings */
	uint8_t *nmem;          /* per frame: its smb/smb2 messages (members),
				   0 when none or over 254, for ops_summaries */
};

/* Builds the operations of t (dissects every frame once, except plain
 * SMB2 frames, read at header level: opsfast.c). */
void ops_build(struct opset *s, struct trace *t);

/*
 * What ops_build() reads of a tree tshark gives (grafted at the top level
 * of a frame, src/tshark/graft.c): whether it reads the node named name
 * (namelen bytes, not NUL-terminated) at depth (1: a child of the root)
 * under a root named root, in a walk of the root's subtree in pre-order
 * (read_pdu, bind_contexts: dcerpc) or among the root's children
 * (pipe_fid: smb_pipe; layer_opname: an interface layer). A facts-mode
 * dissection (trace_dissect_frame_facts) may then give a grafted root the
 * nodes it reads only, as its children in the same order, when the tree is
 * smaller than the walks' budget (OPS_GRAFT_WALK nodes).
 */
#define OPS_GRAFT_WALK 4096
bool ops_graft_reads(const char *root, const char *name, size_t namelen, unsigned depth);
void ops_free(struct opset *s);

/*
 * Dissects op o's request and response again into arena a. *req and *rsp
 * get the smb/smb2 protocol nodes (NULL when absent); *req_sum and *rsp_sum,
 * when not NULL, the Info summary of that member ("" when absent). For an
 * SMB1 AndX chain the smb node is the view of the op's link: the SMB header
 * and that link's block only (the first link also keeps what follows the
 * blocks, such as a malformed-chain note), and the summary is the link's.
 * values: trees for a comparison of values only (integer fields labelled
 * by their shows; trace_dissect_frame_values), much cheaper to build.
 */
void ops_trees(const struct opset *s, const struct op *o, struct arena *a,
	       struct node **req, struct node **rsp, const char **req_sum,
	       const char **rsp_sum, bool values);

/* One tree of ops_trees(): the request's (rsp false) or the response's,
 * the other frame left undissected. */
struct node *ops_tree(const struct opset *s, const struct op *o, struct arena *a,
		      bool rsp, bool values);

/*
 * The summaries ops_trees() gives, without the trees when it can: for an
 * SMB2 operation the member's part of the frame's Info line from a
 * summary-only dissection (trace_summary), several times cheaper.
 */
void ops_summaries(const struct opset *s, const struct op *o, struct arena *a,
		   const char **req_sum, const char **rsp_sum);

/* True when o opens a file (SMB2 CREATE, SMB1 NT Create AndX, Open AndX,
 * core Open/Create...): its response's file id names o->path. */
bool op_opens(const struct op *o);
/* The command facts of o (cmdfacts.h); RPC operations get the unknown row. */
struct cmd_facts op_facts(const struct op *o);
/* Command name ("Create", "NT Create AndX", "srvsvc NetShareEnumAll"),
 * never NULL. */
const char *op_cmd_name(const struct op *o);
/* The alignment key as text ("Create ipc$\\srvsvc"), in arena a. */
const char *op_key_text(struct arena *a, const struct op *o);
/* opname.c: the subcommand of o by name ("FSCTL_DFS_GET_REFERRALS",
 * "FileAllInformation", "SMB2_FIND_ID_BOTH_DIRECTORY_INFO *"), in arena a,
 * or NULL when o has none or its number has no name. */
const char *op_sub_name(struct arena *a, const struct op *o);
/* op_key_text() with the subcommand by name where it has one ("SetInfo
 * FileDispositionInformation" for "SetInfo 0x01/0x0d"): titles. */
const char *op_title(struct arena *a, const struct op *o);
/* Frame number (1-based, as in the file) of a frame index, 0 for OP_NONE. */
uint32_t ops_frame_num(const struct opset *s, uint32_t frame);

/* op->cmd of a bind-like RPC operation: RPC_BIND_CMD | packet type;
 * RPC_BIND that of a bind (packet type 11). */
#define RPC_BIND_CMD 0xff00u
#define RPC_BIND (RPC_BIND_CMD | 11u)
/* An RPC operation's name without its interface ("NetShareEnumAll",
 * "Bind"; rpcops.c). */
const char *rpc_operation(const struct op *o);
/* The Info column of a frame whose tree (root, with tshark's grafted
 * layers) carries DCE/RPC PDUs, as tshark words it: "OpenHKU request",
 * "Bind_ack: call_id: 2", several joined by ", "; in arena a. NULL when
 * the tree has no dcerpc node (no graft: the native summary stands). */
const char *rpc_frame_info(struct arena *a, const struct node *root);

/* Internal to ops.c and rpcops.c: a new operation (ids OP_NONE) in
 * stream; str interned in s's arena through the map strs. */
uint32_t ops_new_op(struct opset *s, uint32_t stream);
struct hmap;
const char *ops_intern(struct opset *s, struct hmap *strs, const char *str);
/* The key record equal to k (its strings interned), in s's arena through
 * the map keys; a new operation's is op_key_none (no names, hashes 0). */
const struct op_key *ops_key(struct opset *s, struct hmap *keys, const struct op_key *k);
extern const struct op_key op_key_none;

#endif
