/*
 * smb2.h - SMB2/3 internals shared by the per-command files (smb2_*.c).
 *
 * smb2.c dissects the header (MS-SMB2 2.2.1), walks compound chains
 * (NextCommand), recognises the transform (0xFD, 2.2.41) and compression
 * (0xFC, 2.2.42) headers, and dispatches bodies through smb2_cmds[], one
 * row per command with its StructureSizes and body dissectors. Request and
 * response are paired at index time (smb2_index) so a response can show
 * what it answers.
 */
#ifndef SMBCMP_SMB2_H
#define SMBCMP_SMB2_H

#include "dctx.h"

enum smb2_cmd {
	SMB2_NEGOTIATE, SMB2_SESSION_SETUP, SMB2_LOGOFF, SMB2_TREE_CONNECT,
	SMB2_TREE_DISCONNECT, SMB2_CREATE, SMB2_CLOSE, SMB2_FLUSH, SMB2_READ,
	SMB2_WRITE, SMB2_LOCK, SMB2_IOCTL, SMB2_CANCEL, SMB2_ECHO,
	SMB2_QUERY_DIRECTORY, SMB2_CHANGE_NOTIFY, SMB2_QUERY_INFO,
	SMB2_SET_INFO, SMB2_OPLOCK_BREAK, SMB2_NCMDS
};

#define SMB2_FLAGS_RESPONSE 0x00000001u
#define SMB2_FLAGS_ASYNC 0x00000002u
#define SMB2_FLAGS_RELATED 0x00000004u
#define SMB2_FLAGS_SIGNED 0x00000008u

/* Request facts, found again by the response: while indexing in the
 * request's live record, when dissecting rebuilt from the request's bytes
 * (smb2_pair(); a copy in t->smb2_side for messages of compound,
 * encrypted or compressed PDUs). */
struct smb2_req {
	uint32_t req_frame, rsp_frame; /* their times: trace_frame_by_num() */
	uint16_t cmd;
	/* Filled by command index hooks (smb2_cmds[].index): */
	uint8_t info_type, info_class;
	uint32_t ioctl_code;
	const char *filename;  /* CREATE name; names for file ids */
};

/* An unanswered request while indexing (smb2_reqs.c). */
struct smb2_live {
	struct smb2_req r;
	uint64_t key;          /* smb2_req_key() */
	uint32_t req_pdu;      /* the request's PDU index */
	uint32_t first_pdu;    /* the first request's, when it superseded others */
	uint32_t next_free;    /* pool's free list: record index + 1 */
	bool side;             /* the pair is recorded in the side table */
};

/* A request answered while indexing, kept for a later response of its key
 * (a final response sent twice, an interim one after it): the last
 * SMB2_DONE answers (smb2_reqs.c), so the index keeps no record of every
 * request. */
struct smb2_done {
	uint64_t key;          /* smb2_req_key() */
	uint32_t req_pdu;      /* the request's PDU index */
	uint16_t cmd;
	bool side;             /* its record is in the side table */
	bool used;             /* false: forgotten (a newer request of key) */
};
#define SMB2_DONE 16384u

/* Parsed fixed header of one SMB2 message. */
struct smb2_hdr {
	size_t off;            /* header offset in the cursor's buffer */
	size_t end;            /* end of this message (compound member) */
	uint16_t cmd;
	uint16_t credit_charge;
	uint32_t status;
	uint32_t flags;
	uint32_t next;
	uint64_t msg_id;
	uint64_t async_id;
	uint32_t pid, tid;
	uint64_t sesid;
	bool response, async;
	struct smb2_req *req;  /* paired request, or NULL */
	struct arena *fa;      /* index hooks: the arena for the facts they
				  keep in req (t->a in the index pass, the
				  dissection's when smb2_pair() rebuilds them) */
};

/*
 * Body dissector: c's window is the message (header included); c->off is
 * just after the 64-byte header. Buffer offsets in SMB2 are relative to
 * the header: use cur_seek(c, h->off + offset).
 */
typedef void (*smb2_body_fn)(struct dctx *d, struct node *body, struct cur *c,
			     const struct smb2_hdr *h);
