/*
 * actions.c - the actions of a trace (design and idioms: actions.h).
 *
 * One pass per connection over its operations, in order. Each operation
 * first becomes an action of its own verb (cmdfacts.def), or joins one:
 * a handle's reads, writes and listings join the first of their kind on
 * that handle, SESSION_SETUP rounds the authenticate action they continue.
 * When a handle closes (or the trace ends), its open is folded into what
 * it served if it served no data (actions.h). Joining is recorded as a
 * parent link (acts merged into others are marked AF_DELETED); the last
 * step gives every action its operations in order and drops the merged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "field.h"
#include "hmap.h"
#include "xalloc.h"

#define STATUS_MORE_PROCESSING 0xc0000016u
#define STATUS_NO_MORE_FILES 0x80000006u
#define STATUS_NO_SUCH_FILE 0xc000000fu
#define STATUS_END_OF_FILE 0xc0000011u
#define CO_DIRECTORY 0x1u
#define CO_DELETE_ON_CLOSE 0x1000u
#define DISP_CREATE 2u

/* An open handle of the connection being read. */
struct handle {
	uint32_t open;       /* its OPEN action */
	uint32_t first_use, last_use; /* actions done through it, UINT32_MAX */
	uint32_t rd, wr, ls; /* its read / write / list action, UINT32_MAX */
	bool data;           /* served data (read, write, lock, notify...) */
};

struct builder {
	struct actset *as;
	const struct opset *s;
	struct arena tmp;        /* trees, reset per operation */
	uint32_t *parent;        /* per action: merged into, or itself */
	size_t capparent;
	uint32_t *act_of;        /* per op: its action, UINT32_MAX for none */
	struct hmap handles;     /* fid (interned pointer) -> struct handle * */
	struct handle *hs;       /* handles of this connection */
	size_t nh, caph;
	uint32_t last;           /* last action of this connection, or UINT32_MAX */
	uint32_t last_list;      /* SMB1 search in progress, or UINT32_MAX */
};

#define NONE UINT32_MAX

static const struct node *find(const struct node *n, int fid)
{
	for (const struct node *c = n ? n->child : NULL; c; c = c->next) {
		if (c->field == fid)
			return c;
		const struct node *r = find(c, fid);
		if (r)
			return r;
	}
	return NULL;
}

/* The (*k)-th node of field fid under n, depth first; *k counts down. */
static const struct node *nth(const struct node *n, int fid, uint64_t *k)
{
	for (const struct node *c = n ? n->child : NULL; c; c = c->next) {
		if (c->field == fid && (*k)-- == 0)
			return c;
		const struct node *r = nth(c, fid, k);
		if (r)
			return r;
	}
	return NULL;
}

static bool num(const struct node *root, int fid, uint64_t *v)
{
	const struct node *n = find(root, fid);
	if (!n || !(n->flags & N_HAS_VALUE))
		return false;
	*v = n->value;
	return true;
}

static const char *str(const struct node *root, int fid)
{
	const struct node *n = find(root, fid);
	return n ? node_raw_show(n) : NULL;
}

static uint32_t new_action(struct builder *b, uint8_t verb, uint32_t opi)
{
	struct actset *as = b->as;
	if (as->n == as->cap) {
		as->cap = as->cap ? as->cap * 2 : 256;
		as->a = xrealloc(as->a, as->cap * sizeof(*as->a));
		b->parent = xrealloc(b->parent, as->cap * sizeof(*b->parent));
	}
	const struct op *o = &b->s->ops[opi];
	struct action *a = &as->a[as->n];
	memset(a, 0, sizeof(*a));
	a->verb = verb;
	a->proto = o->proto;
	a->first_op = opi;
	a->path = o->key->path;
	a->status = o->status;
	if (o->rsp_frame == OP_NONE)
		a->flags |= AF_NO_RESULT;
	b->parent[as->n] = (uint32_t)as->n;
	b->act_of[opi] = (uint32_t)as->n;
	return (uint32_t)as->n++;
}

