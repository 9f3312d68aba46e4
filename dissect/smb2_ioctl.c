/*
 * smb2_ioctl.c - MS-SMB2 2.2.31 IOCTL Request and 2.2.32 IOCTL Response,
 * with the FSCTL input/output buffers of MS-FSCC 2.3 and MS-SMB2 2.2.31.x
 * that Wireshark decodes; other codes show their buffers as bytes.
 *
 * IOCTL Request (57):
 *   0 StructureSize 2 Reserved 4 CtlCode 8 FileId 24 InputOffset
 *  28 InputCount 32 MaxInputResponse 36 OutputOffset 40 OutputCount
 *  44 MaxOutputResponse 48 Flags 52 Reserved2 56 Buffer
 * IOCTL Response (49):
 *   0 StructureSize 2 Reserved 4 CtlCode 8 FileId 24 InputOffset
 *  28 InputCount 32 OutputOffset 36 OutputCount 40 Flags 44 Reserved2
 *
 * Buffers are dissected in the order of their offsets, as Wireshark does.
 * Each FSCTL decoder gets a cursor over exactly one buffer and whether it
 * is the input (request direction) or the output buffer.
 */
#include "smb2.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "wirestr.h"

#define MAX_ITEMS 4096

typedef void (*fsctl_fn)(struct dctx *d, struct node *n, struct cur *c, bool in);

static const int cap_subs[] = {
	F_SMB2_CAPABILITIES_DFS, F_SMB2_CAPABILITIES_LEASING,
	F_SMB2_CAPABILITIES_LARGE_MTU, F_SMB2_CAPABILITIES_MULTI_CHANNEL,
	F_SMB2_CAPABILITIES_PERSISTENT_HANDLES,
	F_SMB2_CAPABILITIES_DIRECTORY_LEASING, F_SMB2_CAPABILITIES_ENCRYPTION,
	F_INVALID
};
static const int secmode_subs[] = {
	F_SMB2_SEC_MODE_SIGN_ENABLED, F_SMB2_SEC_MODE_SIGN_REQUIRED, F_INVALID
};

/* FSCTL_VALIDATE_NEGOTIATE_INFO (MS-SMB2 2.2.31.4, 2.2.32.6). */
static void validate_negotiate(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	struct tctx *t = &d->t;

	r_bitmask(t, n, F_SMB2_CAPABILITIES, c, 4, cap_subs);
	r_guid(t, n, in ? F_SMB2_CLIENT_GUID : F_SMB2_SERVER_GUID, c);
	r_bitmask(t, n, F_SMB2_SEC_MODE, c, 1, secmode_subs);
	cur_skip(c, 1);
	if (!in) {
		r_uint(t, n, F_SMB2_DIALECT, c, 2);
		return;
	}
	unsigned count = (unsigned)r_uint(t, n, F_SMB2_DIALECT_COUNT, c, 2);
	for (unsigned i = 0; i < count && !c->err; i++)
		r_uint(t, n, F_SMB2_DIALECT, c, 2);
}

/* Windows 8 beta variant (0x00140200). */
static void validate_negotiate_224(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	struct tctx *t = &d->t;

	r_bitmask(t, n, F_SMB2_CAPABILITIES, c, 4, cap_subs);
	r_guid(t, n, in ? F_SMB2_CLIENT_GUID : F_SMB2_SERVER_GUID, c);
	r_bitmask(t, n, F_SMB2_SEC_MODE, c, 1, secmode_subs);
	cur_skip(c, 1);
	r_uint(t, n, F_SMB2_DIALECT, c, 2);
}

/* FSCTL_DFS_GET_REFERRALS: REQ_GET_DFS_REFERRAL / RESP_GET_DFS_REFERRAL
 * (MS-DFSC 2.2.2, 2.2.4), shown with the SMB1 smb.* fields. */
