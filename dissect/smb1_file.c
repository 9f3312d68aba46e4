/*
 * smb1_file.c - file commands (MS-CIFS 2.2.4): NT_CREATE_ANDX (2.2.4.64),
 * OPEN_ANDX (2.2.4.41), READ_ANDX (2.2.4.42), WRITE_ANDX (2.2.4.43), CLOSE
 * (2.2.4.5), FLUSH, DELETE, RENAME, CREATE/DELETE/CHECK_DIRECTORY,
 * LOCKING_ANDX (2.2.4.32), QUERY/SET_INFORMATION(2), the core OPEN, CREATE,
 * (the core OPEN/CREATE/READ/WRITE/SEARCH live in smb1_core.c).
 *
 * Responses name the FID of their request in the summary (recorded at index
 * time in struct smb1_req), as Wireshark does.
 */
#include "smb1.h"
#include "smb2.h"

#include <stdio.h>

enum { WRITE_MODE_RAW = 0x0004, WRITE_MODE_MSG_START = 0x0008 };

#include "wirestr.h"

static const int create_flags_subs[] = {
	F_SMB_NT_CREATE_OPLOCK, F_SMB_NT_CREATE_BATCH_OPLOCK, F_SMB_NT_CREATE_DIR,
	F_SMB_NT_CREATE_EXT, F_INVALID
};
static const int share_subs[] = {
	F_SMB_SHARE_ACCESS_READ, F_SMB_SHARE_ACCESS_WRITE,
	F_SMB_SHARE_ACCESS_DELETE, F_INVALID
};
static const int create_options_subs[] = {
	F_SMB_NT_CREATE_OPTIONS_DIRECTORY, F_SMB_NT_CREATE_OPTIONS_WRITE_THROUGH,
	F_SMB_NT_CREATE_OPTIONS_SEQUENTIAL_ONLY,
	F_SMB_NT_CREATE_OPTIONS_INTERMEDIATE_BUFFERING,
	F_SMB_NT_CREATE_OPTIONS_SYNC_IO_ALERT,
	F_SMB_NT_CREATE_OPTIONS_SYNC_IO_NONALERT,
	F_SMB_NT_CREATE_OPTIONS_NON_DIRECTORY,
	F_SMB_NT_CREATE_OPTIONS_CREATE_TREE_CONNECTION,
	F_SMB_NT_CREATE_OPTIONS_COMPLETE_IF_OPLOCKED,
	F_SMB_NT_CREATE_OPTIONS_NO_EA_KNOWLEDGE,
	F_SMB_NT_CREATE_OPTIONS_EIGHT_DOT_THREE_ONLY,
	F_SMB_NT_CREATE_OPTIONS_RANDOM_ACCESS,
	F_SMB_NT_CREATE_OPTIONS_DELETE_ON_CLOSE,
	F_SMB_NT_CREATE_OPTIONS_OPEN_BY_FILEID,
	F_SMB_NT_CREATE_OPTIONS_BACKUP_INTENT,
	F_SMB_NT_CREATE_OPTIONS_NO_COMPRESSION,
	F_SMB_NT_CREATE_OPTIONS_RESERVE_OPFILTER,
	F_SMB_NT_CREATE_OPTIONS_OPEN_REPARSE_POINT,
	F_SMB_NT_CREATE_OPTIONS_OPEN_NO_RECALL,
	F_SMB_NT_CREATE_OPTIONS_OPEN_FOR_FREE_SPACE_QUERY, F_INVALID
};
static const int secflags_subs[] = {
	F_SMB_SECURITY_FLAGS_CONTEXT_TRACKING, F_SMB_SECURITY_FLAGS_EFFECTIVE_ONLY,
	F_INVALID
};
static const int ipc_state_subs[] = {
	F_SMB_IPC_STATE_NONBLOCKING, F_SMB_IPC_STATE_ENDPOINT,
	F_SMB_IPC_STATE_PIPE_TYPE, F_SMB_IPC_STATE_READ_MODE,
	F_SMB_IPC_STATE_ICOUNT, F_INVALID
};
static const int write_mode_subs[] = {
	F_SMB_WRITE_MODE_MESSAGE_START, F_SMB_WRITE_MODE_RAW,
	F_SMB_WRITE_MODE_RETURN_REMAINING, F_SMB_WRITE_MODE_WRITE_THROUGH,
	F_INVALID
};
static const int lock_type_subs[] = {
	F_SMB_LOCK_TYPE_LARGE, F_SMB_LOCK_TYPE_CANCEL, F_SMB_LOCK_TYPE_CHANGE,
	F_SMB_LOCK_TYPE_OPLOCK_RELEASE, F_SMB_LOCK_TYPE_SHARED, F_INVALID
};
static const int access16_subs[] = {
	F_SMB_ACCESS_WRITETHROUGH, F_SMB_ACCESS_CACHING, F_SMB_ACCESS_LOCALITY,
	F_SMB_ACCESS_SHARING, F_SMB_ACCESS_MODE, F_INVALID
};
static const int open_flags_subs[] = {
	F_SMB_OPEN_FLAGS_ADD_INFO, F_SMB_OPEN_FLAGS_EX_OPLOCK,
	F_SMB_OPEN_FLAGS_BATCH_OPLOCK, F_SMB_OPEN_FLAGS_EALEN, F_INVALID
};
static const int open_function_subs[] = {
	F_SMB_OPEN_FUNCTION_CREATE, F_SMB_OPEN_FUNCTION_OPEN, F_INVALID
};
static const int open_action_subs[] = {
	F_SMB_OPEN_ACTION_LOCK, F_SMB_OPEN_ACTION_OPEN, F_INVALID
};

