/*
 * nbss.c - NetBIOS Session Service (RFC 1002 4.3) header and the SMB
 * payload dispatch. Framing itself is done in tcp.c; here the tree.
 *
 *   0      1      2      3
 *   type   flags  length (16 bits, flags bit 0 = +65536)
 *   type=0 length (24 bits) for session messages
 */
#include <stdio.h>
#include <string.h>

#include "dctx.h"
#include "tcp.h"

static const char *nb_suffix_name(uint8_t s)
{
	switch (s) {
	case 0x00: return "Workstation/Redirector";
	case 0x03: return "Messenger service/Main name";
	case 0x1b: return "Domain Master Browser";
	case 0x1c: return "Domain Controllers";
	case 0x1d: return "Local Master Browser";
	case 0x1e: return "Browser Election Service";
	case 0x20: return "Server service";
	default: return "Unknown";
	}
}

/* RFC 1001 first-level encoded name: length byte 32, 32 letters 'A'+nibble,
 * then scope labels ending in 0. Adds field fid. */
static void nb_name(struct dctx *d, struct node *parent, int fid, struct cur *c)
{
	uint32_t pos = cur_pos(c);
	uint8_t len = cur_u8(c);
	const uint8_t *p = cur_take(c, len);
	char name[17];
	size_t n = 0;

	if (!p || len != 32) {
		t_malformed(&d->t, parent, pos, "bad NetBIOS name");
		return;
	}
	for (int i = 0; i < 32; i += 2) {
		uint8_t hi = (uint8_t)(p[i] - 'A'), lo = (uint8_t)(p[i + 1] - 'A');
		if (hi > 15 || lo > 15) {
			t_malformed(&d->t, parent, pos, "bad NetBIOS name encoding");
			return;
		}
		name[n++] = (char)(hi << 4 | lo);
	}
	uint8_t suffix = (uint8_t)name[15];
	size_t end = 15;
	while (end > 0 && name[end - 1] == ' ')
		end--;
	char show[64], clean[16];
	for (size_t i = 0; i < end; i++)
		clean[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? name[i] : '.';
	clean[end] = '\0';
	/* Scope labels, if any. */
	for (int guard = 0; guard < 64; guard++) {
		uint8_t l = cur_u8(c);
		if (c->err || l == 0)
			break;
		cur_skip(c, l);
	}
	snprintf(show, sizeof(show), "%s<%02x>", clean, suffix);
	char label[96];
	snprintf(label, sizeof(label), "%s (%s)", show, nb_suffix_name(suffix));
	struct node *nd = t_custom(&d->t, parent, fid, pos, (uint32_t)(cur_pos(c) - pos),
				   show, label);
	(void)nd;
}

void nbss_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	const struct pdu *pdu = d->pdu;
	struct tctx *t = &d->t;
	uint32_t start = cur_pos(c);
	int items = d->sum_items;
	const char *what = NULL; /* the label of a message nothing else labels */
	struct node *nb = t_proto(t, parent, F_NBSS, start, (uint32_t)cur_left(c));

	if (pdu->flags & PDU_REASM)
		nb->flags |= N_REASM;
	if (pdu->flags & PDU_CONT) {
		r_bytes(t, nb, F_NBSS_CONTINUATION_DATA, c, cur_left(c));
		dctx_summary(d, "NBSS Continuation Message");
		return;
	}
	const uint8_t *h = cur_peek(c, 4);
	if (!h) {
		t_malformed(t, nb, start, "NBSS header cut short");
		dctx_summary(d, pdu->flags & PDU_INCOMPLETE ? "NBSS [incomplete: bytes lost in capture]"
							    : "NBSS [cut short]");
		return;
	}
	uint8_t type = h[0];
	r_uint(t, nb, F_NBSS_TYPE, c, 1);
	if (type != 0x00) {
		static const int flag_subs[] = { F_NBSS_FLAGS_E, F_INVALID };
		r_bitmask(t, nb, F_NBSS_FLAGS, c, 1, flag_subs);
		cur_seek(c, c->off - 1);
	}
	uint32_t len = nbss_len(h);
	t_uint(t, nb, F_NBSS_LENGTH, cur_pos(c), 3, len);
	cur_skip(c, 3);
	if (pdu->flags & PDU_INCOMPLETE) {
		struct node *n = tree_add(t, nb, field_name(F_SMBCMP_INCOMPLETE),
					  "Incomplete PDU: bytes lost in capture", "",
					  cur_pos(c), 0);
		n->field = F_SMBCMP_INCOMPLETE;
		n->flags |= N_GENERATED | N_MALFORMED;
	}
	if (pdu->flags & PDU_TRUNC) {
		const char *l = arena_printf(t->a, "PDU cut by a memory limit: %u of "
					     "%u bytes kept", pdu->len, pdu->wire_len);
		struct node *n = tree_add(t, nb, field_name(F_SMBCMP_LIMIT), l,
					  "", cur_pos(c), 0);
		n->field = F_SMBCMP_LIMIT;
		n->flags |= N_GENERATED;
	}
	nb->size = (uint32_t)(4 + cur_left(c));
	switch (type) {
	case 0x00: {
		const uint8_t *m = cur_peek(c, 4);
		if (len == 0)
			break;
		if (!m) {
			t_malformed(t, nb, cur_pos(c), "payload shorter than NBSS length");
			dctx_summary(d, pdu->flags & PDU_INCOMPLETE
				     ? "Session message [incomplete: bytes lost in capture]"
				     : "Session message [cut short]");
			break;
		}
		if (m[0] == 0xff && m[1] == 'S' && m[2] == 'M' && m[3] == 'B') {
			what = "SMB";
			smb1_dissect(d, parent, c);
		} else if ((m[0] == 0xfe || m[0] == 0xfd || m[0] == 0xfc) &&
			   m[1] == 'S' && m[2] == 'M' && m[3] == 'B') {
			what = "SMB2";
			smb2_dissect(d, parent, c);
		} else {
			dctx_summary(d, "Session message");
		}
		break;
	}
	case 0x81:
		nb_name(d, nb, F_NBSS_CALLED_NAME, c);
		nb_name(d, nb, F_NBSS_CALLING_NAME, c);
		dctx_summary(d, "Session request");
		break;
	case 0x82:
		dctx_summary(d, "Positive session response");
		break;
	case 0x83:
		r_uint(t, nb, F_NBSS_ERROR_CODE, c, 1);
		dctx_summary(d, "Negative session response");
		break;
	case 0x84: {
		uint32_t pos = cur_pos(c);
		const uint8_t *ip = cur_take(c, 4);
		if (ip) {
			char s[16];
			snprintf(s, sizeof(s), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
			t_custom(t, nb, F_NBSS_RETARGET_IP_ADDRESS, pos, 4, s, NULL);
		}
		r_uint_be(t, nb, F_NBSS_RETARGET_PORT, c, 2);
		dctx_summary(d, "Retarget session response");
		break;
	}
	case 0x85:
		dctx_summary(d, "NBSS Session Keep Alive");
		break;
	default:
		what = arena_printf(t->a, "NBSS message of unknown type 0x%02x", type);
		break;
	}
	/* Never an empty Info column: an SMB message cut before its command
	 * is known, an empty session message, an unknown type (tshark labels
	 * them too). */
	if (d->sum_items == items)
		dctx_summary(d, "%s%s", what ? what : "Session message",
			     pdu->flags & PDU_INCOMPLETE ? " [incomplete: bytes lost in capture]"
			     : pdu->flags & PDU_TRUNC ? " [cut short]" : "");
	if (c->err && !(pdu->flags & (PDU_INCOMPLETE | PDU_TRUNC)))
		t_malformed(t, nb, cur_pos(c), "NBSS message cut short");
}

/*
 * NetBIOS datagram (RFC 1002 4.4.1): type, flags, id, source IP and port,
 * length, offset, then source and destination names, then the user data —
 * here an SMB mailslot message. Only the SMB part is dissected field by
 * field; the header is shown as text.
 */
void nbdgm_dissect(struct dctx *d, struct node *parent, struct cur *c)
{
	struct tctx *t = &d->t;
	uint32_t start = cur_pos(c);
	struct node *nb = t_proto(t, parent, F_NBDGM, start, (uint32_t)cur_left(c));
	uint8_t type = cur_u8(c);

	t_text(t, nb, start, 1, "Message Type: %s datagram (%u)",
	       type == 0x10 ? "Direct_unique" : type == 0x11 ? "Direct_group"
							     : "Broadcast", type);
	cur_skip(c, 13);
	for (int i = 0; i < 2 && !c->err; i++) {
		uint32_t pos = cur_pos(c);
		for (int labels = 0; labels < 64; labels++) {
			uint8_t l = cur_u8(c);
			if (c->err || l == 0)
				break;
			cur_skip(c, l);
		}
		t_text(t, nb, pos, cur_pos(c) - pos, i ? "Destination name" : "Source name");
	}
	if (c->err) {
		t_malformed(t, nb, cur_pos(c), "NetBIOS datagram header cut short");
		return;
	}
	nb->size = cur_pos(c) - start;
	smb1_dissect(d, parent, c);
}
