/*
 * secdesc.c - MS-DTYP 2.4.6 SECURITY_DESCRIPTOR (self-relative), 2.4.5 ACL,
 * 2.4.4 ACE and 2.4.2 SID, shown as Wireshark's dissect_nt_sec_desc():
 *
 *   0 Revision(1) Sbz1(1)   2 Control(2)
 *   4 OffsetOwner  8 OffsetGroup  12 OffsetSacl  16 OffsetDacl
 *
 * Offsets are relative to the descriptor; each part is read through a
 * sub-cursor placed at its offset, so a bad offset only spoils that part.
 */
#include "secdesc.h"

#include <stdio.h>
#include <string.h>

#define MAX_ACES 1024

static const int type_subs[] = {
	F_NT_SEC_DESC_TYPE_SELF_RELATIVE, F_NT_SEC_DESC_TYPE_RM_CONTROL_VALID,
	F_NT_SEC_DESC_TYPE_SACL_PROTECTED, F_NT_SEC_DESC_TYPE_DACL_PROTECTED,
	F_NT_SEC_DESC_TYPE_SACL_AUTO_INHERITED,
	F_NT_SEC_DESC_TYPE_DACL_AUTO_INHERITED,
	F_NT_SEC_DESC_TYPE_SACL_AUTO_INHERIT_REQ,
	F_NT_SEC_DESC_TYPE_DACL_AUTO_INHERIT_REQ,
	F_NT_SEC_DESC_TYPE_SERVER_SECURITY, F_NT_SEC_DESC_TYPE_DACL_TRUSTED,
	F_NT_SEC_DESC_TYPE_SACL_DEFAULTED, F_NT_SEC_DESC_TYPE_SACL_PRESENT,
	F_NT_SEC_DESC_TYPE_DACL_DEFAULTED, F_NT_SEC_DESC_TYPE_DACL_PRESENT,
	F_NT_SEC_DESC_TYPE_GROUP_DEFAULTED, F_NT_SEC_DESC_TYPE_OWNER_DEFAULTED,
	F_INVALID
};

static const int ace_flag_subs[] = {
	F_NT_ACE_FLAGS_FAILED_ACCESS, F_NT_ACE_FLAGS_SUCCESSFUL_ACCESS,
	F_NT_ACE_FLAGS_INHERITED_ACE, F_NT_ACE_FLAGS_INHERIT_ONLY,
	F_NT_ACE_FLAGS_NON_PROPAGATE_INHERIT, F_NT_ACE_FLAGS_CONTAINER_INHERIT,
	F_NT_ACE_FLAGS_OBJECT_INHERIT, F_INVALID
};

static const int generic_subs[] = {
	F_NT_ACCESS_MASK_GENERIC_READ, F_NT_ACCESS_MASK_GENERIC_WRITE,
	F_NT_ACCESS_MASK_GENERIC_EXECUTE, F_NT_ACCESS_MASK_GENERIC_ALL,
	F_NT_ACCESS_MASK_MAXIMUM_ALLOWED, F_NT_ACCESS_MASK_ACCESS_SACL, F_INVALID
};
static const int standard_subs[] = {
	F_NT_ACCESS_MASK_SYNCHRONISE, F_NT_ACCESS_MASK_WRITE_OWNER,
	F_NT_ACCESS_MASK_WRITE_DAC, F_NT_ACCESS_MASK_READ_CONTROL,
	F_NT_ACCESS_MASK_DELETE, F_INVALID
};
static const int specific_subs[] = {
	F_NT_ACCESS_MASK_SPECIFIC_15, F_NT_ACCESS_MASK_SPECIFIC_14,
	F_NT_ACCESS_MASK_SPECIFIC_13, F_NT_ACCESS_MASK_SPECIFIC_12,
	F_NT_ACCESS_MASK_SPECIFIC_11, F_NT_ACCESS_MASK_SPECIFIC_10,
	F_NT_ACCESS_MASK_SPECIFIC_9, F_NT_ACCESS_MASK_SPECIFIC_8,
	F_NT_ACCESS_MASK_SPECIFIC_7, F_NT_ACCESS_MASK_SPECIFIC_6,
	F_NT_ACCESS_MASK_SPECIFIC_5, F_NT_ACCESS_MASK_SPECIFIC_4,
	F_NT_ACCESS_MASK_SPECIFIC_3, F_NT_ACCESS_MASK_SPECIFIC_2,
	F_NT_ACCESS_MASK_SPECIFIC_1, F_NT_ACCESS_MASK_SPECIFIC_0, F_INVALID
};

