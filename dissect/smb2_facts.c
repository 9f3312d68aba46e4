/*
 * smb2_facts.c - the header-level reading of a frame's SMB2 messages; see
 * smb2facts.h.
 *
 * Each value is what the frame's dissection would show for the field ops.c
 * reads: the header fields (MS-SMB2 2.2.1), the FileId of the bodies that
 * name one, the name of a CREATE (2.2.13), the path of a TREE_CONNECT
 * (2.2.9), the sub-codes of IOCTL (2.2.31), QUERY_DIRECTORY (2.2.33),
 * QUERY_INFO (2.2.37) and SET_INFO (2.2.39), the offset of READ and WRITE.
 * Shows are made by the tree's own adders (t_uint, t_string, t_guid) and
 * strings by the dissector's helpers (smb2_olb_cur, str_utf16le), so they
 * are the dissection's. The walk over NBSS and compound members follows
 * nbss_dissect() and smb2_dissect(); where those would note something
 * malformed, this reader gives the frame back (-1).
 */
#include "smb2facts.h"

#include <string.h>

#include "smb2.h"
#include "smb_keystate.h"
#include "tcp.h"
#include "trace.h"
#include "wirestr.h"

#define MAX_CHAIN 512          /* smb2.c's SMB2_MAX_CHAIN */
#define BIG_PDU (256u * 1024)  /* a body this big may reach max_nodes */

enum {
	CMD_NEGOTIATE = 0, CMD_SESSION_SETUP = 1, CMD_LOGOFF = 2, CMD_TREE_CONNECT = 3, CMD_TREE_DISCONNECT = 4, CMD_CREATE = 5,
	CMD_CLOSE = 6, CMD_FLUSH = 7, CMD_READ = 8, CMD_WRITE = 9, CMD_LOCK = 10, CMD_IOCTL = 11,
	CMD_CANCEL = 12, CMD_ECHO = 13, CMD_FIND = 14, CMD_NOTIFY = 15, CMD_GETINFO = 16, CMD_SETINFO = 17,
	CMD_OPLOCK_BREAK = 18,
};

