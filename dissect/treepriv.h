/*
 * treepriv.h - what tree.c and tree_values.c share: the small node adders
 * every t_*() adder starts with (static inline: they run for every field of
 * every frame). Not for other modules: tree.h is the interface.
 */
#ifndef SMBCMP_TREEPRIV_H
#define SMBCMP_TREEPRIV_H

#include <string.h>

#include "copyshort.h"
#include "tree.h"

static const char hexdig[] = "0123456789abcdef";

/* In dry mode (summaries only) every adder returns the unlinked sink. */
static inline struct node *dry_node(struct tctx *t)
{
	memset(&t->sink, 0, sizeof(t->sink));
	t->sink.label = "";
	t->sink.show = "";
	return &t->sink;
}

static inline struct node *add_field(struct tctx *t, struct node *parent, int fid,
				     const char *label, const char *show, uint32_t pos,
				     uint32_t size)
{
	struct node *n = tree_add(t, parent, field_name(fid), label, show,
				  pos, size);

	n->field = (uint16_t)fid;
	return n;
}

/* Bare: field fid is not wanted (tctx.want), no label or show. */
static inline bool bare(const struct tctx *t, int fid)
{
	return t->want && fid >= 0 && fid < F_COUNT && !t->want[fid];
}

static inline struct node *bare_node(struct tctx *t, struct node *parent, int fid,
				     uint32_t pos, uint32_t size)
{
	return add_field(t, parent, fid, "", "", pos, size);
}

#endif
