/*
 * failures.c - failures first (FK_FAILURE): every aligned operation whose
 * outcome differs (success against error, two different errors, an answer
 * against none; an interim STATUS_PENDING counts by its final status), and
 * every error without a counterpart, worded with the request fields that
 * explain it. Sets F->first_failure.
 *
 * Outcomes that are part of normal work are not errors:
 * STATUS_MORE_PROCESSING_REQUIRED (a logon round trip), warnings
 * (STATUS_NO_MORE_FILES, STATUS_BUFFER_OVERFLOW), informational statuses.
 */
#include <string.h>

#include "findings.h"

#define STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u

/* An outcome: final status, or none when the request got no answer. */
struct outcome {
	bool answered;
	uint32_t status;
};

static struct outcome outcome_of(const struct op *o)
{
	return (struct outcome){ o->rsp_frame != OP_NONE, o->status };
}

static bool failed(struct outcome x)
{
	return !x.answered ||
	       (fnd_is_error(x.status) && x.status != STATUS_MORE_PROCESSING_REQUIRED);
}

static const char *outcome_text(struct findings *F, struct outcome x)
{
	return x.answered ? fnd_status(F, x.status) : "no response";
}

/* Requests the protocol does not answer: not "no response". */
static bool unanswered_by_design(const struct op *o)
{
	if (o->proto == OP_SMB2)
		return o->cmd == 12; /* CANCEL */
	if (o->proto == OP_SMB1)
		return o->cmd == 0xa4 || /* NT_CANCEL */
		       o->cmd == 0x26 || o->cmd == 0x33 || o->cmd == 0xa1; /* secondaries */
	return o->proto == OP_RPC;
}

/*
 * Negative answers to probes, which clients send expecting them: an
 * operation on one side only answered so is a round trip of its own
 * (patterns.c), not a failure. One row per rule.
 */
static const struct probe {
	uint8_t proto;
	uint16_t cmd;
	const char *sub;  /* op_sub_name(), NULL: any */
	uint32_t status;
} probes[] = {
	{ OP_SMB2, 11, "FSCTL_DFS_GET_REFERRALS", 0xc0000225 },     /* NOT_FOUND */
	{ OP_SMB2, 11, "FSCTL_DFS_GET_REFERRALS", 0xc000019c },     /* FS_DRIVER_REQUIRED */
	{ OP_SMB2, 11, "FSCTL_DFS_GET_REFERRALS_EX", 0xc0000225 },
	{ OP_SMB2, 11, "FSCTL_SRV_ENUMERATE_SNAPSHOTS", 0xc0000010 }, /* INVALID_DEVICE_REQUEST */
	{ OP_SMB2, 11, "FSCTL_SRV_ENUMERATE_SNAPSHOTS", 0xc00000bb }, /* NOT_SUPPORTED */
	{ OP_SMB2, 11, "FSCTL_GET_REPARSE_POINT", 0xc0000275 },      /* NOT_A_REPARSE_POINT */
	{ OP_SMB2, 11, "FSCTL_QUERY_NETWORK_INTERFACE_INFO", 0xc00000bb },
	{ OP_SMB2, 11, "FSCTL_VALIDATE_NEGOTIATE_INFO", 0xc00000bb },
	{ OP_SMB2, 8, NULL, 0xc0000011 },                           /* READ: END_OF_FILE */
	{ OP_SMB2, 14, NULL, 0xc000000f },                          /* FIND: NO_SUCH_FILE */
	{ OP_SMB1, 0x32, "GET_DFS_REFERRAL", 0xc0000225 },
	{ OP_SMB1, 0x32, "GET_DFS_REFERRAL", 0xc000019c },
	{ OP_SMB1, 0xa0, "NT_IOCTL", 0xc0000010 },
	{ OP_SMB1, 0x2e, NULL, 0xc0000011 },                        /* READ_ANDX: END_OF_FILE */
	{ OP_SMB1, 0x32, "FIND_FIRST2", 0xc000000f },
};

/* Whether o failed with the answer to a probe. */
bool fnd_probe_answer(struct findings *F, const struct op *o)
{
	const char *sub = op_sub_name(&F->a, o);
	for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
		const struct probe *p = &probes[k];
		if (p->proto == o->proto && p->cmd == o->cmd && p->status == o->status &&
		    (!p->sub || (sub && !strcmp(sub, p->sub))))
			return true;
	}
	return false;
}

