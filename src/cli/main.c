/*
 * main.c - smbcmp command line.
 *
 *   smbcmp FILE            browse one trace (UI on a terminal, list otherwise)
 *   smbcmp A B             compare two traces
 *   smbcmp --json FILE     JSON Lines, one object per NBSS/SMB frame
 *   smbcmp --text FILE     indented trees, like tshark -V
 *   smbcmp --json A B      one JSON document: the aligned operations
 *   smbcmp --text A B      unified-diff style report (src/report/report.c)
 *   smbcmp --junit F A B   also a JUnit XML report for CI (src/report/junit.c)
 *   smbcmp --html F A [B]  one self-contained HTML report (src/report/html.c)
 *   smbcmp --verify FILE   native engine against tshark (src/tshark/verify.c)
 *
 * A file name "-" reads that capture from standard input (libpcap does).
 *
 * Exit status follows diff(1): 0 same / success, 1 different, 2 trouble.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dissect.h"
#include "diff.h"
#include "engine.h"
#include "filter.h"
#include "graft.h"
#include "smb3keys.h"
#include "mask.h"
#include "outfile.h"
#include "output.h"
#include "report.h"
#include "annotate.h"
#include "stats.h"
#include "verify.h"
#include "version.h"
#include "ui.h"
#include "cli.h"


static const char *const mode_opt[] = {
	[MODE_AUTO] = "", [MODE_JSON] = "--json", [MODE_TEXT] = "--text",
	[MODE_LIST] = "--list", [MODE_INDEX_STATS] = "--index-stats", [MODE_VERIFY] = "--verify",
};

/* One output mode per run: a second, different one is refused (-1). */
static int set_mode(enum mode *mode, enum mode m)
{
	if (*mode != MODE_AUTO && *mode != m) {
		fprintf(stderr, "smbcmp: %s and %s cannot be combined: one output per run\n",
			mode_opt[*mode], mode_opt[m]);
		return -1;
	}
	*mode = m;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: smbcmp [options] A.pcap [B.pcap]\n"
	      "Compare two SMB captures, or browse one (\"-\" reads standard input).\n\n"
	      "  --json          machine-readable output (JSON Lines for one trace)\n"
	      "  --text          plain-text output (field trees for one trace)\n"
	      "  --list          one summary line per SMB frame\n"
	      "  --list-fields   print the field names smbcmp knows\n"
	      "  --stats         per command: count, bytes, errors, response times\n"
	      "  --index-stats   index the trace only and print its counts\n"
	      "  --mask PATTERN  ignore fields matching the glob PATTERN (repeatable)\n"
	      "  --unmask PATTERN  compare fields matching PATTERN after all\n"
	      "  --no-default-masks  drop the built-in mask rules\n"
	      "  --list-masks    print the active mask rules\n"
	      "  --filter EXPR   compare only operations matching EXPR (smb2.cmd == 5)\n"
	      "  --allow-empty   a comparison of nothing (or nothing --filter keeps) exits 0\n"
	      "  --stream N[:M]  compare stream N of A with stream M (default N) of B\n"
	      "  -k SESSIONID:SESSIONKEY[:S2C:C2S]\n"
	      "                  SMB3 keys (hex; SESSIONID = the 8 SessionId bytes as on\n"
	      "                  the wire), to decrypt and check signatures (repeatable)\n"
	      "  --keys-from FILE  keys from a Samba 'debug encryption' log, cifs.ko key\n"
	      "                  dump, Wireshark smb2_seskey_list file or key lines\n"
	      "  --password USER:PASSWORD  derive the keys from the captured NTLM logon\n"
	      "  --password-file FILE  USER:PASSWORD lines\n"
	      "  --junit FILE    also write the comparison as JUnit XML (\"-\": stdout)\n"
	      "  --html FILE     a self-contained HTML report (\"-\": stdout)\n"
	      "  --annotate DIR  also write A and B as pcapng, differing frames commented\n"
	      "  --max-memory MB  memory one trace's index may hold (default 384)\n"
	      "  --max-nodes N   fields per frame tree (default 200000)\n"
	      "  --engine=E      native, tshark or auto (default): auto adds tshark's\n"
	      "                  dissection of DCE/RPC and Kerberos to the native trees\n"
	      "  --verify        check the native dissection of one trace against tshark\n"
	      "  --check         state checks of one trace (ids, handles, unanswered requests)\n"
	      "  --all-fields    list the differences of \"similar\" operations too\n"
	      "  --by WHAT       actions (open, read, query info...: across SMB1 and SMB2),\n"
	      "                  operations, or auto (actions when the dialects differ)\n"
	      "  -h, --help      this help\n"
	      "  --version       version and library versions\n\n"
	      "examples:\n"
	      "  smbcmp camera.pcap reference.pcap\n"
	      "  smbcmp --text --junit report.xml --mask 'smb2.create.*' new.pcap ref.pcap\n"
	      "  tcpdump -i any -w - port 445 | smbcmp --list -\n\n"
	      "exit status: 0 same, 1 different, 2 error.  See smbcmp(1).\n",
	      f);
}