/* Summary ", FID: 0x...." from the request, for responses. */
void smb1_req_fid_summary(struct dctx *d, const struct smb1_hdr *h)
{
	if (h->req && h->req->has_fid)
		dctx_summary_more(d, ", FID: 0x%04x", h->req->fid);
}

/* ---- NT_CREATE_ANDX ---- */

SMB1_BODY(smb1_ntcreate_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		r_bytes(t, body, F_SMB_RESERVED, &w, 1);
		r_uint(t, body, F_SMB_FILE_NAME_LEN, &w, 2);
		r_bitmask(t, body, F_SMB_CREATE_FLAGS, &w, 4, create_flags_subs);
		r_uint(t, body, F_SMB_RFID, &w, 4);
		smb1_access_mask(d, body, &w);
		r_uint(t, body, F_SMB_ALLOC_SIZE64, &w, 8);
		smb1_attr32(d, body, &w);
		r_bitmask(t, body, F_SMB_SHARE_ACCESS, &w, 4, share_subs);
		r_uint(t, body, F_SMB_CREATE_DISPOSITION, &w, 4);
		r_bitmask(t, body, F_SMB_CREATE_OPTIONS, &w, 4, create_options_subs);
		r_uint(t, body, F_SMB_IMPERSONATION_LEVEL, &w, 4);
		r_bitmask(t, body, F_SMB_SECURITY_FLAGS, &w, 1, secflags_subs);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (cur_left(&b)) {
		const char *s = smb1_string(d, body, F_SMB_FILE, &b, h, h->unicode, false);
		dctx_summary_more(d, ", Path: %s", s);
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_ntcreate_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct == 42) {
		/* MS-SMB 2.2.4.9.2: servers send WordCount 42 with 50 words. */
		cur_seek(c, w.start);
		w = cur_split(c, 100);
	}
	if (wct) {
		smb1_andx(d, body, &w, h);
		r_uint(t, body, F_SMB_OPLOCK_LEVEL, &w, 1);
		smb1_fid(d, body, &w);
		r_uint(t, body, F_SMB_CREATE_ACTION, &w, 4);
		r_filetime(t, body, F_SMB_CREATE_TIME, &w);
		r_filetime(t, body, F_SMB_ACCESS_TIME, &w);
		r_filetime(t, body, F_SMB_LAST_WRITE_TIME, &w);
		r_filetime(t, body, F_SMB_CHANGE_TIME, &w);
		smb1_attr32(d, body, &w);
		r_uint(t, body, F_SMB_ALLOC_SIZE64, &w, 8);
		r_uint(t, body, F_SMB_END_OF_FILE, &w, 8);
		r_uint(t, body, F_SMB_FILE_TYPE, &w, 2);
		r_bitmask(t, body, F_SMB_IPC_STATE, &w, 2, ipc_state_subs);
		r_uint(t, body, F_SMB_IS_DIRECTORY, &w, 1);
	}
	if (wct >= 42) {
		r_guid(t, body, F_SMB_VOLUME_GUID, &w);
		r_uint(t, body, F_SMB_CREATE_FILE_ID_64B, &w, 8);
		struct node *m = t_text(t, body, cur_pos(&w), 4, "Maximal Access Rights");
		smb1_access_mask(d, m, &w);
		m = t_text(t, body, cur_pos(&w), 4, "Guest Maximal Access Rights");
		smb1_access_mask(d, m, &w);
	}
	smb1_no_bytes(d, body, c);
}

/* ---- OPEN_ANDX ---- */

