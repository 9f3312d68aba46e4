/* nettlelib.c - nettle loaded on first use; see nettlelib.h. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlsyms.h"

/* The real declarations, before nettlelib.h redirects the names. */
#include "nettlelib.h"

/* The one process-wide state here: a loaded library is process-wide too;
 * set once under pthread_once, read-only afterwards. */
static struct nettlelib lib;
static bool lib_ok;
static char lib_why[256]; /* why it could not be loaded */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_load(void)
{
	/* The soname of the nettle we were built against (NETTLE_VERSION_MAJOR
	 * is 3 for libnettle.so.8: nettle's soname numbering differs);
	 * SMBCMP_LIBNETTLE names another file (tests: a missing library). */
	const struct dl_sym syms[] = {
#define NETTLE_SYM(f) DL_SYM("nettle_" #f, lib.p_##f),
		NETTLE_FUNCS(NETTLE_SYM)
#undef NETTLE_SYM
	};
	lib_ok = dl_load(dl_name("SMBCMP_LIBNETTLE", "libnettle.so.8"), syms,
			 sizeof(syms) / sizeof(syms[0]), lib_why, sizeof(lib_why)) != NULL;
}

const struct nettlelib *nettlelib(void)
{
	pthread_once(&lib_once, lib_load);
	if (!lib_ok) {
		/* one message, though both traces' threads may get here: the
		 * second waits here for the first's exit() */
		static pthread_mutex_t once_only = PTHREAD_MUTEX_INITIALIZER;
		pthread_mutex_lock(&once_only);
		fprintf(stderr, "smbcmp: nettle, needed for keys and passwords (decryption, "
				"signatures), could not be loaded: %s\n", lib_why);
		exit(2);
	}
	return &lib;
}

bool nettlelib_loaded(void)
{
	pthread_once(&lib_once, lib_load);
	return lib_ok;
}

const char *nettlelib_version(void)
{
	static char line[sizeof(lib_why) + 32];

	pthread_once(&lib_once, lib_load);
	if (lib_ok)
		snprintf(line, sizeof(line), "nettle %d.%d", lib.p_version_major(),
			 lib.p_version_minor());
	else
		snprintf(line, sizeof(line), "nettle: not loaded (%s)", lib_why);
	return line;
}
