/*
 * tree_values.c - time and GUID values as Wireshark shows them
 * (absolute times, FILETIMEs, time deltas, GUIDs) and their nodes; the
 * other adders are tree.c. See tree.h.
 */
#include <string.h>
#include <time.h>

#include "treepriv.h"

void fmt_guid(char out[37], const uint8_t p[16])
{
	/* Byte order of the text: the first three groups little-endian. */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hexdig[p[order[i]] >> 4];
		out[k++] = hexdig[p[order[i]] & 15];
	}
	out[k] = '\0';
}

struct node *t_guid(struct tctx *t, struct node *parent, int fid, uint32_t pos,
		    const uint8_t p[16])
{
	if (t->dry)
		return dry_node(t);
	if (bare(t, fid))
		return bare_node(t, parent, fid, pos, 16);
	char g[37];

	fmt_guid(g, p);
	return t_string(t, parent, fid, pos, 16, g);
}

static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Writes v as exactly w decimal digits (zero-padded) at p; returns the end. */
static char *put_digits(char *p, unsigned v, int w)
{
	for (int i = w - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + w;
}

/* "Jan  2, 2006 15:04:05.000000000 UTC", as Wireshark shows absolute
 * times (formatted by hand: this runs for every timestamp of every
 * frame). */
static const char *fmt_abstime(struct tctx *t, int64_t sec, uint32_t nsec)
{
	struct tm tm;
	time_t tt = (time_t)sec;

	if (!gmtime_r(&tt, &tm))
		return arena_strdup(t->a, "Not representable");
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999 || nsec > 999999999u)
		return arena_printf(t->a, "%s %2d, %d %02d:%02d:%02d.%09u UTC",
				    months[tm.tm_mon], tm.tm_mday, year,
				    tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
	char *out = arena_alloc(t->a, 40), *p = out;
	memcpy(p, months[tm.tm_mon], 3);
	p += 3;
	*p++ = ' ';
	if (tm.tm_mday < 10)
		*p++ = ' ';
	p = put_digits(p, (unsigned)tm.tm_mday, tm.tm_mday < 10 ? 1 : 2);
	*p++ = ',';
	*p++ = ' ';
	p = put_digits(p, (unsigned)year, year >= 1000 ? 4 : year >= 100 ? 3 : year >= 10 ? 2 : 1);
	*p++ = ' ';
	p = put_digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, nsec, 9);
	memcpy(p, " UTC", 5);
	return out;
}

struct node *t_abstime(struct tctx *t, struct node *parent, int fid,
		       uint32_t pos, uint32_t size, int64_t sec, uint32_t nsec)
{
	if (t->dry)
		return dry_node(t);
	if (bare(t, fid))
		return bare_node(t, parent, fid, pos, size);
	const char *show = fmt_abstime(t, sec, nsec);

	return add_field(t, parent, fid,
			 t->nolabel ? show
				    : arena_cat(t->a, field_label(fid), ": ", show, (char *)NULL),
			 show, pos, size);
}

#define FILETIME_UNIX_DIFF 11644473600ULL

struct node *t_filetime(struct tctx *t, struct node *parent, int fid,
			uint32_t pos, uint32_t size, uint64_t ft)
{
	if (t->dry)
		return dry_node(t);
	const struct field *f = field_get(fid);
	struct node *n;

	if (bare(t, fid)) {
		n = bare_node(t, parent, fid, pos, size);
	} else if (ft == 0) {
		n = add_field(t, parent, fid,
			      arena_printf(t->a, "%s: No time specified (0)", field_str(f->label_at)),
			      fmt_abstime(t, 0, 0), pos, size);
	} else if (ft == 0x7fffffffffffffffULL) {
		/* Wireshark: "Infinity (absolute time)"; the show value is the
		 * epoch because the time cannot be represented. All ones (-1,
		 * "do not change" in SET_INFO) is an ordinary time to it, in
		 * the year 60056. */
		n = add_field(t, parent, fid,
			      arena_printf(t->a, "%s: Infinity (absolute time)", field_str(f->label_at)),
			      fmt_abstime(t, 0, 0), pos, size);
	} else {
		int64_t secs = (int64_t)(ft / 10000000ULL) - (int64_t)FILETIME_UNIX_DIFF;
		n = t_abstime(t, parent, fid, pos, size, secs,
			      (uint32_t)(ft % 10000000ULL) * 100);
	}
	n->value = ft;
	n->flags |= N_HAS_VALUE;
	return n;
}

struct node *t_timedelta(struct tctx *t, struct node *parent, int fid,
			 uint32_t pos, uint32_t size, int64_t sec1, uint32_t nsec1,
			 int64_t sec0, uint32_t nsec0)
{
	if (t->dry)
		return dry_node(t);
	if (bare(t, fid))
		return bare_node(t, parent, fid, pos, size);
	/* Seconds and nanoseconds apart: sec * 10^9 would overflow for
	 * timestamps a few centuries apart (fuzz_pcapfile). */
	int64_t sec, ns = (int64_t)nsec1 - (int64_t)nsec0; /* |ns| < 2^32 */
	if (__builtin_sub_overflow(sec1, sec0, &sec))
		sec = sec1 < sec0 ? INT64_MIN : INT64_MAX;
	int64_t carry = ns / 1000000000, ns_rem = ns % 1000000000;
	if (__builtin_add_overflow(sec, carry, &sec))
		sec = carry < 0 ? INT64_MIN : INT64_MAX;
	/* Same sign for both parts: sec > 0 with ns < 0 borrows a second. */
	if (sec > 0 && ns_rem < 0) {
		sec--;
		ns_rem += 1000000000;
	} else if (sec < 0 && ns_rem > 0) {
		sec++;
		ns_rem -= 1000000000;
	}
	bool neg = sec < 0 || ns_rem < 0;
	uint64_t a = sec < 0 ? (uint64_t)(-(sec + 1)) + 1 : (uint64_t)sec;
	/* "%s%" PRIu64 ".%09" PRId64 of the sign, seconds and nanoseconds */
	char b[48], *e = b + sizeof(b) - 11, *p = e;
	uint64_t ns9 = (uint64_t)(ns_rem < 0 ? -ns_rem : ns_rem);
	do {
		*--p = (char)('0' + a % 10);
		a /= 10;
	} while (a);
	if (neg)
		*--p = '-';
	*e = '.';
	put_digits(e + 1, (unsigned)ns9, 9);
	const char *show = arena_strndup(t->a, p, (size_t)(e + 10 - p));

	return add_field(t, parent, fid,
			 t->nolabel ? show
				    : arena_cat(t->a, field_label(fid), ": ", show, " seconds",
						(char *)NULL),
			 show, pos, size);
}
