/*
 * store: claimwatchd's only Redis client.  It owns one hiredis async
 * connection on the daemon's event_base, the batches submitted while Redis
 * is away (a bounded queue, overflowing into an optional spool file), the
 * reconnect timer and this instance's lease id.  Each polled feed becomes
 * one EVALSHA of the batch script (store_lua.c): state, seen items and
 * every claim in one call, so a feed costs one round trip and one script
 * run.  The script is atomic, so a connection lost half way leaves either
 * all or nothing of a feed written; replays of a batch that did run are
 * no-ops thanks to the per-claim dedupe tokens, so nothing is lost and
 * nothing alerts twice.  It must never block on the network, never end the
 * daemon on a Redis or disk error, never log the password, and never let a
 * redisAsyncContext leave the store's files.
 *
 * On Redis Cluster (a redis+cluster:// url) the same batch calls go to
 * store_cluster.c instead of the one connection, which splits each into
 * calls of one slot; reads and leases are routed by their key's slot.
 * The queue, the spool and the offline answers are the same in both.
 *
 * This file is the store's life (new, free, stats), its reads (feed
 * state, items check, story registry) with the answers deferred to the
 * loop's next turn, and submission.  The connection and its replies are
 * in store_conn.c, the spool's policy in store_spool.c, the lease in
 * store_lease.c, a batch's encoding in store_batch.c.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis.h>
#include <async.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static char *
store_xstrdup_or_null(const char *p)
{
	return p != NULL ? xstrdup(p) : NULL;
}

struct store_read *
store_read_new(struct store *s, void *arg)
{
	struct store_read	*rd;

	rd = xcalloc(1, sizeof(*rd));
	rd->s = s;
	rd->arg = arg;
	s->nreads++;
	return rd;
}

void
store_read_free(struct store_read *rd)
{
	rd->s->nreads--;
	free(rd->hashes);
	free(rd->feed_url);
	util_buf_free(&rd->ids);
	free(rd->st);
	free(rd);
}

static void
store_defer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store		*s = arg;
	struct store_reads	 list;
	struct store_read	*rd;

	(void)fd;
	(void)what;
	/* Callbacks may defer more; those wait for the next turn. */
	TAILQ_INIT(&list);
	TAILQ_CONCAT(&list, &s->deferred, entry);
	while ((rd = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, rd, entry);
		s->ndeferred--;
		if (rd->done_cb != NULL)
			rd->done_cb(0, rd->arg);
		else if (rd->items_cb != NULL)
			rd->items_cb(rd->st, rd->n, 0, rd->arg);
		store_read_free(rd);
	}
}

static void
store_defer(struct store *s, struct store_read *rd)
{
	TAILQ_INSERT_TAIL(&s->deferred, rd, entry);
	s->ndeferred++;
	event_active(s->ev_defer, EV_TIMEOUT, 0);
}

void
store_defer_done(struct store *s, store_done_cb cb, void *arg)
{
	struct store_read	*rd;

	if (cb == NULL)
		return;
	rd = store_read_new(s, arg);
	rd->done_cb = cb;
	store_defer(s, rd);
}

/* The watches' patterns and tolerances, the limits. */
static int
store_check_options(const struct store_options *o, char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < o->nwatches; i++) {
		if (o->watches[i].pattern == NULL ||
		    o->watches[i].tolerance_abs < 0 ||
		    o->watches[i].tolerance_rel < 0) {
			snprintf(err, errlen, "watch %zu: pattern missing or "
			    "negative tolerance", i + 1);
			return -1;
		}
	}
	if (o->tolerance_abs < 0 || o->tolerance_rel < 0 ||
	    o->stream_maxlen < 0 || o->seen_max < 0 || o->queue_max < 0) {
		snprintf(err, errlen, "redis: negative tolerance or limit");
		return -1;
	}
	return 0;
}

