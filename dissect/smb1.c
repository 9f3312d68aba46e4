/*
 * smb1.c - SMB1 header (MS-CIFS 2.2.3.1), request/response pairing by
 * (stream, MID, PID, TID, UID... as Wireshark: MID and PID) and body
 * dispatch.
 *
 *   0 Protocol "\xffSMB"  4 Command  5 Status (NT status, or class, reserved,
 *   DOS code)  9 Flags  10 Flags2  12 PIDHigh  14 SecurityFeatures (8)
 *  22 Reserved  24 TID  26 PIDLow  28 UID  30 MID
 */
#include "smb1.h"

#include <stdio.h>
#include <string.h>

const struct smb1_cmd_desc smb1_cmds[256] = {
	[0x00] = { "Create Directory", NULL, NULL },
	[0x01] = { "Delete Directory", NULL, NULL },
	[0x02] = { "Open", NULL, NULL },
	[0x03] = { "Create", NULL, NULL },
	[0x04] = { "Close", NULL, NULL },
	[0x05] = { "Flush", NULL, NULL },
	[0x06] = { "Delete", NULL, NULL },
	[0x07] = { "Rename", NULL, NULL },
	[0x08] = { "Query Information", NULL, NULL },
	[0x09] = { "Set Information", NULL, NULL },
	[0x0a] = { "Read", NULL, NULL },
	[0x0b] = { "Write", NULL, NULL },
	[0x0c] = { "Lock Byte Range", NULL, NULL },
	[0x0d] = { "Unlock Byte Range", NULL, NULL },
	[0x0e] = { "Create Temp", NULL, NULL },
	[0x0f] = { "Create New", NULL, NULL },
	[0x10] = { "Check Directory", NULL, NULL },
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
	[0x22] = { "Set Information2", NULL, NULL },
	[0x23] = { "Query Information2", NULL, NULL },
	[0x24] = { "Locking AndX", NULL, NULL },
	[0x25] = { "Trans", NULL, NULL },
	[0x26] = { "Trans Secondary", NULL, NULL },
	[0x27] = { "IOCTL", NULL, NULL },
	[0x28] = { "IOCTL Secondary", NULL, NULL },
	[0x29] = { "Copy", NULL, NULL },
	[0x2a] = { "Move", NULL, NULL },
	[0x2b] = { "Echo", NULL, NULL },
	[0x2c] = { "Write And Close", NULL, NULL },
	[0x2d] = { "Open AndX", NULL, NULL },
	[0x2e] = { "Read AndX", NULL, NULL },
	[0x2f] = { "Write AndX", NULL, NULL },
	[0x30] = { "New File Size", NULL, NULL },
	[0x31] = { "Close And Tree Disconnect", NULL, NULL },
	[0x32] = { "Trans2", NULL, NULL },
	[0x33] = { "Trans2 Secondary", NULL, NULL },
	[0x34] = { "Find Close2", NULL, NULL },
	[0x35] = { "Find Notify Close", NULL, NULL },
	[0x70] = { "Tree Connect", NULL, NULL },
	[0x71] = { "Tree Disconnect", NULL, NULL },
	[0x72] = { "Negotiate Protocol", NULL, NULL },
	[0x73] = { "Session Setup AndX", NULL, NULL },
	[0x74] = { "Logoff AndX", NULL, NULL },
	[0x75] = { "Tree Connect AndX", NULL, NULL },
	[0x80] = { "Query Information Disk", NULL, NULL },
	[0x81] = { "Search", NULL, NULL },
	[0x82] = { "Find", NULL, NULL },
	[0x83] = { "Find Unique", NULL, NULL },
	[0x84] = { "Find Close", NULL, NULL },
	[0xa0] = { "NT Trans", NULL, NULL },
	[0xa1] = { "NT Trans Secondary", NULL, NULL },
	[0xa2] = { "NT Create AndX", NULL, NULL },
	[0xa4] = { "NT Cancel", NULL, NULL },
	[0xa5] = { "NT Rename", NULL, NULL },
	[0xc0] = { "Open Print File", NULL, NULL },
	[0xc1] = { "Write Print File", NULL, NULL },
	[0xc2] = { "Close Print File", NULL, NULL },
	[0xc3] = { "Get Print Queue", NULL, NULL },
	[0xd8] = { "Read Bulk", NULL, NULL },
	[0xd9] = { "Write Bulk", NULL, NULL },
	[0xda] = { "Write Bulk Data", NULL, NULL },
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

static void add_header(struct dctx *d, struct node *smb, struct cur *c,
		       const struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	struct node *hn = t_text(t, smb, cur_pos(c), 32, "SMB Header");

	r_uint(t, hn, F_SMB_SERVER_COMPONENT, c, 4);
	r_uint(t, hn, F_SMB_CMD, c, 1);
	if (h->nt_status) {
		r_uint(t, hn, F_SMB_NT_STATUS, c, 4);
	} else {
		r_uint(t, hn, F_SMB_ERROR_CLASS, c, 1);
		r_bytes(t, hn, F_SMB_RESERVED, c, 1);
		r_uint(t, hn, F_SMB_ERROR_CODE, c, 2);
	}
	r_bitmask(t, hn, F_SMB_FLAGS, c, 1, flags_subs);
	r_bitmask(t, hn, F_SMB_FLAGS2, c, 2, flags2_subs);
	r_uint(t, hn, F_SMB_PID_HIGH, c, 2);
	r_bytes(t, hn, F_SMB_SIGNATURE, c, 8);
	r_bytes(t, hn, F_SMB_RESERVED, c, 2);
	r_uint(t, hn, F_SMB_TID, c, 2);
	r_uint(t, hn, F_SMB_PID, c, 2);
	r_uint(t, hn, F_SMB_UID, c, 2);
	r_uint(t, hn, F_SMB_MID, c, 2);

	struct smb1_req *rq = h->req;
	if (!rq)
		return;
	uint32_t pos = (uint32_t)(c->pos0 + h->off);
	if (!h->response && rq->rsp_frame) {
		t_uint(t, hn, F_SMB_RESPONSE_IN, pos, 0, rq->rsp_frame)->flags |= N_GENERATED;
	} else if (h->response && rq->req_frame) {
		t_uint(t, hn, F_SMB_RESPONSE_TO, pos, 0, rq->req_frame)->flags |= N_GENERATED;
		int64_t ns = (rq->rsp_sec - rq->req_sec) * 1000000000LL +
			     ((int64_t)rq->rsp_nsec - (int64_t)rq->req_nsec);
		t_reltime(t, hn, F_SMB_TIME, pos, 0, ns)->flags |= N_GENERATED;
	}
}

/* Generic block: WordCount, words, ByteCount, bytes. */
static void generic_block(struct dctx *d, struct node *body, struct cur *c)
{
	struct tctx *t = &d->t;
	uint8_t wct = (uint8_t)r_uint(t, body, F_SMB_WCT, c, 1);

	if (wct) {
		t_text(t, body, cur_pos(c), (uint32_t)wct * 2, "Parameter words: %u", wct);
		cur_skip(c, (size_t)wct * 2);
	}
	uint16_t bcc = (uint16_t)r_uint(t, body, F_SMB_BCC, c, 2);
	if (bcc) {
		t_text(t, body, cur_pos(c), bcc, "Data bytes: %u", bcc);
		cur_skip(c, bcc);
	}
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
	h.req = hmap_get(&d->trace->smb1_msgs, smb1_req_key(d->pdu->stream, &h));
	if (h.req && h.req->cmd != h.cmd)
		h.req = NULL;
	add_header(d, smb, c, &h);

	const char *name = smb1_cmds[h.cmd].name;
	dctx_summary(d, "%s %s", name ? name : "Unknown",
		     h.response ? "Response" : "Request");
	if (h.response && h.status) {
		if (h.nt_status) {
			const char *s = val_lookup(field_get(F_SMB_NT_STATUS)->vals, h.status);
			if (s)
				dctx_summary_more(d, ", Error: %s", s);
			else
				dctx_summary_more(d, ", Error: 0x%08x", h.status);
		} else {
			dctx_summary_more(d, ", Error: class 0x%02x code 0x%04x",
					  h.status & 0xff, h.status >> 16);
		}
	}
	struct node *body = t_text(t, smb, cur_pos(c), (uint32_t)cur_left(c),
				   "%s %s (0x%02x)", name ? name : "Unknown",
				   h.response ? "Response" : "Request", h.cmd);
	smb1_body_fn fn = h.response ? smb1_cmds[h.cmd].rsp : smb1_cmds[h.cmd].req;
	if (fn)
		fn(d, body, c, &h);
	else
		generic_block(d, body, c);
	if (c->err)
		t_malformed(t, smb, cur_pos(c), "SMB message cut short");
}

/* Index pass: pair requests and responses. */
void smb1_index(struct trace *t, const struct pdu *p, int64_t sec, uint32_t nsec)
{
	struct cur c = cur_make(p->data, p->len, 0);
	struct smb1_hdr h;

	cur_skip(&c, 4);
	const uint8_t *m = cur_peek(&c, 4);
	if (!m || m[0] != 0xff || !parse_hdr(&c, &h))
		return;
	uint64_t key = smb1_req_key(p->stream, &h);
	struct smb1_req *rq = hmap_get(&t->smb1_msgs, key);
	if (!h.response) {
		if (!rq || rq->cmd != h.cmd || rq->rsp_frame) {
			rq = arena_zalloc(&t->a, sizeof(*rq));
			hmap_put(&t->smb1_msgs, key, rq);
		}
		rq->cmd = h.cmd;
		rq->req_frame = p->frame;
		rq->req_sec = sec;
		rq->req_nsec = nsec;
	} else if (rq && rq->cmd == h.cmd && !rq->rsp_frame) {
		rq->rsp_frame = p->frame;
		rq->rsp_sec = sec;
		rq->rsp_nsec = nsec;
	}
}
