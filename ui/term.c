/*
 * term.c - curses setup, the line-type attribute table, UTF-8 text
 * drawing, the prompt line and the generated help screen.
 *
 * The attribute table is the one piece of process state here: curses
 * itself is a per-process singleton, so the attributes computed for it at
 * term_start() live beside it.
 */
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "uipriv.h"

#define MIN_COLS 80
#define MIN_LINES 24

static attr_t line_attrs[LINE_COUNT];
static SCREEN *screen;

static const struct {
	short fg, bg;
	attr_t colour, mono;
} line_defs[LINE_COUNT] = {
#define LINE_ROW(id, f, b, ac, am) [LINE_##id] = { f, b, ac, am },
	UI_LINES(LINE_ROW)
#undef LINE_ROW
};

int term_start(bool no_color, char *err, size_t errlen)
{
	setlocale(LC_CTYPE, "");
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		no_color = true;
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		snprintf(err, errlen, "cannot use the terminal (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "unset");
		return -1;
	}
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	bool colour = !no_color && has_colors() && start_color() == OK;
	if (colour)
		use_default_colors();
	for (int i = 0; i < LINE_COUNT; i++) {
		if (!colour) {
			line_attrs[i] = line_defs[i].mono;
			continue;
		}
		line_attrs[i] = line_defs[i].colour;
		if (line_defs[i].fg != -1 || line_defs[i].bg != -1) {
			init_pair((short)(i + 1), line_defs[i].fg, line_defs[i].bg);
			line_attrs[i] |= COLOR_PAIR(i + 1);
		}
	}
	return 0;
}

void term_stop(void)
{
	endwin();
	delscreen(screen);
	screen = NULL;
}

attr_t line_attr(enum line_type t)
{
	return t < LINE_COUNT ? line_attrs[t] : A_NORMAL;
}

bool term_too_small(void)
{
	if (COLS >= MIN_COLS && LINES >= MIN_LINES)
		return false;
	erase();
	put_fmt(0, 0, COLS, A_BOLD, true, "smbcmp needs %dx%d", MIN_COLS, MIN_LINES);
	put_fmt(1, 0, COLS, A_NORMAL, true, "(now %dx%d)", COLS, LINES);
	put_text(2, 0, COLS, "q quits", A_NORMAL, true);
	refresh();
	return true;
}

/* Decodes one character; returns bytes used (>= 1) and a printable wc. */
static size_t next_char(const char *s, wchar_t *wc, int *width)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t k = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	int cw = wcwidth(*wc);
	if (cw < 0 || *wc < 32 || (*wc >= 0x7f && *wc < 0xa0)) {
		*wc = L'?';
		cw = 1;
	}
	*width = cw;
	return k;
}

int text_width(const char *s)
{
	int w = 0, cw;
	wchar_t wc;
	while (*s) {
		s += next_char(s, &wc, &cw);
		w += cw;
	}
	return w;
}

int put_text_at(int y, int x, int w, const char *s, int skip, attr_t a, bool pad)
{
	wchar_t buf[512];
	int col = 0, cw;
	size_t n = 0;
	wchar_t wc;

	if (w <= 0 || y < 0 || y >= LINES)
		return 0;
	/* Skip columns; a wide character cut in two shows as spaces. */
	while (s && *s && skip > 0) {
		s += next_char(s, &wc, &cw);
		skip -= cw;
	}
	for (; skip < 0 && col < w; skip++, col++)
		buf[n++] = L' ';
	while (s && *s && n < sizeof(buf) / sizeof(buf[0]) - 1) {
		size_t k = next_char(s, &wc, &cw);
		if (col + cw > w)
			break;
		buf[n++] = wc;
		col += cw;
		s += k;
	}
	while (pad && col < w && n < sizeof(buf) / sizeof(buf[0]) - 1) {
		buf[n++] = L' ';
		col++;
	}
	buf[n] = 0;
	attrset(a);
	mvaddnwstr(y, x, buf, (int)n);
	attrset(A_NORMAL);
	return col;
}

int put_text(int y, int x, int w, const char *s, attr_t a, bool pad)
{
	return put_text_at(y, x, w, s, 0, a, pad);
}

