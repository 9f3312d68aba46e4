/*
 * version.c - `smbcmp --version`: our version, the libraries we were built
 * with and whether a tshark (the optional engine and test oracle) is on PATH.
 * Kept apart from main.c because <curses.h> defines macros (move, clear,
 * timeout...) that nothing else in main.c should see.
 */
#include "version.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curseslib.h"
#include "nettlelib.h"
#include "pcapfile.h"

#ifndef SMBCMP_VERSION
#define SMBCMP_VERSION "0.1"
#endif

/* First executable "tshark" in $PATH into buf; returns 0, or -1 if none. */
static int find_tshark(char *buf, size_t n)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *e = strchr(path, ':');
		size_t len = e ? (size_t)(e - path) : strlen(path);
		struct stat st;

		snprintf(buf, n, "%.*s/tshark", (int)len, len ? path : ".");
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		path += len + (e ? 1 : 0);
	}
	return -1;
}

void version_print(FILE *f)
{
	char tshark[4096];

	fprintf(f, "smbcmp %s\n", SMBCMP_VERSION);
	fprintf(f, "%s\n", capf_lib_version());
	fprintf(f, "%s\n", curseslib_version());
	/* The library loaded at run time, which may be newer than the headers. */
	fprintf(f, "%s\n", nettlelib_version());
	if (find_tshark(tshark, sizeof(tshark)) == 0)
		fprintf(f, "tshark: %s\n", tshark);
	else
		fputs("tshark: not found in PATH (--engine=tshark and --verify need it)\n", f);
}
