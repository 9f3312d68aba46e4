/*
 * filter.c - display-filter subset; see filter.h.
 *
 * A recursive-descent parser builds an n-ary expression tree ("a && b &&
 * c" is one AND node with three children, so evaluation depth is the
 * nesting depth, capped at FILTER_MAX_DEPTH). Tests search the trees for
 * nodes by name.
 */
#include "filter.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fop { OP_PRESENT, OP_EQ, OP_NE, OP_CONTAINS, OP_GT, OP_GE, OP_LT, OP_LE };
enum fkind { K_TEST, K_AND, K_OR, K_NOT };

struct fexpr {
	enum fkind kind;
	struct fexpr **kids;
	size_t nkids;
	/* K_TEST */
	char *field;
	enum fop op;
	char *value;
	bool is_num;
	uint64_t num;
};

struct filter {
	struct fexpr *root;
	char *text;
};

struct parser {
	const char *s;
	size_t pos;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "filter: %s at offset %zu", what, p->pos);
	p->failed = true;
}

static void skip_ws(struct parser *p)
{
	while (isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* Consumes symbol or keyword tok if next. Keywords need a word boundary. */
static bool accept(struct parser *p, const char *tok)
{
	skip_ws(p);
	size_t n = strlen(tok);
	if (strncmp(p->s + p->pos, tok, n) != 0)
		return false;
	if (isalpha((unsigned char)tok[0])) {
		char c = p->s[p->pos + n];
		if (isalnum((unsigned char)c) || c == '_' || c == '.')
			return false;
	}
	p->pos += n;
	return true;
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == ':';
}

static char *take_word(struct parser *p)
{
	skip_ws(p);
	size_t start = p->pos;
	while (is_word(p->s[p->pos]))
		p->pos++;
	if (p->pos == start)
		return NULL;
	return strndup(p->s + start, p->pos - start);
}

static char *take_string(struct parser *p)
{
	size_t cap = strlen(p->s) + 1, n = 0;
	char *out = xcalloc(cap, 1);
	p->pos++; /* opening quote */
	for (;;) {
		char c = p->s[p->pos];
		if (!c) {
			fail(p, "unterminated string");
			free(out);
			return NULL;
		}
		p->pos++;
		if (c == '"')
			break;
		if (c == '\\' && p->s[p->pos])
			c = p->s[p->pos++];
		out[n++] = c;
	}
	out[n] = 0;
	return out;
}

static void free_expr(struct fexpr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nkids; i++)
		free_expr(e->kids[i]);
	free(e->kids);
	free(e->field);
	free(e->value);
	free(e);
}

static void add_kid(struct fexpr *e, struct fexpr *k)
{
	struct fexpr **nk = xrealloc(e->kids, (e->nkids + 1) * sizeof(*nk));
	e->kids = nk;
	e->kids[e->nkids++] = k;
}

static struct fexpr *parse_or(struct parser *p, unsigned depth);

/*
 * A field smbcmp knows, or one of a protocol it does not dissect itself
 * (dcerpc.opnum, samr.rid, or the bare protocol name winreg: layers the
 * auto engine grafts from tshark, which filter_foreign() lists for the
 * caller to check against tshark's registry): only names under a native
 * protocol (smb2.*, ntlmssp.*...) must be in the registry here.
 */
static bool native_name(const char *name)
{
	return field_by_name(name) != F_INVALID || strncmp(name, "smbcmp.", 7) == 0;
}

static bool known_field(const char *name)
{
	if (native_name(name))
		return true;
	char proto[64];
	size_t n = strcspn(name, ".");
	if (n == 0 || n >= sizeof(proto) || name[strlen(name) - 1] == '.')
		return false;
	memcpy(proto, name, n);
	proto[n] = 0;
	int id = field_by_name(proto);
	return id == F_INVALID || field_get(id)->type != FT_PROTOCOL;
}

/* ASCII case-insensitive equality (<strings.h> is shadowed by dissect/strings.h). */
static bool same_icase(const char *a, const char *b)
{
	while (*a && tolower((unsigned char)*a) == tolower((unsigned char)*b))
		a++, b++;
	return *a == *b;
}

static bool is_int_type(uint8_t type)
{
	return (type >= FT_UINT8 && type <= FT_UINT64) || type == FT_FRAMENUM;
}

/*
 * A value for a native integer or boolean field must be a number, a name
 * of the field's value table ("smb2.cmd == Create", as Wireshark takes
 * it) or, for a boolean, true/false; it becomes e->num. Returns false when
 * it is none of them ("smb2.cmd == 5x"): such a test could never match.
 */
static bool typed_value(struct fexpr *e)
{
	int id = field_by_name(e->field);
	if (id == F_INVALID || e->is_num)
		return true;
	const struct field *f = field_get(id);
	if (f->type == FT_BOOLEAN) {
		if (same_icase(e->value, "true") || same_icase(e->value, "false")) {
			e->is_num = true;
			e->num = same_icase(e->value, "true");
			return true;
		}
		return false;
	}
	if (!is_int_type(f->type))
		return true;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(e->value, &end, 0);
	if (e->value[0] && !*end && !errno && e->value[0] != '-') { /* quoted "5" */
		e->is_num = true;
		e->num = n;
		return true;
	}
	for (const struct val *v = field_vals(f); v && v->s; v++)
		if (same_icase(val_str(v), e->value)) {
			e->is_num = true;
			e->num = v->v;
			return true;
		}
	return false;
}

static struct fexpr *parse_test(struct parser *p)
{
	size_t at = p->pos;
	char *field = take_word(p);
	if (!field) {
		fail(p, "expected a field name");
		return NULL;
	}
	if (!known_field(field)) {
		p->pos = at;
		skip_ws(p);
		char msg[160];
		snprintf(msg, sizeof(msg), "unknown field '%.100s'", field);
		fail(p, msg);
		free(field);
		return NULL;
	}
	struct fexpr *e = xcalloc(1, sizeof(*e));
	e->kind = K_TEST;
	e->field = field;
	static const struct { const char *tok; enum fop op; } ops[] = {
		{ "==", OP_EQ }, { "!=", OP_NE }, { ">=", OP_GE }, { "<=", OP_LE },
		{ ">", OP_GT }, { "<", OP_LT }, { "eq", OP_EQ }, { "ne", OP_NE },
		{ "ge", OP_GE }, { "le", OP_LE }, { "gt", OP_GT }, { "lt", OP_LT },
		{ "contains", OP_CONTAINS },
	};
	e->op = OP_PRESENT;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (accept(p, ops[i].tok)) {
			e->op = ops[i].op;
			break;
		}
	if (e->op == OP_PRESENT)
		return e;
	skip_ws(p);
	bool quoted = p->s[p->pos] == '"';
	if (quoted)
		e->value = take_string(p);
	else
		e->value = take_word(p);
	if (!e->value) {
		fail(p, "expected a value");
		free_expr(e);
		return NULL;
	}
	if (!quoted && e->value[0]) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(e->value, &end, 0);
		if (!*end && !errno && e->value[0] != '-') {
			e->is_num = true;
			e->num = v;
		}
	}
	if (e->op != OP_CONTAINS && !typed_value(e)) {
		char msg[300];
		snprintf(msg, sizeof(msg), "'%.100s' is not a value of %.100s (a number%s)",
			 e->value, e->field,
			 field_get(field_by_name(e->field))->type == FT_BOOLEAN ? ", true or false"
			 : field_vals(field_get(field_by_name(e->field))) ? " or a value name" : "");
		fail(p, msg);
		free_expr(e);
		return NULL;
	}
	if (e->op != OP_EQ && e->op != OP_NE && e->op != OP_CONTAINS && !e->is_num) {
		fail(p, "ordering comparisons need a number");
		free_expr(e);
		return NULL;
	}
	return e;
}

