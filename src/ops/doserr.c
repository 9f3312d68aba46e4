/*
 * doserr.c - SMB1 DOS errors as NT statuses; see doserr.h.
 */
#include "doserr.h"

#include <stddef.h>

#define STATUS_UNSUCCESSFUL 0xc0000001u

static const struct doserr {
	uint8_t cls;
	uint16_t code;
	uint32_t status;
} doserrs[] = {
	/* ERRDOS */
	{ 1, 0x0001, 0xc0000002 }, /* ERRbadfunc: STATUS_NOT_IMPLEMENTED */
	{ 1, 0x0002, 0xc0000034 }, /* ERRbadfile: STATUS_OBJECT_NAME_NOT_FOUND */
	{ 1, 0x0003, 0xc000003a }, /* ERRbadpath: STATUS_OBJECT_PATH_NOT_FOUND */
	{ 1, 0x0004, 0xc000011f }, /* ERRnofids: STATUS_TOO_MANY_OPENED_FILES */
	{ 1, 0x0005, 0xc0000022 }, /* ERRnoaccess: STATUS_ACCESS_DENIED */
	{ 1, 0x0006, 0xc0000008 }, /* ERRbadfid: STATUS_INVALID_HANDLE */
	{ 1, 0x0008, 0xc0000017 }, /* ERRnomem: STATUS_NO_MEMORY */
	{ 1, 0x0010, 0xc0000101 }, /* ERRremcd: STATUS_DIRECTORY_NOT_EMPTY */
	{ 1, 0x0011, 0xc00000d4 }, /* ERRdiffdevice: STATUS_NOT_SAME_DEVICE */
	{ 1, 0x0012, 0x80000006 }, /* ERRnofiles: STATUS_NO_MORE_FILES */
	{ 1, 0x001f, 0xc0000001 }, /* ERRgeneral: STATUS_UNSUCCESSFUL */
	{ 1, 0x0020, 0xc0000043 }, /* ERRbadshare: STATUS_SHARING_VIOLATION */
	{ 1, 0x0021, 0xc0000054 }, /* ERRlock: STATUS_FILE_LOCK_CONFLICT */
	{ 1, 0x0026, 0xc0000011 }, /* ERReof: STATUS_END_OF_FILE */
	{ 1, 0x0032, 0xc00000bb }, /* ERRunsup: STATUS_NOT_SUPPORTED */
	{ 1, 0x0050, 0xc0000035 }, /* ERRfilexists: STATUS_OBJECT_NAME_COLLISION */
	{ 1, 0x0057, 0xc000000d }, /* ERRinvalidparam: STATUS_INVALID_PARAMETER */
	{ 1, 0x007b, 0xc0000033 }, /* ERRinvalidname: STATUS_OBJECT_NAME_INVALID */
	{ 1, 0x007c, 0xc0000148 }, /* ERRunknownlevel: STATUS_INVALID_LEVEL */
	{ 1, 0x0091, 0xc0000101 }, /* ERRdirnotempty: STATUS_DIRECTORY_NOT_EMPTY */
	{ 1, 0x009e, 0xc000007e }, /* ERRnotlocked: STATUS_RANGE_NOT_LOCKED */
	{ 1, 0x00b7, 0xc0000035 }, /* ERRalreadyexists: STATUS_OBJECT_NAME_COLLISION */
	{ 1, 0x00e6, 0xc00000b5 }, /* ERRbadpipe: STATUS_INVALID_PIPE_STATE */
	{ 1, 0x00e7, 0xc00000ae }, /* ERRpipebusy: STATUS_PIPE_BUSY */
	{ 1, 0x00e8, 0xc00000b1 }, /* ERRpipeclosing: STATUS_PIPE_CLOSING */
	{ 1, 0x00e9, 0xc00000b0 }, /* ERRnotconnected: STATUS_PIPE_DISCONNECTED */
	{ 1, 0x00ea, 0x80000005 }, /* ERRmoredata: STATUS_BUFFER_OVERFLOW */
	{ 1, 0x011a, 0xc000004f }, /* ERReasnotsupported: STATUS_EAS_NOT_SUPPORTED */
	/* ERRSRV */
	{ 2, 0x0001, 0xc0000001 }, /* ERRerror: STATUS_UNSUCCESSFUL */
	{ 2, 0x0002, 0xc000006d }, /* ERRbadpw: STATUS_LOGON_FAILURE */
	{ 2, 0x0004, 0xc00000ca }, /* ERRaccess: STATUS_NETWORK_ACCESS_DENIED */
	{ 2, 0x0005, 0xc00000c9 }, /* ERRinvtid: STATUS_NETWORK_NAME_DELETED */
	{ 2, 0x0006, 0xc00000cc }, /* ERRinvnetname: STATUS_BAD_NETWORK_NAME */
	{ 2, 0x0007, 0xc00000cb }, /* ERRinvdevice: STATUS_BAD_DEVICE_TYPE */
	/* ERRHRD */
	{ 3, 0x0013, 0xc00000a2 }, /* ERRnowrite: STATUS_MEDIA_WRITE_PROTECTED */
	{ 3, 0x0016, 0xc0000010 }, /* ERRbadcmd: STATUS_INVALID_DEVICE_REQUEST */
	{ 3, 0x001f, 0xc0000001 }, /* ERRgeneral: STATUS_UNSUCCESSFUL */
	{ 3, 0x0020, 0xc0000043 }, /* ERRbadshare: STATUS_SHARING_VIOLATION */
	{ 3, 0x0021, 0xc0000054 }, /* ERRlock: STATUS_FILE_LOCK_CONFLICT */
	{ 3, 0x0027, 0xc000007f }, /* ERRdiskfull: STATUS_DISK_FULL */
};

uint32_t dos_nt_status(uint8_t cls, uint16_t code)
{
	if (!cls)
		return 0;
	for (size_t i = 0; i < sizeof(doserrs) / sizeof(doserrs[0]); i++)
		if (doserrs[i].cls == cls && doserrs[i].code == code)
			return doserrs[i].status;
	return STATUS_UNSUCCESSFUL;
}
