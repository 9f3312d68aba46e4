/*
 * smb1_info.c - the information levels of TRANSACTION2 (MS-CIFS 2.2.2.3,
 * 2.2.8): QUERY_FS_INFO data (2.2.8.2), QUERY_PATH/FILE_INFO data
 * (2.2.8.3), SET_PATH/FILE_INFO request data (2.2.8.4), FIND_FIRST2 and
 * FIND_NEXT2 entries (2.2.8.1), the pass-through levels (1000+, MS-FSCC
 * 2.4) and Samba's CIFS UNIX extensions (0x200-0x20b: UNIX capabilities,
 * UNIX_BASIC, UNIX_LINK, POSIX ACLs, UNIX_INFO2).
 *
 * Each decoder reads one level from a cursor over the data and shows what
 * it leaves as smb.unknown_data, as Wireshark does (levels it does not know
 * show nothing). tests/smb1_levels/levels.pcap holds every SET level.
 */
#include "smb1.h"

#include <stdio.h>
#include <string.h>

#include "wirestr.h"

static const int fs_attr_subs[] = {
	F_SMB_FS_ATTR_CSS, F_SMB_FS_ATTR_CPN, F_SMB_FS_ATTR_UOD,
	F_SMB_FS_ATTR_PACLS, F_SMB_FS_ATTR_FC, F_SMB_FS_ATTR_VQ,
	F_SMB_FS_ATTR_SSF, F_SMB_FS_ATTR_SRP, F_SMB_FS_ATTR_SRS,
	F_SMB_FS_ATTR_SLA, F_SMB_FS_ATTR_VIS, F_SMB_FS_ATTR_SOIDS,
	F_SMB_FS_ATTR_SE, F_SMB_FS_ATTR_NS, F_SMB_FS_ATTR_ROV,
	F_SMB_FS_ATTR_SWO, F_SMB_FS_ATTR_ST, F_SMB_FS_ATTR_SHL,
	F_SMB_FS_ATTR_SIS, F_SMB_FS_ATTR_SBR, F_SMB_FS_ATTR_SSV, F_INVALID
};

/* FILE_BASIC_INFORMATION's fields: four times and the 32-bit attributes
 * (SET requests, QUERY responses, the start of ALL_INFO). */
static void basic_info(struct dctx *d, struct node *n, struct cur *s)
{
	struct tctx *t = &d->t;

	r_filetime(t, n, F_SMB_CREATE_TIME, s);
	r_filetime(t, n, F_SMB_ACCESS_TIME, s);
	r_filetime(t, n, F_SMB_LAST_WRITE_TIME, s);
	r_filetime(t, n, F_SMB_CHANGE_TIME, s);
	smb1_attr32(d, n, s);
}

/* Bytes an info level left undissected: smb.unknown_data, as Wireshark. */
void smb1_info_unknown(struct dctx *d, struct node *n, struct cur *s)
{
	if (cur_left(s))
		r_bytes(&d->t, n, F_SMB_UNKNOWN_DATA, s, cur_left(s));
}

/* ---- CIFS UNIX extensions (Samba's UNIX_INFO levels 0x200-0x20b) ---- */

static const int unix_cap_subs[] = {
	F_SMB_UNIX_CAPABILITY_FCNTL, F_SMB_UNIX_CAPABILITY_POSIX_ACL,
	F_SMB_UNIX_CAPABILITY_EA, F_SMB_UNIX_CAPABILITY_ATTR,
	F_SMB_UNIX_CAPABILITY_POSIX_PATHS, F_SMB_UNIX_CAPABILITY_POSIX_PATH_OPS,
	F_SMB_UNIX_CAPABILITY_LARGE_READ, F_SMB_UNIX_CAPABILITY_LARGE_WRITE,
	F_SMB_UNIX_CAPABILITY_ENCRYPTION, F_SMB_UNIX_CAPABILITY_MANDATORY_CRYPTO,
	F_SMB_UNIX_CAPABILITY_PROXY, F_INVALID
};

