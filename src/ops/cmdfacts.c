/*
 * cmdfacts.c - the command facts table (cmdfacts.def) and its lookup.
 */
#include "cmdfacts.h"

#include <stddef.h>

#include "ops.h"

struct cmd_row {
	uint8_t proto;
	uint8_t cmd;
	uint32_t sub0, sub1;
	struct cmd_facts f;
};

static const struct cmd_row rows[] = {
#define CMD(proto, cmd, sub0, sub1, cls, facts, verb) \
	{ proto, cmd, sub0, sub1, { cls, facts, verb } },
#include "cmdfacts.def"
#undef CMD
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Rows are ordered by (SMB2 before SMB1, command): order key of a row. */
static unsigned row_key(uint8_t proto, unsigned cmd)
{
	return (proto == OP_SMB2 ? 0u : 0x100u) + cmd;
}

static bool sub_match(uint32_t want, const uint32_t *code, unsigned n, unsigned k)
{
	return want == SUB_ANY || (k < n && code[k] == want);
}

struct cmd_facts cmd_facts(uint8_t proto, uint16_t cmd, const uint32_t *code, unsigned n)
{
	struct cmd_facts none = { CLASS_OWN, 0, V_OTHER };
	if ((proto != OP_SMB1 && proto != OP_SMB2) || cmd > 0xff)
		return none;
	unsigned want = row_key(proto, cmd);
	size_t lo = 0, hi = NROWS; /* first row with key >= want */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (row_key(rows[mid].proto, rows[mid].cmd) < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo;
	for (; i < NROWS && rows[i].proto == proto && rows[i].cmd == cmd; i++)
		if (sub_match(rows[i].sub0, code, n, 0) && sub_match(rows[i].sub1, code, n, 1))
			return rows[i].f;
	return none;
}

const char *act_verb_name(unsigned verb)
{
	static const char *const names[V_COUNT] = {
		[V_NONE] = "none", [V_NEGOTIATE] = "negotiate", [V_AUTH] = "authenticate",
		[V_CONNECT] = "connect", [V_DISCONNECT] = "disconnect", [V_OPEN] = "open",
		[V_CLOSE] = "close", [V_READ] = "read", [V_WRITE] = "write",
		[V_FLUSH] = "flush", [V_LOCK] = "lock", [V_IOCTL] = "ioctl",
		[V_CANCEL] = "cancel", [V_ECHO] = "echo", [V_LIST] = "list",
		[V_NOTIFY] = "notify", [V_QUERY_INFO] = "query info",
		[V_SET_INFO] = "set info", [V_DELETE] = "delete", [V_RENAME] = "rename",
		[V_HARDLINK] = "hard link", [V_MKDIR] = "mkdir", [V_LOGOFF] = "logoff",
		[V_BREAK] = "oplock break", [V_OTHER] = "other",
	};
	return verb < V_COUNT ? names[verb] : "other";
}
