/*
 * graftpriv.h - what graft.c (collecting, the hook, jobs), graftfmt.c (the
 * encoded form of a frame's grafts) and graftcache.c (the cache file: key,
 * writing, loading its index, reading a frame's block back, the
 * directory's size cap) share. Not for other modules: graft.h is the
 * interface.
 *
 * The encoded form (graftfmt.c has the details). A frame's grafts are one
 * block of bytes: its roots, each with its anchor and its tree in preorder
 * as varint-coded nodes whose strings (names, shows, labels) are numbers
 * in a dictionary, or in the cache file for strings used once, inline. The
 * graft keeps only what finds a frame's block (struct gframe, 16 bytes per
 * frame with grafts) and the dictionary; the hook decodes the block into
 * nodes when the frame is dissected. While tshark runs the blocks are
 * built in memory (every string in the dictionary); gcache_save() writes
 * them again with the final dictionary (strings used three times or more, most
 * used first) and gcache_load() reads back the dictionary and the frame
 * index, never the blocks.
 */
#ifndef SMBCMP_GRAFTPRIV_H
#define SMBCMP_GRAFTPRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "hmap.h"
#include "tree.h"

/* Where a frame's block is: in the cache file, or in g->mem. */
struct gframe {
	uint32_t frame;
	uint32_t len;
	uint64_t off;
};

/* A growable byte buffer. */
struct gbuf {
	uint8_t *p;
	size_t len, cap;
};

struct graft {
	struct arena a;      /* the dictionary's strings */
	struct gframe *f;    /* frames with grafts, by frame number */
	size_t nf, capf;
	size_t roots;        /* graft roots in all */
	const char **ds;     /* dictionary: ds[i] NUL-terminated */
	uint16_t *dfid;      /* field id of ds[i] as a name, or F_INVALID */
	uint32_t *dcount;    /* while collecting: uses of ds[i] */
	size_t nd, capd;
	struct hmap intern;  /* while collecting: string hash -> id + 1 */
	struct gbuf mem;     /* blocks in memory (collected, no cache file), or */
	int fd;              /* the cache file they are read from, or -1 */
	uint64_t gen;        /* this load of it, for the read window (graftcache.c) */
	bool debug;
	bool facts_whole;    /* SMBCMP_GRAFT_FACTS=0 (tests): facts-mode reads whole trees */
};

/* A root of a decoded block (gfmt_roots), its tree still encoded. */
struct groot {
	uint8_t nested;      /* 0: after a top-level SMB layer; 1: under a node */
	uint32_t apos, aocc; /* anchor pos (nested) and occurrence */
	const char *akey;    /* anchor: name, or label for a text item */
	const char *name;    /* the root's protocol name */
	uint32_t nnodes;
	const uint8_t *nodes; /* nbytes of encoded nodes */
	size_t nbytes;
};

/* ---- graftfmt.c ---------------------------------------------------------- */

/* Most bytes of a frame's block (a larger one makes a cache file invalid). */
#define GFMT_MAX_BLOCK (64u << 20)

/* Appends frame's block to g->mem from its roots: for each, nested, its
 * anchor (akey, apos, aocc) and the tree src (strings interned into g). */
struct gfmt_pending {
	uint8_t nested;
	const char *akey;
	uint32_t apos, aocc;
	const struct node *src;
};
void gfmt_add_frame(struct graft *g, uint32_t frame, const struct gfmt_pending *r, size_t n);
/* The roots of a block (len bytes at p, strings resolved through g's
 * dictionary) into an array in a; their number, 0 for a damaged block. */
size_t gfmt_roots(const struct graft *g, const uint8_t *p, size_t len, struct arena *a,
		  struct groot **out);
/* Root r's tree in a, under parent (not appended); NULL if damaged. facts:
 * for a facts-mode dissection, a top-level root with only the nodes
 * ops_build() reads (ops_graft_reads). */
struct node *gfmt_tree(const struct graft *g, const struct groot *r, struct arena *a,
		       struct node *parent, bool facts);
/* Re-encodes the collected block src (len bytes) into out with remap:
 * string id -> final dictionary index + 1, or 0 for inline. 0 or -1. */
int gfmt_recode(const struct graft *g, const uint8_t *src, size_t len, const uint32_t *remap,
		struct gbuf *out);
/* The dictionary's field ids, g->dfid[i] for every g->ds[i]. */
void gfmt_dict_fids(struct graft *g);
void gbuf_free(struct gbuf *b);

/* ---- graftcache.c -------------------------------------------------------- */

int gcache_mkdir(const char *dir);                /* mkdir -p, mode 0700 */
void gcache_hex(char *out, const uint8_t *d, size_t n);
/* The capture's content key (graft.h: sampled above 256 MiB). */
int gcache_file_key(const char *path, char out[65], char *err, size_t errlen);
/* Writes g's collected blocks to path (atomically); 0 or -1 (errno). */
int gcache_save(const struct graft *g, const char *path, const char *version);
/* Reads path's dictionary and frame index into g (g keeps the file open);
 * 0, or -1 if missing, stale or damaged. */
int gcache_load(struct graft *g, const char *path, const char *version);
/* Frame f's block, in memory or read from the cache file into a; NULL if
 * the file lets us down. */
const uint8_t *gcache_block(const struct graft *g, const struct gframe *f, struct arena *a);
/* Keeps dir under its size cap, never removing keep. */
void gcache_trim(const char *dir, const char *keep, bool debug);

#endif