static const int acl_perm_subs[] = {
	F_SMB_POSIX_ACL_ACE_PERMS_READ, F_SMB_POSIX_ACL_ACE_PERMS_WRITE,
	F_SMB_POSIX_ACL_ACE_PERMS_EXECUTE, F_INVALID
};

/* SMB_QUERY_CIFS_UNIX_INFO: version and a 64-bit capability word whose
 * flags Wireshark shows on its low 32 bits (and without appending them). */
static void unix_fs_info(struct dctx *d, struct node *n, struct cur *s)
{
	struct tctx *t = &d->t;

	r_uint(t, n, F_SMB_UNIX_MAJOR_VERSION, s, 2);
	r_uint(t, n, F_SMB_UNIX_MINOR_VERSION, s, 2);
	uint32_t pos = cur_pos(s);
	uint64_t v = cur_le64(s);
	if (s->err)
		return;
	struct node *cn = t_uint(t, n, F_SMB_UNIX_CAPABILITY, pos, 8, v);
	for (const int *k = unix_cap_subs; *k != F_INVALID; k++)
		t_uint(t, cn, *k, pos, 4, v);
}

/* SMB_QUERY_FILE_UNIX_BASIC / SMB_SET_FILE_UNIX_BASIC (100 bytes). */
static void unix_basic(struct dctx *d, struct node *n, struct cur *s)
{
	struct tctx *t = &d->t;

	r_uint(t, n, F_SMB_UNIX_FILE_SIZE, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_NUM_BYTES, s, 8);
	r_filetime(t, n, F_SMB_UNIX_FILE_STIME, s);
	r_filetime(t, n, F_SMB_UNIX_FILE_ATIME, s);
	r_filetime(t, n, F_SMB_UNIX_FILE_MTIME, s);
	r_uint(t, n, F_SMB_UNIX_FILE_UID, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_GID, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_FILE_TYPE, s, 4);
	r_uint(t, n, F_SMB_UNIX_FILE_DEV_MAJOR, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_DEV_MINOR, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_UNIQUE_ID, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_PERMS, s, 8);
	r_uint(t, n, F_SMB_UNIX_FILE_NUM_LINKS, s, 8);
}

/* SMB_QUERY/SET_FILE_UNIX_LINK: the target is a NUL-terminated string, but
 * Wireshark (4.0) shows one UTF-16 unit of it when Unicode (nothing when not)
 * and the rest as unknown data; we show what it shows, so that filters and
 * comparisons agree (the rest still compares as unknown_data). */
static void unix_link(struct dctx *d, struct node *n, struct cur *s,
		      const struct smb1_hdr *h)
{
	if (h->unicode)
		r_utf16(&d->t, n, F_SMB_UNIX_FILE_LINK_DEST, s,
			cur_left(s) < 2 ? (uint32_t)cur_left(s) : 2);
	else
		t_string(&d->t, n, F_SMB_UNIX_FILE_LINK_DEST, cur_pos(s), 0, "");
	s->err = false;
	smb1_info_unknown(d, n, s);
}

/* SMB_QUERY/SET_POSIX_ACL: version, counts, 10-byte entries. Wireshark
 * shows the file ACEs only; the default ACEs stay unknown data. */
static void posix_acl(struct dctx *d, struct node *n, struct cur *s)
{
	struct tctx *t = &d->t;

	r_uint(t, n, F_SMB_POSIX_ACL_VERSION, s, 2);
	unsigned nf = (unsigned)r_uint(t, n, F_SMB_POSIX_ACL_NUM_FILE_ACES, s, 2);
	r_uint(t, n, F_SMB_POSIX_ACL_NUM_DEF_ACES, s, 2);
	for (unsigned i = 0; i < nf && cur_left(s) >= 10; i++) {
		size_t start = s->off;
		struct node *e = t_text(t, n, cur_pos(s), 10, "ACE");
		uint8_t type = (uint8_t)r_uint(t, e, F_SMB_POSIX_ACL_ACE_TYPE, s, 1);
		r_bitmask(t, e, F_SMB_POSIX_ACL_ACE_PERMS, s, 1, acl_perm_subs);
		switch (type) {
		case 0x01: r_uint(t, e, F_SMB_POSIX_ACL_ACE_PERMS_OWNER_UID, s, 4); break;
		case 0x02: r_uint(t, e, F_SMB_POSIX_ACL_ACE_PERMS_UID, s, 4); break;
		case 0x04: r_uint(t, e, F_SMB_POSIX_ACL_ACE_PERMS_OWNER_GID, s, 4); break;
		case 0x08: r_uint(t, e, F_SMB_POSIX_ACL_ACE_PERMS_GID, s, 4); break;
		default: break;
		}
		cur_seek(s, start + 10);
	}
	s->err = false;
	smb1_info_unknown(d, n, s);
}

