/*
 * ntlm_keys.c - NTLM session keys from a password, MS-NLMP 3.3 and 3.4.
 *
 *   NTOWFv1 = MD4(UNICODE(Passwd))
 *   LMOWFv1 = DES(UPPER(Passwd)[0..7], "KGS!@#$%") || DES([7..14], ...)
 *   NTOWFv2 = HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) || UserDom))
 *   NTLMv2:  NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge || temp)
 *            SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr) = KeyExchangeKey
 *   NTLMv1:  NtResponse = DESL(NTOWFv1, ServerChallenge), or with extended
 *            session security DESL(NTOWFv1, MD5(SC || CC)[0..8])
 *            SessionBaseKey = MD4(NTOWFv1); KeyExchangeKey (3.4.5.1) =
 *            HMAC_MD5(SessionBaseKey, SC || LmResponse[0..8]) with ESS,
 *            the LM key with NEGOTIATE_LM_KEY, LMOWFv1[0..8] with
 *            NON_NT_SESSION_KEY, else SessionBaseKey.
 *   KEY_EXCH: ExportedSessionKey = RC4(KeyExchangeKey,
 *            EncryptedRandomSessionKey); else it is the KeyExchangeKey.
 */
#include "smb_crypto.h"

#include "nettlelib.h"
#include <string.h>

#define NTLM_LM_KEY 0x00000080u
#define NTLM_ESS 0x00080000u
#define NTLM_NON_NT_SESSION_KEY 0x00400000u
#define NTLM_KEY_EXCH 0x40000000u

#define MAX_PW_UNITS 256

/* UTF-8 to UTF-16LE (BMP and surrogate pairs; bad bytes become U+FFFD).
 * Returns the byte length written (at most cap). */
static size_t utf8_to_utf16le(const char *s, uint8_t *out, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = 0;

	while (*p && n + 4 <= cap) {
		uint32_t cp;
		unsigned extra;
		if (*p < 0x80) {
			cp = *p;
			extra = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1fu;
			extra = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0fu;
			extra = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07u;
			extra = 3;
		} else {
			cp = 0xfffd;
			extra = 0;
		}
		p++;
		for (unsigned i = 0; i < extra; i++) {
			if ((*p & 0xc0) != 0x80) {
				cp = 0xfffd;
				break;
			}
			cp = cp << 6 | (*p++ & 0x3fu);
		}
		if (cp >= 0x10000 && cp <= 0x10ffff) {
			cp -= 0x10000;
			uint32_t hi = 0xd800 + (cp >> 10), lo = 0xdc00 + (cp & 0x3ff);
			out[n++] = (uint8_t)hi;
			out[n++] = (uint8_t)(hi >> 8);
			out[n++] = (uint8_t)lo;
			out[n++] = (uint8_t)(lo >> 8);
			continue;
		}
		if (cp > 0xffff)
			cp = 0xfffd;
		out[n++] = (uint8_t)cp;
		out[n++] = (uint8_t)(cp >> 8);
	}
	return n;
}

static uint16_t upcase16(uint16_t u)
{
	if ((u >= 'a' && u <= 'z') || (u >= 0xe0 && u <= 0xfe && u != 0xf7))
		return (uint16_t)(u - 0x20);
	return u;
}

void ntlm_ntowfv1(const char *password, uint8_t out[16])
{
	uint8_t u[MAX_PW_UNITS * 2];
	size_t n = utf8_to_utf16le(password, u, sizeof(u));
	struct md4_ctx m;

	md4_init(&m);
	md4_update(&m, n, u);
	md4_digest(&m, 16, out);
}

