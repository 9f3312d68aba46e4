/*
 * smb1.h - SMB1/CIFS internals shared by the per-family files (smb1_*.c).
 *
 * smb1.c dissects the 32-byte header (MS-CIFS 2.2.3.1) and dispatches the
 * parameter/data blocks through smb1_cmds[] (designated initializers, one
 * row per command); commands without a body dissector show the generic
 * WordCount/ByteCount block.
 */
#ifndef SMBCMP_SMB1_H
#define SMBCMP_SMB1_H

#include "dctx.h"

#define SMB1_FLAGS_RESPONSE 0x80
#define SMB1_FLAGS2_UNICODE 0x8000
#define SMB1_FLAGS2_NT_STATUS 0x4000
#define SMB1_FLAGS2_EXT_SEC 0x0800

/* Request facts kept per trace, found again by the response. */
struct smb1_req {
	uint32_t req_frame, rsp_frame;
	int64_t req_sec, rsp_sec;
	uint32_t req_nsec, rsp_nsec;
	uint8_t cmd;
	uint16_t subcmd;       /* TRANS2/NT_TRANSACT subcommand, info level */
	const char *filename;
	uint8_t extra[16];
};

struct smb1_hdr {
	size_t off;            /* header offset in the cursor's buffer */
	uint8_t cmd;
	uint32_t status;       /* NT status, or class/code packed as DOS error */
	uint8_t flags;
	uint16_t flags2;
	uint16_t tid, pid, uid, mid;
	uint16_t pid_high;
	bool response, unicode, nt_status;
	struct smb1_req *req;
};

/* Body dissector for one command block (AndX links call it per link):
 * c->off is at the WordCount byte of this block. */
typedef void (*smb1_body_fn)(struct dctx *d, struct node *body, struct cur *c,
			     const struct smb1_hdr *h);

struct smb1_cmd_desc {
	const char *name;      /* "Negotiate Protocol" */
	smb1_body_fn req, rsp;
};

extern const struct smb1_cmd_desc smb1_cmds[256];

uint64_t smb1_req_key(uint32_t stream, const struct smb1_hdr *h);

#endif
