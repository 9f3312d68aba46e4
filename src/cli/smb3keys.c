/*
 * smb3keys.c - parsing of the SMB3 key options and key files; see smb3keys.h.
 *
 * Secrets are copied into the keyring and never echoed: errors say which
 * option or file line is wrong and what was expected.
 */
#include "smb3keys.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LINE 4096

void keys_init(struct keyopts *k)
{
	memset(k, 0, sizeof(*k));
}

void keys_free(struct keyopts *k)
{
	for (size_t i = 0; i < k->nstrs; i++) {
		/* Scrub passwords before freeing. */
		volatile char *p = k->strs[i];
		while (*p)
			*p++ = 0;
		free(k->strs[i]);
	}
	free(k->strs);
	if (k->keys)
		memset(k->keys, 0, k->capkeys * sizeof(*k->keys));
	free(k->keys);
	free(k->pws);
	memset(k, 0, sizeof(*k));
}

static struct smb_key *new_key(struct keyopts *k)
{
	if (k->nkeys == k->capkeys) {
		k->capkeys = k->capkeys ? k->capkeys * 2 : 8;
		k->keys = xrealloc(k->keys, k->capkeys * sizeof(*k->keys));
	}
	struct smb_key *key = &k->keys[k->nkeys++];
	memset(key, 0, sizeof(*key));
	return key;
}

static char *keep(struct keyopts *k, const char *s, size_t n)
{
	if (k->nstrs == k->capstrs) {
		k->capstrs = k->capstrs ? k->capstrs * 2 : 8;
		k->strs = xrealloc(k->strs, k->capstrs * sizeof(*k->strs));
	}
	char *c = xrealloc(NULL, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	k->strs[k->nstrs++] = c;
	return c;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Decodes exactly n hex digits of s into out; -1 when s has others. */
static int unhex(const char *s, size_t n, uint8_t *out)
{
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static uint64_t le64(const uint8_t b[8])
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/*
 * Fills key from the hex fields (sesid, session key, optional s2c, c2s).
 * Returns NULL or what is wrong.
 */
static const char *fill_key(struct smb_key *key, const char *const f[4],
			    const size_t len[4], int nf)
{
	uint8_t sid[8];

	if (nf != 2 && nf != 4)
		return "expected SESSIONID:SESSIONKEY or SESSIONID:SESSIONKEY:S2C:C2S";
	if (len[0] != 16 || unhex(f[0], 16, sid))
		return "SESSIONID must be 16 hex digits (the 8 SessionId bytes in wire order)";
	key->sesid = le64(sid);
	if (len[1] && ((len[1] != 32 && len[1] != 64) ||
		       unhex(f[1], len[1], key->session_key)))
		return "SESSIONKEY must be 32 or 64 hex digits";
	key->session_key_len = (uint8_t)(len[1] / 2);
	if (nf == 4) {
		if (len[2] || len[3]) {
			if ((len[2] != 32 && len[2] != 64) || len[3] != len[2] ||
			    unhex(f[2], len[2], key->s2c) || unhex(f[3], len[3], key->c2s))
				return "S2C and C2S must both be 32 or 64 hex digits";
			key->s2c_len = key->c2s_len = (uint8_t)(len[2] / 2);
		}
	}
	if (!key->session_key_len && !key->s2c_len)
		return "no key given";
	return NULL;
}

/* Splits s (n bytes) at sep into up to 4 fields; returns the count (5 when
 * there are more). */
static int split(const char *s, size_t n, char sep, const char *f[4], size_t len[4])
{
	int nf = 0;
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != sep)
			continue;
		if (nf == 4)
			return 5;
		f[nf] = s + start;
		len[nf++] = i - start;
		start = i + 1;
	}
	return nf;
}

int keys_add_arg(struct keyopts *k, const char *arg, char *err, size_t errlen)
{
	const char *f[4];
	size_t len[4];
	int nf = split(arg, strlen(arg), ':', f, len);
	struct smb_key *key = new_key(k);
	const char *why = fill_key(key, f, len, nf);

	if (why) {
		k->nkeys--;
		snprintf(err, errlen, "-k: %s", why);
		return -1;
	}
	return 0;
}

/* ---- --keys-from ---- */

enum kfmt { KF_LINES, KF_UAT, KF_LOG };

/* Labels of the key dumps (Samba dump_data, cifs.ko, smbinfo). */
enum klabel { KL_NONE, KL_SESID, KL_SESKEY, KL_SIGNKEY, KL_C2S, KL_S2C, KL_OTHER };

static const struct {
	const char *text;
	enum klabel l;
} labels[] = {
	{ "session id", KL_SESID }, { "sessionid", KL_SESID },
	{ "session key", KL_SESKEY }, { "signing key", KL_SIGNKEY },
	{ "serverin key", KL_C2S }, { "server in key", KL_C2S },
	{ "serverout key", KL_S2C }, { "server out key", KL_S2C },
	{ "app key", KL_OTHER }, { "application key", KL_OTHER },
};

/* Finds a label at the start of line (after blanks) or after ": " (the
 * "CIFS: VFS: " prefix of kernel lines); *rest gets the text after it. */
static enum klabel find_label(const char *line, const char **rest)
{
	const char *start = line;

	while (*start == ' ' || *start == '\t')
		start++;
	for (const char *p = start; *p; p++) {
		if (p != start && !(p - start >= 2 && p[-2] == ':' && p[-1] == ' '))
			continue;
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
			size_t n = strlen(labels[i].text);
			if (!strncasecmp(p, labels[i].text, n)) {
				*rest = p + n;
				return labels[i].l;
			}
		}
	}
	return KL_NONE;
}

