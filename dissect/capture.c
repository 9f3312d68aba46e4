/*
 * capture.c - reading pcap/pcapng (pcapfile.c) and decoding the link,
 * IPv4/IPv6 and TCP headers down to the TCP payload (tcp.c takes it from
 * there). Every header read is bounds-checked by the cursor.
 *
 * Link types: Ethernet (802.1Q/QinQ tags), Linux SLL and SLL2, BSD NULL and
 * LOOP, raw IP (DLT_RAW, LINKTYPE_IPV4/IPV6). IPv4 fragments are not
 * reassembled: they are counted and skipped (SMB over TCP practically never
 * fragments at the IP layer). IPv6 extension headers are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cursor.h"
#include "pcapfile.h"
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

/*
 * A capture read from a pipe (path "-") is copied, as libpcap reads it, to
 * an unlinked file in $TMPDIR (or /tmp): the index then keeps file offsets
 * into that copy as for a capture file, and --json of a pipe runs in the
 * memory of the index instead of holding every PDU's bytes. A failed write
 * (disk full) marks the copy broken: packets from there on are copied into
 * memory as before. Without a temporary file stdin is read directly. The
 * stream can go back to its start (pcapfile.c's hand-over to libpcap): it
 * then reads the copy up to where stdin was, and stdin again from there.
 */
struct spool {
	int in;         /* the descriptor read (stdin) */
	int fd;         /* the copy */
	uint64_t pos;   /* bytes read from stdin so far */
	uint64_t rpos;  /* the stream's position: <= pos while rereading the copy */
	bool broken;
};

static ssize_t spool_read(void *cookie, char *buf, size_t n)
{
	struct spool *s = cookie;
	ssize_t got;

	if (s->rpos < s->pos) {
		uint64_t left = s->pos - s->rpos;
		do
			got = pread(s->fd, buf, left < n ? (size_t)left : n, (off_t)s->rpos);
		while (got < 0 && errno == EINTR);
		if (got > 0)
			s->rpos += (uint64_t)got;
		return got;
	}
	do
		got = read(s->in, buf, n);
	while (got < 0 && errno == EINTR);
	if (got <= 0)
		return got;
	for (size_t done = 0; !s->broken && done < (size_t)got;) {
		ssize_t w = pwrite(s->fd, buf + done, (size_t)got - done, (off_t)(s->pos + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			s->broken = true;
		else
			done += (size_t)w;
	}
	s->pos += (uint64_t)got;
	s->rpos = s->pos;
	return got;
}

/* The position (ftell()), and back to the start while the copy is whole. */
static int spool_seek(void *cookie, off64_t *off, int whence)
{
	struct spool *s = cookie;

	if (whence == SEEK_SET && *off == 0 && !s->broken) {
		s->rpos = 0;
		return 0;
	}
	if (whence != SEEK_CUR || *off != 0)
		return -1;
	*off = (off64_t)s->rpos;
	return 0;
}

static int spool_close(void *cookie)
{
	struct spool *s = cookie;

	close(s->fd);
	free(s);
	return 0;
}

/* A stream over stdin that copies what it reads to an unlinked temporary
 * file (*spool), or NULL when no such file can be made. */
static FILE *spool_stdin(struct spool **spool)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/smbcmp-stdin-XXXXXX", dir);
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return NULL;
	unlink(path);
	struct spool *s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return NULL;
	}
	s->in = STDIN_FILENO;
	s->fd = fd;
	cookie_io_functions_t io = { .read = spool_read, .seek = spool_seek,
				     .close = spool_close };
	FILE *f = fopencookie(s, "rb", io);
	if (!f) {
		spool_close(s);
		return NULL;
	}
	*spool = s;
	return f;
}

/*
 * Finding each packet's bytes in the file, so that the index can keep file
 * offsets instead of copies (dissect.h). capf_tell() before capf_next() is
 * where the next record starts. In classic
 * pcap the packet follows a 16-byte record header (24 in the "modified"
 * format); in pcapng the record is the packet block (or a run of other
 * blocks before it: they are walked), its data 28 bytes in for Enhanced and
 * obsolete Packet Blocks, 12 for Simple ones. The first packets and one in
 * 4096 are read back and compared: on any mismatch the offsets are given
 * up for the rest of the file and the bytes are copied as for a pipe.
 */
