/*
 * main.c - smbcmp command line.
 *
 *   smbcmp FILE            browse one trace (UI on a terminal, list otherwise)
 *   smbcmp A B             compare two traces
 *   smbcmp --json FILE     JSON Lines, one object per NBSS/SMB frame
 *   smbcmp --text FILE     indented trees, like tshark -V
 *   smbcmp --json A B      one JSON document: the aligned operations
 *   smbcmp --text A B      unified-diff style report (src/report.c)
 *   smbcmp --verify FILE   native engine against tshark (src/verify.c)
 *
 * Exit status follows diff(1): 0 same / success, 1 different, 2 trouble.
 */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dissect/dissect.h"
#include "diff.h"
#include "engine.h"
#include "filter.h"
#include "graft.h"
#include "mask.h"
#include "output.h"
#include "report.h"
#include "verify.h"

#ifndef SMBCMP_VERSION
#define SMBCMP_VERSION "0.1"
#endif

enum mode { MODE_AUTO, MODE_JSON, MODE_TEXT, MODE_LIST, MODE_VERIFY };

static void usage(FILE *f)
{
	fputs("usage: smbcmp [options] A.pcap [B.pcap]\n"
	      "Compare two SMB captures, or browse one.\n\n"
	      "  --json          machine-readable output (JSON Lines for one trace)\n"
	      "  --text          plain-text output (field trees for one trace)\n"
	      "  --list          one summary line per SMB frame\n"
	      "  --list-fields   print the field names smbcmp knows\n"
	      "  --mask PATTERN  ignore fields matching the glob PATTERN (repeatable)\n"
	      "  --unmask PATTERN  compare fields matching PATTERN after all\n"
	      "  --no-default-masks  drop the built-in mask rules\n"
	      "  --list-masks    print the active mask rules\n"
	      "  --filter EXPR   compare only operations matching EXPR\n"
	      "                  (smb2.cmd == 5 && smb2.filename contains \"jpg\")\n"
	      "  --stream N[:M]  compare stream N of A with stream M (default N) of B\n"
	      "  --engine=E      native, tshark or auto (default): auto adds tshark's\n"
	      "                  dissection of DCE/RPC and Kerberos to the native trees\n"
	      "  --verify        check the native dissection of one trace against tshark\n"
	      "  -h, --help      this help\n"
	      "  --version       version and library versions\n\n"
	      "examples:\n"
	      "  smbcmp camera.pcap reference.pcap\n"
	      "  smbcmp --json capture.pcap | jq .summary\n"
	      "  smbcmp --text capture.pcap | less\n\n"
	      "exit status: 0 same, 1 different, 2 error\n",
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
		printf("%s\t%s\t%s\n", f->name, ty, f->label);
	}
}

