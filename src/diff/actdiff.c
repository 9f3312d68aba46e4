/*
 * actdiff.c - action by action comparison (actdiff.h).
 */
#include "actdiff.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "align.h"
#include "filter.h"
#include "hmap.h"
#include "xalloc.h"

#define NONE UINT32_MAX
/* Create options that change what is opened (MS-SMB2 2.2.13):
 * FILE_DIRECTORY_FILE, FILE_WRITE_THROUGH, FILE_NON_DIRECTORY_FILE,
 * FILE_DELETE_ON_CLOSE, FILE_OPEN_REPARSE_POINT. */
#define CO_MEANING 0x00201043u

static uint64_t hstr(uint64_t h, const char *s)
{
	return hmap_mix(hmap_bytes(h, s ? s : "", s ? strlen(s) : 0), s ? 1 : 0);
}

/* The share of a normalised path: its first component's length. */
static size_t share_len(const char *p)
{
	const char *e = p ? strchr(p, '\\') : NULL;
	return p ? (e ? (size_t)(e - p) : strlen(p)) : 0;
}

static void keys_of(const struct actset *as, uint64_t *k[3])
{
	for (size_t i = 0; i < as->n; i++) {
		const struct action *x = &as->a[i];
		uint64_t v = hmap_mix(0x616374, x->verb);
		k[2][i] = hmap_bytes(v, x->path ? x->path : "", share_len(x->path));
		k[1][i] = hstr(v, x->path);
		uint64_t arg = 0;
		if (x->known & AK_INFO)
			arg = hmap_mix(arg, x->info);
		if (x->known & AK_FSCTL)
			arg = hmap_mix(arg, x->fsctl);
		if ((x->known & AK_PATTERN) && x->verb == V_LIST)
			arg = hstr(arg, x->pattern);
		k[0][i] = hmap_mix(k[1][i], arg);
	}
}

static bool known2(const struct action *a, const struct action *b, unsigned k)
{
	return (a->known & k) && (b->known & k);
}

static uint32_t compare(const struct actdiff *dd, const struct action *a,
		       const struct action *b)
{
	unsigned d = 0;
	if (a->status != b->status)
		d |= AD_STATUS;
	if ((a->path || b->path) && (!a->path || !b->path || strcmp(a->path, b->path)))
		d |= AD_PATH;
	else if (a->name && b->name && strcmp(a->name, b->name))
		d |= AD_CASE;
	if (known2(a, b, AK_ACCESS) && a->access != b->access)
		d |= act_access_class(a->access) != act_access_class(b->access) ? AD_ACCESS
										 : AD_ACCESS_BITS;
	if (known2(a, b, AK_SHARE) && a->share != b->share)
		d |= AD_SHARE;
	if (known2(a, b, AK_DISP) && a->disp != b->disp)
		d |= AD_DISP;
	if (known2(a, b, AK_OPTIONS) && a->options != b->options)
		d |= (a->options ^ b->options) & CO_MEANING ? AD_OPTIONS : AD_OPTION_BITS;
	if (known2(a, b, AK_INFO) && a->info != b->info) {
		bool own_a = (a->info >> 16) > INFO_SMB1, own_b = (b->info >> 16) > INFO_SMB1;
		d |= (own_a && dd->pre_nt[0]) || (own_b && dd->pre_nt[1]) ? AD_LEVEL : AD_INFO;
	}
	if (known2(a, b, AK_FSCTL) && a->fsctl != b->fsctl)
		d |= AD_FSCTL;
	if (known2(a, b, AK_PATTERN) && strcmp(a->pattern, b->pattern))
		d |= strcasecmp(a->pattern, b->pattern) ? AD_PATTERN : AD_CASE;
	if (known2(a, b, AK_DIALECT) && strcmp(a->pattern ? a->pattern : "",
					       b->pattern ? b->pattern : ""))
		d |= AD_DIALECT;
	if (known2(a, b, AK_EXTENT)) {
		if (a->offset != b->offset || a->end != b->end || a->length != b->length)
			d |= AD_EXTENT;
		else if (known2(a, b, AK_DIGEST) && a->digest != b->digest)
			d |= AD_DATA;
		if (a->nchunks != b->nchunks || a->max_chunk != b->max_chunk)
			d |= AD_CHUNKS;
	}
	return d;
}

