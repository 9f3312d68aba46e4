/*
 * smb2.c - SMB2 header (MS-SMB2 2.2.1), compound chains, transform and
 * compression transform headers, request/response pairing and body
 * dispatch. Bodies live in smb2_<family>.c.
 *
 * Header, 64 bytes:
 *   0 ProtocolId  4 StructureSize  6 CreditCharge  8 Status | ChannelSequence+Reserved
 *  12 Command    14 Credits       16 Flags        20 NextCommand
 *  24 MessageId  32 AsyncId | Reserved(ProcessId)+TreeId
 *  40 SessionId  48 Signature
 */
#include "smb2.h"

#include <stdio.h>
#include <string.h>

#include "smb_crypto.h"
#include "smb_keystate.h"

#define SMB2_MAX_CHAIN 512

/* Bodies not dissected yet show as the command's text item only. */
const struct smb2_cmd_desc smb2_cmds[SMB2_NCMDS] = {
	[SMB2_NEGOTIATE] = { "Negotiate Protocol", 36, 65, smb2_negotiate_req, smb2_negotiate_rsp, NULL },
	[SMB2_SESSION_SETUP] = { "Session Setup", 25, 9, smb2_session_setup_req, smb2_session_setup_rsp, NULL },
	[SMB2_LOGOFF] = { "Session Logoff", 4, 4, smb2_logoff, smb2_logoff, NULL },
	[SMB2_TREE_CONNECT] = { "Tree Connect", 9, 16, smb2_tree_connect_req, smb2_tree_connect_rsp, NULL },
	[SMB2_TREE_DISCONNECT] = { "Tree Disconnect", 4, 4, smb2_tree_disconnect, smb2_tree_disconnect, NULL },
	[SMB2_CREATE] = { "Create", 57, 89, smb2_create_req, smb2_create_rsp, smb2_create_index },
	[SMB2_CLOSE] = { "Close", 24, 60, smb2_close_req, smb2_close_rsp, NULL },
	[SMB2_FLUSH] = { "Flush", 24, 4, smb2_flush_req, smb2_flush_rsp, NULL },
	[SMB2_READ] = { "Read", 49, 17, smb2_read_req, smb2_read_rsp, NULL },
	[SMB2_WRITE] = { "Write", 49, 17, smb2_write_req, smb2_write_rsp, NULL },
	[SMB2_LOCK] = { "Lock", 48, 4, smb2_lock_req, smb2_lock_rsp, NULL },
	[SMB2_IOCTL] = { "Ioctl", 57, 49, smb2_ioctl_req, smb2_ioctl_rsp, smb2_ioctl_index },
	[SMB2_CANCEL] = { "Cancel", 4, 0, smb2_cancel_req, NULL, NULL },
	[SMB2_ECHO] = { "KeepAlive", 4, 4, smb2_echo, smb2_echo, NULL },
	[SMB2_QUERY_DIRECTORY] = { "Find", 33, 9, smb2_find_req, smb2_find_rsp, smb2_find_index },
	[SMB2_CHANGE_NOTIFY] = { "Notify", 32, 9, smb2_notify_req, smb2_notify_rsp, NULL },
	[SMB2_QUERY_INFO] = { "GetInfo", 41, 9, smb2_getinfo_req, smb2_getinfo_rsp, smb2_info_index },
	[SMB2_SET_INFO] = { "SetInfo", 33, 2, smb2_setinfo_req, smb2_setinfo_rsp, smb2_info_index },
	[SMB2_OPLOCK_BREAK] = { "Break", 24, 24, smb2_break_req, smb2_break_rsp, NULL },
};

static const int flags_subs[] = {
	F_SMB2_FLAGS_RESPONSE, F_SMB2_FLAGS_ASYNC, F_SMB2_FLAGS_CHAINED,
	F_SMB2_FLAGS_SIGNATURE, F_SMB2_FLAGS_PRIORITY_MASK, F_SMB2_FLAGS_DFS,
	F_SMB2_FLAGS_REPLAY, F_INVALID
};

uint64_t smb2_req_key(uint32_t stream, uint64_t msg_id)
{
	return hmap_mix(hmap_mix(0x534d4232, stream), msg_id);
}

