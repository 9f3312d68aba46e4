/*
 * systematic.c - one field change repeated on many operations becomes one
 * finding (FK_SYSTEMATIC) with its count and operation list, and an entry
 * whose every difference is systematic becomes "similar".
 *
 * A difference's signature is (side of the operation it is in: request,
 * response or pseudo-field; field name; A value; B value). A signature is
 * systematic when it occurs on at least SYS_MIN entries, or on at least
 * two entries that are every paired entry of their command. The dialect
 * explains some: when the negotiated dialects differ, the differences of
 * fields that exist only in some dialects (the 3.1.1 Priority bits of the
 * header flags) are named in one finding with the dialects.
 *
 * Cost: one record-mode comparison per changed entry (diff_detail) in a
 * scratch arena reset per entry; what stays is one record per signature
 * and the signature numbers of each changed entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "xalloc.h"

#define SYS_MIN 3
#define MAX_FIELDS 4096

struct sig {
	char *name, *side, *a, *b; /* a, b: labels, NULL when absent */
	char *parent;              /* name of the field it is a bit of, or NULL */
	bool bit_a, bit_b;         /* a bit: set in A, in B */
	bool cross;                /* absent on one side of an SMB1/SMB2 pair */
	bool header;               /* an SMB/SMB2 header field */
	uint64_t set;              /* hash of its entry list */
	size_t count;
	size_t *entries;           /* every entry it occurs on */
	size_t cap;
	uint16_t cmd_class;        /* the command of its entries, or 0xffff */
	bool systematic;
};

struct sysctx {
	struct findings *F;
	struct hmap map;  /* signature hash -> index + 1 */
	struct sig *v;
	size_t n, cap;
	uint32_t **esig;  /* per entry: its signature numbers, [0] = count */
};

static uint64_t hs(uint64_t h, const char *s)
{
	return s ? hmap_bytes(h, s, strlen(s)) : hmap_mix(h, 0x6e756c6c);
}

/* "request", "response" or "operation": the part of the path before '/'. */
static const char *side_of(const char *path, char *buf, size_t n)
{
	const char *s = strchr(path, '/');
	size_t len = s ? (size_t)(s - path) : strlen(path);
	snprintf(buf, n, "%.*s", (int)len, path);
	return buf;
}

static const char *shown(const char *label, const char *v)
{
	return label ? label : v;
}

static uint32_t sig_of(struct sysctx *c, const struct dfield *f, size_t entry, uint16_t cls,
		       bool cross)
{
	char side[16];
	side_of(f->path, side, sizeof(side));
	const char *va = f->a ? shown(f->la, f->a) : NULL, *vb = f->b ? shown(f->lb, f->b) : NULL;
	uint64_t h = hs(hs(hs(hs(0x737973, side), f->name), va), vb);
	h = hs(h, f->note);
	uintptr_t k = (uintptr_t)hmap_get(&c->map, h);
	struct sig *s;
	if (!k) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
		}
		s = &c->v[c->n++];
		memset(s, 0, sizeof(*s));
		s->name = xstrdup(f->name);
		s->side = xstrdup(side);
		s->a = xstrdup(va);
		s->b = xstrdup(vb);
		s->cmd_class = cls;
		const struct node *n = f->node[0] ? f->node[0] : f->node[1];
		s->parent = n && n->parent && n->parent->name && !(n->parent->flags & N_PROTO)
				    ? xstrdup(n->parent->name) : NULL;
		s->cross = cross && (!f->a || !f->b);
		s->header = strstr(f->path, " Header/") != NULL;
		s->bit_a = f->a && (!strcmp(f->a, "1") || !strcmp(f->a, "True"));
		s->bit_b = f->b && (!strcmp(f->b, "1") || !strcmp(f->b, "True"));
		k = c->n;
		hmap_put(&c->map, h, (void *)k);
	}
	s = &c->v[k - 1];
	if (!s->count || s->entries[s->count - 1] != entry) {
		if (s->count == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 4;
			s->entries = xrealloc(s->entries, s->cap * sizeof(*s->entries));
		}
		s->entries[s->count++] = entry;
		if (s->cmd_class != cls)
			s->cmd_class = 0xffff;
	}
	return (uint32_t)(k - 1);
}

/* Command identity of an entry for "every entry of its command". */
static uint16_t cmd_of(const struct findings *F, size_t i)
{
	const struct op *o = &F->s[0]->ops[F->d->e[i].op[0]];
	return (uint16_t)(o->proto << 12 | (o->cmd & 0xfff));
}

/* Fields that exist only in some dialects: their differences follow
 * from the dialect. */