int hscroll_step(int off, enum request req, int w)
{
	int step = w / 2 > 8 ? w / 2 : 8;
	if (req == REQ_SCROLL_HOME)
		return 0;
	if (req == REQ_SCROLL_LEFT || req == REQ_COLLAPSE)
		return off > step ? off - step : 0;
	return off + step;
}

int hscroll_clamp(int off, int maxw, int w)
{
	int lim = maxw > w ? maxw - w : 0;
	return off < 0 ? 0 : off > lim ? lim : off;
}

int put_fmt(int y, int x, int w, attr_t a, bool pad, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put_text(y, x, w, buf, a, pad);
}

int term_key(void)
{
	return getch();
}

int term_key_work(void (*work)(void *ctx), void *ctx)
{
	if (!work)
		return getch();
	timeout(0);
	int k = getch();
	timeout(-1);
	if (k != ERR)
		return k;
	work(ctx);
	return UI_KEY_WORK;
}

uint64_t ui_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Removes the last UTF-8 character of buf. */
static void drop_char(char *buf)
{
	size_t n = strlen(buf);
	while (n && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
		n--;
	if (n)
		n--;
	buf[n] = '\0';
}

int term_prompt(const char *prompt, char *buf, size_t n)
{
	int y = LINES - 1;
	int ret = 0;

	curs_set(1);
	for (;;) {
		int pw = put_text(y, 0, COLS, prompt, A_BOLD, false);
		/* Show the tail of the text when it is wider than the line. */
		const char *show = buf;
		while (text_width(show) > COLS - pw - 1 && *show) {
			show++;
			while (((unsigned char)*show & 0xc0) == 0x80)
				show++;
		}
		int tw = put_text(y, pw, COLS - pw, show, A_NORMAL, true);
		move(y, pw + tw);
		refresh();
		wint_t ch;
		int r = get_wch(&ch);
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES) {
			if (ch == KEY_BACKSPACE)
				drop_char(buf);
			else if (ch == KEY_ENTER) {
				ret = 1;
				break;
			} else if (ch == KEY_RESIZE)
				continue;
			continue;
		}
		if (ch == '\n' || ch == '\r') {
			ret = 1;
			break;
		}
		if (ch == 27 || ch == CTRL('c') || ch == CTRL('g'))
			break;
		if (ch == 127 || ch == CTRL('h')) {
			if (!*buf)
				break; /* backspace on empty line cancels, like less */
			drop_char(buf);
		} else if (ch == CTRL('u')) {
			buf[0] = '\0';
		} else if (ch >= 32) {
			char mb[MB_LEN_MAX];
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t k = wcrtomb(mb, (wchar_t)ch, &st);
			size_t len = strlen(buf);
			if (k != (size_t)-1 && len + k < n) {
				memcpy(buf + len, mb, k);
				buf[len + k] = '\0';
			}
		}
	}
	curs_set(0);
	return ret;
}

/* Bytes of the longest head of s that fits in w columns. */
static size_t head_fitting(const char *s, int w)
{
	size_t n = 0;
	int used = 0, cw;
	wchar_t wc;
	while (s[n]) {
		size_t k = next_char(s + n, &wc, &cw);
		if (used + cw > w)
			break;
		used += cw;
		n += k;
	}
	return n;
}

/* p in at most w columns: whole, else "…/" and its longest tail of whole
 * path components that fits, else "…/" and the start of its name cut
 * with "…" (the start tells names apart more often than the end). */
static void short_path(const char *p, int w, char *out, size_t n)
{
	if (text_width(p) <= w) {
		snprintf(out, n, "%s", p);
		return;
	}
	for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/'))
		if (s[1] && text_width(s + 1) + 2 <= w) {
			snprintf(out, n, "…/%s", s + 1);
			return;
		}
	const char *base = strrchr(p, '/');
	base = base && base[1] ? base + 1 : p;
	const char *pre = base == p ? "" : "…/";
	int room = w - (base == p ? 0 : 2) - 1;
	snprintf(out, n, "%s%.*s…", pre, (int)head_fitting(base, room > 0 ? room : 0), base);
}

