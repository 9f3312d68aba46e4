/*
 * smb2_infoclass.c - QUERY_INFO / SET_INFO buffers by info type and class.
 *
 * MS-FSCC 2.4 (file information classes), 2.5 (file system information
 * classes), MS-DTYP 2.4.6 (security descriptor, via secdesc.c) and
 * MS-SMB2 2.2.37.1 / MS-FSCC 2.4.33 (quota).
 *
 * Most classes are flat records: each is a row of class_table[] with a
 * list of steps (field, size, how to show it), run by one interpreter
 * (run_steps). Lists and classes with a summary side effect have a
 * function of their own. Field names follow Wireshark, which shows some
 * classes with smb2.* fields and others with the SMB1 smb.* fields.
 */
#include "smb2.h"

#include "secdesc.h"
#include "wirestr.h"

enum { INFO_FILE = 1, INFO_FS = 2, INFO_SEC = 3, INFO_QUOTA = 4 };

enum op {
	OP_END,
	OP_U,       /* unsigned of size bytes */
	OP_UBE,     /* big-endian unsigned (Wireshark reads these with ENC_NA) */
	OP_TIME,    /* FILETIME */
	OP_BYTES,   /* size bytes as bytes */
	OP_SKIP,    /* size bytes not shown */
	OP_LEN,     /* unsigned of size bytes, kept as the next string length */
	OP_STR,     /* UTF-16 string of the kept length */
	OP_STR_NZ,  /* same, only when the length is not 0 */
	OP_ATTR2,   /* smb2.file_attribute */
	OP_ATTR1,   /* smb.file_attribute */
	OP_ACCESS,  /* smb.access_mask */
	OP_MODE,    /* smb2.mode_info */
	OP_FSATTR,  /* smb.fs_attr */
	OP_DEVICE,  /* smb.device */
	OP_QFLAGS,  /* smb.quota.flags */
	OP_OBJID,   /* FILE_OBJECTID_BUFFER */
};

struct step {
	uint8_t op, size;
	uint16_t fid;
};

typedef void (*class_fn)(struct dctx *d, struct node *item, struct cur *c,
			 const struct smb2_hdr *h);

struct info_class {
	uint8_t type, cls;
	uint16_t item;          /* subtree field, F_INVALID: none */
	const struct step *steps;
	class_fn fn;
};

#define S(op_, size_, fid_) { OP_##op_, size_, fid_ }
#define END { OP_END, 0, 0 }


static const int attr1_subs[] = {
	F_SMB_FILE_ATTRIBUTE_READ_ONLY, F_SMB_FILE_ATTRIBUTE_HIDDEN,
	F_SMB_FILE_ATTRIBUTE_SYSTEM, F_SMB_FILE_ATTRIBUTE_VOLUME,
	F_SMB_FILE_ATTRIBUTE_DIRECTORY, F_SMB_FILE_ATTRIBUTE_ARCHIVE,
	F_SMB_FILE_ATTRIBUTE_DEVICE, F_SMB_FILE_ATTRIBUTE_NORMAL,
	F_SMB_FILE_ATTRIBUTE_TEMPORARY, F_SMB_FILE_ATTRIBUTE_SPARSE,
	F_SMB_FILE_ATTRIBUTE_REPARSE, F_SMB_FILE_ATTRIBUTE_COMPRESSED,
	F_SMB_FILE_ATTRIBUTE_OFFLINE, F_SMB_FILE_ATTRIBUTE_NOT_CONTENT_INDEXED,
	F_SMB_FILE_ATTRIBUTE_ENCRYPTED, F_INVALID
};

static const int mode_subs[] = {
	F_SMB2_MODE_FILE_WRITE_THROUGH, F_SMB2_MODE_FILE_SEQUENTIAL_ONLY,
	F_SMB2_MODE_FILE_NO_INTERMEDIATE_BUFFERING,
	F_SMB2_MODE_FILE_SYNCHRONOUS_IO_ALERT,
	F_SMB2_MODE_FILE_SYNCHRONOUS_IO_NONALERT,
	F_SMB2_MODE_FILE_DELETE_ON_CLOSE, F_INVALID
};

