/*
 * smb2_io.c - MS-SMB2 2.2.19/2.2.20 READ, 2.2.21/2.2.22 WRITE,
 * 2.2.26/2.2.27 LOCK, 2.2.28/2.2.29 ECHO, 2.2.30 CANCEL and
 * 2.2.23-2.2.25 OPLOCK_BREAK (oplock and lease forms).
 *
 * READ Request: 0 StructureSize(49) 2 Padding 3 Flags 4 Length 8 Offset
 *  16 FileId 32 MinimumCount 36 Channel 40 RemainingBytes
 *  44 ReadChannelInfoOffset(2) 46 Length(2) 48 Buffer
 * READ Response: 0 StructureSize(17) 2 DataOffset(1) 3 Reserved
 *   4 DataLength 8 DataRemaining 12 Reserved2 16 Buffer
 * WRITE Request: 0 StructureSize(49) 2 DataOffset(2) 4 Length 8 Offset
 *  16 FileId 32 Channel 36 RemainingBytes 40 WriteChannelInfoOffset(2)
 *  42 Length(2) 44 Flags 48 Buffer
 * WRITE Response: 0 StructureSize(17) 2 Reserved 4 Count 8 Remaining
 *  12 WriteChannelInfoOffset(2) 14 Length(2)
 * LOCK Request: 0 StructureSize(48) 2 LockCount 4 LockSequence 8 FileId
 *  24 Locks[]: Offset(8) Length(8) Flags(4) Reserved(4)
 * OPLOCK_BREAK: StructureSize 24 = oplock form (OplockLevel, Reserved,
 *  Reserved2, FileId); 36 = lease acknowledgment/response; 44 = lease
 *  break notification.
 *
 * Field order follows Wireshark's, which shows some fields before the ones
 * that precede them on the wire (READ response, LOCK elements).
 */
#include "smb2.h"

#define SMB2_MAX_LOCKS 1024

static const int read_flags_subs[] = { F_SMB2_READ_FLAGS_UNBUFFERED,
				       F_SMB2_READ_FLAGS_COMPRESSED, F_INVALID };
static const int write_flags_subs[] = { F_SMB2_WRITE_FLAGS_WRITE_THROUGH,
					F_SMB2_WRITE_FLAGS_UNBUFFERED, F_INVALID };
static const int lock_flags_subs[] = { F_SMB2_LOCK_FLAGS_SHARED,
				       F_SMB2_LOCK_FLAGS_EXCLUSIVE,
				       F_SMB2_LOCK_FLAGS_UNLOCK,
				       F_SMB2_LOCK_FLAGS_FAIL_IMMEDIATELY, F_INVALID };

/* The channel info blob (RDMA descriptors) at the olb, as one item. */
static void channel_info(struct dctx *d, struct node *body, struct cur *c,
			 const struct smb2_hdr *h, const struct smb2_olb *o)
{
	if (o->len == 0) {
		smb2_none(d, body, F_SMB2_CHANNEL_INFO_BLOB, cur_pos(c), 0,
			  "Channel Info Blob: NO DATA");
		return;
	}
	struct cur b = smb2_olb_cur(c, h, o);
	smb2_none(d, body, F_SMB2_CHANNEL_INFO_BLOB, cur_pos(&b),
		  (uint32_t)cur_left(&b), NULL);
}

void smb2_read_req(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	struct smb2_olb ci;

	smb2_buffer_code(d, body, c);
	r_uint(t, body, F_SMB2_READ_PADDING, c, 1);
	r_bitmask(t, body, F_SMB2_READ_FLAGS, c, 1, read_flags_subs);
	uint32_t len = (uint32_t)r_uint(t, body, F_SMB2_READ_LENGTH, c, 4);
	uint64_t off = r_uint(t, body, F_SMB2_FILE_OFFSET, c, 8);
	const char *name = smb2_fid(d, body, c, h);
	if (c->err)
		return;
	dctx_summary_more(d, " Len:%u Off:%llu", len, (unsigned long long)off);
	if (name)
		dctx_summary_more(d, " File: %s", name);
	r_uint(t, body, F_SMB2_MIN_COUNT, c, 4);
	r_uint(t, body, F_SMB2_CHANNEL, c, 4);
	r_uint(t, body, F_SMB2_REMAINING_BYTES, c, 4);
	smb2_olb_read(c, &ci, 2, 2);
	if (c->err)
		return;
	smb2_olb_nodes(d, body, &ci);
	channel_info(d, body, c, h, &ci);
}