static void list_fields(void)
{
	static const char *const types[] = {
		[FT_NONE] = "FT_NONE", [FT_PROTOCOL] = "FT_PROTOCOL",
		[FT_UINT8] = "FT_UINT8", [FT_UINT16] = "FT_UINT16",
		[FT_UINT24] = "FT_UINT24", [FT_UINT32] = "FT_UINT32",
		[FT_UINT64] = "FT_UINT64", [FT_BOOLEAN] = "FT_BOOLEAN",
		[FT_STRING] = "FT_STRING", [FT_BYTES] = "FT_BYTES",
		[FT_GUID] = "FT_GUID", [FT_ABSOLUTE_TIME] = "FT_ABSOLUTE_TIME",
		[FT_RELATIVE_TIME] = "FT_RELATIVE_TIME", [FT_FRAMENUM] = "FT_FRAMENUM",
	};
	for (int i = 1; i < (int)field_count(); i++) {
		const struct field *f = field_get(i);
		const char *ty = f->type < sizeof(types) / sizeof(types[0]) && types[f->type]
					 ? types[f->type] : "FT_OTHER";
		printf("%s\t%s\t%s\n", field_str(f->name_at), ty, field_str(f->label_at));
	}
}

/* Opens and indexes path: all of it, or what is read in about ms
 * milliseconds when ms > 0 (the browser indexes the rest). */
static int open_trace(struct trace **t, const char *path,
		      const struct trace_opts *topts, unsigned ms)
{
	char err[512];

	if (strcmp(path, "-") == 0 && isatty(STDIN_FILENO)) {
		fprintf(stderr, "smbcmp: -: standard input is a terminal, not a capture "
				"(pipe one in: tcpdump -w - ... | smbcmp -)\n");
		return -1;
	}
	if (trace_open_partial(t, path, topts, ms, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		return -1;
	}
	return 0;
}

struct open_job {
	struct trace *t;
	const char *path;
	const struct trace_opts *topts;
	int rc;
	char err[512];
};

static void *open_thread(void *arg)
{
	struct open_job *j = arg;

	j->rc = trace_open(&j->t, j->path, j->topts, j->err, sizeof(j->err));
	return NULL;
}

/* Opens A, and B when given, indexing both at once on two threads (the
 * index pass of each is independent; dissect/ keeps no mutable globals).
 * As when opened one after the other, only the first failure is reported.
 * A alone: indexed for ms milliseconds only when ms > 0 (open_trace).
 * Returns 0 or -1 (message printed). */
static int open_traces(struct trace **a, const char *pa, struct trace **b,
		       const char *pb, const struct trace_opts *topts, unsigned ms)
{
	struct open_job ja = { NULL, pa, topts, 0, "" }, jb = { NULL, pb, topts, 0, "" };
	pthread_t th;

	if (!b || strcmp(pa, "-") == 0 || strcmp(pb, "-") == 0)
		return open_trace(a, pa, topts, b ? 0 : ms) || (b && open_trace(b, pb, topts, 0))
			       ? -1 : 0;
	bool threaded = pthread_create(&th, NULL, open_thread, &jb) == 0;
	open_thread(&ja);
	if (threaded)
		pthread_join(th, NULL);
	else if (!ja.rc)
		open_thread(&jb);
	*a = ja.t;
	*b = jb.t;
	if (ja.rc || jb.rc) {
		fprintf(stderr, "smbcmp: %s\n", ja.rc ? ja.err : jb.err);
		return -1;
	}
	return 0;
}

/* Parses a positive limit in [min, max] units of `unit` bytes/items. */
static int limit_arg(const char *arg, const char *flag, unsigned long min,
		     unsigned long max, size_t *out, size_t unit)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "smbcmp: %s wants a number from %lu to %lu, not '%s'\n",
			flag, min, max, arg);
		return -1;
	}
	*out = (size_t)v * unit;
	return 0;
}