#define TITLE_PATH_MIN 12 /* columns a path keeps however narrow the title */

void title_draw(const char *lead, const char *const *label, const char *const *path, int np,
		const char *status)
{
	int w = COLS - 8; /* a space and "? help " on the right */
	int fixed = text_width(lead) + text_width(status), want = 0, pw[4];
	np = np < 4 ? np : 4;
	for (int i = 0; i < np; i++) {
		fixed += text_width(label[i]);
		want += pw[i] = text_width(path[i]);
	}
	int room = w - fixed;
	if (want > room) {
		/* Equal shares, what a short path leaves going to the others. */
		int left = room, k = np;
		bool fits[4] = { false };
		for (bool again = true; again;) {
			again = false;
			for (int i = 0; i < np; i++)
				if (!fits[i] && k && pw[i] <= left / k) {
					fits[i] = again = true;
					left -= pw[i];
					k--;
				}
		}
		for (int i = 0; i < np; i++)
			if (!fits[i]) {
				pw[i] = k ? left / k : 0;
				pw[i] = pw[i] < TITLE_PATH_MIN ? TITLE_PATH_MIN : pw[i];
			}
	}
	char t[2048], sp[1024];
	size_t o = (size_t)snprintf(t, sizeof(t), "%s", lead);
	for (int i = 0; i < np && o < sizeof(t); i++) {
		short_path(path[i], pw[i], sp, sizeof(sp));
		o += (size_t)snprintf(t + o, sizeof(t) - o, "%s%s", label[i], sp);
	}
	if (o < sizeof(t))
		snprintf(t + o, sizeof(t) - o, "%s", status);
	put_text(0, 0, COLS, t, line_attr(LINE_TITLE), true);
	put_text(0, COLS - 7, 7, "? help ", line_attr(LINE_TITLE), true);
}

static bool add_key(char *out, size_t n, size_t *len, int k)
{
	char kn[32];
	ui_key_name(k, kn, sizeof(kn));
	int w = snprintf(out + *len, n - *len, "%s%s", *len ? " " : "", kn);
	if (w < 0 || (size_t)w >= n - *len)
		return false;
	*len += (size_t)w;
	return true;
}

/* The keys bound to r in km, space separated: the default keys still
 * bound, in table order, then the keys the config added. */
static void keys_of(const struct keymap *km, enum request r, char *out, size_t n)
{
	const int *dk = req_table[r].keys;
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < REQ_MAXKEYS && dk[i]; i++)
		if (dk[i] != '\r' && dk[i] != KEY_ENTER && keymap_get(km, dk[i]) == r &&
		    !add_key(out, n, &len, dk[i]))
			return;
	for (int k = 1; k < KEYMAP_SIZE; k++) {
		if (km->req[k] != r)
			continue;
		bool dflt = false;
		for (int i = 0; i < REQ_MAXKEYS && dk[i]; i++)
			dflt |= dk[i] == k;
		if (!dflt && !add_key(out, n, &len, k))
			return;
	}
}

