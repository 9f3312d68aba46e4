/*
 * wirestr.h - string readers shared by SMB1, SMB2 and NTLMSSP.
 *
 * UTF-16LE is converted to UTF-8 (unpaired surrogates become U+FFFD); the
 * result stops at the first NUL, as Wireshark shows it. OEM/ASCII strings
 * are copied with bytes >= 0x80 mapped from Latin-1, so output is always
 * valid UTF-8. All results live in the given arena.
 */
#ifndef SMBCMP_WIRESTR_H
#define SMBCMP_WIRESTR_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cursor.h"
#include "tree.h"

char *str_utf16le(struct arena *a, const uint8_t *p, size_t nbytes);
char *str_ascii(struct arena *a, const uint8_t *p, size_t n);

/* Reads nbytes of UTF-16LE and adds field fid; returns the string ("" on
 * a short read). */
const char *r_utf16(struct tctx *t, struct node *parent, int fid,
		    struct cur *c, size_t nbytes);
/* Reads a NUL-terminated string (UTF-16LE when unicode, else 8-bit),
 * including its terminator, bounded by the cursor window; adds fid. */
const char *r_stringz(struct tctx *t, struct node *parent, int fid,
		      struct cur *c, int unicode);
/* Reads n bytes of 8-bit string and adds fid. */
const char *r_ascii(struct tctx *t, struct node *parent, int fid,
		    struct cur *c, size_t n);

#endif