static void push(struct actdiff *d, size_t *cap, uint32_t a, uint32_t b, uint8_t level)
{
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		d->e = xrealloc(d->e, *cap * sizeof(*d->e));
	}
	struct aentry *e = &d->e[d->n++];
	memset(e, 0, sizeof(*e));
	e->act[0] = a;
	e->act[1] = b;
	e->level = level;
	if (a == NONE || b == NONE) {
		e->status = a == NONE ? AS_ONLY_B : AS_ONLY_A;
		return;
	}
	e->diffs = compare(d, &d->as[0].a[a], &d->as[1].a[b]);
	e->status = !e->diffs ? AS_EQUAL : (e->diffs & ~AD_SIMILAR_MASK) ? AS_CHANGED
									   : AS_SIMILAR;
}

/* Whether action k is the last of its connection in as. */
static bool last_of_conn(const struct actset *as, size_t k)
{
	for (size_t j = k + 1; j < as->n; j++)
		if (as->a[j].conn == as->a[k].conn)
			return false;
	return true;
}

/*
 * A side whose negotiate or logon failed and that did nothing more on that
 * connection never reached what the other side did next: that run of
 * one-sided entries is one "unreached" entry.
 */
static void mark_unreached(struct actdiff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct aentry *e = &d->e[i];
		int x = -1;
		for (int s = 0; s < 2 && e->act[0] != NONE && e->act[1] != NONE; s++) {
			const struct action *a = &d->as[s].a[e->act[s]];
			if ((a->verb == V_NEGOTIATE || a->verb == V_AUTH || a->verb == V_CONNECT) &&
			    !act_ok(a->status) && act_ok(d->as[!s].a[e->act[!s]].status) &&
			    last_of_conn(&d->as[s], e->act[s]))
				x = s;
		}
		if (x < 0)
			continue;
		uint8_t other = x == 0 ? AS_ONLY_B : AS_ONLY_A;
		size_t j = i + 1;
		while (j < d->n && d->e[j].status == other)
			j++;
		if (j - (i + 1) < 2)
			continue;
		for (size_t k = i + 1; k < j; k++) {
			d->e[k].status = AS_UNREACHED;
			d->e[k].unreached = 0;
		}
		d->e[i + 1].unreached = (uint32_t)(j - (i + 1));
		i = j - 1;
	}
}

/* Counts and the first divergence, from the statuses. */
static void count(struct actdiff *d)
{
	memset(&d->counts, 0, sizeof(d->counts));
	d->first_div = SIZE_MAX;
	for (size_t i = 0; i < d->n; i++) {
		struct actdiff_counts *c = &d->counts;
		const struct aentry *e = &d->e[i];
		if ((e->status == AS_UNREACHED && !e->unreached) || e->status == AS_FILTERED)
			continue;
		c->compared++;
		switch (e->status) {
		case AS_EQUAL: c->equal++; break;
		case AS_SIMILAR: c->similar++; break;
		case AS_CHANGED: c->changed++; break;
		case AS_ONLY_A: c->only_a++; break;
		case AS_ONLY_B: c->only_b++; break;
		default: c->unreached += e->unreached; break;
		}
		if (e->status >= AS_CHANGED && d->first_div == SIZE_MAX)
			d->first_div = i;
	}
}