static void dfs_referrals(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	static const int flag_subs[] = {
		F_SMB_DFS_FLAGS_SERVER_HOLD_STORAGE, F_SMB_DFS_FLAGS_FIELDING, F_INVALID
	};
	struct tctx *t = &d->t;

	if (in) {
		r_uint(t, n, F_SMB_MAX_REFERRAL_LEVEL, c, 2);
		uint32_t pos = cur_pos(c);
		size_t len = 0;
		const uint8_t *p = cur_peek(c, cur_left(c));
		while (len + 1 < cur_left(c) && (p[len] | p[len + 1]))
			len += 2;
		const char *s = str_utf16le(t->a, p, len);
		size_t used = len + 2 <= cur_left(c) ? len + 2 : cur_left(c);
		t_string(t, n, F_SMB_FILE, pos, (uint32_t)used, s);
		cur_skip(c, used);
		dctx_summary_more(d, ", File: %s", s);
		return;
	}
	r_uint(t, n, F_SMB_DFS_PATH_CONSUMED, c, 2);
	r_uint(t, n, F_SMB_DFS_NUM_REFERRALS, c, 2);
	r_bitmask(t, n, F_SMB_DFS_FLAGS, c, 4, flag_subs);
}

/* The tree holding the SMB2 protocol node n is under: Wireshark adds the
 * FSCTL_PIPE_WAIT fields there, beside SMB2, not inside it. */
static struct node *frame_level(struct node *n)
{
	while (n->parent && !(n->flags & N_PROTO && n->field == F_SMB2))
		n = n->parent;
	return n->parent ? n->parent : n;
}

/* FSCTL_PIPE_WAIT request (MS-FSCC 2.3.49): Timeout 8, NameLength 4,
 * TimeoutSpecified 1, Padding 1, Name. As Wireshark (4.0) shows it: the
 * name, and the timeout when specified, on the frame's tree beside SMB2. */
static void pipe_wait(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	struct tctx *t = &d->t;

	if (!in)
		return;
	uint32_t tpos = cur_pos(c);
	uint64_t timeout = cur_le64(c);
	uint32_t len = cur_le32(c);
	uint8_t specified = cur_u8(c);
	cur_skip(c, 1);
	if (c->err)
		return;
	struct node *top = frame_level(n);
	if (len > cur_left(c)) {
		t_malformed(t, n, cur_pos(c), "pipe name beyond the buffer");
		return;
	}
	uint32_t npos = cur_pos(c);
	const char *s = str_utf16le(t->a, cur_take(c, len), len);
	dctx_summary_more(d, " Pipe: %s", s);
	if (specified)
		t_int(t, top, F_SMB2_FSCTL_WAIT_TIMEOUT, tpos, 8, (int64_t)timeout);
	t_string(t, top, F_SMB2_FSCTL_WAIT_NAME, npos, len, s);
}

static void resume_key(struct tctx *t, struct node *n, struct cur *c)
{
	struct node *k = r_bytes(t, n, F_SMB2_FSCTL_CCHUNK_RESUME_KEY, c, 24);

	if (k)
		k->label = "ResumeKey: Opaque Data";
}

static void request_resume_key(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in)
		return;
	resume_key(&d->t, n, c);
	r_bytes(&d->t, n, F_SMB2_RESERVED, c, 4);
}

/* FSCTL_SRV_COPYCHUNK(_WRITE) (MS-SMB2 2.2.31.1, 2.2.32.1). */
static void copychunk(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	struct tctx *t = &d->t;

	if (!in) {
		r_uint(t, n, F_SMB2_FSCTL_CCHUNK_CHUNKS_WRITTEN, c, 4);
		r_uint(t, n, F_SMB2_FSCTL_CCHUNK_BYTES_WRITTEN, c, 4);
		r_uint(t, n, F_SMB2_FSCTL_CCHUNK_TOTAL_WRITTEN, c, 4);
		return;
	}
	resume_key(t, n, c);
	uint32_t count = (uint32_t)r_uint(t, n, F_SMB2_FSCTL_CCHUNK_COUNT, c, 4);
	r_bytes(t, n, F_SMB2_RESERVED, c, 4);
	for (uint32_t i = 0; i < count && i < MAX_ITEMS && cur_left(c) >= 24; i++) {
		struct node *ch = t_text(t, n, cur_pos(c), 24, "Chunk");
		r_uint(t, ch, F_SMB2_FSCTL_CCHUNK_SRC_OFFSET, c, 8);
		r_uint(t, ch, F_SMB2_FSCTL_CCHUNK_DST_OFFSET, c, 8);
		r_uint(t, ch, F_SMB2_FSCTL_CCHUNK_XFER_LEN, c, 4);
		r_bytes(t, ch, F_SMB2_RESERVED, c, 4);
	}
}

