/*
 * test_fields.c - the field registry's derived tables (dissect/field.h):
 * the compiler-made name and label lengths equal strlen() (capped at 255),
 * every name is plain ASCII that JSON and HTML-safe JSON hold verbatim (the
 * --json writer copies registry names without escaping them), and each
 * name finds its own field id. The value tables (offsets, not pointers:
 * field.h): every row a field names lies in its array, every string offset
 * starts a string of fv_str, every table ends; a few look-ups by hand.
 */
#include <string.h>

#include "field.h"
#include "fieldvals.h"
#include "testutil.h"

/* Offset s starts a string inside fv_str. */
static int str_ok(uint32_t s)
{
	return s > 0 && s < FV_STR_SIZE && fv_str[s - 1] == '\0';
}

static void check_tables(int fid, const struct field *f)
{
	if (!f->tab_at)
		return;
	if (f->tab == FTAB_VALS) {
		uint32_t i = f->tab_at;
		for (; i < FV_NVALS && fv_vals[i].s; i++)
			CHECK(str_ok(fv_vals[i].s));
		CHECK(i < FV_NVALS); /* ended by s == 0 */
		CHECK(field_vals(f) == &fv_vals[f->tab_at]);
	} else if (f->tab == FTAB_RVALS) {
		uint32_t i = f->tab_at;
		for (; i < FV_NRVALS && fv_rvals[i].s; i++)
			CHECK(str_ok(fv_rvals[i].s) && fv_rvals[i].lo <= fv_rvals[i].hi);
		CHECK(i < FV_NRVALS);
	} else {
		CHECK(f->tab_at < FV_NTFS);
		if (f->tab_at < FV_NTFS)
			CHECK(str_ok(fv_tfs[f->tab_at].t) && str_ok(fv_tfs[f->tab_at].f));
		if (f->type != FT_BOOLEAN)
			fprintf(stderr, "field %d: true/false strings on a non-boolean\n", fid);
	}
}

static int same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int plain_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

int main(void)
{
	for (int fid = 0; fid < F_COUNT; fid++) {
		const struct field *f = &field_table[fid];
		size_t nl = strlen(field_str(f->name_at)), ll = strlen(field_str(f->label_at));

		CHECK_EQ(field_name_len[fid], nl < 255 ? nl : 255);
		CHECK_EQ(field_label_len[fid], ll < 255 ? ll : 255);
		if (fid == F_INVALID)
			continue;
		if (!plain_name(field_str(f->name_at)))
			fprintf(stderr, "field %d: name \"%s\" not plain\n", fid, field_str(f->name_at));
		CHECK(plain_name(field_str(f->name_at)));
		CHECK_EQ(field_by_name(field_str(f->name_at)), fid);
		check_tables(fid, f);
	}
	CHECK_EQ(fv_str[0], '\0');
	CHECK_EQ(fv_str[FV_STR_SIZE - 1], '\0');
	CHECK(same(val_lookup(field_vals(field_get(F_NBSS_TYPE)), 0x81), "Session request"));
	CHECK(same(val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), 0), "STATUS_SUCCESS"));
	CHECK(same(val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), 0xc0000022u),
		   "STATUS_ACCESS_DENIED"));
	CHECK(val_lookup(field_vals(field_get(F_SMB2_NT_STATUS)), 0x1234567890ull) == NULL);
	CHECK(same(field_tfs_str(field_get(F_NBSS_FLAGS_E), 1), "Add 65536 to length"));
	CHECK(same(field_tfs_str(field_get(F_NBSS_FLAGS_E), 0), "Add 0 to length"));
	CHECK(field_tfs_str(field_get(F_NBSS_TYPE), 1) == NULL);
	CHECK(field_vals(field_get(F_NBSS_FLAGS_E)) == NULL);
	CHECK(field_vals(field_get(F_INVALID)) == NULL && field_tfs(field_get(F_INVALID)) == NULL);
	return test_failures != 0;
}
