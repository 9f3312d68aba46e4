/*
 * annotate.h - --annotate DIR: the two compared captures written again as
 * pcapng, with a packet comment on every frame of a differing operation,
 * for reading the comparison in Wireshark
 * (frame.comment contains "smbcmp").
 *
 * DIR/a-NAME.pcapng and DIR/b-NAME.pcapng, NAME the input's file name
 * without its extension. A frame's comment:
 *
 *   smbcmp #37 changed: smb2.create.disposition A 5 B 1; ...; finding: ...
 *
 * one comment per differing operation the frame carries (request, first
 * interim and final response frames: those --json lists). Packet bytes,
 * lengths and timestamps are copied from the input unchanged.
 */
#ifndef SMBCMP_ANNOTATE_H
#define SMBCMP_ANNOTATE_H

#include <stddef.h>

#include "diff.h"
#include "findings.h"

/* Checks before the comparison runs that dir is a writable directory and
 * that neither output would replace an input (inputs "-" refused too).
 * Returns 0, or -1 with a one-line reason in err. */
int annotate_check(const char *dir, const char *a, const char *b, char *err, size_t errlen);

/* Writes both files (d compared through, F its findings). Each is written
 * under a temporary name and renamed into place once both are complete;
 * on failure no file is left. Returns 0, or -1 with a reason in err. */
int annotate_write(struct diff *d, const struct findings *F, const char *dir, char *err,
		   size_t errlen);

#endif
