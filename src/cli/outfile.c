/* outfile.c - an output file written whole or not at all; see outfile.h. */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *outfile_open(struct outfile *o, const char *opt, const char *path)
{
	o->opt = opt;
	o->path = path;
	o->f = NULL;
	o->tmp[0] = 0;
	if (!strcmp(path, "-"))
		return o->f = stdout;
	const char *slash = strrchr(path, '/');
	int dl = slash ? (int)(slash - path) + 1 : 0;
	if (snprintf(o->tmp, sizeof(o->tmp), "%.*s.smbcmp-XXXXXX", dl, path) >=
	    (int)sizeof(o->tmp)) {
		fprintf(stderr, "smbcmp: %s %s: %s\n", opt, path, strerror(ENAMETOOLONG));
		o->tmp[0] = 0;
		return NULL;
	}
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		fprintf(stderr, "smbcmp: %s %s: %s\n", opt, path, strerror(errno));
		o->tmp[0] = 0;
		return NULL;
	}
	mode_t um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) != 0 || !(o->f = fdopen(fd, "w"))) {
		fprintf(stderr, "smbcmp: %s %s: %s\n", opt, path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = 0;
	}
	return o->f;
}

int outfile_close(struct outfile *o, bool keep)
{
	if (!o->f || o->f == stdout)
		return 0;
	bool bad = ferror(o->f) | (fclose(o->f) != 0);
	o->f = NULL;
	if (keep && !bad && rename(o->tmp, o->path) == 0)
		return 0;
	int err = errno;
	unlink(o->tmp);
	o->tmp[0] = 0;
	if (!keep)
		return 0;
	fprintf(stderr, "smbcmp: %s %s: %s\n", o->opt, o->path, bad ? "write error" : strerror(err));
	return -1;
}
