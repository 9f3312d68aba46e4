/*
 * pcapfile.c - capture files: our reader for the common case, libpcap for
 * everything else (pcapfile.h says which is which).
 *
 * libpcap is not linked: it pulls in libdbus, libsystemd and their
 * compression and crypto libraries, whose loading cost more than a small
 * capture's whole dissection. It is dlopen()ed the first time a file needs
 * it (or --version names it); a missing libpcap is an error only then.
 *
 * The reader follows libpcap 1.10's sf-pcap.c and sf-pcapng.c on the
 * files it accepts, byte for byte: the same records (so the position it
 * reports is the one ftell() gives under libpcap), the same timestamp arithmetic,
 * link type mapping and snapshot length. Wherever libpcap would report an
 * error, truncate, map or otherwise do something the reader does not
 * copy, the reader does not guess: it hands the file to libpcap
 * (handoff()), which rereads it from the start, skips the packets already
 * returned, and gives its own packets and error texts from there on.
 * tests/test_pcapfile.c compares both on every capture of the test set and
 * on truncated and damaged copies of each.
 */
#include "pcapfile.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dlsyms.h"

/* ---- libpcap, loaded on first need ---- */

struct pcaplib {
	pcap_t *(*fopen_offline)(FILE *, u_int, char *);
	pcap_t *(*open_offline)(const char *, u_int, char *);
	int (*next_ex)(pcap_t *, struct pcap_pkthdr **, const u_char **);
	int (*datalink)(pcap_t *);
	const char *(*datalink_val_to_name)(int);
	int (*snapshot)(pcap_t *);
	int (*is_swapped)(pcap_t *);
	FILE *(*file)(pcap_t *);
	char *(*geterr)(pcap_t *);
	void (*close)(pcap_t *);
	const char *(*lib_version)(void);
};

/* The one process-wide state here: a loaded library is process-wide too.
 * Set once under pthread_once (traces are opened in parallel threads). */
static struct pcaplib lib;
static bool lib_ok;
static char lib_why[192]; /* why it could not be loaded */
static char lib_line[PCAP_ERRBUF_SIZE + 32]; /* --version's line then */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_try(void)
{
	/* SMBCMP_LIBPCAP names another file (tests: a missing library). */
	const char *env = getenv("SMBCMP_LIBPCAP");
	const char *names[] = { env && *env ? env : "libpcap.so.0.8", "libpcap.so.1" };
	const struct dl_sym syms[] = {
		DL_SYM("pcap_fopen_offline_with_tstamp_precision", lib.fopen_offline),
		DL_SYM("pcap_open_offline_with_tstamp_precision", lib.open_offline),
		DL_SYM("pcap_next_ex", lib.next_ex),
		DL_SYM("pcap_datalink", lib.datalink),
		DL_SYM("pcap_datalink_val_to_name", lib.datalink_val_to_name),
		DL_SYM("pcap_snapshot", lib.snapshot),
		DL_SYM("pcap_is_swapped", lib.is_swapped),
		DL_SYM("pcap_file", lib.file),
		DL_SYM("pcap_geterr", lib.geterr),
		DL_SYM("pcap_close", lib.close),
		DL_SYM("pcap_lib_version", lib.lib_version),
	};
	void *h = NULL;

	for (size_t i = 0; !h && i < (env && *env ? 1u : 2u); i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(lib_why, sizeof(lib_why), "%s", e ? e : names[0]);
		return;
	}
	if (dl_syms(h, names[0], syms, sizeof(syms) / sizeof(syms[0]), lib_why, sizeof(lib_why))) {
		memset(&lib, 0, sizeof(lib));
		return;
	}
	lib_ok = true;
}

static void lib_load_once(void)
{
	lib_try();
	if (!lib_ok)
		snprintf(lib_line, sizeof(lib_line), "libpcap: not loaded (%s)", lib_why);
}