/* Reads the fixed header fields at c->off without adding nodes. */
static bool parse_hdr(struct cur *c, struct smb2_hdr *h)
{
	const uint8_t *p = cur_peek(c, 64);

	if (!p)
		return false;
	struct cur r = cur_sub(c, c->off, 64);
	memset(h, 0, sizeof(*h));
	h->off = c->off;
	cur_skip(&r, 6);
	h->credit_charge = cur_le16(&r);
	h->status = cur_le32(&r);
	h->cmd = cur_le16(&r);
	cur_skip(&r, 2);
	h->flags = cur_le32(&r);
	h->next = cur_le32(&r);
	h->msg_id = cur_le64(&r);
	h->response = h->flags & SMB2_FLAGS_RESPONSE;
	h->async = h->flags & SMB2_FLAGS_ASYNC;
	if (h->async) {
		h->async_id = cur_le64(&r);
	} else {
		h->pid = cur_le32(&r);
		h->tid = cur_le32(&r);
	}
	h->sesid = cur_le64(&r);
	return !r.err;
}

/* End of the compound member starting at h->off. */
static size_t member_end(const struct cur *c, const struct smb2_hdr *h)
{
	if (h->next && h->next >= 64 && h->next <= c->end - h->off)
		return h->off + h->next;
	return c->end;
}

static void add_header(struct dctx *d, struct node *smb2, struct cur *c,
		       const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	if (t->dry) { /* parse_hdr() read these 64 bytes: nothing for a summary */
		cur_skip(c, 64);
		return;
	}
	struct node *hn = t_text(t, smb2, cur_pos(c), 64, "SMB2 Header");

	r_uint_be(t, hn, F_SMB2_PROTOCOL_ID, c, 4);
	r_uint(t, hn, F_SMB2_HEADER_LEN, c, 2);
	r_uint(t, hn, F_SMB2_CREDIT_CHARGE, c, 2);
	if (h->response) {
		r_uint(t, hn, F_SMB2_NT_STATUS, c, 4);
	} else {
		r_uint(t, hn, F_SMB2_CHANNEL_SEQUENCE, c, 2);
		r_bytes(t, hn, F_SMB2_RESERVED, c, 2);
	}
	r_uint(t, hn, F_SMB2_CMD, c, 2);
	r_uint(t, hn, h->response ? F_SMB2_CREDITS_GRANTED : F_SMB2_CREDITS_REQUESTED,
	       c, 2);
	r_bitmask(t, hn, F_SMB2_FLAGS, c, 4, flags_subs);
	r_uint(t, hn, F_SMB2_CHAIN_OFFSET, c, 4);
	r_uint(t, hn, F_SMB2_MSG_ID, c, 8);
	if (h->async) {
		r_uint(t, hn, F_SMB2_AID, c, 8);
	} else {
		r_uint(t, hn, F_SMB2_PID, c, 4);
		r_uint(t, hn, F_SMB2_TID, c, 4);
	}
	r_uint(t, hn, F_SMB2_SESID, c, 8);
	uint32_t sig_pos = cur_pos(c);
	r_bytes(t, hn, F_SMB2_SIGNATURE, c, 16);
	/* Signature check (smb_keystate.c); decrypted messages carry none. */
	if (h->flags & SMB2_FLAGS_SIGNED && !t->dry && !c->err &&
	    c->buf == d->pdu->data && h->end > h->off)
		ks_sig_node(t, hn, F_SMB2_SIGNATURE_STATUS, sig_pos, 16,
			    ks_smb2_verify(d->trace, d->pdu->stream, c->buf + h->off,
					   h->end - h->off, h));

	struct smb2_req *rq = h->req;
	if (!rq)
		return;
	uint32_t pos = (uint32_t)(c->pos0 + h->off);
	if (!h->response && rq->rsp_frame) {
		t_uint(t, hn, F_SMB2_RESPONSE_IN, pos, 0, rq->rsp_frame)->flags |= N_GENERATED;
	} else if (h->response && rq->req_frame) {
		t_uint(t, hn, F_SMB2_RESPONSE_TO, pos, 0, rq->req_frame)->flags |= N_GENERATED;
		/* as Wireshark: this response's time (an interim one's too) */
		struct frame_rec q;
		const struct frame_rec *r = d->frame;
		if (r && trace_frame_by_num(d->trace, rq->req_frame, &q))
			t_timedelta(t, hn, F_SMB2_TIME, pos, 0, r->sec, r->nsec, q.sec,
				    q.nsec)->flags |= N_GENERATED;
	}
}

