/*
 * graftpriv.h - what graft.c (collecting, the hook, jobs) and graftcache.c
 * (the cache file: key, writing, the offset index, reading one tree back,
 * the directory's size cap) share. Not for other modules: graft.h is the
 * interface.
 */
#ifndef SMBCMP_GRAFTPRIV_H
#define SMBCMP_GRAFTPRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "hmap.h"
#include "tree.h"

/* One graft root and where it goes. */
struct gentry {
	uint32_t frame;
	uint8_t nested;      /* 0: after a top-level SMB layer; 1: under a node */
	const char *akey;    /* anchor: name, or label for a text item */
	uint32_t apos, aocc; /* anchor pos (nested) and occurrence */
	struct node *tree;   /* in memory (fresh from tshark, no cache), or */
	uint64_t off;        /* where its first N line is in the cache file */
	uint32_t len;        /* and the bytes of its N lines */
	const char *name;    /* the root's protocol name */
};

struct graft {
	struct arena a;
	struct gentry *e;
	size_t n, cap;
	size_t frames;
	struct hmap byframe; /* frame number -> first entry index + 1 */
	int fd;              /* the cache file the trees are read from, or -1 */
	uint64_t gen;        /* this load of it, for the read window (graftcache.c) */
	bool debug;
	bool facts_whole;    /* SMBCMP_GRAFT_FACTS=0 (tests): facts-mode reads whole trees */
};

/* The cache (graftcache.c). */
int gcache_mkdir(const char *dir);                /* mkdir -p, mode 0700 */
void gcache_hex(char *out, const uint8_t *d, size_t n);
/* The capture's content key (graft.h: sampled above 256 MiB). */
int gcache_file_key(const char *path, char out[65], char *err, size_t errlen);
/* Writes g's in-memory trees to path (atomically); 0 or -1 (errno). */
int gcache_save(const struct graft *g, const char *path, const char *version);
/* Indexes path into g (entries and tree offsets; g keeps the file open);
 * 0, or -1 if missing, stale or damaged. */
int gcache_load(struct graft *g, const char *path, const char *version);
/* Entry e's tree read back from the cache file into a, under parent;
 * facts: for a facts-mode dissection, a top-level graft's root with only
 * the nodes ops_build() reads (ops_graft_reads). */
struct node *gcache_read_tree(const struct graft *g, const struct gentry *e, struct arena *a,
			      struct node *parent, bool facts);
/* Keeps dir under its size cap, never removing keep. */
void gcache_trim(const char *dir, const char *keep, bool debug);

#endif
