/*
 * smb1_trans.c - transactions: TRANSACTION (MS-CIFS 2.2.4.33, named pipes
 * and mailslots), TRANSACTION2 (2.2.4.46, subcommands 2.2.6) and
 * NT_TRANSACT (2.2.4.62, subcommands 2.2.7).
 *
 * A primary request: counts and offsets in the words, setup words, then in
 * the bytes the name (TRANSACTION), padding up to ParameterOffset, the
 * parameters, padding up to DataOffset, the data (offsets from the SMB
 * header). TRANS2 responses are decoded from the subcommand and information
 * level their request recorded at index time (struct smb1_req).
 */
#include "smb1.h"

#include <stdio.h>
#include <string.h>

#include "secdesc.h"
#include "smb2.h"
#include "wirestr.h"

enum { NT_IOCTL = 2, NT_SET_SECURITY_DESC = 3, NT_NOTIFY = 4, NT_QUERY_SECURITY_DESC = 6 };

enum {
	T2_FIND_FIRST2 = 0x01, T2_FIND_NEXT2 = 0x02, T2_QUERY_FS_INFO = 0x03,
	T2_SET_FS_INFO = 0x04, T2_QUERY_PATH_INFO = 0x05, T2_SET_PATH_INFO = 0x06,
	T2_QUERY_FILE_INFO = 0x07, T2_SET_FILE_INFO = 0x08,
	T2_GET_DFS_REFERRAL = 0x10,
};

static const int tflags_subs[] = {
	F_SMB_TRANSACTION_FLAGS_OWT, F_SMB_TRANSACTION_FLAGS_DTID, F_INVALID
};
static const int ff2_flags_subs[] = {
	F_SMB_FIND_FIRST2_FLAGS_BACKUP, F_SMB_FIND_FIRST2_FLAGS_CONTINUE,
	F_SMB_FIND_FIRST2_FLAGS_RESUME, F_SMB_FIND_FIRST2_FLAGS_EOS,
	F_SMB_FIND_FIRST2_FLAGS_CLOSE, F_INVALID
};
static const int notify_subs[] = {
	F_SMB_NT_NOTIFY_FILE_NAME, F_SMB_NT_NOTIFY_DIR_NAME,
	F_SMB_NT_NOTIFY_ATTRIBUTES, F_SMB_NT_NOTIFY_SIZE,
	F_SMB_NT_NOTIFY_LAST_WRITE, F_SMB_NT_NOTIFY_LAST_ACCESS,
	F_SMB_NT_NOTIFY_CREATION, F_SMB_NT_NOTIFY_EA, F_SMB_NT_NOTIFY_SECURITY,
	F_SMB_NT_NOTIFY_STREAM_NAME, F_SMB_NT_NOTIFY_STREAM_SIZE,
	F_SMB_NT_NOTIFY_STREAM_WRITE, F_INVALID
};

static const char *t2_name(uint16_t sub)
{
	const char *s = val_lookup(field_vals(field_get(F_SMB_TRANS2_CMD)), sub);
	return s ? s : "Unknown";
}

/* The parameter and data windows of a transaction message. */
struct trans {
	uint32_t pc, po, dc, doff;
	uint8_t sc;
};

/* Padding from b's position up to the absolute header offset off. */
static void pad_to(struct dctx *d, struct node *body, struct cur *b,
		   const struct smb1_hdr *h, uint32_t off)
{
	size_t at = h->off + off;
	if (off && at > b->off && at <= b->end)
		r_bytes(&d->t, body, F_SMB_PADDING, b, at - b->off);
}

/* Sub-cursor over [off, off+len) from the header, clamped to b. */
static struct cur window(struct cur *b, const struct smb1_hdr *h, uint32_t off,
			 uint32_t len)
{
	size_t at = h->off + off;
	if (at < b->off)
		at = b->off;
	struct cur s = cur_sub(b, at, len);
	s.err = false;
	return s;
}

static void dfs_req(struct dctx *d, struct node *n, struct cur *s,
		    const struct smb1_hdr *h)
{
	r_uint(&d->t, n, F_SMB_MAX_REFERRAL_LEVEL, s, 2);
	const char *f = smb1_string(d, n, F_SMB_FILE, s, h, h->unicode, true);
	dctx_summary_more(d, ", File: %s", f);
}

