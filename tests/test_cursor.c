/* test_cursor.c - the bounds-checked cursor: reads, sticky errors, windows. */
#include "../dissect/cursor.h"
#include "testutil.h"

int main(void)
{
	const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct cur c = cur_make(buf, sizeof(buf), 100);

	CHECK_EQ(cur_u8(&c), 1);
	CHECK_EQ(cur_le16(&c), 0x0302);
	CHECK_EQ(cur_pos(&c), 103);
	CHECK_EQ(cur_be32(&c), 0x04050607);
	CHECK(!c.err);
	CHECK_EQ(cur_le32(&c), 0); /* 3 bytes left: short read */
	CHECK(c.err);
	CHECK_EQ(cur_left(&c), 0);
	CHECK_EQ(cur_u8(&c), 0);   /* sticky */
	CHECK(c.err);

	/* Sub-cursor windows and clamping. */
	c = cur_make(buf, sizeof(buf), 0);
	struct cur s = cur_sub(&c, 2, 4);
	CHECK(!s.err);
	CHECK_EQ(cur_le32(&s), 0x06050403);
	CHECK_EQ(cur_u8(&s), 0);
	CHECK(s.err);
	s = cur_sub(&c, 8, 100); /* past the end: clamped, flagged */
	CHECK(s.err);
	CHECK_EQ(cur_left(&s), 2);
	s = cur_sub(&c, 11, 1); /* start outside */
	CHECK(s.err);
	CHECK_EQ(cur_left(&s), 0);
	/* Huge lengths must not wrap. */
	c = cur_make(buf, sizeof(buf), 0);
	cur_skip(&c, 5);
	CHECK(cur_take(&c, SIZE_MAX) == NULL);
	CHECK(c.err);
	c = cur_make(buf, sizeof(buf), 0);
	s = cur_sub(&c, 4, SIZE_MAX);
	CHECK_EQ(cur_left(&s), 6);
	CHECK(!cur_seek(&s, 3)); /* before window start */
	CHECK(cur_seek(&s, 10));
	CHECK_EQ(cur_le(&s, 1), 0);
	/* cur_split advances the parent. */
	c = cur_make(buf, sizeof(buf), 0);
	s = cur_split(&c, 3);
	CHECK_EQ(cur_left(&s), 3);
	CHECK_EQ(cur_u8(&c), 4);
	CHECK_EQ(cur_le(&c, 8), 0x0c0b0a0908070605ULL & 0); /* short: 5 left */
	CHECK(c.err);

	if (test_failures)
		fprintf(stderr, "test_cursor: %d failures\n", test_failures);
	return test_failures != 0;
}
