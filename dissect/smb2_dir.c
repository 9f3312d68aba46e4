/*
 * smb2_dir.c - MS-SMB2 2.2.33 QUERY_DIRECTORY Request, 2.2.34
 * QUERY_DIRECTORY Response, 2.2.35 CHANGE_NOTIFY Request, 2.2.36
 * CHANGE_NOTIFY Response.
 *
 * QUERY_DIRECTORY Request (33):
 *   0 StructureSize 2 FileInformationClass 3 Flags 4 FileIndex 8 FileId
 *  24 FileNameOffset 26 FileNameLength 28 OutputBufferLength 32 Buffer
 *
 * Directory entries (MS-FSCC 2.4.8, 2.4.14, 2.4.17, 2.4.18, 2.4.26,
 * 2.4.28) share one layout read by one parser (dir_entry), driven by a
 * per-class descriptor (dir_classes[]) saying which parts the class has:
 *
 *   NextEntryOffset FileIndex [times, EndOfFile, AllocationSize,
 *   FileAttributes] FileNameLength [EaSize] [ShortNameLength Reserved
 *   ShortName[24]] [Reserved(2|4) FileId] FileName
 *
 * The response does not repeat the class: the index hook stores it (and
 * the search pattern, for the summary) with the request.
 */
#include "smb2.h"

#include "wirestr.h"

#define MAX_ENTRIES 65536

enum dir_parts {
	D_TIMES = 1 << 0,   /* times, sizes and attributes */
	D_EA = 1 << 1,      /* EaSize (or ReparseTag) */
	D_SHORT = 1 << 2,   /* short name */
	D_ID2 = 1 << 3,     /* Reserved(2) + FileId */
	D_ID4 = 1 << 4,     /* Reserved(4) + FileId */
};

struct dir_class {
	uint8_t level;
	uint8_t parts;
	uint16_t item;
	const char *label;
};

static const struct dir_class dir_classes[] = {
	{ 0x01, D_TIMES, F_SMB2_FIND_FILE_DIRECTORY_INFO, "FileDirectoryInfo" },
	{ 0x02, D_TIMES | D_EA, F_SMB2_FIND_FULL_DIRECTORY_INFO, "FullDirectoryInfo" },
	{ 0x03, D_TIMES | D_EA | D_SHORT, F_SMB2_FIND_BOTH_DIRECTORY_INFO,
	  "FileBothDirectoryInfo" },
	{ 0x0c, 0, F_SMB2_FIND_BOTH_DIRECTORY_INFO, "FileBothDirectoryInfo" },
	{ 0x25, D_TIMES | D_EA | D_SHORT | D_ID2, F_SMB2_FIND_ID_BOTH_DIRECTORY_INFO,
	  "FileIdBothDirectoryInfo" },
	{ 0x26, D_TIMES | D_EA | D_ID4, F_SMB2_FIND_ID_BOTH_DIRECTORY_INFO,
	  "FileIdBothDirectoryInfo" },
};

static const struct dir_class *dir_class_of(uint8_t level)
{
	for (size_t i = 0; i < sizeof(dir_classes) / sizeof(dir_classes[0]); i++)
		if (dir_classes[i].level == level)
			return &dir_classes[i];
	return NULL;
}

