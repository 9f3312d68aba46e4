/*
 * smb2_common.c - pieces every SMB2 command body uses: StructureSize
 * (MS-SMB2 2.2 "StructureSize"), offset/length pairs pointing into the
 * message (offsets relative to the SMB2 header), FileId (2.2.14.1) with the
 * per-trace FileId -> name table, and the shared bitmasks (access mask
 * [MS-DTYP 2.4.3], file attributes [MS-FSCC 2.6], security mode and
 * capabilities of NEGOTIATE/SESSION_SETUP).
 */
#include "smb2.h"
#include "wirestr.h"

#include <string.h>

uint16_t smb2_buffer_code(struct dctx *d, struct node *body, struct cur *c)
{
	static const int subs[] = { F_SMB2_BUFFER_CODE_LENGTH,
				    F_SMB2_BUFFER_CODE_DYNAMIC, F_INVALID };
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	uint16_t v = cur_le16(c);

	if (c->err)
		return 0;
	struct node *n = t_uint(t, body, F_SMB2_BUFFER_CODE, pos, 2, v);
	/* Wireshark's label lists no set bits for this one. */
	const char *label = n->label;
	t_bitmask_subs(t, n, pos, 2, v, subs);
	n->label = label;
	return v;
}

void smb2_olb_read(struct cur *c, struct smb2_olb *o, unsigned off_size,
		   unsigned len_size)
{
	o->off_pos = cur_pos(c);
	o->off_size = (uint8_t)off_size;
	o->off = (uint32_t)cur_le(c, off_size);
	o->len_pos = cur_pos(c);
	o->len_size = (uint8_t)len_size;
	o->len = (uint32_t)cur_le(c, len_size);
}

void smb2_olb_nodes(struct dctx *d, struct node *parent, const struct smb2_olb *o)
{
	t_uint(&d->t, parent, F_SMB2_OLB_OFFSET, o->off_pos, o->off_size, o->off);
	t_uint(&d->t, parent, F_SMB2_OLB_LENGTH, o->len_pos, o->len_size, o->len);
}

struct cur smb2_olb_cur(const struct cur *c, const struct smb2_hdr *h,
			const struct smb2_olb *o)
{
	return cur_sub(c, h->off + (size_t)o->off, o->len);
}

const char *smb2_olb_string(struct dctx *d, struct node *parent,
			    struct cur *c, const struct smb2_hdr *h,
			    const struct smb2_olb *o, int fid)
{
	struct tctx *t = &d->t;
	const char *s = "";
	struct node *n;

	if (o->len == 0) {
		n = t_string(t, parent, fid, cur_pos(c), 0, "");
	} else {
		struct cur s_c = smb2_olb_cur(c, h, o);
		size_t len = cur_left(&s_c);
		const uint8_t *p = cur_take(&s_c, len);
		s = p ? str_utf16le(t->a, p, len) : "";
		n = t_string(t, parent, fid, cur_pos(&s_c) - (uint32_t)len,
			     (uint32_t)len, s);
		if (s_c.err)
			t_malformed(t, n, cur_pos(&s_c), "string past the message end");
	}
	smb2_olb_nodes(d, n, o);
	return s;
}

struct node *smb2_none(struct dctx *d, struct node *parent, int fid,
		       uint32_t pos, uint32_t size, const char *label)
{
	struct node *n = t_custom(&d->t, parent, fid, pos, size, "", NULL);

	n->label = label ? label : field_label(fid);
	return n;
}

uint64_t smb2_fid_key(uint64_t sesid, const uint8_t fid[16])
{
	uint64_t lo = 0, hi = 0;

	for (int i = 7; i >= 0; i--) {
		lo = lo << 8 | fid[i];
		hi = hi << 8 | fid[8 + i];
	}
	return hmap_mix(hmap_mix(hmap_mix(0x46494431, sesid), lo), hi);
}

/* A key's map value: one open (the most keys: a FileId opened once) is a
 * struct smb2_fid_open with the low bit set, more a struct smb2_fid_name
 * (arena blocks are 8-byte aligned). */
