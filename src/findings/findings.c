/*
 * findings.c - the findings layer's driver and its small helpers; see
 * findings.h for the passes and their order.
 */
#include "findings.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows an arena array of elements of size sz to hold n + 1. */
static void *grow(struct arena *a, void *v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? 2 * *cap : 4;
	void *nv = arena_alloc(a, nc * sz);
	if (n)
		memcpy(nv, v, n * sz);
	*cap = nc;
	return nv;
}

const char *fkind_name(enum fkind k)
{
	static const char *const names[FK_NKINDS] = {
		[FK_DIAGNOSIS] = "diagnosis", [FK_FAILURE] = "failure",
		[FK_MISUSE] = "misuse", [FK_SYSTEMATIC] = "systematic",
		[FK_PATTERN] = "pattern",
	};
	return k < FK_NKINDS ? names[k] : "?";
}

const char *fstatus_name(enum fstatus s)
{
	return s == FS_SIMILAR ? "similar" : dstatus_name((enum dstatus)s);
}

struct finding *finding_new(struct findings *F, enum fkind k, const char *check,
			    const char *fmt, ...)
{
	va_list ap;
	char buf[1024];
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct finding *x = arena_alloc(&F->a, sizeof(*x));
	memset(x, 0, sizeof(*x));
	x->kind = k;
	x->side = -1;
	x->check = check;
	x->msg = arena_strdup(&F->a, buf);
	x->order = SIZE_MAX;
	if (F->n == F->cap) {
		F->cap = F->cap ? 2 * F->cap : 16;
		F->v = xrealloc(F->v, F->cap * sizeof(*F->v));
	}
	F->v[F->n++] = x;
	return x;
}

void finding_frame(struct findings *F, struct finding *x, int side, uint32_t num)
{
	if (!num || side < 0 || side > 1)
		return;
	x->frames[side] = grow(&F->a, x->frames[side], x->nframes[side],
			       &x->capframes[side], sizeof(uint32_t));
	x->frames[side][x->nframes[side]++] = num;
	if (F->nsides == 1 && num < x->order)
		x->order = num;
}

static void op_frames(struct findings *F, struct finding *x, int side, uint32_t opi)
{
	const struct opset *s = F->s[side];
	const struct op *o = &s->ops[opi];
	finding_frame(F, x, side, ops_frame_num(s, o->req_frame));
	finding_frame(F, x, side, ops_frame_num(s, o->rsp_frame));
}

void finding_entry(struct findings *F, struct finding *x, size_t i)
{
	if (!F->d || i >= F->d->n)
		return;
	if (!x->nops || x->ops[x->nops - 1] != i) {
		x->ops = grow(&F->a, x->ops, x->nops, &x->capops, sizeof(size_t));
		x->ops[x->nops++] = i;
	}
	if (i < x->order)
		x->order = i;
	for (int s = 0; s < 2; s++)
		if (F->d->e[i].op[s] != OP_NONE)
			op_frames(F, x, s, F->d->e[i].op[s]);
}

void finding_op(struct findings *F, struct finding *x, int side, uint32_t opi)
{
	if (F->d && F->entry_of[side] && F->entry_of[side][opi] != UINT32_MAX) {
		size_t i = F->entry_of[side][opi];
		if (!x->nops || x->ops[x->nops - 1] != i) {
			x->ops = grow(&F->a, x->ops, x->nops, &x->capops, sizeof(size_t));
			x->ops[x->nops++] = i;
		}
		if (i < x->order)
			x->order = i;
	}
	op_frames(F, x, side, opi);
}

void finding_field(struct findings *F, struct finding *x, const char *name,
		   const char *a, const char *b)
{
	x->f = grow(&F->a, x->f, x->nf, &x->capf, sizeof(*x->f));
	x->f[x->nf++] = (struct ffield){
		arena_strdup(&F->a, name),
		a ? arena_strdup(&F->a, a) : NULL,
		b ? arena_strdup(&F->a, b) : NULL,
	};
}