struct locator {
	struct trace *t;
	struct capfile *p;
	const struct spool *spool; /* stdin copied to a file as read, or NULL */
	int ng;            /* pcapng */
	unsigned rec_hdr;  /* classic pcap record header size */
	uint32_t n;        /* packets seen */
	int failed;        /* offsets given up */
	int64_t next;      /* classic pcap: where the next record starts, or -1 */
	/* File bytes read ahead for the checks below (loc_read): a pread()
	 * per packet was most of a small capture's system calls, and per
	 * pcapng block header one per packet of the whole file. */
	uint64_t coff;     /* file offset of cache[0] */
	uint32_t clen;     /* bytes valid in cache */
	uint8_t cache[4096];
};

/* The k bytes of the file at off into out, through the cache; false when
 * the file has fewer. */
static bool loc_read(struct locator *l, uint8_t *out, size_t k, uint64_t off)
{
	if (k > sizeof(l->cache))
		return pread(l->t->fd, out, k, (off_t)off) == (ssize_t)k;
	if (off < l->coff || off - l->coff > l->clen || k > l->clen - (off - l->coff)) {
		ssize_t r = pread(l->t->fd, l->cache, sizeof(l->cache), (off_t)off);
		l->coff = off;
		l->clen = r > 0 ? (uint32_t)r : 0;
		if (l->clen < k)
			return false;
	}
	memcpy(out, l->cache + (off - l->coff), k);
	return true;
}

/*
 * Where the next record starts. Under libpcap that is an ftell(), a system
 * call per packet, so classic pcap follows the records itself (header +
 * caplen) and asks capf_tell() only when libpcap may have cut a record
 * short (caplen at the snapshot length).
 */
static int64_t locator_pos(struct locator *l)
{
	if (l->t->fd < 0 || l->failed)
		return -1;
	if (!l->ng && l->next >= 0)
		return l->next;
	return capf_tell(l->p);
}

static uint32_t rd32(const uint8_t *b, int swap)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* path is the capture's, or NULL when spool (or nothing) holds its bytes. */
static void locator_init(struct locator *l, struct trace *t, struct capfile *p,
			 const char *path, const struct spool *spool)
{
	uint8_t m[4];
	uint32_t magic;

	memset(l, 0, sizeof(*l));
	l->t = t;
	l->p = p;
	l->next = -1;
	/* With keys, the key state finds decrypted messages and SMB1
	 * sequence numbers by the address of their bytes at index time: the
	 * bytes stay in memory. */
	if (t->opts.keys)
		return;
	if (spool) {
		l->spool = spool;
		t->fd = fcntl(spool->fd, F_DUPFD_CLOEXEC, 0);
	} else if (path && strcmp(path, "-") != 0) {
		t->fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (t->fd < 0)
		return;
	if (pread(t->fd, m, 4, 0) != 4)
		goto fail;
	magic = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	switch (magic) {
	case 0xa1b2c3d4: case 0xd4c3b2a1: case 0xa1b23c4d: case 0x4d3cb2a1:
		l->rec_hdr = 16;
		return;
	case 0xa1b2cd34: case 0x34cdb2a1:
		l->rec_hdr = 24;
		return;
	case 0x0a0d0d0a:
		l->ng = 1;
		return;
	}
fail:
	close(t->fd);
	t->fd = -1;
}

/* File offset of the data of the packet whose record starts at pos. */
static uint64_t locate_at(struct locator *l, uint64_t pos)
{
	if (!l->ng)
		return pos + l->rec_hdr;
	int swap = capf_is_swapped(l->p);
	for (int blocks = 0; blocks < 64; blocks++) {
		uint8_t b[8];
		if (!loc_read(l, b, 8, pos))
			return NO_OFF;
		uint32_t type = rd32(b, swap), len = rd32(b + 4, swap);
		if (type == 6 || type == 2)
			return pos + 28;
		if (type == 3)
			return pos + 12;
		if (len < 12 || len % 4)
			return NO_OFF;
		pos += len;
	}
	return NO_OFF;
}

static uint64_t locate_packet(struct locator *l, int64_t before,
			      const uint8_t *data, uint32_t caplen)
{
	if (l->spool && l->spool->broken)
		l->failed = 1; /* bytes from here on may be missing from it */
	if (l->t->fd < 0 || l->failed || before < 0)
		return NO_OFF;
	uint64_t off = locate_at(l, (uint64_t)before);
	l->next = -1;
	if (!l->ng && caplen < (uint32_t)capf_snapshot(l->p))
		l->next = (int64_t)(off + caplen);
	if ((l->n++ < 64 || l->n % 4096 == 0) && off != NO_OFF) {
		uint8_t buf[256];
		uint32_t k = caplen < sizeof(buf) ? caplen : (uint32_t)sizeof(buf);
		if (!loc_read(l, buf, k, off) || memcmp(buf, data, k) != 0)
			off = NO_OFF;
	}
	if (off == NO_OFF)
		l->failed = 1; /* PDUs stored so far stay valid: keep the fd */
	return off;
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
	return 0;
}

void trace_add_frame(struct trace *t, int dlt, const uint8_t *data,
		     uint32_t caplen, int64_t sec, uint32_t nsec)
{
	trace_add_frame_at(t, dlt, data, caplen, sec, nsec, NO_OFF);
}

void trace_add_frame_at(struct trace *t, int dlt, const uint8_t *data,
			uint32_t caplen, int64_t sec, uint32_t nsec, uint64_t off)
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
	seg.file_off = off == NO_OFF ? NO_OFF : off + seg.data_off;
	seg.sec = sec;
	seg.nsec = nsec;
	if (seg.proto == 17)
		udp_datagram(t, &seg);
	else
		tcp_segment(t->tcp, &seg);
}

