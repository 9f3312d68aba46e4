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

/*
 * The README's "Deliberate differences from tshark", as data: each rule is
 * a disagreement smbcmp makes on purpose. Matching disagreements are
 * listed apart, after the others, and not counted, so a clean capture
 * passes. A field rule matches one disagreeing pair (native value,
 * tshark value; NULL when that side lacks the item); a frame rule a frame
 * only one engine shows in a named capture.
 */
enum dside { D_NATIVE_ONLY = 1, D_TSHARK_ONLY, D_BOTH };

static const struct field_rule {
	const char *field;    /* name, or a prefix ending in '.' */
	enum dside side;      /* which side has the item */
	bool latin1_mangled;  /* tshark's value is native's through tshark 4.0's
				 SMB1 Unicode damage (README) */
	const char *why;
} field_rules[] = {
	{ "data.data", D_NATIVE_ONLY, false, "write data as data.data under \"Data (n bytes)\"" },
	{ "smb2.header.comp_transform.data", D_TSHARK_ONLY, false,
	  "tshark 4.0 rejects LZNT1-compressed messages, smbcmp decompresses them" },
	{ "smb.", D_BOTH, true, "SMB1 Unicode beyond U+00FF, which tshark 4.0 turns into ?" },
};

static const struct frame_rule {
	const char *capture;  /* basename of the capture */
	uint32_t frame;       /* 0: any frame */
	const char *why;
} frame_rules[] = {
	{ "suricata-smb-eicar-file-segmentation-random.pcap", 0,
	  "tshark gives up on an NBSS header sent one byte per segment" },
	{ "suricata-smb1-02_smb1_osx.pcap", 9, "tshark calls the frame a spurious retransmission" },
};

struct verify {
	FILE *out;
	FILE *apart;          /* deliberate differences, printed after the rest */
	char *apart_buf;
	size_t apart_len;
	uint64_t deliberate;
	const char *capture;  /* basename of the capture */
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

/* Decodes one UTF-8 sequence at *s (advancing it); U+FFFD when invalid. */
static uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = p[0];
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	if (n < 0) {
		(*s)++;
		return 0xFFFD;
	}
	c = n ? c & (0x3F >> n) : c;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s += i;
			return 0xFFFD;
		}
		c = c << 6 | (p[i] & 0x3F);
	}
	*s += n + 1;
	return c;
}

/* True when t is n as tshark 4.0 shows an SMB1 Unicode string: each
 * character beyond U+00FF a '?', U+0080 to U+00FF U+FFFD (README). */
static bool latin1_mangled(const char *n, const char *t)
{
	bool changed = false;
	while (*n) {
		uint32_t c = utf8_next(&n);
		if (c > 0xFF) {
			if (*t++ != '?')
				return false;
			changed = true;
		} else if (c >= 0x80) {
			if (strncmp(t, "\xef\xbf\xbd", 3))
				return false;
			t += 3;
			changed = true;
		} else if ((uint32_t)(unsigned char)*t++ != c) {
			return false;
		}
	}
	return changed && !*t;
}

/* The rule that makes this disagreement deliberate, or NULL. */
static const char *deliberate_field(const char *name, const char *nat, const char *ts)
{
	enum dside side = nat && ts ? D_BOTH : nat ? D_NATIVE_ONLY : D_TSHARK_ONLY;
	for (size_t i = 0; i < sizeof(field_rules) / sizeof(field_rules[0]); i++) {
		const struct field_rule *r = &field_rules[i];
		size_t len = strlen(r->field);
		bool hit = r->field[len - 1] == '.' ? !strncmp(name, r->field, len)
						    : !strcmp(name, r->field);
		if (hit && r->side == side && (!r->latin1_mangled || latin1_mangled(nat, ts)))
			return r->why;
	}
	return NULL;
}

static const char *deliberate_frame(const struct verify *v, uint32_t num)
{
	for (size_t i = 0; i < sizeof(frame_rules) / sizeof(frame_rules[0]); i++)
		if (!strcmp(v->capture, frame_rules[i].capture) &&
		    (!frame_rules[i].frame || frame_rules[i].frame == num))
			return frame_rules[i].why;
	return NULL;
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
			const char *nat = x < nonly[0] ? only[0][x] : NULL;
			const char *ts = x < nonly[1] ? only[1][x] : NULL;
			const char *why = deliberate_field(v->it[i].name, nat, ts);
			FILE *f = why && v->apart ? v->apart : v->out;
			fprintf(f, "frame %u  %s  native=", num, v->it[i].name);
			put_value(f, nat);
			fputs("  tshark=", f);
			put_value(f, ts);
			if (f == v->apart) {
				fprintf(f, "  (%s)", why);
				v->deliberate++;
			} else {
				v->diffs++;
			}
			fputc('\n', f);
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
	if (v->apart && fflush(v->apart) == 0 && v->apart_len)
		fprintf(v->out, "\ndeliberate differences (README \"Deliberate differences from "
				"tshark\"), not counted:\n%.*s", (int)v->apart_len, v->apart_buf);
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
			"disagreements",
		(unsigned long long)v->frames_both, (unsigned long long)v->frames_only[0],
		(unsigned long long)v->frames_only[1], (unsigned long long)v->diffs);
	if (v->deliberate)
		fprintf(v->out, " (and %llu deliberate, listed apart)",
			(unsigned long long)v->deliberate);
	fputc('\n', v->out);
}

int verify_run(struct trace *t, const struct ts_secrets *sec, FILE *out)
{
	struct verify v = { .out = out };
	const char *slash = strrchr(trace_path(t), '/');
	v.capture = slash ? slash + 1 : trace_path(t);
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
	v.apart = open_memstream(&v.apart_buf, &v.apart_len); /* NULL: all counted */
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
		const char *why = deliberate_frame(&v, fr[side].num);
		fprintf(why && v.apart ? v.apart : out, "frame %u  only in %s: %s%s%s%s\n",
			fr[side].num, side ? "tshark" : "native", fr[side].summary,
			why && v.apart ? "  (" : "", why && v.apart ? why : "",
			why && v.apart ? ")" : "");
		v.frames_only[side]++;
		if (why && v.apart)
			v.deliberate++;
		else
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
	if (v.apart)
		fclose(v.apart);
	free(v.apart_buf);
	if (rc) {
		fflush(out);
		fprintf(stderr, "smbcmp: %s\n", err);
		return 2;
	}
	return v.diffs ? 1 : 0;
}
