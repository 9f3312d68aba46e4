/*
 * tree.h - field trees, the one model both engines produce.
 *
 * A node is one tree item as Wireshark shows it: the display-filter field
 * name (NULL for a text-only label), the one-line label, the show value
 * formatted as `tshark -T pdml` prints the field's show attribute, the typed
 * integer value when there is one, byte position and size in the buffer it
 * was read from, and children. Nodes live in the caller's arena: no node is
 * freed on its own.
 *
 * The t_*() adders format show and label from the field descriptor
 * (field.h) the way Wireshark does: decimal or 0x-padded hex per base, value
 * strings as "Name (value)", booleans and bitfields with their bit pattern,
 * bytes as colon-separated hex, FILETIMEs as "Jan 10, 2019 18:44:09.626981300
 * UTC". The r_*() readers take the value from a cursor, add the node and
 * return the value (0 on a short read, which also sets the cursor's err).
 */
#ifndef SMBCMP_TREE_H
#define SMBCMP_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cursor.h"
#include "field.h"

enum node_flags {
	N_GENERATED = 1 << 0, /* computed, not read from the bytes ([…] in Wireshark) */
	N_MALFORMED = 1 << 1, /* marks a [Malformed] item */
	N_HIDDEN = 1 << 2,    /* filterable but not shown */
	N_PROTO = 1 << 3,     /* protocol layer node */
	N_REASM = 1 << 4,     /* pos/size refer to the reassembled PDU, not the frame */
	N_HAS_VALUE = 1 << 5, /* value holds a typed integer */
	N_ANDX = 1 << 6,      /* an SMB1 AndX block (one per chain link, the
				 first included); value holds its command */
	N_GRAFT = 1 << 7,     /* root of a subtree grafted from tshark (src/tshark/graft.h) */
	N_RAW_SHOW = 1 << 8,  /* a string whose show escapes control characters:
				 value holds the raw string (node_raw_show) */
};

struct node {
	struct node *parent, *next, *child, *last;
	const char *name;  /* filter name, NULL for a text item */
	const char *label; /* one human line */
	const char *show;  /* pdml show value, NULL for text items */
	uint64_t value;    /* integer value when N_HAS_VALUE */
	uint32_t pos, size;
	uint16_t field;    /* enum field_id, F_INVALID for engine-made names */
	uint16_t flags;    /* enum node_flags */
	uint32_t aux;      /* 0 when made; scratch for one reader of the tree
			    * at a time (fieldcmp.c: its memo of subtree
			    * hashes), which must not trust it blindly */
};

/* The value to compare a node by: a string's raw text when its show escapes
 * control characters as Wireshark does ("\x5"), else its show. */
static inline const char *node_raw_show(const struct node *n)
{
	if (n->flags & N_RAW_SHOW)
		return (const char *)(uintptr_t)n->value;
	return n->show;
}

/* Per-dissection tree context: where nodes go and how many are allowed. */
struct tctx {
	struct arena *a;
	uint32_t nodes;     /* nodes made so far in this tree */
	uint32_t max_nodes; /* 0 = unlimited */
	bool limited;       /* a node was refused by max_nodes */
	bool dry;           /* summary only: adders format nothing, return sink */
	uint32_t digest_over; /* byte fields longer: show a digest, not hex */
	const uint8_t *want; /* non-NULL: a named field whose entry (by field
			      * id) is 0 gets neither label nor show (""),
			      * only its name, value and position: a reader
			      * of a few fields (ops.c) skips the formatting */
	bool nolabel;       /* named fields' labels are their shows (a
			     * comparison by value needs no more) */
	struct node sink;   /* returned past the limit; never linked */
};

/* A detached root to hang top-level items on. */
struct node *tree_root(struct tctx *t);

/* Appends a raw node; name/label/show are stored as given (not copied). */
struct node *tree_add(struct tctx *t, struct node *parent, const char *name,
		      const char *label, const char *show, uint32_t pos,
		      uint32_t size);

/* Typed adders: format show and label from field fid. */
struct node *t_proto(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		     uint32_t size);
struct node *t_uint(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		    uint32_t size, uint64_t v);
struct node *t_int(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		   uint32_t size, int64_t v);
struct node *t_bytes(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		     const uint8_t *p, uint32_t n);
/* s is UTF-8, copied. */
struct node *t_string(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		      uint32_t size, const char *s);
struct node *t_guid(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		    const uint8_t p[16]);
/* Windows FILETIME (100 ns since 1601). */
struct node *t_filetime(struct tctx *t, struct node *parent, int fid,
			uint32_t pos, uint32_t size, uint64_t ft);
/* Absolute time as seconds + nanoseconds since the Unix epoch. */
struct node *t_abstime(struct tctx *t, struct node *parent, int fid,
		       uint32_t pos, uint32_t size, int64_t sec, uint32_t nsec);
/* Relative time from (sec0, nsec0) to (sec1, nsec1) ("0.082783000",
 * "-1.500000000"). Capture timestamps are attacker-controlled: any values
 * are exact (nsec need not be under 10^9), a difference beyond int64
 * seconds shows as the int64 extreme. */
struct node *t_timedelta(struct tctx *t, struct node *parent, int fid,
			 uint32_t pos, uint32_t size, int64_t sec1, uint32_t nsec1,
			 int64_t sec0, uint32_t nsec0);
/* Name-less text item. */
struct node *t_text(struct tctx *t, struct node *parent, uint32_t pos,
		    uint32_t size, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A [Malformed] marker under parent with a short reason. */
struct node *t_malformed(struct tctx *t, struct node *parent, uint32_t pos,
			 const char *reason);
/* Any field with an explicit show string and label value text. */
struct node *t_custom(struct tctx *t, struct node *parent, int fid,
		      uint32_t pos, uint32_t size, const char *show,
		      const char *label_value);

/* Cursor readers: read little-endian, add node, return value. */
uint64_t r_uint(struct tctx *t, struct node *parent, int fid, struct cur *c,
		unsigned size);
uint64_t r_uint_be(struct tctx *t, struct node *parent, int fid, struct cur *c,
		   unsigned size);
/*
 * Reads an integer of size bytes, adds field fid and, under it, one child
 * per id in subs (terminated by F_INVALID, masks from the descriptors).
 * Set bits' labels of boolean children are appended to the parent label
 * as Wireshark does ("Capabilities: 0x00000077, DFS, LEASING").
 */
uint64_t r_bitmask(struct tctx *t, struct node *parent, int fid, struct cur *c,
		   unsigned size, const int *subs);
/* Adds the bitmask children of an already-read value under node. */
void t_bitmask_subs(struct tctx *t, struct node *node, uint32_t pos,
		    uint32_t size, uint64_t v, const int *subs);
struct node *r_bytes(struct tctx *t, struct node *parent, int fid,
		     struct cur *c, size_t n);
struct node *r_guid(struct tctx *t, struct node *parent, int fid, struct cur *c);
uint64_t r_filetime(struct tctx *t, struct node *parent, int fid, struct cur *c);

/* Formats v as field fid's show value (no node). */
const char *fmt_show_uint(struct tctx *t, const struct field *f, uint64_t v);
/* Formats 16 bytes as a Wireshark GUID into out[37]. */
void fmt_guid(char out[37], const uint8_t p[16]);

/* Tree walking helpers. */
struct node *node_find(struct node *root, const char *name);
/* Links n (with its subtree) as the last child of parent. */
void node_append(struct node *parent, struct node *n);
unsigned node_depth(const struct node *n);
/* Marks n and its subtree generated. */
void node_set_generated(struct node *n);

#endif