/* Operation opi joins action k; ender is a status that ends the action
 * normally when not its first operation (no more files, end of file). */
static void join(struct builder *b, uint32_t k, uint32_t opi, uint32_t ender)
{
	const struct op *o = &b->s->ops[opi];
	struct action *a = &b->as->a[k];
	b->act_of[opi] = k;
	if (act_ok(a->status) && !act_ok(o->status) && o->status != ender)
		a->status = o->status;
}

/* Action x is folded into action into (its operations move there). */
static void fold(struct builder *b, uint32_t x, uint32_t into)
{
	struct action *ax = &b->as->a[x], *ai = &b->as->a[into];
	b->parent[x] = into;
	ax->flags |= AF_DELETED;
	if (act_ok(ai->status) && !act_ok(ax->status))
		ai->status = ax->status;
}

/* ---- arguments -------------------------------------------------------- */

/* The object as written: backslashes, no leading one, share in front. */
static const char *raw_name(struct builder *b, const char *share, const char *name)
{
	char buf[1024];
	size_t n = 0;
	if (share)
		n = (size_t)snprintf(buf, sizeof(buf), "%s", share);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (const char *p = name ? name : ""; *p && n + 2 < sizeof(buf); p++) {
		char c = *p == '/' ? '\\' : *p;
		if (c == '\\' && (n == 0 || buf[n - 1] == '\\'))
			continue;
		if (n && buf[n - 1] != '\\' && p == name && c != '\\')
			buf[n++] = '\\';
		buf[n++] = c;
	}
	while (n && buf[n - 1] == '\\')
		n--;
	buf[n] = 0;
	return arena_strdup(&b->as->ar, buf);
}

/* The share component of a normalised path ("share\dir" -> "share"). */
static const char *share_of(struct builder *b, const char *path)
{
	if (!path)
		return NULL;
	const char *e = strchr(path, '\\');
	size_t n = e ? (size_t)(e - path) : strlen(path);
	char *s = arena_alloc(&b->as->ar, n + 1);
	memcpy(s, path, n);
	s[n] = 0;
	return s;
}

/* SMB1 OPEN_ANDX / core OPEN access mode (MS-CIFS 2.2.4.3.1) as NT rights. */
static uint32_t smb1_access(uint64_t mode)
{
	static const uint32_t map[] = { 0x00120089, 0x00120116, 0x0012019f, 0x001200a0 };
	return mode < 4 ? map[mode] : 0x00120089;
}

/* SMB1 sharing mode as NT share access. */
static uint32_t smb1_share(uint64_t mode)
{
	static const uint32_t map[] = { 3, 0, 1, 2, 3 };
	return mode < 5 ? map[mode] : 3;
}

/* SMB1 OPEN_ANDX OpenFunction (MS-CIFS 2.2.4.41.1) as a CreateDisposition. */
static uint32_t smb1_disp(uint64_t f)
{
	bool create = f & 0x10;
	switch (f & 3) {
	case 0: return create ? 2 : 1;  /* fail if exists: Create */
	case 1: return create ? 3 : 1;  /* open: Open If / Open */
	default: return create ? 5 : 4; /* truncate: Overwrite If / Overwrite */
	}
}

