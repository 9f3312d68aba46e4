/*
 * mask.c - mask rules; see mask.h.
 *
 * The default table lists what changes between two runs of the same job
 * with the same client: times, GUIDs, ids, signatures, credits, message
 * and process ids, authentication challenges and proofs, nonces, salts,
 * preauth hashes, transform headers, addresses, ports and the fields
 * Wireshark generates from frame numbers. Ids that name objects (sessions,
 * trees, files, searches, leases) are "id" rules: renamed consistently
 * they compare equal.
 */
#include "mask.h"
#include "inilib.h"
#include "xalloc.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The pattern is in the row, not pointed to (a pointer is relocated at
 * every start), and a rule points at it rather than at a copy. */
struct default_rule {
	char pattern[40];
	uint8_t action;
};

static const struct default_rule defaults[] = {
	/* Times and dates. */
	{ "*.time", MASK_IGNORE }, { "*_time", MASK_IGNORE },
	{ "*.*time", MASK_IGNORE }, { "*timestamp*", MASK_IGNORE },
	{ "*date_time", MASK_IGNORE }, { "*.date", MASK_IGNORE },
	{ "lanman.last_log*", MASK_IGNORE }, { "lanman.password_*", MASK_IGNORE },
	{ "smb.server_timezone", MASK_IGNORE }, { "smb.server_date", MASK_IGNORE },
	/* Server state that changes between runs: free space on the share. */
	{ "smb.free_alloc_units", MASK_IGNORE }, { "smb.caller_free_alloc_units", MASK_IGNORE },
	{ "smb.actual_free_alloc_units", MASK_IGNORE }, { "smb.free_units", MASK_IGNORE },
	{ "smb.avail.units", MASK_IGNORE }, { "smb.free_block.count", MASK_IGNORE },
	/* GUIDs and object ids. */
	{ "*guid*", MASK_IGNORE }, { "smb2.object_id", MASK_IGNORE },
	{ "smb2.birth_volume_id", MASK_IGNORE }, { "smb2.birth_object_id", MASK_IGNORE },
	{ "smb2.domain_id", MASK_IGNORE }, { "smb.volume.serial", MASK_IGNORE },
	/* Ids renamed consistently. */
	{ "smb2.sesid", MASK_ID }, { "smb2.previous_sesid", MASK_ID },
	{ "smb2.tid", MASK_ID }, { "smb2.fid", MASK_ID }, { "smb2.aid", MASK_ID },
	{ "smb2.file_id", MASK_ID }, { "smb2.lease.lease_key", MASK_ID },
	{ "smb2.lease.parent_lease_key", MASK_ID }, { "smb2.qfid_fid", MASK_ID },
	{ "smb.uid", MASK_ID }, { "smb.tid", MASK_ID }, { "smb.fid", MASK_ID },
	{ "smb.sessid", MASK_ID }, { "smb.search_id", MASK_ID },
	{ "smb.server_fid", MASK_ID }, { "smb.rfid", MASK_ID },
	{ "smb.resume.*", MASK_ID }, { "smb.create.file_id*", MASK_ID },
	{ "smb.unix.file.unique_id", MASK_ID }, { "smb.index_number", MASK_ID },
	{ "smb2.inode", MASK_ID }, { "smb.unix.find_file.resume_key", MASK_ID },
	{ "smb2.fsctl.cchunk.resume_key", MASK_ID },
	/* Message, process and async ids, credits, sequence numbers. */
	{ "smb2.msg_id", MASK_IGNORE }, { "smb2.pid", MASK_IGNORE },
	{ "smb.mid", MASK_IGNORE }, { "smb.pid", MASK_IGNORE },
	{ "smb.pid.high", MASK_IGNORE }, { "smb2.credit*", MASK_IGNORE },
	{ "smb2.channel_sequence", MASK_IGNORE },
	/* Layout of an AndX chain: where the next block starts (a chained
	 * and a lone request differ there and nowhere else). */
	{ "smb.andxoffset", MASK_IGNORE },
	/* Signatures, keys, challenges, proofs. */
	{ "smb2.signature", MASK_IGNORE }, { "smb.signature", MASK_IGNORE },
	{ "smb2.good_signature", MASK_IGNORE }, { "smb2.bad_signature", MASK_IGNORE },
	{ "smb2.header.transform.*", MASK_IGNORE },
	{ "smb2.header.comp_transform.*", MASK_IGNORE },
	{ "smb2.preauth_hash", MASK_IGNORE }, { "smb2.negotiate_context.salt", MASK_IGNORE },
	{ "*nonce*", MASK_IGNORE },
	{ "smb.challenge", MASK_IGNORE }, { "smb.encryption_key", MASK_IGNORE },
	{ "smb.session_key", MASK_IGNORE }, { "smb.security_blob", MASK_IGNORE },
	{ "smb.ansi_password", MASK_IGNORE }, { "smb.unicode_password", MASK_IGNORE },
	{ "smb.password", MASK_IGNORE }, { "smb.key", MASK_IGNORE },
	{ "smb2.security_blob", MASK_IGNORE },
	{ "ntlmssp.ntlmserverchallenge", MASK_IGNORE },
	{ "ntlmssp.ntlmclientchallenge", MASK_IGNORE },
	{ "ntlmssp.auth.lmresponse", MASK_IGNORE },
	{ "ntlmssp.auth.ntresponse", MASK_IGNORE },
	{ "ntlmssp.auth.ntresponse.*", MASK_IGNORE },
	{ "ntlmssp.ntlmv2_response*", MASK_IGNORE },
	{ "ntlmssp.authenticate.mic", MASK_IGNORE },
	{ "ntlmssp.auth.sesskey", MASK_IGNORE }, { "ntlmssp.sessionkey", MASK_IGNORE },
	{ "ntlmssp.sessionbasekey", MASK_IGNORE }, { "ntlmssp.verf*", MASK_IGNORE },
	{ "spnego.mechListMIC", MASK_IGNORE }, { "spnego.responseToken", MASK_IGNORE },
	{ "spnego.mechToken", MASK_IGNORE }, { "gss-api.segment*", MASK_IGNORE },
	/* Addresses, ports, frame numbers and other generated items. */
	{ "*.port", MASK_IGNORE }, { "*.addr", MASK_IGNORE }, { "*.ip", MASK_IGNORE },
	{ "*.srcport", MASK_IGNORE }, { "*.dstport", MASK_IGNORE },
	{ "smb2.windows.sockaddr.*", MASK_IGNORE },
	{ "tcp.*", MASK_IGNORE }, { "ip.*", MASK_IGNORE }, { "ipv6.*", MASK_IGNORE },
	{ "frame.*", MASK_IGNORE }, { "eth.*", MASK_IGNORE },
	{ "*.response_in", MASK_IGNORE }, { "*.response_to", MASK_IGNORE },
	{ "*_frame", MASK_IGNORE }, { "*.opened_in", MASK_IGNORE },
	{ "*.closed_in", MASK_IGNORE }, { "*.mapped_in", MASK_IGNORE },
	{ "*.unmapped_in", MASK_IGNORE }, { "*.reassembled_in", MASK_IGNORE },
	{ "*.continuation_to", MASK_IGNORE }, { "*.cancel_to", MASK_IGNORE },
	{ "*.logged_in", MASK_IGNORE }, { "*.logged_out", MASK_IGNORE },
	{ "smb2.host", MASK_IGNORE },
	{ "smbcmp.interim", MASK_IGNORE }, { "smbcmp.limit", MASK_IGNORE },
	{ "*.request_in", MASK_IGNORE },
	/* DCE/RPC (tshark's layers, rpcops.c): call ids count calls, the
	 * association group and referent ids (NDR pointers) are server or
	 * client memory, the raw stub repeats the decoded interface layer
	 * with its handles and pointers; context handles (policy handles)
	 * are ids. Account state that a logon changes: logon times, counts. */
	{ "dcerpc.cn_call_id", MASK_IGNORE }, { "dcerpc.cn_assoc_group", MASK_IGNORE },
	{ "dcerpc.referent_id*", MASK_IGNORE }, { "dcerpc.payload_stub_data", MASK_IGNORE },
	{ "*handle", MASK_ID }, { "*_hnd", MASK_ID }, { "*.hnd", MASK_ID },
	{ "samr.*.last_logon", MASK_IGNORE }, { "samr.*.last_logoff", MASK_IGNORE },
	{ "samr.*.logon_count", MASK_IGNORE }, { "samr.*.bad_password_count", MASK_IGNORE },
	/* Caught by the patterns above but stable: compare. */
	{ "smb.unix_info2.file.flags.*", MASK_COMPARE }, { "nt.ace.object.*", MASK_COMPARE },
	{ "smb2.reparse_guid", MASK_COMPARE },
	{ "smb.nt.ioctl.flags.root_handle", MASK_COMPARE },
	{ "smb2.dh2x.flags.persistent_handle", MASK_COMPARE },
};