static const int info2_flag_subs[] = {
	F_SMB_UNIX_INFO2_FILE_FLAGS_SECURE_DELETE, F_SMB_UNIX_INFO2_FILE_FLAGS_ENABLE_UNDELETE,
	F_SMB_UNIX_INFO2_FILE_FLAGS_SYNCHRONOUS, F_SMB_UNIX_INFO2_FILE_FLAGS_IMMUTABLE,
	F_SMB_UNIX_INFO2_FILE_FLAGS_APPEND_ONLY, F_SMB_UNIX_INFO2_FILE_FLAGS_DO_NOT_BACKUP,
	F_SMB_UNIX_INFO2_FILE_FLAGS_NO_UPDATE_ATIME, F_SMB_UNIX_INFO2_FILE_FLAGS_HIDDEN,
	F_INVALID
};

/* SMB_QUERY/SET_FILE_UNIX_INFO2: UNIX_BASIC, creation time, BSD flags. */
static void unix_info2(struct dctx *d, struct node *n, struct cur *s)
{
	struct tctx *t = &d->t;

	unix_basic(d, n, s);
	r_filetime(t, n, F_SMB_UNIX_FILE_CRTIME, s);
	r_bitmask(t, n, F_SMB_UNIX_INFO2_FILE_FLAGS, s, 4, info2_flag_subs);
	r_bitmask(t, n, F_SMB_UNIX_INFO2_FILE_FLAGS_MASK, s, 4, info2_flag_subs);
}

/* Request data of TRANS2 SET_PATH_INFO / SET_FILE_INFO, as Wireshark shows
 * it: what a level leaves is unknown data, except that levels it does not
 * know or does not understand show nothing at all. */
void smb1_spi_data(struct dctx *d, struct node *n, struct cur *s,
		     const struct smb1_hdr *h, uint16_t level)
{
	struct tctx *t = &d->t;

	switch (level) {
	case 1: /* INFO_STANDARD */
		smb1_dos_times3(d, n, s);
		r_uint(t, n, F_SMB_DATA_SIZE, s, 4);
		r_uint(t, n, F_SMB_ALLOC_SIZE_2, s, 4);
		smb1_attr16(d, n, F_SMB_FILE_ATTRIBUTE, s);
		break;
	case 0x0101: case 1004: /* BASIC_INFO */
		basic_info(d, n, s);
		break;
	case 0x0102:
		r_uint(t, n, F_SMB_MARKED_FOR_DELETION, s, 1);
		break;
	case 1013: /* DISPOSITION_INFO */
		r_uint(t, n, F_SMB_DISPOSITION_DELETE_ON_CLOSE, s, 1);
		break;
	case 0x0103: case 1019: /* ALLOCATION_INFO */
		r_uint(t, n, F_SMB_ALLOC_SIZE64, s, 8);
		break;
	case 0x0104: case 1020: /* END_OF_FILE_INFO */
		r_uint(t, n, F_SMB_END_OF_FILE, s, 8);
		break;
	case 1010: { /* RENAME_INFORMATION */
		r_uint(t, n, F_SMB_REPLACE, s, 4);
		r_uint(t, n, F_SMB_ROOT_DIR_HANDLE, s, 4);
		uint32_t len = (uint32_t)r_uint(t, n, F_SMB_TARGET_NAME_LEN, s, 4);
		if (len > cur_left(s))
			len = (uint32_t)cur_left(s);
		if (len)
			r_utf16(t, n, F_SMB_TARGET_NAME, s, len);
		break;
	}
	case 1023: /* PIPE_INFORMATION */
		r_uint(t, n, F_SMB_PIPE_INFO_FLAG, s, 1);
		break;
	case 0x0200:
		unix_basic(d, n, s);
		break;
	case 0x0201: case 0x0202:
		unix_link(d, n, s, h);
		return;
	case 0x0204:
		posix_acl(d, n, s);
		return;
	case 0x0205: case 0x0206: case 0x0208: case 0x0209: case 0x020a:
		break; /* "Not Implemented yet": all unknown data */
	case 0x020b:
		unix_info2(d, n, s);
		break;
	default: /* unknown or "not understood": nothing shown */
		return;
	}
	s->err = false;
	smb1_info_unknown(d, n, s);
}

