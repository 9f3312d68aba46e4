/*
 * check.c - state checks on one trace (FK_MISUSE).
 *
 * Each check reads the operations of one side (ops.h) and reports what a
 * client or server must not do, one finding per problem and object:
 *
 *   fid_unknown      a FileId (SMB1 FID) used that no open in the capture
 *                    returned (MS-SMB2 3.3.5.2.9: the server fails it
 *                    with STATUS_FILE_CLOSED)
 *   fid_leak         a successful open never closed
 *   fid_closed_twice a Close of a handle already closed
 *   fid_after_close  a request on a handle after its Close
 *   msgid_reused     SMB2 MessageId used twice on one connection
 *                    (MS-SMB2 3.3.5.2.3), Cancel excepted
 *   msgid_skipped    a gap in the MessageIds that CreditCharge does not
 *                    explain (next id = id + max(1, CreditCharge))
 *   credits_overdrawn a request beyond the credits granted so far (one
 *                    credit to start with, then CreditResponse of every
 *                    response: MS-SMB2 3.2.4.1.5)
 *   unsigned         requests without the Signed flag in a session where
 *                    signing is required (MS-SMB2 3.2.4.1.1; SMB1: Flags2
 *                    Security Signatures, MS-SMB 3.2.4.1.1)
 *   bad_signature    a signature the dissector checked with keys: bad
 *   unanswered       a request with neither a response nor an interim
 *                    (SMB1 requests that get none by design excepted)
 *
 * Handles are followed as events in wire order: an open at its response,
 * a use or close at its request. SMB2 FileIds are global to the trace (a
 * durable reconnect or another channel may use them on another
 * connection); SMB1 FIDs belong to their connection. Sentinel ids (all
 * ones: the FileId of a related compound member, FID 0xffff) and the
 * later links of an SMB1 AndX chain after an open act on the open before
 * them. Connections whose negotiate is not in the capture started before
 * it: ids unknown there, message ids, credits and signing are not checked
 * (no flood on a trace cut mid-session); neither is a connection with
 * messages that could not be decrypted.
 *
 * A message names commands and paths, never ids or frames, so the same
 * client recorded twice gives equal messages (a comparison drops misuse
 * both traces show); repeated occurrences of one message are one finding
 * with all their operations.
 */
#include "findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xalloc.h"

/* MS-SMB2 2.2.1 commands */
#define SMB2_NEGOTIATE 0
#define SMB2_SESSION_SETUP 1
#define SMB2_LOGOFF 2
#define SMB2_TREE_DISCONNECT 4
#define SMB2_CREATE 5
#define SMB2_CLOSE 6
#define SMB2_CANCEL 12
#define SMB2_OPLOCK_BREAK 18
/* MS-CIFS 2.2.2.1 commands */
#define SMB1_CLOSE 0x04
#define SMB1_PROCESS_EXIT 0x11
#define SMB1_LOCKING_ANDX 0x24
#define SMB1_TRANS 0x25
#define SMB1_TRANS_SECONDARY 0x26
#define SMB1_CLOSE_AND_TREE_DISC 0x31
#define SMB1_TRANS2_SECONDARY 0x33
#define SMB1_TREE_DISCONNECT 0x71
#define SMB1_NEGOTIATE 0x72
#define SMB1_SESSION_SETUP 0x73
#define SMB1_LOGOFF_ANDX 0x74
#define SMB1_NT_TRANS 0xa0
#define SMB1_NT_TRANS_SECONDARY 0xa1
#define SMB1_NT_CANCEL 0xa4

#define SES_GUEST_NULL_ENCRYPT 0x7u /* MS-SMB2 2.2.6 SessionFlags */
#define SIGNING_REQUIRED 0x2u       /* MS-SMB2 2.2.4 SecurityMode */
#define SMB1_SIGNATURES_REQUIRED 0x8u /* MS-CIFS 2.2.4.52.2 SecurityMode */
#define SMB1_FLAGS2_SIG_REQUIRED 0x10u /* MS-SMB 2.2.3.1 Flags2 */
#define SMB1_ACTION_GUEST 0x1u      /* MS-CIFS 2.2.4.53.2 Action */
#define MAX_LEAK_PATHS 10           /* above: leaks grouped by directory */

struct conn_info {
	bool started;  /* its negotiate is in the capture */
	bool blind;    /* holds messages that could not be decrypted */
	uint32_t last_rsp; /* last frame with a response, or OP_NONE */
	uint32_t end_num;  /* frame number of its TCP FIN or RST, 0 if none */
	uint32_t *ends; /* Logoff / Tree Disconnect ops, in order */
	size_t nends;
};