void masks_init(struct masks *m)
{
	memset(m, 0, sizeof(*m));
}

/* Cached actions of names outside the field registry. */
struct mask_name {
	uint8_t action;
	char name[];
};

#define NAMES_MAX 4096 /* cached names at most */

static void names_free(struct masks *m)
{
	for (size_t i = 0; i < m->names.cap; i++)
		if (m->names.keys[i])
			free(m->names.vals[i]);
	hmap_free(&m->names);
}

void masks_free(struct masks *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].owned)
			free((char *)m->r[i].pattern);
	free(m->r);
	free(m->cache);
	names_free(m);
	free(m->config_path);
	memset(m, 0, sizeof(*m));
}

/* Appends a rule with pattern p (owned: freed with the rules). */
static void add_rule(struct masks *m, const char *p, bool owned, enum mask_action action,
		     enum mask_source source, size_t more)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		if (m->cap < m->n + more)
			m->cap = m->n + more;
		m->r = xrealloc(m->r, m->cap * sizeof(*m->r));
	}
	m->r[m->n++] = (struct mask_rule){ p, (uint8_t)action, (uint8_t)source, owned };
	free(m->cache); /* rules changed */
	m->cache = NULL;
	names_free(m);
}

void masks_add(struct masks *m, const char *pattern, enum mask_action action,
	       enum mask_source source)
{
	size_t len = strlen(pattern);
	char *p = xrealloc(NULL, len + 1);
	memcpy(p, pattern, len + 1);
	add_rule(m, p, true, action, source, 1);
}

