/*
 * tcp.c - TCP connection tracking, reassembly and NBSS framing; see tcp.h.
 *
 * Connections are numbered in order of first appearance, like tshark's
 * tcp.stream (every TCP connection counts, SMB or not; a new SYN on a closed
 * 4-tuple starts a new stream). Each direction ("half") holds:
 *   next_seq   the next byte expected;
 *   ooo        future segments, sorted by sequence number, bounded by
 *              opts.max_pending bytes and MAX_OOO_SEGS segments;
 *   pend       in-order bytes of an NBSS message not yet complete.
 * All buffered bytes (pend capacity + queued segments) of all streams
 * together are bounded by opts.max_reasm: a stream that would go past it
 * declares a gap instead (its PDU in progress becomes incomplete), and the
 * trace notes the limit. A pend buffer left large by a big PDU is released
 * once empty.
 * Framing parses NBSS headers out of the in-order byte stream. A PDU that
 * lies inside one segment keeps its frame offset (positions are frame
 * positions, as in tshark); one that spans segments is PDU_REASM.
 *
 * Where the bytes lie in the capture file travels with them: a segment's
 * payload has one file offset, pend a list of pieces (pos in pend, file
 * offset, length). A PDU whose bytes all have offsets is stored as offsets
 * (PDU_FILE, see dissect.h); otherwise its bytes are copied. The piece
 * lists count against max_reasm too; a pend past MAX_PIECES pieces (a
 * stream of tiny segments) or past the limit just loses its offsets, and
 * its PDU is copied.
 */
#include "tcp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMB_PORT 445
#define NBSS_PORT 139
#define MAX_OOO_SEGS 1024
#define PEND_MIN 256             /* first pend allocation */
#define PEND_KEEP (64u << 10)    /* an empty pend larger than this is freed */
#ifdef SMBCMP_FUZZ
/* Fuzz builds: a cap that inputs under libFuzzer's -max_len (16 KB, some
 * 200 segments) can reach, so that losing the offsets past it is fuzzed. */
#define MAX_PIECES 64
#else
#define MAX_PIECES 4096          /* file pieces of one pend */
#endif

struct ooo_seg {
	struct ooo_seg *next;
	uint64_t file_off;
	uint32_t seq, len, frame, data_off;
	int64_t sec;
	uint32_t nsec;
	uint8_t data[];
};

/* Bytes [pos, pos + len) of a buffer are at file offset off (or NO_OFF). */
struct hpiece {
	size_t pos;
	uint64_t off;
	size_t len;
};

struct half {
	uint8_t init;       /* next_seq is known */
	uint8_t synced;     /* framing is at an NBSS header boundary */
	uint8_t fin;
	uint32_t next_seq;
	struct ooo_seg *ooo, *ooo_tail;
	size_t ooo_bytes;
	unsigned ooo_count;
	uint8_t *pend;      /* malloc'd; bytes of an unfinished PDU */
	size_t plen, pcap;
	struct hpiece *pp;  /* malloc'd; where pend's bytes are in the file */
	size_t npp, cpp;
	uint8_t noloc;      /* pend's bytes have lost their file offsets */
	uint32_t last_frame;
	int64_t last_sec;
	uint32_t last_nsec;
};

struct conn {
	struct conn *hnext;
	uint8_t v6;
	uint8_t addr[2][16];
	uint16_t port[2];
	uint32_t stream;
	int8_t server;      /* endpoint index of the server, -1 unknown */
	int8_t nbss;        /* -1 undecided, 0 not NBSS, 1 NBSS */
	uint8_t port139;
	uint8_t closed;     /* FIN or RST seen */
	uint8_t syn[2];
	struct half h[2];   /* h[i]: data sent by endpoint i */
};

struct tcp_state {
	struct trace *t;
	struct hmap conns;  /* hash of 4-tuple -> chain of conns */
	struct conn **all;
	size_t nall, capall;
	size_t buffered;    /* pend and piece capacities + queued segments */
	struct piece *scratch; /* emit(): pieces of the PDU being stored */
	size_t cscratch;
};

