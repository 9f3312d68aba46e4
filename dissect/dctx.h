/*
 * dctx.h - the context passed first to every dissector function.
 *
 * It holds the tree context (arena, node limit), the trace (per-trace
 * request/response tables), the PDU being dissected and the Info-column
 * summary being built. Dissectors never keep state anywhere else.
 */
#ifndef SMBCMP_DCTX_H
#define SMBCMP_DCTX_H

#include "trace.h"
#include "tree.h"

struct dctx {
	struct tctx t;
	struct trace *trace;
	const struct pdu *pdu;
	uint32_t pdu_index;    /* pdu's index in the trace */
	const struct frame_rec *frame;
	const char *summary;   /* arena string or literal, "" when empty */
	int sum_items;         /* items appended to summary */
	unsigned depth;        /* nesting of sub-dissectors (bounded) */
};

/* Appends one item to the Info summary, separated by ";" like tshark's
 * compound SMB2 Info column. */
void dctx_summary(struct dctx *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends text to the last summary item. */
void dctx_summary_more(struct dctx *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Protocol entry points, each adds its protocol node(s) under parent. */
void nbss_dissect(struct dctx *d, struct node *parent, struct cur *c);
/* NetBIOS datagram (RFC 1002 4.4) carrying an SMB mailslot message. */
void nbdgm_dissect(struct dctx *d, struct node *parent, struct cur *c);
void smb2_dissect(struct dctx *d, struct node *parent, struct cur *c);
void smb1_dissect(struct dctx *d, struct node *parent, struct cur *c);
/* Security blob (SPNEGO-wrapped or raw NTLMSSP): adds gss-api / spnego /
 * ntlmssp nodes under parent; c's window is exactly the blob. */
void gssapi_dissect(struct dctx *d, struct node *parent, struct cur *c);

#endif
