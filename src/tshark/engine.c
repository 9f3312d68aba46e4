/* engine.c - engine selection and the tshark frame source; see engine.h. */
#include "engine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsproc.h"

int engine_parse(const char *s, enum engine *e)
{
	static const struct { const char *name; enum engine e; } tab[] = {
		{ "auto", ENGINE_AUTO }, { "native", ENGINE_NATIVE }, { "tshark", ENGINE_TSHARK },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(s, tab[i].name)) {
			*e = tab[i].e;
			return 0;
		}
	return -1;
}

static void hexs(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/* Appends printf output to the malloc'd string *s. 0, or -1 (out of memory). */
static int append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int append(char **s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	size_t old = *s ? strlen(*s) : 0;
	char *p = n < 0 ? NULL : realloc(*s, old + (size_t)n + 1);
	if (!p)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p + old, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*s = p;
	return 0;
}

struct ts_secrets *engine_secrets(const struct smb_keyring *ring)
{
	if (!ring || (!ring->nkeys && !ring->npasswords))
		return NULL;
	struct ts_secrets *sec = calloc(1, sizeof(*sec));
	if (!sec)
		return NULL;
	for (size_t i = 0; i < ring->nkeys; i++) {
		const struct smb_key *key = &ring->keys[i];
		uint8_t sid[8];
		char hsid[17], hsk[65], hs2c[65], hc2s[65];
		for (int b = 0; b < 8; b++)
			sid[b] = (uint8_t)(key->sesid >> (8 * b));
		hexs(hsid, sid, 8);
		hexs(hsk, key->session_key, key->session_key_len);
		hexs(hs2c, key->s2c, key->s2c_len);
		hexs(hc2s, key->c2s, key->c2s_len);
		if (append(&sec->smb2_seskey_list, "%s,%s,%s,%s\n", hsid, hsk, hs2c, hc2s))
			break;
	}
	/* The first password that fits on a preferences line. */
	for (size_t i = 0; i < ring->npasswords; i++) {
		const char *pw = ring->passwords[i].password;
		if (strpbrk(pw, "\r\n"))
			continue;
		append(&sec->preferences, "ntlmssp.nt_password: %s\n", pw);
		break;
	}
	return sec;
}

/* Overwrites a secret before freeing it. */
static void wipe_free(char *s)
{
	if (!s)
		return;
	volatile char *v = s;
	for (size_t i = 0; v[i]; i++)
		v[i] = 0;
	free(s);
}

void engine_free_secrets(struct ts_secrets *sec)
{
	if (!sec)
		return;
	wipe_free(sec->preferences);
	wipe_free(sec->smb2_seskey_list);
	free(sec);
}

static int ts_next(struct frame_src *base, struct arena *a, struct out_frame *f)
{
	struct tshark_src *s = (struct tshark_src *)base;
	int r = tshark_next(s->ts, a, &s->tf, s->err, sizeof(s->err));
	if (r < 0)
		s->failed = true;
	if (r <= 0)
		return r;
	f->num = s->tf.num;
	f->sec = s->tf.sec;
	f->nsec = s->tf.nsec;
	f->stream = s->tf.stream;
	f->udp = s->tf.udp;
	f->src = s->tf.src;
	f->dst = s->tf.dst;
	f->summary = s->tf.summary;
	f->root = s->tf.root;
	return 1;
}

int tshark_src_open(struct tshark_src *s, const char *path, const struct ts_opts *o,
		    char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->base.next = ts_next;
	return tshark_open(&s->ts, path, o, err, errlen);
}

int tshark_src_close(struct tshark_src *s, struct ts_stats *st, char *err, size_t errlen)
{
	char cerr[512] = "";
	struct ts_stats tmp;
	int rc = tshark_close(s->ts, &tmp, cerr, sizeof(cerr));
	const char *dbg = getenv("SMBCMP_DEBUG");
	if (dbg && strstr(dbg, "tshark"))
		fprintf(stderr, "smbcmp: tshark: %llu packets, %llu items, %llu generated, "
				"%llu not aligned with -V\n",
			(unsigned long long)tmp.packets, (unsigned long long)tmp.items,
			(unsigned long long)tmp.generated, (unsigned long long)tmp.unaligned);
	if (st)
		*st = tmp;
	s->ts = NULL;
	if (s->failed) {
		/* tshark's own complaint explains a broken output best */
		snprintf(err, errlen, "%s", cerr[0] ? cerr : s->err);
		return -1;
	}
	if (rc) {
		snprintf(err, errlen, "%s", cerr);
		return -1;
	}
	return 0;
}

static int list_src(struct frame_src *s, FILE *f)
{
	struct arena a;
	struct out_frame fr;
	int64_t t0 = 0;
	uint32_t n0 = 0;
	bool first = true;
	int r;

	arena_init(&a);
	while ((r = s->next(s, &a, &fr)) > 0) {
		if (first) {
			t0 = fr.sec;
			n0 = fr.nsec;
			first = false;
		}
		char rel[48];
		out_fmt_reltime(rel, sizeof(rel), (fr.sec - t0) * 1000000000 + ((int64_t)fr.nsec - n0));
		fprintf(f, "%6u %s %s -> %s %s\n", fr.num, rel, fr.src, fr.dst, fr.summary);
		arena_reset(&a);
	}
	arena_free(&a);
	return r;
}

int engine_print_tshark(const char *path, enum engine_out how, const struct ts_secrets *sec,
			FILE *f)
{
	struct tshark_src s;
	struct ts_opts o = { .filter = ENGINE_TSHARK_FILTER, .secrets = sec };
	char err[512];

	if (tshark_src_open(&s, path, &o, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		return 2;
	}
	switch (how) {
	case EOUT_JSON: out_json_src(&s.base, f); break;
	case EOUT_TEXT: out_text_src(&s.base, f); break;
	case EOUT_LIST: list_src(&s.base, f); break;
	}
	if (tshark_src_close(&s, NULL, err, sizeof(err))) {
		fflush(f);
		fprintf(stderr, "smbcmp: %s\n", err);
		return 2;
	}
	return 0;
}

int engine_tshark_fields(const char *const *names, size_t n, bool *known, char *err,
			 size_t errlen)
{
	char *const argv[] = { (char *)"tshark", (char *)"-G", (char *)"fields", NULL };
	struct tsproc p;

	if (tsproc_start(&p, argv, err, errlen))
		return -1;
	FILE *f = fdopen(p.out, "r");
	if (!f) {
		tsproc_kill(&p);
		snprintf(err, errlen, "tshark -G fields: %s", strerror(errno));
		return -1;
	}
	p.out = -1; /* f owns it */
	/* "P\tName\tabbrev" for a protocol, "F\tName\tabbrev\t..." for a field. */
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		if ((line[0] != 'P' && line[0] != 'F') || line[1] != '\t')
			continue;
		char *abbrev = strchr(line + 2, '\t');
		if (!abbrev)
			continue;
		abbrev++;
		abbrev[strcspn(abbrev, "\t\n")] = 0;
		for (size_t i = 0; i < n; i++)
			if (!known[i] && !strcmp(abbrev, names[i]))
				known[i] = true;
	}
	free(line);
	fclose(f);
	return tsproc_wait(&p, err, errlen);
}
