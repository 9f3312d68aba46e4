/*
 * ops.c - operations of a trace; see ops.h.
 *
 * One pass over the frames: each frame is dissected into a scratch arena,
 * each smb/smb2 protocol node (one per compound member) is read by field
 * name into a struct msg, and the message either opens an operation
 * (request), completes one (final response), is folded into one (interim)
 * or stands alone (break, orphan response). The scratch arena is reset
 * after every frame. Plain SMB2 frames of the common commands are not
 * dissected: opsfast.c reads their messages at header level
 * (dissect/smb2facts.h) into the same struct msg, several times cheaper.
 *
 * Paths: TREE_CONNECT maps (session, tree id) to the share name (last
 * component of \\server\share, so the server's name or address does not
 * matter); a successful CREATE (or SMB1 open) maps its file id to
 * share\name; later operations on the file id get that path. A related
 * compound member using the file id 0xff..ff gets the path of the CREATE
 * before it. Paths are case-folded (ASCII), '/' becomes '\', repeated and
 * leading/trailing separators go.
 *
 * SMB1 AndX chains: each AndX block (node flagged N_ANDX) is a link; link 0
 * is read with the header, link k >= 1 with the header's ids and its own
 * block only, and becomes an operation of its own (keyed like the same
 * command sent alone). Response link k completes request link k when the
 * command matches, else it stands alone. A later link acting on a file id
 * after an open in the same chain acts on that open's file (the server
 * uses the chain's new FID whatever the block says).
 */
#include "ops.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "doserr.h"
#include "opspriv.h"
#include "rpcops.h"
#include "smb2facts.h"
#include "xalloc.h"

#define SMB2_CREATE 5
#define SMB2_TREE_CONNECT 3
#define SMB2_CANCEL 12
#define MAX_CARRIERS 64 /* SMB messages of a frame followed by RPC PDUs */

/* Field roles for reading a message. */
enum kf {
	KF_NONE, KF_CMD2, KF_FLAGS2, KF_MSGID2, KF_STATUS2, KF_SESID2, KF_TID2,
	KF_AID2, KF_FID, KF_NAME2, KF_TREE2, KF_SUB, KF_CMD1, KF_FLAGS1, KF_MID1,
	KF_PID1, KF_PIDH1, KF_STATUS1, KF_TID1, KF_UID1, KF_NAME1, KF_PATH1,
	KF_FLAGS2_1, KF_CREDITS2, KF_CHAIN2, KF_CHARGE2, KF_GRANT2, KF_SIGST,
	KF_ERRCLASS1, KF_ERRCODE1,
	KF_OFFSET,
};

struct builder {
	struct opset *s;
	uint8_t *kinds;     /* F_COUNT roles */
	struct hmap pending, fids, tids, strs;
	struct hmap keys;   /* the op_key records (ops_key) */
	const char *last_create; /* path of the last CREATE in this frame */
	const char *chain_create; /* path of an open earlier in this AndX chain */
	struct hmap opfid;  /* op index -> file id its request named, for an
			       open whose o->fid became the response's (pipes) */
	struct rpc_builder *rpc;
};

/* A string (NULL as "") into key h: hmap_bytes, as fieldcmp.c hashes. */
static uint64_t hash_str(uint64_t h, const char *s)
{
	return hmap_mix(hmap_bytes(h, s ? s : "", s ? strlen(s) : 0), 0x5a);
}

const char *ops_intern(struct opset *set, struct hmap *strs, const char *s)
{
	if (!s)
		return NULL;
	uint64_t k = hash_str(0, s);
	const char *old = hmap_get(strs, k);
	if (old && !strcmp(old, s))
		return old;
	char *copy = arena_strdup(&set->a, s);
	if (!old)
		hmap_put(strs, k, copy);
	return copy;
}

const struct op_key op_key_none;

/* 2.1M operations in a 1 GiB trace: every byte here is 2 MB per trace. */
_Static_assert(sizeof(struct op) <= 72, "struct op grew");

static bool same_key(const struct op_key *a, const struct op_key *b)
{
	return !memcmp(a->hash, b->hash, sizeof(a->hash)) && a->sub == b->sub &&
	       a->name == b->name && a->path == b->path && a->ncode == b->ncode &&
	       a->code[0] == b->code[0] && a->code[1] == b->code[1];
}

const struct op_key *ops_key(struct opset *set, struct hmap *keys, const struct op_key *k)
{
	uint64_t h = hmap_mix(hmap_mix(hmap_mix(k->hash[0], k->hash[2]), (uintptr_t)k->name),
			      hmap_mix(k->code[0], (uint64_t)k->code[1] << 8 | k->ncode));
	const struct op_key *old = hmap_get(keys, h);
	if (old && same_key(old, k))
		return old;
	struct op_key *r = arena_alloc(&set->a, sizeof(*r));
	*r = *k;
	if (!old)
		hmap_put(keys, h, r);
	return r;
}

