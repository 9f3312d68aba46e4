/*
 * tshark.c - tshark's PDML and -V output read into field trees; see
 * tshark.h for the two-process design and how generated items are found.
 */
#include "tshark.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tsproc.h"
#include "xmlapi.h"
#include "xalloc.h"

#define MAX_DEPTH 256     /* deeper PDML items are dropped with their subtree */
#define LOOKAHEAD 400     /* -V lines searched forward for one PDML item */

struct item {
	struct node *n;
	unsigned depth;   /* 0 = top-level protocol */
};

struct vline {
	size_t off, len;  /* text without indentation, in vbuf */
	unsigned depth;
};

struct tshark {
	struct tsproc pdml, vtext;
	char confdir[4096];  /* private WIRESHARK_CONFIG_DIR, "" when none */
	char *confvar;       /* "WIRESHARK_CONFIG_DIR=..." or NULL */
	bool debug;
	bool with_v;
	xmlTextReaderPtr rd;
	const struct xmlapi *x; /* libxml2, loaded on first use */
	FILE *vf;
	bool pending;     /* the reader stands on a node not yet handled */
	bool ended;
	struct item *items;
	size_t nitems, capitems;
	char *vbuf;
	size_t vlen, vcap;
	struct vline *lines;
	size_t nlines, caplines;
	char *linebuf;
	size_t linecap;
	bool carry;       /* linebuf holds the next packet's summary line */
	struct ts_stats st;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = xrealloc(p, n * size);
	*cap = n;
	return q;
}

/* ---- starting and stopping ------------------------------------------- */

static char **build_argv(const char *path, const struct ts_opts *o, bool v)
{
	char **argv = calloc(16, sizeof(*argv));
	if (!argv)
		return NULL;
	size_t k = 0;
	argv[k++] = (char *)"tshark";
	argv[k++] = (char *)"-n";
	argv[k++] = (char *)"-r";
	argv[k++] = (char *)path;
	if (o->filter) {
		argv[k++] = (char *)"-Y";
		argv[k++] = (char *)o->filter;
	}
	if (v) {
		argv[k++] = (char *)"-P";
		argv[k++] = (char *)"-V";
		argv[k++] = (char *)"-o";
		argv[k++] = (char *)"gui.column.format:\"No.\",\"%m\",\"Info\",\"%i\"";
	} else {
		argv[k++] = (char *)"-T";
		argv[k++] = (char *)"pdml";
	}
	argv[k] = NULL;
	return argv;
}

