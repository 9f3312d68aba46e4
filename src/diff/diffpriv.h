/*
 * diffpriv.h - what the files of diff/ share and nothing else includes:
 * the field-by-field comparison of one aligned entry (fieldcmp.c), which
 * diff.c runs for every entry (pass 2) and for diff_detail().
 */
#ifndef SMBCMP_DIFFPRIV_H
#define SMBCMP_DIFFPRIV_H

#include <stdbool.h>

#include "diff.h"

/* Compares entry e (fieldcmp.c). Returns its status; in record mode (det
 * not NULL) fills det with the differing fields, at most max_fields of
 * them, and both sides' trees (in arena a). */
enum dstatus diff_cmp_entry(struct diff *d, const struct dentry *e,
			    struct arena *a, struct ddetail *det, size_t max_fields);

#endif
