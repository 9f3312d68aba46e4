/*
 * curseslib.h - ncursesw, loaded when the UI starts.
 *
 * Only the UI draws, and loading libncursesw and libtinfo (their
 * relocations, a dozen page faults) cost every non-UI process - a small
 * capture's --json - more than a tenth of its instructions. So they are not
 * linked: ui/ includes this header instead of <curses.h>; it includes
 * <curses.h> for the types, constants and macros and redirects each
 * function and variable we use to a pointer dlsym()ed on first use (as
 * dissect/nettlelib.h does for nettle and dissect/pcapfile.c for libpcap).
 * Code reads as plain curses; a name missing from the list below is an
 * undefined symbol at link time.
 *
 * A libncursesw that cannot be loaded (a broken installation: the package
 * depends on it) ends the process with status 2 and the loader's reason
 * when the UI starts, as the dynamic loader would have at start.
 */
#ifndef SMBCMP_CURSESLIB_H
#define SMBCMP_CURSESLIB_H

#include <curses.h>

/* X(name): the function or variable name is used. */
#define CURSES_FUNCS(X)                                                        \
	X(cbreak) X(clearok) X(curs_set) X(curses_version) X(delscreen)        \
	X(endwin) X(has_colors) X(init_pair) X(keypad) X(napms) X(newterm)     \
	X(noecho) X(nonl) X(set_escdelay) X(start_color) X(ungetch)            \
	X(use_default_colors) X(waddnwstr) X(wattrset) X(werase) X(wget_wch)   \
	X(wgetch) X(wmove) X(wrefresh) X(wtimeout)
#define CURSES_VARS(X) X(COLS) X(LINES) X(curscr) X(stdscr)

struct curseslib {
#define CURSES_SLOT(f) __typeof__(f) *p_##f;
	CURSES_FUNCS(CURSES_SLOT)
	CURSES_VARS(CURSES_SLOT)
#undef CURSES_SLOT
};

/* The loaded library (loads it on the first call; thread-safe). */
const struct curseslib *curseslib(void);
/* curses_version(), or a line saying why the library could not be loaded
 * (--version); never ends the process. */
const char *curseslib_version(void);

/* Each name used above, redirected to its loaded pointer. */
#undef cbreak
#define cbreak (curseslib()->p_cbreak)
#undef clearok
#define clearok (curseslib()->p_clearok)
#undef curs_set
#define curs_set (curseslib()->p_curs_set)
#undef curses_version
#define curses_version (curseslib()->p_curses_version)
#undef delscreen
#define delscreen (curseslib()->p_delscreen)
#undef endwin
#define endwin (curseslib()->p_endwin)
#undef has_colors
#define has_colors (curseslib()->p_has_colors)
#undef init_pair
#define init_pair (curseslib()->p_init_pair)
#undef keypad
#define keypad (curseslib()->p_keypad)
#undef napms
#define napms (curseslib()->p_napms)
#undef newterm
#define newterm (curseslib()->p_newterm)
#undef noecho
#define noecho (curseslib()->p_noecho)
#undef nonl
#define nonl (curseslib()->p_nonl)
#undef set_escdelay
#define set_escdelay (curseslib()->p_set_escdelay)
#undef start_color
#define start_color (curseslib()->p_start_color)
#undef ungetch
#define ungetch (curseslib()->p_ungetch)
#undef use_default_colors
#define use_default_colors (curseslib()->p_use_default_colors)
#undef waddnwstr
#define waddnwstr (curseslib()->p_waddnwstr)
#undef wattrset
#define wattrset (curseslib()->p_wattrset)
#undef werase
#define werase (curseslib()->p_werase)
#undef wget_wch
#define wget_wch (curseslib()->p_wget_wch)
#undef wgetch
#define wgetch (curseslib()->p_wgetch)
#undef wmove
#define wmove (curseslib()->p_wmove)
#undef wrefresh
#define wrefresh (curseslib()->p_wrefresh)
#undef wtimeout
#define wtimeout (curseslib()->p_wtimeout)
#undef COLS
#define COLS (*curseslib()->p_COLS)
#undef LINES
#define LINES (*curseslib()->p_LINES)
#undef curscr
#define curscr (*curseslib()->p_curscr)
#undef stdscr
#define stdscr (*curseslib()->p_stdscr)

#endif
