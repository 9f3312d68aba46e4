/*
 * html_tree.c - field trees in the HTML report (--html): a tree is nested
 * <details> elements, which a reader expands without JavaScript; the
 * differing fields of an operation are marked "c" and their ancestors open,
 * fields the masks ignore are marked "m" (dimmed). See htmlpriv.h.
 *
 * Marks live in node.aux (scratch for one reader of a tree at a time,
 * tree.h): html_unmark() clears what fieldcmp.c left there first.
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "htmlpriv.h"

enum { MARK_CHANGED = 1, MARK_HOLDS = 2 };

/* Deeper levels are left out (trees are shallow; this bounds recursion). */
#define TREE_MAX_DEPTH 40
/* A value longer than this gets a presence filter ("smb2.buffer"). */
#define FILTER_MAX_VALUE 256

/* The node after n in preorder within the subtree of root, or NULL. */
static struct node *next_pre(struct node *n, const struct node *root)
{
	if (n->child)
		return n->child;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

void html_unmark(struct node *n)
{
	for (struct node *k = n; k; k = next_pre(k, n))
		k->aux = 0;
}

void html_mark(struct node *n)
{
	if (!n)
		return;
	n->aux |= MARK_CHANGED;
	for (struct node *p = n->parent; p && !(p->aux & MARK_HOLDS); p = p->parent)
		p->aux |= MARK_HOLDS;
}

/* A value Wireshark's filter syntax takes bare: a number, hex bytes. */
static bool bare_value(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdefABCDEFx:.-", *s))
			return false;
	return true;
}

/* data-f="name == value" (the attribute value HTML-escaped). */
static void filter_attr(FILE *f, const struct node *n)
{
	const char *v = node_raw_show(n);
	const struct field *fd = n->field ? field_get(n->field) : NULL;
	size_t len = v ? strlen(v) : 0;

	fputs(" data-f=\"", f);
	esc_htmls(f, n->name);
	if (!len || len > FILTER_MAX_VALUE || (n->flags & N_PROTO)) {
		fputc('"', f);
		return;
	}
	bool quote = fd ? fd->type == FT_STRING || fd->type == FT_ABSOLUTE_TIME ||
				  fd->type == FT_RELATIVE_TIME
			: !bare_value(v);
	if (fd && fd->type == FT_NONE)
		quote = !bare_value(v);
	fputs(" == ", f);
	if (!quote) {
		esc_html(f, v, len);
		fputc('"', f);
		return;
	}
	fputs("&quot;", f);
	for (const char *p = v; *p; ) {
		size_t run = strcspn(p, "\"\\");
		esc_html(f, p, run);
		p += run;
		if (*p) {
			fputs(*p == '"' ? "\\&quot;" : "\\\\", f);
			p++;
		}
	}
	fputs("&quot;\"", f);
}

static void node_html(const struct hdetail *h, FILE *f, const struct node *n, int depth)
{
	bool changed = n->aux & MARK_CHANGED, holds = n->aux & MARK_HOLDS;
	if ((n->flags & N_HIDDEN) && !changed && !holds)
		return;
	bool masked = h->masks && n->name && masks_node(h->masks, n) == MASK_IGNORE;
	const char *label = n->label && *n->label ? n->label :
			    n->show && *n->show ? n->show : n->name ? n->name : "";
	const char *cls = changed ? (masked ? "c m" : "c") : masked ? "m" : "";
	bool kids = n->child && depth < TREE_MAX_DEPTH;

	fputs(kids ? (holds ? "<details open><summary" : "<details><summary") : "<div", f);
	if (*cls)
		fprintf(f, " class=\"%s\"", cls);
	if (n->name) {
		fputs(" title=\"", f);
		esc_htmls(f, n->name);
		fputc('"', f);
		filter_attr(f, n);
	}
	fputc('>', f);
	esc_htmls(f, label);
	if (!kids) {
		if (n->child)
			fputs(" <i>(deeper levels left out)</i>", f);
		fputs("</div>", f);
		return;
	}
	fputs("</summary>", f);
	for (const struct node *k = n->child; k; k = k->next)
		node_html(h, f, k, depth + 1);
	fputs("</details>", f);
}

void html_tree(const struct hdetail *h, FILE *f, const struct node *n)
{
	fputs("<div class=\"tree\">", f);
	if (n)
		node_html(h, f, n, 0);
	else
		fputs("<div class=\"none\">(none)</div>", f);
	fputs("</div>", f);
}

/* The differing fields of an entry, as a table. */
static void fields_html(FILE *f, const struct ddetail *det)
{
	fputs("<table class=\"fields\"><tr><th>field</th><th>A</th><th>B</th></tr>", f);
	for (size_t k = 0; k < det->nf; k++) {
		const struct dfield *x = &det->f[k];
		fputs("<tr><td class=\"fp\" title=\"", f);
		esc_htmls(f, x->path);
		fputs("\">", f);
		esc_htmls(f, x->name);
		if (x->note) {
			fputs(" <i>", f);
			esc_htmls(f, x->note);
			fputs("</i>", f);
		}
		for (int s = 0; s < 2; s++) {
			const char *v = s ? (x->lb ? x->lb : x->b) : (x->la ? x->la : x->a);
			fputs("</td><td>", f);
			if (v)
				esc_htmls(f, v);
			else
				fputs("<i>(absent)</i>", f);
		}
		fputs("</td></tr>", f);
	}
	if (det->more)
		fprintf(f, "<tr><td colspan=\"3\"><i>%zu more differences</i></td></tr>", det->more);
	fputs("</table>", f);
}

/* The four trees, A beside B, requests then responses. */
static void trees_html(const struct hdetail *h, FILE *f, struct ddetail *det)
{
	for (int s = 0; s < 2; s++) {
		if (det->req[s])
			html_unmark(det->req[s]);
		if (det->rsp[s])
			html_unmark(det->rsp[s]);
	}
	for (size_t k = 0; k < det->nf; k++)
		for (int s = 0; s < 2; s++)
			html_mark((struct node *)det->f[k].node[s]);
	fputs("<div class=\"grid\"><h4>A request</h4><h4>B request</h4>", f);
	html_tree(h, f, det->req[0]);
	html_tree(h, f, det->req[1]);
	fputs("<h4>A response</h4><h4>B response</h4>", f);
	html_tree(h, f, det->rsp[0]);
	html_tree(h, f, det->rsp[1]);
	fputs("</div>", f);
}

void html_entry_detail(struct hdetail *h, FILE *f, struct diff *d, size_t i,
		       struct ddetail *det, unsigned ncols)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	(void)d;
	if (m) {
		size_t n = det->nf + det->more;
		fprintf(m, "<tr class=\"det\" id=\"d%zu\"><td colspan=\"%u\"><details><summary>"
			   "#%zu: %zu field%s differ%s</summary>", i, ncols, i, n,
			n == 1 ? "" : "s", n == 1 ? "s" : "");
		fields_html(m, det);
		trees_html(h, m, det);
		fputs("</details></td></tr>\n", m);
	}
	/* Past the budget nothing: the report counts what it left out. */
	if (m && fclose(m) == 0 && len <= h->budget && h->shown < HTML_MAX_DETAILED) {
		fwrite(buf, 1, len, f);
		h->budget -= len;
		h->shown++;
	} else {
		h->left++;
	}
	free(buf);
}
