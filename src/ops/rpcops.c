/*
 * rpcops.c - DCE/RPC calls over SMB named pipes as operations; see rpcops.h.
 * C706 chapter 12 (connection-oriented PDUs), MS-RPCE 2.2.2.
 *
 * The PDUs are read from the trees tshark gives (grafted by graft.c): one
 * top-level dcerpc node per PDU, the interface layer (srvsvc...) right
 * after it when tshark decodes the stub.
 *
 *  - Requests (0), bind (11), alter_context (14), auth3 (16), cancel (18)
 *    and orphaned (19) open an operation; response (2), fault (3),
 *    bind_ack (12), bind_nak (13) and alter_context_resp (15) complete the
 *    one with the same call id on the same pipe (a response to a request,
 *    an ack to a bind), else stand alone (OP_NO_REQUEST); shutdown (17) is
 *    unsolicited.
 *  - The pipe is (TCP stream, file id of the carrying message). A message
 *    without a file id (SMB2 READ response, SMB1 transaction) gets it from
 *    ops.c (the file id of its SMB request, or the FID tshark shows in the
 *    smb_pipe layer before the PDU).
 *  - Interface: the layer after the PDU (tshark's protocol name: srvsvc,
 *    samr, lsarpc), else the interface bound to the PDU's context id on
 *    that pipe (the abstract syntax of a bind or alter_context, named as
 *    tshark names it: "Interface: SRVSVC UUID: ..." gives srvsvc, unknown
 *    ones by UUID), else "dcerpc".
 *  - Fragments: a request (or response) PDU without the First Frag flag
 *    continues the open call: the operation moves to the later fragment,
 *    which holds the reassembled stub, and counts it as an interim.
 *  - Keys: op->cmd is the opnum (bind-like PDUs: RPC_BIND_CMD | packet
 *    type), op->key->sub the interface, ->path the pipe. hash[0] = interface,
 *    opnum and pipe; hash[1] = hash[2] = interface and opnum, so only calls
 *    of the same operation ever pair.
 */
#include "rpcops.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xalloc.h"

#define MAX_WALK OPS_GRAFT_WALK /* nodes read per PDU */

enum rpc_ptype {
	PT_REQUEST = 0, PT_RESPONSE = 2, PT_FAULT = 3, PT_BIND = 11, PT_BIND_ACK = 12,
	PT_BIND_NAK = 13, PT_ALTER = 14, PT_ALTER_RESP = 15, PT_AUTH3 = 16,
	PT_SHUTDOWN = 17, PT_CANCEL = 18, PT_ORPHANED = 19,
};

struct rpc_builder {
	struct opset *s;
	struct hmap pending; /* (pipe, call id) -> op index + 1 */
	struct hmap ctx;     /* (pipe, context id) -> interface */
	struct hmap strs;    /* interned strings */
	struct hmap keys;    /* the op_key records (ops_key) */
};

/* What one PDU says (strings point into the frame's scratch tree). */
struct rpc_pdu {
	int type;                 /* enum rpc_ptype, -1 unknown */
	uint64_t call_id, ctx_id, opnum, status;
	bool has_call, has_ctx, has_opnum, first_frag;
	const char *type_name;    /* "Bind_ack", from the label */
	const char *iface;        /* interface layer name, or NULL */
	const struct node *layer; /* interface layer node, or NULL */
};

/* A string (NULL as "") into key h: hmap_bytes, as fieldcmp.c hashes. */
static uint64_t hash_str(uint64_t h, const char *s)
{
	return hmap_mix(hmap_bytes(h, s ? s : "", s ? strlen(s) : 0), 0x72);
}

static bool is_name(const struct node *n, const char *name)
{
	return n->name && !strcmp(n->name, name);
}

static bool node_uint(const struct node *n, uint64_t *v)
{
	if (!n->show || !*n->show)
		return false;
	char *end;
	*v = strtoull(n->show, &end, 0);
	return *end == 0;
}

/* A protocol layer decoding a PDU's stub: what follows a dcerpc node up
 * to the next PDU or SMB layer. */
static bool is_layer(const struct node *n)
{
	static const char *const stop[] = { "dcerpc", "nbss", "nbdgm", "smb", "smb2",
					    "smb_pipe", NULL };
	if (!n || !n->name || !(n->flags & N_PROTO))
		return false;
	for (int i = 0; stop[i]; i++)
		if (!strcmp(n->name, stop[i]))
			return false;
	return true;
}

