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
 * redisAsyncContext leave this file.
 *
 * Cluster note: the batch script also runs per claim key (its four keys
 * share one hash tag) with the stream write left to the caller, which is
 * how tests/integration/test_cluster.sh drives it through redis-cli -c;
 * this client itself talks to one node and follows no MOVED redirects.
 */
#include <sys/queue.h>
#include <sys/random.h>

#include <errno.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis.h>
#include <async.h>
#include <adapters/libevent.h>

#include "alert.h"
#include "claim.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#define STORE_BACKOFF_MIN_MS	100
#define STORE_BACKOFF_MAX_MS	30000
#define STORE_QUEUE_MAX		10000
#define STORE_DONE_MAX		20000	/* dedupe tokens kept per key */
#define STORE_HIST_MAX		1000	/* history entries kept per key */
#define STORE_ITEMS_MAX		100000	/* items in one check or batch */
#define STORE_DEFAULT_CHANNEL	"claimwatch:alerts"

#define STORE_SPOOL_ARG_MAX	(64UL * 1024 * 1024)
#define STORE_SPOOL_ARGC_MAX	(16 * STORE_ITEMS_MAX)

enum store_script {
	STORE_SCRIPT_BATCH,
	STORE_NSCRIPTS
};

/*
 * One EVALSHA: its arguments after the SHA (numkeys, keys, argv), each
 * NUL-terminated in one buffer, so a feed's command is a few allocations
 * however many claims it carries.
 */
struct store_cmd {
	struct store_qbatch	*batch;
	enum store_script	 script;
	struct util_buf		 buf;
	int			 argc;
	int			 cap;
	size_t			*off;
	size_t			*argvlen;
	bool			 done;		/* answered */
};

/* A submitted feed, kept until every command is answered. */
struct store_qbatch {
	TAILQ_ENTRY(store_qbatch) entry;
	struct store		*s;
	char			*feed_url;
	struct store_cmd	*cmds;
	size_t			 ncmds;
	size_t			 ndone;
	bool			 sent;		/* on the current connection */
	bool			 spooled;	/* loaded from the spool */
	bool			 error;
	int			 nalerts;
	store_done_cb		 cb;
	void			*arg;
};
TAILQ_HEAD(store_qbatches, store_qbatch);

struct store {
	struct event_base	*base;
	redisAsyncContext	*ac;		/* NULL while disconnected */
	struct event		*timer;		/* reconnect */
	bool			 ready;		/* set up, scripts loaded */
	bool			 down;		/* outage already logged */
	bool			 freeing;
	int			 backoff_ms;
	int			 ninit;		/* init replies awaited */
	char			 sha[STORE_NSCRIPTS][41];

	char			*host;		/* or NULL for unix */
	int			 port;
	char			*path;		/* unix socket */
	int			 db;
	char			*url;		/* for logs; has no password */
	char			*password;
	char			*prefix;
	char			*channel;
	char			*stream;
	long			 stream_maxlen;
	long			 seen_max;
	long			 queue_max;
	double			 tol_abs;
	double			 tol_rel;
	bool			 corroborated;
	struct store_watch	*watches;
	size_t			 nwatches;

	struct store_qbatches	 batches;
	size_t			 nbatches;
	size_t			 nreads;	/* reads awaiting a reply */
	char			 id[128];	/* lease owner: host:pid:random */

	char			*spool_path;	/* or NULL */
	long			 spool_size;	/* bytes in the file */
	long			 spool_done;	/* bytes loaded into the queue */
	size_t			 nspooled;	/* loaded and unanswered */
	bool			 spool_failed;	/* write error logged */
	store_connect_cb	 cb;
	void			*arg;
};

/* A read (feed state, items check or lease) awaiting its reply. */
struct store_read {
	struct store	*s;
	store_state_cb	 state_cb;
	store_items_cb	 items_cb;
	store_lease_cb	 lease_cb;
	void		*arg;
	size_t		 n;
	uint64_t	*hashes;
};

static const char *const store_scripts[STORE_NSCRIPTS] = {
	[STORE_SCRIPT_BATCH] = store_lua_batch,
};