static struct fexpr *parse_unary(struct parser *p, unsigned depth)
{
	if (depth > FILTER_MAX_DEPTH) {
		fail(p, "expression nested too deeply");
		return NULL;
	}
	if (accept(p, "!") || accept(p, "not")) {
		struct fexpr *k = parse_unary(p, depth + 1);
		if (!k)
			return NULL;
		struct fexpr *e = xcalloc(1, sizeof(*e));
		e->kind = K_NOT;
		add_kid(e, k);
		return e;
	}
	if (accept(p, "(")) {
		struct fexpr *e = parse_or(p, depth + 1);
		if (!e)
			return NULL;
		if (!accept(p, ")")) {
			fail(p, "expected ')'");
			free_expr(e);
			return NULL;
		}
		return e;
	}
	return parse_test(p);
}

static struct fexpr *parse_list(struct parser *p, unsigned depth, bool is_or)
{
	struct fexpr *first = is_or ? parse_list(p, depth, false) : parse_unary(p, depth);
	if (!first)
		return NULL;
	struct fexpr *e = NULL;
	while (is_or ? (accept(p, "||") || accept(p, "or"))
		     : (accept(p, "&&") || accept(p, "and"))) {
		if (!e) {
			e = xcalloc(1, sizeof(*e));
			e->kind = is_or ? K_OR : K_AND;
			add_kid(e, first);
		}
		struct fexpr *k = is_or ? parse_list(p, depth, false) : parse_unary(p, depth);
		if (!k) {
			free_expr(e);
			return NULL;
		}
		add_kid(e, k);
	}
	return e ? e : first;
}