/* Request parameters of a TRANS2 subcommand. */
static void t2_req_params(struct dctx *d, struct node *n, struct cur *s,
			  const struct smb1_hdr *h, uint16_t sub, uint16_t *level)
{
	struct tctx *t = &d->t;
	const struct field *qpi = field_get(F_SMB_QPI_LOI);

	switch (sub) {
	case T2_FIND_FIRST2: {
		smb1_attr16(d, n, F_SMB_SEARCH_ATTRIBUTE, s);
		r_uint(t, n, F_SMB_SEARCH_COUNT, s, 2);
		r_bitmask(t, n, F_SMB_FIND_FIRST2_FLAGS, s, 2, ff2_flags_subs);
		r_uint(t, n, F_SMB_FF2_LOI, s, 2);
		r_uint(t, n, F_SMB_STORAGE_TYPE, s, 4);
		const char *p = smb1_string(d, n, F_SMB_SEARCH_PATTERN, s, h, h->unicode, true);
		dctx_summary_more(d, ", Pattern: %s", p);
		break;
	}
	case T2_FIND_NEXT2: {
		r_uint(t, n, F_SMB_SEARCH_ID, s, 2);
		r_uint(t, n, F_SMB_SEARCH_COUNT, s, 2);
		r_uint(t, n, F_SMB_FF2_LOI, s, 2);
		r_uint(t, n, F_SMB_RESUME, s, 4);
		r_bitmask(t, n, F_SMB_FIND_FIRST2_FLAGS, s, 2, ff2_flags_subs);
		const char *p = smb1_string(d, n, F_SMB_FILE, s, h, h->unicode, true);
		dctx_summary_more(d, ", Continue after: %s", p);
		break;
	}
	case T2_QUERY_FS_INFO: case T2_SET_FS_INFO: {
		int f = sub == T2_QUERY_FS_INFO ? F_SMB_QFSI_LOI : F_SMB_SFSI_LOI;
		if (sub == T2_SET_FS_INFO)
			cur_skip(s, 2); /* FID, which Wireshark does not show */
		uint32_t pos = cur_pos(s);
		uint16_t l = (uint16_t)r_uint(t, n, f, s, 2);
		const char *ln = val_lookup(field_vals(field_get(f)), l);
		if (cur_pos(s) > pos && ln)
			dctx_summary_more(d, ", %s", ln);
		else if (cur_pos(s) > pos)
			dctx_summary_more(d, ", Unknown (0x%x)", l);
		*level = l;
		break;
	}
	case T2_QUERY_PATH_INFO: case T2_SET_PATH_INFO: {
		uint16_t l = (uint16_t)r_uint(t, n, sub == T2_QUERY_PATH_INFO ? F_SMB_QPI_LOI
					      : F_SMB_SPI_LOI, s, 2);
		r_bytes(t, n, F_SMB_RESERVED, s, 4);
		const char *ln = val_lookup(field_vals(qpi), l);
		const char *p = smb1_string(d, n, F_SMB_FILE, s, h, h->unicode, true);
		if (ln && sub == T2_QUERY_PATH_INFO)
			dctx_summary_more(d, ", %s", ln);
		dctx_summary_more(d, ", Path: %s", p);
		*level = l;
		break;
	}
	case T2_QUERY_FILE_INFO: case T2_SET_FILE_INFO: {
		smb1_fid(d, n, s);
		uint16_t l = (uint16_t)r_uint(t, n, sub == T2_QUERY_FILE_INFO ? F_SMB_QPI_LOI
					      : F_SMB_SPI_LOI, s, 2);
		if (sub == T2_SET_FILE_INFO)
			r_bytes(t, n, F_SMB_RESERVED, s, 2);
		const char *ln = val_lookup(field_vals(qpi), l);
		if (ln && sub == T2_QUERY_FILE_INFO)
			dctx_summary_more(d, ", %s", ln);
		*level = l;
		break;
	}
	case T2_GET_DFS_REFERRAL:
		dfs_req(d, n, s, h);
		break;
	default:
		break;
	}
}

/* ---- TRANSACTION / TRANSACTION2 ---- */

static void trans_data_generic(struct dctx *d, struct node *body, struct cur *w0,
			       uint8_t sc, struct cur *p, struct cur *dd)
{
	struct tctx *t = &d->t;

	for (unsigned i = 0; i < sc; i++)
		r_uint(t, body, F_SMB_TRANS_DATA_SETUP_WORD, w0, 2);
	if (cur_left(p))
		r_bytes(t, body, F_SMB_TRANS_DATA_PARAMETERS, p, cur_left(p));
	if (cur_left(dd))
		r_bytes(t, body, F_SMB_TRANS_DATA, dd, cur_left(dd));
}

