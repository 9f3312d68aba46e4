/*
 * smb1.c - SMB1 header (MS-CIFS 2.2.3.1), the AndX chain walk (MS-CIFS
 * 2.2.3.4), request/response pairing by (stream, MID, PID) as Wireshark
 * does, error summaries, and the helpers the per-family files share.
 *
 *   0 Protocol "\xffSMB"  4 Command  5 Status (NT status, or class, reserved,
 *   DOS code)  9 Flags  10 Flags2  12 PIDHigh  14 SecurityFeatures (8)
 *  22 Reserved  24 TID  26 PIDLow  28 UID  30 MID
 *
 * AndX: each block after the first starts at AndXOffset from the header; an
 * offset must lie past the block just dissected and inside the PDU, and the
 * walk stops after SMB1_MAX_ANDX links.
 */
#include "smb1.h"
#include "smb_keystate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wirestr.h"

#define SMB1_MAX_ANDX 32

const struct smb1_cmd_desc smb1_cmds[256] = {
	[0x00] = { "Create Directory", smb1_path_req, smb1_empty },
	[0x01] = { "Delete Directory", smb1_path_req, smb1_empty },
	[0x02] = { "Open", smb1_open_req, smb1_open_rsp },
	[0x03] = { "Create", smb1_create_req, smb1_fid_block },
	[0x04] = { "Close", smb1_close_req, smb1_reqfid_rsp },
	[0x05] = { "Flush", smb1_fid_block, smb1_reqfid_rsp },
	[0x06] = { "Delete", smb1_delete_req, smb1_empty },
	[0x07] = { "Rename", smb1_rename_req, smb1_empty },
	[0x08] = { "Query Information", smb1_path_req, smb1_qinfo_rsp },
	[0x09] = { "Set Information", smb1_setinfo_req, smb1_empty },
	[0x0a] = { "Read", smb1_read_req, smb1_read_rsp },
	[0x0b] = { "Write", smb1_write_req, smb1_write_rsp },
	[0x0c] = { "Lock Byte Range", NULL, NULL },
	[0x0d] = { "Unlock Byte Range", NULL, NULL },
	[0x0e] = { "Create Temp", NULL, NULL },
	[0x0f] = { "Create New", smb1_create_req, smb1_fid_block },
	[0x10] = { "Check Directory", smb1_path_req, smb1_empty },
	[0x11] = { "Process Exit", NULL, NULL },
	[0x12] = { "Seek", NULL, NULL },
	[0x13] = { "Lock And Read", NULL, NULL },
	[0x14] = { "Write And Unlock", NULL, NULL },
	[0x1a] = { "Read Raw", NULL, NULL },
	[0x1b] = { "Read MPX", NULL, NULL },
	[0x1c] = { "Read MPX Secondary", NULL, NULL },
	[0x1d] = { "Write Raw", NULL, NULL },
	[0x1e] = { "Write MPX", NULL, NULL },
	[0x1f] = { "Write MPX Secondary", NULL, NULL },
	[0x20] = { "Write Complete", NULL, NULL },
	[0x21] = { "Query Server", NULL, NULL },
	[0x22] = { "Set Information2", smb1_setinfo2_req, smb1_empty },
	[0x23] = { "Query Information2", smb1_fid_block, smb1_qinfo2_rsp },
	[0x24] = { "Locking AndX", smb1_locking_req, smb1_locking_rsp },
	[0x25] = { "Trans", smb1_trans_req, smb1_trans_rsp },
	[0x26] = { "Trans Secondary", smb1_trans_req, NULL },
	[0x27] = { "IOCTL", NULL, NULL },
	[0x28] = { "IOCTL Secondary", NULL, NULL },
	[0x29] = { "Copy", NULL, NULL },
	[0x2a] = { "Move", NULL, NULL },
	[0x2b] = { "Echo", smb1_echo_req, smb1_echo_rsp },
	[0x2c] = { "Write And Close", NULL, NULL },
	[0x2d] = { "Open AndX", smb1_openx_req, smb1_openx_rsp },
	[0x2e] = { "Read AndX", smb1_readx_req, smb1_readx_rsp },
	[0x2f] = { "Write AndX", smb1_writex_req, smb1_writex_rsp },
	[0x30] = { "New File Size", NULL, NULL },
	[0x31] = { "Close And Tree Disconnect", NULL, NULL },
	[0x32] = { "Trans2", smb1_trans2_req, smb1_trans2_rsp },
	[0x33] = { "Trans2 Secondary", smb1_trans2_req, NULL },
	[0x34] = { "Find Close2", smb1_findclose2_req, smb1_empty },
	[0x35] = { "Find Notify Close", NULL, NULL },
	[0x70] = { "Tree Connect", NULL, NULL },
	[0x71] = { "Tree Disconnect", smb1_empty, smb1_empty },
	[0x72] = { "Negotiate Protocol", smb1_negprot_req, smb1_negprot_rsp },
	[0x73] = { "Session Setup AndX", smb1_sesssetup_req, smb1_sesssetup_rsp },
	[0x74] = { "Logoff AndX", smb1_andx_only, smb1_andx_only },
	[0x75] = { "Tree Connect AndX", smb1_tcon_andx_req, smb1_tcon_andx_rsp },
	[0x80] = { "Query Information Disk", smb1_empty, smb1_qfsinfo_disk_rsp },
	[0x81] = { "Search", smb1_search_req, smb1_search_rsp },
	[0x82] = { "Find", smb1_search_req, smb1_search_rsp },
	[0x83] = { "Find Unique", smb1_search_req, smb1_search_rsp },
	[0x84] = { "Find Close", smb1_search_req, smb1_search_rsp },
	[0xa0] = { "NT Trans", smb1_nttrans_req, smb1_nttrans_rsp },
	[0xa1] = { "NT Trans Secondary", smb1_nttrans_req, NULL },
	[0xa2] = { "NT Create AndX", smb1_ntcreate_req, smb1_ntcreate_rsp },
	[0xa4] = { "NT Cancel", smb1_empty, smb1_empty },
	[0xa5] = { "NT Rename", smb1_ntrename_req, smb1_empty },
	[0xc0] = { "Open Print File", NULL, NULL },
	[0xc1] = { "Write Print File", NULL, NULL },
	[0xc2] = { "Close Print File", NULL, NULL },
	[0xc3] = { "Get Print Queue", NULL, NULL },
	[0xd8] = { "Read Bulk", NULL, NULL },
	[0xd9] = { "Write Bulk", NULL, NULL },
	[0xda] = { "Write Bulk Data", NULL, NULL },
};

