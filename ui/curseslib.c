/* curseslib.c - ncursesw loaded when the UI starts; see curseslib.h. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "dlsyms.h"

/* The real declarations, before curseslib.h redirects the names. */
#include "curseslib.h"

/* The one process-wide state here: a loaded library is process-wide too;
 * set once under pthread_once, read-only afterwards. */
static struct curseslib lib;
static bool lib_ok;
static char lib_why[256]; /* why it could not be loaded */
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_load(void)
{
	const struct dl_sym syms[] = {
#define CURSES_SYM(f) DL_SYM(#f, lib.p_##f),
		CURSES_FUNCS(CURSES_SYM)
		CURSES_VARS(CURSES_SYM)
#undef CURSES_SYM
	};
	/* libncursesw.so.6 with libtinfo, its dependency; SMBCMP_LIBNCURSESW
	 * names another file (tests: a missing library) */
	lib_ok = dl_load(dl_name("SMBCMP_LIBNCURSESW", "libncursesw.so.6"), syms, sizeof(syms) / sizeof(syms[0]),
			 lib_why, sizeof(lib_why)) != NULL;
}

const struct curseslib *curseslib(void)
{
	pthread_once(&lib_once, lib_load);
	if (!lib_ok) {
		fprintf(stderr, "smbcmp: ncursesw, needed by the UI, could not be loaded: %s\n",
			lib_why);
		exit(2);
	}
	return &lib;
}

const char *curseslib_version(void)
{
	static char line[sizeof(lib_why) + 32];

	pthread_once(&lib_once, lib_load);
	if (lib_ok)
		return lib.p_curses_version();
	snprintf(line, sizeof(line), "ncurses: not loaded (%s)", lib_why);
	return line;
}