static const char *intern(struct builder *b, const char *s)
{
	return ops_intern(b->s, &b->strs, s);
}

/*
 * The role of each field ops_build() reads. The table is also the want
 * list of its facts-mode dissection (trace_dissect_frame_facts): a field
 * not in it has an empty show there, so a field read here must be listed.
 */
static void init_kinds(uint8_t *k)
{
	static const struct { const char *name; uint8_t kind; } tab[] = {
		{ "smb2.cmd", KF_CMD2 }, { "smb2.flags", KF_FLAGS2 },
		{ "smb2.msg_id", KF_MSGID2 }, { "smb2.nt_status", KF_STATUS2 },
		{ "smb2.sesid", KF_SESID2 }, { "smb2.tid", KF_TID2 },
		{ "smb2.aid", KF_AID2 }, { "smb2.fid", KF_FID },
		{ "smb2.filename", KF_NAME2 }, { "smb2.tree", KF_TREE2 },
		{ "smb2.class", KF_SUB }, { "smb2.find.infolevel", KF_SUB },
		{ "smb2.find.pattern", KF_SUB }, { "smb2.ioctl.function", KF_SUB },
		{ "smb.cmd", KF_CMD1 }, { "smb.flags", KF_FLAGS1 },
		{ "smb.mid", KF_MID1 }, { "smb.pid", KF_PID1 },
		{ "smb.pid.high", KF_PIDH1 }, { "smb.nt_status", KF_STATUS1 },
		{ "smb.tid", KF_TID1 }, { "smb.uid", KF_UID1 }, { "smb.fid", KF_FID },
		{ "smb.file", KF_NAME1 }, { "smb.dir_name", KF_NAME1 },
		{ "smb.path", KF_PATH1 }, { "smb.trans2.cmd", KF_SUB },
		{ "smb2.file_offset", KF_OFFSET }, { "smb.offset", KF_OFFSET },
		{ "smb.nt.function", KF_SUB }, { "smb.trans_name", KF_SUB },
		{ "smb.search_pattern", KF_SUB }, { "smb.flags2", KF_FLAGS2_1 },
		{ "smb2.credits.requested", KF_CREDITS2 },
		{ "smb2.credits.granted", KF_GRANT2 },
		{ "smb2.chain_offset", KF_CHAIN2 },
		{ "smb2.credit.charge", KF_CHARGE2 },
		{ "smb2.signature.status", KF_SIGST }, { "smb.signature.status", KF_SIGST },
		{ "smb.error_class", KF_ERRCLASS1 }, { "smb.error_code", KF_ERRCODE1 },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		int id = field_by_name(tab[i].name);
		if (id != F_INVALID)
			k[id] = tab[i].kind;
	}
	/* Information levels: smb2.file_info.infolevel, smb.qpi_loi, ... */
	for (int id = 1; id < F_COUNT; id++) {
		const char *n = field_name(id);
		size_t len = n ? strlen(n) : 0;
		if (len > 10 && !strcmp(n + len - 10, ".infolevel") && !k[id])
			k[id] = KF_SUB;
		if (len > 4 && !strncmp(n, "smb.", 4) && !strcmp(n + len - 4, "_loi"))
			k[id] = KF_SUB;
	}
}

void ops_add_sub(struct msg *m, const struct node *n)
{
	if ((n->flags & N_HAS_VALUE) && m->ncode < 2)
		m->code[m->ncode++] = (uint32_t)n->value;
	const char *v = n->show ? n->show : "";
	int w = snprintf(m->sub + m->sublen, sizeof(m->sub) - m->sublen, "%s%s",
			 m->sublen ? "/" : "", v);
	if (w > 0 && (size_t)w < sizeof(m->sub) - m->sublen)
		m->sublen += (size_t)w;
}

static bool is_msg(const struct node *n)
{
	return n->name && (!strcmp(n->name, "smb2") || !strcmp(n->name, "smb"));
}

/* The item of an smb2 transform node that holds its decrypted messages
 * (dissect/smb2.c: "Encrypted SMB3 data" with smb2 children), or NULL. */
static struct node *decrypted(const struct node *n)
{
	if (!n->name || strcmp(n->name, "smb2"))
		return NULL;
	for (struct node *c = n->child; c; c = c->next)
		if (!c->name && c->child && c->child->name && !strcmp(c->child->name, "smb2"))
			return c;
	return NULL;
}

/*
 * Message nodes of a frame tree, in order: the top-level smb/smb2 nodes,
 * except that a decrypted transform message stands for the plaintext smb2
 * messages inside it, so encrypted traces compare by their operations.
 */
static struct node *next_top(struct node *c)
{
	for (; c; c = c->next) {
		if (!is_msg(c))
			continue;
		struct node *d = decrypted(c);
		if (!d)
			return c;
		for (struct node *x = d->child; x; x = x->next)
			if (is_msg(x))
				return x;
	}
	return NULL;
}

