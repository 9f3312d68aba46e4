/*
 * filter.h - a subset of Wireshark's display-filter language over our
 * field names, used by --filter to restrict what the differ compares.
 *
 *   expr  := term { ("||" | "or") term }
 *   term  := unary { ("&&" | "and") unary }
 *   unary := ("!" | "not") unary | "(" expr ")" | test
 *   test  := FIELD [ OP VALUE ]
 *   OP    := "==" | "eq" | "!=" | "ne" | "contains" | ">" | "gt" | ">=" |
 *            "ge" | "<" | "lt" | "<=" | "le"
 *   VALUE := number (decimal or 0x hex) | "quoted string" | bareword
 *
 * A bare FIELD is true when the field is present. "a == v" is true when
 * any occurrence of a equals v; "a != v" is !(a == v), Wireshark's "all
 * not equal". Numbers compare numerically with integer fields, anything
 * else compares the show value as a string. A value for a native integer
 * field must be a number or a name from its value table (Create), for a
 * boolean also true/false: anything else is a parse error naming it, as
 * is a field name under a native protocol that the registry lacks.
 * Nesting is bounded
 * (FILTER_MAX_DEPTH), so hostile expressions cannot exhaust the stack.
 */
#ifndef SMBCMP_FILTER_H
#define SMBCMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "tree.h"

#define FILTER_MAX_DEPTH 64

struct filter;

/* Parses expr. Returns NULL with a one-line reason in err. */
struct filter *filter_parse(const char *expr, char *err, size_t errlen);
void filter_free(struct filter *f);
/* Evaluates f over the union of the trees roots[0..n) (NULL entries skipped). */
bool filter_match(const struct filter *f, struct node *const *roots, size_t n);
const char *filter_text(const struct filter *f);
/*
 * The field names in f that smbcmp's registry does not hold: fields and
 * protocols of tshark's dissectors, which the auto engine grafts
 * (dcerpc.opnum, winreg), for the caller to check against tshark's
 * registry. Each name once, in order of appearance; at most max are
 * stored in names (pointers into f), the number found is returned.
 */
size_t filter_foreign(const struct filter *f, const char **names, size_t max);

#endif