void actdiff_run(struct actdiff *d, const struct opset *a, const struct opset *b)
{
	memset(d, 0, sizeof(*d));
	d->s[0] = a;
	d->s[1] = b;
	actions_build(&d->as[0], a);
	actions_build(&d->as[1], b);
	for (int s = 0; s < 2; s++) {
		d->dialect[s] = "-";
		for (size_t k = 0; k < d->as[s].n; k++) {
			const struct action *x = &d->as[s].a[k];
			if (x->verb == V_NEGOTIATE && (x->known & AK_DIALECT) && x->pattern) {
				d->dialect[s] = x->pattern;
				d->pre_nt[s] = x->proto == OP_SMB1 && strncmp(x->pattern, "SMB ", 4) &&
					       strcmp(x->pattern, "NT LM 0.12") &&
					       strcmp(x->pattern, "NT LANMAN 1.0");
				break;
			}
		}
	}
	size_t n = d->as[0].n, m = d->as[1].n;
	uint64_t *ka[3], *kb[3];
	for (int l = 0; l < 3; l++) {
		ka[l] = xmalloc((n ? n : 1) * sizeof(uint64_t));
		kb[l] = xmalloc((m ? m : 1) * sizeof(uint64_t));
	}
	keys_of(&d->as[0], ka);
	keys_of(&d->as[1], kb);
	int64_t *match = xmalloc((n ? n : 1) * sizeof(*match));
	uint8_t *level = xmalloc(n ? n : 1);
	align_levels((const uint64_t *const *)ka, (const uint64_t *const *)kb, 3, n, m,
		     match, level);
	/* in order: A's unmatched, B's unmatched before the next pair, the pair */
	size_t cap = 0, j = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && match[i] == ALIGN_NONE) {
			push(d, &cap, (uint32_t)i, NONE, 0);
			continue;
		}
		size_t jend = i < n ? (size_t)match[i] : m;
		for (; j < jend; j++)
			push(d, &cap, NONE, (uint32_t)j, 0);
		if (i < n) {
			push(d, &cap, (uint32_t)i, (uint32_t)j, level[i]);
			j++;
		}
	}
	mark_unreached(d);
	count(d);
	for (int l = 0; l < 3; l++) {
		free(ka[l]);
		free(kb[l]);
	}
	free(match);
	free(level);
}

void actdiff_free(struct actdiff *d)
{
	actions_free(&d->as[0]);
	actions_free(&d->as[1]);
	free(d->e);
	memset(d, 0, sizeof(*d));
}

/* SMB1 or SMB2, by most of the operations (NEGOTIATEs apart: an SMB1
 * NEGOTIATE opens SMB2 connections too), 0 when none. */
static int family(const struct opset *s)
{
	size_t n1 = 0, n2 = 0, neg1 = 0, neg2 = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct op *o = &s->ops[i];
		bool neg = op_facts(o).facts & CF_NEGOTIATE;
		if (o->proto == OP_SMB1)
			neg ? neg1++ : n1++;
		else if (o->proto == OP_SMB2)
			neg ? neg2++ : n2++;
	}
	if (!n1 && !n2) {
		n1 = neg2 ? 0 : neg1;
		n2 = neg2;
	}
	return n1 == 0 && n2 == 0 ? 0 : n1 > n2 ? 1 : 2;
}

bool actdiff_cross_dialect(const struct opset *a, const struct opset *b)
{
	int fa = family(a), fb = family(b);
	return fa && fb && fa != fb;
}

const char *actdiff_title(struct arena *ar, const struct action *x)
{
	char buf[160];
	const char *arg = "";
	if (x->verb == V_NEGOTIATE && (x->known & AK_DIALECT))
		arg = arena_printf(ar, " %s", x->pattern ? x->pattern : "(none)");
	else if (x->known & AK_INFO)
		arg = arena_printf(ar, " %s", act_info_name(x->info, buf, sizeof(buf)));
	else if (x->known & AK_FSCTL)
		arg = arena_printf(ar, " %s", act_fsctl_name(x->fsctl, buf, sizeof(buf)));
	if (x->verb == V_LIST && (x->known & AK_PATTERN))
		arg = arena_printf(ar, " %s%s", x->pattern, arg);
	if ((x->verb == V_READ || x->verb == V_WRITE) && (x->known & AK_EXTENT))
		arg = arena_printf(ar, " %" PRIu64 " bytes at %" PRIu64, x->length, x->offset);
	const char *obj = x->name ? x->name : x->path;
	return arena_printf(ar, "%s%s%s%s", act_verb_name(x->verb), obj ? " " : "",
			    obj ? obj : "", arg);
}

static const char *share_words(uint32_t s, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s", s & 1 ? "R" : "", s & 2 ? "W" : "", s & 4 ? "D" : "",
		 s & 7 ? "" : "none");
	return buf;
}

/* "4 requests of up to 1,024" */
static const char *chunks(struct arena *ar, const struct action *x)
{
	return arena_printf(ar, "%" PRIu32 " request%s of up to %" PRIu32, x->nchunks,
			    x->nchunks == 1 ? "" : "s", x->max_chunk);
}

