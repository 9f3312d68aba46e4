/*
 * test_tcp.c - TCP reassembly and NBSS framing on synthetic segment orders:
 * in order, split, reordered, duplicated, overlapping, gapped, mid-stream,
 * keep-alives, several PDUs per segment, sequence wrap-around.
 */
#include <stdlib.h>

#include "../dissect/trace.h"
#include "testutil.h"

#define DLT_RAW_IP 12

struct feed {
	struct trace *t;
	int64_t sec;
};

static void seg(struct feed *f, int to_server, uint32_t seq, uint8_t flags,
		const uint8_t *data, size_t len)
{
	uint8_t pkt[4096];
	size_t n = build_ipv4_tcp(pkt, to_server, seq, flags, data, len);

	trace_add_frame(f->t, DLT_RAW_IP, pkt, (uint32_t)n, f->sec++, 0);
}

static struct feed start(uint32_t cisn, uint32_t sisn)
{
	struct feed f = { trace_new("test", NULL), 1000 };

	seg(&f, 1, cisn, 0x02, NULL, 0);        /* SYN */
	seg(&f, 0, sisn, 0x12, NULL, 0);        /* SYN+ACK */
	seg(&f, 1, cisn + 1, 0x10, NULL, 0);    /* ACK */
	return f;
}

static uint64_t pdu_mid(struct pdu pdu)
{
	return pdu.len >= 4 + 28 ? (uint64_t)pdu.data[4 + 24] : 0xff;
}

static void test_in_order_and_two_per_segment(void)
{
	struct feed f = start(1000, 5000);
	uint8_t a[68], two[136];

	build_smb2(a, 0, 1, 0);
	seg(&f, 1, 1001, 0x18, a, 68);                  /* frame 4 */
	build_smb2(two, 5, 2, 0);
	build_smb2(two + 68, 6, 3, 0);
	seg(&f, 1, 1069, 0x18, two, 136);               /* frame 5 */
	trace_finish(f.t);
	CHECK_EQ(trace_npdus(f.t), 3);
	CHECK_EQ(trace_nframes(f.t), 2);
	CHECK_EQ(trace_pdu(f.t, 0).frame, 4);
	CHECK_EQ(trace_pdu(f.t, 0).frame_off, 40);
	CHECK_EQ(trace_pdu(f.t, 2).frame_off, 108);
	CHECK_EQ(trace_frame(f.t, 1).npdus, 2);
	CHECK_EQ(pdu_mid(trace_pdu(f.t, 2)), 3);
	CHECK(trace_pdu(f.t, 0).to_server);
	CHECK_EQ(trace_nstreams(f.t), 1);
	CHECK(strcmp(trace_stream(f.t, 0)->server, "10.0.0.1:445") == 0);
	trace_close(f.t);
}

static void test_split_reordered_duplicated(void)
{
	struct feed f = start(1000, 5000);
	uint8_t a[68];

	build_smb2(a, 8, 7, 0);
	seg(&f, 1, 1001 + 30, 0x18, a + 30, 20);       /* frame 4: middle, early */
	seg(&f, 1, 1001 + 30, 0x18, a + 30, 20);       /* frame 5: duplicate */
	seg(&f, 1, 1001, 0x18, a, 30);                 /* frame 6: head */
	CHECK_EQ(trace_npdus(f.t), 0);
	seg(&f, 1, 1001 + 20, 0x18, a + 20, 48);       /* frame 7: overlap + tail */
	seg(&f, 1, 1001, 0x18, a, 68);                 /* frame 8: retransmission */
	trace_finish(f.t);
	CHECK_EQ(trace_npdus(f.t), 1);
	const struct pdu p_rec = trace_pdu(f.t, 0), *p = &p_rec;
	CHECK_EQ(p->frame, 7);
	CHECK(p->flags & PDU_REASM);
	CHECK_EQ(p->frame_off, -1);
	CHECK(memcmp(p->data, a, 68) == 0);
	trace_close(f.t);
}

