/*
 * output.h - printing one trace: JSON Lines (--json), tshark -V-like text
 * (--text) and the one-line-per-frame summary list (--list).
 */
#ifndef SMBCMP_OUTPUT_H
#define SMBCMP_OUTPUT_H

#include <stdio.h>

#include "../dissect/dissect.h"
#include "json.h"

void out_json_frames(struct trace *t, FILE *f);
void out_text_frames(struct trace *t, FILE *f);
void out_list(struct trace *t, FILE *f);
/* One node (and subtree) as a JSON object. */
void out_json_node(struct jw *w, const struct node *n);
/* Frame time as "1510000000.123456789". */
void out_fmt_time(char *buf, size_t n, int64_t sec, uint32_t nsec);

#endif
