/*
 * pcapfile.h - reading capture files: a small reader of our own for the
 * common case, libpcap (loaded with dlopen() on first need) for the rest.
 *
 * The reader handles classic pcap (either byte order, microsecond and
 * nanosecond magic, version 2.4) and pcapng (one section in either byte
 * order, IDBs with if_tsresol 10^-6 or 10^-9 and if_tsoffset, EPB, SPB and
 * obsolete Packet Blocks; other blocks skipped) for the link types the
 * dissector decodes. Anything else, and anything damaged or unusual on the
 * way (a short read, a bad length, a second section...), is handed to
 * libpcap: it reads the file again from its start, skips the packets
 * already returned, and from then on answers every call. So libpcap stays
 * the authority: packets, headers, link type, snapshot length and error
 * texts are libpcap's, and the reader only saves loading it (and its ten
 * dependencies) for the files it reads exactly as libpcap does.
 *
 * Records are returned where they lie in the reader's buffer (no copy);
 * a regular file of 8 MiB or more is read ahead on a thread of its own
 * (pcapfile.c's struct ahead), so the kernel's copy of the file overlaps
 * the caller's work on the records.
 *
 * The calls mirror libpcap's (pcap_fopen_offline_with_tstamp_precision(),
 * pcap_next_ex(), ...), with the same return values and error buffers of
 * PCAP_ERRBUF_SIZE bytes.
 */
#ifndef SMBCMP_PCAPFILE_H
#define SMBCMP_PCAPFILE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct capfile;

/*
 * Opens a capture read from fp at its start, timestamps in precision
 * (PCAP_TSTAMP_PRECISION_MICRO or _NANO). fp must be seekable back to 0 for
 * a hand-over to libpcap (a regular file, fmemopen(), the stdin copy of
 * dissect/capture.c). Returns the handle, which owns fp from then on (as
 * libpcap's does), or NULL with libpcap's reason in errbuf (or why libpcap
 * could not be loaded), fp left to the caller.
 */
struct capfile *capf_fopen(FILE *fp, unsigned precision, char *errbuf);

/* Opens the file at path ("-": stdin, read by libpcap). NULL with the
 * reason in errbuf as pcap_open_offline_with_tstamp_precision() gives it. */
struct capfile *capf_open(const char *path, unsigned precision, char *errbuf);

/* As pcap_next_ex(): 1 with *h and *data valid until the next call, -2 at
 * the end of the file, -1 on an error (capf_geterr()). */
int capf_next(struct capfile *c, struct pcap_pkthdr **h, const u_char **data);

int capf_datalink(const struct capfile *c);
int capf_snapshot(const struct capfile *c);
int capf_is_swapped(const struct capfile *c);

/* Bytes of the file consumed so far: where the next record starts (what
 * ftell() on libpcap's stream says). -1 if unknown. */
int64_t capf_tell(const struct capfile *c);

/* The reason of the last -1 from capf_next(). */
const char *capf_geterr(const struct capfile *c);

/* Closes the handle and its stream. NULL is allowed. */
void capf_close(struct capfile *c);

/* True while the reader (not libpcap) reads c: for tests. */
bool capf_native(const struct capfile *c);

/* libpcap's name of a link type (pcap_datalink_val_to_name()), or NULL. */
const char *capf_datalink_name(int dlt);

/* pcap_lib_version(), or a line saying why libpcap could not be loaded. */
const char *capf_lib_version(void);

#endif
