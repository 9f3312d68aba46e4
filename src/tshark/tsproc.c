/* tsproc.c - running tshark as a child process; see tsproc.h. */
#include "tsproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Does environment entry e set the variable of "NAME=value" kv? */
static bool same_var(const char *e, const char *kv)
{
	size_t n = strcspn(kv, "=");
	return kv[n] == '=' && !strncmp(e, kv, n + 1);
}

/* environ with TZ replaced by TZ=UTC and, when set, the variable of
 * "NAME=value" setvar replaced by it; malloc'd array, strings shared. */
static char **utc_environ(const char *setvar)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = malloc((n + 3) * sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TZ=", 3) && !(setvar && same_var(environ[i], setvar)))
			env[k++] = environ[i];
	env[k++] = (char *)"TZ=UTC";
	if (setvar)
		env[k++] = (char *)setvar;
	env[k] = NULL;
	return env;
}

static void missing(const char *prog, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s not found: install the tshark package, or use --engine=native",
		 prog);
}

int tsproc_start(struct tsproc *p, char *const argv[], char *err, size_t errlen)
{
	return tsproc_start_env(p, argv, NULL, err, errlen);
}

int tsproc_start_env(struct tsproc *p, char *const argv[], const char *setvar, char *err,
		     size_t errlen)
{
	int out[2], status[2];
	char **env = utc_environ(setvar);
	FILE *errf = tmpfile();

	p->pid = 0;
	p->out = p->errfd = -1;
	if (!env || !errf) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		free(env);
		if (errf)
			fclose(errf);
		return -1;
	}
	if (pipe2(out, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		free(env);
		fclose(errf);
		return -1;
	}
	/* The exec-status pipe: closed by a successful exec, or carries errno. */
	if (pipe2(status, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		close(out[0]);
		close(out[1]);
		free(env);
		fclose(errf);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(errno));
		close(out[0]);
		close(out[1]);
		close(status[0]);
		close(status[1]);
		free(env);
		fclose(errf);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(fileno(errf), 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execvpe(argv[0], argv, env);
		int e = errno;
		ssize_t w = write(status[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close(out[1]);
	close(status[1]);
	free(env);
	int e = 0;
	ssize_t r;
	do
		r = read(status[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(status[0]);
	p->pid = pid;
	p->out = out[0];
	p->errfd = dup(fileno(errf));
	fclose(errf);
	if (r == (ssize_t)sizeof(e)) {
		int st;
		close(p->out);
		p->out = -1;
		waitpid(pid, &st, 0);
		p->pid = 0;
		if (p->errfd >= 0)
			close(p->errfd);
		p->errfd = -1;
		if (e == ENOENT)
			missing(argv[0], err, errlen);
		else
			snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

/* The child's stderr as one line: lines joined with "; ", the "Running as
 * user root" warning dropped, at most errlen bytes. */
static void stderr_line(int fd, char *buf, size_t n)
{
	char raw[2048];
	ssize_t len = pread(fd, raw, sizeof(raw) - 1, 0);
	size_t k = 0;

	buf[0] = 0;
	if (len <= 0)
		return;
	raw[len] = 0;
	for (char *save = NULL, *line = strtok_r(raw, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || strstr(line, "This could be dangerous"))
			continue;
		int w = snprintf(buf + k, n - k, "%s%s", k ? "; " : "", line);
		if (w < 0 || (size_t)w >= n - k)
			break;
		k += (size_t)w;
	}
}

/* Turns a wait status into 0 or -1 with the one-line message. */
static int verdict(const struct tsproc *p, int st, char *err, size_t errlen)
{
	char line[400];

	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	stderr_line(p->errfd, line, sizeof(line));
	if (WIFSIGNALED(st))
		snprintf(err, errlen, "tshark killed by signal %d%s%s", WTERMSIG(st),
			 line[0] ? ": " : "", line);
	else
		snprintf(err, errlen, "tshark failed (exit %d)%s%s", WEXITSTATUS(st),
			 line[0] ? ": " : "", line);
	return -1;
}

static void close_err(struct tsproc *p)
{
	if (p->errfd >= 0) {
		close(p->errfd);
		p->errfd = -1;
	}
}

int tsproc_wait(struct tsproc *p, char *err, size_t errlen)
{
	int st = 0, rc = 0;

	if (p->out >= 0) {
		close(p->out);
		p->out = -1;
	}
	if (p->pid > 0) {
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->pid = 0;
		rc = verdict(p, st, err, errlen);
	}
	close_err(p);
	return rc;
}

void tsproc_kill(struct tsproc *p)
{
	if (p->out >= 0) {
		close(p->out);
		p->out = -1;
	}
	if (p->pid > 0) {
		int st;
		kill(p->pid, SIGTERM);
		for (int i = 0; i < 50; i++) { /* 0.5 s grace */
			pid_t r = waitpid(p->pid, &st, WNOHANG);
			if (r == p->pid || (r < 0 && errno != EINTR))
				goto reaped;
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		}
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
reaped:
		p->pid = 0;
	}
	if (p->errfd >= 0) {
		close(p->errfd);
		p->errfd = -1;
	}
}

int tsproc_stop(struct tsproc *p, char *err, size_t errlen)
{
	int rc = 0;

	if (p->out >= 0) {
		close(p->out);
		p->out = -1;
	}
	for (int i = 0; p->pid > 0 && i < 50; i++) { /* 0.5 s to exit by itself */
		int st;
		pid_t r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid) {
			p->pid = 0;
			/* SIGPIPE: it wrote into the pipe closed above, our
			 * doing and no complaint of its own */
			if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGPIPE)
				rc = verdict(p, st, err, errlen);
			break;
		}
		if (r < 0 && errno != EINTR)
			break;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	tsproc_kill(p);
	close_err(p);
	return rc;
}

char *tsproc_capture(char *const argv[], size_t max, char *err, size_t errlen)
{
	struct tsproc p;
	if (tsproc_start(&p, argv, err, errlen))
		return NULL;
	char *buf = malloc(max + 1);
	size_t n = 0;
	if (!buf) {
		tsproc_kill(&p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (;;) {
		char tmp[4096];
		ssize_t r = read(p.out, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r < max - n ? (size_t)r : max - n;
		memcpy(buf + n, tmp, take);
		n += take;
	}
	buf[n] = 0;
	if (tsproc_wait(&p, err, errlen)) {
		free(buf);
		return NULL;
	}
	return buf;
}
