/*
 * fuzz_keys.c - the key options' parsers (src/cli/smb3keys.c): the input is read
 * as a --keys-from file and as a --password-file (through a memfd, so the
 * real fopen path runs), and its first line as a -k argument and a
 * --password argument.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "smb3keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	struct keyopts k;
	int fd = memfd_create("fuzzkeys", 0);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	keys_init(&k);
	(void)keys_add_file(&k, path, err, sizeof(err));
	(void)keys_add_password_file(&k, path, err, sizeof(err));
	size_t n = 0;
	while (n < size && data[n] != '\n' && data[n] != '\0')
		n++;
	char *line = malloc(n + 1);
	if (line) {
		memcpy(line, data, n);
		line[n] = '\0';
		(void)keys_add_arg(&k, line, err, sizeof(err));
		(void)keys_add_password(&k, line, err, sizeof(err));
		free(line);
	}
	(void)keys_ring(&k);
	keys_free(&k);
	close(fd);
	return 0;
}
