/*
 * dissect.h - the one header src/ and ui/ include.
 *
 * Opening a trace (trace_open) reads the capture once through libpcap,
 * reassembles TCP, frames NBSS and builds an index: the frames that carry
 * NBSS/SMB data, the PDUs each completes, and the TCP streams. No field tree
 * is built then. Trees are built on demand, per frame, into an arena the
 * caller owns (trace_dissect_frame), so a viewer or differ pays for the
 * frames it shows or compares only.
 *
 * PDU bytes are not kept in memory when the capture is a seekable file: the
 * index records where they lie in the file (one offset for a PDU inside one
 * frame, a list of pieces for a reassembled one) and trace_dissect_frame()
 * and trace_pdu_bytes() read them back with pread(). The memory of an open
 * trace is then the index alone (about 45 bytes per SMB message with the
 * request/response pairing state, trace.h), whatever the size of the
 * READ/WRITE payloads. Captures read from a pipe ("-") or
 * built frame by frame (trace_new/trace_add_frame) keep their bytes in the
 * trace's arena.
 */
#ifndef SMBCMP_DISSECT_H
#define SMBCMP_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "field.h"
#include "tree.h"

struct trace;

/* NT status of an SMB2 interim response (async, the final one follows):
 * MS-ERREF 2.3.1. */
#define STATUS_PENDING 0x00000103u

/*
 * Key material for SMB3 decryption and signature checks (src/cli/smb3keys.c fills
 * it from -k, --keys-from and --password). The caller owns it and keeps it
 * alive while the trace is open; the dissector only reads it, and never
 * prints it.
 */
struct smb_key {
	uint64_t sesid;             /* SessionId (its wire bytes read little-endian) */
	uint8_t session_key[32];    /* 0 length: unknown */
	uint8_t signing_key[16];    /* SMB3 signing key, when a log gave it */
	uint8_t s2c[32], c2s[32];   /* encryption keys (16 or 32 bytes) */
	uint8_t session_key_len, signing_key_len, s2c_len, c2s_len;
};

/* A password tried on the NTLM exchanges of user (case-insensitive; ""
 * matches every user). */
struct smb_password {
	const char *user;
	const char *password;
};

struct smb_keyring {
	const struct smb_key *keys;
	size_t nkeys;
	const struct smb_password *passwords;
	size_t npasswords;
};

/*
 * Limits that bound memory and time on hostile captures (0 = built-in
 * default). What a limit cuts is reported, never silent: trace_note() for
 * the index, a generated smbcmp.limit item in the frame's tree.
 *
 *   max_memory   memory held by one trace's index (PDU bytes, frame and
 *                PDU arrays, request tables, TCP state). Past 3/4 of it new
 *                PDUs are stored as their first TRACE_PREFIX_KEEP bytes;
 *                past it the rest of the capture is not indexed.
 *                Default TRACE_MAX_MEMORY.
 *   max_reasm    TCP bytes buffered by all streams together (PDUs in
 *                progress and out-of-order segments); past it the stream
 *                that wants more declares a gap. Default max_memory / 4.
 *   max_pdu      largest NBSS PDU kept whole (larger: stored truncated).
 *   max_pending  out-of-order bytes queued per direction.
 *   max_nodes    nodes per frame tree.
 */
#define TRACE_MAX_MEMORY (384u << 20)
#define TRACE_PREFIX_KEEP 4096u

struct trace_opts {
	size_t max_pdu;
	size_t max_pending;
	size_t max_reasm;
	size_t max_memory;
	uint32_t max_nodes;
	const struct smb_keyring *keys; /* NULL: no keys (signatures "no key") */
	uint32_t slice_packets;  /* partial indexing: at most this many packets
				  * per slice too (tests; 0: time only) */
};

enum pdu_flags {
	PDU_REASM = 1 << 0,      /* spans several frames: pos are PDU-relative */
	PDU_INCOMPLETE = 1 << 1, /* bytes missing (capture gap or truncation) */
	PDU_CONT = 1 << 2,       /* continuation data, no NBSS header found */
	PDU_TRUNC = 1 << 3,      /* stored prefix only (max_pdu) */
	PDU_DGRAM = 1 << 4,      /* NetBIOS datagram (UDP 138), not NBSS */
	PDU_FILE = 1 << 5,       /* bytes in the capture file: data is NULL */
	PDU_PIECES = 1 << 6,     /* PDU_FILE in several pieces (reassembled) */
};