/* Text of a label between its first ": " and its last " (", into buf
 * ("Packet type: Bind (11)" -> "Bind"); NULL if there is none. */
static const char *label_word(const struct node *n, char *buf, size_t cap)
{
	const char *l = n->label ? strstr(n->label, ": ") : NULL;
	if (!l)
		return NULL;
	l += 2;
	const char *e = strrchr(l, '(');
	size_t len = e && e > l && e[-1] == ' ' ? (size_t)(e - 1 - l) : strlen(l);
	if (!len || len >= cap)
		return NULL;
	memcpy(buf, l, len);
	buf[len] = 0;
	return buf;
}

/* The node after x in a pre-order walk of top's subtree, or NULL. */
static const struct node *walk_next(const struct node *x, const struct node *top)
{
	if (x->child)
		return x->child;
	while (x != top && !x->next)
		x = x->parent;
	return x == top ? NULL : x->next;
}

static void read_pdu(const struct node *dce, struct rpc_pdu *p, char *tname, size_t cap)
{
	memset(p, 0, sizeof(*p));
	p->type = -1;
	p->first_frag = true;
	unsigned budget = MAX_WALK;
	const struct node *x = dce->child;
	while (x && budget--) {
		uint64_t v;
		if (is_name(x, "dcerpc.pkt_type") && p->type < 0 && node_uint(x, &v)) {
			p->type = (int)v;
			p->type_name = label_word(x, tname, cap);
		} else if (is_name(x, "dcerpc.cn_call_id") && !p->has_call) {
			p->has_call = node_uint(x, &p->call_id);
		} else if (is_name(x, "dcerpc.cn_ctx_id") && !p->has_ctx) {
			p->has_ctx = node_uint(x, &p->ctx_id);
		} else if (is_name(x, "dcerpc.opnum") && !p->has_opnum) {
			p->has_opnum = node_uint(x, &p->opnum);
		} else if (is_name(x, "dcerpc.cn_flags.first_frag")) {
			p->first_frag = !node_uint(x, &v) || v != 0;
		} else if (is_name(x, "dcerpc.cn_status")) {
			node_uint(x, &p->status);
		}
		x = walk_next(x, dce);
	}
	if (is_layer(dce->next)) {
		p->layer = dce->next;
		p->iface = dce->next->name;
	}
}