SMB1_BODY(smb1_openx_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		r_bitmask(t, body, F_SMB_OPEN_FLAGS, &w, 2, open_flags_subs);
		smb1_access16(d, body, F_SMB_ACCESS_DESIRED, &w);
		smb1_attr16(d, body, F_SMB_SEARCH_ATTRIBUTE, &w);
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
		smb1_utime(d, body, F_SMB_CREATE_TIME, &w);
		r_bitmask(t, body, F_SMB_OPEN_FUNCTION, &w, 2, open_function_subs);
		r_uint(t, body, F_SMB_ALLOC_SIZE_2, &w, 4);
		r_uint(t, body, F_SMB_TIMEOUT, &w, 4);
		r_bytes(t, body, F_SMB_RESERVED, &w, 4);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (cur_left(&b)) {
		const char *s = smb1_string(d, body, F_SMB_FILE, &b, h, h->unicode, false);
		dctx_summary_more(d, ", Path: %s", s);
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_openx_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		smb1_fid(d, body, &w);
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
		smb1_utime(d, body, F_SMB_LAST_WRITE_TIME, &w);
		r_uint(t, body, F_SMB_DATA_SIZE, &w, 4);
		smb1_access16(d, body, F_SMB_ACCESS_GRANTED, &w);
		r_uint(t, body, F_SMB_FILE_TYPE, &w, 2);
		r_bitmask(t, body, F_SMB_IPC_STATE, &w, 2, ipc_state_subs);
		r_bitmask(t, body, F_SMB_OPEN_ACTION, &w, 2, open_action_subs);
		r_uint(t, body, F_SMB_SERVER_FID, &w, 4);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
	}
	smb1_no_bytes(d, body, c);
}

/* ---- READ_ANDX / WRITE_ANDX ---- */

SMB1_BODY(smb1_readx_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		smb1_fid(d, body, &w);
		uint64_t off = r_uint(t, body, F_SMB_OFFSET, &w, 4);
		uint32_t lo = (uint32_t)r_uint(t, body, F_SMB_MAXCOUNT_LOW, &w, 2);
		r_uint(t, body, F_SMB_MINCOUNT, &w, 2);
		/* MaxCountHigh, or a Timeout on named pipes (MS-CIFS 2.2.4.42.1)
		 * that Windows sets to 0xFFFFFFFF: Wireshark shows no field
		 * for that value. */
		struct cur peek = w;
		uint32_t hi = cur_le32(&peek);
		if (hi == 0xffffffff) {
			cur_skip(&w, 4);
			hi = 0;
		} else {
			hi = (uint32_t)r_uint(t, body, F_SMB_MAXCOUNT_HIGH, &w, 4);
		}
		r_uint(t, body, F_SMB_REMAINING, &w, 2);
		if (wct == 12)
			off |= r_uint(t, body, F_SMB_OFFSET_HIGH, &w, 4) << 32;
		dctx_summary_more(d, ", %u bytes at offset %llu", (hi & 0xffff) << 16 | lo,
				  (unsigned long long)off);
	}
	smb1_no_bytes(d, body, c);
}

/* Padding (the ByteCount bytes beyond the data length, as Wireshark
 * counts it rather than from DataOffset), then the data. Wireshark
 * compares ByteCount with the low 16 bits of the length only: a read or
 * write of 64 KiB or more (its ByteCount wraps too) shows the pad byte as
 * padding and the data after it, cut at ByteCount, possibly empty. Named
 * pipe data (pipe) is handed on as "Data", not smb.file_data. */
static void file_data(struct dctx *d, struct node *body, struct cur *b,
		      uint32_t len, bool pipe)
{
	if (!cur_left(b))
		return;
	len &= 0xffff;
	if (cur_left(b) > len)
		r_bytes(&d->t, body, F_SMB_PADDING, b, cur_left(b) - len);
	if (len > cur_left(b))
		len = (uint32_t)cur_left(b);
	if (pipe)
		smb2_payload(d, body, b, len);
	else
		r_bytes(&d->t, body, F_SMB_FILE_DATA, b, len);
}