#define FID_ONE 1u

void smb2_fid_remember(struct trace *t, uint64_t sesid, const uint8_t fid[16],
		       const char *name, uint32_t frame)
{
	uint64_t key = smb2_fid_key(sesid, fid);
	uintptr_t v0 = (uintptr_t)hmap_get(&t->smb2_msgs, key);

	if (!v0) {
		struct smb2_fid_open *o = arena_alloc(&t->a, sizeof(*o));
		*o = (struct smb2_fid_open){ .name = name, .open_frame = frame };
		hmap_put(&t->smb2_msgs, key, (void *)((uintptr_t)o | FID_ONE));
		return;
	}
	struct smb2_fid_name *e = (struct smb2_fid_name *)v0;
	if (v0 & FID_ONE) { /* a second open: the list form */
		const struct smb2_fid_open *o = (const struct smb2_fid_open *)(v0 & ~(uintptr_t)FID_ONE);
		if (o->open_frame == frame)
			return;
		e = arena_zalloc(&t->a, sizeof(*e));
		e->v = arena_alloc(&t->a, 2 * sizeof(*e->v));
		e->v[0] = *o;
		e->n = 1;
		e->cap = 2;
		e->sorted = true;
		hmap_put(&t->smb2_msgs, key, e);
	}
	if (e->n && e->v[e->n - 1].open_frame == frame)
		return;
	if (e->n == e->cap) { /* arena: grow by doubling, amortised O(1) */
		uint32_t cap = e->cap ? e->cap * 2 : 2;
		struct smb2_fid_open *v = arena_alloc(&t->a, cap * sizeof(*v));
		if (e->n)
			memcpy(v, e->v, e->n * sizeof(*v));
		e->v = v;
		e->cap = cap;
	}
	if (e->n && e->v[e->n - 1].open_frame > frame)
		e->sorted = false;
	e->v[e->n++] = (struct smb2_fid_open){ .name = name, .open_frame = frame };
}

const char *smb2_fid_lookup(const struct trace *t, uint64_t sesid,
			    const uint8_t fid[16], uint32_t frame)
{
	uintptr_t v0 = (uintptr_t)hmap_get(&t->smb2_msgs, smb2_fid_key(sesid, fid));

	if (v0 & FID_ONE) {
		const struct smb2_fid_open *o = (const struct smb2_fid_open *)(v0 & ~(uintptr_t)FID_ONE);
		return o->open_frame <= frame ? o->name : NULL;
	}
	const struct smb2_fid_name *e = (const struct smb2_fid_name *)v0;
	/* The newest open (last remembered) at or before frame. */
	if (!e || !e->n)
		return NULL;
	if (!e->sorted) {
		for (uint32_t i = e->n; i-- > 0;)
			if (e->v[i].open_frame <= frame)
				return e->v[i].name;
		return NULL;
	}
	uint32_t lo = 0, hi = e->n; /* first index with open_frame > frame */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (e->v[mid].open_frame <= frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? e->v[lo - 1].name : NULL;
}

const char *smb2_fid(struct dctx *d, struct node *parent, struct cur *c,
		     const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, 16);

	if (!p)
		return NULL;
	uint32_t frame = d->frame ? d->frame->num : UINT32_MAX;
	const char *name = smb2_fid_lookup(d->trace, h->sesid, p, frame);
	struct node *g = name ? t_text(t, parent, pos, 16, "GUID handle File: %s", name)
			      : t_text(t, parent, pos, 16, "GUID handle");
	t_guid(t, g, F_SMB2_FID, pos, p);
	return name;
}

uint32_t smb2_file_attributes(struct dctx *d, struct node *parent, struct cur *c)
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
	return (uint32_t)r_bitmask(&d->t, parent, F_SMB2_FILE_ATTRIBUTE, c, 4, subs);
}

