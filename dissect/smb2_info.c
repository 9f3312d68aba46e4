/*
 * smb2_info.c - MS-SMB2 2.2.37 QUERY_INFO Request, 2.2.38 QUERY_INFO
 * Response, 2.2.39 SET_INFO Request, 2.2.40 SET_INFO Response.
 *
 * QUERY_INFO Request (41):              SET_INFO Request (33):
 *   0 StructureSize  2 InfoType           0 StructureSize  2 InfoType
 *   3 FileInfoClass  4 OutputBufferLength 3 FileInfoClass  4 BufferLength
 *   8 InputBufferOffset 10 Reserved       8 BufferOffset  10 Reserved
 *  12 InputBufferLength 16 AdditionalInfo 12 AdditionalInformation
 *  20 Flags          24 FileId           16 FileId        32 Buffer
 *  40 Buffer
 *
 * The response does not repeat the info type and class: the index hook
 * (smb2_info_index) records them from the request, and the response shows
 * them as generated items, as Wireshark does. The info buffers themselves
 * are dissected by smb2_infoclass.c.
 */
#include "smb2.h"

#include "secdesc.h"

enum { INFO_FILE = 1, INFO_FS = 2, INFO_SEC = 3, INFO_QUOTA = 4 };

static int level_field(uint8_t info_type)
{
	switch (info_type) {
	case INFO_FILE: return F_SMB2_FILE_INFO_INFOLEVEL;
	case INFO_FS: return F_SMB2_FS_INFO_INFOLEVEL;
	case INFO_SEC: return F_SMB2_SEC_INFO_INFOLEVEL;
	default: return F_SMB2_INFOLEVEL;
	}
}

void smb2_info_index(struct trace *t, struct cur *c, const struct smb2_hdr *h)
{
	(void)t;
	if (h->response || !h->req)
		return;
	cur_skip(c, 2);
	uint8_t type = cur_u8(c);
	uint8_t cls = cur_u8(c);
	if (!c->err) {
		h->req->info_type = type;
		h->req->info_class = cls;
	}
}

/*
 * Info type and class: read from a request (and named in the summary),
 * taken from the paired request for a response (generated items).
 * Returns false when a response has no paired request.
 */
static bool class_level(struct dctx *d, struct node *body, struct cur *c,
			const struct smb2_hdr *h, uint8_t *type, uint8_t *cls)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);

	if (h->response) {
		if (!h->req)
			return false;
		*type = h->req->info_type;
		*cls = h->req->info_class;
		t_uint(t, body, F_SMB2_CLASS, pos, 0, *type)->flags |= N_GENERATED;
		t_uint(t, body, level_field(*type), pos, 0, *cls)->flags |= N_GENERATED;
		return true;
	}
	*type = (uint8_t)r_uint(t, body, F_SMB2_CLASS, c, 1);
	*cls = (uint8_t)r_uint(t, body, level_field(*type), c, 1);
	const char *cn = val_lookup(field_vals(field_get(F_SMB2_CLASS)), *type);
	const char *ln = val_lookup(field_vals(field_get(level_field(*type))), *cls);
	dctx_summary_more(d, " %s/%s",
			  cn ? cn : arena_printf(t->a, "(Class:0x%02x)", *type),
			  ln ? ln : arena_printf(t->a, "(Level:0x%02x)", *cls));
	return true;
}

static void additional_info(struct tctx *t, struct node *body, struct cur *c,
			    uint8_t type)
{
	static const int subs[] = {
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_OWNER,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_GROUP,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_DACL,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_SACL,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_LABEL,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_ATTRIBUTE,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_SCOPE,
		F_SMB2_GETSETINFO_ADDITIONAL_SECINFO_BACKUP, F_INVALID
	};

	if (type == INFO_SEC)
		r_bitmask(t, body, F_SMB2_GETSETINFO_ADDITIONALS, c, 4, subs);
	else
		r_uint(t, body, F_SMB2_GETSETINFO_ADDITIONAL, c, 4);
}

