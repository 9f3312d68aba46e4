/*
 * patterns.c - behaviour patterns instead of operation lists (FK_PATTERN):
 *
 *   io         per file: bytes read and written, in how many requests of
 *              which sizes ("A writes 65,536 bytes in 64 requests of
 *              1,024; B in 1 of 65,536"), and bytes that differ
 *   opens      per file: how often each side opens it and how many round
 *              trips it spends on it
 *   connects   Tree Connects per share and Session Setups per side
 *   retries    an operation that fails and is sent again until it works
 *   run        a run of operations only one side makes, summarised
 *              ("only in B: Create ipc$\srvsvc, Ioctl FSCTL_PIPE_TRANSCEIVE,
 *              srvsvc NetShareEnumAll, Close"), with probe answers named
 *
 * Reads and writes are measured from their requests (offset, length),
 * re-dissected by value only (ops_trees values mode), once each.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "xalloc.h"

#define RUN_NAMES 5
#define SIZE_SLOTS 4

struct io {
	uint64_t bytes, n;
	uint64_t lo, hi;           /* byte range covered */
	uint64_t size[SIZE_SLOTS]; /* the first distinct request sizes */
	uint64_t count[SIZE_SLOTS];
	size_t nsizes;
	bool more_sizes;
};

struct file {
	const char *path;
	struct io w, r;
	size_t opens, ops;
	uint32_t first_op;
};

struct side {
	struct hmap map; /* path hash -> index + 1 */
	struct file *v;
	size_t n, cap;
};

static uint64_t path_key(const char *p)
{
	return hmap_bytes(0x70617468, p, strlen(p)) | 1;
}

