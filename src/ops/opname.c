/*
 * opname.c - operations by name for people: the subcommand's value name
 * (an IOCTL's function, a QUERY_DIRECTORY's information class, a
 * GET/SET_INFO's class in its info type, a TRANS2 subcommand) from the
 * numbers the alignment key keeps in op->sub ("0x01/0x0d"; a class and
 * a pattern for QUERY_DIRECTORY), through the field registry's value
 * tables.
 */
#include <stdlib.h>

#include "ops.h"

/* Value name of field fid for the number at *p ("0x01", "37"); advances
 * *p past it and a '/'. NULL when none. */
static const char *sub_name(const char **p, int fid)
{
	char *end;
	unsigned long v = strtoul(*p, &end, 0);
	if (end == *p)
		return NULL;
	*p = *end == '/' ? end + 1 : end;
	return val_lookup(field_get(fid)->vals, v);
}

const char *op_sub_name(struct arena *a, const struct op *o)
{
	const char *p = o->sub, *n = NULL;
	if (!p)
		return NULL;
	if (o->proto == OP_SMB2) {
		switch (o->cmd) {
		case 11: /* IOCTL */
			return sub_name(&p, F_SMB2_IOCTL_FUNCTION);
		case 14: /* QUERY_DIRECTORY: level/pattern */
			n = sub_name(&p, F_SMB2_FIND_INFOLEVEL);
			return n ? arena_printf(a, "%s %s", n, p) : NULL;
		case 16: case 17: { /* GET/SET_INFO: type/class */
			const char *q = p;
			char *end;
			unsigned long type = strtoul(q, &end, 0);
			if (end == q || *end != '/')
				return NULL;
			q = end + 1;
			int fid = type == 1 ? F_SMB2_FILE_INFO_INFOLEVEL :
				  type == 2 ? F_SMB2_FS_INFO_INFOLEVEL :
				  type == 3 ? F_SMB2_SEC_INFO_INFOLEVEL : 0;
			return fid ? sub_name(&q, fid) : NULL;
		}
		default:
			return NULL;
		}
	}
	if (o->proto == OP_SMB1 && (o->cmd == 0x32 || o->cmd == 0x33))
		return sub_name(&p, F_SMB_TRANS2_CMD);
	if (o->proto == OP_SMB1 && (o->cmd == 0xa0 || o->cmd == 0xa1))
		return sub_name(&p, F_SMB_NT_FUNCTION);
	return NULL;
}

const char *op_title(struct arena *a, const struct op *o)
{
	const char *sub = o->proto == OP_RPC ? NULL : op_sub_name(a, o);
	if (!sub)
		return op_key_text(a, o);
	return arena_printf(a, "%s %s%s%s", op_cmd_name(o), sub, o->path ? " " : "",
			    o->path ? o->path : "");
}