/* The options, copied (the store owns its strings), with defaults. */
static void
store_copy_options(struct store *s, struct event_base *base,
    const struct store_options *o)
{
	size_t	 i;

	s->base = base;
	s->url = xstrdup(o->url);
	s->password = store_xstrdup_or_null(o->password);
	s->prefix = xstrdup(o->prefix != NULL ? o->prefix :
	    STORE_DEFAULT_PREFIX);
	s->channel = xstrdup(o->channel != NULL ? o->channel :
	    STORE_DEFAULT_CHANNEL);
	s->stream = xstrdup(o->stream != NULL ? o->stream :
	    STORE_DEFAULT_CHANNEL);
	s->stream_maxlen = o->stream_maxlen > 0 ? o->stream_maxlen :
	    STORE_STREAM_MAXLEN;
	s->seen_max = o->seen_max > 0 ? o->seen_max : STORE_SEEN_MAX;
	s->queue_max = o->queue_max > 0 ? o->queue_max : STORE_QUEUE_MAX;
	s->tol_abs = o->tolerance_abs;
	s->tol_rel = o->tolerance_rel;
	s->corroborated = o->corroborated;
	s->max_age = o->max_age > 0 ? o->max_age : 0;
	if (o->nwatches > 0) {
		s->watches = xcalloc(o->nwatches, sizeof(*s->watches));
		for (i = 0; i < o->nwatches; i++) {
			s->watches[i] = o->watches[i];
			s->watches[i].pattern = xstrdup(o->watches[i].pattern);
		}
		s->nwatches = o->nwatches;
	}
}

struct store *
store_new(struct event_base *base, const struct store_options *o,
    store_connect_cb cb, void *arg, char *err, size_t errlen)
{
	struct store	*s;
	struct timeval	 stall_tv = { 1, 0 };
	const char	*nodes;

	if (o->url == NULL) {
		snprintf(err, errlen, "redis url missing");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->spool_lock = -1;
	nodes = util_redis_cluster_nodes(o->url);
	if (nodes == NULL && store_parse_url(s, o->url, err, errlen) != 0)
		goto fail;
	if (store_check_options(o, err, errlen) == -1)
		goto fail;
	store_copy_options(s, base, o);
	store_make_id(s);
	TAILQ_INIT(&s->batches);
	TAILQ_INIT(&s->deferred);
	s->cb = cb;
	s->arg = arg;
	s->backoff_ms = STORE_BACKOFF_MIN_MS;
	s->timer = evtimer_new(base, store_timer_cb, s);
	s->ev_defer = event_new(base, -1, 0, store_defer_cb, s);
	s->ev_stall = event_new(base, -1, EV_PERSIST, store_stall_cb, s);
	if (s->timer == NULL || s->ev_defer == NULL || s->ev_stall == NULL) {
		snprintf(err, errlen, "cannot create the store's events");
		goto fail;
	}
	event_add(s->ev_stall, &stall_tv);
	if (o->spool_path != NULL && o->spool_path[0] != '\0')
		store_spool_open(s, o->spool_path);
	if (nodes != NULL) {
		s->cluster = store_cluster_new(base, nodes, o->password,
		    s->stream, s->stream_maxlen, store_cluster_state, s, err,
		    errlen);
		if (s->cluster == NULL)
			goto fail;
	} else
		store_connect(s);
	return s;
fail:
	store_free(s);
	return NULL;
}

bool
store_is_connected(const struct store *s)
{
	return s->ready;
}

static void
store_state_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_read	*rd = priv;
	struct feed_state	 st;
	redisReply		*r = reply, *k, *v;
	size_t			 i;

	store_progress(rd->s, reply);
	(void)ac;
	if (rd->s->freeing) {
		store_read_free(rd);
		return;
	}
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warn("redis: reading feed state failed: %s",
			    r->str);
		rd->state_cb(NULL, rd->arg);
		store_read_free(rd);
		return;
	}
	memset(&st, 0, sizeof(st));
	for (i = 0; i + 1 < r->elements; i += 2) {
		k = r->element[i];
		v = r->element[i + 1];
		if (k->type != REDIS_REPLY_STRING ||
		    v->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(k->str, "etag") == 0)
			st.etag = v->str;
		else if (strcmp(k->str, "last_modified") == 0)
			st.last_modified = v->str;
		else if (strcmp(k->str, "moved_to") == 0)
			st.moved_to = v->str;
		else if (strcmp(k->str, "title") == 0)
			st.title = v->str;
		else if (strcmp(k->str, "status") == 0)
			st.status = atoi(v->str);
		else if (strcmp(k->str, "errors") == 0)
			st.failures = atoi(v->str);
		else if (strcmp(k->str, "gone") == 0)
			st.gone = strcmp(v->str, "1") == 0;
		else if (strcmp(k->str, "next_due") == 0)
			st.next_due = strtoll(v->str, NULL, 10);
		else if (strcmp(k->str, "last_poll") == 0)
			st.last_poll = strtoll(v->str, NULL, 10);
	}
	rd->state_cb(&st, rd->arg);
	store_read_free(rd);
}

