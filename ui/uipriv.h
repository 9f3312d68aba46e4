/*
 * uipriv.h - what the ui/ modules share.
 *
 * Design (after tig and htop):
 *  - Keys map to requests. UI_REQUESTS below is the one table of requests:
 *    id, config name, help text and default keys. It generates the enum,
 *    the default key map, the names used to rebind keys in the config file
 *    and the help screen.
 *  - Drawing uses semantic line types (UI_LINES): colour pair and the
 *    attribute used on monochrome terminals / with NO_COLOR, in one table.
 *  - A view implements struct view_ops (open/draw/request). Request
 *    handlers never draw: they return what must be redrawn (enum redraw)
 *    and what changed, and the main loop draws.
 *  - Everything is drawn on stdscr into rectangles recomputed from the
 *    terminal size on each frame, so SIGWINCH (KEY_RESIZE) is a relayout.
 */
#ifndef SMBCMP_UIPRIV_H
#define SMBCMP_UIPRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "curseslib.h"
#include "dissect.h"
#include "hmap.h"

#define CTRL(c) ((c) & 0x1f)

/* _(ID, "config-name", SECTION, "help", keys...) */
#define UI_REQUESTS(_)                                                                   \
	_(MOVE_DOWN, "move-down", 0, "Next line", 'j', KEY_DOWN, CTRL('n'))              \
	_(MOVE_UP, "move-up", 0, "Previous line", 'k', KEY_UP, CTRL('p'))                \
	_(PAGE_DOWN, "page-down", 0, "Next page", KEY_NPAGE, CTRL('f'), CTRL('d'))       \
	_(PAGE_UP, "page-up", 0, "Previous page", KEY_PPAGE, CTRL('b'), CTRL('u'))       \
	_(FIRST, "first", 0, "First line; with a count N: go to frame N", 'g', KEY_HOME, '<') \
	_(LAST, "last", 0, "Last line; with a count N: go to frame N", 'G', KEY_END, '>') \
	_(GOTO, "goto", 0, "Go to frame number (compare: on the focused side)", ':')     \
	_(SCROLL_LEFT, "scroll-left", 0, "Scroll left (lists: also h, Left)", 'H', KEY_SLEFT) \
	_(SCROLL_RIGHT, "scroll-right", 0, "Scroll right to read long lines (lists: also l, Right)", 'L', KEY_SRIGHT) \
	_(SCROLL_HOME, "scroll-home", 0, "Scroll back to the first column", '|')        \
	_(TOGGLE, "toggle", 1, "Expand/collapse field (list: open the tree)", '\n', '\r', KEY_ENTER, ' ') \
	_(EXPAND, "expand", 1, "Expand field (lists: scroll right)", 'l', KEY_RIGHT)     \
	_(COLLAPSE, "collapse", 1, "Collapse field, or go to its parent (lists: scroll left)", 'h', KEY_LEFT) \
	_(EXPAND_ALL, "expand-all", 1, "Expand all fields", 'e', '*')                    \
	_(COLLAPSE_ALL, "collapse-all", 1, "Collapse all fields", 'c')                   \
	_(SEARCH, "search", 2, "Search summaries and fields (compare: both sides)", '/') \
	_(FIND_NEXT, "find-next", 2, "Next match", 'n')                                  \
	_(FIND_PREV, "find-prev", 2, "Previous match", 'N')                              \
	_(FILTER, "filter", 2, "Display filter (empty: clear; compare: either side)", 'f') \
	_(MATCH, "match", 2, "Jump between request and response", '%', 'r')              \
	_(STREAM, "stream", 2, "Follow this connection only (again: all)", 's')          \
	_(NEXT_DIFF, "next-diff", 3, "Next difference", ']')                             \
	_(PREV_DIFF, "prev-diff", 3, "Previous difference", '[')                         \
	_(FINDINGS, "findings", 3, "Findings: session profile, what differs ranked (Enter: go to it)", 'F', '!') \
	_(ACTIONS, "actions", 3, "Actions: what each client does, across dialects (Enter: its operation)", 'A') \
	_(FINDING_NEXT, "finding-next", 3, "Next operation of the finding gone to from the findings", '}') \
	_(FINDING_PREV, "finding-prev", 3, "Previous operation of that finding", '{')    \
	_(MASK, "mask", 3, "Toggle masking of volatile fields", 'm')                     \
	_(MASK_FIELD, "mask-field", 3, "Ignore/compare the field under the cursor", 'a') \
	_(NEXT_CHANGE, "next-change", 3, "Next changed field in the tree (list: from tree A)", ')') \
	_(PREV_CHANGE, "prev-change", 3, "Previous changed field in the tree", '(')     \
	_(LOCKSTEP, "lockstep", 3, "Scroll both trees together or apart", 'y')           \
	_(FOCUS_NEXT, "focus-next", 4, "Next pane (compare: next side)", '\t')           \
	_(FOCUS_PREV, "focus-prev", 4, "Previous pane", KEY_BTAB)                        \
	_(LAYOUT, "layout", 4, "Cycle pane layouts", 'v')                                \
	_(GROW, "grow", 4, "Grow the focused pane", '+', '=')                            \
	_(SHRINK, "shrink", 4, "Shrink the focused pane", '-', '_')                      \
	_(STATS, "stats", 5, "Statistics per command: count, bytes, errors, response times", 'S') \
	_(HELP, "help", 5, "This help", '?', KEY_F(1))                                   \
	_(REDRAW, "redraw", 5, "Redraw the screen", CTRL('l'))                           \
	_(QUIT, "quit", 5, "Quit (help: close)", 'q', 'Q')

