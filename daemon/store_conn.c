/*
 * store_conn: the store's one Redis connection (or its cluster client):
 * connecting and its setup commands, reconnect with backoff, the stall
 * watch, sending a batch's commands and handling their replies.  A lost
 * connection puts every unanswered batch back to waiting, in order; the
 * scripts make a replay a no-op.  Nothing here blocks.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis.h>
#include <async.h>
#include <adapters/libevent.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static const char *const store_scripts[STORE_NSCRIPTS] = {
	[STORE_SCRIPT_BATCH] = store_lua_batch,
};

static void	store_lost(struct store *, const char *);

int
store_url_split(const char *url, struct store_addr *a, char *err,
    size_t errlen)
{
	struct util_redis_addr	 u = { 0 };

	if (util_redis_url(url, &u, err, errlen) == -1)
		return -1;
	a->host = u.host;
	a->port = u.port;
	a->path = u.path;
	a->db = u.db;
	return 0;
}

int
store_parse_url(struct store *s, const char *url, char *err, size_t errlen)
{
	struct store_addr	 a = { 0 };
	int			 rc;

	rc = store_url_split(url, &a, err, errlen);
	s->host = a.host;
	s->port = a.port;
	s->path = a.path;
	s->db = a.db;
	return rc;
}

/*
 * argv on the one connection, formatted here: hiredis formats each
 * argument with a printf, a few per cent of a cold cycle.
 */
static void
store_send_argv(struct store *s, redisCallbackFn *cb, void *priv, int argc,
    const char **argv, const size_t *argvlen)
{
	util_buf_reset(&s->resp);
	rcluster_format_argv(&s->resp, argc, argv, argvlen);
	s->stats.commands++;
	redisAsyncFormattedCommand(s->ac, cb, priv, s->resp.data,
	    s->resp.len);
	if (s->resp.cap > 1024 * 1024)
		util_buf_free(&s->resp);	/* keep no huge batch's room */
}

/* One command on the connection, or to the master of key's slot. */
void
store_command(struct store *s, const char *key, redisCallbackFn *cb,
    void *priv, int argc, const char **argv, const size_t *argvlen)
{
	if (s->cluster != NULL) {
		store_cluster_command(s->cluster, key, cb, priv, argc, argv,
		    argvlen);
		return;
	}
	store_send_argv(s, cb, priv, argc, argv, argvlen);
}

/*
 * Any reply is progress: the stall watch counts them.  The store comes
 * from the callback's own argument, never from ac->data: on a cluster
 * the connection belongs to rcluster and its data is a cluster node.
 */
void
store_progress(struct store *s, const void *reply)
{
	if (reply != NULL && s != NULL)
		s->replies++;
}

/*
 * hiredis 0.14 has no command timeout (redisAsyncSetTimeout came in 1.0),
 * so a stopped Redis (SIGSTOP, a hung host: the socket stays open) used
 * to stall every write silently.  Once a second: commands are waiting
 * and no reply came for STORE_STALL_SECONDS, so the connection is dropped
 * like a lost one (its batches go back to the queue, the scripts make a
 * replay a no-op), logged and counted.
 */
void
store_stall_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;

	(void)fd;
	(void)what;
	if (s->ac == NULL || s->ac->replies.head == NULL ||
	    s->replies != s->stall_mark) {
		s->stall_mark = s->replies;
		s->stall_secs = 0;
		return;
	}
	if (++s->stall_secs < STORE_STALL_SECONDS)
		return;
	s->stall_secs = 0;
	s->stats.stalls++;
	if (!s->down)
		log_warn("redis: no reply for %d s with commands waiting "
		    "url=%s; reconnecting", STORE_STALL_SECONDS, s->url);
	/*
	 * Pending callbacks get NULL, then the disconnect callback's
	 * store_lost requeues; hiredis calls it only for a connection that
	 * was up, so a stalled connect is declared lost here.
	 */
	redisAsyncFree(s->ac);
	if (s->ac != NULL)
		store_lost(s, "no reply");
}