void findings_prow(struct findings *F, const char *name, const char *a, const char *b)
{
	F->prof = grow(&F->a, F->prof, F->nprof, &F->capprof, sizeof(*F->prof));
	struct prow *r = &F->prof[F->nprof++];
	r->name = arena_strdup(&F->a, name);
	r->v[0] = arena_strdup(&F->a, a ? a : "");
	r->v[1] = arena_strdup(&F->a, b ? b : "");
	r->differs = F->nsides == 2 && strcmp(r->v[0], r->v[1]) != 0;
	/* Credit totals grow with the number of operations: two clients
	 * doing different amounts of work differ there by nature. What a
	 * client asks for first, and whether it is granted any, do say how it
	 * behaves. */
	if (r->differs && !strncmp(name, "credits ", 8)) {
		size_t la = strcspn(r->v[0], ";"), lb = strcspn(r->v[1], ";");
		bool totals = !strncmp(r->v[0], "total", 5) && !strncmp(r->v[1], "total", 5);
		r->differs = totals ? !*r->v[0] != !*r->v[1]
				    : la != lb || strncmp(r->v[0], r->v[1], la) != 0;
	}
}

const char *fnd_status(struct findings *F, uint32_t status)
{
	if (!status)
		return "success";
	const char *n = val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), status);
	return n ? n : arena_printf(&F->a, "0x%08x", status);
}

static int cmp_finding(const void *x, const void *y)
{
	const struct finding *a = *(struct finding *const *)x;
	const struct finding *b = *(struct finding *const *)y;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

void finding_tidy(struct finding *x)
{
	if (x->nops > 1)
		qsort(x->ops, x->nops, sizeof(*x->ops), cmp_size);
	size_t m = 0;
	for (size_t k = 0; k < x->nops; k++)
		if (!m || x->ops[m - 1] != x->ops[k])
			x->ops[m++] = x->ops[k];
	x->nops = m;
	for (int s = 0; s < 2; s++) {
		if (x->nframes[s] > 1)
			qsort(x->frames[s], x->nframes[s], sizeof(uint32_t), cmp_u32);
		m = 0;
		for (size_t k = 0; k < x->nframes[s]; k++)
			if (!m || x->frames[s][m - 1] != x->frames[s][k])
				x->frames[s][m++] = x->frames[s][k];
		x->nframes[s] = m;
	}
}

static void sort_findings(struct findings *F)
{
	for (size_t i = 0; i < F->n; i++)
		finding_tidy(F->v[i]);
	/* qsort is not stable: make order a total key by insertion order. */
	for (size_t i = 0; i < F->n; i++)
		if (F->v[i]->order == SIZE_MAX)
			F->v[i]->order = SIZE_MAX / 2 + i;
	if (F->n) /* qsort(NULL, 0) is undefined */
		qsort(F->v, F->n, sizeof(*F->v), cmp_finding);
}

/* msg with each side letter (A or B standing alone, "A's") as 'S'. */
static void side_free(const char *msg, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; msg[i] && k + 1 < n; i++) {
		char c = msg[i], prev = i ? msg[i - 1] : ' ', next = msg[i + 1];
		bool alone = (prev == ' ' || prev == '(') &&
			     (next == ' ' || next == '\'' || next == ':' || next == ',' || next == ')');
		out[k++] = (c == 'A' || c == 'B') && alone ? 'S' : c;
	}
	out[k] = 0;
}

/* Removes the findings marked in drop (frees drop). */
static void remove_marked(struct findings *F, bool *drop)
{
	size_t m = 0;
	for (size_t i = 0; i < F->n; i++)
		if (!drop[i])
			F->v[m++] = F->v[i];
	F->n = m;
	free(drop);
}

/*
 * A finding about one side that the other side shows too, in the same
 * words, is not a difference between them: both are dropped. misuse: the
 * state checks, whose messages name neither side (compared as they are);
 * else diagnoses and patterns, compared with their side letters as 'S'
 * (a logon failing on both, a trace against itself).
 */