void smb1_qfs_data(struct dctx *d, struct node *n, struct cur *s,
		     const struct smb1_hdr *h, uint16_t level)
{
	struct tctx *t = &d->t;

	switch (level) {
	case 0x0103: case 1003:
		r_uint(t, n, F_SMB_ALLOC_SIZE64, s, 8);
		r_uint(t, n, F_SMB_FREE_ALLOC_UNITS, s, 8);
		r_uint(t, n, F_SMB_FS_SECTOR_PER_UNIT, s, 4);
		r_uint(t, n, F_SMB_FS_BYTES_PER_SECTOR, s, 4);
		break;
	case 1007:
		r_uint(t, n, F_SMB_ALLOC_SIZE64, s, 8);
		r_uint(t, n, F_SMB_CALLER_FREE_ALLOC_UNITS, s, 8);
		r_uint(t, n, F_SMB_ACTUAL_FREE_ALLOC_UNITS, s, 8);
		r_uint(t, n, F_SMB_FS_SECTOR_PER_UNIT, s, 4);
		r_uint(t, n, F_SMB_FS_BYTES_PER_SECTOR, s, 4);
		break;
	case 0x0105: case 1005: {
		r_bitmask(t, n, F_SMB_FS_ATTR, s, 4, fs_attr_subs);
		r_uint(t, n, F_SMB_FS_MAX_NAME_LEN, s, 4);
		uint32_t len = (uint32_t)r_uint(t, n, F_SMB_FS_NAME_LEN, s, 4);
		if (len > cur_left(s))
			len = (uint32_t)cur_left(s);
		if (h->unicode)
			r_utf16(t, n, F_SMB_FS_NAME, s, len);
		else
			r_ascii(t, n, F_SMB_FS_NAME, s, len);
		break;
	}
	case 0x0102: case 1001: {
		r_filetime(t, n, F_SMB_CREATE_TIME, s);
		r_uint(t, n, F_SMB_VOLUME_SERIAL, s, 4);
		uint32_t len = (uint32_t)r_uint(t, n, F_SMB_VOLUME_LABEL_LEN, s, 4);
		r_bytes(t, n, F_SMB_RESERVED, s, 2);
		if (len > cur_left(s))
			len = (uint32_t)cur_left(s);
		if (h->unicode)
			r_utf16(t, n, F_SMB_VOLUME_LABEL, s, len);
		else
			r_ascii(t, n, F_SMB_VOLUME_LABEL, s, len);
		break;
	}
	case 1:
		r_uint(t, n, F_SMB_FS_ID, s, 4);
		r_uint(t, n, F_SMB_FS_SECTOR_PER_UNIT, s, 4);
		r_uint(t, n, F_SMB_FS_UNITS, s, 4);
		r_uint(t, n, F_SMB_AVAIL_UNITS, s, 4);
		r_uint(t, n, F_SMB_FS_BYTES_PER_SECTOR, s, 2);
		break;
	case 0x0200:
		unix_fs_info(d, n, s);
		break;
	default:
		break;
	}
}

/* Name of exactly len bytes (Unicode per flags2). */
static const char *fixed_name(struct dctx *d, struct node *n, int fid,
			      struct cur *s, const struct smb1_hdr *h, uint32_t len)
{
	if (len > cur_left(s))
		len = (uint32_t)cur_left(s);
	return h->unicode ? r_utf16(&d->t, n, fid, s, len) : r_ascii(&d->t, n, fid, s, len);
}