int
store_feed_state_get(struct store *s, const char *feed_url,
    store_state_cb cb, void *arg)
{
	struct store_read	*rd;
	const char		*argv[2];
	size_t			 argvlen[2];
	char			 tag[64], *key;

	if (!s->ready)
		return -1;
	store_feed_tag(s, feed_url, tag, sizeof(tag));
	xasprintf(&key, "%s:state", tag);
	rd = store_read_new(s, arg);
	rd->state_cb = cb;
	argv[0] = "HGETALL";
	argv[1] = key;
	argvlen[0] = 7;
	argvlen[1] = strlen(key);
	store_command(s, key, store_state_reply_cb, rd, 2, argv, argvlen);
	free(key);
	return 0;
}

static void
store_items_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_read	*rd = priv;
	enum store_item_state	*st;
	redisReply		*r = reply, *e;
	char			 hex[17];
	size_t			 i;

	store_progress(rd->s, reply);
	(void)ac;
	if (rd->s->freeing) {
		store_read_free(rd);
		return;
	}
	if (r == NULL) {
		/* Lost on the way: answer from the queue instead. */
		store_items_offline(rd->s, rd);
		store_defer(rd->s, rd);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != rd->n) {
		if (r->type == REDIS_REPLY_ERROR)
			log_warn("redis: checking items failed: %s", r->str);
		rd->items_cb(NULL, rd->n, 1, rd->arg);
		store_read_free(rd);
		return;
	}
	st = xcalloc(rd->n, sizeof(*st));
	for (i = 0; i < rd->n; i++) {
		e = r->element[i];
		store_hex64(hex, rd->hashes[i]);
		if (e->type != REDIS_REPLY_STRING)
			st[i] = STORE_ITEM_NEW;
		else if (strcmp(e->str, hex) == 0)
			st[i] = STORE_ITEM_SEEN;
		else
			st[i] = STORE_ITEM_CHANGED;
	}
	rd->items_cb(st, rd->n, 0, rd->arg);
	free(st);
	store_read_free(rd);
}

int
store_items_check(struct store *s, const char *feed_url,
    const struct store_item *items, size_t n, store_items_cb cb, void *arg)
{
	struct store_read	*rd;
	const char		**argv;
	size_t			*argvlen, i;
	char			 tag[64], *key;

	if (n > STORE_ITEMS_MAX)
		return -1;
	if (n == 0) {
		cb(NULL, 0, 0, arg);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (items[i].id == NULL)
			return -1;
	rd = store_read_new(s, arg);
	rd->items_cb = cb;
	rd->n = n;
	rd->feed_url = xstrdup(feed_url);
	rd->hashes = xreallocarray(NULL, n, sizeof(*rd->hashes));
	for (i = 0; i < n; i++) {
		rd->hashes[i] = items[i].hash;
		util_buf_append(&rd->ids, items[i].id,
		    strlen(items[i].id) + 1);
	}
	if (!s->ready) {
		store_items_offline(s, rd);
		store_defer(s, rd);
		return 0;
	}
	store_feed_tag(s, feed_url, tag, sizeof(tag));
	xasprintf(&key, "%s:seen", tag);
	argv = xreallocarray(NULL, n + 2, sizeof(*argv));
	argvlen = xreallocarray(NULL, n + 2, sizeof(*argvlen));
	argv[0] = "HMGET";
	argvlen[0] = 5;
	argv[1] = key;
	argvlen[1] = strlen(key);
	for (i = 0; i < n; i++) {
		argv[i + 2] = items[i].id;
		argvlen[i + 2] = strlen(items[i].id);
	}
	store_command(s, key, store_items_reply_cb, rd, (int)n + 2, argv,
	    argvlen);
	free(argv);
	free(argvlen);
	free(key);
	return 0;
}

/*
 * The story registry (README "Stories and keys"): hashes of field -> UTC
 * seconds under one hash tag, `{<prefix>story}:<id>`: "p:<place>" holds
 * the kinds of event reported at a place, "n:<name>" the scopes of the
 * items that named a name.
 */
static void
store_story_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_read	*rd = priv;
	redisReply		*r = reply, *h;
	struct store_story_hit	*hits;
	int64_t			 t;
	size_t			 i, j;

	(void)ac;
	if (rd->s->freeing || r == NULL || r->type != REDIS_REPLY_ARRAY ||
	    r->elements != rd->n) {
		if (!rd->s->freeing)
			rd->story_cb(NULL, 0, rd->arg);
		store_read_free(rd);
		return;
	}
	hits = xcalloc(rd->n + 1, sizeof(*hits));
	for (i = 0; i < rd->n; i++) {
		h = r->element[i];
		for (j = 0; h->type == REDIS_REPLY_ARRAY && j + 1 < h->elements;
		    j += 2) {
			if (h->element[j]->type != REDIS_REPLY_STRING ||
			    h->element[j + 1]->type != REDIS_REPLY_STRING)
				continue;
			t = strtoll(h->element[j + 1]->str, NULL, 10);
			if (t < rd->since)
				continue;
			hits[i].nrecent++;
			if (hits[i].field == NULL || t > hits[i].time) {
				hits[i].field = h->element[j]->str;
				hits[i].time = t;
			}
		}
	}
	rd->story_cb(hits, rd->n, rd->arg);
	free(hits);
	store_read_free(rd);
}