/* Error strings per DOS error class (Wireshark's DOS_errors, SRV_errors,
 * HRD_errors), used in the Info summary. The text is in the row, not
 * pointed to: a pointer would be relocated at every start (field.h). */
struct dos_error {
	uint16_t code;
	char text[56];
};

static const struct dos_error dos_errors[] = {
	{ 1, "Invalid function (or system call)" },
	{ 2, "File not found (pathname error)" },
	{ 3, "Directory not found" },
	{ 4, "Too many open files" },
	{ 5, "Access denied" },
	{ 6, "Invalid fid" },
	{ 7, "Memory control blocks destroyed" },
	{ 8, "Out of memory" },
	{ 9, "Invalid memory block address" },
	{ 10, "Invalid environment" },
	{ 11, "Invalid format" },
	{ 12, "Invalid open mode" },
	{ 13, "Invalid data (only from ioctl call)" },
	{ 14, "Reserved error code?" },
	{ 15, "Invalid drive" },
	{ 16, "Attempt to delete current directory" },
	{ 17, "Rename/move across different filesystems" },
	{ 18, "No more files found in file search" },
	{ 31, "General failure" },
	{ 32, "Share mode on file conflict with open mode" },
	{ 33, "Lock request conflicts with existing lock" },
	{ 50, "Request unsupported, returned by Win 95" },
	{ 64, "Network name deleted or not available" },
	{ 66, "Don't support ipc" },
	{ 67, "Requested share does not exist" },
	{ 80, "File in operation already exists" },
	{ 87, "Invalid parameter" },
	{ 110, "Cannot open the file specified" },
	{ 111, "Buffer overflow" },
	{ 122, "Insufficient buffer" },
	{ 123, "Invalid name" },
	{ 124, "Unknown info level" },
	{ 158, "This region is not locked by this locking context." },
	{ 161, "Invalid Path" },
	{ 173, "Cancel violation" },
	{ 174, "No atomic clocks" },
	{ 183, "File already exists" },
	{ 230, "Named pipe invalid" },
	{ 231, "All instances of pipe are busy" },
	{ 232, "Named pipe close in progress" },
	{ 233, "No process on other end of named pipe" },
	{ 234, "More data to be returned" },
	{ 255, "ea inconsistent" },
	{ 259, "No more items" },
	{ 267, "Invalid directory name in a path." },
	{ 275, "Extended attributes didn't fit" },
	{ 282, "Extended attributes not supported" },
	{ 1022, "Buffer too small to return change notify." },
	{ 1307, "Invalid security descriptor owner" },
	{ 1326, "Unknown username or bad password" },
	{ 1338, "Invalid security descriptor" },
	{ 1722, "Server unavailable" },
	{ 2123, "Buffer too small" },
	{ 2142, "Unknown IPC Operation" },
	{ 2151, "No such print job" },
	{ 2455, "Invalid Group" },
	{ 0, "" }
};

