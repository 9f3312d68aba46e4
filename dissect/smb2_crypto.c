/*
 * smb2_crypto.c - SMB3 transform decryption and SMB signatures.
 *
 * MS-SMB2 3.1.4.3 Encrypting the Message: the TRANSFORM_HEADER (2.2.41)
 *   0 ProtocolId 0xFD 'SMB'   4 Signature (the AEAD tag, 16)
 *  20 Nonce (16: CCM uses 11 bytes, GCM 12)   36 OriginalMessageSize
 *  40 Reserved   42 Flags/EncryptionAlgorithm   44 SessionId
 * The associated data is the header from the Nonce on (32 bytes).
 *
 * MS-SMB2 3.1.4.1 Signing: the 16-byte Signature field at header offset 48
 * is zeroed, then HMAC-SHA256 (2.0.2, 2.1; first 16 bytes), AES-128-CMAC
 * (3.0, 3.0.2, 3.1.1 by default) or AES-128-GMAC (3.1.1 when negotiated:
 * nonce = MessageId || role and cancel bits) over the message.
 *
 * MS-SMB 3.1.4.1 (SMB1): MD5(MACKey || message with the 8-byte
 * SecuritySignature replaced by the sequence number), first 8 bytes.
 */
#include "smb_crypto.h"

#include "nettlelib.h"
#include <string.h>

#define TAG_LEN 16

/* One AEAD context for the four ciphers; decrypt selects the direction. */
static int aead(uint16_t cipher, const uint8_t *key, const uint8_t *hdr,
		const uint8_t *in, size_t n, uint8_t *out, bool decrypt,
		uint8_t tag[TAG_LEN])
{
	const uint8_t *nonce = hdr + 20, *ad = hdr + 20;

	switch (cipher) {
	case SMB_AES128_CCM: {
		struct ccm_aes128_ctx c;
		ccm_aes128_set_key(&c, key);
		ccm_aes128_set_nonce(&c, 11, nonce, 32, n, TAG_LEN);
		ccm_aes128_update(&c, 32, ad);
		if (decrypt)
			ccm_aes128_decrypt(&c, n, out, in);
		else
			ccm_aes128_encrypt(&c, n, out, in);
		ccm_aes128_digest(&c, TAG_LEN, tag);
		return 0;
	}
	case SMB_AES256_CCM: {
		struct ccm_aes256_ctx c;
		ccm_aes256_set_key(&c, key);
		ccm_aes256_set_nonce(&c, 11, nonce, 32, n, TAG_LEN);
		ccm_aes256_update(&c, 32, ad);
		if (decrypt)
			ccm_aes256_decrypt(&c, n, out, in);
		else
			ccm_aes256_encrypt(&c, n, out, in);
		ccm_aes256_digest(&c, TAG_LEN, tag);
		return 0;
	}
	case SMB_AES128_GCM: {
		struct gcm_aes128_ctx c;
		gcm_aes128_set_key(&c, key);
		gcm_aes128_set_iv(&c, 12, nonce);
		gcm_aes128_update(&c, 32, ad);
		if (decrypt)
			gcm_aes128_decrypt(&c, n, out, in);
		else
			gcm_aes128_encrypt(&c, n, out, in);
		gcm_aes128_digest(&c, TAG_LEN, tag);
		return 0;
	}
	case SMB_AES256_GCM: {
		struct gcm_aes256_ctx c;
		gcm_aes256_set_key(&c, key);
		gcm_aes256_set_iv(&c, 12, nonce);
		gcm_aes256_update(&c, 32, ad);
		if (decrypt)
			gcm_aes256_decrypt(&c, n, out, in);
		else
			gcm_aes256_encrypt(&c, n, out, in);
		gcm_aes256_digest(&c, TAG_LEN, tag);
		return 0;
	}
	default:
		return -1;
	}
}

int smb2_decrypt(uint16_t cipher, const uint8_t *key, const uint8_t *hdr,
		 const uint8_t *ct, size_t n, uint8_t *out)
{
	uint8_t tag[TAG_LEN];

	if (aead(cipher, key, hdr, ct, n, out, true, tag))
		return -1;
	return memeql_sec(tag, hdr + 4, TAG_LEN) ? 0 : -1;
}

void smb2_encrypt(uint16_t cipher, const uint8_t *key, uint8_t *hdr,
		  const uint8_t *pt, size_t n, uint8_t *out)
{
	uint8_t tag[TAG_LEN] = { 0 };

	aead(cipher, key, hdr, pt, n, out, false, tag);
	memcpy(hdr + 4, tag, TAG_LEN);
}

static const uint8_t zero_sig[16];

void smb2_sign(uint16_t alg, const uint8_t *key, size_t keylen,
	       const uint8_t *msg, size_t len, uint8_t sig[16])
{
	memset(sig, 0, 16);
	if (len < 64)
		return;
	const uint8_t *tail = msg + 64;
	size_t tail_len = len - 64;

	switch (alg) {
	case SMB_SIGN_HMAC_SHA256: {
		struct hmac_sha256_ctx h;
		uint8_t d[SHA256_DIGEST_SIZE];
		hmac_sha256_set_key(&h, keylen, key);
		hmac_sha256_update(&h, 48, msg);
		hmac_sha256_update(&h, 16, zero_sig);
		hmac_sha256_update(&h, tail_len, tail);
		hmac_sha256_digest(&h, sizeof(d), d);
		memcpy(sig, d, 16);
		break;
	}
	case SMB_SIGN_AES_CMAC: {
		struct cmac_aes128_ctx c;
		cmac_aes128_set_key(&c, key);
		cmac_aes128_update(&c, 48, msg);
		cmac_aes128_update(&c, 16, zero_sig);
		cmac_aes128_update(&c, tail_len, tail);
		cmac_aes128_digest(&c, 16, sig);
		break;
	}
	case SMB_SIGN_AES_GMAC: {
		/* Nonce: MessageId (8, LE) || bit 0 server role, bit 1 CANCEL. */
		struct gcm_aes128_ctx g;
		uint8_t nonce[12];
		uint32_t flags = (uint32_t)msg[16] | (uint32_t)msg[17] << 8;
		uint16_t cmd = (uint16_t)(msg[12] | msg[13] << 8);
		memcpy(nonce, msg + 24, 8);
		uint32_t bits = (flags & 1u) | (cmd == 0x000c ? 2u : 0u);
		nonce[8] = (uint8_t)bits;
		nonce[9] = nonce[10] = nonce[11] = 0;
		gcm_aes128_set_key(&g, key);
		gcm_aes128_set_iv(&g, 12, nonce);
		gcm_aes128_update(&g, 48, msg);
		gcm_aes128_update(&g, 16, zero_sig);
		gcm_aes128_update(&g, tail_len, tail);
		gcm_aes128_digest(&g, 16, sig);
		break;
	}
	default:
		break;
	}
}

void smb1_sign(const uint8_t *mac_key, size_t keylen, uint32_t seq,
	       const uint8_t *msg, size_t len, uint8_t sig[8])
{
	struct md5_ctx m;
	uint8_t s[8] = { (uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16),
			 (uint8_t)(seq >> 24), 0, 0, 0, 0 };
	uint8_t d[MD5_DIGEST_SIZE];

	memset(sig, 0, 8);
	if (len < 32)
		return;
	md5_init(&m);
	md5_update(&m, keylen, mac_key);
	md5_update(&m, 14, msg);
	md5_update(&m, 8, s);
	md5_update(&m, len - 22, msg + 22);
	md5_digest(&m, sizeof(d), d);
	memcpy(sig, d, 8);
}