/* Padding from b's position up to the absolute header offset off, cut at
 * what is left of the bytes (Wireshark's padding of secondary requests). */
static void pad_capped(struct dctx *d, struct node *body, struct cur *b,
		       const struct smb1_hdr *h, uint32_t off)
{
	size_t at = h->off + off;
	if (at <= b->off || !cur_left(b))
		return;
	size_t n = at - b->off;
	r_bytes(&d->t, body, F_SMB_PADDING, b, n < cur_left(b) ? n : cur_left(b));
}

/*
 * TRANSACTION_SECONDARY and TRANSACTION2_SECONDARY requests (MS-CIFS
 * 2.2.4.34, 2.2.4.47): the counts, offsets and displacements of this piece
 * of the transaction, the FID (TRANS2), then padding up to ParameterOffset
 * and up to DataOffset. As Wireshark (which reassembles no transaction by
 * default), the parameter and data bytes are not decoded: what follows the
 * padding is shown as extra bytes.
 */
static void trans_secondary_req(struct dctx *d, struct node *body, struct cur *c,
				struct smb1_hdr *h, struct cur *w, uint8_t wct)
{
	struct tctx *t = &d->t;
	uint16_t bcc;

	r_uint(t, body, F_SMB_TPC, w, 2);
	r_uint(t, body, F_SMB_TDC, w, 2);
	r_uint(t, body, F_SMB_PC, w, 2);
	uint32_t po = (uint32_t)r_uint(t, body, F_SMB_PO, w, 2);
	r_uint(t, body, F_SMB_PD, w, 2);
	r_uint(t, body, F_SMB_DC, w, 2);
	uint32_t doff = (uint32_t)r_uint(t, body, F_SMB_DATA_OFFSET, w, 2);
	r_uint(t, body, F_SMB_DATA_DISP, w, 2);
	if (wct == 9)
		smb1_fid(d, body, w);
	dctx_summary_more(d, " (secondary request)");
	struct cur b = smb1_bytes(d, body, c, &bcc);
	pad_capped(d, body, &b, h, po);
	pad_capped(d, body, &b, h, doff);
	smb1_extra(d, body, &b);
}

static void trans_common_req(struct dctx *d, struct node *body, struct cur *c,
			     struct smb1_hdr *h, bool t2)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, sub = 0;
	struct trans x = { 0 };
	struct cur w = smb1_words(d, body, c, &wct);
	struct cur setup = w;

	/* Wireshark tells a secondary request by its word count, whatever
	 * the command says. */
	if (wct == 8 || (wct == 9 && h->cur_cmd == 0x33)) {
		trans_secondary_req(d, body, c, h, &w, wct);
		return;
	}
	if (wct) {
		r_uint(t, body, F_SMB_TPC, &w, 2);
		r_uint(t, body, F_SMB_TDC, &w, 2);
		r_uint(t, body, F_SMB_MPC, &w, 2);
		r_uint(t, body, F_SMB_MDC, &w, 2);
		r_uint(t, body, F_SMB_MSC, &w, 1);
		r_bytes(t, body, F_SMB_RESERVED, &w, 1);
		r_bitmask(t, body, F_SMB_TRANSACTION_FLAGS, &w, 2, tflags_subs);
		r_uint(t, body, F_SMB_TIMEOUT, &w, 4);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
		x.pc = (uint32_t)r_uint(t, body, F_SMB_PC, &w, 2);
		x.po = (uint32_t)r_uint(t, body, F_SMB_PO, &w, 2);
		x.dc = (uint32_t)r_uint(t, body, F_SMB_DC, &w, 2);
		x.doff = (uint32_t)r_uint(t, body, F_SMB_DATA_OFFSET, &w, 2);
		x.sc = (uint8_t)r_uint(t, body, F_SMB_SC, &w, 1);
		r_bytes(t, body, F_SMB_RESERVED, &w, 1);
		/* The setup words follow whatever WordCount says. */
		cur_seek(c, w.off);
		w = cur_split(c, (size_t)x.sc * 2);
		setup = w;
		if (t2 && x.sc) {
			sub = (uint16_t)r_uint(t, body, F_SMB_TRANS2_CMD, &w, 2);
			dctx_summary_more(d, ", %s", t2_name(sub));
		}
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	const char *name = NULL;
	if (!t2 && wct)
		name = smb1_string(d, body, F_SMB_TRANS_NAME, &b, h, h->unicode, false);
	pad_to(d, body, &b, h, x.po);
	struct cur p = window(&b, h, x.po, x.pc);
	uint16_t level = 0xffff;
	if (t2 && x.sc && x.pc) {
		struct node *pn = t_text(t, body, cur_pos(&p), x.pc, "%s Parameters",
					 t2_name(sub));
		t2_req_params(d, pn, &p, h, sub, &level);
	}
	if (x.pc && cur_pos(&b) < cur_pos(&p) + x.pc)
		cur_seek(&b, p.end);
	pad_to(d, body, &b, h, x.doff);
	struct cur dd = window(&b, h, x.doff, x.dc);
	if (t2 && x.sc && x.dc && cur_left(&dd) &&
	    (sub == T2_SET_PATH_INFO || sub == T2_SET_FILE_INFO || sub == T2_SET_FS_INFO)) {
		struct cur sd = dd;
		struct node *dn = t_text(t, body, cur_pos(&sd), (uint32_t)cur_left(&sd),
					 "%s Data", t2_name(sub));
		if (sub == T2_SET_FS_INFO)
			smb1_info_unknown(d, dn, &sd);
		else
			smb1_spi_data(d, dn, &sd, h, level);
	}
	if (x.dc)
		cur_seek(&b, dd.end);
	if (!t2 && name && strncmp(name, "\\PIPE\\", 6) && strncmp(name, "\\MAILSLOT\\", 10))
		trans_data_generic(d, body, &setup, x.sc, &p, &dd);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_trans_req)
{
	trans_common_req(d, body, c, h, false);
}