struct chk {
	struct findings *F;
	int side;
	const struct opset *s;
	struct conn_info *ci;
	uint32_t *conn_of;   /* op -> connection index */
	struct hmap groups;  /* check + message -> finding */
	struct hmap known;   /* what a message is made of -> finding */
	struct arena scratch;
};

/* ---- helpers ---- */

static uint64_t hash_str(uint64_t h, const char *s)
{
	return hmap_mix(hmap_bytes(h, s ? s : "", s ? strlen(s) : 0), 0x73);
}

/* The finding of check with the message fmt (a new one, or the one with
 * the same message), with op opi added. */
static struct finding *report(struct chk *c, const char *check, uint32_t opi,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static struct finding *report(struct chk *c, const char *check, uint32_t opi,
			      const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	uint64_t k = hash_str(hash_str(0x6368, check), buf);
	struct finding *x = hmap_get(&c->groups, k);
	if (!x || strcmp(x->msg, buf) || strcmp(x->check, check)) {
		x = finding_new(c->F, FK_MISUSE, check, "%s", buf);
		x->side = c->side;
		hmap_put(&c->groups, k, x);
	}
	if (opi != OP_NONE)
		finding_op(c->F, x, c->side, opi);
	return x;
}

/*
 * The finding of the message made of what gk hashes (op keys, counts),
 * with op opi added; NULL when none yet: the caller formats the message
 * (names are costly on huge traces) and remembers it with remember().
 */
static struct finding *known(struct chk *c, uint64_t gk, uint32_t opi)
{
	struct finding *x = hmap_get(&c->known, gk);
	if (x)
		finding_op(c->F, x, c->side, opi);
	return x;
}

static void remember(struct chk *c, uint64_t gk, struct finding *x)
{
	hmap_put(&c->known, gk, x);
}

/* A field of a finding, value on its side: the first value of each name
 * (a group's first occurrence). */
static void field(struct chk *c, struct finding *x, const char *name, const char *v)
{
	for (size_t k = 0; k < x->nf; k++)
		if (!strcmp(x->f[k].name, name))
			return;
	finding_field(c->F, x, name, c->side ? NULL : v, c->side ? v : NULL);
}

static const struct op *op_at(const struct chk *c, uint32_t i)
{
	return &c->s->ops[i];
}

static bool is_smb(const struct op *o)
{
	return (o->proto == OP_SMB2 || o->proto == OP_SMB1) && !(o->flags & OP_ENCRYPTED);
}

/* FileId 0xff..ff, FID 0xffff: "the open before" or "none". */
static bool sentinel(const char *fid)
{
	if (!fid)
		return false;
	if (fid[0] == '0' && (fid[1] == 'x' || fid[1] == 'X'))
		fid += 2;
	if (!*fid)
		return false;
	for (; *fid; fid++)
		if (*fid != 'f' && *fid != 'F' && *fid != '-' && *fid != ':')
			return false;
	return true;
}

static bool is_open_cmd(const struct op *o)
{
	if (o->proto == OP_SMB2)
		return o->cmd == SMB2_CREATE;
	switch (o->cmd) {
	case 0x02: case 0x03: case 0x0e: case 0x0f: case 0x2d: case 0xa2:
		return true;
	default:
		return false;
	}
}

static bool is_close_cmd(const struct op *o)
{
	return o->proto == OP_SMB2 ? o->cmd == SMB2_CLOSE
				   : o->cmd == SMB1_CLOSE || o->cmd == SMB1_CLOSE_AND_TREE_DISC;
}

/* An SMB2 oplock break acknowledgement: the server's break may cross the
 * client's Close, so one after the Close is a race, not misuse. */
static bool is_break_ack(const struct op *o)
{
	return o->proto == OP_SMB2 && o->cmd == SMB2_OPLOCK_BREAK;
}

static const char *id_name(const struct op *o)
{
	return o->proto == OP_SMB2 ? "FileId" : "FID";
}

static const char *fid_field(const struct op *o)
{
	return o->proto == OP_SMB2 ? "smb2.fid" : "smb.fid";
}

static const char *path_of(const struct op *o)
{
	return o->key->path ? o->key->path : "?";
}

/* Outcome of an op in a message: its status, or "no response". */
static const char *outcome(struct chk *c, const struct op *o)
{
	return o->rsp_frame == OP_NONE ? "no response" : fnd_status(c->F, o->status);
}

/* First node of field id under n (n included), or NULL. */
static const struct node *find(const struct node *n, int id)
{
	if (!n)
		return NULL;
	if (n->field == id)
		return n;
	for (const struct node *k = n->child; k; k = k->next) {
		const struct node *r = find(k, id);
		if (r)
			return r;
	}
	return NULL;
}

/* Value of field id in op's request (rsp false) or response, or def. */
static uint64_t tree_value(struct chk *c, const struct op *o, bool rsp, int id,
			   uint64_t def)
{
	const struct node *n = find(ops_tree(c->s, o, &c->scratch, rsp, true), id);
	uint64_t v = n ? n->value : def;
	arena_reset(&c->scratch);
	return v;
}

/* ---- connections ---- */

static bool is_end_op(const struct op *o)
{
	if (o->req_frame == OP_NONE)
		return false;
	if (o->proto == OP_SMB2)
		return o->cmd == SMB2_LOGOFF || o->cmd == SMB2_TREE_DISCONNECT;
	return o->cmd == SMB1_LOGOFF_ANDX || o->cmd == SMB1_TREE_DISCONNECT ||
	       o->cmd == SMB1_PROCESS_EXIT;
}

static void conns_init(struct chk *c)
{
	const struct opset *s = c->s;
	c->ci = xcalloc(s->nconns, sizeof(*c->ci));
	c->conn_of = xcalloc(s->n, sizeof(uint32_t));
	for (size_t k = 0; k < s->nconns; k++) {
		const struct op_conn *cn = &s->conns[k];
		struct conn_info *ci = &c->ci[k];
		ci->last_rsp = OP_NONE;
		bool first = true;
		for (size_t j = 0; j < cn->n; j++) {
			uint32_t i = cn->ops[j];
			const struct op *o = op_at(c, i);
			c->conn_of[i] = (uint32_t)k;
			if (o->flags & OP_ENCRYPTED)
				ci->blind = true;
			if (o->proto != OP_SMB2 && o->proto != OP_SMB1)
				continue;
			uint32_t fi = o->req_frame != OP_NONE ? o->req_frame : o->rsp_frame;
			if (first && fi != OP_NONE) {
				const struct frame_rec fr_rec = trace_frame(s->t, fi), *fr = &fr_rec;
				ci->end_num = fr->udp ? 0 : trace_frame_stream(s->t, fr)->end_frame;
			}
			if (first)
				ci->started = o->proto == OP_SMB2 ? o->cmd == SMB2_NEGOTIATE
								  : o->cmd == SMB1_NEGOTIATE;
			first = false;
			uint32_t r = o->rsp_frame != OP_NONE ? o->rsp_frame : o->interim_frame;
			if (r != OP_NONE && (ci->last_rsp == OP_NONE || r > ci->last_rsp))
				ci->last_rsp = r;
			if (is_end_op(o)) {
				ci->ends = realloc(ci->ends, (ci->nends + 1) * sizeof(uint32_t));
				if (!ci->ends)
					abort();
				ci->ends[ci->nends++] = i;
			}
		}
	}
}

static void conns_free(struct chk *c)
{
	for (size_t k = 0; k < c->s->nconns; k++)
		free(c->ci[k].ends);
	free(c->ci);
	free(c->conn_of);
}

static const struct conn_info *conn(const struct chk *c, uint32_t opi)
{
	return &c->ci[c->conn_of[opi]];
}

/* ---- handles ---- */

enum ev_kind { EV_OPEN, EV_USE, EV_CLOSE };

/* 12 bytes: one per operation of a trace at worst, and sorted (qsort's
 * merge sort takes as much again). What the event is follows from its op:
 * its file id is the op's, or the one its chain names; its kind ev_kind(). */
struct ev {
	uint32_t frame;  /* wire position: frame, */
	uint32_t at;     /* then member << 8 | link */
	uint32_t op;
};

enum fst { FS_OPEN, FS_CLOSED };

struct fstate {
	const char *fid;
	uint32_t stream;
	uint32_t open_op, close_op;
	uint8_t state, proto;
};

static struct ev mk_ev(uint32_t frame, uint16_t member, uint8_t link, uint32_t op)
{
	return (struct ev){ frame, (uint32_t)member << 8 | link, op };
}

static int cmp_ev(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;
	if (a->frame != b->frame)
		return a->frame < b->frame ? -1 : 1;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->op < b->op ? -1 : a->op > b->op;
}

/*
 * The open op i acts on when its id is a sentinel (a related compound
 * member) or it is a later link of an SMB1 chain after an open; OP_NONE
 * when it names its handle itself; i itself when it acts on "none".
 */
static uint32_t chained_open(const struct chk *c, uint32_t i)
{
	const struct op *o = op_at(c, i);
	bool sent = sentinel(o->fid);
	if (o->proto == OP_SMB1 && !o->req_link)
		return sent ? i : OP_NONE;
	if (o->proto == OP_SMB2 && !sent)
		return OP_NONE;
	for (uint32_t j = i; j-- > 0;) {
		const struct op *p = op_at(c, j);
		if (p->req_frame != o->req_frame || p->proto != o->proto)
			break;
		if (o->proto == OP_SMB1 && p->req_member != o->req_member)
			break;
		if (is_open_cmd(p))
			return j;
	}
	return sent ? i : OP_NONE;
}

static uint64_t fid_key(const struct op *o, const char *fid)
{
	uint64_t k = hash_str(hmap_mix(0x666964, o->proto), fid);
	return o->proto == OP_SMB1 ? hmap_mix(k, o->stream) : k;
}

static struct fstate *fid_get(struct hmap *m, struct fstate *v, const struct op *o,
			      const char *fid)
{
	uintptr_t x = (uintptr_t)hmap_get(m, fid_key(o, fid));
	if (!x)
		return NULL;
	struct fstate *f = &v[x - 1];
	if (f->proto != o->proto || strcmp(f->fid, fid) ||
	    (o->proto == OP_SMB1 && f->stream != o->stream))
		return NULL;
	return f;
}

/* The FID of the link before response link rsp of an SMB1 chain. */
static const char *chain_fid(const struct chk *c, uint32_t i)
{
	const struct op *o = op_at(c, i);
	for (uint32_t j = i; j-- > 0 && o->rsp_link;) {
		const struct op *p = op_at(c, j);
		if (p->rsp_frame != o->rsp_frame || p->rsp_member != o->rsp_member)
			break;
		if (p->fid && !sentinel(p->fid))
			return p->fid;
	}
	return NULL;
}

/* Why a leaked handle stopped mattering: what ended its tree or session. */
static const char *leak_end(const struct chk *c, const struct op *o, uint32_t opi)
{
	const struct conn_info *ci = conn(c, opi);
	size_t slen = 0;
	if (o->key->path) {
		const char *sep = strchr(o->key->path, '\\');
		slen = sep ? (size_t)(sep - o->key->path) : strlen(o->key->path);
	}
	for (size_t k = 0; k < ci->nends; k++) {
		const struct op *e = op_at(c, ci->ends[k]);
		if (e->req_frame < o->rsp_frame)
			continue;
		bool tdis = e->proto == OP_SMB2 ? e->cmd == SMB2_TREE_DISCONNECT
						: e->cmd == SMB1_TREE_DISCONNECT;
		if (tdis && e->key->path && o->key->path && strlen(e->key->path) == slen &&
		    !strncmp(e->key->path, o->key->path, slen))
			return "left open until tree disconnect";
		if (!tdis && e->ses == o->ses)
			return e->cmd == SMB1_PROCESS_EXIT && e->proto == OP_SMB1
				       ? "left open until process exit"
				       : "left open until logoff";
	}
	if (ci->end_num && ci->end_num > ops_frame_num(c->s, o->rsp_frame))
		return "left open until the connection closed";
	return "no Close in the capture";
}

static void report_leaks(struct chk *c, struct fstate *v, size_t nv)
{
	size_t nleak = 0;
	struct hmap paths;
	hmap_init(&paths);
	for (size_t k = 0; k < nv; k++)
		if (v[k].state == FS_OPEN) {
			uint64_t h = hash_str(0x6c6b, op_at(c, v[k].open_op)->key->path);
			if (!hmap_get(&paths, h)) {
				hmap_put(&paths, h, (void *)1);
				nleak++;
			}
		}
	hmap_free(&paths);
	for (size_t k = 0; k < nv; k++) {
		if (v[k].state != FS_OPEN)
			continue;
		const struct op *o = op_at(c, v[k].open_op);
		const char *why = leak_end(c, o, v[k].open_op);
		struct finding *x;
		if (nleak <= MAX_LEAK_PATHS) {
			x = report(c, "fid_leak", v[k].open_op, "Handle on %s never closed (%s)",
				   path_of(o), why);
		} else {
			const char *p = path_of(o), *sep = strrchr(p, '\\');
			int dl = sep ? (int)(sep - p) : (int)strlen(p);
			x = report(c, "fid_leak", v[k].open_op,
				   "Handles on files in %.*s never closed (%s)", dl, p, why);
		}
		field(c, x, fid_field(o), o->fid);
	}
}

/* A Close link whose request the dissector could not read (malformed
 * chain): it closed at the response. */
static bool closes_at_response(const struct op *o)
{
	return o->req_frame == OP_NONE && is_close_cmd(o) && !o->status &&
	       o->proto == OP_SMB1;
}

/* The kind of op o's handle event (check_handles() keeps one for it). */
static enum ev_kind ev_kind(const struct op *o)
{
	if (closes_at_response(o))
		return EV_CLOSE;
	if (o->facts & OPF_OPENED)
		return EV_OPEN;
	return is_close_cmd(o) ? EV_CLOSE : EV_USE;
}

/* Follows every handle in wire order. */
static void check_handles(struct chk *c)
{
	const struct opset *s = c->s;
	uint8_t *closed_in_chain = xcalloc(s->n, 1);
	struct ev *ev = xcalloc(s->n, sizeof(*ev));
	size_t nev = 0;

	for (uint32_t i = 0; i < s->n; i++) {
		const struct op *o = op_at(c, i);
		if (!is_smb(o) || conn(c, i)->blind || (o->flags & OP_UNSOLICITED))
			continue;
		if (closes_at_response(o)) {
			const char *fid = o->fid ? o->fid : chain_fid(c, i);
			if (fid && !sentinel(fid))
				ev[nev++] = mk_ev(o->rsp_frame, o->rsp_member, o->rsp_link, i);
			continue;
		}
		if (!o->fid)
			continue;
		if (o->facts & OPF_OPENED) {
			if (!sentinel(o->fid))
				ev[nev++] = mk_ev(o->rsp_frame, o->rsp_member, o->rsp_link, i);
			continue;
		}
		if (o->req_frame == OP_NONE || is_open_cmd(o))
			continue;
		uint32_t j = chained_open(c, i);
		if (j != OP_NONE) {
			if (j != i && is_close_cmd(o))
				closed_in_chain[j] = 1;
			continue;
		}
		ev[nev++] = mk_ev(o->req_frame, o->req_member, o->req_link, i);
	}
	qsort(ev, nev, sizeof(*ev), cmp_ev);

	struct hmap ids;
	hmap_init(&ids);
	struct fstate *v = xcalloc(nev, sizeof(*v));
	size_t nv = 0;
	for (size_t k = 0; k < nev; k++) {
		uint32_t i = ev[k].op;
		const struct op *o = op_at(c, i);
		const char *fid = o->fid ? o->fid : chain_fid(c, i);
		struct fstate *f = fid_get(&ids, v, o, fid);
		enum ev_kind kind = ev_kind(o);
		if (kind == EV_OPEN) {
			if (!f) {
				f = &v[nv++];
				hmap_put(&ids, fid_key(o, fid), (void *)(uintptr_t)nv);
			}
			*f = (struct fstate){ fid, o->stream, i, OP_NONE,
					      closed_in_chain[i] ? FS_CLOSED : FS_OPEN, o->proto };
			continue;
		}
		const char *cmd = op_cmd_name(o);
		struct finding *x = NULL;
		if (!f) {
			if (conn(c, i)->started)
				x = report(c, "fid_unknown", i, "%s of a %s no open returned (%s: %s)",
					   cmd, id_name(o), path_of(o), outcome(c, o));
		} else if (f->state == FS_CLOSED && kind == EV_CLOSE) {
			x = report(c, "fid_closed_twice", i,
				   "Handle on %s closed twice (second Close: %s)", path_of(o),
				   outcome(c, o));
			if (f->close_op != OP_NONE)
				finding_op(c->F, x, c->side, f->close_op);
		} else if (f->state == FS_CLOSED && !is_break_ack(o)) {
			x = report(c, "fid_after_close", i, "%s of %s after its Close (%s)", cmd,
				   path_of(o), outcome(c, o));
			if (f->close_op != OP_NONE)
				finding_op(c->F, x, c->side, f->close_op);
		} else if (kind == EV_CLOSE) {
			f->state = FS_CLOSED;
			f->close_op = i;
		}
		if (x)
			field(c, x, fid_field(o), fid);
	}
	report_leaks(c, v, nv);
	hmap_free(&ids);
	free(v);
	free(ev);
	free(closed_in_chain);
}

/* ---- message ids and credits (SMB2) ---- */

struct mid {
	uint32_t id, end, op, frame;
};

static int cmp_mid(const void *x, const void *y)
{
	const struct mid *a = x, *b = y;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

static int cmp_mid_frame(const void *x, const void *y)
{
	const struct mid *a = x, *b = y;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/* The requests of a connection that take MessageIds, in wire order. */
static size_t conn_mids(const struct chk *c, const struct op_conn *cn, struct mid *m)
{
	size_t n = 0;
	bool smb2 = false;
	for (size_t j = 0; j < cn->n; j++)
		smb2 |= op_at(c, cn->ops[j])->proto == OP_SMB2;
	if (!smb2)
		return 0;
	for (size_t j = 0; j < cn->n; j++) {
		uint32_t i = cn->ops[j];
		const struct op *o = op_at(c, i);
		if (o->req_frame == OP_NONE || (o->flags & OP_UNSOLICITED))
			continue;
		if (o->proto == OP_SMB1 && o->cmd == SMB1_NEGOTIATE && n == 0) {
			/* a multi-protocol negotiate takes MessageId 0 */
			m[n++] = (struct mid){ 0, 1, i, o->req_frame };
			continue;
		}
		if (o->proto != OP_SMB2 || o->cmd == SMB2_CANCEL || o->msg_id == UINT32_MAX)
			continue;
		uint32_t ch = o->charge ? o->charge : 1;
		uint32_t end = o->msg_id + ch < o->msg_id ? UINT32_MAX : o->msg_id + ch;
		m[n++] = (struct mid){ o->msg_id, end, i, o->req_frame };
	}
	return n;
}

static void check_msgids(struct chk *c, size_t k, struct mid *m, size_t n)
{
	qsort(m, n, sizeof(*m), cmp_mid);
	uint32_t top = 0;      /* end of the ids used so far */
	uint32_t top_op = OP_NONE;
	for (size_t j = 0; j < n; j++) {
		const struct op *o = op_at(c, m[j].op);
		if (top_op != OP_NONE && m[j].id < top) {
			uint64_t gk = hmap_mix(hmap_mix(0x7275, o->key->hash[0]), op_at(c, top_op)->key->hash[0]);
			struct finding *x = known(c, gk, m[j].op);
			if (!x) {
				x = report(c, "msgid_reused", m[j].op,
					   "MessageId reused: %s sent with the id of %s",
					   fnd_opname(c->F, c->side, m[j].op),
					   fnd_opname(c->F, c->side, top_op));
				remember(c, gk, x);
			}
			finding_op(c->F, x, c->side, top_op);
		} else if ((top_op != OP_NONE || c->ci[k].started) && m[j].id > top) {
			uint64_t gk = hmap_mix(hmap_mix(0x736b, o->key->hash[0]), m[j].id - top);
			if (!known(c, gk, m[j].op))
				remember(c, gk, report(c, "msgid_skipped", m[j].op,
						       "MessageIds skipped: %u ids unused before %s",
						       m[j].id - top,
						       fnd_opname(c->F, c->side, m[j].op)));
		}
		if (m[j].end > top || top_op == OP_NONE) {
			top = m[j].end;
			top_op = m[j].op;
		}
	}
}

struct grant {
	uint32_t frame, credits;
};

static int cmp_grant(const void *x, const void *y)
{
	const struct grant *a = x, *b = y;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

static void check_credits(struct chk *c, const struct op_conn *cn, struct mid *m,
			  size_t n)
{
	struct grant *g = xcalloc(cn->n, sizeof(*g));
	size_t ng = 0;
	for (size_t j = 0; j < cn->n; j++) {
		const struct op *o = op_at(c, cn->ops[j]);
		uint32_t f = o->interim_frame != OP_NONE ? o->interim_frame : o->rsp_frame;
		if (o->proto == OP_SMB2 && f != OP_NONE && o->granted)
			g[ng++] = (struct grant){ f, o->granted };
	}
	qsort(g, ng, sizeof(*g), cmp_grant);
	qsort(m, n, sizeof(*m), cmp_mid_frame);
	uint64_t granted = 1; /* the first request's credit */
	size_t gi = 0;
	for (size_t j = 0; j < n; j++) {
		while (gi < ng && g[gi].frame < m[j].frame)
			granted += g[gi++].credits;
		if (m[j].end > granted) {
			struct finding *x = report(c, "credits_overdrawn", m[j].op,
				"Credits overdrawn: requests beyond the credits the server granted");
			char buf[3][24];
			snprintf(buf[0], sizeof(buf[0]), "%u", m[j].id);
			snprintf(buf[1], sizeof(buf[1]), "%u", m[j].end - m[j].id);
			snprintf(buf[2], sizeof(buf[2]), "%llu", (unsigned long long)granted);
			field(c, x, "smb2.msg_id", buf[0]);
			field(c, x, "smb2.credit.charge", buf[1]);
			field(c, x, "credits granted before", buf[2]);
		}
	}
	free(g);
}

static void check_sequence(struct chk *c)
{
	for (size_t k = 0; k < c->s->nconns; k++) {
		const struct op_conn *cn = &c->s->conns[k];
		if (c->ci[k].blind || !cn->n)
			continue;
		struct mid *m = xcalloc(cn->n, sizeof(*m));
		size_t n = conn_mids(c, cn, m);
		if (n) {
			check_msgids(c, k, m, n);
			if (c->ci[k].started)
				check_credits(c, cn, m, n);
		}
		free(m);
	}
}

/* ---- signing ---- */

struct ses_sign {
	uint32_t ses, frame; /* session, frame of its successful setup response */
	bool exempt;         /* guest, anonymous or encrypted session */
};

static int cmp_ses_sign(const void *x, const void *y)
{
	const struct ses_sign *a = x, *b = y;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/* Requests signing does not cover (MS-SMB2 3.2.4.1.1, MS-SMB 3.2.4.1.1). */
static bool sign_exempt_cmd(const struct op *o)
{
	if (o->proto == OP_SMB1)
		return o->cmd == SMB1_NEGOTIATE || o->cmd == SMB1_SESSION_SETUP ||
		       o->cmd == SMB1_NT_CANCEL || o->req_link;
	return o->cmd == SMB2_NEGOTIATE || o->cmd == SMB2_SESSION_SETUP ||
	       o->cmd == SMB2_CANCEL || o->cmd == SMB2_OPLOCK_BREAK;
}

/* Who requires signing on a connection, from its negotiate op o (NULL:
 * nobody): SMB2 SecurityMode of the response, then the request's; SMB1
 * SecurityMode of the response, then the request's Flags2. */
static const char *sign_required(struct chk *c, const struct op *o)
{
	if (o->proto == OP_SMB2) {
		if (tree_value(c, o, true, F_SMB2_SEC_MODE, 0) & SIGNING_REQUIRED)
			return "the server";
		if (o->req_frame != OP_NONE &&
		    tree_value(c, o, false, F_SMB2_SEC_MODE, 0) & SIGNING_REQUIRED)
			return "the client";
		return NULL;
	}
	if (tree_value(c, o, true, F_SMB_SM, 0) & SMB1_SIGNATURES_REQUIRED)
		return "the server";
	if (o->req_frame != OP_NONE &&
	    tree_value(c, o, false, F_SMB_FLAGS2, 0) & SMB1_FLAGS2_SIG_REQUIRED)
		return "the client";
	return NULL;
}

/* A guest, anonymous or encrypted session, whose requests are not signed. */
static bool sign_exempt_session(struct chk *c, const struct op *o)
{
	if (o->proto == OP_SMB2)
		return tree_value(c, o, true, F_SMB2_SESSION_FLAGS, 0) & SES_GUEST_NULL_ENCRYPT;
	return tree_value(c, o, true, F_SMB_SETUP_ACTION, 0) & SMB1_ACTION_GUEST;
}

static void check_signing_conn(struct chk *c, const struct op_conn *cn)
{
	const char *who = NULL;
	uint8_t proto = 0; /* of the negotiate the server answered */
	struct ses_sign *ss = xcalloc(cn->n, sizeof(*ss));
	size_t nss = 0;
	for (size_t j = 0; j < cn->n; j++) {
		const struct op *o = op_at(c, cn->ops[j]);
		if (o->rsp_frame == OP_NONE || (o->proto != OP_SMB2 && o->proto != OP_SMB1))
			continue;
		bool neg = o->proto == OP_SMB2 ? o->cmd == SMB2_NEGOTIATE
					       : o->cmd == SMB1_NEGOTIATE;
		bool setup = o->proto == OP_SMB2 ? o->cmd == SMB2_SESSION_SETUP
						 : o->cmd == SMB1_SESSION_SETUP;
		if (neg && !proto) {
			proto = o->proto;
			who = sign_required(c, o);
		} else if (setup && o->proto == proto && o->status == 0) {
			/* an SMB1 client says it requires signing from its
			 * SESSION_SETUP on (MS-SMB 2.2.3.1) */
			if (!who && proto == OP_SMB1 && o->req_frame != OP_NONE &&
			    tree_value(c, o, false, F_SMB_FLAGS2, 0) & SMB1_FLAGS2_SIG_REQUIRED)
				who = "the client";
			if (who)
				ss[nss++] = (struct ses_sign){ o->ses, o->rsp_frame,
							       sign_exempt_session(c, o) };
		}
	}
	if (!who || !nss) {
		free(ss);
		return;
	}
	/* Requests in wire order against the sessions set up before them. */
	qsort(ss, nss, sizeof(*ss), cmp_ses_sign);
	struct hmap ses;
	hmap_init(&ses);
	uint32_t *bad = xcalloc(cn->n, sizeof(uint32_t));
	size_t nreq = 0, nbad = 0, q = 0;
	for (size_t j = 0; j < cn->n; j++) {
		uint32_t i = cn->ops[j];
		const struct op *o = op_at(c, i);
		if (o->proto != proto || o->req_frame == OP_NONE || !o->ses ||
		    (o->facts & OPF_REQ_SEALED) || (o->flags & OP_UNSOLICITED) ||
		    sign_exempt_cmd(o))
			continue;
		for (; q < nss && ss[q].frame < o->req_frame; q++)
			hmap_put(&ses, hmap_mix(0x7373, ss[q].ses), &ss[q]);
		const struct ses_sign *e = hmap_get(&ses, hmap_mix(0x7373, o->ses));
		if (!e || e->exempt)
			continue;
		nreq++;
		if (!(o->facts & OPF_REQ_SIGNED))
			bad[nbad++] = i;
	}
	if (nbad) {
		struct finding *x = report(c, "unsigned", OP_NONE,
					   "Requests unsigned though %s requires signing "
					   "(%zu of %zu requests after session setup)",
					   who, nbad, nreq);
		for (size_t k = 0; k < nbad; k++)
			finding_op(c->F, x, c->side, bad[k]);
	}
	free(bad);
	hmap_free(&ses);
	free(ss);
}

static void check_signing(struct chk *c)
{
	for (size_t k = 0; k < c->s->nconns; k++)
		if (c->ci[k].started && !c->ci[k].blind)
			check_signing_conn(c, &c->s->conns[k]);
	for (uint32_t i = 0; i < c->s->n; i++) {
		const struct op *o = op_at(c, i);
		if (!is_smb(o))
			continue;
		if (o->facts & OPF_REQ_SIG_BAD)
			report(c, "bad_signature", i, "Bad signature on a %s request",
			       op_cmd_name(o));
		if (o->facts & OPF_RSP_SIG_BAD)
			report(c, "bad_signature", i, "Bad signature on a %s response",
			       op_cmd_name(o));
	}
}

/* ---- unanswered requests ---- */

/* SMB1 requests that get no response by design (MS-CIFS 3.3.5). */
static bool smb1_no_response(struct chk *c, uint32_t i)
{
	const struct op *o = op_at(c, i);
	switch (o->cmd) {
	case SMB1_NT_CANCEL: case SMB1_TRANS_SECONDARY: case SMB1_TRANS2_SECONDARY:
	case SMB1_NT_TRANS_SECONDARY:
		return true;
	case SMB1_LOCKING_ANDX: /* oplock break acknowledgement, no locks */
		return tree_value(c, o, false, F_SMB_LOCK_TYPE, 0) & 0x02;
	case SMB1_TRANS: /* one-way transaction (mailslot) */
		return (o->key->sub && strstr(o->key->sub, "MAILSLOT")) ||
		       tree_value(c, o, false, F_SMB_TRANSACTION_FLAGS_OWT, 0);
	case SMB1_NT_TRANS: /* NT_TRANSACT_NOTIFY_CHANGE waits for a change */
		return o->key->ncode && o->key->code[0] == 4;
	case SMB1_NEGOTIATE: { /* answered by an SMB2 NEGOTIATE (MS-SMB2 3.3.5.3) */
		const struct op_conn *cn = &c->s->conns[c->conn_of[i]];
		for (size_t j = 0; j < cn->n; j++) {
			const struct op *p = op_at(c, cn->ops[j]);
			if (p->proto == OP_SMB2 && p->cmd == SMB2_NEGOTIATE &&
			    p->rsp_frame != OP_NONE && p->rsp_frame > o->req_frame)
				return true;
		}
		return false;
	}
	default:
		break;
	}
	if (o->req_link) { /* the chain stopped at an earlier link */
		for (uint32_t j = i; j-- > 0;) {
			const struct op *p = op_at(c, j);
			if (p->req_frame != o->req_frame || p->req_member != o->req_member)
				break;
			if (!p->req_link)
				return p->rsp_frame != OP_NONE;
		}
	}
	return false;
}

static void check_unanswered(struct chk *c)
{
	for (uint32_t i = 0; i < c->s->n; i++) {
		const struct op *o = op_at(c, i);
		if (!is_smb(o) || o->req_frame == OP_NONE || o->rsp_frame != OP_NONE ||
		    o->interim_frame != OP_NONE || (o->flags & OP_UNSOLICITED) ||
		    conn(c, i)->blind)
			continue;
		if (o->proto == OP_SMB2 ? o->cmd == SMB2_CANCEL : smb1_no_response(c, i))
			continue;
		const struct conn_info *ci = conn(c, i);
		int why = 0; /* 1: the connection closed, 2: the capture ended */
		if (ci->last_rsp == OP_NONE || ci->last_rsp < o->req_frame)
			why = ci->end_num > ops_frame_num(c->s, o->req_frame) ? 1 : 2;
		static const char *const whys[] = {
			"", " (the connection closed first)", " (at the end of the capture)",
		};
		uint64_t gk = hmap_mix(hmap_mix(0x756e, o->key->hash[0]), (uint64_t)why);
		if (!known(c, gk, i))
			remember(c, gk, report(c, "unanswered", i, "%s never answered%s",
					       fnd_opname(c->F, c->side, i), whys[why]));
	}
}

void check_pass(struct findings *F, int side)
{
	struct chk c = { .F = F, .side = side, .s = F->s[side] };
	if (!c.s || !c.s->n)
		return;
	hmap_init(&c.groups);
	hmap_init(&c.known);
	arena_init(&c.scratch);
	conns_init(&c);
	check_handles(&c);
	check_sequence(&c);
	check_signing(&c);
	check_unanswered(&c);
	conns_free(&c);
	arena_free(&c.scratch);
	hmap_free(&c.groups);
	hmap_free(&c.known);
}