static void open_args(struct builder *b, struct action *a, const struct op *o,
		      const struct node *rq)
{
	uint64_t v;
	if (num(rq, F_SMB_ACCESS_MASK, &v)) {
		a->access = (uint32_t)v;
		a->known |= AK_ACCESS;
	} else if (num(rq, F_SMB_ACCESS_MODE, &v)) {
		a->access = smb1_access(v);
		a->known |= AK_ACCESS;
		if (num(rq, F_SMB_ACCESS_SHARING, &v)) {
			a->share = smb1_share(v);
			a->known |= AK_SHARE;
		}
	}
	if (num(rq, F_SMB_SHARE_ACCESS, &v)) {
		a->share = (uint32_t)v;
		a->known |= AK_SHARE;
	}
	if (num(rq, o->proto == OP_SMB2 ? F_SMB2_CREATE_DISPOSITION : F_SMB_CREATE_DISPOSITION, &v)) {
		a->disp = (uint32_t)v;
		a->known |= AK_DISP;
	} else if (num(rq, F_SMB_OPEN_FUNCTION, &v)) {
		a->disp = smb1_disp(v);
		a->known |= AK_DISP;
	} else if (o->proto == OP_SMB1 && (o->cmd == 0x02 || o->cmd == 0x03 || o->cmd == 0x0f ||
					   o->cmd == 0x0e)) {
		a->disp = o->cmd == 0x02 ? 1 : o->cmd == 0x03 ? 5 : 2;
		a->known |= AK_DISP;
	}
	if (num(rq, F_SMB_CREATE_OPTIONS, &v)) {
		a->options = (uint32_t)v;
		a->known |= AK_OPTIONS;
	}
	const char *name = str(rq, o->proto == OP_SMB2 ? F_SMB2_FILENAME : F_SMB_FILE);
	a->name = raw_name(b, share_of(b, o->key->path), name);
}

/* A search pattern "\dir\*.jpg": the directory joins the path, the last
 * component is the pattern. */
static void list_args(struct builder *b, struct action *a, const struct op *o,
		      const struct node *rq)
{
	const char *pat = str(rq, o->proto == OP_SMB2 ? F_SMB2_FIND_PATTERN : F_SMB_SEARCH_PATTERN);
	uint64_t v;
	if (o->proto == OP_SMB2 && num(rq, F_SMB2_FIND_INFOLEVEL, &v)) {
		a->info = INFO(INFO_FILE, v);
		a->known |= AK_INFO;
	} else if (o->proto == OP_SMB1 && o->cmd == 0x32 && o->key->ncode >= 2) {
		a->info = act_smb1_level(o->key->code[0], o->key->code[1]);
		a->known |= AK_INFO;
	}
	if (!pat)
		return;
	if (o->proto == OP_SMB1) {
		const char *slash = strrchr(pat, '\\');
		if (slash) {
			char dir[1024];
			size_t n = (size_t)(slash - pat);
			if (n >= sizeof(dir))
				n = sizeof(dir) - 1;
			memcpy(dir, pat, n);
			dir[n] = 0;
			const char *share = share_of(b, o->key->path);
			a->name = raw_name(b, share, dir);
			char low[1024];
			size_t k = 0;
			for (const char *p = a->name; *p && k + 1 < sizeof(low); p++)
				low[k++] = (char)tolower((unsigned char)*p);
			low[k] = 0;
			a->path = arena_strdup(&b->as->ar, low);
			pat = slash + 1;
		}
	}
	a->pattern = arena_strdup(&b->as->ar, pat);
	a->known |= AK_PATTERN;
}

/* Position-dependent digest of bytes (shows "aa:bb:..") at offset off:
 * the sum of (byte + 1) * B^position mod 2^61 - 1, so the same bytes at
 * the same offsets give the same digest however they were chunked. */
#define DIG_P ((1ull << 61) - 1)
#define DIG_B 1000003ull

static uint64_t mulmod(uint64_t x, uint64_t y)
{
	unsigned __int128 r = (unsigned __int128)x * y;
	uint64_t lo = (uint64_t)(r & DIG_P), hi = (uint64_t)(r >> 61);
	uint64_t s = lo + hi;
	return s >= DIG_P ? s - DIG_P : s;
}