/* SOCKADDR_STORAGE of a NETWORK_INTERFACE_INFO (MS-SMB2 2.2.32.5.1). */
static const char *sockaddr(struct tctx *t, struct node *parent, struct cur *c)
{
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_peek(c, 128);
	struct node *n = t_text(t, parent, pos, 128, "Socket Address");
	char buf[INET6_ADDRSTRLEN] = "";
	const char *what = "";

	if (!p) {
		t_malformed(t, n, pos, "socket address cut short");
		return "";
	}
	unsigned family = (unsigned)r_uint(t, n, F_SMB2_WINDOWS_SOCKADDR_FAMILY, c, 2);
	r_uint_be(t, n, F_SMB2_WINDOWS_SOCKADDR_PORT, c, 2);
	if (family == 2) {
		inet_ntop(AF_INET, p + 4, buf, sizeof(buf));
		t_custom(t, n, F_SMB2_WINDOWS_SOCKADDR_IN_ADDR, pos + 4, 4, buf, NULL);
		what = arena_printf(t->a, ", IPv4: %s", buf);
	} else if (family == 23) {
		t_uint(t, n, F_SMB2_WINDOWS_SOCKADDR_IN6_FLOW_INFO, pos + 4, 2,
		       (unsigned)(p[4] | p[5] << 8));
		inet_ntop(AF_INET6, p + 8, buf, sizeof(buf));
		t_custom(t, n, F_SMB2_WINDOWS_SOCKADDR_IN6_ADDR, pos + 8, 16, buf, NULL);
		t_uint(t, n, F_SMB2_WINDOWS_SOCKADDR_IN6_SCOPE_ID, pos + 24, 2,
		       (unsigned)(p[24] | p[25] << 8));
		what = arena_printf(t->a, ", IPv6: %s", buf);
	} else {
		what = arena_printf(t->a, ", Family: %u (0x%04x)", family, family);
	}
	n->label = arena_printf(t->a, "Socket Address%s", what);
	return what;
}

/* FSCTL_QUERY_NETWORK_INTERFACE_INFO output (MS-SMB2 2.2.32.5). */
static void network_interfaces(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	static const int cap_bits[] = {
		F_SMB2_IOCTL_NETWORK_INTERFACES_CAPABILITIES_RDMA,
		F_SMB2_IOCTL_NETWORK_INTERFACES_CAPABILITIES_RSS, F_INVALID
	};
	struct tctx *t = &d->t;

	if (in)
		return;
	for (int i = 0; i < MAX_ITEMS && cur_left(c) >= 24; i++) {
		size_t start = c->off;
		struct node *ni = t_text(t, n, cur_pos(c), 152, "Network Interface");
		uint32_t next = (uint32_t)r_uint(t, ni, F_SMB2_IOCTL_NETWORK_INTERFACES_NEXT_OFFSET, c, 4);
		r_uint(t, ni, F_SMB2_IOCTL_NETWORK_INTERFACES_INDEX, c, 4);
		r_bitmask(t, ni, F_SMB2_IOCTL_NETWORK_INTERFACES_CAPABILITIES, c, 4, cap_bits);
		r_uint(t, ni, F_SMB2_IOCTL_NETWORK_INTERFACES_RSS_QUEUE_COUNT, c, 4);
		r_uint(t, ni, F_SMB2_IOCTL_NETWORK_INTERFACES_LINK_SPEED, c, 8);
		const char *addr = sockaddr(t, ni, c);
		ni->label = arena_printf(t->a, "Network Interface%s", addr);
		if (c->err || next == 0 || next > c->end - start)
			break;
		c->off = start + next;
	}
}

