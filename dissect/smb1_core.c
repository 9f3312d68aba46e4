/*
 * smb1_core.c - core-protocol commands old (LANMAN/DOS) clients use
 * (MS-CIFS 2.2.4): OPEN (2.2.4.3), CREATE (2.2.4.4), CREATE_NEW, READ
 * (2.2.4.11), WRITE (2.2.4.12), SEARCH/FIND/FIND_UNIQUE/FIND_CLOSE (2.2.4.58,
 * 21-byte resume keys and 43-byte directory entries), FIND_CLOSE2 and
 * QUERY_INFORMATION_DISK.
 */
#include "smb1.h"

#include <stdio.h>

#include "wirestr.h"

/* ---- core OPEN / CREATE / READ / WRITE ---- */

SMB1_BODY(smb1_open_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_access16(d, body, F_SMB_ACCESS_DESIRED, &w);
		smb1_attr16(d, body, F_SMB_SEARCH_ATTRIBUTE, &w);
	}
	smb1_path_bytes(d, body, c, h, F_SMB_FILE, "Path");
}

SMB1_BODY(smb1_open_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		smb1_fid(d, body, &w);
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
		smb1_utime(d, body, F_SMB_LAST_WRITE_TIME, &w);
		r_uint(t, body, F_SMB_FILE_SIZE, &w, 4);
		smb1_access16(d, body, F_SMB_ACCESS_GRANTED, &w);
	}
	smb1_no_bytes(d, body, c);
}

SMB1_BODY(smb1_create_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_attr16(d, body, F_SMB_FILE_ATTRIBUTE, &w);
		smb1_utime(d, body, F_SMB_CREATE_TIME, &w);
	}
	smb1_path_bytes(d, body, c, h, F_SMB_FILE, "Path");
}

SMB1_BODY(smb1_read_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		smb1_fid(d, body, &w);
		uint64_t cnt = r_uint(t, body, F_SMB_COUNT_LOW, &w, 2);
		uint64_t off = r_uint(t, body, F_SMB_OFFSET, &w, 4);
		r_uint(t, body, F_SMB_REMAINING, &w, 2);
		dctx_summary_more(d, ", %llu bytes at offset %llu",
				  (unsigned long long)cnt, (unsigned long long)off);
	}
	smb1_no_bytes(d, body, c);
}

/* Core data block: BufferFormat (1) DataLength, data. */
static void data_block(struct dctx *d, struct node *body, struct cur *b)
{
	if (!cur_left(b))
		return;
	r_uint(&d->t, body, F_SMB_BUFFER_FORMAT, b, 1);
	uint16_t len = (uint16_t)r_uint(&d->t, body, F_SMB_DATA_LEN, b, 2);
	if (len > cur_left(b))
		len = (uint16_t)cur_left(b);
	if (len)
		r_bytes(&d->t, body, F_SMB_FILE_DATA, b, len);
}