void help_screen(const struct keymap *km, const char *title, unsigned sections,
		 uint64_t hidden)
{
	char lines[REQ_COUNT + 16][160];
	enum line_type types[REQ_COUNT + 16];
	size_t nl = 0, top = 0;

	for (int s = 0; req_sections[s]; s++) {
		if (!(sections & (1u << s)))
			continue;
		if (nl)
			types[nl] = LINE_DEFAULT, lines[nl++][0] = '\0';
		types[nl] = LINE_PROTO;
		snprintf(lines[nl++], sizeof(lines[0]), "%s", req_sections[s]);
		for (int r = 1; r < REQ_COUNT; r++) {
			if (req_table[r].section != s || (hidden & REQ_BIT(r)))
				continue;
			char keys[64];
			keys_of(km, (enum request)r, keys, sizeof(keys));
			types[nl] = LINE_DEFAULT;
			snprintf(lines[nl++], sizeof(lines[0]), "  %-18s %-14s %s", keys,
				 req_table[r].name, req_table[r].help);
		}
	}
	for (;;) {
		erase();
		size_t h = LINES > 2 ? (size_t)LINES - 2 : 1;
		size_t last = nl > h ? nl - h : 0;
		top = top < last ? top : last;
		put_fmt(0, 0, COLS, line_attr(LINE_TITLE), true, "%s — keys (q to close)", title);
		for (size_t i = 0; i < h && top + i < nl; i++)
			put_text((int)i + 1, 0, COLS, lines[top + i], line_attr(types[top + i]), true);
		if (top + h < nl) /* what is below, on the status line */
			put_fmt(LINES - 1, 0, COLS, line_attr(LINE_STATUS) | A_BOLD, true,
				"-- more: %zu lines below (j, Down, PgDn, Space, G) --", nl - top - h);
		else
			put_text(LINES - 1, 0, COLS,
				 "Rebind in ~/.config/smbcmp/config, [keys] section: name = key ...",
				 line_attr(LINE_STATUS), true);
		refresh();
		int k = term_key();
		if (k == 'q' || k == 'Q' || k == 27 || k == '?' || k == KEY_F(1))
			return;
		if (k == 'j' || k == KEY_DOWN || k == CTRL('n'))
			top = top < last ? top + 1 : last;
		else if ((k == 'k' || k == KEY_UP || k == CTRL('p')) && top)
			top--;
		else if (k == KEY_NPAGE || k == ' ' || k == CTRL('f') || k == CTRL('d'))
			top = top + h < last ? top + h : last;
		else if (k == KEY_PPAGE || k == CTRL('b') || k == CTRL('u'))
			top = top > h ? top - h : 0;
		else if (k == 'g' || k == KEY_HOME || k == '<')
			top = 0;
		else if (k == 'G' || k == KEY_END || k == '>')
			top = last;
	}
}

bool scroll_move(size_t *cur, size_t *top, size_t n, size_t h, long delta)
{
	if (!n)
		return false;
	size_t old = *cur;
	long c = (long)*cur + delta;
	if (c < 0)
		c = 0;
	if ((size_t)c >= n)
		c = (long)n - 1;
	*cur = (size_t)c;
	scroll_fix(*cur, top, n, h);
	return *cur != old;
}

void scroll_fix(size_t cur, size_t *top, size_t n, size_t h)
{
	if (!h)
		h = 1;
	if (cur < *top)
		*top = cur;
	else if (cur >= *top + h)
		*top = cur - h + 1;
	if (n > h && *top > n - h)
		*top = n - h;
	if (n <= h)
		*top = 0;
}

bool str_icase_contains(const char *hay, const char *needle)
{
	return hay && needle && strcasestr(hay, needle) != NULL;
}

void ui_loop_run(const struct ui_loop *l)
{
	long *count = l->count;
	for (;;) {
		if (!term_too_small())
			l->draw(l->ctx);
		int key = term_key_work(l->busy(l->ctx) ? l->work : NULL, l->ctx);
		if (key == UI_KEY_WORK)
			continue;
		l->m->text[0] = '\0';
		if (l->on_key)
			l->on_key(l->ctx);
		if (key == KEY_RESIZE || key == ERR)
			continue;
		if (term_too_small()) {
			if (key == 'q' || key == 'Q')
				break;
			continue;
		}
		enum request req = keymap_get(l->km, key);
		if (req == REQ_NONE && key >= '0' && key <= '9') {
			if (*count < 100000000)
				*count = *count * 10 + (key - '0');
			continue;
		}
		if (req == REQ_NONE && key == 27) { /* Escape: the screen's meaning, or drops a count */
			req = l->escape ? l->escape(l->ctx) : REQ_NONE;
			if (req == REQ_NONE) {
				*count = 0;
				continue;
			}
		}
		long n = *count;
		*count = 0;
		if (req == REQ_NONE) {
			char kn[32];
			ui_msg(l->m, true, "Key %s is not bound (? for help)", ui_key_name(key, kn, sizeof(kn)));
			continue;
		}
		if (l->dispatch(l->ctx, req, n) & EV_QUIT)
			break;
	}
}