static const struct dos_error srv_errors[] = {
	{ 1, "Non-specific error code" },
	{ 2, "Bad password" },
	{ 3, "Reserved" },
	{ 4, "No permissions to perform the requested operation" },
	{ 5, "TID invalid" },
	{ 6, "Invalid servername" },
	{ 7, "Invalid device" },
	{ 22, "Unknown SMB, from NT 3.5 response" },
	{ 49, "Print queue full" },
	{ 50, "Queued item too big" },
	{ 51, "EOF on print queue dump" },
	{ 52, "Invalid print file in smb_fid" },
	{ 64, "Unrecognised command" },
	{ 65, "SMB server internal error" },
	{ 67, "Fid and pathname invalid combination" },
	{ 68, "Bad link in request ???" },
	{ 69, "Access specified for a file is not valid" },
	{ 70, "Bad process id in request" },
	{ 71, "Attribute mode invalid" },
	{ 81, "Message server paused" },
	{ 82, "Not receiving messages" },
	{ 83, "No room for message" },
	{ 87, "Too many remote usernames" },
	{ 88, "Operation timed out" },
	{ 89, "No resources currently available for request." },
	{ 90, "Too many userids" },
	{ 91, "Bad userid" },
	{ 250, "Temporarily unable to use raw mode, use MPX mode" },
	{ 251, "Temporarily unable to use raw mode, use standard mode" },
	{ 252, "Resume MPX mode" },
	{ 254, "Bad Password???" },
	{ 0xffff, "Operation not supported???" },
	{ 0, "" }
};

static const struct dos_error hrd_errors[] = {
	{ 19, "read only media" },
	{ 20, "Unknown device" },
	{ 21, "Drive not ready" },
	{ 22, "Unknown command" },
	{ 23, "Data (CRC) error" },
	{ 24, "Bad request structure length" },
	{ 25, "Seek error???" },
	{ 26, "Bad media???" },
	{ 27, "Bad sector???" },
	{ 28, "No paper in printer???" },
	{ 29, "Write error???" },
	{ 30, "Read error???" },
	{ 31, "General error???" },
	{ 32, "A open conflicts with an existing open" },
	{ 33, "Lock/unlock error" },
	{ 34, "Wrong disk???" },
	{ 35, "FCB unavailable???" },
	{ 36, "Share buffer excluded???" },
	{ 39, "Disk full???" },
	{ 0, "" }
};

static const int flags_subs[] = {
	F_SMB_FLAGS_RESPONSE, F_SMB_FLAGS_NOTIFY, F_SMB_FLAGS_OPLOCK,
	F_SMB_FLAGS_CANON, F_SMB_FLAGS_CASELESS, F_SMB_FLAGS_RECEIVE_BUFFER,
	F_SMB_FLAGS_LOCK, F_INVALID
};

static const int flags2_subs[] = {
	F_SMB_FLAGS2_STRING, F_SMB_FLAGS2_NT_ERROR, F_SMB_FLAGS2_ROE,
	F_SMB_FLAGS2_DFS, F_SMB_FLAGS2_ESN, F_SMB_FLAGS2_REPARSE_PATH,
	F_SMB_FLAGS2_LONG_NAMES_USED, F_SMB_FLAGS2_SEC_SIG_REQUIRED,
	F_SMB_FLAGS2_COMPRESSED, F_SMB_FLAGS2_SEC_SIG, F_SMB_FLAGS2_EA,
	F_SMB_FLAGS2_LONG_NAMES_ALLOWED, F_INVALID
};

uint64_t smb1_req_key(uint32_t stream, const struct smb1_hdr *h)
{
	uint64_t k = hmap_mix(0x534d4231, stream);
	k = hmap_mix(k, h->mid);
	return hmap_mix(k, (uint64_t)h->pid_high << 16 | h->pid);
}

/* The message at frame in stream with h's mid and pid: a client may reuse
 * a mid once its response has come (old ones use one for everything), so
 * the dissector finds a message's request by its own frame. */
static uint64_t frame_key(uint32_t stream, uint32_t frame, const struct smb1_hdr *h)
{
	return hmap_mix(smb1_req_key(stream, h), (uint64_t)frame << 1 | h->response);
}

uint64_t smb1_fid_key(uint32_t stream, uint16_t fid)
{
	return hmap_mix(hmap_mix(0x46494431, stream), fid);
}

uint64_t smb1_tid_key(uint32_t stream, uint16_t tid)
{
	return hmap_mix(hmap_mix(0x54494431, stream), tid);
}

bool smb1_tid_is_ipc(const struct dctx *d, const struct smb1_hdr *h)
{
	return (uintptr_t)hmap_get(&d->trace->smb1_fids, smb1_tid_key(d->pdu->stream, h->tid)) ==
	       SMB1_TID_IPC;
}

/* Index pass: a Tree Connect AndX response (also chained after Session
 * Setup AndX) whose service is "IPC" marks its TID, as Wireshark does. */
static void index_ipc_tree(struct trace *t, uint32_t stream, struct cur *c,
			   const struct smb1_hdr *h)
{
	uint8_t cmd = h->cmd;
	size_t at = h->off + 32;

	for (int links = 0; links < 8; links++) {
		if (!cur_seek(c, at))
			return;
		uint8_t wct = cur_u8(c);
		struct cur w = cur_split(c, (size_t)wct * 2);
		uint16_t bcc = cur_le16(c);
		struct cur b = cur_split(c, bcc);
		if (c->err || wct < 2)
			return;
		if (cmd == 0x75) {
			const uint8_t *p = cur_peek(&b, 4);
			if (p && !memcmp(p, "IPC", 4))
				hmap_put(&t->smb1_fids, smb1_tid_key(stream, h->tid),
					 (void *)(uintptr_t)SMB1_TID_IPC);
			return;
		}
		if (cmd != 0x73)
			return;
		cmd = cur_u8(&w);
		cur_skip(&w, 1);
		uint16_t next = cur_le16(&w);
		if (w.err || cmd == 0xff || h->off + next <= at)
			return;
		at = h->off + next;
	}
}

