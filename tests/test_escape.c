/* test_escape.c - the JSON string escaper's fast path (16 or 8 bytes a
 * step, overlapping tail copies) and the JSON writer's string (measured
 * while escaped) against a byte-at-a-time reference, on random strings of
 * plain bytes, quotes, backslashes, controls and valid and invalid UTF-8
 * at every length and alignment, and ending just before an unmapped page;
 * the string written by position (jw_put_str_at) near the end of the
 * writer's buffer; numbers against snprintf. */
#include "../src/report/escape.h"
#include "../src/report/json.h"
#include "testutil.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static char sunk[(1 << 16) + 6 * 4096 + 64];
static size_t nsunk;

static void sink(struct jw *w)
{
	if (nsunk + w->n <= sizeof(sunk))
		memcpy(sunk + nsunk, w->buf, w->n);
	nsunk += w->n;
	w->n = 0;
}

/* jw_put_str(s) must write '"' + ref_escape(s) + '"'. */
static void check_put_str(const char *s, const char *want, size_t wn)
{
	struct jw *w = malloc(sizeof(*w));

	if (!w)
		return;
	jw_init(w, stdout, false);
	w->sink = sink;
	nsunk = 0;
	jw_put_str(w, s);
	jw_flush(w);
	CHECK_EQ(nsunk, wn + 2);
	if (nsunk == wn + 2)
		CHECK(sunk[0] == '"' && !memcmp(sunk + 1, want, wn) && sunk[wn + 1] == '"');
	free(w);
}

/* jw_put_str_at(s) after the writer's buffer was filled up to fill bytes
 * before its end: the same bytes as jw_put_str(), and JW_SLACK bytes of
 * room left after the position it returns. */
static void check_put_str_at(const char *s, const char *want, size_t wn, size_t fill)
{
	struct jw *w = malloc(sizeof(*w));

	if (!w)
		return;
	jw_init(w, stdout, false);
	w->sink = sink;
	nsunk = 0;
	size_t pre = w->cap - fill;
	memset(w->buf, 'x', pre);
	w->n = pre;
	char *o = jw_put_str_at(w, w->buf + w->n, s);
	CHECK(o >= w->buf && o <= w->buf + w->cap);
	CHECK(w->buf + w->cap - o >= (ptrdiff_t)JW_SLACK);
	jw_put_end(w, o);
	jw_flush(w);
	CHECK_EQ(nsunk, pre + wn + 2);
	if (nsunk == pre + wn + 2)
		CHECK(sunk[pre] == '"' && !memcmp(sunk + pre + 1, want, wn) &&
		      sunk[pre + wn + 1] == '"');
	free(w);
}

/* jw_u32_at(v) must write what "%u" does. */
static void check_u32(uint32_t v)
{
	char got[16], exp[16];
	char *e = jw_u32_at(got, v);
	int k = snprintf(exp, sizeof(exp), "%u", (unsigned)v);

	if (e - got != k || memcmp(got, exp, (size_t)k)) {
		fprintf(stderr, "jw_u32_at(%u): %.*s\n", (unsigned)v, (int)(e - got), got);
		CHECK(!"jw_u32_at as %u");
	}
}

/* The escaping, one byte (or UTF-8 sequence) at a time. */
static size_t ref_escape(char *out, const unsigned char *s, size_t n);

static size_t ref_escape(char *out, const unsigned char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		if (esc_plain(s[i])) {
			out[o++] = (char)s[i++];
			continue;
		}
		size_t k = esc_json_byte(out + o, s[i]);
		if (k) {
			o += k;
			i++;
			continue;
		}
		size_t l = esc_utf8_len(s + i, n - i);
		if (l) {
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(out + o, "\\ufffd", 6);
			o += 6;
			i++;
		}
	}
	return o;
}

