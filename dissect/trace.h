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

#include <pthread.h>
#include <stdio.h>

#include "dissect.h"
#include "hmap.h"

struct tcp_state;
struct smb_keystate;

/* Where some bytes of a PDU lie in the capture file. */
struct piece {
	uint64_t off;
	uint32_t len;
};

#ifdef SMBCMP_FUZZ
/* Fuzz builds: windows that inputs under -max_len (16 KB) span several of,
 * so reads across window ends and replacement are fuzzed too (and no
 * 256 KiB mmap per input under ASan). */
#define TRACE_WINDOW 1024u
#else
#define TRACE_WINDOW (256u * 1024)
#endif
#define TRACE_WINDOWS 4

/* File offset for bytes that are not in the file as they are. */
#define NO_OFF UINT64_MAX

/*
 * The index's records, packed (trace_frame() and trace_pdu() decode them
 * into struct frame_rec and struct pdu). 16 bytes a frame: its stream and
 * its PDU count less one in one word (FSTREAM_FAR, FCNT_FAR: in
 * t->far_secs, keyed by the record's index, when they do not fit); its
 * first PDU is t->fbase[i / FBLOCK] plus the counts of the records before
 * it in its block; its time is sec_base + dsec and the nsec bits, or when
 * those do not fit (DSEC_FAR) in t->far_secs.
 */
struct frame_pk {
	uint32_t num;
	uint32_t stream_cnt;   /* stream << 8 | PDUs - 1 */
	uint32_t nsec_flags;   /* nsec (< 2^30) | FPK_TO_SERVER | FPK_UDP */
	int32_t dsec;          /* capture time's seconds - t->sec_base */
};
#define FBLOCK 64
#define FSTREAM_FAR 0xffffffu
#define FCNT_FAR 0xffu
#define FPK_NSEC 0x3fffffffu
#define FPK_TO_SERVER (1u << 30)
#define FPK_UDP (1u << 31)
#define DSEC_FAR INT32_MIN

/* As struct pdu without its data pointer (src holds the address of bytes
 * kept in memory: flags without PDU_FILE), its frame number and stream:
 * those of the frame record holding it, or for a stream of its own
 * (PK_OWN_STREAM, never seen) in t->own_streams, keyed by PDU index. 16
 * bytes: src's low 48 bits, the rest and a wire_len other than len
 * (PK_SRC_FAR, PK_WIRE_LEN: rare) in t->own_streams too, direction and
 * port 139 as flag bits; frame_off + 1 in 16 bits and the SMB2 pair
 * (smb2.c) as the distance to the paired PDU, in t->own_streams when they
 * do not fit (OFF_FAR, PAIR_FAR: trace_pdu_pair()). */
struct pdu_pk {
	uint32_t src_lo;
	uint16_t src_hi;       /* src bits 32-47 */
	uint16_t flags;        /* enum pdu_flags | PK_* */
	uint32_t len;
	uint16_t off;          /* frame_off + 1, or OFF_FAR */
	int16_t pair;          /* paired PDU's index - this one's, 0 none, or PAIR_FAR */
};
#define OFF_FAR UINT16_MAX
#define PAIR_FAR INT16_MIN
#define PK_TO_SERVER (1u << 8)
#define PK_PORT139 (1u << 9)
#define PK_WIRE_LEN (1u << 10)
#define PK_SRC_FAR (1u << 11)
#define PK_SMB2_SIDE (1u << 12) /* its SMB2 pairs: t->smb2_side (smb2.c) */
#define PK_OWN_STREAM (1u << 15)

struct trace {
	char *path;
	char warning[256];
	char note[512];           /* limits hit, see trace_note() */
	unsigned limits_hit;      /* enum trace_limit bits */
	bool stopped;             /* max_memory reached: frames no longer indexed */
	bool trees_cut;           /* a dissection hit max_nodes (atomic: threads) */
	struct trace_opts opts;
	struct arena a;           /* index, in-memory PDU bytes, per-trace state */
	int fd;                   /* capture file for PDU_FILE bytes, or -1 */
	struct piece *pieces;     /* PDU_PIECES lists, PDU after PDU */
	size_t npieces, cappieces;
	pthread_mutex_t wlock;    /* guards the read-ahead windows: */
	struct window {
		uint8_t *buf;     /* cap bytes of the file from off */
		size_t cap;       /* TRACE_WINDOW, less for a smaller file */
		uint64_t off;
		size_t len;       /* bytes valid in buf */
		uint64_t used;    /* last use (LRU: one window per reader) */
	} win[TRACE_WINDOWS];
	uint64_t wclock;
	uint32_t total_frames;

	struct frame_pk *frames;
	size_t nframes, capframes, frames_ready; /* ready: bytes prefaulted */
	bool frames_unordered;    /* a frame record added after a later frame's */
	uint32_t *fbase;          /* first PDU of frame record k * FBLOCK */
	size_t capfbase;
	int64_t sec_base;         /* the first frame's seconds */
	struct hmap far_secs;     /* frame index -> time (DSEC_FAR), stream
				     (FSTREAM_FAR), PDU count (FCNT_FAR): trace.c */
	struct pdu_pk *pdus;
	size_t npdus, cappdus, pdus_ready;
	struct hmap own_streams;  /* PDU index -> stream + 1 (PK_OWN_STREAM), wire_len
				     + 1 (PK_WIRE_LEN), src (PK_SRC_FAR): trace.c */
	struct stream_rec *streams;
	size_t nstreams, capstreams;

