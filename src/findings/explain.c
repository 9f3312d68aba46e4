/*
 * explain.c - wording differences in protocol terms, for the passes:
 * the request fields that differ between two aligned operations
 * ("A Disposition Overwrite If (B Open), Create Options 0x00000044
 * (B 0x00001044: B sets Delete On Close)"), how two names differ (only
 * case, only slash direction...), an operation named by command and path.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "findings.h"

#define MAX_CLAUSES 6

/* The display part of a label: "Disposition: Open (1)" -> "Open (1)". */
const char *fnd_label_value(const char *label, const char *show)
{
	if (!label)
		return show ? show : "";
	const char *eq = strstr(label, " = ");
	const char *p = strstr(eq ? eq + 3 : label, ": ");
	return p ? p + 2 : show ? show : label;
}

/* The name part: "Disposition: Open (1)" -> "Disposition"; a bit
 * ".... ...1 = Delete On Close: True" -> "Delete On Close". */
static const char *label_name(struct arena *a, const char *label, const char *name)
{
	if (!label)
		return name ? name : "";
	const char *eq = strstr(label, " = ");
	const char *s = eq ? eq + 3 : label;
	const char *c = strstr(s, ": ");
	return c ? arena_strndup(a, s, (size_t)(c - s)) : arena_strdup(a, s);
}

static bool bit_set(const struct node *n)
{
	if (!n || !n->show)
		return false;
	return !strcmp(n->show, "1") || !strcmp(n->show, "True") || !strcmp(n->show, "true");
}

/* Whether a field takes part in explaining a failure: named, in a body
 * (headers, ids, lengths and offsets say nothing about why). */
static bool explains(const struct dfield *f)
{
	if (f->note || !f->name || !strchr(f->name, '.'))
		return false;
	if (strstr(f->path, "SMB2 Header/") || strstr(f->path, "SMB Header/"))
		return false;
	static const char *const skip[] = {
		"smb2.buffer_code", "smb2.olb.offset", "smb2.olb.length", "smb.wct", "smb.bcc",
		"smb.andxoffset", "smb2.filename.len", "smb.padding", "smb2.padding",
	};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(f->name, skip[i]))
			return false;
	return true;
}

/* Index of the dfield whose node (either side) is n, or -1. */
static long field_of(const struct ddetail *det, const struct node *n)
{
	if (!n)
		return -1;
	for (size_t k = 0; k < det->nf; k++)
		if (det->f[k].node[0] == n || det->f[k].node[1] == n)
			return (long)k;
	return -1;
}

const char *fnd_strdiff(struct arena *a, const char *x, const char *y)
{
	if (!x || !y || !strcmp(x, y))
		return NULL;
	size_t nx = strlen(x), ny = strlen(y);
	if (nx == ny && !strcasecmp(x, y))
		return "only case";
	if (nx == ny) {
		bool slash = true;
		for (size_t i = 0; i < nx && slash; i++)
			if (x[i] != y[i] && !((x[i] == '/' && y[i] == '\\') ||
					      (x[i] == '\\' && y[i] == '/')))
				slash = false;
		if (slash)
			return "only slash direction";
	}
	/* Trim separators at both ends, trailing spaces and dots. */
	const char *px = x, *py = y;
	while (*px == '\\' || *px == '/')
		px++;
	while (*py == '\\' || *py == '/')
		py++;
	size_t lx = strlen(px), ly = strlen(py);
	size_t tx = lx, ty = ly;
	while (tx && (px[tx - 1] == '\\' || px[tx - 1] == '/'))
		tx--;
	while (ty && (py[ty - 1] == '\\' || py[ty - 1] == '/'))
		ty--;
	if (tx == ty && !strncmp(px, py, tx))
		return "only leading/trailing separators";
	size_t sx = tx, sy = ty;
	while (sx && (px[sx - 1] == ' ' || px[sx - 1] == '.'))
		sx--;
	while (sy && (py[sy - 1] == ' ' || py[sy - 1] == '.'))
		sy--;
	if (sx == sy && !strncasecmp(px, py, sx))
		return "only a trailing space or dot";
	/* 8.3 short name: BASE~N.EXT against a longer name. */
	const char *tilde = strchr(nx < ny ? x : y, '~');
	if (tilde && isdigit((unsigned char)tilde[1]))
		return "8.3 short name against long name";
	(void)a;
	return NULL;
}

/* A value for one line: a flags field's number alone when it names more
 * than three bits ("0x001701df"), a value name without its description
 * ("Open (if file exists open it, else fail) (1)" -> "Open (1)"). */
