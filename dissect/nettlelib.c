/* nettlelib.c - nettle loaded on first use; see nettlelib.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlsyms.h"

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
	const struct dl_sym syms[] = {
#define NETTLE_SYM(f) DL_SYM("nettle_" #f, lib.p_##f),
		NETTLE_FUNCS(NETTLE_SYM)
#undef NETTLE_SYM
	};
	char why[128];
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		fprintf(stderr, "smbcmp: nettle, needed here, could not be loaded: %s\n", e ? e : name);
		exit(2);
	}
	if (dl_syms(h, name, syms, sizeof(syms) / sizeof(syms[0]), why, sizeof(why))) {
		fprintf(stderr, "smbcmp: %s\n", why);
		exit(2);
	}
}

const struct nettlelib *nettlelib(void)
{
	pthread_once(&lib_once, lib_load);
	return &lib;
}