	struct stream_rec *ustreams; /* UDP streams */
	size_t nustreams, capustreams;
	struct hmap udp_ids;      /* UDP tuple hash -> index + 1 */

	struct tcp_state *tcp;    /* only while indexing */
	struct reader *rd;        /* the capture, while indexing (capture.c) */

	/* Protocol state filled while indexing, read while dissecting. */
	struct smb2_reqs {        /* unanswered SMB2 requests (smb2_reqs.c) */
		struct smb2_live *recs; /* pool of records */
		size_t n, cap;
		uint32_t free;    /* free list: record index + 1 */
		uint32_t *slots;  /* record index + 1 */
		uint64_t *skeys;  /* each used slot's key: probes read no record */
		size_t scap, sused;
		struct smb2_done *dn; /* the last answered: a ring */
		size_t dlen, dcap, dhead;
		uint32_t *dslots; /* its index: ring position + 1 */
		size_t dscap;
	} smb2_reqs;
	struct hmap smb2_side;    /* smb2_req_key() -> struct smb2_req (arena): the
				     pairs of messages in PDUs of several SMB2
				     messages, encrypted or compressed ones */
	const uint8_t *indexing;  /* the bytes of the PDU being indexed */
	struct hmap names;        /* hash of a name -> the name (trace_intern_utf16) */
	struct arena scratch;     /* reset after each use */
	struct hmap smb2_msgs;    /* smb2_fid_key() -> struct smb2_fid_name */
	struct hmap smb1_msgs;    /* (stream, mid, pid, tid, uid) -> smb1 request info */
	struct hmap smb1_fids;    /* smb1_fid_key(stream, fid) -> 1 file, 2 directory
				     (from NT Create AndX responses);
				     smb1_tid_key(stream, tid) -> SMB1_TID_IPC */
	struct smb_keystate *ks;  /* keys, preauth hashes, decrypted messages */

	unsigned foreign;         /* TRACE_SAW_*: seen at index time */
	struct trace_crypt crypt; /* transform messages seen at index time */
	trace_hook_fn *hook;      /* trace_set_hook(): run after each full dissection */
	void *hook_ctx;
	trace_hook_has_fn *hook_has; /* trace_set_hook_has() (smb2_facts.c) */
};

/* Ends an unfinished index (capture.c): closes the capture. */
void trace_reader_close(struct trace *t);

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
/* The same for a frame whose data[0] is at file offset off of t->fd
 * (NO_OFF: not in the file; its PDU bytes are then copied). */
void trace_add_frame_at(struct trace *t, int dlt, const uint8_t *data,
			uint32_t caplen, int64_t sec, uint32_t nsec, uint64_t off);
void trace_finish(struct trace *t);

/* trace_open() on an open stream (fuzzers: fmemopen). name is used in
 * messages. Takes ownership of f: closed on return, success or not. */
int trace_open_file(struct trace **out, FILE *f, const char *name,
		    const struct trace_opts *opts, char *err, size_t errlen);

/* Index of the UDP stream with this tuple hash (created on first use). */
uint32_t trace_udp_index(struct trace *t, uint64_t hash, const char *src,
			 const char *dst, uint32_t frame);

/* Called by the TCP/NBSS layer for each complete (or abandoned) PDU; live
 * holds its p->len bytes for the index hooks while p->data may be NULL
 * (PDU_FILE). */
void trace_add_pdu(struct trace *t, const struct pdu *p, const uint8_t *live,
		   int64_t sec, uint32_t nsec);
/* Appends a piece list to the trace's table; returns the first index. */
uint64_t trace_add_pieces(struct trace *t, const struct piece *p, size_t n);
/* Returns the stream record for index i, growing the array. */
struct stream_rec *trace_stream_at(struct trace *t, uint32_t i);

/* PDU i's SMB2 pair: the PDU index + 1 of the message paired with its one
 * message (request <-> final response, interim response -> request), 0
 * none (smb2.c; PK_SMB2_SIDE PDUs: see smb2_side). Set while indexing. */
uint32_t trace_pdu_pair(const struct trace *t, size_t i);
void trace_set_pair(struct trace *t, size_t i, uint32_t pair);
/* The UTF-16LE name of n bytes at p as UTF-8 in t's arena, one copy per
 * distinct name (the index keeps CREATE and find names: the same few
 * recur). */
const char *trace_intern_utf16(struct trace *t, const uint8_t *p, size_t n);
/* The number of the frame holding PDU i. */
uint32_t trace_pdu_frame_num(const struct trace *t, size_t i);

/* For trace_dissect.c: PDU i held by frame record fi (the caller knows
 * it; trace_pdu() looks it up), bytes not loaded; PDU i's src (its address,
 * or its file offset or first piece with PDU_FILE). */
struct pdu trace_pdu_at(const struct trace *t, size_t i, size_t fi);
uint64_t trace_pdu_src(const struct trace *t, size_t i);

/* Index-time hook per PDU (request/response pairing state). */
void smb_index_pdu(struct trace *t, const struct pdu *p);

#endif
