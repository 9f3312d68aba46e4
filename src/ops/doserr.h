/*
 * doserr.h - SMB1 DOS errors (error class, error code) as NT statuses, so
 * that an operation's outcome reads the same whatever the dialect (a
 * LANMAN server's ERRDOS/ERRnoaccess is an NT1 server's
 * STATUS_ACCESS_DENIED). The table is MS-CIFS 2.2.2.4's, one row per
 * mapping, as Wireshark's and Samba's (libcli/util/errormap.c) map them.
 */
#ifndef SMBCMP_DOSERR_H
#define SMBCMP_DOSERR_H

#include <stdint.h>

/*
 * The NT status of DOS error class cls (1 ERRDOS, 2 ERRSRV, 3 ERRHRD,
 * 0xFF ERRCMD) and code; 0 for class 0 (success). An error the table does
 * not map is STATUS_UNSUCCESSFUL: a failure still, never a success.
 */
uint32_t dos_nt_status(uint8_t cls, uint16_t code);

#endif
