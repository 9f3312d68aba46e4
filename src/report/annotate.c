/*
 * annotate.c - --annotate: the compared captures as pcapng with a comment
 * on each frame of a differing operation; see annotate.h.
 *
 * A pcapng input is copied block by block (sections, interfaces and
 * packets as they are), each enhanced packet block of a frame with notes
 * getting opt_comment options. A pcap input is read with libpcap packet
 * by packet, and a small pcapng writer (libpcap cannot write comments)
 * puts out
 *
 *   SHB                            section header, byte order of the host
 *   IDB  link type, snaplen        the input's (read from its file header,
 *        if_tsresol 9              where libpcap maps them); nanoseconds
 *                                  unless the input is a microsecond pcap
 *   EPB  per packet                its bytes, captured and original length
 *        opt_comment...            and time as read, one comment per
 *                                  differing operation of the frame
 *
 * Memory: the comments of the differing operations (each at most
 * COMMENT_MAX bytes) and one packet at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "annotate.h"
#include "pcapfile.h"
#include "xalloc.h"

#define COMMENT_MAX 800u /* bytes of one comment */
#define COMMENT_FIELDS 8 /* differing fields named in one */

struct note {
	uint32_t frame; /* 1-based frame number */
	uint32_t entry;
	const char *text;
};

struct notes {
	struct note *v;
	size_t n, cap;
};

static void note_add(struct notes *ns, uint32_t frame, size_t entry, const char *text)
{
	if (!frame)
		return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 64;
		ns->v = xrealloc(ns->v, ns->cap * sizeof(*ns->v));
	}
	ns->v[ns->n++] = (struct note){ frame, (uint32_t)entry, text };
}

static int cmp_note(const void *x, const void *y)
{
	const struct note *a = x, *b = y;
	if (a->frame != b->frame)
		return a->frame < b->frame ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* One comment being written: at most COMMENT_MAX bytes and "..." */
struct comment {
	char buf[COMMENT_MAX + 8];
	size_t n;  /* bytes used */
	bool full; /* cut with "...": what follows is dropped */
};

/* Appends s to c as valid UTF-8 without control characters, stopping at
 * COMMENT_MAX with "..." (once: the appends after it add nothing). */
static void put(struct comment *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (c->full)
		return;
	while (*p && c->n + 8 < COMMENT_MAX) {
		size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
			   : (*p & 0xf8) == 0xf0 ? 4 : 0;
		size_t k = 1;
		while (k < len && (p[k] & 0xc0) == 0x80)
			k++;
		if (len == 0 || k < len) {
			c->buf[c->n++] = '?';
			p++;
			continue;
		}
		if (len == 1 && (*p < 0x20 || *p == 0x7f))
			c->buf[c->n++] = ' ';
		else
			for (size_t j = 0; j < len; j++)
				c->buf[c->n++] = (char)p[j];
		p += len;
	}
	if (*p) {
		memcpy(c->buf + c->n, "...", 3);
		c->n += 3;
		c->full = true;
	}
	c->buf[c->n] = 0;
}

static const char *status_text(enum fstatus s)
{
	switch (s) {
	case FS_ONLY_A: return "only in A";
	case FS_ONLY_B: return "only in B";
	default: return fstatus_name(s);
	}
}

/* The comment of differing entry i, in arena a. */
static const char *entry_comment(struct diff *d, const struct findings *F, size_t i,
				 const char *fmsg, struct arena *a)
{
	struct comment c = { .n = 0 };
	char head[64];
	struct ddetail det;
	const struct dentry *e = &d->e[i];

	snprintf(head, sizeof(head), "smbcmp #%zu %s: ", i, status_text(F->status[i]));
	put(&c, head);
	if (e->status == DS_CHANGED) {
		diff_detail(d, i, DIFF_MAX_FIELDS, a, &det);
		for (size_t k = 0; k < det.nf && k < COMMENT_FIELDS; k++) {
			const struct dfield *f = &det.f[k];
			char *one = arena_printf(a, "%s%s A %s B %s", k ? "; " : "", f->name,
						 f->a ? f->a : "(absent)", f->b ? f->b : "(absent)");
			put(&c, one);
		}
		size_t more = det.more + (det.nf > COMMENT_FIELDS ? det.nf - COMMENT_FIELDS : 0);
		if (more)
			put(&c, arena_printf(a, "; %zu more field%s", more, more > 1 ? "s" : ""));
	} else {
		int side = e->status == DS_ONLY_B;
		diff_summary(d, i, a, &det);
		put(&c, det.key[side] ? det.key[side] : det.req_sum[side]);
	}
	if (fmsg) {
		put(&c, "; finding: ");
		put(&c, fmsg);
	}
	return arena_strdup(a, c.buf);
}

/* The findings' messages per entry ("; " between them). */
static const char **finding_msgs(const struct findings *F, size_t n, struct arena *a)
{
	const char **m = xcalloc(n ? n : 1, sizeof(*m));
	for (size_t k = 0; k < F->n; k++) {
		const struct finding *x = F->v[k];
		for (size_t j = 0; j < x->nops; j++) {
			size_t i = x->ops[j];
			if (i >= n || (m[i] && strlen(m[i]) > COMMENT_MAX))
				continue;
			m[i] = m[i] ? arena_printf(a, "%s; %s", m[i], x->msg) : x->msg;
		}
	}
	return m;
}

static void collect(struct diff *d, const struct findings *F, struct arena *a,
		    struct notes ns[2])
{
	const char **fm = finding_msgs(F, d->n, a);
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		if (e->status != DS_CHANGED && e->status != DS_ONLY_A && e->status != DS_ONLY_B)
			continue;
		const char *text = entry_comment(d, F, i, fm[i], a);
		for (int s = 0; s < 2; s++) {
			if (e->op[s] == OP_NONE)
				continue;
			const struct op *o = &d->s[s].ops[e->op[s]];
			uint32_t fr[3] = { o->req_frame, o->ninterim ? o->interim_frame : OP_NONE,
					   o->rsp_frame };
			for (int k = 0; k < 3; k++)
				if (fr[k] != OP_NONE && (k == 0 || fr[k] != fr[k - 1]))
					note_add(&ns[s], ops_frame_num(&d->s[s], fr[k]), i, text);
		}
	}
	free(fm);
	for (int s = 0; s < 2; s++)
		if (ns[s].n)
			qsort(ns[s].v, ns[s].n, sizeof(*ns[s].v), cmp_note);
}