static const int fsattr_subs[] = {
	F_SMB_FS_ATTR_CSS, F_SMB_FS_ATTR_CPN, F_SMB_FS_ATTR_UOD,
	F_SMB_FS_ATTR_PACLS, F_SMB_FS_ATTR_FC, F_SMB_FS_ATTR_VQ,
	F_SMB_FS_ATTR_SSF, F_SMB_FS_ATTR_SRP, F_SMB_FS_ATTR_SRS,
	F_SMB_FS_ATTR_SLA, F_SMB_FS_ATTR_VIS, F_SMB_FS_ATTR_SOIDS,
	F_SMB_FS_ATTR_SE, F_SMB_FS_ATTR_NS, F_SMB_FS_ATTR_ROV,
	F_SMB_FS_ATTR_SWO, F_SMB_FS_ATTR_ST, F_SMB_FS_ATTR_SHL,
	F_SMB_FS_ATTR_SIS, F_SMB_FS_ATTR_SBR, F_SMB_FS_ATTR_SSV, F_INVALID
};

static const int device_subs[] = {
	F_SMB_DEVICE_REMOVABLE, F_SMB_DEVICE_READ_ONLY, F_SMB_DEVICE_FLOPPY,
	F_SMB_DEVICE_WRITE_ONCE, F_SMB_DEVICE_REMOTE, F_SMB_DEVICE_MOUNTED,
	F_SMB_DEVICE_VIRTUAL, F_SMB_DEVICE_SECURE_OPEN, F_SMB_DEVICE_TS,
	F_SMB_DEVICE_WEBDAV, F_SMB_DEVICE_PORTABLE, F_SMB_DEVICE_AAT,
	F_INVALID
};

static const int qflags_subs[] = {
	F_SMB_QUOTA_FLAGS_LOG_LIMIT, F_SMB_QUOTA_FLAGS_LOG_WARNING,
	F_SMB_QUOTA_FLAGS_DENY_DISK, F_SMB_QUOTA_FLAGS_ENABLED, F_INVALID
};

/* Runs a step list; stops quietly at the end of the buffer (Wireshark
 * shows what is there). */
static void run_steps(struct dctx *d, struct node *n, struct cur *c,
		      const struct step *s)
{
	struct tctx *t = &d->t;
	uint64_t len = 0;

	for (; s->op != OP_END && !c->err; s++) {
		switch (s->op) {
		case OP_U:
			r_uint(t, n, s->fid, c, s->size);
			break;
		case OP_UBE:
			r_uint_be(t, n, s->fid, c, s->size);
			break;
		case OP_TIME:
			r_filetime(t, n, s->fid, c);
			break;
		case OP_BYTES:
			r_bytes(t, n, s->fid, c, s->size);
			break;
		case OP_SKIP:
			cur_skip(c, s->size);
			break;
		case OP_LEN:
			len = r_uint(t, n, s->fid, c, s->size);
			break;
		case OP_STR_NZ:
			if (len == 0)
				break;
			/* fall through */
		case OP_STR:
			if (len > cur_left(c)) {
				t_malformed(t, n, cur_pos(c), "string beyond the buffer");
				return;
			}
			r_utf16(t, n, s->fid, c, (size_t)len);
			break;
		case OP_ATTR2:
			smb2_file_attributes(d, n, c);
			break;
		case OP_ATTR1: {
			/* Wireshark's 32-bit smb.file_attribute twin of the
			 * 16-bit SMB1 field: shown with 8 hex digits. */
			uint64_t v = 0;
			struct node *a = smb2_bits(t, n, F_SMB_FILE_ATTRIBUTE, c, 4,
						   attr1_subs, &v);
			if (a)
				a->show = arena_printf(t->a, "0x%08x", (unsigned)v);
			break;
		}
		case OP_ACCESS:
			smb2_access_mask(d, n, c);
			break;
		case OP_MODE:
			smb2_bits(t, n, F_SMB2_MODE_INFO, c, 4, mode_subs, NULL);
			break;
		case OP_FSATTR:
			smb2_bits(t, n, F_SMB_FS_ATTR, c, 4, fsattr_subs, NULL);
			break;
		case OP_DEVICE:
			smb2_bits(t, n, F_SMB_DEVICE, c, 4, device_subs, NULL);
			break;
		case OP_QFLAGS:
			smb2_bits(t, n, F_SMB_QUOTA_FLAGS, c, 1, qflags_subs, NULL);
			break;
		case OP_OBJID:
			smb2_object_id_buffer(t, n, c);
			break;
		}
	}
}