static bool dialect_field(const char *name)
{
	static const char *const tab[] = {
		"smb2.flags.priority_mask", "smb2.flags", "smb2.channel_sequence",
		"smb2.header.reserved",
	};
	for (size_t k = 0; k < sizeof(tab) / sizeof(tab[0]); k++)
		if (!strcmp(name, tab[k]))
			return true;
	return false;
}

/* A value for a one-line message: a flags field's number without the
 * names of its bits ("0x62088215, Negotiate ..." -> "0x62088215"). */
static const char *short_value(struct arena *a, const char *label)
{
	if (!label)
		return "absent";
	const char *v = fnd_label_value(label, label);
	const char *comma = strstr(v, ", ");
	if (!strncmp(v, "0x", 2) && comma)
		return arena_strndup(a, v, (size_t)(comma - v));
	if (strlen(v) > 60)
		return arena_printf(a, "%.57s...", v);
	return v;
}

/* "Negotiate 56" of a bit's label ".... = Negotiate 56: Set". */
static const char *bit_name(struct arena *a, const char *label)
{
	const char *eq = label ? strstr(label, " = ") : NULL;
	if (!eq)
		return label ? label : "";
	const char *c = strstr(eq + 3, ": ");
	return c ? arena_strndup(a, eq + 3, (size_t)(c - eq - 3)) : eq + 3;
}

static void list_entries(struct findings *F, struct finding *x, const struct sig *s)
{
	for (size_t k = 0; k < s->count; k++)
		finding_entry(F, x, s->entries[k]);
}