static void drop_shared(struct findings *F, bool misuse)
{
	bool *drop = xcalloc(F->n ? F->n : 1, 1);
	char a[1100], b[1100];
	for (size_t i = 0; i < F->n; i++) {
		const struct finding *x = F->v[i];
		if (x->side != 0 || (x->kind == FK_MISUSE) != misuse || drop[i])
			continue;
		const char *ma = x->msg;
		if (!misuse) {
			side_free(x->msg, a, sizeof(a));
			ma = a;
		}
		for (size_t j = 0; j < F->n; j++) {
			const struct finding *y = F->v[j];
			if (drop[j] || y->side != 1 || y->kind != x->kind || strcmp(x->check, y->check))
				continue;
			const char *mb = y->msg;
			if (!misuse) {
				side_free(y->msg, b, sizeof(b));
				mb = b;
			}
			if (!strcmp(ma, mb)) {
				drop[i] = drop[j] = true;
				break;
			}
		}
	}
	remove_marked(F, drop);
}

/* A pattern or a one-operation failure whose operations a diagnosis
 * names already says it again (a retried logon): dropped. */
static void drop_diagnosed(struct findings *F)
{
	size_t m = 0;
	for (size_t i = 0; i < F->n; i++) {
		struct finding *x = F->v[i];
		bool said = false;
		if ((x->kind == FK_PATTERN || (x->kind == FK_FAILURE && x->nops == 1)) && x->nops) {
			for (size_t j = 0; j < F->n && !said; j++) {
				const struct finding *y = F->v[j];
				if (y->kind != FK_DIAGNOSIS)
					continue;
				size_t hit = 0;
				for (size_t k = 0; k < x->nops; k++)
					for (size_t l = 0; l < y->nops; l++)
						hit += x->ops[k] == y->ops[l];
				said = hit == x->nops;
			}
		}
		if (!said)
			F->v[m++] = x;
	}
	F->n = m;
}

/* When a side negotiated no dialect, everything the other side does after
 * its negotiate has no counterpart because of it: the diagnosis says so,
 * patterns over those operations would only repeat it. */
static void drop_after_no_dialect(struct findings *F)
{
	bool nodialect = false;
	for (size_t i = 0; i < F->n; i++)
		nodialect |= F->v[i]->kind == FK_DIAGNOSIS &&
			     !strcmp(F->v[i]->check, "no_common_dialect");
	if (!nodialect)
		return;
	size_t m = 0;
	for (size_t i = 0; i < F->n; i++)
		if (F->v[i]->kind != FK_PATTERN)
			F->v[m++] = F->v[i];
	F->n = m;
}

static void init(struct findings *F)
{
	memset(F, 0, sizeof(*F));
	arena_init(&F->a);
	arena_init(&F->check_a[0]);
	arena_init(&F->check_a[1]);
	F->first_failure = SIZE_MAX;
}

/*
 * check_pass of both sides on a thread while findings_diff runs the passes
 * before it on its own: the state checks read only the op sets, the
 * entries and F's maps, and write findings. Each side writes into a copy
 * of F (G[side]) with its own arena and no findings; they are appended to
 * F's after the earlier passes', in the order the serial run gives them.
 * Threaded for large comparisons, or as SMBCMP_DIFF_THREADS says (tests:
 * parcmp.c).
 */
struct check_job {
	struct findings G[2];
	pthread_t th;
	bool threaded;
};

static void *check_thread(void *arg)
{
	struct findings *G = arg;
	check_pass(&G[0], 0);
	check_pass(&G[1], 1);
	return NULL;
}

static void check_start(struct findings *F, struct check_job *j)
{
	const char *env = getenv("SMBCMP_DIFF_THREADS");
	bool want = env && *env ? strtol(env, NULL, 10) >= 2 : F->d->n >= 4096;
	j->threaded = false;
	if (!want)
		return;
	for (int s = 0; s < 2; s++) {
		j->G[s] = *F;
		arena_init(&j->G[s].a);
		j->G[s].v = NULL;
		j->G[s].n = j->G[s].cap = 0;
		j->G[s].prof = NULL;
		j->G[s].nprof = j->G[s].capprof = 0;
	}
	j->threaded = pthread_create(&j->th, NULL, check_thread, j->G) == 0;
	if (!j->threaded)
		for (int s = 0; s < 2; s++)
			arena_free(&j->G[s].a);
}