/* ---- pcapng ---- */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* The input's link type and whether its times are microseconds, from
 * its file header (libpcap gives DLT_ values, pcapng wants LINKTYPE_);
 * *ng set for a pcapng file. */
static void sniff(const char *path, uint32_t *linktype, bool *usec, bool *ng)
{
	uint8_t h[28];
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	size_t got = fread(h, 1, sizeof(h), f);
	if (got >= 24) {
		uint32_t m = rd32(h, false);
		if (m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u) {
			bool swap = m == 0xd4c3b2a1u || m == 0x4d3cb2a1u;
			*usec = m == 0xa1b2c3d4u || m == 0xd4c3b2a1u;
			*linktype = rd32(h + 20, swap) & 0xffff;
		} else if (m == 0x0a0d0d0au && got >= 12) {
			*ng = true;
			bool swap = rd32(h + 8, false) != 0x1a2b3c4du;
			uint32_t shb = rd32(h + 4, swap);
			uint8_t idb[12];
			if (shb >= 28 && shb < (1u << 24) && fseek(f, (long)shb, SEEK_SET) == 0 &&
			    fread(idb, 1, sizeof(idb), f) == sizeof(idb) && rd32(idb, swap) == 1) {
				uint16_t lt;
				memcpy(&lt, idb + 8, 2);
				*linktype = swap ? __builtin_bswap16(lt) : lt;
			}
		}
	}
	fclose(f);
}

