/*
 * test_asn1.c - the DER reader (dissect/asn1.c) on valid and hostile input
 * (truncated and huge lengths, indefinite form, long tags, deep nesting,
 * bad OIDs), and the security-blob dissectors (gssapi.c, spnego.c,
 * ntlmssp.c) on crafted and mutated blobs: empty and unterminated AV pair
 * lists, offsets past the message, every truncation and many byte flips of
 * a valid SPNEGO/NTLMSSP exchange. Run under ASan/UBSan; exits non-zero on
 * a failed check.
 */
#include <stdlib.h>

#include "../dissect/asn1.h"
#include "../dissect/dctx.h"
#include "testutil.h"

static void test_headers(void)
{
	struct asn1_tlv t;
	struct cur c;

	/* Short form, then the contents window. */
	const uint8_t a[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	c = cur_make(a, sizeof(a), 0);
	CHECK_EQ(asn1_read_hdr(&c, &t), 0);
	CHECK_EQ(t.cls, ASN1_UNIVERSAL);
	CHECK(t.constructed);
	CHECK_EQ(t.tag, 16);
	CHECK_EQ(t.hdr, 0);
	CHECK_EQ(t.off, 2);
	CHECK_EQ(t.len, 3);
	struct cur in = asn1_contents(&c, &t);
	CHECK_EQ(asn1_read(&in, &t), 0);
	CHECK_EQ(t.tag, ASN1_TAG_INTEGER);
	CHECK_EQ(cur_left(&in), 0);

	/* Long form lengths: 0x81 and 0x82. */
	uint8_t b[300] = { 0xa1, 0x82, 0x01, 0x00 };
	c = cur_make(b, 4 + 256, 0);
	CHECK_EQ(asn1_read(&c, &t), 0);
	CHECK_EQ(t.cls, ASN1_CONTEXT);
	CHECK_EQ(t.tag, 1);
	CHECK_EQ(t.len, 256);
	CHECK_EQ(c.off, 260);

	/* High tag number: [APPLICATION 200] = 0x5f 0x81 0x48. */
	const uint8_t h[] = { 0x5f, 0x81, 0x48, 0x00 };
	c = cur_make(h, sizeof(h), 0);
	CHECK_EQ(asn1_read(&c, &t), 0);
	CHECK_EQ(t.cls, ASN1_APPLICATION);
	CHECK_EQ(t.tag, 200);
	CHECK_EQ(t.len, 0);
}

static void test_hostile_headers(void)
{
	struct asn1_tlv t;
	struct cur c;
	static const struct {
		uint8_t b[8];
		size_t n;
		const char *why;
	} bad[] = {
		{ { 0 }, 0, "empty" },
		{ { 0x30 }, 1, "no length" },
		{ { 0x30, 0x05, 1, 2 }, 4, "length past the end" },
		{ { 0x30, 0x80, 0, 0 }, 4, "indefinite length" },
		{ { 0x30, 0x82, 0x01 }, 3, "long length cut short" },
		{ { 0x30, 0x85, 1, 1, 1, 1, 1 }, 7, "5 length octets" },
		{ { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff }, 6, "4 GB length" },
		{ { 0x30, 0xff }, 2, "0xff length" },
		{ { 0x1f, 0x81, 0x81 }, 3, "high tag cut short" },
		{ { 0x1f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0 }, 8, "tag over 28 bits" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = cur_make(bad[i].b, bad[i].n, 0);
		int rc = asn1_read(&c, &t);
		if (rc != -1 || !c.err)
			fprintf(stderr, "accepted: %s\n", bad[i].why);
		CHECK_EQ(rc, -1);
		CHECK(c.err);
		CHECK_EQ(c.off, 0); /* a failed read does not move */
	}
	/* A length that fits the buffer but not the sub-window. */
	const uint8_t w[] = { 0x30, 0x04, 0x04, 0x04, 1, 2, 3, 4 };
	c = cur_make(w, sizeof(w), 0);
	CHECK_EQ(asn1_read_hdr(&c, &t), 0);
	struct cur in = asn1_contents(&c, &t);
	CHECK_EQ(asn1_read(&in, &t), -1);
}

static void test_nesting(void)
{
	enum { N = 200 };
	uint8_t deep[2 * N];

	/* N nested empty-ended SEQUENCEs, each length = rest. */
	for (int i = 0; i < N; i++) {
		deep[2 * i] = 0x30;
		deep[2 * i + 1] = (uint8_t)(2 * (N - i - 1));
	}
	/* lengths over 127 need long form: only the inner 63 levels are valid
	 * short-form, so build a valid chain of 60 and check the cap. */
	uint8_t chain[120];
	for (int i = 0; i < 60; i++) {
		chain[2 * i] = 0x30;
		chain[2 * i + 1] = (uint8_t)(2 * (60 - i - 1));
	}
	CHECK_EQ(asn1_check(chain, sizeof(chain), 64, 1000), 0 - 1); /* capped at 32 */
	CHECK_EQ(asn1_check(chain, 2 * 20, 32, 1000), -1);             /* outer length too big */
	uint8_t c20[40];
	for (int i = 0; i < 20; i++) {
		c20[2 * i] = 0x30;
		c20[2 * i + 1] = (uint8_t)(2 * (20 - i - 1));
	}
	CHECK_EQ(asn1_check(c20, sizeof(c20), 32, 1000), 0);
	CHECK_EQ(asn1_check(c20, sizeof(c20), 10, 1000), -1);
	CHECK_EQ(asn1_check(c20, sizeof(c20), 32, 5), -1);
	CHECK_EQ(asn1_check(deep, sizeof(deep), 32, 100000), -1);
	/* Many siblings: bounded by max_items. */
	static uint8_t flat[20000];
	CHECK_EQ(asn1_check(flat, sizeof(flat), 32, 100000), 0); /* 10000 NULL-ish 00 00 */
	CHECK_EQ(asn1_check(flat, sizeof(flat), 32, 100), -1);
}

static void test_oids(void)
{
	char s[64];
	const uint8_t spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
	const uint8_t mskrb[] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 };
	const uint8_t cut[] = { 0x2a, 0x86 };
	uint8_t huge[12];

	CHECK_EQ(asn1_oid_str(spnego, sizeof(spnego), s, sizeof(s)), 0);
	CHECK(!strcmp(s, "1.3.6.1.5.5.2"));
	CHECK_EQ(asn1_oid_str(mskrb, sizeof(mskrb), s, sizeof(s)), 0);
	CHECK(!strcmp(s, "1.2.840.48018.1.2.2"));
	const uint8_t two[] = { 0x88, 0x37 }; /* 2.999 */
	CHECK_EQ(asn1_oid_str(two, sizeof(two), s, sizeof(s)), 0);
	CHECK(!strcmp(s, "2.999"));
	CHECK_EQ(asn1_oid_str(cut, sizeof(cut), s, sizeof(s)), -1);
	CHECK_EQ(asn1_oid_str(spnego, 0, s, sizeof(s)), -1);
	memset(huge, 0xff, sizeof(huge));
	huge[11] = 0x7f;
	CHECK_EQ(asn1_oid_str(huge, sizeof(huge), s, sizeof(s)), -1); /* > 64 bits */
	CHECK_EQ(asn1_oid_str(spnego, sizeof(spnego), s, 6), -1);    /* no room */
	CHECK(!strcmp(s, ""));
}

/* ---- security blobs ---- */

static size_t av(uint8_t *p, uint16_t id, const char *ascii)
{
	size_t n = strlen(ascii);
	put_le16(p, id);
	put_le16(p + 2, (uint16_t)(2 * n));
	for (size_t i = 0; i < n; i++) {
		p[4 + 2 * i] = (uint8_t)ascii[i];
		p[5 + 2 * i] = 0;
	}
	return 4 + 2 * n;
}

/* A CHALLENGE message with target name and an AV list of avlen bytes
 * (written by the caller at the returned offset). */
static size_t challenge(uint8_t *m, const uint8_t *avs, size_t avlen)
{
	memset(m, 0, 56);
	memcpy(m, "NTLMSSP", 8);
	put_le32(m + 8, 2);
	put_le16(m + 12, 4);
	put_le16(m + 14, 4);
	put_le32(m + 16, 56);
	put_le32(m + 20, 0xe2898215); /* unicode, target info, version */
	memset(m + 24, 0x11, 8);
	put_le16(m + 40, (uint16_t)avlen);
	put_le16(m + 42, (uint16_t)avlen);
	put_le32(m + 44, 60);
	m[48] = 10;
	m[55] = 15;
	memcpy(m + 56, "S\0V\0", 4);
	memcpy(m + 60, avs, avlen);
	return 60 + avlen;
}

/* An AUTHENTICATE message with an NTLMv2 response. */
static size_t authenticate(uint8_t *m)
{
	uint8_t nt[200];
	size_t k = 0;

	memset(nt, 0x22, 16);
	nt[16] = 1;
	nt[17] = 1;
	memset(nt + 18, 0, 26);
	k = 44;
	k += av(nt + k, 2, "DOM");
	k += av(nt + k, 9, "cifs/x");
	put_le16(nt + k, 7);
	put_le16(nt + k + 2, 8);
	memset(nt + k + 4, 0x01, 8);
	k += 12;
	put_le32(nt + k, 0);
	k += 4;
	memset(nt + k, 0, 4);
	k += 4;

	memset(m, 0, 88);
	memcpy(m, "NTLMSSP", 8);
	put_le32(m + 8, 3);
	size_t off = 88;
	/* LM 24 bytes of zeros */
	put_le16(m + 12, 24); put_le16(m + 14, 24); put_le32(m + 16, (uint32_t)off);
	memset(m + off, 0, 24);
	off += 24;
	put_le16(m + 20, (uint16_t)k); put_le16(m + 22, (uint16_t)k); put_le32(m + 24, (uint32_t)off);
	memcpy(m + off, nt, k);
	off += k;
	const char *strs[3] = { "D\0O\0M\0", "U\0\0\0", "H\0" };
	size_t lens[3] = { 6, 4, 2 };
	for (int i = 0; i < 3; i++) {
		put_le16(m + 28 + 8 * i, (uint16_t)lens[i]);
		put_le16(m + 30 + 8 * i, (uint16_t)lens[i]);
		put_le32(m + 32 + 8 * i, (uint32_t)off);
		memcpy(m + off, strs[i], lens[i]);
		off += lens[i];
	}
	put_le16(m + 52, 16); put_le16(m + 54, 16); put_le32(m + 56, (uint32_t)off);
	memset(m + off, 0x33, 16);
	off += 16;
	put_le32(m + 60, 0xe2888215);
	m[64] = 10;
	memset(m + 72, 0x44, 16);
	return off;
}

/* SPNEGO negTokenTarg { negResult 1, supportedMech NTLMSSP, responseToken }. */
static size_t targ(uint8_t *out, const uint8_t *tok, size_t n)
{
	static const uint8_t mech[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
					0x82, 0x37, 0x02, 0x02, 0x0a };
	uint8_t body[1200];
	size_t b = 0;
	body[b++] = 0xa0; body[b++] = 3; body[b++] = 0x0a; body[b++] = 1; body[b++] = 1;
	body[b++] = 0xa1; body[b++] = sizeof(mech);
	memcpy(body + b, mech, sizeof(mech));
	b += sizeof(mech);
	body[b++] = 0xa2; body[b++] = 0x82; put_be16(body + b, (uint16_t)(n + 4)); b += 2;
	body[b++] = 0x04; body[b++] = 0x82; put_be16(body + b, (uint16_t)n); b += 2;
	memcpy(body + b, tok, n);
	b += n;
	size_t o = 0;
	out[o++] = 0xa1; out[o++] = 0x82; put_be16(out + o, (uint16_t)(b + 4)); o += 2;
	out[o++] = 0x30; out[o++] = 0x82; put_be16(out + o, (uint16_t)b); o += 2;
	memcpy(out + o, body, b);
	return o + b;
}

static unsigned count(const struct node *n)
{
	unsigned k = 1;
	for (const struct node *c = n->child; c; c = c->next)
		k += count(c);
	return k;
}

static const struct node *find(const struct node *n, const char *name)
{
	if (n->name && !strcmp(n->name, name))
		return n;
	for (const struct node *c = n->child; c; c = c->next) {
		const struct node *f = find(c, name);
		if (f)
			return f;
	}
	return NULL;
}

/* Dissects a blob into a fresh tree; returns the root. */
static struct node *blob(struct arena *a, const uint8_t *p, size_t n, const char **sum)
{
	struct dctx d;
	memset(&d, 0, sizeof(d));
	d.t.a = a;
	d.t.max_nodes = 100000;
	d.summary = "";
	struct node *root = tree_root(&d.t);
	struct cur c = cur_make(p, n, 0);
	gssapi_dissect(&d, root, &c);
	if (sum)
		*sum = d.summary;
	CHECK(!d.t.limited);
	return root;
}

static void test_blobs(void)
{
	struct arena a;
	uint8_t m[1024], avs[256], g[1400];
	const char *sum;
	arena_init(&a);

	/* Valid challenge: names and timestamp, list end. */
	size_t k = av(avs, 2, "DOM");
	put_le16(avs + k, 0); put_le16(avs + k + 2, 0); k += 4;
	size_t n = challenge(m, avs, k);
	struct node *r = blob(&a, m, n, &sum);
	CHECK(!strcmp(sum, ", NTLMSSP_CHALLENGE"));
	CHECK(find(r, "ntlmssp.challenge.target_info.nb_domain_name") != NULL);
	CHECK(find(r, "ntlmssp.version") != NULL);
	CHECK(find(r, "_ws.malformed") == NULL);

	/* Empty AV list. */
	n = challenge(m, avs, 0);
	r = blob(&a, m, n, NULL);
	CHECK(find(r, "ntlmssp.challenge.target_info") != NULL);
	CHECK(find(r, "ntlmssp.challenge.target_info.item.type") == NULL);

	/* Unterminated list of zero-length pairs: walks to the end, no loop. */
	memset(avs, 0, sizeof(avs));
	for (size_t i = 0; i < 200; i += 4)
		put_le16(avs + i, 1);
	n = challenge(m, avs, 200);
	r = blob(&a, m, n, NULL);
	CHECK(count(r) < 1000);

	/* A pair longer than the list; an unknown id; a list past the end. */
	put_le16(avs, 99); put_le16(avs + 2, 0);
	put_le16(avs + 4, 1); put_le16(avs + 6, 0xffff);
	n = challenge(m, avs, 8);
	blob(&a, m, n, NULL);
	put_le16(m + 40, 0xffff);
	r = blob(&a, m, n, NULL);
	CHECK(find(r, "_ws.malformed") != NULL);
	put_le32(m + 44, 0xfffffff0u);
	put_le32(m + 16, 0xfffffff0u);
	blob(&a, m, n, NULL);

	/* Authenticate wrapped in SPNEGO: user in the summary, MIC found. */
	n = authenticate(m);
	size_t gl = targ(g, m, n);
	r = blob(&a, g, gl, &sum);
	CHECK(!strcmp(sum, ", NTLMSSP_AUTH, User: DOM\\U"));
	CHECK(find(r, "spnego.negTokenTarg_element") != NULL);
	CHECK(find(r, "ntlmssp.ntlmv2_response.target_name") != NULL);
	CHECK(find(r, "ntlmssp.authenticate.mic") != NULL);
	CHECK(find(r, "ntlmssp.ntlmclientchallenge") != NULL);
	CHECK(find(r, "_ws.malformed") == NULL);

	/* Every truncation and deterministic byte flips never crash. */
	for (size_t cut = 0; cut <= gl; cut++) {
		blob(&a, g, cut, NULL);
		arena_reset(&a);
	}
	srand(1234);
	for (int it = 0; it < 20000; it++) {
		uint8_t x[1400];
		memcpy(x, g, gl);
		for (int f = 0; f < 1 + it % 6; f++)
			x[(size_t)rand() % gl] = (uint8_t)rand();
		blob(&a, x, gl, NULL);
		memcpy(x, m, n);
		for (int f = 0; f < 1 + it % 6; f++)
			x[(size_t)rand() % n] = (uint8_t)rand();
		blob(&a, x, n, NULL);
		arena_reset(&a);
	}
	arena_free(&a);
}

int main(void)
{
	test_headers();
	test_hostile_headers();
	test_nesting();
	test_oids();
	test_blobs();
	int passed = test_failures == 0;
	printf("%d passed, %d failed\n", passed, !passed);
	return test_failures ? 1 : 0;
}