static void	store_connect(struct store *);
static void	store_send_batch(struct store *, struct store_qbatch *);

int
store_url_split(const char *url, struct store_addr *a, char *err,
    size_t errlen)
{
	const char	*p, *colon, *slash;
	char		*end;
	long		 v;

	if (strncmp(url, "unix://", 7) == 0) {
		if (url[7] != '/') {
			snprintf(err, errlen, "redis url %s: need an absolute "
			    "socket path", url);
			return -1;
		}
		a->path = xstrdup(url + 7);
		return 0;
	}
	if (strncmp(url, "redis://", 8) != 0) {
		snprintf(err, errlen, "redis url %s: want redis://host:port/db "
		    "or unix:///path", url);
		return -1;
	}
	p = url + 8;
	if (strchr(p, '@') != NULL) {
		snprintf(err, errlen, "redis url: put the password in the "
		    "password setting, not in the url");
		return -1;
	}
	slash = strchr(p, '/');
	colon = memchr(p, ':', slash != NULL ? (size_t)(slash - p) :
	    strlen(p));
	a->port = 6379;
	if (colon != NULL) {
		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || v < 1 || v > 65535 ||
		    (*end != '\0' && *end != '/')) {
			snprintf(err, errlen, "redis url %s: bad port", url);
			return -1;
		}
		a->port = (int)v;
	}
	end = (char *)(colon != NULL ? colon : slash != NULL ? slash :
	    p + strlen(p));
	if (end == p) {
		snprintf(err, errlen, "redis url %s: no host", url);
		return -1;
	}
	a->host = xstrndup(p, (size_t)(end - p));
	if (slash != NULL && slash[1] != '\0') {
		errno = 0;
		v = strtol(slash + 1, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 || v > 1000000) {
			snprintf(err, errlen, "redis url %s: bad db", url);
			return -1;
		}
		a->db = (int)v;
	}
	return 0;
}

static int
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

static void
store_cmd_add(struct store_cmd *cmd, const char *p, size_t len)
{
	if (cmd->argc == cmd->cap) {
		cmd->cap = cmd->cap == 0 ? 64 : cmd->cap * 2;
		cmd->off = xreallocarray(cmd->off, (size_t)cmd->cap,
		    sizeof(*cmd->off));
		cmd->argvlen = xreallocarray(cmd->argvlen, (size_t)cmd->cap,
		    sizeof(*cmd->argvlen));
	}
	cmd->off[cmd->argc] = cmd->buf.len;
	cmd->argvlen[cmd->argc++] = len;
	util_buf_append(&cmd->buf, p, len);
	util_buf_append(&cmd->buf, "", 1);
}

static void
store_cmd_str(struct store_cmd *cmd, const char *str)
{
	store_cmd_add(cmd, str, strlen(str));
}

static void __attribute__((format(printf, 2, 3)))
store_cmd_fmt(struct store_cmd *cmd, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[256], *str = buf;
	int	 len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	else if ((size_t)len >= sizeof(buf)) {
		va_start(ap, fmt);
		len = xvasprintf(&str, fmt, ap);
		va_end(ap);
	}
	store_cmd_add(cmd, str, (size_t)len);
	if (str != buf)
		free(str);
}

/* The i-th argument, NUL-terminated. */
static const char *
store_cmd_arg(const struct store_cmd *cmd, int i)
{
	return cmd->buf.data + cmd->off[i];
}

static void
store_cmd_num(struct store_cmd *cmd, double v)
{
	store_cmd_fmt(cmd, "%.17g", v);
}

static void
store_qbatch_free(struct store_qbatch *b)
{
	size_t	 i;

	for (i = 0; i < b->ncmds; i++) {
		util_buf_free(&b->cmds[i].buf);
		free(b->cmds[i].off);
		free(b->cmds[i].argvlen);
	}
	free(b->cmds);
	free(b->feed_url);
	free(b);
}