/* Appends the hex bytes of a dump line ("[0000] 1E BF ...", "1e bf ...",
 * ": 0x1ebf...", "1ebf...") to buf; stops at the first other token (the
 * ASCII column). Returns the number of bytes added. */
static size_t dump_bytes(const char *s, uint8_t *buf, size_t have, size_t cap,
			 bool *numeric)
{
	size_t added = 0;

	*numeric = false;
	while (*s == ' ' || *s == '\t' || *s == ':')
		s++;
	if (*s == '[') {
		const char *e = strchr(s, ']');
		if (e)
			s = e + 1;
	}
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		const char *tok = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			s++;
		size_t n = (size_t)(s - tok);
		if (n > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
			*numeric = added == 0 && have == 0;
			tok += 2;
			n -= 2;
		}
		if (n == 0 || n % 2 || have + added + n / 2 > cap ||
		    unhex(tok, n, buf + have + added))
			break;
		added += n / 2;
		if (n > 2) /* one long hex token */
			break;
	}
	return added;
}

struct dump_rec {
	uint8_t v[6][64];
	size_t n[6];
	bool numeric_sid;
};

static void flush_rec(struct keyopts *k, struct dump_rec *r)
{
	if (r->n[KL_SESID] && (r->n[KL_SESKEY] || r->n[KL_C2S] || r->n[KL_SIGNKEY])) {
		struct smb_key *key = new_key(k);
		uint64_t sid = 0;
		if (r->numeric_sid)
			for (size_t i = 0; i < r->n[KL_SESID] && i < 8; i++)
				sid = sid << 8 | r->v[KL_SESID][i];
		else
			sid = le64(r->v[KL_SESID]);
		key->sesid = sid;
		if (r->n[KL_SESKEY] >= 16) {
			key->session_key_len = (uint8_t)(r->n[KL_SESKEY] >= 32 ? 32 : 16);
			memcpy(key->session_key, r->v[KL_SESKEY], key->session_key_len);
		}
		if (r->n[KL_SIGNKEY] == 16) {
			key->signing_key_len = 16;
			memcpy(key->signing_key, r->v[KL_SIGNKEY], 16);
		}
		if ((r->n[KL_C2S] == 16 || r->n[KL_C2S] == 32) && r->n[KL_S2C] == r->n[KL_C2S]) {
			key->c2s_len = key->s2c_len = (uint8_t)r->n[KL_C2S];
			memcpy(key->c2s, r->v[KL_C2S], r->n[KL_C2S]);
			memcpy(key->s2c, r->v[KL_S2C], r->n[KL_S2C]);
		}
		if (!key->session_key_len && !key->c2s_len && !key->signing_key_len)
			k->nkeys--;
	}
	memset(r, 0, sizeof(*r));
}

static int parse_log(struct keyopts *k, FILE *f)
{
	char line[MAX_LINE];
	struct dump_rec r;
	enum klabel cur = KL_NONE;

	memset(&r, 0, sizeof(r));
	while (fgets(line, sizeof(line), f)) {
		const char *rest;
		enum klabel l = find_label(line, &rest);
		bool numeric;
		if (l == KL_NONE) {
			/* Continuation of a multi-line dump: "[0010] ..." */
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (cur != KL_NONE && cur != KL_OTHER && p[0] == '[' &&
			    !(p[1] == '0' && p[2] == '0' && p[3] == '0' && p[4] == '0')) {
				size_t n = dump_bytes(p, r.v[cur], r.n[cur], sizeof(r.v[cur]), &numeric);
				r.n[cur] += n;
				if (n)
					continue;
			}
			cur = KL_NONE;
			continue;
		}
		if (l == KL_SESID)
			flush_rec(k, &r);
		cur = l;
		if (l == KL_OTHER)
			continue;
		r.n[l] = dump_bytes(rest, r.v[l], 0, sizeof(r.v[l]), &numeric);
		if (l == KL_SESID)
			r.numeric_sid = numeric;
	}
	flush_rec(k, &r);
	return 0;
}