size_t actdiff_words(const struct actdiff *d, size_t i, struct arena *ar,
		     const char **out, size_t max)
{
	const struct aentry *e = &d->e[i];
	if (e->act[0] == NONE || e->act[1] == NONE || !e->diffs)
		return 0;
	const struct action *a = &d->as[0].a[e->act[0]], *b = &d->as[1].a[e->act[1]];
	char x[160], y[160];
	size_t n = 0;
#define SAY(...) do { if (n < max) out[n++] = arena_printf(ar, __VA_ARGS__); } while (0)
	if (e->diffs & AD_STATUS)
		SAY("result: A %s, B %s", act_status_name(a->status, x, sizeof(x)),
		    act_status_name(b->status, y, sizeof(y)));
	if (e->diffs & AD_PATH)
		SAY("object: A %s, B %s", a->name ? a->name : a->path ? a->path : "-",
		    b->name ? b->name : b->path ? b->path : "-");
	if (e->diffs & (AD_ACCESS | AD_ACCESS_BITS))
		SAY("access%s: A %s, B %s", e->diffs & AD_ACCESS ? "" : " (same rights)",
		    act_access_words(a->access, x, sizeof(x)), act_access_words(b->access, y, sizeof(y)));
	if (e->diffs & AD_SHARE)
		SAY("share access: A %s, B %s", share_words(a->share, x, sizeof(x)),
		    share_words(b->share, y, sizeof(y)));
	if (e->diffs & AD_DISP)
		SAY("disposition: A %s, B %s", act_disp_name(a->disp, x, sizeof(x)),
		    act_disp_name(b->disp, y, sizeof(y)));
	if (e->diffs & (AD_OPTIONS | AD_OPTION_BITS))
		SAY("create options%s: A 0x%08x, B 0x%08x",
		    e->diffs & AD_OPTIONS ? "" : " (same meaning)", (unsigned)a->options,
		    (unsigned)b->options);
	if (e->diffs & (AD_INFO | AD_LEVEL))
		SAY("class%s: A %s, B %s", e->diffs & AD_INFO ? "" : " (a LANMAN level has no NT class)",
		    act_info_name(a->info, x, sizeof(x)), act_info_name(b->info, y, sizeof(y)));
	if (e->diffs & AD_FSCTL)
		SAY("fsctl: A %s, B %s", act_fsctl_name(a->fsctl, x, sizeof(x)),
		    act_fsctl_name(b->fsctl, y, sizeof(y)));
	if (e->diffs & AD_PATTERN)
		SAY("pattern: A %s, B %s", a->pattern, b->pattern);
	if (e->diffs & AD_EXTENT)
		SAY("bytes: A %" PRIu64 " in [%" PRIu64 ", %" PRIu64 "), B %" PRIu64
		    " in [%" PRIu64 ", %" PRIu64 ")", a->length, a->offset, a->end, b->length,
		    b->offset, b->end);
	if (e->diffs & AD_DATA)
		SAY("content: the bytes differ (same offsets and lengths)");
	if (e->diffs & AD_CHUNKS)
		SAY("chunking: A %s, B %s%s", chunks(ar, a), chunks(ar, b),
		    e->diffs & (AD_EXTENT | AD_DATA) ? "" :
		    (a->known & b->known & AK_DIGEST) ? " (same bytes)" : " (same extent)");
	if (e->diffs & AD_DIALECT) {
		SAY("dialect: A %s, B %s", a->pattern ? a->pattern : "-", b->pattern ? b->pattern : "-");
		for (int s = 0; s < 2; s++)
			if (d->pre_nt[s] && !d->pre_nt[!s])
				SAY("%c's %s has no NT status codes (its DOS errors read here as the NT "
				    "statuses they stand for) and names in the OEM code page, not Unicode",
				    s ? 'B' : 'A', d->dialect[s]);
	}
	if ((e->diffs & AD_CASE) && !(e->diffs & AD_PATTERN))
		SAY("case: A %s, B %s", a->name ? a->name : a->pattern ? a->pattern : "-",
		    b->name ? b->name : b->pattern ? b->pattern : "-");
#undef SAY
	return n;
}

