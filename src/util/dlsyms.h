/*
 * dlsyms.h - a library opened with dlopen() and its symbols copied into a
 * table of function pointers, for the libraries smbcmp loads on first use
 * (libpcap, nettle, ncursesw, libinih: most runs need only some of them).
 *
 * The caller owns the slots and says what a failure means (exit, or a
 * message kept for later); these functions only fill `why`.
 */
#ifndef SMBCMP_DLSYMS_H
#define SMBCMP_DLSYMS_H

#include <stddef.h>

/* The file to load for the library soname: the value of the environment
 * variable var when it is set and not empty (tests: SMBCMP_LIBNETTLE=
 * /nonexistent makes a missing library), else soname. */
const char *dl_name(const char *var, const char *soname);

/* One symbol to look up: its name, and the pointer it is copied into. */
struct dl_sym {
	const char *name;
	void *slot;  /* a function (or object) pointer variable */
	size_t size; /* sizeof that variable */
};
#define DL_SYM(name, var) { (name), &(var), sizeof(var) }

/* Copies each of syms[0..n) from the handle h into its slot. 0 when all
 * are found; else -1 with "SONAME lacks NAME" in why (why_size bytes), h
 * closed, and the slots filled so far left as they are. */
int dl_syms(void *h, const char *soname, const struct dl_sym *syms, size_t n,
	    char *why, size_t why_size);

/* dlopen(soname) then dl_syms(): the handle, or NULL with the reason in
 * why (dlerror()'s text, or dl_syms()'s). */
void *dl_load(const char *soname, const struct dl_sym *syms, size_t n,
	      char *why, size_t why_size);

#endif