static void
store_schedule(struct store *s)
{
	struct timeval	 tv;

	if (s->freeing)
		return;
	tv.tv_sec = s->backoff_ms / 1000;
	tv.tv_usec = (s->backoff_ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
	s->backoff_ms *= 2;
	if (s->backoff_ms > STORE_BACKOFF_MAX_MS)
		s->backoff_ms = STORE_BACKOFF_MAX_MS;
}

/*
 * The connection is gone: every reply it owed has been delivered (as NULL)
 * by now, so whatever was sent and not answered goes back to waiting, in
 * the order it was submitted.
 */
static void
store_lost(struct store *s, const char *why)
{
	struct store_qbatch	*b;
	bool			 was_ready = s->ready;

	s->ac = NULL;
	s->ready = false;
	TAILQ_FOREACH(b, &s->batches, entry)
		b->sent = false;
	if (s->freeing)
		return;
	/*
	 * Queued is as good as written for the caller: release its poll
	 * now rather than for the whole outage.
	 */
	TAILQ_FOREACH(b, &s->batches, entry) {
		store_defer_done(s, b->cb, b->arg);
		b->cb = NULL;
	}
	s->stats.errors++;
	if (!s->down) {
		log_warn("redis: unreachable url=%s: %s; queueing and "
		    "retrying", s->url, why);
		s->down = true;
	} else
		log_debug("redis: still unreachable url=%s: %s", s->url, why);
	if (was_ready && s->cb != NULL)
		s->cb(false, s->arg);
	store_schedule(s);
}

/* The rejected sources, as `claimwatch reject` recorded them. */
static void
store_rejects_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store	*s = priv;
	redisReply	*r = reply;
	size_t		 i;

	(void)ac;
	if (r == NULL || s->freeing)
		return;
	if (r->type != REDIS_REPLY_ARRAY) {
		if (r->type == REDIS_REPLY_ERROR)
			log_debug("redis: reading rejected sources: %s",
			    r->str);
		return;
	}
	store_rejects_clear(&s->rejects);
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			store_rejects_add(&s->rejects, r->element[i]->str);
}

/*
 * Asks for them again when the last answer is older than
 * STORE_REJECTS_EVERY: a reject takes effect on the batches built after
 * its answer, so within seconds on a busy daemon.
 */
void
store_rejects_ask(struct store *s)
{
	int64_t	 now = util_now();

	/* On a cluster (no single connection) rejects are not read. */
	if (!s->ready || s->ac == NULL ||
	    now - s->rejects.asked < STORE_REJECTS_EVERY)
		return;
	s->rejects.asked = now;
	s->stats.commands++;
	redisAsyncCommand(s->ac, store_rejects_cb, s, "HKEYS %srejected",
	    s->prefix);
}

static void
store_ready(struct store *s)
{
	struct store_qbatch	*b;

	s->ready = true;
	s->backoff_ms = STORE_BACKOFF_MIN_MS;
	if (s->down)
		log_notice("redis: connected url=%s queued=%zu", s->url,
		    s->nbatches);
	else
		log_info("redis: connected url=%s", s->url);
	s->down = false;
	s->stats.connects++;
	/* The queue is older than what the spool still holds. */
	TAILQ_FOREACH(b, &s->batches, entry)
		store_send_batch(s, b);
	store_spool_load(s);
	s->rejects.asked = 0;
	store_rejects_ask(s);
	if (s->cb != NULL)
		s->cb(true, s->arg);
}

/* Errors that mean "this server cannot answer now", not "bad command". */
static bool
store_is_transient(const redisReply *r)
{
	static const char *const prefixes[] = {
		"LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
		"READONLY",
	};
	size_t	 i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(r->str, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void
store_init_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store	*s = ac->data;
	redisReply	*r = reply;
	intptr_t	 which = (intptr_t)priv;

	store_progress(s, reply);
	if (r == NULL || s->freeing || ac != s->ac)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		if (store_is_transient(r))
			log_debug("redis: setup: %s", r->str);
		else
			log_error("redis: setup refused url=%s: %s", s->url,
			    r->str);
		redisAsyncDisconnect(ac);
		return;
	}
	if (which >= 0 && which < STORE_NSCRIPTS &&
	    r->type == REDIS_REPLY_STRING && r->len == 40)
		memcpy(s->sha[which], r->str, 41);
	if (--s->ninit == 0)
		store_ready(s);
}

/*
 * The migration's answer: the number of keys moved to the current format,
 * -1 when there was nothing to do, or an error (a cluster refuses keys
 * across slots), which is logged and does not stop the daemon.
 */
static void
store_migrate_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store	*s = ac->data;
	redisReply	*r = reply;

	(void)priv;
	if (r == NULL || s->freeing || ac != s->ac)
		return;
	if (r->type == REDIS_REPLY_ERROR)
		log_warn("redis: keys of the old format not migrated url=%s: "
		    "%s", s->url, r->str);
	else if (r->type == REDIS_REPLY_INTEGER && r->integer > 0)
		log_notice("redis: migrated %lld claim keys to the story "
		    "format", r->integer);
	if (--s->ninit == 0)
		store_ready(s);
}

static void
store_connected_cb(const redisAsyncContext *ac, int status)
{
	struct store	*s = ac->data;

	if (status != REDIS_OK)
		store_lost(s, ac->errstr);	/* hiredis frees ac next */
}

static void
store_disconnected_cb(const redisAsyncContext *ac, int status)
{
	struct store	*s = ac->data;

	store_lost(s, status == REDIS_OK ? "disconnected" : ac->errstr);
}