/* One NBSS message as it was reassembled. */
struct pdu {
	const uint8_t *data; /* NBSS header + payload, len bytes; NULL when
			      * PDU_FILE: use trace_pdu_bytes() */
	uint64_t src;        /* PDU_FILE: file offset of the bytes; with
			      * PDU_PIECES: first piece in the trace's table */
	uint32_t len;        /* bytes stored */
	uint32_t wire_len;   /* bytes the NBSS header claims + 4 */
	int32_t frame_off;   /* offset of data[0] in its frame, -1 if REASM */
	uint32_t frame;      /* 1-based number of the frame completing it */
	uint32_t stream;     /* TCP stream index, as tshark's tcp.stream
			      * (for PDU_DGRAM: the UDP stream, udp.stream) */
	uint16_t flags;      /* enum pdu_flags */
	uint8_t to_server;   /* 1 client->server, 0 server->client */
	uint8_t port139;     /* NBSS with 17-bit length and flags (port 139) */
};

/* A frame that carries at least one PDU. */
struct frame_rec {
	uint32_t num;        /* 1-based frame number in the file */
	uint32_t stream;
	int64_t sec;         /* capture time */
	uint32_t nsec;
	uint32_t first_pdu;  /* index into the trace's PDU array */
	uint32_t npdus;
	uint8_t to_server;
	uint8_t udp;         /* stream is a UDP stream (trace_udp_stream) */
};

struct stream_rec {
	char client[64]; /* "10.0.0.2:49152" or "[fe80::1]:49152" */
	char server[64];
	uint32_t first_frame;
	uint32_t npdus;
	uint32_t end_frame; /* first FIN or RST (frame number), 0 when none */
};

/*
 * Opens and indexes a capture. Returns 0, or -1 with a one-line reason in
 * err (missing file, not a capture, truncated...). A truncated capture whose
 * first packets are readable opens, with a warning in trace_warning().
 */
int trace_open(struct trace **out, const char *path,
	       const struct trace_opts *opts, char *err, size_t errlen);
/*
 * As trace_open, but indexes only what it reads in about ms milliseconds
 * (all when ms is 0): the UI shows the first rows while the rest is
 * indexed in slices between key presses (trace_index_more). The frames,
 * PDUs and streams indexed so far are complete and readable; requests may
 * not yet know their responses. trace_warning()/trace_note() are final
 * only once trace_indexing() is false.
 */
int trace_open_partial(struct trace **out, const char *path,
		       const struct trace_opts *opts, unsigned ms, char *err,
		       size_t errlen);
/* True while packets of the capture remain to be indexed. */
bool trace_indexing(const struct trace *t);
/* Indexes for about ms milliseconds more; returns trace_indexing(). */
bool trace_index_more(struct trace *t, unsigned ms);
/* Indexes the rest of the capture. */
void trace_index_all(struct trace *t);
/* How far the index has read the file, 0..99 (100 when done; 0 when the
 * size is unknown, as for a pipe). */
unsigned trace_index_percent(const struct trace *t);
void trace_close(struct trace *t);

const char *trace_path(const struct trace *t);
/* A non-fatal problem met while reading (truncated file), or NULL. */
const char *trace_warning(const struct trace *t);
/* What the resource limits cut while indexing ("memory limit (384 MB)
 * reached at frame 812345: ..."), one clause per limit, or NULL. */
const char *trace_note(const struct trace *t);
/*
 * SMB3 transform (encrypted) messages met while indexing, and why those
 * not decrypted were not: no key for their session (the first such
 * session id kept), a key that fails the authentication tag, or a
 * malformed transform header. Without any key source nothing is tried:
 * all count as no_key.
 */
struct trace_crypt {
	size_t total, no_key, tag_mismatch, bad_header;
	uint64_t no_key_sesid, mismatch_sesid; /* first ones, as on the wire (LE) */
};
const struct trace_crypt *trace_crypt(const struct trace *t);

/* True once a frame tree dissected from t was cut by max_nodes (its
 * smbcmp.limit item): a comparison of such trees is incomplete. */
bool trace_trees_cut(const struct trace *t);
size_t trace_nframes(const struct trace *t);
/* Frame record i (decoded from the packed index: a copy). */
struct frame_rec trace_frame(const struct trace *t, size_t i);
/* The indexed frame numbered num (1-based, as in the file) into *out;
 * false when no frame of that number is indexed. */