/* One entry; returns its NextEntryOffset (0 ends the list). */
static uint32_t dir_entry(struct dctx *d, struct node *parent, struct cur *c,
			  const struct dir_class *dc)
{
	struct tctx *t = &d->t;
	size_t start = c->off;
	struct node *n = t_custom(t, parent, dc->item, cur_pos(c), 0, "", "");
	uint32_t attr = 0;

	uint32_t next = (uint32_t)r_uint(t, n, F_SMB2_NEXT_OFFSET, c, 4);
	r_uint(t, n, F_SMB2_FILE_INDEX, c, 4);
	if (dc->parts & D_TIMES) {
		smb2_times4(t, n, c);
		r_uint(t, n, F_SMB2_EOF, c, 8);
		r_uint(t, n, F_SMB2_ALLOCATION_SIZE, c, 8);
		attr = smb2_file_attributes(d, n, c);
	}
	uint32_t name_len = (uint32_t)r_uint(t, n, F_SMB2_FILENAME_LEN, c, 4);
	if (dc->parts & D_EA)
		r_uint(t, n, attr & 0x400 ? F_SMB2_REPARSE_TAG : F_SMB2_EA_SIZE, c, 4);
	if (dc->parts & D_SHORT) {
		unsigned short_len = (unsigned)r_uint(t, n, F_SMB2_SHORT_NAME_LEN, c, 1);
		r_bytes(t, n, F_SMB2_RESERVED, c, 1);
		struct cur s = cur_split(c, 24);
		if (short_len)
			r_utf16(t, n, F_SMB2_SHORTNAME, &s, short_len > 24 ? 24 : short_len);
	}
	if (dc->parts & (D_ID2 | D_ID4)) {
		r_bytes(t, n, F_SMB2_RESERVED, c, dc->parts & D_ID2 ? 2 : 4);
		r_uint(t, n, F_SMB2_FILE_ID, c, 8);
	}
	const char *name = "";
	if (name_len && !c->err) {
		if (name_len > cur_left(c)) {
			t_malformed(t, n, cur_pos(c), "file name beyond the buffer");
			c->err = true;
		} else {
			name = r_utf16(t, n, F_SMB2_FILENAME, c, name_len);
		}
	}
	n->label = arena_printf(t->a, "%s: %s", dc->label, name);
	n->size = (uint32_t)(c->off - start);
	if (c->err)
		return 0;
	if (next && next > c->end - start) {
		t_malformed(t, n, cur_pos(c), "next entry offset beyond the buffer");
		return 0;
	}
	if (next)
		c->off = start + next;
	return next;
}

void smb2_find_index(struct trace *t, struct cur *c, const struct smb2_hdr *h)
{
	if (h->response || !h->req)
		return;
	size_t base = c->off - 64;
	cur_skip(c, 2);
	uint8_t level = cur_u8(c);
	cur_skip(c, 1 + 4 + 16);
	uint16_t off = cur_le16(c);
	uint16_t len = cur_le16(c);
	if (c->err)
		return;
	h->req->info_class = level;
	h->req->filename = NULL;
	struct cur s = cur_sub(c, base + off, len);
	if (len && !s.err && off)
		h->req->filename = h->fa == &t->a ? trace_intern_utf16(t, cur_peek(&s, len), len)
						  : str_utf16le(h->fa, cur_peek(&s, len), len);
}

static const char *level_name(struct tctx *t, uint8_t level)
{
	const char *s = val_lookup(field_vals(field_get(F_SMB2_FIND_INFOLEVEL)), level);

	return s ? s : arena_printf(t->a, "(Level:0x%02x)", level);
}

void smb2_find_req(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h)
{
	static const int flag_subs[] = {
		F_SMB2_FIND_RESTART_SCANS, F_SMB2_FIND_SINGLE_ENTRY,
		F_SMB2_FIND_INDEX_SPECIFIED, F_SMB2_FIND_REOPEN, F_INVALID
	};
	struct tctx *t = &d->t;
	struct smb2_olb o;

	smb2_buffer_code(d, body, c);
	uint8_t level = (uint8_t)r_uint(t, body, F_SMB2_FIND_INFOLEVEL, c, 1);
	smb2_bits(t, body, F_SMB2_FIND_FLAGS, c, 1, flag_subs, NULL);
	r_uint(t, body, F_SMB2_FILE_INDEX, c, 4);
	smb2_fid_sum(d, body, c, h);
	smb2_olb_read(c, &o, 2, 2);
	r_uint(t, body, F_SMB2_OUTPUT_BUFFER_LEN, c, 4);
	if (c->err)
		return;
	const char *pattern = smb2_olb_string(d, body, c, h, &o, F_SMB2_FIND_PATTERN);
	dctx_summary_more(d, " %s Pattern: %s", level_name(t, level),
			  pattern ? pattern : "");
}