static bool parse_hdr(struct cur *c, struct smb1_hdr *h)
{
	struct cur r = cur_sub(c, c->off, 32);

	memset(h, 0, sizeof(*h));
	h->off = c->off;
	cur_skip(&r, 4);
	h->cmd = cur_u8(&r);
	h->status = cur_le32(&r);
	h->flags = cur_u8(&r);
	h->flags2 = cur_le16(&r);
	h->pid_high = cur_le16(&r);
	cur_skip(&r, 10);
	h->tid = cur_le16(&r);
	h->pid = cur_le16(&r);
	h->uid = cur_le16(&r);
	h->mid = cur_le16(&r);
	h->response = h->flags & SMB1_FLAGS_RESPONSE;
	h->unicode = h->flags2 & SMB1_FLAGS2_UNICODE;
	h->nt_status = h->flags2 & SMB1_FLAGS2_NT_STATUS;
	return !r.err;
}

static const char *dos_error_str(uint8_t cls, uint16_t code)
{
	const struct dos_error *tab = cls == 1 ? dos_errors : cls == 2 ? srv_errors
				      : cls == 3 ? hrd_errors : NULL;
	for (; tab && tab->text[0]; tab++)
		if (tab->code == code)
			return tab->text;
	return NULL;
}

static void add_header(struct dctx *d, struct node *smb, struct cur *c,
		       const struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	struct node *hn = t_text(t, smb, cur_pos(c), 32, "SMB Header");

	r_uint(t, hn, F_SMB_SERVER_COMPONENT, c, 4);
	struct smb1_req *rq = h->req;
	uint32_t pos = (uint32_t)(c->pos0 + h->off);
	if (rq && !h->response && smb1_is_secondary(h->cmd) && rq->cmd != h->cmd)
		t_uint(t, hn, F_SMB_CONTINUATION_TO, pos, 0, rq->req_frame)->flags |= N_GENERATED;
	if (rq && !h->response && rq->rsp_frame) {
		t_uint(t, hn, F_SMB_RESPONSE_IN, pos, 0, rq->rsp_frame)->flags |= N_GENERATED;
	} else if (rq && h->response && rq->req_frame) {
		t_uint(t, hn, F_SMB_RESPONSE_TO, pos, 0, rq->req_frame)->flags |= N_GENERATED;
		/* as Wireshark: this response's time (an interim one's too) */
		struct frame_rec q;
		const struct frame_rec *r = d->frame;
		if (r && trace_frame_by_num(d->trace, rq->req_frame, &q))
			t_timedelta(t, hn, F_SMB_TIME, pos, 0, r->sec, r->nsec, q.sec,
				    q.nsec)->flags |= N_GENERATED;
	}
	r_uint(t, hn, F_SMB_CMD, c, 1);
	if (h->nt_status) {
		r_uint(t, hn, F_SMB_NT_STATUS, c, 4);
	} else {
		uint8_t cls = (uint8_t)(h->status & 0xff);
		uint16_t code = (uint16_t)(h->status >> 16);
		r_uint(t, hn, F_SMB_ERROR_CLASS, c, 1);
		r_bytes(t, hn, F_SMB_RESERVED, c, 1);
		uint32_t p = cur_pos(c);
		cur_skip(c, 2);
		const char *s = dos_error_str(cls, code);
		char show[8];
		snprintf(show, sizeof(show), "0x%04x", code);
		struct node *en = t_custom(t, hn, F_SMB_ERROR_CODE, p, 2, show,
					   s ? arena_printf(t->a, "%s (%s)", s, show) : show);
		en->value = code; /* what readers of facts (src/ops) take */
		en->flags |= N_HAS_VALUE;
	}
	r_bitmask(t, hn, F_SMB_FLAGS, c, 1, flags_subs);
	r_bitmask(t, hn, F_SMB_FLAGS2, c, 2, flags2_subs);
	r_uint(t, hn, F_SMB_PID_HIGH, c, 2);
	uint32_t sig_pos = cur_pos(c);
	r_bytes(t, hn, F_SMB_SIGNATURE, c, 8);
	/* Signature check (MS-SMB 3.1.4.1, smb_keystate.c). */
	/* "BSRSPYL " is the placeholder sent before signing starts. */
	if (h->flags2 & SMB1_FLAGS2_SIGNATURE && !t->dry && !c->err &&
	    c->buf == d->pdu->data && h->off < c->end &&
	    memcmp(c->buf + sig_pos - c->pos0, "BSRSPYL ", 8) != 0)
		ks_sig_node(t, hn, F_SMB_SIGNATURE_STATUS, sig_pos, 8,
			    ks_smb1_verify(d->trace, d->pdu->stream, c->buf + h->off,
					   c->end - h->off));
	r_bytes(t, hn, F_SMB_RESERVED, c, 2);
	r_uint(t, hn, F_SMB_TID, c, 2);
	r_uint(t, hn, F_SMB_PID, c, 2);
	r_uint(t, hn, F_SMB_UID, c, 2);
	r_uint(t, hn, F_SMB_MID, c, 2);
}

