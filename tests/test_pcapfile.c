/*
 * test_pcapfile.c - dissect/pcapfile.c against libpcap (linked here).
 *
 * Every file under the directories given (default: captures, tests and
 * ../shared/captures/public, from the source root) is read through
 * capf_fopen() and through libpcap directly, at both timestamp
 * precisions, and the two must agree on everything the callers use: open
 * error text, link type, snapshot length, byte order, then per packet the
 * return value, the stream position before it, caplen, len, timestamp and
 * bytes, and the error text at the end. The same for copies truncated at
 * many offsets and copies with bytes changed, and for synthetic files with
 * what the captures lack (pcapng in big-endian order, if_tsresol and
 * if_tsoffset, simple and obsolete packet blocks, several interfaces).
 * Clean captures must be read without libpcap (else the speed-up is lost).
 */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pcapfile.h"

static int failures;
static unsigned compared, native_clean, clean;

#define FAIL(...) do { failures++; if (failures < 4000) { fprintf(stderr, "FAIL %s: ", what); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static FILE *mem(const uint8_t *b, size_t n)
{
	return n ? fmemopen((void *)b, n, "rb") : fopen("/dev/null", "rb");
}

/* Reads b through both: -1 if they differ, 0 if libpcap fails on it, 1 if
 * both read it to its end, 2 if the reader did so without libpcap. */
static int compare(const char *what, const uint8_t *b, size_t n, unsigned prec)
{
	char ea[PCAP_ERRBUF_SIZE] = "", eb[PCAP_ERRBUF_SIZE] = "";
	FILE *fa = mem(b, n), *fb = mem(b, n);
	int before = failures, clean_end = 0;

	compared++;
	if (!fa || !fb) {
		FAIL("fmemopen");
		return -1;
	}
	struct capfile *a = capf_fopen(fa, prec, ea);
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fb, prec, eb);
	if (!a || !p) {
		if (!!a != !!p || strcmp(ea, eb) != 0)
			FAIL("open: reader %s (%s), libpcap %s (%s)", a ? "ok" : "fails", ea,
			     p ? "ok" : "fails", eb);
		if (a)
			capf_close(a);
		else
			fclose(fa);
		if (p)
			pcap_close(p);
		else
			fclose(fb);
		return failures > before ? -1 : 0;
	}
	if (capf_datalink(a) != pcap_datalink(p) || capf_snapshot(a) != pcap_snapshot(p) ||
	    capf_is_swapped(a) != pcap_is_swapped(p))
		FAIL("header: link %d/%d snapshot %d/%d swapped %d/%d", capf_datalink(a),
		     pcap_datalink(p), capf_snapshot(a), pcap_snapshot(p), capf_is_swapped(a),
		     pcap_is_swapped(p));
	for (unsigned k = 1; failures == before; k++) {
		struct pcap_pkthdr *ha, *hb;
		const u_char *da, *db;
		int64_t ta = capf_tell(a), tb = ftell(pcap_file(p));
		int ra = capf_next(a, &ha, &da), rb = pcap_next_ex(p, &hb, &db);
		if (ta != tb)
			FAIL("packet %u: position %lld, libpcap %lld", k, (long long)ta, (long long)tb);
		if (ra != rb) {
			FAIL("packet %u: returns %d (%s), libpcap %d (%s)", k, ra,
			     ra == -1 ? capf_geterr(a) : "", rb, rb == -1 ? pcap_geterr(p) : "");
			break;
		}
		if (ra == -1 && strcmp(capf_geterr(a), pcap_geterr(p)) != 0)
			FAIL("packet %u: error '%s', libpcap '%s'", k, capf_geterr(a), pcap_geterr(p));
		if (ra != 1) {
			clean_end = ra == -2;
			break;
		}
		if (ha->caplen != hb->caplen || ha->len != hb->len ||
		    ha->ts.tv_sec != hb->ts.tv_sec || ha->ts.tv_usec != hb->ts.tv_usec)
			FAIL("packet %u: caplen %u/%u len %u/%u ts %lld.%ld/%lld.%ld", k, ha->caplen,
			     hb->caplen, ha->len, hb->len, (long long)ha->ts.tv_sec,
			     (long)ha->ts.tv_usec, (long long)hb->ts.tv_sec, (long)hb->ts.tv_usec);
		else if (memcmp(da, db, ha->caplen) != 0)
			FAIL("packet %u: bytes differ", k);
	}
	int native = capf_native(a);
	capf_close(a);
	pcap_close(p);
	if (failures > before)
		return -1;
	return clean_end ? 1 + native : 0;
}

