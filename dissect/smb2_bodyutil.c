/*
 * smb2_bodyutil.c - helpers of the part-B bodies (ioctl, directory,
 * notify, info), on top of smb2_common.c:
 *
 *  - bitmask items whose label does not list the set flags;
 *  - the start of a response body, deciding between the command's layout
 *    and the MS-SMB2 2.2.2 error body the way Wireshark does (per-command
 *    success statuses, then StructureSize 9);
 *  - offset/length buffers shown as the olb nodes, the buffer item and a
 *    sub-cursor over its bytes ("NO DATA" when empty);
 *  - FILE_OBJECTID_BUFFER and the four FILETIMEs of FSCC records.
 */
#include "smb2.h"

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

bool smb2_rsp_start(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h, bool ok)
{
	const uint8_t *p = cur_peek(c, 2);

	if (!ok && p && (p[0] | p[1] << 8) == 9) {
		smb2_error_rsp(d, body, c, h);
		return false;
	}
	smb2_buffer_code(d, body, c);
	return true;
}

struct node *smb2_olb_buffer(struct dctx *d, struct node *parent,
			     const struct cur *c, const struct smb2_hdr *h,
			     const struct smb2_olb *o, int fid, struct cur *sub)
{
	struct tctx *t = &d->t;
	uint64_t start = (uint64_t)h->off + o->off;

	if (start > c->end || o->len > c->end - start) {
		t_malformed(t, parent, o->off_pos, "Invalid offset/length");
		*sub = cur_sub(c, c->end, 0);
		return NULL;
	}
	*sub = smb2_olb_cur(c, h, o);
	smb2_olb_nodes(d, parent, o);
	struct node *item = parent;
	if (fid != F_INVALID) {
		uint32_t pos = cur_pos(sub);
		if (field_get(fid)->type == FT_BYTES)
			item = t_bytes(t, parent, fid, pos, cur_peek(sub, o->len), o->len);
		else
			item = smb2_none(d, parent, fid, pos, o->len, NULL);
	}
	if (o->off == 0 || o->len == 0) {
		item->label = arena_printf(t->a, "%s: NO DATA", item->label);
		sub->end = sub->off;
	}
	return item;
}

const char *smb2_fid_sum(struct dctx *d, struct node *parent, struct cur *c,
			 const struct smb2_hdr *h)
{
	const char *name = smb2_fid(d, parent, c, h);

	if (name)
		dctx_summary_more(d, " File: %s", name);
	return name;
}

void smb2_object_id_buffer(struct tctx *t, struct node *parent, struct cur *c)
{
	struct node *n = t_custom(t, parent, F_SMB2_FILE_OBJECTID_BUFFER,
				  cur_pos(c), 64, "", "");

	n->label = field_label(F_SMB2_FILE_OBJECTID_BUFFER);
	r_guid(t, n, F_SMB2_OBJECT_ID, c);
	r_guid(t, n, F_SMB2_BIRTH_VOLUME_ID, c);
	r_guid(t, n, F_SMB2_BIRTH_OBJECT_ID, c);
	r_guid(t, n, F_SMB2_DOMAIN_ID, c);
}

void smb2_times4(struct tctx *t, struct node *parent, struct cur *c)
{
	r_filetime(t, parent, F_SMB2_CREATE_TIME, c);
	r_filetime(t, parent, F_SMB2_LAST_ACCESS_TIME, c);
	r_filetime(t, parent, F_SMB2_LAST_WRITE_TIME, c);
	r_filetime(t, parent, F_SMB2_LAST_CHANGE_TIME, c);
}
