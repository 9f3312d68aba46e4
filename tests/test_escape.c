/* test_escape.c - the JSON string escaper's fast path (16 or 8 bytes a
 * step, overlapping tail copies) against a byte-at-a-time reference, on
 * random strings of plain bytes, quotes, backslashes, controls and valid
 * and invalid UTF-8 at every length and alignment. */
#include "../src/report/escape.h"
#include "testutil.h"

#include <stdlib.h>

/* The escaping, one byte (or UTF-8 sequence) at a time. */
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

	srand(23);
	for (int round = 0; round < 200000; round++) {
		size_t n = 0, len = (size_t)rand() % 200;
		/* mostly plain, as real labels are */
		int odd = rand() % 4 ? 40 : 3;
		while (n < len) {
			const char *p = rand() % odd ? "abcdefghijklmnop" + rand() % 16
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
		if (a == b && memcmp(got, want, a)) {
			CHECK(!"same output");
			break;
		}
		if (test_failures)
			break;
	}
	return test_failures != 0;
}
