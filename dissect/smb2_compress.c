/*
 * smb2_compress.c - MS-SMB2 2.2.42 SMB2 COMPRESSION_TRANSFORM_HEADER.
 *
 * Unchained (Flags 0):
 *   0 ProtocolId (0xFC 'SMB')  4 OriginalCompressedSegmentSize
 *   8 CompressionAlgorithm    10 Flags   12 Offset   16 [Offset bytes sent
 *   as is] [compressed segment]
 * Chained (Flags SMB2_COMPRESSION_FLAG_CHAINED, 2.2.42.2): ProtocolId,
 * OriginalCompressedSegmentSize, then COMPRESSION_PAYLOAD_HEADERs:
 *   0 CompressionAlgorithm 2 Flags 4 Length [8 OriginalPayloadSize for
 *   the LZ algorithms] then Length bytes (Pattern_V1 payloads, 2.2.42.2.2,
 *   are a byte repeated Repetitions times).
 *
 * The message is rebuilt into a scratch buffer (at most
 * SMB2_DECOMP_LIMIT bytes, else a [Malformed] note) and dissected as if it
 * had been sent uncompressed, under the compression header's SMB2 item,
 * as Wireshark does ("Decomp. SMB3" in the Info column).
 */
#include "smb2.h"

#include <stdlib.h>
#include <string.h>

#include "xca.h"

#define SMB2_DECOMP_LIMIT (16u << 20)
#define FIRST_OUT (64u << 10)    /* first output reservation, see decompress() */
#define SMB2_MAX_PAYLOADS 1024
#define SMB2_MAX_NESTING 2

enum comp_alg {
	ALG_NONE = 0, ALG_LZNT1 = 1, ALG_LZ77 = 2, ALG_LZ77HUFF = 3,
	ALG_PATTERN_V1 = 4,
};

/* Growable output, bounded by SMB2_DECOMP_LIMIT. */
struct outbuf {
	uint8_t *p;
	size_t len, cap;
	bool too_big;
};

static uint8_t *out_reserve(struct outbuf *o, size_t n)
{
	if (n > SMB2_DECOMP_LIMIT - o->len) {
		o->too_big = true;
		return NULL;
	}
	if (o->len + n > o->cap || !o->p) { /* !p: even n == 0 needs a buffer */
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n)
			cap *= 2;
		/* Not realloc: only the o->len bytes kept need copying, the
		 * rest is a failed attempt's scratch (decompress()). */
		uint8_t *p = malloc(cap);
		if (!p)
			return NULL;
		if (o->len)
			memcpy(p, o->p, o->len);
		free(o->p);
		o->p = p;
		o->cap = cap;
	}
	return o->p + o->len;
}

/*
 * Decompresses n bytes at in with alg into o; expect is the size the
 * header announces. Returns false on any error. The header is not trusted
 * with memory: the output buffer starts at 64 KiB and grows fourfold,
 * decompressing again, only while the stream fills it, so a bogus header
 * claiming 16 MB costs 64 KiB.
 */
static bool decompress(struct outbuf *o, unsigned alg, const uint8_t *in,
		       size_t n, size_t expect)
{
	static uint8_t none[1];
	size_t cap = expect < FIRST_OUT ? expect : FIRST_OUT;
	ssize_t got;

	for (;;) {
		uint8_t *dst = cap ? out_reserve(o, cap) : none; /* none: cap 0, no write */
		if (!dst)
			return false;
		switch (alg) {
		case ALG_LZNT1: got = xca_lznt1_decompress(in, n, dst, cap); break;
		case ALG_LZ77: got = xca_lz77_decompress(in, n, dst, cap); break;
		case ALG_LZ77HUFF: got = xca_lz77huff_decompress(in, n, dst, cap); break;
		default: return false;
		}
		if (cap == expect || !(got == XCA_NO_ROOM || (got >= 0 && (size_t)got == cap)))
			break;
		cap = cap > expect / 4 ? expect : cap * 4;
	}
	if (got < 0 || (size_t)got != expect)
		return false;
	o->len += expect;
	return true;
}

