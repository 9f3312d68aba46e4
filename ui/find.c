/*
 * find.c - what the single-trace and the comparison views share to find
 * things: the status message, the search, go-to and filter prompts, the
 * field search inside one tree and the wrapping search over rows.
 *
 * The views differ only in what a row is (a frame, an aligned pair) and
 * which trees it has; they pass a row predicate and their trees, so the
 * keys behave the same in both.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uipriv.h"

#include "filter.h"

void ui_msg(struct uimsg *m, bool err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
	m->err = err;
}

void ui_msg_draw(const struct uimsg *m)
{
	put_text(LINES - 1, 0, COLS, m->text, line_attr(m->err ? LINE_MSG_ERROR : LINE_STATUS),
		 true);
}

/* The last node of the tree under root in depth-first order. */
static struct node *last_node(struct node *root)
{
	struct node *n = root->last;
	while (n && n->last)
		n = n->last;
	return n;
}

struct node *tree_find(struct node *root, struct node *from, int dir, const char *pat)
{
	if (!root || !root->child)
		return NULL;
	struct node *n;
	if (dir > 0)
		n = from ? node_next(from) : root->child;
	else
		n = from ? node_prev(root, from) : last_node(root);
	for (; n; n = dir > 0 ? node_next(n) : node_prev(root, n))
		if (!(n->flags & N_HIDDEN) && node_matches(n, pat))
			return n;
	return NULL;
}

size_t find_row(size_t n, size_t cur, int dir, bool (*match)(void *ctx, size_t row),
		void *ctx, bool *wrapped)
{
	for (size_t k = 1; k <= n; k++) {
		size_t r = dir > 0 ? (cur + k) % n : (cur + n - k) % n;
		if (match(ctx, r)) {
			*wrapped = dir > 0 ? r <= cur : r >= cur;
			return r;
		}
	}
	return SIZE_MAX;
}

bool ask_search(char *pat, size_t n)
{
	char buf[256] = "";
	if (!term_prompt("/", buf, sizeof(buf)) || !buf[0])
		return false;
	snprintf(pat, n, "%s", buf);
	return true;
}

int ask_frame(const char *prompt, uint32_t *num, struct uimsg *m)
{
	char buf[32] = "";
	if (!term_prompt(prompt, buf, sizeof(buf)) || !buf[0])
		return 0;
	char *end;
	unsigned long v = strtoul(buf, &end, 10);
	if (*end || v == 0 || v > UINT32_MAX) {
		ui_msg(m, true, "Not a frame number: %s", buf);
		return -1;
	}
	*num = (uint32_t)v;
	return 1;
}

int ask_filter(char *text, size_t n, struct filter **out, struct uimsg *m)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", text);
	if (!term_prompt("filter: ", buf, sizeof(buf)))
		return 0;
	*out = NULL;
	if (buf[0]) {
		char err[256];
		*out = filter_parse(buf, err, sizeof(err));
		if (!*out) {
			ui_msg(m, true, "Bad filter: %s", strncmp(err, "filter: ", 8) ? err : err + 8);
			return -1;
		}
	}
	snprintf(text, n, "%s", buf);
	return 1;
}
