/*
 * field.h - the field registry: one descriptor per Wireshark field.
 *
 * Fields are data (STYLE.md 2): dissect/fields.def holds one F(...) row per
 * field (filter name, label, type, display base, boolean bit width, value
 * tables, bitmask), generated once from Wireshark's registry by
 * tools/fieldgen.py and committed. The rows generate the enum of field ids
 * (F_SMB2_CMD for "smb2.cmd") and the descriptor array field_table[].
 * Hand-written fields that Wireshark lacks live in dissect/fields_local.def.
 */
#ifndef SMBCMP_FIELD_H
#define SMBCMP_FIELD_H

#include <stddef.h>
#include <stdint.h>

enum ftype {
	FT_NONE, FT_PROTOCOL,
	FT_UINT8, FT_UINT16, FT_UINT24, FT_UINT32, FT_UINT40, FT_UINT48,
	FT_UINT56, FT_UINT64,
	FT_INT8, FT_INT16, FT_INT24, FT_INT32, FT_INT64,
	FT_BOOLEAN, FT_CHAR,
	FT_STRING, FT_STRINGZ, FT_UINT_STRING, FT_STRINGZPAD, FT_STRINGZTRUNC,
	FT_BYTES, FT_UINT_BYTES, FT_GUID, FT_OID, FT_REL_OID,
	FT_ABSOLUTE_TIME, FT_RELATIVE_TIME, FT_FRAMENUM,
	FT_IPv4, FT_IPv6, FT_ETHER, FT_EUI64, FT_FLOAT, FT_DOUBLE,
	FT_SYSTEM_ID, FT_FCWWN, FT_AX25, FT_VINES,
	FT_IEEE_11073_SFLOAT, FT_IEEE_11073_FLOAT,
};

enum fbase {
	BASE_NONE, BASE_DEC, BASE_HEX, BASE_OCT, BASE_DEC_HEX, BASE_HEX_DEC,
	BASE_CUSTOM,
};

/*
 * The value tables (dissect/fieldvals.c, generated) hold no pointers either
 * (see field_strings below): a string is an offset into fv_str, a table a
 * run of rows in fv_vals, fv_rvals or fv_tfs, and a field names the first
 * row of its table. Values and offsets are 32 bits (tools/fieldgen.py
 * refuses a wider one).
 */
extern const char fv_str[];

/* Value-string row: a value and its string; s == 0 ends a table. */
struct val {
	uint32_t v;
	uint32_t s; /* offset in fv_str: val_str() */
};

/* Range-string row, ended by s == 0 too. */
struct rval {
	uint32_t lo, hi;
	uint32_t s;
};

/* True/false strings of a boolean (offsets in fv_str). */
struct tfs {
	uint32_t t, f;
};

extern const struct val fv_vals[];
extern const struct rval fv_rvals[];
extern const struct tfs fv_tfs[];

struct field {
	uint32_t name_at;  /* display-filter name, e.g. "smb2.cmd": field_str() */
	uint32_t label_at; /* tree label, e.g. "Command": field_str() */
	uint8_t type;      /* enum ftype */
	uint8_t base;      /* enum fbase */
	uint8_t bits;      /* booleans: width of the containing integer */
	uint8_t tab;       /* enum field_tab: which array tab_at indexes */
	uint32_t tab_at;   /* its value table: first row there, 0 none */
	uint64_t mask;
};

/* A field has at most one value table: value strings, range strings or
 * true/false strings; field_vals(), field_rvals(), field_tfs() give it. */
enum field_tab { FTAB_TFS, FTAB_VALS, FTAB_RVALS };

enum field_id {
	F_INVALID = 0,
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) id,
#include "fields.def"
#include "fields_local.def"
#undef F
	F_COUNT
};

/*
 * The names and labels are not pointers but offsets into one object,
 * field_strings (field.c): smbcmp is a position-independent executable, and
 * every pointer in its data is relocated at start, on a private copy of
 * each page that holds one; the registry's 3400 strings were most of a
 * small capture's start-up page faults. A name or label has one address,
 * field_str(offset) (nodes compare name pointers to the registry's).
 */
struct field_strings;
extern const struct field_strings field_strings;
extern const struct field field_table[F_COUNT];
/*
 * strlen() of each field's name and label, 255 for 255 and more, made by
 * the compiler from the same rows (sizeof of the literals): the writers and
 * the tree need them per node, and measuring the registry at start cost a
 * small capture's process more than its dissection. Names are plain ASCII
 * (letters, digits, '.', '_', '-'; tests/test_fields.c checks it), so they
 * are written to JSON as they are.
 */
extern const uint8_t field_name_len[F_COUNT];
extern const uint8_t field_label_len[F_COUNT];

static inline const struct field *field_get(int fid)
{
	return &field_table[fid > 0 && fid < F_COUNT ? fid : 0];
}

/* The string at offset at of field_strings. */
static inline const char *field_str(uint32_t at)
{
	return (const char *)&field_strings + at;
}

/* f's value strings, range strings, true/false strings, or NULL. */
static inline const struct val *field_vals(const struct field *f)
{
	return f->tab == FTAB_VALS && f->tab_at ? &fv_vals[f->tab_at] : NULL;
}

static inline const struct rval *field_rvals(const struct field *f)
{
	return f->tab == FTAB_RVALS && f->tab_at ? &fv_rvals[f->tab_at] : NULL;
}

static inline const struct tfs *field_tfs(const struct field *f)
{
	return f->tab == FTAB_TFS && f->tab_at ? &fv_tfs[f->tab_at] : NULL;
}

/* The string of a value row. */
static inline const char *val_str(const struct val *v)
{
	return fv_str + v->s;
}

/* A boolean field's string for b ("Set", "Not set"...), or NULL if it has
 * no true/false strings. */
static inline const char *field_tfs_str(const struct field *f, int b)
{
	const struct tfs *t = field_tfs(f);
	return t ? fv_str + (b ? t->t : t->f) : NULL;
}

/* Field fid's filter name and label ("" for an unknown id). */
static inline const char *field_name(int fid)
{
	return field_str(field_get(fid)->name_at);
}

static inline const char *field_label(int fid)
{
	return field_str(field_get(fid)->label_at);
}

/* Looks a value up; NULL when absent. */
const char *val_lookup(const struct val *vals, uint64_t v);
const char *rval_lookup(const struct rval *rvals, uint64_t v);
/* Field id by filter name, or F_INVALID. */
int field_by_name(const char *name);

#endif
