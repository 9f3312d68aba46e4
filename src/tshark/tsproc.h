/*
 * tsproc.h - running tshark as a child process.
 *
 * tshark is started with fork() and execvpe() on an argument vector (never
 * through a shell), with TZ=UTC in its environment, stdin from /dev/null,
 * stdout on a pipe the caller reads and stderr in an anonymous temporary
 * file (a file, not a pipe: a chatty child can never block on it while we
 * read its stdout). The caller reads stdout until EOF, then calls
 * tsproc_wait(), which reaps the child and, on failure, turns its stderr
 * into one line. tsproc_kill() ends a child whose output is no longer
 * wanted; it never hangs either.
 */
#ifndef SMBCMP_TSPROC_H
#define SMBCMP_TSPROC_H

#include <stddef.h>
#include <sys/types.h>

struct tsproc {
	pid_t pid;   /* 0 when not running */
	int out;     /* read end of the child's stdout, -1 when closed */
	int errfd;   /* the child's stderr (temporary file), -1 when closed */
};

/*
 * Starts argv[0] (looked up in PATH) with argv. Returns 0, or -1 with a
 * one-line reason in err. A missing program gives "tshark not found:
 * install the tshark package, or use --engine=native" (and the caller may
 * test errno == ENOENT).
 */
int tsproc_start(struct tsproc *p, char *const argv[], char *err, size_t errlen);
/* The same with one more environment variable, setvar ("NAME=value"),
 * replacing any NAME the caller's environment has; NULL for none. */
int tsproc_start_env(struct tsproc *p, char *const argv[], const char *setvar, char *err,
		     size_t errlen);

/*
 * Closes stdout if still open, reaps the child. Returns 0 if it exited
 * with status 0; otherwise -1 with "tshark failed (exit N): <stderr line>"
 * in err.
 */
int tsproc_wait(struct tsproc *p, char *err, size_t errlen);

/* Stops the child (SIGTERM, then SIGKILL after a short grace) and reaps it. */
void tsproc_kill(struct tsproc *p);

/*
 * For a reader that gave up early (bad output): closes stdout, gives the
 * child half a second to exit on its own, then kills it. Returns -1 with
 * tsproc_wait()'s message if it had exited with a failure by itself (its
 * complaint explains the bad output best), else 0.
 */
int tsproc_stop(struct tsproc *p, char *err, size_t errlen);

/*
 * Runs argv to completion and returns its stdout (at most max bytes,
 * NUL-terminated, malloc'd; the caller frees), or NULL with err set.
 */
char *tsproc_capture(char *const argv[], size_t max, char *err, size_t errlen);

#endif