static struct file *file_of(struct side *sd, const char *path, uint32_t opi)
{
	uint64_t k = path_key(path);
	uintptr_t i = (uintptr_t)hmap_get(&sd->map, k);
	if (i)
		return &sd->v[i - 1];
	if (sd->n == sd->cap) {
		sd->cap = sd->cap ? 2 * sd->cap : 32;
		sd->v = xrealloc(sd->v, sd->cap * sizeof(*sd->v));
	}
	struct file *f = &sd->v[sd->n++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->first_op = opi;
	f->w.lo = f->r.lo = UINT64_MAX;
	hmap_put(&sd->map, k, (void *)(uintptr_t)sd->n);
	return f;
}

static void io_add(struct io *io, uint64_t off, uint64_t len)
{
	io->bytes += len;
	io->n++;
	if (off < io->lo)
		io->lo = off;
	if (off + len > io->hi)
		io->hi = off + len;
	for (size_t k = 0; k < io->nsizes; k++)
		if (io->size[k] == len) {
			io->count[k]++;
			return;
		}
	if (io->nsizes < SIZE_SLOTS) {
		io->size[io->nsizes] = len;
		io->count[io->nsizes++] = 1;
	} else {
		io->more_sizes = true;
	}
}

static uint64_t val(const struct node *n, const char *name)
{
	for (const struct node *k = n ? n->child : NULL; k; k = k->next) {
		if (k->name && !strcmp(k->name, name))
			return k->value;
		uint64_t v = val(k, name);
		if (v != UINT64_MAX)
			return v;
	}
	return UINT64_MAX;
}

static uint64_t val0(const struct node *n, const char *name)
{
	uint64_t v = val(n, name);
	return v == UINT64_MAX ? 0 : v;
}

/* Offset and length of a read (*w false) or write request; false if o is
 * neither. */
static bool rw_of(const struct opset *s, const struct op *o, struct arena *a, bool *w,
		  uint64_t *off, uint64_t *len)
{
	bool smb2 = o->proto == OP_SMB2;
	if (!(smb2 ? o->cmd == 8 || o->cmd == 9 : o->proto == OP_SMB1 &&
	      (o->cmd == 0x2e || o->cmd == 0x2f || o->cmd == 0x0a || o->cmd == 0x0b)))
		return false;
	if (o->req_frame == OP_NONE || (o->rsp_frame != OP_NONE && fnd_is_error(o->status)))
		return false;
	/* a read's length is its response's: a write's response is not read */
	struct node *rq, *rs = NULL;
	if (smb2 ? o->cmd == 8 : o->cmd == 0x2e)
		ops_trees(s, o, a, &rq, &rs, NULL, NULL, true);
	else
		rq = ops_tree(s, o, a, false, true);
	if (!rq)
		return false;
	if (smb2) {
		*w = o->cmd == 9;
		*off = val0(rq, "smb2.file_offset");
		*len = val0(rq, *w ? "smb2.write_length" : "smb2.read_length");
		if (!*w && rs) /* what was read: the response's data */
			*len = val0(rs, "smb2.olb.length");
		return true;
	}
	*w = o->cmd == 0x2f || o->cmd == 0x0b;
	*off = val0(rq, "smb.offset") | val0(rq, "smb.offset_high") << 32;
	if (o->cmd == 0x2f)
		*len = val0(rq, "smb.data_len_low") | val0(rq, "smb.data_len_high") << 16;
	else if (o->cmd == 0x2e && rs)
		*len = val0(rs, "smb.data_len_low") | val0(rs, "smb.data_len_high") << 16;
	else if (o->cmd == 0x2e)
		*len = val0(rq, "smb.maxcount_low");
	else
		*len = val0(rq, "smb.count");
	return true;
}

static void gather(struct findings *F, int side, struct side *sd)
{
	const struct opset *s = F->s[side];
	struct arena a;
	arena_init(&a);
	hmap_init(&sd->map);
	for (size_t i = 0; i < s->n; i++) {
		const struct op *o = &s->ops[i];
		if (!o->key->path || o->proto == OP_RPC || o->req_frame == OP_NONE)
			continue;
		struct file *f = file_of(sd, o->key->path, (uint32_t)i);
		f->ops++;
		if (op_opens(o) && !fnd_is_error(o->status))
			f->opens++;
		bool w;
		uint64_t off, len;
		if (rw_of(s, o, &a, &w, &off, &len))
			io_add(w ? &f->w : &f->r, off, len);
		arena_reset(&a);
	}
	arena_free(&a);
}

struct gather_job {
	struct findings *F;
	struct side *sd;
};

static void *gather_thread(void *arg)
{
	struct gather_job *j = arg;
	gather(j->F, 1, j->sd);
	return NULL;
}

/* gather() of both sides, B's on a thread for large traces (or as
 * SMBCMP_DIFF_THREADS says, parcmp.c): each reads its op set only and
 * fills its own side. */
static void gather_both(struct findings *F, struct side sd[2])
{
	const char *env = getenv("SMBCMP_DIFF_THREADS");
	bool want = env && *env ? strtol(env, NULL, 10) >= 2
				: F->s[0]->n >= 4096 && F->s[1]->n >= 4096;
	struct gather_job j = { F, &sd[1] };
	pthread_t th;
	bool threaded = want && pthread_create(&th, NULL, gather_thread, &j) == 0;
	gather(F, 0, &sd[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		gather(F, 1, &sd[1]);
}

/* "64 requests of 1,024" / "2 requests (64,512 + 1,024)". */
static const char *num(struct arena *a, uint64_t v)
{
	char buf[32], out[48];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = buf[i];
	}
	out[o] = 0;
	return arena_strdup(a, out);
}

static const char *shape(struct arena *a, const struct io *io)
{
	if (io->nsizes == 1)
		return arena_printf(a, "%s request%s of %s", num(a, io->n), io->n == 1 ? "" : "s",
				    num(a, io->size[0]));
	const char *s = "";
	for (size_t k = 0; k < io->nsizes; k++)
		s = arena_printf(a, "%s%s%s x %s", s, k ? " + " : "", num(a, io->count[k]),
				 num(a, io->size[k]));
	return arena_printf(a, "%s requests (%s%s)", num(a, io->n), s,
			    io->more_sizes ? " + other sizes" : "");
}

static bool same_shape(const struct io *x, const struct io *y)
{
	if (x->n != y->n || x->nsizes != y->nsizes || x->more_sizes || y->more_sizes)
		return x->n == y->n && !x->more_sizes && !y->more_sizes;
	for (size_t k = 0; k < x->nsizes; k++)
		if (x->size[k] != y->size[k] || x->count[k] != y->count[k])
			return false;
	return true;
}

static void io_pattern(struct findings *F, const char *verb, const char *path,
		       const struct io *ia, const struct io *ib, uint32_t oa, uint32_t ob)
{
	if (!ia->n && !ib->n)
		return;
	if (ia->bytes == ib->bytes && same_shape(ia, ib))
		return;
	struct finding *x;
	if (!ia->n || !ib->n) {
		const struct io *io = ia->n ? ia : ib;
		x = finding_new(F, FK_PATTERN, "io", "%s: only %c %s it: %s bytes in %s", path,
				ia->n ? 'A' : 'B', verb, num(&F->a, io->bytes), shape(&F->a, io));
	} else {
		x = finding_new(F, FK_PATTERN, "io", "%s: A %s %s bytes in %s; B %s bytes in %s",
				path, verb, num(&F->a, ia->bytes), shape(&F->a, ia),
				num(&F->a, ib->bytes), shape(&F->a, ib));
	}
	if (oa != OP_NONE)
		finding_op(F, x, 0, oa);
	if (ob != OP_NONE)
		finding_op(F, x, 1, ob);
	finding_field(F, x, "bytes", num(&F->a, ia->bytes), num(&F->a, ib->bytes));
	finding_field(F, x, "requests", num(&F->a, ia->n), num(&F->a, ib->n));
}

/* "GetInfo SMB2_FILE_ALL_INFO, Ioctl FSCTL_SRV_ENUMERATE_SNAPSHOTS": the
 * distinct commands of the entries on path only side has; marks them
 * covered. */
static const char *one_sided_on(struct findings *F, const char *path, int side, bool *covered)
{
	const struct diff *d = F->d;
	const char *list = "";
	size_t n = 0, more = 0;
	uint8_t want = side ? DS_ONLY_B : DS_ONLY_A;
	for (size_t i = 0; i < d->n; i++) {
		if (d->e[i].status != want)
			continue;
		const struct op *o = &F->s[side]->ops[d->e[i].op[side]];
		if (!o->key->path || strcmp(o->key->path, path) || fnd_probe_answer(F, o))
			continue;
		bool w;
		uint64_t off, len;
		struct arena a;
		arena_init(&a);
		bool rw = rw_of(F->s[side], o, &a, &w, &off, &len);
		arena_free(&a);
		if (rw) { /* the I/O pattern says it */
			covered[i] = true;
			continue;
		}
		covered[i] = true;
		const char *sub = op_sub_name(&F->a, o);
		const char *nm = sub ? arena_printf(&F->a, "%s %s", op_cmd_name(o), sub)
				     : op_cmd_name(o);
		if (strstr(list, nm))
			continue;
		if (n == RUN_NAMES) {
			more++;
			continue;
		}
		list = n ? arena_printf(&F->a, "%s, %s", list, nm) : nm;
		n++;
	}
	if (more)
		list = arena_printf(&F->a, "%s and %zu more", list, more);
	return list;
}

static void files(struct findings *F, struct side sd[2], bool *covered)
{
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sd[s].n; i++) {
			struct file *f = &sd[s].v[i];
			uintptr_t j = (uintptr_t)hmap_get(&sd[!s].map, path_key(f->path));
			struct file *g = j ? &sd[!s].v[j - 1] : NULL;
			if (s == 1 && g)
				continue; /* said from A's side */
			static const struct io none = { .lo = UINT64_MAX };
			const struct file *fa = s ? g : f, *fb = s ? f : g;
			const struct io *wa = fa ? &fa->w : &none, *wb = fb ? &fb->w : &none;
			const struct io *ra = fa ? &fa->r : &none, *rb = fb ? &fb->r : &none;
			uint32_t oa = fa ? fa->first_op : OP_NONE, ob = fb ? fb->first_op : OP_NONE;
			io_pattern(F, "writes", f->path, wa, wb, oa, ob);
			io_pattern(F, "reads", f->path, ra, rb, oa, ob);
			if (!fa || !fb || (fa->ops == fb->ops && fa->opens == fb->opens))
				continue;
			const char *only[2] = { one_sided_on(F, f->path, 0, covered),
						one_sided_on(F, f->path, 1, covered) };
			if (!*only[0] && !*only[1])
				continue; /* probes or other paths make the difference */
			struct finding *x = finding_new(
				F, FK_PATTERN, "round_trips",
				"%s: A %zu operations (%zu opens), B %zu (%zu opens)%s%s%s%s",
				f->path, fa->ops, fa->opens, fb->ops, fb->opens,
				*only[0] ? "; only A: " : "", only[0], *only[1] ? "; only B: " : "",
				only[1]);
			finding_op(F, x, 0, oa);
			finding_op(F, x, 1, ob);
		}
}

/* Tree Connects per share and Session Setups, side by side. */
static void connects(struct findings *F)
{
	struct hmap cnt[2];
	size_t setups[2] = { 0, 0 };
	uint32_t first_setup[2] = { OP_NONE, OP_NONE };
	for (int s = 0; s < 2; s++) {
		hmap_init(&cnt[s]);
		const struct opset *set = F->s[s];
		for (size_t i = 0; i < set->n; i++) {
			const struct op *o = &set->ops[i];
			if (o->req_frame == OP_NONE)
				continue;
			bool tc = (o->proto == OP_SMB2 && o->cmd == 3) ||
				  (o->proto == OP_SMB1 && (o->cmd == 0x75 || o->cmd == 0x70));
			bool ss = (o->proto == OP_SMB2 && o->cmd == 1) ||
				  (o->proto == OP_SMB1 && o->cmd == 0x73);
			if (ss && o->status != 0xc0000016u) {
				if (first_setup[s] == OP_NONE)
					first_setup[s] = (uint32_t)i;
				setups[s]++;
			}
			if (tc && o->key->path) {
				uint64_t k = path_key(o->key->path);
				hmap_put(&cnt[s], k, (void *)((uintptr_t)hmap_get(&cnt[s], k) + 1));
			}
		}
	}
	/* Each share of A, then those only B connects. */
	for (int s = 0; s < 2; s++) {
		const struct opset *set = F->s[s];
		for (size_t i = 0; i < set->n; i++) {
			const struct op *o = &set->ops[i];
			bool tc = (o->proto == OP_SMB2 && o->cmd == 3) ||
				  (o->proto == OP_SMB1 && (o->cmd == 0x75 || o->cmd == 0x70));
			if (!tc || !o->key->path || o->req_frame == OP_NONE)
				continue;
			uint64_t k = path_key(o->key->path);
			uintptr_t n = (uintptr_t)hmap_get(&cnt[s], k);
			uintptr_t m = (uintptr_t)hmap_get(&cnt[!s], k);
			if (!n)
				continue; /* said */
			hmap_put(&cnt[s], k, NULL);
			hmap_put(&cnt[!s], k, NULL);
			if (n == m || !m)
				continue; /* only one side connects: its run says so */
			uintptr_t na = s ? m : n, nb = s ? n : m;
			struct finding *x = finding_new(F, FK_PATTERN, "connects",
							"A connects %s %zu time%s, B %zu time%s", o->key->path,
							(size_t)na, na == 1 ? "" : "s", (size_t)nb,
							nb == 1 ? "" : "s");
			finding_op(F, x, s, (uint32_t)i);
		}
	}
	hmap_free(&cnt[0]);
	hmap_free(&cnt[1]);
	if (setups[0] != setups[1] && setups[0] && setups[1]) {
		struct finding *x = finding_new(F, FK_PATTERN, "connects",
						"A logs on %zu time%s, B %zu time%s", setups[0],
						setups[0] == 1 ? "" : "s", setups[1],
						setups[1] == 1 ? "" : "s");
		finding_op(F, x, 0, first_setup[0]);
		finding_op(F, x, 1, first_setup[1]);
	}
}

/* An operation that fails and is sent again (same key) until it works. */
static void retries(struct findings *F)
{
	for (int s = 0; s < 2; s++) {
		const struct opset *set = F->s[s];
		struct hmap failed;
		hmap_init(&failed);
		for (size_t i = 0; i < set->n; i++) {
			const struct op *o = &set->ops[i];
			if (o->req_frame == OP_NONE || o->rsp_frame == OP_NONE ||
			    o->status == 0xc0000016u || fnd_probe_answer(F, o))
				continue;
			uint64_t k = hmap_mix(o->key->hash[0], o->proto);
			uintptr_t prev = (uintptr_t)hmap_get(&failed, k);
			if (fnd_is_error(o->status)) {
				if (!prev)
					hmap_put(&failed, k, (void *)(i + 1));
				continue;
			}
			if (!prev)
				continue;
			hmap_put(&failed, k, NULL);
			const struct op *p = &set->ops[prev - 1];
			struct finding *x = finding_new(F, FK_PATTERN, "retry",
							"%c's %s fails %s, a later one succeeds", s ? 'B' : 'A',
							fnd_opname(F, s, (uint32_t)(prev - 1)),
							fnd_status(F, p->status));
			x->side = s;
			finding_op(F, x, s, (uint32_t)(prev - 1));
			finding_op(F, x, s, (uint32_t)i);
		}
		hmap_free(&failed);
	}
}

/* Probes only one side sends (answered as probes expect), one finding
 * per side; marks them covered. */
static void probes_only(struct findings *F, bool *covered)
{
	const struct diff *d = F->d;
	for (int side = 0; side < 2; side++) {
		uint8_t want = side ? DS_ONLY_B : DS_ONLY_A;
		struct finding *x = NULL;
		const char *list = "", *sts = "";
		for (size_t i = 0; i < d->n; i++) {
			if (d->e[i].status != want)
				continue;
			const struct op *o = &F->s[side]->ops[d->e[i].op[side]];
			if (!fnd_probe_answer(F, o))
				continue;
			covered[i] = true;
			if (!x)
				x = finding_new(F, FK_PATTERN, "probes", "%s", "");
			finding_entry(F, x, i);
			const char *nm = fnd_opname(F, side, d->e[i].op[side]);
			if (!strstr(list, nm))
				list = *list ? arena_printf(&F->a, "%s, %s", list, nm) : nm;
			const char *st = fnd_status(F, o->status);
			if (!strstr(sts, st))
				sts = *sts ? arena_printf(&F->a, "%s, %s", sts, st) : st;
		}
		if (x)
			x->msg = arena_printf(&F->a, "only %c probes: %s (answered %s, as probes "
						     "expect)", side ? 'B' : 'A', list, sts);
	}
}

/* Runs of entries on one side only not said otherwise, each summarised
 * in one finding. */
static void runs(struct findings *F, const bool *covered)
{
	const struct diff *d = F->d;
	size_t i = 0;
	while (i < d->n) {
		uint8_t st = d->e[i].status;
		if ((st != DS_ONLY_A && st != DS_ONLY_B) || covered[i]) {
			i++;
			continue;
		}
		int side = st == DS_ONLY_B;
		size_t j = i;
		while (j < d->n && d->e[j].conn == d->e[i].conn &&
		       (covered[j] || d->e[j].status == st))
			j++;
		struct finding *x = finding_new(F, FK_PATTERN, "run", "%s", "");
		const char *names[RUN_NAMES];
		size_t counts[RUN_NAMES], nn = 0, other = 0, probes = 0;
		for (size_t k = i; k < j; k++) {
			if (covered[k])
				continue;
			uint32_t opi = d->e[k].op[side];
			const struct op *o = &F->s[side]->ops[opi];
			finding_entry(F, x, k);
			probes += fnd_probe_answer(F, o);
			const char *nm = fnd_opname(F, side, opi);
			size_t m = 0;
			while (m < nn && strcmp(names[m], nm))
				m++;
			if (m < nn)
				counts[m]++;
			else if (nn < RUN_NAMES)
				names[nn] = nm, counts[nn++] = 1;
			else
				other++;
		}
		char buf[700] = "";
		for (size_t m = 0; m < nn; m++) {
			size_t len = strlen(buf);
			snprintf(buf + len, sizeof(buf) - len, "%s%s", m ? ", " : "", names[m]);
			if (counts[m] > 1) {
				len = strlen(buf);
				snprintf(buf + len, sizeof(buf) - len, " x%zu", counts[m]);
			}
		}
		(void)probes;
		x->msg = arena_printf(&F->a, "only in %c: %s%s", side ? 'B' : 'A', buf,
				      other ? arena_printf(&F->a, " and %zu more", other) : "");
		x->order = i;
		i = j;
	}
}

void patterns_pass(struct findings *F)
{
	struct side sd[2];
	memset(sd, 0, sizeof(sd));
	bool *covered = xcalloc(F->d->n ? F->d->n : 1, 1);
	gather_both(F, sd);
	probes_only(F, covered);
	files(F, sd, covered);
	connects(F);
	retries(F);
	runs(F, covered);
	free(covered);
	for (int s = 0; s < 2; s++) {
		hmap_free(&sd[s].map);
		free(sd[s].v);
	}
}