static int write_head(FILE *o, uint32_t linktype, uint32_t snaplen, bool usec)
{
	uint8_t b[40];
	put32(b, 0x0a0d0d0au);
	put32(b + 4, 28);
	put32(b + 8, 0x1a2b3c4du);
	put16(b + 12, 1);
	put16(b + 14, 0);
	memset(b + 16, 0xff, 8); /* section length unknown */
	put32(b + 24, 28);
	if (fwrite(b, 1, 28, o) != 28)
		return -1;
	uint32_t len = usec ? 20 : 32;
	put32(b, 1);
	put32(b + 4, len);
	put16(b + 8, (uint16_t)linktype);
	put16(b + 10, 0);
	put32(b + 12, snaplen);
	size_t k = 16;
	if (!usec) { /* if_tsresol = 9 */
		put16(b + k, 9);
		put16(b + k + 2, 1);
		memset(b + k + 4, 0, 4);
		b[k + 4] = 9;
		put32(b + k + 8, 0); /* opt_endofopt */
		k += 12;
	}
	put32(b + k, len);
	return fwrite(b, 1, len, o) == len ? 0 : -1;
}

static int write_epb(FILE *o, const struct pcap_pkthdr *h, const uint8_t *data, bool usec,
		     const struct note *c, size_t nc)
{
	static const uint8_t zero[4];
	uint32_t pad = (4 - (h->caplen & 3)) & 3, optlen = 0;
	for (size_t k = 0; k < nc; k++) {
		uint32_t l = (uint32_t)strlen(c[k].text);
		optlen += 4 + l + ((4 - (l & 3)) & 3);
	}
	if (nc)
		optlen += 4;
	uint32_t len = 32 + h->caplen + pad + optlen;
	uint64_t ts = (uint64_t)h->ts.tv_sec * (usec ? 1000000u : 1000000000u) +
		      (uint64_t)h->ts.tv_usec; /* tv_usec holds ns when opened nano */
	uint8_t b[28];
	put32(b, 6);
	put32(b + 4, len);
	put32(b + 8, 0);
	put32(b + 12, (uint32_t)(ts >> 32));
	put32(b + 16, (uint32_t)ts);
	put32(b + 20, h->caplen);
	put32(b + 24, h->len);
	if (fwrite(b, 1, 28, o) != 28 || fwrite(data, 1, h->caplen, o) != h->caplen ||
	    fwrite(zero, 1, pad, o) != pad)
		return -1;
	for (size_t k = 0; k < nc; k++) {
		uint32_t l = (uint32_t)strlen(c[k].text), p = (4 - (l & 3)) & 3;
		put16(b, 1);
		put16(b + 2, (uint16_t)l);
		if (fwrite(b, 1, 4, o) != 4 || fwrite(c[k].text, 1, l, o) != l ||
		    fwrite(zero, 1, p, o) != p)
			return -1;
	}
	if (nc) {
		put32(b, 0);
		if (fwrite(b, 1, 4, o) != 4)
			return -1;
	}
	put32(b, len);
	return fwrite(b, 1, 4, o) == 4 ? 0 : -1;
}

/* ---- pcapng input: its blocks copied, comments added to its EPBs ---- */

#define BLOCK_MAX (64u << 20) /* larger blocks end the copy (libpcap's limit is 16 MiB) */

static void wr32(uint8_t *p, uint32_t v, bool swap)
{
	v = swap ? __builtin_bswap32(v) : v;
	memcpy(p, &v, 4);
}

static uint32_t pad4(uint32_t n)
{
	return (n + 3) & ~3u;
}

/*
 * Writes EPB block b (len bytes, the section's byte order) with the
 * comments c[0..nc) added before its end of options. A block whose
 * layout does not hold is written as it is.
 */