void masks_add_defaults(struct masks *m)
{
	size_t nd = sizeof(defaults) / sizeof(defaults[0]);
	for (size_t i = 0; i < nd; i++)
		add_rule(m, defaults[i].pattern, false, defaults[i].action, MSRC_DEFAULT, nd - i);
}

struct cfg {
	struct masks *m;
	bool *defaults;
	char bad[160];
};

static bool is_no(const char *v)
{
	return !strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") ||
	       !strcasecmp(v, "off");
}

static int cfg_line(void *user, const char *section, const char *name,
		    const char *value)
{
	struct cfg *c = user;

	if (!strcasecmp(section, "keys")) /* the UI's key bindings (ui/keys.c) */
		return 1;
	if (strcasecmp(section, "masks") != 0) {
		snprintf(c->bad, sizeof(c->bad), "unknown section [%s]", section);
		return 0;
	}
	if (!strcasecmp(name, "mask") || !strcasecmp(name, "ignore"))
		masks_add(c->m, value, MASK_IGNORE, MSRC_CONFIG);
	else if (!strcasecmp(name, "unmask") || !strcasecmp(name, "compare"))
		masks_add(c->m, value, MASK_COMPARE, MSRC_CONFIG);
	else if (!strcasecmp(name, "id"))
		masks_add(c->m, value, MASK_ID, MSRC_CONFIG);
	else if (!strcasecmp(name, "defaults"))
		*c->defaults = !is_no(value);
	else {
		snprintf(c->bad, sizeof(c->bad), "unknown key '%s'", name);
		return 0;
	}
	return 1;
}

const char *config_file_name(const char *path, char *buf, size_t n)
{
	if (path)
		return path;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, n, "%s/smbcmp/config", xdg);
	else if (home && *home)
		snprintf(buf, n, "%s/.config/smbcmp/config", home);
	else
		return NULL;
	return buf;
}

int masks_read_config(struct masks *m, const char *path, bool *defaults,
		      char *err, size_t errlen)
{
	char buf[4096];

	path = config_file_name(path, buf, sizeof(buf));
	if (!path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	struct cfg c = { m, defaults, "" };
	int rc = ini_parse_file(f, cfg_line, &c);
	fclose(f);
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errlen, "%s:%d: %s", path, rc,
				 c.bad[0] ? c.bad : "syntax error");
		else
			snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	free(m->config_path);
	m->config_path = strdup(path);
	return 0;
}

