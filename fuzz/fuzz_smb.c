/*
 * fuzz_smb.c - the TCP/NBSS/SMB path, reached quickly: the fuzzer writes
 * TCP payloads only and the harness wraps each in fixed Ethernet/IPv4/TCP
 * headers between a client and port 445, so every mutation lands in
 * reassembly, NBSS framing, SMB1/SMB2/SMB3 or the security blobs.
 *
 * Input: a list of segments, each
 *   ctl   1 byte:  bit 0 direction (0 client->server, 1 server->client)
 *                  bits 1-2 connection (client port 49152 + n)
 *                  bit 3 SYN, bit 4 FIN, bit 5 RST
 *                  bit 6 seq moved back by `adj` (retransmission/overlap)
 *                  bit 7 seq moved ahead by `adj` (gap/out of order),
 *                        the expected sequence number is not advanced
 *   adj   1 byte when bit 6 or 7 is set
 *   len   2 bytes big-endian, then len bytes of payload (capped to the rest)
 *
 * Built a second time as fuzz_smbkeys (-DFUZZ_KEYS) with the keys of
 * captures/keys.txt and signkeys.txt and the recordings' password, so
 * SMB3 decryption, signature checks and NTLM key derivation run on the
 * seeds from the encrypted and signed captures and their mutations.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

#ifdef FUZZ_KEYS
#include <sys/mman.h>
#include <unistd.h>

#include "smb3keys.h"

static const char fuzz_key_lines[] =
	"encrypted_300.pcap a4698afb00000000 8944f295071bfabdea9da9d4851a69db dc5ea4c5c43e214f38cb19c7a4d807e0 a2d9383cd9d5b5eb7ab6558fd82b0095\n"
	"encrypted_302.pcap f5b8019b00000000 4b7e6b93bf87032e47edc68d9e840dfa b6e4b0a354a903c9922f4203fdc791e5 f12a2ce610d89f00b6912091e6f52e0f\n"
	"encrypted_311_aes128ccm.pcap d998667c00000000 2bdb08ddc6ed930e2894b187fe0d6706 0da3148f2c32c87a930e4ae86c4f731e 067ffc3ec9e48e4308adcdefdc082345\n"
	"encrypted_311_aes128gcm.pcap 1ebf0f0600000000 7a66c3fb459c81b923cf1bf0e101d26a 91dfee0e389dfd2653458830a3be0062 75c6bcaab8d6bad78cef9b26efe1d3a1\n"
	"encrypted_311_aes256ccm.pcap c031a26500000000 54fd67638b86fe1cf5e73608a5119b9e 16c27cda7c6c5ab0570e54d457983ad1d2e216fc01786902b625338dcb7f427d d2c2f4eb5573c5fba21f52f02e6907df1187e9e0ded04c5672ec87169751e257\n"
	"encrypted_311_aes256gcm.pcap 9b0ea95000000000 03d90dce8b98f45f569f9807b8feb86a b6840f01b5689ff997e762cb99e591ab8073a5c204afc858afac6d4577b40ad6 63ace7cab80d40d5c0ce16d285af0994277304f24a70b4b0f9b270bfefa37cd1\n"
	"impacket_encrypted.pcap 3a48f41c00000000 eb0bcc22e5e244de5bc7ce6764071d85 32794583f97f9b8cca019436ddf7e40c a20ecf3609b57f51040376f85fc7c9ab\n"
	"signed_300.pcap b36b6e1800000000 37f92165eed706611ce91711a4436d2e\n"
	"signed_302.pcap bb1fd6fd00000000 c335231b9cf5f644073dc8306686a46d\n"
	"signed_311.pcap 68add72100000000 2bfffe18f08cd0643fc40ce1df1827dd\n"
	"encrypted_300.pcap a4698afb00000000 b6c2adb1ce7b45752c8f71043d296a76\n"
	"encrypted_302.pcap f5b8019b00000000 e00d50a3ec858905f507ecdd61a46889\n"
	"encrypted_311_aes128ccm.pcap d998667c00000000 c157a3ca8d8784472db36c0bce6ce9cf\n"
	"encrypted_311_aes128gcm.pcap 1ebf0f0600000000 84103399e559b3e3465b53eef493a582\n"
	"encrypted_311_aes256ccm.pcap c031a26500000000 a108f94b32fa201d5cd23b382e20d349\n"
	"encrypted_311_aes256gcm.pcap 9b0ea95000000000 c210d5de71b48d9d2370289ab99ff914\n"
	"signed_300.pcap b36b6e1800000000 6b2205f9db0dbe0c0067ea6228ccab7c\n"
	"signed_302.pcap bb1fd6fd00000000 d89fdb4b7e65ef894532e68c348c72da\n"
	"signed_311.pcap 68add72100000000 5c604e44f27b8dbfecf524b50f144624\n"
;

/* The keyring, made once (harness state, kept for the process). */
static const struct smb_keyring *fuzz_keys(void)
{
	static struct keyopts k;
	static bool made;
	char path[64], err[256];

	if (made)
		return keys_ring(&k);
	made = true;
	keys_init(&k);
	int fd = memfd_create("fuzzkeys", 0);
	if (fd < 0 || write(fd, fuzz_key_lines, sizeof(fuzz_key_lines) - 1) < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (keys_add_file(&k, path, err, sizeof(err)) ||
	    keys_add_password(&k, "smbuser:smbpass123", err, sizeof(err))) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	close(fd);
	return keys_ring(&k);
}
#endif

#define NCONN 4

static size_t build(uint8_t *pkt, int dir, int conn, uint32_t seq,
		    uint8_t flags, const uint8_t *data, size_t len)
{
	static const uint8_t cmac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t smac[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t cip[4] = { 10, 0, 0, 1 }, sip[4] = { 10, 0, 0, 2 };
	uint16_t cport = (uint16_t)(49152 + conn), sport = 445;
	size_t iplen = 20 + 20 + len;

	memcpy(pkt, dir ? cmac : smac, 6);
	memcpy(pkt + 6, dir ? smac : cmac, 6);
	pkt[12] = 0x08;
	pkt[13] = 0x00;
	uint8_t *ip = pkt + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, dir ? sip : cip, 4);
	memcpy(ip + 16, dir ? cip : sip, 4);
	uint8_t *tcp = ip + 20;
	memset(tcp, 0, 20);
	uint16_t sp = dir ? sport : cport, dp = dir ? cport : sport;
	tcp[0] = (uint8_t)(sp >> 8);
	tcp[1] = (uint8_t)sp;
	tcp[2] = (uint8_t)(dp >> 8);
	tcp[3] = (uint8_t)dp;
	tcp[4] = (uint8_t)(seq >> 24);
	tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8);
	tcp[7] = (uint8_t)seq;
	tcp[12] = 0x50;
	tcp[13] = flags;
	memcpy(tcp + 20, data, len);
	return 14 + iplen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[14 + 40 + 65535];
	uint32_t next[NCONN][2];
	struct trace_opts opts = { 0 };
#ifdef FUZZ_KEYS
	opts.keys = fuzz_keys();
#endif
	struct trace *t = trace_new("fuzz", &opts);
	size_t off = 0;
	int64_t sec = 1000;

	for (int i = 0; i < NCONN; i++) {
		next[i][0] = 1000u + (uint32_t)i * 0x1000000u;
		next[i][1] = 0x80000000u + (uint32_t)i * 0x1000000u;
	}
	while (off + 3 <= size) {
		uint8_t ctl = data[off++];
		uint32_t adj = 0;
		if (ctl & 0xc0)
			adj = data[off++];
		if (off + 2 > size)
			break;
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		int dir = ctl & 1, conn = (ctl >> 1) & 3;
		uint8_t flags = (uint8_t)(0x10 | ((ctl & 8) ? 0x02 : 0) |
					  ((ctl & 16) ? 0x01 : 0) | ((ctl & 32) ? 0x04 : 0));
		uint32_t *nx = &next[conn][dir];
		uint32_t seq = *nx;
		if (ctl & 0x40)
			seq -= adj;
		if (ctl & 0x80)
			seq += adj;
		if (ctl & 8) {
			flags = dir ? 0x12 : 0x02;
			seq = *nx - 1;
		}
		size_t n = build(pkt, dir, conn, seq, flags, data + off, len);
		trace_add_frame(t, DLT_EN10MB, pkt, (uint32_t)n, sec++, 0);
		if (!(ctl & 0x80) && !(ctl & 8))
			*nx = seq + (uint32_t)len;
		off += len;
	}
	trace_finish(t);
	fuzz_dissect_all(t, 200000, FUZZ_FACTS);
	trace_close(t);
	return 0;
}