/*
 * The cluster's slot map is complete or lost a master.  Calls already
 * sent stay with the cluster client, which retries them until answered;
 * only batches submitted meanwhile wait in the queue.
 */
void
store_cluster_state(bool ready, void *arg)
{
	struct store	*s = arg;

	if (ready) {
		store_ready(s);
		return;
	}
	s->ready = false;
	s->stats.errors++;
	log_warn("redis: cluster url=%s lost a master; queueing", s->url);
	s->down = true;
	if (s->cb != NULL)
		s->cb(false, s->arg);
}

void
store_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	store_connect(arg);
}

void
store_connect(struct store *s)
{
	redisAsyncContext	*ac;
	const char		*argv[2];
	size_t			 argvlen[2];
	char			 db[16];
	intptr_t		 i;

	if (s->path != NULL)
		ac = redisAsyncConnectUnix(s->path);
	else
		ac = redisAsyncConnect(s->host, s->port);
	if (ac == NULL) {
		store_lost(s, "out of memory");
		return;
	}
	if (ac->err) {
		store_lost(s, ac->errstr);
		redisAsyncFree(ac);
		return;
	}
	ac->data = s;
	if (redisLibeventAttach(ac, s->base) != REDIS_OK) {
		store_lost(s, "cannot attach to event loop");
		redisAsyncFree(ac);
		return;
	}
	redisAsyncSetConnectCallback(ac, store_connected_cb);
	redisAsyncSetDisconnectCallback(ac, store_disconnected_cb);
	s->ac = ac;
	s->ninit = 0;
	/* hiredis buffers these until the connect completes. */
	if (s->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = s->password;
		argvlen[0] = 4;
		argvlen[1] = strlen(s->password);
		s->stats.commands++;
		redisAsyncCommandArgv(ac, store_init_cb, (void *)(intptr_t)-1,
		    2, argv, argvlen);
		s->ninit++;
	}
	if (s->db != 0) {
		snprintf(db, sizeof(db), "%d", s->db);
		s->stats.commands++;
		redisAsyncCommand(ac, store_init_cb, (void *)(intptr_t)-1,
		    "SELECT %s", db);
		s->ninit++;
	}
	for (i = 0; i < STORE_NSCRIPTS; i++) {
		s->stats.commands++;
		redisAsyncCommand(ac, store_init_cb, (void *)i,
		    "SCRIPT LOAD %s", store_scripts[i]);
		s->ninit++;
	}
	/* Before any batch: old keys must be in place when claims come. */
	s->stats.commands++;
	redisAsyncCommand(ac, store_migrate_cb, NULL, "EVAL %s 0 %s",
	    store_lua_migrate, s->prefix);
	s->ninit++;
}

static void
store_batch_done(struct store *s, struct store_qbatch *b)
{
	TAILQ_REMOVE(&s->batches, b, entry);
	s->nbatches--;
	if (b->spooled)
		s->nspooled--;
	if (b->cb != NULL)
		b->cb(b->error ? -1 : b->nalerts, b->arg);
	store_qbatch_free(b);
	if (s->nbatches <= (size_t)s->queue_max / 2)
		store_spool_load(s);
	store_spool_finish(s);
}

static void	store_cmd_cb(redisAsyncContext *, void *, void *);
static void	store_cmd_finish(struct store *, struct store_cmd *,
		    const long long *);

static void
store_cluster_done(const long long *by, void *arg)
{
	struct store_cmd	*cmd = arg;

	if (by == NULL)
		cmd->batch->error = true;
	store_cmd_finish(cmd->batch->s, cmd, by);
}

static void
store_send_cmd(struct store *s, struct store_cmd *cmd, bool eval)
{
	const char	*argv[64];
	const char	**av = argv;
	size_t		 lens[64];
	size_t		*lv = lens, n = (size_t)cmd->argc + 2, i;

	if (s->cluster != NULL) {
		if (store_cluster_batch(s->cluster, cmd->argc, cmd->off,
		    cmd->argvlen, cmd->buf.data, store_cluster_done, cmd) ==
		    -1) {
			log_error("redis: bad batch call feed=%s",
			    cmd->batch->feed_url);
			cmd->batch->error = true;
			store_cmd_finish(s, cmd, NULL);
		}
		return;
	}
	if (n > sizeof(argv) / sizeof(argv[0])) {
		av = xreallocarray(NULL, n, sizeof(*av));
		lv = xreallocarray(NULL, n, sizeof(*lv));
	}
	av[0] = eval ? "EVAL" : "EVALSHA";
	av[1] = eval ? store_scripts[cmd->script] : s->sha[cmd->script];
	lv[0] = strlen(av[0]);
	lv[1] = strlen(av[1]);
	for (i = 0; i < (size_t)cmd->argc; i++)
		av[i + 2] = store_cmd_arg(cmd, (int)i);
	memcpy(lv + 2, cmd->argvlen, (size_t)cmd->argc * sizeof(*lv));
	store_send_argv(s, store_cmd_cb, cmd, (int)n, av, lv);
	if (av != argv) {
		free(av);
		free(lv);
	}
}

