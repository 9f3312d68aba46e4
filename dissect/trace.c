/*
 * trace.c - the trace index: frames, PDUs, streams and their side tables.
 * Reading PDU bytes and dissecting frames back is trace_dissect.c; see
 * dissect.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "smb2.h"
#include "smb_keystate.h"
#include "tcp.h"
#include "trace.h"
#include "wirestr.h"

void smb2_index(struct trace *t, const struct pdu *p);
void smb1_index(struct trace *t, const struct pdu *p);

/* Grows arr to hold need elements (doubling, from 4 KiB worth); zero:
 * clear the new ones (the big arrays are written whole: clearing them only
 * costs faults). A small capture's process pays a page fault for every
 * 4 KiB first written: 256 TCP streams (36 KiB) were 9 of them. */
static void *grow(void *arr, size_t *cap, size_t need, size_t elem, bool zero)
{
	if (need <= *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : elem < 4096 ? 4096 / elem : 1;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(arr, ncap * elem);
	if (!p) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	if (zero)
		memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
	*cap = ncap;
	return p;
}

#define PREFAULT (64u * 1024)

/*
 * Makes the pages of arr (cap_bytes long) resident up to byte need, a
 * PREFAULT step at a time with one system call, instead of a page fault
 * per 4 KiB as the index arrays fill (the faults were a fifth of the index
 * pass on a virtual machine). *ready: bytes done so far (kept across
 * reallocations: pages moved by mremap stay, a copy's are written). At
 * most PREFAULT bytes resident ahead of use; errors leave the faults.
 */
static void prefault(void *arr, size_t need, size_t cap_bytes, size_t *ready)
{
#ifdef MADV_POPULATE_WRITE
	if (need <= *ready)
		return;
	const uintptr_t pg = 4096, b = (uintptr_t)arr;
	size_t want = *ready + PREFAULT;
	if (want < need)
		want = need;
	if (want > cap_bytes)
		want = cap_bytes;
	uintptr_t lo = (b + *ready + pg - 1) & ~(pg - 1), hi = (b + want) & ~(pg - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
	*ready = want;
#else
	(void)arr, (void)need, (void)cap_bytes, (void)ready;
#endif
}

struct stream_rec *trace_stream_at(struct trace *t, uint32_t i)
{
	t->streams = grow(t->streams, &t->capstreams, (size_t)i + 1,
			  sizeof(*t->streams), true);
	if (i >= t->nstreams)
		t->nstreams = (size_t)i + 1;
	return &t->streams[i];
}

uint64_t trace_add_pieces(struct trace *t, const struct piece *p, size_t n)
{
	size_t first = t->npieces;

	t->pieces = grow(t->pieces, &t->cappieces, first + n, sizeof(*p), false);
	memcpy(t->pieces + first, p, n * sizeof(*p));
	t->npieces = first + n;
	return first;
}

/* ---- payloads the native engine leaves to tshark (src/tshark/graft.c) ---- */

#define FOREIGN_SCAN 4096 /* bytes of each PDU looked at */

/* A DCE/RPC connection-oriented header: version 5.0, a known packet type,
 * little-endian NDR data representation, a plausible fragment length. */
static int has_dcerpc(const uint8_t *p, size_t n)
{
	if (n < 16)
		return 0;
	const uint8_t *end = p + (n - 15); /* a header needs 16 bytes */
	for (const uint8_t *q = p; q < end && (q = memchr(q, 5, (size_t)(end - q))); q++)
		if (q[1] == 0 && q[2] <= 20 && q[4] == 0x10 && !q[5] && !q[6] && !q[7] &&
		    (q[8] | q[9] << 8) >= 16)
			return 1;
	return 0;
}

/* A Kerberos GSS token: KRB5 OID, TOK_ID 01 00/02 00/03 00, APPLICATION
 * 14 (AP-REQ), 15 (AP-REP) or 30 (KRB-ERROR). */
static int has_krb5_token(const uint8_t *p, size_t n)
{
	static const uint8_t oid[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
	const size_t need = sizeof(oid) + 3;

	if (n < need)
		return 0;
	/* memchr for the first byte: memmem's set-up costs more than the
	 * search on the short PDUs that most are */
	const uint8_t *end = p + (n - need + 1); /* a match needs need bytes */
	for (const uint8_t *q = p; q < end && (q = memchr(q, oid[0], (size_t)(end - q))); q++) {
		if (memcmp(q + 1, oid + 1, sizeof(oid) - 1))
			continue;
		const uint8_t *k = q + sizeof(oid);
		if (k[0] >= 1 && k[0] <= 3 && k[1] == 0 &&
		    (k[2] == 0x6e || k[2] == 0x6f || k[2] == 0x7e))
			return 1;
	}
	return 0;
}

unsigned trace_foreign(const struct trace *t)
{
	return t->foreign;
}

struct far_time {
	int64_t sec;
	uint32_t nsec;
};

static uint64_t far_key(size_t frame_index)
{
	return hmap_mix(0x46415254, frame_index);
}

static uint64_t own_key(size_t pdu_index)
{
	return hmap_mix(0x4f574e53, pdu_index);
}

static uint64_t wire_key(size_t pdu_index)
{
	return hmap_mix(0x57495245, pdu_index);
}

static uint64_t src_key(size_t pdu_index)
{
	return hmap_mix(0x53524346, pdu_index);
}

static uint64_t off_key(size_t pdu_index)
{
	return hmap_mix(0x4f464653, pdu_index);
}

static uint64_t pair_key(size_t pdu_index)
{
	return hmap_mix(0x50414952, pdu_index);
}

/* Record i's frame_off. */
static int32_t pk_frame_off(const struct trace *t, const struct pdu_pk *q, size_t i)
{
	if (q->off != OFF_FAR)
		return (int32_t)q->off - 1;
	return (int32_t)((intptr_t)hmap_get(&t->own_streams, off_key(i)) - 1);
}

static void pk_set_frame_off(struct hmap *side, struct pdu_pk *q, size_t i, int32_t off)
{
	if (off >= -1 && off < OFF_FAR - 1) {
		q->off = (uint16_t)(off + 1);
	} else {
		q->off = OFF_FAR;
		hmap_put(side, off_key(i), (void *)((intptr_t)off + 1));
	}
}

static uint32_t pk_pair(const struct trace *t, const struct pdu_pk *q, size_t i)
{
	if (q->pair == PAIR_FAR)
		return (uint32_t)(uintptr_t)hmap_get(&t->own_streams, pair_key(i));
	return q->pair ? (uint32_t)((int64_t)i + q->pair + 1) : 0;
}

static void pk_set_pair(struct hmap *side, struct pdu_pk *q, size_t i, uint32_t pair)
{
	int64_t d = pair ? (int64_t)pair - 1 - (int64_t)i : 0;

	if (d > PAIR_FAR && d <= INT16_MAX) {
		q->pair = (int16_t)d;
	} else {
		q->pair = PAIR_FAR;
		hmap_put(side, pair_key(i), (void *)(uintptr_t)pair);
	}
}

/* Moves PDU record old's side values (PK_WIRE_LEN, PK_SRC_FAR) from t's
 * table to `to` as record i's (sort_frames). */
static void move_side(const struct trace *t, const struct pdu_pk *q, size_t old,
		      struct hmap *to, size_t i)
{
	if (q->flags & PK_WIRE_LEN)
		hmap_put(to, wire_key(i), hmap_get(&t->own_streams, wire_key(old)));
	if (q->flags & PK_SRC_FAR)
		hmap_put(to, src_key(i), hmap_get(&t->own_streams, src_key(old)));
	if (q->off == OFF_FAR)
		hmap_put(to, off_key(i), hmap_get(&t->own_streams, off_key(old)));
}

static uint64_t fstream_key(size_t frame_index)
{
	return hmap_mix(0x46535452, frame_index);
}

static uint64_t fcnt_key(size_t frame_index)
{
	return hmap_mix(0x46434e54, frame_index);
}

/* Stream of frame record f (index i). */
static uint32_t fk_stream(const struct trace *t, const struct frame_pk *f, size_t i)
{
	uint32_t s = f->stream_cnt >> 8;
	if (s != FSTREAM_FAR)
		return s;
	return (uint32_t)((uintptr_t)hmap_get(&t->far_secs, fstream_key(i)) - 1);
}

static void fk_set_stream(struct hmap *far, struct frame_pk *f, size_t i, uint32_t stream)
{
	uint32_t s = stream < FSTREAM_FAR ? stream : FSTREAM_FAR;
	f->stream_cnt = s << 8 | (f->stream_cnt & 0xff);
	if (s == FSTREAM_FAR)
		hmap_put(far, fstream_key(i), (void *)((uintptr_t)stream + 1));
}

/* PDUs of frame record f (index i). */
static uint32_t fk_npdus(const struct trace *t, const struct frame_pk *f, size_t i)
{
	uint32_t c = f->stream_cnt & 0xff;
	if (c != FCNT_FAR)
		return c + 1;
	return (uint32_t)(uintptr_t)hmap_get(&t->far_secs, fcnt_key(i));
}

static void fk_set_npdus(struct hmap *far, struct frame_pk *f, size_t i, uint32_t n)
{
	uint32_t c = n - 1 < FCNT_FAR ? n - 1 : FCNT_FAR;
	f->stream_cnt = (f->stream_cnt & ~0xffu) | c;
	if (c == FCNT_FAR)
		hmap_put(far, fcnt_key(i), (void *)(uintptr_t)n);
}

/* PDUs of frame record i. */
static uint32_t frame_npdus(const struct trace *t, size_t i)
{
	return fk_npdus(t, &t->frames[i], i);
}

/* PDUs of frame block b (records b * FBLOCK on). */
static size_t block_pdus(const struct trace *t, size_t b)
{
	return ((b + 1) * FBLOCK < t->nframes ? t->fbase[b + 1] : t->npdus) - t->fbase[b];
}

/* Frames of frame block b. */
static size_t block_frames(const struct trace *t, size_t b)
{
	return (b + 1) * FBLOCK < t->nframes ? FBLOCK : t->nframes - b * FBLOCK;
}

/* First PDU of frame record i. */
static uint32_t frame_first(const struct trace *t, size_t i)
{
	size_t k = i - i % FBLOCK, b = i / FBLOCK;
	uint32_t first = t->fbase[b];

	if (block_pdus(t, b) == block_frames(t, b)) /* one PDU each (most) */
		return first + (uint32_t)(i - k);
	for (; k < i; k++)
		first += frame_npdus(t, k);
	return first;
}

/* Records the block bases of t->frames from scratch. */
static void set_fbase(struct trace *t)
{
	uint32_t first = 0;

	t->fbase = grow(t->fbase, &t->capfbase, t->nframes / FBLOCK + 1, sizeof(*t->fbase),
			false);
	for (size_t i = 0; i < t->nframes; i++) {
		if (i % FBLOCK == 0)
			t->fbase[i / FBLOCK] = first;
		first += frame_npdus(t, i);
	}
}

/* Appends the record of the frame completing PDU p (the next PDU). */
static void add_frame(struct trace *t, const struct pdu *p, int64_t sec, uint32_t nsec)
{
	t->frames = grow(t->frames, &t->capframes, t->nframes + 1, sizeof(*t->frames), false);
	prefault(t->frames, (t->nframes + 1) * sizeof(*t->frames),
		 t->capframes * sizeof(*t->frames), &t->frames_ready);
	if (!t->nframes)
		t->sec_base = sec;
	else if (p->frame <= t->frames[t->nframes - 1].num)
		t->frames_unordered = true;
	if (t->nframes % FBLOCK == 0) {
		t->fbase = grow(t->fbase, &t->capfbase, t->nframes / FBLOCK + 1,
				sizeof(*t->fbase), false);
		t->fbase[t->nframes / FBLOCK] = (uint32_t)t->npdus;
	}
	struct frame_pk *f = &t->frames[t->nframes];
	f->num = p->frame;
	f->stream_cnt = 0; /* one PDU */
	fk_set_stream(&t->far_secs, f, t->nframes, p->stream);
	f->nsec_flags = (p->to_server ? FPK_TO_SERVER : 0) | (p->flags & PDU_DGRAM ? FPK_UDP : 0);
	int64_t d;
	if (!__builtin_sub_overflow(sec, t->sec_base, &d) && d > DSEC_FAR && d <= INT32_MAX &&
	    nsec <= FPK_NSEC) {
		f->dsec = (int32_t)d;
		f->nsec_flags |= nsec;
	} else { /* rare: a time far from the first frame's, or nsec >= 2^30 */
		struct far_time *v = arena_alloc(&t->a, sizeof(*v));
		v->sec = sec;
		v->nsec = nsec;
		f->dsec = DSEC_FAR;
		hmap_put(&t->far_secs, far_key(t->nframes), v);
	}
	t->nframes++;
}

void trace_add_pdu(struct trace *t, const struct pdu *p, const uint8_t *live,
		   int64_t sec, uint32_t nsec)
{
	t->pdus = grow(t->pdus, &t->cappdus, t->npdus + 1, sizeof(*t->pdus), false);
	prefault(t->pdus, (t->npdus + 1) * sizeof(*t->pdus), t->cappdus * sizeof(*t->pdus),
		 &t->pdus_ready);
	struct pdu_pk *q = &t->pdus[t->npdus];
	uint64_t src = p->flags & PDU_FILE ? p->src : (uint64_t)(uintptr_t)p->data;
	*q = (struct pdu_pk){
		.src_lo = (uint32_t)src, .src_hi = (uint16_t)(src >> 32),
		.len = p->len,
		.flags = (uint16_t)(p->flags | (p->to_server ? PK_TO_SERVER : 0) |
				    (p->port139 ? PK_PORT139 : 0)),
	};
	pk_set_frame_off(&t->own_streams, q, t->npdus, p->frame_off);
	if (p->wire_len != p->len) {
		q->flags |= PK_WIRE_LEN;
		hmap_put(&t->own_streams, wire_key(t->npdus),
			 (void *)((uintptr_t)p->wire_len + 1));
	}
	if (src >> 48) {
		q->flags |= PK_SRC_FAR;
		hmap_put(&t->own_streams, src_key(t->npdus), (void *)(uintptr_t)src);
	}
	if (!t->nframes || t->frames[t->nframes - 1].num != p->frame)
		add_frame(t, p, sec, nsec);
	else
		fk_set_npdus(&t->far_secs, &t->frames[t->nframes - 1], t->nframes - 1,
			     frame_npdus(t, t->nframes - 1) + 1);
	if (fk_stream(t, &t->frames[t->nframes - 1], t->nframes - 1) != p->stream) {
		q->flags |= PK_OWN_STREAM;
		hmap_put(&t->own_streams, own_key(t->npdus), (void *)((uintptr_t)p->stream + 1));
	}
	t->npdus++;
	const uint8_t *bytes = p->data ? p->data : live;
	/* A pipe's DCE/RPC header and a session setup's GSS token sit near
	 * the start of their message: a bulk READ's megabytes need no scan. */
	size_t scan = p->len < FOREIGN_SCAN ? p->len : FOREIGN_SCAN;
	if (!(t->foreign & TRACE_SAW_DCERPC) && has_dcerpc(bytes, scan))
		t->foreign |= TRACE_SAW_DCERPC;
	if (!(t->foreign & TRACE_SAW_KRB5) && has_krb5_token(bytes, scan))
		t->foreign |= TRACE_SAW_KRB5;
	if (p->flags & PDU_DGRAM)
		return;
	trace_stream_at(t, p->stream)->npdus++;
	if (!(p->flags & (PDU_CONT | PDU_INCOMPLETE))) {
		struct pdu lp = *p;
		lp.data = bytes; /* the stored copy if any */
		t->indexing = bytes;
		smb2_index(t, &lp);
		smb1_index(t, &lp);
	}
}

struct trace *trace_new(const char *path, const struct trace_opts *opts)
{
	struct trace *t = calloc(1, sizeof(*t));

	if (!t) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	arena_init(&t->a);
	t->fd = -1;
	pthread_mutex_init(&t->wlock, NULL);
	t->path = arena_strdup(&t->a, path ? path : "");
	if (opts)
		t->opts = *opts;
	if (!t->opts.max_pdu)
		t->opts.max_pdu = 16u * 1024 * 1024 + 4;
	if (!t->opts.max_pending)
		t->opts.max_pending = 8u * 1024 * 1024;
	if (!t->opts.max_nodes)
		t->opts.max_nodes = 200000;
	if (!t->opts.max_memory)
		t->opts.max_memory = TRACE_MAX_MEMORY;
	if (!t->opts.max_reasm)
		t->opts.max_reasm = t->opts.max_memory / 4;
	hmap_init(&t->smb2_msgs);
	hmap_init(&t->smb1_msgs);
	hmap_init(&t->smb1_fids);
	hmap_init(&t->far_secs);
	hmap_init(&t->own_streams);
	hmap_init(&t->smb2_side);
	hmap_init(&t->names);
	arena_init(&t->scratch);
	t->ks = ks_new();
	t->tcp = tcp_new(t);
	return t;
}

struct frame_order {
	uint32_t num, idx;
};

static int cmp_order(const void *a, const void *b)
{
	const struct frame_order *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Puts the frame list in frame order. Reassembly hands PDUs over in the
 * order it completes them: segments queued behind a hole come out when the
 * hole is declared a gap (later, or at the end), and a PDU cut by the gap
 * is flushed on the frame of its last byte, which may already have a
 * record. Frames are sorted by number (stable) and records of one number
 * merged, the PDU array rewritten so that each frame's PDUs stay
 * contiguous (in the order they were completed). Nothing else holds a
 * frame or PDU index while indexing.
 */
static void sort_frames(struct trace *t)
{
	size_t n = t->nframes, i;

	if (!t->frames_unordered)
		return;
	t->frames_unordered = false;
	struct frame_order *ord = malloc(n * sizeof(*ord));
	struct frame_pk *nf = malloc(n * sizeof(*nf));
	struct pdu_pk *np = malloc((t->npdus ? t->npdus : 1) * sizeof(*np));
	uint32_t *to = malloc((t->npdus ? t->npdus : 1) * sizeof(*to)); /* old -> new PDU */
	uint32_t *first = malloc(n * sizeof(*first)); /* old records' first PDU */
	if (!ord || !nf || !np || !to || !first) {
		fprintf(stderr, "smbcmp: out of memory\n");
		abort();
	}
	for (i = 0; i < n; i++) {
		ord[i] = (struct frame_order){ t->frames[i].num, (uint32_t)i };
		first[i] = i ? first[i - 1] + frame_npdus(t, i - 1) : 0;
	}
	qsort(ord, n, sizeof(*ord), cmp_order);
	struct hmap far, own;
	hmap_init(&far);
	hmap_init(&own);
	size_t nn = 0, npd = 0;
	for (i = 0; i < n; i++) {
		const struct frame_pk *f = &t->frames[ord[i].idx];
		uint32_t npdus = frame_npdus(t, ord[i].idx), f0 = first[ord[i].idx];
		uint32_t fstream = fk_stream(t, f, ord[i].idx);
		if (!nn || nf[nn - 1].num != f->num) {
			nf[nn] = *f;
			nf[nn].stream_cnt = 0;
			fk_set_stream(&far, &nf[nn], nn, fstream);
			fk_set_npdus(&far, &nf[nn], nn, npdus);
			if (f->dsec == DSEC_FAR)
				hmap_put(&far, far_key(nn), hmap_get(&t->far_secs, far_key(ord[i].idx)));
			nn++;
		} else { /* merged: its PDUs added */
			fk_set_npdus(&far, &nf[nn - 1], nn - 1,
				     fk_npdus(t, &nf[nn - 1], nn - 1) + npdus);
		}
		uint32_t nstream = fk_stream(t, &nf[nn - 1], nn - 1);
		memcpy(np + npd, t->pdus + f0, npdus * sizeof(*np));
		for (uint32_t k = 0; k < npdus; k++) { /* records merged: streams kept */
			struct pdu_pk *q = &np[npd + k];
			to[f0 + k] = (uint32_t)(npd + k);
			uint32_t stream = fstream;
			if (q->flags & PK_OWN_STREAM)
				stream = (uint32_t)((uintptr_t)hmap_get(&t->own_streams,
									  own_key(f0 + k)) - 1);
			move_side(t, q, f0 + k, &own, npd + k);
			q->flags &= (uint16_t)~PK_OWN_STREAM;
			if (stream != nstream) {
				q->flags |= PK_OWN_STREAM;
				hmap_put(&own, own_key(npd + k), (void *)((uintptr_t)stream + 1));
			}
		}
		npd += npdus;
	}
	/* pairs point at PDUs by index: both ends renumbered */
	for (i = 0; i < t->npdus; i++) {
		uint32_t pair = pk_pair(t, &t->pdus[i], i);
		pk_set_pair(&own, &np[to[i]], to[i], pair ? to[pair - 1] + 1 : 0);
	}
	free(to);
	free(first);
	free(ord);
	free(t->frames);
	free(t->pdus);
	hmap_free(&t->far_secs);
	t->far_secs = far;
	hmap_free(&t->own_streams);
	t->own_streams = own;
	t->frames = nf;
	t->nframes = nn;
	t->capframes = n;
	t->pdus = np;
	t->cappdus = t->npdus ? t->npdus : 1;
	t->pdus_ready = t->cappdus * sizeof(*np);
	t->frames_ready = n * sizeof(*nf);
	set_fbase(t);
}

void trace_finish(struct trace *t)
{
	if (t->tcp) {
		tcp_finish(t->tcp);
		t->tcp = NULL;
		sort_frames(t);
		smb2_index_finish(t);
	}
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	trace_reader_close(t);
	trace_finish(t);
	hmap_free(&t->far_secs);
	hmap_free(&t->own_streams);
	hmap_free(&t->smb2_msgs);
	hmap_free(&t->smb2_side);
	hmap_free(&t->names);
	arena_free(&t->scratch);
	smb2_reqs_free(&t->smb2_reqs);
	hmap_free(&t->smb1_msgs);
	hmap_free(&t->smb1_fids);
	ks_free(t->ks);
	hmap_free(&t->udp_ids);
	free(t->ustreams);
	free(t->frames);
	free(t->fbase);
	free(t->pdus);
	free(t->streams);
	free(t->pieces);
	if (t->fd >= 0)
		close(t->fd);
	for (int k = 0; k < TRACE_WINDOWS; k++)
		free(t->win[k].buf);
	pthread_mutex_destroy(&t->wlock);
	arena_free(&t->a);
	free(t);
}

const char *trace_path(const struct trace *t) { return t->path; }
const char *trace_warning(const struct trace *t) { return t->warning[0] ? t->warning : NULL; }
const char *trace_note(const struct trace *t) { return t->note[0] ? t->note : NULL; }
const struct trace_crypt *trace_crypt(const struct trace *t) { return &t->crypt; }
bool trace_trees_cut(const struct trace *t) { return __atomic_load_n(&t->trees_cut, __ATOMIC_RELAXED); }

void trace_limit(struct trace *t, enum trace_limit which)
{
	char clause[200];
	size_t mb = t->opts.max_memory >> 20;

	if (t->limits_hit & which)
		return;
	t->limits_hit |= which;
	switch (which) {
	case LIMIT_REASM:
		snprintf(clause, sizeof(clause), "reassembly limit (%zu MB buffered) "
			 "reached at frame %u: PDUs cut short", t->opts.max_reasm >> 20,
			 t->total_frames);
		break;
	case LIMIT_STORE:
		snprintf(clause, sizeof(clause), "from frame %u on PDUs are kept as "
			 "their first %u bytes (3/4 of the %zu MB memory limit)",
			 t->total_frames, TRACE_PREFIX_KEEP, mb);
		break;
	case LIMIT_MEMORY:
		snprintf(clause, sizeof(clause), "memory limit (%zu MB) reached at "
			 "frame %u: the rest of the capture is not indexed", mb,
			 t->total_frames);
		break;
	}
	size_t used = strlen(t->note);
	snprintf(t->note + used, sizeof(t->note) - used, "%s%s", used ? "; " : "",
		 clause);
}

size_t trace_mem(const struct trace *t)
{
	/* The arrays count by their used length: realloc() reserves their
	 * capacity, but pages not yet written are not resident. */
	return t->a.held + t->nframes * sizeof(*t->frames) +
	       (t->nframes / FBLOCK + 1) * sizeof(*t->fbase) +
	       t->npdus * sizeof(*t->pdus) + t->nstreams * sizeof(*t->streams) +
	       t->npieces * sizeof(*t->pieces) +
	       t->nustreams * sizeof(*t->ustreams) +
	       (t->smb2_msgs.cap + t->smb1_msgs.cap + t->smb1_fids.cap + t->udp_ids.cap +
		t->far_secs.cap + t->own_streams.cap + t->smb2_side.cap + t->names.cap) *
		       (sizeof(uint64_t) + sizeof(void *)) +
	       smb2_reqs_mem(&t->smb2_reqs) + (t->tcp ? tcp_mem(t->tcp) : 0);
}
size_t trace_nframes(const struct trace *t) { return t->nframes; }
struct frame_rec trace_frame(const struct trace *t, size_t i)
{
	const struct frame_pk *f = &t->frames[i];
	struct frame_rec r = {
		.num = f->num, .stream = fk_stream(t, f, i), .first_pdu = frame_first(t, i),
		.npdus = frame_npdus(t, i),
		.to_server = (f->nsec_flags & FPK_TO_SERVER) != 0,
		.udp = (f->nsec_flags & FPK_UDP) != 0,
	};
	if (f->dsec != DSEC_FAR) {
		r.sec = t->sec_base + f->dsec;
		r.nsec = f->nsec_flags & FPK_NSEC;
	} else {
		const struct far_time *v = hmap_get(&t->far_secs, far_key(i));
		r.sec = v->sec;
		r.nsec = v->nsec;
	}
	return r;
}

bool trace_frame_by_num(const struct trace *t, uint32_t num, struct frame_rec *out)
{
	size_t lo = 0, hi = t->nframes;

	while (lo < hi) { /* frames are indexed in capture order */
		size_t mid = lo + (hi - lo) / 2;
		if (t->frames[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= t->nframes || t->frames[lo].num != num)
		return false;
	*out = trace_frame(t, lo);
	return true;
}
size_t trace_npdus(const struct trace *t) { return t->npdus; }
const char *trace_intern_utf16(struct trace *t, const uint8_t *p, size_t n)
{
	const char *s = str_utf16le(&t->scratch, p, n), *r;
	size_t len = strlen(s);
	uint64_t key = hmap_mix(hmap_bytes(0x4e414d45, s, len), len);
	const char *e = hmap_get(&t->names, key);

	if (e && !strcmp(e, s)) {
		r = e;
	} else {
		r = arena_strndup(&t->a, s, len);
		if (!e)
			hmap_put(&t->names, key, (void *)r);
	}
	arena_reset(&t->scratch);
	return r;
}

uint32_t trace_pdu_pair(const struct trace *t, size_t i)
{
	return pk_pair(t, &t->pdus[i], i);
}

void trace_set_pair(struct trace *t, size_t i, uint32_t pair)
{
	pk_set_pair(&t->own_streams, &t->pdus[i], i, pair);
}

/* Index of the frame record holding PDU i. */
static size_t pdu_frame(const struct trace *t, size_t i)
{
	size_t lo = 0, hi = (t->nframes + FBLOCK - 1) / FBLOCK;

	while (hi - lo > 1) { /* the last block starting at or before PDU i */
		size_t mid = lo + (hi - lo) / 2;
		if (t->fbase[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	size_t k = lo * FBLOCK, end = k + FBLOCK < t->nframes ? k + FBLOCK : t->nframes;
	uint32_t first = t->nframes ? t->fbase[lo] : 0;
	if (t->nframes && block_pdus(t, lo) == block_frames(t, lo))
		return k + (i - first); /* one PDU each (most) */
	for (; k + 1 < end; k++) { /* then its last record starting at or before i */
		uint32_t n = frame_npdus(t, k);
		if (first + n > i)
			break;
		first += n;
	}
	return k;
}

uint32_t trace_pdu_frame_num(const struct trace *t, size_t i)
{
	return t->frames[pdu_frame(t, i)].num;
}
/* Record i's src (address or file offset). */
static uint64_t pk_src(const struct trace *t, const struct pdu_pk *q, size_t i)
{
	if (q->flags & PK_SRC_FAR)
		return (uint64_t)(uintptr_t)hmap_get(&t->own_streams, src_key(i));
	return (uint64_t)q->src_hi << 32 | q->src_lo;
}

/* PDU i, held by frame record f. */
static struct pdu pdu_decode(const struct trace *t, size_t i, size_t fi)
{
	const struct frame_pk *f = &t->frames[fi];
	const struct pdu_pk *q = &t->pdus[i];
	bool file = q->flags & PDU_FILE;
	uint32_t stream = fk_stream(t, f, fi);
	if (q->flags & PK_OWN_STREAM)
		stream = (uint32_t)((uintptr_t)hmap_get(&t->own_streams, own_key(i)) - 1);
	uint64_t src = pk_src(t, q, i);
	uint32_t wire_len = q->len;
	if (q->flags & PK_WIRE_LEN)
		wire_len = (uint32_t)((uintptr_t)hmap_get(&t->own_streams, wire_key(i)) - 1);
	return (struct pdu){
		.data = file ? NULL : (const uint8_t *)(uintptr_t)src,
		.src = file ? src : 0, .len = q->len, .wire_len = wire_len,
		.frame_off = pk_frame_off(t, q, i), .frame = f->num, .stream = stream,
		.flags = (uint16_t)(q->flags & 0xff), .to_server = (q->flags & PK_TO_SERVER) != 0,
		.port139 = (q->flags & PK_PORT139) != 0,
	};
}

uint32_t trace_pdu_len(const struct trace *t, size_t i)
{
	return t->pdus[i].len;
}

struct pdu trace_pdu(const struct trace *t, size_t i)
{
	return pdu_decode(t, i, pdu_frame(t, i));
}

struct pdu trace_pdu_at(const struct trace *t, size_t i, size_t fi)
{
	return pdu_decode(t, i, fi);
}

uint64_t trace_pdu_src(const struct trace *t, size_t i)
{
	return pk_src(t, &t->pdus[i], i);
}

size_t trace_nstreams(const struct trace *t) { return t->nstreams; }
const struct stream_rec *trace_stream(const struct trace *t, size_t i) { return &t->streams[i]; }
const struct stream_rec *trace_udp_stream(const struct trace *t, size_t i) { return &t->ustreams[i]; }

const struct stream_rec *trace_frame_stream(const struct trace *t,
					    const struct frame_rec *f)
{
	return f->udp ? &t->ustreams[f->stream] : &t->streams[f->stream];
}

uint32_t trace_udp_index(struct trace *t, uint64_t hash, const char *src,
			 const char *dst, uint32_t frame)
{
	uintptr_t v = (uintptr_t)hmap_get(&t->udp_ids, hash);

	if (v)
		return (uint32_t)(v - 1);
	t->ustreams = grow(t->ustreams, &t->capustreams, t->nustreams + 1,
			   sizeof(*t->ustreams), true);
	struct stream_rec *r = &t->ustreams[t->nustreams];
	snprintf(r->client, sizeof(r->client), "%s", src);
	snprintf(r->server, sizeof(r->server), "%s", dst);
	r->first_frame = frame;
	hmap_put(&t->udp_ids, hash, (void *)(uintptr_t)(t->nustreams + 1));
	return (uint32_t)t->nustreams++;
}

uint32_t trace_total_frames(const struct trace *t) { return t->total_frames; }
