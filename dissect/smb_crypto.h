/*
 * smb_crypto.h - SMB signing, SMB3 encryption and the key derivations
 * behind them. All primitives come from nettle; nothing here keeps state.
 *
 *   smb_kdf.c     SP800-108 counter-mode KDF (MS-SMB2 3.1.4.2), the SMB 3.x
 *                 key labels, the 3.1.1 preauth integrity hash (3.2.5.2)
 *   ntlm_keys.c   NTLM session keys from a password (MS-NLMP 3.3, 3.4.5.1)
 *   smb2_crypto.c transform-header decryption (MS-SMB2 3.1.4.3), SMB2/3
 *                 signatures (3.1.4.1), SMB1 MD5 signatures (MS-SMB 3.1.4.1)
 *   smb_keystate.c per-trace key state filled at index time
 *
 * Secrets never leave these files in any printed form.
 */
#ifndef SMBCMP_SMB_CRYPTO_H
#define SMBCMP_SMB_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cipher ids of the ENCRYPTION_CAPABILITIES context (MS-SMB2 2.2.3.1.2). */
enum smb_cipher {
	SMB_CIPHER_NONE = 0,
	SMB_AES128_CCM = 1,
	SMB_AES128_GCM = 2,
	SMB_AES256_CCM = 3,
	SMB_AES256_GCM = 4,
};

/* Signing algorithm ids of SIGNING_CAPABILITIES (MS-SMB2 2.2.3.1.7). */
enum smb_sign_alg {
	SMB_SIGN_HMAC_SHA256 = 0,
	SMB_SIGN_AES_CMAC = 1,
	SMB_SIGN_AES_GMAC = 2,
};

#define SMB2_TRANSFORM_HDR 52

/* ---- smb_kdf.c ---- */

/* SP800-108 KDF in counter mode with HMAC-SHA256 (r = 32, L = 8 * outlen):
 * out = HMAC(key, i || label || 0x00 || context || L) for i = 1, 2, ...
 * label and context include their own NULs as MS-SMB2 writes them.
 * outlen <= 64. */
void smb_kdf(const uint8_t *key, size_t keylen, const void *label,
	     size_t label_len, const void *context, size_t context_len,
	     uint8_t *out, size_t outlen);

/* Preauth integrity chain step: hash = SHA-512(hash || msg). */
void smb_preauth_update(uint8_t hash[64], const uint8_t *msg, size_t len);

/* Keys of one SMB 2.x/3.x session. */
struct smb3_keys {
	uint8_t signing[32];   /* 2.x: the session key itself (up to 16 used) */
	uint8_t c2s[32], s2c[32];
	uint8_t signing_len, enc_len;
};

/* Derives the signing and encryption keys of a session (MS-SMB2 3.2.5.3.1,
 * 3.3.5.5.3): 2.x signs with the session key; 3.0/3.0.2 use the fixed
 * labels; 3.1.1 the labels with the preauth hash as context. enc_len is 32
 * for the AES-256 ciphers. */
void smb3_derive_keys(uint16_t dialect, uint16_t cipher, const uint8_t *sk,
		      size_t sklen, const uint8_t preauth[64],
		      struct smb3_keys *k);

/* ---- smb2_crypto.c ---- */

/* Decrypts an SMB3 transform message: hdr is the 52-byte transform header
 * (its signature is the tag; bytes 20..51 are the associated data), ct the
 * n encrypted bytes. Returns 0 with n plaintext bytes in out, -1 when the
 * authentication tag does not match (out then holds garbage). */
int smb2_decrypt(uint16_t cipher, const uint8_t *key, const uint8_t *hdr,
		 const uint8_t *ct, size_t n, uint8_t *out);
/* The reverse, for tests: fills the tag into hdr[4..20). */
void smb2_encrypt(uint16_t cipher, const uint8_t *key, uint8_t *hdr,
		  const uint8_t *pt, size_t n, uint8_t *out);

/* Signature of one SMB2 message (header first, len bytes, signature field
 * taken as zero) with alg and key (HMAC: keylen bytes; AES: 16). The
 * GMAC nonce comes from the message's MessageId, flags and command. */
void smb2_sign(uint16_t alg, const uint8_t *key, size_t keylen,
	       const uint8_t *msg, size_t len, uint8_t sig[16]);

/* SMB1 signature (MS-SMB 3.1.4.1): first 8 bytes of MD5(mac_key || msg)
 * with the 8-byte signature field replaced by seq (little-endian, then 4
 * zero bytes). msg starts at the 0xFF 'SMB' header. */
void smb1_sign(const uint8_t *mac_key, size_t keylen, uint32_t seq,
	       const uint8_t *msg, size_t len, uint8_t sig[8]);

/* ---- ntlm_keys.c ---- */

/* What the key computation needs from an NTLM exchange. Pointers refer to
 * the captured messages (UTF-16LE names, raw responses). */
struct ntlm_exchange {
	uint32_t flags;               /* NegotiateFlags of AUTHENTICATE */
	uint8_t server_challenge[8];
	const uint8_t *lm_resp, *nt_resp, *user, *domain, *enc_key;
	size_t lm_len, nt_len, user_len, domain_len, enc_key_len;
};

/* NTOWFv1 = MD4(UTF-16LE(password)); password is UTF-8. */
void ntlm_ntowfv1(const char *password, uint8_t out[16]);
/* LMOWFv1: DES of "KGS!@#$%" under the upper-cased OEM password. */
void ntlm_lmowfv1(const char *password, uint8_t out[16]);
/* NTOWFv2 = HMAC-MD5(NTOWFv1, UTF-16LE(Uppercase(user) || domain)), with
 * user and domain given as UTF-16LE bytes. */
void ntlm_ntowfv2(const uint8_t ntowf1[16], const uint8_t *user,
		  size_t user_len, const uint8_t *domain, size_t domain_len,
		  uint8_t out[16]);
/* DESL(K, D) (MS-NLMP 6): three DES blocks under the 16-byte K padded to
 * 21 bytes. */
void ntlm_desl(const uint8_t k[16], const uint8_t d[8], uint8_t out[24]);

/*
 * Session key of the exchange for password (MS-NLMP 3.3.1/3.3.2 and
 * 3.1.5.1.2 / 3.2.5.1.2): NTLMv2 when the NT response is longer than 24
 * bytes, else NTLMv1 (extended session security when the flag is set, or
 * LM_KEY / NON_NT_SESSION_KEY), then the exported session key decrypted
 * with RC4 when KEY_EXCH is set. Returns 1 when the captured response
 * proves the password right, 0 when it proves it wrong (key still filled),
 * -1 when no key can be computed (anonymous, missing responses).
 */
int ntlm_session_key(const struct ntlm_exchange *x, const char *password,
		     uint8_t key[16]);

/* Extracts the fields of an NTLMSSP message found in a security blob (the
 * blob may wrap it in SPNEGO: "NTLMSSP\0" is searched for). Returns the
 * message type (2 CHALLENGE, 3 AUTHENTICATE) and fills x: the challenge for
 * type 2, the rest for type 3; 0 when none is found. */
int ntlm_parse(const uint8_t *blob, size_t len, struct ntlm_exchange *x);

/* Case-insensitive comparison of a UTF-8 name with a UTF-16LE one (ASCII
 * folding); true when equal. */
bool ntlm_user_matches(const char *utf8, const uint8_t *u16, size_t u16len);

#endif