static const char *cmd_name(uint16_t cmd)
{
	return cmd < SMB2_NCMDS ? smb2_cmds[cmd].name : NULL;
}

static void summarize(struct dctx *d, const struct smb2_hdr *h)
{
	const char *name = cmd_name(h->cmd);

	if (name)
		dctx_summary(d, "%s %s", name, h->response ? "Response" : "Request");
	else
		dctx_summary(d, "Unknown command 0x%04x %s", h->cmd,
			     h->response ? "Response" : "Request");
	if (h->response && h->status != 0) {
		const char *s = val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), h->status);
		if (s)
			dctx_summary_more(d, ", Error: %s", s);
		else
			dctx_summary_more(d, ", Error: 0x%08x", h->status);
	}
}

/*
 * Whether a body's StructureSize (its first two bytes, MS-SMB2 2.2) is the
 * one its command's table row gives, as libsmb2 checks before it reads
 * fixed offsets: a response may be the error body (2.2.2, 9), an
 * OPLOCK_BREAK the lease forms (2.2.23.2 notification 44, 2.2.24.2 and
 * 2.2.25.2 acknowledgment and response 36) besides the oplock one (24).
 */
static bool structure_size_ok(const struct smb2_hdr *h, uint16_t size)
{
	const struct smb2_cmd_desc *desc = &smb2_cmds[h->cmd];

	if (size == (h->response ? desc->rsp_size : desc->req_size))
		return true;
	if (h->response && size == 9)
		return true;
	return h->cmd == SMB2_OPLOCK_BREAK && (size == 36 || size == 44);
}

static void dissect_body(struct dctx *d, struct node *smb2, struct cur *c,
			 const struct smb2_hdr *h)
{
	const char *name = cmd_name(h->cmd);
	/* "%s %s (0x%02x)", joined by hand (one per PDU) */
	char hx[8] = { ' ', '(', '0', 'x', "0123456789abcdef"[h->cmd >> 4 & 15],
		       "0123456789abcdef"[h->cmd & 15], ')', '\0' };
	struct node *body =
		d->t.dry || h->cmd > 0xff
			? t_text(&d->t, smb2, cur_pos(c), (uint32_t)cur_left(c), "%s %s (0x%02x)",
				 name ? name : "Unknown", h->response ? "Response" : "Request",
				 h->cmd)
			: tree_add(&d->t, smb2, NULL,
				   arena_cat(d->t.a, name ? name : "Unknown",
					     h->response ? " Response" : " Request", hx, (char *)NULL),
				   NULL, cur_pos(c), (uint32_t)cur_left(c));
	if (!name)
		return;
	const struct smb2_cmd_desc *desc = &smb2_cmds[h->cmd];
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_peek(c, 2);
	smb2_body_fn fn = h->response ? desc->rsp : desc->req;
	if (fn)
		fn(d, body, c, h);
	if (p && !structure_size_ok(h, (uint16_t)(p[0] | p[1] << 8)))
		t_malformed(&d->t, body, pos,
			    arena_printf(d->t.a, "StructureSize %u, expected %u",
					 p[0] | p[1] << 8,
					 h->response ? desc->rsp_size : desc->req_size));
}

static const char *cipher_name(uint16_t cipher)
{
	switch (cipher) {
	case SMB_AES128_CCM: return "AES-128-CCM";
	case SMB_AES128_GCM: return "AES-128-GCM";
	case SMB_AES256_CCM: return "AES-256-CCM";
	case SMB_AES256_GCM: return "AES-256-GCM";
	default: return "unknown cipher";
	}
}

