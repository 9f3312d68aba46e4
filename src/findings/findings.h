/*
 * findings.h - what really differs between two traces, ranked.
 *
 * The findings layer reads the exact result of the diff (operations,
 * alignment, field differences: diff.h) and writes its own: a list of
 * findings, each one line in protocol terms with the operations, frames
 * and fields that prove it, ranked by what a developer must fix first,
 * and an interpreted status per aligned entry (an operation whose only
 * differences are systematic ones is "similar"). It never changes what the
 * exact layer says: every difference it rolls up is named in a finding.
 *
 * Passes, run in this order by findings_diff() (each in its own file):
 *   profile.c    the session profile side by side (rows, not findings)
 *   failures.c   aligned operations whose outcome differs,
 *                errors with no counterpart                    FK_FAILURE
 *   diagnose.c   diagnoses at the first failure (no common dialect,
 *                logon failure, access denied...)              FK_DIAGNOSIS
 *   check.c      state checks on each trace (ids no response
 *                issued, leaks, double close, use after close,
 *                message ids, unanswered requests...)          FK_MISUSE
 *   systematic.c one field change repeated on many operations  FK_SYSTEMATIC
 *   patterns.c   behaviour: I/O per open, extra round trips,
 *                reconnects, retries, runs of one-sided ops    FK_PATTERN
 * findings_check() runs check.c (and the profile of one trace) alone.
 *
 * Memory: everything lives in the findings' arena; findings_free() frees it.
 */
#ifndef SMBCMP_FINDINGS_H
#define SMBCMP_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff.h"

/* Kinds, in rank order: a lower kind is listed first. */
enum fkind {
	FK_DIAGNOSIS,  /* why the first failure happens */
	FK_FAILURE,    /* outcome differs / error without counterpart */
	FK_MISUSE,     /* state check failed on one trace */
	FK_SYSTEMATIC, /* one field change on many operations */
	FK_PATTERN,    /* behaviour pattern */
	FK_NKINDS
};

/* Interpreted status of a diff entry (extends enum dstatus). */
enum fstatus {
	FS_EQUAL = DS_EQUAL,
	FS_CHANGED = DS_CHANGED,
	FS_ONLY_A = DS_ONLY_A,
	FS_ONLY_B = DS_ONLY_B,
	FS_FILTERED = DS_FILTERED,
	FS_SIMILAR = DS_PENDING + 1, /* changed only by systematic findings */
};

/* A field a finding names; a, b are display values, NULL when absent. */
struct ffield {
	const char *name;
	const char *a, *b;
};

struct finding {
	enum fkind kind;
	int side;            /* FK_MISUSE: the trace it is about (0 A, 1 B);
				-1 for findings about both */
	const char *check;   /* stable id: "no_common_dialect", "outcome", ... */
	const char *msg;     /* one line, protocol terms; a misuse finding's
				message names neither the side nor frame
				numbers (same-client traces give equal
				messages, which a comparison drops) */
	size_t *ops;         /* diff entry indices (none for --check) */
	size_t nops, capops;
	uint32_t *frames[2]; /* frame numbers (1-based) in A and B */
	size_t nframes[2], capframes[2];
	struct ffield *f;
	size_t nf, capf;
	size_t order;        /* tie-break inside a kind: first entry or frame */
};

/* One row of the session profile: a value per side ("" when unknown). */
struct prow {
	const char *name;
	const char *v[2];
	bool differs;
};

struct fcounts {
	size_t compared, equal, similar, changed, only_a, only_b;
};

struct findings {
	struct arena a;
	struct finding **v;  /* sorted by kind, then order, after a run */
	size_t n, cap;
	int nsides;          /* 2 for a comparison, 1 for --check */
	/* Comparison only: */
	struct diff *d;
	uint8_t *status;     /* per entry: enum fstatus */
	uint32_t *entry_of[2]; /* op index -> entry index, UINT32_MAX if none */
	struct fcounts counts;
	size_t first_failure; /* entry of the first failure, or SIZE_MAX */
	/* Both: */
	const struct opset *s[2];
	struct prow *prof;   /* session profile rows */
	size_t nprof, capprof;
	struct arena check_a[2]; /* what check_pass made on a thread
				    (findings_diff) */
};

