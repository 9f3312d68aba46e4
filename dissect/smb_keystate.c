/*
 * smb_keystate.c - per-trace key state (see smb_keystate.h).
 *
 * SMB2/3 (MS-SMB2 3.2.5.2, 3.2.5.3, 3.3.5.4, 3.3.5.5):
 *   NEGOTIATE request   connection preauth hash := 0, then hash(request)
 *   NEGOTIATE response  dialect, cipher (ENCRYPTION_CAPABILITIES), signing
 *                       algorithm (SIGNING_CAPABILITIES); hash(response)
 *   SESSION_SETUP req   SessionId 0: a new session's hash starts from the
 *                       connection's (kept per MessageId until the response
 *                       names the session); hash(request); NTLM AUTHENTICATE
 *                       -> session key from the passwords
 *   SESSION_SETUP rsp   MORE_PROCESSING_REQUIRED: hash(response), NTLM
 *                       CHALLENGE; SUCCESS: the session's keys are derived
 *                       (the final response is not hashed)
 * Key sources, first match wins: the keyring entry of the SessionId (its
 * session key, or given signing/encryption keys), then the password-derived
 * session key. Sessions seen only after their setup get the keyring keys.
 *
 * SMB1 (MS-SMB 3.1.4.1, MS-CIFS 3.2.4.1.1): the MAC key is the session key
 * (NTLMSSP) or the session key followed by the NT response (plain NT LM
 * 0.12 authentication). Signing starts with the successful
 * SESSION_SETUP_ANDX: its request is number 0, its response 1; then each
 * request takes the next number (NT_CANCEL one, others two: the response
 * uses the request's number + 1).
 */
#include "smb_keystate.h"

#include <stdlib.h>
#include <string.h>

#include "smb_crypto.h"

#define TAG_CONN 0x6b73636f6e6eull
#define TAG_SESS 0x6b7373657373ull
#define TAG_PEND 0x6b7370656e64ull
#define TAG_PLAIN 0x6b73706c6169ull
#define TAG_SEQ 0x6b7373657131ull
#define TAG_SEQREQ 0x6b7373657132ull

#define STATUS_MORE_PROCESSING 0xc0000016u
#define MAX_MAC_KEY (16 + 1024)

struct ks_conn {
	uint16_t dialect, cipher, sign_alg;
	uint8_t preauth[64];
	/* SMB1 */
	uint8_t challenge[8];
	bool has_challenge;        /* NT LM 0.12 negotiate or NTLMSSP CHALLENGE */
	bool signing;
	uint32_t next_seq;
	uint8_t *mac_key, *pending_mac;
	size_t mac_len, pending_len;
};

struct ks_session {
	uint64_t sesid;
	uint16_t dialect, cipher, sign_alg;
	uint8_t preauth[64];
	uint8_t challenge[8];
	bool has_challenge, established, have_sign, have_enc;
	uint8_t sk[16];
	uint8_t sk_len;
	struct smb3_keys keys;
};

struct smb_keystate {
	struct hmap conns, sessions, pending, plains, seqs;
};

struct smb_keystate *ks_new(void)
{
	struct smb_keystate *ks = calloc(1, sizeof(*ks));

	if (!ks)
		abort();
	hmap_init(&ks->conns);
	hmap_init(&ks->sessions);
	hmap_init(&ks->pending);
	hmap_init(&ks->plains);
	hmap_init(&ks->seqs);
	return ks;
}