/* smb2.decryption.status: what became of the encrypted data. */
static void decryption_node(struct dctx *d, struct node *parent, uint32_t pos,
			    uint32_t size, const struct ks_plain *pl)
{
	static const char *const show[] = {
		[KS_DECRYPTED] = "decrypted", [KS_TAG_MISMATCH] = "failed",
		[KS_NO_KEY] = "no key", [KS_BAD_HEADER] = "failed",
	};
	struct tctx *t = &d->t;
	struct node *n = t_custom(t, parent, F_SMB2_DECRYPTION_STATUS, pos, size,
				  show[pl->status], show[pl->status]);
	n->flags |= N_GENERATED;
	if (t->dry)
		return;
	switch (pl->status) {
	case KS_DECRYPTED:
		n->label = arena_printf(t->a, "Decrypted SMB3 (%s)", cipher_name(pl->cipher));
		break;
	case KS_TAG_MISMATCH:
		n->label = "decryption failed (authentication tag mismatch)";
		n->flags |= N_MALFORMED;
		break;
	case KS_BAD_HEADER:
		n->label = "decryption failed (transform header inconsistent)";
		n->flags |= N_MALFORMED;
		break;
	default:
		n->label = "not decrypted: no key for this session";
		break;
	}
}

/*
 * Transform header (MS-SMB2 2.2.41): encrypted message. When the index
 * pass decrypted it (smb_keystate.c), the plaintext is dissected under the
 * "Encrypted SMB3 data" item as Wireshark does, with positions relative to
 * the decrypted bytes.
 */
static void dissect_transform(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	size_t start = c->off;
	struct node *smb2 = t_proto(t, parent, F_SMB2, cur_pos(c), (uint32_t)cur_left(c));
	struct node *hn = t_text(t, smb2, cur_pos(c), 52, "SMB2 Transform Header");

	r_uint_be(t, hn, F_SMB2_PROTOCOL_ID, c, 4);
	r_bytes(t, hn, F_SMB2_HEADER_TRANSFORM_SIGNATURE, c, 16);
	r_bytes(t, hn, F_SMB2_HEADER_TRANSFORM_NONCE, c, 16);
	r_uint(t, hn, F_SMB2_HEADER_TRANSFORM_MSG_SIZE, c, 4);
	r_bytes(t, hn, F_SMB2_HEADER_TRANSFORM_RESERVED, c, 2);
	static const int tf_subs[] = { F_SMB2_HEADER_TRANSFORM_FLAGS_ENCRYPTED, F_INVALID };
	r_bitmask(t, hn, F_SMB2_HEADER_TRANSFORM_FLAGS, c, 2, tf_subs);
	r_uint(t, hn, F_SMB2_SESID, c, 8);
	if (c->err) {
		t_malformed(t, smb2, cur_pos(c), "transform header cut short");
		return;
	}
	uint32_t pos = cur_pos(c), size = (uint32_t)cur_left(c);
	struct node *enc = t_text(t, smb2, pos, size, "Encrypted SMB3 data");
	const struct ks_plain *pl = c->buf == d->pdu->data
					    ? ks_plain_lookup(d->trace, c->buf + start) : NULL;
	if (pl)
		decryption_node(d, hn, pos, size, pl);
	if (pl && pl->status == KS_DECRYPTED && d->depth < 4) {
		struct cur pc = cur_make(pl->data, pl->len, 0);
		dctx_summary(d, "Decrypted SMB3");
		d->depth++;
		smb2_dissect(d, enc, &pc);
		d->depth--;
		cur_skip(c, cur_left(c));
		return;
	}
	r_bytes(t, enc, F_SMB2_HEADER_TRANSFORM_ENC_DATA, c, cur_left(c));
	dctx_summary(d, "Encrypted SMB3");
}


