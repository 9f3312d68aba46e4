/*
 * mask.h - which fields the differ compares, ignores, or treats as ids.
 *
 * A rule is a glob pattern (fnmatch(3), case-insensitive) on a field name
 * with an action. Rules are tried in order and the LAST matching rule
 * wins, so later sources override earlier ones: built-in defaults, then
 * the user config file, then --mask / --unmask flags in command-line order.
 *
 *   ignore  the field (and its subtree) is volatile: never a difference
 *   id      an identifier: equal when consistently renamed (A's value X
 *           always where B has Y); inconsistent use is a difference
 *   compare the value is compared as is (what --unmask adds)
 *
 * Config file ($XDG_CONFIG_HOME/smbcmp/config, else ~/.config/smbcmp/config),
 * INI format:
 *
 *   [masks]
 *   defaults = no          ; drop the built-in rules
 *   mask = smb2.create.action
 *   unmask = smb2.credits.granted
 *   id = smb2.lease.lease_key
 */
#ifndef SMBCMP_MASK_H
#define SMBCMP_MASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hmap.h"
#include "tree.h"

enum mask_action { MASK_COMPARE, MASK_IGNORE, MASK_ID };
enum mask_source { MSRC_DEFAULT, MSRC_CONFIG, MSRC_FLAG };

struct mask_rule {
	const char *pattern;
	uint8_t action; /* enum mask_action */
	uint8_t source; /* enum mask_source */
	bool owned;     /* pattern is a copy, freed with the rules (not a default's) */
};

struct masks {
	struct mask_rule *r;
	size_t n, cap;
	uint8_t *cache;  /* per field id: 0 unknown, else action + 1 */
	struct hmap names; /* names without a field id (DCE/RPC): hash of
			      the name -> struct mask_name (malloc) */
	bool names_busy;   /* a thread is using names (mask.c) */
	char *config_path; /* config file read, or NULL */
};

void masks_init(struct masks *m);
void masks_free(struct masks *m);
/* Appends a rule (pattern copied). */
void masks_add(struct masks *m, const char *pattern, enum mask_action action,
	       enum mask_source source);
void masks_add_defaults(struct masks *m);
/*
 * Reads the user config. path NULL means the default location; a missing
 * file is not an error. *defaults is set to false by "defaults = no".
 * Returns 0, or -1 with a one-line reason in err.
 */
int masks_read_config(struct masks *m, const char *path, bool *defaults,
		      char *err, size_t errlen);
/*
 * The config file's name: path itself when not NULL, else
 * $XDG_CONFIG_HOME/smbcmp/config, else $HOME/.config/smbcmp/config,
 * written to buf (n bytes); NULL when neither variable is set. The file
 * is INI as libinih reads it (section names in any case):
 * [masks] here, [keys] in ui/keys.c, each reader skipping the other's.
 */
const char *config_file_name(const char *path, char *buf, size_t n);
/* Action for a field name. */
enum mask_action masks_name(const struct masks *m, const char *name);
/* Action for a node (cached per field id, or per name for names outside
 * the field registry). Nameless nodes: compare. Safe from several threads
 * at once, while no rule is added. */
enum mask_action masks_node(struct masks *m, const struct node *n);
const char *mask_action_name(enum mask_action a);
const char *mask_source_name(enum mask_source s);
/* Prints the active rules, one per line: action, pattern, source. */
void masks_print(const struct masks *m, FILE *f);

#endif