/* ---- record layouts ---- */

static const struct step file_basic[] = {
	S(TIME, 8, F_SMB2_CREATE_TIME), S(TIME, 8, F_SMB2_LAST_ACCESS_TIME),
	S(TIME, 8, F_SMB2_LAST_WRITE_TIME), S(TIME, 8, F_SMB2_LAST_CHANGE_TIME),
	S(ATTR2, 4, 0), S(BYTES, 4, F_SMB2_UNKNOWN), END
};
static const struct step file_standard[] = {
	S(U, 8, F_SMB_ALLOC_SIZE64), S(U, 8, F_SMB_END_OF_FILE),
	S(U, 4, F_SMB_LINK_COUNT), S(U, 1, F_SMB_DELETE_PENDING),
	S(U, 1, F_SMB_IS_DIRECTORY), END
};
static const struct step file_internal[] = { S(U, 8, F_SMB_INDEX_NUMBER), END };
static const struct step file_ea[] = { S(U, 4, F_SMB_EA_LIST_LENGTH), END };
static const struct step file_access[] = { S(ACCESS, 4, 0), END };
static const struct step file_disposition[] = {
	S(U, 1, F_SMB2_DISPOSITION_DELETE_ON_CLOSE), END
};
static const struct step file_position[] = { S(U, 8, F_SMB_POSITION), END };
static const struct step file_mode[] = { S(U, 4, F_SMB_MODE), END };
static const struct step file_alignment[] = { S(U, 4, F_SMB_ALIGNMENT), END };
static const struct step file_all[] = {
	S(TIME, 8, F_SMB2_CREATE_TIME), S(TIME, 8, F_SMB2_LAST_ACCESS_TIME),
	S(TIME, 8, F_SMB2_LAST_WRITE_TIME), S(TIME, 8, F_SMB2_LAST_CHANGE_TIME),
	S(ATTR2, 4, 0), S(BYTES, 4, F_SMB2_UNKNOWN),
	S(U, 8, F_SMB2_ALLOCATION_SIZE), S(U, 8, F_SMB2_EOF),
	S(U, 4, F_SMB2_NLINKS), S(U, 1, F_SMB2_DELETE_PENDING),
	S(U, 1, F_SMB2_IS_DIRECTORY), S(SKIP, 2, 0), S(U, 8, F_SMB2_FILE_ID),
	S(U, 4, F_SMB2_EA_SIZE), S(ACCESS, 4, 0), S(U, 8, F_SMB2_POSITION_INFO),
	S(MODE, 4, 0), S(UBE, 4, F_SMB2_ALIGNMENT_INFO),
	S(LEN, 4, F_SMB2_FILENAME_LEN), S(STR_NZ, 0, F_SMB2_FILENAME), END
};
static const struct step file_allocation[] = { S(U, 8, F_SMB_ALLOC_SIZE64), END };
static const struct step file_eof[] = { S(U, 8, F_SMB_END_OF_FILE), END };
static const struct step file_name[] = {
	S(LEN, 4, F_SMB_FILE_NAME_LEN), S(STR, 0, F_SMB_FILE), END
};
static const struct step file_compression[] = {
	S(U, 8, F_SMB_COMPRESSED_FILE_SIZE), S(U, 2, F_SMB_COMPRESSED_FORMAT),
	S(U, 1, F_SMB_COMPRESSED_UNIT_SHIFT), S(U, 1, F_SMB_COMPRESSED_CHUNK_SHIFT),
	S(U, 1, F_SMB_COMPRESSED_CLUSTER_SHIFT), S(BYTES, 3, F_SMB_RESERVED), END
};
static const struct step file_network_open[] = {
	S(TIME, 8, F_SMB_CREATE_TIME), S(TIME, 8, F_SMB_ACCESS_TIME),
	S(TIME, 8, F_SMB_LAST_WRITE_TIME), S(TIME, 8, F_SMB_CHANGE_TIME),
	S(U, 8, F_SMB_ALLOC_SIZE64), S(U, 8, F_SMB_END_OF_FILE),
	S(ATTR1, 4, 0), S(BYTES, 4, F_SMB_RESERVED), END
};
static const struct step file_attribute_tag[] = {
	S(ATTR1, 4, 0), S(U, 4, F_SMB_REPARSE_TAG), END
};