/* 7-byte key to a DES key with the parity bit positions. */
static void des7(const uint8_t k7[7], const uint8_t in[8], uint8_t out[8])
{
	uint8_t k[8];
	struct des_ctx d;

	k[0] = k7[0] >> 1;
	k[1] = (uint8_t)((k7[0] & 0x01) << 6 | k7[1] >> 2);
	k[2] = (uint8_t)((k7[1] & 0x03) << 5 | k7[2] >> 3);
	k[3] = (uint8_t)((k7[2] & 0x07) << 4 | k7[3] >> 4);
	k[4] = (uint8_t)((k7[3] & 0x0f) << 3 | k7[4] >> 5);
	k[5] = (uint8_t)((k7[4] & 0x1f) << 2 | k7[5] >> 6);
	k[6] = (uint8_t)((k7[5] & 0x3f) << 1 | k7[6] >> 7);
	k[7] = k7[6] & 0x7f;
	for (int i = 0; i < 8; i++)
		k[i] = (uint8_t)(k[i] << 1);
	des_fix_parity(8, k, k);
	(void)des_set_key(&d, k); /* weak keys still encrypt: result ignored */
	des_encrypt(&d, 8, out, in);
}

void ntlm_lmowfv1(const char *password, uint8_t out[16])
{
	static const uint8_t magic[8] = { 'K', 'G', 'S', '!', '@', '#', '$', '%' };
	uint8_t pw[14] = { 0 };

	for (size_t i = 0; i < 14 && password[i]; i++) {
		uint8_t ch = (uint8_t)password[i];
		pw[i] = ch >= 'a' && ch <= 'z' ? (uint8_t)(ch - 0x20) : ch;
	}
	des7(pw, magic, out);
	des7(pw + 7, magic, out + 8);
}

void ntlm_ntowfv2(const uint8_t ntowf1[16], const uint8_t *user,
		  size_t user_len, const uint8_t *domain, size_t domain_len,
		  uint8_t out[16])
{
	struct hmac_md5_ctx h;

	hmac_md5_set_key(&h, 16, ntowf1);
	for (size_t i = 0; i + 1 < user_len; i += 2) {
		uint16_t u = upcase16((uint16_t)(user[i] | user[i + 1] << 8));
		uint8_t b[2] = { (uint8_t)u, (uint8_t)(u >> 8) };
		hmac_md5_update(&h, 2, b);
	}
	hmac_md5_update(&h, domain_len, domain);
	hmac_md5_digest(&h, 16, out);
}

void ntlm_desl(const uint8_t k[16], const uint8_t d[8], uint8_t out[24])
{
	uint8_t k3[7] = { k[14], k[15], 0, 0, 0, 0, 0 };

	des7(k, d, out);
	des7(k + 7, d, out + 8);
	des7(k3, d, out + 16);
}

static void hmac_md5(const uint8_t key[16], const uint8_t *a, size_t alen,
		     const uint8_t *b, size_t blen, uint8_t out[16])
{
	struct hmac_md5_ctx h;

	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, alen, a);
	hmac_md5_update(&h, blen, b);
	hmac_md5_digest(&h, 16, out);
}

/* NTLMv1 KeyExchangeKey and the proof; returns 1 right, 0 wrong. */
static int ntlm_v1(const struct ntlm_exchange *x, const char *password,
		   const uint8_t ntowf[16], uint8_t kek[16])
{
	uint8_t base[16], resp[24];
	struct md4_ctx m4;

	md4_init(&m4);
	md4_update(&m4, 16, ntowf);
	md4_digest(&m4, 16, base);
	if (x->flags & NTLM_ESS && x->lm_len >= 8) {
		struct md5_ctx m5;
		uint8_t h[16];
		md5_init(&m5);
		md5_update(&m5, 8, x->server_challenge);
		md5_update(&m5, 8, x->lm_resp);
		md5_digest(&m5, 16, h);
		ntlm_desl(ntowf, h, resp);
		hmac_md5(base, x->server_challenge, 8, x->lm_resp, 8, kek);
	} else {
		ntlm_desl(ntowf, x->server_challenge, resp);
		uint8_t lmowf[16];
		ntlm_lmowfv1(password, lmowf);
		if (x->flags & NTLM_LM_KEY && x->lm_len >= 8) {
			uint8_t k2[7] = { lmowf[7], 0xbd, 0xbd, 0xbd, 0xbd, 0xbd, 0xbd };
			des7(lmowf, x->lm_resp, kek);
			des7(k2, x->lm_resp, kek + 8);
		} else if (x->flags & NTLM_NON_NT_SESSION_KEY) {
			memcpy(kek, lmowf, 8);
			memset(kek + 8, 0, 8);
		} else {
			memcpy(kek, base, 16);
		}
	}
	return memcmp(resp, x->nt_resp, 24) == 0;
}