/* Writes text to dir/name, a new file only the user can read. */
static int write_conf(const char *dir, const char *name, const char *text, char *err,
		      size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t len = strlen(text), off = 0;
	while (fd >= 0 && off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (fd < 0 || off < len || close(fd)) {
		snprintf(err, errlen, "cannot write tshark configuration %s: %s", path,
			 strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* Removes the private configuration directory and what is in it (the
 * files written, and any tshark may have added). */
static void conf_remove(struct tshark *ts)
{
	if (!ts->confdir[0])
		return;
	DIR *d = opendir(ts->confdir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	if (rmdir(ts->confdir) && ts->debug)
		fprintf(stderr, "smbcmp: tshark: cannot remove %s: %s\n", ts->confdir,
			strerror(errno));
	else if (ts->debug)
		fprintf(stderr, "smbcmp: tshark: removed %s\n", ts->confdir);
	ts->confdir[0] = 0;
	free(ts->confvar);
	ts->confvar = NULL;
}

/* Makes the private configuration directory holding the secrets. */
static int conf_make(struct tshark *ts, const struct ts_secrets *sec, char *err,
		     size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || *tmp != '/')
		tmp = "/tmp";
	int n = snprintf(ts->confdir, sizeof(ts->confdir), "%s/smbcmp-tshark-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof(ts->confdir) || !mkdtemp(ts->confdir)) {
		snprintf(err, errlen, "cannot make a tshark configuration directory in %s: %s",
			 tmp, strerror(errno ? errno : ENAMETOOLONG));
		ts->confdir[0] = 0;
		return -1;
	}
	size_t len = strlen(ts->confdir) + sizeof("WIRESHARK_CONFIG_DIR=");
	ts->confvar = malloc(len);
	if (!ts->confvar) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(ts->confvar, len, "WIRESHARK_CONFIG_DIR=%s", ts->confdir);
	if (ts->debug)
		fprintf(stderr, "smbcmp: tshark: configuration in %s\n", ts->confdir);
	if (sec->preferences && write_conf(ts->confdir, "preferences", sec->preferences,
					   err, errlen))
		return -1;
	if (sec->smb2_seskey_list && write_conf(ts->confdir, "smb2_seskey_list",
						sec->smb2_seskey_list, err, errlen))
		return -1;
	return 0;
}

static int start(struct tshark *ts, struct tsproc *p, char *const *argv, char *err,
		 size_t errlen)
{
	if (ts->debug) {
		fputs("smbcmp: tshark: argv:", stderr);
		for (size_t i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	return tsproc_start_env(p, argv, ts->confvar, err, errlen);
}

int tshark_open(struct tshark **out, const char *path, const struct ts_opts *o,
		char *err, size_t errlen)
{
	struct tshark *ts = calloc(1, sizeof(*ts));
	char **argv = NULL;

	*out = NULL;
	if (!ts) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ts->pdml.out = ts->vtext.out = -1;
	ts->pdml.errfd = ts->vtext.errfd = -1;
	ts->with_v = !o->no_labels;
	if (!(ts->x = xmlapi_load(err, errlen))) {
		free(ts);
		return -1;
	}
	const char *dbg = getenv("SMBCMP_DEBUG");
	ts->debug = dbg && strstr(dbg, "tshark");
	if (access(path, R_OK)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (o->secrets && (o->secrets->preferences || o->secrets->smb2_seskey_list) &&
	    conf_make(ts, o->secrets, err, errlen))
		goto fail;
	argv = build_argv(path, o, false);
	if (!argv || start(ts, &ts->pdml, argv, err, errlen))
		goto fail;
	free(argv);
	argv = NULL;
	if (ts->with_v) {
		argv = build_argv(path, o, true);
		if (!argv || start(ts, &ts->vtext, argv, err, errlen))
			goto fail;
		free(argv);
		argv = NULL;
		ts->vf = fdopen(ts->vtext.out, "r");
		if (!ts->vf) {
			snprintf(err, errlen, "fdopen: %s", strerror(errno));
			goto fail;
		}
	}
	ts->rd = ts->x->ReaderForFd(ts->pdml.out, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (!ts->rd) {
		snprintf(err, errlen, "cannot read tshark's PDML output");
		goto fail;
	}
	*out = ts;
	return 0;
fail:
	free(argv);
	tshark_close(ts, NULL, NULL, 0);
	return -1;
}

int tshark_open_mem(struct tshark **out, const char *pdml, size_t pdml_len,
		    const char *vtext, size_t vtext_len, char *err, size_t errlen)
{
	struct tshark *ts = calloc(1, sizeof(*ts));

	*out = NULL;
	if (!ts || pdml_len > INT_MAX) {
		snprintf(err, errlen, ts ? "PDML too large" : "out of memory");
		free(ts);
		return -1;
	}
	ts->pdml.out = ts->vtext.out = -1;
	ts->pdml.errfd = ts->vtext.errfd = -1;
	ts->with_v = vtext != NULL;
	if (!(ts->x = xmlapi_load(err, errlen))) {
		free(ts);
		return -1;
	}
	/* fmemopen() refuses an empty buffer: read "" from a 1-byte one. */
	if (vtext && !(ts->vf = fmemopen((void *)(vtext_len ? vtext : ""),
					 vtext_len ? vtext_len : 1, "r"))) {
		snprintf(err, errlen, "fmemopen: %s", strerror(errno));
		goto fail;
	}
	ts->rd = ts->x->ReaderForMemory(pdml, (int)pdml_len, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!ts->rd) {
		snprintf(err, errlen, "cannot read the PDML");
		goto fail;
	}
	*out = ts;
	return 0;
fail:
	tshark_close(ts, NULL, NULL, 0);
	return -1;
}

void tshark_pids(const struct tshark *ts, pid_t out[2])
{
	out[0] = ts->pdml.pid;
	out[1] = ts->vtext.pid;
}

int tshark_close(struct tshark *ts, struct ts_stats *stats, char *err,
		 size_t errlen)
{
	int rc = 0;
	char e1[512] = "", e2[512] = "";

	if (!ts)
		return 0;
	if (stats)
		*stats = ts->st;
	if (ts->rd)
		ts->x->FreeTextReader(ts->rd);
	if (ts->vf) {
		fclose(ts->vf);
		ts->vtext.out = -1;
	}
	if (ts->ended) {
		rc |= tsproc_wait(&ts->pdml, e1, sizeof(e1));
		rc |= tsproc_wait(&ts->vtext, e2, sizeof(e2));
	} else {
		/* Stopped early: on a read error tshark may have failed first. */
		rc |= tsproc_stop(&ts->pdml, e1, sizeof(e1));
		rc |= tsproc_stop(&ts->vtext, e2, sizeof(e2));
	}
	if (rc && err)
		snprintf(err, errlen, "%s", e1[0] ? e1 : e2);
	conf_remove(ts); /* both processes are reaped: nothing reads it now */
	free(ts->items);
	free(ts->vbuf);
	free(ts->lines);
	free(ts->linebuf);
	free(ts);
	return rc ? -1 : 0;
}

/* ---- PDML ------------------------------------------------------------ */

struct attrs {
	const char *name, *showname, *show, *value;
	uint32_t pos, size;
	bool hide, has_show;
};

/* Copies the current element's attributes (strings into arena a). */
static void read_attrs(const struct xmlapi *x, xmlTextReaderPtr rd, struct arena *a,
		       struct attrs *t)
{
	memset(t, 0, sizeof(*t));
	while (x->MoveToNextAttribute(rd) == 1) {
		const char *k = (const char *)x->ConstLocalName(rd);
		const char *v = (const char *)x->ConstValue(rd);
		if (!k || !v)
			continue;
		switch (k[0]) {
		case 'n':
			if (!strcmp(k, "name"))
				t->name = arena_strdup(a, v);
			break;
		case 's':
			if (!strcmp(k, "showname")) {
				t->showname = arena_strdup(a, v);
			} else if (!strcmp(k, "show")) {
				t->show = arena_strdup(a, v);
				t->has_show = true;
			} else if (!strcmp(k, "size")) {
				t->size = (uint32_t)strtoul(v, NULL, 10);
			}
			break;
		case 'p':
			if (!strcmp(k, "pos"))
				t->pos = (uint32_t)strtoul(v, NULL, 10);
			break;
		case 'h':
			if (!strcmp(k, "hide"))
				t->hide = !strcmp(v, "yes");
			break;
		case 'v':
			if (!strcmp(k, "value"))
				t->value = arena_strdup(a, v);
			break;
		}
	}
	x->MoveToElement(rd);
}

/* Integer show values: "42", "0x0008" (the whole string). */
static bool parse_uint(const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*end && !errno;
}

static struct node *make_node(struct tshark *ts, struct tctx *tc, struct node *parent,
			      const struct attrs *t, bool proto, unsigned depth)
{
	const char *name = t->name && *t->name ? t->name : NULL;
	int fid = name ? field_by_name(name) : F_INVALID;
	if (fid != F_INVALID)
		name = field_name(fid);
	const char *label = t->showname ? t->showname : t->show ? t->show : name;
	struct node *n = tree_add(tc, parent, name, label,
				  name && !proto ? (t->show ? t->show : "") : NULL,
				  t->pos, t->size);
	n->field = (uint16_t)fid;
	if (proto)
		n->flags |= N_PROTO;
	else if (name && parse_uint(t->show, &n->value))
		n->flags |= N_HAS_VALUE;
	ts->items = grow(ts->items, &ts->capitems, ts->nitems + 1, sizeof(*ts->items));
	ts->items[ts->nitems++] = (struct item){ n, depth };
	ts->st.items++;
	return n;
}

static bool is_smb_layer(const char *name)
{
	static const char *const first[] = { "nbss", "nbdgm", "smb", "smb2", NULL };
	for (int i = 0; first[i]; i++)
		if (!strcmp(name, first[i]))
			return true;
	return false;
}

/* Takes addresses, ports and stream from the layers below SMB. */
static void lower_field(struct ts_frame *f, const struct attrs *t, char *addr_src,
			char *addr_dst, unsigned *sport, unsigned *dport)
{
	const char *n = t->name, *s = t->show;
	if (!n || !s)
		return;
	if (!strcmp(n, "ip.src") || !strcmp(n, "ipv6.src")) {
		snprintf(addr_src, 48, n[2] == 'v' ? "[%s]" : "%s", s);
	} else if (!strcmp(n, "ip.dst") || !strcmp(n, "ipv6.dst")) {
		snprintf(addr_dst, 48, n[2] == 'v' ? "[%s]" : "%s", s);
	} else if (!strcmp(n, "tcp.srcport") || !strcmp(n, "udp.srcport")) {
		*sport = (unsigned)strtoul(s, NULL, 10);
	} else if (!strcmp(n, "tcp.dstport") || !strcmp(n, "udp.dstport")) {
		*dport = (unsigned)strtoul(s, NULL, 10);
	} else if (!strcmp(n, "tcp.stream") || !strcmp(n, "udp.stream")) {
		f->stream = (uint32_t)strtoul(s, NULL, 10);
		f->udp = n[0] == 'u';
		f->has_stream = true;
	}
}

static void geninfo_field(struct ts_frame *f, const struct attrs *t)
{
	if (!t->name)
		return;
	if (!strcmp(t->name, "num") && t->show) {
		f->num = (uint32_t)strtoul(t->show, NULL, 10);
	} else if (!strcmp(t->name, "timestamp") && t->value) {
		char *end;
		f->sec = strtoll(t->value, &end, 10);
		f->nsec = 0;
		if (*end == '.') {
			uint32_t ns = 0;
			int digits = 0;
			for (end++; *end >= '0' && *end <= '9' && digits < 9; end++, digits++)
				ns = ns * 10 + (uint32_t)(*end - '0');
			for (; digits < 9; digits++)
				ns *= 10;
			f->nsec = ns;
		}
	}
}

/* Advances the reader; honours a pending node. 1 node, 0 end, -1 error. */
static int advance(struct tshark *ts)
{
	if (ts->pending) {
		ts->pending = false;
		return 1;
	}
	return ts->x->Read(ts->rd);
}

/* Skips the current element's subtree; the next advance() sees its sibling. */
static int skip_subtree(struct tshark *ts)
{
	int r = ts->x->Next(ts->rd);
	if (r == 1)
		ts->pending = true;
	return r;
}

/* Reads one <packet>. 1 done, 0 no more packets, -1 error. */
static int read_packet(struct tshark *ts, struct arena *a, struct ts_frame *f,
		       char *err, size_t errlen)
{
	xmlTextReaderPtr rd = ts->rd;
	const struct xmlapi *x = ts->x;
	struct tctx tc = { .a = a };
	int r;

	for (;;) {
		r = advance(ts);
		if (r <= 0)
			goto out;
		if (x->NodeType(rd) == XML_READER_TYPE_ELEMENT &&
		    !strcmp((const char *)x->ConstLocalName(rd), "packet"))
			break;
	}
	memset(f, 0, sizeof(*f));
	f->root = tree_root(&tc);
	f->summary = "";
	ts->nitems = 0;
	if (x->IsEmptyElement(rd))
		return 1;

	int base = x->Depth(rd);
	struct node *stack[MAX_DEPTH + 1];
	bool keeping = false, lower = false, geninfo = false;
	int shift = 0; /* 1 inside PDML's fake-field-wrapper around a data item */
	/* stack[0..top] hold the items on the path to the current element;
	 * an item deeper than top + 1 (inside elements that are not items,
	 * as in malformed PDML) has no parent there and is dropped. */
	int top = 0;
	char asrc[48] = "", adst[48] = "";
	unsigned sport = 0, dport = 0;
	stack[0] = f->root;
	for (;;) {
		r = advance(ts);
		if (r <= 0)
			goto out;
		int type = x->NodeType(rd);
		int d = x->Depth(rd) - base;
		if (type == XML_READER_TYPE_END_ELEMENT && d == 0)
			break;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		const char *el = (const char *)x->ConstLocalName(rd);
		bool proto = !strcmp(el, "proto");
		if (!proto && strcmp(el, "field"))
			continue;
		struct attrs t;
		read_attrs(x, rd, a, &t);
		bool empty = x->IsEmptyElement(rd);
		if (d == 1) {
			shift = t.name && !strcmp(t.name, "fake-field-wrapper");
			if (shift) {
				if (keeping)
					continue;
				if (!empty && skip_subtree(ts) < 0)
					goto out;
				continue;
			}
			geninfo = t.name && !strcmp(t.name, "geninfo");
			if (!keeping && t.name && is_smb_layer(t.name))
				keeping = true;
			lower = !keeping && !geninfo;
			if (geninfo || lower)
				continue;
		} else if (geninfo) {
			geninfo_field(f, &t);
			continue;
		} else if (lower) {
			if (!t.hide)
				lower_field(f, &t, asrc, adst, &sport, &dport);
			continue;
		}
		d -= shift;
		if (t.hide || d > MAX_DEPTH || d < 1 || d > top + 1) {
			if (!empty && skip_subtree(ts) < 0)
				goto out;
			continue;
		}
		stack[d] = make_node(ts, &tc, stack[d - 1], &t, proto || (shift && d == 1),
				     (unsigned)d - 1);
		top = d;
	}
	/* A loose data item, as -V labels it. */
	for (struct node *c = f->root->child; c; c = c->next)
		if (c->flags & N_PROTO && c->name && !strcmp(c->name, "data") && c->child) {
			c->pos = c->child->pos;
			c->size = c->child->size;
			c->label = arena_printf(a, "Data (%u bytes)", c->size);
		}
	snprintf(f->src, sizeof(f->src), "%s:%u", asrc, sport);
	snprintf(f->dst, sizeof(f->dst), "%s:%u", adst, dport);
	ts->st.packets++;
	return 1;
out:
	if (r < 0)
		snprintf(err, errlen, "tshark's PDML output is not well-formed XML");
	return r;
}

/* ---- -V text and generated items ----------------------------------- */

/*
 * -V output is not split by blank lines alone: the hex dump of a "data"
 * item sits between blank lines inside a packet. A packet starts with its
 * summary line ("   37 Write Response": right-aligned number, ONE space,
 * Info) after a blank line or at the start; hex dump lines have two
 * spaces after the offset, tree lines no leading digits at depth 0.
 */
static bool is_summary(const char *s, unsigned long *num)
{
	char *end;
	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	*num = strtoul(s, &end, 10);
	return *end == 0 || (*end == ' ' && end[1] != ' ');
}

static bool is_hexdump(const char *s, size_t len)
{
	if (len < 8)
		return false;
	for (int i = 0; i < 4; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[4] == ' ' && s[5] == ' ';
}

static void push_line(struct tshark *ts, const char *line, size_t len, bool summary)
{
	size_t sp = 0;
	if (!summary)
		while (line[sp] == ' ')
			sp++;
	ts->vbuf = grow(ts->vbuf, &ts->vcap, ts->vlen + len - sp + 1, 1);
	memcpy(ts->vbuf + ts->vlen, line + sp, len - sp + 1);
	ts->lines = grow(ts->lines, &ts->caplines, ts->nlines + 1, sizeof(*ts->lines));
	ts->lines[ts->nlines++] = (struct vline){ ts->vlen, len - sp, (unsigned)(sp / 4) };
	ts->vlen += len - sp + 1;
}

static ssize_t get_line(struct tshark *ts)
{
	ssize_t len = getline(&ts->linebuf, &ts->linecap, ts->vf);
	while (len > 0 && (ts->linebuf[len - 1] == '\n' || ts->linebuf[len - 1] == '\r'))
		ts->linebuf[--len] = 0;
	return len;
}

/* Reads frame num's -V block (summary line first) into lines. 1, or 0 if
 * the output ended before it. */
static int read_vblock(struct tshark *ts, uint32_t num)
{
	ssize_t len;
	unsigned long n;
	bool blank = true;

	ts->vlen = ts->nlines = 0;
	if (ts->carry) { /* the summary line read with the previous block */
		len = (ssize_t)strlen(ts->linebuf);
		ts->carry = false;
	} else {
		len = get_line(ts);
	}
	for (;; len = get_line(ts)) {
		if (len < 0)
			return 0;
		if (blank && is_summary(ts->linebuf, &n) && n == num)
			break;
		blank = len == 0;
	}
	push_line(ts, ts->linebuf, (size_t)len, true);
	blank = false;
	while ((len = get_line(ts)) >= 0) {
		if (len == 0) {
			blank = true;
			continue;
		}
		if (blank && is_summary(ts->linebuf, &n)) {
			ts->carry = true;
			break;
		}
		if (!is_hexdump(ts->linebuf, (size_t)len))
			push_line(ts, ts->linebuf, (size_t)len, false);
	}
	return 1;
}

/* 0 no match, 1 plain, 2 generated ("[label]"). */
static int line_match(const struct tshark *ts, const struct vline *l, const char *label)
{
	const char *s = ts->vbuf + l->off;
	size_t n = strlen(label);
	if (l->len == n && !memcmp(s, label, n))
		return 1;
	if (l->len == n + 2 && s[0] == '[' && s[n + 1] == ']' && !memcmp(s + 1, label, n))
		return 2;
	return 0;
}

/* Marks the PDML items of the packet just read from the -V lines. */
static void align(struct tshark *ts)
{
	size_t k = 1; /* line 0 is the summary */

	for (size_t i = 0; i < ts->nitems; i++) {
		const struct item *it = &ts->items[i];
		size_t stop = it->depth == 0 || ts->nlines - k < LOOKAHEAD ? ts->nlines
									 : k + LOOKAHEAD;
		int m = 0;
		size_t j;
		for (j = k; j < stop; j++) {
			const struct vline *l = &ts->lines[j];
			if (it->depth && l->depth == 0)
				break; /* left this protocol's block */
			if (l->depth == it->depth && (m = line_match(ts, l, it->n->label)))
				break;
		}
		if (!m || j >= stop) {
			if (getenv("SMBCMP_DEBUG_ALIGN"))
				fprintf(stderr, "unaligned: depth %u '%s'\n", it->depth, it->n->label);
			ts->st.unaligned++;
			continue;
		}
		k = j + 1;
		if (m == 2 && !(it->n->flags & N_GENERATED)) {
			node_set_generated(it->n);
			ts->st.generated++;
		}
	}
}

int tshark_next(struct tshark *ts, struct arena *a, struct ts_frame *f,
		char *err, size_t errlen)
{
	int r = read_packet(ts, a, f, err, errlen);
	if (r <= 0) {
		if (r == 0)
			ts->ended = true;
		return r;
	}
	if (!ts->with_v)
		return 1;
	if (read_vblock(ts, f->num) <= 0) {
		snprintf(err, errlen, "tshark -V output ended before frame %u", f->num);
		return -1;
	}
	const char *sum = ts->vbuf + ts->lines[0].off;
	char *end;
	while (*sum == ' ')
		sum++;
	unsigned long num = strtoul(sum, &end, 10);
	if (end == sum || num != f->num) {
		snprintf(err, errlen, "tshark outputs out of step at frame %u", f->num);
		return -1;
	}
	if (*end == ' ')
		end++;
	f->summary = arena_strdup(a, end);
	align(ts);
	return 1;
}

/* ---- version ---------------------------------------------------------- */

/* The stat() identity of the tshark found in PATH, or -1. */
static int tshark_identity(char *buf, size_t n)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *e = strchr(path, ':');
		size_t len = e ? (size_t)(e - path) : strlen(path);
		char cand[4096];
		struct stat st;
		snprintf(cand, sizeof(cand), "%.*s/tshark", (int)len, len ? path : ".");
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
			snprintf(buf, n, "%s %lld %lld.%09ld %llu", cand, (long long)st.st_size,
				 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
				 (unsigned long long)st.st_ino);
			return 0;
		}
		path += len + (e ? 1 : 0);
	}
	return -1;
}

int tshark_version(const char *cache_dir, char *buf, size_t n, char *err,
		   size_t errlen)
{
	char id[4200], cpath[4096], line[4300];

	if (tshark_identity(id, sizeof(id))) {
		snprintf(err, errlen,
			 "tshark not found: install the tshark package, or use --engine=native");
		return -1;
	}
	if (cache_dir) {
		snprintf(cpath, sizeof(cpath), "%s/tshark-version", cache_dir);
		FILE *f = fopen(cpath, "r");
		if (f) {
			bool hit = fgets(line, sizeof(line), f) && !strncmp(line, id, strlen(id)) &&
				   line[strlen(id)] == '\n' && fgets(buf, (int)n, f);
			fclose(f);
			if (hit) {
				buf[strcspn(buf, "\n")] = 0;
				return 0;
			}
		}
	}
	char *const argv[] = { (char *)"tshark", (char *)"--version", NULL };
	char *out = tsproc_capture(argv, 4096, err, errlen);
	if (!out)
		return -1;
	out[strcspn(out, "\n")] = 0;
	snprintf(buf, n, "%s", out);
	free(out);
	if (cache_dir) {
		char tmp[4200];
		snprintf(tmp, sizeof(tmp), "%s.%d", cpath, (int)getpid());
		FILE *f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%s\n%s\n", id, buf);
			if (fclose(f) == 0)
				rename(tmp, cpath);
			else
				unlink(tmp);
		}
	}
	return 0;
}
