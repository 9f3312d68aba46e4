/* test_escape.c - the JSON string escaper's fast path (16 or 8 bytes a
 * step, overlapping tail copies) and the JSON writer's string (measured
 * while escaped) against a byte-at-a-time reference, on random strings of
 * plain bytes, quotes, backslashes, controls and valid and invalid UTF-8
 * at every length and alignment, and ending just before an unmapped page. */
#include "../src/report/escape.h"
#include "../src/report/json.h"
#include "testutil.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static char sunk[6 * 4096 + 64];
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
