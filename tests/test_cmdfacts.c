/*
 * test_cmdfacts.c - the command facts table (src/ops/cmdfacts.def): rows
 * in the order the lookup's binary search needs, the facts the stages
 * rely on, sub-code rows before their command's catch-all row.
 */
#include <stdio.h>
#include <string.h>

#include "cmdfacts.h"
#include "ops.h"

static int fails;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); fails++; } } while (0)

struct row { unsigned proto, cmd, sub0, sub1; };
static const struct row rows[] = {
#define CMD(proto, cmd, sub0, sub1, cls, facts, verb) { proto, cmd, sub0, sub1 },
#include "cmdfacts.def"
#undef CMD
};

static unsigned verb(uint8_t proto, uint16_t cmd, uint32_t s0, uint32_t s1, unsigned n)
{
	uint32_t code[2] = { s0, s1 };
	return cmd_facts(proto, cmd, code, n).verb;
}

int main(void)
{
	size_t n = sizeof(rows) / sizeof(rows[0]);
	for (size_t i = 1; i < n; i++) {
		unsigned ka = (rows[i - 1].proto == OP_SMB2 ? 0 : 0x100) + rows[i - 1].cmd;
		unsigned kb = (rows[i].proto == OP_SMB2 ? 0 : 0x100) + rows[i].cmd;
		CHECK(ka <= kb); /* SMB2 first, then SMB1, by command */
		/* a catch-all row ends its command's rows */
		if (ka == kb)
			CHECK(rows[i - 1].sub0 != SUB_ANY || rows[i - 1].sub1 != SUB_ANY);
	}
	uint32_t none[2] = { 0, 0 };
	/* opens, closes, trees (the four lists the table replaced) */
	const uint8_t opens1[] = { 0x02, 0x03, 0x0e, 0x0f, 0x2d, 0xa2 };
	for (size_t i = 0; i < sizeof(opens1); i++)
		CHECK(cmd_facts(OP_SMB1, opens1[i], none, 0).facts & CF_OPENS);
	CHECK(cmd_facts(OP_SMB2, 5, none, 0).facts & CF_OPENS);
	CHECK(cmd_facts(OP_SMB2, 6, none, 0).facts & CF_CLOSES);
	CHECK(cmd_facts(OP_SMB1, 0x04, none, 0).facts & CF_CLOSES);
	CHECK(cmd_facts(OP_SMB1, 0x70, none, 0).facts & CF_TREE);
	CHECK(cmd_facts(OP_SMB1, 0x75, none, 0).facts & CF_TREE);
	CHECK(cmd_facts(OP_SMB2, 3, none, 0).facts & CF_TREE);
	/* classes: SMB1 commands in the class of the SMB2 command doing the job */
	CHECK(cmd_facts(OP_SMB1, 0x2f, none, 0).cls == 9);
	CHECK(cmd_facts(OP_SMB1, 0x32, (uint32_t[]){ 5, 0x101 }, 2).cls == 0x10);
	CHECK(cmd_facts(OP_SMB1, 0xa0, (uint32_t[]){ 4 }, 1).cls == 0x0f);
	/* verbs, sub-codes included */
	CHECK(verb(OP_SMB1, 0x32, 0x01, 0x104, 2) == V_LIST);
	CHECK(verb(OP_SMB1, 0x32, 0x05, 0x101, 2) == V_QUERY_INFO);
	CHECK(verb(OP_SMB1, 0x32, 0x08, 0x3f2, 2) == V_RENAME);
	CHECK(verb(OP_SMB1, 0x32, 0x06, 0x102, 2) == V_DELETE);
	CHECK(verb(OP_SMB1, 0x32, 0x10, 0, 1) == V_IOCTL);
	CHECK(verb(OP_SMB1, 0x32, 0, 0, 0) == V_OTHER); /* no subcommand seen */
	CHECK(verb(OP_SMB1, 0x06, 0, 0, 0) == V_DELETE);
	CHECK(verb(OP_SMB1, 0xa5, 0x103, 0, 1) == V_HARDLINK);
	CHECK(verb(OP_SMB1, 0xa5, 0x104, 0, 1) == V_RENAME);
	CHECK(verb(OP_SMB2, 0x11, 1, 0x0d, 2) == V_DELETE);
	CHECK(verb(OP_SMB2, 0x11, 1, 0x0a, 2) == V_RENAME);
	CHECK(verb(OP_SMB2, 0x11, 1, 0x04, 2) == V_SET_INFO);
	CHECK(verb(OP_SMB2, 0x11, 2, 0x0d, 2) == V_SET_INFO); /* fs class 13: no delete */
	CHECK(verb(OP_SMB2, 0x0e, 0x25, 0, 1) == V_LIST);
	/* unknown commands and protocols */
	CHECK(cmd_facts(OP_SMB1, 0xfe, none, 0).verb == V_OTHER);
	CHECK(cmd_facts(OP_SMB2, 0x13, none, 0).cls == CLASS_OWN);
	CHECK(cmd_facts(OP_RPC, 5, none, 0).facts == 0);
	CHECK(!strcmp(act_verb_name(V_QUERY_INFO), "query info"));
	CHECK(!strcmp(act_verb_name(999), "other"));
	if (!fails)
		printf("test_cmdfacts: %zu rows ok\n", n);
	return fails != 0;
}