/* Index hook: runs once per message at open time, in capture order;
 * records what the response will need in h->req (arena: t->a). */
typedef void (*smb2_index_fn)(struct trace *t, struct cur *c,
			      const struct smb2_hdr *h);

struct smb2_cmd_desc {
	const char *name;      /* "Create" as in "Create Request" */
	uint16_t req_size, rsp_size; /* StructureSize (MS-SMB2 2.2): a body of
					another size gets a [Malformed] note */
	smb2_body_fn req, rsp;
	smb2_index_fn index;
};

extern const struct smb2_cmd_desc smb2_cmds[SMB2_NCMDS];

/* Message key for the request table. */
uint64_t smb2_req_key(uint32_t stream, uint64_t msg_id);
/* The unanswered requests while indexing (t->smb2_reqs, smb2_reqs.c): the
 * one with this key or NULL (live), a new zeroed record that replaces it
 * (new; pointers hold until the next new), the request answered (taken
 * out: its record is reused by a later new), each one still unanswered. */
struct smb2_live *smb2_reqs_live(struct smb2_reqs *r, uint64_t key);
struct smb2_live *smb2_reqs_new(struct smb2_reqs *r, uint64_t key);
void smb2_reqs_answered(struct smb2_reqs *r, uint64_t key);
/* The answered requests: q remembered as the last answer of its key (done;
 * the oldest of SMB2_DONE answers forgotten), the one of key or NULL
 * (done_get; asked only while no request of key is live: a live one
 * shadows an older answer of its key until its own answer replaces it). */
void smb2_reqs_done(struct smb2_reqs *r, const struct smb2_live *q);
const struct smb2_done *smb2_reqs_done_get(const struct smb2_reqs *r, uint64_t key);
void smb2_reqs_each(struct smb2_reqs *r, void (*fn)(void *ctx, struct smb2_live *q),
		    void *ctx);
size_t smb2_reqs_mem(const struct smb2_reqs *r);
void smb2_reqs_free(struct smb2_reqs *r);
/* The request paired with message h of the PDU d dissects, or NULL: a
 * record of the side table, or out filled (facts in d's arena). */
struct smb2_req *smb2_pair(struct dctx *d, const struct smb2_hdr *h, struct smb2_req *out);
/* Ends the index pass: the unanswered requests of the side table are
 * recorded there, the table freed (smb2.c). */
void smb2_index_finish(struct trace *t);

/* ---- Body dissectors of the command families (smb2_<family>.c) ---- */

/* smb2_negotiate.c: MS-SMB2 2.2.3, 2.2.4 */
void smb2_negotiate_req(struct dctx *d, struct node *body, struct cur *c,
			const struct smb2_hdr *h);
void smb2_negotiate_rsp(struct dctx *d, struct node *body, struct cur *c,
			const struct smb2_hdr *h);
/* smb2_session.c: 2.2.5-2.2.10 */
void smb2_session_setup_req(struct dctx *d, struct node *body, struct cur *c,
			    const struct smb2_hdr *h);
void smb2_session_setup_rsp(struct dctx *d, struct node *body, struct cur *c,
			    const struct smb2_hdr *h);
void smb2_logoff(struct dctx *d, struct node *body, struct cur *c,
		 const struct smb2_hdr *h);
void smb2_tree_connect_req(struct dctx *d, struct node *body, struct cur *c,
			   const struct smb2_hdr *h);
void smb2_tree_connect_rsp(struct dctx *d, struct node *body, struct cur *c,
			   const struct smb2_hdr *h);
void smb2_tree_disconnect(struct dctx *d, struct node *body, struct cur *c,
			  const struct smb2_hdr *h);
/* smb2_create.c: 2.2.13-2.2.18 */
void smb2_create_req(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h);
void smb2_create_rsp(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h);
void smb2_create_index(struct trace *t, struct cur *c, const struct smb2_hdr *h);
void smb2_close_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_close_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_flush_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_flush_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
/* smb2_io.c: 2.2.19-2.2.29, 2.2.23-2.2.25 */
void smb2_read_req(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h);
void smb2_read_rsp(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h);
void smb2_write_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_write_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_lock_req(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h);
void smb2_lock_rsp(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h);
void smb2_echo(struct dctx *d, struct node *body, struct cur *c,
	       const struct smb2_hdr *h);
