/*
 * libFuzzer target for config_load: the input is an INI file.  It goes
 * through a memfd named as /dev/fd/N because config_load reads a path; a
 * feed list it names is mostly missing, which exercises that error path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 fd = -1;
	struct config	*c;
	char		 path[64], err[CONFIG_ERR_LEN];

	if (fd == -1 && (fd = memfd_create("fuzz_config", 0)) == -1)
		return 0;
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	err[0] = '\0';
	c = config_load(path, err, sizeof(err));
	/* Every failure must say something, and start with the file name. */
	if (c == NULL && strncmp(err, "/dev/", 5) != 0)
		__builtin_trap();
	config_free(c);
	return 0;
}