static uint64_t powmod(uint64_t e)
{
	uint64_t r = 1, x = DIG_B;
	for (; e; e >>= 1, x = mulmod(x, x))
		if (e & 1)
			r = mulmod(r, x);
	return r;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Adds the bytes of show at off to *dig; false when the show is not hex
 * (a digest of a payload over 64 KiB). *len gets the byte count. */
static bool digest_add(uint64_t *dig, const char *show, uint64_t off, uint64_t *len)
{
	uint64_t x = powmod(off), sum = 0, n = 0;
	for (const char *p = show; *p;) {
		int h = hexval(p[0]), l = h < 0 ? -1 : hexval(p[1]);
		if (l < 0)
			return false;
		sum += mulmod((uint64_t)(h * 16 + l) + 1, x);
		if (sum >= DIG_P)
			sum -= DIG_P;
		x = mulmod(x, DIG_B);
		n++;
		p += 2;
		if (*p == ':')
			p++;
	}
	*dig = (*dig + sum) % DIG_P;
	*len = n;
	return true;
}

/* One read or write request added to action a. */
static void io_add(struct action *a, const struct op *o, const struct node *rq,
		   const struct node *rs)
{
	bool w = a->verb == V_WRITE;
	uint64_t off = 0, hi = 0, len = 0;
	if (o->flags & OP_HAS_OFFSET)
		off = o->offset;
	else if (num(rq, F_SMB_OFFSET, &off) && num(rq, F_SMB_OFFSET_HIGH, &hi))
		off |= hi << 32;
	const struct node *data = NULL;
	if (o->proto == OP_SMB2)
		data = find(w ? rq : rs, w ? F_SMB2_WRITE_DATA : F_SMB2_READ_DATA);
	else
		data = find(w ? rq : rs, F_SMB_FILE_DATA);
	bool first = !(a->known & AK_EXTENT);
	if (data && data->show && digest_add(&a->digest, data->show, off, &len)) {
		if (first)
			a->known |= AK_DIGEST;
	} else {
		a->known &= (uint16_t)~AK_DIGEST;
		uint64_t lo = 0, hi16 = 0;
		const struct node *m = w ? rq : rs;
		if (data)
			len = data->size;
		else if (o->proto == OP_SMB2)
			num(rq, w ? F_SMB2_WRITE_LENGTH : F_SMB2_READ_LENGTH, &len);
		else if (num(m, F_SMB_DATA_LEN_LOW, &lo)) {
			num(m, F_SMB_DATA_LEN_HIGH, &hi16);
			len = lo | (hi16 & 0xffff) << 16;
		}
	}
	if (first || off < a->offset)
		a->offset = off;
	if (first || off + len > a->end)
		a->end = off + len;
	a->known |= AK_EXTENT;
	a->length += len;
	a->nchunks++;
	if (len > a->max_chunk)
		a->max_chunk = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
}

/* ---- the pass ---------------------------------------------------------- */

static struct handle *handle_of(struct builder *b, const char *fid)
{
	uintptr_t v = fid ? (uintptr_t)hmap_get(&b->handles, (uint64_t)(uintptr_t)fid) : 0;
	return v ? &b->hs[v - 1] : NULL;
}

/* A handle's uses are over: fold its open (and close) per actions.h. */
static void handle_end(struct builder *b, struct handle *h, uint32_t close_op)
{
	struct action *open = &b->as->a[h->open];
	uint32_t ca = close_op == NONE ? NONE : b->act_of[close_op];
	if (h->data || !act_ok(open->status)) {
		if (ca != NONE)
			b->as->a[ca].verb = V_CLOSE;
		return;
	}
	if (h->first_use == NONE) {
		if ((open->known & AK_OPTIONS) && (open->options & CO_DELETE_ON_CLOSE))
			open->verb = V_DELETE;
		else if ((open->known & AK_DISP) && open->disp == DISP_CREATE &&
			 (open->options & CO_DIRECTORY))
			open->verb = V_MKDIR;
		open->flags |= AF_IDIOM;
		if (ca != NONE)
			fold(b, ca, h->open);
		return;
	}
	struct action *u = &b->as->a[h->first_use];
	u->flags |= AF_IDIOM;
	if (!u->name)
		u->name = open->name;
	fold(b, h->open, h->first_use);
	if ((open->options & CO_DELETE_ON_CLOSE) && b->as->a[h->last_use].verb != V_DELETE) {
		/* opened to be deleted, used meanwhile: the delete is its own */
		open->verb = V_DELETE;
		open->flags &= (uint8_t)~AF_DELETED;
		b->parent[h->open] = h->open;
		if (ca != NONE)
			fold(b, ca, h->open);
		return;
	}
	if (ca != NONE)
		fold(b, ca, h->last_use);
}

static void use(struct handle *h, uint32_t k)
{
	if (h->first_use == NONE)
		h->first_use = k;
	h->last_use = k;
}

static void one_op(struct builder *b, uint32_t opi)
{
	const struct op *o = &b->s->ops[opi];
	if (o->proto == OP_RPC)
		return;
	struct cmd_facts f = op_facts(o);
	uint8_t verb = (o->flags & OP_ENCRYPTED) ? V_OTHER : f.verb;
	struct node *rq = NULL, *rs = NULL;
	bool trees = verb == V_OPEN || verb == V_READ || verb == V_WRITE || verb == V_LIST ||
		     verb == V_NEGOTIATE || verb == V_CONNECT ||
		     (o->proto == OP_SMB1 && (verb == V_IOCTL || (o->key->path && !o->fid)));
	if (trees) {
		arena_reset(&b->tmp);
		ops_trees(b->s, o, &b->tmp, &rq, &rs, NULL, NULL, true);
	}
	struct handle *h = (o->facts & OPF_OPENED) ? NULL : handle_of(b, o->fid);
	uint32_t k;

	switch (verb) {
	case V_NEGOTIATE:
		if (b->last != NONE && b->as->a[b->last].verb == V_NEGOTIATE) {
			k = b->last;
			join(b, k, opi, 0);
		} else {
			k = new_action(b, verb, opi);
		}
		{
			struct action *a = &b->as->a[k];
			uint64_t v;
			if (rs && o->proto == OP_SMB2 && num(rs, F_SMB2_DIALECT, &v)) {
				a->pattern = arena_printf(&b->as->ar, "SMB %x.%x.%x", (unsigned)(v >> 8),
							  (unsigned)(v >> 4 & 0xf), (unsigned)(v & 0xf));
				a->known |= AK_DIALECT;
			} else if (rs && num(rs, F_SMB_DIALECT_INDEX, &v)) {
				if (v == 0xffff) {
					a->status = 0xc00000bbu; /* STATUS_NOT_SUPPORTED */
					a->pattern = "none of the offered dialects";
				} else { /* the v-th dialect the request offered */
					uint64_t i = v;
					const struct node *nm = nth(rq, F_SMB_DIALECT_NAME, &i);
					if (nm && nm->show)
						a->pattern = arena_strdup(&b->as->ar, nm->show);
				}
				a->known |= AK_DIALECT;
			}
		}
		break;
	case V_AUTH:
		if (b->last != NONE && b->as->a[b->last].verb == V_AUTH &&
		    b->as->a[b->last].status == STATUS_MORE_PROCESSING) {
			k = b->last;
			b->act_of[opi] = k;
			b->as->a[k].status = o->status;
		} else {
			k = new_action(b, verb, opi);
		}
		break;
	case V_CONNECT: {
		k = new_action(b, verb, opi);
		const char *t = rq ? str(rq, o->proto == OP_SMB2 ? F_SMB2_TREE : F_SMB_PATH) : NULL;
		const char *s = t ? strrchr(t, '\\') : NULL;
		b->as->a[k].name = t ? arena_strdup(&b->as->ar, s ? s + 1 : t) : NULL;
		break;
	}
	case V_OPEN:
		k = new_action(b, verb, opi);
		open_args(b, &b->as->a[k], o, rq);
		if ((o->facts & OPF_OPENED) && o->fid && act_ok(o->status)) {
			if (b->nh == b->caph) {
				/* handles are found through the map by index, so
				 * growing the array keeps them valid */
				b->caph = b->caph ? b->caph * 2 : 64;
				b->hs = xrealloc(b->hs, b->caph * sizeof(*b->hs));
			}
			struct handle *nh = &b->hs[b->nh];
			*nh = (struct handle){ k, NONE, NONE, NONE, NONE, NONE, false };
			hmap_put(&b->handles, (uint64_t)(uintptr_t)o->fid,
				 (void *)(uintptr_t)(b->nh + 1));
			b->nh++;
		}
		break;
	case V_READ: case V_WRITE: case V_LIST: {
		uint32_t *slot = h ? (verb == V_READ ? &h->rd : verb == V_WRITE ? &h->wr : &h->ls)
				   : NULL;
		bool cont = o->proto == OP_SMB1 && verb == V_LIST &&
			    ((o->cmd == 0x32 && o->key->ncode && o->key->code[0] == 0x02) || o->cmd == 0x34);
		if (slot && *slot != NONE) {
			k = *slot;
			join(b, k, opi, verb == V_LIST ? STATUS_NO_MORE_FILES : STATUS_END_OF_FILE);
		} else if (cont && b->last_list != NONE) {
			k = b->last_list;
			join(b, k, opi, STATUS_NO_MORE_FILES);
		} else {
			k = new_action(b, verb, opi);
			if (h)
				b->as->a[k].path = b->as->a[h->open].path;
			if (verb == V_LIST)
				list_args(b, &b->as->a[k], o, rq);
			if (slot)
				*slot = k;
			if (verb == V_LIST && o->proto == OP_SMB1)
				b->last_list = k;
		}
		if (verb != V_LIST)
			io_add(&b->as->a[k], o, rq, rs);
		if (h) {
			use(h, k);
			if (verb != V_LIST)
				h->data = true;
		}
		if ((f.facts & CF_CLOSES) && h) { /* WRITE_AND_CLOSE */
			handle_end(b, h, NONE);
			hmap_put(&b->handles, (uint64_t)(uintptr_t)o->fid, NULL);
		}
		break;
	}
	case V_CLOSE:
		k = new_action(b, verb, opi);
		if (h) {
			b->as->a[k].path = b->as->a[h->open].path;
			handle_end(b, h, opi);
			hmap_put(&b->handles, (uint64_t)(uintptr_t)o->fid, NULL);
		}
		break;
	default:
		k = new_action(b, verb, opi);
		{
			struct action *a = &b->as->a[k];
			if (h) {
				a->path = b->as->a[h->open].path;
				use(h, k);
				if (verb == V_LOCK || verb == V_NOTIFY || verb == V_FLUSH)
					h->data = true;
			} else if (rq && o->proto == OP_SMB1) {
				const char *nm = str(rq, F_SMB_FILE);
				if (!nm)
					nm = str(rq, F_SMB_DIR_NAME);
				if (nm)
					a->name = raw_name(b, share_of(b, o->key->path), nm);
			}
			if (verb == V_QUERY_INFO || verb == V_SET_INFO || verb == V_DELETE ||
			    verb == V_RENAME || verb == V_HARDLINK) {
				if (o->proto == OP_SMB2 && o->key->ncode >= 2) {
					a->info = INFO(o->key->code[0], o->key->code[1]);
					a->known |= AK_INFO;
				} else if (o->proto == OP_SMB2 && o->key->ncode == 1) {
					a->info = INFO(o->key->code[0], 0);
					a->known |= AK_INFO;
				} else if (o->proto == OP_SMB1 && o->cmd == 0x32 && o->key->ncode >= 2) {
					a->info = act_smb1_level(o->key->code[0], o->key->code[1]);
					a->known |= AK_INFO;
				} else if (o->proto == OP_SMB1 && o->cmd == 0xa0 && o->key->ncode >= 1) {
					a->info = INFO(INFO_SEC, 0);
					a->known |= AK_INFO;
				}
				/* a namespace change by SetInfo is its own verb, the
				 * class says nothing more */
				if (verb == V_DELETE || verb == V_RENAME || verb == V_HARDLINK)
					a->known &= (uint16_t)~AK_INFO;
			}
			if (verb == V_IOCTL) {
				uint64_t v;
				if (o->proto == OP_SMB2 && o->key->ncode >= 1) {
					a->fsctl = o->key->code[0];
					a->known |= AK_FSCTL;
				} else if (o->proto == OP_SMB1 && o->cmd == 0x32 && o->key->ncode &&
					   o->key->code[0] == 0x10) {
					a->fsctl = FSCTL_DFS_GET_REFERRALS;
					a->known |= AK_FSCTL;
					a->name = NULL;
				} else if (rq && num(rq, F_SMB2_IOCTL_FUNCTION, &v)) {
					a->fsctl = (uint32_t)v;
					a->known |= AK_FSCTL;
				}
			}
		}
		break;
	}
	/* A DFS referral names its path in its input, not as the object:
	 * the object is the share (IPC$) it goes to. */
	if (b->as->a[k].verb == V_IOCTL && b->as->a[k].fsctl == FSCTL_DFS_GET_REFERRALS &&
	    (b->as->a[k].known & AK_FSCTL))
		b->as->a[k].path = share_of(b, b->as->a[k].path);
	b->last = k;
}

static int cmp_first(const void *x, const void *y)
{
	const struct action *a = x, *b = y;
	return a->first_op < b->first_op ? -1 : a->first_op > b->first_op;
}

void actions_build(struct actset *as, const struct opset *s)
{
	memset(as, 0, sizeof(*as));
	arena_init(&as->ar);
	struct builder b = { .as = as, .s = s };
	arena_init(&b.tmp);
	b.act_of = xmalloc((s->n ? s->n : 1) * sizeof(*b.act_of));
	for (size_t i = 0; i < s->n; i++)
		b.act_of[i] = NONE;
	for (size_t c = 0; c < s->nconns; c++) {
		hmap_init(&b.handles);
		b.nh = 0;
		b.last = b.last_list = NONE;
		const struct op_conn *cn = &s->conns[c];
		size_t start = as->n;
		for (size_t j = 0; j < cn->n; j++)
			one_op(&b, cn->ops[j]);
		/* handles never closed in the trace */
		for (size_t h = 0; h < b.nh; h++) {
			struct handle *hp = &b.hs[h];
			void *cur = hmap_get(&b.handles,
					     (uint64_t)(uintptr_t)s->ops[as->a[hp->open].first_op].fid);
			if (cur == (void *)(uintptr_t)(h + 1))
				handle_end(&b, hp, NONE);
		}
		for (size_t k = start; k < as->n; k++)
			as->a[k].conn = (uint32_t)c;
		hmap_free(&b.handles);
	}
	/* Resolve folds, give each action its operations in order. */
	size_t n = as->n;
	uint32_t *cnt = xcalloc(n + 1, sizeof(*cnt));
	for (size_t i = 0; i < s->n; i++) {
		uint32_t k = b.act_of[i];
		if (k == NONE)
			continue;
		while (b.parent[k] != k)
			k = b.parent[k];
		b.act_of[i] = k;
		cnt[k]++;
	}
	uint32_t *start = xmalloc((n + 1) * sizeof(*start));
	uint32_t sum = 0;
	for (size_t k = 0; k < n; k++) {
		start[k] = sum;
		as->a[k].ops = sum;
		as->a[k].nops = cnt[k];
		sum += cnt[k];
	}
	as->opidx = xmalloc((sum ? sum : 1) * sizeof(*as->opidx));
	as->nidx = sum;
	for (size_t i = 0; i < s->n; i++) /* op indexes ascend: each list in order */
		if (b.act_of[i] != NONE)
			as->opidx[start[b.act_of[i]]++] = (uint32_t)i;
	size_t m = 0;
	for (size_t k = 0; k < n; k++) {
		if ((as->a[k].flags & AF_DELETED) || !as->a[k].nops)
			continue;
		as->a[k].first_op = as->opidx[as->a[k].ops];
		as->a[m++] = as->a[k];
	}
	as->n = m;
	/* trace order across connections, by first operation (none: as->a
	 * may be NULL, which qsort must not be given) */
	if (as->n > 1)
		qsort(as->a, as->n, sizeof(*as->a), cmp_first);
	free(start);
	free(cnt);
	free(b.act_of);
	free(b.parent);
	free(b.hs);
	arena_free(&b.tmp);
}

void actions_free(struct actset *as)
{
	free(as->a);
	free(as->opidx);
	arena_free(&as->ar);
	memset(as, 0, sizeof(*as));
}