#ifdef SMBCMP_FUZZ
#define CAPTURE_BUF 4096u       /* inputs are small: no 1 MiB mmap per input */
#else
#define CAPTURE_BUF (1u << 20)  /* stdio's 4 KiB would be a read() per 4 KiB */
#endif

/* A capture being indexed: what the packet loop needs between slices
 * (trace_index_more). Freed, with the pcap handle, when the loop ends. */
struct reader {
	struct capfile *p;
	struct locator loc;
	int dlt;
	uint64_t size;  /* file size for trace_index_percent(), 0 unknown */
};

static void reader_end(struct trace *t)
{
	struct reader *r = t->rd;
	if (!r)
		return;
	capf_close(r->p);
	free(r);
	t->rd = NULL;
	trace_finish(t);
}

void trace_reader_close(struct trace *t)
{
	reader_end(t);
}

/*
 * Reads packets into the index until the end of the capture, or for about
 * ms milliseconds when ms > 0 (checked every 256 packets). Returns 1 while
 * packets remain, 0 at the end (reader closed, index finished), -1 with a
 * reason in err when not even the first packet is readable.
 */
static int read_packets(struct trace *t, unsigned ms, char *err, size_t errlen)
{
	struct reader *r = t->rd;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	struct timespec t0 = { 0, 0 };

	if (!r)
		return 0;
	if (ms)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t k = 1;; k++) {
		int64_t before = locator_pos(&r->loc);
		if ((rc = capf_next(r->p, &h, &data)) != 1)
			break;
		uint64_t off = locate_packet(&r->loc, before, data, h->caplen);
		/* tv_usec holds nanoseconds: precision was set to NANO. */
		trace_add_frame_at(t, r->dlt, data, h->caplen, h->ts.tv_sec,
				   (uint32_t)h->ts.tv_usec, off);
		if (ms && t->opts.slice_packets && k >= t->opts.slice_packets)
			return 1;
		if (ms && k % 256 == 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >=
			    (long)ms)
				return 1;
		}
	}
	if (rc == -1) {
		const char *why = capf_geterr(r->p);
		if (t->total_frames == 0) {
			snprintf(err, errlen, "%s: truncated or corrupt capture file (%s)",
				 t->path, why);
			reader_end(t);
			return -1;
		}
		snprintf(t->warning, sizeof(t->warning),
			 "%s: truncated capture file after frame %u (%s)", t->path,
			 t->total_frames, why);
	}
	reader_end(t);
	return 0;
}

/*
 * Indexes the packets of an opened capture into a new trace: all of them,
 * or those read in about ms milliseconds when ms > 0 (trace_index_more()
 * goes on). Returns 0, or -1 with a reason in err when not even the first
 * packet is readable. Takes p. reopen: path names the file p reads, which
 * may be opened again to read PDU bytes back on demand (else the index
 * keeps them in memory); spool: p reads stdin through it (same use).
 */