SMB1_BODY(smb1_trans2_req)
{
	trans_common_req(d, body, c, h, true);
}

static void t2_rsp(struct dctx *d, struct node *body, struct cur *b,
		   const struct smb1_hdr *h, struct cur *p, struct cur *dd,
		   const struct trans *x)
{
	struct tctx *t = &d->t;
	const struct smb1_req *rq = h->req;
	uint16_t sub = rq ? rq->subcmd : 0xffff, level = rq ? rq->level : 0;
	unsigned count = 0;
	bool resume = rq && (rq->extra[0] & 0x04);

	if (!rq || !rq->has_subcmd)
		return;
	if (x->pc) {
		struct node *pn = t_text(t, body, cur_pos(p), x->pc, "%s Parameters",
					 t2_name(sub));
		switch (sub) {
		case T2_FIND_FIRST2:
			t_uint(t, pn, F_SMB_FF2_LOI, cur_pos(p), 0, level);
			r_uint(t, pn, F_SMB_SEARCH_ID, p, 2);
			/* fall through */
		case T2_FIND_NEXT2:
			count = (unsigned)r_uint(t, pn, F_SMB_SEARCH_COUNT, p, 2);
			r_uint(t, pn, F_SMB_END_OF_SEARCH, p, 2);
			r_uint(t, pn, F_SMB_EA_ERROR_OFFSET, p, 2);
			r_uint(t, pn, F_SMB_LAST_NAME_OFFSET, p, 2);
			break;
		case T2_QUERY_PATH_INFO: case T2_QUERY_FILE_INFO:
		case T2_SET_PATH_INFO: case T2_SET_FILE_INFO:
			r_uint(t, pn, F_SMB_EA_ERROR_OFFSET, p, 2);
			break;
		default:
			break;
		}
		cur_seek(b, p->end);
	}
	pad_to(d, body, b, h, x->doff);
	if (!x->dc)
		return;
	struct node *dn = t_text(t, body, cur_pos(dd), x->dc, "%s Data", t2_name(sub));
	switch (sub) {
	case T2_FIND_FIRST2: case T2_FIND_NEXT2:
		smb1_find_data(d, dn, dd, h, level, count, resume);
		break;
	case T2_QUERY_FS_INFO:
		smb1_qfs_data(d, dn, dd, h, level);
		break;
	case T2_QUERY_PATH_INFO: case T2_QUERY_FILE_INFO:
		smb1_qpi_data(d, dn, dd, h, level);
		break;
	case T2_SET_PATH_INFO: case T2_SET_FILE_INFO:
		smb1_info_unknown(d, dn, dd);
		break;
	default:
		break;
	}
	dd->err = false;
	cur_seek(b, dd->end);
}