struct reader {
	struct tctx t;       /* the adders' context: shows only */
	struct node *root;   /* parent of the items made */
	struct trace *tr;
	const struct pdu *p;
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

/* The FileId at body offset off of the message [h->off, h->end) of m. */
static const char *fid_at(struct reader *r, const struct cur *m, const struct smb2_hdr *h,
			  size_t off)
{
	size_t at = h->off + 64 + off;
	if (at > h->end || h->end - at < 16)
		return NULL;
	return t_guid(&r->t, r->root, F_SMB2_FID, 0, m->buf + at)->show;
}

/* The item of a string at (offset, length) read from body offset off, as
 * smb2_olb_string() makes it ("" for an empty one). */
static const struct node *olb_string(struct reader *r, const struct cur *m, const struct smb2_hdr *h,
			      size_t off, int fid)
{
	const uint8_t *b = m->buf + h->off + 64 + off;
	struct smb2_olb o = { .off = le16(b), .len = le16(b + 2) };
	if (o.len == 0)
		return t_string(&r->t, r->root, fid, 0, 0, "");
	struct cur s = smb2_olb_cur(m, h, &o);
	size_t len = cur_left(&s);
	const uint8_t *p = cur_take(&s, len);
	return t_string(&r->t, r->root, fid, 0, (uint32_t)len,
			p ? str_utf16le(r->t.a, p, len) : "");
}

static void add_sub(struct smb2_fact *f, const struct node *n)
{
	if (f->nsub < 2)
		f->sub[f->nsub++] = n;
}

static int info_level_field(uint8_t type)
{
	switch (type) {
	case 1: return F_SMB2_FILE_INFO_INFOLEVEL;
	case 2: return F_SMB2_FS_INFO_INFOLEVEL;
	case 3: return F_SMB2_SEC_INFO_INFOLEVEL;
	default: return F_SMB2_INFOLEVEL;
	}
}

/* OPLOCK_BREAK (2.2.23-25): the oplock forms (StructureSize 24) name a
 * FileId, the lease forms (36, 44) none. */
static bool oplock_break(struct reader *r, const struct cur *m, const struct smb2_hdr *h,
			 struct smb2_fact *f)
{
	size_t blen = h->end - h->off - 64;
	const uint8_t *b = m->buf + h->off + 64;
	if (blen < 2)
		return false;
	if (le16(b) == 36 || le16(b) == 44)
		return true;
	if (le16(b) != 24 || (h->response && h->status != 0))
		return false;
	return (f->fid = fid_at(r, m, h, 8)) != NULL;
}

/* The body of a request; false when this reader does not know it. */
static bool request_body(struct reader *r, const struct cur *m, const struct smb2_hdr *h,
			 struct smb2_fact *f)
{
	size_t blen = h->end - h->off - 64; /* at least 0: the header fits */
	const uint8_t *b = m->buf + h->off + 64;
	switch (h->cmd) {
	case CMD_NEGOTIATE: case CMD_SESSION_SETUP: case CMD_LOGOFF: case CMD_TREE_DISCONNECT:
	case CMD_CANCEL: case CMD_ECHO:
		return true;
	case CMD_OPLOCK_BREAK:
		return oplock_break(r, m, h, f);
	case CMD_LOCK: /* the offset of the first lock element */
		if (blen < 24)
			return false;
		if (le16(b + 2)) {
			if (blen < 48)
				return false;
			f->offset = le64(b + 24);
			f->has_offset = true;
		}
		return (f->fid = fid_at(r, m, h, 8)) != NULL;
	case CMD_TREE_CONNECT:
		if (blen < 8)
			return false;
		f->tree = olb_string(r, m, h, 4, F_SMB2_TREE)->show;
		return true;
	case CMD_CREATE: {
		if (blen < 56)
			return false;
		/* A durable handle context shows a FileId (smb2_create.c):
		 * those requests go to the dissection. */
		for (size_t k = 0; k + 4 <= blen; k++)
			if (b[k] == 'D' && b[k + 1] == 'H' &&
			    ((b[k + 2] == 'n' && (b[k + 3] == 'Q' || b[k + 3] == 'C')) ||
			     (b[k + 2] == '2' && b[k + 3] == 'C')))
				return false;
		f->name = olb_string(r, m, h, 44, F_SMB2_FILENAME)->show;
		return true;
	}
	case CMD_CLOSE: case CMD_FLUSH: case CMD_NOTIFY:
		return (f->fid = fid_at(r, m, h, 8)) != NULL;
	case CMD_READ: case CMD_WRITE:
		if (blen < 32)
			return false;
		f->offset = le64(b + 8);
		f->has_offset = true;
		return (f->fid = fid_at(r, m, h, 16)) != NULL;
	case CMD_IOCTL:
		if (blen < 56)
			return false;
		add_sub(f, t_uint(&r->t, r->root, F_SMB2_IOCTL_FUNCTION, 0, 4, le32(b + 4)));
		return (f->fid = fid_at(r, m, h, 8)) != NULL;
	case CMD_FIND:
		if (blen < 32)
			return false;
		add_sub(f, t_uint(&r->t, r->root, F_SMB2_FIND_INFOLEVEL, 0, 1, b[2]));
		f->fid = fid_at(r, m, h, 8);
		add_sub(f, olb_string(r, m, h, 24, F_SMB2_FIND_PATTERN));
		return f->fid != NULL;
	case CMD_GETINFO:
		if (blen < 40)
			return false;
		/* an input buffer the dissector reads (quota, EA list) */
		if (le32(b + 12) && (b[2] == 4 || (b[2] == 1 && b[3] == 0x0f)))
			return false;
		add_sub(f, t_uint(&r->t, r->root, F_SMB2_CLASS, 0, 1, b[2]));
		add_sub(f, t_uint(&r->t, r->root, info_level_field(b[2]), 0, 1, b[3]));
		return (f->fid = fid_at(r, m, h, 24)) != NULL;
	case CMD_SETINFO:
		if (blen < 32)
			return false;
		add_sub(f, t_uint(&r->t, r->root, F_SMB2_CLASS, 0, 1, b[2]));
		add_sub(f, t_uint(&r->t, r->root, info_level_field(b[2]), 0, 1, b[3]));
		return (f->fid = fid_at(r, m, h, 16)) != NULL;
	default:
		return false;
	}
}

/* The body of a response: only CREATE and IOCTL show a FileId; the sub-codes
 * of a response matter only when it has no request, which ops.c dissects. */
static bool response_body(struct reader *r, const struct cur *m, const struct smb2_hdr *h,
			  struct smb2_fact *f)
{
	size_t blen = h->end - h->off - 64;
	const uint8_t *b = m->buf + h->off + 64;
	switch (h->cmd) {
	case CMD_OPLOCK_BREAK:
		return oplock_break(r, m, h, f);
	case CMD_NEGOTIATE: case CMD_SESSION_SETUP: case CMD_LOCK:
	case CMD_LOGOFF: case CMD_TREE_DISCONNECT: case CMD_ECHO: case CMD_TREE_CONNECT:
	case CMD_CLOSE: case CMD_FLUSH: case CMD_NOTIFY: case CMD_READ: case CMD_WRITE:
	case CMD_FIND: case CMD_GETINFO: case CMD_SETINFO:
		return true;
	case CMD_CREATE:
		if (h->status != 0)
			return true; /* the error body */
		return (f->fid = fid_at(r, m, h, 64)) != NULL;
	case CMD_IOCTL:
		if (blen < 2)
			return false;
		if (h->status != 0 && h->status != 0x80000005 && le16(b) == 9)
			return true; /* the error body */
		if (blen < 24)
			return false;
		add_sub(f, t_uint(&r->t, r->root, F_SMB2_IOCTL_FUNCTION, 0, 4, le32(b + 4)));
		return (f->fid = fid_at(r, m, h, 8)) != NULL;
	default:
		return false;
	}
}

/* The messages of one PDU into out[*n..); false: give the frame back. */
static bool pdu_facts(struct reader *r, struct smb2_fact *out, size_t max, size_t *n)
{
	const struct pdu *p = r->p;
	if (p->flags & (PDU_CONT | PDU_INCOMPLETE | PDU_TRUNC | PDU_DGRAM))
		return false;
	if (p->len < 4)
		return false;
	struct cur c = cur_make(p->data, p->len, p->frame_off >= 0 ? (uint32_t)p->frame_off : 0);
	const uint8_t *nb = p->data;
	if (nb[0] != 0x00)
		return true; /* not a session message: no SMB (nbss.c) */
	if (nbss_len(nb) == 0)
		return true; /* an empty session message */
	size_t off = 4;
	for (int k = 0; k < MAX_CHAIN; k++) {
		size_t start = off;
		if (p->len - start < 64)
			return false;
		const uint8_t *hp = p->data + start;
		if (hp[0] != 0xfe || hp[1] != 'S' || hp[2] != 'M' || hp[3] != 'B')
			return false;
		if (*n == max)
			return false;
		struct smb2_hdr h = { .off = start };
		h.credit_charge = le16(hp + 6);
		h.status = le32(hp + 8);
		h.cmd = le16(hp + 12);
		h.flags = le32(hp + 16);
		h.next = le32(hp + 20);
		h.msg_id = le64(hp + 24);
		h.response = h.flags & SMB2_FLAGS_RESPONSE;
		h.async = h.flags & SMB2_FLAGS_ASYNC;
		if (h.async) {
			h.async_id = le64(hp + 32);
		} else {
			h.pid = le32(hp + 32);
			h.tid = le32(hp + 36);
		}
		h.sesid = le64(hp + 40);
		if (h.next && (h.next < 64 || h.next > p->len - start))
			return false; /* NextCommand outside the PDU: noted malformed */
		h.end = h.next ? start + h.next : p->len;
		if (h.end - start > BIG_PDU && !(h.cmd == CMD_READ && h.response) &&
		    !(h.cmd == CMD_WRITE && !h.response))
			return false;
		struct smb2_fact *f = &out[(*n)++];
		memset(f, 0, sizeof(*f));
		f->cmd = h.cmd;
		f->response = h.response;
		f->async = h.async;
		f->is_signed = h.flags & SMB2_FLAGS_SIGNED;
		f->msg_id = h.msg_id;
		f->sesid = h.sesid;
		f->tid = h.async ? 0 : h.tid;
		f->charge = h.credit_charge;
		f->chain_offset = h.next;
		if (h.response) {
			f->status = h.status;
			f->granted = le16(hp + 14);
		} else {
			f->credits = le16(hp + 14);
		}
		struct cur m = cur_sub(&c, start, h.end - start);
		if (f->is_signed)
			f->sig_bad = ks_smb2_verify(r->tr, p->stream, m.buf + h.off, h.end - h.off,
						    &h) == KS_SIG_BAD;
		if (!(h.response ? response_body(r, &m, &h, f) : request_body(r, &m, &h, f)))
			return false;
		if (!h.next)
			break;
		off = start + h.next;
		if (k + 1 == MAX_CHAIN)
			return false;
	}
	return true;
}

void trace_set_hook_has(struct trace *t, trace_hook_has_fn *fn)
{
	t->hook_has = fn;
}

int trace_smb2_facts(struct trace *t, struct arena *a, size_t i, struct smb2_fact *out,
		     size_t max)
{
	struct reader r = { .t = { .a = a, .nolabel = true }, .tr = t };
	r.root = tree_root(&r.t);
	if (t->opts.max_nodes < 100000)
		return -1; /* a small --max-nodes may cut the frame's tree */
	if (t->hook) { /* a graft on this frame: the dissection places it */
		if (t->hook_has) {
			if (t->hook_has(t->hook_ctx, t, i))
				return -1;
		} else {
			t->hook(t->hook_ctx, t, a, i, r.root, true);
			if (r.root->child)
				return -1;
		}
	}
	struct frame_rec fr = trace_frame(t, i);
	size_t n = 0;
	for (uint32_t k = 0; k < fr.npdus; k++) {
		struct pdu lp = trace_pdu(t, fr.first_pdu + k);
		lp.data = trace_pdu_bytes(t, a, fr.first_pdu + k);
		r.p = &lp;
		if (!pdu_facts(&r, out, max, &n))
			return -1;
	}
	return (int)n;
}
