/*
 * smb2_secdesc.c - NT security descriptors (see secdesc.h).
 *
 * SECURITY_DESCRIPTOR (self-relative): 0 Revision 1 Sbz1 2 Control
 *   4 OffsetOwner 8 OffsetGroup 12 OffsetSacl 16 OffsetDacl
 * SID: 0 Revision 1 SubAuthorityCount 2 IdentifierAuthority(6, big endian)
 *   8 SubAuthority[count] (little endian)
 * ACL: 0 AclRevision 1 Sbz1 2 AclSize 4 AceCount(2) 6 Sbz2
 * ACE: 0 AceType 1 AceFlags 2 AceSize 4 Mask 8 SID (basic ACE types)
 *
 * Wireshark shows Revision+Sbz1 as one 16-bit revision, AceCount+Sbz2 as a
 * 32-bit count, and splits the access mask into generic, standard and
 * specific rights.
 */
#include "secdesc.h"

#include <stdio.h>
#include <string.h>

#define SD_MAX_ACES 1024
#define SD_MAX_SUBAUTH 15

static const int sd_type_subs[] = {
	F_NT_SEC_DESC_TYPE_SELF_RELATIVE, F_NT_SEC_DESC_TYPE_RM_CONTROL_VALID,
	F_NT_SEC_DESC_TYPE_SACL_PROTECTED, F_NT_SEC_DESC_TYPE_DACL_PROTECTED,
	F_NT_SEC_DESC_TYPE_SACL_AUTO_INHERITED, F_NT_SEC_DESC_TYPE_DACL_AUTO_INHERITED,
	F_NT_SEC_DESC_TYPE_SACL_AUTO_INHERIT_REQ,
	F_NT_SEC_DESC_TYPE_DACL_AUTO_INHERIT_REQ,
	F_NT_SEC_DESC_TYPE_SERVER_SECURITY, F_NT_SEC_DESC_TYPE_DACL_TRUSTED,
	F_NT_SEC_DESC_TYPE_SACL_DEFAULTED, F_NT_SEC_DESC_TYPE_SACL_PRESENT,
	F_NT_SEC_DESC_TYPE_DACL_DEFAULTED, F_NT_SEC_DESC_TYPE_DACL_PRESENT,
	F_NT_SEC_DESC_TYPE_GROUP_DEFAULTED, F_NT_SEC_DESC_TYPE_OWNER_DEFAULTED,
	F_INVALID
};
static const int ace_flags_subs[] = {
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

/* Appends "-%u" items to buf. */
static void cat_u32(char *buf, size_t cap, const uint32_t *v, unsigned n,
		    bool lead_dash)
{
	size_t k = strlen(buf);

	for (unsigned i = 0; i < n && k < cap; i++) {
		int w = snprintf(buf + k, cap - k, "%s%u", (i || lead_dash) ? "-" : "", v[i]);
		if (w < 0)
			return;
		k += (size_t)w;
	}
}

void secdesc_sid(struct dctx *d, struct node *parent, struct cur *c,
		 const char *what)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_peek(c, 8);

	if (!p) {
		t_malformed(t, parent, pos, "SID cut short");
		cur_skip(c, cur_left(c));
		return;
	}
	unsigned n = p[1];
	if (n > SD_MAX_SUBAUTH || cur_left(c) < 8 + 4 * (size_t)n) {
		t_malformed(t, parent, pos, "SID sub-authorities past the end");
		cur_skip(c, cur_left(c));
		return;
	}
	p = cur_peek(c, 8 + 4 * (size_t)n);
	if (!p)
		return;
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	uint32_t sa[SD_MAX_SUBAUTH] = { 0 };
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *q = p + 8 + 4 * i;
		sa[i] = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
			(uint32_t)q[3] << 24;
	}
	char sid[256], subs[256];
	snprintf(sid, sizeof(sid), "S-%u-%llu", p[0], (unsigned long long)auth);
	cat_u32(sid, sizeof(sid), sa, n, true);
	subs[0] = '\0';
	cat_u32(subs, sizeof(subs), sa, n, false);
	bool domain = auth == 5 && n >= 4 && sa[0] == 21;

	uint32_t size = 8 + 4 * n;
	struct node *s = t_string(t, parent, F_NT_SID, pos, size, sid);
	s->label = arena_printf(t->a, "%s: %s%s", what, sid,
				domain && n == 5 ? "  (Domain SID-Domain RID)" : "");
	r_uint(t, s, F_NT_SID_REVISION, c, 1);
	r_uint(t, s, F_NT_SID_NUM_AUTH, c, 1);
	r_uint_be(t, s, F_NT_SID_AUTH, c, 6);
	t_string(t, s, F_NT_SID_SUBAUTH, cur_pos(c), 4 * n, subs);
	if (domain && n == 5) {
		t_uint(t, s, F_NT_SID_RID, pos + 8 + 16, 4, sa[4]);
		t_string(t, s, F_NT_SID_WKWN, pos, 12, "S-1-5-21")->flags |= N_HIDDEN;
		char dom[64] = "";
		cat_u32(dom, sizeof(dom), sa + 1, 3, false);
		t_string(t, s, F_NT_SID_DOMAIN, pos + 12, 12, dom)->flags |= N_HIDDEN;
	}
	cur_skip(c, 4 * (size_t)n);
}