int
store_story_get(struct store *s, const char *const *ids, size_t n,
    int64_t since, store_story_cb cb, void *arg)
{
	static const char	 lua[] = "local o = {} for i, k in ipairs(KEYS) "
				    "do o[i] = redis.call('HGETALL', k) end "
				    "return o";
	struct store_read	*rd;
	const char		**argv;
	size_t			*argvlen, i;
	char			 num[32];

	if (!s->ready || n == 0 || n > STORE_ITEMS_MAX)
		return -1;
	argv = xcalloc(n + 3, sizeof(*argv));
	argvlen = xcalloc(n + 3, sizeof(*argvlen));
	snprintf(num, sizeof(num), "%zu", n);
	argv[0] = "EVAL";
	argv[1] = lua;
	argv[2] = num;
	for (i = 0; i < n; i++)
		xasprintf((char **)&argv[i + 3], "{%sstory}:%s", s->prefix,
		    ids[i]);
	for (i = 0; i < n + 3; i++)
		argvlen[i] = strlen(argv[i]);
	rd = store_read_new(s, arg);
	rd->story_cb = cb;
	rd->n = n;
	rd->since = since;
	s->stats.commands++;
	redisAsyncCommandArgv(s->ac, store_story_reply_cb, rd, (int)n + 3,
	    argv, argvlen);
	for (i = 0; i < n; i++)
		free((char *)argv[i + 3]);
	free(argv);
	free(argvlen);
	return 0;
}

void
store_story_note(struct store *s, const char *id, const char *field,
    int64_t t)
{
	const char	*argv[4];
	size_t		 argvlen[4], i;
	char		 key[256], num[32];

	if (!s->ready)
		return;
	snprintf(key, sizeof(key), "{%sstory}:%s", s->prefix, id);
	snprintf(num, sizeof(num), "%lld", (long long)t);
	argv[0] = "HSET";
	argv[1] = key;
	argv[2] = field;
	argv[3] = num;
	for (i = 0; i < 4; i++)
		argvlen[i] = strlen(argv[i]);
	s->stats.commands++;
	redisAsyncCommandArgv(s->ac, NULL, NULL, 4, argv, argvlen);
}

