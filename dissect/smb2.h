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

/* Request facts kept per trace, found again by the response. */
struct smb2_req {
	uint32_t req_frame, rsp_frame;
	int64_t req_sec, rsp_sec;
	uint32_t req_nsec, rsp_nsec;
	uint16_t cmd;
	/* Filled by command index hooks (smb2_cmds[].index): */
	const char *filename;  /* CREATE name; names for file ids */
	uint8_t info_type, info_class;
	uint32_t ioctl_code;
	uint8_t extra[16];
};

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
	uint16_t req_size, rsp_size;
	smb2_body_fn req, rsp;
	smb2_index_fn index;
};

extern const struct smb2_cmd_desc smb2_cmds[SMB2_NCMDS];

/* Message key for the request table. */
uint64_t smb2_req_key(uint32_t stream, uint64_t msg_id);

/* ---- Shared body helpers (smb2_util.c) ---- */

/* Reads an integer of size bytes, adds fid with its bitfield children
 * (subs, F_INVALID-terminated) without appending flag names to the label
 * (Wireshark's BMT_NO_APPEND); stores the value in *out when non-NULL. */
struct node *smb2_bits(struct tctx *t, struct node *parent, int fid,
		       struct cur *c, unsigned size, const int *subs,
		       uint64_t *out);
/* StructureSize (smb2.buffer_code with length/dynamic bits); returns it. */
uint16_t smb2_buffercode(struct tctx *t, struct node *parent, struct cur *c);
/*
 * Start of a response body: StructureSize, and when !ok an error body
 * (MS-SMB2 2.2.2) if StructureSize is 9. Returns true when the caller
 * goes on with the command's own response layout.
 */
bool smb2_rsp_prologue(struct dctx *d, struct node *body, struct cur *c,
		       const struct smb2_hdr *h, bool ok);

/* Offset/length of a buffer; offsets are relative to the SMB2 header. */
enum smb2_olb_kind { OLB_O16_S16, OLB_O16_S32, OLB_O32_S32 };
struct smb2_olb {
	uint32_t off, len;
	uint32_t off_pos, len_pos; /* where the two fields were read */
	uint8_t kind;
};
void smb2_olb_read(struct cur *c, struct smb2_olb *o, enum smb2_olb_kind kind);
/*
 * Adds the olb offset/length items under parent, then the buffer item fid
 * (bytes or a subtree; F_INVALID: none, parent is returned) and sets *sub
 * to the buffer's bytes (empty when offset or length is 0). Returns the
 * node to hang the contents on, or NULL (malformed item added, *sub empty)
 * when the buffer lies outside the message.
 */
struct node *smb2_olb_buffer(struct dctx *d, struct node *parent,
			     const struct cur *c, const struct smb2_hdr *h,
			     const struct smb2_olb *o, int fid, struct cur *sub);
/* UTF-16 string buffer: adds fid with the olb items as children; returns
 * the string (arena) or NULL when outside the message. */
const char *smb2_olb_string(struct dctx *d, struct node *parent,
			    const struct cur *c, const struct smb2_hdr *h,
			    const struct smb2_olb *o, int fid);

/* SMB2_FILEID (16 bytes): "GUID handle" item with smb2.fid; appends
 * " File: name" to the summary when the name is known. Returns the name
 * or NULL. */
const char *smb2_fid(struct dctx *d, struct node *parent, struct cur *c);
/* File id -> name table (filled by CREATE's index hook). */
void smb2_fid_remember(struct trace *tr, uint32_t stream, const uint8_t fid[16],
		       const char *name);
const char *smb2_fid_name(const struct dctx *d, const uint8_t fid[16]);
/* FSCC file attributes bitmask (MS-FSCC 2.6). */
void smb2_file_attr(struct tctx *t, struct node *parent, struct cur *c,
		    uint32_t *attr);
/* smb.access_mask with its bits (file/directory access rights). */
void smb2_access_mask(struct tctx *t, struct node *parent, struct cur *c);
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

#endif