enum request {
	REQ_NONE,
#define REQ_ENUM(id, name, sec, help, ...) REQ_##id,
	UI_REQUESTS(REQ_ENUM)
#undef REQ_ENUM
	REQ_COUNT
};
_Static_assert(REQ_COUNT <= 64, "help_screen's hidden set is 64 bits");

#define REQ_MAXKEYS 6

struct req_info {
	const char *name;
	const char *help;
	int section;
	int keys[REQ_MAXKEYS]; /* default keys, 0-terminated */
};

extern const struct req_info req_table[REQ_COUNT];
extern const char *const req_sections[];

/* A key map: key code -> request. Keys >= KEYMAP_SIZE are not bindable. */
#define KEYMAP_SIZE (KEY_MAX + 1)
struct keymap {
	uint8_t req[KEYMAP_SIZE];
};

/* Default bindings, then the [keys] section of the config file, if any. */
void keymap_init(struct keymap *km);
/*
 * Reads path (NULL: $XDG_CONFIG_HOME/smbcmp/config or ~/.config/...).
 * A missing file is fine. Lines in [keys]: "request-name = key key ...",
 * key as a character, ^X, Tab, Enter, Space, Up, Down, Left, Right, PgUp,
 * PgDn, Home, End, F1..F12; "keys = smbcmp-classic" selects the profile of
 * the Python smbcmp. Returns 0, or -1 with the first bad line in err.
 */
int keymap_load(struct keymap *km, const char *path, char *err, size_t errlen);
enum request keymap_get(const struct keymap *km, int key);
/* "j", "Down", "^N"... into buf; returns buf. */
const char *ui_key_name(int key, char *buf, size_t n);