struct node *first_member(struct node *root)
{
	return next_top(root->child);
}

struct node *next_member(struct node *root, struct node *m)
{
	if (m->parent != root) { /* inside a decrypted transform */
		for (struct node *x = m->next; x; x = x->next)
			if (is_msg(x))
				return x;
		m = m->parent->parent; /* the transform's smb2 node */
	}
	return next_top(m->next);
}

/*
 * Reads the facts of the subtree under root into m, skipping AndX blocks
 * other than keep (the later links of a chain are operations of their own).
 */
static void read_facts(const struct builder *b, const struct node *root,
		       const struct node *keep, struct msg *m)
{
	unsigned pidh = (unsigned)(m->pid >> 16);
	unsigned seen = m->has_msgid ? ~0u : 0; /* header ids: first wins */
	const struct node *x = root->child;
	while (x) {
		if ((x->flags & N_ANDX) && x != keep) {
			while (x != root && !x->next)
				x = x->parent;
			if (x == root)
				break;
			x = x->next;
			continue;
		}
		uint8_t k = x->field < F_COUNT ? b->kinds[x->field] : KF_NONE;
		switch (k) {
		case KF_CMD2: case KF_CMD1:
			if (!m->has_cmd) {
				m->cmd = (uint16_t)x->value;
				m->has_cmd = true;
			}
			break;
		case KF_FLAGS2:
			if (!(seen & 32)) {
				m->response = x->value & 1;
				m->async = x->value & 2;
				m->is_signed = x->value & 8;
			}
			seen |= 32;
			break;
		case KF_FLAGS2_1: /* SMB_FLAGS2_SMB_SECURITY_SIGNATURE */
			if (!(seen & 64))
				m->is_signed = x->value & 4;
			seen |= 64;
			break;
		case KF_CREDITS2:
			if (!(seen & 128))
				m->credits = (uint16_t)x->value;
			seen |= 128;
			break;
		case KF_CHAIN2:
			if (!(seen & 256))
				m->chain_offset = (uint32_t)x->value;
			seen |= 256;
			break;
		case KF_FLAGS1:
			if (!(seen & 32))
				m->response = x->value & 0x80;
			seen |= 32;
			break;
		case KF_MSGID2: case KF_MID1:
			if (!m->has_msgid)
				m->msg_id = x->value;
			m->has_msgid = true;
			break;
		case KF_STATUS2: case KF_STATUS1:
			if (!(seen & 1))
				m->status = (uint32_t)x->value;
			seen |= 1;
			break;
		case KF_SESID2: case KF_UID1:
			if (!(seen & 2))
				m->sesid = x->value;
			seen |= 2;
			break;
		case KF_TID2: case KF_TID1:
			if (!(seen & 4))
				m->tid = x->value;
			seen |= 4;
			break;
		case KF_PID1: /* lock ranges have PIDs too */
			if (!(seen & 8))
				m->pid = x->value;
			seen |= 8;
			break;
		case KF_PIDH1:
			if (!(seen & 16))
				pidh = (unsigned)x->value;
			seen |= 16;
			break;
		case KF_FID:
			if (!m->fid)
				m->fid = x->show;
			break;
		case KF_NAME2: case KF_NAME1:
			if (!m->name)
				m->name = x->show;
			break;
		case KF_TREE2:
			if (!m->tree)
				m->tree = x->show;
			break;
		case KF_PATH1:
			if (!m->path1)
				m->path1 = x->show;
			break;
		case KF_SUB:
			ops_add_sub(m, x);
			break;
		case KF_CHARGE2:
			if (!(seen & 512))
				m->charge = (uint16_t)x->value;
			seen |= 512;
			break;
		case KF_GRANT2:
			if (!(seen & 1024))
				m->granted = (uint16_t)x->value;
			seen |= 1024;
			break;
		case KF_SIGST:
			if (x->show && !strcmp(x->show, "bad"))
				m->sig_bad = true;
			break;
		case KF_ERRCLASS1:
			if (!(seen & 2048))
				m->dos_class = (uint8_t)x->value;
			seen |= 2048;
			break;
		case KF_ERRCODE1:
			if (!(seen & 4096))
				m->dos_code = (uint16_t)x->value;
			seen |= 4096;
			break;
		case KF_OFFSET: /* the first: READ/WRITE's own, not a lock range's */
			if (!m->has_offset && (x->flags & N_HAS_VALUE)) {
				m->offset = x->value;
				m->has_offset = true;
			}
			break;
		default:
			break;
		}
		if (x->child) {
			x = x->child;
			continue;
		}
		while (x != root && !x->next)
			x = x->parent;
		if (x == root)
			break;
		x = x->next;
	}
	m->pid = (m->pid & 0xffff) | (uint64_t)pidh << 16;
}

