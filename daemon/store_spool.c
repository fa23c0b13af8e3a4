/*
 * store_spool: the on-disk record format of the store's spool file, where
 * batches go that do not fit the bounded queue while Redis is away, and
 * everything still unanswered when the store is freed.  A record is one
 * batch script call (its arguments after the SHA) and the feed it came
 * from, length-prefixed and checksummed so that a record torn by a crash
 * or a full disk is recognised and never sent half.  The record code
 * (store_spool_write, store_spool_read) only encodes and decodes on a file
 * descriptor: it must never log, never trust a length read from the file
 * before bounding it, and never allocate what a corrupt header claims.
 * The policy below it (when to spool, replay order, truncation, saving
 * the queue at store_free, one store per spool) works on the store.
 */
#include <sys/queue.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
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

/*
 * The spool.  While it holds records not yet loaded ("active"), every new
 * batch goes to its end too, so that the file stays in submission order
 * behind the in-memory queue, which is always the older part.  Records
 * are loaded into the queue as it drains and the file is truncated once
 * every loaded record has been answered.  The file is local and written
 * in bursts (a full queue, shutdown), so plain blocking I/O is accepted
 * here; nothing is fsynced before store_free.
 */
bool
store_spool_active(const struct store *s)
{
	return s->spool_path != NULL && s->spool_done < s->spool_size;
}

static void
store_spool_error(struct store *s, const char *what, int err)
{
	if (s->spool_failed)
		return;
	s->spool_failed = true;
	log_error("spool: cannot %s %s: %s; keeping only the %ld batches "
	    "the queue holds", what, s->spool_path, strerror(err),
	    s->queue_max);
}

static int
store_spool_write_batch(int fd, const struct store_qbatch *b)
{
	const struct store_cmd	*cmd;
	size_t			 i;

	for (i = 0; i < b->ncmds; i++) {
		cmd = &b->cmds[i];
		if (!cmd->done && store_spool_write(fd, b->feed_url,
		    cmd->argc, cmd->off, cmd->argvlen, cmd->buf.data) == -1)
			return -1;
	}
	return 0;
}

/* Appends b to the spool; on failure the file is cut back to before. */
int
store_spool_append(struct store *s, const struct store_qbatch *b)
{
	struct stat	 st;
	int		 fd, err;

	fd = open(s->spool_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd == -1) {
		store_spool_error(s, "open", errno);
		return -1;
	}
	if (store_spool_write_batch(fd, b) == -1 || fstat(fd, &st) == -1) {
		err = errno;
		if (ftruncate(fd, s->spool_size) == -1)
			log_debug("spool: ftruncate %s: %s", s->spool_path,
			    strerror(errno));
		close(fd);
		store_spool_error(s, "write", err);
		return -1;
	}
	close(fd);
	if (s->spool_failed)
		log_notice("spool: %s writable again", s->spool_path);
	s->spool_failed = false;
	s->spool_size = st.st_size;
	return 0;
}

static struct store_qbatch *
store_qbatch_from_rec(struct store *s, const struct store_spool_rec *r)
{
	struct store_qbatch	*b;
	struct store_cmd	*cmd;
	size_t			 off = 0;
	int			 i;

	b = xcalloc(1, sizeof(*b));
	b->s = s;
	b->feed_url = xstrdup(r->feed_url);
	b->ncmds = 1;
	b->cmds = xcalloc(1, sizeof(*b->cmds));
	b->spooled = true;
	cmd = &b->cmds[0];
	cmd->batch = b;
	cmd->script = STORE_SCRIPT_BATCH;
	cmd->argc = cmd->cap = r->argc;
	cmd->off = xreallocarray(NULL, (size_t)r->argc, sizeof(*cmd->off));
	cmd->argvlen = xreallocarray(NULL, (size_t)r->argc,
	    sizeof(*cmd->argvlen));
	for (i = 0; i < r->argc; i++) {
		cmd->off[i] = off;
		cmd->argvlen[i] = r->argvlen[i];
		off += r->argvlen[i] + 1;
	}
	util_buf_append(&cmd->buf, r->buf, r->buflen);
	store_qbatch_lay_out(b);
	return b;
}

