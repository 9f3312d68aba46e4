/* field.c - the field descriptor array and look-ups; see field.h. */
#include "field.h"
#include "fieldvals.h"

#include <stddef.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

/* Every name and label as a member of one object (field.h): the offset
 * of each is a constant the compiler knows. */
struct field_strings {
	char none[1];
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) \
	char id##_name[sizeof(name)], id##_label[sizeof(label)];
#include "fields.def"
#include "fields_local.def"
#undef F
};

const struct field_strings field_strings = {
	"",
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) name, label,
#include "fields.def"
#include "fields_local.def"
#undef F
};

/* Which table a row names: a column is 0 or a table's first row
 * (fieldvals.h). */
#define TAB(vals, rvals) ((vals) ? FTAB_VALS : (rvals) ? FTAB_RVALS : FTAB_TFS)
#define TAB_AT(vals, rvals, tfs) ((uint32_t)((vals) ? (vals) : (rvals) ? (rvals) : (tfs)))

#define AT(member) ((uint32_t)offsetof(struct field_strings, member))
const struct field field_table[F_COUNT] = {
	[F_INVALID] = { AT(none), AT(none), FT_NONE, BASE_NONE, 0, FTAB_TFS, 0, 0 },
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) \
	[id] = { AT(id##_name), AT(id##_label), type, base, bits, TAB(vals, rvals), \
		 TAB_AT(vals, rvals, tfs), mask },
#include "fields.def"
#include "fields_local.def"
#undef F
};
#undef AT
#undef TAB_AT
#undef TAB

#define LEN255(lit) (sizeof(lit) - 1 < 255 ? sizeof(lit) - 1 : 255)
const uint8_t field_name_len[F_COUNT] = {
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) [id] = LEN255(name),
#include "fields.def"
#include "fields_local.def"
#undef F
};

const uint8_t field_label_len[F_COUNT] = {
#define F(id, name, label, type, base, bits, vals, rvals, tfs, mask) [id] = LEN255(label),
#include "fields.def"
#include "fields_local.def"
#undef F
};
#undef LEN255

const char *val_lookup(const struct val *vals, uint64_t v)
{
	if (!vals)
		return NULL;
	for (; vals->s; vals++)
		if (vals->v == v)
			return fv_str + vals->s;
	return NULL;
}

const char *rval_lookup(const struct rval *rvals, uint64_t v)
{
	if (!rvals)
		return NULL;
	for (; rvals->s; rvals++)
		if (v >= rvals->lo && v <= rvals->hi)
			return fv_str + rvals->s;
	return NULL;
}

/* Field ids by name: an open-addressing table with room for twice the
 * registry, built once (pthread_once: two traces may be dissected by two
 * threads) and read-only afterwards. The registry has no duplicate names.
 * Grafted tshark trees look up every node's name here. */
#define NAME_SLOTS 4096u
_Static_assert(NAME_SLOTS >= 2u * F_COUNT, "NAME_SLOTS too small for the registry");
static uint16_t name_slot[NAME_SLOTS]; /* field id, 0 = empty */
static pthread_once_t name_once = PTHREAD_ONCE_INIT;

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void build_name_index(void)
{
	for (int i = 1; i < F_COUNT; i++) {
		uint32_t j = name_hash(field_name(i)) & (NAME_SLOTS - 1);
		while (name_slot[j])
			j = (j + 1) & (NAME_SLOTS - 1);
		name_slot[j] = (uint16_t)i;
	}
}

int field_by_name(const char *name)
{
	pthread_once(&name_once, build_name_index);
	for (uint32_t j = name_hash(name) & (NAME_SLOTS - 1); name_slot[j];
	     j = (j + 1) & (NAME_SLOTS - 1))
		if (!strcmp(field_name(name_slot[j]), name))
			return name_slot[j];
	return F_INVALID;
}
