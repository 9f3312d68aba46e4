/*
 * smb2_create.c - MS-SMB2 2.2.13 CREATE Request, 2.2.14 CREATE Response,
 * 2.2.13.2/2.2.14.2 create contexts, 2.2.15/2.2.16 CLOSE, 2.2.17/2.2.18
 * FLUSH.
 *
 * CREATE Request: 0 StructureSize(57) 2 SecurityFlags 3 RequestedOplockLevel
 *   4 ImpersonationLevel 8 SmbCreateFlags(8) 16 Reserved(8)
 *  24 DesiredAccess 28 FileAttributes 32 ShareAccess 36 CreateDisposition
 *  40 CreateOptions 44 NameOffset(2) 46 NameLength(2)
 *  48 CreateContextsOffset 52 CreateContextsLength 56 Buffer
 * CREATE Response: 0 StructureSize(89) 2 OplockLevel 3 Flags 4 CreateAction
 *   8 CreationTime 16 LastAccessTime 24 LastWriteTime 32 ChangeTime
 *  40 AllocationSize 48 EndofFile 56 FileAttributes 60 Reserved2
 *  64 FileId(16) 80 CreateContextsOffset 84 CreateContextsLength 88 Buffer
 * Create context: 0 Next 4 NameOffset(2) 6 NameLength(2) 8 Reserved(2)
 *  10 DataOffset(2) 12 DataLength(4), offsets from the context start.
 * Wireshark reads NameLength+Reserved as one 4-byte length.
 *
 * The index hook keeps the requested name for the response and, when the
 * create succeeds, the FileId -> name mapping later commands show.
 */
#include "secdesc.h"
#include "smb2.h"
#include "wirestr.h"

#include <string.h>

#define SMB2_MAX_CREATE_CONTEXTS 64

static const int share_access_subs[] = { F_SMB_SHARE_ACCESS_READ,
					 F_SMB_SHARE_ACCESS_WRITE,
					 F_SMB_SHARE_ACCESS_DELETE, F_INVALID };
static const int create_options_subs[] = {
	F_SMB_NT_CREATE_OPTIONS_DIRECTORY, F_SMB_NT_CREATE_OPTIONS_WRITE_THROUGH,
	F_SMB_NT_CREATE_OPTIONS_SEQUENTIAL_ONLY,
	F_SMB_NT_CREATE_OPTIONS_INTERMEDIATE_BUFFERING,
	F_SMB_NT_CREATE_OPTIONS_SYNC_IO_ALERT, F_SMB_NT_CREATE_OPTIONS_SYNC_IO_NONALERT,
	F_SMB_NT_CREATE_OPTIONS_NON_DIRECTORY,
	F_SMB_NT_CREATE_OPTIONS_CREATE_TREE_CONNECTION,
	F_SMB_NT_CREATE_OPTIONS_COMPLETE_IF_OPLOCKED,
	F_SMB_NT_CREATE_OPTIONS_NO_EA_KNOWLEDGE,
	F_SMB_NT_CREATE_OPTIONS_EIGHT_DOT_THREE_ONLY,
	F_SMB_NT_CREATE_OPTIONS_RANDOM_ACCESS, F_SMB_NT_CREATE_OPTIONS_DELETE_ON_CLOSE,
	F_SMB_NT_CREATE_OPTIONS_OPEN_BY_FILEID, F_SMB_NT_CREATE_OPTIONS_BACKUP_INTENT,
	F_SMB_NT_CREATE_OPTIONS_NO_COMPRESSION, F_SMB_NT_CREATE_OPTIONS_RESERVE_OPFILTER,
	F_SMB_NT_CREATE_OPTIONS_OPEN_REPARSE_POINT, F_SMB_NT_CREATE_OPTIONS_OPEN_NO_RECALL,
	F_SMB_NT_CREATE_OPTIONS_OPEN_FOR_FREE_SPACE_QUERY, F_INVALID
};
static const int close_flags_subs[] = { F_SMB2_CLOSE_PQ_ATTRIB, F_INVALID };