static const int file_rights_subs[] = {
	F_SMB_FILE_ACCESSMASK_WRITE_ATTRIBUTE, F_SMB_FILE_ACCESSMASK_READ_ATTRIBUTE,
	F_SMB_FILE_ACCESSMASK_EXECUTE, F_SMB_FILE_ACCESSMASK_WRITE_EA,
	F_SMB_FILE_ACCESSMASK_READ_EA, F_SMB_FILE_ACCESSMASK_APPEND_DATA,
	F_SMB_FILE_ACCESSMASK_WRITE_DATA, F_SMB_FILE_ACCESSMASK_READ_DATA, F_INVALID
};
static const int dir_rights_subs[] = {
	F_SMB_DIR_ACCESSMASK_WRITE_ATTRIBUTE, F_SMB_DIR_ACCESSMASK_READ_ATTRIBUTE,
	F_SMB_DIR_ACCESSMASK_DELETE_CHILD, F_SMB_DIR_ACCESSMASK_TRAVERSE,
	F_SMB_DIR_ACCESSMASK_WRITE_EA, F_SMB_DIR_ACCESSMASK_READ_EA,
	F_SMB_DIR_ACCESSMASK_ADD_SUBDIR, F_SMB_DIR_ACCESSMASK_ADD_FILE,
	F_SMB_DIR_ACCESSMASK_LIST, F_INVALID
};

/* Integer with its bit children, label left as the integer alone. */
static uint64_t bits(struct tctx *t, struct node *parent, int fid, struct cur *c,
		     unsigned size, const int *subs)
{
	uint32_t pos = cur_pos(c);
	uint64_t v = cur_le(c, size);

	if (c->err)
		return 0;
	struct node *n = t_uint(t, parent, fid, pos, size, v);
	const char *label = n->label;
	t_bitmask_subs(t, n, pos, size, v, subs);
	n->label = label;
	return v;
}

const char *secdesc_sid(struct dctx *d, struct node *parent, struct cur *c,
			const char *label)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_peek(c, 8);

	if (!p) {
		t_malformed(t, parent, pos, "SID cut short");
		c->err = true;
		return "";
	}
	unsigned num = p[1];
	if (!cur_peek(c, 8 + 4u * num)) {
		t_malformed(t, parent, pos, "SID cut short");
		c->err = true;
		return "";
	}
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	uint32_t sub[16];
	char subs[16 * 11 + 1] = "";
	size_t k = 0;
	for (unsigned i = 0; i < num; i++) {
		const uint8_t *q = p + 8 + 4 * i;
		uint32_t v = (uint32_t)(q[0] | q[1] << 8 | q[2] << 16) | (uint32_t)q[3] << 24;
		if (i < 16) {
			sub[i] = v;
			k += (size_t)snprintf(subs + k, sizeof(subs) - k, "%s%u",
					      i ? "-" : "", v);
		}
	}
	const char *sid = arena_printf(t->a, "S-%u-%llu%s%s", p[0],
				       (unsigned long long)auth, num ? "-" : "", subs);
	bool domain = auth == 5 && num >= 5 && sub[0] == 21;
	struct node *n = t_string(t, parent, F_NT_SID, pos, 8 + 4 * num, sid);
	n->label = arena_printf(t->a, "%s: %s%s", label, sid,
				domain ? "  (Domain SID-Domain RID)" : "");
	r_uint(t, n, F_NT_SID_REVISION, c, 1);
	r_uint(t, n, F_NT_SID_NUM_AUTH, c, 1);
	t_uint(t, n, F_NT_SID_AUTH, cur_pos(c), 6, auth);
	cur_skip(c, 6);
	if (num)
		t_string(t, n, F_NT_SID_SUBAUTH, cur_pos(c), 4 * num, subs);
	cur_skip(c, 4 * num);
	if (domain)
		t_uint(t, n, F_NT_SID_RID, cur_pos(c) - 4, 4, sub[num < 16 ? num - 1 : 15]);
	return sid;
}

static void access_mask(struct tctx *t, struct node *parent, struct cur *c,
			enum secdesc_rights rights)
{
	uint32_t pos = cur_pos(c);
	uint32_t v = cur_le32(c);

	if (c->err)
		return;
	struct node *n = t_uint(t, parent, F_NT_ACCESS_MASK, pos, 4, v);
	n->label = arena_printf(t->a, "Access required: 0x%08x", v);
	struct node *g = t_text(t, n, pos, 4, "Generic rights: 0x%08x", v & 0xf0000000u);
	t_bitmask_subs(t, g, pos, 4, v, generic_subs);
	g->label = arena_printf(t->a, "Generic rights: 0x%08x", v & 0xf0000000u);
	struct node *s = t_text(t, n, pos, 4, "Standard rights: 0x%08x", v & 0x00ff0000u);
	t_bitmask_subs(t, s, pos, 4, v, standard_subs);
	s->label = arena_printf(t->a, "Standard rights: 0x%08x", v & 0x00ff0000u);
	if (rights == SD_RIGHTS_NT) {
		struct node *sp = t_text(t, n, pos, 4, "Specific rights: 0x%08x", v & 0xffffu);
		t_bitmask_subs(t, sp, pos, 4, v, specific_subs);
		sp->label = arena_printf(t->a, "Specific rights: 0x%08x", v & 0xffffu);
		return;
	}
	bool dir = rights == SD_RIGHTS_DIR;
	struct node *sp = t_text(t, n, pos, 4, "%s specific rights: 0x%08x",
				 dir ? "DIR" : "FILE", v & 0xffffu);
	const char *label = sp->label;
	if ((v & 0x1ffu) == 0x1ffu)
		t_uint(t, sp, dir ? F_SMB_DIR_ACCESSMASK_FULL_CONTROL
			       : F_SMB_FILE_ACCESSMASK_FULL_CONTROL, pos, 4, v);
	t_bitmask_subs(t, sp, pos, 4, v, dir ? dir_rights_subs : file_rights_subs);
	sp->label = label;
}

