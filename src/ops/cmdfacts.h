/*
 * cmdfacts.h - what each SMB command does (cmdfacts.def): its alignment
 * class, whether it opens or closes a handle or a tree, and its
 * dialect-independent verb. The one place the stages ask.
 */
#ifndef SMBCMP_CMDFACTS_H
#define SMBCMP_CMDFACTS_H

#include <stdbool.h>
#include <stdint.h>

#define SUB_ANY 0xffffffffu
#define CLASS_OWN 0xffffu /* a class of the command's own */

enum cmd_fact {
	CF_OPENS = 1 << 0,     /* request opens a file: its response returns a handle */
	CF_OPENS_SUB = 1 << 1, /* opens when the request names no handle (TRANS2 OPEN2...) */
	CF_CLOSES = 1 << 2,    /* ends the handle it names */
	CF_TREE = 1 << 3,      /* connects a tree */
	CF_UNTREE = 1 << 4,    /* disconnects one */
	CF_NEGOTIATE = 1 << 5,
	CF_SESSION = 1 << 6,   /* session setup */
	CF_LOGOFF = 1 << 7,
};

/* Dialect-independent verbs (issue: "negotiate, authenticate, connect
 * share, ..."); names in act_verb_name(). */
enum act_verb {
	V_NONE, V_NEGOTIATE, V_AUTH, V_CONNECT, V_DISCONNECT, V_OPEN, V_CLOSE,
	V_READ, V_WRITE, V_FLUSH, V_LOCK, V_IOCTL, V_CANCEL, V_ECHO, V_LIST,
	V_NOTIFY, V_QUERY_INFO, V_SET_INFO, V_DELETE, V_RENAME, V_HARDLINK,
	V_MKDIR, V_LOGOFF, V_BREAK, V_OTHER, V_COUNT
};

struct cmd_facts {
	uint16_t cls;   /* alignment class (SMB2 command number or own) */
	uint8_t facts;  /* enum cmd_fact */
	uint8_t verb;   /* enum act_verb */
};

/*
 * The facts of (proto, cmd) with the request's numeric sub-codes code[0..n)
 * (n <= 2; see struct op). Unknown commands: class own, no facts, V_OTHER.
 * proto is enum op_proto (OP_SMB1 / OP_SMB2); others get the unknown row.
 */
struct cmd_facts cmd_facts(uint8_t proto, uint16_t cmd, const uint32_t *code, unsigned n);

/* "open", "query info", ... */
const char *act_verb_name(unsigned verb);

#endif