static void one_sided(struct findings *F, size_t i, int side);

static void aligned(struct findings *F, size_t i)
{
	const struct dentry *e = &F->d->e[i];
	const struct op *oa = &F->s[0]->ops[e->op[0]], *ob = &F->s[1]->ops[e->op[1]];
	if (oa->req_frame == OP_NONE || ob->req_frame == OP_NONE ||
	    (oa->flags | ob->flags) & (OP_ENCRYPTED | OP_UNSOLICITED))
		return;
	if (oa->key->hash[1] != ob->key->hash[1]) { /* different subcommands: two operations */
		one_sided(F, i, 0);
		one_sided(F, i, 1);
		return;
	}
	struct outcome xa = outcome_of(oa), xb = outcome_of(ob);
	if (xa.answered == xb.answered && xa.status == xb.status)
		return;
	if (!failed(xa) && !failed(xb))
		return; /* success against a warning: a change, not a failure */
	if ((!xa.answered && unanswered_by_design(oa)) || (!xb.answered && unanswered_by_design(ob)))
		return;
	const char *why = fnd_explain(F, i, true);
	const char *na = fnd_opname(F, 0, e->op[0]), *nb = fnd_opname(F, 1, e->op[1]);
	struct finding *x;
	if (!strcmp(na, nb))
		x = finding_new(F, FK_FAILURE, "outcome", "#%zu %s: A %s, B %s%s%s", i, na,
				outcome_text(F, xa), outcome_text(F, xb), why ? " — A " : "",
				why ? why : "");
	else
		x = finding_new(F, FK_FAILURE, "outcome", "#%zu A %s: %s; B %s: %s%s%s", i, na,
				outcome_text(F, xa), nb, outcome_text(F, xb), why ? " — A " : "",
				why ? why : "");
	finding_entry(F, x, i);
	finding_field(F, x, oa->proto == OP_SMB1 ? "smb.nt_status" : "smb2.nt_status",
		      outcome_text(F, xa), outcome_text(F, xb));
	if (F->first_failure == SIZE_MAX)
		F->first_failure = i;
}

static void one_sided(struct findings *F, size_t i, int side)
{
	const struct dentry *e = &F->d->e[i];
	const struct op *o = &F->s[side]->ops[e->op[side]];
	if (o->req_frame == OP_NONE || o->flags & (OP_ENCRYPTED | OP_UNSOLICITED))
		return;
	struct outcome x = outcome_of(o);
	if (!x.answered || !failed(x) || fnd_probe_answer(F, o)) /* unanswered: the
		state checks say it; probes: patterns.c */
		return;
	struct finding *f;
	if (e->op[!side] == OP_NONE)
		f = finding_new(F, FK_FAILURE, "error_only", "#%zu only in %c: %s: %s", i,
				side ? 'B' : 'A', fnd_opname(F, side, e->op[side]),
				outcome_text(F, x));
	else
		f = finding_new(F, FK_FAILURE, "error_only", "#%zu %c %s: %s (%c: %s instead)",
				i, side ? 'B' : 'A', fnd_opname(F, side, e->op[side]),
				outcome_text(F, x), side ? 'A' : 'B',
				fnd_opname(F, !side, e->op[!side]));
	finding_entry(F, f, i);
	finding_field(F, f, o->proto == OP_SMB1 ? "smb.nt_status" : "smb2.nt_status",
		      side ? NULL : outcome_text(F, x), side ? outcome_text(F, x) : NULL);
	if (F->first_failure == SIZE_MAX)
		F->first_failure = i;
}

void failures_pass(struct findings *F)
{
	for (size_t i = 0; i < F->d->n; i++) {
		const struct dentry *e = &F->d->e[i];
		switch (e->status) {
		case DS_EQUAL:
		case DS_CHANGED:
			aligned(F, i);
			break;
		case DS_ONLY_A:
			one_sided(F, i, 0);
			break;
		case DS_ONLY_B:
			one_sided(F, i, 1);
			break;
		default:
			break;
		}
	}
}