void smb2_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	const uint8_t *m = cur_peek(c, 4);

	if (m && m[0] == 0xfd) {
		dissect_transform(d, parent, c);
		return;
	}
	if (m && m[0] == 0xfc) {
		smb2_compressed(d, parent, c);
		return;
	}
	for (int i = 0; i < SMB2_MAX_CHAIN && cur_left(c) > 0; i++) {
		struct smb2_hdr h;
		size_t start = c->off;
		struct node *smb2 = t_proto(&d->t, parent, F_SMB2, cur_pos(c),
					    (uint32_t)cur_left(c));
		if (!parse_hdr(c, &h)) {
			t_malformed(&d->t, smb2, cur_pos(c), "SMB2 header cut short");
			return;
		}
		h.end = member_end(c, &h);
		smb2->size = (uint32_t)(h.end - start);
		struct smb2_req pair;
		h.req = smb2_pair(d, &h, &pair);
		struct cur m2 = cur_sub(c, start, h.end - start);
		add_header(d, smb2, &m2, &h);
		summarize(d, &h);
		if (!m2.err)
			dissect_body(d, smb2, &m2, &h);
		if (m2.err)
			t_malformed(&d->t, smb2, cur_pos(&m2), "SMB2 message cut short");
		if (!h.next)
			break;
		if (h.next < 64 || h.next > c->end - start) {
			t_malformed(&d->t, smb2, (uint32_t)(c->pos0 + start + 20),
				    "NextCommand points outside the PDU");
			break;
		}
		c->off = start + h.next;
	}
}

/*
 * Pairing. A request and its response that are each the one SMB2 message
 * of their PDU (almost all) point at each other's PDU (trace_pdu_pair), and an
 * interim response at its request: the dissection finds the other frame
 * there and runs the request's index hook again on its bytes for the facts
 * a response shows (smb2_pair). A request superseded by another of the
 * same message id and command before its answer points at the first
 * request of that id, which points at the newest. A response that comes again after the answer (the same final
 * response sent twice, two sessions' requests of one id) points at the
 * request answered last under its key, found in a cache of recent answers
 * (smb2_reqs_done); the request keeps its first answer. When either
 * message is in a compound, an encrypted or a compressed PDU, its PDU gets
 * PK_SMB2_SIDE and the request's record (with its facts) goes to
 * t->smb2_side by smb2_req_key(), where the dissection of such PDUs looks
 * (the last record of a key wins).
 */

/* Takes q out of the unanswered requests, its record to the side table if
 * its pair is kept there; answered: remembered for a response that comes
 * again (smb2_reqs_done). */
static void retire(struct trace *t, struct smb2_live *q, bool answered)
{
	if (q->side) {
		struct smb2_req *v = arena_alloc(&t->a, sizeof(*v));
		*v = q->r;
		hmap_put(&t->smb2_side, q->key, v);
	}
	if (answered)
		smb2_reqs_done(&t->smb2_reqs, q);
	smb2_reqs_answered(&t->smb2_reqs, q->key);
}

static void side_one(void *ctx, struct smb2_live *q)
{
	struct trace *t = ctx;

	if (q->side) {
		struct smb2_req *v = arena_alloc(&t->a, sizeof(*v));
		*v = q->r;
		hmap_put(&t->smb2_side, q->key, v);
	}
}

void smb2_index_finish(struct trace *t)
{
	smb2_reqs_each(&t->smb2_reqs, side_one, t);
	smb2_reqs_free(&t->smb2_reqs);
}

/* The pair of a request and a response goes to the side table: both PDUs
 * are marked, the record is kept when the request is taken out. */
static void to_side(struct trace *t, struct smb2_live *rq, uint32_t cur)
{
	rq->side = true;
	t->pdus[cur].flags |= PK_SMB2_SIDE;
	t->pdus[rq->req_pdu].flags |= PK_SMB2_SIDE;
}

/* Response h whose key has no unanswered request: one more answer to the
 * request answered last under its key (a final response sent twice, an
 * interim one after the final), paired as the first answer was; the
 * request's own pair stays the first answer. */
static void pair_again(struct trace *t, uint64_t key, const struct smb2_hdr *h,
		       uint32_t cur, bool plain)
{
	const struct smb2_done *a = smb2_reqs_done_get(&t->smb2_reqs, key);

	if (!a || a->cmd != h->cmd)
		return;
	if (a->side)
		t->pdus[cur].flags |= PK_SMB2_SIDE; /* the record is there */
	else if (plain)
		trace_set_pair(t, cur, a->req_pdu + 1);
}

/* Message h (of the PDU being indexed, index cur; plain: its one message,
 * as in the file) against the unanswered requests. Returns the request
 * answered by h, to take out after its index hook, or NULL. */