static int open_trace(struct trace **t, const char *path)
{
	char err[512];

	if (trace_open(t, path, NULL, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		return -1;
	}
	return 0;
}

/* Options of the two-trace comparison. */
struct cmp_opts {
	struct masks masks;
	const char *mask_args[256];
	uint8_t mask_act[256];
	size_t nmask_args;
	bool no_defaults;
	bool list_masks;
	struct filter *filter;
	struct stream_pick picks[64];
	size_t npicks;
};

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
	if (masks_read_config(&cfg, NULL, &defaults, err, sizeof(err))) {
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

/* Compares two traces; returns the exit status (0 same, 1 different, 2 error). */
static int two_traces(struct trace *a, struct trace *b, enum mode mode,
		      struct cmp_opts *c)
{
	struct diff d;
	struct diff_opts o = {
		.masks = &c->masks, .filter = c->filter,
		.picks = c->picks, .npicks = c->npicks,
	};
	char err[512];

	if (diff_init(&d, a, b, &o, err, sizeof(err))) {
		fprintf(stderr, "smbcmp: %s\n", err);
		diff_free(&d);
		return 2;
	}
	diff_run(&d);
	if (mode == MODE_JSON)
		report_json(&d, stdout);
	else
		report_text(&d, stdout, 3);
	const struct diff_counts *n = &d.counts;
	int rc = n->changed || n->only_a || n->only_b ? 1 : 0;
	diff_free(&d);
	return rc;
}

int main(int argc, char **argv)
{
	enum mode mode = MODE_AUTO;
	struct cmp_opts copts;
	char ferr[256];
	enum { OPT_MASK = 256, OPT_UNMASK, OPT_NO_DEFAULT_MASKS, OPT_LIST_MASKS,
	       OPT_FILTER, OPT_STREAM, OPT_ENGINE, OPT_VERIFY };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "list-fields", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "mask", required_argument, NULL, OPT_MASK },
		{ "unmask", required_argument, NULL, OPT_UNMASK },
		{ "no-default-masks", no_argument, NULL, OPT_NO_DEFAULT_MASKS },
		{ "list-masks", no_argument, NULL, OPT_LIST_MASKS },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "stream", required_argument, NULL, OPT_STREAM },
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ NULL, 0, NULL, 0 },
	};
	int ch, bad = 0;
	enum engine engine = ENGINE_AUTO;

	memset(&copts, 0, sizeof(copts));

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': mode = MODE_JSON; break;
		case 't': mode = MODE_TEXT; break;
		case 'l': mode = MODE_LIST; break;
		case 'F': list_fields(); return 0;
		case 'h': usage(stdout); return 0;
		case 'V':
			printf("smbcmp %s\n%s\n", SMBCMP_VERSION, pcap_lib_version());
			return 0;
		case OPT_MASK: bad |= add_mask_arg(&copts, optarg, MASK_IGNORE); break;
		case OPT_UNMASK: bad |= add_mask_arg(&copts, optarg, MASK_COMPARE); break;
		case OPT_NO_DEFAULT_MASKS: copts.no_defaults = true; break;
		case OPT_LIST_MASKS: copts.list_masks = true; break;
		case OPT_STREAM: bad |= add_stream_arg(&copts, optarg); break;
		case OPT_VERIFY: mode = MODE_VERIFY; break;
		case OPT_ENGINE:
			if (engine_parse(optarg, &engine)) {
				fprintf(stderr, "smbcmp: --engine wants native, tshark or auto, not '%s'\n",
					optarg);
				bad = 1;
			}
			break;
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
			filter_free(copts.filter);
			return 2;
		default:
			filter_free(copts.filter);
			if (optopt)
				fprintf(stderr, "smbcmp: unknown option '-%c' (try --help)\n", optopt);
			else
				fprintf(stderr, "smbcmp: unknown option '%s' (try --help)\n",
					argv[optind - 1]);
			return 2;
		}
	}
	if (bad) {
		filter_free(copts.filter);
		return 2;
	}
	if (build_masks(&copts)) {
		filter_free(copts.filter);
		return 2;
	}
	int nfiles = argc - optind;
	if (copts.list_masks) {
		masks_print(&copts.masks, stdout);
		masks_free(&copts.masks);
		filter_free(copts.filter);
		return 0;
	}
	if (nfiles < 1 || nfiles > 2) {
		masks_free(&copts.masks);
		filter_free(copts.filter);
		fprintf(stderr, "smbcmp: expected one or two capture files (try --help)\n");
		return 2;
	}

	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (mode == MODE_VERIFY && nfiles != 1) {
		fprintf(stderr, "smbcmp: --verify takes one capture file\n");
		masks_free(&copts.masks);
		filter_free(copts.filter);
		return 2;
	}
	if (engine == ENGINE_TSHARK && nfiles == 1 && mode != MODE_VERIFY) {
		int rc = engine_print_tshark(argv[optind], mode == MODE_JSON ? EOUT_JSON :
					     mode == MODE_TEXT ? EOUT_TEXT : EOUT_LIST, stdout);
		masks_free(&copts.masks);
		filter_free(copts.filter);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "smbcmp: error writing output\n");
			rc = 2;
		}
		return rc;
	}
	if (engine == ENGINE_TSHARK) {
		fprintf(stderr, "smbcmp: --engine=tshark prints one trace (--json, --text, --list); "
				"comparisons use --engine=auto or native\n");
		masks_free(&copts.masks);
		filter_free(copts.filter);
		return 2;
	}

	struct trace *a = NULL, *b = NULL;
	if (open_trace(&a, argv[optind]) ||
	    (nfiles == 2 && open_trace(&b, argv[optind + 1]))) {
		trace_close(a);
		masks_free(&copts.masks);
		filter_free(copts.filter);
		return 2;
	}

	int rc = 0;
	struct graft *grafts[2] = { NULL, NULL };
	/* Grafts show in trees (--json, --text, comparisons), not in summaries. */
	if (engine == ENGINE_AUTO && (nfiles == 2 || mode == MODE_JSON || mode == MODE_TEXT)) {
		struct trace *tt[2] = { a, b };
		for (int i = 0; i < 2 && tt[i]; i++) {
			char gerr[512];
			if (graft_attach(&grafts[i], tt[i], gerr, sizeof(gerr)))
				fprintf(stderr, "smbcmp: note: %s; DCE/RPC and Kerberos payloads "
						"left undissected\n", gerr);
		}
	}
	if (mode == MODE_VERIFY) {
		rc = verify_run(a, stdout);
	} else if (nfiles == 1) {
		switch (mode) {
		case MODE_JSON: out_json_frames(a, stdout); break;
		case MODE_TEXT: out_text_frames(a, stdout); break;
		default: out_list(a, stdout); break;
		}
	} else {
		rc = two_traces(a, b, mode, &copts);
	}
	masks_free(&copts.masks);
	filter_free(copts.filter);
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
	graft_free(grafts[0], a);
	graft_free(grafts[1], b);
	trace_close(a);
	trace_close(b);
	return rc;
}