/* Moves spooled records into the queue while it has room. */
void
store_spool_load(struct store *s)
{
	struct store_spool_rec	 r;
	struct store_qbatch	*b;
	off_t			 pos = s->spool_done, at;
	int			 fd, rc, n = 0;

	if (!s->ready || !store_spool_active(s))
		return;
	if ((fd = open(s->spool_path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("spool: cannot read %s: %s; its batches are lost",
		    s->spool_path, strerror(errno));
		s->spool_done = s->spool_size;
		store_spool_finish(s);
		return;
	}
	while (s->nbatches < (size_t)s->queue_max && n < STORE_SPOOL_LOAD) {
		at = pos;
		rc = store_spool_read(fd, &pos, s->spool_size, &r);
		if (rc == 0)
			break;
		if (rc == -1) {
			log_error("spool: %s: bad record at byte %lld: %s; "
			    "the rest of the file is skipped", s->spool_path,
			    (long long)pos, strerror(errno));
			pos = s->spool_size;
			break;
		}
		b = store_qbatch_from_rec(s, &r);
		store_spool_rec_free(&r);
		if (!b->laid_out) {
			/* Sent as it is, the script would misread it. */
			log_error("spool: %s: record at byte %lld is no batch "
			    "call; skipped", s->spool_path, (long long)at);
			store_qbatch_free(b);
			continue;
		}
		TAILQ_INSERT_TAIL(&s->batches, b, entry);
		s->nbatches++;
		s->nspooled++;
		n++;
		store_send_batch(s, b);
	}
	close(fd);
	s->spool_done = pos;
	if (n > 0)
		log_info("spool: replaying %d batches from %s", n,
		    s->spool_path);
	store_spool_finish(s);
}

/* Empties the file once all it held has been loaded and answered. */
void
store_spool_finish(struct store *s)
{
	if (s->spool_path == NULL || s->spool_size == 0 ||
	    s->spool_done < s->spool_size || s->nspooled > 0)
		return;
	if (truncate(s->spool_path, 0) == -1 && errno != ENOENT)
		log_warn("spool: cannot truncate %s: %s; its batches will be "
		    "replayed again (without effect)", s->spool_path,
		    strerror(errno));
	else
		log_notice("spool: %s replayed", s->spool_path);
	s->spool_size = s->spool_done = 0;
}

/* Copies bytes [from, to) of the file at path to fd. */
static int
store_spool_copy(const char *path, off_t from, off_t to, int fd)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in, rc = 0;

	if (from >= to)
		return 0;
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (from < to) {
		n = pread(in, buf, (size_t)(to - from) < sizeof(buf) ?
		    (size_t)(to - from) : sizeof(buf), from);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || write(fd, buf, (size_t)n) != n) {
			if (n == 0)
				errno = EIO;
			rc = -1;
			break;
		}
		from += n;
	}
	close(in);
	return rc;
}

/*
 * At store_free: the unanswered queue, then the spool's unloaded rest, in
 * a new file renamed over the old one, so a crash half way leaves the old
 * spool whole.  Replaying a batch that did run is a no-op.
 */
void
store_spool_save(struct store *s)
{
	struct store_qbatch	*b;
	char			*tmp, *dir, *slash;
	size_t			 n = 0;
	int			 fd, dfd;

	if (s->spool_path == NULL)
		return;
	TAILQ_FOREACH(b, &s->batches, entry)
		n++;
	if (n == 0 && s->spool_done == 0) {
		if (s->spool_size > 0 && (fd = open(s->spool_path,
		    O_WRONLY | O_CLOEXEC)) != -1) {
			if (fsync(fd) == -1)
				store_spool_error(s, "fsync", errno);
			close(fd);
		}
		return;
	}
	xasprintf(&tmp, "%s.tmp", s->spool_path);
	/* A symlink planted as spool.tmp must not be followed (truncated). */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		goto fail;
	TAILQ_FOREACH(b, &s->batches, entry)
		if (store_spool_write_batch(fd, b) == -1)
			goto fail;
	if (store_spool_copy(s->spool_path, s->spool_done, s->spool_size,
	    fd) == -1 || fsync(fd) == -1)
		goto fail;
	close(fd);
	fd = -1;
	if (rename(tmp, s->spool_path) == -1)
		goto fail;
	/* The rename itself must reach the disk too. */
	dir = xstrdup(s->spool_path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*(slash == dir ? slash + 1 : slash) = '\0';
		if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
		    -1) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	free(dir);
	if (n > 0)
		log_notice("spool: %zu unanswered batches saved to %s", n,
		    s->spool_path);
	free(tmp);
	return;
fail:
	log_error("spool: cannot save %zu unanswered batches to %s: %s; "
	    "they are lost", n, s->spool_path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
}

/*
 * One store per spool: a second daemon on the same state directory would
 * replace the file under the first (store_spool_save renames), so it runs
 * without a spool instead.  The lock lives in its own file because the
 * spool itself is replaced.
 */
static int
store_spool_lock(struct store *s, const char *path)
{
	char	*lock;
	int	 fd;

	xasprintf(&lock, "%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || flock(fd, LOCK_EX | LOCK_NB) == -1) {
		log_error("spool: cannot lock %s: %s; running without a "
		    "spool", lock, errno == EWOULDBLOCK ? "in use by another "
		    "claimwatchd" : strerror(errno));
		if (fd != -1)
			close(fd);
		free(lock);
		return -1;
	}
	free(lock);
	s->spool_lock = fd;
	return 0;
}

/* The spool at path, when no other store holds it; what it holds waits. */
void
store_spool_open(struct store *s, const char *path)
{
	struct stat	 st;

	if (store_spool_lock(s, path) == 0) {
		s->spool_path = xstrdup(path);
		if (stat(s->spool_path, &st) == 0 && st.st_size > 0) {
			s->spool_size = st.st_size;
			log_notice("spool: %s holds %lld bytes, replayed "
			    "first once Redis answers", s->spool_path,
			    (long long)st.st_size);
		}
	}
}
