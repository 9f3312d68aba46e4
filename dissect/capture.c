/*
 * capture.c - reading pcap/pcapng through libpcap and decoding the link,
 * IPv4/IPv6 and TCP headers down to the TCP payload (tcp.c takes it from
 * there). Every header read is bounds-checked by the cursor.
 *
 * Link types: Ethernet (802.1Q/QinQ tags), Linux SLL and SLL2, BSD NULL and
 * LOOP, raw IP (DLT_RAW, LINKTYPE_IPV4/IPV6). IPv4 fragments are not
 * reassembled: they are counted and skipped (SMB over TCP practically never
 * fragments at the IP layer). IPv6 extension headers are skipped.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cursor.h"
#include "tcp.h"
#include "trace.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

/* Returns the ethertype-like protocol of the network header at c, or 0. */
static uint16_t link_decode(int dlt, struct cur *c)
{
	switch (dlt) {
	case DLT_EN10MB: {
		cur_skip(c, 12);
		uint16_t type = cur_be16(c);
		for (int tags = 0; tags < 4 && (type == 0x8100 || type == 0x88a8 ||
						 type == 0x9100); tags++) {
			cur_skip(c, 2);
			type = cur_be16(c);
		}
		return c->err ? 0 : type;
	}
	case DLT_LINUX_SLL:
		cur_skip(c, 14);
		return cur_be16(c);
	case DLT_LINUX_SLL2: {
		uint16_t type = cur_be16(c);
		cur_skip(c, 18);
		return c->err ? 0 : type;
	}
	case DLT_NULL:
	case DLT_LOOP: {
		const uint8_t *p = cur_take(c, 4);
		if (!p)
			return 0;
		/* Host byte order for NULL (either endianness), network for LOOP. */
		uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
			      (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		uint32_t be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			      (uint32_t)p[2] << 8 | (uint32_t)p[3];
		uint32_t fam = dlt == DLT_LOOP ? be : le <= 0xffff ? le : be;
		if (fam == 2)
			return ETH_IPV4;
		if (fam == 24 || fam == 28 || fam == 30 || fam == 10)
			return ETH_IPV6;
		return 0;
	}
	case DLT_RAW:
	case 14: /* DLT_RAW on some BSDs */
	case 101: /* LINKTYPE_RAW */
	case DLT_IPV4:
	case DLT_IPV6: {
		const uint8_t *p = cur_peek(c, 1);
		if (!p)
			return 0;
		return (p[0] >> 4) == 4 ? ETH_IPV4 : (p[0] >> 4) == 6 ? ETH_IPV6 : 0;
	}
	default:
		return 0;
	}
}

static bool link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_NULL:
	case DLT_LOOP: case DLT_RAW: case 14: case 101: case DLT_IPV4: case DLT_IPV6:
		return true;
	default:
		return false;
	}
}

/* Decodes IP + TCP; fills seg and returns 0, or -1 when not TCP/usable. */
static int ip_tcp_decode(struct trace *t, uint16_t proto, struct cur *c,
			 struct tcp_seg *seg)
{
	size_t ip_start = c->off;
	size_t ip_end;
	uint8_t next;

	(void)t;
	if (proto == ETH_IPV4) {
		uint8_t vihl = cur_u8(c);
		cur_skip(c, 1);
		uint16_t total = cur_be16(c);
		cur_skip(c, 2);
		uint16_t frag = cur_be16(c);
		cur_skip(c, 1);
		next = cur_u8(c);
		cur_skip(c, 2);
		const uint8_t *src = cur_take(c, 4);
		const uint8_t *dst = cur_take(c, 4);
		size_t ihl = (size_t)(vihl & 15) * 4;
		if (c->err || (vihl >> 4) != 4 || ihl < 20 || total < ihl)
			return -1;
		if ((frag & 0x3fff) != 0)
			return -1; /* fragment: not reassembled */
		seg->v6 = 0;
		memset(seg->src, 0, 16);
		memset(seg->dst, 0, 16);
		memcpy(seg->src, src, 4);
		memcpy(seg->dst, dst, 4);
		/* Payload ends at the IP total length (drops Ethernet padding). */
		ip_end = total <= c->end - ip_start ? ip_start + total : c->end;
		if (!cur_seek(c, ip_start + ihl) || ip_end < c->off)
			return -1;
		c->end = ip_end;
	} else if (proto == ETH_IPV6) {
		uint32_t vtc = cur_be32(c);
		uint16_t plen = cur_be16(c);
		next = cur_u8(c);
		cur_skip(c, 1);
		const uint8_t *src = cur_take(c, 16);
		const uint8_t *dst = cur_take(c, 16);
		if (c->err || (vtc >> 28) != 6)
			return -1;
		seg->v6 = 1;
		memcpy(seg->src, src, 16);
		memcpy(seg->dst, dst, 16);
		ip_end = plen <= c->end - c->off ? c->off + plen : c->end;
		c->end = ip_end;
		for (int hops = 0; hops < 8; hops++) {
			if (next == 0 || next == 43 || next == 60) {
				next = cur_u8(c);
				size_t l = ((size_t)cur_u8(c) + 1) * 8;
				cur_skip(c, l - 2);
			} else if (next == 44) {
				next = cur_u8(c);
				cur_skip(c, 1);
				uint16_t off = cur_be16(c);
				cur_skip(c, 4);
				if (off & 0xfff9)
					return -1; /* fragment */
			} else if (next == 51) {
				next = cur_u8(c);
				size_t l = ((size_t)cur_u8(c) + 2) * 4;
				cur_skip(c, l - 2);
			} else {
				break;
			}
			if (c->err)
				return -1;
		}
	} else {
		return -1;
	}
	seg->proto = next;
	if (next == 17) {
		seg->sport = cur_be16(c);
		seg->dport = cur_be16(c);
		cur_skip(c, 4);
		if (c->err)
			return -1;
		seg->seq = 0;
		seg->flags = 0;
		seg->data = c->buf + c->off;
		seg->len = (uint32_t)cur_left(c);
		seg->data_off = (uint32_t)c->off;
		return 0;
	}
	if (next != 6)
		return -1;

