/*
 * ntlmssp.c - NTLM Authentication Protocol messages, MS-NLMP 2.2.
 *
 *   0 Signature "NTLMSSP\0"   8 MessageType
 * NEGOTIATE (2.2.1.1):  12 NegotiateFlags 16 DomainNameFields
 *                       24 WorkstationFields 32 Version
 * CHALLENGE (2.2.1.2):  12 TargetNameFields 20 NegotiateFlags
 *                       24 ServerChallenge 32 Reserved 40 TargetInfoFields
 *                       48 Version
 * AUTHENTICATE (2.2.1.3): 12 LmChallengeResponseFields 20 NtChallenge...
 *                       28 DomainNameFields 36 UserNameFields
 *                       44 WorkstationFields 52 EncryptedRandomSessionKey
 *                       60 NegotiateFlags 64 Version 72 MIC
 * A "Fields" header is Len(2) MaxLen(2) BufferOffset(4), the offset
 * relative to the message start. The optional tail fields (version, MIC,
 * even the session key and flags of old clients) are present only when the
 * payload starts after them, which is how Wireshark decides too; its item
 * order and labels are copied here (packet-ntlmssp.c), positions are the
 * real ones.
 * AV pairs (2.2.2.1) in TargetInfo and in NTLMv2_CLIENT_CHALLENGE (2.2.2.7):
 * AvId(2) AvLen(2) Value; the walk stops at MsvAvEOL, at the end of the
 * list or at a pair that does not fit, so every step advances >= 4 bytes.
 * Verifier (2.2.2.9): Version(4) = 1, 12 more bytes.
 */
#include "auth.h"

#include <string.h>

#include "wirestr.h"

#define NTLM_UNICODE 0x00000001u
#define NTLM_VERSION 0x02000000u

enum { NTLM_NEGOTIATE = 1, NTLM_CHALLENGE = 2, NTLM_AUTH = 3 };

static const int flag_subs[] = {
	F_NTLMSSP_NEGOTIATE56, F_NTLMSSP_NEGOTIATEKEYEXCH, F_NTLMSSP_NEGOTIATE128,
	F_NTLMSSP_NEGOTIATENT10000000, F_NTLMSSP_NEGOTIATENT08000000,
	F_NTLMSSP_NEGOTIATENT04000000, F_NTLMSSP_NEGOTIATEVERSION,
	F_NTLMSSP_NEGOTIATENT01000000, F_NTLMSSP_NEGOTIATETARGETINFO,
	F_NTLMSSP_REQUESTNONNTSESSION, F_NTLMSSP_NEGOTIATENT00200000,
	F_NTLMSSP_NEGOTIATEIDENTIFY, F_NTLMSSP_NEGOTIATENTLM2,
	F_NTLMSSP_TARGETTYPESHARE, F_NTLMSSP_TARGETTYPESERVER,
	F_NTLMSSP_TARGETTYPEDOMAIN, F_NTLMSSP_NEGOTIATEALWAYSSIGN,
	F_NTLMSSP_NEGOTIATE00004000, F_NTLMSSP_NEGOTIATEOEMWORKSTATIONSUPPLIED,
	F_NTLMSSP_NEGOTIATEOEMDOMAINSUPPLIED, F_NTLMSSP_NEGOTIATEANONYMOUS,
	F_NTLMSSP_NEGOTIATENTONLY, F_NTLMSSP_NEGOTIATENTLM,
	F_NTLMSSP_NEGOTIATE00000100, F_NTLMSSP_NEGOTIATELMKEY,
	F_NTLMSSP_NEGOTIATEDATAGRAM, F_NTLMSSP_NEGOTIATESEAL,
	F_NTLMSSP_NEGOTIATESIGN, F_NTLMSSP_NEGOTIATE00000008,
	F_NTLMSSP_REQUESTTARGET, F_NTLMSSP_NEGOTIATEOEM,
	F_NTLMSSP_NEGOTIATEUNICODE, F_INVALID
};

/* AV pair value fields by AvId 0..10, for the two lists. */
struct av_fields {
	int type, length;
	int value[11];
};

