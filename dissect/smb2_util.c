/*
 * smb2_util.c - building blocks shared by the SMB2 body dissectors.
 *
 *  - StructureSize ("buffer code") with its length/dynamic bits;
 *  - the error response body (MS-SMB2 2.2.2, 2.2.2.1 error contexts);
 *  - offset/length buffers ("olb": a buffer whose offset is relative to
 *    the SMB2 header), shown like Wireshark: offset/length items and the
 *    buffer item with its contents;
 *  - SMB2_FILEID (2.2.14.1) with the file name known for it;
 *  - FSCC file attributes (MS-FSCC 2.6).
 *
 * All reads go through the cursor; a buffer that does not fit the message
 * yields a [Malformed] item and an empty sub-cursor.
 */
#include "smb2.h"

#include <string.h>

#include "strings.h"

struct node *smb2_bits(struct tctx *t, struct node *parent, int fid,
		       struct cur *c, unsigned size, const int *subs,
		       uint64_t *out)
{
	uint32_t pos = cur_pos(c);
	uint64_t v = cur_le(c, size);

	if (out)
		*out = v;
	if (c->err)
		return NULL;
	struct node *n = t_uint(t, parent, fid, pos, size, v);
	const char *label = n->label;
	t_bitmask_subs(t, n, pos, size, v, subs);
	n->label = label;
	return n;
}

uint16_t smb2_buffercode(struct tctx *t, struct node *parent, struct cur *c)
{
	static const int subs[] = { F_SMB2_BUFFER_CODE_LENGTH,
				    F_SMB2_BUFFER_CODE_DYNAMIC, F_INVALID };
	uint64_t v = 0;

	smb2_bits(t, parent, F_SMB2_BUFFER_CODE, c, 2, subs, &v);
	return (uint16_t)v;
}

/* Error data (2.2.2 ErrorData); c's window is exactly the data. */
static void error_data(struct dctx *d, struct node *parent, struct cur *c,
		       const struct smb2_hdr *h, unsigned nctx, unsigned depth)
{
	struct tctx *t = &d->t;
	const uint8_t *p = cur_peek(c, cur_left(c));
	struct node *dn = t_bytes(t, parent, F_SMB2_ERROR_DATA, cur_pos(c), p,
				  (uint32_t)cur_left(c));

	if (nctx == 0) {
		if (cur_left(c) <= 1)
			return;
		if (h->status == 0xc0000023) /* STATUS_BUFFER_TOO_SMALL */
			r_uint(t, dn, F_SMB2_ERROR_MIN_BUF_LENGTH, c, 4);
		return;
	}
	for (unsigned i = 0; i < nctx && cur_left(c) >= 8 && depth < 4; i++) {
		uint32_t pos = cur_pos(c);
		struct node *cn = t_custom(t, dn, F_SMB2_ERROR_CONTEXT, pos, 0, "", "");
		uint32_t len = (uint32_t)r_uint(t, cn, F_SMB2_ERROR_CONTEXT_LENGTH, c, 4);
		r_uint(t, cn, F_SMB2_ERROR_CONTEXT_ID, c, 4);
		struct cur s = cur_split(c, len);
		error_data(d, cn, &s, h, 0, depth + 1);
		cn->size = cur_pos(c) - pos;
		if (s.err)
			break;
	}
}

bool smb2_rsp_prologue(struct dctx *d, struct node *body, struct cur *c,
		       const struct smb2_hdr *h, bool ok)
{
	struct tctx *t = &d->t;

	if (ok)
		return smb2_buffercode(t, body, c), true;
	uint16_t bc = smb2_buffercode(t, body, c);
	if (bc != 9)
		return true;
	unsigned nctx = (unsigned)r_uint(t, body, F_SMB2_ERROR_CONTEXT_COUNT, c, 1);
	r_uint(t, body, F_SMB2_ERROR_RESERVED, c, 1);
	uint32_t n = (uint32_t)r_uint(t, body, F_SMB2_ERROR_BYTE_COUNT, c, 4);
	if (c->err)
		return false;
	/* ByteCount 0 means one byte of ErrorData, which servers often omit:
	 * Wireshark then shows an empty item. */
	uint32_t want = n ? n : 1;
	if (want > cur_left(c)) {
		if (n)
			t_malformed(t, body, cur_pos(c), "error data beyond the message");
		want = (uint32_t)cur_left(c);
	}
	struct cur s = cur_split(c, want);
	error_data(d, body, &s, h, nctx, 0);
	return false;
}

void smb2_olb_read(struct cur *c, struct smb2_olb *o, enum smb2_olb_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	switch (kind) {
	case OLB_O16_S16:
		o->off_pos = cur_pos(c);
		o->off = cur_le16(c);
		o->len_pos = cur_pos(c);
		o->len = cur_le16(c);
		break;
	case OLB_O16_S32:
		o->off_pos = cur_pos(c);
		o->off = cur_le16(c);
		o->len_pos = cur_pos(c);
		o->len = cur_le32(c);
		break;
	case OLB_O32_S32:
		o->off_pos = cur_pos(c);
		o->off = cur_le32(c);
		o->len_pos = cur_pos(c);
		o->len = cur_le32(c);
		break;
	}
}

static void olb_fields(struct tctx *t, struct node *parent, const struct smb2_olb *o)
{
	unsigned osz = o->kind == OLB_O32_S32 ? 4 : 2;
	unsigned lsz = o->kind == OLB_O16_S16 ? 2 : 4;

	t_uint(t, parent, F_SMB2_OLB_OFFSET, o->off_pos, osz, o->off);
	t_uint(t, parent, F_SMB2_OLB_LENGTH, o->len_pos, lsz, o->len);
}