void smb2_read_rsp(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	struct cur fixed = cur_split(c, 14);
	if (c->err)
		return;
	/* Wireshark: DataRemaining and Reserved2 first, then the olb. */
	struct cur tail = cur_sub(&fixed, fixed.off + 6, 8);
	r_uint(t, body, F_SMB2_READ_REMAINING, &tail, 4);
	r_bytes(t, body, F_SMB2_RESERVED, &tail, 4);
	struct smb2_olb data;
	data.off_pos = cur_pos(&fixed);
	data.off_size = 1;
	data.off = cur_u8(&fixed);
	t_uint(t, body, F_SMB2_OLB_OFFSET, data.off_pos, 1, data.off);
	r_bytes(t, body, F_SMB2_RESERVED, &fixed, 1);
	data.len_pos = cur_pos(&fixed);
	data.len_size = 4;
	data.len = cur_le32(&fixed);
	t_uint(t, body, F_SMB2_OLB_LENGTH, data.len_pos, 4, data.len);
	struct cur b = smb2_olb_cur(c, h, &data);
	size_t n = cur_left(&b);
	r_bytes(t, body, F_SMB2_READ_BLOB, &b, n);
}

void smb2_write_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;
	struct smb2_olb ci;

	smb2_buffer_code(d, body, c);
	uint32_t data_off = (uint32_t)r_uint(t, body, F_SMB2_DATA_OFFSET, c, 2);
	uint32_t len = (uint32_t)r_uint(t, body, F_SMB2_WRITE_LENGTH, c, 4);
	uint64_t off = r_uint(t, body, F_SMB2_FILE_OFFSET, c, 8);
	const char *name = smb2_fid(d, body, c, h);
	if (c->err)
		return;
	dctx_summary_more(d, " Len:%u Off:%llu", len, (unsigned long long)off);
	if (name)
		dctx_summary_more(d, " File: %s", name);
	r_uint(t, body, F_SMB2_CHANNEL, c, 4);
	r_uint(t, body, F_SMB2_REMAINING_BYTES, c, 4);
	smb2_olb_read(c, &ci, 2, 2);
	r_bitmask(t, body, F_SMB2_WRITE_FLAGS, c, 4, write_flags_subs);
	if (c->err)
		return;
	smb2_olb_nodes(d, body, &ci);
	channel_info(d, body, c, h, &ci);
	struct smb2_olb data = { .off = data_off, .len = len };
	struct cur b = smb2_olb_cur(c, h, &data);
	smb2_payload(d, body, &b, cur_left(&b));
}

void smb2_write_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	r_uint(t, body, F_SMB2_WRITE_COUNT, c, 4);
	r_uint(t, body, F_SMB2_WRITE_REMAINING, c, 4);
	r_uint(t, body, F_SMB2_CHANNEL_INFO_OFFSET, c, 2);
	r_uint(t, body, F_SMB2_CHANNEL_INFO_LENGTH, c, 2);
}

void smb2_lock_req(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	smb2_buffer_code(d, body, c);
	unsigned count = (unsigned)r_uint(t, body, F_SMB2_LOCK_COUNT, c, 2);
	r_bytes(t, body, F_SMB2_RESERVED, c, 4); /* LockSequenceNumber/Index */
	const char *name = smb2_fid(d, body, c, h);
	if (name)
		dctx_summary_more(d, " File: %s", name);
	for (unsigned i = 0; i < count && i < SMB2_MAX_LOCKS && !c->err; i++) {
		struct cur e = cur_split(c, 24);
		if (e.err) {
			t_malformed(t, body, cur_pos(&e), "lock element cut short");
			return;
		}
		struct node *li = smb2_none(d, body, F_SMB2_LOCK_INFO, cur_pos(&e), 24, "Lock Info");
		struct cur off = cur_split(&e, 8);
		r_uint(t, li, F_SMB2_LOCK_LENGTH, &e, 8);
		r_bitmask(t, li, F_SMB2_LOCK_FLAGS, &e, 4, lock_flags_subs);
		r_bytes(t, li, F_SMB2_RESERVED, &e, 4);
		/* Wireshark adds the offset after the element, beside it. */
		r_uint(t, body, F_SMB2_FILE_OFFSET, &off, 8);
	}
}