/* Four timestamps, sizes and attributes shared by CREATE and CLOSE. */
static void file_times_sizes(struct dctx *d, struct node *body, struct cur *c)
{
	struct tctx *t = &d->t;

	r_filetime(t, body, F_SMB2_CREATE_TIME, c);
	r_filetime(t, body, F_SMB2_LAST_ACCESS_TIME, c);
	r_filetime(t, body, F_SMB2_LAST_WRITE_TIME, c);
	r_filetime(t, body, F_SMB2_LAST_CHANGE_TIME, c);
	r_uint(t, body, F_SMB2_ALLOCATION_SIZE, c, 8);
	r_uint(t, body, F_SMB2_EOF, c, 8);
	smb2_file_attributes(d, body, c);
}

/* ---- create contexts ---- */

enum { CC_REQ = 1, CC_RSP = 2 };

struct cc_tag {
	const char *tag;       /* 4-char tag, or 32 hex digits of a GUID tag */
	const char *name;
	void (*data)(struct dctx *d, struct node *n, struct cur *c, int dir,
		     const struct smb2_hdr *h);
};

/* SMB2_CREATE_REQUEST_LEASE(_V2) / RESPONSE_LEASE(_V2), 2.2.13.2.8/10. */
static void cc_lease(struct dctx *d, struct node *n, struct cur *c, int dir,
		     const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	bool v2 = cur_left(c) >= 52;

	(void)dir;
	(void)h;
	struct node *g = t_text(t, n, cur_pos(c), v2 ? 52 : 32, v2 ? "LEASE_V2" : "LEASE_V1");
	r_guid(t, g, F_SMB2_LEASE_LEASE_KEY, c);
	smb2_lease_state(d, g, c);
	smb2_lease_flags(d, g, c);
	r_uint(t, g, F_SMB2_LEASE_LEASE_DURATION, c, 8);
	if (!v2)
		return;
	r_guid(t, g, F_SMB2_LEASE_PARENT_LEASE_KEY, c);
	r_uint(t, g, F_SMB2_LEASE_LEASE_OPLOCK, c, 2);
	r_uint(t, g, F_SMB2_LEASE_LEASE_RESERVED, c, 2);
}

/* DHnQ: request 16 reserved bytes shown as a FileId; response 8 bytes. */
static void cc_dhnq(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	if (dir == CC_REQ && cur_left(c) >= 16)
		smb2_fid(d, n, c, h);
	else if (cur_left(c) >= 8)
		r_uint(&d->t, n, F_SMB2_DHNQ_BUFFER_RESERVED, c, 8);
}

/* DHnC: the FileId of the durable open to reconnect. */
static void cc_dhnc(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	if (dir == CC_REQ)
		smb2_fid(d, n, c, h);
}

/* DH2Q request 2.2.13.2.11 / response 2.2.14.2.12. As Wireshark: only the
 * request's Flags get their bit (persistent handle), and Reserved is a
 * 64-bit integer. */
static void cc_dh2q(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	static const int subs[] = { F_SMB2_DH2X_FLAGS_PERSISTENT_HANDLE, F_INVALID };
	struct tctx *t = &d->t;

	(void)h;
	r_uint(t, n, F_SMB2_DH2X_TIMEOUT, c, 4);
	if (dir == CC_RSP) {
		r_uint(t, n, F_SMB2_DH2X_FLAGS, c, 4);
		return;
	}
	r_bitmask(t, n, F_SMB2_DH2X_FLAGS, c, 4, subs);
	r_uint(t, n, F_SMB2_DH2X_RESERVED, c, 8);
	r_guid(t, n, F_SMB2_DH2X_CREATE_GUID, c);
}

/* DH2C request 2.2.13.2.12: FileId, CreateGuid, Flags (no bits shown, as
 * Wireshark). */
static void cc_dh2c(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	if (dir == CC_RSP)
		return;
	smb2_fid(d, n, c, h);
	r_guid(&d->t, n, F_SMB2_DH2X_CREATE_GUID, c);
	r_uint(&d->t, n, F_SMB2_DH2X_FLAGS, c, 4);
}

/* MxAc: request optional timestamp; response QueryStatus + MaximalAccess. */
static void cc_mxac(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	if (dir == CC_REQ) {
		if (cur_left(c) >= 8)
			r_filetime(t, n, F_SMB2_MXAC_TIMESTAMP, c);
		return;
	}
	if (cur_left(c) < 8)
		return;
	struct node *g = t_text(t, n, cur_pos(c), 8, "MxAc INFO");
	r_uint(t, g, F_SMB2_MXAC_STATUS, c, 4);
	smb2_access_mask(d, g, c);
}