static int read_capture(struct trace **out, struct capfile *p, const char *path,
			bool reopen, const struct spool *spool, unsigned ms,
			const struct trace_opts *opts, char *err, size_t errlen)
{
	int dlt = capf_datalink(p);
	if (!link_supported(dlt)) {
		const char *name = capf_datalink_name(dlt);
		if (name)
			snprintf(err, errlen, "%s: unsupported link type %s (%d)",
				 path, name, dlt);
		else
			snprintf(err, errlen, "%s: unsupported link type %d", path, dlt);
		capf_close(p);
		return -1;
	}
	struct trace *t = trace_new(path, opts);
	struct reader *r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	r->p = p;
	r->dlt = dlt;
	t->rd = r;
	locator_init(&r->loc, t, p, reopen ? path : NULL, spool);
	struct stat st;
	if (t->fd >= 0 && !spool && fstat(t->fd, &st) == 0 && st.st_size > 0)
		r->size = (uint64_t)st.st_size;
	if (read_packets(t, ms, err, errlen) < 0) {
		trace_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

bool trace_indexing(const struct trace *t)
{
	return t->rd != NULL;
}

bool trace_index_more(struct trace *t, unsigned ms)
{
	char err[256];
	/* Only the first slice can fail: a later one has frames already. */
	return read_packets(t, ms ? ms : 1, err, sizeof(err)) > 0;
}

void trace_index_all(struct trace *t)
{
	char err[256];
	read_packets(t, 0, err, sizeof(err));
}

unsigned trace_index_percent(const struct trace *t)
{
	if (!t->rd)
		return 100;
	int64_t pos = t->rd->size ? capf_tell(t->rd->p) : -1;
	if (pos < 0)
		return 0;
	uint64_t pc = (uint64_t)pos * 100 / t->rd->size;
	return pc > 99 ? 99 : (unsigned)pc;
}

static void open_problem(const char *path, const char *ebuf, char *err,
			 size_t errlen)
{
	if (strstr(ebuf, "file header bytes, only got 0"))
		snprintf(err, errlen, "%s: empty file, not a capture", path);
	else if (strstr(ebuf, "truncated") || strstr(ebuf, "too short"))
		snprintf(err, errlen, "%s: truncated capture file (%s)", path, ebuf);
	else if (strstr(ebuf, "unknown file format"))
		snprintf(err, errlen, "%s: not a pcap or pcapng capture file", path);
	else
		snprintf(err, errlen, "%s: %s", path, ebuf);
}

int trace_open(struct trace **out, const char *path,
	       const struct trace_opts *opts, char *err, size_t errlen)
{
	return trace_open_partial(out, path, opts, 0, err, errlen);
}

int trace_open_partial(struct trace **out, const char *path,
		       const struct trace_opts *opts, unsigned ms, char *err,
		       size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capfile *p;

	*out = NULL;
	if (strcmp(path, "-") != 0 && file_problem(path, err, errlen))
		return -1;
	/* Our own FILE with a large buffer: stdio's 4 KB would mean a read()
	 * per 4 KB of a gigabyte file. capf_close() closes it. */
	struct spool *spool = NULL;
	bool in = strcmp(path, "-") == 0;
	FILE *fp = !in ? fopen(path, "rb") : opts && opts->keys ? NULL : spool_stdin(&spool);
	if (!fp && !in) { /* unreadable (file_problem() saw it exists) */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fp) {
		setvbuf(fp, NULL, _IOFBF, CAPTURE_BUF);
		p = capf_fopen(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
		if (!p)
			fclose(fp);
	} else {
		p = capf_open(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	}
	if (!p) {
		open_problem(path, ebuf, err, errlen);
		return -1;
	}
	return read_capture(out, p, path, true, spool, ms, opts, err, errlen);
}

int trace_open_file(struct trace **out, FILE *f, const char *name,
		    const struct trace_opts *opts, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capfile *p;

	*out = NULL;
	p = capf_fopen(f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!p) {
		open_problem(name, ebuf, err, errlen);
		fclose(f);
		return -1;
	}
	return read_capture(out, p, name, false, NULL, 0, opts, err, errlen);
}