static struct smb2_live *pair_msg(struct trace *t, const struct pdu *p,
				  struct smb2_hdr *h, uint32_t cur, bool plain)
{
	uint64_t key = smb2_req_key(p->stream, h->msg_id);
	struct smb2_live *rq = smb2_reqs_live(&t->smb2_reqs, key);

	if (!h->response && h->cmd != SMB2_CANCEL) {
		if (rq && rq->r.cmd != h->cmd) {
			retire(t, rq, false);
			rq = NULL;
		}
		if (!rq) {
			rq = smb2_reqs_new(&t->smb2_reqs, key);
			rq->first_pdu = cur;
		} else if (rq->req_pdu != cur && !(t->pdus[rq->req_pdu].flags & PK_SMB2_SIDE) &&
			   !(t->pdus[rq->first_pdu].flags & PK_SMB2_SIDE)) {
			/* superseded: the first request of the key points at the
			 * newest, the others at the first (two hops, however many) */
			trace_set_pair(t, rq->first_pdu, cur + 1);
			if (rq->req_pdu != rq->first_pdu)
				trace_set_pair(t, rq->req_pdu, rq->first_pdu + 1);
		}
		rq->r.cmd = h->cmd;
		rq->r.req_frame = p->frame;
		rq->req_pdu = cur;
		if (!plain)
			to_side(t, rq, cur);
		h->req = &rq->r;
		return NULL;
	}
	if (h->response && !rq)
		pair_again(t, key, h, cur, plain);
	if (!h->response || !rq || rq->r.cmd != h->cmd)
		return NULL;
	bool interim = h->async && h->status == STATUS_PENDING;
	if (plain && !rq->side) {
		trace_set_pair(t, cur, rq->req_pdu + 1);
		if (!interim)
			trace_set_pair(t, rq->req_pdu, cur + 1);
	} else {
		to_side(t, rq, cur);
	}
	if (interim)
		return NULL; /* it does not answer: the final response will */
	if (!rq->r.rsp_frame)
		rq->r.rsp_frame = p->frame;
	h->req = &rq->r;
	return rq;
}

/* Index pass over the messages of c (plaintext SMB2, possibly a compound):
 * pair requests and responses by (stream, message id), feed the key state. */
static void index_msgs(struct trace *t, const struct pdu *p, struct cur c)
{
	uint32_t cur = (uint32_t)(t->npdus - 1); /* the PDU being indexed */
	bool raw = t->npdus && p->data == t->indexing; /* c is its bytes */

	for (int i = 0; i < SMB2_MAX_CHAIN; i++) {
		struct smb2_hdr h;
		size_t start = c.off;
		if (!parse_hdr(&c, &h))
			return;
		h.end = member_end(&c, &h);
		h.fa = &t->a;
		if (t->opts.keys)
			ks_smb2_message(t, p->stream, &c, &h);
		struct smb2_live *done = NULL;
		if (t->npdus)
			done = pair_msg(t, p, &h, cur, raw && i == 0 && !h.next);
		if (h.cmd < SMB2_NCMDS && smb2_cmds[h.cmd].index && h.req) {
			struct cur m2 = cur_sub(&c, start, h.end - start);
			cur_skip(&m2, 64);
			smb2_cmds[h.cmd].index(t, &m2, &h);
		}
		if (done)
			retire(t, done, true);
		if (!h.next || h.next < 64 || h.next > c.end - start)
			return;
		c.off = start + h.next;
	}
}

/* The facts of request PDU j's message (msg_id, cmd of h) into out: its
 * index hook run again on its bytes, in d's arena. */
static void redo_facts(struct dctx *d, size_t j, const struct smb2_hdr *h,
		       struct smb2_req *out)
{
	struct trace *t = d->trace;
	const uint8_t *b = trace_pdu_bytes(t, d->t.a, j);
	struct cur c = cur_make(b, t->pdus[j].len, 0);
	struct smb2_hdr rh;