void smb2_cancel_req(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h);
void smb2_break_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_break_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);

/* smb2_error.c: 2.2.2 ERROR Response. */
/* True when a response with this status carries the error body instead of
 * the command's own (Wireshark's rule: any non-zero status except the ones
 * the command lists as "success with data"). */
bool smb2_is_error_rsp(const struct smb2_hdr *h);
void smb2_error_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);

/* ---- Helpers shared by the body files (smb2_common.c) ---- */

/* An offset/length pair as read from a fixed part. */
struct smb2_olb {
	uint32_t off, len;
	uint32_t off_pos, len_pos;  /* reported positions of the two fields */
	uint8_t off_size, len_size;
};

/* StructureSize as smb2.buffer_code with its length/dynamic bits;
 * returns the value. */
uint16_t smb2_buffer_code(struct dctx *d, struct node *body, struct cur *c);
/* LeaseState and LeaseFlags with their bits (MS-SMB2 2.2.13.2.8, create
 * lease contexts, and 2.2.23.2, lease break notifications). */
void smb2_lease_state(struct dctx *d, struct node *n, struct cur *c);
void smb2_lease_flags(struct dctx *d, struct node *n, struct cur *c);
/* Reads an offset (off_size bytes) then a length (len_size) without
 * adding nodes. */
void smb2_olb_read(struct cur *c, struct smb2_olb *o, unsigned off_size,
		   unsigned len_size);
/* Adds smb2.olb.offset and smb2.olb.length under parent. */
void smb2_olb_nodes(struct dctx *d, struct node *parent,
		    const struct smb2_olb *o);
/* Sub-cursor over the buffer o describes (offset from the header). */
struct cur smb2_olb_cur(const struct cur *c, const struct smb2_hdr *h,
			const struct smb2_olb *o);
/* UTF-16 string at the olb as field fid, with the olb nodes under it;
 * returns the string ("" when empty or out of bounds). */
const char *smb2_olb_string(struct dctx *d, struct node *parent,
			    struct cur *c, const struct smb2_hdr *h,
			    const struct smb2_olb *o, int fid);
/* FileId (2.2.14.1): "GUID handle[ File: name]" with smb2.fid; returns the
 * file name known for it (NULL when unknown). */
const char *smb2_fid(struct dctx *d, struct node *parent, struct cur *c,
		     const struct smb2_hdr *h);
/* FT_NONE field with an empty show value. */
struct node *smb2_none(struct dctx *d, struct node *parent, int fid,
		       uint32_t pos, uint32_t size, const char *label);
uint32_t smb2_file_attributes(struct dctx *d, struct node *parent, struct cur *c);
uint32_t smb2_access_mask(struct dctx *d, struct node *parent, struct cur *c);
uint32_t smb2_sec_mode(struct dctx *d, struct node *parent, struct cur *c);
uint32_t smb2_capabilities(struct dctx *d, struct node *parent, struct cur *c);
/* Adds a "Data (n bytes)" item carrying the payload (data.data, outside
 * Wireshark's smb2 tree, as its data dissector shows it). */
void smb2_payload(struct dctx *d, struct node *parent, struct cur *c, size_t n);

/* Per-trace FileId -> name table, filled at index time by CREATE
 * responses; keyed by (SessionId, FileId), kept in the smb2_msgs map. Each
 * key holds its opens in the order they were remembered (a FileId value
 * is reused by later opens); while their frames do not decrease, a lookup
 * is a binary search, else a scan from the newest. A key opened once
 * holds its struct smb2_fid_open alone (smb2_common.c). */
struct smb2_fid_open {
	const char *name;
	uint32_t open_frame;
};
struct smb2_fid_name {
	struct smb2_fid_open *v;
	uint32_t n, cap;
	bool sorted; /* open_frame non-decreasing along v */
};
uint64_t smb2_fid_key(uint64_t sesid, const uint8_t fid[16]);
void smb2_fid_remember(struct trace *t, uint64_t sesid, const uint8_t fid[16],
		       const char *name, uint32_t frame);