/* Runs every pass over a finished diff (diff_run). */
void findings_diff(struct findings *F, struct diff *d);
/* State checks and profile of one trace. */
void findings_check(struct findings *F, const struct opset *s);
void findings_free(struct findings *F);
/* Keeps only the findings that hold when comparing by action (findings.c). */
void findings_for_actions(struct findings *F);
const char *fkind_name(enum fkind k);
const char *fstatus_name(enum fstatus s);
/* Whether an entry of status st differs: changed, or on one side only, or
 * similar when similar is true (the UI, --all-fields). The one rule every
 * writer and the UI use; st may be a value outside enum fstatus (false). */
static inline bool fstatus_differs(int st, bool similar)
{
	return st == FS_CHANGED || st == FS_ONLY_A || st == FS_ONLY_B ||
	       (similar && st == FS_SIMILAR);
}

/* ---- for the passes ---- */

/* A new finding; msg printed with printf formatting into the arena. */
struct finding *finding_new(struct findings *F, enum fkind k, const char *check,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds diff entry i (and its frames on both sides). */
void finding_entry(struct findings *F, struct finding *x, size_t i);
/* Adds op opi of side (its frames, and its entry in a comparison). */
void finding_op(struct findings *F, struct finding *x, int side, uint32_t opi);
void finding_frame(struct findings *F, struct finding *x, int side, uint32_t num);
void finding_field(struct findings *F, struct finding *x, const char *name,
		   const char *a, const char *b);
/* Sorts a finding's operations and frames, each once (done for all at
 * the end of a run; a pass that counts them calls it first). */
void finding_tidy(struct finding *x);
/* A profile row (values copied). */
void findings_prow(struct findings *F, const char *name, const char *a, const char *b);
/* The value of profile row row_name ("dialect chosen", "dialects offered":
 * the names profile.c and doc/diff.md list) on side 0 (A) or 1 (B); NULL
 * when the row is absent or that side's value is empty. */
const char *profile_get(const struct findings *F, const char *row_name, int side);

/* Passes (each in its own file). */
void diagnose_pass(struct findings *F);
void failures_pass(struct findings *F);
void check_pass(struct findings *F, int side);
void systematic_pass(struct findings *F);
void patterns_pass(struct findings *F);
void profile_pass(struct findings *F);

/* explain.c: the fields of diff entry i that differ (the request's only
 * when request_only), worded "Name A-value (B B-value)", or NULL. */
const char *fnd_explain(struct findings *F, size_t i, bool request_only);
/* How two names differ ("only case", "only slash direction", ...), NULL
 * when in no such simple way. */
const char *fnd_strdiff(struct arena *a, const char *x, const char *y);
/* The value part of a field's label ("Open (1)" of "Disposition: Open
 * (1)", "Set" of a bit's ".... ..1. = Sign: Set"), else show. */
const char *fnd_label_value(const char *label, const char *show);
/* "Create share\dir\file" of op opi of side. */
const char *fnd_opname(struct findings *F, int side, uint32_t opi);

/* failures.c: o failed with the expected negative answer to a probe (a
 * DFS referral NOT_FOUND, snapshots not supported, a read at EOF...). */
bool fnd_probe_answer(struct findings *F, const struct op *o);

/* diagnose.c: the dialect side negotiated ("SMB 3.1.1 (0x0311)", "NT LM
 * 0.12"), NULL when none. */
const char *fnd_dialect(struct findings *F, int side);

/* NT status as "STATUS_ACCESS_DENIED" (or "0xc0000022"), "success" for 0. */
const char *fnd_status(struct findings *F, uint32_t status);
/* True for an NT status of error severity (0xC...) */
static inline bool fnd_is_error(uint32_t status)
{
	return (status >> 30) == 3;
}

#endif
