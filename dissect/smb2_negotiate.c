/*
 * smb2_negotiate.c - MS-SMB2 2.2.3 NEGOTIATE Request, 2.2.4 NEGOTIATE
 * Response and their negotiate contexts (2.2.3.1, 2.2.4.1).
 *
 * Request:  0 StructureSize(36) 2 DialectCount 4 SecurityMode(2) 6 Reserved
 *           8 Capabilities 12 ClientGuid 28 NegotiateContextOffset
 *          32 NegotiateContextCount 34 Reserved2 36 Dialects[]
 * Response: 0 StructureSize(65) 2 SecurityMode 4 DialectRevision
 *           6 NegotiateContextCount 8 ServerGuid 24 Capabilities
 *          28 MaxTransactSize 32 MaxReadSize 36 MaxWriteSize 40 SystemTime
 *          48 ServerStartTime 56 SecurityBufferOffset(2) 58 Length(2)
 *          60 NegotiateContextOffset 64 Buffer
 * Contexts start 8-byte aligned: ContextType(2) DataLength(2) Reserved(4)
 * Data.
 *
 * Wireshark shows the negotiate-context fields whatever the dialect, and
 * the 1-byte SecurityMode of the request with its second byte skipped.
 */
#include "smb2.h"
#include "wirestr.h"

#define SMB2_MAX_DIALECTS 64
#define SMB2_MAX_NEG_CONTEXTS 32
#define SMB2_MAX_ALGS 64

/* Counted list of 16-bit ids, e.g. HashAlgorithms[count]. */
static void id_list(struct dctx *d, struct node *parent, struct cur *c,
		    int fid, unsigned count)
{
	for (unsigned i = 0; i < count && i < SMB2_MAX_ALGS && !c->err; i++)
		r_uint(&d->t, parent, fid, c, 2);
}

static void ctx_preauth(struct dctx *d, struct node *n, struct cur *c)
{
	struct tctx *t = &d->t;
	unsigned count = (unsigned)r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_HASH_ALG_COUNT, c, 2);
	unsigned salt = (unsigned)r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_SALT_LENGTH, c, 2);

	id_list(d, n, c, F_SMB2_NEGOTIATE_CONTEXT_HASH_ALGORITHM, count);
	if (salt)
		r_bytes(t, n, F_SMB2_NEGOTIATE_CONTEXT_SALT, c, salt);
}

static void ctx_compression(struct dctx *d, struct node *n, struct cur *c)
{
	static const int subs[] = { F_SMB2_NEGOTIATE_CONTEXT_COMP_ALG_FLAGS_CHAINED,
				    F_SMB2_NEGOTIATE_CONTEXT_COMP_ALG_FLAGS_RESERVED,
				    F_INVALID };
	struct tctx *t = &d->t;
	unsigned count = (unsigned)r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_COMP_ALG_COUNT, c, 2);

	cur_skip(c, 2); /* Padding */
	r_bitmask(t, n, F_SMB2_NEGOTIATE_CONTEXT_COMP_ALG_FLAGS, c, 4, subs);
	id_list(d, n, c, F_SMB2_NEGOTIATE_CONTEXT_COMP_ALG_ID, count);
}

static void ctx_rdma(struct dctx *d, struct node *n, struct cur *c)
{
	struct tctx *t = &d->t;
	unsigned count = (unsigned)r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_RDMA_TRANSFORM_COUNT, c, 2);

	r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_RDMA_TRANSFORM_RESERVED1, c, 2);
	r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_RDMA_TRANSFORM_RESERVED2, c, 4);
	id_list(d, n, c, F_SMB2_NEGOTIATE_CONTEXT_RDMA_TRANSFORM_ID, count);
}

/* One context; c's window is its data (DataLength bytes). */
static void ctx_data(struct dctx *d, struct node *n, struct cur *c, unsigned type)
{
	struct tctx *t = &d->t;

	switch (type) {
	case 0x0001:
		ctx_preauth(d, n, c);
		break;
	case 0x0002: {
		unsigned count = (unsigned)r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_CIPHER_COUNT, c, 2);
		id_list(d, n, c, F_SMB2_NEGOTIATE_CONTEXT_CIPHER_ID, count);
		break;
	}
	case 0x0003:
		ctx_compression(d, n, c);
		break;
	case 0x0005:
		r_utf16(t, n, F_SMB2_NEGOTIATE_CONTEXT_NETNAME, c, cur_left(c));
		break;
	case 0x0006:
		r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_TRANSPORT_FLAGS, c, 4);
		break;
	case 0x0007:
		ctx_rdma(d, n, c);
		break;
	case 0x0008: {
		unsigned count = (unsigned)r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_SIGNING_ALG_COUNT, c, 2);
		id_list(d, n, c, F_SMB2_NEGOTIATE_CONTEXT_SIGNING_ID, count);
		break;
	}
	case 0x0100:
		r_bytes(t, n, F_SMB2_NEGOTIATE_CONTEXT_POSIX_RESERVED, c, cur_left(c));
		break;
	default:
		if (cur_left(c))
			r_bytes(t, n, F_SMB2_UNKNOWN, c, cur_left(c));
		break;
	}
}