/* 0 when libpcap is usable, else -1 with the reason in errbuf. */
static int lib_load(char *errbuf)
{
	pthread_once(&lib_once, lib_load_once);
	if (lib_ok)
		return 0;
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "libpcap, needed to read this, could not be loaded: %s",
		 lib_why);
	return -1;
}

const char *capf_datalink_name(int dlt)
{
	char e[PCAP_ERRBUF_SIZE];
	return lib_load(e) ? NULL : lib.datalink_val_to_name(dlt);
}

const char *capf_lib_version(void)
{
	char e[PCAP_ERRBUF_SIZE];
	return lib_load(e) ? lib_line : lib.lib_version();
}

/* ---- the reader ---- */

#define MAX_SNAPLEN 262144u          /* libpcap's MAXIMUM_SNAPLEN */
#define MAX_BLOCK (1u << 20)         /* bigger pcapng blocks go to libpcap */
#define MAX_SHB 65536u

struct ng_if {
	uint64_t tsresol;  /* units per second: 10^6 or 10^9 */
	int64_t tsoffset;  /* seconds */
};

struct capfile {
	FILE *fp;          /* owned while the reader reads; then libpcap's */
	pcap_t *p;         /* libpcap's handle once handed over */
	unsigned precision;
	bool ng;           /* pcapng */
	bool swapped;      /* file in the other byte order */
	bool nsec_file;    /* classic pcap: nanosecond magic */
	int dlt;
	int snapshot;
	int64_t pos;       /* bytes consumed */
	uint64_t npkts;    /* packets returned */
	uint8_t *buf;      /* read buffer: bytes read from fp, of which the */
	size_t bufsize;    /* first roff consumed, the rest up to rlen not yet */
	size_t roff, rlen;
	bool bulk;         /* fp reads a regular file: read ahead RB_STEP at a time */
	size_t bulk_size;  /* then the buffer's size: RB_SIZE, or less for a smaller file */
	struct ahead *ra;  /* a large regular file: read ahead on a thread */
	struct ng_if *ifs;
	uint32_t nifs, ifcap;
	struct pcap_pkthdr hdr;
	char err[PCAP_ERRBUF_SIZE];
};

static uint32_t u32(const uint8_t *b, bool swap)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const uint8_t *b, bool swap)
{
	uint16_t v;
	memcpy(&v, b, 2);
	return swap ? __builtin_bswap16(v) : v;
}

/*
 * The read buffer. A record is returned where it lies in c->buf, not
 * copied out: from a regular file the buffer is refilled RB_STEP bytes at a
 * time, which stdio reads straight into it (a request of whole multiples
 * of its own buffer, capture.c's 1 MiB, bypasses that buffer); from
 * anything else (a pipe's spool, fmemopen) only the bytes a record needs
 * are asked for, so a read never waits for more than the record.
 */
#define RB_STEP (1u << 20)
#define RB_SIZE (2 * RB_STEP)

static int grow(struct capfile *c, size_t n)
{
	if (n <= c->bufsize)
		return 0;
	uint8_t *b = realloc(c->buf, n);
	if (!b)
		return -1;
	c->buf = b;
	c->bufsize = n;
	return 0;
}

/*
 * Reading ahead on a thread (large regular files): the reader thread
 * fills two halves of RB_STEP bytes, adjacent in c->buf after a spill area
 * of RB_STEP, in turn; the parser reads through the first into the second
 * without a copy, and a record cut by the second half's end is moved into
 * the spill area, just before the first half, which holds the next bytes.
 * A record (at most MAX_BLOCK = RB_STEP bytes) is thus always contiguous,
 * and the kernel's copy of the file runs on the other core. The parser
 * gives a half back once it has read past it.
 */
#define RA_MIN_FILE (8u << 20) /* smaller files: no thread */

struct ahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct {
		size_t len;     /* bytes read into it */
		bool ready;     /* filled, the parser's until it gives it back */
		bool last;      /* the file ends (or failed) after it */
	} half[2];
	bool stop;              /* the parser is done: the thread ends */
	bool failed;            /* fread() failed: ferror() for the parser */
	uint8_t *rp, *rend;     /* the parser's bytes: next unread, end */
	int cur;                /* the half rend lies in */
	bool held[2];           /* halves the parser has taken, not given back */
};