static void trans_common_rsp(struct dctx *d, struct node *body, struct cur *c,
			     struct smb1_hdr *h, bool t2)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct trans x = { 0 };
	struct cur w = smb1_words(d, body, c, &wct);

	if (t2 && h->req && h->req->has_subcmd) {
		const struct smb1_req *rq = h->req;
		uint32_t pos = cur_pos(c) - 1 - (uint32_t)wct * 2;
		if (rq->subcmd == T2_QUERY_FILE_INFO || rq->subcmd == T2_SET_FILE_INFO)
			dctx_summary_more(d, ", FID: 0x%04x", rq->fid);
		dctx_summary_more(d, ", %s", t2_name(rq->subcmd));
		struct node *sn = t_uint(t, body, F_SMB_TRANS2_CMD, pos, 0, rq->subcmd);
		int lf = rq->subcmd == T2_QUERY_FS_INFO ? F_SMB_QFSI_LOI
			 : rq->subcmd == T2_SET_FS_INFO ? F_SMB_SFSI_LOI
			 : rq->subcmd == T2_QUERY_PATH_INFO || rq->subcmd == T2_QUERY_FILE_INFO ? F_SMB_QPI_LOI
			 : rq->subcmd == T2_SET_PATH_INFO || rq->subcmd == T2_SET_FILE_INFO ? F_SMB_SPI_LOI
			 : F_INVALID;
		if (lf != F_INVALID)
			t_uint(t, body, lf, pos, 0, rq->level)->flags |= N_GENERATED;
		/* the trans2.cmd node must precede WordCount, as Wireshark shows it */
		(void)sn;
	}
	if (wct) {
		r_uint(t, body, F_SMB_TPC, &w, 2);
		r_uint(t, body, F_SMB_TDC, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
		x.pc = (uint32_t)r_uint(t, body, F_SMB_PC, &w, 2);
		x.po = (uint32_t)r_uint(t, body, F_SMB_PO, &w, 2);
		r_uint(t, body, F_SMB_PD, &w, 2);
		x.dc = (uint32_t)r_uint(t, body, F_SMB_DC, &w, 2);
		x.doff = (uint32_t)r_uint(t, body, F_SMB_DATA_OFFSET, &w, 2);
		r_uint(t, body, F_SMB_DATA_DISP, &w, 2);
		x.sc = (uint8_t)r_uint(t, body, F_SMB_SC, &w, 1);
		r_bytes(t, body, F_SMB_RESERVED, &w, 1);
		cur_seek(c, w.off);
		w = cur_split(c, (size_t)x.sc * 2);
	}
	struct cur setup = w;
	struct cur b = smb1_bytes(d, body, c, &bcc);
	pad_to(d, body, &b, h, x.po);
	struct cur p = window(&b, h, x.po, x.pc);
	struct cur dd = window(&b, h, x.doff, x.dc);
	if (t2) {
		t2_rsp(d, body, &b, h, &p, &dd, &x);
	} else {
		if (x.pc)
			cur_seek(&b, p.end);
		pad_to(d, body, &b, h, x.doff);
		if (x.dc)
			cur_seek(&b, dd.end);
		bool pipe = h->req && h->req->extra[1];
		if (!pipe)
			trans_data_generic(d, body, &setup, x.sc, &p, &dd);
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_trans_rsp)
{
	trans_common_rsp(d, body, c, h, false);
}

SMB1_BODY(smb1_trans2_rsp)
{
	trans_common_rsp(d, body, c, h, true);
}

/* ---- NT_TRANSACT ---- */

/*
 * NT_TRANSACT_SECONDARY request (MS-CIFS 2.2.4.63): Reserved1 (3 bytes),
 * eight 32-bit counts, offsets and displacements, Reserved2 (1 byte). As
 * tshark 4.0 reads it: two bytes, not one, are skipped after the counts, so
 * its ByteCount is read one byte late (the high byte of the real one and
 * the first data byte), and nothing is shown after it (a count of 0 ends
 * the message, any other stops on an exception when it would reassemble).
 */
static void nttrans_secondary_req(struct dctx *d, struct node *body, struct cur *c)
{
	struct tctx *t = &d->t;

	r_bytes(t, body, F_SMB_RESERVED, c, 3);
	r_uint(t, body, F_SMB_TPC, c, 4);
	r_uint(t, body, F_SMB_TDC, c, 4);
	r_uint(t, body, F_SMB_PC, c, 4);
	r_uint(t, body, F_SMB_PO, c, 4);
	r_uint(t, body, F_SMB_PD, c, 4);
	r_uint(t, body, F_SMB_DC, c, 4);
	r_uint(t, body, F_SMB_DATA_OFFSET, c, 4);
	r_uint(t, body, F_SMB_DATA_DISP, c, 4);
	dctx_summary_more(d, " (secondary request)");
	cur_skip(c, 2);
	r_uint(t, body, F_SMB_BCC, c, 2);
	cur_seek(c, c->end);
}

SMB1_BODY(smb1_nttrans_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, fn = 0;
	struct trans x = { 0 };
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct && wct < 19) {
		cur_seek(c, w.start);
		nttrans_secondary_req(d, body, c);
		return;
	}
	if (wct) {
		r_uint(t, body, F_SMB_MSC, &w, 1);
		r_bytes(t, body, F_SMB_RESERVED, &w, 2);
		r_uint(t, body, F_SMB_TPC, &w, 4);
		r_uint(t, body, F_SMB_TDC, &w, 4);
		r_uint(t, body, F_SMB_MPC, &w, 4);
		r_uint(t, body, F_SMB_MDC, &w, 4);
		x.pc = (uint32_t)r_uint(t, body, F_SMB_PC, &w, 4);
		x.po = (uint32_t)r_uint(t, body, F_SMB_PO, &w, 4);
		x.dc = (uint32_t)r_uint(t, body, F_SMB_DC, &w, 4);
		x.doff = (uint32_t)r_uint(t, body, F_SMB_DATA_OFFSET, &w, 4);
		x.sc = (uint8_t)r_uint(t, body, F_SMB_SC, &w, 1);
		fn = (uint16_t)r_uint(t, body, F_SMB_NT_FUNCTION, &w, 2);
		const char *fname = val_lookup(field_vals(field_get(F_SMB_NT_FUNCTION)), fn);
		dctx_summary_more(d, ", %s", fname ? fname : "Unknown");
		if (fn == NT_IOCTL && x.sc >= 2) {
			const uint8_t *p = cur_peek(&w, 4);
			if (p && (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24))
				smb2_ctl_code_summary(d, (uint32_t)(p[0] | p[1] << 8 | p[2] << 16) |
						      (uint32_t)p[3] << 24);
		}
		if (x.sc) {
			struct node *sn = t_text(t, body, cur_pos(&w), (uint32_t)x.sc * 2,
						 "%s Setup", fname ? fname : "Unknown");
			struct cur s = cur_split(&w, (size_t)x.sc * 2);
			switch (fn) {
			case 4: /* NOTIFY */
				r_bitmask(t, sn, F_SMB_NT_NOTIFY_COMPLETION_FILTER, &s, 4, notify_subs);
				smb1_fid(d, sn, &s);
				r_uint(t, sn, F_SMB_NT_NOTIFY_WATCH_TREE, &s, 1);
				r_bytes(t, sn, F_SMB_RESERVED, &s, 1);
				break;
			case NT_IOCTL: {
				static const int ioctl_flag_subs[] = {
					F_SMB_NT_IOCTL_FLAGS_ROOT_HANDLE, F_INVALID
				};
				uint32_t pos = cur_pos(&s);
				uint32_t code = cur_le32(&s);
				if (!s.err)
					smb2_ctl_code_node(t, sn, pos, code);
				smb1_fid(d, sn, &s);
				r_uint(t, sn, F_SMB_NT_IOCTL_ISFSCTL, &s, 1);
				r_bitmask(t, sn, F_SMB_NT_IOCTL_COMPLETION_FILTER, &s, 1,
					  ioctl_flag_subs);
				break;
			}
			default:
				break;
			}
		}
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	pad_to(d, body, &b, h, x.po);
	if (x.pc) {
		struct cur p = window(&b, h, x.po, x.pc);
		if (fn == NT_QUERY_SECURITY_DESC) {
			static const int qsd_subs[] = {
				F_SMB_NT_QSD_OWNER, F_SMB_NT_QSD_GROUP, F_SMB_NT_QSD_DACL,
				F_SMB_NT_QSD_SACL, F_INVALID
			};
			struct cur q = p;
			struct node *pn = t_text(t, body, cur_pos(&q), (uint32_t)cur_left(&q),
						 "NT QUERY SECURITY DESC Parameters");
			smb1_fid(d, pn, &q);
			r_bytes(t, pn, F_SMB_RESERVED, &q, 2);
			r_bitmask(t, pn, F_SMB_NT_QSD, &q, 4, qsd_subs);
		}
		cur_seek(&b, p.end);
	}
	pad_to(d, body, &b, h, x.doff);
	if (x.dc) {
		struct cur dd = window(&b, h, x.doff, x.dc);
		cur_seek(&b, dd.end);
	}
	smb1_extra(d, body, &b);
}

/* NOTIFY response parameters: FILE_NOTIFY_INFORMATION entries (MS-FSCC
 * 2.4.42), chained by NextEntryOffset from each entry's start. */
static void notify_changes(struct dctx *d, struct node *body, struct cur *p,
			   const struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	struct node *pn = t_text(t, body, cur_pos(p), (uint32_t)cur_left(p),
				 "NT NOTIFY Parameters");

	for (unsigned i = 0; i < 4096 && cur_left(p) >= 12; i++) {
		size_t start = p->off;
		uint32_t next = (uint32_t)r_uint(t, pn, F_SMB_NEXT_ENTRY_OFFSET, p, 4);
		r_uint(t, pn, F_SMB_NT_NOTIFY_ACTION, p, 4);
		uint32_t len = (uint32_t)r_uint(t, pn, F_SMB_FILE_NAME_LEN, p, 4);
		if (len > cur_left(p))
			len = (uint32_t)cur_left(p);
		if (len)
			(h->unicode ? r_utf16 : r_ascii)(t, pn, F_SMB_FILE, p, len);
		if (!next || next < p->off - start || !cur_seek(p, start + next))
			break;
	}
}

SMB1_BODY(smb1_nttrans_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct trans x = { 0 };
	const struct smb1_req *rq = h->req && h->req->has_subcmd ? h->req : NULL;

	if (rq) {
		t_uint(t, body, F_SMB_NT_FUNCTION, cur_pos(c), 0, rq->subcmd);
		const char *fname = val_lookup(field_vals(field_get(F_SMB_NT_FUNCTION)), rq->subcmd);
		if (rq->has_fid)
			dctx_summary_more(d, ", FID: 0x%04x", rq->fid);
		dctx_summary_more(d, ", %s", fname ? fname : "Unknown");
	}
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		r_bytes(t, body, F_SMB_RESERVED, &w, 3);
		r_uint(t, body, F_SMB_TPC, &w, 4);
		r_uint(t, body, F_SMB_TDC, &w, 4);
		x.pc = (uint32_t)r_uint(t, body, F_SMB_PC, &w, 4);
		x.po = (uint32_t)r_uint(t, body, F_SMB_PO, &w, 4);
		r_uint(t, body, F_SMB_PD, &w, 4);
		x.dc = (uint32_t)r_uint(t, body, F_SMB_DC, &w, 4);
		x.doff = (uint32_t)r_uint(t, body, F_SMB_DATA_OFFSET, &w, 4);
		r_uint(t, body, F_SMB_DATA_DISP, &w, 4);
		x.sc = (uint8_t)r_uint(t, body, F_SMB_SC, &w, 1);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	bool qsd = rq && rq->subcmd == NT_QUERY_SECURITY_DESC;
	pad_to(d, body, &b, h, x.po);
	if (x.pc) {
		struct cur p = window(&b, h, x.po, x.pc);
		if (qsd) {
			struct node *pn = t_text(t, body, cur_pos(&p), (uint32_t)cur_left(&p),
						 "NT QUERY SECURITY DESC Parameters");
			r_uint(t, pn, F_SMB_SEC_DESC_LEN, &p, 4);
		} else if (rq && rq->subcmd == NT_NOTIFY) {
			struct cur q = p;
			notify_changes(d, body, &q, h);
		}
		cur_seek(&b, p.end);
	}
	pad_to(d, body, &b, h, x.doff);
	if (x.dc) {
		struct cur dd = window(&b, h, x.doff, x.dc);
		if (qsd && cur_left(&dd)) {
			struct node *dn = t_text(t, body, cur_pos(&dd), (uint32_t)cur_left(&dd),
						 "NT QUERY SECURITY DESC Data");
			uintptr_t kind = rq->has_fid ? (uintptr_t)hmap_get(&d->trace->smb1_fids,
						smb1_fid_key(d->pdu->stream, rq->fid)) : 0;
			struct cur sd = dd;
			secdesc_dissect_rights(d, dn, &sd, kind == 2 ? SD_RIGHTS_DIR
						: kind == 1 ? SD_RIGHTS_FILE : SD_RIGHTS_NT);
		}
		cur_seek(&b, dd.end);
	}
	smb1_extra(d, body, &b);
}

/* ---- index: what responses need from their request ---- */

static char *index_string(struct arena *a, struct cur *b, bool unicode)
{
	const uint8_t *p = b->buf + b->off;
	size_t left = cur_left(b), n = 0;

	if (unicode) {
		while (n + 1 < left && (p[n] || p[n + 1]))
			n += 2;
		return str_utf16le(a, p, n);
	}
	while (n < left && p[n])
		n++;
	return str_ascii(a, p, n);
}

void smb1_index_req(struct arena *a, struct smb1_req *rq, struct cur *c,
		    const struct smb1_hdr *h)
{
	uint8_t wct = cur_u8(c);
	struct cur w = cur_split(c, (size_t)wct * 2);
	uint16_t bcc = cur_le16(c);
	struct cur b = cur_split(c, bcc);

	if (c->err)
		return;
	switch (h->cmd) {
	case 0x04: case 0x05: case 0x23: case 0x0a: case 0x0b:
		rq->fid = cur_le16(&w);
		rq->has_fid = !w.err;
		break;
	case 0x24: case 0x2e: case 0x2f:
		cur_skip(&w, 4);
		rq->fid = cur_le16(&w);
		rq->has_fid = !w.err;
		break;
	case 0x25: { /* TRANS: remember whether the name is a pipe/mailslot */
		if (wct < 14)
			break;
		size_t at = b.off;
		if (h->unicode && ((at - h->off) & 1))
			cur_skip(&b, 1);
		char *name = index_string(a, &b, h->unicode);
		rq->filename = name;
		rq->extra[1] = !strncmp(name, "\\PIPE\\", 6) || !strncmp(name, "\\MAILSLOT\\", 10);
		break;
	}
	case 0x32: {
		if (wct < 15)
			break;
		cur_skip(&w, 18);
		uint16_t pc = cur_le16(&w), po = cur_le16(&w);
		cur_skip(&w, 4);
		uint8_t sc = cur_u8(&w);
		cur_skip(&w, 1);
		if (!sc || w.err)
			break;
		rq->subcmd = cur_le16(&w);
		rq->has_subcmd = !w.err;
		struct cur p = cur_sub(&b, h->off + po, pc);
		if (p.err && cur_left(&p) == 0)
			break;
		switch (rq->subcmd) {
		case T2_FIND_FIRST2:
			cur_skip(&p, 4);
			rq->extra[0] = (uint8_t)cur_le16(&p);
			rq->level = cur_le16(&p);
			break;
		case T2_FIND_NEXT2:
			cur_skip(&p, 4);
			rq->level = cur_le16(&p);
			cur_skip(&p, 4);
			rq->extra[0] = (uint8_t)cur_le16(&p);
			break;
		case T2_QUERY_FS_INFO: case T2_QUERY_PATH_INFO: case T2_SET_PATH_INFO:
			rq->level = cur_le16(&p);
			break;
		case T2_SET_FS_INFO:
			cur_skip(&p, 2);
			rq->level = cur_le16(&p);
			break;
		case T2_QUERY_FILE_INFO: case T2_SET_FILE_INFO:
			rq->fid = cur_le16(&p);
			rq->has_fid = !p.err;
			rq->level = cur_le16(&p);
			break;
		default:
			break;
		}
		break;
	}
	case 0xa0: { /* NT_TRANSACT: the function, and the FID of the
		      * security-descriptor calls */
		if (wct < 19)
			break;
		cur_skip(&w, 19);
		uint32_t pc = cur_le32(&w), po = cur_le32(&w);
		cur_skip(&w, 9);
		rq->subcmd = cur_le16(&w);
		rq->has_subcmd = !w.err;
		if (rq->has_subcmd && (rq->subcmd == NT_IOCTL || rq->subcmd == NT_NOTIFY)) {
			cur_skip(&w, 4); /* setup: function code / completion filter */
			rq->fid = cur_le16(&w);
			rq->has_fid = !w.err;
		} else if (rq->has_subcmd && (rq->subcmd == NT_QUERY_SECURITY_DESC ||
				       rq->subcmd == NT_SET_SECURITY_DESC) && pc >= 2 &&
		    po <= 0xffff) {
			struct cur p = cur_sub(&b, h->off + po, 2);
			rq->fid = cur_le16(&p);
			rq->has_fid = !p.err;
		}
		break;
	}
	default:
		break;
	}
}