/* QFid response: 32 opaque bytes. */
static void cc_qfid(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	(void)h;
	if (dir == CC_REQ || cur_left(c) == 0)
		return;
	struct node *g = t_text(&d->t, n, cur_pos(c), (uint32_t)cur_left(c), "QFid INFO");
	r_bytes(&d->t, g, F_SMB2_QFID_FID, c, cur_left(c) < 32 ? cur_left(c) : 32);
}

static void cc_alsi(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	(void)h;
	if (dir == CC_REQ)
		r_uint(&d->t, n, F_SMB2_ALLOCATION_SIZE, c, 8);
}

static void cc_twrp(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	(void)h;
	if (dir == CC_REQ)
		r_filetime(&d->t, n, F_SMB2_TWRP_TIMESTAMP, c);
}

/* ExtA: FILE_FULL_EA_INFORMATION list (MS-FSCC 2.4.15). */
static void cc_exta(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	if (dir != CC_REQ)
		return;
	for (int i = 0; i < 256 && cur_left(c) >= 8; i++) {
		size_t start = c->off;
		struct node *e = t_text(t, n, cur_pos(c), 0, "EA");
		uint32_t next = (uint32_t)r_uint(t, e, F_SMB2_NEXT_OFFSET, c, 4);
		r_uint(t, e, F_SMB2_EA_FLAGS, c, 1);
		unsigned nlen = (unsigned)r_uint(t, e, F_SMB2_EA_NAME_LEN, c, 1);
		unsigned dlen = (unsigned)r_uint(t, e, F_SMB2_EA_DATA_LEN, c, 2);
		const char *name = r_ascii(t, e, F_SMB2_EA_NAME, c, nlen);
		cur_skip(c, 1);
		r_bytes(t, e, F_SMB2_EA_DATA, c, dlen);
		e->label = arena_printf(t->a, "EA: %s", name);
		e->size = (uint32_t)(c->off - start);
		if (c->err || next == 0 || next > c->end - start)
			return;
		c->off = start + next;
	}
}

/* SecD: a security descriptor for the new file. */
static void cc_secd(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	(void)h;
	if (dir == CC_REQ)
		secdesc_dissect(d, n, c);
}

/* AAPL (Apple extensions): request and response. */
static void cc_aapl(struct dctx *d, struct node *n, struct cur *c, int dir,
		    const struct smb2_hdr *h)
{
	static const int bitmask_subs[] = { F_SMB2_AAPL_BITMASK_SERVER_CAPS,
					    F_SMB2_AAPL_BITMASK_VOLUME_CAPS,
					    F_SMB2_AAPL_BITMASK_MODEL_INFO, F_INVALID };
	static const int caps_subs[] = { F_SMB2_AAPL_CAPS_SUPPORTS_READ_DIR_ADDR,
					 F_SMB2_AAPL_CAPS_SUPPORTS_OSX_COPYFILE,
					 F_SMB2_AAPL_CAPS_UNIX_BASED,
					 F_SMB2_AAPL_SUPPORTS_NFS_ACE, F_INVALID };
	static const int vcaps_subs[] = { F_SMB2_AAPL_VOLUME_CAPS_SUPPORTS_RESOLVE_ID,
					  F_SMB2_AAPL_VOLUME_CAPS_CASE_SENSITIVE,
					  F_SMB2_AAPL_VOLUME_CAPS_SUPPORTS_FULL_SYNC,
					  F_INVALID };
	struct tctx *t = &d->t;

	(void)h;
	struct node *g = t_text(t, n, cur_pos(c), (uint32_t)cur_left(c),
				dir == CC_REQ ? "AAPL Create Context request"
					      : "AAPL Create Context response");
	unsigned cmd = (unsigned)r_uint(t, g, F_SMB2_AAPL_COMMAND_CODE, c, 4);
	r_uint(t, g, F_SMB2_AAPL_RESERVED, c, 4);
	if (cmd != 1)
		return;
	uint64_t query = r_bitmask(t, g, F_SMB2_AAPL_QUERY_BITMASK, c, 8, bitmask_subs);
	if (dir == CC_REQ) {
		r_bitmask(t, g, F_SMB2_AAPL_CAPS, c, 8, caps_subs);
		return;
	}
	if (query & 1)
		r_bitmask(t, g, F_SMB2_AAPL_CAPS, c, 8, caps_subs);
	if (query & 2)
		r_bitmask(t, g, F_SMB2_AAPL_VOLUME_CAPS, c, 8, vcaps_subs);
	if (query & 4) {
		cur_skip(c, 4); /* pad */
		uint32_t pos = cur_pos(c);
		uint32_t len = cur_le32(c);
		const uint8_t *p = cur_take(c, len);
		if (p)
			t_string(t, g, F_SMB2_AAPL_MODEL_STRING, pos, 4 + len,
				 str_utf16le(t->a, p, len));
	}
}

