/*
 * smb1.h - SMB1/CIFS internals shared by the per-family files (smb1_*.c).
 *
 * smb1.c dissects the 32-byte header (MS-CIFS 2.2.3.1), walks the AndX chain
 * (MS-CIFS 2.2.3.4) and dispatches each command block through smb1_cmds[]
 * (designated initializers, one row per command); commands without a body
 * dissector show the generic WordCount/ByteCount block.
 *
 * A body function gets the cursor at the WordCount byte of its block. It
 * reads the words, the ByteCount and the bytes with the helpers below, which
 * follow Wireshark's layout: WordCount, parameter words, ByteCount, data
 * bytes, then "Extra byte parameters" for bytes the command left unread.
 */
#ifndef SMBCMP_SMB1_H
#define SMBCMP_SMB1_H

#include "dctx.h"

#define SMB1_FLAGS_RESPONSE 0x80
#define SMB1_FLAGS2_UNICODE 0x8000
#define SMB1_FLAGS2_NT_STATUS 0x4000
#define SMB1_FLAGS2_EXT_SEC 0x0800
#define SMB1_FLAGS2_SIGNATURE 0x0004

/* Request facts kept per trace (filled at index time from the request),
 * found again by the response. */
struct smb1_req {
	uint32_t req_frame, rsp_frame; /* their times: trace_frame_by_num() */
	uint8_t cmd;
	uint16_t subcmd;       /* TRANS2 / NT_TRANSACT subcommand */
	uint16_t level;        /* TRANS2 information level */
	uint16_t fid;          /* FID the request names (0 = none) */
	bool has_fid;
	bool has_subcmd;
	const char *filename;  /* path or pattern the request names */
	uint8_t extra[16];
};

/* TRANSACTION, TRANSACTION2 and NT_TRANSACT secondary requests. */
static inline bool smb1_is_secondary(uint8_t cmd)
{
	return cmd == 0x26 || cmd == 0x33 || cmd == 0xa1;
}

struct smb1_hdr {
	size_t off;            /* header offset in the cursor's buffer */
	uint8_t cmd;           /* command in the header */
	uint32_t status;       /* NT status, or class/code packed as DOS error */
	uint8_t flags;
	uint16_t flags2;
	uint16_t tid, pid, uid, mid;
	uint16_t pid_high;
	bool response, unicode, nt_status;
	struct smb1_req *req;
	/* AndX walk state: the block being dissected and its link. */
	uint8_t cur_cmd;       /* command of the current block */
	unsigned link;         /* 0 for the first block */
	bool andx;             /* the block had an AndX header */
	uint8_t andx_cmd;
	uint16_t andx_off;
};

/* Body dissector for one command block (AndX links call it per link):
 * c->off is at the WordCount byte of this block. */
typedef void (*smb1_body_fn)(struct dctx *d, struct node *body, struct cur *c,
			     struct smb1_hdr *h);

struct smb1_cmd_desc {
	const char *name;      /* "Negotiate Protocol" */
	smb1_body_fn req, rsp;
};

extern const struct smb1_cmd_desc smb1_cmds[256];

uint64_t smb1_req_key(uint32_t stream, const struct smb1_hdr *h);
/* Key of a FID in trace.smb1_fids. */
uint64_t smb1_fid_key(uint32_t stream, uint16_t fid);
/* Key of a TID in trace.smb1_fids (value SMB1_TID_IPC: a tree connected
 * to the IPC service, whose reads and writes carry named pipe data). */
uint64_t smb1_tid_key(uint32_t stream, uint16_t tid);
#define SMB1_TID_IPC 3
/* Is h's tree an IPC tree (seen at index time)? */
bool smb1_tid_is_ipc(const struct dctx *d, const struct smb1_hdr *h);

/* Reads WordCount (smb.wct) and returns a cursor over the 2*wct parameter
 * bytes; c moves past them. */
struct cur smb1_words(struct dctx *d, struct node *body, struct cur *c,
		      uint8_t *wct);
/* Reads ByteCount (smb.bcc) and returns a cursor over the bcc data bytes;
 * c moves past them. */
struct cur smb1_bytes(struct dctx *d, struct node *body, struct cur *c,
		      uint16_t *bcc);
/* Shows bytes of b left unread as smb.extra_byte_parameters. */
void smb1_extra(struct dctx *d, struct node *body, struct cur *b);
/* The data block of a body that has no byte fields: ByteCount, and any
 * bytes as extra byte parameters. */
void smb1_no_bytes(struct dctx *d, struct node *body, struct cur *c);
/* The data block of a core body holding one path: ByteCount, buffer
 * format and string (field fid, summary ", label: path") when present,
 * then any extra bytes. */
void smb1_path_bytes(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb1_hdr *h, int fid, const char *label);
/* Generic block for commands without a dissector. */
void smb1_generic(struct dctx *d, struct node *body, struct cur *c,
		  struct smb1_hdr *h);
/* AndX header: AndXCommand (smb.cmd), reserved, AndXOffset. */
void smb1_andx(struct dctx *d, struct node *body, struct cur *w,
	       struct smb1_hdr *h);
/* NUL-terminated string, Unicode (aligned to 2 bytes from the SMB header
 * unless nopad) when unicode, else 8-bit; "" at the end of b. */
const char *smb1_string(struct dctx *d, struct node *parent, int fid,
			struct cur *b, const struct smb1_hdr *h, bool unicode,
			bool nopad);