static struct fexpr *parse_or(struct parser *p, unsigned depth)
{
	return parse_list(p, depth, true);
}

struct filter *filter_parse(const char *expr, char *err, size_t errlen)
{
	struct parser p = { expr, 0, err, errlen, false };
	struct fexpr *root = parse_or(&p, 0);

	skip_ws(&p);
	if (root && p.s[p.pos]) {
		fail(&p, "unexpected text");
		free_expr(root);
		root = NULL;
	}
	if (!root) {
		if (!p.failed)
			fail(&p, "syntax error");
		return NULL;
	}
	struct filter *f = xcalloc(1, sizeof(*f));
	f->root = root;
	f->text = strdup(expr);
	return f;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	free_expr(f->root);
	free(f->text);
	free(f);
}

const char *filter_text(const struct filter *f)
{
	return f ? f->text : NULL;
}

static size_t foreign_walk(const struct fexpr *e, const char **names, size_t n, size_t max)
{
	if (e->kind == K_TEST && !native_name(e->field)) {
		for (size_t i = 0; i < n && i < max; i++)
			if (!strcmp(names[i], e->field))
				return n;
		if (n < max)
			names[n] = e->field;
		return n + 1;
	}
	for (size_t i = 0; i < e->nkids; i++)
		n = foreign_walk(e->kids[i], names, n, max);
	return n;
}

size_t filter_foreign(const struct filter *f, const char **names, size_t max)
{
	return f ? foreign_walk(f->root, names, 0, max) : 0;
}

static bool test_node(const struct fexpr *e, const struct node *n)
{
	const char *show = n->show ? n->show : "";

	switch (e->op) {
	case OP_PRESENT:
		return true;
	case OP_CONTAINS:
		return strstr(show, e->value) != NULL;
	case OP_EQ:
	case OP_NE:
		if (e->is_num && n->flags & N_HAS_VALUE)
			return n->value == e->num;
		return strcmp(show, e->value) == 0 ||
		       (e->is_num && strtoull(show, NULL, 0) == e->num && show[0]);
	default:
		break;
	}
	uint64_t v;
	if (n->flags & N_HAS_VALUE)
		v = n->value;
	else {
		char *end;
		v = strtoull(show, &end, 0);
		if (end == show)
			return false;
	}
	switch (e->op) {
	case OP_GT: return v > e->num;
	case OP_GE: return v >= e->num;
	case OP_LT: return v < e->num;
	case OP_LE: return v <= e->num;
	default: return false;
	}
}

/* True if any node named e->field in the trees satisfies the test. */
static bool any_node(const struct fexpr *e, struct node *const *roots, size_t n)
{
	for (size_t r = 0; r < n; r++) {
		const struct node *root = roots[r];
		if (!root)
			continue;
		const struct node *x = root;
		while (x) {
			if (x->name && !strcmp(x->name, e->field) && test_node(e, x))
				return true;
			if (x->child) {
				x = x->child;
				continue;
			}
			while (x && x != root && !x->next)
				x = x->parent;
			if (!x || x == root)
				break;
			x = x->next;
		}
	}
	return false;
}

static bool eval(const struct fexpr *e, struct node *const *roots, size_t n)
{
	switch (e->kind) {
	case K_TEST:
		if (e->op == OP_NE) {
			struct fexpr eq = *e;
			eq.op = OP_EQ;
			return !any_node(&eq, roots, n);
		}
		return any_node(e, roots, n);
	case K_NOT:
		return !eval(e->kids[0], roots, n);
	case K_AND:
		for (size_t i = 0; i < e->nkids; i++)
			if (!eval(e->kids[i], roots, n))
				return false;
		return true;
	case K_OR:
		for (size_t i = 0; i < e->nkids; i++)
			if (eval(e->kids[i], roots, n))
				return true;
		return false;
	}
	return false;
}

bool filter_match(const struct filter *f, struct node *const *roots, size_t n)
{
	return !f || eval(f->root, roots, n);
}
