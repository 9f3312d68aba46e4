/*
 * outfile.h - an output file written whole or not at all (--html FILE):
 * the data goes to a temporary file beside FILE, renamed over it once
 * complete, so a run that fails leaves no partial file behind. "-" is
 * standard output (written as it goes).
 */
#ifndef SMBCMP_OUTFILE_H
#define SMBCMP_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
	const char *opt;   /* the option, for messages ("--html") */
	const char *path;
	FILE *f;
	char tmp[4096];    /* the temporary file, "" when none */
};

/* Opens path for writing (mode 0666 less the umask, as fopen would).
 * Returns the FILE, or NULL with one line on stderr ("smbcmp: --html
 * PATH: reason"). */
FILE *outfile_open(struct outfile *o, const char *opt, const char *path);
/*
 * Closes o: when keep, renames the temporary file into place, else
 * removes it. Returns 0, or -1 with one line on stderr when keep and the
 * file could not be written or renamed (it is removed then too). Does
 * nothing for an outfile never opened or for standard output.
 */
int outfile_close(struct outfile *o, bool keep);

#endif