/* ---- helpers shared by the command files ---- */

struct cur smb1_words(struct dctx *d, struct node *body, struct cur *c,
		      uint8_t *wct)
{
	*wct = (uint8_t)r_uint(&d->t, body, F_SMB_WCT, c, 1);
	return cur_split(c, (size_t)*wct * 2);
}

struct cur smb1_bytes(struct dctx *d, struct node *body, struct cur *c,
		      uint16_t *bcc)
{
	*bcc = (uint16_t)r_uint(&d->t, body, F_SMB_BCC, c, 2);
	return cur_split(c, *bcc);
}

void smb1_extra(struct dctx *d, struct node *body, struct cur *b)
{
	if (cur_left(b))
		r_bytes(&d->t, body, F_SMB_EXTRA_BYTE_PARAMETERS, b, cur_left(b));
}

void smb1_no_bytes(struct dctx *d, struct node *body, struct cur *c)
{
	uint16_t bcc;
	struct cur b = smb1_bytes(d, body, c, &bcc);

	smb1_extra(d, body, &b);
}

void smb1_path_bytes(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb1_hdr *h, int fid, const char *label)
{
	uint16_t bcc;
	struct cur b = smb1_bytes(d, body, c, &bcc);

	if (cur_left(&b)) {
		const char *s = smb1_fmt_string(d, body, fid, &b, h);
		dctx_summary_more(d, ", %s: %s", label, s);
	}
	smb1_extra(d, body, &b);
}

void smb1_generic(struct dctx *d, struct node *body, struct cur *c,
		  struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;

	(void)h;
	struct cur w = smb1_words(d, body, c, &wct);
	if (wct)
		t_text(t, body, cur_pos(&w), (uint32_t)cur_left(&w),
		       "Parameter words: %u", wct);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (bcc)
		t_text(t, body, cur_pos(&b), (uint32_t)cur_left(&b),
		       "Data bytes: %u", bcc);
}

void smb1_andx(struct dctx *d, struct node *body, struct cur *w,
	       struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(w);
	uint8_t cmd = cur_u8(w);

	if (w->err)
		return;
	const char *name = cmd == 0xff ? "No further commands" : smb1_cmds[cmd].name;
	struct node *n = t_uint(t, body, F_SMB_CMD, pos, 1, cmd);
	n->label = arena_printf(t->a, "AndXCommand: %s (0x%02x)",
				name ? name : "Unknown", cmd);
	r_bytes(t, body, F_SMB_RESERVED, w, 1);
	uint16_t off = (uint16_t)r_uint(t, body, F_SMB_ANDXOFFSET, w, 2);
	if (!w->err) {
		h->andx = true;
		h->andx_cmd = cmd;
		h->andx_off = off;
	}
}

void smb1_align(struct cur *b, const struct smb1_hdr *h)
{
	if ((b->off - h->off) & 1)
		cur_skip(b, 1);
}

const char *smb1_string(struct dctx *d, struct node *parent, int fid,
			struct cur *b, const struct smb1_hdr *h, bool unicode,
			bool nopad)
{
	if (unicode && !nopad)
		smb1_align(b, h);
	if (!cur_left(b))
		return "";
	return r_stringz(&d->t, parent, fid, b, unicode);
}

const char *smb1_fmt_string(struct dctx *d, struct node *parent, int fid,
			    struct cur *b, const struct smb1_hdr *h)
{
	r_uint(&d->t, parent, F_SMB_BUFFER_FORMAT, b, 1);
	return smb1_string(d, parent, fid, b, h, h->unicode, false);
}

uint16_t smb1_fid(struct dctx *d, struct node *parent, struct cur *w)
{
	uint16_t fid = (uint16_t)r_uint(&d->t, parent, F_SMB_FID, w, 2);
	if (!w->err)
		dctx_summary_more(d, ", FID: 0x%04x", fid);
	return fid;
}

static const int attr16_subs[] = {
	F_SMB_FILE_ATTRIBUTE_READ_ONLY, F_SMB_FILE_ATTRIBUTE_HIDDEN,
	F_SMB_FILE_ATTRIBUTE_SYSTEM, F_SMB_FILE_ATTRIBUTE_VOLUME,
	F_SMB_FILE_ATTRIBUTE_DIRECTORY, F_SMB_FILE_ATTRIBUTE_ARCHIVE, F_INVALID
};