/* The AndX blocks of an SMB1 message node, in order; returns their count. */
size_t andx_links(const struct node *smb, const struct node **out, size_t max)
{
	size_t n = 0;
	for (const struct node *c = smb->child; c && n < max; c = c->next)
		if (c->flags & N_ANDX)
			out[n++] = c;
	return n;
}

/* Reads one smb/smb2 member tree (for SMB1: the header and link 0). */
static void read_msg(const struct builder *b, const struct node *root,
		     const struct node *link0, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->proto = !strcmp(root->name, "smb2") ? OP_SMB2 : OP_SMB1;
	read_facts(b, root, link0, m);
	/* A DOS error (no NT status codes negotiated) as the NT status it
	 * stands for: outcomes read the same in every dialect. */
	if (m->proto == OP_SMB1 && !m->status && m->dos_class)
		m->status = dos_nt_status(m->dos_class, m->dos_code);
}

size_t ops_read_members(const uint8_t *kinds, struct node *root, struct msg *m, size_t max)
{
	const struct builder b = { .kinds = (uint8_t *)kinds };
	size_t n = 0;
	bool chained = false;
	for (struct node *c = first_member(root); c && n < max; c = next_member(root, c)) {
		const struct node *links[MAX_LINKS];
		size_t nlinks = andx_links(c, links, MAX_LINKS);
		read_msg(&b, c, nlinks ? links[0] : NULL, &m[n]);
		m[n].sealed = c->parent != root;
		m[n].compound = m[n].proto == OP_SMB2 && (chained || m[n].chain_offset);
		chained = m[n].proto == OP_SMB2 && m[n].chain_offset;
		n++;
	}
	return n;
}

/* Link k >= 1 of an SMB1 chain: the header's ids, the block's own facts. */
static void read_link(const struct builder *b, const struct msg *m0,
		      const struct node *blk, unsigned k, struct msg *m)
{
	*m = *m0;
	m->link = (uint8_t)k;
	m->cmd = (uint16_t)blk->value;
	m->has_cmd = true; /* the block's AndXCommand is not its command */
	m->fid = m->name = m->tree = m->path1 = NULL;
	m->sub[0] = 0;
	m->sublen = 0;
	m->ncode = 0;
	read_facts(b, blk, blk, m);
}

/* Normalises a path into out: '\' separators, no repeats, ASCII lower case. */
static void norm_path(char *out, size_t cap, const char *share, const char *name)
{
	size_t n = 0;
	const char *parts[2] = { share, name };

	for (int p = 0; p < 2; p++) {
		const char *s = parts[p];
		if (!s)
			continue;
		for (; *s && n + 2 < cap; s++) {
			char c = *s == '/' ? '\\' : *s;
			if (c == '\\' && (n == 0 || out[n - 1] == '\\'))
				continue;
			out[n++] = (char)tolower((unsigned char)c);
		}
		if (n && out[n - 1] != '\\' && p == 0 && name && *name)
			out[n++] = '\\';
	}
	while (n && out[n - 1] == '\\')
		n--;
	out[n] = 0;
}

/* Share name: the last component of \\server\share. */
static const char *share_of(const char *tree)
{
	if (!tree)
		return NULL;
	const char *s = strrchr(tree, '\\');
	return s ? s + 1 : tree;
}

static bool all_ff(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s != 'f' && *s != 'F' && *s != '-' && *s != ':')
			return false;
	return true;
}

/* The alignment class key: the SMB2 command doing the same job
 * (cmdfacts.def), or one of the command's own. */
static uint16_t op_class(const struct op *o, const struct op_key *k)
{
	struct cmd_facts f = cmd_facts(o->proto, o->cmd, k->code, k->ncode);
	if (f.cls != CLASS_OWN)
		return f.cls;
	return (uint16_t)(0x1000 + o->proto * 0x100 + o->cmd);
}

/* Gives o its key record, of sub and path (interned), of the request's
 * sub-codes m (NULL: none) and of the fields of o set so far. */
static void set_keys(struct builder *b, struct op *o, const char *sub, const char *path,
		     const struct msg *m)
{
	struct op_key k = { .sub = sub, .path = path };
	if (m) {
		memcpy(k.code, m->code, sizeof(k.code));
		k.ncode = m->ncode;
	}
	uint64_t k1 = hmap_mix(hmap_mix(0x6f70, o->proto), o->cmd);
	k1 = hash_str(k1, sub);
	k1 = hmap_mix(k1, o->flags & (OP_UNSOLICITED | OP_ENCRYPTED));
	k.hash[1] = k1;
	k.hash[0] = hash_str(k1, path);
	k.hash[2] = hmap_mix(0x636c, op_class(o, &k));
	o->key = ops_key(b->s, &b->keys, &k);
}

uint32_t ops_new_op(struct opset *s, uint32_t stream)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->ops = xrealloc(s->ops, s->cap * sizeof(*s->ops));
	}
	struct op *o = &s->ops[s->n];
	memset(o, 0, sizeof(*o));
	o->req_frame = o->rsp_frame = o->interim_frame = OP_NONE;
	o->key = &op_key_none;
	o->stream = stream;
	return (uint32_t)s->n++;
}