void systematic_pass(struct findings *F)
{
	struct diff *d = F->d;
	struct sysctx c = { .F = F };
	struct arena scratch;
	size_t *per_cmd = xcalloc(1 << 16, sizeof(size_t));

	hmap_init(&c.map);
	arena_init(&scratch);
	c.esig = xcalloc(d->n ? d->n : 1, sizeof(*c.esig));
	for (size_t i = 0; i < d->n; i++) {
		const struct dentry *e = &d->e[i];
		if (e->op[0] == OP_NONE || e->op[1] == OP_NONE || e->status == DS_FILTERED)
			continue;
		uint16_t cls = cmd_of(F, i);
		bool cross = F->s[0]->ops[e->op[0]].proto != F->s[1]->ops[e->op[1]].proto;
		per_cmd[cls]++;
		if (e->status != DS_CHANGED)
			continue;
		struct ddetail det;
		diff_detail(d, i, MAX_FIELDS, &scratch, &det);
		if (det.more) { /* too many to say: stays changed */
			arena_reset(&scratch);
			continue;
		}
		uint32_t *v = xrealloc(NULL, (det.nf + 1) * sizeof(*v));
		v[0] = 0;
		for (size_t k = 0; k < det.nf; k++)
			v[++v[0]] = sig_of(&c, &det.f[k], i, cls, cross);
		c.esig[i] = v;
		arena_reset(&scratch);
	}

	for (size_t k = 0; k < c.n; k++) {
		struct sig *s = &c.v[k];
		s->systematic = s->count >= SYS_MIN ||
				(s->count >= 2 && s->cmd_class != 0xffff &&
				 s->count == per_cmd[s->cmd_class]);
	}

	/* The dialect's own differences, in one finding: fields only some
	 * dialects have, and the headers of an SMB1 operation paired with an
	 * SMB2 one (which have no field in common). */
	const char *da = fnd_dialect(F, 0), *db = fnd_dialect(F, 1);
	struct finding *dx = NULL;
	size_t ndialect = 0;
	if (da && db && strcmp(da, db)) {
		for (size_t k = 0; k < c.n; k++) {
			struct sig *s = &c.v[k];
			if (!s->cross && (!s->systematic || !dialect_field(s->name)))
				continue;
			if (!dx)
				dx = finding_new(F, FK_SYSTEMATIC, "dialect", "%s", "");
			finding_field(F, dx, s->name, s->a, s->b);
			list_entries(F, dx, s);
			s->systematic = false; /* said */
			s->cmd_class = 0xfffe; /* mark: explained by the dialect */
			ndialect++;
		}
		if (dx) {
			finding_tidy(dx);
			bool fam = strncmp(da, "SMB ", 4) != strncmp(db, "SMB ", 4) ||
				   (!strncmp(da, "SMB 2", 5) || !strncmp(da, "SMB 3", 5)) !=
					   (!strncmp(db, "SMB 2", 5) || !strncmp(db, "SMB 3", 5));
			dx->msg = arena_printf(&F->a,
				"dialect: A %s, B %s; %s (%zu fields on %zu operations)", da, db,
				fam ? "SMB1 and SMB2 headers differ on every operation"
				    : "what only some dialects have differs on every operation",
				ndialect, dx->nops);
		}
	}
	/* One finding per set of entries: the fields that change together
	 * (a flags field with its bits, request with response). */
	for (size_t k = 0; k < c.n; k++) {
		struct sig *s = &c.v[k];
		uint64_t h = 0x736574;
		for (size_t j = 0; j < s->count; j++)
			h = hmap_mix(h, s->entries[j]);
		s->set = s->header ? 0x68656164
			 : s->cmd_class < 0xfffe ? hmap_mix(0x636d64, s->cmd_class)
						 : hmap_mix(h, s->count);
	}
	bool *done = xcalloc(c.n ? c.n : 1, 1);
	for (size_t k = 0; k < c.n; k++) {
		struct sig *s = &c.v[k];
		if (!s->systematic || done[k])
			continue;
		const struct op *o = &F->s[0]->ops[d->e[s->entries[0]].op[0]];
		struct finding *x = finding_new(F, FK_SYSTEMATIC, "field", "%s", "");
		char what[600] = "";
		size_t shown = 0, more = 0;
		for (size_t j = k; j < c.n; j++) {
			struct sig *t = &c.v[j];
			if (!t->systematic || done[j] || t->set != s->set)
				continue;
			done[j] = true;
			finding_field(F, x, t->name, t->a, t->b);
			list_entries(F, x, t);
			bool bit = false; /* a bit of a field listed here too */
			for (size_t m = k; m < c.n && t->parent && !bit; m++)
				bit = c.v[m].set == s->set && c.v[m].systematic &&
				      !strcmp(c.v[m].name, t->parent);
			if (bit)
				continue;
			/* request and response alike: once */
			bool twin = false;
			for (size_t m = k; m < j && !twin; m++)
				twin = c.v[m].set == s->set && !strcmp(c.v[m].name, t->name) &&
				       !strcmp(c.v[m].a ? c.v[m].a : "", t->a ? t->a : "") &&
				       !strcmp(c.v[m].b ? c.v[m].b : "", t->b ? t->b : "");
			if (twin)
				continue;
			if (shown == 3) {
				more++;
				continue;
			}
			size_t len = strlen(what);
			snprintf(what + len, sizeof(what) - len, "%s%s %s A %s, B %s",
				 shown ? "; " : "", t->side, t->name, short_value(&F->a, t->a),
				 short_value(&F->a, t->b));
			/* Its bits that differ, by who sets them. */
			for (int side = 0; side < 2; side++) {
				const char *names = "";
				for (size_t m = k; m < c.n; m++) {
					const struct sig *u = &c.v[m];
					if (u->set != s->set || !u->systematic || !u->parent ||
					    strcmp(u->parent, t->name) || !(side ? u->bit_b : u->bit_a))
						continue;
					const char *bn = bit_name(&F->a, side ? u->b : u->a);
					if (strstr(names, bn))
						continue;
					names = *names ? arena_printf(&F->a, "%s, %s", names, bn) : bn;
				}
				if (*names) {
					len = strlen(what);
					snprintf(what + len, sizeof(what) - len, " (only %c: %s)",
						 side ? 'B' : 'A', names);
				}
			}
			shown++;
		}
		if (more) {
			size_t len = strlen(what);
			snprintf(what + len, sizeof(what) - len, "; %zu more field%s", more,
				 more == 1 ? "" : "s");
		}
		finding_tidy(x);
		const char *where = s->header || s->cmd_class == 0xffff
			? arena_printf(&F->a, "%zu operations", x->nops)
			: arena_printf(&F->a, "%s%zu %s", x->nops == per_cmd[s->cmd_class] ? "all " : "",
				       x->nops, op_cmd_name(o));
		x->msg = arena_printf(&F->a, "%s on %s", what, where);
	}
	free(done);
	/* Similar: changed, every difference systematic or the dialect's. */
	for (size_t i = 0; i < d->n; i++) {
		uint32_t *v = c.esig[i];
		if (!v || !v[0])
			continue;
		bool all = true;
		for (uint32_t k = 1; k <= v[0] && all; k++) {
			const struct sig *s = &c.v[v[k]];
			all = s->systematic || s->cmd_class == 0xfffe;
		}
		if (all)
			F->status[i] = FS_SIMILAR;
	}

	for (size_t k = 0; k < c.n; k++) {
		free(c.v[k].name);
		free(c.v[k].side);
		free(c.v[k].a);
		free(c.v[k].b);
		free(c.v[k].parent);
		free(c.v[k].entries);
	}
	for (size_t i = 0; i < d->n; i++)
		free(c.esig[i]);
	free(c.esig);
	free(c.v);
	free(per_cmd);
	hmap_free(&c.map);
	arena_free(&scratch);
}