static int add_mask_arg(struct cmp_opts *c, const char *pat, enum mask_action act)
{
	if (c->nmask_args == sizeof(c->mask_args) / sizeof(c->mask_args[0])) {
		fprintf(stderr, "smbcmp: too many --mask/--unmask options\n");
		return -1;
	}
	c->mask_args[c->nmask_args] = pat;
	c->mask_act[c->nmask_args++] = (uint8_t)act;
	return 0;
}

static int add_stream_arg(struct cmp_opts *c, const char *arg)
{
	char *end;
	unsigned long a = strtoul(arg, &end, 10), b = a;
	if (end != arg && *end == ':')
		b = strtoul(end + 1, &end, 10);
	if (end == arg || *end || a > UINT32_MAX || b > UINT32_MAX || arg[0] == '-') {
		fprintf(stderr, "smbcmp: --stream wants N or N:M, not '%s'\n", arg);
		return -1;
	}
	if (c->npicks == sizeof(c->picks) / sizeof(c->picks[0])) {
		fprintf(stderr, "smbcmp: too many --stream options\n");
		return -1;
	}
	c->picks[c->npicks++] = (struct stream_pick){ (uint32_t)a, (uint32_t)b };
	return 0;
}

/* Rules in order: defaults, config file, flags. */
static int build_masks(struct cmp_opts *c)
{
	char err[512];
	bool defaults = !c->no_defaults;
	struct masks cfg;

	masks_init(&c->masks);
	masks_init(&cfg);
	if (masks_read_config(&cfg, c->config, &defaults, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		masks_free(&cfg);
		return -1;
	}
	if (defaults && !c->no_defaults)
		masks_add_defaults(&c->masks);
	for (size_t i = 0; i < cfg.n; i++)
		masks_add(&c->masks, cfg.r[i].pattern, cfg.r[i].action, MSRC_CONFIG);
	if (cfg.config_path)
		c->masks.config_path = strdup(cfg.config_path);
	masks_free(&cfg);
	for (size_t i = 0; i < c->nmask_args; i++)
		masks_add(&c->masks, c->mask_args[i], c->mask_act[i], MSRC_FLAG);
	return 0;
}

/* Explains a rejected option in one line: arg is the argv element getopt
 * stopped at, optopt its optopt (the option's val, or the short letter). */
static void bad_option(const struct option *opts, const char *arg, int opt)
{
	if (strncmp(arg, "--", 2) == 0 && arg[2]) {
		const char *name = arg + 2;
		size_t len = strcspn(name, "=");
		const struct option *hit = NULL;
		int nhits = 0;
		for (const struct option *o = opts; o->name; o++) {
			if (strncmp(o->name, name, len) != 0)
				continue;
			if (strlen(o->name) == len) { /* exact beats prefixes */
				hit = o, nhits = 1;
				break;
			}
			hit = o, nhits++;
		}
		if (nhits == 1 && name[len] == '=' && hit->has_arg == no_argument &&
		    (opt == 0 || opt == hit->val)) {
			fprintf(stderr, "smbcmp: option '--%s' takes no value (try --help)\n",
				hit->name);
			return;
		}
		if (nhits > 1 && opt == 0) {
			fprintf(stderr, "smbcmp: option '--%.*s' is ambiguous (try --help)\n",
				(int)len, name);
			return;
		}
		if (opt == 0 || (hit && opt == hit->val)) {
			fprintf(stderr, "smbcmp: unknown option '--%.*s' (try --help)\n",
				(int)len, name);
			return;
		}
	}
	if (opt > 0 && opt < 128)
		fprintf(stderr, "smbcmp: unknown option '-%c' (try --help)\n", opt);
	else
		fprintf(stderr, "smbcmp: unknown option '%s' (try --help)\n", arg);
}

/*
 * --filter names only fields some dissector registers: smbcmp's own, or
 * tshark's, which the auto engine grafts (dcerpc.opnum, winreg): those are
 * looked up in tshark's registry. Returns 0, or -1 (one line printed).
 */
static int check_filter_fields(const struct filter *f, enum engine engine)
{
	const char *names[16];
	bool known[16] = { false };
	char err[512];
	size_t n = filter_foreign(f, names, 16);

	if (n == 0)
		return 0;
	if (n > 16)
		n = 16;
	if (engine == ENGINE_NATIVE) {
		fprintf(stderr, "smbcmp: filter: unknown field '%s' (--engine=native dissects "
				"smbcmp's own fields only; see --list-fields)\n", names[0]);
		return -1;
	}
	if (engine_tshark_fields(names, n, known, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: filter: unknown field '%s' (not one of smbcmp's; "
				"tshark's could not be checked: %s)\n", names[0], err);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!known[i]) {
			fprintf(stderr, "smbcmp: filter: unknown field '%s' (neither smbcmp "
					"nor tshark has it)\n", names[i]);
			return -1;
		}
	return 0;
}

/*
 * Says once, on one line, how many SMB3 messages of t could not be
 * decrypted and why; for a trace mostly encrypted without any key source,
 * how to give one. Silent when everything was decrypted.
 */
static void crypt_note(const struct trace *t, bool have_keys)
{
	const struct trace_crypt *c = trace_crypt(t);
	size_t failed = c->no_key + c->tag_mismatch + c->bad_header;

	if (!failed)
		return;
	if (!have_keys) {
		fprintf(stderr, "smbcmp: note: %s: %zu of %zu SMB messages are encrypted and no key "
				"was given%s\n", trace_path(t), c->total, trace_npdus(t),
			2 * c->total > trace_npdus(t)
				? ": give --password USER:PASSWORD or --keys-from FILE to decrypt them"
				: " (--password, --keys-from)");
		return;
	}
	char why[256];
	size_t n = 0;
	why[0] = 0;
	if (c->no_key)
		n += (size_t)snprintf(why + n, sizeof(why) - n, "%zu with no key for session "
					"0x%016" PRIx64, c->no_key, c->no_key_sesid);
	if (c->tag_mismatch && n < sizeof(why))
		n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%zu failing the authentication "
					"tag (wrong password or key) for session 0x%016" PRIx64,
				      n ? ", " : "", c->tag_mismatch, c->mismatch_sesid);
	if (c->bad_header && n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, "%s%zu with a malformed transform header",
			 n ? ", " : "", c->bad_header);
	fprintf(stderr, "smbcmp: note: %s: %zu of %zu encrypted SMB messages not decrypted: %s\n",
		trace_path(t), failed, c->total, why);
}

/* How long the browser's first index slice may take before the first screen. */
#define BROWSE_FIRST_MS 200

/* The auto engine's tshark run on a thread while the browser runs (ui_bg). */
struct bg_graft {
	struct graft_job *job;
	struct graft **out;
	const struct ts_secrets *sec;
};

static bool bg_start(void *ctx, struct trace *t)
{
	struct bg_graft *g = ctx;
	g->job = graft_start(t, g->sec, true);
	return g->job != NULL;
}

static int bg_poll(void *ctx, char *msg, size_t n)
{
	struct bg_graft *g = ctx;
	char err[512];
	int r = graft_poll(g->job, g->out, err, sizeof(err));
	if (r)
		g->job = NULL;
	if (r < 0)
		snprintf(msg, n, "note: %s; DCE/RPC and Kerberos payloads left undissected", err);
	return r;
}

static void bg_stop(void *ctx)
{
	struct bg_graft *g = ctx;
	graft_stop(g->job);
	g->job = NULL;
}

int main(int argc, char **argv)
{
	enum mode mode = MODE_AUTO;
	struct cmp_opts copts;
	char ferr[256];
	enum { OPT_MASK = 256, OPT_UNMASK, OPT_NO_DEFAULT_MASKS, OPT_LIST_MASKS,
	       OPT_FILTER, OPT_STREAM, OPT_KEYS_FROM, OPT_PASSWORD,
	       OPT_PASSWORD_FILE };
	enum { OPT_JUNIT = 512, OPT_MAX_MEMORY, OPT_MAX_NODES, OPT_ENGINE, OPT_VERIFY,
	       OPT_CHECK, OPT_ALL_FIELDS, OPT_ALLOW_EMPTY, OPT_BY, OPT_HTML, OPT_INDEX_STATS,
	       OPT_ANNOTATE };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "list-fields", no_argument, NULL, 'F' },
		{ "stats", no_argument, NULL, 'S' },
		{ "index-stats", no_argument, NULL, OPT_INDEX_STATS },
		{ "annotate", required_argument, NULL, OPT_ANNOTATE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "mask", required_argument, NULL, OPT_MASK },
		{ "unmask", required_argument, NULL, OPT_UNMASK },
		{ "no-default-masks", no_argument, NULL, OPT_NO_DEFAULT_MASKS },
		{ "list-masks", no_argument, NULL, OPT_LIST_MASKS },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "stream", required_argument, NULL, OPT_STREAM },
		{ "keys-from", required_argument, NULL, OPT_KEYS_FROM },
		{ "password", required_argument, NULL, OPT_PASSWORD },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
		{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "all-fields", no_argument, NULL, OPT_ALL_FIELDS },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "by", required_argument, NULL, OPT_BY },
		{ NULL, 0, NULL, 0 },
	};
	int ch, bad = 0;
	struct keyopts kopts;
	char kerr[512];
	struct trace_opts topts = { 0 };
	enum engine engine = ENGINE_AUTO;
	/* The first option given that only a comparison uses, and the
	 * last limit given: for refusing what a run would ignore. */
	const char *cmp_only = NULL, *limit_opt = NULL;
	/* Everything main() holds, released at one place (out:) on every
	 * path, so the keys and passwords are always scrubbed (keys_free). */
	struct trace *a = NULL, *b = NULL;
	struct graft *grafts[2] = { NULL, NULL };
	struct ts_secrets *targs = NULL;
	struct outfile hout = { .f = NULL };
	int rc = 2;

	memset(&copts, 0, sizeof(copts));
	keys_init(&kopts);
	copts.config = getenv("SMBCMP_CONFIG");
	if (copts.config && !*copts.config)
		copts.config = NULL;
	/* Tests: the browser indexes this many packets per slice, so that its
	 * incremental path runs on small captures too. */
	const char *slice = getenv("SMBCMP_UI_SLICE");
	if (slice)
		topts.slice_packets = (uint32_t)strtoul(slice, NULL, 10);

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hk:", opts, NULL)) != -1) {
		int krc = 0;
		switch (ch) {
		case 'j': bad |= set_mode(&mode, MODE_JSON); break;
		case 't': bad |= set_mode(&mode, MODE_TEXT); break;
		case 'l': bad |= set_mode(&mode, MODE_LIST); break;
		case 'S': copts.stats = true; break;
		case OPT_INDEX_STATS: bad |= set_mode(&mode, MODE_INDEX_STATS); break;
		case 'F': list_fields(); rc = 0; goto out;
		case 'h': usage(stdout); rc = 0; goto out;
		case 'V': version_print(stdout); rc = 0; goto out;
		case OPT_JUNIT: copts.junit = optarg; break;
		case OPT_HTML: copts.html = optarg; break;
		case OPT_ANNOTATE: copts.annotate = optarg; break;
		case OPT_MASK:
			bad |= add_mask_arg(&copts, optarg, MASK_IGNORE);
			cmp_only = cmp_only ? cmp_only : "--mask";
			break;
		case OPT_UNMASK:
			bad |= add_mask_arg(&copts, optarg, MASK_COMPARE);
			cmp_only = cmp_only ? cmp_only : "--unmask";
			break;
		case OPT_NO_DEFAULT_MASKS:
			copts.no_defaults = true;
			cmp_only = cmp_only ? cmp_only : "--no-default-masks";
			break;
		case OPT_LIST_MASKS: copts.list_masks = true; break;
		case OPT_STREAM:
			bad |= add_stream_arg(&copts, optarg);
			cmp_only = cmp_only ? cmp_only : "--stream";
			break;
		case OPT_VERIFY: bad |= set_mode(&mode, MODE_VERIFY); break;
		case OPT_ALLOW_EMPTY: copts.allow_empty = true; break;
		case OPT_CHECK: copts.check = true; break;
		case OPT_ALL_FIELDS:
			copts.all_fields = true;
			cmp_only = cmp_only ? cmp_only : "--all-fields";
			break;
		case OPT_BY:
			if (!strcmp(optarg, "actions"))
				copts.by = BY_ACTIONS;
			else if (!strcmp(optarg, "operations"))
				copts.by = BY_OPERATIONS;
			else if (!strcmp(optarg, "auto"))
				copts.by = BY_AUTO;
			else {
				fprintf(stderr, "smbcmp: --by wants actions, operations or auto, "
						"not '%s'\n", optarg);
				bad = 1;
			}
			cmp_only = cmp_only ? cmp_only : "--by";
			break;
		case OPT_ENGINE:
			if (engine_parse(optarg, &engine)) {
				fprintf(stderr, "smbcmp: --engine wants native, tshark or auto, not '%s'\n",
					optarg);
				bad = 1;
			}
			break;
		case 'k': krc = keys_add_arg(&kopts, optarg, kerr, sizeof(kerr)); break;
		case OPT_KEYS_FROM: krc = keys_add_file(&kopts, optarg, kerr, sizeof(kerr)); break;
		case OPT_PASSWORD: krc = keys_add_password(&kopts, optarg, kerr, sizeof(kerr)); break;
		case OPT_PASSWORD_FILE:
			krc = keys_add_password_file(&kopts, optarg, kerr, sizeof(kerr));
			break;
		case OPT_MAX_MEMORY:
			limit_opt = "--max-memory";
			bad |= limit_arg(optarg, "--max-memory", 16, 1 << 20,
						      &topts.max_memory, 1 << 20); break;
		case OPT_MAX_NODES: {
			size_t n;
			limit_opt = "--max-nodes";
			bad |= limit_arg(optarg, "--max-nodes", 100, UINT32_MAX, &n, 1);
			topts.max_nodes = (uint32_t)n;
			break;
		}
		case OPT_FILTER:
			filter_free(copts.filter);
			copts.filter = filter_parse(optarg, ferr, sizeof(ferr));
			if (!copts.filter) {
				fprintf(stderr, "smbcmp: %s\n", ferr);
				bad = 1;
			}
			break;
		case ':':
			fprintf(stderr, "smbcmp: option '%s' needs an argument (try --help)\n",
				argv[optind - 1]);
			goto out;
		default:
			bad_option(opts, argv[optind - 1], optopt);
			goto out;
		}
		if (krc) {
			fprintf(stderr, "smbcmp: %s\n", kerr);
			bad = 1;
		}
	}
	if (copts.config && access(copts.config, R_OK) != 0) {
		fprintf(stderr, "smbcmp: SMBCMP_CONFIG=%s: %s\n", copts.config, strerror(errno));
		bad = 1;
	}
	if (!bad && copts.filter && check_filter_fields(copts.filter, engine))
		bad = 1;
	if (bad || build_masks(&copts))
		goto out;
	int nfiles = argc - optind;
	if (copts.list_masks && nfiles > 0) {
		fprintf(stderr, "smbcmp: --list-masks prints the mask rules only: no capture file\n");
		goto out;
	}
	if (copts.list_masks) {
		masks_print(&copts.masks, stdout);
		rc = 0;
		goto out;
	}
	if (nfiles < 1 || nfiles > 2) {
		fprintf(stderr, "smbcmp: expected one or two capture files (try --help)\n");
		goto out;
	}
	/* Every option is honoured, or the run is refused (tests/cli_matrix.sh). */
	char why[256] = "";
	bool junit_stdout = copts.junit && strcmp(copts.junit, "-") == 0;
	if (nfiles == 2 && !strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-"))
		snprintf(why, sizeof(why), "standard input can hold one capture, not both "
					   "('-' given twice)");
	else if (copts.junit && nfiles != 2)
		snprintf(why, sizeof(why), "--junit reports a comparison: give two capture files");
	else if (copts.annotate && nfiles != 2)
		snprintf(why, sizeof(why), "--annotate marks a comparison's differences: give two "
					   "capture files");
	else if (copts.stats && (mode != MODE_AUTO && mode != MODE_TEXT && mode != MODE_JSON))
		snprintf(why, sizeof(why), "--stats prints its table as text or --json, not %s",
			 mode_opt[mode]);
	else if (copts.stats && (copts.check || copts.junit || copts.annotate || cmp_only))
		snprintf(why, sizeof(why), "--stats counts the whole traces: drop %s",
			 copts.check ? "--check" : copts.junit ? "--junit" :
			 copts.annotate ? "--annotate" : cmp_only);
	else if (copts.stats && copts.filter)
		snprintf(why, sizeof(why), "--stats covers the whole capture: --filter does not "
					   "apply");
	else if (copts.stats && engine == ENGINE_TSHARK)
		snprintf(why, sizeof(why), "--stats counts smbcmp's own operations: use "
					   "--engine=auto or native");
	else if (nfiles == 2 && (mode == MODE_LIST || mode == MODE_INDEX_STATS))
		snprintf(why, sizeof(why), "%s takes one capture file (two are compared "
					   "without it)", mode_opt[mode]);
	else if (nfiles == 1 && cmp_only)
		snprintf(why, sizeof(why), "%s applies to a comparison: give two capture files",
			 cmp_only);
	else if (junit_stdout && (mode == MODE_JSON || mode == MODE_TEXT))
		snprintf(why, sizeof(why), "--junit - writes the XML to standard output: "
					   "%s would too (--junit FILE)", mode_opt[mode]);
	else if (copts.html && !strcmp(copts.html, "-") &&
		 (mode == MODE_JSON || mode == MODE_TEXT || mode == MODE_LIST || junit_stdout))
		snprintf(why, sizeof(why), "--html - writes the report to standard output: "
					   "%s would too (--html FILE)",
			 junit_stdout ? "--junit -" : mode_opt[mode]);
	else if (copts.html && (copts.check || mode == MODE_INDEX_STATS || copts.stats ||
				mode == MODE_VERIFY || (nfiles == 1 && mode != MODE_AUTO) ||
				engine == ENGINE_TSHARK))
		snprintf(why, sizeof(why), "--html reports a comparison, or one trace alone: "
					   "drop %s", copts.check ? "--check" :
			 engine == ENGINE_TSHARK ? "--engine=tshark" :
			 copts.stats ? "--stats" : mode_opt[mode]);
	else if (copts.filter && (mode == MODE_INDEX_STATS || mode == MODE_VERIFY))
		snprintf(why, sizeof(why), "%s covers the whole capture: --filter does not "
					   "apply", mode_opt[mode]);
	else if (mode == MODE_VERIFY && engine != ENGINE_AUTO)
		snprintf(why, sizeof(why), "--verify runs both engines: drop --engine");
	else if (engine == ENGINE_TSHARK && copts.filter)
		snprintf(why, sizeof(why), "--filter selects with smbcmp's trees: use "
					   "--engine=auto or native");
	else if (engine == ENGINE_TSHARK && limit_opt)
		snprintf(why, sizeof(why), "%s bounds smbcmp's own index: --engine=tshark "
					   "does not use it", limit_opt);
	else if (copts.check && (nfiles != 1 || (mode != MODE_AUTO && mode != MODE_TEXT &&
						  mode != MODE_JSON)))
		snprintf(why, sizeof(why), "--check takes one capture file (with --text or --json)");
	else if (copts.check && copts.filter)
		snprintf(why, sizeof(why), "--check looks at every operation: --filter does not apply");
	else if (copts.check && engine == ENGINE_TSHARK)
		snprintf(why, sizeof(why), "--check reads smbcmp's own operations: use "
					   "--engine=auto or native");
	else if (engine == ENGINE_TSHARK && mode == MODE_INDEX_STATS)
		snprintf(why, sizeof(why), "--index-stats counts smbcmp's own index: use "
					   "--engine=auto or native");
	if (why[0]) {
		fprintf(stderr, "smbcmp: %s\n", why);
		goto out;
	}
	if (copts.annotate && annotate_check(copts.annotate, argv[optind], argv[optind + 1],
					     why, sizeof(why))) {
		fprintf(stderr, "smbcmp: --annotate %s\n", why);
		goto out;
	}

	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	if (mode == MODE_VERIFY && nfiles != 1) {
		fprintf(stderr, "smbcmp: --verify takes one capture file\n");
		goto out;
	}
	if (engine == ENGINE_TSHARK) {
		if (strcmp(argv[optind], "-") == 0)
			fprintf(stderr, "smbcmp: --engine=tshark needs a capture file, not "
					"standard input\n");
		else if (nfiles == 1 && mode != MODE_VERIFY) {
			targs = engine_secrets(keys_ring(&kopts));
			rc = engine_print_tshark(argv[optind], mode == MODE_JSON ? EOUT_JSON :
						 mode == MODE_TEXT ? EOUT_TEXT : EOUT_LIST, targs,
						 stdout);
		}
		else
			fprintf(stderr, "smbcmp: --engine=tshark prints one trace (--json, --text, "
					"--list); comparisons use --engine=auto or native\n");
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "smbcmp: error writing output\n");
			rc = 2;
		}
		goto out;
	}

	if (copts.html && !(copts.html_f = outfile_open(&hout, "--html", copts.html)))
		goto out;
	topts.keys = keys_ring(&kopts);
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	/* The browser shows the first rows at once and indexes the rest
	 * between key presses. */
	bool browse = nfiles == 1 && mode == MODE_AUTO && tty && !copts.html && !copts.stats;
	if (open_traces(&a, argv[optind], nfiles == 2 ? &b : NULL,
			nfiles == 2 ? argv[optind + 1] : NULL, &topts, browse ? BROWSE_FIRST_MS : 0))
		goto out;

	rc = 0;
	targs = engine != ENGINE_NATIVE ? engine_secrets(keys_ring(&kopts)) : NULL;
	/* Grafts show in trees (--json, --text, the UI, comparisons), not in
	 * summary lines (--list) or counts (--stats). */
	/* The browser runs tshark on a thread once indexing is over (bg_graft). */
	const char *foreign[1];
	bool filter_foreign_fields = filter_foreign(copts.filter, foreign, 1) > 0;
	if (engine == ENGINE_AUTO && !copts.stats && (mode == MODE_JSON || mode == MODE_TEXT ||
				      (mode == MODE_AUTO && nfiles == 2) || copts.html ||
				      (!browse && filter_foreign_fields))) {
		/* One tshark run per trace that needs one, both at once. */
		struct trace *tt[2] = { a, b };
		struct graft_job *jobs[2] = { NULL, NULL };
		for (int i = 0; i < 2 && tt[i]; i++)
			if (strcmp(trace_path(tt[i]), "-") != 0) /* stdin cannot be read again */
				jobs[i] = graft_start(tt[i], targs, false);
		for (int i = 0; i < 2; i++) {
			char gerr[512];
			if (jobs[i] && graft_wait(jobs[i], &grafts[i], gerr, sizeof(gerr)) < 0)
				fprintf(stderr, "smbcmp: note: %s; DCE/RPC and Kerberos payloads "
						"left undissected\n", gerr);
		}
	}
	if (copts.stats) {
		stats_traces(a, b, mode == MODE_JSON);
	} else if (mode == MODE_VERIFY) {
		rc = verify_run(a, targs, stdout);
	} else if (copts.check) {
		rc = check_trace(a, mode == MODE_JSON);
	} else if (nfiles == 1) {
		size_t printed = SIZE_MAX;
		switch (mode) {
		case MODE_JSON: printed = out_json_frames(a, copts.filter, stdout); break;
		case MODE_TEXT: printed = out_text_frames(a, copts.filter, stdout); break;
		case MODE_INDEX_STATS:
			printf("frames %u\nsmb_frames %zu\npdus %zu\ntcp_streams %zu\n",
			       trace_total_frames(a), trace_nframes(a), trace_npdus(a),
			       trace_nstreams(a));
			break;
		case MODE_LIST:
			printed = out_list(a, copts.filter, stdout);
			break;
		default:
			if (copts.html) {
				report_html_trace(a, copts.filter, copts.html_f);
				printed = 1;
				break;
			}
			if (browse) {
				struct bg_graft bg = { .out = &grafts[0], .sec = targs };
				struct ui_bg ub = { bg_start, bg_poll, bg_stop,
						    "tshark: DCE/RPC and Kerberos subtrees", &bg,
						    "tshark running" };
				struct ui_opts uo = { .config = copts.config,
						      .filter = filter_text(copts.filter),
						      .bg = engine == ENGINE_AUTO &&
								    strcmp(trace_path(a), "-") != 0
							    ? &ub : NULL };
				if (ui_browse(a, &uo) == 0)
					break;
				fprintf(stderr, "smbcmp: %s\n", uo.err);
			}
			trace_index_all(a);
			printed = out_list(a, copts.filter, stdout);
			break;
		}
		if (copts.filter && printed == 0 && !copts.allow_empty)
			fprintf(stderr, "smbcmp: note: --filter '%s' matches no frame of %s\n",
				filter_text(copts.filter), trace_path(a));
	} else {
		rc = two_traces(a, b, mode, &copts);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "smbcmp: error writing output\n");
		rc = 2;
	}
	const char *warn[2] = { trace_warning(a), b ? trace_warning(b) : NULL };
	for (int i = 0; i < 2; i++)
		if (warn[i]) {
			fprintf(stderr, "smbcmp: %s\n", warn[i]);
			rc = 2;
		}
	for (int i = 0; i < 2; i++)
		if (i == 0 || b)
			crypt_note(i ? b : a, topts.keys != NULL);
	/* Limits cut the index: say so, the output is partial. A comparison
	 * cut short must not pass: exit 2 (README "Security"). */
	struct trace *both[2] = { a, b };
	bool cut = false;
	for (int i = 0; i < 2; i++) {
		if (!both[i])
			continue;
		if (nfiles == 2 && mode != MODE_VERIFY &&
		    (trace_note(both[i]) || trace_trees_cut(both[i]))) {
			fprintf(stderr, "%s%s: %s%s%s", cut ? "; " : "smbcmp: comparison incomplete: ",
				trace_path(both[i]), trace_note(both[i]) ? trace_note(both[i]) : "",
				trace_note(both[i]) && trace_trees_cut(both[i]) ? "; " : "",
				trace_trees_cut(both[i]) ? "frame trees cut by the node limit" : "");
			cut = true;
		} else if (trace_note(both[i])) {
			fprintf(stderr, "smbcmp: note: %s: %s (raise with --max-memory)\n",
				trace_path(both[i]), trace_note(both[i]));
		}
	}
	if (cut) {
		fputs(" (raise with --max-memory, --max-nodes)\n", stderr);
		rc = 2;
	}
out:
	/* A report of a run that failed (rc 2) is not left behind. */
	if (outfile_close(&hout, rc != 2) < 0)
		rc = 2;
	engine_free_secrets(targs);
	graft_free(grafts[0], a);
	graft_free(grafts[1], b);
	trace_close(a);
	trace_close(b);
	masks_free(&copts.masks);
	filter_free(copts.filter);
	keys_free(&kopts);
	return rc;
}