SMB1_BODY(smb1_read_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	smb1_req_fid_summary(d, h);
	if (wct) {
		uint64_t cnt = r_uint(t, body, F_SMB_COUNT_LOW, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 8);
		dctx_summary_more(d, ", %llu bytes", (unsigned long long)cnt);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	data_block(d, body, &b);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_write_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		smb1_fid(d, body, &w);
		uint64_t cnt = r_uint(t, body, F_SMB_COUNT_LOW, &w, 2);
		uint64_t off = r_uint(t, body, F_SMB_OFFSET, &w, 4);
		r_uint(t, body, F_SMB_REMAINING, &w, 2);
		dctx_summary_more(d, ", %llu bytes at offset %llu",
				  (unsigned long long)cnt, (unsigned long long)off);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	data_block(d, body, &b);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_write_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	smb1_req_fid_summary(d, h);
	if (wct) {
		uint64_t cnt = r_uint(t, body, F_SMB_COUNT_LOW, &w, 2);
		dctx_summary_more(d, ", %llu bytes", (unsigned long long)cnt);
	}
	smb1_no_bytes(d, body, c);
}

/* ---- SEARCH / FIND / FIND_UNIQUE / FIND_CLOSE (core directory search) ---- */

/* 21-byte resume key; the request form carries a find id byte. */
static void resume_key(struct dctx *d, struct node *parent, struct cur *b,
		       bool request)
{
	struct tctx *t = &d->t;
	struct node *k = t_text(t, parent, cur_pos(b), 21, "Resume Key");

	r_bytes(t, k, F_SMB_RESERVED, b, 1);
	r_ascii(t, k, F_SMB_FILE, b, 11);
	if (request) {
		r_uint(t, k, F_SMB_RESUME_FIND_ID, b, 1);
		r_bytes(t, k, F_SMB_RESUME_SERVER_COOKIE, b, 4);
	} else {
		r_bytes(t, k, F_SMB_RESUME_SERVER_COOKIE, b, 5);
	}
	r_bytes(t, k, F_SMB_RESUME_CLIENT_COOKIE, b, 4);
}

SMB1_BODY(smb1_search_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		r_uint(t, body, F_SMB_MAXCOUNT, &w, 2);
		smb1_attr16(d, body, F_SMB_SEARCH_ATTRIBUTE, &w);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (cur_left(&b)) {
		const char *s = smb1_fmt_string(d, body, F_SMB_FILE, &b, h);
		dctx_summary_more(d, ", File: %s", s);
	}
	if (cur_left(&b)) {
		r_uint(t, body, F_SMB_BUFFER_FORMAT, &b, 1);
		uint16_t klen = (uint16_t)r_uint(t, body, F_SMB_RESUME_KEY_LEN, &b, 2);
		if (klen == 21)
			resume_key(d, body, &b, h->cur_cmd == 0x84);
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_search_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, count = 0;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		if (h->cur_cmd == 0x84)
			r_bytes(t, body, F_SMB_RESERVED, &w, 2);
		else
			count = (uint16_t)r_uint(t, body, F_SMB_COUNT, &w, 2);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (h->cur_cmd != 0x84 && cur_left(&b)) {
		r_uint(t, body, F_SMB_BUFFER_FORMAT, &b, 1);
		r_uint(t, body, F_SMB_DATA_LEN, &b, 2);
		for (unsigned i = 0; i < count && cur_left(&b) >= 43; i++) {
			struct node *e = t_text(t, body, cur_pos(&b), 43, "Directory Information");
			resume_key(d, e, &b, false);
			uint32_t pos = cur_pos(&b);
			uint8_t attr = cur_u8(&b);
			char show[8];
			snprintf(show, sizeof(show), "0x%02x", attr);
			struct node *an = t_custom(t, e, F_SMB_FILE_ATTRIBUTE, pos, 1, show, NULL);
			static const int a8[] = {
				F_SMB_FILE_ATTRIBUTE_READ_ONLY, F_SMB_FILE_ATTRIBUTE_HIDDEN,
				F_SMB_FILE_ATTRIBUTE_SYSTEM, F_SMB_FILE_ATTRIBUTE_VOLUME,
				F_SMB_FILE_ATTRIBUTE_DIRECTORY, F_SMB_FILE_ATTRIBUTE_ARCHIVE,
				F_INVALID
			};
			t_bitmask_subs(t, an, pos, 1, attr, a8);
			smb1_dos_datetime(d, e, F_SMB_LAST_WRITE_TIME, F_SMB_LAST_WRITE_SMB_DATE,
					  F_SMB_LAST_WRITE_SMB_TIME, &b, true);
			r_uint(t, e, F_SMB_FILE_SIZE, &b, 4);
			r_ascii(t, e, F_SMB_FILE, &b, 13);
		}
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_findclose2_req)
{
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct)
		r_uint(&d->t, body, F_SMB_SEARCH_ID, &w, 2);
	smb1_no_bytes(d, body, c);
}

SMB1_BODY(smb1_qfsinfo_disk_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct) {
		r_uint(t, body, F_SMB_UNITS, &w, 2);
		r_uint(t, body, F_SMB_BPU, &w, 2);
		r_uint(t, body, F_SMB_BLOCKSIZE, &w, 2);
		r_uint(t, body, F_SMB_FREE_UNITS, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
	}
	smb1_no_bytes(d, body, c);
}
