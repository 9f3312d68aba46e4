/*
 * fuzz_pcapfile.c - the capture file read by path: PDU bytes kept as file
 * offsets (dissect.h). The input, a whole pcap or pcapng file, is written
 * to a memfd and opened by the name "/proc/self/fd/N" with trace_open()
 * (or, one input in two, trace_open_partial() and trace_index_more() in
 * slices of a few packets with a dissection between them, as the browser),
 * so capture.c's locator reopens it (t->fd >= 0), finds each packet in the
 * file (walking pcapng blocks), and tcp.c keeps where pending bytes lie
 * (piece lists, their cap, the fallbacks to copies); trace.c reads them
 * back through its read-ahead windows. Every frame is dissected (tree and
 * the dry Info summary) and every PDU's bytes are read.
 *
 * Differential check: the same input is also opened from memory
 * (fmemopen + trace_open_file: PDU bytes copied). Unless a memory limit
 * cut one of the two (they account memory differently: a PDU kept as an
 * offset costs no arena bytes), both must give the same PDUs with the same
 * bytes; any difference aborts.
 *
 * Limits: an odd-sized input gets tiny ones (as fuzz_frame) so the
 * reassembly limit, the piece cap, pieces_reserve() refusals and the
 * "no file offsets" fallbacks run; an even-sized one the defaults, so
 * large reassembled PDUs are stored as pieces. The memfd is made once and
 * reused (ftruncate + pwrite per input).
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_memfd(char *path, size_t n)
{
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("fuzz_pcapfile", MFD_CLOEXEC);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

static int write_input(int fd, const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) != 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* Aborts when the file-offset trace and the in-memory one disagree. */
static void compare(struct trace *tf, struct trace *tm)
{
	const unsigned cut = LIMIT_STORE | LIMIT_MEMORY;
	const uint16_t where = PDU_FILE | PDU_PIECES;
	struct arena a;

	if ((tf->limits_hit | tm->limits_hit) & cut)
		return;
	if (trace_npdus(tf) != trace_npdus(tm) || trace_nframes(tf) != trace_nframes(tm)) {
		fprintf(stderr, "fuzz: %zu/%zu PDUs from the file, %zu/%zu from memory\n",
			trace_npdus(tf), trace_nframes(tf), trace_npdus(tm), trace_nframes(tm));
		abort();
	}
	arena_init(&a);
	for (size_t i = 0; i < trace_npdus(tf); i++) {
		const struct pdu pf_rec = trace_pdu(tf, i), pm_rec = trace_pdu(tm, i);
		const struct pdu *pf = &pf_rec, *pm = &pm_rec;
		if (pf->len != pm->len || pf->wire_len != pm->wire_len ||
		    pf->frame_off != pm->frame_off || pf->frame != pm->frame ||
		    pf->stream != pm->stream || (pf->flags & ~where) != pm->flags) {
			fprintf(stderr, "fuzz: PDU %zu differs (len %u/%u flags %#x/%#x frame %u/%u)\n",
				i, pf->len, pm->len, pf->flags, pm->flags, pf->frame, pm->frame);
			abort();
		}
		const uint8_t *bf = trace_pdu_bytes(tf, &a, i), *bm = trace_pdu_bytes(tm, &a, i);
		if (pf->len && memcmp(bf, bm, pf->len) != 0) {
			fprintf(stderr, "fuzz: PDU %zu (frame %u, flags %#x): bytes differ\n",
				i, pf->frame, pf->flags);
			abort();
		}
		arena_reset(&a);
	}
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct trace_opts tiny = {
		.max_pdu = 8192, .max_pending = 2048, .max_reasm = 4096,
		.max_memory = 160u << 10, .max_nodes = 2000,
	};
	const struct trace_opts *opts = size & 1 ? &tiny : NULL;
	uint32_t max_nodes = size & 1 ? tiny.max_nodes : 200000;
	char path[64], err[512];
	struct trace *tf, *tm;

	if (size == 0)
		return 0;
	int fd = fuzz_memfd(path, sizeof(path));
	if (write_input(fd, data, size) != 0)
		abort();
	if (size & 2) {
		/* As the browser opens it: a few packets per slice, the last
		 * frame indexed so far dissected between slices. The index
		 * must come out the same (compare() below). */
		struct trace_opts po = opts ? *opts : (struct trace_opts){ 0 };
		po.slice_packets = 1 + data[size - 1] % 8;
		if (trace_open_partial(&tf, path, &po, 1000, err, sizeof(err)))
			return 0;
		struct arena a;
		arena_init(&a);
		while (trace_indexing(tf)) {
			size_t n = trace_nframes(tf);
			if (n) {
				const char *sum = NULL;
				trace_dissect_frame(tf, &a, n - 1, &sum);
				arena_reset(&a);
			}
			trace_index_more(tf, 1000);
		}
		arena_free(&a);
	} else if (trace_open(&tf, path, opts, err, sizeof(err))) {
		return 0;
	}
	FILE *f = fmemopen((void *)data, size, "rb");
	if (f && trace_open_file(&tm, f, "fuzz.pcap", opts, err, sizeof(err)) == 0) {
		compare(tf, tm);
		trace_close(tm);
	}
	fuzz_dissect_all(tf, max_nodes, FUZZ_SUMMARY);
	trace_close(tf);
	return 0;
}