static uint32_t new_op(struct builder *b, uint32_t stream)
{
	return ops_new_op(b->s, stream);
}

uint64_t ops_pend_key(const struct msg *m, uint32_t stream)
{
	uint64_t k = hmap_mix(hmap_mix(0x70656e64, m->proto), stream);
	k = hmap_mix(k, m->msg_id);
	return m->proto == OP_SMB1 ? hmap_mix(k, m->pid) : k;
}

static uint64_t fid_key(const struct msg *m, uint32_t stream)
{
	uint64_t k = hash_str(hmap_mix(0x666964, m->proto), m->fid);
	return m->proto == OP_SMB1 ? hmap_mix(k, stream) : k;
}

static uint64_t tid_key(const struct msg *m, uint32_t stream)
{
	uint64_t k = hmap_mix(hmap_mix(0x746964, m->proto), m->tid);
	return m->proto == OP_SMB1 ? hmap_mix(k, stream) : hmap_mix(k, m->sesid);
}

static uint8_t msg_facts(const struct msg *m)
{
	return cmd_facts(m->proto, m->cmd, m->code, m->ncode).facts;
}

static bool is_tree_connect(const struct msg *m)
{
	return msg_facts(m) & CF_TREE;
}

static bool is_create(const struct msg *m)
{
	return msg_facts(m) & CF_OPENS;
}

/* Path an operation acts on, from its request (interned), or NULL; sets
 * OP_PATH_FROM_ID in o when found through the file id. */
static const char *req_path(struct builder *b, const struct msg *m, uint32_t stream,
			    struct op *o)
{
	char buf[1024];
	const char *share = m->tree && !is_tree_connect(m) ? share_of(m->tree) : NULL;

	if (!share)
		share = hmap_get(&b->tids, tid_key(m, stream));
	if (is_tree_connect(m)) {
		const char *t = share_of(m->proto == OP_SMB2 ? m->tree : m->path1);
		if (!t)
			return NULL;
		norm_path(buf, sizeof(buf), t, NULL);
		return intern(b, buf);
	}
	const char *name = m->proto == OP_SMB2 && m->cmd != SMB2_CREATE ? NULL : m->name;
	if (name) {
		norm_path(buf, sizeof(buf), share, name);
		const char *path = intern(b, buf);
		if (is_create(m)) {
			b->last_create = path;
			if (m->proto == OP_SMB1)
				b->chain_create = path;
		}
		return path;
	}
	if (m->fid) {
		const char *p = m->proto == OP_SMB1 && m->link && b->chain_create
					? b->chain_create
				: all_ff(m->fid) ? b->last_create
						 : hmap_get(&b->fids, fid_key(m, stream));
		if (p) {
			o->flags |= OP_PATH_FROM_ID;
			return p;
		}
	}
	if (!share)
		return NULL;
	norm_path(buf, sizeof(buf), share, NULL);
	return intern(b, buf);
}

/* The header facts the state checks read (ops.h: msg_id to facts). */
static void set_ids(struct op *o, const struct msg *m)
{
	o->msg_id = m->has_msgid && m->msg_id < UINT32_MAX ? (uint32_t)m->msg_id
							    : UINT32_MAX;
	o->ses = (uint32_t)(m->sesid ^ (m->sesid >> 32));
}

static void add_granted(struct op *o, const struct msg *m)
{
	unsigned g = (unsigned)o->granted + m->granted;
	o->granted = g > UINT16_MAX ? UINT16_MAX : (uint16_t)g;
	if (m->sig_bad)
		o->facts |= OPF_RSP_SIG_BAD;
}

/* A successful response returning the file id of an open. */
static bool opens_fid(const struct msg *m, const struct op *o)
{
	if (m->status || !m->fid || m->link != o->rsp_link)
		return false;
	if (m->proto == OP_SMB2)
		return m->cmd == SMB2_CREATE;
	/* TRANS2 OPEN2, NT_TRANSACT_CREATE: by the request's subcommand */
	return is_create(m) ||
	       (!o->fid && (cmd_facts(m->proto, m->cmd, o->key->code, o->key->ncode).facts & CF_OPENS_SUB));
}