/* The hash tag of a feed's keys: FNV-1a of its URL, so any URL fits. */
static void
store_feed_tag(const struct store *s, const char *feed_url, char *buf,
    size_t len)
{
	snprintf(buf, len, "{%sf:%016" PRIx64 "}", s->prefix,
	    util_hash64(feed_url, strlen(feed_url), UTIL_HASH_SEED));
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
	if (!s->down) {
		log_warn("redis: unreachable url=%s: %s; queueing and "
		    "retrying", s->url, why);
		s->down = true;
	} else
		log_debug("%s: url=%s: %s", __func__, s->url, why);
	if (was_ready && s->cb != NULL)
		s->cb(false, s->arg);
	store_schedule(s);
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
	TAILQ_FOREACH(b, &s->batches, entry)
		store_send_batch(s, b);
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

	if (r == NULL || s->freeing || ac != s->ac)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		if (store_is_transient(r))
			log_debug("%s: %s", __func__, r->str);
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

static void
store_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	store_connect(arg);
}

static void
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
		redisAsyncCommandArgv(ac, store_init_cb, (void *)(intptr_t)-1,
		    2, argv, argvlen);
		s->ninit++;
	}
	if (s->db != 0) {
		snprintf(db, sizeof(db), "%d", s->db);
		redisAsyncCommand(ac, store_init_cb, (void *)(intptr_t)-1,
		    "SELECT %s", db);
		s->ninit++;
	}
	for (i = 0; i < STORE_NSCRIPTS; i++) {
		redisAsyncCommand(ac, store_init_cb, (void *)i,
		    "SCRIPT LOAD %s", store_scripts[i]);
		s->ninit++;
	}
}

static void
store_batch_done(struct store *s, struct store_qbatch *b)
{
	TAILQ_REMOVE(&s->batches, b, entry);
	s->nbatches--;
	if (b->cb != NULL)
		b->cb(b->error ? -1 : b->nalerts, b->arg);
	store_qbatch_free(b);
}

static void	store_cmd_cb(redisAsyncContext *, void *, void *);

static void
store_send_cmd(struct store *s, struct store_cmd *cmd, bool eval)
{
	const char	*argv[64];
	const char	**av = argv;
	size_t		 lens[64];
	size_t		*lv = lens, n = (size_t)cmd->argc + 2, i;

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
	redisAsyncCommandArgv(s->ac, store_cmd_cb, cmd, (int)n, av, lv);
	if (av != argv) {
		free(av);
		free(lv);
	}
}

/* Sends what of b is unanswered; hiredis writes it all in one go. */
static void
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

static void
store_cmd_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_cmd	*cmd = priv;
	struct store_qbatch	*b = cmd->batch;
	struct store		*s = b->s;
	redisReply		*r = reply;

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
			log_debug("%s: feed=%s: %s", __func__, b->feed_url,
			    r->str);
			s->ready = false;
			redisAsyncDisconnect(ac);
			return;
		}
		if (!b->error)
			log_error("redis: script failed feed=%s: %s",
			    b->feed_url, r->str);
		b->error = true;
	} else if (r->type == REDIS_REPLY_INTEGER)
		b->nalerts += (int)r->integer;
	cmd->done = true;
	if (++b->ndone == b->ncmds)
		store_batch_done(s, b);
}

static char *
store_xstrdup_or_null(const char *p)
{
	return p != NULL ? xstrdup(p) : NULL;
}

/*
 * host:pid:random names this instance as a lease owner; the random part
 * keeps a restarted daemon with a recycled pid from inheriting a lease.
 */
static void
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

