/*
 * smb1_negotiate.c - session commands (MS-CIFS 2.2.4.52 NEGOTIATE, 2.2.4.53
 * SESSION_SETUP_ANDX, 2.2.4.55 TREE_CONNECT_ANDX, 2.2.4.54 LOGOFF_ANDX,
 * 2.2.4.39 ECHO; MS-SMB 2.2.4.5/2.2.4.6/2.2.4.7 extensions).
 *
 * NEGOTIATE responses come in three shapes told apart by WordCount:
 *   1  core: DialectIndex only
 *  13  LANMAN 1.0/2.x: 16-bit SecurityMode, MaxBufferSize, MaxMpxCount,
 *      MaxNumberVcs, RawMode, SessionKey, DOS time+date, TimeZone,
 *      EncryptionKeyLength, reserved; bytes: EncryptionKey, PrimaryDomain
 *  17  NT LM 0.12: 8-bit SecurityMode, MaxMpxCount, MaxNumberVcs,
 *      MaxBufferSize, MaxRawSize, SessionKey, Capabilities, SystemTime,
 *      ServerTimeZone, ChallengeLength; bytes: either ServerGUID + security
 *      blob (CAP_EXTENDED_SECURITY) or Challenge, DomainName, ServerName.
 * SESSION_SETUP_ANDX requests: 10 words LANMAN, 12 extended security,
 * 13 NT LM 0.12 with ANSI/Unicode passwords.
 */
#include "smb1.h"

#include <stdio.h>

#include "wirestr.h"

#define CAP_UNICODE 0x00000004
#define CAP_EXTENDED_SECURITY 0x80000000

static const int cap_subs[] = {
	F_SMB_SERVER_CAP_RAW_MODE, F_SMB_SERVER_CAP_MPX_MODE,
	F_SMB_SERVER_CAP_UNICODE, F_SMB_SERVER_CAP_LARGE_FILES,
	F_SMB_SERVER_CAP_NT_SMBS, F_SMB_SERVER_CAP_RPC_REMOTE_APIS,
	F_SMB_SERVER_CAP_NT_STATUS, F_SMB_SERVER_CAP_LEVEL_2_OPLOCKS,
	F_SMB_SERVER_CAP_LOCK_AND_READ, F_SMB_SERVER_CAP_NT_FIND,
	F_SMB_SERVER_CAP_DFS, F_SMB_SERVER_CAP_INFOLEVEL_PASSTHRU,
	F_SMB_SERVER_CAP_LARGE_READX, F_SMB_SERVER_CAP_LARGE_WRITEX,
	F_SMB_SERVER_CAP_LWIO, F_SMB_SERVER_CAP_UNIX,
	F_SMB_SERVER_CAP_COMPRESSED_DATA, F_SMB_SERVER_CAP_DYNAMIC_REAUTH,
	F_SMB_SERVER_CAP_EXTENDED_SECURITY, F_INVALID
};

static const int sm16_subs[] = { F_SMB_SM_MODE, F_SMB_SM_PASSWORD, F_INVALID };
static const int sm8_subs[] = {
	F_SMB_SM_MODE, F_SMB_SM_PASSWORD, F_SMB_SM_SIGNATURES,
	F_SMB_SM_SIG_REQUIRED, F_INVALID
};
static const int rm_subs[] = { F_SMB_RM_READ, F_SMB_RM_WRITE, F_INVALID };
static const int action_subs[] = { F_SMB_SETUP_ACTION_GUEST, F_INVALID };
static const int tcon_flags_subs[] = {
	F_SMB_CONNECT_FLAGS_DTID, F_SMB_CONNECT_FLAGS_EXTENDEDSIG,
	F_SMB_CONNECT_FLAGS_EXTENDEDRESP, F_INVALID
};
static const int tcon_support_subs[] = {
	F_SMB_CONNECT_SUPPORT_SEARCH, F_SMB_CONNECT_SUPPORT_DFS,
	F_SMB_CONNECT_SUPPORT_CSCMASK, F_SMB_CONNECT_SUPPORT_UNIQFILENAME,
	F_SMB_CONNECT_SUPPORT_EXTENDEDSIG, F_INVALID
};