int main(void)
{
	static const char *const pieces[] = { "a", "Z", " ", "0", "\"", "\\", "\n", "\x01",
					      "\x1f", "\x7f", "\xc3\xa9", "\xe2\x80\xa6",
					      "\xf0\x9f\x98\x80", "\xff", "\xc3", "\x80" };
	unsigned char buf[256 + 16];
	char got[6 * 256 + 16], want[6 * 256 + 16];

	/* Numbers, at every digit count and around 2^32. */
	static const uint64_t nums[] = { 0, 9, 10, 99, 100, 101, 999, 1000, 65535, 99999999,
					 4294967295u, 4294967296u, 4294967396u,
					 10000000000000000000u, UINT64_MAX };
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		struct jw *w = malloc(sizeof(*w));
		char exp[32];
		if (!w)
			break;
		jw_init(w, stdout, false);
		w->sink = sink;
		nsunk = 0;
		jw_put_uint(w, nums[i]);
		jw_flush(w);
		int k = snprintf(exp, sizeof(exp), "%llu", (unsigned long long)nums[i]);
		CHECK_EQ(nsunk, k);
		CHECK(!memcmp(sunk, exp, (size_t)k));
		free(w);
	}

	/* 32-bit numbers by position: every value up to 10^5, around each
	 * larger power of ten, the largest, and random ones. */
	uint32_t nums32[4 * 6 + 2000] = { UINT32_MAX, UINT32_MAX - 1 };
	size_t n32 = 2;
	for (uint32_t p = 100000;; p *= 10) {
		nums32[n32++] = p - 1;
		nums32[n32++] = p;
		nums32[n32++] = p + 1;
		if (p == 1000000000u)
			break;
	}
	srand(7);
	while (n32 < sizeof(nums32) / sizeof(nums32[0]))
		nums32[n32++] = (uint32_t)rand() * 2654435761u >> (rand() % 32);
	for (uint32_t v = 0; v <= 100000; v++)
		check_u32(v);
	for (size_t i = 0; i < n32; i++)
		check_u32(nums32[i]);

	/* Strings by position, from every place near the buffer's end. */
	for (size_t fill = 1; fill < 400; fill += fill < 80 ? 1 : 37) {
		static const char *const strs[] = { "", "a", "plain label of some length, ok",
						    "\"quoted\"\n", "\xc3\xa9t\xc3\xa9 \xff" };
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
			size_t wn = ref_escape(want, (const unsigned char *)strs[i], strlen(strs[i]));
			check_put_str_at(strs[i], want, wn, fill);
		}
		char big[300];
		memset(big, 'b', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		size_t wn = ref_escape(want, (const unsigned char *)big, strlen(big));
		check_put_str_at(big, want, wn, fill);
	}

	/* Strings ending at a page end, before an unmapped page. */
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	CHECK(map != MAP_FAILED);
	if (map != MAP_FAILED) {
		CHECK(mprotect(map + pg, (size_t)pg, PROT_NONE) == 0);
		for (size_t len = 0; len < 100; len++) {
			char *str = map + pg - 1 - len;
			for (size_t i = 0; i < len; i++)
				str[i] = i % 37 == 5 ? '"' : i % 53 == 7 ? '\xc3' : (char)('a' + i % 26);
			str[len] = '\0';
			size_t wn = ref_escape(want, (const unsigned char *)str, len);
			check_put_str(str, want, wn);
		}
	}

	srand(23);
	for (int round = 0; round < 200000; round++) {
		size_t n = 0, len = (size_t)rand() % 200;
		/* mostly plain, as real labels are */
		int odd = rand() % 4 ? 40 : 3;
		while (n < len) {
			const char *p = rand() % odd ? &"abcdefghijklmnop"[rand() % 16]
						     : pieces[rand() % 16];
			size_t k = rand() % odd ? 1 : strlen(p);
			if (n + k > len)
				break;
			memcpy(buf + 8 + n, p, k);
			n += k;
		}
		size_t off = (size_t)rand() % 8;
		memmove(buf + off, buf + 8, n);
		size_t a = esc_json_fast(got, (const char *)buf + off, n);
		size_t b = ref_escape(want, buf + off, n);
		CHECK_EQ(a, b);
		buf[off + n] = '\0';
		if (!memchr(buf + off, 0, n))
			check_put_str((const char *)buf + off, want, b);
		if (a == b && memcmp(got, want, a)) {
			CHECK(!"same output");
			break;
		}
		if (test_failures)
			break;
	}
	return test_failures != 0;
}
