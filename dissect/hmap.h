/*
 * hmap.h - open-addressing hash map from a 64-bit key to a pointer.
 *
 * Used for per-trace tables (request by message id, file name by file id).
 * Keys are mixed by the caller into 64 bits (hmap_mix). Values live in the
 * owner's arena; the map only stores pointers. Key 0 is reserved.
 */
#ifndef SMBCMP_HMAP_H
#define SMBCMP_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap {
	uint64_t *keys;
	void **vals;
	size_t cap;   /* power of two, or 0 */
	size_t count;
};

void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);
/* Inserts or replaces. */
void hmap_put(struct hmap *m, uint64_t key, void *val);
void *hmap_get(const struct hmap *m, uint64_t key);
/* Removes key (nothing when absent); the others stay where hmap_get()
 * finds them (backward shift, no tombstones: a map whose keys come and go
 * stays as small as what it holds at once). */
void hmap_del(struct hmap *m, uint64_t key);
/* Mixes several values into one key (never 0). */
uint64_t hmap_mix(uint64_t h, uint64_t v);
/* Hash of n bytes at p from seed h, 8 bytes per step (not cryptographic:
 * it tells payloads and strings apart; callers finish it as they need). */
uint64_t hmap_bytes(uint64_t h, const void *p, size_t n);

#endif
