/*
 * smb_kdf.c - SMB 3.x key derivation (MS-SMB2 3.1.4.2) and the 3.1.1
 * preauth integrity hash (MS-SMB2 3.2.5.2, 3.3.5.4).
 *
 * KDF: NIST SP800-108 counter mode, PRF = HMAC-SHA256, r = 32:
 *   K(i) = HMAC-SHA256(Ki, [i]_32be || Label || 0x00 || Context || [L]_32be)
 * Keys per dialect (3.2.5.3.1), Label / Context:
 *   3.0, 3.0.2  signing  "SMB2AESCMAC\0" / "SmbSign\0"
 *               C2S      "SMB2AESCCM\0"  / "ServerIn \0"
 *               S2C      "SMB2AESCCM\0"  / "ServerOut\0"
 *   3.1.1       signing  "SMBSigningKey\0"   / PreauthIntegrityHashValue
 *               C2S      "SMBC2SCipherKey\0" / PreauthIntegrityHashValue
 *               S2C      "SMBS2CCipherKey\0" / PreauthIntegrityHashValue
 * L is 128, or 256 for the AES-256 ciphers' encryption keys.
 */
#include "smb_crypto.h"

#include "nettlelib.h"
#include <string.h>

static void be32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}

void smb_kdf(const uint8_t *key, size_t keylen, const void *label,
	     size_t label_len, const void *context, size_t context_len,
	     uint8_t *out, size_t outlen)
{
	uint8_t ctr[4], l[4], zero = 0, block[SHA256_DIGEST_SIZE];
	struct hmac_sha256_ctx h;

	be32(l, (uint32_t)(outlen * 8));
	for (uint32_t i = 1; outlen > 0 && i <= 2; i++) {
		size_t n = outlen < sizeof(block) ? outlen : sizeof(block);
		hmac_sha256_set_key(&h, keylen, key);
		be32(ctr, i);
		hmac_sha256_update(&h, 4, ctr);
		hmac_sha256_update(&h, label_len, label);
		hmac_sha256_update(&h, 1, &zero);
		hmac_sha256_update(&h, context_len, context);
		hmac_sha256_update(&h, 4, l);
		hmac_sha256_digest(&h, sizeof(block), block);
		memcpy(out, block, n);
		out += n;
		outlen -= n;
	}
}

void smb_preauth_update(uint8_t hash[64], const uint8_t *msg, size_t len)
{
	struct sha512_ctx s;

	sha512_init(&s);
	sha512_update(&s, 64, hash);
	sha512_update(&s, len, msg);
	sha512_digest(&s, 64, hash);
}

void smb3_derive_keys(uint16_t dialect, uint16_t cipher, const uint8_t *sk,
		      size_t sklen, const uint8_t preauth[64],
		      struct smb3_keys *k)
{
	size_t enc = cipher == SMB_AES256_CCM || cipher == SMB_AES256_GCM ? 32 : 16;

	memset(k, 0, sizeof(*k));
	if (dialect < 0x0300) {
		/* 2.0.2 / 2.1: HMAC-SHA256 under the session key, no encryption. */
		k->signing_len = (uint8_t)(sklen < 16 ? sklen : 16);
		memcpy(k->signing, sk, k->signing_len);
		return;
	}
	/* 128-bit ciphers use the first 16 bytes of a longer (Kerberos) key. */
	size_t kin = enc == 16 && sklen > 16 ? 16 : sklen;
	k->signing_len = 16;
	k->enc_len = (uint8_t)enc;
	if (dialect < 0x0310) {
		smb_kdf(sk, kin, "SMB2AESCMAC", 12, "SmbSign", 8, k->signing, 16);
		smb_kdf(sk, kin, "SMB2AESCCM", 11, "ServerIn ", 10, k->c2s, enc);
		smb_kdf(sk, kin, "SMB2AESCCM", 11, "ServerOut", 10, k->s2c, enc);
	} else {
		smb_kdf(sk, kin, "SMBSigningKey", 14, preauth, 64, k->signing, 16);
		smb_kdf(sk, kin, "SMBC2SCipherKey", 16, preauth, 64, k->c2s, enc);
		smb_kdf(sk, kin, "SMBS2CCipherKey", 16, preauth, 64, k->s2c, enc);
	}
}
