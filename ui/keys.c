/*
 * keys.c - requests, default key bindings, key names and the [keys]
 * section of the config file. Everything comes from UI_REQUESTS.
 *
 * Config file (same file as the differ's [masks]):
 *
 *   [keys]
 *   keys = smbcmp-classic     ; profile of the original Python smbcmp
 *   move-down = j Down
 *   quit = q ^C
 *
 * Binding a key to a request removes the key from any other request; a
 * request keeps its other default keys.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inilib.h"
#include "mask.h"
#include "uipriv.h"

const struct req_info req_table[REQ_COUNT] = {
	[REQ_NONE] = { "none", "", 0, { 0 } },
#define REQ_ROW(id, nm, sec, hl, ...) [REQ_##id] = { nm, hl, sec, { __VA_ARGS__, 0 } },
	UI_REQUESTS(REQ_ROW)
#undef REQ_ROW
};

const char *const req_sections[] = {
	"Moving", "Field tree", "Search and navigation", "Comparing two traces",
	"Panes", "General", NULL,
};

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
	for (int r = 1; r < REQ_COUNT; r++)
		for (int k = 0; k < REQ_MAXKEYS && req_table[r].keys[k]; k++)
			if (req_table[r].keys[k] > 0 && req_table[r].keys[k] < KEYMAP_SIZE)
				km->req[req_table[r].keys[k]] = (uint8_t)r;
}

enum request keymap_get(const struct keymap *km, int key)
{
	if (key <= 0 || key >= KEYMAP_SIZE)
		return REQ_NONE;
	return (enum request)km->req[key];
}

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Tab", '\t' }, { "Enter", '\n' }, { "Return", '\r' }, { "Space", ' ' },
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "S-Left", KEY_SLEFT }, { "S-Right", KEY_SRIGHT }, { "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },
	{ "Home", KEY_HOME }, { "End", KEY_END }, { "S-Tab", KEY_BTAB },
	{ "Enter", KEY_ENTER }, { "Esc", 27 }, { "Backspace", KEY_BACKSPACE },
};

const char *ui_key_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].key == key) {
			snprintf(buf, n, "%s", key_names[i].name);
			return buf;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, n, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 32)
		snprintf(buf, n, "^%c", key + '@');
	else if (key > 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "<%d>", key);
	return buf;
}

/* Key from its name; 0 when unknown. */
static int key_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (!strcasecmp(s, key_names[i].name))
			return key_names[i].key;
	if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1])) {
		int f = atoi(s + 1);
		return f >= 1 && f <= 12 ? KEY_F(f) : 0;
	}
	if (s[0] == '^' && s[1] && !s[2])
		return toupper((unsigned char)s[1]) & 0x1f;
	if (s[0] && !s[1] && (unsigned char)s[0] > 32 && (unsigned char)s[0] < 127)
		return s[0];
	return 0;
}

static enum request req_by_name(const char *name)
{
	for (int r = 1; r < REQ_COUNT; r++)
		if (!strcmp(req_table[r].name, name))
			return (enum request)r;
	return REQ_NONE;
}

static void bind(struct keymap *km, int key, enum request r)
{
	if (key > 0 && key < KEYMAP_SIZE)
		km->req[key] = (uint8_t)r;
}

/*
 * The Python smbcmp's keys, where they make sense in this UI: d/f move in
 * the left (list) pane, j/k in the right (tree) pane are plain moves since
 * the focused pane moves, b/n scroll, PgUp/PgDn move the split, a ignores
 * the field under the cursor.
 */
static void profile_classic(struct keymap *km)
{
	bind(km, 'd', REQ_MOVE_DOWN);
	bind(km, 'f', REQ_MOVE_UP);
	bind(km, 'b', REQ_PAGE_DOWN);
	bind(km, 'n', REQ_PAGE_UP);
	bind(km, KEY_NPAGE, REQ_GROW);
	bind(km, KEY_PPAGE, REQ_SHRINK);
	bind(km, 'a', REQ_MASK_FIELD);
	bind(km, 'F', REQ_FILTER);
	bind(km, '.', REQ_FIND_NEXT);
	bind(km, ',', REQ_FIND_PREV);
}

struct keycfg {
	struct keymap *km;
	bool bad;
};

/* One name = value of the config file (libinih): [keys] only, the rest is
 * the differ's (src/diff/mask.c). A '#' after white space starts a
 * comment, as ';' does. */
static int keys_line(void *user, const char *section, const char *name,
		     const char *value)
{
	struct keycfg *k = user;
	char val[1024];

	if (strcasecmp(section, "keys"))
		return 1;
	snprintf(val, sizeof(val), "%s", value);
	for (char *c = strchr(val, '#'); c; c = strchr(c + 1, '#'))
		if (c == val || isspace((unsigned char)c[-1])) {
			*c = '\0';
			break;
		}
	if (!strcmp(name, "keys")) {
		char *v = strtok(val, " \t");
		if (v && !strcmp(v, "smbcmp-classic") && !strtok(NULL, " \t"))
			profile_classic(k->km);
		else if (!v || strcmp(v, "default") || strtok(NULL, " \t"))
			goto bad;
		return 1;
	}
	enum request r = req_by_name(name);
	if (r == REQ_NONE)
		goto bad;
	for (char *tok = strtok(val, " \t"); tok; tok = strtok(NULL, " \t")) {
		int key = key_parse(tok);
		if (!key)
			goto bad;
		bind(k->km, key, r);
	}
	return 1;
bad:
	k->bad = true;
	return 0;
}

int keymap_load(struct keymap *km, const char *path, char *err, size_t errlen)
{
	char buf[4096];
	const char *name = config_file_name(path, buf, sizeof(buf));
	FILE *f = name ? fopen(name, "r") : NULL;

	if (!f) {
		if (path && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	struct keycfg k = { km, false };
	int line = ini_parse_file(f, keys_line, &k);
	fclose(f);
	if (line) {
		snprintf(err, errlen, "%s:%d: bad key binding", path ? path : "config", line);
		return -1;
	}
	return 0;
}