	cur_skip(&c, 4);
	if (!parse_hdr(&c, &rh) || rh.msg_id != h->msg_id || rh.cmd != h->cmd || rh.response)
		return;
	rh.end = member_end(&c, &rh);
	rh.req = out;
	rh.fa = d->t.a;
	struct cur m2 = cur_sub(&c, rh.off, rh.end - rh.off);
	cur_skip(&m2, 64);
	smb2_cmds[rh.cmd].index(t, &m2, &rh);
}

struct smb2_req *smb2_pair(struct dctx *d, const struct smb2_hdr *h, struct smb2_req *out)
{
	struct trace *t = d->trace;
	size_t i = d->pdu_index;

	if (i >= t->npdus)
		return NULL;
	if (t->pdus[i].flags & PK_SMB2_SIDE) {
		struct smb2_req *rq = hmap_get(&t->smb2_side,
					       smb2_req_key(d->pdu->stream, h->msg_id));
		return rq && rq->cmd == h->cmd ? rq : NULL;
	}
	/* A superseded request's pair is the newer request (same direction). */
	uint32_t j = trace_pdu_pair(t, i), dir = t->pdus[i].flags & PK_TO_SERVER;
	for (int hop = 0; j && (t->pdus[j - 1].flags & PK_TO_SERVER) == dir; hop++)
		j = !h->response && hop < 16 ? trace_pdu_pair(t, j - 1) : 0;
	if (!j)
		return NULL;
	j--;
	memset(out, 0, sizeof(*out));
	out->cmd = h->cmd;
	if (d->t.dry) {
		/* a summary: the frame numbers only go into the tree */
	} else if (!h->response) {
		out->req_frame = d->frame ? d->frame->num : 0;
		out->rsp_frame = trace_pdu_frame_num(t, j);
		return out;
	} else {
		out->req_frame = trace_pdu_frame_num(t, j);
		uint32_t k = trace_pdu_pair(t, j);
		out->rsp_frame = k ? trace_pdu_frame_num(t, k - 1) : 0;
	}
	if (h->response && h->cmd < SMB2_NCMDS && smb2_cmds[h->cmd].index)
		redo_facts(d, j, h, out);
	return out;
}

/* Index pass of one PDU; transform messages are decrypted here (with keys)
 * so their plaintext is paired like clear messages. */
void smb2_index(struct trace *t, const struct pdu *p)
{
	struct cur c = cur_make(p->data, p->len, 0);

	cur_skip(&c, 4);
	const uint8_t *m = cur_peek(&c, 4);
	if (!m)
		return;
	if ((m[0] == 0xfd || m[0] == 0xfc) && t->npdus)
		t->pdus[t->npdus - 1].flags |= PK_SMB2_SIDE;
	if (m[0] == 0xfd) {
		struct trace_crypt *cs = &t->crypt;
		struct cur sc = cur_make(m, cur_left(&c), 0);
		cur_skip(&sc, 44); /* SessionId (0 when cut short) */
		uint64_t sesid = cur_le64(&sc);
		cs->total++;
		if (!t->opts.keys) {
			if (!cs->no_key++)
				cs->no_key_sesid = sesid;
			return;
		}
		const struct ks_plain *pl = ks_smb2_decrypt(t, p->stream, p->to_server,
							    m, cur_left(&c));
		if (pl->status == KS_NO_KEY && !cs->no_key++)
			cs->no_key_sesid = sesid;
		else if (pl->status == KS_TAG_MISMATCH && !cs->tag_mismatch++)
			cs->mismatch_sesid = sesid;
		else if (pl->status == KS_BAD_HEADER)
			cs->bad_header++;
		/* The plaintext (clear or compressed) is indexed as a PDU of its
		 * own: ks keeps 4 spare bytes before it for the NBSS prefix. */
		if (pl->status == KS_DECRYPTED && pl->len >= 64 && pl->data[0] != 0xfd) {
			struct pdu plain = *p;
			plain.data = pl->data - 4;
			plain.len = pl->len + 4;
			smb2_index(t, &plain);
		}
		return;
	}
	if (m[0] == 0xfc && p->len <= (64u << 20)) {
		smb2_index_compressed(t, p);
		return;
	}
	if (m[0] != 0xfe)
		return;
	index_msgs(t, p, c);
}
