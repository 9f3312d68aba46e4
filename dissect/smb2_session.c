/*
 * smb2_session.c - MS-SMB2 2.2.5/2.2.6 SESSION_SETUP, 2.2.7/2.2.8 LOGOFF,
 * 2.2.9/2.2.10 TREE_CONNECT, 2.2.11/2.2.12 TREE_DISCONNECT.
 *
 * SESSION_SETUP Request: 0 StructureSize(25) 2 Flags 3 SecurityMode
 *   4 Capabilities 8 Channel 12 SecurityBufferOffset(2) 14 Length(2)
 *   16 PreviousSessionId 24 Buffer
 * SESSION_SETUP Response: 0 StructureSize(9) 2 SessionFlags
 *   4 SecurityBufferOffset(2) 6 Length(2) 8 Buffer
 * TREE_CONNECT Request: 0 StructureSize(9) 2 Flags 4 PathOffset(2)
 *   6 PathLength(2) 8 Buffer
 * TREE_CONNECT Response: 0 StructureSize(16) 2 ShareType 3 Reserved
 *   4 ShareFlags 8 Capabilities 12 MaximalAccess
 *
 * The security blob is shown as smb2.security_blob and handed, as exactly
 * its own window, to gssapi_dissect().
 */
#include "smb2.h"

/* smb2.security_blob at the olb, with the GSS-API tree under it. */
static void security_blob(struct dctx *d, struct node *body, struct cur *c,
			  const struct smb2_hdr *h, const struct smb2_olb *o)
{
	struct tctx *t = &d->t;

	if (o->len == 0) {
		t_bytes(t, body, F_SMB2_SECURITY_BLOB, cur_pos(c), NULL, 0);
		return;
	}
	struct cur b = smb2_olb_cur(c, h, o);
	size_t n = cur_left(&b);
	struct node *bn = t_bytes(t, body, F_SMB2_SECURITY_BLOB, cur_pos(&b),
				  cur_peek(&b, n), (uint32_t)n);
	if (b.err)
		t_malformed(t, bn, cur_pos(&b) + (uint32_t)n, "security blob past the message end");
	struct cur sub = cur_sub(&b, b.start, n);
	if (n)
		gssapi_dissect(d, bn, &sub);
}

void smb2_session_setup_req(struct dctx *d, struct node *body, struct cur *c,
			    const struct smb2_hdr *h)
{
	static const int flag_subs[] = { F_SMB2_SES_REQ_FLAGS_SESSION_BINDING, F_INVALID };
	struct tctx *t = &d->t;
	struct smb2_olb blob;

	smb2_buffer_code(d, body, c);
	r_bitmask(t, body, F_SMB2_SES_REQ_FLAGS, c, 1, flag_subs);
	smb2_sec_mode(d, body, c);
	smb2_capabilities(d, body, c);
	r_uint(t, body, F_SMB2_CHANNEL, c, 4);
	smb2_olb_read(c, &blob, 2, 2);
	r_uint(t, body, F_SMB2_PREVIOUS_SESID, c, 8);
	if (c->err)
		return;
	smb2_olb_nodes(d, body, &blob);
	security_blob(d, body, c, h, &blob);
}

void smb2_session_setup_rsp(struct dctx *d, struct node *body, struct cur *c,
			    const struct smb2_hdr *h)
{
	static const int flag_subs[] = { F_SMB2_SES_FLAGS_GUEST, F_SMB2_SES_FLAGS_NULL,
					 F_SMB2_SES_FLAGS_ENCRYPT, F_INVALID };
	struct tctx *t = &d->t;
	struct smb2_olb blob;

	/* Wireshark shows the response body whatever the status. */
	smb2_buffer_code(d, body, c);
	r_bitmask(t, body, F_SMB2_SESSION_FLAGS, c, 2, flag_subs);
	smb2_olb_read(c, &blob, 2, 2);
	if (c->err)
		return;
	smb2_olb_nodes(d, body, &blob);
	security_blob(d, body, c, h, &blob);
}

/* LOGOFF request and response: StructureSize(4) Reserved(2); Wireshark
 * shows the reserved bytes of the response only. */