static const struct av_fields av_target_info = {
	F_NTLMSSP_CHALLENGE_TARGET_INFO_ITEM_TYPE,
	F_NTLMSSP_CHALLENGE_TARGET_INFO_ITEM_LENGTH,
	{ F_NTLMSSP_CHALLENGE_TARGET_INFO_END,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_NB_COMPUTER_NAME,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_NB_DOMAIN_NAME,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_DNS_COMPUTER_NAME,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_DNS_DOMAIN_NAME,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_DNS_TREE_NAME,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_FLAGS,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_TIMESTAMP,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_RESTRICTIONS,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_TARGET_NAME,
	  F_NTLMSSP_CHALLENGE_TARGET_INFO_CHANNEL_BINDINGS },
};

static const struct av_fields av_ntlmv2 = {
	F_NTLMSSP_NTLMV2_RESPONSE_ITEM_TYPE,
	F_NTLMSSP_NTLMV2_RESPONSE_ITEM_LENGTH,
	{ F_NTLMSSP_NTLMV2_RESPONSE_END,
	  F_NTLMSSP_NTLMV2_RESPONSE_NB_COMPUTER_NAME,
	  F_NTLMSSP_NTLMV2_RESPONSE_NB_DOMAIN_NAME,
	  F_NTLMSSP_NTLMV2_RESPONSE_DNS_COMPUTER_NAME,
	  F_NTLMSSP_NTLMV2_RESPONSE_DNS_DOMAIN_NAME,
	  F_NTLMSSP_NTLMV2_RESPONSE_DNS_TREE_NAME,
	  F_NTLMSSP_NTLMV2_RESPONSE_FLAGS,
	  F_NTLMSSP_NTLMV2_RESPONSE_TIMESTAMP,
	  F_NTLMSSP_NTLMV2_RESPONSE_RESTRICTIONS,
	  F_NTLMSSP_NTLMV2_RESPONSE_TARGET_NAME,
	  F_NTLMSSP_NTLMV2_RESPONSE_CHANNEL_BINDINGS },
};

/* One message being dissected: offsets below are relative to the message
 * start (m.start); every read is checked against the window. */
struct nmsg {
	struct dctx *d;
	struct tctx *t;
	struct node *tree;  /* the ntlmssp node */
	struct cur m;       /* window = the message */
	size_t len;         /* message length */
	bool unicode;
	bool stop;          /* a read failed: dissection ended (malformed) */
};

static bool fits(const struct nmsg *n, uint64_t off, uint64_t len)
{
	return off <= n->len && len <= n->len - off;
}

/* Checks [off, off+len) and ends the dissection with a malformed marker
 * when it is outside the message (Wireshark's bounds exception). */
static bool need(struct nmsg *n, uint64_t off, uint64_t len)
{
	if (n->stop)
		return false;
	if (fits(n, off, len))
		return true;
	n->stop = true;
	t_malformed(n->t, n->tree, n->m.pos0 + (uint32_t)n->m.start + (uint32_t)n->len,
		    "NTLMSSP field outside the message");
	return false;
}

static const uint8_t *at(const struct nmsg *n, size_t off)
{
	return n->m.buf + n->m.start + off;
}

static uint32_t pos(const struct nmsg *n, size_t off)
{
	return n->m.pos0 + (uint32_t)(n->m.start + off);
}

static uint16_t rd16(const struct nmsg *n, size_t off)
{
	const uint8_t *p = at(n, off);
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const struct nmsg *n, size_t off)
{
	const uint8_t *p = at(n, off);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const struct nmsg *n, size_t off)
{
	return rd32(n, off) | (uint64_t)rd32(n, off + 4) << 32;
}

static struct cur sub(const struct nmsg *n, size_t off, size_t len)
{
	return cur_sub(&n->m, n->m.start + off, len);
}

