/*
 * fuzz_config.c - the INI config reader (masks_read_config). The input is
 * the file, handed over through a memfd so the real fopen path is used.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	struct masks m;
	bool defaults = true;
	int fd = memfd_create("fuzzcfg", 0);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	masks_init(&m);
	if (masks_read_config(&m, path, &defaults, err, sizeof(err)) == 0) {
		(void)masks_name(&m, "smb2.create.action");
		(void)masks_name(&m, "smb2.sesid");
	}
	masks_free(&m);
	close(fd);
	return 0;
}