/* Sends what of b is unanswered; hiredis writes it all in one go. */
void
store_send_batch(struct store *s, struct store_qbatch *b)
{
	size_t	 i;

	if (b->sent)
		return;
	b->sent = true;
	for (i = 0; i < b->ncmds; i++)
		if (!b->cmds[i].done)
			store_send_cmd(s, &b->cmds[i], false);
}

/*
 * One notice per alert, so that `journalctl | grep` finds them: the
 * script's "TYPE\tCURKEY\tOLD\tNEW" lines, CURKEY being
 * "{PREFIXk:KEY}:cur".
 */
static void
store_log_alerts(struct store *s, const struct store_qbatch *b,
    const redisReply *lines)
{
	const char	*t, *key, *old, *new, *end, *feed;
	char		 line[1024], url[1024], title[256];
	size_t		 i, plen = strlen(s->prefix);
	int		 klen;

	if (lines->type != REDIS_REPLY_ARRAY)
		return;
	feed = util_url_redact(b->feed_url, url, sizeof(url));
	for (i = 0; i < lines->elements; i++) {
		if (lines->element[i]->type != REDIS_REPLY_STRING)
			continue;
		util_strlcpy(line, lines->element[i]->str, sizeof(line));
		t = line;
		if ((key = strchr(t, '\t')) == NULL ||
		    (old = strchr(key + 1, '\t')) == NULL ||
		    (new = strchr(old + 1, '\t')) == NULL)
			continue;
		line[key++ - line] = '\0';
		line[old++ - line] = '\0';
		line[new++ - line] = '\0';
		/* "{" prefix "k:" ... "}:cur" */
		if (strncmp(key, "{", 1) == 0 && strncmp(key + 1, s->prefix,
		    plen) == 0 && strncmp(key + 1 + plen, "k:", 2) == 0 &&
		    (end = strstr(key, "}:cur")) != NULL)
			key += 3 + plen;
		else
			end = key + strlen(key);
		klen = (int)(end - key);
		log_notice("alert %s key=%.*s %s -> %s feed=%s title=\"%s\"",
		    t, klen, key, *old != '\0' ? old : "none", new, feed,
		    util_shown(b->feed_title, title, sizeof(title)));
	}
}

static void
store_cmd_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_cmd	*cmd = priv;
	struct store_qbatch	*b = cmd->batch;
	struct store		*s = b->s;
	redisReply		*r = reply;
	char			 shown[UTIL_URL_SHOWN];

	store_progress(s, reply);
	if (s->freeing)
		return;
	if (r == NULL) {
		/* The connection is going; store_lost requeues b. */
		s->ready = false;
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		if (strncmp(r->str, "NOSCRIPT", 8) == 0) {
			/* SCRIPT FLUSH or a failover: EVAL reloads it. */
			store_send_cmd(s, cmd, true);
			return;
		}
		if (store_is_transient(r)) {
			log_debug("redis: batch for feed=%s: %s; reconnecting",
			    util_url_redact(b->feed_url, shown, sizeof(shown)),
			    r->str);
			s->ready = false;
			redisAsyncDisconnect(ac);
			return;
		}
		s->stats.errors++;
		if (!b->error)
			log_error("redis: script failed feed=%s: %s",
			    util_url_redact(b->feed_url, shown, sizeof(shown)),
			    r->str);
		b->error = true;
	} else if (r->type == REDIS_REPLY_ARRAY &&
	    r->elements == STORE_ALERT_TYPES + 1) {
		long long	 by[STORE_ALERT_TYPES];
		size_t		 i;

		/* Alerts published by type: new, changed, corroborated. */
		store_log_alerts(s, b, r->element[STORE_ALERT_TYPES]);
		for (i = 0; i < STORE_ALERT_TYPES; i++)
			by[i] = r->element[i]->type == REDIS_REPLY_INTEGER ?
			    r->element[i]->integer : 0;
		store_cmd_finish(s, cmd, by);
		return;
	}
	store_cmd_finish(s, cmd, NULL);
}

/* cmd is answered; by: alerts published by type (new, changed, corr.). */
static void
store_cmd_finish(struct store *s, struct store_cmd *cmd, const long long *by)
{
	struct store_qbatch	*b = cmd->batch;
	size_t			 i;

	for (i = 0; by != NULL && i < STORE_ALERT_TYPES; i++) {
		b->nalerts += (int)by[i];
		s->stats.alerts += (unsigned long long)by[i];
		s->stats.alerts_by_type[i] += (unsigned long long)by[i];
	}
	cmd->done = true;
	if (++b->ndone == b->ncmds)
		store_batch_done(s, b);
}
