/*
 * asn1.c - DER/BER TLV reader (ITU-T X.690 8.1: identifier, length and
 * contents octets); see asn1.h for the contract.
 *
 * Identifier: bits 8-7 class, bit 6 constructed, bits 5-1 tag number, or
 * 0x1f followed by base-128 octets (bit 8 = more) for tag numbers >= 31.
 * Length: 0x00-0x7f short form; 0x81-0x84 long form with 1-4 octets; 0x80
 * (indefinite) and 0x85-0xff are refused.
 */
#include "asn1.h"

#include <stdio.h>
#include <string.h>

int asn1_read_hdr(struct cur *c, struct asn1_tlv *t)
{
	struct cur r = *c;
	size_t hdr = r.off;
	uint8_t id = cur_u8(&r);
	uint32_t tag = id & 0x1f;

	if (r.err)
		goto bad;
	if (tag == 0x1f) {
		tag = 0;
		for (int i = 0;; i++) {
			uint8_t b = cur_u8(&r);
			if (r.err || i == 4)
				goto bad;
			tag = tag << 7 | (b & 0x7f);
			if (!(b & 0x80))
				break;
		}
	}
	uint8_t l0 = cur_u8(&r);
	size_t len;
	if (r.err)
		goto bad;
	if (l0 < 0x80) {
		len = l0;
	} else {
		unsigned n = l0 & 0x7f;
		if (n == 0 || n > 4)
			goto bad;
		const uint8_t *lp = cur_take(&r, n);
		if (!lp)
			goto bad;
		len = 0;
		for (unsigned i = 0; i < n; i++)
			len = len << 8 | lp[i];
	}
	if (len > cur_left(&r))
		goto bad;
	t->cls = (uint8_t)(id >> 6);
	t->constructed = (id & 0x20) != 0;
	t->tag = tag;
	t->hdr = hdr;
	t->off = r.off;
	t->len = len;
	c->off = r.off;
	return 0;
bad:
	c->err = true;
	return -1;
}

int asn1_read(struct cur *c, struct asn1_tlv *t)
{
	if (asn1_read_hdr(c, t) < 0)
		return -1;
	c->off = t->off + t->len;
	return 0;
}

int asn1_oid_str(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	uint64_t v = 0;
	bool first = true;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (n == 0)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (v > (UINT64_MAX >> 7))
			goto bad;
		v = v << 7 | (p[i] & 0x7f);
		if (p[i] & 0x80) {
			if (i + 1 == n)
				goto bad; /* last arc cut short */
			continue;
		}
		int k;
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
			k = snprintf(out + o, cap - o, "%u.%llu", a,
				     (unsigned long long)(v - 40u * a));
			first = false;
		} else {
			k = snprintf(out + o, cap - o, ".%llu", (unsigned long long)v);
		}
		if (k < 0 || (size_t)k >= cap - o)
			goto bad;
		o += (size_t)k;
		v = 0;
	}
	return 0;
bad:
	out[0] = '\0';
	return -1;
}

/* Recursive walk; depth is bounded by the caller's max_depth. */
static int check_level(struct cur *c, unsigned depth, unsigned max_depth,
		       unsigned *items, unsigned max_items)
{
	while (cur_left(c) > 0) {
		struct asn1_tlv t;
		if (++*items > max_items)
			return -1;
		if (asn1_read(c, &t) < 0)
			return -1;
		if (t.constructed) {
			if (depth + 1 > max_depth)
				return -1;
			struct cur in = asn1_contents(c, &t);
			if (check_level(&in, depth + 1, max_depth, items, max_items) < 0)
				return -1;
		}
	}
	return 0;
}

int asn1_check(const uint8_t *p, size_t n, unsigned max_depth, unsigned max_items)
{
	struct cur c = cur_make(p, n, 0);
	unsigned items = 0;

	if (max_depth > ASN1_MAX_DEPTH)
		max_depth = ASN1_MAX_DEPTH;
	return check_level(&c, 0, max_depth, &items, max_items);
}