	size_t tcp_start = c->off;
	seg->sport = cur_be16(c);
	seg->dport = cur_be16(c);
	seg->seq = cur_be32(c);
	cur_skip(c, 4);
	uint8_t doff = cur_u8(c);
	seg->flags = cur_u8(c);
	size_t hl = (size_t)(doff >> 4) * 4;
	if (c->err || hl < 20 || !cur_seek(c, tcp_start + hl))
		return -1;
	seg->data = c->buf + c->off;
	seg->len = (uint32_t)cur_left(c);
	seg->data_off = (uint32_t)c->off;
	return 0;
}

static int file_problem(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

void trace_add_frame(struct trace *t, int dlt, const uint8_t *data,
		     uint32_t caplen, int64_t sec, uint32_t nsec)
{
	struct cur c = cur_make(data, caplen, 0);
	struct tcp_seg seg;
	uint16_t proto = link_decode(dlt, &c);

	t->total_frames++;
	if (!t->stopped && trace_mem(t) > t->opts.max_memory) {
		trace_limit(t, LIMIT_MEMORY);
		t->stopped = true;
	}
	if (t->stopped || !proto || ip_tcp_decode(t, proto, &c, &seg))
		return;
	seg.frame = t->total_frames;
	seg.sec = sec;
	seg.nsec = nsec;
	if (seg.proto == 17)
		udp_datagram(t, &seg);
	else
		tcp_segment(t->tcp, &seg);
}

/*
 * Indexes every packet of an opened capture into a new trace. Returns 0,
 * or -1 with a reason in err when not even the first packet is readable.
 * Closes p.
 */
static int read_capture(struct trace **out, pcap_t *p, const char *path,
			const struct trace_opts *opts, char *err, size_t errlen)
{
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		if (name)
			snprintf(err, errlen, "%s: unsupported link type %s (%d)",
				 path, name, dlt);
		else
			snprintf(err, errlen, "%s: unsupported link type %d", path, dlt);
		pcap_close(p);
		return -1;
	}
	struct trace *t = trace_new(path, opts);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		/* tv_usec holds nanoseconds: precision was set to NANO. */
		trace_add_frame(t, dlt, data, h->caplen, h->ts.tv_sec,
				(uint32_t)h->ts.tv_usec);
	}
	if (rc == -1) {
		const char *why = pcap_geterr(p);
		if (t->total_frames == 0) {
			snprintf(err, errlen, "%s: truncated or corrupt capture file (%s)",
				 path, why);
			pcap_close(p);
			trace_finish(t);
			trace_close(t);
			return -1;
		}
		snprintf(t->warning, sizeof(t->warning),
			 "%s: truncated capture file after frame %u (%s)", path,
			 t->total_frames, why);
	}
	pcap_close(p);
	trace_finish(t);
	*out = t;
	return 0;
}

static void open_problem(const char *path, const char *ebuf, char *err,
			 size_t errlen)
{
	if (strstr(ebuf, "truncated") || strstr(ebuf, "too short"))
		snprintf(err, errlen, "%s: truncated capture file (%s)", path, ebuf);
	else if (strstr(ebuf, "unknown file format"))
		snprintf(err, errlen, "%s: not a pcap or pcapng capture file", path);
	else
		snprintf(err, errlen, "%s: %s", path, ebuf);
}

int trace_open(struct trace **out, const char *path,
	       const struct trace_opts *opts, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	*out = NULL;
	if (strcmp(path, "-") != 0 && file_problem(path, err, errlen))
		return -1;
	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
						    ebuf);
	if (!p) {
		open_problem(path, ebuf, err, errlen);
		return -1;
	}
	return read_capture(out, p, path, opts, err, errlen);
}

int trace_open_file(struct trace **out, FILE *f, const char *name,
		    const struct trace_opts *opts, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	*out = NULL;
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO,
						     ebuf);
	if (!p) {
		open_problem(name, ebuf, err, errlen);
		fclose(f);
		return -1;
	}
	return read_capture(out, p, name, opts, err, errlen);
}
