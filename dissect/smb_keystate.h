/*
 * smb_keystate.h - per-trace key state for decryption and signatures.
 *
 * Filled at index time, in capture order (trace_add_pdu -> smb2_index /
 * smb1_index): per connection the negotiated dialect, cipher, signing
 * algorithm and the 3.1.1 preauth hash; per session its own preauth hash,
 * the NTLM exchange and, once the session is set up, its keys (from the
 * user's keyring or derived from a password). Transform messages are
 * decrypted while indexing, so the pairing of requests and responses sees
 * the plaintext; the plaintext is kept (trace arena) for dissection.
 * Dissection only reads this state.
 */
#ifndef SMBCMP_SMB_KEYSTATE_H
#define SMBCMP_SMB_KEYSTATE_H

#include "smb1.h"
#include "smb2.h"

struct smb_keystate;

struct smb_keystate *ks_new(void);
void ks_free(struct smb_keystate *ks);

enum ks_plain_status {
	KS_DECRYPTED,      /* data/len hold the plaintext */
	KS_TAG_MISMATCH,   /* wrong key (or corrupted message) */
	KS_NO_KEY,         /* no key for the session */
	KS_BAD_HEADER,     /* transform header inconsistent */
};

struct ks_plain {
	const uint8_t *data;   /* preceded by 4 spare zero bytes (an NBSS slot) */
	uint32_t len;
	uint8_t status;    /* enum ks_plain_status */
	uint16_t cipher;   /* enum smb_cipher used */
};

/* Index time: decrypts the transform message at msg (len bytes from the
 * 0xFD header to the end of the PDU) sent in direction to_server on
 * stream. The result is remembered under msg's address. Never NULL. */
const struct ks_plain *ks_smb2_decrypt(struct trace *t, uint32_t stream,
				       bool to_server, const uint8_t *msg,
				       size_t len);
/* Dissection time: the result for the transform message at msg, or NULL
 * when it was not seen while indexing. */
const struct ks_plain *ks_plain_lookup(const struct trace *t, const uint8_t *msg);

/* Index time: one plaintext SMB2 message (c's buffer, [h->off, h->end)),
 * feeding the preauth hash, the NTLM exchange and the session keys. */
void ks_smb2_message(struct trace *t, uint32_t stream, const struct cur *c,
		     const struct smb2_hdr *h);

enum ks_sig_status { KS_SIG_GOOD, KS_SIG_BAD, KS_SIG_NO_KEY };

/* Dissection time: checks the signature of the signed SMB2 message msg
 * (len bytes, header first) of stream. */
enum ks_sig_status ks_smb2_verify(const struct trace *t, uint32_t stream,
				  const uint8_t *msg, size_t len,
				  const struct smb2_hdr *h);

/* SMB1 (MS-SMB 3.1.4.1): index time, one message (c's buffer from h->off
 * to the end of the PDU), assigning sequence numbers and learning the MAC
 * key; dissection time, checking a signed one. */
void ks_smb1_message(struct trace *t, uint32_t stream, const struct cur *c,
		     const struct smb1_hdr *h);
enum ks_sig_status ks_smb1_verify(const struct trace *t, uint32_t stream,
				  const uint8_t *msg, size_t len);

/* Adds the generated smb2.signature.status / smb.signature.status item. */
void ks_sig_node(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		 uint32_t size, enum ks_sig_status st);

#endif