static int write_epb_ng(FILE *o, uint8_t *b, uint32_t len, bool swap, const struct note *c,
			size_t nc)
{
	uint32_t caplen = rd32(b + 20, swap), end = len - 4, p;
	if (len < 32 || caplen > len - 32 || pad4(caplen) > len - 32 || !nc)
		return fwrite(b, 1, len, o) == len ? 0 : -1;
	p = 28 + pad4(caplen);
	while (p + 4 <= end) { /* the existing options, up to opt_endofopt */
		uint16_t code, olen;
		memcpy(&code, b + p, 2);
		memcpy(&olen, b + p + 2, 2);
		if (swap)
			code = __builtin_bswap16(code), olen = __builtin_bswap16(olen);
		if (code == 0 || pad4(olen) > end - p - 4)
			break;
		p += 4 + pad4(olen);
	}
	if (p > end)
		return fwrite(b, 1, len, o) == len ? 0 : -1;
	uint32_t add = 4; /* opt_endofopt */
	for (size_t k = 0; k < nc; k++)
		add += 4 + pad4((uint32_t)strlen(c[k].text));
	uint32_t nlen = p + add + 4;
	uint8_t t[4];
	wr32(b + 4, nlen, swap);
	if (fwrite(b, 1, p, o) != p)
		return -1;
	for (size_t k = 0; k < nc; k++) {
		static const uint8_t zero[4];
		uint16_t l = (uint16_t)strlen(c[k].text), code = 1;
		if (swap)
			code = __builtin_bswap16(code), l = __builtin_bswap16(l);
		memcpy(t, &code, 2);
		memcpy(t + 2, &l, 2);
		uint32_t n = (uint32_t)strlen(c[k].text);
		if (fwrite(t, 1, 4, o) != 4 || fwrite(c[k].text, 1, n, o) != n ||
		    fwrite(zero, 1, pad4(n) - n, o) != pad4(n) - n)
			return -1;
	}
	memset(t, 0, 4);
	if (fwrite(t, 1, 4, o) != 4)
		return -1;
	wr32(t, nlen, swap);
	return fwrite(t, 1, 4, o) == 4 ? 0 : -1;
}

/* Copies a pcapng capture block by block: its sections, interfaces
 * (link types, snaplens, time resolutions) and packets as they are, a
 * comment added to the enhanced packet blocks of frames with notes
 * (simple and obsolete packet blocks count as frames, copied bare); the
 * copy ends after the nframes packets the trace read. */
static int copy_ng(const char *in, uint32_t nframes, FILE *o, const struct notes *ns, char *err,
		   size_t errlen)
{
	FILE *f = fopen(in, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", in, strerror(errno));
		return -1;
	}
	uint8_t *b = NULL;
	size_t cap = 0, j = 0;
	uint32_t num = 0;
	bool swap = false;
	int rc = 0;
	uint8_t h[12];
	while (!rc && fread(h, 1, 12, f) == 12) {
		uint32_t type = rd32(h, false);
		if (type == 0x0a0d0d0au) /* a section: its byte order */
			swap = rd32(h + 8, false) != 0x1a2b3c4du;
		else
			type = rd32(h, swap);
		uint32_t len = rd32(h + 4, swap);
		if (len < 12 || len % 4 || len > BLOCK_MAX)
			break;
		if (len > cap) {
			cap = len;
			b = xrealloc(b, cap);
		}
		memcpy(b, h, 12);
		if (fread(b + 12, 1, len - 12, f) != len - 12 || rd32(b + len - 4, swap) != len)
			break; /* cut short: what libpcap reads ends here too */
		size_t k = j;
		if (type == 6 || type == 3 || type == 2) {
			if (num == nframes)
				break; /* where libpcap stopped reading (a damaged block) */
			num++;
			while (j < ns->n && ns->v[j].frame < num)
				j++;
			k = j;
			while (k < ns->n && ns->v[k].frame == num)
				k++;
		}
		if (type == 0x0a0d0d0au && len >= 28)
			memset(b + 16, 0xff, 8); /* section length: comments change it */
		if (type == 6)
			rc = write_epb_ng(o, b, len, swap, ns->v + j, k - j);
		else
			rc = fwrite(b, 1, len, o) == len ? 0 : -1;
		j = k;
	}
	free(b);
	fclose(f);
	if (rc)
		snprintf(err, errlen, "write error: %s", strerror(errno));
	return rc;
}