/* The checks' findings after the passes before them: from the thread, or
 * made here. */
static void check_finish(struct findings *F, struct check_job *j)
{
	if (!j->threaded) {
		check_pass(F, 0);
		check_pass(F, 1);
		return;
	}
	pthread_join(j->th, NULL);
	for (int s = 0; s < 2; s++) {
		struct findings *G = &j->G[s];
		if (F->n + G->n > F->cap) {
			F->cap = F->n + G->n;
			F->v = xrealloc(F->v, F->cap * sizeof(*F->v));
		}
		if (G->n)
			memcpy(F->v + F->n, G->v, G->n * sizeof(*G->v));
		F->n += G->n;
		free(G->v);
		F->check_a[s] = G->a;
	}
}

void findings_diff(struct findings *F, struct diff *d)
{
	init(F);
	F->nsides = 2;
	F->d = d;
	F->s[0] = &d->s[0];
	F->s[1] = &d->s[1];
	F->status = xrealloc(NULL, d->n ? d->n : 1);
	for (int s = 0; s < 2; s++) {
		F->entry_of[s] = xrealloc(NULL, (d->s[s].n ? d->s[s].n : 1) * sizeof(uint32_t));
		memset(F->entry_of[s], 0xff, d->s[s].n * sizeof(uint32_t));
	}
	for (size_t i = 0; i < d->n; i++) {
		F->status[i] = d->e[i].status;
		for (int s = 0; s < 2; s++)
			if (d->e[i].op[s] != OP_NONE && i < UINT32_MAX)
				F->entry_of[s][d->e[i].op[s]] = (uint32_t)i;
	}
	struct check_job cj;
	check_start(F, &cj);
	profile_pass(F);
	failures_pass(F);
	diagnose_pass(F);
	check_finish(F, &cj);
	drop_shared(F, true);
	systematic_pass(F);
	patterns_pass(F);
	sort_findings(F);
	drop_shared(F, false);
	drop_diagnosed(F);
	drop_after_no_dialect(F);

	struct fcounts *c = &F->counts;
	for (size_t i = 0; i < d->n; i++) {
		switch (F->status[i]) {
		case FS_EQUAL: c->equal++; break;
		case FS_SIMILAR: c->similar++; break;
		case FS_CHANGED: c->changed++; break;
		case FS_ONLY_A: c->only_a++; break;
		case FS_ONLY_B: c->only_b++; break;
		default: continue;
		}
		c->compared++;
	}
}

void findings_check(struct findings *F, const struct opset *s)
{
	init(F);
	F->nsides = 1;
	F->s[0] = s;
	profile_pass(F);
	check_pass(F, 0);
	sort_findings(F);
}

void findings_free(struct findings *F)
{
	free(F->v);
	free(F->status);
	free(F->entry_of[0]);
	free(F->entry_of[1]);
	arena_free(&F->a);
	arena_free(&F->check_a[0]);
	arena_free(&F->check_a[1]);
	memset(F, 0, sizeof(*F));
}

/*
 * A comparison by action (actdiff.h) says itself what the operation pairs
 * say across dialects: failures, systematic field changes, probes and
 * one-sided runs all come from pairing SMB1 operations with SMB2 ones, so
 * they go; what holds of the sessions and the files stays (diagnoses of
 * the negotiate, logon and tree connects, I/O and connection patterns,
 * retries, state checks, the profile). Their operation entries are not
 * the actions' numbers: they are cleared (frames stay).
 */
void findings_for_actions(struct findings *F)
{
	static const char *const keep[] = { "no_common_dialect", "logon_failure",
					    "tree_denied", "io", "connects", "retry" };
	bool *drop = xcalloc(F->n ? F->n : 1, 1);
	for (size_t i = 0; i < F->n; i++) {
		struct finding *x = F->v[i];
		bool k = x->kind == FK_MISUSE;
		for (size_t j = 0; j < sizeof(keep) / sizeof(keep[0]) && !k; j++)
			k = !strcmp(x->check, keep[j]);
		drop[i] = !k;
		x->nops = 0;
	}
	remove_marked(F, drop);
}
