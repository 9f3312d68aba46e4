/* test_hmap.c - the hash map: puts, gets, and deletions (backward shift)
 * against a plain array, with keys chosen to collide in small tables. */
#include "../dissect/hmap.h"
#include "testutil.h"

#include <stdint.h>

#define N 5000

int main(void)
{
	static uint64_t key[N];
	static int live[N];
	struct hmap m;
	uint64_t x = 88172645463325252ull;

	hmap_init(&m);
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		key[i] = i % 7 == 0 ? (uint64_t)i : x; /* small keys: runs of neighbours */
	}
	/* Rounds of puts and deletions, checking every key each round. */
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < N; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (x % 3 == 0 && live[i]) {
				hmap_del(&m, key[i]);
				live[i] = 0;
			} else if (x % 3 == 1) {
				hmap_put(&m, key[i], (void *)(uintptr_t)(i + 1));
				live[i] = 1;
			}
		}
		size_t count = 0;
		for (int i = 0; i < N; i++) {
			CHECK_EQ((uintptr_t)hmap_get(&m, key[i]), live[i] ? (uintptr_t)(i + 1) : 0);
			count += (size_t)live[i];
		}
		CHECK_EQ(m.count, count);
	}
	hmap_del(&m, 12345678); /* absent: nothing */
	for (int i = 0; i < N; i++)
		hmap_del(&m, key[i]);
	CHECK_EQ(m.count, 0);
	hmap_free(&m);
	if (test_failures)
		fprintf(stderr, "test_hmap: %d failures\n", test_failures);
	return test_failures != 0;
}