SMB1_BODY(smb1_negprot_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;

	(void)h;
	smb1_words(d, body, c, &wct);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (!bcc)
		return;
	struct node *list = t_text(t, body, cur_pos(&b), 0, "Requested Dialects");
	for (unsigned i = 0; cur_left(&b) && i < 256; i++) {
		uint32_t pos = cur_pos(&b);
		struct node *dn = t_string(t, list, F_SMB_DIALECT, pos, 0, "");
		r_uint(t, dn, F_SMB_BUFFER_FORMAT, &b, 1);
		const char *s = r_stringz(t, dn, F_SMB_DIALECT_NAME, &b, 0);
		dn->size = cur_pos(&b) - pos;
		dn->show = s;
		dn->label = arena_printf(t->a, "Dialect: %s", s);
	}
}

/* Security mode as one byte (NT LM 0.12), shown "0x07". */
static void sm8(struct dctx *d, struct node *body, struct cur *w)
{
	uint32_t pos = cur_pos(w);
	uint8_t v = cur_u8(w);
	char show[8];

	if (w->err)
		return;
	snprintf(show, sizeof(show), "0x%02x", v);
	struct node *n = t_custom(&d->t, body, F_SMB_SM, pos, 1, show, NULL);
	t_bitmask_subs(&d->t, n, pos, 1, v, sm8_subs);
}

static void negprot_lanman(struct dctx *d, struct node *body, struct cur *c,
			   struct cur *w, const struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	uint16_t bcc;

	r_bitmask(t, body, F_SMB_SM, w, 2, sm16_subs);
	r_uint(t, body, F_SMB_MAX_BUFSIZE, w, 2);
	r_uint(t, body, F_SMB_MAX_MPX_COUNT, w, 2);
	r_uint(t, body, F_SMB_MAX_VCS, w, 2);
	r_bitmask(t, body, F_SMB_RM, w, 2, rm_subs);
	r_uint(t, body, F_SMB_SESSION_KEY, w, 4);
	smb1_dos_datetime(d, body, F_SMB_SERVER_DATE_TIME,
			  F_SMB_SERVER_DATE_TIME_SMB_DATE,
			  F_SMB_SERVER_DATE_TIME_SMB_TIME, w, true);
	uint32_t pos = cur_pos(w);
	int16_t tz = (int16_t)cur_le16(w);
	if (!w->err)
		t_int(t, body, F_SMB_SERVER_TIMEZONE, pos, 2, tz);
	uint16_t ekl = (uint16_t)r_uint(t, body, F_SMB_CHALLENGE_LENGTH, w, 2);
	r_bytes(t, body, F_SMB_RESERVED, w, 2);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (ekl && cur_left(&b))
		r_bytes(t, body, F_SMB_CHALLENGE, &b, ekl < cur_left(&b) ? ekl : cur_left(&b));
	if (cur_left(&b))
		smb1_string(d, body, F_SMB_PRIMARY_DOMAIN, &b, h, h->unicode, false);
	smb1_extra(d, body, &b);
}

static void negprot_nt(struct dctx *d, struct node *body, struct cur *c,
		       struct cur *w, const struct smb1_hdr *h)
{
	struct tctx *t = &d->t;
	uint16_t bcc;