/* SMB2_QUERY_QUOTA_INFO (2.2.37.1); c's window is the input buffer. */
static void query_quota(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	size_t base = c->off;
	struct node *n = t_custom(t, parent, F_SMB2_QUERY_QUOTA_INFO, cur_pos(c),
				  (uint32_t)cur_left(c), "", "");

	r_uint(t, n, F_SMB2_QUERY_QUOTA_INFO_SINGLE, c, 1);
	r_uint(t, n, F_SMB2_QUERY_QUOTA_INFO_RESTART, c, 1);
	r_bytes(t, n, F_SMB2_RESERVED, c, 2);
	uint32_t sidlist = (uint32_t)r_uint(t, n, F_SMB2_QUERY_QUOTA_INFO_SIDLISTLEN, c, 4);
	uint32_t sidlen = (uint32_t)r_uint(t, n, F_SMB2_QUERY_QUOTA_INFO_STARTSIDLEN, c, 4);
	uint32_t sidoff = (uint32_t)r_uint(t, n, F_SMB2_QUERY_QUOTA_INFO_STARTSIDOFFSET, c, 4);
	if (c->err)
		return;
	if (sidlist) {
		/* FILE_GET_QUOTA_INFORMATION list (MS-FSCC 2.4.33.1) */
		for (int i = 0; i < 4096 && cur_left(c) >= 8; i++) {
			size_t start = c->off;
			uint32_t next = (uint32_t)r_uint(t, n, F_SMB_QUOTA_USER_OFFSET, c, 4);
			uint32_t len = (uint32_t)r_uint(t, n, F_SMB_LENGTH_OF_SID, c, 4);
			struct cur s = cur_split(c, len);
			secdesc_sid(d, n, &s, "SID");
			if (c->err || next == 0 || next > c->end - start)
				break;
			c->off = start + next;
		}
	} else if (sidlen && sidoff <= c->end - base - 16) {
		struct cur s = cur_sub(c, base + 16 + sidoff, sidlen);
		secdesc_sid(d, n, &s, "Start SID");
	}
}

void smb2_getinfo_req(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	uint8_t type = 0, cls = 0;

	smb2_buffer_code(d, body, c);
	class_level(d, body, c, h, &type, &cls);
	r_uint(t, body, F_SMB2_MAX_RESPONSE_SIZE, c, 4);
	uint32_t in_off = (uint32_t)r_uint(t, body, F_SMB2_GETINFO_INPUT_OFFSET, c, 2);
	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	uint32_t in_len = (uint32_t)r_uint(t, body, F_SMB2_GETINFO_INPUT_SIZE, c, 4);
	additional_info(t, body, c, type);
	r_uint(t, body, F_SMB2_GETINFO_FLAGS, c, 4);
	smb2_fid_sum(d, body, c, h);
	if (c->err || in_len == 0)
		return;
	if (type != INFO_QUOTA && !(type == INFO_FILE && cls == 0x0f))
		return;
	size_t start = h->off + (size_t)in_off;
	if (start < c->off || start > c->end || in_len > c->end - start) {
		t_malformed(t, body, cur_pos(c), "invalid getinfo input buffer");
		return;
	}
	struct cur s = cur_sub(c, start, in_len);
	if (type == INFO_QUOTA)
		query_quota(d, body, &s);
	else
		r_bytes(t, body, F_SMB2_UNKNOWN, &s, in_len);
	c->off = start + in_len;
}

void smb2_getinfo_rsp(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	uint8_t type = 0, cls = 0;
	bool known = class_level(d, body, c, h, &type, &cls);

	if (h->status == 0xc0000023) { /* STATUS_BUFFER_TOO_SMALL */
		smb2_buffer_code(d, body, c);
		cur_skip(c, 6);
		r_uint(t, body, F_SMB2_REQUIRED_SIZE, c, 4);
		return;
	}
	if (!smb2_rsp_start(d, body, c, h,
			       h->status == 0 || h->status == 0x80000005))
		return;
	struct smb2_olb o;
	struct cur s;
	smb2_olb_read(c, &o, 2, 4);
	if (c->err || !smb2_olb_buffer(d, body, c, h, &o, F_INVALID, &s))
		return;
	if (cur_left(&s) == 0)
		return;
	if (known)
		smb2_info_buffer(d, body, &s, h, type, cls);
	else
		r_bytes(t, body, F_SMB2_UNKNOWN, &s, cur_left(&s));
}

void smb2_setinfo_req(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	uint8_t type = 0, cls = 0;

	smb2_buffer_code(d, body, c);
	class_level(d, body, c, h, &type, &cls);
	uint32_t len = (uint32_t)r_uint(t, body, F_SMB2_SETINFO_SIZE, c, 4);
	uint32_t off = (uint32_t)r_uint(t, body, F_SMB2_SETINFO_OFFSET, c, 2);
	r_uint(t, body, F_SMB2_SETINFO_RESERVED, c, 2);
	additional_info(t, body, c, type);
	smb2_fid_sum(d, body, c, h);
	if (c->err)
		return;
	size_t start = h->off + (size_t)off;
	if (start > c->end) {
		t_malformed(t, body, cur_pos(c), "set info buffer outside the message");
		return;
	}
	struct cur s = cur_sub(c, start, len);
	smb2_info_buffer(d, body, &s, h, type, cls);
	c->off = s.end;
}

void smb2_setinfo_rsp(struct dctx *d, struct node *body, struct cur *c,
		      const struct smb2_hdr *h)
{
	uint8_t type = 0, cls = 0;

	class_level(d, body, c, h, &type, &cls);
	smb2_rsp_start(d, body, c, h, h->status == 0);
}