/* Name of the file open under fid at frame (NULL when unknown). */
const char *smb2_fid_lookup(const struct trace *t, uint64_t sesid,
			    const uint8_t fid[16], uint32_t frame);

/* ---- Helpers of part B (smb2_bodyutil.c) ---- */

/* Reads an integer of size bytes, adds fid with its bitfield children
 * (subs, F_INVALID-terminated) without appending flag names to the label
 * (Wireshark's BMT_NO_APPEND); stores the value in *out when non-NULL.
 * Returns the node (NULL on a short read). */
struct node *smb2_bits(struct tctx *t, struct node *parent, int fid,
		       struct cur *c, unsigned size, const int *subs,
		       uint64_t *out);
/*
 * Start of a response body as Wireshark reads it: when ok (the command's
 * success statuses) just the StructureSize; otherwise the error body
 * (smb2_error_rsp) if StructureSize is 9. Returns true when the caller
 * goes on with the command's own response layout.
 */
bool smb2_rsp_start(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h, bool ok);
/*
 * Buffer described by o (offset from the header): adds the olb nodes under
 * parent, then the buffer item fid (bytes, or an empty-show subtree;
 * F_INVALID: none, parent is returned) and sets *sub to the buffer bytes
 * (empty when offset or length is 0: "NO DATA"). Returns the node to hang
 * the contents on, or NULL (malformed item added, *sub empty) when the
 * buffer lies outside the message.
 */
struct node *smb2_olb_buffer(struct dctx *d, struct node *parent,
			     const struct cur *c, const struct smb2_hdr *h,
			     const struct smb2_olb *o, int fid, struct cur *sub);
/* smb2_fid() that also appends " File: name" to the summary. */
const char *smb2_fid_sum(struct dctx *d, struct node *parent, struct cur *c,
			 const struct smb2_hdr *h);
/* FILE_OBJECTID_BUFFER (MS-FSCC 2.1.3): object id and birth ids. */
void smb2_object_id_buffer(struct tctx *t, struct node *parent, struct cur *c);
/* Create / last access / last write / last change FILETIMEs. */
void smb2_times4(struct tctx *t, struct node *parent, struct cur *c);

/* ---- Command bodies of part B ---- */
void smb2_ioctl_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_ioctl_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h);
void smb2_ioctl_index(struct trace *t, struct cur *c, const struct smb2_hdr *h);
void smb2_find_req(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h);
void smb2_find_rsp(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h);
void smb2_find_index(struct trace *t, struct cur *c, const struct smb2_hdr *h);
void smb2_notify_req(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h);
void smb2_notify_rsp(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h);
void smb2_getinfo_req(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h);
void smb2_getinfo_rsp(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h);
void smb2_setinfo_req(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h);
void smb2_setinfo_rsp(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h);
void smb2_info_index(struct trace *t, struct cur *c, const struct smb2_hdr *h);
/* Info buffer of class/level (MS-FSCC 2.4/2.5, MS-DTYP security
 * descriptor, quota): c's window is exactly the buffer (smb2_infoclass.c). */
void smb2_info_buffer(struct dctx *d, struct node *parent, struct cur *c,
		      const struct smb2_hdr *h, uint8_t info_type,
		      uint8_t info_class);
/* Compression transform (MS-SMB2 2.2.42, smb2_compress.c). */
void smb2_compressed(struct dctx *d, struct node *parent, struct cur *c);
/* Index pass over a compressed PDU: decompresses it and indexes the
 * message inside (request/response pairing, index hooks). */
void smb2_index_compressed(struct trace *t, const struct pdu *p);
void smb2_index(struct trace *t, const struct pdu *p);

/* FSCTL/IOCTL code (smb2.ioctl.function) with its device, access, function
 * and method parts, under parent; also used by SMB1 NT_TRANSACT IOCTL. */
struct node *smb2_ctl_code_node(struct tctx *t, struct node *parent, uint32_t pos,
				uint32_t code);
/* Appends " NAME" (or " DEVICE Function:0x...") for a non-zero code to the
 * summary, as Wireshark names FSCTLs in its Info column. */
void smb2_ctl_code_summary(struct dctx *d, uint32_t code);

#endif