void smb1_qpi_data(struct dctx *d, struct node *n, struct cur *s,
		     const struct smb1_hdr *h, uint16_t level)
{
	struct tctx *t = &d->t;

	switch (level) {
	case 0x0107: case 1018: /* ALL_INFO */
		basic_info(d, n, s);
		cur_skip(s, 4);
		r_uint(t, n, F_SMB_ALLOC_SIZE64, s, 8);
		r_uint(t, n, F_SMB_END_OF_FILE, s, 8);
		r_uint(t, n, F_SMB_LINK_COUNT, s, 4);
		r_uint(t, n, F_SMB_DELETE_PENDING, s, 1);
		r_uint(t, n, F_SMB_IS_DIRECTORY, s, 1);
		cur_skip(s, 2);
		r_uint(t, n, F_SMB_EA_LIST_LENGTH, s, 4);
		fixed_name(d, n, F_SMB_FILE, s, h,
			   (uint32_t)r_uint(t, n, F_SMB_FILE_NAME_LEN, s, 4));
		break;
	case 0x0101: case 1004: /* BASIC_INFO */
		basic_info(d, n, s);
		break;
	case 0x0102: case 1005: /* STANDARD_INFO */
		r_uint(t, n, F_SMB_ALLOC_SIZE64, s, 8);
		r_uint(t, n, F_SMB_END_OF_FILE, s, 8);
		r_uint(t, n, F_SMB_LINK_COUNT, s, 4);
		r_uint(t, n, F_SMB_DELETE_PENDING, s, 1);
		r_uint(t, n, F_SMB_IS_DIRECTORY, s, 1);
		break;
	case 0x0109: case 1022: /* STREAM_INFO */
		for (unsigned i = 0; cur_left(s) >= 24 && i < 256; i++) {
			size_t start = s->off;
			struct node *e = t_text(t, n, cur_pos(s), 0, "Stream Info");
			uint32_t next = (uint32_t)r_uint(t, e, F_SMB_NEXT_ENTRY_OFFSET, s, 4);
			uint32_t len = (uint32_t)r_uint(t, e, F_SMB_STREAM_NAME_LEN, s, 4);
			r_uint(t, e, F_SMB_STREAM_SIZE, s, 8);
			r_uint(t, e, F_SMB_ALLOC_SIZE64, s, 8);
			fixed_name(d, e, F_SMB_STREAM_NAME, s, h, len);
			e->size = (uint32_t)(s->off - start);
			if (!next || next < s->off - start || !cur_seek(s, start + next))
				break;
		}
		break;
	case 0x0104: case 1009: /* NAME_INFO */
	case 0x0108: case 1021: /* ALT_NAME_INFO */
		fixed_name(d, n, F_SMB_FILE, s, h,
			   (uint32_t)r_uint(t, n, F_SMB_FILE_NAME_LEN, s, 4));
		break;
	case 0x0200:
		unix_basic(d, n, s);
		break;
	case 0x0201:
		unix_link(d, n, s, h);
		return;
	case 0x0204:
		posix_acl(d, n, s);
		return;
	case 0x020b:
		unix_info2(d, n, s);
		break;
	default:
		return;
	}
	/* what the level leaves, as Wireshark shows it */
	s->err = false;
	smb1_info_unknown(d, n, s);
}