static const char *ptype_name(int type)
{
	static const char *const names[] = {
		[PT_REQUEST] = "Request", [PT_RESPONSE] = "Response", [PT_FAULT] = "Fault",
		[PT_BIND] = "Bind", [PT_BIND_ACK] = "Bind_ack", [PT_BIND_NAK] = "Bind_nak",
		[PT_ALTER] = "Alter_context", [PT_ALTER_RESP] = "Alter_context_resp",
		[PT_AUTH3] = "AUTH3", [PT_SHUTDOWN] = "Shutdown", [PT_CANCEL] = "Cancel",
		[PT_ORPHANED] = "Orphaned",
	};
	if (type >= 0 && (size_t)type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "PDU";
}

static bool opens_call(int type)
{
	return type == PT_REQUEST || type == PT_BIND || type == PT_ALTER ||
	       type == PT_AUTH3 || type == PT_CANCEL || type == PT_ORPHANED;
}

static bool bind_like(int type)
{
	return type == PT_BIND || type == PT_ALTER || type == PT_AUTH3 ||
	       type == PT_BIND_ACK || type == PT_BIND_NAK || type == PT_ALTER_RESP;
}

/* Does a response of this type answer operation o? */
static bool answers(const struct op *o, int type)
{
	if ((o->cmd & RPC_BIND_CMD) == RPC_BIND_CMD) {
		unsigned t = o->cmd & 0xff;
		return (t == PT_BIND && (type == PT_BIND_ACK || type == PT_BIND_NAK)) ||
		       (t == PT_ALTER && (type == PT_ALTER_RESP || type == PT_BIND_NAK)) ||
		       ((t == PT_BIND || t == PT_ALTER) && type == PT_FAULT);
	}
	return type == PT_RESPONSE || type == PT_FAULT;
}

static uint64_t pipe_key(uint32_t stream, const char *fid)
{
	return hash_str(hmap_mix(0x70697065, stream), fid);
}

/* Lower-case interface name of a bind's abstract syntax item. */
static const char *bind_iface(struct rpc_builder *rb, const struct node *uuid)
{
	char buf[128];
	const char *l = uuid->label ? strstr(uuid->label, "Interface: ") : NULL;
	const char *e = l ? strstr(l, " UUID") : NULL;
	size_t n = 0;
	if (l && e && e > l + 11) {
		for (l += 11; l < e && n + 1 < sizeof(buf); l++)
			buf[n++] = (char)tolower((unsigned char)*l);
	} else if (uuid->show) {
		snprintf(buf, sizeof(buf), "%s", uuid->show);
		n = strlen(buf);
	}
	buf[n] = 0;
	return n ? ops_intern(rb->s, &rb->strs, buf) : NULL;
}

/* Records the context ids a bind or alter_context defines on a pipe;
 * returns the first interface. */
static const char *bind_contexts(struct rpc_builder *rb, const struct node *dce,
				 uint64_t pipe)
{
	const char *first = NULL;
	uint64_t ctx = 0;
	unsigned budget = MAX_WALK;
	const struct node *x = dce->child;
	while (x && budget--) {
		if (is_name(x, "dcerpc.cn_ctx_id"))
			node_uint(x, &ctx);
		else if (is_name(x, "dcerpc.cn_bind_to_uuid")) {
			const char *iface = bind_iface(rb, x);
			if (iface) {
				hmap_put(&rb->ctx, hmap_mix(pipe, ctx), (void *)iface);
				if (!first)
					first = iface;
			}
		}
		x = walk_next(x, dce);
	}
	return first;
}

/* The operation's name the interface layer gives ("Operation: OpenHKU
 * (2)" of winreg.opnum), into word; NULL without one. */
static const char *layer_opname(const struct rpc_pdu *p, char *word, size_t cap)
{
	const char *opname = NULL;
	if (p->layer) {
		char fname[96];
		snprintf(fname, sizeof(fname), "%s.opnum", p->layer->name);
		for (const struct node *c = p->layer->child; c && !opname; c = c->next)
			if (is_name(c, fname))
				opname = label_word(c, word, cap);
	}
	return opname;
}

/* Name of the operation of PDU p on interface iface, interned. */
static const char *op_name(struct rpc_builder *rb, const struct rpc_pdu *p, const char *iface,
			   const char *bind_type)
{
	char buf[256], word[160];
	const char *opname = layer_opname(p, word, sizeof(word));
	if (bind_type)
		snprintf(buf, sizeof(buf), "%s %s", iface, bind_type);
	else if (opname)
		snprintf(buf, sizeof(buf), "%s %s", iface, opname);
	else if (p->has_opnum)
		snprintf(buf, sizeof(buf), "%s opnum %llu", iface, (unsigned long long)p->opnum);
	else
		snprintf(buf, sizeof(buf), "%s %s", iface, p->type_name ? p->type_name
									: ptype_name(p->type));
	return ops_intern(rb->s, &rb->strs, buf);
}

/* Gives o its key record, of the interface sub, name and path. */
static void rpc_set_keys(struct rpc_builder *rb, struct op *o, const char *sub,
			 const char *name, const char *path)
{
	struct op_key k = { .sub = sub, .name = name, .path = path };
	uint64_t k1 = hash_str(hmap_mix(0x727063, o->cmd), sub);
	k1 = hmap_mix(k1, o->flags & OP_UNSOLICITED);
	k.hash[1] = k.hash[2] = k1;
	k.hash[0] = hash_str(k1, path);
	o->key = ops_key(rb->s, &rb->keys, &k);
}

/* Fills a new operation's identity from PDU p. */
static void describe(struct rpc_builder *rb, struct op *o, const struct rpc_pdu *p,
		     const char *iface, const struct rpc_carrier *car)
{
	bool bl = bind_like(p->type);
	o->proto = OP_RPC;
	o->cmd = (uint16_t)(bl ? RPC_BIND_CMD | (unsigned)(p->type & 0xff)
			       : p->has_opnum ? p->opnum : 0);
	const char *path = o->key->path;
	if (car && car->path) {
		path = car->path;
		o->flags |= OP_PATH_FROM_ID;
	}
	rpc_set_keys(rb, o, iface, op_name(rb, p, iface, bl ? ptype_name(p->type) : NULL), path);
}

static void on_pdu(struct rpc_builder *rb, const struct node *dce, uint16_t ordinal,
		   uint32_t frame, const struct frame_rec *fr, const struct rpc_carrier *car,
		   const char *pipe_fid)
{
	char tname[64];
	struct rpc_pdu p;
	read_pdu(dce, &p, tname, sizeof(tname));
	uint64_t pipe = pipe_key(fr->stream, pipe_fid);
	const char *bound = NULL;
	if (p.type == PT_BIND || p.type == PT_ALTER)
		bound = bind_contexts(rb, dce, pipe);
	const char *iface = p.iface ? ops_intern(rb->s, &rb->strs, p.iface) : NULL;
	if (!iface && p.has_ctx)
		iface = hmap_get(&rb->ctx, hmap_mix(pipe, p.ctx_id));
	if (!iface)
		iface = bound ? bound : "dcerpc";
	uint64_t pk = hmap_mix(hmap_mix(pipe, 0x63616c6c), p.call_id);
	uintptr_t v = p.has_call ? (uintptr_t)hmap_get(&rb->pending, pk) : 0;
	struct op *o = v ? &rb->s->ops[v - 1] : NULL;

	if (opens_call(p.type) || p.type < 0) {
		if (o && o->rsp_frame == OP_NONE && !p.first_frag && o->req_frame != OP_NONE) {
			o->req_frame = frame; /* a later fragment: the stub is reassembled here */
			o->req_member = ordinal;
			o->ninterim++;
			if (p.iface && strcmp(o->key->sub, iface)) {
				describe(rb, o, &p, iface, car);
			} else if (p.layer) {
				struct op_key k = *o->key;
				k.name = op_name(rb, &p, k.sub, NULL);
				o->key = ops_key(rb->s, &rb->keys, &k);
			}
			return;
		}
		uint32_t i = ops_new_op(rb->s, fr->stream);
		o = &rb->s->ops[i];
		o->req_frame = frame;
		o->req_member = ordinal;
		describe(rb, o, &p, iface, car);
		if (p.has_call && p.type != PT_AUTH3 && p.type != PT_CANCEL && p.type != PT_ORPHANED)
			hmap_put(&rb->pending, pk, (void *)(uintptr_t)(i + 1));
		return;
	}
	if (o && o->rsp_frame != OP_NONE) {
		if (!p.first_frag) { /* a later fragment of the response */
			o->rsp_frame = frame;
			o->rsp_member = ordinal;
			o->ninterim++;
			return;
		}
		o = NULL;
	}
	if (o && !answers(o, p.type))
		o = NULL;
	if (!o) {
		uint32_t i = ops_new_op(rb->s, fr->stream);
		o = &rb->s->ops[i];
		o->flags |= p.type == PT_SHUTDOWN ? OP_UNSOLICITED : OP_NO_REQUEST;
		describe(rb, o, &p, iface, car);
		if (p.has_call && p.type != PT_SHUTDOWN)
			hmap_put(&rb->pending, pk, (void *)(uintptr_t)(i + 1));
	}
	o->rsp_frame = frame;
	o->rsp_member = ordinal;
	o->status = (uint32_t)p.status;
}

void rpc_frame(struct rpc_builder *rb, struct node *root, uint32_t frame,
	       const struct frame_rec *fr, const struct rpc_carrier *car, size_t ncar)
{
	const struct rpc_carrier *cur = NULL;
	const char *fid = NULL;
	uint16_t ordinal = 0;
	size_t k = 0;
	for (const struct node *c = root->child; c; c = c->next) {
		if (k < ncar && c == car[k].msg) {
			while (k + 1 < ncar && car[k + 1].msg == c)
				k++; /* messages decrypted from one transform: the last */
			cur = &car[k++];
			fid = cur->fid;
		} else if (is_name(c, "dcerpc")) {
			on_pdu(rb, c, ordinal, frame, fr, cur, fid);
			if (ordinal < UINT16_MAX)
				ordinal++;
		}
	}
}

static bool name_is(const char *name, size_t namelen, const char *s)
{
	return strlen(s) == namelen && !memcmp(name, s, namelen);
}

bool rpc_graft_reads(const char *root, const char *name, size_t namelen, unsigned depth)
{
	/* read_pdu() and bind_contexts(), anywhere under the PDU */
	static const char *const pdu[] = {
		"dcerpc.pkt_type", "dcerpc.cn_call_id", "dcerpc.cn_ctx_id", "dcerpc.opnum",
		"dcerpc.cn_flags.first_frag", "dcerpc.cn_status", "dcerpc.cn_bind_to_uuid", NULL,
	};
	if (!strcmp(root, "dcerpc")) {
		for (int i = 0; pdu[i]; i++)
			if (name_is(name, namelen, pdu[i]))
				return true;
		return false;
	}
	/* layer_opname(): the layer's "<layer>.opnum" child */
	size_t n = strlen(root);
	return depth == 1 && namelen == n + 6 && !memcmp(name, root, n) &&
	       !memcmp(name + n, ".opnum", 6);
}

struct rpc_builder *rpc_builder_new(struct opset *s)
{
	struct rpc_builder *rb = xcalloc(1, sizeof(*rb));
	rb->s = s;
	hmap_init(&rb->pending);
	hmap_init(&rb->ctx);
	hmap_init(&rb->strs);
	hmap_init(&rb->keys);
	return rb;
}

void rpc_builder_free(struct rpc_builder *rb)
{
	if (!rb)
		return;
	hmap_free(&rb->pending);
	hmap_free(&rb->ctx);
	hmap_free(&rb->strs);
	hmap_free(&rb->keys);
	free(rb);
}

struct node *rpc_pdu_view(struct arena *a, const struct op *o, struct node *root,
			  uint16_t ordinal, const char **sum)
{
	struct node *dce = NULL;
	uint16_t k = 0;
	for (struct node *c = root->child; c && !dce; c = c->next)
		if (is_name(c, "dcerpc") && k++ == ordinal)
			dce = c;
	if (!dce)
		return NULL;
	struct node *after = dce->next;
	while (is_layer(after)) { /* move the interface layer under the PDU */
		struct node *n = after;
		after = n->next;
		node_append(dce, n);
		if (root->last == n)
			root->last = dce;
	}
	dce->next = after;
	if (sum) {
		char tname[64];
		struct rpc_pdu p;
		read_pdu(dce, &p, tname, sizeof(tname));
		const char *tn = p.type_name ? p.type_name : ptype_name(p.type);
		if ((o->cmd & RPC_BIND_CMD) == RPC_BIND_CMD)
			*sum = arena_printf(a, "%s %s", o->key->sub, tn);
		else if (p.type == PT_REQUEST || p.type == PT_RESPONSE)
			*sum = arena_printf(a, "%s %s", o->key->name,
					    p.type == PT_REQUEST ? "request" : "response");
		else
			*sum = arena_printf(a, "%s %s", o->key->name, tn);
	}
	return dce;
}

const char *rpc_operation(const struct op *o)
{
	size_t n = o->key->sub ? strlen(o->key->sub) : 0;
	if (o->key->name && n && !strncmp(o->key->name, o->key->sub, n) && o->key->name[n] == ' ')
		return o->key->name + n + 1;
	return o->key->name ? o->key->name : "";
}

#define INFO_MAX_PDUS 8 /* PDUs named in one frame's Info */

const char *rpc_frame_info(struct arena *a, const struct node *root)
{
	char buf[512], tname[64], word[160];
	size_t o = 0;
	unsigned k = 0;
	buf[0] = 0;
	for (const struct node *c = root ? root->child : NULL; c && k < INFO_MAX_PDUS && o < sizeof(buf);
	     c = c->next) {
		if (!is_name(c, "dcerpc"))
			continue;
		struct rpc_pdu p;
		read_pdu(c, &p, tname, sizeof(tname));
		const char *sep = k++ ? ", " : "";
		const char *opname = layer_opname(&p, word, sizeof(word));
		const char *dir = p.type == PT_REQUEST ? "request" : "response";
		int w;
		if ((p.type == PT_REQUEST || p.type == PT_RESPONSE) && opname)
			w = snprintf(buf + o, sizeof(buf) - o, "%s%s %s", sep, opname, dir);
		else if ((p.type == PT_REQUEST || p.type == PT_RESPONSE) && p.has_opnum)
			w = snprintf(buf + o, sizeof(buf) - o, "%s%s opnum %llu %s", sep,
				     p.iface ? p.iface : "DCE/RPC", (unsigned long long)p.opnum, dir);
		else
			w = snprintf(buf + o, sizeof(buf) - o, "%s%s: call_id: %llu", sep,
				     p.type_name ? p.type_name : ptype_name(p.type),
				     (unsigned long long)p.call_id);
		o += w > 0 ? (size_t)w : 0;
	}
	return k ? arena_strdup(a, buf) : NULL;
}
