/*
 * tshark.h - tshark as a dissection engine: its trees in our tree model.
 *
 * One run of tshark over a capture is two tshark processes started side by
 * side with the same display filter, so they print the same packets in the
 * same order:
 *
 *   tshark -n -r FILE -Y FILTER -T pdml                names, show values,
 *                                                      labels, pos, size
 *   tshark -n -r FILE -Y FILTER -P -V -o gui.column.format:"No.","%m","Info","%i"
 *                                                      Info column, and the
 *                                                      -V text that brackets
 *                                                      generated items
 *
 * PDML is read as a stream (libxml2's xmlTextReader, one packet at a time)
 * into struct node trees in the caller's arena: name (NULL for a text
 * item), label (showname, or show for text items), show, pos, size;
 * node->field is the registry id when smbcmp knows the name (F_INVALID
 * otherwise, name then points into the arena), and integer show values
 * ("42", "0x0008") are parsed into node->value with N_HAS_VALUE.
 *
 * Generated items. PDML does not mark them (see ORACLE.md). Each packet's
 * PDML items are aligned with its -V lines, in order and by depth: a -V
 * line "[<label>]" marks the item and its subtree N_GENERATED. Items the
 * alignment cannot place (rare; a forward search of 400 lines) stay
 * unmarked and are counted in ts_stats.unaligned (SMBCMP_DEBUG=tshark prints
 * the counts, SMBCMP_DEBUG_ALIGN=1 each unaligned label). Hidden items
 * (hide="yes") are dropped, as -V drops them.
 *
 * Secrets (SMB3 session keys, the NTLM password) never go on tshark's
 * command line, which `ps` shows to every user: tshark_open() writes them
 * into a private configuration directory made for the run (mkdtemp under
 * $TMPDIR, else /tmp; mode 0700, files 0600): a `preferences` file and the
 * `smb2_seskey_list` UAT file, and both tshark processes find it through
 * WIRESHARK_CONFIG_DIR (which replaces the personal configuration for that
 * run). tshark_close() removes it, also when tshark_open() fails part way.
 * SMBCMP_DEBUG=tshark prints each tshark argument vector and the directory.
 *
 * Layers below SMB are not kept: a frame's root holds the protocols from
 * the first of nbss, nbdgm, smb, smb2 onwards (plus anything tshark puts
 * after them: dcerpc, samr...), like the native engine's roots. The frame
 * number, time, stream and addresses are taken from the layers dropped.
 */
#ifndef SMBCMP_TSHARK_H
#define SMBCMP_TSHARK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dissect.h"

struct tshark;

/* Configuration files for a private WIRESHARK_CONFIG_DIR (see above). */
struct ts_secrets {
	char *preferences;      /* "ntlmssp.nt_password: PW\n"..., or NULL */
	char *smb2_seskey_list; /* UAT lines "SESID,KEY,S2C,C2S\n" (hex), or NULL */
};

struct ts_opts {
	const char *filter;  /* -Y display filter, NULL for every packet */
	const struct ts_secrets *secrets; /* NULL: none, tshark's own configuration */
	bool no_labels;      /* skip the -V run: no Info, no generated marks */
};

/* One packet as tshark dissected it. */
struct ts_frame {
	uint32_t num;        /* frame number in the file */
	int64_t sec;
	uint32_t nsec;
	uint32_t stream;     /* tcp.stream or udp.stream */
	bool udp;
	bool has_stream;
	char src[64], dst[64];   /* "10.0.0.2:445", "[fe80::1]:445" */
	const char *summary; /* Info column ("" with no_labels) */
	struct node *root;   /* children: kept top-level protocols */
};

struct ts_stats {
	uint64_t packets, items, generated, unaligned;
};

/*
 * Starts tshark on path. Returns 0, or -1 with a one-line reason in err
 * (tshark missing: "tshark not found: install the tshark package, or use
 * --engine=native").
 */
int tshark_open(struct tshark **out, const char *path, const struct ts_opts *o,
		char *err, size_t errlen);

/*
 * Reads PDML from memory instead of a tshark process (tests, fuzz/fuzz_pdml):
 * pdml is `tshark -T pdml` output, vtext the matching `-P -V` output or
 * NULL (no Info, no generated marks, as with no_labels). Both buffers must
 * stay valid until tshark_close(). Returns 0, or -1 with err set.
 */
int tshark_open_mem(struct tshark **out, const char *pdml, size_t pdml_len,
		    const char *vtext, size_t vtext_len, char *err, size_t errlen);

/*
 * Reads the next packet into f, nodes in arena a (valid until a is reset).
 * Returns 1, 0 at the end of the output, or -1 with err set (tshark died,
 * bad XML, the two outputs out of step).
 */
int tshark_next(struct tshark *ts, struct arena *a, struct ts_frame *f,
		char *err, size_t errlen);

/*
 * Stops tshark (killing it if its output was not read to the end), reaps
 * both processes and frees ts. Returns 0, or -1 with tshark's stderr in one
 * line in err when a tshark process failed (exit status or signal).
 */
/* The process ids of the tshark runs (0: none), for a signal from another
 * thread that wants the run to end (the reader then sees end of input). */
void tshark_pids(const struct tshark *ts, pid_t out[2]);
int tshark_close(struct tshark *ts, struct ts_stats *stats, char *err,
		 size_t errlen);

/*
 * tshark's version line ("TShark (Wireshark) 4.0.17 (...)") into buf.
 * Running `tshark --version` takes most of a second, so the answer is kept
 * in cache_dir/tshark-version next to the stat() identity (path, size,
 * mtime, inode) of the tshark found in PATH and reused while it holds.
 * cache_dir may be NULL (no caching). Returns 0 or -1 with err set.
 */
int tshark_version(const char *cache_dir, char *buf, size_t n, char *err,
		   size_t errlen);

#endif
