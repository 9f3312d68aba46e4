/*
 * version.h - the text of `smbcmp --version`.
 */
#ifndef SMBCMP_VERSION_H
#define SMBCMP_VERSION_H

#include <stdio.h>

/* Prints version, libpcap/ncurses/nettle versions and where tshark is. */
void version_print(FILE *f);

#endif