/*
 * fnmatch(p, s, FNM_CASEFOLD) for patterns of '*', '?' and '\\' escapes,
 * ASCII case folding, whatever the locale: glibc's fnmatch goes through
 * wide characters in a UTF-8 locale (the UI sets one), ten times slower,
 * and mask rules are matched for every named field of every comparison.
 * Patterns with a bracket expression go to fnmatch.
 */
static int ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;
	for (;;) {
		if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		}
		if (!*s) {
			while (*p == '*')
				p++;
			return !*p;
		}
		const char *q = p;
		if (*q == '\\' && !*++q)
			return false; /* a lone '\\' at the end matches nothing */
		if (*p == '?' || (*q && ascii_lower(*q) == ascii_lower(*s))) {
			p = q + 1;
			s++;
			continue;
		}
		if (!star)
			return false;
		p = star;
		s = ++resume;
	}
}

static bool mask_match(const char *pattern, const char *name)
{
	if (strchr(pattern, '['))
		return fnmatch(pattern, name, FNM_CASEFOLD) == 0;
	return glob_match(pattern, name);
}

enum mask_action masks_name(const struct masks *m, const char *name)
{
	for (size_t i = m->n; i-- > 0;)
		if (mask_match(m->r[i].pattern, name))
			return (enum mask_action)m->r[i].action;
	return MASK_COMPARE;
}

/*
 * masks_name() through m->names. Several threads may ask at once
 * (parcmp.c): the one that takes names_busy uses the cache; another asks
 * masks_name() meanwhile, which only reads the rules.
 */
static enum mask_action name_action(struct masks *m, const char *name)
{
	if (__atomic_test_and_set(&m->names_busy, __ATOMIC_ACQUIRE))
		return masks_name(m, name);
	size_t len = strlen(name);
	uint64_t key = hmap_mix(hmap_bytes(0, name, len), len);
	struct mask_name *e = hmap_get(&m->names, key);
	enum mask_action a;
	if (e && !strcmp(e->name, name)) {
		a = (enum mask_action)e->action;
	} else {
		a = masks_name(m, name);
		if (!e && m->names.count < NAMES_MAX && (e = malloc(sizeof(*e) + len + 1))) {
			e->action = (uint8_t)a;
			memcpy(e->name, name, len + 1);
			hmap_put(&m->names, key, e);
		}
	}
	__atomic_clear(&m->names_busy, __ATOMIC_RELEASE);
	return a;
}

/* The cache per field id, made on first use; safe from several threads
 * (the one whose cache is installed first wins), as are its bytes, each
 * written with the one value masks_name() gives. */
static uint8_t *field_cache(struct masks *m)
{
	uint8_t *c = __atomic_load_n(&m->cache, __ATOMIC_ACQUIRE);
	if (c)
		return c;
	uint8_t *mine = calloc(F_COUNT, 1), *none = NULL;
	if (!mine)
		return NULL;
	if (__atomic_compare_exchange_n(&m->cache, &none, mine, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return mine;
	free(mine);
	return none;
}

enum mask_action masks_node(struct masks *m, const struct node *n)
{
	if (!n->name)
		return MASK_COMPARE;
	if (n->field == F_INVALID || n->field >= F_COUNT)
		return name_action(m, n->name);
	uint8_t *cache = field_cache(m);
	if (!cache)
		return masks_name(m, n->name);
	uint8_t c = __atomic_load_n(&cache[n->field], __ATOMIC_RELAXED);
	if (!c) {
		c = (uint8_t)(masks_name(m, n->name) + 1);
		__atomic_store_n(&cache[n->field], c, __ATOMIC_RELAXED);
	}
	return (enum mask_action)(c - 1);
}

const char *mask_action_name(enum mask_action a)
{
	static const char *const names[] = {
		[MASK_COMPARE] = "compare", [MASK_IGNORE] = "ignore", [MASK_ID] = "id",
	};
	return names[a];
}

const char *mask_source_name(enum mask_source s)
{
	static const char *const names[] = {
		[MSRC_DEFAULT] = "default", [MSRC_CONFIG] = "config", [MSRC_FLAG] = "flag",
	};
	return names[s];
}

void masks_print(const struct masks *m, FILE *f)
{
	fputs("# smbcmp masks: the last matching rule wins\n", f);
	if (m->config_path)
		fprintf(f, "# config: %s\n", m->config_path);
	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "%-8s %-40s %s\n", mask_action_name(m->r[i].action),
			m->r[i].pattern, mask_source_name(m->r[i].source));
}
