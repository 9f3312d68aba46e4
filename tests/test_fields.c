/*
 * test_fields.c - the field registry's derived tables (dissect/field.h):
 * the compiler-made name and label lengths equal strlen() (capped at 255),
 * every name is plain ASCII that JSON and HTML-safe JSON hold verbatim (the
 * --json writer copies registry names without escaping them), and each
 * name finds its own field id.
 */
#include <string.h>

#include "field.h"
#include "testutil.h"

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
	}
	return test_failures != 0;
}