void smb2_find_rsp(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	const struct smb2_req *rq = h->req;

	if (rq) {
		t_uint(t, body, F_SMB2_FIND_INFOLEVEL, cur_pos(c), 0,
		       rq->info_class)->flags |= N_GENERATED;
		if (rq->filename)
			dctx_summary_more(d, " %s Pattern: %s",
					  level_name(t, rq->info_class), rq->filename);
	}
	if (!smb2_rsp_start(d, body, c, h, h->status == 0))
		return;
	struct smb2_olb o;
	struct cur s;
	smb2_olb_read(c, &o, 2, 4);
	if (c->err)
		return;
	struct node *blob = smb2_olb_buffer(d, body, c, h, &o, F_SMB2_FIND_INFO_BLOB, &s);
	if (!blob || cur_left(&s) == 0)
		return;
	const struct dir_class *dc = rq ? dir_class_of(rq->info_class) : NULL;
	if (!dc) {
		r_bytes(t, blob, F_SMB2_UNKNOWN, &s, cur_left(&s));
		return;
	}
	for (int i = 0; i < MAX_ENTRIES && cur_left(&s) > 4; i++)
		if (dir_entry(d, blob, &s, dc) == 0)
			break;
}

void smb2_notify_req(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h)
{
	static const int flag_subs[] = { F_SMB2_NOTIFY_WATCH_TREE, F_INVALID };
	static const int filter_subs[] = {
		F_SMB_NT_NOTIFY_FILE_NAME, F_SMB_NT_NOTIFY_DIR_NAME,
		F_SMB_NT_NOTIFY_ATTRIBUTES, F_SMB_NT_NOTIFY_SIZE,
		F_SMB_NT_NOTIFY_LAST_WRITE, F_SMB_NT_NOTIFY_LAST_ACCESS,
		F_SMB_NT_NOTIFY_CREATION, F_SMB_NT_NOTIFY_EA,
		F_SMB_NT_NOTIFY_SECURITY, F_SMB_NT_NOTIFY_STREAM_NAME,
		F_SMB_NT_NOTIFY_STREAM_SIZE, F_SMB_NT_NOTIFY_STREAM_WRITE,
		F_INVALID
	};
	struct tctx *t = &d->t;

	(void)h;
	smb2_buffer_code(d, body, c);
	smb2_bits(t, body, F_SMB2_NOTIFY_FLAGS, c, 2, flag_subs, NULL);
	r_uint(t, body, F_SMB2_OUTPUT_BUFFER_LEN, c, 4);
	smb2_fid_sum(d, body, c, h);
	r_bitmask(t, body, F_SMB_NT_NOTIFY_COMPLETION_FILTER, c, 4, filter_subs);
	r_bytes(t, body, F_SMB2_RESERVED, c, 4);
}

/* FILE_NOTIFY_INFORMATION list (MS-FSCC 2.7.1). */
static void notify_entries(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;

	for (int i = 0; i < MAX_ENTRIES && cur_left(c) > 4; i++) {
		size_t start = c->off;
		struct node *n = t_custom(t, parent, F_SMB2_NOTIFY_INFO, cur_pos(c),
					  0, "", "");
		uint32_t next = (uint32_t)r_uint(t, n, F_SMB2_NOTIFY_NEXT_OFFSET, c, 4);
		r_uint(t, n, F_SMB2_NOTIFY_ACTION, c, 4);
		uint32_t len = (uint32_t)r_uint(t, n, F_SMB2_FILENAME_LEN, c, 4);
		if (len && !c->err) {
			if (len > cur_left(c)) {
				t_malformed(t, n, cur_pos(c), "file name beyond the buffer");
				return;
			}
			r_utf16(t, n, F_SMB2_FILENAME, c, len);
		}
		n->size = (uint32_t)(c->off - start);
		if (c->err || next == 0)
			return;
		if (next > c->end - start) {
			t_malformed(t, n, cur_pos(c), "next offset beyond the buffer");
			return;
		}
		c->off = start + next;
	}
}

void smb2_notify_rsp(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h)
{
	/* STATUS_NOTIFY_ENUM_DIR is not an error (MS-SMB2 3.3.4.4). */
	if (!smb2_rsp_start(d, body, c, h, h->status == 0 || h->status == 0x10c))
		return;
	struct smb2_olb o;
	struct cur s;
	smb2_olb_read(c, &o, 2, 4);
	if (c->err)
		return;
	struct node *out = smb2_olb_buffer(d, body, c, h, &o, F_SMB2_NOTIFY_OUT, &s);
	if (out && cur_left(&s))
		notify_entries(d, out, &s);
}