static const int attr32_subs[] = {
	F_SMB_FILE_ATTRIBUTE_READ_ONLY, F_SMB_FILE_ATTRIBUTE_HIDDEN,
	F_SMB_FILE_ATTRIBUTE_SYSTEM, F_SMB_FILE_ATTRIBUTE_VOLUME,
	F_SMB_FILE_ATTRIBUTE_DIRECTORY, F_SMB_FILE_ATTRIBUTE_ARCHIVE,
	F_SMB_FILE_ATTRIBUTE_DEVICE, F_SMB_FILE_ATTRIBUTE_NORMAL,
	F_SMB_FILE_ATTRIBUTE_TEMPORARY, F_SMB_FILE_ATTRIBUTE_SPARSE,
	F_SMB_FILE_ATTRIBUTE_REPARSE, F_SMB_FILE_ATTRIBUTE_COMPRESSED,
	F_SMB_FILE_ATTRIBUTE_OFFLINE, F_SMB_FILE_ATTRIBUTE_NOT_CONTENT_INDEXED,
	F_SMB_FILE_ATTRIBUTE_ENCRYPTED, F_INVALID
};

static const int search16_subs[] = {
	F_SMB_SEARCH_ATTRIBUTE_READ_ONLY, F_SMB_SEARCH_ATTRIBUTE_HIDDEN,
	F_SMB_SEARCH_ATTRIBUTE_SYSTEM, F_SMB_SEARCH_ATTRIBUTE_VOLUME,
	F_SMB_SEARCH_ATTRIBUTE_DIRECTORY, F_SMB_SEARCH_ATTRIBUTE_ARCHIVE,
	F_INVALID
};

/* An integer field shown with an explicit width ("0x%0*x"), for fields
 * Wireshark registers twice under one name with different widths. */
static struct node *uint_width(struct dctx *d, struct node *parent, int fid,
			       struct cur *w, unsigned size, uint64_t *out)
{
	uint32_t pos = cur_pos(w);
	uint64_t v = cur_le(w, size);
	char show[24];

	*out = v;
	if (w->err)
		return NULL;
	snprintf(show, sizeof(show), "0x%0*llx", (int)size * 2, (unsigned long long)v);
	return t_custom(&d->t, parent, fid, pos, size, show, NULL);
}

uint32_t smb1_attr16(struct dctx *d, struct node *parent, int fid,
		     struct cur *w)
{
	uint64_t v;
	uint32_t pos = cur_pos(w);
	struct node *n = uint_width(d, parent, fid, w, 2, &v);

	if (n)
		t_bitmask_subs(&d->t, n, pos, 2, v,
			       fid == F_SMB_SEARCH_ATTRIBUTE ? search16_subs : attr16_subs);
	return (uint32_t)v;
}

uint32_t smb1_attr32(struct dctx *d, struct node *parent, struct cur *w)
{
	uint64_t v;
	uint32_t pos = cur_pos(w);
	struct node *n = uint_width(d, parent, F_SMB_FILE_ATTRIBUTE, w, 4, &v);

	if (n)
		t_bitmask_subs(&d->t, n, pos, 4, v, attr32_subs);
	return (uint32_t)v;
}

static const int access_subs[] = {
	F_SMB_ACCESS_READ, F_SMB_ACCESS_WRITE, F_SMB_ACCESS_APPEND,
	F_SMB_ACCESS_READ_EA, F_SMB_ACCESS_WRITE_EA, F_SMB_ACCESS_EXECUTE,
	F_SMB_ACCESS_DELETE_CHILD, F_SMB_ACCESS_READ_ATTRIBUTES,
	F_SMB_ACCESS_WRITE_ATTRIBUTES, F_SMB_ACCESS_DELETE,
	F_SMB_ACCESS_READ_CONTROL, F_SMB_ACCESS_WRITE_DAC,
	F_SMB_ACCESS_WRITE_OWNER, F_SMB_ACCESS_SYNCHRONIZE,
	F_SMB_ACCESS_SYSTEM_SECURITY, F_SMB_ACCESS_MAXIMUM_ALLOWED,
	F_SMB_ACCESS_GENERIC_ALL, F_SMB_ACCESS_GENERIC_EXECUTE,
	F_SMB_ACCESS_GENERIC_WRITE, F_SMB_ACCESS_GENERIC_READ, F_INVALID
};

uint32_t smb1_access_mask(struct dctx *d, struct node *parent, struct cur *w)
{
	return (uint32_t)r_bitmask(&d->t, parent, F_SMB_ACCESS_MASK, w, 4, access_subs);
}

static int64_t dos_to_unix(uint16_t date, uint16_t tm)
{
	struct tm x;

	memset(&x, 0, sizeof(x));
	x.tm_year = (date >> 9) + 80;
	x.tm_mon = ((date >> 5) & 0x0f) - 1;
	x.tm_mday = date & 0x1f;
	x.tm_hour = tm >> 11;
	x.tm_min = (tm >> 5) & 0x3f;
	x.tm_sec = (tm & 0x1f) * 2;
	return (int64_t)timegm(&x);
}

/* Replaces n's label value, keeping the field label ("Created: ..."). */
static void relabel(struct tctx *t, struct node *n, int fid, const char *value)
{
	if (!t->dry && n && n->label && *n->label)
		n->label = arena_printf(t->a, "%s: %s", field_label(fid), value);
}