static const struct step fs_volume[] = {
	S(TIME, 8, F_SMB_CREATE_TIME), S(U, 4, F_SMB_VOLUME_SERIAL),
	S(LEN, 4, F_SMB_VOLUME_LABEL_LEN), S(BYTES, 2, F_SMB_RESERVED),
	S(STR_NZ, 0, F_SMB_VOLUME_LABEL), END
};
static const struct step fs_size[] = {
	S(U, 8, F_SMB_ALLOC_SIZE64), S(U, 8, F_SMB_FREE_ALLOC_UNITS),
	S(U, 4, F_SMB_FS_SECTOR_PER_UNIT), S(U, 4, F_SMB_FS_BYTES_PER_SECTOR), END
};
static const struct step fs_device[] = {
	S(U, 4, F_SMB_DEVICE_TYPE), S(DEVICE, 4, 0), END
};
static const struct step fs_attribute[] = {
	S(FSATTR, 4, 0), S(U, 4, F_SMB_FS_MAX_NAME_LEN),
	S(LEN, 4, F_SMB_FS_NAME_LEN), S(STR, 0, F_SMB_FS_NAME), END
};
static const struct step fs_control[] = {
	S(BYTES, 24, F_SMB_UNKNOWN_DATA), S(U, 8, F_SMB_QUOTA_SOFT_DEFAULT),
	S(U, 8, F_SMB_QUOTA_HARD_DEFAULT), S(QFLAGS, 1, 0),
	S(BYTES, 7, F_SMB_UNKNOWN_DATA), END
};
static const struct step fs_full_size[] = {
	S(U, 8, F_SMB_ALLOC_SIZE64), S(U, 8, F_SMB_CALLER_FREE_ALLOC_UNITS),
	S(U, 8, F_SMB_ACTUAL_FREE_ALLOC_UNITS), S(U, 4, F_SMB_FS_SECTOR_PER_UNIT),
	S(U, 4, F_SMB_FS_BYTES_PER_SECTOR), END
};
static const struct step fs_objectid[] = { S(OBJID, 64, 0), END };

/* ---- classes with lists or side effects ---- */

/* FileRenameInformation (MS-FSCC 2.4.37): also " NewName:" in the Info. */
static void file_rename(struct dctx *d, struct node *n, struct cur *c,
			const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	r_uint(t, n, F_SMB2_RENAME_REPLACE_IF, c, 1);
	r_bytes(t, n, F_SMB2_RESERVED_RANDOM, c, 7);
	r_bytes(t, n, F_SMB2_ROOT_DIRECTORY, c, 8);
	uint32_t len = (uint32_t)r_uint(t, n, F_SMB2_FILENAME_LEN, c, 4);
	if (len && !c->err) {
		if (len > cur_left(c)) {
			t_malformed(t, n, cur_pos(c), "file name beyond the buffer");
			return;
		}
		const char *s = r_utf16(t, n, F_SMB2_FILENAME, c, len);
		dctx_summary_more(d, " NewName:%s", s);
	}
}