/* POSIX create context: request carries the mode bits. */
static void cc_posix(struct dctx *d, struct node *n, struct cur *c, int dir,
		     const struct smb2_hdr *h)
{
	(void)h;
	if (dir == CC_REQ && cur_left(c) >= 4)
		r_uint(&d->t, n, F_SMB2_POSIX_PERMS, c, 4);
}

static void cc_app_instance(struct dctx *d, struct node *n, struct cur *c,
			    int dir, const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	if (dir != CC_REQ)
		return;
	r_uint(t, n, F_SMB2_APP_INSTANCE_STRUCT_SIZE, c, 2);
	r_uint(t, n, F_SMB2_APP_INSTANCE_RESERVED, c, 2);
	r_guid(t, n, F_SMB2_APP_INSTANCE_APP_GUID, c);
}

static void cc_app_instance_version(struct dctx *d, struct node *n,
				    struct cur *c, int dir,
				    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	if (dir != CC_REQ)
		return;
	r_uint(t, n, F_SMB2_APP_INSTANCE_VERSION_STRUCT_SIZE, c, 2);
	r_uint(t, n, F_SMB2_APP_INSTANCE_VERSION_RESERVED, c, 2);
	r_uint(t, n, F_SMB2_APP_INSTANCE_VERSION_PADDING, c, 4);
	r_uint(t, n, F_SMB2_APP_INSTANCE_VERSION_VERSION_HIGH, c, 8);
	r_uint(t, n, F_SMB2_APP_INSTANCE_VERSION_VERSION_LOW, c, 8);
}

static const struct cc_tag cc_tags[] = {
	{ "ExtA", "SMB2_CREATE_EA_BUFFER", cc_exta },
	{ "SecD", "SMB2_CREATE_SD_BUFFER", cc_secd },
	{ "DHnQ", "SMB2_CREATE_DURABLE_HANDLE_REQUEST", cc_dhnq },
	{ "DHnC", "SMB2_CREATE_DURABLE_HANDLE_RECONNECT", cc_dhnc },
	{ "AlSi", "SMB2_CREATE_ALLOCATION_SIZE", cc_alsi },
	{ "MxAc", "SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST", cc_mxac },
	{ "TWrp", "SMB2_CREATE_TIMEWARP_TOKEN", cc_twrp },
	{ "QFid", "SMB2_CREATE_QUERY_ON_DISK_ID", cc_qfid },
	{ "RqLs", "SMB2_CREATE_REQUEST_LEASE", cc_lease },
	{ "DH2Q", "SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2", cc_dh2q },
	{ "DH2C", "SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2", cc_dh2c },
	{ "AAPL", "SMB2_AAPL_CREATE_CONTEXT", cc_aapl },
	{ "45BCA66AEFA7F74A9008FA462E144D74", "SMB2_CREATE_APP_INSTANCE_ID", cc_app_instance },
	{ "B982D0B73B56074FA07B524A8116A010", "SMB2_CREATE_APP_INSTANCE_VERSION", cc_app_instance_version },
	{ "93AD25509CB411E7B42383DE968BCD7C", "SMB2_POSIX_CREATE_CONTEXT", cc_posix },
	{ "9CCBCF9E04C1E643980E158DA1F6EC83", "SVHDX_OPEN_DEVICE_CONTEXT", NULL },
};