/* Returns the new operation's index. */
static uint32_t on_request(struct builder *b, const struct msg *m, uint32_t frame,
			   uint16_t member, const struct frame_rec *fr)
{
	uint32_t i = new_op(b, fr->stream);
	struct op *o = &b->s->ops[i];
	o->proto = m->proto;
	o->cmd = m->cmd;
	o->req_frame = frame;
	o->req_member = member;
	o->req_link = m->link;
	set_ids(o, m);
	o->credits_req = m->credits;
	o->charge = m->charge;
	o->facts = (uint8_t)((m->is_signed ? OPF_REQ_SIGNED : 0) |
			     (m->sealed ? OPF_REQ_SEALED : 0) |
			     (m->compound ? OPF_COMPOUND : 0) |
			     (m->sig_bad ? OPF_REQ_SIG_BAD : 0));
	if (m->fid)
		o->fid = intern(b, m->fid);
	if (!fr->to_server)
		o->flags |= OP_UNSOLICITED; /* SMB1 oplock break from the server */
	const char *sub = m->sublen ? intern(b, m->sub) : NULL;
	const char *path = req_path(b, m, fr->stream, o);
	if (m->has_offset) {
		o->offset = m->offset;
		o->flags |= OP_HAS_OFFSET;
	}
	set_keys(b, o, sub, path, m);
	bool cancel = m->proto == OP_SMB2 && m->cmd == SMB2_CANCEL;
	if (!cancel && !m->link && fr->to_server && m->has_msgid)
		hmap_put(&b->pending, ops_pend_key(m, fr->stream), (void *)(uintptr_t)(i + 1));
	return i;
}

/* The profile facts of a final response. */
static void rsp_facts(struct op *o, const struct msg *m)
{
	add_granted(o, m);
	if (m->is_signed)
		o->facts |= OPF_RSP_SIGNED;
	if (m->sealed)
		o->facts |= OPF_RSP_SEALED;
}

/* Returns the index of the operation the response completes or opens. */
static uint32_t on_response(struct builder *b, const struct msg *m, uint32_t frame,
			    uint16_t member, const struct frame_rec *fr)
{
	uint64_t pk = ops_pend_key(m, fr->stream);
	uintptr_t v = (uintptr_t)hmap_get(&b->pending, pk);
	struct op *o = v ? &b->s->ops[v - 1] : NULL;

	if (o && m->link) { /* request link k follows link 0 */
		size_t k = v - 1 + m->link;
		const struct op *o0 = o;
		o = k < b->s->n ? &b->s->ops[k] : NULL;
		if (o && (o->req_frame != o0->req_frame || o->req_member != o0->req_member ||
			  o->req_link != m->link))
			o = NULL;
	}
	if (o && o->cmd != m->cmd)
		o = NULL;
	if (!o) {
		uint32_t i = new_op(b, fr->stream);
		o = &b->s->ops[i];
		o->proto = m->proto;
		o->cmd = m->cmd;
		o->rsp_frame = frame;
		o->rsp_member = member;
		o->rsp_link = m->link;
		o->status = m->status;
		set_ids(o, m);
		rsp_facts(o, m);
		if (opens_fid(m, o))
			o->facts |= OPF_OPENED;
		if (m->fid)
			o->fid = intern(b, m->fid);
		bool brk = m->proto == OP_SMB2 && m->msg_id == UINT64_MAX;
		o->flags |= brk ? OP_UNSOLICITED : OP_NO_REQUEST;
		const char *sub = m->sublen ? intern(b, m->sub) : NULL;
		const char *path = m->fid ? hmap_get(&b->fids, fid_key(m, fr->stream)) : NULL;
		if (path)
			o->flags |= OP_PATH_FROM_ID;
		set_keys(b, o, sub, path, NULL);
		return i;
	}
	uint32_t oi = (uint32_t)(o - b->s->ops);
	if (m->proto == OP_SMB2 && m->async && m->status == STATUS_PENDING) {
		add_granted(o, m);
		if (o->interim_frame == OP_NONE)
			o->interim_frame = frame;
		o->ninterim++;
		return oi;
	}
	if (o->rsp_frame != OP_NONE) { /* further responses (SMB1 multi-part) */
		o->ninterim++;
		return oi;
	}
	o->rsp_frame = frame;
	o->rsp_member = member;
	o->rsp_link = m->link;
	o->status = m->status;
	rsp_facts(o, m);
	if (opens_fid(m, o)) {
		if (o->fid) /* the request's, for carrier() */
			hmap_put(&b->opfid, hmap_mix(0x6f66, oi), (void *)o->fid);
		o->fid = intern(b, m->fid);
		o->facts |= OPF_OPENED;
	}
	if (m->proto == OP_SMB2)
		hmap_del(&b->pending, pk);
	if (m->status != 0)
		return oi;
	const char *path = o->key->path;
	if (is_tree_connect(m) && path)
		hmap_put(&b->tids, tid_key(m, fr->stream), (void *)path);
	else if (is_create(m) && m->fid && path && !all_ff(m->fid))
		hmap_put(&b->fids, fid_key(m, fr->stream), (void *)path);
	return oi;
}

static void on_encrypted(struct builder *b, uint32_t frame, uint16_t member,
			 const struct frame_rec *fr)
{
	uint32_t i = new_op(b, fr->stream);
	struct op *o = &b->s->ops[i];
	o->proto = OP_SMB2;
	o->cmd = 0xffff;
	o->flags = OP_ENCRYPTED;
	if (fr->to_server) {
		o->req_frame = frame;
		o->req_member = member;
	} else {
		o->rsp_frame = frame;
		o->rsp_member = member;
	}
	set_keys(b, o, NULL, NULL, NULL);
}

