/*
 * inilib.h - libinih, loaded the first time a config file is read.
 *
 * Most runs have no config file, and loading libinih (a library to map and
 * relocate) cost them for nothing. So it is not linked: mask.c and ui/keys.c
 * include this header instead of <ini.h> and call ini_parse_file() as
 * usual; it is redirected to a pointer dlsym()ed on first use (as
 * dissect/nettlelib.h does for nettle).
 *
 * A libinih that cannot be loaded (a broken installation: the package
 * depends on it) ends the process with status 2 and the loader's reason
 * when a config file is first read.
 */
#ifndef SMBCMP_INILIB_H
#define SMBCMP_INILIB_H

#include <ini.h>

typedef __typeof__(ini_parse_file) ini_parse_file_fn;
/* ini_parse_file, loaded (on the first call; thread-safe). */
ini_parse_file_fn *inilib_parse_file(void);

#define ini_parse_file (inilib_parse_file())

#endif