/* Tag text: 4 ASCII chars, or 16 bytes as 32 upper-case hex digits. */
static const char *cc_tag_text(struct arena *a, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	if (n == 16) {
		char *s = arena_alloc(a, 33);
		for (size_t i = 0; i < 16; i++) {
			s[2 * i] = hex[p[i] >> 4];
			s[2 * i + 1] = hex[p[i] & 15];
		}
		s[32] = '\0';
		return s;
	}
	return str_ascii(a, p, n);
}

/* One create context; k's window starts at the context, spans the chain
 * area left. */
static size_t create_context(struct dctx *d, struct node *parent, struct cur *k,
			     int dir, const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	size_t base = k->off;
	uint32_t pos = cur_pos(k);
	struct smb2_olb name, data;

	uint32_t next = cur_le32(k);
	smb2_olb_read(k, &name, 2, 4);
	smb2_olb_read(k, &data, 2, 4);
	if (k->err) {
		t_malformed(t, parent, pos, "create context cut short");
		return 0;
	}
	struct node *n = t_text(t, parent, pos,
				(uint32_t)(next ? next : cur_left(k) + 16), "Chain Element");
	t_uint(t, n, F_SMB2_CREATE_CHAIN_OFFSET, pos, 4, next);

	/* Tag: NameLength is the low 16 bits of the 4-byte length. */
	struct cur tc = cur_sub(k, base + name.off, name.len & 0xffff);
	size_t tlen = cur_left(&tc);
	const uint8_t *tp = cur_take(&tc, tlen);
	const char *tag = tp ? cc_tag_text(t->a, tp, tlen) : "";
	struct node *tn = t_string(t, n, F_SMB2_TAG, cur_pos(&tc) - (uint32_t)tlen,
				   (uint32_t)tlen, tag);
	smb2_olb_nodes(d, tn, &name);

	const struct cc_tag *ct = NULL;
	for (size_t i = 0; i < sizeof(cc_tags) / sizeof(cc_tags[0]); i++)
		if (strcmp(cc_tags[i].tag, tag) == 0)
			ct = &cc_tags[i];
	n->label = arena_printf(t->a, "Chain Element: %s \"%s\"",
				ct ? ct->name : "Unknown", tag);

	smb2_olb_nodes(d, n, &data);
	struct cur dc = data.len ? cur_sub(k, base + data.off, data.len)
				 : cur_sub(k, k->off, 0);
	struct node *dn = smb2_none(d, n, F_SMB2_CREATE_CHAIN_DATA,
				    data.len ? cur_pos(&dc) : pos,
				    (uint32_t)cur_left(&dc), NULL);
	if (dc.err)
		t_malformed(t, dn, cur_pos(&dc), "context data past its end");
	if (ct && ct->data && cur_left(&dc))
		ct->data(d, dn, &dc, dir, h);
	return next;
}

/* CreateContexts at the olb: the smb2.create.extrainfo item. */
static void create_contexts(struct dctx *d, struct node *body, struct cur *c,
			    const struct smb2_hdr *h, const struct smb2_olb *o,
			    int dir)
{
	struct tctx *t = &d->t;

	if (o->len == 0) {
		smb2_none(d, body, F_SMB2_CREATE_EXTRAINFO, cur_pos(c), 0,
			  "ExtraInfo: NO DATA");
		return;
	}
	struct cur area = smb2_olb_cur(c, h, o);
	struct node *x = smb2_none(d, body, F_SMB2_CREATE_EXTRAINFO, cur_pos(&area),
				   (uint32_t)cur_left(&area), "ExtraInfo");
	size_t at = area.start;
	for (int i = 0; i < SMB2_MAX_CREATE_CONTEXTS; i++) {
		struct cur k = cur_sub(&area, at, area.end - at);
		size_t next = create_context(d, x, &k, dir, h);
		if (next == 0)
			break;
		if (next < 16 || next > area.end - at) {
			t_malformed(t, x, cur_pos(&k), "create context Next out of range");
			break;
		}
		at += next;
	}
}