SMB1_BODY(smb1_readx_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	uint32_t len = 0;
	struct cur w = smb1_words(d, body, c, &wct);

	smb1_req_fid_summary(d, h);
	if (wct) {
		smb1_andx(d, body, &w, h);
		r_uint(t, body, F_SMB_REMAINING, &w, 2);
		r_uint(t, body, F_SMB_DCM, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
		len = (uint32_t)r_uint(t, body, F_SMB_DATA_LEN_LOW, &w, 2);
		r_uint(t, body, F_SMB_DATA_OFFSET, &w, 2);
		uint32_t hi = (uint32_t)r_uint(t, body, F_SMB_DATA_LEN_HIGH, &w, 4);
		r_bytes(t, body, F_SMB_RESERVED, &w, 6);
		if (hi != 0xffffffff)
			len |= (hi & 0xffff) << 16;
		dctx_summary_more(d, ", %u bytes", len);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	file_data(d, body, &b, len, smb1_tid_is_ipc(d, h));
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_writex_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, mode = 0;
	uint32_t len = 0;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		smb1_fid(d, body, &w);
		uint64_t off = r_uint(t, body, F_SMB_OFFSET, &w, 4);
		r_bytes(t, body, F_SMB_RESERVED, &w, 4);
		mode = (uint16_t)r_bitmask(t, body, F_SMB_WRITE_MODE, &w, 2, write_mode_subs);
		r_uint(t, body, F_SMB_REMAINING, &w, 2);
		uint32_t hi = (uint32_t)r_uint(t, body, F_SMB_DATA_LEN_HIGH, &w, 2);
		len = (uint32_t)r_uint(t, body, F_SMB_DATA_LEN_LOW, &w, 2) | hi << 16;
		r_uint(t, body, F_SMB_DATA_OFFSET, &w, 2);
		if (wct == 14)
			off |= r_uint(t, body, F_SMB_OFFSET_HIGH, &w, 4) << 32;
		dctx_summary_more(d, ", %u bytes at offset %llu", len,
				  (unsigned long long)off);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	/* A message-start write is named pipe data whatever the tree; in raw
	 * mode its first two bytes are the message length (Wireshark). */
	if ((mode & WRITE_MODE_MSG_START) && (mode & WRITE_MODE_RAW) && cur_left(&b)) {
		r_uint(t, body, F_SMB_PIPE_WRITE_LEN, &b, 2);
		len = len >= 2 ? len - 2 : 0;
	}
	file_data(d, body, &b, len, (mode & WRITE_MODE_MSG_START) || smb1_tid_is_ipc(d, h));
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_writex_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	smb1_req_fid_summary(d, h);
	if (wct) {
		smb1_andx(d, body, &w, h);
		uint32_t lo = (uint32_t)r_uint(t, body, F_SMB_COUNT_LOW, &w, 2);
		r_uint(t, body, F_SMB_REMAINING, &w, 2);
		uint32_t hi = (uint32_t)r_uint(t, body, F_SMB_COUNT_HIGH, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
		dctx_summary_more(d, ", %u bytes", hi << 16 | lo);
	}
	smb1_no_bytes(d, body, c);
}

/* ---- CLOSE, FLUSH, QUERY_INFORMATION2 (FID only requests) ---- */

SMB1_BODY(smb1_close_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		smb1_fid(d, body, &w);
		smb1_utime(d, body, F_SMB_LAST_WRITE_TIME, &w);
	}
	smb1_no_bytes(d, body, c);
}

/* A block holding just a FID (request or response alike). */
SMB1_BODY(smb1_fid_block)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct)
		smb1_fid(d, body, &w);
	smb1_no_bytes(d, body, c);
}

SMB1_BODY(smb1_reqfid_rsp)
{
	smb1_req_fid_summary(d, h);
	smb1_empty(d, body, c, h);
}

SMB1_BODY(smb1_qinfo2_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	smb1_req_fid_summary(d, h);
	if (wct) {
		smb1_dos_times3(d, body, &w);
		r_uint(t, body, F_SMB_DATA_SIZE, &w, 4);
		r_uint(t, body, F_SMB_ALLOC_SIZE_2, &w, 4);
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
	}
	smb1_no_bytes(d, body, c);
}

SMB1_BODY(smb1_setinfo2_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		smb1_fid(d, body, &w);
		smb1_dos_times3(d, body, &w);
	}
	smb1_no_bytes(d, body, c);
}

/* ---- path commands: directories, delete, rename, query/set info ---- */

SMB1_BODY(smb1_path_req)
{
	uint8_t wct;
	uint16_t bcc;
	bool dir = h->cur_cmd <= 0x01 || h->cur_cmd == 0x10;

	smb1_words(d, body, c, &wct);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (cur_left(&b)) {
		const char *s = smb1_fmt_string(d, body, dir ? F_SMB_DIR_NAME : F_SMB_FILE, &b, h);
		dctx_summary_more(d, dir ? ", Directory: %s" : ", Path: %s", s);
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_delete_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct)
		smb1_attr16(d, body, F_SMB_SEARCH_ATTRIBUTE, &w);
	smb1_path_bytes(d, body, c, h, F_SMB_FILE, "Path");
}