static uint8_t *half_at(struct capfile *c, int k)
{
	return c->buf + RB_STEP + (size_t)k * RB_STEP;
}

static void *ahead_main(void *arg)
{
	struct capfile *c = arg;
	struct ahead *a = c->ra;

	for (int k = 0;; k ^= 1) {
		pthread_mutex_lock(&a->mu);
		while (a->half[k].ready && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		bool stop = a->stop;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			return NULL;
		size_t got = fread(half_at(c, k), 1, RB_STEP, c->fp);
		bool err = got < RB_STEP && ferror(c->fp);
		pthread_mutex_lock(&a->mu);
		a->half[k].len = got;
		a->half[k].last = got < RB_STEP;
		a->half[k].ready = true;
		a->failed |= err;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (got < RB_STEP)
			return NULL;
	}
}

/* Starts reading ahead (c->buf unused so far); false when it cannot. */
static bool ahead_start(struct capfile *c)
{
	struct ahead *a = calloc(1, sizeof(*a));

	if (!a || grow(c, 3 * (size_t)RB_STEP)) {
		free(a);
		return false;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->rp = a->rend = half_at(c, 0);
	a->cur = 1; /* as if after half 1: the first half to take is 0 */
	c->ra = a;
	if (pthread_create(&a->th, NULL, ahead_main, c) != 0) {
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a);
		c->ra = NULL;
		return false;
	}
	return true;
}

/* Ends the thread (the file is then c->fp's alone again, at an unknown
 * position: handoff() seeks). */
static void ahead_stop(struct capfile *c)
{
	struct ahead *a = c->ra;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
	c->ra = NULL;
}

/* Gives half k back to the reader thread. */
static void ahead_release(struct ahead *a, int k)
{
	pthread_mutex_lock(&a->mu);
	a->half[k].ready = false;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* fill() when reading ahead. */
static size_t ahead_fill(struct capfile *c, size_t n)
{
	struct ahead *a = c->ra;

	if (a->held[0] && a->rp >= half_at(c, 1)) {
		a->held[0] = false;
		ahead_release(a, 0);
	}
	while ((size_t)(a->rend - a->rp) < n) {
		int next = a->cur ^ 1;
		size_t have = (size_t)(a->rend - a->rp);
		pthread_mutex_lock(&a->mu);
		bool last = a->held[a->cur] && a->half[a->cur].last;
		while (!last && !a->half[next].ready)
			pthread_cond_wait(&a->cv, &a->mu);
		pthread_mutex_unlock(&a->mu);
		if (last)
			return have;
		if (next == 1) { /* adjacent: read on into it */
			a->rend = half_at(c, 1) + a->half[1].len;
		} else { /* the rest of half 1 moves before half 0 */
			if (a->held[0] || have > RB_STEP)
				return have; /* cannot happen: records fit RB_STEP */
			uint8_t *to = half_at(c, 0) - have;
			memmove(to, a->rp, have);
			if (a->held[1])
				ahead_release(a, 1);
			a->held[1] = false;
			a->rp = to;
			a->rend = half_at(c, 0) + a->half[0].len;
		}
		a->held[next] = true;
		a->cur = next;
	}
	return n;
}

/* Whether reading failed (as ferror() on c->fp). */
static bool read_failed(struct capfile *c)
{
	if (!c->ra)
		return ferror(c->fp) != 0;
	pthread_mutex_lock(&c->ra->mu);
	bool f = c->ra->failed;
	pthread_mutex_unlock(&c->ra->mu);
	return f;
}

/* The next unread byte. */
static const uint8_t *peek(const struct capfile *c)
{
	return c->ra ? c->ra->rp : c->buf + c->roff;
}

/* Makes up to n bytes readable at peek(); returns how many are (fewer at
 * the end of the file, on an error or when out of memory). */
static size_t fill(struct capfile *c, size_t n)
{
	if (c->ra)
		return ahead_fill(c, n);
	size_t have = c->rlen - c->roff;

	if (have >= n)
		return n;
	if (c->roff) {
		memmove(c->buf, c->buf + c->roff, have);
		c->roff = 0;
		c->rlen = have;
	}
	if (grow(c, c->bulk && n < c->bulk_size ? c->bulk_size : n))
		return have;
	while (c->rlen < n) {
		size_t want = c->bulk ? c->bufsize - c->rlen : n - c->rlen;
		if (c->bulk && want >= RB_STEP && want - want % RB_STEP >= n - c->rlen)
			want -= want % RB_STEP;
		size_t got = fread(c->buf + c->rlen, 1, want, c->fp);
		if (!got)
			break;
		c->rlen += got;
	}
	return c->rlen < n ? c->rlen : n;
}

/* Consumes n bytes: their address in c->buf, valid until the next fill(),
 * or NULL when fewer remain. */
static const uint8_t *take(struct capfile *c, size_t n)
{
	if (fill(c, n) < n)
		return NULL;
	const uint8_t *p = peek(c);
	if (c->ra)
		c->ra->rp += n;
	else
		c->roff += n;
	c->pos += (int64_t)n;
	return p;
}

/*
 * libpcap's linktype_to_dlt() for the link types the dissector decodes
 * (dissect/capture.c), or -1 for any other: those go to libpcap. In a file
 * in the other byte order, libpcap rewrites some pseudo-headers of Linux
 * cooked captures (CAN frames): those go to libpcap too.
 */
static int known_dlt(uint32_t linktype, bool swapped)
{
	switch (linktype) {
	case 0: case 1: case 108: case 228: case 229:
		return (int)linktype;
	case 101:
		return DLT_RAW;
	case 113: case 276:
		return swapped ? -1 : (int)linktype;
	default:
		return -1;
	}
}

/* libpcap 1.10's pcap_adjust_snapshot() for those link types: only a
 * bogus length (0, or more than an int) becomes the maximum. */
static int adjust_snapshot(uint32_t snaplen)
{
	return (int)(snaplen == 0 || snaplen > INT32_MAX ? MAX_SNAPLEN : snaplen);
}

/* Classic pcap after the magic: the rest of the file header. 0, or 1 to
 * hand the file to libpcap. */
static int pcap_head(struct capfile *c, uint32_t magic)
{
	const uint8_t *h;

	c->swapped = magic != 0xa1b2c3d4u && magic != 0xa1b23c4du;
	c->nsec_file = (c->swapped ? __builtin_bswap32(magic) : magic) == 0xa1b23c4du;
	if (!(h = take(c, 20)))
		return 1;
	if (u16(h, c->swapped) != 2 || u16(h + 2, c->swapped) != 4)
		return 1; /* other versions: swapped lengths, DG/UX... */
	uint32_t snaplen = u32(h + 12, c->swapped), linktype = u32(h + 16, c->swapped);
	if ((c->dlt = known_dlt(linktype, c->swapped)) < 0)
		return 1; /* also LT_LINKTYPE_EXT bits */
	c->snapshot = adjust_snapshot(snaplen);
	return 0;
}

/* Reads one pcapng block: 1 (*type, *body and *blen: the block's
 * contents between header and trailer, in c->buf), 0 at a clean end of
 * file, 2 to hand over. */
static int ng_block(struct capfile *c, uint32_t *type, const uint8_t **body, size_t *blen)
{
	size_t got = fill(c, 8);

	if (got == 0 && !read_failed(c))
		return 0;
	if (got != 8)
		return 2;
	const uint8_t *h = peek(c);
	*type = u32(h, c->swapped);
	uint32_t len = u32(h + 4, c->swapped);
	if (len < 12 || len % 4 || len > MAX_BLOCK || !(h = take(c, len)) ||
	    u32(h + len - 4, c->swapped) != len)
		return 2;
	*body = h + 8;
	*blen = len - 12;
	return 1;
}

/* An IDB's contents (at least 8 bytes) into a new interface. 0, or 1 to
 * hand over: bad or repeated options, or a resolution other than 10^-6
 * or 10^-9. */
static int ng_add_if(struct capfile *c, const uint8_t *b, size_t n)
{
	struct ng_if f = { 1000000, 0 };
	bool saw_res = false, saw_off = false;

	for (size_t o = 8; o < n;) {
		if (n - o < 4)
			return 1;
		uint16_t code = u16(b + o, c->swapped), olen = u16(b + o + 2, c->swapped);
		size_t pad = ((size_t)olen + 3) / 4 * 4;
		o += 4;
		if (n - o < pad)
			return 1;
		if (code == 0) {
			if (olen != 0)
				return 1;
			break;
		}
		if (code == 9) {
			if (olen != 1 || saw_res || (b[o] != 6 && b[o] != 9))
				return 1;
			saw_res = true;
			f.tsresol = b[o] == 6 ? 1000000 : 1000000000;
		} else if (code == 14) {
			if (olen != 8 || saw_off)
				return 1;
			saw_off = true;
			uint64_t v;
			memcpy(&v, b + o, 8);
			f.tsoffset = (int64_t)(c->swapped ? __builtin_bswap64(v) : v);
		}
		o += pad;
	}
	if (c->nifs == c->ifcap) {
		uint32_t cap = c->ifcap ? c->ifcap * 2 : 4;
		if (cap > 65536)
			return 1;
		struct ng_if *v = realloc(c->ifs, cap * sizeof(*v));
		if (!v)
			return 1;
		c->ifs = v;
		c->ifcap = cap;
	}
	c->ifs[c->nifs++] = f;
	return 0;
}

/* pcapng after the block type: the Section Header Block and the blocks up
 * to the first IDB, as libpcap's open reads them. 0, or 1 to hand over. */
static int ng_head(struct capfile *c)
{
	const uint8_t *h;

	c->ng = true;
	if (!(h = take(c, 8)))
		return 1;
	uint32_t bom;
	memcpy(&bom, h + 4, 4);
	if (bom == 0x1a2b3c4du)
		c->swapped = false;
	else if (bom == 0x4d3c2b1au)
		c->swapped = true;
	else
		return 1;
	uint32_t len = u32(h, c->swapped);
	const uint8_t *b;
	if (len < 28 || len > MAX_SHB || len % 4 || !(b = take(c, len - 12)))
		return 1;
	if (u16(b, c->swapped) != 1 || u16(b + 2, c->swapped) != 0 ||
	    u32(b + len - 16, c->swapped) != len)
		return 1;
	for (;;) {
		uint32_t type;
		const uint8_t *b;
		size_t n;
		if (ng_block(c, &type, &b, &n) != 1)
			return 1; /* no IDB, or damage: libpcap says which */
		if (type == 6 || type == 3 || type == 2 || type == 0x0a0d0d0au)
			return 1;
		if (type != 1)
			continue;
		if (n < 8)
			return 1;
		if ((c->dlt = known_dlt(u16(b, c->swapped), c->swapped)) < 0)
			return 1;
		c->snapshot = adjust_snapshot(u32(b + 4, c->swapped));
		return ng_add_if(c, b, n);
	}
}

/* Hands the file to libpcap: reread from the start, skip the packets
 * returned so far. 0, or -1 with the reason in c->err (from libpcap when it
 * fails to open the file). */
static int handoff(struct capfile *c)
{
	ahead_stop(c);
	if (lib_load(c->err))
		return -1;
	if (fseek(c->fp, 0, SEEK_SET) != 0) {
		snprintf(c->err, sizeof(c->err),
			 "cannot reread the capture from its start for libpcap");
		return -1;
	}
	clearerr(c->fp);
	c->pos = 0;
	c->roff = c->rlen = 0;
	pcap_t *p = lib.fopen_offline(c->fp, c->precision, c->err);
	if (!p)
		return -1;
	c->p = p;
	c->fp = NULL; /* pcap_close() closes it */
	return 0;
}

struct capfile *capf_fopen(FILE *fp, unsigned precision, char *errbuf)
{
	struct capfile *c = calloc(1, sizeof(*c));
	int defer = 1;

	if (!c) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	c->fp = fp;
	c->precision = precision;
	struct stat st;
	int fd = fileno(fp);
	c->bulk = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	/* A file smaller than the buffer gets a buffer its size (one more
	 * byte: the read that fills it also finds the end): the 2 MiB would
	 * be a mmap() and a munmap() in a small capture's process. A file
	 * that grows meanwhile is read on, a buffer's worth at a time. */
	c->bulk_size = c->bulk && st.st_size >= 0 && (uint64_t)st.st_size < RB_SIZE
		       ? (size_t)st.st_size + 1 : RB_SIZE;
	if (c->bulk && st.st_size >= RA_MIN_FILE && ftell(fp) == 0)
		ahead_start(c);
	const uint8_t *m;
	if (precision <= PCAP_TSTAMP_PRECISION_NANO && (m = take(c, 4))) {
		uint32_t magic;
		memcpy(&magic, m, 4);
		if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du ||
		    magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
			defer = pcap_head(c, magic);
		else if (magic == 0x0a0d0d0au)
			defer = ng_head(c);
	}
	if (defer && handoff(c)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", c->err);
		c->fp = NULL; /* still the caller's */
		capf_close(c);
		return NULL;
	}
	return c;
}

struct capfile *capf_open(const char *path, unsigned precision, char *errbuf)
{
	FILE *fp = strcmp(path, "-") != 0 ? fopen(path, "rb") : NULL;

	if (!fp) {
		/* stdin, or libpcap's words for why the file cannot be opened */
		struct capfile *c = calloc(1, sizeof(*c));
		if (!c) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
			return NULL;
		}
		c->pos = -1;
		if (lib_load(errbuf) ||
		    !(c->p = lib.open_offline(path, precision, errbuf))) {
			free(c);
			return NULL;
		}
		return c;
	}
	struct capfile *c = capf_fopen(fp, precision, errbuf);
	if (!c)
		fclose(fp);
	return c;
}

/* The timestamp of a classic pcap record, as libpcap scales it. Its
 * fields are signed 32-bit, but its byte swap gives unsigned values. */
static void pcap_ts(struct capfile *c, const uint8_t *h)
{
	int64_t sec = c->swapped ? (int64_t)u32(h, true) : (int32_t)u32(h, false);
	int64_t frac = c->swapped ? (int64_t)u32(h + 4, true) : (int32_t)u32(h + 4, false);

	c->hdr.ts.tv_sec = sec;
	c->hdr.ts.tv_usec = frac;
	if (c->precision == PCAP_TSTAMP_PRECISION_NANO && !c->nsec_file)
		c->hdr.ts.tv_usec = (suseconds_t)frac * 1000;
	else if (c->precision == PCAP_TSTAMP_PRECISION_MICRO && c->nsec_file)
		c->hdr.ts.tv_usec = frac / 1000;
}

/* The next classic pcap record: 1, -2 at the end, 2 to hand over. */
static int pcap_rec(struct capfile *c, const u_char **data)
{
	size_t got = fill(c, 16);

	if (got == 0 && !read_failed(c))
		return -2;
	if (got != 16)
		return 2;
	const uint8_t *h = peek(c);
	uint32_t caplen = u32(h + 8, c->swapped);
	if (caplen > (uint32_t)c->snapshot || caplen > MAX_SNAPLEN || !(h = take(c, 16 + caplen)))
		return 2;
	pcap_ts(c, h);
	c->hdr.caplen = caplen;
	c->hdr.len = u32(h + 12, c->swapped);
	*data = h + 16;
	return 1;
}

/* The next pcapng packet: 1, -2 at the end, 2 to hand over. */
static int ng_rec(struct capfile *c, const u_char **data)
{
	uint32_t type, ifid, caplen, len;
	const uint8_t *b;
	size_t n, fixed;
	uint64_t t;

	for (;;) {
		int rc = ng_block(c, &type, &b, &n);
		if (rc != 1)
			return rc == 0 ? -2 : 2;
		if (type == 6 || type == 2) { /* Enhanced, obsolete Packet Block */
			if (n < 20)
				return 2;
			ifid = type == 6 ? u32(b, c->swapped) : u16(b, c->swapped);
			t = (uint64_t)u32(b + 4, c->swapped) << 32 | u32(b + 8, c->swapped);
			caplen = u32(b + 12, c->swapped);
			len = u32(b + 16, c->swapped);
			fixed = 20;
			break;
		}
		if (type == 3) { /* Simple Packet Block: interface 0, no time */
			if (n < 4)
				return 2;
			ifid = 0;
			t = 0;
			len = u32(b, c->swapped);
			caplen = len > (uint32_t)c->snapshot ? (uint32_t)c->snapshot : len;
			fixed = 4;
			break;
		}
		if (type == 1) { /* another interface: libpcap's checks */
			if (n < 8 || u16(b, c->swapped) != (uint32_t)c->dlt ||
			    adjust_snapshot(u32(b + 4, c->swapped)) != c->snapshot ||
			    ng_add_if(c, b, n))
				return 2;
			continue;
		}
		if (type == 0x0a0d0d0au)
			return 2; /* a new section */
	}
	if (ifid >= c->nifs || caplen > (uint32_t)c->snapshot || caplen > MAX_SNAPLEN ||
	    caplen > n - fixed)
		return 2;
	const struct ng_if *f = &c->ifs[ifid];
	uint64_t user = c->precision == PCAP_TSTAMP_PRECISION_NANO ? 1000000000 : 1000000;
	uint64_t sec = t / f->tsresol + (uint64_t)f->tsoffset, frac = t % f->tsresol;
	if (f->tsresol > user)
		frac /= f->tsresol / user;
	else if (f->tsresol < user)
		frac *= user / f->tsresol;
	c->hdr.ts.tv_sec = (time_t)sec;
	c->hdr.ts.tv_usec = (int)frac;
	c->hdr.caplen = caplen;
	c->hdr.len = len;
	*data = b + fixed;
	return 1;
}

int capf_next(struct capfile *c, struct pcap_pkthdr **h, const u_char **data)
{
	if (!c->p) {
		int rc = c->ng ? ng_rec(c, data) : pcap_rec(c, data);
		if (rc != 2) {
			if (rc == 1) {
				c->npkts++;
				*h = &c->hdr;
			}
			return rc;
		}
		if (handoff(c))
			return -1;
		for (uint64_t k = 0; k < c->npkts; k++) {
			int r = lib.next_ex(c->p, h, data);
			if (r != 1)
				return r; /* libpcap disagrees about an earlier packet */
		}
	}
	return lib.next_ex(c->p, h, data);
}

int capf_datalink(const struct capfile *c)
{
	return c->p ? lib.datalink(c->p) : c->dlt;
}

int capf_snapshot(const struct capfile *c)
{
	return c->p ? lib.snapshot(c->p) : c->snapshot;
}

int capf_is_swapped(const struct capfile *c)
{
	return c->p ? lib.is_swapped(c->p) : c->swapped;
}

int64_t capf_tell(const struct capfile *c)
{
	if (!c->p)
		return c->pos;
	FILE *f = lib.file(c->p);
	return f ? (int64_t)ftell(f) : -1;
}

const char *capf_geterr(const struct capfile *c)
{
	return c->p ? lib.geterr(c->p) : c->err;
}

bool capf_native(const struct capfile *c)
{
	return !c->p;
}

void capf_close(struct capfile *c)
{
	if (!c)
		return;
	ahead_stop(c);
	if (c->p)
		lib.close(c->p);
	else if (c->fp)
		fclose(c->fp);
	free(c->buf);
	free(c->ifs);
	free(c);
}