/* Sub-cursor over the buffer, or false (malformed item added) when it does
 * not fit the message. */
static bool olb_window(struct tctx *t, struct node *parent, const struct cur *c,
		       const struct smb2_hdr *h, const struct smb2_olb *o,
		       struct cur *sub)
{
	uint64_t start = (uint64_t)h->off + o->off;

	if (start > c->end || o->len > c->end - start) {
		t_malformed(t, parent, (uint32_t)(c->pos0 + h->off),
			    "Invalid offset/length");
		*sub = cur_sub(c, c->end, 0);
		return false;
	}
	*sub = cur_sub(c, (size_t)start, o->len);
	return true;
}

struct node *smb2_olb_buffer(struct dctx *d, struct node *parent,
			     const struct cur *c, const struct smb2_hdr *h,
			     const struct smb2_olb *o, int fid, struct cur *sub)
{
	struct tctx *t = &d->t;

	if (!olb_window(t, parent, c, h, o, sub))
		return NULL;
	olb_fields(t, parent, o);
	struct node *item = parent;
	if (fid != F_INVALID) {
		uint32_t pos = cur_pos(sub);
		if (field_get(fid)->type == FT_BYTES)
			item = t_bytes(t, parent, fid, pos, cur_peek(sub, o->len), o->len);
		else
			item = t_custom(t, parent, fid, pos, o->len, "", "");
	}
	if (o->off == 0 || o->len == 0) {
		item->label = arena_printf(t->a, "%s: NO DATA", item->label);
		sub->end = sub->off;
	}
	return item;
}

const char *smb2_olb_string(struct dctx *d, struct node *parent,
			    const struct cur *c, const struct smb2_hdr *h,
			    const struct smb2_olb *o, int fid)
{
	struct tctx *t = &d->t;
	struct cur s;

	if (!olb_window(t, parent, c, h, o, &s))
		return NULL;
	uint32_t pos = cur_pos(&s);
	const char *str = str_utf16le(t->a, cur_peek(&s, o->len), o->len);
	struct node *n = t_string(t, parent, fid, pos, o->len, str);
	olb_fields(t, n, o);
	return str;
}

/* File names per FileId live in the per-trace request table under keys of
 * their own (stream, persistent, volatile). */
static uint64_t fid_key(uint32_t stream, const uint8_t fid[16])
{
	uint64_t p = 0, v = 0;

	for (int i = 7; i >= 0; i--) {
		p = p << 8 | fid[i];
		v = v << 8 | fid[8 + i];
	}
	return hmap_mix(hmap_mix(hmap_mix(0x46494421, stream), p), v);
}

void smb2_fid_remember(struct trace *tr, uint32_t stream, const uint8_t fid[16],
		       const char *name)
{
	hmap_put(&tr->smb2_msgs, fid_key(stream, fid),
		 arena_strdup(&tr->a, name ? name : ""));
}

const char *smb2_fid_name(const struct dctx *d, const uint8_t fid[16])
{
	return hmap_get(&d->trace->smb2_msgs, fid_key(d->pdu->stream, fid));
}

const char *smb2_fid(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, 16);

	if (!p)
		return NULL;
	const char *name = smb2_fid_name(d, p);
	struct node *hn = name ? t_text(t, parent, pos, 16, "GUID handle File: %s", name)
			       : t_text(t, parent, pos, 16, "GUID handle");
	t_guid(t, hn, F_SMB2_FID, pos, p);
	if (name)
		dctx_summary_more(d, " File: %s", name);
	return name;
}

void smb2_file_attr(struct tctx *t, struct node *parent, struct cur *c,
		    uint32_t *attr)
{
	static const int subs[] = {
		F_SMB2_FILE_ATTRIBUTE_READ_ONLY, F_SMB2_FILE_ATTRIBUTE_HIDDEN,
		F_SMB2_FILE_ATTRIBUTE_SYSTEM, F_SMB2_FILE_ATTRIBUTE_DIRECTORY,
		F_SMB2_FILE_ATTRIBUTE_ARCHIVE, F_SMB2_FILE_ATTRIBUTE_NORMAL,
		F_SMB2_FILE_ATTRIBUTE_TEMPORARY, F_SMB2_FILE_ATTRIBUTE_SPARSE,
		F_SMB2_FILE_ATTRIBUTE_REPARSE, F_SMB2_FILE_ATTRIBUTE_COMPRESSED,
		F_SMB2_FILE_ATTRIBUTE_OFFLINE,
		F_SMB2_FILE_ATTRIBUTE_NOT_CONTENT_INDEXED,
		F_SMB2_FILE_ATTRIBUTE_ENCRYPTED,
		F_SMB2_FILE_ATTRIBUTE_INTEGRITY_STREAM,
		F_SMB2_FILE_ATTRIBUTE_NO_SCRUB_DATA, F_INVALID
	};
	uint64_t v = 0;

	smb2_bits(t, parent, F_SMB2_FILE_ATTRIBUTE, c, 4, subs, &v);
	if (attr)
		*attr = (uint32_t)v;
}

void smb2_times4(struct tctx *t, struct node *parent, struct cur *c)
{
	r_filetime(t, parent, F_SMB2_CREATE_TIME, c);
	r_filetime(t, parent, F_SMB2_LAST_ACCESS_TIME, c);
	r_filetime(t, parent, F_SMB2_LAST_WRITE_TIME, c);
	r_filetime(t, parent, F_SMB2_LAST_CHANGE_TIME, c);
}