size_t tcp_mem(const struct tcp_state *s)
{
	/* Connections, their hash slots and the list of them. */
	return s->nall * (sizeof(struct conn) + 16) + s->capall * sizeof(*s->all) +
	       s->conns.cap * (sizeof(uint64_t) + sizeof(void *)) + s->buffered;
}

/* May n more bytes be buffered? Notes the limit when not. */
static int reasm_room(struct tcp_state *s, size_t n)
{
	if (n <= s->t->opts.max_reasm && s->buffered <= s->t->opts.max_reasm - n)
		return 1;
	trace_limit(s->t, LIMIT_REASM);
	return 0;
}

struct tcp_state *tcp_new(struct trace *t)
{
	struct tcp_state *s = calloc(1, sizeof(*s));

	if (!s) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	s->t = t;
	hmap_init(&s->conns);
	return s;
}

/* Hash of one endpoint: its 16 address bytes as two words, and port. */
static uint64_t endpoint_hash(const uint8_t addr[16], uint16_t port)
{
	uint64_t lo, hi;

	memcpy(&lo, addr, 8);
	memcpy(&hi, addr + 8, 8);
	return hmap_mix(hmap_mix(lo, hi), port);
}

static uint64_t tuple_hash(const struct tcp_seg *g)
{
	/* Symmetric: the same for both directions. */
	return hmap_mix(endpoint_hash(g->src, g->sport) ^ endpoint_hash(g->dst, g->dport),
			(uint64_t)g->sport + g->dport + g->v6);
}

static int conn_dir(const struct conn *c, const struct tcp_seg *g)
{
	if (c->v6 != g->v6)
		return -1;
	if (c->port[0] == g->sport && c->port[1] == g->dport &&
	    !memcmp(c->addr[0], g->src, 16) && !memcmp(c->addr[1], g->dst, 16))
		return 0;
	if (c->port[1] == g->sport && c->port[0] == g->dport &&
	    !memcmp(c->addr[1], g->src, 16) && !memcmp(c->addr[0], g->dst, 16))
		return 1;
	return -1;
}

static void fmt_endpoint(char *out, size_t n, const struct conn *c, int i)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(c->v6 ? AF_INET6 : AF_INET, c->addr[i], ip, sizeof(ip));
	if (c->v6)
		snprintf(out, n, "[%s]:%u", ip, c->port[i]);
	else
		snprintf(out, n, "%s:%u", ip, c->port[i]);
}

static void conn_set_server(struct tcp_state *s, struct conn *c, int server)
{
	struct stream_rec *r = trace_stream_at(s->t, c->stream);

	c->server = (int8_t)server;
	fmt_endpoint(r->server, sizeof(r->server), c, server);
	fmt_endpoint(r->client, sizeof(r->client), c, !server);
}

/* The stream's first FIN or RST (stream_rec.end_frame). */
static void mark_end(struct tcp_state *s, struct conn *c, uint32_t frame)
{
	struct stream_rec *r = trace_stream_at(s->t, c->stream);
	if (!r->end_frame)
		r->end_frame = frame;
}

