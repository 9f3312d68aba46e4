/*
 * engine.h - choosing the dissection engine (--engine=native|tshark|auto)
 * and the tshark frame source.
 *
 *   native  smbcmp's own dissectors only (dissect/).
 *   tshark  the whole trace dissected by tshark (tshark.h): the frames are
 *           those tshark shows with an nbss, smb or smb2 layer
 *           (ENGINE_TSHARK_FILTER), with the same JSON/text output.
 *   auto    native trees, plus tshark's subtrees for what the native engine
 *           leaves undissected (graft.h); native alone when the trace has
 *           no such payload or tshark is missing (with a note).
 */
#ifndef SMBCMP_ENGINE_H
#define SMBCMP_ENGINE_H

#include "output.h"
#include "tshark.h"

enum engine { ENGINE_AUTO, ENGINE_NATIVE, ENGINE_TSHARK };

#define ENGINE_TSHARK_FILTER "nbss || smb || smb2"

/* "native", "tshark", "auto" -> *e; -1 for anything else. */
int engine_parse(const char *s, enum engine *e);

/* Frames of a tshark run as a frame_src (output.h). */
struct tshark_src {
	struct frame_src base;
	struct tshark *ts;
	struct ts_frame tf;
	char err[512];
	bool failed;
};

int tshark_src_open(struct tshark_src *s, const char *path, const struct ts_opts *o,
		    char *err, size_t errlen);
/* Ends the run; 0, or -1 with the reason in err (also when next() failed). */
int tshark_src_close(struct tshark_src *s, struct ts_stats *st, char *err, size_t errlen);

/*
 * smbcmp's keys for tshark (tshark.h: they go to a private configuration
 * directory, never on its command line): one smb2_seskey_list UAT line
 * SESID,SESSIONKEY,S2C,C2S per SMB3 key, and the preference
 * ntlmssp.nt_password for the first password (one without a line break).
 * malloc'd (engine_free_secrets, which overwrites them); NULL when there
 * are no keys.
 */
struct ts_secrets *engine_secrets(const struct smb_keyring *ring);
void engine_free_secrets(struct ts_secrets *sec);

enum engine_out { EOUT_JSON, EOUT_TEXT, EOUT_LIST };

/*
 * Prints the capture at path with the tshark engine. Returns the exit
 * status: 0, or 2 with one line on stderr (tshark missing or failing).
 */
int engine_print_tshark(const char *path, enum engine_out how, const struct ts_secrets *sec,
			FILE *f);

/*
 * Looks names[0..n) up in tshark's registry of fields and protocols
 * (tshark -G fields): sets known[i] for each one it has. Returns 0, or -1
 * with a one-line reason in err (tshark missing: tsproc.h's message).
 */
int engine_tshark_fields(const char *const *names, size_t n, bool *known, char *err,
			 size_t errlen);

#endif