/* FileFullEaInformation (MS-FSCC 2.4.15): NextEntryOffset chain. */
static void file_full_ea(struct dctx *d, struct node *n, struct cur *c,
			 const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	for (int i = 0; i < 4096 && cur_left(c) >= 8; i++) {
		size_t start = c->off;
		struct node *ea = t_text(t, n, cur_pos(c), 0, "EA:");
		uint32_t next = (uint32_t)r_uint(t, ea, F_SMB2_NEXT_OFFSET, c, 4);
		r_uint(t, ea, F_SMB2_EA_FLAGS, c, 1);
		unsigned nlen = (unsigned)r_uint(t, ea, F_SMB2_EA_NAME_LEN, c, 1);
		unsigned dlen = (unsigned)r_uint(t, ea, F_SMB2_EA_DATA_LEN, c, 2);
		const char *name = "";
		if (nlen)
			name = r_ascii(t, ea, F_SMB2_EA_NAME, c, nlen);
		cur_skip(c, 1);
		if (dlen)
			r_bytes(t, ea, F_SMB2_EA_DATA, c, dlen);
		ea->label = arena_printf(t->a, "EA: %s := ", name);
		ea->size = (uint32_t)(c->off - start);
		if (c->err || next == 0 || next > c->end - start)
			break;
		c->off = start + next;
	}
}

/* FileStreamInformation (MS-FSCC 2.4.43). */
static void file_stream(struct dctx *d, struct node *n, struct cur *c,
			const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	for (int i = 0; i < 4096 && cur_left(c) >= 24; i++) {
		size_t start = c->off;
		struct node *sn = t_text(t, n, cur_pos(c), 0, "Stream Info");
		uint32_t next = (uint32_t)r_uint(t, sn, F_SMB_NEXT_ENTRY_OFFSET, c, 4);
		uint32_t len = (uint32_t)r_uint(t, sn, F_SMB_STREAM_NAME_LEN, c, 4);
		r_uint(t, sn, F_SMB_STREAM_SIZE, c, 8);
		r_uint(t, sn, F_SMB_ALLOC_SIZE64, c, 8);
		if (len > cur_left(c)) {
			t_malformed(t, sn, cur_pos(c), "stream name beyond the buffer");
			return;
		}
		const char *s = r_utf16(t, sn, F_SMB_STREAM_NAME, c, len);
		sn->label = arena_printf(t->a, "Stream Info: %s", s);
		sn->size = (uint32_t)(c->off - start);
		if (next == 0 || next > c->end - start)
			break;
		c->off = start + next;
	}
}

static void sec_info(struct dctx *d, struct node *n, struct cur *c,
		     const struct smb2_hdr *h)
{
	(void)h;
	secdesc_dissect(d, n, c);
}

/* FILE_QUOTA_INFORMATION list (MS-FSCC 2.4.33). */
static void quota_info(struct dctx *d, struct node *n, struct cur *c,
		       const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	(void)h;
	for (int i = 0; i < 4096 && cur_left(c) >= 40; i++) {
		size_t start = c->off;
		struct node *q = t_text(t, n, cur_pos(c), 0, "Quota");
		uint32_t next = (uint32_t)r_uint(t, q, F_SMB_QUOTA_USER_OFFSET, c, 4);
		uint32_t sidlen = (uint32_t)r_uint(t, q, F_SMB_LENGTH_OF_SID, c, 4);
		r_filetime(t, q, F_SMB_QUOTA_USER_CHANGE_TIME, c);
		r_uint(t, q, F_SMB_QUOTA_USED, c, 8);
		r_uint(t, q, F_SMB_QUOTA_SOFT_DEFAULT, c, 8);
		r_uint(t, q, F_SMB_QUOTA_HARD_DEFAULT, c, 8);
		struct cur s = cur_split(c, sidlen);
		secdesc_sid(d, q, &s, "SID");
		q->size = (uint32_t)(c->off - start);
		if (c->err || next == 0 || next > c->end - start)
			break;
		c->off = start + next;
	}
}

