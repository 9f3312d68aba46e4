/* verify.c - native engine against tshark, field by field; see verify.h. */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "graft.h"
#include "xalloc.h"

#define MAX_PROTOS 64
#define VALUE_MAX 80

struct vitem {
	const char *name, *show, *proto;
	uint8_t side; /* 0 native, 1 tshark */
};

struct pstat {
	const char *proto;
	uint64_t n[2], agree;
};

struct verify {
	FILE *out;
	struct vitem *it;
	size_t n, cap;
	struct pstat ps[MAX_PROTOS];
	size_t nps;
	uint64_t diffs, frames_both, frames_only[2];
};

static void add(struct verify *v, const char *name, const char *show, const char *proto,
		int side)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->it = xrealloc(v->it, v->cap * sizeof(*v->it));
	}
	v->it[v->n++] = (struct vitem){ name, show ? show : "", proto ? proto : "-",
					(uint8_t)side };
}

/* Collects the comparable items below n. */
static void collect(struct verify *v, const struct node *n, const char *proto, int side)
{
	for (const struct node *c = n->child; c; c = c->next) {
		if (c->flags & (N_GENERATED | N_HIDDEN))
			continue;
		const char *p = proto;
		if (c->flags & N_PROTO) {
			if (!graft_native_proto(c->name))
				continue; /* dcerpc, kerberos, data...: not ours */
			p = c->name;
		}
		if (c->name)
			add(v, c->name, c->flags & N_PROTO ? "" : c->show, p, side);
		collect(v, c, p, side);
	}
}

static int cmp_item(const void *a, const void *b)
{
	const struct vitem *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->show, y->show);
	return c ? c : (int)x->side - (int)y->side;
}

static struct pstat *pstat(struct verify *v, const char *proto)
{
	for (size_t i = 0; i < v->nps; i++)
		if (!strcmp(v->ps[i].proto, proto))
			return &v->ps[i];
	if (v->nps == MAX_PROTOS)
		return &v->ps[MAX_PROTOS - 1];
	v->ps[v->nps] = (struct pstat){ .proto = strdup(proto) };
	return &v->ps[v->nps++];
}

static void put_value(FILE *f, const char *s)
{
	if (!s) {
		fputc('-', f);
		return;
	}
	size_t n = strlen(s);
	fprintf(f, "%.*s%s", VALUE_MAX, s, n > VALUE_MAX ? "..." : "");
}

/* Compares the items of one frame pair (sorted by name, show, side). */
static void compare_frame(struct verify *v, uint32_t num)
{
	qsort(v->it, v->n, sizeof(*v->it), cmp_item);
	size_t i = 0;
	while (i < v->n) {
		/* one field name: [i, j) */
		size_t j = i;
		while (j < v->n && !strcmp(v->it[j].name, v->it[i].name))
			j++;
		const char *only[2][64];
		size_t nonly[2] = { 0, 0 }, more[2] = { 0, 0 };
		for (size_t k = i; k < j;) {
			size_t e = k, cnt[2] = { 0, 0 };
			while (e < j && !strcmp(v->it[e].show, v->it[k].show))
				cnt[v->it[e++].side]++;
			for (size_t s = 0; s < 2; s++)
				pstat(v, v->it[k].proto)->n[s] += cnt[s];
			size_t both = cnt[0] < cnt[1] ? cnt[0] : cnt[1];
			pstat(v, v->it[k].proto)->agree += both;
			for (int s = 0; s < 2; s++)
				for (size_t x = both; x < cnt[s]; x++) {
					if (nonly[s] < 64)
						only[s][nonly[s]++] = v->it[k].show;
					else
						more[s]++;
				}
			k = e;
		}
		size_t m = nonly[0] > nonly[1] ? nonly[0] : nonly[1];
		for (size_t x = 0; x < m; x++) {
			fprintf(v->out, "frame %u  %s  native=", num, v->it[i].name);
			put_value(v->out, x < nonly[0] ? only[0][x] : NULL);
			fputs("  tshark=", v->out);
			put_value(v->out, x < nonly[1] ? only[1][x] : NULL);
			fputc('\n', v->out);
			v->diffs++;
		}
		if (more[0] || more[1]) {
			fprintf(v->out, "frame %u  %s  ... and %zu native, %zu tshark more\n", num,
				v->it[i].name, more[0], more[1]);
			v->diffs += more[0] > more[1] ? more[0] : more[1];
		}
		i = j;
	}
	v->n = 0;
}