static struct conn *conn_new(struct tcp_state *s, const struct tcp_seg *g,
			     uint64_t h)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	c->v6 = g->v6;
	memcpy(c->addr[0], g->src, 16);
	memcpy(c->addr[1], g->dst, 16);
	c->port[0] = g->sport;
	c->port[1] = g->dport;
	c->stream = (uint32_t)s->nall;
	c->nbss = -1;
	c->hnext = hmap_get(&s->conns, h);
	hmap_put(&s->conns, h, c);
	if (s->nall == s->capall) {
		s->capall = s->capall ? s->capall * 2 : 64;
		s->all = realloc(s->all, s->capall * sizeof(*s->all));
		if (!s->all) {
			fprintf(stderr, "smbcmp: out of memory\n");
			abort();
		}
	}
	s->all[s->nall++] = c;
	struct stream_rec *r = trace_stream_at(s->t, c->stream);
	r->first_frame = g->frame;
	/* Server: the SMB port, else the receiver of a bare SYN, else the
	 * lower port. */
	int server;
	if (g->dport == SMB_PORT || g->dport == NBSS_PORT)
		server = 1;
	else if (g->sport == SMB_PORT || g->sport == NBSS_PORT)
		server = 0;
	else if ((g->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		server = 1;
	else if ((g->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		server = 0;
	else
		server = g->dport < g->sport ? 1 : 0;
	c->port139 = c->port[server] == NBSS_PORT;
	conn_set_server(s, c, server);
	return c;
}

static void pend_release(struct tcp_state *s, struct half *h)
{
	s->buffered -= h->pcap + h->cpp * sizeof(*h->pp);
	free(h->pend);
	h->pend = NULL;
	h->plen = h->pcap = 0;
	free(h->pp);
	h->pp = NULL;
	h->npp = h->cpp = 0;
	h->noloc = 0;
}

/*
 * Grows the buffer *buf of *cap elements of elem bytes (first: the first
 * capacity) to hold n, doubling; the growth counts in s->buffered. 0
 * (nothing changed) past max_reasm.
 */
static int buffer_reserve(struct tcp_state *s, void **buf, size_t *cap, size_t n,
			  size_t elem, size_t first)
{
	if (n <= *cap)
		return 1;
	size_t c = *cap ? *cap : first;
	while (c < n)
		c *= 2;
	if (!reasm_room(s, (c - *cap) * elem))
		return 0;
	void *np = realloc(*buf, c * elem);
	if (!np) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	s->buffered += (c - *cap) * elem;
	*buf = np;
	*cap = c;
	return 1;
}

/* Room for n pieces in h->pp; 0 (nothing changed) when it may not grow. */
static int pieces_reserve(struct tcp_state *s, struct half *h, size_t n)
{
	void *pp = h->pp;

	if (n > h->cpp && n > MAX_PIECES)
		return 0;
	int ok = buffer_reserve(s, &pp, &h->cpp, n, sizeof(*h->pp), 8);
	h->pp = pp;
	return ok;
}

/* Grows pend to hold n bytes; 0 (nothing changed) past max_reasm. */
static int pend_reserve(struct tcp_state *s, struct half *h, size_t n)
{
	void *pend = h->pend;
	int ok = buffer_reserve(s, &pend, &h->pcap, n, 1, PEND_MIN);

	h->pend = pend;
	return ok;
}

static void half_free(struct tcp_state *s, struct half *h)
{
	struct ooo_seg *o = h->ooo;

	while (o) {
		struct ooo_seg *n = o->next;
		s->buffered -= o->len;
		free(o);
		o = n;
	}
	h->ooo = h->ooo_tail = NULL;
	h->ooo_bytes = 0;
	h->ooo_count = 0;
	pend_release(s, h);
}

/* ---- NBSS framing ---- */

static int nbss_type_ok(uint8_t type)
{
	return type == 0x00 || (type >= 0x81 && type <= 0x85);
}

static int smb_magic(const uint8_t *p)
{
	return (p[0] == 0xff || p[0] == 0xfe || p[0] == 0xfd || p[0] == 0xfc) &&
	       p[1] == 'S' && p[2] == 'M' && p[3] == 'B';
}

int nbss_looks_like_smb(const uint8_t *buf, uint32_t n)
{
	if (n < 8 || buf[0] != 0x00)
		return 0;
	uint32_t len = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	return len >= 4 && smb_magic(buf + 4);
}

/*
 * Session messages carry a 24-bit length (direct-hosted SMB on 445; on 139
 * the flags byte is zero in practice and Wireshark reads 24 bits too); the
 * other NBSS types have a flags byte whose bit 0 extends a 16-bit length.
 */
uint32_t nbss_len(const uint8_t *p)
{
	if (p[0] == 0x00)
		return (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)(p[1] & 1) << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is there a plausible NBSS header at p (n bytes available)? */
static int header_plausible(const uint8_t *p, size_t n)
{
	if (n < 4 || !nbss_type_ok(p[0]))
		return 0;
	if (p[0] == 0x85)
		return nbss_len(p) == 0;
	if (p[0] != 0x00)
		return nbss_len(p) < 1024;
	if (n < 8)
		return 0;
	return smb_magic(p + 4) && nbss_len(p) >= 4;
}

struct emit_ctx {
	struct tcp_state *s;
	struct conn *c;
	int dir;
	uint32_t frame;
	int64_t sec;
	uint32_t nsec;
};

/* The buffer being framed and where its bytes are in the file. */
struct src {
	const uint8_t *buf;
	const struct hpiece *pp;
	size_t npp;
	int noloc;          /* no file offsets at all */
};

/*
 * File pieces of src bytes [from, from + n) into out (merging pieces that
 * are adjacent in the file); returns their number, or 0 when some byte has
 * no file offset or there are more than max pieces.
 */
static size_t locate(const struct src *src, size_t from, size_t n,
		     struct piece *out, size_t max)
{
	size_t k = 0, end = from + n;

	if (src->noloc)
		return 0;
	for (size_t i = 0; i < src->npp && from < end; i++) {
		const struct hpiece *h = &src->pp[i];
		if (h->pos + h->len <= from)
			continue;
		if (h->pos > from || h->off == NO_OFF)
			return 0;
		uint64_t off = h->off + (from - h->pos);
		size_t len = h->pos + h->len - from;
		if (len > end - from)
			len = end - from;
		if (k && out[k - 1].off + out[k - 1].len == off &&
		    out[k - 1].len + len <= UINT32_MAX) {
			out[k - 1].len += (uint32_t)len;
		} else {
			if (k == max || len > UINT32_MAX)
				return 0;
			out[k].off = off;
			out[k++].len = (uint32_t)len;
		}
		from += len;
	}
	return from == end ? k : 0;
}

/* Room for n pieces in the scratch list of emit(); 0 when refused. */
static int scratch_reserve(struct tcp_state *s, size_t n)
{
	if (n <= s->cscratch)
		return 1;
	size_t cap = s->cscratch ? s->cscratch : 16;
	while (cap < n)
		cap *= 2;
	struct piece *np = realloc(s->scratch, cap * sizeof(*np));
	if (!np)
		return 0;
	s->scratch = np;
	s->cscratch = cap;
	return 1;
}

/* Stores src bytes [at, at + n) as one PDU: as file offsets when every
 * byte has one, else as a copy. */
static void emit(const struct emit_ctx *e, const struct src *src, size_t at,
		 size_t n, size_t wire_len, int32_t frame_off, uint16_t flags)
{
	struct trace *t = e->s->t;
	struct pdu pdu;
	const uint8_t *p = src->buf + at;
	size_t keep = n < t->opts.max_pdu ? n : t->opts.max_pdu;
	size_t np = 0;

	if (t->fd >= 0 && keep && !src->noloc && scratch_reserve(e->s, src->npp))
		np = locate(src, at, keep, e->s->scratch, src->npp);
	if (np == 1) {
		pdu.data = NULL;
		pdu.src = e->s->scratch[0].off;
		flags |= PDU_FILE;
	} else if (np > 1) {
		pdu.data = NULL;
		pdu.src = trace_add_pieces(t, e->s->scratch, np);
		flags |= PDU_FILE | PDU_PIECES;
	} else {
		if (keep > TRACE_PREFIX_KEEP && t->a.held > t->opts.max_memory / 4 * 3) {
			trace_limit(t, LIMIT_STORE);
			keep = TRACE_PREFIX_KEEP;
		}
		uint8_t *copy = arena_alloc(&t->a, keep ? keep : 1);
		memcpy(copy, p, keep);
		pdu.data = copy;
		pdu.src = 0;
	}
	if (keep < n)
		flags |= PDU_TRUNC;
	pdu.len = (uint32_t)keep;
	pdu.wire_len = wire_len > UINT32_MAX ? UINT32_MAX : (uint32_t)wire_len;
	pdu.frame_off = frame_off;
	pdu.frame = e->frame;
	pdu.stream = e->c->stream;
	pdu.flags = flags;
	pdu.to_server = e->dir != e->c->server;
	pdu.port139 = e->c->port139;
	trace_add_pdu(t, &pdu, p, e->sec, e->nsec);
}

/* Hands over n bytes at p as an incomplete PDU (data was lost after them)
 * and restarts framing at the next plausible header. */
static void abandon(const struct emit_ctx *e, struct half *h,
		    const struct src *src, size_t at, size_t n, int32_t frame_off)
{
	if (n && e->c->nbss > 0) {
		const uint8_t *p = src->buf + at;
		size_t wire = n;
		if (n >= 4 && nbss_type_ok(p[0]))
			wire = 4 + (size_t)nbss_len(p);
		emit(e, src, at, n, wire, frame_off,
		     (uint16_t)(PDU_INCOMPLETE | (frame_off < 0 ? PDU_REASM : 0)));
	}
	h->plen = 0;
	h->npp = 0;
	h->noloc = 0;
	h->synced = 0;
}

/* The pending bytes of h as a src. */
static struct src pend_src(const struct half *h)
{
	return (struct src){ h->pend, h->pp, h->npp, h->noloc };
}

/* h->pp := the pieces of src bytes [from, from + n), shifted to 0 (in
 * place when src is pend); past the piece limit pend loses its offsets. */
static void pieces_keep(struct tcp_state *s, struct half *h, const struct src *src,
			size_t from, size_t n)
{
	size_t k = 0;

	h->noloc = src->noloc;
	if (src->noloc || (src->pp != h->pp && !pieces_reserve(s, h, src->npp))) {
		h->npp = 0;
		h->noloc = 1;
		return;
	}
	for (size_t i = 0; i < src->npp; i++) {
		struct hpiece x = src->pp[i];
		if (x.pos + x.len <= from || x.pos >= from + n)
			continue;
		if (x.pos < from) {
			if (x.off != NO_OFF)
				x.off += from - x.pos;
			x.len -= from - x.pos;
			x.pos = from;
		}
		x.pos -= from;
		h->pp[k++] = x;
	}
	h->npp = k;
}

/*
 * Keeps the n unframed bytes at p (inside pend or the current segment) in
 * pend for the next segment. frame_off is p's offset in its frame, -1 if
 * p is in pend. Past max_reasm the bytes are abandoned instead.
 */
static void pend_keep(const struct emit_ctx *e, struct half *h,
		      const struct src *src, size_t from, size_t n,
		      int32_t frame_off)
{
	struct tcp_state *s = e->s;

	if (n == 0) {
		h->plen = 0;
		h->npp = 0;
		h->noloc = 0;
		if (h->pcap > PEND_KEEP)
			pend_release(s, h);
		return;
	}
	if (src->buf != h->pend && !pend_reserve(s, h, n)) {
		abandon(e, h, src, from, n, frame_off);
		return;
	}
	const uint8_t *p = src->buf + from;
	if (p != h->pend)
		memmove(h->pend, p, n);
	h->plen = n;
	pieces_keep(s, h, src, from, n);
}

/*
 * Frames NBSS messages out of buf[0..n). seg_start is where the current
 * segment's bytes begin in buf (bytes before it came from earlier frames);
 * seg_off is the segment's payload offset within its frame.
 */
static void frame_bytes(const struct emit_ctx *e, struct half *h,
			const struct src *src, size_t n, size_t seg_start,
			uint32_t seg_off)
{
	const uint8_t *buf = src->buf;
	size_t i = 0;

	while (i < n) {
		if (!h->synced) {
			/* As Wireshark: framing resumes only where a segment
			 * (or the bytes after a whole PDU) starts with a
			 * plausible header; anything else is continuation
			 * data to the end of the segment. Fewer than 8 bytes
			 * that may begin a header wait for the next segment. */
			if (!header_plausible(buf + i, n - i)) {
				if (n - i < 8 && nbss_type_ok(buf[i]))
					break;
				emit(e, src, i, n - i, n - i,
				     i >= seg_start ? (int32_t)(seg_off + (i - seg_start)) : -1,
				     PDU_CONT);
				i = n;
				break;
			}
			h->synced = 1;
		}
		if (n - i < 4)
			break;
		const uint8_t *p = buf + i;
		if (!nbss_type_ok(p[0])) {
			h->synced = 0;
			continue;
		}
		size_t total = 4 + (size_t)nbss_len(p);
		if (n - i < total)
			break; /* wait for more; emit() truncates huge PDUs */
		uint16_t flags = 0;
		int32_t off = -1;
		if (i >= seg_start)
			off = (int32_t)(seg_off + (i - seg_start));
		else
			flags |= PDU_REASM;
		emit(e, src, i, total, total, off, flags);
		i += total;
	}
	pend_keep(e, h, src, i, n - i,
		  i >= seg_start ? (int32_t)(seg_off + (i - seg_start)) : -1);
}

/* Delivers in-order bytes of one segment to the framer. */
static void deliver(struct tcp_state *s, struct conn *c, int dir,
		    const uint8_t *data, size_t len, uint32_t frame,
		    int64_t sec, uint32_t nsec, uint32_t seg_off, uint64_t file_off)
{
	struct half *h = &c->h[dir];
	struct emit_ctx e = { s, c, dir, frame, sec, nsec };

	h->last_frame = frame;
	h->last_sec = sec;
	h->last_nsec = nsec;
	if (len == 0)
		return;
	if (c->nbss < 0) {
		int server_port = c->port[c->server] == SMB_PORT ||
				  c->port[c->server] == NBSS_PORT;
		c->nbss = server_port || nbss_looks_like_smb(data, (uint32_t)len);
	}
	if (!c->nbss)
		return;
	struct hpiece one = { 0, file_off, len };
	struct src seg = { data, &one, 1, 0 };
	if (h->plen == 0) {
		frame_bytes(&e, h, &seg, len, 0, seg_off);
		return;
	}
	size_t before = h->plen;
	if (!pend_reserve(s, h, before + len)) {
		/* Over the reassembly limit: the PDU in progress is lost. */
		struct src ps = pend_src(h);
		abandon(&e, h, &ps, 0, h->plen, -1);
		pend_release(s, h);
		frame_bytes(&e, h, &seg, len, 0, seg_off);
		return;
	}
	memcpy(h->pend + before, data, len);
	h->plen = before + len;
	if (!h->noloc && pieces_reserve(s, h, h->npp + 1))
		h->pp[h->npp++] = (struct hpiece){ before, file_off, len };
	else
		h->noloc = 1;
	struct src ps = pend_src(h);
	frame_bytes(&e, h, &ps, h->plen, before, seg_off);
}

/* Data was lost before the next bytes: abandon the PDU in progress. */
static void declare_gap(struct tcp_state *s, struct conn *c, int dir)
{
	struct half *h = &c->h[dir];
	struct emit_ctx e = { s, c, dir, h->last_frame, h->last_sec, h->last_nsec };

	struct src ps = pend_src(h);
	abandon(&e, h, &ps, 0, h->plen, -1);
	if (h->pcap > PEND_KEEP)
		pend_release(s, h);
}

static int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* Releases queued segments that are now in order. */
static void drain(struct tcp_state *s, struct conn *c, int dir)
{
	struct half *h = &c->h[dir];

	while (h->ooo && seq_diff(h->ooo->seq, h->next_seq) <= 0) {
		struct ooo_seg *o = h->ooo;
		h->ooo = o->next;
		if (!h->ooo)
			h->ooo_tail = NULL;
		h->ooo_bytes -= o->len;
		h->ooo_count--;
		s->buffered -= o->len;
		uint32_t skip = h->next_seq - o->seq; /* seq_diff <= 0 */
		if (skip < o->len) {
			h->next_seq += o->len - skip;
			deliver(s, c, dir, o->data + skip, o->len - skip, o->frame,
				o->sec, o->nsec, o->data_off + skip,
				o->file_off == NO_OFF ? NO_OFF : o->file_off + skip);
		}
		free(o);
	}
}

/* Skips to the first queued segment, declaring the hole a gap. */
static void skip_to_queue(struct tcp_state *s, struct conn *c, int dir)
{
	struct half *h = &c->h[dir];

	if (!h->ooo)
		return;
	declare_gap(s, c, dir);
	h->next_seq = h->ooo->seq;
	drain(s, c, dir);
}

/* Queues a future segment in sequence order (appending is O(1): the
 * usual case); false when the reassembly limit forbids it. */
static int enqueue(struct tcp_state *s, struct half *h, const struct tcp_seg *g,
		   uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct ooo_seg **pp = &h->ooo;

	if (h->ooo_tail && seq_diff(h->ooo_tail->seq, seq) < 0)
		pp = &h->ooo_tail->next;
	while (*pp && seq_diff((*pp)->seq, seq) < 0)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seq && (*pp)->len >= len)
		return 1; /* duplicate */
	if (!reasm_room(s, len))
		return 0;
	struct ooo_seg *o = malloc(sizeof(*o) + len);
	if (!o) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	o->seq = seq;
	o->len = len;
	o->frame = g->frame;
	o->data_off = g->data_off + (uint32_t)(data - g->data);
	o->file_off = g->file_off == NO_OFF ? NO_OFF
					    : g->file_off + (uint64_t)(data - g->data);
	o->sec = g->sec;
	o->nsec = g->nsec;
	memcpy(o->data, data, len);
	o->next = *pp;
	if (!o->next)
		h->ooo_tail = o;
	*pp = o;
	h->ooo_bytes += len;
	h->ooo_count++;
	s->buffered += len;
	return 1;
}

void tcp_segment(struct tcp_state *s, const struct tcp_seg *g)
{
	uint64_t hash = tuple_hash(g);
	struct conn *c;
	int dir = -1;

	for (c = hmap_get(&s->conns, hash); c; c = c->hnext)
		if ((dir = conn_dir(c, g)) >= 0)
			break;
	int bare_syn = (g->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	if (c && bare_syn && (c->closed || (c->syn[dir] &&
					    c->h[dir].next_seq != g->seq + 1))) {
		/* Port reuse: a new connection on the same 4-tuple. */
		half_free(s, &c->h[0]);
		half_free(s, &c->h[1]);
		c = NULL;
	}
	if (!c) {
		c = conn_new(s, g, hash);
		dir = 0;
	}
	struct half *h = &c->h[dir];

	if (g->flags & TCP_SYN) {
		c->syn[dir] = 1;
		h->init = 1;
		h->synced = 1;
		h->next_seq = g->seq + 1;
		if ((g->flags & TCP_ACK) && c->server != dir && !c->syn[!dir])
			conn_set_server(s, c, dir);
		return;
	}
	if (g->flags & (TCP_RST | TCP_FIN))
		mark_end(s, c, g->frame);
	if (g->flags & TCP_RST)
		c->closed = 1;

	uint32_t seq = g->seq;
	const uint8_t *data = g->data;
	uint32_t len = g->len;

	if (!h->init) {
		/* Mid-stream start: trust this segment, framing must resync. */
		h->init = 1;
		h->synced = 0;
		h->next_seq = seq;
	}
	if (len) {
		int32_t d = seq_diff(seq, h->next_seq);
		if (d < 0) {
			uint32_t old = h->next_seq - seq; /* not -d: d may be INT32_MIN */
			if (old >= len) {
				len = 0; /* retransmission or keep-alive */
			} else {
				data += old;
				len -= old;
				seq += old;
			}
		}
		if (len && seq == h->next_seq) {
			h->next_seq += len;
			deliver(s, c, dir, data, len, g->frame, g->sec, g->nsec,
				g->data_off + (uint32_t)(data - g->data),
				g->file_off == NO_OFF ? NO_OFF
						      : g->file_off + (uint64_t)(data - g->data));
			drain(s, c, dir);
		} else if (len) {
			if (!enqueue(s, h, g, seq, data, len)) {
				/* No room: what is queued goes first, then
				 * this segment after a gap. */
				while (h->ooo && seq_diff(h->ooo->seq, seq) < 0)
					skip_to_queue(s, c, dir);
				if (seq_diff(seq, h->next_seq) > 0) {
					declare_gap(s, c, dir);
					h->next_seq = seq;
				}
				uint32_t skip = (uint32_t)(h->next_seq - seq);
				if (skip < len) {
					h->next_seq += len - skip;
					deliver(s, c, dir, data + skip, len - skip, g->frame,
						g->sec, g->nsec,
						g->data_off + (uint32_t)(data + skip - g->data),
						g->file_off == NO_OFF ? NO_OFF
								      : g->file_off + (uint64_t)(data + skip - g->data));
				}
				drain(s, c, dir);
			} else if (h->ooo_bytes > s->t->opts.max_pending ||
				   h->ooo_count > MAX_OOO_SEGS) {
				skip_to_queue(s, c, dir);
			}
		}
	}
	if (g->flags & TCP_FIN) {
		c->closed = 1;
		h->fin = 1;
	}
}

void tcp_finish(struct tcp_state *s)
{
	for (size_t i = 0; i < s->nall; i++) {
		struct conn *c = s->all[i];
		for (int dir = 0; dir < 2; dir++) {
			while (c->h[dir].ooo)
				skip_to_queue(s, c, dir);
			if (c->h[dir].plen)
				declare_gap(s, c, dir);
			half_free(s, &c->h[dir]);
		}
		free(c);
	}
	free(s->all);
	free(s->scratch);
	hmap_free(&s->conns);
	free(s);
}

/* ---- NetBIOS datagrams (UDP 138) ---- */

/* Skips an encoded NetBIOS name (labels up to a zero byte); false when it
 * runs past the end. */
static int skip_nb_name(const uint8_t *p, uint32_t n, uint32_t *off)
{
	for (int labels = 0; labels < 64; labels++) {
		if (*off >= n)
			return 0;
		uint8_t l = p[*off];
		(*off)++;
		if (l == 0)
			return 1;
		if (l > n - *off)
			return 0;
		*off += l;
	}
	return 0;
}

void udp_datagram(struct trace *t, const struct tcp_seg *g)
{
	const uint8_t *p = g->data;
	uint32_t n = g->len, off = 14;

	if (g->sport != 138 && g->dport != 138)
		return;
	if (n < 14 + 4 || p[0] < 0x10 || p[0] > 0x12)
		return;
	if (!skip_nb_name(p, n, &off) || !skip_nb_name(p, n, &off))
		return;
	if (n - off < 4 || !smb_magic(p + off))
		return;

	struct conn tmp;
	char src[80], dst[80];
	memset(&tmp, 0, sizeof(tmp));
	tmp.v6 = g->v6;
	memcpy(tmp.addr[0], g->src, 16);
	memcpy(tmp.addr[1], g->dst, 16);
	tmp.port[0] = g->sport;
	tmp.port[1] = g->dport;
	fmt_endpoint(src, sizeof(src), &tmp, 0);
	fmt_endpoint(dst, sizeof(dst), &tmp, 1);

	struct pdu pdu;
	if (t->fd >= 0 && g->file_off != NO_OFF) {
		pdu.data = NULL;
		pdu.src = g->file_off;
		pdu.flags = PDU_DGRAM | PDU_FILE;
	} else {
		uint8_t *copy = arena_alloc(&t->a, n ? n : 1);
		memcpy(copy, p, n);
		pdu.data = copy;
		pdu.src = 0;
		pdu.flags = PDU_DGRAM;
	}
	pdu.len = pdu.wire_len = n;
	pdu.frame_off = (int32_t)g->data_off;
	pdu.frame = g->frame;
	pdu.stream = trace_udp_index(t, hmap_mix(tuple_hash(g), 17), src, dst,
				     g->frame);
	pdu.to_server = 1;
	pdu.port139 = 0;
	trace_add_pdu(t, &pdu, p, g->sec, g->nsec);
}
