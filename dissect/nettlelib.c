/* nettlelib.c - nettle loaded on first use; see nettlelib.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The real declarations, before nettlelib.h redirects the names. */
#include "nettlelib.h"

/* The one process-wide state here: a loaded library is process-wide too;
 * set once under pthread_once, read-only afterwards. */
static struct nettlelib lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_load(void)
{
	/* The soname of the nettle we were built against (NETTLE_VERSION_MAJOR
	 * is 3 for libnettle.so.8: nettle's soname numbering differs). */
	const char *name = "libnettle.so.8";
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		fprintf(stderr, "smbcmp: nettle, needed here, could not be loaded: %s\n", e ? e : name);
		exit(2);
	}
	struct { const char *name; void *slot; size_t size; } syms[] = {
#define NETTLE_SYM(f) { "nettle_" #f, &lib.p_##f, sizeof(lib.p_##f) },
		NETTLE_FUNCS(NETTLE_SYM)
#undef NETTLE_SYM
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			fprintf(stderr, "smbcmp: %s lacks %s\n", name, syms[i].name);
			exit(2);
		}
		memcpy(syms[i].slot, &f, syms[i].size); /* object to function pointer */
	}
}

const struct nettlelib *nettlelib(void)
{
	pthread_once(&lib_once, lib_load);
	return &lib;
}
