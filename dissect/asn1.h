/*
 * asn1.h - a small bounds-checked DER/BER reader (ITU-T X.690) for the
 * GSS-API / SPNEGO tokens carried in SMB security blobs.
 *
 * Reads one TLV header at a time from a cursor (dissect/cursor.h): tag
 * class, constructed bit, tag number (high tag numbers up to 28 bits),
 * definite lengths (short form and long form up to 4 length octets). The
 * indefinite length form (0x80) is rejected: DER forbids it and SPNEGO
 * never uses it. A length that runs past the cursor window is an error.
 * Errors set the cursor's sticky err flag and return -1; nothing is read
 * outside the window. Nesting depth is the caller's recursion; asn1_check()
 * walks a whole buffer with a depth cap for generic validation.
 */
#ifndef SMBCMP_ASN1_H
#define SMBCMP_ASN1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

enum asn1_class {
	ASN1_UNIVERSAL = 0,
	ASN1_APPLICATION = 1,
	ASN1_CONTEXT = 2,
	ASN1_PRIVATE = 3,
};

/* Universal tag numbers used here. */
enum {
	ASN1_TAG_BOOLEAN = 1,
	ASN1_TAG_INTEGER = 2,
	ASN1_TAG_BIT_STRING = 3,
	ASN1_TAG_OCTET_STRING = 4,
	ASN1_TAG_OID = 6,
	ASN1_TAG_ENUMERATED = 10,
	ASN1_TAG_SEQUENCE = 16,
	ASN1_TAG_GENERAL_STRING = 27,
};

#define ASN1_MAX_DEPTH 32

/* One TLV header. Offsets are absolute in the cursor's buffer. */
struct asn1_tlv {
	uint8_t cls;       /* enum asn1_class */
	bool constructed;
	uint32_t tag;      /* tag number */
	size_t hdr;        /* offset of the identifier octet */
	size_t off;        /* offset of the contents */
	size_t len;        /* length of the contents */
};

/*
 * Reads the TLV header at c->off and leaves c->off at the start of the
 * contents. Returns 0, or -1 (c->err set, c->off unchanged) when the
 * header is truncated, uses the indefinite form, a length of more than 4
 * octets, a tag number of more than 28 bits, or claims more contents than
 * the window holds.
 */
int asn1_read_hdr(struct cur *c, struct asn1_tlv *t);

/* Reads a whole TLV: header as asn1_read_hdr, then c->off moves past the
 * contents. */
int asn1_read(struct cur *c, struct asn1_tlv *t);

/* Sub-cursor over the contents of t (which must come from c's buffer). */
static inline struct cur asn1_contents(const struct cur *c, const struct asn1_tlv *t)
{
	return cur_sub(c, t->off, t->len);
}

/* True when t is the given class / tag number. */
static inline bool asn1_is(const struct asn1_tlv *t, unsigned cls, uint32_t tag)
{
	return t->cls == cls && t->tag == tag;
}

/*
 * Formats OID contents (no tag/length) as dotted decimal into out (cap
 * bytes, NUL-terminated). Returns 0, or -1 for empty contents, a truncated
 * last arc, an arc over 64 bits, or output that does not fit (out then
 * holds "" ).
 */
int asn1_oid_str(const uint8_t *p, size_t n, char *out, size_t cap);

/*
 * Walks every TLV in [p, p + n) recursively into constructed ones, with at
 * most max_depth levels of nesting and at most max_items TLVs visited.
 * Returns 0 when the buffer is a well-formed sequence of TLVs that fills it
 * exactly, -1 otherwise. Never recurses on the C stack more than max_depth.
 */
int asn1_check(const uint8_t *p, size_t n, unsigned max_depth, unsigned max_items);

#endif