/* Trims the line end and leading blanks; returns the start. */
static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "a","b","c","d" -> fields without quotes. */
static int uat_fields(char *s, const char *f[4], size_t len[4])
{
	int nf = 0;

	while (*s) {
		if (*s != '"')
			return -1;
		char *e = strchr(s + 1, '"');
		if (!e || nf == 4)
			return -1;
		f[nf] = s + 1;
		len[nf++] = (size_t)(e - s - 1);
		s = e + 1;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return nf;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return false;
	return n > 0;
}

static int parse_lines(struct keyopts *k, FILE *f, const char *path,
		       enum kfmt fmt, char *err, size_t errlen)
{
	char buf[MAX_LINE];
	unsigned lineno = 0;

	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		char *s = trim(buf);
		const char *fld[6];
		size_t len[6];
		int nf = 0;
		if (!*s || *s == '#')
			continue;
		if (fmt == KF_UAT) {
			nf = uat_fields(s, fld, len);
			if (nf == 2 || nf == 4)
				; /* ok */
			else
				nf = -1;
		} else if (strchr(s, ':') && !strpbrk(s, " \t")) {
			nf = split(s, strlen(s), ':', fld, len);
		} else {
			for (char *p = strtok(s, " \t"); p && nf < 6; p = strtok(NULL, " \t")) {
				fld[nf] = p;
				len[nf++] = strlen(p);
			}
			/* A leading capture name (captures/keys.txt). */
			if (nf > 0 && !(len[0] == 16 && is_hex(fld[0], 16))) {
				for (int i = 1; i < nf; i++) {
					fld[i - 1] = fld[i];
					len[i - 1] = len[i];
				}
				nf--;
			}
		}
		struct smb_key *key = new_key(k);
		const char *why = nf < 0 ? "not a Wireshark smb2_seskey_list line"
					 : fill_key(key, fld, len, nf);
		if (why) {
			k->nkeys--;
			snprintf(err, errlen, "--keys-from %s:%u: %s", path, lineno, why);
			return -1;
		}
	}
	return 0;
}

int keys_add_file(struct keyopts *k, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[MAX_LINE];
	bool sid = false, key = false, quoted = false;

	if (!f) {
		snprintf(err, errlen, "--keys-from %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *rest;
		enum klabel l = find_label(line, &rest);
		if (l == KL_SESID)
			sid = true;
		else if (l == KL_SESKEY || l == KL_C2S || l == KL_SIGNKEY)
			key = true;
		const char *t = trim(line);
		if (*t == '"')
			quoted = true;
	}
	rewind(f);
	int rc;
	size_t before = k->nkeys;
	if (sid && key)
		rc = parse_log(k, f);
	else
		rc = parse_lines(k, f, path, quoted ? KF_UAT : KF_LINES, err, errlen);
	fclose(f);
	if (rc == 0 && k->nkeys == before) {
		snprintf(err, errlen, "--keys-from %s: no session keys found", path);
		return -1;
	}
	return rc;
}

/* ---- passwords ---- */

static void add_pw(struct keyopts *k, const char *user, size_t ulen,
		   const char *pw, size_t pwlen)
{
	if (k->npws == k->cappws) {
		k->cappws = k->cappws ? k->cappws * 2 : 4;
		k->pws = xrealloc(k->pws, k->cappws * sizeof(*k->pws));
	}
	k->pws[k->npws].user = keep(k, user, ulen);
	k->pws[k->npws].password = keep(k, pw, pwlen);
	k->npws++;
}

int keys_add_password(struct keyopts *k, const char *arg, char *err, size_t errlen)
{
	const char *colon = strchr(arg, ':');

	if (!colon) {
		snprintf(err, errlen, "--password wants USER:PASSWORD (USER may be empty)");
		return -1;
	}
	add_pw(k, arg, (size_t)(colon - arg), colon + 1, strlen(colon + 1));
	return 0;
}

int keys_add_password_file(struct keyopts *k, const char *path, char *err,
			   size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[MAX_LINE];
	size_t before = k->npws;

	if (!f) {
		snprintf(err, errlen, "--password-file %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		if (!n)
			continue;
		const char *colon = strchr(buf, ':');
		if (colon)
			add_pw(k, buf, (size_t)(colon - buf), colon + 1, strlen(colon + 1));
		else
			add_pw(k, "", 0, buf, n);
	}
	memset(buf, 0, sizeof(buf));
	fclose(f);
	if (k->npws == before) {
		snprintf(err, errlen, "--password-file %s: no password in the file", path);
		return -1;
	}
	return 0;
}

const struct smb_keyring *keys_ring(struct keyopts *k)
{
	if (!k->nkeys && !k->npws)
		return NULL;
	k->ring.keys = k->keys;
	k->ring.nkeys = k->nkeys;
	k->ring.passwords = k->pws;
	k->ring.npasswords = k->npws;
	return &k->ring;
}
