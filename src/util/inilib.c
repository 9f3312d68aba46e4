/* inilib.c - libinih loaded on first use; see inilib.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inilib.h"

/* Set once under pthread_once, read-only afterwards. */
static ini_parse_file_fn *parse_file;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	const char *name = "libinih.so.1";
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	void *f = h ? dlsym(h, "ini_parse_file") : NULL;

	if (!f) {
		const char *e = dlerror();
		fprintf(stderr, "smbcmp: libinih, needed to read the config file, could not be loaded: %s\n",
			e ? e : name);
		exit(2);
	}
	memcpy(&parse_file, &f, sizeof(parse_file)); /* object to function pointer */
}

ini_parse_file_fn *inilib_parse_file(void)
{
	pthread_once(&once, load);
	return parse_file;
}