static uint32_t rng = 2463534242u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The file whole, truncated, and with bytes changed; both precisions. */
static void check_bytes(const char *name, const uint8_t *b, size_t n, bool must_be_native)
{
	char what[600];
	uint8_t *m = malloc(n ? n : 1);

	for (unsigned prec = 0; prec <= 1; prec++) {
		snprintf(what, sizeof(what), "%s (precision %u)", name, prec);
		int rc = compare(what, b, n, prec);
		if (rc >= 1 && must_be_native) {
			clean++;
			native_clean += rc == 2;
			if (rc == 1)
				fprintf(stderr, "note: %s is read by libpcap\n", what);
		}
		/* every cut in the first 160 bytes, then 48 spread over the file */
		for (size_t cut = 0; cut < n; cut += cut < 160 ? 1 : n / 48 + 1) {
			snprintf(what, sizeof(what), "%s cut at %zu (precision %u)", name, cut, prec);
			compare(what, b, cut, prec);
		}
		/* 40 changed bytes, most of them in the headers at the start */
		for (int i = 0; i < 40 && n; i++) {
			memcpy(m, b, n);
			size_t at = next_rand() % (i < 30 && n > 512 ? 512 : n);
			m[at] = (uint8_t)(i % 3 == 0 ? m[at] ^ 0x80 : next_rand());
			snprintf(what, sizeof(what), "%s byte %zu changed (precision %u)", name, at, prec);
			compare(what, m, n, prec);
		}
	}
	free(m);
}

static void check_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f || fstat(fileno(f), &st) != 0 || st.st_size > 8 << 20) {
		if (f)
			fclose(f);
		return;
	}
	uint8_t *b = malloc((size_t)st.st_size + 1);
	size_t n = fread(b, 1, (size_t)st.st_size, f);
	fclose(f);
	/* captures/ and the public ones are clean captures: the reader's */
	bool clean_capture = (strncmp(path, "captures/", 9) == 0 ||
			      strstr(path, "captures/public/") != NULL) &&
			     (strstr(path, ".pcap") != NULL);
	check_bytes(path, b, n, clean_capture);
	free(b);
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "note: no %s\n", dir);
		return;
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path);
		else if (S_ISREG(st.st_mode))
			check_file(path);
	}
	closedir(d);
}

/* ---- synthetic files ---- */

struct buf {
	uint8_t b[4096];
	size_t n;
	bool be;
};

static void put(struct buf *w, uint64_t v, int size)
{
	for (int i = 0; i < size; i++)
		w->b[w->n + (size_t)i] =
			(uint8_t)(v >> (8 * (w->be ? size - 1 - i : i)));
	w->n += (size_t)size;
}

static void bytes(struct buf *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static size_t block_start(struct buf *w, uint32_t type)
{
	size_t at = w->n;
	put(w, type, 4);
	put(w, 0, 4);
	return at;
}

static void block_end(struct buf *w, size_t at)
{
	while (w->n % 4)
		w->b[w->n++] = 0;
	uint32_t len = (uint32_t)(w->n - at + 4);
	put(w, len, 4);
	size_t end = w->n;
	w->n = at + 4;
	put(w, len, 4);
	w->n = end;
}

static const uint8_t frame[60] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x45 };

/* pcapng: SHB, a custom block, IDB (resolution res or none, offset off),
 * EPB, SPB, PB, a second IDB like the first, EPB on it. */