static bool append(struct outbuf *o, const uint8_t *p, size_t n)
{
	if (n == 0)
		return true;
	uint8_t *dst = out_reserve(o, n);

	if (!dst)
		return false;
	memcpy(dst, p, n);
	o->len += n;
	return true;
}

/* One COMPRESSION_PAYLOAD_HEADER and its data; false on error. */
static bool chained_payload(struct dctx *d, struct node *hn, struct cur *c,
			    struct outbuf *o)
{
	struct tctx *t = &d->t;
	struct node *ph = t_text(t, hn, cur_pos(c), 0, "COMPRESSION_PAYLOAD_HEADER");
	unsigned alg = (unsigned)r_uint(t, ph, F_SMB2_HEADER_COMP_TRANSFORM_COMP_ALG, c, 2);
	r_uint(t, ph, F_SMB2_HEADER_COMP_TRANSFORM_FLAGS, c, 2);
	uint32_t len = (uint32_t)r_uint(t, ph, F_SMB2_HEADER_COMP_TRANSFORM_LENGTH, c, 4);
	uint32_t orig = 0;
	bool ok = true;

	ph->size = len;
	if (alg >= ALG_LZNT1 && alg <= ALG_LZ77HUFF) {
		orig = (uint32_t)r_uint(t, ph, F_SMB2_HEADER_COMP_TRANSFORM_ORIG_PAYLOAD_SIZE, c, 4);
		len = len >= 4 ? len - 4 : 0;
	}
	if (c->err || len > cur_left(c)) {
		t_malformed(t, ph, cur_pos(c), "payload beyond the message");
		c->off = c->end;
		return false;
	}
	uint32_t pos = cur_pos(c);
	const uint8_t *p = cur_take(c, len);
	switch (alg) {
	case ALG_NONE:
		ok = append(o, p, len);
		break;
	case ALG_PATTERN_V1: {
		struct cur pc = cur_make(p, len, pos);
		struct node *pn = t_text(t, ph, pos, len, "Pattern");
		unsigned byte = (unsigned)r_uint(t, pn, F_SMB2_PATTERN_V1_PATTERN, &pc, 1);
		r_uint(t, pn, F_SMB2_PATTERN_V1_RESERVED1, &pc, 1);
		r_uint(t, pn, F_SMB2_PATTERN_V1_RESERVED2, &pc, 2);
		uint32_t times = (uint32_t)r_uint(t, pn, F_SMB2_PATTERN_V1_REPETITIONS, &pc, 4);
		pn->label = arena_printf(t->a, "Pattern 0x%02x repeated %u times", byte, times);
		uint8_t *dst = pc.err ? NULL : out_reserve(o, times);
		if (dst) {
			memset(dst, (int)byte, times);
			o->len += times;
		} else {
			ok = false;
		}
		break;
	}
	case ALG_LZNT1:
	case ALG_LZ77:
	case ALG_LZ77HUFF:
		ok = orig <= SMB2_DECOMP_LIMIT && decompress(o, alg, p, len, orig);
		break;
	default:
		ok = false;
	}
	t_bytes(t, ph, F_SMB2_HEADER_COMP_TRANSFORM_DATA, pos, p, len);
	return ok;
}

/*
 * Adds the compression header under smb2 and rebuilds the message into o.
 * Returns true when o holds the whole decompressed message; otherwise a
 * [Malformed] item says why (o->too_big: over the size limit).
 */
static bool decompress_msg(struct dctx *d, struct node *smb2, struct cur *c,
			   struct outbuf *o, struct node **header)
{
	struct tctx *t = &d->t;
	struct node *hn = t_text(t, smb2, cur_pos(c), (uint32_t)cur_left(c),
				 "SMB2 Compression Transform Header");

	*header = hn;
	bool ok = true;