void smb2_create_req(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	struct smb2_olb name, ctx;

	smb2_buffer_code(d, body, c);
	cur_skip(c, 1); /* SecurityFlags */
	r_uint(t, body, F_SMB2_CREATE_OPLOCK, c, 1);
	r_uint(t, body, F_SMB2_IMPERSONATION_LEVEL, c, 4);
	r_uint(t, body, F_SMB2_CREATE_FLAGS, c, 8);
	r_bytes(t, body, F_SMB2_RESERVED, c, 8);
	smb2_access_mask(d, body, c);
	smb2_file_attributes(d, body, c);
	r_bitmask(t, body, F_SMB_SHARE_ACCESS, c, 4, share_access_subs);
	r_uint(t, body, F_SMB2_CREATE_DISPOSITION, c, 4);
	r_bitmask(t, body, F_SMB_CREATE_OPTIONS, c, 4, create_options_subs);
	smb2_olb_read(c, &name, 2, 2);
	smb2_olb_read(c, &ctx, 4, 4);
	if (c->err)
		return;
	const char *fname = smb2_olb_string(d, body, c, h, &name, F_SMB2_FILENAME);
	dctx_summary_more(d, " File: %s", fname);
	smb2_olb_nodes(d, body, &ctx);
	create_contexts(d, body, c, h, &ctx, CC_REQ);
}

void smb2_create_rsp(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h)
{
	static const int rep_subs[] = { F_SMB2_CREATE_REP_FLAGS_REPARSE_POINT, F_INVALID };
	struct tctx *t = &d->t;
	struct smb2_olb ctx;

	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	if (h->req && h->req->filename)
		dctx_summary_more(d, " File: %s", h->req->filename);
	smb2_buffer_code(d, body, c);
	r_uint(t, body, F_SMB2_CREATE_OPLOCK, c, 1);
	r_bitmask(t, body, F_SMB2_CREATE_REP_FLAGS, c, 1, rep_subs);
	r_uint(t, body, F_SMB2_CREATE_ACTION, c, 4);
	file_times_sizes(d, body, c);
	r_bytes(t, body, F_SMB2_RESERVED, c, 4);
	smb2_fid(d, body, c, h);
	smb2_olb_read(c, &ctx, 4, 4);
	if (c->err)
		return;
	smb2_olb_nodes(d, body, &ctx);
	create_contexts(d, body, c, h, &ctx, CC_RSP);
}

/* Index: the request's name for the response; the FileId it opened. */
void smb2_create_index(struct trace *t, struct cur *c, const struct smb2_hdr *h)
{
	struct smb2_req *rq = h->req;

	if (!h->response) {
		cur_skip(c, 44);
		uint32_t off = cur_le16(c);
		uint32_t len = cur_le16(c);
		if (c->err)
			return;
		struct cur s = cur_sub(c, h->off + off, len);
		size_t n = cur_left(&s);
		const uint8_t *p = cur_take(&s, n);
		rq->filename = !p || !n ? ""
			       : h->fa == &t->a ? trace_intern_utf16(t, p, n)
						: str_utf16le(h->fa, p, n);
		return;
	}
	if (h->status != 0 || !rq->filename || !rq->rsp_frame)
		return;
	cur_skip(c, 64);
	const uint8_t *fid = cur_take(c, 16);
	if (fid)
		smb2_fid_remember(t, h->sesid, fid, rq->filename, rq->rsp_frame);
}

void smb2_close_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	smb2_buffer_code(d, body, c);
	r_bitmask(&d->t, body, F_SMB2_CLOSE_FLAGS, c, 2, close_flags_subs);
	cur_skip(c, 4); /* Reserved */
	const char *name = smb2_fid(d, body, c, h);
	if (name)
		dctx_summary_more(d, " File: %s", name);
}

void smb2_close_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	r_bitmask(&d->t, body, F_SMB2_CLOSE_FLAGS, c, 2, close_flags_subs);
	r_bytes(&d->t, body, F_SMB2_RESERVED, c, 4);
	file_times_sizes(d, body, c);
}

void smb2_flush_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	smb2_buffer_code(d, body, c);
	r_bytes(&d->t, body, F_SMB2_UNKNOWN, c, 6); /* Reserved1, Reserved2 */
	const char *name = smb2_fid(d, body, c, h);
	if (name)
		dctx_summary_more(d, " File: %s", name);
}

void smb2_flush_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	r_bytes(&d->t, body, F_SMB2_UNKNOWN, c, 2);
}