static void access_mask(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	uint32_t v = cur_le32(c);

	if (c->err)
		return;
	struct node *m = t_uint(t, parent, F_NT_ACCESS_MASK, pos, 4, v);
	struct node *g = t_text(t, m, pos, 4, "Generic rights: 0x%08x", v & 0xf3000000u);
	t_bitmask_subs(t, g, pos, 4, v, generic_subs);
	g = t_text(t, m, pos, 4, "Standard rights: 0x%08x", v & 0x001f0000u);
	t_bitmask_subs(t, g, pos, 4, v, standard_subs);
	g = t_text(t, m, pos, 4, "Specific rights: 0x%08x", v & 0x0000ffffu);
	t_bitmask_subs(t, g, pos, 4, v, specific_subs);
}

/* One ACE; c's window is exactly the ACE (AceSize bytes). */
static void ace(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_peek(c, 8);
	struct node *a = t_text(t, parent, pos, (uint32_t)cur_left(c), "NT ACE");

	unsigned type = (unsigned)r_uint(t, a, F_NT_ACE_TYPE, c, 1);
	unsigned flags = (unsigned)r_bitmask(t, a, F_NT_ACE_FLAGS, c, 1, ace_flags_subs);
	r_uint(t, a, F_NT_ACE_SIZE, c, 2);
	if (c->err || !p) {
		t_malformed(t, a, cur_pos(c), "ACE cut short");
		return;
	}
	uint32_t mask = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
			(uint32_t)p[7] << 24;
	access_mask(d, a, c);
	/* Basic ACE types carry one SID; object and callback types are left
	 * as they are. */
	if (type <= 3 || (type >= 9 && type <= 0x11 && type != 0x0b && type != 0x0c &&
			  type != 0x0f && type != 0x10)) {
		struct node *last = a->last;
		secdesc_sid(d, a, c, "SID");
		const char *sid = a->last != last && a->last->name ? a->last->show : "";
		const char *tname = val_lookup(field_get(F_NT_ACE_TYPE)->vals, type);
		a->label = arena_printf(t->a, "NT ACE: %s, flags 0x%02x, %s, mask 0x%08x",
					sid, flags, tname ? tname : "Unknown", mask);
	}
}

static void acl(struct dctx *d, struct node *parent, struct cur *c,
		const char *what)
{
	struct tctx *t = &d->t;
	uint32_t pos = cur_pos(c);
	struct node *n = t_text(t, parent, pos, 8, "%s ACL", what);

	r_uint(t, n, F_NT_ACL_REVISION, c, 2);
	uint32_t size = (uint32_t)r_uint(t, n, F_NT_ACL_SIZE, c, 2);
	uint32_t count = (uint32_t)r_uint(t, n, F_NT_ACL_NUM_ACES, c, 4);
	if (c->err) {
		t_malformed(t, n, cur_pos(c), "ACL cut short");
		return;
	}
	if (size >= 8 && size - 8 <= cur_left(c))
		c->end = c->off + (size - 8);
	n->size = (uint32_t)(c->end - c->off) + 8;
	for (uint32_t i = 0; i < count && i < SD_MAX_ACES && cur_left(c) >= 4; i++) {
		const uint8_t *p = cur_peek(c, 4);
		size_t asz = p ? (size_t)(p[2] | p[3] << 8) : 0;
		if (asz < 4 || asz > cur_left(c)) {
			t_malformed(t, n, cur_pos(c), "ACE size out of range");
			return;
		}
		struct cur e = cur_split(c, asz);
		ace(d, n, &e);
	}
}

void secdesc_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	size_t base = c->off;
	struct node *sd = t_text(t, parent, cur_pos(c), (uint32_t)cur_left(c),
				 "NT Security Descriptor");

	r_uint(t, sd, F_NT_SEC_DESC_REVISION, c, 2);
	r_bitmask(t, sd, F_NT_SEC_DESC_TYPE, c, 2, sd_type_subs);
	uint32_t owner = (uint32_t)r_uint(t, sd, F_NT_OFFSET_TO_OWNER_SID, c, 4);
	uint32_t group = (uint32_t)r_uint(t, sd, F_NT_OFFSET_TO_GROUP_SID, c, 4);
	uint32_t sacl = (uint32_t)r_uint(t, sd, F_NT_OFFSET_TO_SACL, c, 4);
	uint32_t dacl = (uint32_t)r_uint(t, sd, F_NT_OFFSET_TO_DACL, c, 4);
	if (c->err) {
		t_malformed(t, sd, cur_pos(c), "security descriptor cut short");
		return;
	}
	size_t len = c->end - base;
	if (owner && owner < len) {
		struct cur s = cur_sub(c, base + owner, len - owner);
		secdesc_sid(d, sd, &s, "Owner");
	}
	if (group && group < len) {
		struct cur s = cur_sub(c, base + group, len - group);
		secdesc_sid(d, sd, &s, "Group");
	}
	if (sacl && sacl < len) {
		struct cur s = cur_sub(c, base + sacl, len - sacl);
		acl(d, sd, &s, "NT System (SACL)");
	}
	if (dacl && dacl < len) {
		struct cur s = cur_sub(c, base + dacl, len - dacl);
		acl(d, sd, &s, "NT User (DACL)");
	}
	c->off = c->end;
}