/* The data block of RENAME and NT_RENAME: the old and the new name. */
static void rename_names(struct dctx *d, struct node *body, struct cur *c,
			 const struct smb1_hdr *h)
{
	uint16_t bcc;
	struct cur b = smb1_bytes(d, body, c, &bcc);
	const char *old = "", *new = "";

	if (cur_left(&b))
		old = smb1_fmt_string(d, body, F_SMB_OLD_FILE, &b, h);
	if (cur_left(&b))
		new = smb1_fmt_string(d, body, F_SMB_FILE, &b, h);
	dctx_summary_more(d, ", Old Name: %s, New Name: %s", old, new);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_rename_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct)
		smb1_attr16(d, body, F_SMB_SEARCH_ATTRIBUTE, &w);
	rename_names(d, body, c, h);
}

/* NT_RENAME (MS-CIFS 2.2.4.66): rename, hard link or copy by level. */
SMB1_BODY(smb1_ntrename_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_attr16(d, body, F_SMB_SEARCH_ATTRIBUTE, &w);
		r_uint(&d->t, body, F_SMB_NTR_LOI, &w, 2);
		r_uint(&d->t, body, F_SMB_NTR_CLU, &w, 4);
	}
	rename_names(d, body, c, h);
}

SMB1_BODY(smb1_qinfo_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
		smb1_utime(d, body, F_SMB_LAST_WRITE_TIME, &w);
		r_uint(t, body, F_SMB_FILE_SIZE, &w, 4);
		r_bytes(t, body, F_SMB_RESERVED, &w, 10);
	}
	smb1_no_bytes(d, body, c);
}

SMB1_BODY(smb1_setinfo_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
		smb1_utime(d, body, F_SMB_LAST_WRITE_TIME, &w);
		r_bytes(t, body, F_SMB_RESERVED, &w, 10);
	}
	smb1_path_bytes(d, body, c, h, F_SMB_FILE, "Path");
}

/* ---- LOCKING_ANDX ---- */

static void lock_ranges(struct dctx *d, struct node *body, struct cur *b,
			const char *what, unsigned n, bool large)
{
	struct tctx *t = &d->t;

	if (!n)
		return;
	size_t each = large ? 20 : 10;
	struct node *list = t_text(t, body, cur_pos(b), (uint32_t)(each * n), "%ss", what);
	for (unsigned i = 0; i < n && cur_left(b) >= each; i++) {
		struct node *e = t_text(t, list, cur_pos(b), (uint32_t)each, "%s", what);
		r_uint(t, e, F_SMB_PID, b, 2);
		if (large) {
			r_bytes(t, e, F_SMB_RESERVED, b, 2);
			uint32_t pos = cur_pos(b);
			uint64_t hi = cur_le32(b), lo = cur_le32(b);
			t_uint(t, e, F_SMB_LOCK_OFFSET, pos, 8, hi << 32 | lo);
			pos = cur_pos(b);
			hi = cur_le32(b);
			lo = cur_le32(b);
			t_uint(t, e, F_SMB_LOCK_LENGTH, pos, 8, hi << 32 | lo);
		} else {
			r_uint(t, e, F_SMB_OFFSET, b, 4);
			r_uint(t, e, F_SMB_COUNT, b, 4);
		}
	}
}

SMB1_BODY(smb1_locking_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, nun = 0, nlk = 0;
	uint8_t type = 0;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		smb1_fid(d, body, &w);
		type = (uint8_t)r_bitmask(t, body, F_SMB_LOCK_TYPE, &w, 1, lock_type_subs);
		r_uint(t, body, F_SMB_LOCKING_OPLOCK_LEVEL, &w, 1);
		r_uint(t, body, F_SMB_TIMEOUT, &w, 4);
		nun = (uint16_t)r_uint(t, body, F_SMB_LOCKING_NUM_UNLOCKS, &w, 2);
		nlk = (uint16_t)r_uint(t, body, F_SMB_LOCKING_NUM_LOCKS, &w, 2);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	lock_ranges(d, body, &b, "Unlock", nun, type & 0x10);
	lock_ranges(d, body, &b, "Lock", nlk, type & 0x10);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_locking_rsp)
{
	smb1_req_fid_summary(d, h);
	smb1_andx_only(d, body, c, h);
}

/* 16-bit desired/granted access of OPEN and OPEN_ANDX. */
void smb1_access16(struct dctx *d, struct node *parent, int fid, struct cur *w)
{
	r_bitmask(&d->t, parent, fid, w, 2, access16_subs);
}