/* The file id op oi's request named (link 0 only), or NULL. */
static const char *request_fid(const struct builder *b, uint32_t oi)
{
	const struct op *o = &b->s->ops[oi];
	if (o->req_frame == OP_NONE || o->req_link)
		return NULL;
	return o->facts & OPF_OPENED ? hmap_get(&b->opfid, hmap_mix(0x6f66, oi)) : o->fid;
}

/* The FID tshark shows in the smb_pipe layer after SMB1 message c. */
static const char *pipe_fid(const struct node *c)
{
	for (c = c->next; c && !is_msg(c); c = c->next)
		if (c->name && !strcmp(c->name, "smb_pipe"))
			for (const struct node *x = c->child; x; x = x->next)
				if (x->name && !strcmp(x->name, "smb.fid"))
					return x->show;
	return NULL;
}

bool ops_graft_reads(const char *root, const char *name, size_t namelen, unsigned depth)
{
	if (!strcmp(root, "smb_pipe")) /* pipe_fid() */
		return depth == 1 && namelen == 7 && !memcmp(name, "smb.fid", 7);
	return rpc_graft_reads(root, name, namelen, depth);
}

/*
 * What a dcerpc PDU after message node c needs to know of it: the pipe's
 * file id (the message's own, else its request's, else for an SMB1
 * transaction the one in smb_pipe) and the pipe's path.
 */
static struct rpc_carrier carrier(struct builder *b, const struct node *c,
				  const struct msg *m, uint32_t oi, uint32_t stream)
{
	const struct op *o = &b->s->ops[oi];
	const char *fid = m->fid ? intern(b, m->fid) : request_fid(b, oi);
	const char *path = o->key->path;
	if (!fid && m->proto == OP_SMB1 && (fid = intern(b, pipe_fid(c)))) {
		struct msg pm = { .proto = OP_SMB1, .fid = fid };
		const char *p = hmap_get(&b->fids, fid_key(&pm, stream));
		path = p ? p : path;
	}
	while (c->parent && c->parent->parent) /* a decrypted message: its transform */
		c = c->parent;
	return (struct rpc_carrier){ c, fid, path };
}

/*
 * The connections of s and their operations, in order of first operation:
 * counted first, then every list in one block of s->n indexes (no list
 * grows by doubling: a conn_ops block of 4 bytes per operation).
 */
static void build_conns(struct opset *s)
{
	struct hmap conns; /* stream -> connection index + 1 */
	hmap_init(&conns);
	uint32_t *conn_of = xcalloc(s->n, sizeof(*conn_of));
	for (size_t i = 0; i < s->n; i++) {
		uint64_t k = hmap_mix(0x636f6e6e, s->ops[i].stream);
		uintptr_t v = (uintptr_t)hmap_get(&conns, k);
		if (!v) {
			if (s->nconns == s->capconns) { /* doubling: 30,000 connections */
				s->capconns = s->capconns ? 2 * s->capconns : 16;
				s->conns = xrealloc(s->conns, s->capconns * sizeof(*s->conns));
			}
			memset(&s->conns[s->nconns], 0, sizeof(*s->conns));
			s->conns[s->nconns].stream = s->ops[i].stream;
			v = ++s->nconns;
			hmap_put(&conns, k, (void *)v);
		}
		conn_of[i] = (uint32_t)(v - 1);
		s->conns[v - 1].n++;
	}
	hmap_free(&conns);
	s->conn_ops = xmalloc(s->n * sizeof(*s->conn_ops));
	size_t at = 0;
	for (size_t k = 0; k < s->nconns; k++) {
		s->conns[k].ops = s->conn_ops + at;
		at += s->conns[k].n;
		s->conns[k].n = 0;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct op_conn *c = &s->conns[conn_of[i]];
		c->ops[c->n++] = (uint32_t)i;
	}
	free(conn_of);
}