/* _(ID, colour fg, colour bg, attribute with colour, attribute without) */
#define UI_LINES(_)                                                              \
	_(DEFAULT, -1, -1, A_NORMAL, A_NORMAL)                                   \
	_(TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE)                     \
	_(HEADER, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)                  \
	_(CURSOR, COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE)                 \
	_(CURSOR_IDLE, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_UNDERLINE)          \
	_(ERROR, COLOR_RED, -1, A_NORMAL, A_BOLD)                                \
	_(MALFORMED, COLOR_MAGENTA, -1, A_BOLD, A_BOLD | A_UNDERLINE)            \
	_(PROTO, -1, -1, A_BOLD, A_BOLD)                                         \
	_(GENERATED, COLOR_CYAN, -1, A_NORMAL, A_DIM)                            \
	_(MARK, COLOR_YELLOW, -1, A_BOLD, A_BOLD)                                \
	_(HEX_OFFSET, COLOR_BLUE, -1, A_NORMAL, A_DIM)                           \
	_(HEX_HILITE, COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE)            \
	_(STATUS, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE)                  \
	_(MSG_ERROR, COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE)         \
	_(DIFF_CHANGED, COLOR_YELLOW, -1, A_BOLD, A_BOLD)                        \
	_(DIFF_ONLY_A, COLOR_RED, -1, A_NORMAL, A_UNDERLINE)                     \
	_(DIFF_ONLY_B, COLOR_GREEN, -1, A_NORMAL, A_UNDERLINE)                   \
	_(DIFF_FILTERED, -1, -1, A_DIM, A_DIM)                                   \
	_(DIFF_SIMILAR, COLOR_CYAN, -1, A_NORMAL, A_DIM)                         \
	_(FIELD_CHANGED, COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_BOLD | A_REVERSE) \
	_(FIELD_MASKED, -1, -1, A_DIM, A_DIM)                                    \
	_(HELP_KEY, COLOR_GREEN, -1, A_BOLD, A_BOLD)

enum line_type {
#define LINE_ENUM(id, fg, bg, ac, am) LINE_##id,
	UI_LINES(LINE_ENUM)
#undef LINE_ENUM
	LINE_COUNT
};

/* Redraw and change flags returned by request handlers. */
enum redraw {
	RD_NONE = 0,
	RD_LIST = 1 << 0,
	RD_TREE = 1 << 1,
	RD_HEX = 1 << 2,
	RD_STATUS = 1 << 3,
	RD_ALL = 0xff,
	EV_ROW = 1 << 8,      /* the selected row (frame / pair) changed */
	EV_NODE = 1 << 9,     /* the selected field changed */
	EV_QUIT = 1 << 10,
	EV_UNHANDLED = 1 << 11,
};

struct rect {
	int y, x, h, w;
};

/* ---- term.c: screen, colours, text ---- */

/* Enters curses mode. Returns 0, or -1 with a reason. */
int term_start(bool no_color, char *err, size_t errlen);
void term_stop(void);
attr_t line_attr(enum line_type t);
/*
 * Draws s (UTF-8) at (y, x) clipped to w columns, padding with spaces to w
 * when pad; control characters show as '?'. Returns the columns used.
 */
int put_text(int y, int x, int w, const char *s, attr_t a, bool pad);
/* put_text of s without its first skip columns (horizontal scrolling). */
int put_text_at(int y, int x, int w, const char *s, int skip, attr_t a, bool pad);
/* The new horizontal offset after a scroll request in a pane w columns
 * wide (half a pane per step, as less does); draw clamps it. */