static void enumerate_snapshots(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	struct tctx *t = &d->t;

	if (in)
		return;
	r_uint(t, n, F_SMB2_IOCTL_ENUMERATE_SNAPSHOTS_NUM_SNAPSHOTS, c, 4);
	uint32_t count = (uint32_t)r_uint(t, n, F_SMB2_IOCTL_ENUMERATE_SNAPSHOTS_NUM_SNAPSHOTS_RETURNED, c, 4);
	r_uint(t, n, F_SMB2_IOCTL_ENUMERATE_SNAPSHOTS_ARRAY_SIZE, c, 4);
	for (uint32_t i = 0; i < count && i < MAX_ITEMS && cur_left(c) >= 2; i++) {
		uint32_t pos = cur_pos(c);
		const uint8_t *p = cur_peek(c, cur_left(c));
		size_t len = 0;
		while (len + 1 < cur_left(c) && (p[len] | p[len + 1]))
			len += 2;
		size_t used = len + 2 <= cur_left(c) ? len + 2 : cur_left(c);
		t_string(t, n, F_SMB2_IOCTL_ENUMERATE_SNAPSHOTS_SNAPSHOT, pos,
			 (uint32_t)used, str_utf16le(t->a, p, len));
		cur_skip(c, used);
	}
}

/* REPARSE_DATA_BUFFER (MS-FSCC 2.1.2). */
static void reparse_buffer(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	struct node *n = t_custom(t, parent, F_SMB2_REPARSE_DATA_BUFFER, cur_pos(c),
				  (uint32_t)cur_left(c), "", "");
	uint32_t tag = (uint32_t)r_uint(t, n, F_SMB2_REPARSE_TAG, c, 4);
	uint32_t len = (uint32_t)r_uint(t, n, F_SMB2_REPARSE_DATA_LENGTH, c, 2);

	r_bytes(t, n, F_SMB2_RESERVED, c, 2);
	if (!(tag & 0x80000000u)) {
		t_custom(t, n, F_SMB2_REPARSE_GUID, cur_pos(c), 16, "", "");
		cur_skip(c, 16);
	}
	if (c->err)
		return;
	if (tag == 0xa000000cu) { /* IO_REPARSE_TAG_SYMLINK (2.1.2.4) */
		uint32_t spos = cur_pos(c);
		uint16_t soff = cur_le16(c), slen = cur_le16(c);
		uint32_t ppos = cur_pos(c);
		uint16_t poff = cur_le16(c), plen = cur_le16(c);
		r_uint(t, n, F_SMB2_SYMLINK_FLAGS, c, 4);
		struct { uint16_t off, len; uint32_t pos; int fid; } s[2] = {
			{ soff, slen, spos, F_SMB2_SYMLINK_SUBSTITUTE_NAME },
			{ poff, plen, ppos, F_SMB2_SYMLINK_PRINT_NAME },
		};
		for (int i = 0; i < 2 && !c->err; i++) {
			struct cur b = cur_sub(c, c->off + s[i].off, s[i].len);
			if (b.err) {
				t_malformed(t, n, cur_pos(c), "name beyond the buffer");
				break;
			}
			struct node *sn = t_string(t, n, s[i].fid, cur_pos(&b), s[i].len,
						   str_utf16le(t->a, cur_peek(&b, s[i].len), s[i].len));
			t_uint(t, sn, F_SMB2_OLB_OFFSET, s[i].pos, 2, s[i].off);
			t_uint(t, sn, F_SMB2_OLB_LENGTH, s[i].pos + 2, 2, s[i].len);
		}
		return;
	}
	if (tag == 0x80000014u) { /* IO_REPARSE_TAG_NFS */
		uint64_t type = r_uint(t, n, F_SMB2_NFS_TYPE, c, 8);
		if (type == 0x4b4e4c && len >= 8 && len - 8 <= cur_left(c))
			r_utf16(t, n, F_SMB2_NFS_SYMLINK_TARGET, c, len - 8);
		else if (type == 0x524843) {
			r_uint(t, n, F_SMB2_NFS_CHAR_MAJOR, c, 4);
			r_uint(t, n, F_SMB2_NFS_CHAR_MINOR, c, 4);
		} else if (type == 0x4b4c42) {
			r_uint(t, n, F_SMB2_NFS_BLOCK_MAJOR, c, 4);
			r_uint(t, n, F_SMB2_NFS_BLOCK_MINOR, c, 4);
		}
		return;
	}
	r_bytes(t, n, F_SMB2_UNKNOWN, c, len <= cur_left(c) ? len : cur_left(c));
}

