/*
 * store_spool: the on-disk record format of the store's spool file, where
 * batches go that do not fit the bounded queue while Redis is away, and
 * everything still unanswered when the store is freed.  A record is one
 * batch script call (its arguments after the SHA) and the feed it came
 * from, length-prefixed and checksummed so that a record torn by a crash
 * or a full disk is recognised and never sent half.  This file only
 * encodes and decodes records on a file descriptor; the policy (when to
 * spool, replay order, truncation) is store.c's.  It must never log, never
 * trust a length read from the file before bounding it, and never allocate
 * what a corrupt header claims.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"
#include "util.h"

/* Record header: magic, url length, argc, buf length, checksum. */
#define STORE_SPOOL_MAGIC	"CWS1"
#define STORE_SPOOL_HDR		(4 + 4 + 4 + 8 + 8)
#define STORE_SPOOL_URL_MAX	65536

static void
store_spool_put32(unsigned char *p, uint32_t v)
{
	int	 i;

	/* Little-endian on every host, so a spool survives a move. */
	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
store_spool_put64(unsigned char *p, uint64_t v)
{
	int	 i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
store_spool_get32(const unsigned char *p)
{
	uint32_t	 v = 0;
	int		 i;

	for (i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t
store_spool_get64(const unsigned char *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static int
store_spool_write_all(int fd, const void *p, size_t len)
{
	const char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, c, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads exactly len bytes at off; -1 with errno EINVAL when the file
   ends first (a torn record). */
static int
store_spool_pread_all(int fd, void *p, size_t len, off_t off)
{
	char	*c = p;
	ssize_t	 n;

	while (len > 0) {
		n = pread(fd, c, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EINVAL;
			return -1;
		}
		c += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int
store_spool_write(int fd, const char *feed_url, int argc,
    const size_t *off, const size_t *argvlen, const char *buf)
{
	struct util_buf	 rec = { 0 };
	unsigned char	 hdr[STORE_SPOOL_HDR] = { 0 }, len4[4];
	size_t		 urllen = strlen(feed_url), buflen = 0, i;
	uint64_t	 sum;
	int		 rc;

	for (i = 0; argc > 0 && i < (size_t)argc; i++)
		buflen += argvlen[i] + 1;
	if (argc <= 0 || argc > STORE_SPOOL_ARGC_MAX ||
	    buflen > STORE_SPOOL_ARG_MAX || urllen > STORE_SPOOL_URL_MAX) {
		errno = EFBIG;
		return -1;
	}
	/* One write(2) per record keeps a torn record at the very end. */
	util_buf_append(&rec, hdr, sizeof(hdr));
	util_buf_append(&rec, feed_url, urllen);
	for (i = 0; i < (size_t)argc; i++) {
		store_spool_put32(len4, (uint32_t)argvlen[i]);
		util_buf_append(&rec, len4, sizeof(len4));
	}
	/* Packed: an argument may sit in a wider slot than it needs. */
	for (i = 0; i < (size_t)argc; i++)
		util_buf_append(&rec, buf + off[i], argvlen[i] + 1);
	sum = util_hash64(rec.data + STORE_SPOOL_HDR,
	    rec.len - STORE_SPOOL_HDR, UTIL_HASH_SEED);
	memcpy(hdr, STORE_SPOOL_MAGIC, 4);
	store_spool_put32(hdr + 4, (uint32_t)urllen);
	store_spool_put32(hdr + 8, (uint32_t)argc);
	store_spool_put64(hdr + 12, (uint64_t)buflen);
	store_spool_put64(hdr + 20, sum);
	memcpy(rec.data, hdr, sizeof(hdr));
	rc = store_spool_write_all(fd, rec.data, rec.len);
	util_buf_free(&rec);
	return rc;
}

int
store_spool_read(int fd, off_t *pos, off_t end, struct store_spool_rec *r)
{
	unsigned char	 hdr[STORE_SPOOL_HDR], *body = NULL;
	uint32_t	 urllen, argc;
	uint64_t	 buflen, sum;
	size_t		 bodylen, total, i;
	int		 saved;

	memset(r, 0, sizeof(*r));
	if (*pos >= end)
		return 0;
	if (end - *pos < STORE_SPOOL_HDR) {
		errno = EINVAL;
		return -1;
	}
	if (store_spool_pread_all(fd, hdr, sizeof(hdr), *pos) == -1)
		return -1;
	urllen = store_spool_get32(hdr + 4);
	argc = store_spool_get32(hdr + 8);
	buflen = store_spool_get64(hdr + 12);
	sum = store_spool_get64(hdr + 20);
	if (memcmp(hdr, STORE_SPOOL_MAGIC, 4) != 0 ||
	    urllen > STORE_SPOOL_URL_MAX || argc == 0 ||
	    argc > STORE_SPOOL_ARGC_MAX || buflen > STORE_SPOOL_ARG_MAX ||
	    buflen < argc) {
		errno = EINVAL;
		return -1;
	}
	bodylen = urllen + 4 * (size_t)argc + (size_t)buflen;
	if ((off_t)bodylen > end - *pos - STORE_SPOOL_HDR) {
		errno = EINVAL;
		return -1;
	}
	body = xmalloc(bodylen);
	if (store_spool_pread_all(fd, body, bodylen, *pos + STORE_SPOOL_HDR)
	    == -1)
		goto fail;
	if (util_hash64(body, bodylen, UTIL_HASH_SEED) != sum) {
		errno = EINVAL;
		goto fail;
	}
	r->feed_url = xstrndup((char *)body, urllen);
	r->argc = (int)argc;
	r->argvlen = xcalloc(argc, sizeof(*r->argvlen));
	total = 0;
	for (i = 0; i < argc; i++) {
		r->argvlen[i] = store_spool_get32(body + urllen + 4 * i);
		total += r->argvlen[i] + 1;
		if (total > buflen)
			break;
	}
	r->buf = xmalloc((size_t)buflen);
	memcpy(r->buf, body + urllen + 4 * (size_t)argc, (size_t)buflen);
	r->buflen = (size_t)buflen;
	/* Every argument must be where its length says, NUL-terminated. */
	if (total != buflen) {
		errno = EINVAL;
		goto fail;
	}
	for (i = 0, total = 0; i < argc; i++) {
		total += r->argvlen[i];
		if (r->buf[total] != '\0') {
			errno = EINVAL;
			goto fail;
		}
		total++;
	}
	free(body);
	*pos += (off_t)(STORE_SPOOL_HDR + bodylen);
	return 1;
fail:
	saved = errno;
	free(body);
	store_spool_rec_free(r);
	errno = saved;
	return -1;
}

void
store_spool_rec_free(struct store_spool_rec *r)
{
	free(r->feed_url);
	free(r->argvlen);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
