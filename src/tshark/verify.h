/*
 * verify.h - smbcmp --verify FILE: the native engine checked against
 * tshark, field by field.
 *
 * Both engines dissect the capture (native: every indexed frame; tshark:
 * the frames with an nbss/smb/smb2 layer, ENGINE_TSHARK_FILTER). Frames are
 * paired by number. In each pair the (field name, show value) items are
 * compared as multisets per name, leaving out: generated items and their
 * subtrees (native N_GENERATED; tshark: bracketed in -V, see tshark.h),
 * hidden items, text items without a name (their children count), and the
 * protocols smbcmp does not dissect (dcerpc, kerberos... the ones the auto
 * engine grafts) with their subtrees.
 *
 * Output: one line per disagreement
 *     frame 12  smb2.create.disposition  native=1  tshark=2
 * ("-" for an item one side lacks; long values cut at 80 characters),
 * then per protocol (nearest protocol node above the field) the number of
 * items each engine has, how many agree, and the agreement in both
 * directions. The README's deliberate differences (rules in verify.c) are
 * listed apart, each with its reason, and not counted. Exit status 0 when
 * everything else agrees, 1 otherwise, 2 on trouble (tshark missing...).
 */
#ifndef SMBCMP_VERIFY_H
#define SMBCMP_VERIFY_H

#include <stdio.h>

#include "dissect.h"

struct ts_secrets;
/* sec: keys for tshark (engine_secrets), or NULL. */
int verify_run(struct trace *t, const struct ts_secrets *sec, FILE *out);

#endif
