/*
 * actions.h - what a client does, in terms that do not depend on the
 * dialect: the actions of a trace.
 *
 * An action is one thing the client asks of the server (open a file, read
 * it, query its basic information, list a directory, delete a file...),
 * made of one or several operations: SMB1 often does in one command what
 * SMB2 does in three (TRANS2 QUERY_PATH_INFORMATION vs CREATE + QUERY_INFO
 * + CLOSE), so the idioms are folded:
 *
 *  - an open whose handle serves only queries, sets, listings, ioctls or a
 *    delete/rename (no read, write, lock or notify) is not an action of its
 *    own: its open and close join the actions done through it, which then
 *    name the path (CREATE + QUERY_INFO + CLOSE = query info of the path);
 *    one that serves nothing is a mkdir (directory, FILE_CREATE), a delete
 *    (DELETE_ON_CLOSE) or an open;
 *  - the reads of one handle are one read action, the writes one write
 *    action: the extent, the bytes (a digest that does not depend on how
 *    they were chunked) and the chunking;
 *  - the QUERY_DIRECTORY requests of one handle, FIND_FIRST2 with its
 *    FIND_NEXT2 and FIND_CLOSE2, are one list action;
 *  - consecutive SESSION_SETUP rounds are one authenticate action, and
 *    consecutive NEGOTIATEs (SMB1 multi-protocol answered by SMB2) one
 *    negotiate action.
 *
 * Arguments are normalised to NT terms: access masks (SMB1 open modes
 * mapped), create dispositions (SMB1 open functions mapped), information
 * classes under their MS-FSCC numbers (TRANS2 levels and pass-through
 * levels mapped), FSCTL codes (TRANS2 GET_DFS_REFERRAL is
 * FSCTL_DFS_GET_REFERRALS), results as NT statuses (ops.c maps DOS errors).
 */
#ifndef SMBCMP_ACTIONS_H
#define SMBCMP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cmdfacts.h"
#include "ops.h"

/* Which arguments of an action are known. */
enum act_known {
	AK_ACCESS = 1 << 0, AK_SHARE = 1 << 1, AK_DISP = 1 << 2, AK_OPTIONS = 1 << 3,
	AK_INFO = 1 << 4, AK_FSCTL = 1 << 5, AK_EXTENT = 1 << 6, AK_DIGEST = 1 << 7,
	AK_PATTERN = 1 << 8, AK_DIALECT = 1 << 9,
};

enum act_flags {
	AF_IDIOM = 1 << 0,   /* an open and close were folded into it */
	AF_NO_RESULT = 1 << 1, /* no response seen */
	AF_DELETED = 1 << 2, /* merged into another (internal) */
};

/* Information classes: (type << 16) | class. Types 1-4 are SMB2's
 * InfoType (file, file system, security, quota); an SMB1 level with no
 * MS-FSCC class keeps its own number under type INFO_SMB1 + type. */
#define INFO_FILE 1u
#define INFO_FS 2u
#define INFO_SEC 3u
#define INFO_QUOTA 4u
#define INFO_SMB1 0x10u
#define INFO(type, cls) ((uint32_t)(type) << 16 | (uint32_t)(cls))
#define FSCTL_DFS_GET_REFERRALS 0x00060194u

struct action {
	uint8_t verb;          /* enum act_verb */
	uint8_t flags;         /* enum act_flags */
	uint16_t known;        /* enum act_known */
	uint8_t proto;         /* OP_SMB1 / OP_SMB2 of its first operation */
	uint32_t conn;         /* connection (opset.conns index) */
	uint32_t first_op;     /* its first operation (opset.ops index) */
	uint32_t ops, nops;    /* its operations: actset.opidx[ops .. ops+nops) */
	uint32_t status;       /* result: the first failure, else 0 */
	const char *path;      /* object, normalised (ops.h), or NULL */
	const char *name;      /* the object as the client wrote it, or NULL */
	const char *pattern;   /* list: search pattern; negotiate: dialect */
	uint32_t access, share, disp, options; /* open (NT values) */
	uint32_t info;         /* query/set info, list: INFO(type, class) */
	uint32_t fsctl;        /* ioctl */
	uint64_t offset, length; /* read/write: first offset, bytes moved */
	uint64_t end;          /* read/write: highest offset + length */
	uint32_t nchunks, max_chunk; /* read/write requests, largest one */
	uint64_t digest;       /* read/write: the bytes, by position */
};

struct actset {
	struct action *a;
	size_t n, cap;
	uint32_t *opidx;       /* operations of the actions, in order */
	size_t nidx;
	struct arena ar;       /* strings */
};

/* Builds the actions of s, in trace order (dissects the requests and
 * responses it needs once more). */
void actions_build(struct actset *as, const struct opset *s);
void actions_free(struct actset *as);

/* "FileBasicInformation", "FileFsSizeInformation", "SMB_INFO_STANDARD";
 * into buf. */
const char *act_info_name(uint32_t info, char *buf, size_t n);
/* "FSCTL_DFS_GET_REFERRALS" or "0x00060194", into buf. */
const char *act_fsctl_name(uint32_t code, char *buf, size_t n);
/* "Open If", "Overwrite If"... (MS-SMB2 CreateDisposition), into buf. */
const char *act_disp_name(uint32_t disp, char *buf, size_t n);
/* An access mask in words: "Read+Write+Delete", the coarse rights. */
const char *act_access_words(uint32_t mask, char *buf, size_t n);
/* The coarse rights of an access mask: bit 0 read, 1 write, 2 delete. */
unsigned act_access_class(uint32_t mask);
/* Maps an SMB1 information level of TRANS2 subcommand sub to INFO(). */
uint32_t act_smb1_level(uint32_t sub, uint32_t level);
/* An NT status in words ("STATUS_ACCESS_DENIED", "0xc0001234"), into buf. */
const char *act_status_name(uint32_t status, char *buf, size_t n);
/* Whether status is a success, warning or informational code. */
bool act_ok(uint32_t status);

#endif