void ks_free(struct smb_keystate *ks)
{
	if (!ks)
		return;
	hmap_free(&ks->conns);
	hmap_free(&ks->sessions);
	hmap_free(&ks->pending);
	hmap_free(&ks->plains);
	hmap_free(&ks->seqs);
	free(ks);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static uint64_t ptr_key(uint64_t tag, const uint8_t *p)
{
	return hmap_mix(tag, (uint64_t)(uintptr_t)p);
}

static struct ks_conn *conn_get(struct trace *t, uint32_t stream)
{
	uint64_t k = hmap_mix(TAG_CONN, stream);
	struct ks_conn *cn = hmap_get(&t->ks->conns, k);

	if (!cn) {
		cn = arena_zalloc(&t->a, sizeof(*cn));
		hmap_put(&t->ks->conns, k, cn);
	}
	return cn;
}

static const struct ks_conn *conn_find(const struct trace *t, uint32_t stream)
{
	return hmap_get(&t->ks->conns, hmap_mix(TAG_CONN, stream));
}

static struct ks_session *sess_find(const struct trace *t, uint64_t sesid)
{
	return hmap_get(&t->ks->sessions, hmap_mix(TAG_SESS, sesid));
}

/* Creates the session with the connection's negotiated parameters and, as
 * its starting hash, start (or the connection's). */
static struct ks_session *sess_new(struct trace *t, const struct ks_conn *cn,
				   uint64_t sesid, const uint8_t *start)
{
	struct ks_session *s = arena_zalloc(&t->a, sizeof(*s));

	s->sesid = sesid;
	s->dialect = cn->dialect;
	s->cipher = cn->cipher;
	s->sign_alg = cn->sign_alg;
	memcpy(s->preauth, start ? start : cn->preauth, 64);
	hmap_put(&t->ks->sessions, hmap_mix(TAG_SESS, sesid), s);
	return s;
}

static const struct smb_key *keyring_find(const struct trace *t, uint64_t sesid)
{
	const struct smb_keyring *kr = t->opts.keys;

	for (size_t i = 0; kr && i < kr->nkeys; i++)
		if (kr->keys[i].sesid == sesid)
			return &kr->keys[i];
	return NULL;
}

/* Derives (or takes) the session's keys from whatever source exists. */
static void sess_keys(const struct trace *t, struct ks_session *s)
{
	const struct smb_key *uk = keyring_find(t, s->sesid);
	const uint8_t *sk = NULL;
	size_t sklen = 0;

	if (uk && uk->session_key_len) {
		sk = uk->session_key;
		sklen = uk->session_key_len;
	} else if (s->sk_len) {
		sk = s->sk;
		sklen = s->sk_len;
	}
	s->have_sign = s->have_enc = false;
	if (sk) {
		/* Encryption without a seen NEGOTIATE: at least 3.0. */
		uint16_t dialect = s->dialect ? s->dialect : 0x0300;
		smb3_derive_keys(dialect, s->cipher, sk, sklen, s->preauth, &s->keys);
		s->have_sign = s->dialect != 0;
		s->have_enc = dialect >= 0x0300;
	}
	if (uk && uk->signing_key_len == 16) {
		memcpy(s->keys.signing, uk->signing_key, 16);
		s->keys.signing_len = 16;
		s->have_sign = s->dialect != 0;
	}
	if (uk && uk->c2s_len && uk->c2s_len == uk->s2c_len) {
		memcpy(s->keys.c2s, uk->c2s, uk->c2s_len);
		memcpy(s->keys.s2c, uk->s2c, uk->s2c_len);
		s->keys.enc_len = uk->c2s_len;
		s->have_enc = true;
	}
}

/* The session a message names, made on first sight (its setup was not
 * captured: only the keyring can give keys). */
static struct ks_session *sess_seen(struct trace *t, uint32_t stream, uint64_t sesid)
{
	struct ks_session *s = sess_find(t, sesid);

	if (!s && sesid) {
		s = sess_new(t, conn_get(t, stream), sesid, NULL);
		s->established = true;
		sess_keys(t, s);
	}
	return s;
}

/* ---- NEGOTIATE response: dialect and negotiate contexts ---- */

static void negotiate_rsp(struct ks_conn *cn, const uint8_t *msg, size_t len)
{
	if (len < 64 + 64 || le32(msg + 8) != 0)
		return;
	cn->dialect = le16(msg + 64 + 4);
	cn->cipher = SMB_CIPHER_NONE;
	cn->sign_alg = cn->dialect >= 0x0300 ? SMB_SIGN_AES_CMAC : SMB_SIGN_HMAC_SHA256;
	if (cn->dialect == 0x0300 || cn->dialect == 0x0302)
		cn->cipher = SMB_AES128_CCM;
	if (cn->dialect != 0x0311)
		return;
	unsigned count = le16(msg + 64 + 6);
	size_t off = le32(msg + 64 + 60);
	for (unsigned i = 0; i < count && i < 64; i++) {
		off = (off + 7) & ~(size_t)7;
		if (off > len || len - off < 8)
			return;
		uint16_t type = le16(msg + off);
		size_t dlen = le16(msg + off + 2);
		const uint8_t *d = msg + off + 8;
		if (dlen > len - off - 8)
			return;
		if (type == 0x0002 && dlen >= 4 && le16(d) >= 1)
			cn->cipher = le16(d + 2);
		else if (type == 0x0008 && dlen >= 4 && le16(d) >= 1)
			cn->sign_alg = le16(d + 2);
		off += 8 + dlen;
	}
}

/* ---- NTLM: challenge and session key from the passwords ---- */

/* Strips "DOMAIN\" from a --password user name. */
static const char *bare_user(const char *u)
{
	const char *b = strrchr(u, '\\');
	return b ? b + 1 : u;
}

/* Session key for exchange x from the keyring's passwords: the first one
 * the response proves right, else the first one for this user (a wrong
 * password then shows as failures). Returns false when none applies. */
static bool password_key(const struct trace *t, const struct ntlm_exchange *x,
			 uint8_t key[16])
{
	const struct smb_keyring *kr = t->opts.keys;
	bool found = false;
	uint8_t k[16];

	for (size_t i = 0; kr && i < kr->npasswords; i++) {
		const struct smb_password *pw = &kr->passwords[i];
		const char *u = bare_user(pw->user);
		if (*u && !ntlm_user_matches(u, x->user, x->user_len))
			continue;
		int r = ntlm_session_key(x, pw->password, k);
		if (r < 0)
			continue;
		if (r == 1 || !found)
			memcpy(key, k, 16);
		found = true;
		if (r == 1)
			break;
	}
	return found;
}

static void setup_blob(struct trace *t, struct ks_session *s, const uint8_t *msg,
		       size_t len, size_t off_at, size_t len_at)
{
	if (len < len_at + 2)
		return;
	size_t off = le16(msg + off_at), blen = le16(msg + len_at);
	if (off > len || blen > len - off)
		return;
	struct ntlm_exchange x;
	memset(&x, 0, sizeof(x));
	int type = ntlm_parse(msg + off, blen, &x);
	if (type == 2) {
		memcpy(s->challenge, x.server_challenge, 8);
		s->has_challenge = true;
	} else if (type == 3 && s->has_challenge) {
		memcpy(x.server_challenge, s->challenge, 8);
		if (password_key(t, &x, s->sk))
			s->sk_len = 16;
	}
}

static void session_setup(struct trace *t, uint32_t stream, struct ks_conn *cn,
			  const uint8_t *msg, size_t len, const struct smb2_hdr *h)
{
	uint64_t pk = hmap_mix(hmap_mix(TAG_PEND, stream), h->msg_id);
	struct ks_session *s = sess_find(t, h->sesid);

	if (!h->response) {
		if (!h->sesid) {
			/* New session: the hash waits for the SessionId. */
			struct ks_session *p = arena_zalloc(&t->a, sizeof(*p));
			memcpy(p->preauth, cn->preauth, 64);
			smb_preauth_update(p->preauth, msg, len);
			hmap_put(&t->ks->pending, pk, p);
			return;
		}
		if (!s)
			s = sess_new(t, cn, h->sesid, NULL);
		if (s->established)
			return; /* re-authentication keeps the keys */
		smb_preauth_update(s->preauth, msg, len);
		setup_blob(t, s, msg, len, 64 + 12, 64 + 14);
		return;
	}
	if (!h->sesid)
		return;
	if (!s) {
		struct ks_session *p = hmap_get(&t->ks->pending, pk);
		s = sess_new(t, cn, h->sesid, p ? p->preauth : NULL);
	}
	if (s->established)
		return;
	if (h->status == STATUS_MORE_PROCESSING) {
		smb_preauth_update(s->preauth, msg, len);
		setup_blob(t, s, msg, len, 64 + 4, 64 + 6);
	} else if (h->status == 0) {
		s->established = true;
		sess_keys(t, s);
	}
}

void ks_smb2_message(struct trace *t, uint32_t stream, const struct cur *c,
		     const struct smb2_hdr *h)
{
	if (h->end < h->off || h->end - h->off < 64 || h->end > c->end)
		return;
	const uint8_t *msg = c->buf + h->off;
	size_t len = h->end - h->off;
	struct ks_conn *cn = conn_get(t, stream);

	switch (h->cmd) {
	case SMB2_NEGOTIATE:
		if (!h->response) {
			memset(cn->preauth, 0, 64);
		} else {
			negotiate_rsp(cn, msg, len);
		}
		smb_preauth_update(cn->preauth, msg, len);
		break;
	case SMB2_SESSION_SETUP:
		session_setup(t, stream, cn, msg, len, h);
		break;
	default:
		(void)sess_seen(t, stream, h->sesid);
		break;
	}
}

/* ---- Decryption ---- */

const struct ks_plain *ks_smb2_decrypt(struct trace *t, uint32_t stream,
				       bool to_server, const uint8_t *msg,
				       size_t len)
{
	struct ks_plain *pl = arena_zalloc(&t->a, sizeof(*pl));

	hmap_put(&t->ks->plains, ptr_key(TAG_PLAIN, msg), pl);
	pl->status = KS_BAD_HEADER;
	if (len < SMB2_TRANSFORM_HDR)
		return pl;
	uint32_t n = le32(msg + 36);
	if (n < 64 || n > len - SMB2_TRANSFORM_HDR)
		return pl;
	struct ks_session *s = sess_seen(t, stream, le64(msg + 44));
	pl->status = KS_NO_KEY;
	if (!s || !s->have_enc)
		return pl;
	const uint8_t *key = to_server ? s->keys.c2s : s->keys.s2c;
	uint16_t tries[2] = { s->cipher, SMB_CIPHER_NONE };
	if (s->cipher == SMB_CIPHER_NONE) {
		/* Cipher not seen negotiated: the key length narrows it. */
		bool k256 = s->keys.enc_len == 32;
		tries[0] = k256 ? SMB_AES256_CCM : SMB_AES128_CCM;
		tries[1] = k256 ? SMB_AES256_GCM : SMB_AES128_GCM;
	}
	/* 4 spare bytes in front: smb2_index treats the plaintext as a PDU. */
	uint8_t *out = (uint8_t *)arena_zalloc(&t->a, (size_t)n + 4) + 4;
	pl->status = KS_TAG_MISMATCH;
	for (int i = 0; i < 2 && tries[i]; i++) {
		if (smb2_decrypt(tries[i], key, msg, msg + SMB2_TRANSFORM_HDR, n, out) == 0) {
			pl->status = KS_DECRYPTED;
			pl->data = out;
			pl->len = n;
			pl->cipher = tries[i];
			break;
		}
	}
	return pl;
}

const struct ks_plain *ks_plain_lookup(const struct trace *t, const uint8_t *msg)
{
	return hmap_get(&t->ks->plains, ptr_key(TAG_PLAIN, msg));
}

/* ---- SMB2 signatures ---- */

enum ks_sig_status ks_smb2_verify(const struct trace *t, uint32_t stream,
				  const uint8_t *msg, size_t len,
				  const struct smb2_hdr *h)
{
	const struct ks_session *s = sess_find(t, h->sesid);
	uint8_t sig[16];

	(void)stream;
	if (!s || !s->have_sign || len < 64)
		return KS_SIG_NO_KEY;
	uint16_t alg = s->dialect < 0x0300 ? SMB_SIGN_HMAC_SHA256
		       : s->dialect == 0x0311 ? s->sign_alg : SMB_SIGN_AES_CMAC;
	smb2_sign(alg, s->keys.signing, s->keys.signing_len, msg, len, sig);
	return memcmp(sig, msg + 48, 16) == 0 ? KS_SIG_GOOD : KS_SIG_BAD;
}

void ks_sig_node(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		 uint32_t size, enum ks_sig_status st)
{
	static const char *const show[] = {
		[KS_SIG_GOOD] = "good", [KS_SIG_BAD] = "bad", [KS_SIG_NO_KEY] = "no key",
	};
	static const char *const label[] = {
		[KS_SIG_GOOD] = "good",
		[KS_SIG_BAD] = "bad (signature does not match)",
		[KS_SIG_NO_KEY] = "no key",
	};
	struct node *n = t_custom(t, parent, fid, pos, size, show[st], label[st]);
	n->flags |= N_GENERATED;
	if (st == KS_SIG_BAD)
		n->flags |= N_MALFORMED;
}

/* ---- SMB1 signing ---- */

#define SMB1_NEGOTIATE 0x72
#define SMB1_SESSION_SETUP 0x73
#define SMB1_NT_CANCEL 0xa4
#define CAP_EXTENDED_SECURITY 0x80000000u

static void smb1_negotiate_rsp(struct ks_conn *cn, const uint8_t *msg, size_t len)
{
	/* NT LM 0.12: 17 words, Capabilities at word byte 19, ChallengeLength
	 * at 33, the challenge first in the data bytes. */
	if (len < 33 + 34 + 2 || msg[32] != 17)
		return;
	const uint8_t *w = msg + 33;
	if (le32(w + 19) & CAP_EXTENDED_SECURITY || w[33] != 8 || len < 69 + 8)
		return;
	memcpy(cn->challenge, msg + 69, 8);
	cn->has_challenge = true;
}

/* Copies a UTF-16LE (unicode) or 8-bit string at b[*at] into UTF-16LE in
 * the arena, advancing *at past its terminator. */
static const uint8_t *smb1_str(struct arena *a, const uint8_t *b, size_t n,
			       size_t *at, bool unicode, size_t *outlen)
{
	size_t i = *at, units = 0;
	uint8_t *out;

	*outlen = 0;
	if (unicode) {
		while (i + 1 < n && (b[i] || b[i + 1]))
			i += 2, units++;
		out = arena_alloc(a, units * 2 + 1);
		memcpy(out, b + *at, units * 2);
		*at = i + 2;
	} else {
		while (i < n && b[i])
			i++, units++;
		out = arena_alloc(a, units * 2 + 1);
		for (size_t k = 0; k < units; k++) {
			out[2 * k] = b[*at + k];
			out[2 * k + 1] = 0;
		}
		*at = i + 1;
	}
	*outlen = units * 2;
	return out;
}

static void smb1_session_setup_req(struct trace *t, struct ks_conn *cn,
				   const uint8_t *msg, size_t len, bool unicode)
{
	struct ntlm_exchange x;
	uint8_t key[16];

	memset(&x, 0, sizeof(x));
	if (len < 35)
		return;
	uint8_t wct = msg[32];
	const uint8_t *w = msg + 33;
	size_t bcc_at = 33 + (size_t)wct * 2;
	if (bcc_at + 2 > len)
		return;
	const uint8_t *b = msg + bcc_at + 2;
	size_t n = len - bcc_at - 2;
	if (le16(msg + bcc_at) < n)
		n = le16(msg + bcc_at);
	if (wct == 12) {
		size_t blen = le16(w + 14);
		if (blen > n)
			return;
		int type = ntlm_parse(b, blen, &x);
		if (type != 3 || !cn->has_challenge)
			return;
		memcpy(x.server_challenge, cn->challenge, 8);
		if (!password_key(t, &x, key))
			return;
		cn->pending_mac = arena_alloc(&t->a, 16);
		memcpy(cn->pending_mac, key, 16);
		cn->pending_len = 16;
		return;
	}
	if (wct != 13 || !cn->has_challenge)
		return;
	size_t lm_len = le16(w + 14), nt_len = le16(w + 16);
	if (lm_len > n || nt_len > n - lm_len || nt_len > MAX_MAC_KEY - 16)
		return;
	x.lm_resp = b;
	x.lm_len = lm_len;
	x.nt_resp = b + lm_len;
	x.nt_len = nt_len;
	size_t at = lm_len + nt_len;
	if (unicode && ((bcc_at + 2 + at) & 1))
		at++;
	x.user = smb1_str(&t->a, b, n, &at, unicode, &x.user_len);
	x.domain = smb1_str(&t->a, b, n, &at, unicode, &x.domain_len);
	memcpy(x.server_challenge, cn->challenge, 8);
	if (!password_key(t, &x, key))
		return;
	cn->pending_mac = arena_alloc(&t->a, 16 + nt_len);
	memcpy(cn->pending_mac, key, 16);
	memcpy(cn->pending_mac + 16, x.nt_resp, nt_len);
	cn->pending_len = 16 + nt_len;
}

static void seq_put(struct trace *t, const uint8_t *msg, uint32_t seq)
{
	hmap_put(&t->ks->seqs, ptr_key(TAG_SEQ, msg), (void *)(uintptr_t)((uint64_t)seq + 1));
}

void ks_smb1_message(struct trace *t, uint32_t stream, const struct cur *c,
		     const struct smb1_hdr *h)
{
	if (h->off > c->end || c->end - h->off < 33)
		return;
	const uint8_t *msg = c->buf + h->off;
	size_t len = c->end - h->off;
	struct ks_conn *cn = conn_get(t, stream);
	uint64_t rk = hmap_mix(hmap_mix(TAG_SEQREQ, stream),
			       (uint64_t)h->pid_high << 32 | (uint64_t)h->pid << 16 | h->mid);

	if (h->cmd == SMB1_NEGOTIATE && h->response) {
		smb1_negotiate_rsp(cn, msg, len);
		return;
	}
	if (h->cmd == SMB1_SESSION_SETUP && !cn->signing) {
		if (!h->response) {
			smb1_session_setup_req(t, cn, msg, len, h->unicode);
			seq_put(t, msg, 0);
			return;
		}
		if (h->status == STATUS_MORE_PROCESSING && len >= 35 && msg[32] == 4) {
			/* Extended security: the blob follows the 4 words. */
			size_t blen = le16(msg + 33 + 6);
			struct ntlm_exchange x;
			memset(&x, 0, sizeof(x));
			if (len >= 33 + 8 + 2 && blen <= len - 43 &&
			    ntlm_parse(msg + 43, blen, &x) == 2) {
				memcpy(cn->challenge, x.server_challenge, 8);
				cn->has_challenge = true;
			}
			return;
		}
		if (h->status == 0 && cn->pending_mac) {
			cn->mac_key = cn->pending_mac;
			cn->mac_len = cn->pending_len;
			cn->signing = true;
			cn->next_seq = 2;
			seq_put(t, msg, 1);
		}
		return;
	}
	if (!cn->signing)
		return;
	if (!h->response) {
		uint32_t seq = cn->next_seq;
		cn->next_seq += h->cmd == SMB1_NT_CANCEL ? 1 : 2;
		hmap_put(&t->ks->seqs, rk, (void *)(uintptr_t)((uint64_t)seq + 1));
		seq_put(t, msg, seq);
	} else {
		uintptr_t v = (uintptr_t)hmap_get(&t->ks->seqs, rk);
		if (v)
			seq_put(t, msg, (uint32_t)v); /* request number + 1 */
	}
}

enum ks_sig_status ks_smb1_verify(const struct trace *t, uint32_t stream,
				  const uint8_t *msg, size_t len)
{
	const struct ks_conn *cn = conn_find(t, stream);
	uintptr_t v = (uintptr_t)hmap_get(&t->ks->seqs, ptr_key(TAG_SEQ, msg));
	uint8_t sig[8];

	if (!cn || !cn->mac_key || !v || len < 32)
		return KS_SIG_NO_KEY;
	smb1_sign(cn->mac_key, cn->mac_len, (uint32_t)(v - 1), msg, len, sig);
	return memcmp(sig, msg + 14, 8) == 0 ? KS_SIG_GOOD : KS_SIG_BAD;
}
