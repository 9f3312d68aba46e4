/*
 * smb2_error.c - MS-SMB2 2.2.2 ERROR Response, sent for any command whose
 * status is an error (and for interim STATUS_PENDING responses).
 *
 *   0 StructureSize (9)  2 ErrorContextCount  3 Reserved  4 ByteCount
 *   8 ErrorData: ByteCount bytes, or ErrorContextCount contexts
 *     (2.2.2.1: ErrorDataLength 4, ErrorId 4, data, 8-byte aligned)
 */
#include "smb2.h"

#define STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u
#define STATUS_BUFFER_OVERFLOW 0x80000005u
#define SMB2_MAX_ERROR_CONTEXTS 64

bool smb2_is_error_rsp(const struct smb2_hdr *h)
{
	if (!h->response || h->status == 0)
		return false;
	if (h->cmd == SMB2_SESSION_SETUP && h->status == STATUS_MORE_PROCESSING_REQUIRED)
		return false;
	if (h->status == STATUS_BUFFER_OVERFLOW &&
	    (h->cmd == SMB2_READ || h->cmd == SMB2_IOCTL ||
	     h->cmd == SMB2_QUERY_INFO))
		return false;
	return true;
}

static void error_contexts(struct dctx *d, struct node *body, struct cur *c,
			   unsigned count)
{
	struct tctx *t = &d->t;

	for (unsigned i = 0; i < count && i < SMB2_MAX_ERROR_CONTEXTS; i++) {
		size_t start = c->off;
		if (cur_left(c) < 8)
			return;
		struct node *ctx = smb2_none(d, body, F_SMB2_ERROR_CONTEXT,
					     cur_pos(c), 8, "Error Context");
		uint32_t len = (uint32_t)r_uint(t, ctx, F_SMB2_ERROR_CONTEXT_LENGTH, c, 4);
		r_uint(t, ctx, F_SMB2_ERROR_CONTEXT_ID, c, 4);
		if (len > cur_left(c))
			len = (uint32_t)cur_left(c);
		if (len)
			r_bytes(t, ctx, F_SMB2_ERROR_DATA, c, len);
		ctx->size = (uint32_t)(c->off - start);
		/* Contexts are 8-byte aligned. */
		size_t pad = (8 - (c->off - start) % 8) % 8;
		if (pad > cur_left(c))
			pad = cur_left(c);
		cur_skip(c, pad);
	}
}

void smb2_error_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	smb2_buffer_code(d, body, c);
	unsigned count = (unsigned)r_uint(t, body, F_SMB2_ERROR_CONTEXT_COUNT, c, 1);
	r_uint(t, body, F_SMB2_ERROR_RESERVED, c, 1);
	uint32_t byte_count = (uint32_t)r_uint(t, body, F_SMB2_ERROR_BYTE_COUNT, c, 4);
	if (c->err)
		return;
	if (count > 0) {
		struct cur e = cur_split(c, byte_count);
		error_contexts(d, body, &e, count);
		return;
	}
	/* ErrorData is at least one byte on the wire (often omitted). */
	size_t n = byte_count ? byte_count : 1;
	if (n > cur_left(c))
		n = cur_left(c);
	r_bytes(t, body, F_SMB2_ERROR_DATA, c, n);
}