/* Whether a DOS date/time is one Wireshark shows as a time: the fields in
 * range and the day within its month (day 0 is the day before the 1st, as
 * mktime() has it). */
static bool dos_valid(uint16_t date, uint16_t tm)
{
	static const uint8_t mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned year = 1980u + (date >> 9), mon = (date >> 5) & 0x0f, day = date & 0x1f;

	if ((tm & 0x1f) * 2 > 59 || ((tm >> 5) & 0x3f) > 59 || (tm >> 11) > 23)
		return false;
	if (mon < 1 || mon > 12 || day > mdays[mon - 1])
		return false;
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return !(mon == 2 && day == 29 && !leap);
}

void smb1_dos_datetime(struct dctx *d, struct node *parent, int ftime,
		       int fdate_child, int ftime_child, struct cur *w,
		       bool time_first)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(w);
	uint16_t a = cur_le16(w), b = cur_le16(w);

	if (w->err)
		return;
	uint16_t tm = time_first ? a : b, date = time_first ? b : a;
	uint32_t raw = (uint32_t)date << 16 | tm;
	char v[40];
	struct node *n;
	if ((date == 0 && tm == 0) || (date == 0xffff && tm == 0xffff)) {
		n = t_abstime(t, parent, ftime, pos, 4, 0, 0);
		snprintf(v, sizeof(v), "No time specified (0x%08x)", raw);
		relabel(t, n, ftime, v);
		return;
	}
	if (dos_valid(date, tm)) {
		n = t_abstime(t, parent, ftime, pos, 4, dos_to_unix(date, tm), 0);
	} else {
		n = t_abstime(t, parent, ftime, pos, 4, 0, 0);
		snprintf(v, sizeof(v), "Invalid time (0x%08x)", raw);
		relabel(t, n, ftime, v);
	}
	if (time_first) {
		t_uint(t, n, ftime_child, pos, 2, tm);
		t_uint(t, n, fdate_child, pos + 2, 2, date);
	} else {
		t_uint(t, n, fdate_child, pos, 2, date);
		t_uint(t, n, ftime_child, pos + 2, 2, tm);
	}
}

void smb1_dos_times3(struct dctx *d, struct node *parent, struct cur *w)
{
	smb1_dos_datetime(d, parent, F_SMB_CREATE_TIME, F_SMB_CREATE_SMB_DATE,
			  F_SMB_CREATE_SMB_TIME, w, false);
	smb1_dos_datetime(d, parent, F_SMB_ACCESS_TIME, F_SMB_ACCESS_SMB_DATE,
			  F_SMB_ACCESS_SMB_TIME, w, false);
	smb1_dos_datetime(d, parent, F_SMB_LAST_WRITE_TIME, F_SMB_LAST_WRITE_SMB_DATE,
			  F_SMB_LAST_WRITE_SMB_TIME, w, false);
}

void smb1_utime(struct dctx *d, struct node *parent, int fid, struct cur *w)
{
	uint32_t pos = cur_pos(w);
	uint32_t v = cur_le32(w);

	if (w->err)
		return;
	struct node *n = t_abstime(&d->t, parent, fid, pos, 4, v, 0);
	if (v == 0xffffffffu) /* as Wireshark's dissect_smb_UTIME */
		relabel(&d->t, n, fid, "No time specified (0xffffffff)");
}

void smb1_blob(struct dctx *d, struct node *parent, struct cur *b, size_t len)
{
	if (!len)
		return;
	struct cur s = cur_split(b, len);
	struct node *n = t_bytes(&d->t, parent, F_SMB_SECURITY_BLOB, cur_pos(&s),
				 s.buf + s.off, (uint32_t)cur_left(&s));
	if (s.err)
		n->flags |= N_MALFORMED;
	gssapi_dissect(d, n, &s);
}

SMB1_BODY(smb1_empty)
{
	uint8_t wct;

	(void)h;
	smb1_words(d, body, c, &wct);
	smb1_no_bytes(d, body, c);
}

SMB1_BODY(smb1_andx_only)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct)
		smb1_andx(d, body, &w, h);
	smb1_no_bytes(d, body, c);
}

/* ---- the walk ---- */

static void add_error_summary(struct dctx *d, const struct smb1_hdr *h)
{
	if (!h->response || !h->status)
		return;
	if (h->nt_status) {
		const char *s = val_lookup(field_vals(field_get(F_SMB_NT_STATUS)), h->status);
		if (s)
			dctx_summary_more(d, ", Error: %s", s);
		else
			dctx_summary_more(d, ", Error: Unknown (0x%08x)", h->status);
		return;
	}
	uint8_t cls = (uint8_t)(h->status & 0xff);
	uint16_t code = (uint16_t)(h->status >> 16);
	if (cls == 0)
		return;
	const char *s = dos_error_str(cls, code);
	if (s)
		dctx_summary_more(d, ", Error: %s", s);
	else
		dctx_summary_more(d, ", Error: Unknown DOS error (0x%04x)", code);
}