/* Skips a Unicode pad byte (odd offset from the SMB header). */
void smb1_align(struct cur *b, const struct smb1_hdr *h);
/* Buffer format byte + string (core SMB "\x04path"). */
const char *smb1_fmt_string(struct dctx *d, struct node *parent, int fid,
			    struct cur *b, const struct smb1_hdr *h);
/* FID (smb.fid) and summary ", FID: 0x%04x". */
uint16_t smb1_fid(struct dctx *d, struct node *parent, struct cur *w);
/* 16/32-bit file attributes with their flag children. */
uint32_t smb1_attr16(struct dctx *d, struct node *parent, int fid,
		     struct cur *w);
uint32_t smb1_attr32(struct dctx *d, struct node *parent, struct cur *w);
/* NT access mask with its flag children (field fid). */
uint32_t smb1_access_mask(struct dctx *d, struct node *parent, struct cur *w);
/* DOS date/time pair (date_first) into time field + its children. */
void smb1_dos_datetime(struct dctx *d, struct node *parent, int ftime,
		       int fdate_child, int ftime_child, struct cur *w,
		       bool time_first);
/* Creation, last access and last write DOS date/time pairs (date first). */
void smb1_dos_times3(struct dctx *d, struct node *parent, struct cur *w);
/* UTIME (seconds since 1970) field. */
void smb1_utime(struct dctx *d, struct node *parent, int fid, struct cur *w);
/* Security blob: bytes node + gssapi_dissect on exactly its window. */
void smb1_blob(struct dctx *d, struct node *parent, struct cur *b, size_t len);

/* TRANS2 information levels (smb1_info.c); s's window is the data. */
void smb1_qfs_data(struct dctx *d, struct node *n, struct cur *s,
		   const struct smb1_hdr *h, uint16_t level);
void smb1_qpi_data(struct dctx *d, struct node *n, struct cur *s,
		   const struct smb1_hdr *h, uint16_t level);
void smb1_spi_data(struct dctx *d, struct node *n, struct cur *s,
		   const struct smb1_hdr *h, uint16_t level);
/* count FIND entries of level; their names go to the summary. */
void smb1_find_data(struct dctx *d, struct node *n, struct cur *s,
		    const struct smb1_hdr *h, uint16_t level, unsigned count,
		    bool resume);
/* The bytes of s left: smb.unknown_data. */
void smb1_info_unknown(struct dctx *d, struct node *n, struct cur *s);

/* Per-family body functions (smb1_negotiate.c, smb1_file.c, smb1_trans.c). */
#define SMB1_BODY(fn) void fn(struct dctx *d, struct node *body, struct cur *c, struct smb1_hdr *h)
SMB1_BODY(smb1_negprot_req); SMB1_BODY(smb1_negprot_rsp);
SMB1_BODY(smb1_sesssetup_req); SMB1_BODY(smb1_sesssetup_rsp);
SMB1_BODY(smb1_tcon_andx_req); SMB1_BODY(smb1_tcon_andx_rsp);
SMB1_BODY(smb1_andx_only); SMB1_BODY(smb1_empty);
SMB1_BODY(smb1_echo_req); SMB1_BODY(smb1_echo_rsp);
SMB1_BODY(smb1_ntcreate_req); SMB1_BODY(smb1_ntcreate_rsp);
SMB1_BODY(smb1_openx_req); SMB1_BODY(smb1_openx_rsp);
SMB1_BODY(smb1_readx_req); SMB1_BODY(smb1_readx_rsp);
SMB1_BODY(smb1_writex_req); SMB1_BODY(smb1_writex_rsp);
SMB1_BODY(smb1_close_req); SMB1_BODY(smb1_fid_block);
SMB1_BODY(smb1_path_req); SMB1_BODY(smb1_delete_req);
SMB1_BODY(smb1_rename_req); SMB1_BODY(smb1_ntrename_req);
SMB1_BODY(smb1_locking_req); SMB1_BODY(smb1_locking_rsp);
SMB1_BODY(smb1_qinfo_rsp); SMB1_BODY(smb1_setinfo_req);
SMB1_BODY(smb1_qinfo2_rsp); SMB1_BODY(smb1_setinfo2_req);
SMB1_BODY(smb1_open_req); SMB1_BODY(smb1_open_rsp);
SMB1_BODY(smb1_create_req);
SMB1_BODY(smb1_read_req); SMB1_BODY(smb1_read_rsp);
SMB1_BODY(smb1_write_req); SMB1_BODY(smb1_write_rsp);
SMB1_BODY(smb1_search_req); SMB1_BODY(smb1_search_rsp);
SMB1_BODY(smb1_trans_req); SMB1_BODY(smb1_trans_rsp);
SMB1_BODY(smb1_trans2_req); SMB1_BODY(smb1_trans2_rsp);
SMB1_BODY(smb1_nttrans_req); SMB1_BODY(smb1_nttrans_rsp);
SMB1_BODY(smb1_findclose2_req); SMB1_BODY(smb1_reqfid_rsp);
SMB1_BODY(smb1_qfsinfo_disk_rsp);

/* Shared by smb1_file.c and smb1_core.c. */
void smb1_req_fid_summary(struct dctx *d, const struct smb1_hdr *h);
void smb1_access16(struct dctx *d, struct node *parent, int fid, struct cur *w);

/* Index hooks: record request facts (subcommand, level, FID, name). */
void smb1_index_req(struct arena *a, struct smb1_req *rq, struct cur *c,
		    const struct smb1_hdr *h);

#endif
