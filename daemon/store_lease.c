/*
 * store_lease: the per-feed poll lease and this instance's lease id.  A
 * lease is one small script (store_lua_lease) routed by the lease key's
 * slot, so several daemons on one feed list poll each feed once.
 */
#include <sys/queue.h>
#include <sys/random.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis.h>
#include <async.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

/*
 * host:pid:random names this instance as a lease owner; the random part
 * keeps a restarted daemon with a recycled pid from inheriting a lease.
 */
void
store_make_id(struct store *s)
{
	char		 host[64];
	uint64_t	 r = 0;

	if (gethostname(host, sizeof(host)) != 0)
		util_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint64_t)util_now_ms() ^ ((uint64_t)getpid() << 32);
	snprintf(s->id, sizeof(s->id), "%s:%ld:%016" PRIx64, host,
	    (long)getpid(), r);
}

static void
store_lease_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_read	*rd = priv;
	redisReply		*r = reply;
	int			 granted = -1;

	store_progress(rd->s, reply);
	(void)ac;
	if (rd->s->freeing) {
		store_read_free(rd);
		return;
	}
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		granted = r->integer == 1;
	else if (r != NULL && r->type == REDIS_REPLY_ERROR)
		log_warn("redis: lease failed: %s", r->str);
	rd->lease_cb(granted, rd->arg);
	store_read_free(rd);
}

int
store_lease(struct store *s, const char *feed_url, long ttl_ms,
    store_lease_cb cb, void *arg)
{
	struct store_read	*rd;
	const char		*argv[6];
	size_t			 argvlen[6];
	char			 tag[64], key[96], ttl[32];
	int			 i;

	if (!s->ready || ttl_ms <= 0)
		return -1;
	store_feed_tag(s, feed_url, tag, sizeof(tag));
	snprintf(key, sizeof(key), "%s:lease", tag);
	snprintf(ttl, sizeof(ttl), "%ld", ttl_ms);
	/* EVAL, not EVALSHA: the script is tiny and NOSCRIPT cannot hit. */
	argv[0] = "EVAL";
	argv[1] = store_lua_lease;
	argv[2] = "1";
	argv[3] = key;
	argv[4] = s->id;
	argv[5] = ttl;
	for (i = 0; i < 6; i++)
		argvlen[i] = strlen(argv[i]);
	rd = store_read_new(s, arg);
	rd->lease_cb = cb;
	store_command(s, key, store_lease_reply_cb, rd, 6, argv, argvlen);
	return 0;
}

const char *
store_instance_id(const struct store *s)
{
	return s->id;
}