uint32_t smb2_access_mask(struct dctx *d, struct node *parent, struct cur *c)
{
	static const int subs[] = {
		F_SMB_ACCESS_READ, F_SMB_ACCESS_WRITE, F_SMB_ACCESS_APPEND,
		F_SMB_ACCESS_READ_EA, F_SMB_ACCESS_WRITE_EA, F_SMB_ACCESS_EXECUTE,
		F_SMB_ACCESS_DELETE_CHILD, F_SMB_ACCESS_READ_ATTRIBUTES,
		F_SMB_ACCESS_WRITE_ATTRIBUTES, F_SMB_ACCESS_DELETE,
		F_SMB_ACCESS_READ_CONTROL, F_SMB_ACCESS_WRITE_DAC,
		F_SMB_ACCESS_WRITE_OWNER, F_SMB_ACCESS_SYNCHRONIZE,
		F_SMB_ACCESS_SYSTEM_SECURITY, F_SMB_ACCESS_MAXIMUM_ALLOWED,
		F_SMB_ACCESS_GENERIC_ALL, F_SMB_ACCESS_GENERIC_EXECUTE,
		F_SMB_ACCESS_GENERIC_WRITE, F_SMB_ACCESS_GENERIC_READ, F_INVALID
	};
	return (uint32_t)r_bitmask(&d->t, parent, F_SMB_ACCESS_MASK, c, 4, subs);
}

uint32_t smb2_sec_mode(struct dctx *d, struct node *parent, struct cur *c)
{
	static const int subs[] = { F_SMB2_SEC_MODE_SIGN_ENABLED,
				    F_SMB2_SEC_MODE_SIGN_REQUIRED, F_INVALID };
	return (uint32_t)r_bitmask(&d->t, parent, F_SMB2_SEC_MODE, c, 1, subs);
}

uint32_t smb2_capabilities(struct dctx *d, struct node *parent, struct cur *c)
{
	static const int subs[] = {
		F_SMB2_CAPABILITIES_DFS, F_SMB2_CAPABILITIES_LEASING,
		F_SMB2_CAPABILITIES_LARGE_MTU, F_SMB2_CAPABILITIES_MULTI_CHANNEL,
		F_SMB2_CAPABILITIES_PERSISTENT_HANDLES,
		F_SMB2_CAPABILITIES_DIRECTORY_LEASING,
		F_SMB2_CAPABILITIES_ENCRYPTION, F_INVALID
	};
	return (uint32_t)r_bitmask(&d->t, parent, F_SMB2_CAPABILITIES, c, 4, subs);
}

void smb2_payload(struct dctx *d, struct node *parent, struct cur *c, size_t n)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *p;

	if (n > cur_left(c))
		n = cur_left(c);
	if (n == 0)
		return;
	p = cur_take(c, n);
	struct node *g = t_text(t, parent, pos, (uint32_t)n, "Data (%zu bytes)", n);
	struct node *b = t_bytes(t, g, F_SMB2_WRITE_DATA, pos, p, (uint32_t)n);
	/* Wireshark hands the payload to its "data" dissector: data.data. */
	b->name = "data.data";
	b->field = F_INVALID;
	const char *colon = strchr(b->label, ':');
	b->label = arena_cat(t->a, "Data", colon ? colon : "", (char *)NULL);
}

void smb2_lease_state(struct dctx *d, struct node *n, struct cur *c)
{
	static const int subs[] = { F_SMB2_LEASE_LEASE_STATE_READ_CACHING,
				    F_SMB2_LEASE_LEASE_STATE_HANDLE_CACHING,
				    F_SMB2_LEASE_LEASE_STATE_WRITE_CACHING, F_INVALID };
	r_bitmask(&d->t, n, F_SMB2_LEASE_LEASE_STATE, c, 4, subs);
}

void smb2_lease_flags(struct dctx *d, struct node *n, struct cur *c)
{
	static const int subs[] = { F_SMB2_LEASE_LEASE_STATE_BREAK_ACK_REQUIRED,
				    F_SMB2_LEASE_LEASE_STATE_BREAK_IN_PROGRESS,
				    F_SMB2_LEASE_LEASE_STATE_PARENT_LEASE_KEY_SET,
				    F_INVALID };
	r_bitmask(&d->t, n, F_SMB2_LEASE_LEASE_FLAGS, c, 4, subs);
}