static const char *brief(struct arena *a, const char *v)
{
	const char *comma = strstr(v, ", ");
	if (!strncmp(v, "0x", 2) && comma) {
		size_t names = 0;
		for (const char *p = comma; p; p = strstr(p + 2, ", "))
			names++;
		return names > 3 ? arena_strndup(a, v, (size_t)(comma - v)) : v;
	}
	const char *open = strstr(v, " (");
	const char *last = strrchr(v, '(');
	if (open && last && last > open + 1 && strchr(open + 2, ' ') < last)
		return arena_printf(a, "%.*s %s", (int)(open - v), v, last);
	return v;
}

/* "Read, Write, Append and 8 more" of a list of names. */
static const char *names_brief(struct arena *a, const char *list)
{
	const char *p = list;
	for (int k = 0; k < 3 && p; k++) {
		p = strstr(p, ", ");
		if (p)
			p += 2;
	}
	if (!p)
		return list;
	size_t more = 1;
	for (const char *q = strstr(p, ", "); q; q = strstr(q + 2, ", "))
		more++;
	return arena_printf(a, "%.*s and %zu more", (int)(p - 2 - list), list, more);
}

/* One clause: "Disposition Overwrite If (5) (B Open (1))". */
static void clause(struct arena *a, char *buf, size_t cap, const struct ddetail *det,
		   size_t k)
{
	const struct dfield *f = &det->f[k];
	const char *name = label_name(a, f->la ? f->la : f->lb, f->name);
	size_t len = strlen(buf);
	if (!f->a || !f->b) {
		snprintf(buf + len, cap - len, "%s%s %s only in %s", len ? ", " : "", name,
			 brief(a, fnd_label_value(f->a ? f->la : f->lb, f->a ? f->a : f->b)),
			 f->a ? "A" : "B");
		return;
	}
	snprintf(buf + len, cap - len, "%s%s %s (B %s", len ? ", " : "", name,
		 brief(a, fnd_label_value(f->la, f->a)), brief(a, fnd_label_value(f->lb, f->b)));
	len = strlen(buf);
	const char *how = fnd_strdiff(a, f->a, f->b);
	if (how && strchr(f->name, '.') && !isdigit((unsigned char)f->a[0])) {
		snprintf(buf + len, cap - len, ": %s", how);
		len = strlen(buf);
	}
	/* Bits of this field that differ: who sets which. */
	const char *sets[2] = { "", "" };
	for (size_t j = 0; j < det->nf; j++) {
		const struct dfield *g = &det->f[j];
		const struct node *pa = g->node[0] ? g->node[0]->parent : NULL;
		const struct node *pb = g->node[1] ? g->node[1]->parent : NULL;
		if (j == k || (pa != f->node[0] && pb != f->node[1]) || !g->a || !g->b)
			continue;
		int s = bit_set(g->node[0]) ? 0 : bit_set(g->node[1]) ? 1 : -1;
		if (s < 0)
			continue;
		const char *bn = label_name(a, s ? g->lb : g->la, g->name);
		sets[s] = *sets[s] ? arena_printf(a, "%s, %s", sets[s], bn) : bn;
	}
	for (int s = 0; s < 2; s++)
		if (*sets[s]) {
			len = strlen(buf);
			snprintf(buf + len, cap - len, "; only %c sets %s", s ? 'B' : 'A',
				 names_brief(a, sets[s]));
		}
	len = strlen(buf);
	snprintf(buf + len, cap - len, ")");
}

const char *fnd_explain(struct findings *F, size_t i, bool request_only)
{
	struct diff *d = F->d;
	struct ddetail det;
	diff_detail(d, i, 4096, &F->a, &det);

	char buf[900] = "";
	size_t n = 0, skipped = 0;
	for (size_t k = 0; k < det.nf; k++) {
		const struct dfield *f = &det.f[k];
		if (request_only && strncmp(f->path, "request/", 8))
			continue;
		if (!explains(f))
			continue;
		/* A bit whose field differs too is worded in that field's clause. */
		const struct node *p = f->node[0] ? f->node[0]->parent
				     : f->node[1] ? f->node[1]->parent : NULL;
		if (p && p->name && field_of(&det, p) >= 0)
			continue;
		if (n == MAX_CLAUSES) {
			skipped++;
			continue;
		}
		clause(&F->a, buf, sizeof(buf), &det, k);
		n++;
	}
	if (skipped) {
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, ", %zu more", skipped);
	}
	return n ? arena_strdup(&F->a, buf) : NULL;
}

const char *fnd_opname(struct findings *F, int side, uint32_t opi)
{
	const struct op *o = &F->s[side]->ops[opi];
	const char *name = op_cmd_name(o);
	const char *sub = op_sub_name(&F->a, o);
	if (sub)
		name = arena_printf(&F->a, "%s %s", name, sub);
	if (o->proto == OP_RPC || !o->key->path)
		return name;
	return arena_printf(&F->a, "%s %s", name, o->key->path);
}