int ntlm_session_key(const struct ntlm_exchange *x, const char *password,
		     uint8_t key[16])
{
	uint8_t ntowf[16], kek[16];
	int ok;

	memset(key, 0, 16);
	if (!x->nt_resp || x->nt_len < 24)
		return -1;
	ntlm_ntowfv1(password, ntowf);
	if (x->nt_len > 24) {
		uint8_t v2[16], proof[16];
		ntlm_ntowfv2(ntowf, x->user, x->user_len, x->domain, x->domain_len, v2);
		hmac_md5(v2, x->server_challenge, 8, x->nt_resp + 16, x->nt_len - 16, proof);
		ok = memcmp(proof, x->nt_resp, 16) == 0;
		hmac_md5(v2, proof, 16, NULL, 0, kek);
	} else {
		ok = ntlm_v1(x, password, ntowf, kek);
	}
	if (x->flags & NTLM_KEY_EXCH && x->enc_key && x->enc_key_len == 16) {
		struct arcfour_ctx rc4;
		arcfour_set_key(&rc4, 16, kek);
		arcfour_crypt(&rc4, 16, key, x->enc_key);
	} else {
		memcpy(key, kek, 16);
	}
	return ok;
}

/* Field header Len(2) MaxLen(2) Offset(4) at msg[at]; NULL when it does
 * not fit in the message. */
static const uint8_t *field(const uint8_t *msg, size_t len, size_t at,
			    size_t *flen)
{
	*flen = 0;
	if (at + 8 > len)
		return NULL;
	size_t l = (size_t)(msg[at] | msg[at + 1] << 8);
	size_t o = (size_t)msg[at + 4] | (size_t)msg[at + 5] << 8 |
		   (size_t)msg[at + 6] << 16 | (size_t)msg[at + 7] << 24;
	if (o > len || l > len - o)
		return NULL;
	*flen = l;
	return l ? msg + o : NULL;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int ntlm_parse(const uint8_t *blob, size_t len, struct ntlm_exchange *x)
{
	static const uint8_t sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
	const uint8_t *msg = NULL;

	for (size_t i = 0; i + 12 <= len; i++)
		if (blob[i] == 'N' && memcmp(blob + i, sig, 8) == 0) {
			msg = blob + i;
			len -= i;
			break;
		}
	if (!msg)
		return 0;
	uint32_t type = le32(msg + 8);
	if (type == 2) {
		if (len < 32)
			return 0;
		memcpy(x->server_challenge, msg + 24, 8);
		return 2;
	}
	if (type != 3 || len < 52)
		return 0;
	x->lm_resp = field(msg, len, 12, &x->lm_len);
	x->nt_resp = field(msg, len, 20, &x->nt_len);
	x->domain = field(msg, len, 28, &x->domain_len);
	x->user = field(msg, len, 36, &x->user_len);
	/* The key and flags exist when the payload starts after them. */
	size_t first = len;
	for (size_t at = 12; at <= 44; at += 8) {
		size_t l = (size_t)(msg[at] | msg[at + 1] << 8);
		size_t o = le32(msg + at + 4);
		if (l && o < first)
			first = o;
	}
	x->enc_key = NULL;
	x->enc_key_len = 0;
	x->flags = 0;
	if (first >= 60 && len >= 60)
		x->enc_key = field(msg, len, 52, &x->enc_key_len);
	if (first >= 64 && len >= 64)
		x->flags = le32(msg + 60);
	return 3;
}

bool ntlm_user_matches(const char *utf8, const uint8_t *u16, size_t u16len)
{
	uint8_t u[MAX_PW_UNITS * 2];
	size_t n = utf8_to_utf16le(utf8, u, sizeof(u));

	if (n != u16len)
		return false;
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint16_t a = (uint16_t)(u[i] | u[i + 1] << 8);
		uint16_t b = (uint16_t)(u16[i] | u16[i + 1] << 8);
		if (upcase16(a) != upcase16(b))
			return false;
	}
	return true;
}
