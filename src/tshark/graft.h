/*
 * graft.h - the auto engine: native trees plus tshark's subtrees for what
 * the native engine leaves undissected.
 *
 * The native engine stops at the SMB payload of a named pipe (DCE/RPC and
 * the interfaces on top: srvsvc, samr, lsarpc...), at a Kerberos token in
 * SPNEGO, at browser announcements in mailslots. For those, tshark's
 * subtrees are grafted into the native trees:
 *
 *  - Trigger. The PDUs are scanned for a DCE/RPC connection-oriented header
 *    (05 00 <type> <flags> 10 00 00 00) or a Kerberos GSS token (the KRB5
 *    OID followed by an AP-REQ/AP-REP/KRB-ERROR). A trace without either
 *    never starts tshark.
 *  - One tshark run per trace, never one per packet:
 *    `tshark -Y "dcerpc || kerberos || smb_pipe || mailslot || browser || lanman"`
 *    (tshark.h), and from each packet the graft roots are kept: top-level
 *    protocols after the SMB layers other than nbss/nbdgm/smb/smb2
 *    (dcerpc, samr, smb_pipe...), and protocols nested in a native layer
 *    that smbcmp's registry does not know (kerberos under spnego.krb5.blob).
 *  - Where they go: a top-level graft follows the SMB layer it followed in
 *    tshark (by name and occurrence); a nested graft becomes the last child
 *    of the node it was under (by name, pos and occurrence). A graft whose
 *    protocol the native tree already has there is skipped, so the native
 *    engine wins as it grows.
 *  - Memory. Trees are not held: a frame's grafts are encoded into one
 *    block of bytes (graftpriv.h, graftfmt.c: varint-coded nodes whose
 *    strings are numbers in a dictionary), as tshark runs; loading a cache
 *    file reads its dictionary and its frame index (16 bytes per frame
 *    with grafts), and the hook decodes a frame's block into nodes when the
 *    frame is dissected, reading the file through a 256 KB window per
 *    thread (frames are mostly read in file order). For a facts-mode
 *    dissection (ops_build) a top-level graft gets only the nodes the
 *    operations read (ops_graft_reads). Without a usable cache directory
 *    the blocks stay in memory.
 *  - Cache. The grafts are written to $XDG_CACHE_HOME/smbcmp/ (default
 *    ~/.cache/smbcmp/), one file per capture named by the SHA-256 of the
 *    file content (files over 256 MiB: of size, mtime and first and last
 *    MiB, since hashing gigabytes takes seconds) and of the tshark version
 *    line and keys (keys change what tshark decrypts); reopening the capture reads it back without starting tshark. A
 *    trace without grafts is cached too (a file without frames). The
 *    file holds the blocks again with a dictionary of the strings used
 *    three times or more (the others inline): about a sixth of the size of the
 *    text format of version 1, whose files are stale and rebuilt. The directory
 *    is kept under 1024 MB ($SMBCMP_CACHE_MAX_MB): after writing a file,
 *    the least recently used ones (mtime, refreshed by every hit) go.
 *
 * Set SMBCMP_DEBUG=graft to have each decision printed on stderr
 * ("graft: cache hit ...").
 */
#ifndef SMBCMP_GRAFT_H
#define SMBCMP_GRAFT_H

#include <stdbool.h>
#include <stddef.h>

#include "dissect.h"

struct graft;

/*
 * Prepares the grafts of trace t on a thread (the cache, or one tshark run;
 * sec: the keys for tshark, engine_secrets(), part of the cache key; NULL
 * for none): for the UI, the trace stays usable (native trees) while
 * tshark runs; for two traces, both tshark runs at once. quiet: no
 * "running tshark" line on a terminal's stderr. Returns NULL when tshark is
 * not needed (no trigger: no grafts); without a thread, the work is done
 * before it returns. Then, from the caller's thread:
 * graft_poll() returns 0 while running; 1 when done, with *out set and the
 * hook installed (trees dissected from now on carry the grafts); -1 when
 * tshark failed (err says why, one line). Either way the job is freed.
 * graft_stop() instead ends a job early: it kills tshark, waits for the
 * thread and frees everything.
 */
struct ts_secrets;
struct graft_job;
struct graft_job *graft_start(struct trace *t, const struct ts_secrets *sec, bool quiet);
int graft_poll(struct graft_job *j, struct graft **out, char *err, size_t errlen);
/* graft_poll() that waits for the job: 1 or -1. */
int graft_wait(struct graft_job *j, struct graft **out, char *err, size_t errlen);
void graft_stop(struct graft_job *j);

/* Removes the hook and frees the grafts. */
void graft_free(struct graft *g, struct trace *t);

/* Number of frames with grafts and of graft roots. */
void graft_counts(const struct graft *g, size_t *frames, size_t *roots);

/* The cache directory ($XDG_CACHE_HOME/smbcmp or ~/.cache/smbcmp) into buf;
 * -1 if neither variable is set. */
int graft_cache_dir(char *buf, size_t n);

/* True for the protocols smbcmp dissects itself (FT_PROTOCOL fields of
 * the registry: nbss, smb, smb2, ntlmssp, spnego...). */
int graft_native_proto(const char *name);

#endif
