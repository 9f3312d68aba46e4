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

#endif