/* NegotiateContextList at header offset off, count entries. */
static void neg_contexts(struct dctx *d, struct node *body, struct cur *c,
			 const struct smb2_hdr *h, uint32_t off, unsigned count)
{
	struct tctx *t = &d->t;
	size_t pos = h->off + (size_t)off;

	for (unsigned i = 0; i < count && i < SMB2_MAX_NEG_CONTEXTS; i++) {
		/* Each context starts 8-byte aligned (from the header). */
		size_t rel = pos - h->off;
		pos += (8 - rel % 8) % 8;
		if (pos >= c->end || c->end - pos < 8)
			return;
		struct cur k = cur_sub(c, pos, c->end - pos);
		uint32_t start = cur_pos(&k);
		const uint8_t *p = cur_peek(&k, 4);
		unsigned type = p ? (unsigned)(p[0] | p[1] << 8) : 0;
		unsigned dlen = p ? (unsigned)(p[2] | p[3] << 8) : 0;
		const char *name = val_lookup(field_vals(field_get(F_SMB2_NEGOTIATE_CONTEXT_TYPE)), type);
		struct node *n = t_text(t, body, start, 8 + dlen, "Negotiate Context: %s ",
					name ? name : "Unknown");
		r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_TYPE, &k, 2);
		r_uint(t, n, F_SMB2_NEGOTIATE_CONTEXT_DATA_LENGTH, &k, 2);
		r_bytes(t, n, F_SMB2_RESERVED, &k, 4);
		struct cur data = cur_split(&k, dlen);
		ctx_data(d, n, &data, type);
		if (data.err || k.err) {
			t_malformed(t, n, cur_pos(&data), "negotiate context cut short");
			return;
		}
		pos = k.off;
	}
}

void smb2_negotiate_req(struct dctx *d, struct node *body, struct cur *c,
			const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	smb2_buffer_code(d, body, c);
	unsigned ndialects = (unsigned)r_uint(t, body, F_SMB2_DIALECT_COUNT, c, 2);
	smb2_sec_mode(d, body, c);
	cur_skip(c, 1);
	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	smb2_capabilities(d, body, c);
	r_guid(t, body, F_SMB2_CLIENT_GUID, c);
	uint32_t ctx_off = (uint32_t)r_uint(t, body, F_SMB2_NEGOTIATE_CONTEXT_OFFSET, c, 4);
	unsigned ctx_count = (unsigned)r_uint(t, body, F_SMB2_NEGOTIATE_CONTEXT_COUNT, c, 2);
	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	for (unsigned i = 0; i < ndialects && i < SMB2_MAX_DIALECTS && !c->err; i++)
		r_uint(t, body, F_SMB2_DIALECT, c, 2);
	if (c->err)
		return;
	if (ctx_count)
		neg_contexts(d, body, c, h, ctx_off, ctx_count);
}

void smb2_negotiate_rsp(struct dctx *d, struct node *body, struct cur *c,
			const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	struct smb2_olb blob;

	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	smb2_sec_mode(d, body, c);
	cur_skip(c, 1);
	r_uint(t, body, F_SMB2_DIALECT, c, 2);
	unsigned ctx_count = (unsigned)r_uint(t, body, F_SMB2_NEGOTIATE_CONTEXT_COUNT, c, 2);
	r_guid(t, body, F_SMB2_SERVER_GUID, c);
	smb2_capabilities(d, body, c);
	r_uint(t, body, F_SMB2_MAX_TRANS_SIZE, c, 4);
	r_uint(t, body, F_SMB2_MAX_READ_SIZE, c, 4);
	r_uint(t, body, F_SMB2_MAX_WRITE_SIZE, c, 4);
	r_filetime(t, body, F_SMB2_CURRENT_TIME, c);
	r_filetime(t, body, F_SMB2_BOOT_TIME, c);
	smb2_olb_read(c, &blob, 2, 2);
	if (c->err)
		return;
	smb2_olb_nodes(d, body, &blob);
	struct cur b = smb2_olb_cur(c, h, &blob);
	struct node *bn = t_bytes(t, body, F_SMB2_SECURITY_BLOB, cur_pos(&b),
				  cur_peek(&b, cur_left(&b)), (uint32_t)cur_left(&b));
	if (cur_left(&b))
		gssapi_dissect(d, bn, &b);
	uint32_t ctx_off = (uint32_t)r_uint(t, body, F_SMB2_NEGOTIATE_CONTEXT_OFFSET, c, 4);
	if (!c->err && ctx_count)
		neg_contexts(d, body, c, h, ctx_off, ctx_count);
}
