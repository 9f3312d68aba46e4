/*
 * actdiff.h - two traces compared action by action (actions.h): what the
 * diff is when the clients speak different dialect families (an SMB1 or
 * LANMAN client against an SMB2/3 one), or on request (--by actions).
 *
 * Actions align by verb and object (Myers over three key levels: verb,
 * path and the argument that names what is asked, such as the information
 * class; then verb and path; then verb and share: never across verbs),
 * and compare by their normalised arguments and result. A difference is
 * "changed" when the meaning differs (another result, access, disposition,
 * class, bytes...), "similar" when only the dialect's way of saying it
 * does (the dialect negotiated, the case of a name, the fine bits of an
 * access mask the coarse rights agree on, the chunking of the same bytes).
 */
#ifndef SMBCMP_ACTDIFF_H
#define SMBCMP_ACTDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "ops.h"

enum astatus { AS_EQUAL, AS_SIMILAR, AS_CHANGED, AS_ONLY_A, AS_ONLY_B, AS_UNREACHED,
	       AS_FILTERED };

/* What differs in a pair (bits); AD_SIMILAR_MASK are "similar" only. */
enum adiff {
	AD_STATUS = 1 << 0, AD_PATH = 1 << 1, AD_ACCESS = 1 << 2, AD_SHARE = 1 << 3,
	AD_DISP = 1 << 4, AD_OPTIONS = 1 << 5, AD_INFO = 1 << 6, AD_FSCTL = 1 << 7,
	AD_PATTERN = 1 << 8, AD_EXTENT = 1 << 9, AD_DATA = 1 << 10,
	/* similar */
	AD_DIALECT = 1 << 11, AD_CASE = 1 << 12, AD_ACCESS_BITS = 1 << 13,
	AD_CHUNKS = 1 << 14, AD_OPTION_BITS = 1 << 15,
	AD_LEVEL = 1 << 16, /* a pre-NT dialect's own information level
			       where the other side asks for an NT class */
};
#define AD_SIMILAR_MASK (AD_DIALECT | AD_CASE | AD_ACCESS_BITS | AD_CHUNKS | \
			 AD_OPTION_BITS | AD_LEVEL)

struct aentry {
	uint32_t act[2];   /* action index in A / B, UINT32_MAX when absent */
	uint8_t status;    /* enum astatus */
	uint8_t level;     /* key level that paired them */
	uint32_t diffs;    /* enum adiff */
	uint32_t unreached; /* AS_UNREACHED: the run's length (this entry
			       stands for it; the others are not listed) */
};

struct actdiff_counts {
	size_t compared, equal, similar, changed, only_a, only_b, unreached;
};

struct actdiff {
	const struct opset *s[2];
	struct actset as[2];
	struct aentry *e;
	size_t n;
	struct actdiff_counts counts;
	size_t first_div;   /* first entry not equal or similar, SIZE_MAX */
	const char *dialect[2]; /* what each side negotiated first ("-") */
	bool pre_nt[2];     /* a LANMAN or older dialect: no NT levels */
};

/* Builds both traces' actions, aligns and compares them. */
void actdiff_run(struct actdiff *d, const struct opset *a, const struct opset *b);
struct filter;
/*
 * Keeps the entries whose action on either side matches f (the others get
 * AS_FILTERED and leave the counts): f sees the trees of the action's
 * operations and its own fields smbcmp.action.verb ("query info"),
 * .object (normalised path), .name (as written), .class (MS-FSCC name),
 * .fsctl, .pattern, .dialect and .status ("STATUS_ACCESS_DENIED").
 */
void actdiff_filter(struct actdiff *d, const struct filter *f);
void actdiff_free(struct actdiff *d);

/* Whether the two traces speak different dialect families (most of A's
 * operations SMB1 and most of B's SMB2, or the other way). */
bool actdiff_cross_dialect(const struct opset *a, const struct opset *b);

/* "open share\snap.jpg", "query info share\a.txt FileBasicInformation". */
const char *actdiff_title(struct arena *ar, const struct action *x);
/* The differences of entry i in words, one string per difference
 * ("access: A Read+Write (0x0012019f), B Write (0x00120116)"); returns
 * how many, at most max, into out. */
size_t actdiff_words(const struct actdiff *d, size_t i, struct arena *ar,
		     const char **out, size_t max);
const char *astatus_name(enum astatus s);
/* Why an action one side does may have no counterpart ("DFS referral
 * probe"), or NULL. */
const char *actdiff_note(const struct actdiff *d, size_t i);

#endif
