/*
 * stats.h - statistics per command of one trace, or of two side by side
 * (--stats): count, bytes, statuses and response times, as tshark's
 * "-z smb2,srt" and "-z smb,srt" give them for one trace.
 *
 * A row is an SMB command, or one of its subcommands where the command
 * alone says little: SMB2 GetInfo/SetInfo per info class, Ioctl per FSCTL,
 * Find per information level, SMB1 Trans2 per subcommand, NT Transact per
 * function. A command's row counts its subcommand rows too.
 *
 *   count    operations of the command (answered or not; each SMB1 AndX
 *            link is one)
 *   bytes    SMB bytes of the request and the final response (NBSS
 *            payload; a compound member its own message; an AndX chain
 *            counts on its first link)
 *   errors   final statuses of error severity (0xC...) but
 *            STATUS_MORE_PROCESSING_REQUIRED (a logon leg); every status
 *            other than success is listed by name
 *   rt       response time: final response time minus request time, over
 *            the operations tshark's srt times (request and final response
 *            both captured; interim STATUS_PENDING responses ignored; an
 *            SMB1 AndX chain once, on its first command): n, min, median
 *            (the lower one), p95 (nearest rank) and max, in nanoseconds.
 *
 * DCE/RPC operations (their SMB carriers are counted) and encrypted
 * messages no key opened are left out of the rows.
 */
#ifndef SMBCMP_STATS_H
#define SMBCMP_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "ops.h"

struct stats;

/* Statistics of the operations of s (ops_build); NULL traces never. */
struct stats *stats_build(const struct opset *s);
void stats_free(struct stats *st);

/* Width of the text table's first column (command names). */
#define STATS_NAME_W 34

/* Text table: one trace (b NULL) or A and B with B/A ratios. */
void stats_text(const struct stats *a, const struct stats *b, FILE *f);
/* The same as one JSON document (pretty when pretty). */
void stats_json(const struct stats *a, const struct stats *b, bool pretty, FILE *f);

#endif