/* ENC_ASCII as Wireshark decodes it: bytes >= 0x80 become U+FFFD. */
static const char *oem_string(struct arena *a, const uint8_t *p, size_t len)
{
	char *s = arena_alloc(a, len * 3 + 1);
	size_t o = 0;

	for (size_t i = 0; i < len && p[i]; i++) {
		if (p[i] < 0x80) {
			s[o++] = (char)p[i];
		} else {
			memcpy(s + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
	}
	s[o] = '\0';
	return s;
}

static void add_flags(struct nmsg *n, struct node *parent, size_t off)
{
	if (!need(n, off, 4))
		return;
	struct cur c = sub(n, off, 4);
	r_bitmask(n->t, parent, F_NTLMSSP_NEGOTIATEFLAGS, &c, 4, flag_subs);
}

static void add_version(struct nmsg *n, size_t off)
{
	if (!need(n, off, 8))
		return;
	const uint8_t *p = at(n, off);
	struct node *v = auth_none(n->t, n->tree, F_NTLMSSP_VERSION, pos(n, off), 8,
				   arena_printf(n->t->a,
						"Version %u.%u (Build %u); NTLM Current Revision %u",
						p[0], p[1], rd16(n, off + 2), p[7]));
	t_uint(n->t, v, F_NTLMSSP_VERSION_MAJOR, pos(n, off), 1, p[0]);
	t_uint(n->t, v, F_NTLMSSP_VERSION_MINOR, pos(n, off + 1), 1, p[1]);
	t_uint(n->t, v, F_NTLMSSP_VERSION_BUILD_NUMBER, pos(n, off + 2), 2, rd16(n, off + 2));
	t_uint(n->t, v, F_NTLMSSP_VERSION_NTLM_CURRENT_REVISION, pos(n, off + 7), 1, p[7]);
}

/* Start of a payload item as Wireshark counts it: its offset when past the
 * header, else the message end. */
static uint64_t data_start_of(const struct nmsg *n, size_t hdr, uint32_t off)
{
	return (int64_t)(int32_t)off > (int64_t)hdr + 8 ? (uint64_t)(int32_t)off : n->len;
}

/* String fields header at hdr (MS-NLMP 2.2.1: Len, MaxLen, Offset). */
static const char *add_string(struct nmsg *n, size_t hdr, int fid,
			      uint64_t *start, uint64_t *end)
{
	if (!need(n, hdr, 8))
		return "";
	uint16_t len = rd16(n, hdr), maxlen = rd16(n, hdr + 2);
	uint32_t off = rd32(n, hdr + 4);

	*start = data_start_of(n, hdr, off);
	if (len == 0) {
		*end = *start;
		t_custom(n->t, n->tree, fid, pos(n, hdr), 8, "NULL", NULL);
		return "";
	}
	uint64_t o = off;
	if (n->unicode && (o & 1))
		o++; /* UTF-16 is 2-byte aligned */
	if (!need(n, o, len))
		return "";
	const char *s = n->unicode ? str_utf16le(n->t->a, at(n, o), len)
				   : oem_string(n->t->a, at(n, o), len);
	struct node *sn = t_string(n->t, n->tree, fid, pos(n, o), len, s);
	t_uint(n->t, sn, F_NTLMSSP_STRING_LENGTH, pos(n, hdr), 2, len);
	t_uint(n->t, sn, F_NTLMSSP_STRING_MAXLEN, pos(n, hdr + 2), 2, maxlen);
	t_uint(n->t, sn, F_NTLMSSP_STRING_OFFSET, pos(n, hdr + 4), 4, (uint32_t)o);
	*end = o + len;
	return s;
}

/* One AV pair value. */
static const char *av_value(struct nmsg *n, struct node *item, const struct av_fields *f,
			    uint16_t id, size_t off, uint16_t len)
{
	switch (id) {
	case 1: case 2: case 3: case 4: case 5: case 9: {
		const char *s = str_utf16le(n->t->a, at(n, off), len);
		t_string(n->t, item, f->value[id], pos(n, off), len, s);
		return s;
	}
	case 6: {
		unsigned k = len < 4 ? len : 4;
		struct cur c = sub(n, off, k);
		r_uint(n->t, item, f->value[id], &c, k);
		break;
	}
	case 7:
		if (need(n, off, 8))
			t_filetime(n->t, item, f->value[id], pos(n, off), 8, rd64(n, off));
		break;
	case 8: case 10:
		t_bytes(n->t, item, f->value[id], pos(n, off), at(n, off), len);
		break;
	default:
		break; /* Wireshark: expert item only */
	}
	return NULL;
}

/* AV pair list at [off, off+len); returns the offset after the last pair
 * walked. */
static size_t add_av_list(struct nmsg *n, struct node *parent, size_t off,
			  size_t len, const struct av_fields *f)
{
	size_t i = 0;
	uint16_t id = 0xffff;

	if (!need(n, off, len))
		return off;
	while (len - i >= 4 && id != 0) {
		id = rd16(n, off + i);
		uint16_t alen = rd16(n, off + i + 2);
		if ((size_t)alen + 4 > len - i) {
			t_text(n->t, parent, pos(n, off + i), (uint32_t)(len - i),
			       "[invalid NTLMSSP Target Info AvPairs]");
			return off + len;
		}
		const char *name = val_lookup(field_vals(field_get(f->type)), id);
		struct node *item = t_text(n->t, parent, pos(n, off + i), alen + 4u,
					   "Attribute: %s", name ? name
							: arena_printf(n->t->a, "Unknown (%u)", id));
		t_uint(n->t, item, f->type, pos(n, off + i), 2, id);
		t_uint(n->t, item, f->length, pos(n, off + i + 2), 2, alen);
		if (alen > 0) {
			const char *s = av_value(n, item, f, id, off + i + 4, alen);
			if (s)
				item->label = arena_printf(n->t->a, "%s: %s", item->label, s);
		}
		i += (size_t)alen + 4;
	}
	return off + i;
}

/* NTLMv2_RESPONSE (MS-NLMP 2.2.2.8) at [off, off+len), len > 24. */
static void add_ntlmv2_response(struct nmsg *n, struct node *parent, size_t off, size_t len)
{
	struct node *r = t_bytes(n->t, parent, F_NTLMSSP_NTLMV2_RESPONSE, pos(n, off),
				 at(n, off), (uint32_t)len);

	if (!need(n, off, 44))
		return;
	t_bytes(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_NTPROOFSTR, pos(n, off), at(n, off), 16);
	t_uint(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_RVERSION, pos(n, off + 16), 1, *at(n, off + 16));
	t_uint(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_HIRVERSION, pos(n, off + 17), 1, *at(n, off + 17));
	t_bytes(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_Z, pos(n, off + 18), at(n, off + 18), 6);
	t_filetime(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_TIME, pos(n, off + 24), 8, rd64(n, off + 24));
	t_bytes(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_CHAL, pos(n, off + 32), at(n, off + 32), 8);
	t_bytes(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_Z, pos(n, off + 40), at(n, off + 40), 4);
	if (len < 44) {
		need(n, n->len + 1, 0); /* list length would be negative */
		return;
	}
	size_t end = add_av_list(n, r, off + 44, len - 44, &av_ntlmv2);
	if (!n->stop && end < off + len)
		t_bytes(n->t, r, F_NTLMSSP_NTLMV2_RESPONSE_PAD, pos(n, end), at(n, end),
			(uint32_t)(off + len - end));
}

static const uint8_t zeros16[16];

/* Blob fields header at hdr (LM/NT responses, session key). */
static void add_blob(struct nmsg *n, size_t hdr, int fid, uint64_t *end)
{
	if (!need(n, hdr, 8))
		return;
	uint16_t len = rd16(n, hdr), maxlen = rd16(n, hdr + 2);
	uint32_t off = rd32(n, hdr + 4);

	if (len == 0) {
		*end = off > hdr + 8 ? off : hdr + 8;
		struct node *e = t_bytes(n->t, n->tree, fid, pos(n, hdr), at(n, hdr), 8);
		e->label = arena_printf(n->t->a, "%s: Empty", field_label(fid));
		return;
	}
	if (!need(n, off, len))
		return;
	struct node *b = t_bytes(n->t, n->tree, fid, pos(n, off), at(n, off), len);
	t_uint(n->t, b, F_NTLMSSP_BLOB_LENGTH, pos(n, hdr), 2, len);
	t_uint(n->t, b, F_NTLMSSP_BLOB_MAXLEN, pos(n, hdr + 2), 2, maxlen);
	t_uint(n->t, b, F_NTLMSSP_BLOB_OFFSET, pos(n, hdr + 4), 4, off);
	*end = (uint64_t)off + len;
	if (fid == F_NTLMSSP_AUTH_LMRESPONSE) {
		/* LMv2: Wireshark looks for 16 zero bytes after the first 8. */
		if (fits(n, (uint64_t)off + 8, 16) && !memcmp(at(n, off + 8), zeros16, 16))
			t_bytes(n->t, n->tree, F_NTLMSSP_NTLMCLIENTCHALLENGE, pos(n, off),
				at(n, off), 8);
	} else if (fid == F_NTLMSSP_AUTH_NTRESPONSE && len > 24) {
		add_ntlmv2_response(n, b, off, len);
	}
}

/* MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE */
static void negotiate(struct nmsg *n)
{
	uint64_t s1, e1, s2, e2;

	if (!need(n, 12, 4))
		return;
	uint32_t flags = rd32(n, 12);
	add_flags(n, n->tree, 12);
	n->unicode = false; /* OEM, whatever the flags say */
	add_string(n, 16, F_NTLMSSP_NEGOTIATE_DOMAIN, &s1, &e1);
	add_string(n, 24, F_NTLMSSP_NEGOTIATE_CALLINGWORKSTATION, &s2, &e2);
	if (n->stop)
		return;
	if (32 < (s1 < s2 ? s1 : s2) && (flags & NTLM_VERSION))
		add_version(n, 32);
}

/* MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE */
static void challenge(struct nmsg *n)
{
	uint64_t start = 0, end = 0;
	uint32_t flags = 0;

	if (fits(n, 20, 4))
		flags = rd32(n, 20);
	n->unicode = flags & NTLM_UNICODE;
	add_string(n, 12, F_NTLMSSP_CHALLENGE_TARGET_NAME, &start, &end);
	add_flags(n, n->tree, 20);
	if (!need(n, 24, 8))
		return;
	t_bytes(n->t, n->tree, F_NTLMSSP_NTLMSERVERCHALLENGE, pos(n, 24), at(n, 24), 8);
	if (32 >= start)
		return;
	if (!need(n, 32, 8))
		return;
	t_bytes(n->t, n->tree, F_NTLMSSP_RESERVED, pos(n, 32), at(n, 32), 8);
	if (40 < start && need(n, 40, 8)) {
		uint16_t len = rd16(n, 40), maxlen = rd16(n, 42);
		uint32_t off = rd32(n, 44);
		if (len == 0) {
			auth_none(n->t, n->tree, F_NTLMSSP_CHALLENGE_TARGET_INFO, pos(n, 40), 8,
				  "Target Info List: Empty");
		} else if (need(n, off, len)) {
			struct node *ti = auth_none(n->t, n->tree, F_NTLMSSP_CHALLENGE_TARGET_INFO,
						    pos(n, off), len, "Target Info");
			t_uint(n->t, ti, F_NTLMSSP_CHALLENGE_TARGET_INFO_LENGTH, pos(n, 40), 2, len);
			t_uint(n->t, ti, F_NTLMSSP_CHALLENGE_TARGET_INFO_MAXLEN, pos(n, 42), 2, maxlen);
			t_uint(n->t, ti, F_NTLMSSP_CHALLENGE_TARGET_INFO_OFFSET, pos(n, 44), 4, off);
			add_av_list(n, ti, off, len, &av_target_info);
		}
	}
	if (!n->stop && 48 < start && (flags & NTLM_VERSION))
		add_version(n, 48);
}

/* MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE */
static void authenticate(struct nmsg *n)
{
	uint64_t data_start, start = 0, end = 0;
	uint32_t flags = 0;

	/* The flags decide Unicode when the header has room for them: the
	 * payload starts past them (an empty field's offset, often 0, does
	 * not count). */
	if (fits(n, 60, 4)) {
		uint64_t ds = n->len;
		for (size_t h = 12; h <= 44; h += 8) {
			uint64_t s = data_start_of(n, h, rd32(n, h + 4));
			if (s < ds)
				ds = s;
		}
		if (60 < ds)
			n->unicode = rd32(n, 60) & NTLM_UNICODE;
	}

	if (!need(n, 12, 8))
		return;
	data_start = rd32(n, 16);
	add_blob(n, 12, F_NTLMSSP_AUTH_LMRESPONSE, &end);
	if (!need(n, 20, 8))
		return;
	if (rd32(n, 24) < data_start)
		data_start = rd32(n, 24);
	add_blob(n, 20, F_NTLMSSP_AUTH_NTRESPONSE, &end);
	const char *dom = add_string(n, 28, F_NTLMSSP_AUTH_DOMAIN, &start, &end);
	if (start < data_start)
		data_start = start;
	const char *user = add_string(n, 36, F_NTLMSSP_AUTH_USERNAME, &start, &end);
	if (start < data_start)
		data_start = start;
	if (n->stop)
		return;
	dctx_summary_more(n->d, ", User: %s\\%s", dom, user);
	add_string(n, 44, F_NTLMSSP_AUTH_HOSTNAME, &start, &end);
	if (start < data_start)
		data_start = start;
	size_t off = 52;
	if (!n->stop && off < data_start) {
		add_blob(n, off, F_NTLMSSP_AUTH_SESSKEY, &end);
		off += 8;
	}
	if (!n->stop && off < data_start && need(n, off, 4)) {
		flags = rd32(n, off);
		add_flags(n, n->tree, off);
		off += 4;
	}
	if (!n->stop && off < data_start && need(n, off, 8)) {
		if (flags & NTLM_VERSION)
			add_version(n, off);
		else
			t_bytes(n->t, n->tree, F_NTLMSSP_NTLMV2_RESPONSE_Z, pos(n, off), at(n, off), 8);
		off += 8;
	}
	if (!n->stop && off < data_start && need(n, off, 16))
		t_bytes(n->t, n->tree, F_NTLMSSP_AUTHENTICATE_MIC, pos(n, off), at(n, off), 16);
}

/* MS-NLMP 2.2.2.9 NTLMSSP_MESSAGE_SIGNATURE, as a SPNEGO mechListMIC. */
static void verifier(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	struct node *v = auth_none(t, parent, F_NTLMSSP_VERF, cur_pos(c),
				   (uint32_t)cur_left(c), field_label(F_NTLMSSP_VERF));

	r_uint(t, v, F_NTLMSSP_VERF_VERS, c, 4);
	r_bytes(t, v, F_NTLMSSP_VERF_BODY, c, 12);
}

void ntlmssp_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	const uint8_t *p = cur_peek(c, 1);

	if (cur_left(c) == 16 && p && p[0] == 0x01) {
		verifier(d, parent, c);
		return;
	}
	struct nmsg n = { .d = d, .t = &d->t, .m = cur_sub(c, c->off, cur_left(c)),
			  .len = cur_left(c) };
	n.tree = t_proto(n.t, parent, F_NTLMSSP, cur_pos(c), (uint32_t)n.len);
	cur_skip(c, cur_left(c));
	if (!need(&n, 0, 12))
		return;
	t_string(n.t, n.tree, F_NTLMSSP_IDENTIFIER, pos(&n, 0), 8,
		 oem_string(n.t->a, at(&n, 0), 8));
	uint32_t type = rd32(&n, 8);
	t_uint(n.t, n.tree, F_NTLMSSP_MESSAGETYPE, pos(&n, 8), 4, type);
	const char *name = val_lookup(field_vals(field_get(F_NTLMSSP_MESSAGETYPE)), type);
	dctx_summary_more(d, ", %s", name ? name : "Unknown NTLMSSP message type");
	switch (type) {
	case NTLM_NEGOTIATE:
		negotiate(&n);
		break;
	case NTLM_CHALLENGE:
		challenge(&n);
		break;
	case NTLM_AUTH:
		authenticate(&n);
		break;
	default:
		break;
	}
}
