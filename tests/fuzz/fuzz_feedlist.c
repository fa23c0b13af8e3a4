/*
 * libFuzzer target for config_feeds_load: the input is a feed list, plain
 * or OPML (chosen by content, as in the daemon), written to a memfd that
 * is read back through /dev/fd/N.
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
	static int		 fd = -1;
	struct config_feed	*feeds;
	size_t			 n, i;
	char			 path[64], err[CONFIG_ERR_LEN];

	if (fd == -1 && (fd = memfd_create("fuzz_feedlist", 0)) == -1)
		return 0;
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	if (config_feeds_load(path, &feeds, &n, err, sizeof(err)) == -1) {
		if (strncmp(err, path, strlen(path)) != 0)
			__builtin_trap();
		return 0;
	}
	/* What loads must be what the daemon relies on. */
	for (i = 0; i < n; i++)
		if (feeds[i].url == NULL || feeds[i].line <= 0 ||
		    feeds[i].interval < 0)
			__builtin_trap();
	config_feeds_free(feeds, n);
	return 0;
}
