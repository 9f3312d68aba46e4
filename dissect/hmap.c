/* hmap.c - open-addressing hash map; see hmap.h. */
#include "hmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hmap_init(struct hmap *m)
{
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->count = 0;
}

void hmap_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	hmap_init(m);
}

uint64_t hmap_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

uint64_t hmap_bytes(uint64_t h, const void *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	const unsigned char *b = p;
	uint64_t w;

	h ^= 0xcbf29ce484222325ull ^ n;
	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, b, n);
	return (h ^ w) * k;
}

static size_t slot(uint64_t key, size_t cap)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 17) & (cap - 1);
}

static void grow(struct hmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	uint64_t *nk = calloc(ncap, sizeof(*nk));
	void **nv = calloc(ncap, sizeof(*nv));

	if (!nk || !nv) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = slot(m->keys[i], ncap);
		while (nk[j])
			j = (j + 1) & (ncap - 1);
		nk[j] = m->keys[i];
		nv[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = nk;
	m->vals = nv;
	m->cap = ncap;
}

void hmap_put(struct hmap *m, uint64_t key, void *val)
{
	if (!key)
		key = 1;
	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	size_t j = slot(key, m->cap);
	while (m->keys[j] && m->keys[j] != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->keys[j])
		m->count++;
	m->keys[j] = key;
	m->vals[j] = val;
}

void *hmap_get(const struct hmap *m, uint64_t key)
{
	if (!key)
		key = 1;
	if (!m->cap)
		return NULL;
	size_t j = slot(key, m->cap);
	while (m->keys[j]) {
		if (m->keys[j] == key)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

void hmap_del(struct hmap *m, uint64_t key)
{
	if (!key)
		key = 1;
	if (!m->cap)
		return;
	size_t mask = m->cap - 1, i = slot(key, m->cap);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & mask;
	if (!m->keys[i])
		return;
	m->count--;
	/* The hole at i: the first later key of the run that may sit there
	 * (its home slot is not in (i, k], cyclically) moves into it, which
	 * opens a hole at k; until the run ends. */
	for (;;) {
		m->keys[i] = 0;
		m->vals[i] = NULL;
		size_t k = i;
		for (;;) {
			k = (k + 1) & mask;
			if (!m->keys[k])
				return;
			size_t h = slot(m->keys[k], m->cap);
			if (i <= k ? h <= i || h > k : h <= i && h > k)
				break;
		}
		m->keys[i] = m->keys[k];
		m->vals[i] = m->vals[k];
		i = k;
	}
}
