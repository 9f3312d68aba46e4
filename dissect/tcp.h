/*
 * tcp.h - TCP connection tracking, per-direction reassembly and NBSS framing.
 *
 * Segments are fed in capture order. Each direction keeps the next expected
 * sequence number; retransmitted and overlapping bytes are trimmed, future
 * segments wait in a bounded out-of-order queue. When the queue overflows or
 * the capture ends, the missing range is declared a gap: the PDU in progress
 * is emitted as incomplete and framing resynchronises at the next plausible
 * NBSS header (type 0, a length, then \xffSMB, \xfeSMB, \xfdSMB or \xfcSMB).
 * Complete NBSS messages are handed to trace_add_pdu() on the frame whose
 * data completed them, as tshark reports reassembled PDUs.
 */
#ifndef SMBCMP_TCP_H
#define SMBCMP_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct tcp_seg {
	uint32_t frame;        /* 1-based frame number */
	int64_t sec;
	uint32_t nsec;
	uint8_t v6;
	uint8_t proto;          /* 6 TCP, 17 UDP */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags;         /* TCP flags byte */
	const uint8_t *data;   /* payload */
	uint32_t len;
	uint32_t data_off;     /* payload offset within the frame */
	uint64_t file_off;     /* file offset of data[0], or NO_OFF */
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

struct tcp_state *tcp_new(struct trace *t);
void tcp_segment(struct tcp_state *s, const struct tcp_seg *seg);
/* Flushes queued data (declaring gaps) and frees the state. */
void tcp_finish(struct tcp_state *s);
/* Bytes held by the TCP state: connections and buffered data. */
size_t tcp_mem(const struct tcp_state *s);

/* A UDP datagram (NetBIOS datagram service carrying SMB mailslots). */
void udp_datagram(struct trace *t, const struct tcp_seg *seg);

/* True when buf (n bytes) starts with an NBSS session message carrying SMB. */
int nbss_looks_like_smb(const uint8_t *buf, uint32_t n);
/* Length field of the NBSS header at p (4 bytes readable). */
uint32_t nbss_len(const uint8_t *p);

#endif