int hscroll_step(int off, enum request req, int w);
/* Largest useful offset for lines up to maxw columns in w. */
int hscroll_clamp(int off, int maxw, int w);
/* put_text of a printf result. */
int put_fmt(int y, int x, int w, attr_t a, bool pad, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Display width of a UTF-8 string. */
int text_width(const char *s);
/* Reads a key; KEY_RESIZE on SIGWINCH. */
int term_key(void);
/*
 * Background work between key presses (indexing, comparing): when a key is
 * waiting it is returned at once; else work(ctx) runs one slice (a few
 * tens of milliseconds) and UI_KEY_WORK is returned so that the caller
 * redraws what the slice changed. work NULL: blocks like term_key().
 */
#define UI_KEY_WORK (KEY_MAX + 1)
int term_key_work(void (*work)(void *ctx), void *ctx);
/* Monotonic milliseconds, to bound work slices. */
uint64_t ui_now_ms(void);
/*
 * Line editor on the last screen line: prompt + text, Enter accepts
 * (returns 1), Escape / ^C / ^G cancels (returns 0). buf keeps the
 * initial text. hist, when not NULL, is the previous entry (Up recalls).
 */
int term_prompt(const char *prompt, char *buf, size_t n);
/*
 * The title bar (line 0): lead, then each label and path, then status,
 * "? help" on the right. Paths longer than their share of what status
 * leaves are shortened from the left ("…/name.pcap"), so that status
 * (counts, progress) stays whole; a status too long for the line is cut
 * at its end, so the parts that must stay go first in it.
 */
void title_draw(const char *lead, const char *const *label, const char *const *path, int np,
		const char *status);
/* A set of requests (help_screen's hidden ones). */
#define REQ_BIT(r) (UINT64_C(1) << (r))
/*
 * Help screen generated from req_table and the key map: the sections in
 * the sections bit set, without the requests in hidden (those that do
 * nothing in the calling view). Scrolls (j k PgDn PgUp g G) when longer
 * than the screen, the last line saying what is below. Returns on q/?/Esc.
 */
void help_screen(const struct keymap *km, const char *title, unsigned sections,
		 uint64_t hidden);
/* Too small terminal notice; true when the screen is too small. */
bool term_too_small(void);

/*
 * The main loop of a screen (the browser, the comparison): draw, read a
 * key (running work between keys while busy says there is some), count
 * prefixes, map the key to a request and dispatch it, until dispatch
 * says EV_QUIT or q is pressed on a too-small terminal. The screens differ
 * only in these operations.
 */
struct uimsg;
struct ui_loop {
	void *ctx;
	const struct keymap *km;
	struct uimsg *m;            /* status message, cleared at every key */
	long *count;                /* the count typed so far (the status shows it) */
	void (*draw)(void *ctx);
	bool (*busy)(void *ctx);    /* background work left */
	void (*work)(void *ctx);    /* one slice of it */
	/* Once per key read (not for work slices), before it is handled. */
	void (*on_key)(void *ctx);
	/* Escape: the request it means here, or REQ_NONE (drops the count). */
	enum request (*escape)(void *ctx);
	unsigned (*dispatch)(void *ctx, enum request req, long count);
};
void ui_loop_run(const struct ui_loop *l);

/* ---- views ---- */

struct view;
struct view_ops {
	const char *name;
	/* (Re)loads data after the model or selection changed. */
	unsigned (*open)(struct view *v);
	void (*draw)(struct view *v, struct rect r, bool focused);
	/* Handles a request; EV_UNHANDLED when not for this view. */
	unsigned (*request)(struct view *v, enum request req);
};

struct view {
	const struct view_ops *ops;
	void *ctx;     /* the view's state (struct plist, struct ftree...) */
	struct rect r; /* last drawn rectangle (page size for paging) */
};

/* Moves a cursor in [0, n) and keeps top so that cur is visible in h rows.
 * Returns true when cur moved. */
bool scroll_move(size_t *cur, size_t *top, size_t n, size_t h, long delta);
void scroll_fix(size_t cur, size_t *top, size_t n, size_t h);

/* ---- tree.c: one frame's field tree, flattened for display ---- */

struct frow {
	struct node *n;
	uint64_t key;   /* expansion key: hash of the name path */
	uint16_t depth;
};

/* Colours of a tree row beyond the defaults (compare view marks). */
typedef enum line_type (*ftree_mark_fn)(void *ctx, const struct node *n);

struct ftree {
	struct arena a;          /* the tree (owned) */
	struct node *root;       /* top-level protocol nodes are its children */
	struct hmap *expanded;   /* shared expansion state, by key */
	struct frow *rows;
	size_t nrows, cap;
	size_t cur, top;
	ftree_mark_fn mark;
	void *mark_ctx;
	const char *empty;       /* text shown without a tree */
	const char *title;       /* pane title */
	int hscroll;             /* columns scrolled to the right */
};

void ftree_init(struct ftree *ft, struct hmap *expanded);
void ftree_free(struct ftree *ft);
/* Marks the nodes at path ("request/smb2": names, or labels of text
 * items, from the top) expanded in an expansion set. */
void ftree_expand_path(struct hmap *expanded, const char *path);
/* Drops the tree (arena reset) before a new one is built into ft->a. */
void ftree_clear(struct ftree *ft);
/* Takes root (built in ft->a) and flattens it; the cursor goes to top. */
void ftree_set(struct ftree *ft, struct node *root);
/* Rebuilds the visible rows after expansion changes, keeping the cursor
 * on the same node when it is still visible. */
void ftree_reflow(struct ftree *ft);
struct node *ftree_node(const struct ftree *ft);
/* Expands the ancestors of n and puts the cursor on it. */
void ftree_reveal(struct ftree *ft, struct node *n);
/* Cursor on the first row showing node n or the nearest visible ancestor. */
void ftree_select(struct ftree *ft, const struct node *n);
/* "name == value" for a field, usable as a filter, into buf. */
const char *field_filter_text(const struct node *n, char *buf, size_t len);
/* Case-insensitive substring search in label and show of n. */
bool node_matches(const struct node *n, const char *pat);
/* Depth-first successor / predecessor within the whole tree (not only
 * visible rows), NULL at the end. */
struct node *node_next(struct node *n);
struct node *node_prev(struct node *root, struct node *n);

extern const struct view_ops ftree_ops;

/* ---- hex.c: bytes of the selected frame ---- */

struct hexview {
	struct trace *t;
	size_t frame;            /* frame index */
	bool have_frame;
	const struct node *sel;  /* selected field (highlight), or NULL */
	struct node *root;       /* tree of the frame (maps nodes to PDUs) */
	size_t top;              /* first line shown */
	size_t nlines;           /* lines of the last layout */
	int bpl;                 /* bytes per line of the last layout */
	bool follow;             /* scroll to the highlight on next draw */
};

extern const struct view_ops hex_ops;

/* ---- find.c: messages, prompts and searches both views share ---- */

/* textview.c: a text on the whole screen, scrolled; q or Esc closes it. */
struct textview {
	bool shown;
	char title[512];
	char *text;     /* owned; lines point into it */
	char **line;
	size_t n, top, h;
	int hscroll;
	int freeze;     /* first columns kept in place when scrolling right */
};
void textview_open(struct textview *v, const char *title, char *text, size_t len);
void textview_close(struct textview *v);
void textview_draw(struct textview *v);
unsigned textview_request(struct textview *v, enum request req, long count);
/* Opens v on the statistics (stats.h) of a, or a and b side by side.
 * False when out of memory. */
struct opset;
bool textview_stats(struct textview *v, const struct opset *a, const struct opset *b,
		    const char *title);

struct uimsg {
	char text[512]; /* status line message, "" when none */
	bool err;
};

void ui_msg(struct uimsg *m, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Draws the message on the status line. */
void ui_msg_draw(const struct uimsg *m);
/* Case-insensitive substring. */
bool str_icase_contains(const char *hay, const char *needle);
/*
 * The next (dir > 0) or previous field of the tree under root that shows
 * pat in its name, label or value, after (before) from; from NULL starts
 * at the first (last) field. Hidden fields are skipped. NULL when none.
 */
struct node *tree_find(struct node *root, struct node *from, int dir, const char *pat);
/*
 * The first row after (dir > 0) or before cur, among n rows and wrapping
 * once, for which match(ctx, row) holds; *wrapped tells whether it
 * wrapped. SIZE_MAX when no row matches (cur itself is tried last).
 */
size_t find_row(size_t n, size_t cur, int dir, bool (*match)(void *ctx, size_t row),
		void *ctx, bool *wrapped);
/* "/" prompt: true with a new pattern in pat (unchanged when cancelled). */
bool ask_search(char *pat, size_t n);
/* Frame number prompt: 1 with *num, 0 when cancelled, -1 (message) when
 * not a number. */
int ask_frame(const char *prompt, uint32_t *num, struct uimsg *m);
/*
 * Display filter prompt, starting from text: 1 with the new filter in *out
 * (NULL: the user cleared it) and its text in text, 0 when cancelled, -1
 * with "Bad filter: reason" in m. The caller owns *out (filter_free).
 */
struct filter;
int ask_filter(char *text, size_t n, struct filter **out, struct uimsg *m);

#endif