const char *actdiff_note(const struct actdiff *d, size_t i)
{
	const struct aentry *e = &d->e[i];
	if (e->act[0] != NONE && e->act[1] != NONE)
		return NULL;
	int s = e->act[0] == NONE;
	const struct action *x = &d->as[s].a[e->act[s]];
	bool ipc = x->path && !strncmp(x->path, "ipc$", 4) && (!x->path[4] || x->path[4] == '\\');
	const char *lanman = d->pre_nt[!s] ? " (LANMAN dialects have no DFS)" : "";
	if (x->verb == V_IOCTL && (x->known & AK_FSCTL) && x->fsctl == FSCTL_DFS_GET_REFERRALS)
		return x->status == 0xc0000225u ? "DFS referral probe: the share is no DFS link"
						: "DFS referral";
	if (ipc && (x->verb == V_CONNECT || x->verb == V_DISCONNECT)) {
		(void)lanman;
		return d->pre_nt[!s] ? "IPC$ tree of the DFS probe (LANMAN dialects have no DFS)"
				     : "IPC$ tree (DFS probe or RPC)";
	}
	if (x->verb == V_IOCTL && (x->known & AK_FSCTL) && x->fsctl == 0x00144064u)
		return "snapshot enumeration (previous versions)";
	if (x->verb == V_QUERY_INFO && (x->known & AK_INFO) && (x->info >> 16) == INFO_FS)
		return "file-system information";
	return NULL;
}

/* A child of p named name showing show (text node, no field id). */
static void pseudo(struct arena *ar, struct node *p, const char *name, const char *show)
{
	if (!show)
		return;
	struct node *n = arena_alloc(ar, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->show = n->label = show;
	n->field = F_INVALID;
	n->parent = p;
	if (p->last)
		p->last->next = n;
	else
		p->child = n;
	p->last = n;
}

static struct node *action_node(struct arena *ar, const struct action *x)
{
	char buf[160];
	struct node *r = arena_alloc(ar, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->name = "smbcmp.action";
	r->field = F_INVALID;
	pseudo(ar, r, "smbcmp.action.verb", act_verb_name(x->verb));
	pseudo(ar, r, "smbcmp.action.object", x->path);
	pseudo(ar, r, "smbcmp.action.name", x->name);
	pseudo(ar, r, "smbcmp.action.status",
	       arena_strdup(ar, act_status_name(x->status, buf, sizeof(buf))));
	if (x->known & AK_INFO)
		pseudo(ar, r, "smbcmp.action.class",
		       arena_strdup(ar, act_info_name(x->info, buf, sizeof(buf))));
	if (x->known & AK_FSCTL)
		pseudo(ar, r, "smbcmp.action.fsctl",
		       arena_strdup(ar, act_fsctl_name(x->fsctl, buf, sizeof(buf))));
	if (x->known & AK_PATTERN)
		pseudo(ar, r, "smbcmp.action.pattern", x->pattern);
	if (x->known & AK_DIALECT)
		pseudo(ar, r, "smbcmp.action.dialect", x->pattern);
	return r;
}

#define FILTER_ROOTS 64 /* an action's own node and its operations' trees */

void actdiff_filter(struct actdiff *d, const struct filter *f)
{
	if (!f)
		return;
	struct arena ar;
	arena_init(&ar);
	for (size_t i = 0; i < d->n; i++) {
		struct aentry *e = &d->e[i];
		bool hit = false;
		for (int s = 0; s < 2 && !hit; s++) {
			if (e->act[s] == NONE)
				continue;
			const struct action *x = &d->as[s].a[e->act[s]];
			struct node *roots[FILTER_ROOTS];
			size_t n = 0;
			roots[n++] = action_node(&ar, x);
			for (uint32_t j = 0; j < x->nops && n + 2 <= FILTER_ROOTS; j++) {
				const struct op *o = &d->s[s]->ops[d->as[s].opidx[x->ops + j]];
				ops_trees(d->s[s], o, &ar, &roots[n], &roots[n + 1], NULL, NULL, true);
				n += 2;
			}
			hit = filter_match(f, roots, n);
			arena_reset(&ar);
		}
		if (!hit)
			e->status = AS_FILTERED;
	}
	arena_free(&ar);
	/* an unreached run whose first entry went: the next one stands for it */
	for (size_t i = 0; i < d->n; i++)
		if (d->e[i].status == AS_UNREACHED && d->e[i].unreached == 0 && i &&
		    d->e[i - 1].status == AS_FILTERED) {
			size_t k = i;
			while (k < d->n && d->e[k].status == AS_UNREACHED && !d->e[k].unreached)
				k++;
			d->e[i].unreached = (uint32_t)(k - i);
		}
	count(d);
}

const char *astatus_name(enum astatus s)
{
	static const char *const names[] = { "equal", "similar", "changed", "only_a", "only_b",
					     "unreached", "filtered" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