int
store_submit(struct store *s, const struct store_batch *in,
    store_done_cb cb, void *arg)
{
	struct store_qbatch	*b;
	size_t			 i;
	char			 shown[UTIL_URL_SHOWN];
	const char		*url;

	if (in->feed_url == NULL || in->nitems > STORE_ITEMS_MAX ||
	    in->nclaims > STORE_ITEMS_MAX) {
		log_error("redis: batch refused: no feed url or too large");
		return -1;
	}
	url = util_url_redact(in->feed_url, shown, sizeof(shown));
	for (i = 0; i < in->nitems; i++)
		if (in->items[i].id == NULL) {
			log_error("redis: batch refused feed=%s: item without "
			    "id", url);
			return -1;
		}
	for (i = 0; i < in->nclaims; i++)
		if (in->claims[i].item >= in->nitems ||
		    in->claims[i].claim == NULL) {
			log_error("redis: batch refused feed=%s: claim %zu "
			    "names no item", url, i);
			return -1;
		}
	if (s->nbatches >= (size_t)s->queue_max && s->spool_path == NULL) {
		log_error("redis: queue full (%zu batches), dropping "
		    "feed=%s", s->nbatches, url);
		return -1;
	}
	b = xcalloc(1, sizeof(*b));
	b->s = s;
	b->feed_url = xstrdup(in->feed_url);
	if (in->feed_title != NULL)
		b->feed_title = xstrdup(in->feed_title);
	b->cb = cb;
	b->arg = arg;
	b->ncmds = 1;
	b->cmds = xcalloc(b->ncmds, sizeof(*b->cmds));
	b->cmds[0].batch = b;
	store_rejects_ask(s);
	store_build_kept(s, in, &b->cmds[0]);
	store_qbatch_lay_out(b);
	if (store_spool_active(s) || s->nbatches >= (size_t)s->queue_max) {
		if (store_spool_append(s, b) == 0) {
			/* Its alerts go out when the spool is replayed. */
			store_defer_done(s, cb, arg);
			store_qbatch_free(b);
			store_spool_load(s);
			return 0;
		}
		if (s->nbatches >= (size_t)s->queue_max) {
			log_error("redis: queue full (%zu batches), dropping "
			    "feed=%s", s->nbatches, url);
			store_qbatch_free(b);
			return -1;
		}
	}
	TAILQ_INSERT_TAIL(&s->batches, b, entry);
	s->nbatches++;
	if (s->ready)
		store_send_batch(s, b);
	else {
		store_defer_done(s, cb, arg);
		b->cb = NULL;
	}
	return 0;
}

size_t
store_pending(const struct store *s)
{
	const struct store_qbatch	*b;
	size_t				 n = s->nreads - s->ndeferred;

	TAILQ_FOREACH(b, &s->batches, entry)
		n += b->ncmds - b->ndone;
	return n;
}

void
store_get_stats(const struct store *s, struct store_stats *st)
{
	*st = s->stats;
	st->rejected = s->rejects.n;
	if (s->cluster != NULL)
		st->commands += store_cluster_commands(s->cluster);
	st->queued = s->nbatches;
	st->spool_bytes = (long long)(s->spool_size - s->spool_done);
}

void
store_free(struct store *s)
{
	struct store_qbatch	*b;
	struct store_read	*rd;
	size_t			 i;

	if (s == NULL)
		return;
	s->freeing = true;
	if (s->ac != NULL)
		redisAsyncFree(s->ac);	/* NULL replies, ignored above */
	s->ac = NULL;
	store_cluster_free(s->cluster);	/* likewise */
	s->cluster = NULL;
	store_spool_save(s);
	while ((b = TAILQ_FIRST(&s->batches)) != NULL) {
		TAILQ_REMOVE(&s->batches, b, entry);
		store_qbatch_free(b);
	}
	while ((rd = TAILQ_FIRST(&s->deferred)) != NULL) {
		TAILQ_REMOVE(&s->deferred, rd, entry);
		store_read_free(rd);
	}
	if (s->ev_defer != NULL)
		event_free(s->ev_defer);
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->ev_stall != NULL)
		event_free(s->ev_stall);
	free(s->spool_path);
	if (s->spool_lock != -1)
		close(s->spool_lock);
	for (i = 0; i < s->nwatches; i++)
		free((char *)s->watches[i].pattern);
	free(s->watches);
	store_rejects_clear(&s->rejects);
	free(s->host);
	free(s->path);
	free(s->url);
	free(s->password);
	free(s->prefix);
	free(s->channel);
	free(s->stream);
	util_buf_free(&s->resp);
	free(s);
}
