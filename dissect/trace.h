/*
 * trace.h - internals of a trace shared by the dissect/ modules.
 *
 * A trace owns: the arena holding the index and PDU bytes, the growable
 * arrays of frames, PDUs and streams, the TCP state while indexing, and the
 * per-trace protocol state that pairs requests with responses (never static
 * variables: two traces live in one process).
 */
#ifndef SMBCMP_TRACE_H
#define SMBCMP_TRACE_H

#include <stdio.h>

#include "dissect.h"
#include "hmap.h"

struct tcp_state;
struct smb_keystate;

struct trace {
	char *path;
	char warning[256];
	char note[512];           /* limits hit, see trace_note() */
	unsigned limits_hit;      /* enum trace_limit bits */
	bool stopped;             /* max_memory reached: frames no longer indexed */
	struct trace_opts opts;
	struct arena a;           /* index, PDU bytes, per-trace state */
	uint32_t total_frames;

	struct frame_rec *frames;
	size_t nframes, capframes;
	struct pdu *pdus;
	size_t npdus, cappdus;
	struct stream_rec *streams;
	size_t nstreams, capstreams;

	struct stream_rec *ustreams; /* UDP streams */
	size_t nustreams, capustreams;
	struct hmap udp_ids;      /* UDP tuple hash -> index + 1 */

	struct tcp_state *tcp;    /* only while indexing */

	/* Protocol state filled while indexing, read while dissecting. */
	struct hmap smb2_msgs;    /* (stream, dir-less msg id, sesid) -> smb2 request info */
	struct hmap smb1_msgs;    /* (stream, mid, pid, tid, uid) -> smb1 request info */
	struct smb_keystate *ks;  /* keys, preauth hashes, decrypted messages */

	trace_hook_fn *hook;      /* trace_set_hook(): run after each full dissection */
	void *hook_ctx;
};

enum trace_limit {
	LIMIT_REASM = 1 << 0,   /* max_reasm: a stream declared a gap */
	LIMIT_STORE = 1 << 1,   /* 3/4 of max_memory: PDUs stored as prefixes */
	LIMIT_MEMORY = 1 << 2,  /* max_memory: indexing stopped */
};

/* Records that limit `which` cut something at the current frame (the
 * note names the first frame per limit). */
void trace_limit(struct trace *t, enum trace_limit which);
/* Bytes the index holds now (arena blocks, arrays, tables, TCP state). */
size_t trace_mem(const struct trace *t);

/* Building a trace without a file (capture.c, tests, fuzzers): new, feed
 * frames, finish (flushes TCP state). */
struct trace *trace_new(const char *path, const struct trace_opts *opts);
void trace_add_frame(struct trace *t, int dlt, const uint8_t *data,
		     uint32_t caplen, int64_t sec, uint32_t nsec);
void trace_finish(struct trace *t);

/* trace_open() on an open stream (fuzzers: fmemopen). name is used in
 * messages. Takes ownership of f: closed on return, success or not. */
int trace_open_file(struct trace **out, FILE *f, const char *name,
		    const struct trace_opts *opts, char *err, size_t errlen);

/* Index of the UDP stream with this tuple hash (created on first use). */
uint32_t trace_udp_index(struct trace *t, uint64_t hash, const char *src,
			 const char *dst, uint32_t frame);

/* Called by the TCP/NBSS layer for each complete (or abandoned) PDU. */
void trace_add_pdu(struct trace *t, const struct pdu *p, int64_t sec,
		   uint32_t nsec);
/* Returns the stream record for index i, growing the array. */
struct stream_rec *trace_stream_at(struct trace *t, uint32_t i);

/* Index-time hook per PDU (request/response pairing state). */
void smb_index_pdu(struct trace *t, const struct pdu *p);

#endif