/* One FIND_FIRST2/FIND_NEXT2 entry; returns the file name or NULL. */
static const char *find_entry(struct dctx *d, struct node *data, struct cur *s,
			      const struct smb1_hdr *h, uint16_t level,
			      bool resume)
{
	struct tctx *t = &d->t;
	size_t start = s->off;
	struct node *e;
	const char *name = NULL;

	if (level == 1 || level == 2) {
		e = t_text(t, data, cur_pos(s), 0, "Info Standard");
		if (resume)
			r_uint(t, e, F_SMB_RESUME, s, 4);
		smb1_dos_times3(d, e, s);
		r_uint(t, e, F_SMB_DATA_SIZE, s, 4);
		r_uint(t, e, F_SMB_ALLOC_SIZE_2, s, 4);
		smb1_attr16(d, e, F_SMB_FILE_ATTRIBUTE, s);
		if (level == 2)
			r_uint(t, e, F_SMB_EA_LIST_LENGTH, s, 4);
		uint8_t len = (uint8_t)r_uint(t, e, F_SMB_FILE_NAME_LEN, s, 1);
		if (h->unicode)
			name = fixed_name(d, e, F_SMB_FILE, s, h, len + 2u);
		else
			name = smb1_string(d, e, F_SMB_FILE, s, h, false, true);
		e->label = arena_printf(t->a, "Info Standard File: %s", name);
		e->size = (uint32_t)(s->off - start);
		return s->err ? NULL : name;
	}
	if (level < 257 || level > 262)
		return NULL;
	static const char *const labels[] = {
		"Find File Directory Info", "Find File Full Directory Info",
		"Find File Names Info", "Find File Both Directory Info",
		"Find File Id Full Directory Info", "Find File Id Both Directory Info",
	};
	e = t_text(t, data, cur_pos(s), 0, "%s", labels[level - 257]);
	uint32_t next = (uint32_t)r_uint(t, e, F_SMB_NEXT_ENTRY_OFFSET, s, 4);
	r_uint(t, e, F_SMB_FILE_INDEX, s, 4);
	if (level != 259) {
		r_filetime(t, e, F_SMB_CREATE_TIME, s);
		r_filetime(t, e, F_SMB_ACCESS_TIME, s);
		r_filetime(t, e, F_SMB_LAST_WRITE_TIME, s);
		r_filetime(t, e, F_SMB_CHANGE_TIME, s);
		r_uint(t, e, F_SMB_END_OF_FILE, s, 8);
		r_uint(t, e, F_SMB_ALLOC_SIZE64, s, 8);
		smb1_attr32(d, e, s);
	}
	uint32_t len = (uint32_t)r_uint(t, e, F_SMB_FILE_NAME_LEN, s, 4);
	if (level != 257 && level != 259)
		r_uint(t, e, F_SMB_EA_LIST_LENGTH, s, 4);
	if (level == 260 || level == 262) {
		uint8_t slen = (uint8_t)r_uint(t, e, F_SMB_SHORT_FILE_NAME_LEN, s, 1);
		r_bytes(t, e, F_SMB_RESERVED, s, 1);
		struct cur sn = cur_split(s, 24);
		if (slen > 24)
			slen = 24;
		const char *sh = h->unicode ? str_utf16le(t->a, sn.buf + sn.off, slen)
					    : str_ascii(t->a, sn.buf + sn.off, slen);
		t_string(t, e, F_SMB_SHORT_FILE, cur_pos(&sn), 24, sh);
	}
	if (level == 262) {
		r_bytes(t, e, F_SMB_RESERVED, s, 2);
		r_uint(t, e, F_SMB_INDEX_NUMBER, s, 8);
	} else if (level == 261) {
		r_uint(t, e, F_SMB_INDEX_NUMBER, s, 8);
	}
	name = fixed_name(d, e, F_SMB_FILE, s, h, len);
	e->label = arena_printf(t->a, "%s File: %s", labels[level - 257], name);
	if (next && next >= s->off - start && next - (s->off - start) <= cur_left(s)) {
		cur_seek(s, start + next);
	} else if (!next) {
		cur_seek(s, s->end);
	}
	e->size = (uint32_t)(s->off - start);
	if (!next)
		s->err = true; /* last entry: stop the walk */
	return name;
}

void smb1_find_data(struct dctx *d, struct node *n, struct cur *s,
		      const struct smb1_hdr *h, uint16_t level, unsigned count,
		      bool resume)
{
	char *files = NULL;

	for (unsigned i = 0; i < count && i < 4096 && cur_left(s); i++) {
		const char *name = find_entry(d, n, s, h, level, resume);
		if (!name)
			break;
		files = files ? arena_printf(d->t.a, "%s %s", files, name)
			      : arena_printf(d->t.a, "%s", name);
		if (s->err)
			break;
	}
	if (files)
		dctx_summary_more(d, ", Files: %s", files);
}
