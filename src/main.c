/*
 * main.c - smbcmp command line.
 *
 *   smbcmp FILE            browse one trace (UI on a terminal, list otherwise)
 *   smbcmp A B             compare two traces
 *   smbcmp --json FILE     JSON Lines, one object per NBSS/SMB frame
 *   smbcmp --text FILE     indented trees, like tshark -V
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
#include "output.h"
#include "../ui/ui.h"

#ifndef SMBCMP_VERSION
#define SMBCMP_VERSION "0.1"
#endif

enum mode { MODE_AUTO, MODE_JSON, MODE_TEXT, MODE_LIST };

static void usage(FILE *f)
{
	fputs("usage: smbcmp [options] A.pcap [B.pcap]\n"
	      "Compare two SMB captures, or browse one.\n\n"
	      "  --json          machine-readable output (JSON Lines for one trace)\n"
	      "  --text          plain-text output (field trees for one trace)\n"
	      "  --list          one summary line per SMB frame\n"
	      "  --list-fields   print the field names smbcmp knows\n"
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

/* Until the diff engine lands: both summary lists, one after the other. */
static int two_traces(struct trace *a, struct trace *b)
{
	printf("=== A: %s\n", trace_path(a));
	out_list(a, stdout);
	printf("=== B: %s\n", trace_path(b));
	out_list(b, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	enum mode mode = MODE_AUTO;
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "list-fields", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': mode = MODE_JSON; break;
		case 't': mode = MODE_TEXT; break;
		case 'l': mode = MODE_LIST; break;
		case 'F': list_fields(); return 0;
		case 'h': usage(stdout); return 0;
		case 'V':
			printf("smbcmp %s\n%s\n", SMBCMP_VERSION, pcap_lib_version());
			return 0;
		default:
			if (optopt)
				fprintf(stderr, "smbcmp: unknown option '-%c' (try --help)\n", optopt);
			else
				fprintf(stderr, "smbcmp: unknown option '%s' (try --help)\n",
					argv[optind - 1]);
			return 2;
		}
	}
	int nfiles = argc - optind;
	if (nfiles < 1 || nfiles > 2) {
		fprintf(stderr, "smbcmp: expected one or two capture files (try --help)\n");
		return 2;
	}

	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	struct trace *a = NULL, *b = NULL;
	if (open_trace(&a, argv[optind]))
		return 2;
	if (nfiles == 2 && open_trace(&b, argv[optind + 1])) {
		trace_close(a);
		return 2;
	}

	int rc = 0;
	if (nfiles == 1) {
		switch (mode) {
		case MODE_JSON: out_json_frames(a, stdout); break;
		case MODE_TEXT: out_text_frames(a, stdout); break;
		default:
			if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
				struct ui_opts uo = { 0 };
				if (ui_browse(a, &uo) == 0)
					break;
				fprintf(stderr, "smbcmp: %s\n", uo.err);
			}
			out_list(a, stdout);
			break;
		}
	} else {
		rc = two_traces(a, b);
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
	trace_close(a);
	trace_close(b);
	return rc;
}
