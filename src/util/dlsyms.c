/* dlsyms.c - libraries loaded on first use; see dlsyms.h. */
#include "dlsyms.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dl_name(const char *var, const char *soname)
{
	const char *env = getenv(var);

	return env && *env ? env : soname;
}

int dl_syms(void *h, const char *soname, const struct dl_sym *syms, size_t n,
	    char *why, size_t why_size)
{
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			snprintf(why, why_size, "%s lacks %s", soname, syms[i].name);
			dlclose(h);
			return -1;
		}
		memcpy(syms[i].slot, &f, syms[i].size); /* object to function pointer */
	}
	return 0;
}

void *dl_load(const char *soname, const struct dl_sym *syms, size_t n,
	      char *why, size_t why_size)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		snprintf(why, why_size, "%s", e ? e : soname);
		return NULL;
	}
	return dl_syms(h, soname, syms, n, why, why_size) ? NULL : h;
}
