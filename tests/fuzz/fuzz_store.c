/*
 * libFuzzer target for the store's spool reader: any file contents (a
 * torn write, a full disk, a foreign file under the spool's name) must
 * give whole, self-consistent records or a clean "corrupt" answer, never
 * a read out of bounds or an allocation a header merely claims; each
 * record read writes back to the same bytes.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "../../daemon/store_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_store_memfd(const void *p, size_t len)
{
	int	 fd;

	if ((fd = memfd_create("fuzz_store", MFD_CLOEXEC)) == -1)
		abort();
	if (len > 0 && write(fd, p, len) != (ssize_t)len)
		abort();
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_spool_rec	 r, r2;
	size_t			*off, o, i;
	off_t			 pos = 0, start, pos2;
	int			 fd, fd2, rc;

	fd = fuzz_store_memfd(data, size);
	for (;;) {
		start = pos;
		if ((rc = store_spool_read(fd, &pos, (off_t)size, &r)) != 1)
			break;
		if (r.argc <= 0 || pos <= start || pos > (off_t)size)
			abort();
		off = xcalloc((size_t)r.argc, sizeof(*off));
		for (i = 0, o = 0; i < (size_t)r.argc; i++) {
			off[i] = o;
			if (o + r.argvlen[i] >= r.buflen ||
			    r.buf[o + r.argvlen[i]] != '\0')
				abort();
			o += r.argvlen[i] + 1;
		}
		/* The record written again is the same bytes. */
		fd2 = fuzz_store_memfd(NULL, 0);
		if (store_spool_write(fd2, r.feed_url, r.argc, off, r.argvlen,
		    r.buf) != 0 || lseek(fd2, 0, SEEK_END) != pos - start)
			abort();
		pos2 = 0;
		if (store_spool_read(fd2, &pos2, pos - start, &r2) != 1 ||
		    r2.buflen != r.buflen || memcmp(r2.buf, r.buf, r.buflen))
			abort();
		store_spool_rec_free(&r2);
		close(fd2);
		free(off);
		store_spool_rec_free(&r);
	}
	if (rc == -1 && (r.feed_url != NULL || r.buf != NULL))
		abort();
	close(fd);
	return 0;
}