static void set_reparse(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in)
		reparse_buffer(d, n, c);
}

static void get_reparse(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (!in)
		reparse_buffer(d, n, c);
}

static void get_object_id(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (!in)
		smb2_object_id_buffer(&d->t, n, c);
}

static void set_object_id(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in)
		smb2_object_id_buffer(&d->t, n, c);
}

static void set_sparse(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in && cur_left(c) >= 1)
		r_uint(&d->t, n, F_SMB2_FSCTL_SET_SPARSE, c, 1);
}

static void range(struct tctx *t, struct node *n, struct cur *c)
{
	struct node *r = t_text(t, n, cur_pos(c), 16, "Range");

	r_uint(t, r, F_SMB2_FSCTL_RANGE_OFFSET, c, 8);
	r_uint(t, r, F_SMB2_FSCTL_RANGE_LENGTH, c, 8);
}

static void set_zero_data(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in)
		range(&d->t, n, c);
}

static void allocated_ranges(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in) {
		range(&d->t, n, c);
		return;
	}
	for (int i = 0; i < MAX_ITEMS && cur_left(c) >= 16; i++)
		range(&d->t, n, c);
}

static void get_compression(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (!in)
		r_uint(&d->t, n, F_SMB2_COMPRESSION_FORMAT, c, 2);
}

static void set_compression(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in)
		r_uint(&d->t, n, F_SMB2_COMPRESSION_FORMAT, c, 2);
}

static void resiliency(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (!in)
		return;
	r_uint(&d->t, n, F_SMB2_IOCTL_RESILIENCY_TIMEOUT, c, 4);
	r_uint(&d->t, n, F_SMB2_IOCTL_RESILIENCY_RESERVED, c, 4);
}

static void shared_virtual_disk(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	if (in)
		return;
	r_uint(&d->t, n, F_SMB2_IOCTL_SHARED_VIRTUAL_DISK_SUPPORT, c, 4);
	r_uint(&d->t, n, F_SMB2_IOCTL_SHARED_VIRTUAL_DISK_HANDLE_STATE, c, 4);
}

/* Pipe data goes to DCE/RPC, outside the SMB2 tree. */
static void pipe_transceive(struct dctx *d, struct node *n, struct cur *c, bool in)
{
	(void)d, (void)n, (void)in;
	c->off = c->end;
}

static const struct {
	uint32_t code;
	fsctl_fn fn;
} fsctls[] = {
	{ 0x00060194, dfs_referrals },
	{ 0x0009003c, get_compression },
	{ 0x0009009c, get_object_id },
	{ 0x000900a4, set_reparse },
	{ 0x000900a8, get_reparse },
	{ 0x000900c0, get_object_id },
	{ 0x000900c4, set_sparse },
	{ 0x00090300, shared_virtual_disk },
	{ 0x000940cf, allocated_ranges },
	{ 0x00098098, set_object_id },
	{ 0x000980c8, set_zero_data },
	{ 0x0009c040, set_compression },
	{ 0x00110018, pipe_wait },
	{ 0x0011c017, pipe_transceive },
	{ 0x00140078, request_resume_key },
	{ 0x001401d4, resiliency },
	{ 0x001401fc, network_interfaces },
	{ 0x00140200, validate_negotiate_224 },
	{ 0x00140204, validate_negotiate },
	{ 0x00144064, enumerate_snapshots },
	{ 0x001440f2, copychunk },
	{ 0x001480f2, copychunk },
};

static void ioctl_data(struct dctx *d, struct node *n, struct cur *c,
		       uint32_t code, bool in)
{
	for (size_t i = 0; i < sizeof(fsctls) / sizeof(fsctls[0]); i++) {
		if (fsctls[i].code == code) {
			fsctls[i].fn(d, n, c, in);
			if (c->err)
				t_malformed(&d->t, n, cur_pos(c), "FSCTL data cut short");
			return;
		}
	}
	r_bytes(&d->t, n, F_SMB2_UNKNOWN, c, cur_left(c));
}