void smb1_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	struct smb1_hdr h;
	struct node *smb = t_proto(t, parent, F_SMB, cur_pos(c), (uint32_t)cur_left(c));

	if (!parse_hdr(c, &h)) {
		t_malformed(t, smb, cur_pos(c), "SMB header cut short");
		return;
	}
	h.req = hmap_get(&d->trace->smb1_msgs, frame_key(d->pdu->stream, d->pdu->frame, &h));
	if (h.req && h.req->cmd != h.cmd && !smb1_is_secondary(h.cmd))
		h.req = NULL; /* a secondary request keeps its primary's */
	add_header(d, smb, c, &h);

	uint8_t cmd = h.cmd;
	for (unsigned link = 0; link < SMB1_MAX_ANDX; link++) {
		const char *name = smb1_cmds[cmd].name;
		if (!name)
			name = "Unknown";
		if (link == 0)
			dctx_summary(d, "%s %s", name, h.response ? "Response" : "Request");
		else
			dctx_summary_more(d, "; %s", name);
		struct node *body = t_text(t, smb, cur_pos(c), (uint32_t)cur_left(c),
					   "%s %s (0x%02x)", name,
					   h.response ? "Response" : "Request", cmd);
		body->flags |= N_ANDX;
		body->value = cmd;
		h.cur_cmd = cmd;
		h.link = link;
		h.andx = false;
		smb1_body_fn fn = h.response ? smb1_cmds[cmd].rsp : smb1_cmds[cmd].req;
		size_t start = c->off;
		(fn ? fn : smb1_generic)(d, body, c, &h);
		body->size = (uint32_t)(c->off - start);
		if (c->err || !h.andx || h.andx_cmd == 0xff)
			break;
		size_t next = h.off + h.andx_off;
		if (next < c->off || next >= c->end) {
			t_malformed(t, smb, cur_pos(c), "AndXOffset does not advance");
			break;
		}
		cur_seek(c, next);
		cmd = h.andx_cmd;
	}
	add_error_summary(d, &h);
	if (c->err)
		t_malformed(t, smb, cur_pos(c), "SMB message cut short");
}

/* Index pass: pair requests and responses, and record what responses need
 * from their request. */
void smb1_index(struct trace *t, const struct pdu *p);
void smb1_index(struct trace *t, const struct pdu *p)
{
	struct cur c = cur_make(p->data, p->len, 0);
	struct smb1_hdr h;

	cur_skip(&c, 4);
	const uint8_t *m = cur_peek(&c, 4);
	if (!m || m[0] != 0xff || m[1] != 'S' || !parse_hdr(&c, &h))
		return;
	if (t->opts.keys)
		ks_smb1_message(t, p->stream, &c, &h);
	uint64_t key = smb1_req_key(p->stream, &h);
	struct smb1_req *rq = hmap_get(&t->smb1_msgs, key);
	if (!h.response && rq && !rq->rsp_frame && smb1_is_secondary(h.cmd) &&
	    (rq->cmd == 0x25 || rq->cmd == 0x32 || rq->cmd == 0xa0)) {
		/* A secondary request continues the unanswered transaction
		 * of its mid: the response answers the primary. */
		hmap_put(&t->smb1_msgs, frame_key(p->stream, p->frame, &h), rq);
	} else if (!h.response) {
		if (!rq || rq->cmd != h.cmd || rq->rsp_frame) {
			rq = arena_zalloc(&t->a, sizeof(*rq));
			hmap_put(&t->smb1_msgs, key, rq);
		}
		rq->cmd = h.cmd;
		rq->req_frame = p->frame;
		hmap_put(&t->smb1_msgs, frame_key(p->stream, p->frame, &h), rq);
		cur_skip(&c, 32);
		smb1_index_req(&t->a, rq, &c, &h);
	} else if (rq && rq->cmd == h.cmd) {
		if (!rq->rsp_frame)
			rq->rsp_frame = p->frame;
		hmap_put(&t->smb1_msgs, frame_key(p->stream, p->frame, &h), rq);
	}
	if (h.response && (h.cmd == 0x73 || h.cmd == 0x75) && h.status == 0)
		index_ipc_tree(t, p->stream, &c, &h);
	/* NT Create AndX responses say whether the FID is a directory (the
	 * security descriptors of NT_TRANSACT name their rights by it). */
	if (h.response && h.cmd == 0xa2 && h.nt_status && h.status == 0) {
		cur_seek(&c, h.off + 32);
		uint8_t wct = cur_u8(&c);
		struct cur w = cur_split(&c, (size_t)wct * 2);
		if (wct >= 34 && !w.err) {
			cur_skip(&w, 5);
			uint16_t fid = cur_le16(&w);
			cur_skip(&w, 60);
			uint8_t dir = cur_u8(&w);
			if (!w.err)
				hmap_put(&t->smb1_fids, smb1_fid_key(p->stream, fid),
					 (void *)(uintptr_t)(dir ? 2 : 1));
		}
	}
}