bool trace_frame_by_num(const struct trace *t, uint32_t num, struct frame_rec *out);
size_t trace_npdus(const struct trace *t);
/* PDU i (decoded from the packed index: a copy; data points into the
 * trace's arena, or is NULL with PDU_FILE). */
struct pdu trace_pdu(const struct trace *t, size_t i);
/* trace_pdu(t, i).len without decoding the rest. */
uint32_t trace_pdu_len(const struct trace *t, size_t i);
/* The len bytes of PDU i: p->data when kept in memory, else read from the
 * capture file into arena a (bytes the file no longer has read as zeros).
 * Safe to call from several threads on one trace. */
const uint8_t *trace_pdu_bytes(struct trace *t, struct arena *a, size_t i);
size_t trace_nstreams(const struct trace *t);
const struct stream_rec *trace_stream(const struct trace *t, size_t i);
/* UDP streams (NetBIOS datagrams), numbered like tshark's udp.stream. */
const struct stream_rec *trace_udp_stream(const struct trace *t, size_t i);
/* The stream record of a frame, TCP or UDP. */
const struct stream_rec *trace_frame_stream(const struct trace *t,
					    const struct frame_rec *f);
/* Total frames in the file (including those without SMB). */
uint32_t trace_total_frames(const struct trace *t);

/*
 * Dissects frame i (index into the frame list) into a fresh tree in arena a.
 * Top-level children of the returned root are protocol nodes (nbss, smb2,
 * smb...) in wire order. *summary gets the Info-column line. Never fails:
 * malformed data becomes [Malformed] nodes.
 */
struct node *trace_dissect_frame(struct trace *t, struct arena *a, size_t i,
				 const char **summary);

/*
 * The same for comparisons: byte fields longer than 64 KiB (READ/WRITE
 * payloads) show "<N bytes, digest H>" instead of 3 x N characters of hex;
 * their labels are unchanged. Equal bytes give equal shows.
 */
#define TRACE_DIGEST_OVER (64u * 1024)
struct node *trace_dissect_frame_cmp(struct trace *t, struct arena *a, size_t i,
				     const char **summary);
/* As trace_dissect_frame_cmp, for a comparison of values only: integer
 * fields get their show as label (labels cost most of a dissection). */
struct node *trace_dissect_frame_values(struct trace *t, struct arena *a, size_t i,
					const char **summary);

/* As trace_dissect_frame_values, for a reader of a few fields: a named
 * field whose entry in want (indexed by field id, F_COUNT entries) is 0
 * has its name, value, position and size but an empty label and show;
 * the tree's shape is the same. No summary. */
struct node *trace_dissect_frame_facts(struct trace *t, struct arena *a, size_t i,
				       const uint8_t *want);

/*
 * A hook run by trace_dissect_frame() after the native dissection of frame
 * i, before it returns: it may add items to root (nodes in arena a). The
 * tshark fallback (src/tshark/graft.c) grafts the layers the native engine leaves
 * undissected this way, so every consumer of trees sees them. Summaries
 * (trace_summary) do not run it. One hook per trace; NULL removes it.
 * Frames may be dissected on several threads at once (src/report/output.c): a
 * hook only reads its ctx and writes into a. facts: the dissection is
 * trace_dissect_frame_facts(), for a reader of a few fields (ops_build);
 * the hook may then leave out of what it adds the nodes that reader never
 * reads (graft.c: ops_graft_reads()).
 */
typedef void trace_hook_fn(void *ctx, struct trace *t, struct arena *a, size_t i,
			   struct node *root, bool facts);
void trace_set_hook(struct trace *t, trace_hook_fn *fn, void *ctx);
/* Whether the hook would add anything to frame i, without building it: a
 * reader that builds no tree (smb2facts.h) leaves such frames to the
 * dissection. Set with the hook (same ctx); without one, that reader runs
 * the hook on an empty root to know. */
typedef bool trace_hook_has_fn(void *ctx, const struct trace *t, size_t i);
void trace_set_hook_has(struct trace *t, trace_hook_has_fn *fn);
/* What the index pass saw in PDU payloads that the native engine leaves
 * undissected: a DCE/RPC header, a Kerberos GSS token (TRACE_SAW_*). */
#define TRACE_SAW_DCERPC 1u
#define TRACE_SAW_KRB5 2u
unsigned trace_foreign(const struct trace *t);

/* The Info-column summary of frame i alone (no tree is built: fast). */
const char *trace_summary(struct trace *t, struct arena *a, size_t i);

/* Field descriptors, for --list-fields. */
size_t field_count(void);

#endif