	r_uint_be(t, hn, F_SMB2_PROTOCOL_ID, c, 4);
	uint32_t orig = (uint32_t)r_uint(t, hn, F_SMB2_HEADER_COMP_TRANSFORM_ORIGINAL_SIZE, c, 4);
	const uint8_t *f = cur_peek(c, 4);
	if (!f || c->err) {
		t_malformed(t, smb2, cur_pos(c), "compression header cut short");
		return false;
	}
	if ((f[2] | f[3] << 8) & 1) { /* SMB2_COMPRESSION_FLAG_CHAINED */
		for (int i = 0; i < SMB2_MAX_PAYLOADS && cur_left(c) > 8; i++)
			if (!chained_payload(d, hn, c, o))
				ok = false;
	} else {
		unsigned alg = (unsigned)r_uint(t, hn, F_SMB2_HEADER_COMP_TRANSFORM_COMP_ALG, c, 2);
		r_uint(t, hn, F_SMB2_HEADER_COMP_TRANSFORM_FLAGS, c, 2);
		uint32_t off = (uint32_t)r_uint(t, hn, F_SMB2_HEADER_COMP_TRANSFORM_OFFSET, c, 4);
		if (c->err) {
			t_malformed(t, smb2, cur_pos(c), "compression header cut short");
			return false;
		}
		/* The segment itself is not shown when it decompresses. */
		size_t n = cur_left(c);
		uint32_t dpos = cur_pos(c);
		const uint8_t *p = cur_take(c, n);
		if (orig > SMB2_DECOMP_LIMIT || off > SMB2_DECOMP_LIMIT)
			o->too_big = true, ok = false;
		else
			ok = off <= n && append(o, p, off) &&
			     decompress(o, alg, p + off, n - off, orig);
		if (!ok)
			t_bytes(t, hn, F_SMB2_HEADER_COMP_TRANSFORM_DATA, dpos, p, (uint32_t)n);
	}
	if (!ok || !o->p) {
		t_malformed(t, smb2, cur_pos(c), o->too_big ? "decompressed size over 16 MB"
							     : "decompression failed");
		return false;
	}
	return true;
}

void smb2_compressed(struct dctx *d, struct node *parent, struct cur *c)
{
	struct node *smb2 = t_proto(&d->t, parent, F_SMB2, cur_pos(c),
				    (uint32_t)cur_left(c));
	struct outbuf o = { 0 };
	struct node *hn;

	if (!decompress_msg(d, smb2, c, &o, &hn)) {
		dctx_summary(d, o.too_big ? "Comp. SMB3 (too big)" : "Comp. SMB3 (invalid)");
		free(o.p);
		return;
	}
	dctx_summary(d, "Decomp. SMB3");
	/* Wireshark hangs the decompressed message under a generated item. */
	struct node *dn = t_text(&d->t, hn, 0, 0, "[Decompressed SMB3 data]");
	dn->flags |= N_GENERATED;
	if (d->depth < SMB2_MAX_NESTING) {
		struct cur plain = cur_make(o.p, o.len, 0);
		d->depth++;
		smb2_dissect(d, dn, &plain);
		d->depth--;
	}
	node_set_generated(dn);
	free(o.p);
}

void smb2_index_compressed(struct trace *t, const struct pdu *p)
{
	struct dctx d = { 0 };
	struct outbuf o = { 0 };

	d.t.a = &t->a;
	d.t.dry = true;
	d.trace = t;
	d.pdu = p;
	d.summary = "";
	struct node *root = tree_root(&d.t);
	struct cur c = cur_make(p->data, p->len, 0);
	cur_skip(&c, 4);
	/* The rebuilt message gets a 4-byte NBSS prefix like any PDU. */
	if (out_reserve(&o, 4)) {
		memset(o.p, 0, 4);
		o.len = 4;
		struct node *hn;
		if (decompress_msg(&d, root, &c, &o, &hn) && o.len > 4) {
			struct pdu plain = *p;
			plain.data = o.p;
			plain.len = (uint32_t)o.len;
			smb2_index(t, &plain);
		}
	}
	free(o.p);
}
