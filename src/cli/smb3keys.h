/*
 * smb3keys.h - the SMB3 key options: -k, --keys-from, --password, --password-file.
 *
 * They fill a keyring (struct smb_keyring, dissect/dissect.h) handed to
 * trace_open(). Error messages name the option, file and line, never the
 * secret itself.
 */
#ifndef SMBCMP_SMB3KEYS_H
#define SMBCMP_SMB3KEYS_H

#include <stddef.h>

#include "dissect.h"

struct keyopts {
	struct smb_key *keys;
	size_t nkeys, capkeys;
	struct smb_password *pws;
	size_t npws, cappws;
	char **strs;               /* owned copies of user names and passwords */
	size_t nstrs, capstrs;
	struct smb_keyring ring;
};

void keys_init(struct keyopts *k);
void keys_free(struct keyopts *k);

/* -k SESSIONID:SESSIONKEY[:S2C:C2S], hex; SESSIONID is the 8 SessionId
 * bytes in wire order (16 hex digits), as Wireshark's smb2_seskey_list.
 * Returns 0, or -1 with a one-line reason in err. */
int keys_add_arg(struct keyopts *k, const char *arg, char *err, size_t errlen);

/*
 * --keys-from FILE, format detected from the content:
 *  - logs: Samba's `debug encryption = yes` dump ("Session Id    [0000] 1E
 *    BF ..."), Linux cifs.ko CONFIG_CIFS_DEBUG_DUMP_KEYS lines ("CIFS: VFS:
 *    Session Id    1e bf ..."), smbinfo-like "Session Id: 0x..." blocks —
 *    any file with "Session Id" and a key label; other lines are ignored;
 *  - Wireshark's "Secret session keys" UAT file (smb2_seskey_list):
 *    "SESSIONID","SESSIONKEY","S2C","C2S" per line;
 *  - key lines: SESSIONID:SESSIONKEY[:S2C:C2S] or whitespace-separated
 *    [FILE] SESSIONID SESSIONKEY [S2C C2S] (captures/keys.txt); '#' starts
 *    a comment.
 */
int keys_add_file(struct keyopts *k, const char *path, char *err, size_t errlen);

/* --password USER:PASSWORD (USER may be DOMAIN\user or empty for any). */
int keys_add_password(struct keyopts *k, const char *arg, char *err, size_t errlen);
/* --password-file FILE: one USER:PASSWORD per line (a line without ':' is
 * a password for any user). */
int keys_add_password_file(struct keyopts *k, const char *path, char *err,
			   size_t errlen);

/* The keyring to pass in trace_opts, or NULL when no key option was given. */
const struct smb_keyring *keys_ring(struct keyopts *k);

#endif