static void summary(struct verify *v)
{
	fprintf(v->out, "\nagreement per protocol (generated items and protocols smbcmp does "
			"not dissect left out):\n");
	fprintf(v->out, "  %-14s %10s %10s %10s %9s %9s\n", "protocol", "native", "tshark",
		"agree", "recall", "precision");
	for (size_t i = 0; i < v->nps; i++) {
		const struct pstat *p = &v->ps[i];
		fprintf(v->out, "  %-14s %10llu %10llu %10llu %8.2f%% %8.2f%%\n", p->proto,
			(unsigned long long)p->n[0], (unsigned long long)p->n[1],
			(unsigned long long)p->agree,
			p->n[1] ? 100.0 * (double)p->agree / (double)p->n[1] : 100.0,
			p->n[0] ? 100.0 * (double)p->agree / (double)p->n[0] : 100.0);
	}
	fprintf(v->out, "frames: %llu in both, %llu only native, %llu only tshark; %llu "
			"disagreements\n",
		(unsigned long long)v->frames_both, (unsigned long long)v->frames_only[0],
		(unsigned long long)v->frames_only[1], (unsigned long long)v->diffs);
}

int verify_run(struct trace *t, const struct ts_secrets *sec, FILE *out)
{
	struct verify v = { .out = out };
	struct tshark_src ts;
	struct native_src ns;
	struct ts_opts o = { .filter = ENGINE_TSHARK_FILTER, .secrets = sec };
	struct arena a[2];
	struct out_frame fr[2];
	int have[2];
	char err[512];

	if (tshark_src_open(&ts, trace_path(t), &o, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		return 2;
	}
	struct frame_src *src[2] = { out_native_src(&ns, t), &ts.base };
	arena_init(&a[0]);
	arena_init(&a[1]);
	have[0] = src[0]->next(src[0], &a[0], &fr[0]);
	have[1] = src[1]->next(src[1], &a[1], &fr[1]);
	while (have[0] > 0 || have[1] > 0) {
		int side;
		if (have[0] > 0 && have[1] > 0 && fr[0].num == fr[1].num) {
			collect(&v, fr[0].root, NULL, 0);
			collect(&v, fr[1].root, NULL, 1);
			compare_frame(&v, fr[0].num);
			v.frames_both++;
			for (int s = 0; s < 2; s++) {
				arena_reset(&a[s]);
				have[s] = src[s]->next(src[s], &a[s], &fr[s]);
			}
			continue;
		}
		side = have[1] <= 0 || (have[0] > 0 && fr[0].num < fr[1].num) ? 0 : 1;
		fprintf(out, "frame %u  only in %s: %s\n", fr[side].num,
			side ? "tshark" : "native", fr[side].summary);
		v.frames_only[side]++;
		v.diffs++;
		arena_reset(&a[side]);
		have[side] = src[side]->next(src[side], &a[side], &fr[side]);
	}
	arena_free(&a[0]);
	arena_free(&a[1]);
	int rc = tshark_src_close(&ts, NULL, err, sizeof(err));
	summary(&v);
	for (size_t i = 0; i < v.nps; i++)
		free((char *)v.ps[i].proto);
	free(v.it);
	if (rc) {
		fflush(out);
		fprintf(stderr, "smbcmp: %s\n", err);
		return 2;
	}
	return v.diffs ? 1 : 0;
}