/* Copies the capture in (nframes packets read) to o with the notes of ns. */
static int copy(const char *in, uint32_t nframes, FILE *o, const struct notes *ns, char *err,
		size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	uint32_t linktype = UINT32_MAX;
	bool usec = false, ng = false;
	sniff(in, &linktype, &usec, &ng);
	if (ng)
		return copy_ng(in, nframes, o, ns, err, errlen);
	struct capfile *p = capf_open(
		in, usec ? PCAP_TSTAMP_PRECISION_MICRO : PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!p) {
		snprintf(err, errlen, "%s: %s", in, perr);
		return -1;
	}
	if (linktype == UINT32_MAX)
		linktype = (uint32_t)capf_datalink(p);
	int rc = write_head(o, linktype, (uint32_t)capf_snapshot(p), usec);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint32_t num = 0;
	size_t j = 0;
	while (!rc && capf_next(p, &h, &data) == 1) {
		num++;
		while (j < ns->n && ns->v[j].frame < num)
			j++;
		size_t k = j;
		while (k < ns->n && ns->v[k].frame == num)
			k++;
		rc = write_epb(o, h, data, usec, ns->v + j, k - j);
		j = k;
	}
	capf_close(p);
	if (rc)
		snprintf(err, errlen, "write error: %s", strerror(errno));
	return rc;
}

/* ---- files ---- */

/* DIR/a-NAME.pcapng for input path; in arena a. */
static const char *out_name(struct arena *a, const char *dir, char side, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return arena_printf(a, "%s/%c-%.*s.pcapng", dir, side, (int)n, base);
}

static bool same_file(const char *x, const char *y)
{
	struct stat a, b;
	return stat(x, &a) == 0 && stat(y, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int annotate_check(const char *dir, const char *a, const char *b, char *err, size_t errlen)
{
	struct stat st;
	struct arena ar;
	const char *in[2] = { a, b };
	int rc = 0;

	if (!strcmp(a, "-") || !strcmp(b, "-")) {
		snprintf(err, errlen, "%s: the captures are read again: give files, not standard "
				      "input", dir);
		return -1;
	}
	if (stat(dir, &st) != 0 || (S_ISDIR(st.st_mode) && access(dir, W_OK | X_OK) != 0)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	arena_init(&ar);
	for (int s = 0; s < 2 && !rc; s++) {
		const char *out = out_name(&ar, dir, s ? 'b' : 'a', in[s]);
		for (int k = 0; k < 2; k++)
			if (same_file(out, in[k])) {
				snprintf(err, errlen, "%s: would overwrite the input %s", out, in[k]);
				rc = -1;
			}
	}
	arena_free(&ar);
	return rc;
}

int annotate_write(struct diff *d, const struct findings *F, const char *dir, char *err,
		   size_t errlen)
{
	struct arena a;
	struct notes ns[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	char *tmp[2] = { NULL, NULL };
	const char *out[2];
	int rc = 0;

	if (annotate_check(dir, trace_path(d->t[0]), trace_path(d->t[1]), err, errlen))
		return -1;
	arena_init(&a);
	collect(d, F, &a, ns);
	for (int s = 0; s < 2 && !rc; s++) {
		out[s] = out_name(&a, dir, s ? 'b' : 'a', trace_path(d->t[s]));
		tmp[s] = arena_printf(&a, "%s.tmpXXXXXX", out[s]);
		int fd = mkstemp(tmp[s]);
		mode_t mask = umask(0);
		umask(mask);
		if (fd >= 0)
			fchmod(fd, 0666 & ~mask); /* as an ordinary new file */
		FILE *o = fd >= 0 ? fdopen(fd, "wb") : NULL;
		if (!o) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(tmp[s]);
			}
			tmp[s] = NULL;
			rc = -1;
			break;
		}
		rc = copy(trace_path(d->t[s]), trace_total_frames(d->t[s]), o, &ns[s], err, errlen);
		if ((ferror(o) | fclose(o)) && !rc) {
			snprintf(err, errlen, "%s: write error", out[s]);
			rc = -1;
		}
	}
	for (int s = 0; s < 2 && !rc; s++)
		if (rename(tmp[s], out[s]) != 0) {
			snprintf(err, errlen, "%s: %s", out[s], strerror(errno));
			rc = -1;
			if (s == 1)
				unlink(out[0]);
		}
	for (int s = 0; s < 2; s++)
		if (rc && tmp[s])
			unlink(tmp[s]);
	for (int s = 0; s < 2; s++)
		free(ns[s].v);
	arena_free(&a);
	return rc;
}