static const struct info_class class_table[] = {
	{ INFO_FILE, 0x04, F_SMB2_FILE_BASIC_INFO, file_basic, NULL },
	{ INFO_FILE, 0x05, F_SMB2_FILE_STANDARD_INFO, file_standard, NULL },
	{ INFO_FILE, 0x06, F_SMB2_FILE_INTERNAL_INFO, file_internal, NULL },
	{ INFO_FILE, 0x07, F_SMB2_FILE_EA_INFO, file_ea, NULL },
	{ INFO_FILE, 0x08, F_SMB2_FILE_ACCESS_INFO, file_access, NULL },
	{ INFO_FILE, 0x0a, F_SMB2_FILE_RENAME_INFO, NULL, file_rename },
	{ INFO_FILE, 0x0d, F_SMB2_FILE_DISPOSITION_INFO, file_disposition, NULL },
	{ INFO_FILE, 0x0e, F_SMB2_FILE_POSITION_INFO, file_position, NULL },
	{ INFO_FILE, 0x0f, F_SMB2_FILE_FULL_EA_INFO, NULL, file_full_ea },
	{ INFO_FILE, 0x10, F_SMB2_FILE_MODE_INFO, file_mode, NULL },
	{ INFO_FILE, 0x11, F_SMB2_FILE_ALIGNMENT_INFO, file_alignment, NULL },
	{ INFO_FILE, 0x12, F_SMB2_FILE_ALL_INFO, file_all, NULL },
	{ INFO_FILE, 0x13, F_SMB2_FILE_ALLOCATION_INFO, file_allocation, NULL },
	{ INFO_FILE, 0x14, F_SMB2_FILE_ENDOFFILE_INFO, file_eof, NULL },
	{ INFO_FILE, 0x15, F_SMB2_FILE_ALTERNATE_NAME_INFO, file_name, NULL },
	{ INFO_FILE, 0x16, F_SMB2_FILE_STREAM_INFO, NULL, file_stream },
	{ INFO_FILE, 0x1c, F_SMB2_FILE_COMPRESSION_INFO, file_compression, NULL },
	{ INFO_FILE, 0x22, F_SMB2_FILE_NETWORK_OPEN_INFO, file_network_open, NULL },
	{ INFO_FILE, 0x23, F_SMB2_FILE_ATTRIBUTE_TAG_INFO, file_attribute_tag, NULL },
	{ INFO_FILE, 0x30, F_SMB2_FILE_NORMALIZED_NAME_INFO, file_name, NULL },
	{ INFO_FS, 0x01, F_SMB2_FS_VOLUME_INFO, fs_volume, NULL },
	{ INFO_FS, 0x03, F_SMB2_FS_SIZE_INFO, fs_size, NULL },
	{ INFO_FS, 0x04, F_SMB2_FS_DEVICE_INFO, fs_device, NULL },
	{ INFO_FS, 0x05, F_SMB2_FS_ATTRIBUTE_INFO, fs_attribute, NULL },
	{ INFO_FS, 0x06, F_SMB2_FS_CONTROL_INFO, fs_control, NULL },
	{ INFO_FS, 0x07, F_SMB2_FS_FULL_SIZE_INFO, fs_full_size, NULL },
	{ INFO_FS, 0x08, F_SMB2_FS_OBJECTID_INFO, fs_objectid, NULL },
	{ INFO_SEC, 0x00, F_SMB2_SEC_INFO_00, NULL, sec_info },
};

void smb2_info_buffer(struct dctx *d, struct node *parent, struct cur *c,
		      const struct smb2_hdr *h, uint8_t info_type,
		      uint8_t info_class)
{
	struct tctx *t = &d->t;
	uint32_t start = cur_pos(c);
	const struct info_class *ic = NULL;

	if (info_type == INFO_QUOTA) {
		struct node *n = t_custom(t, parent, F_SMB2_QUOTA_INFO, start,
					  (uint32_t)cur_left(c), "", "");
		quota_info(d, n, c, h);
		goto out;
	}
	for (size_t i = 0; i < sizeof(class_table) / sizeof(class_table[0]); i++)
		if (class_table[i].type == info_type && class_table[i].cls == info_class)
			ic = &class_table[i];
	if (!ic) {
		r_bytes(t, parent, F_SMB2_UNKNOWN, c, cur_left(c));
		goto out;
	}
	struct node *n = t_custom(t, parent, ic->item, start,
				  (uint32_t)cur_left(c), "", "");
	n->label = field_label(ic->item);
	if (ic->steps)
		run_steps(d, n, c, ic->steps);
	else
		ic->fn(d, n, c, h);
	if (c->err)
		t_malformed(t, n, cur_pos(c), "info buffer cut short");
out:
	if (h->status == 0x80000005) /* STATUS_BUFFER_OVERFLOW */
		t_custom(t, parent, F_SMB2_TRUNCATED, start, 0, "", "")->flags |= N_GENERATED;
}