	sm8(d, body, w);
	r_uint(t, body, F_SMB_MAX_MPX_COUNT, w, 2);
	r_uint(t, body, F_SMB_MAX_VCS, w, 2);
	r_uint(t, body, F_SMB_MAX_BUFSIZE, w, 4);
	r_uint(t, body, F_SMB_MAX_RAW, w, 4);
	r_uint(t, body, F_SMB_SESSION_KEY, w, 4);
	uint32_t caps = (uint32_t)r_bitmask(t, body, F_SMB_SERVER_CAP, w, 4, cap_subs);
	r_filetime(t, body, F_SMB_SYSTEM_TIME, w);
	uint32_t pos = cur_pos(w);
	int16_t tz = (int16_t)cur_le16(w);
	if (!w->err)
		t_int(t, body, F_SMB_SERVER_TIMEZONE, pos, 2, tz);
	uint8_t ekl = (uint8_t)r_uint(t, body, F_SMB_CHALLENGE_LENGTH, w, 1);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (caps & CAP_EXTENDED_SECURITY) {
		if (cur_left(&b) >= 16) {
			/* Wireshark shows this GUID in wire (big-endian) order. */
			uint32_t pos = cur_pos(&b);
			const uint8_t *g = cur_take(&b, 16);
			char s[37];
			snprintf(s, sizeof(s), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
				 g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9],
				 g[10], g[11], g[12], g[13], g[14], g[15]);
			t_custom(t, body, F_SMB_SERVER_GUID, pos, 16, arena_strdup(t->a, s), NULL);
		}
		smb1_blob(d, body, &b, cur_left(&b));
		return;
	}
	if (ekl && cur_left(&b))
		r_bytes(t, body, F_SMB_CHALLENGE, &b, ekl < cur_left(&b) ? ekl : cur_left(&b));
	bool uni = caps & CAP_UNICODE;
	if (cur_left(&b))
		smb1_string(d, body, F_SMB_PRIMARY_DOMAIN, &b, h, uni, true);
	if (cur_left(&b))
		smb1_string(d, body, F_SMB_SERVER, &b, h, uni, true);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_negprot_rsp)
{
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct)
		r_uint(&d->t, body, F_SMB_DIALECT_INDEX, &w, 2);
	if (wct == 13) {
		negprot_lanman(d, body, c, &w, h);
	} else if (wct == 17) {
		negprot_nt(d, body, c, &w, h);
	} else {
		struct cur b = smb1_bytes(d, body, c, &bcc);
		smb1_extra(d, body, &b);
	}
}

/* Native OS, Native LAN Manager and (optionally) Primary Domain. */
static void native_strings(struct dctx *d, struct node *body, struct cur *b,
			   const struct smb1_hdr *h, bool domain)
{
	if (cur_left(b))
		smb1_string(d, body, F_SMB_NATIVE_OS, b, h, h->unicode, false);
	if (cur_left(b))
		smb1_string(d, body, F_SMB_NATIVE_LANMAN, b, h, h->unicode, false);
	if (domain && cur_left(b))
		smb1_string(d, body, F_SMB_PRIMARY_DOMAIN, b, h, h->unicode, false);
}