/* ACE types with an object part (MS-DTYP 2.4.4.3 and friends). */
static bool object_ace(unsigned type)
{
	return type == 5 || type == 6 || type == 7 || type == 8 ||
	       type == 0x0b || type == 0x0c || type == 0x0f || type == 0x10;
}

static void ace(struct dctx *d, struct node *parent, struct cur *c,
		enum secdesc_rights rights)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *h = cur_peek(c, 4);

	if (!h) {
		t_malformed(t, parent, pos, "ACE cut short");
		c->err = true;
		return;
	}
	unsigned size = (unsigned)(h[2] | h[3] << 8);
	struct node *n = t_text(t, parent, pos, size, "NT ACE");
	unsigned type = (unsigned)r_uint(t, n, F_NT_ACE_TYPE, c, 1);
	bits(t, n, F_NT_ACE_FLAGS, c, 1, ace_flag_subs);
	r_uint(t, n, F_NT_ACE_SIZE, c, 2);
	if (size < 4) {
		t_malformed(t, n, pos, "ACE size too small");
		c->err = true;
		return;
	}
	struct cur a = cur_split(c, size - 4);
	access_mask(t, n, &a, rights);
	if (object_ace(type)) {
		static const int of_subs[] = {
			F_NT_ACE_OBJECT_FLAGS_OBJECT_TYPE_PRESENT,
			F_NT_ACE_OBJECT_FLAGS_INHERITED_OBJECT_TYPE_PRESENT, F_INVALID
		};
		uint64_t of = bits(t, n, F_NT_ACE_OBJECT_FLAGS, &a, 4, of_subs);
		if (of & 1)
			r_guid(t, n, F_NT_ACE_OBJECT_GUID, &a);
		if (of & 2)
			r_guid(t, n, F_NT_ACE_OBJECT_INHERITED_GUID, &a);
	}
	if (cur_left(&a) >= 8) {
		const char *sid = secdesc_sid(d, n, &a, "SID");
		n->label = arena_printf(t->a, "NT ACE: %s", sid);
	}
	if (a.err)
		t_malformed(t, n, cur_pos(&a), "ACE cut short");
}

static void acl(struct dctx *d, struct node *parent, struct cur *c,
		const char *what, enum secdesc_rights rights)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	struct node *n = t_text(t, parent, pos, 0, "NT %s ACL", what);
	unsigned rev = (unsigned)r_uint(t, n, F_NT_ACL_REVISION, c, 2);

	if (rev != 2 && rev != 3 && rev != 4)
		return;
	unsigned size = (unsigned)r_uint(t, n, F_NT_ACL_SIZE, c, 2);
	uint32_t count = (uint32_t)r_uint(t, n, F_NT_ACL_NUM_ACES, c, 4);
	n->size = size;
	if (c->err) {
		t_malformed(t, n, cur_pos(c), "ACL cut short");
		return;
	}
	for (uint32_t i = 0; i < count && i < MAX_ACES && !c->err; i++)
		ace(d, n, c, rights);
}

void secdesc_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	secdesc_dissect_rights(d, parent, c, SD_RIGHTS_NT);
}

void secdesc_dissect_rights(struct dctx *d, struct node *parent, struct cur *c,
			    enum secdesc_rights rights)
{
	struct tctx *t = &d->t;
	size_t base = c->off;
	struct node *n = t_text(t, parent, cur_pos(c), (uint32_t)cur_left(c),
				"NT Security Descriptor");
	unsigned rev = (unsigned)r_uint(t, n, F_NT_SEC_DESC_REVISION, c, 2);

	if (rev != 1)
		return;
	bits(t, n, F_NT_SEC_DESC_TYPE, c, 2, type_subs);
	uint32_t off[4];
	static const int off_fids[4] = {
		F_NT_OFFSET_TO_OWNER_SID, F_NT_OFFSET_TO_GROUP_SID,
		F_NT_OFFSET_TO_SACL, F_NT_OFFSET_TO_DACL
	};
	for (int i = 0; i < 4; i++)
		off[i] = (uint32_t)r_uint(t, n, off_fids[i], c, 4);
	if (c->err) {
		t_malformed(t, n, cur_pos(c), "security descriptor cut short");
		return;
	}
	for (int i = 0; i < 4; i++) {
		if (!off[i])
			continue;
		if (off[i] > c->end - base) {
			t_malformed(t, n, cur_pos(c), "offset outside the descriptor");
			continue;
		}
		struct cur s = cur_sub(c, base + off[i], c->end - base - off[i]);
		switch (i) {
		case 0: secdesc_sid(d, n, &s, "Owner"); break;
		case 1: secdesc_sid(d, n, &s, "Group"); break;
		case 2: acl(d, n, &s, "System (SACL)", rights); break;
		case 3: acl(d, n, &s, "User (DACL)", rights); break;
		}
	}
	c->off = c->end;
}