/* ECHO request and response: StructureSize(4) Reserved(2), the reserved
 * bytes shown as unknown. */
void smb2_echo(struct dctx *d, struct node *body, struct cur *c,
	       const struct smb2_hdr *h)
{
	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	r_bytes(&d->t, body, F_SMB2_UNKNOWN, c, 2);
}

/* LOCK response: the same layout as ECHO. */
void smb2_lock_rsp(struct dctx *d, struct node *body, struct cur *c,
		   const struct smb2_hdr *h)
{
	smb2_echo(d, body, c, h);
}

void smb2_cancel_req(struct dctx *d, struct node *body, struct cur *c,
		     const struct smb2_hdr *h)
{
	(void)h;
	smb2_buffer_code(d, body, c);
	r_bytes(&d->t, body, F_SMB2_UNKNOWN, c, 2);
}

/* Oplock break notification/acknowledgment/response (2.2.23.1, 2.2.24.1,
 * 2.2.25.1). */
static void break_oplock(struct dctx *d, struct node *body, struct cur *c,
			 const struct smb2_hdr *h)
{
	struct tctx *t = &d->t;

	r_uint(t, body, F_SMB2_CREATE_OPLOCK, c, 1);
	r_bytes(t, body, F_SMB2_RESERVED, c, 1);
	r_bytes(t, body, F_SMB2_RESERVED, c, 4);
	const char *name = smb2_fid(d, body, c, h);
	if (name)
		dctx_summary_more(d, " File: %s", name);
}

/* Lease break acknowledgment/response (2.2.24.2, 2.2.25.2). */
static void break_lease_ack(struct dctx *d, struct node *body, struct cur *c)
{
	struct tctx *t = &d->t;

	r_bytes(t, body, F_SMB2_RESERVED, c, 2);
	smb2_lease_flags(d, body, c);
	r_guid(t, body, F_SMB2_LEASE_LEASE_KEY, c);
	smb2_lease_state(d, body, c);
	r_uint(t, body, F_SMB2_LEASE_LEASE_DURATION, c, 8);
}

/* Lease break notification (2.2.23.2). */
static void break_lease_notify(struct dctx *d, struct node *body, struct cur *c)
{
	struct tctx *t = &d->t;

	body->label = "Lease Break Notification (0x12)";
	r_uint(t, body, F_SMB2_LEASE_LEASE_OPLOCK, c, 2); /* NewEpoch */
	smb2_lease_flags(d, body, c);
	r_guid(t, body, F_SMB2_LEASE_LEASE_KEY, c);
	smb2_lease_state(d, body, c);
	if (body->last)
		body->last->label = arena_printf(t->a, "Current %s", body->last->label);
	smb2_lease_state(d, body, c);
	if (body->last)
		body->last->label = arena_printf(t->a, "New %s", body->last->label);
	r_uint(t, body, F_SMB2_LEASE_LEASE_BREAK_REASON, c, 4);
	r_uint(t, body, F_SMB2_LEASE_ACCESS_MASK_HINT, c, 4);
	r_uint(t, body, F_SMB2_LEASE_SHARE_MASK_HINT, c, 4);
}

void smb2_break_req(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	uint16_t size = smb2_buffer_code(d, body, c);

	if (size == 24)
		break_oplock(d, body, c, h);
	else if (size == 36)
		break_lease_ack(d, body, c);
}

void smb2_break_rsp(struct dctx *d, struct node *body, struct cur *c,
		    const struct smb2_hdr *h)
{
	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	uint16_t size = smb2_buffer_code(d, body, c);

	if (size == 24)
		break_oplock(d, body, c, h);
	else if (size == 36)
		break_lease_ack(d, body, c);
	else if (size == 44)
		break_lease_notify(d, body, c);
}