struct store *
store_new(struct event_base *base, const struct store_options *o,
    store_connect_cb cb, void *arg, char *err, size_t errlen)
{
	struct store	*s;
	size_t		 i;

	if (o->url == NULL) {
		snprintf(err, errlen, "redis url missing");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	if (store_parse_url(s, o->url, err, errlen) != 0)
		goto fail;
	for (i = 0; i < o->nwatches; i++) {
		if (o->watches[i].pattern == NULL ||
		    o->watches[i].tolerance_abs < 0 ||
		    o->watches[i].tolerance_rel < 0) {
			snprintf(err, errlen, "watch %zu: pattern missing or "
			    "negative tolerance", i + 1);
			goto fail;
		}
	}
	if (o->tolerance_abs < 0 || o->tolerance_rel < 0 ||
	    o->stream_maxlen < 0 || o->seen_max < 0 || o->queue_max < 0) {
		snprintf(err, errlen, "redis: negative tolerance or limit");
		goto fail;
	}
	s->base = base;
	s->url = xstrdup(o->url);
	s->password = store_xstrdup_or_null(o->password);
	s->prefix = xstrdup(o->prefix != NULL ? o->prefix : "cw:");
	s->channel = xstrdup(o->channel != NULL ? o->channel :
	    STORE_DEFAULT_CHANNEL);
	s->stream = xstrdup(o->stream != NULL ? o->stream :
	    STORE_DEFAULT_CHANNEL);
	s->stream_maxlen = o->stream_maxlen > 0 ? o->stream_maxlen : 100000;
	s->seen_max = o->seen_max > 0 ? o->seen_max : 10000;
	s->queue_max = o->queue_max > 0 ? o->queue_max : STORE_QUEUE_MAX;
	s->tol_abs = o->tolerance_abs;
	s->tol_rel = o->tolerance_rel;
	s->corroborated = o->corroborated;
	if (o->nwatches > 0) {
		s->watches = xcalloc(o->nwatches, sizeof(*s->watches));
		for (i = 0; i < o->nwatches; i++) {
			s->watches[i] = o->watches[i];
			s->watches[i].pattern = xstrdup(o->watches[i].pattern);
		}
		s->nwatches = o->nwatches;
	}
	store_make_id(s);
	TAILQ_INIT(&s->batches);
	s->cb = cb;
	s->arg = arg;
	s->backoff_ms = STORE_BACKOFF_MIN_MS;
	s->timer = evtimer_new(base, store_timer_cb, s);
	if (s->timer == NULL) {
		snprintf(err, errlen, "cannot create reconnect timer");
		goto fail;
	}
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

static struct store_read *
store_read_new(struct store *s, void *arg)
{
	struct store_read	*rd;

	rd = xcalloc(1, sizeof(*rd));
	rd->s = s;
	rd->arg = arg;
	s->nreads++;
	return rd;
}

static void
store_read_free(struct store_read *rd)
{
	rd->s->nreads--;
	free(rd->hashes);
	free(rd);
}

static void
store_state_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_read	*rd = priv;
	struct store_feed_state	 st;
	redisReply		*r = reply, *k, *v;
	size_t			 i;

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
		else if (strcmp(k->str, "status") == 0)
			st.status = atoi(v->str);
		else if (strcmp(k->str, "errors") == 0)
			st.errors = atoi(v->str);
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
	char			 tag[64], *key;

	if (!s->ready)
		return -1;
	store_feed_tag(s, feed_url, tag, sizeof(tag));
	xasprintf(&key, "%s:state", tag);
	rd = store_read_new(s, arg);
	rd->state_cb = cb;
	redisAsyncCommand(s->ac, store_state_reply_cb, rd, "HGETALL %s", key);
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

	(void)ac;
	if (rd->s->freeing) {
		store_read_free(rd);
		return;
	}
	if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
	    r->elements != rd->n) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warn("redis: checking items failed: %s", r->str);
		rd->items_cb(NULL, rd->n, 1, rd->arg);
		store_read_free(rd);
		return;
	}
	st = xcalloc(rd->n, sizeof(*st));
	for (i = 0; i < rd->n; i++) {
		e = r->element[i];
		snprintf(hex, sizeof(hex), "%016" PRIx64, rd->hashes[i]);
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

	if (!s->ready || n > STORE_ITEMS_MAX)
		return -1;
	if (n == 0) {
		cb(NULL, 0, 0, arg);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (items[i].id == NULL)
			return -1;
	store_feed_tag(s, feed_url, tag, sizeof(tag));
	xasprintf(&key, "%s:seen", tag);
	argv = xreallocarray(NULL, n + 2, sizeof(*argv));
	argvlen = xreallocarray(NULL, n + 2, sizeof(*argvlen));
	argv[0] = "HMGET";
	argvlen[0] = 5;
	argv[1] = key;
	argvlen[1] = strlen(key);
	rd = store_read_new(s, arg);
	rd->items_cb = cb;
	rd->n = n;
	rd->hashes = xreallocarray(NULL, n, sizeof(*rd->hashes));
	for (i = 0; i < n; i++) {
		argv[i + 2] = items[i].id;
		argvlen[i + 2] = strlen(items[i].id);
		rd->hashes[i] = items[i].hash;
	}
	redisAsyncCommandArgv(s->ac, store_items_reply_cb, rd, (int)n + 2,
	    argv, argvlen);
	free(argv);
	free(argvlen);
	free(key);
	return 0;
}

static void
store_lease_reply_cb(redisAsyncContext *ac, void *reply, void *priv)
{
	struct store_read	*rd = priv;
	redisReply		*r = reply;
	int			 granted = -1;

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
	redisAsyncCommandArgv(s->ac, store_lease_reply_cb, rd, 6, argv,
	    argvlen);
	return 0;
}

const char *
store_instance_id(const struct store *s)
{
	return s->id;
}

/*
 * The interval a qualifier makes of a figure (see the change rule in
 * store_lua.c).  Vague has an open top: "ratusan" is below 1000.
 */
static void
store_interval(const struct claim *c, double *lo, double *hi)
{
	double	 v = c->value;

	switch (c->qualifier) {
	case CLAIM_AT_LEAST:
		*lo = v;
		*hi = HUGE_VAL;
		break;
	case CLAIM_AT_MOST:
		*lo = 0;
		*hi = v;
		break;
	case CLAIM_RANGE:
		*lo = v;
		*hi = c->has_max ? c->max : v;
		break;
	case CLAIM_APPROX:
		*lo = v * 0.9;
		*hi = v * 1.1;
		break;
	case CLAIM_VAGUE:
		*lo = v;
		*hi = nextafter(v * 10, 0);
		break;
	default:
		*lo = *hi = v;
		break;
	}
}

/* Whether key alerts, and with which tolerance. */
static bool
store_watched(const struct store *s, const char *key, double *ta,
    double *tr)
{
	size_t	 i;

	*ta = s->tol_abs;
	*tr = s->tol_rel;
	if (s->nwatches == 0)
		return true;
	for (i = 0; i < s->nwatches; i++) {
		if (fnmatch(s->watches[i].pattern, key, 0) == 0) {
			*ta = s->watches[i].tolerance_abs;
			*tr = s->watches[i].tolerance_rel;
			return true;
		}
	}
	return false;
}

/* The dedupe token, figure and alert arguments of claim ci. */
static void
store_build_claim(struct store *s, const struct store_batch *in, size_t ci,
    struct store_cmd *cmd)
{
	const struct store_claim	*sc = &in->claims[ci];
	const struct claim		*c = sc->claim;
	const struct store_item		*it = &in->items[sc->item];
	struct alert_source		 src;
	double				 lo, hi, ta, tr;
	char				*fig, *al;
	size_t				 j, occ = 0;
	bool				 watched;

	/*
	 * The dedupe token names this claim across daemons and replays:
	 * the item, its content, and which of the item's claims on this
	 * key it is (extraction is deterministic).
	 */
	for (j = 0; j < ci; j++)
		if (in->claims[j].item == sc->item &&
		    strcmp(in->claims[j].claim->key, c->key) == 0)
			occ++;
	store_interval(c, &lo, &hi);
	watched = store_watched(s, c->key, &ta, &tr);
	src.url = it->url;
	src.title = it->title;
	src.text = sc->text;
	src.lang = it->lang;
	src.published = it->published;
	al = alert_new_pair(c, &src, in->feed_url, in->detected_at, &fig);

	store_cmd_fmt(cmd, "%s\037%016" PRIx64 "\037%zu", it->id, it->hash,
	    occ);
	store_cmd_num(cmd, c->value);
	if (c->has_max)
		store_cmd_num(cmd, c->max);
	else
		store_cmd_str(cmd, "");
	store_cmd_num(cmd, lo);
	store_cmd_num(cmd, isinf(hi) ? 1e308 : hi);
	store_cmd_str(cmd, c->qualifier == CLAIM_VAGUE ? "1" : "0");
	if (it->published == INT64_MIN)
		store_cmd_str(cmd, "");
	else
		store_cmd_fmt(cmd, "%" PRId64, it->published);
	store_cmd_str(cmd, fig);
	store_cmd_str(cmd, al);
	store_cmd_num(cmd, ta);
	store_cmd_num(cmd, tr);
	store_cmd_str(cmd, watched ? "1" : "0");
	store_cmd_str(cmd, it->url != NULL ? it->url : it->id);
	store_cmd_fmt(cmd, "%zu", sc->item + 1);
	free(fig);
	free(al);
}

/* The state hash's field/value strings; returns how many. */
static int
store_build_state(const struct store_batch *in, struct store_cmd *cmd)
{
	const struct store_feed_state	*st = in->state;
	int				 argc = cmd->argc;

	if (st == NULL)
		return 0;
	store_cmd_str(cmd, "url");
	store_cmd_str(cmd, in->feed_url);
#define STORE_FIELD_STR(f) do {						\
		if (st->f != NULL) {					\
			store_cmd_str(cmd, #f);				\
			store_cmd_str(cmd, st->f);			\
		}							\
	} while (0)
	STORE_FIELD_STR(etag);
	STORE_FIELD_STR(last_modified);
	STORE_FIELD_STR(moved_to);
#undef STORE_FIELD_STR
	store_cmd_str(cmd, "status");
	store_cmd_fmt(cmd, "%d", st->status);
	store_cmd_str(cmd, "errors");
	store_cmd_fmt(cmd, "%d", st->errors);
	store_cmd_str(cmd, "gone");
	store_cmd_str(cmd, st->gone ? "1" : "0");
	store_cmd_str(cmd, "next_due");
	store_cmd_fmt(cmd, "%" PRId64, st->next_due);
	store_cmd_str(cmd, "last_poll");
	store_cmd_fmt(cmd, "%" PRId64, st->last_poll);
	return cmd->argc - argc;
}

/* Overwrites argument i (a placeholder of the same or greater width). */
static void
store_cmd_set(struct store_cmd *cmd, int i, const char *str)
{
	size_t	 len = strlen(str);

	memcpy(cmd->buf.data + cmd->off[i], str, len + 1);
	cmd->argvlen[i] = len;
}

/*
 * The whole feed as one call of the batch script: keys first (feed, stream,
 * four per claim), then the header, state, items and claims.
 */
static void
store_build_batch(struct store *s, const struct store_batch *in,
    struct store_cmd *cmd)
{
	char		 tag[64], iso[32], num[32];
	size_t		 i;
	int		 nsidx, ns;

	cmd->script = STORE_SCRIPT_BATCH;
	store_feed_tag(s, in->feed_url, tag, sizeof(tag));
	store_cmd_fmt(cmd, "%zu", STORE_FEED_NKEYS + 1 +
	    STORE_CLAIM_NKEYS * in->nclaims);
	store_cmd_fmt(cmd, "%s:state", tag);
	store_cmd_fmt(cmd, "%s:seen", tag);
	store_cmd_fmt(cmd, "%s:seenz", tag);
	store_cmd_str(cmd, s->stream);
	for (i = 0; i < in->nclaims; i++) {
		const char	*key = in->claims[i].claim->key;

		store_cmd_fmt(cmd, "{%sk:%s}:cur", s->prefix, key);
		store_cmd_fmt(cmd, "{%sk:%s}:hist", s->prefix, key);
		store_cmd_fmt(cmd, "{%sk:%s}:done", s->prefix, key);
		store_cmd_fmt(cmd, "{%sk:%s}:src", s->prefix, key);
	}
	util_iso8601(in->detected_at, iso, sizeof(iso));
	store_cmd_fmt(cmd, "%" PRId64, in->detected_at);
	store_cmd_str(cmd, iso);
	store_cmd_str(cmd, s->channel);
	store_cmd_fmt(cmd, "%ld", s->stream_maxlen);
	store_cmd_fmt(cmd, "%d", STORE_DONE_MAX);
	store_cmd_fmt(cmd, "%d", STORE_HIST_MAX);
	store_cmd_str(cmd, s->corroborated ? "1" : "0");
	store_cmd_fmt(cmd, "%ld", s->seen_max);
	nsidx = cmd->argc;
	store_cmd_str(cmd, "0000000000");	/* state strings, set below */
	store_cmd_fmt(cmd, "%zu", in->nitems);
	store_cmd_fmt(cmd, "%zu", in->nclaims);
	store_cmd_str(cmd, "1");		/* feed keys */
	store_cmd_str(cmd, "1");		/* stream key */
	ns = store_build_state(in, cmd);
	snprintf(num, sizeof(num), "%d", ns);
	store_cmd_set(cmd, nsidx, num);
	for (i = 0; i < in->nitems; i++) {
		store_cmd_str(cmd, in->items[i].id);
		store_cmd_fmt(cmd, "%016" PRIx64, in->items[i].hash);
	}
	for (i = 0; i < in->nclaims; i++)
		store_build_claim(s, in, i, cmd);
}

int
store_submit(struct store *s, const struct store_batch *in,
    store_done_cb cb, void *arg)
{
	struct store_qbatch	*b;
	size_t			 i;

	if (in->feed_url == NULL || in->nitems > STORE_ITEMS_MAX ||
	    in->nclaims > STORE_ITEMS_MAX) {
		log_error("redis: batch refused: no feed url or too large");
		return -1;
	}
	for (i = 0; i < in->nitems; i++)
		if (in->items[i].id == NULL) {
			log_error("redis: batch refused feed=%s: item without "
			    "id", in->feed_url);
			return -1;
		}
	for (i = 0; i < in->nclaims; i++)
		if (in->claims[i].item >= in->nitems ||
		    in->claims[i].claim == NULL) {
			log_error("redis: batch refused feed=%s: claim %zu "
			    "names no item", in->feed_url, i);
			return -1;
		}
	if (s->nbatches >= (size_t)s->queue_max) {
		log_error("redis: queue full (%zu batches), dropping "
		    "feed=%s", s->nbatches, in->feed_url);
		return -1;
	}
	b = xcalloc(1, sizeof(*b));
	b->s = s;
	b->feed_url = xstrdup(in->feed_url);
	b->cb = cb;
	b->arg = arg;
	b->ncmds = 1;
	b->cmds = xcalloc(b->ncmds, sizeof(*b->cmds));
	b->cmds[0].batch = b;
	store_build_batch(s, in, &b->cmds[0]);
	TAILQ_INSERT_TAIL(&s->batches, b, entry);
	s->nbatches++;
	if (s->ready)
		store_send_batch(s, b);
	return 0;
}

size_t
store_pending(const struct store *s)
{
	const struct store_qbatch	*b;
	size_t				 n = s->nreads;

	TAILQ_FOREACH(b, &s->batches, entry)
		n += b->ncmds - b->ndone;
	return n;
}

void
store_free(struct store *s)
{
	struct store_qbatch	*b;
	size_t			 i;

	if (s == NULL)
		return;
	s->freeing = true;
	if (s->ac != NULL)
		redisAsyncFree(s->ac);	/* NULL replies, ignored above */
	s->ac = NULL;
	while ((b = TAILQ_FIRST(&s->batches)) != NULL) {
		TAILQ_REMOVE(&s->batches, b, entry);
		store_qbatch_free(b);
	}
	if (s->timer != NULL)
		event_free(s->timer);
	for (i = 0; i < s->nwatches; i++)
		free((char *)s->watches[i].pattern);
	free(s->watches);
	free(s->host);
	free(s->path);
	free(s->url);
	free(s->password);
	free(s->prefix);
	free(s->channel);
	free(s->stream);
	free(s);
}
