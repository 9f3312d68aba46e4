/*
 * opname.c - operations by name for people: the subcommand's value name
 * (an IOCTL's function, a QUERY_DIRECTORY's information class, a
 * GET/SET_INFO's class in its info type, a TRANS2 subcommand) from the
 * request's numeric sub-codes (op->key->code; the search pattern from ->sub),
 * through the field registry's value tables.
 */
#include <string.h>

#include "ops.h"

/* The name of sub-code k of o in field fid's value table, or NULL. */
static const char *code_name(const struct op *o, unsigned k, int fid)
{
	return k < o->key->ncode ? val_lookup(field_vals(field_get(fid)), o->key->code[k]) : NULL;
}

const char *op_sub_name(struct arena *a, const struct op *o)
{
	if (!o->key->sub)
		return NULL;
	if (o->proto == OP_SMB2) {
		switch (o->cmd) {
		case 11: /* IOCTL */
			return code_name(o, 0, F_SMB2_IOCTL_FUNCTION);
		case 14: { /* QUERY_DIRECTORY: level/pattern */
			const char *n = code_name(o, 0, F_SMB2_FIND_INFOLEVEL);
			const char *pat = strchr(o->key->sub, '/');
			return n ? arena_printf(a, "%s %s", n, pat ? pat + 1 : "") : NULL;
		}
		case 16: case 17: { /* GET/SET_INFO: type/class */
			if (o->key->ncode < 2)
				return NULL;
			int fid = o->key->code[0] == 1 ? F_SMB2_FILE_INFO_INFOLEVEL :
				  o->key->code[0] == 2 ? F_SMB2_FS_INFO_INFOLEVEL :
				  o->key->code[0] == 3 ? F_SMB2_SEC_INFO_INFOLEVEL : 0;
			return fid ? code_name(o, 1, fid) : NULL;
		}
		default:
			return NULL;
		}
	}
	if (o->proto == OP_SMB1 && (o->cmd == 0x32 || o->cmd == 0x33))
		return code_name(o, 0, F_SMB_TRANS2_CMD);
	if (o->proto == OP_SMB1 && (o->cmd == 0xa0 || o->cmd == 0xa1))
		return code_name(o, 0, F_SMB_NT_FUNCTION);
	return NULL;
}

const char *op_title(struct arena *a, const struct op *o)
{
	const char *sub = o->proto == OP_RPC ? NULL : op_sub_name(a, o);
	if (!sub)
		return op_key_text(a, o);
	return arena_printf(a, "%s %s%s%s", op_cmd_name(o), sub, o->key->path ? " " : "",
			    o->key->path ? o->key->path : "");
}
