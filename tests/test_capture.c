/*
 * test_capture.c - reading captures through libpcap: pcap with nanosecond
 * stamps, pcapng with two interfaces, link types (Ethernet with QinQ tags,
 * SLL, SLL2, NULL, raw IP), IPv6 with an extension header, and the errors
 * for a missing file, a non-capture file and a truncated capture.
 */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "../dissect/dissect.h"
#include "testutil.h"

static char tmpl[64];

static const char *tmpname(void)
{
	strcpy(tmpl, "/tmp/smbcmp-test-XXXXXX");
	int fd = mkstemp(tmpl);
	if (fd >= 0)
		close(fd);
	return tmpl;
}

/* One SMB2 request in one TCP segment after a handshake, for link type dlt
 * with the given link header. Returns frames written. */
static void write_pcap(const char *path, int dlt, const uint8_t *lh, size_t lhl)
{
	pcap_t *p = pcap_open_dead_with_tstamp_precision(dlt, 65535, PCAP_TSTAMP_PRECISION_NANO);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	uint8_t pkt[512], smb[68];
	struct pcap_pkthdr h;

	build_smb2(smb, 0, 1, 0);
	struct { int to; uint32_t seq; uint8_t fl; const uint8_t *d; size_t n; } segs[] = {
		{ 1, 10, 0x02, NULL, 0 }, { 0, 50, 0x12, NULL, 0 },
		{ 1, 11, 0x18, smb, 68 },
	};
	for (int i = 0; i < 3; i++) {
		if (lhl)
			memcpy(pkt, lh, lhl);
		size_t n = lhl + build_ipv4_tcp(pkt + lhl, segs[i].to, segs[i].seq,
						segs[i].fl, segs[i].d, segs[i].n);
		h.ts.tv_sec = 1510000000 + i;
		h.ts.tv_usec = 123456789; /* nanoseconds */
		h.caplen = h.len = (bpf_u_int32)n;
		pcap_dump((u_char *)d, &h, pkt);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void check_one(const char *what, int dlt, const uint8_t *lh, size_t lhl)
{
	const char *path = tmpname();
	struct trace *t;
	char err[256];

	write_pcap(path, dlt, lh, lhl);
	if (trace_open(&t, path, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", what, err);
		test_failures++;
		unlink(path);
		return;
	}
	if (trace_nframes(t) != 1 || trace_total_frames(t) != 3) {
		fprintf(stderr, "%s: frames %zu/%u\n", what, trace_nframes(t),
			trace_total_frames(t));
		test_failures++;
	} else {
		CHECK_EQ(trace_frame(t, 0).num, 3);
		CHECK_EQ(trace_frame(t, 0).nsec, 123456789);
		CHECK_EQ(trace_pdu(t, 0).frame_off, (long long)lhl + 40);
	}
	trace_close(t);
	unlink(path);
}

static void test_link_types(void)
{
	uint8_t eth[22] = { 0 };
	eth[12] = 0x88; eth[13] = 0xa8;          /* QinQ outer */
	eth[16] = 0x81; eth[17] = 0x00;          /* 802.1Q inner */
	eth[20] = 0x08; eth[21] = 0x00;
	check_one("ethernet+qinq", DLT_EN10MB, eth, 22);
	uint8_t sll[16] = { 0 };
	sll[14] = 0x08;
	check_one("sll", DLT_LINUX_SLL, sll, 16);
	uint8_t sll2[20] = { 0x08, 0x00 };
	check_one("sll2", 276, sll2, 20);
	uint8_t null[4] = { 2, 0, 0, 0 };
	check_one("null", DLT_NULL, null, 4);
	check_one("raw", DLT_RAW, NULL, 0);
}

static void test_pcapng_two_interfaces(void)
{
	/* SHB, two Ethernet IDBs (ns resolution on the second), EPBs. (Raw IP
	 * would trip libpcap 1.10, which compares LINKTYPE_RAW 101 with
	 * DLT_RAW 12 for the second interface.) */
	uint8_t f[1024];
	size_t n = 0;
	uint8_t shb[28] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
			    1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0 };
	memcpy(f, shb, 28);
	n = 28;
	for (int i = 0; i < 2; i++) {
		uint8_t idb[32] = { 1, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0,
				    9, 0, 1, 0, 9, 0, 0, 0, /* if_tsresol = 9 */
				    0, 0, 0, 0, 32, 0, 0, 0 };
		if (i == 0) /* first interface: default microseconds */
			idb[20] = 6;
		memcpy(f + n, idb, 32);
		n += 32;
	}
	uint8_t smb[68], pkt[256];
	build_smb2(smb, 0, 1, 0);
	struct { int to; uint32_t seq; uint8_t fl; const uint8_t *d; size_t n; int ifc; } segs[] = {
		{ 1, 10, 0x02, NULL, 0, 0 }, { 0, 50, 0x12, NULL, 0, 1 }, { 1, 11, 0x18, smb, 68, 1 },
	};
	for (int i = 0; i < 3; i++) {
		memset(pkt, 0, 14);
		pkt[12] = 0x08;
		size_t pl = 14 + build_ipv4_tcp(pkt + 14, segs[i].to, segs[i].seq, segs[i].fl, segs[i].d, segs[i].n);
		size_t padded = (pl + 3) & ~(size_t)3;
		uint32_t blen = (uint32_t)(32 + padded);
		uint8_t *b = f + n;
		memset(b, 0, blen);
		put_le32(b, 6);
		put_le32(b + 4, blen);
		put_le32(b + 8, (uint32_t)segs[i].ifc);
		uint64_t ts = segs[i].ifc ? 1510000000123456789ULL : 1510000000123456ULL;
		put_le32(b + 12, (uint32_t)(ts >> 32));
		put_le32(b + 16, (uint32_t)ts);
		put_le32(b + 20, (uint32_t)pl);
		put_le32(b + 24, (uint32_t)pl);
		memcpy(b + 28, pkt, pl);
		put_le32(b + blen - 4, blen);
		n += blen;
	}
	const char *path = tmpname();
	FILE *fp = fopen(path, "wb");
	fwrite(f, 1, n, fp);
	fclose(fp);
	struct trace *t;
	char err[256];
	if (trace_open(&t, path, NULL, err, sizeof(err))) {
		fprintf(stderr, "pcapng: %s\n", err);
		test_failures++;
	} else {
		CHECK_EQ(trace_nframes(t), 1);
		CHECK_EQ(trace_total_frames(t), 3);
		if (trace_nframes(t) == 1) {
			CHECK_EQ(trace_frame(t, 0).sec, 1510000000);
			CHECK_EQ(trace_frame(t, 0).nsec, 123456789);
		}
		trace_close(t);
	}
	unlink(path);
}

static void test_errors(void)
{
	struct trace *t;
	char err[256];

	CHECK(trace_open(&t, "/nonexistent/x.pcap", NULL, err, sizeof(err)) == -1);
	CHECK(strstr(err, "No such file") != NULL);

	const char *path = tmpname();
	FILE *fp = fopen(path, "wb");
	fputs("this is not a capture file at all\n", fp);
	fclose(fp);
	CHECK(trace_open(&t, path, NULL, err, sizeof(err)) == -1);
	CHECK(strstr(err, "not a pcap") != NULL);

	/* Truncated: a valid pcap cut inside its last packet opens with a
	 * warning; cut inside the file header it fails. */
	write_pcap(path, DLT_RAW, NULL, 0);
	fp = fopen(path, "rb");
	uint8_t buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	fp = fopen(path, "wb");
	fwrite(buf, 1, n - 10, fp);
	fclose(fp);
	CHECK(trace_open(&t, path, NULL, err, sizeof(err)) == 0);
	if (t) {
		CHECK(trace_warning(t) != NULL);
		trace_close(t);
	}
	fp = fopen(path, "wb");
	fwrite(buf, 1, 10, fp);
	fclose(fp);
	CHECK(trace_open(&t, path, NULL, err, sizeof(err)) == -1);
	unlink(path);
}

int main(void)
{
	test_link_types();
	test_pcapng_two_interfaces();
	test_errors();
	if (test_failures)
		fprintf(stderr, "test_capture: %d failures\n", test_failures);
	return test_failures != 0;
}