void smb2_logoff(struct dctx *d, struct node *body, struct cur *c,
		 const struct smb2_hdr *h)
{
	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	if (h->response)
		r_bytes(&d->t, body, F_SMB2_RESERVED, c, 2);
}

void smb2_tree_connect_req(struct dctx *d, struct node *body, struct cur *c,
			   const struct smb2_hdr *h)
{
	static const int flag_subs[] = { F_SMB2_TC_CLUSTER_RECONNECT,
					 F_SMB2_TC_REDIRECT_TO_OWNER,
					 F_SMB2_TC_EXTENSION_PRESENT,
					 F_SMB2_TC_RESERVED, F_INVALID };
	struct tctx *t = &d->t;
	struct smb2_olb path;

	smb2_buffer_code(d, body, c);
	r_bitmask(t, body, F_SMB2_TC_FLAGS, c, 2, flag_subs);
	smb2_olb_read(c, &path, 2, 2);
	if (c->err)
		return;
	const char *tree = smb2_olb_string(d, body, c, h, &path, F_SMB2_TREE);
	dctx_summary_more(d, " Tree: %s", tree);
}

void smb2_tree_connect_rsp(struct dctx *d, struct node *body, struct cur *c,
			   const struct smb2_hdr *h)
{
	static const int flag_subs[] = {
		F_SMB2_SHARE_FLAGS_DFS, F_SMB2_SHARE_FLAGS_DFS_ROOT,
		F_SMB2_SHARE_FLAGS_RESTRICT_EXCLUSIVE_OPENS,
		F_SMB2_SHARE_FLAGS_FORCE_SHARED_DELETE,
		F_SMB2_SHARE_FLAGS_ALLOW_NAMESPACE_CACHING,
		F_SMB2_SHARE_FLAGS_ACCESS_BASED_DIR_ENUM,
		F_SMB2_SHARE_FLAGS_FORCE_LEVELII_OPLOCK,
		F_SMB2_SHARE_FLAGS_ENABLE_HASH_V1, F_SMB2_SHARE_FLAGS_ENABLE_HASH_V2,
		F_SMB2_SHARE_FLAGS_ENCRYPT_DATA, F_SMB2_SHARE_FLAGS_IDENTITY_REMOTING,
		F_SMB2_SHARE_FLAGS_COMPRESS_DATA, F_INVALID
	};
	static const int caps_subs[] = {
		F_SMB2_SHARE_CAPS_DFS, F_SMB2_SHARE_CAPS_CONTINUOUS_AVAILABILITY,
		F_SMB2_SHARE_CAPS_SCALEOUT, F_SMB2_SHARE_CAPS_CLUSTER,
		F_SMB2_SHARE_CAPS_ASSYMETRIC, F_SMB2_SHARE_CAPS_REDIRECT_TO_OWNER,
		F_INVALID
	};
	struct tctx *t = &d->t;

	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	r_uint(t, body, F_SMB2_SHARE_TYPE, c, 1);
	r_bytes(t, body, F_SMB2_RESERVED, c, 1);
	uint32_t pos = cur_pos(c);
	uint32_t flags = (uint32_t)r_bitmask(t, body, F_SMB2_SHARE_FLAGS, c, 4, flag_subs);
	if (!c->err && body->last) {
		/* Caching policy: bits 4-5, shown unshifted. */
		t_uint(t, body->last, F_SMB2_SHARE_CACHING, pos, 4, flags & 0x30);
	}
	r_bitmask(t, body, F_SMB2_SHARE_CAPS, c, 4, caps_subs);
	smb2_access_mask(d, body, c);
}

/* TREE_DISCONNECT request and response: StructureSize(4) Reserved(2). */
void smb2_tree_disconnect(struct dctx *d, struct node *body, struct cur *c,
			  const struct smb2_hdr *h)
{
	if (smb2_is_error_rsp(h)) {
		smb2_error_rsp(d, body, c, h);
		return;
	}
	smb2_buffer_code(d, body, c);
	r_bytes(&d->t, body, F_SMB2_RESERVED, c, 2);
}