void ops_build(struct opset *s, struct trace *t)
{
	struct builder b = { .s = s };
	struct arena scratch;

	memset(s, 0, sizeof(*s));
	s->t = t;
	arena_init(&s->a);
	arena_init(&scratch);
	b.kinds = xcalloc(F_COUNT, 1);
	init_kinds(b.kinds);
	hmap_init(&b.pending);
	hmap_init(&b.fids);
	hmap_init(&b.tids);
	hmap_init(&b.strs);
	hmap_init(&b.keys);
	hmap_init(&b.opfid);
	b.rpc = rpc_builder_new(s);
	s->nmem = calloc(trace_nframes(t) ? trace_nframes(t) : 1, 1);
	struct msg fm[SMB2_FACTS_MAX];
	const char *v = getenv("SMBCMP_OPS_VERIFY"); /* tests/cli_opsfast.sh */
	int verify = !v || !*v || !strcmp(v, "0") ? 0 : !strcmp(v, "selftest") ? 2 : 1;
	for (size_t i = 0; i < trace_nframes(t); i++) {
		const struct frame_rec fr_rec = trace_frame(t, i), *fr = &fr_rec;
		uint16_t member = 0;
		int nf = ops_fast_msgs(t, &scratch, i, &b.pending, s->ops, fm,
				       SMB2_FACTS_MAX, b.kinds, verify);
		b.last_create = NULL;
		for (int k = 0; k < nf; k++, member++) { /* plain SMB2, no tree */
			b.chain_create = NULL;
			if (fm[k].response)
				on_response(&b, &fm[k], (uint32_t)i, member, fr);
			else
				on_request(&b, &fm[k], (uint32_t)i, member, fr);
		}
		if (nf >= 0) {
			if (s->nmem)
				s->nmem[i] = member < 255 ? (uint8_t)member : 0;
			arena_reset(&scratch);
			continue;
		}
		struct node *root = trace_dissect_frame_facts(t, &scratch, i, b.kinds);
		struct rpc_carrier car[MAX_CARRIERS];
		size_t ncar = 0;
		b.last_create = NULL;
		bool chained = false; /* the previous member had a NextCommand */
		for (struct node *c = first_member(root); c; c = next_member(root, c)) {
			const struct node *links[MAX_LINKS];
			size_t nlinks = andx_links(c, links, MAX_LINKS);
			struct msg m;
			read_msg(&b, c, nlinks ? links[0] : NULL, &m);
			m.sealed = c->parent != root;
			m.compound = m.proto == OP_SMB2 && (chained || m.chain_offset);
			chained = m.proto == OP_SMB2 && m.chain_offset;
			b.chain_create = NULL;
			uint32_t oi = OP_NONE;
			if (!m.has_cmd)
				on_encrypted(&b, (uint32_t)i, member, fr);
			else if (m.response)
				oi = on_response(&b, &m, (uint32_t)i, member, fr);
			else
				oi = on_request(&b, &m, (uint32_t)i, member, fr);
			if (oi != OP_NONE && ncar < MAX_CARRIERS)
				car[ncar++] = carrier(&b, c, &m, oi, fr->stream);
			for (size_t k = 1; k < nlinks && m.has_cmd; k++) {
				struct msg mk;
				read_link(&b, &m, links[k], (unsigned)k, &mk);
				if (mk.response)
					on_response(&b, &mk, (uint32_t)i, member, fr);
				else
					on_request(&b, &mk, (uint32_t)i, member, fr);
			}
			if (member < UINT16_MAX)
				member++;
		}
		rpc_frame(b.rpc, root, (uint32_t)i, fr, car, ncar);
		if (s->nmem)
			s->nmem[i] = member < 255 ? (uint8_t)member : 0;
		arena_reset(&scratch);
	}
	build_conns(s);
	hmap_free(&b.pending);
	hmap_free(&b.fids);
	hmap_free(&b.tids);
	hmap_free(&b.strs);
	hmap_free(&b.keys);
	hmap_free(&b.opfid);
	rpc_builder_free(b.rpc);
	free(b.kinds);
	arena_free(&scratch);
}

void ops_free(struct opset *s)
{
	free(s->conn_ops);
	free(s->conns);
	free(s->ops);
	free(s->nmem);
	arena_free(&s->a);
	memset(s, 0, sizeof(*s));
}

struct cmd_facts op_facts(const struct op *o)
{
	return cmd_facts(o->proto, o->cmd, o->key->code, o->key->ncode);
}

bool op_opens(const struct op *o)
{
	return op_facts(o).facts & CF_OPENS;
}

const char *op_cmd_name(const struct op *o)
{
	if (o->flags & OP_ENCRYPTED)
		return "Encrypted";
	if (o->proto == OP_RPC)
		return o->key->name ? o->key->name : "DCE/RPC";
	const char *n = val_lookup(field_vals(field_get(o->proto == OP_SMB2 ? F_SMB2_CMD : F_SMB_CMD)),
				   o->cmd);
	return n ? n : "Unknown";
}

uint32_t ops_frame_num(const struct opset *s, uint32_t frame)
{
	return frame == OP_NONE ? 0 : trace_frame(s->t, frame).num;
}

const char *op_key_text(struct arena *a, const struct op *o)
{
	if (o->proto == OP_RPC && (o->cmd & RPC_BIND_CMD) != RPC_BIND_CMD)
		return arena_printf(a, "%s opnum %u%s%s", op_cmd_name(o), o->cmd,
				    o->key->path ? " " : "", o->key->path ? o->key->path : "");
	return arena_printf(a, "%s%s%s%s%s", op_cmd_name(o), o->key->sub && o->proto != OP_RPC ? " " : "",
			    o->key->sub && o->proto != OP_RPC ? o->key->sub : "", o->key->path ? " " : "",
			    o->key->path ? o->key->path : "");
}
