/* inilib.c - libinih loaded on first use; see inilib.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlsyms.h"
#include "inilib.h"

/* Set once under pthread_once, read-only afterwards. */
static ini_parse_file_fn *parse_file;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	const struct dl_sym syms[] = { DL_SYM("ini_parse_file", parse_file) };
	char why[256];

	/* SMBCMP_LIBINIH names another file (tests: a missing library) */
	if (!dl_load(dl_name("SMBCMP_LIBINIH", "libinih.so.1"), syms, 1, why, sizeof(why))) {
		fprintf(stderr, "smbcmp: libinih, needed to read the config file, could not be loaded: %s\n",
			why);
		exit(2);
	}
}

ini_parse_file_fn *inilib_parse_file(void)
{
	pthread_once(&once, load);
	return parse_file;
}