SMB1_BODY(smb1_sesssetup_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);
	uint16_t pwlen = 0, upwlen = 0, bloblen = 0;

	if (wct) {
		smb1_andx(d, body, &w, h);
		r_uint(t, body, F_SMB_MAX_BUF, &w, 2);
		r_uint(t, body, F_SMB_MAX_MPX_COUNT, &w, 2);
		r_uint(t, body, F_SMB_VC, &w, 2);
		r_uint(t, body, F_SMB_SESSION_KEY, &w, 4);
	}
	switch (wct) {
	case 10:
		pwlen = (uint16_t)r_uint(t, body, F_SMB_PWLEN, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 4);
		break;
	case 12:
		bloblen = (uint16_t)r_uint(t, body, F_SMB_SECURITY_BLOB_LEN, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 4);
		r_bitmask(t, body, F_SMB_SERVER_CAP, &w, 4, cap_subs);
		break;
	case 13:
		pwlen = (uint16_t)r_uint(t, body, F_SMB_ANSI_PWLEN, &w, 2);
		upwlen = (uint16_t)r_uint(t, body, F_SMB_UNICODE_PWLEN, &w, 2);
		r_bytes(t, body, F_SMB_RESERVED, &w, 4);
		r_bitmask(t, body, F_SMB_SERVER_CAP, &w, 4, cap_subs);
		break;
	default:
		break;
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (wct == 12) {
		smb1_blob(d, body, &b, bloblen);
		native_strings(d, body, &b, h, true);
	} else if (wct == 10 || wct == 13) {
		if (pwlen)
			r_bytes(t, body, wct == 10 ? F_SMB_PASSWORD : F_SMB_ANSI_PASSWORD,
				&b, pwlen);
		if (upwlen)
			r_bytes(t, body, F_SMB_UNICODE_PASSWORD, &b, upwlen);
		const char *acct = "", *dom = "";
		if (cur_left(&b))
			acct = smb1_string(d, body, F_SMB_ACCOUNT, &b, h, h->unicode, false);
		if (cur_left(&b))
			dom = smb1_string(d, body, F_SMB_PRIMARY_DOMAIN, &b, h, h->unicode, false);
		native_strings(d, body, &b, h, false);
		if (*acct)
			dctx_summary_more(d, ", User: %s\\%s", dom, acct);
	}
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_sesssetup_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, bloblen = 0;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		r_bitmask(t, body, F_SMB_SETUP_ACTION, &w, 2, action_subs);
	}
	if (wct == 4)
		bloblen = (uint16_t)r_uint(t, body, F_SMB_SECURITY_BLOB_LEN, &w, 2);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (wct == 4)
		smb1_blob(d, body, &b, bloblen);
	if (wct)
		native_strings(d, body, &b, h, true);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_tcon_andx_req)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc, pwlen = 0;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct) {
		smb1_andx(d, body, &w, h);
		r_bitmask(t, body, F_SMB_CONNECT_FLAGS, &w, 2, tcon_flags_subs);
		pwlen = (uint16_t)r_uint(t, body, F_SMB_PWLEN, &w, 2);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (pwlen)
		r_bytes(t, body, F_SMB_PASSWORD, &b, pwlen < cur_left(&b) ? pwlen : cur_left(&b));
	if (cur_left(&b)) {
		const char *path = smb1_string(d, body, F_SMB_PATH, &b, h, h->unicode, false);
		dctx_summary_more(d, ", Path: %s", path);
	}
	if (cur_left(&b))
		smb1_string(d, body, F_SMB_SERVICE, &b, h, false, true);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_tcon_andx_rsp)
{
	struct tctx *t = &d->t;
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	if (wct)
		smb1_andx(d, body, &w, h);
	if (wct >= 3)
		r_bitmask(t, body, F_SMB_CONNECT_SUPPORT, &w, 2, tcon_support_subs);
	if (wct >= 7) {
		struct node *m = t_text(t, body, cur_pos(&w), 4, "Maximal Share Access Rights");
		smb1_access_mask(d, m, &w);
		m = t_text(t, body, cur_pos(&w), 4, "Guest Maximal Share Access Rights");
		smb1_access_mask(d, m, &w);
	}
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (cur_left(&b))
		smb1_string(d, body, F_SMB_SERVICE, &b, h, false, true);
	if (cur_left(&b))
		smb1_string(d, body, F_SMB_NATIVE_FS, &b, h, h->unicode, false);
	smb1_extra(d, body, &b);
}

SMB1_BODY(smb1_echo_req)
{
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct)
		r_uint(&d->t, body, F_SMB_ECHO_COUNT, &w, 2);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (bcc)
		r_bytes(&d->t, body, F_SMB_ECHO_DATA, &b, cur_left(&b));
}

SMB1_BODY(smb1_echo_rsp)
{
	uint8_t wct;
	uint16_t bcc;
	struct cur w = smb1_words(d, body, c, &wct);

	(void)h;
	if (wct)
		r_uint(&d->t, body, F_SMB_ECHO_SEQ_NUM, &w, 2);
	struct cur b = smb1_bytes(d, body, c, &bcc);
	if (bcc)
		r_bytes(&d->t, body, F_SMB_ECHO_DATA, &b, cur_left(&b));
}