static void synth_ng(bool be, int res, int64_t off, uint32_t snaplen, uint16_t link)
{
	struct buf w = { .be = be };
	size_t at = block_start(&w, 0x0a0d0d0a);
	put(&w, 0x1a2b3c4d, 4);
	put(&w, 1, 2);
	put(&w, 0, 2);
	put(&w, UINT64_MAX, 8);
	block_end(&w, at);
	at = block_start(&w, 0x00000bad);
	put(&w, 7, 4);
	block_end(&w, at);
	for (int i = 0; i < 2; i++) {
		at = block_start(&w, 1);
		put(&w, link, 2);
		put(&w, 0, 2);
		put(&w, snaplen, 4);
		put(&w, 2, 2); /* if_name */
		put(&w, 3, 2);
		bytes(&w, "eth\0", 4);
		if (res >= 0) {
			put(&w, 9, 2);
			put(&w, 1, 2);
			put(&w, (uint64_t)res, 1);
			bytes(&w, "\0\0\0", 3);
		}
		if (off) {
			put(&w, 14, 2);
			put(&w, 8, 2);
			put(&w, (uint64_t)off, 8);
		}
		put(&w, 0, 4);
		block_end(&w, at);
		uint64_t t = 1700000000123456789ull / (res == 6 || res < 0 ? 1000 : 1) + (uint64_t)i;
		at = block_start(&w, 6);
		put(&w, (uint64_t)i, 4);
		put(&w, t >> 32, 4);
		put(&w, t & 0xffffffff, 4);
		put(&w, 58, 4);
		put(&w, 60, 4);
		bytes(&w, frame, 58);
		block_end(&w, at);
		if (i)
			break;
		at = block_start(&w, 3);
		put(&w, 60, 4);
		bytes(&w, frame, 60);
		block_end(&w, at);
		at = block_start(&w, 2);
		put(&w, 0, 2);
		put(&w, 0, 2);
		put(&w, t >> 32, 4);
		put(&w, t & 0xffffffff, 4);
		put(&w, 60, 4);
		put(&w, 60, 4);
		bytes(&w, frame, 60);
		block_end(&w, at);
	}
	char name[160];
	snprintf(name, sizeof(name), "synthetic pcapng %s tsresol %d tsoffset %lld snaplen %u link %u",
		 be ? "big-endian" : "little-endian", res, (long long)off, snaplen, link);
	check_bytes(name, w.b, w.n, link == 1 && (res == -1 || res == 6 || res == 9));
}

/* Classic pcap, either byte order and magic. */
static void synth_pcap(bool be, uint32_t magic, uint32_t snaplen, uint32_t link)
{
	struct buf w = { .be = be };
	put(&w, magic, 4);
	put(&w, 2, 2);
	put(&w, 4, 2);
	put(&w, 0, 8);
	put(&w, snaplen, 4);
	put(&w, link, 4);
	for (uint32_t i = 0; i < 3; i++) {
		put(&w, 1700000000u + i, 4);
		put(&w, i == 2 ? 0xfffffff0u : 999999u - i, 4); /* and a negative one */
		put(&w, 60, 4);
		put(&w, 60 + i, 4);
		bytes(&w, frame, 60);
	}
	char name[160];
	snprintf(name, sizeof(name), "synthetic pcap %s magic %08x snaplen %u link %u",
		 be ? "big-endian" : "little-endian", magic, snaplen, link);
	check_bytes(name, w.b, w.n, (link != 113 || !be) && snaplen >= 60 && magic != 0xa1b2cd34);
}

int main(int argc, char **argv)
{
	for (int be = 0; be <= 1; be++) {
		for (int res = -1; res <= 9; res += 1) {
			if (res == 0)
				res = 3; /* -1, 3, 4 .. 9 */
			synth_ng(be, res, 0, 65535, 1);
		}
		synth_ng(be, 9, -3600, 0, 1);
		synth_ng(be, 6, 86400, 300000, 1);
		synth_ng(be, 0x86, 0, 65535, 1); /* 2^-6 */
		synth_ng(be, 9, 0, 65535, 101);
		synth_ng(be, 9, 0, 65535, 113);
		synth_ng(be, 9, 0, 65535, 147);
		for (uint32_t m = 0; m < 2; m++) {
			synth_pcap(be, m ? 0xa1b23c4d : 0xa1b2c3d4, 65535, 1);
			synth_pcap(be, m ? 0xa1b23c4d : 0xa1b2c3d4, 0, 113);
			synth_pcap(be, m ? 0xa1b23c4d : 0xa1b2c3d4, 40, 101);
			synth_pcap(be, m ? 0xa1b23c4d : 0xa1b2c3d4, 262145, 0);
		}
		synth_pcap(be, 0xa1b2cd34, 65535, 1);
	}
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			walk(argv[i]);
	} else {
		walk("captures");
		walk("tests");
		walk("../shared/captures/public");
	}
	printf("%u reads compared; %u of %u clean captures read without libpcap; %d failures\n",
	       compared, native_clean, clean, failures);
	if (native_clean != clean) {
		fprintf(stderr, "FAIL: clean captures were handed to libpcap\n");
		failures++;
	}
	return failures ? 1 : 0;
}