struct node *smb2_ctl_code_node(struct tctx *t, struct node *parent, uint32_t pos,
				uint32_t code)
{
	static const int subs[] = {
		F_SMB2_IOCTL_FUNCTION_DEVICE, F_SMB2_IOCTL_FUNCTION_ACCESS,
		F_SMB2_IOCTL_FUNCTION_FUNCTION, F_SMB2_IOCTL_FUNCTION_METHOD,
		F_INVALID
	};
	struct node *n = t_uint(t, parent, F_SMB2_IOCTL_FUNCTION, pos, 4, code);

	if (code) {
		const char *label = n->label;
		t_bitmask_subs(t, n, pos, 4, code, subs);
		n->label = label;
	}
	return n;
}

void smb2_ctl_code_summary(struct dctx *d, uint32_t code)
{
	const char *name = val_lookup(field_vals(field_get(F_SMB2_IOCTL_FUNCTION)), code);

	if (name) {
		dctx_summary_more(d, " %s", name);
	} else {
		const char *dev = val_lookup(field_vals(field_get(F_SMB2_IOCTL_FUNCTION_DEVICE)),
					     code >> 16);
		dctx_summary_more(d, " %s Function:0x%04x",
				  dev ? dev : arena_printf(d->t.a, "Unknown (0x%08X)", code >> 16),
				  (code >> 2) & 0x0fff);
	}
}

/* CtlCode with its parts; names the control in the summary. */
static uint32_t ctl_code(struct dctx *d, struct node *body, struct cur *c)
{
	uint32_t pos = cur_pos(c);
	uint32_t code = cur_le32(c);

	if (c->err)
		return 0;
	smb2_ctl_code_node(&d->t, body, pos, code);
	if (code)
		smb2_ctl_code_summary(d, code);
	return code;
}

static void buffers(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h, uint32_t code,
		    const struct smb2_olb *in, const struct smb2_olb *out)
{
	const struct smb2_olb *order[2] = { in, out };

	if (in->off > out->off) {
		order[0] = out;
		order[1] = in;
	}
	for (int i = 0; i < 2; i++) {
		bool is_in = order[i] == in;
		struct cur s;
		struct node *n = smb2_olb_buffer(d, body, c, h, order[i],
						 is_in ? F_SMB2_IOCTL_IN : F_SMB2_IOCTL_OUT, &s);
		if (n && cur_left(&s))
			ioctl_data(d, n, &s, code, is_in);
	}
}

void smb2_ioctl_index(struct trace *t, struct cur *c, const struct smb2_hdr *h)
{
	(void)t;
	if (h->response || !h->req)
		return;
	cur_skip(c, 4);
	uint32_t code = cur_le32(c);
	if (!c->err)
		h->req->ioctl_code = code;
}

void smb2_ioctl_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	static const int flag_subs[] = { F_SMB2_IOCTL_IS_FSCTL, F_INVALID };
	struct tctx *t = &d->t;
	struct smb2_olb in, out;

	smb2_buffer_code(d, body, c);
	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	uint32_t code = ctl_code(d, body, c);
	smb2_fid_sum(d, body, c, h);
	smb2_olb_read(c, &in, 4, 4);
	r_uint(t, body, F_SMB2_MAX_IOCTL_IN_SIZE, c, 4);
	smb2_olb_read(c, &out, 4, 4);
	r_uint(t, body, F_SMB2_MAX_IOCTL_OUT_SIZE, c, 4);
	smb2_bits(t, body, F_SMB2_IOCTL_FLAGS, c, 4, flag_subs, NULL);
	r_bytes(t, body, F_SMB2_RESERVED, c, 4);
	if (!c->err)
		buffers(d, body, c, h, code, &in, &out);
}

void smb2_ioctl_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	struct smb2_olb in, out;

	if (!smb2_rsp_start(d, body, c, h,
			       h->status == 0 || h->status == 0x80000005))
		return;
	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	uint32_t code = ctl_code(d, body, c);
	smb2_fid_sum(d, body, c, h);
	smb2_olb_read(c, &in, 4, 4);
	smb2_olb_read(c, &out, 4, 4);
	r_uint(t, body, F_SMB2_FLAGS, c, 4);
	r_bytes(t, body, F_SMB2_RESERVED, c, 4);
	if (!c->err)
		buffers(d, body, c, h, code, &in, &out);
}