static void test_gap_resync(void)
{
	struct feed f = start(1000, 5000);
	uint8_t a[68], b[68];

	build_smb2(a, 5, 1, 0);
	build_smb2(b, 6, 2, 0);
	seg(&f, 1, 1001, 0x18, a, 30);                 /* frame 4: first part */
	/* bytes 30..67 of a are never captured */
	seg(&f, 1, 1001 + 68, 0x18, b, 68);            /* frame 5: next PDU */
	trace_finish(f.t);
	CHECK_EQ(trace_npdus(f.t), 2);
	CHECK(trace_pdu(f.t, 0).flags & PDU_INCOMPLETE);
	CHECK_EQ(trace_pdu(f.t, 0).len, 30);
	CHECK_EQ(trace_pdu(f.t, 0).wire_len, 68);
	CHECK(!(trace_pdu(f.t, 1).flags & PDU_INCOMPLETE));
	CHECK_EQ(pdu_mid(trace_pdu(f.t, 1)), 2);
	CHECK_EQ(trace_pdu(f.t, 1).frame, 5);
	trace_close(f.t);
}

static void test_midstream_keepalive_wrap(void)
{
	struct feed f = { trace_new("test", NULL), 1 };
	uint8_t buf[200], a[68];
	uint32_t seq = 0xffffffe0u; /* wraps inside the data */

	build_smb2(a, 5, 9, 1);
	memset(buf, 0x41, 20);                          /* tail of an unseen PDU */
	memcpy(buf + 20, a, 68);
	seg(&f, 0, seq, 0x18, buf, 88);                /* frame 1, no SYN seen */
	seg(&f, 0, seq + 87, 0x10, buf + 87, 1);       /* keep-alive style 1 byte */
	build_smb2(a, 6, 10, 1);
	seg(&f, 0, seq + 88, 0x18, a, 68);             /* frame 3, seq wrapped */
	trace_finish(f.t);
	/* As Wireshark: a segment that starts mid-PDU is continuation data to
	 * its end (the PDU after the tail is not looked for); framing resumes
	 * at the next segment starting with a header. */
	CHECK_EQ(trace_npdus(f.t), 2);
	CHECK(trace_pdu(f.t, 0).flags & PDU_CONT);
	CHECK_EQ(trace_pdu(f.t, 0).len, 88);
	CHECK_EQ(pdu_mid(trace_pdu(f.t, 1)), 10);
	CHECK_EQ(trace_pdu(f.t, 1).frame, 3);
	CHECK(!trace_pdu(f.t, 1).to_server);
	trace_close(f.t);
}

static void test_nbss_header_split(void)
{
	/* A 1-byte segment with only the NBSS type byte (seen in the wild):
	 * framing must wait, not give up. */
	struct feed f = start(1, 1);
	uint8_t a[68];

	build_smb2(a, 0, 4, 0);
	seg(&f, 1, 2, 0x18, a, 1);
	seg(&f, 1, 3, 0x18, a + 1, 67);
	trace_finish(f.t);
	CHECK_EQ(trace_npdus(f.t), 1);
	CHECK_EQ(trace_pdu(f.t, 0).frame, 5);
	CHECK_EQ(pdu_mid(trace_pdu(f.t, 0)), 4);
	trace_close(f.t);
}

static void test_port_reuse(void)
{
	struct feed f = start(100, 200);
	uint8_t a[68];

	build_smb2(a, 0, 1, 0);
	seg(&f, 1, 101, 0x18, a, 68);
	seg(&f, 1, 169, 0x11, NULL, 0); /* FIN */
	seg(&f, 1, 900000, 0x02, NULL, 0); /* new SYN, same 4-tuple */
	seg(&f, 1, 900001, 0x18, a, 68);
	trace_finish(f.t);
	CHECK_EQ(trace_nstreams(f.t), 2);
	CHECK_EQ(trace_npdus(f.t), 2);
	CHECK_EQ(trace_pdu(f.t, 1).stream, 1);
	trace_close(f.t);
}

int main(void)
{
	test_in_order_and_two_per_segment();
	test_split_reordered_duplicated();
	test_gap_resync();
	test_midstream_keepalive_wrap();
	test_nbss_header_split();
	test_port_reuse();
	if (test_failures)
		fprintf(stderr, "test_tcp: %d failures\n", test_failures);
	return test_failures != 0;
}
