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
 * On Redis Cluster (a redis+cluster:// url) the same batch calls go to
 * store_cluster.c instead of the one connection, which splits each into
 * calls of one slot; reads and leases are routed by their key's slot.
 * The queue, the spool and the offline answers are the same in both.
 */
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>

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
/* Seconds without any reply, commands waiting, before the link is
   declared stalled. */
#define STORE_STALL_SECONDS	10
#define STORE_QUEUE_MAX		10000
#define STORE_DONE_MAX		20000	/* dedupe tokens kept per key */
#define STORE_HIST_MAX		1000	/* history entries kept per key */
#define STORE_ITEMS_MAX		100000	/* items in one check or batch */
#define STORE_REJECTS_EVERY	5	/* s between reads of the rejects */
#define STORE_STORY_WINDOW	"7776000" /* 90 days, for place stories */
#define STORE_DEFAULT_CHANNEL	"claimwatch:alerts"
#define STORE_CLUSTER_SCHEME	"redis+cluster://"
#define STORE_SPOOL_LOAD	256	/* spool records loaded at once */


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
	char			*feed_title;	/* or NULL (also when spooled) */
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
struct store_read;
TAILQ_HEAD(store_reads, store_read);

struct store {
	struct event_base	*base;
	redisAsyncContext	*ac;		/* NULL while disconnected */
	struct store_cluster	*cluster;	/* or NULL: one Redis */
	struct util_buf		 resp;		/* a command being formatted */
	struct event		*timer;		/* reconnect */
	struct event		*ev_stall;	/* each second: any reply? */
	unsigned long long	 replies;	/* replies received */
	unsigned long long	 stall_mark;	/* replies at the last check */
	int			 stall_secs;	/* seconds without one */
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
	long			 max_age;	/* seconds, 0 = off */
	struct store_watch	*watches;
	size_t			 nwatches;
	struct store_rejects	 rejects;	/* `claimwatch reject` */

	struct store_qbatches	 batches;
	size_t			 nbatches;
	size_t			 nreads;	/* reads awaiting a reply */
	size_t			 ndeferred;	/* of which answered already */
	char			 id[128];	/* lease owner: host:pid:random */

	char			*spool_path;	/* or NULL */
	off_t			 spool_size;	/* bytes in the file */
	off_t			 spool_done;	/* bytes loaded into queue */
	size_t			 nspooled;	/* loaded and unanswered */
	bool			 spool_failed;	/* write error logged */
	int			 spool_lock;	/* fd holding <spool>.lock */
	struct store_reads	 deferred;	/* results for the next turn */
	struct store_stats	 stats;		/* counters for /metrics */
	struct event		*ev_defer;
	store_connect_cb	 cb;
	void			*arg;
};

/*
 * A read (feed state, items check or lease) awaiting its reply, or a
 * result computed without Redis and handed back on the loop's next turn
 * (never from inside the call that asked for it).
 */
struct store_read {
	TAILQ_ENTRY(store_read)	 entry;
	struct store	*s;
	store_state_cb	 state_cb;
	store_items_cb	 items_cb;
	store_lease_cb	 lease_cb;
	store_story_cb	 story_cb;
	int64_t		 since;		/* story registry: oldest time kept */
	store_done_cb	 done_cb;
	void		*arg;
	size_t		 n;
	uint64_t	*hashes;
	char		*feed_url;	/* items check, offline answer */
	struct util_buf	 ids;		/* n NUL-terminated item ids */
	enum store_item_state *st;	/* deferred items answer */
};

static const char *const store_scripts[STORE_NSCRIPTS] = {
	[STORE_SCRIPT_BATCH] = store_lua_batch,
};

static void	store_connect(struct store *);
static void	store_lost(struct store *, const char *);
static void	store_send_batch(struct store *, struct store_qbatch *);
static void	store_spool_load(struct store *);
static void	store_defer_done(struct store *, store_done_cb, void *);
static void	store_spool_finish(struct store *);

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
static void
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
	free(b->feed_title);
	free(b);
}

/* v as 16 lower-case hex digits and a NUL, as "%016" PRIx64 prints it. */
static void
store_hex64(char buf[17], uint64_t v)
{
	static const char	 digits[] = "0123456789abcdef";
	int			 i;

	for (i = 15; i >= 0; i--, v >>= 4)
		buf[i] = digits[v & 0xf];
	buf[16] = '\0';
}

/* The hash tag of a feed's keys: FNV-1a of its URL, so any URL fits. */
static void
store_feed_tag(const struct store *s, const char *feed_url, char *buf,
    size_t len)
{
	snprintf(buf, len, "{%sf:%016" PRIx64 "}", s->prefix,
	    util_hash64(feed_url, strlen(feed_url), UTIL_HASH_SEED));
}

/*
 * Any reply is progress: the stall watch counts them.  The store comes
 * from the callback's own argument, never from ac->data: on a cluster
 * the connection belongs to rcluster and its data is a cluster node.
 */
static void
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
static void
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
static void
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
static void
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

/*
 * The spool.  While it holds records not yet loaded ("active"), every new
 * batch goes to its end too, so that the file stays in submission order
 * behind the in-memory queue, which is always the older part.  Records
 * are loaded into the queue as it drains and the file is truncated once
 * every loaded record has been answered.  The file is local and written
 * in bursts (a full queue, shutdown), so plain blocking I/O is accepted
 * here; nothing is fsynced before store_free.
 */
static bool
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
static int
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
	return b;
}

/* Moves spooled records into the queue while it has room. */
static void
store_spool_load(struct store *s)
{
	struct store_spool_rec	 r;
	struct store_qbatch	*b;
	off_t			 pos = s->spool_done;
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
static void
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
static void
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

static void
store_defer_done(struct store *s, store_done_cb cb, void *arg)
{
	struct store_read	*rd;

	if (cb == NULL)
		return;
	rd = store_read_new(s, arg);
	rd->done_cb = cb;
	store_defer(s, rd);
}

/*
 * Without Redis, the items of a feed are classified against the batches
 * still queued for it: what a queued batch will mark seen is seen, all
 * else is new.  Items Redis already holds come out "new"; their claims
 * then ride along in the next batch and the script skips them, so the
 * daemon can keep polling and extracting through an outage.
 */
static void
store_items_offline(struct store *s, struct store_read *rd)
{
	const struct store_qbatch	*b;
	const struct store_cmd		*cmd;
	const char			*id, *qid;
	char				 hex[17];
	long				 nk, ns, ni, j;
	size_t				 i, off;

	rd->st = xcalloc(rd->n, sizeof(*rd->st));
	TAILQ_FOREACH(b, &s->batches, entry) {
		if (strcmp(b->feed_url, rd->feed_url) != 0)
			continue;
		cmd = &b->cmds[0];
		/* The layout of store_build_batch: ARGV j is arg nk + j. */
		nk = strtol(store_cmd_arg(cmd, 0), NULL, 10);
		if (nk < 0 || nk + 13 > cmd->argc)
			continue;
		ns = strtol(store_cmd_arg(cmd, (int)nk + 9), NULL, 10);
		ni = strtol(store_cmd_arg(cmd, (int)nk + 10), NULL, 10);
		if (ns < 0 || ni < 0 || nk + 13 + ns + 2 * ni > cmd->argc)
			continue;
		for (j = 1; j <= ni; j++) {
			qid = store_cmd_arg(cmd, (int)(nk + 12 + ns + 2 * j));
			for (i = 0, off = 0; i < rd->n; i++) {
				id = rd->ids.data + off;
				off += strlen(id) + 1;
				if (strcmp(id, qid) != 0)
					continue;
				snprintf(hex, sizeof(hex), "%016" PRIx64,
				    rd->hashes[i]);
				rd->st[i] = strcmp(hex, store_cmd_arg(cmd,
				    (int)(nk + 13 + ns + 2 * j))) == 0 ?
				    STORE_ITEM_SEEN : STORE_ITEM_CHANGED;
			}
		}
	}
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

struct store *
store_new(struct event_base *base, const struct store_options *o,
    store_connect_cb cb, void *arg, char *err, size_t errlen)
{
	struct store	*s;
	struct stat	 st;
	struct timeval	 stall_tv = { 1, 0 };
	size_t		 i;

	if (o->url == NULL) {
		snprintf(err, errlen, "redis url missing");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->spool_lock = -1;
	if (strncmp(o->url, STORE_CLUSTER_SCHEME,
	    strlen(STORE_CLUSTER_SCHEME)) != 0 &&
	    store_parse_url(s, o->url, err, errlen) != 0)
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
	if (o->spool_path != NULL && o->spool_path[0] != '\0' &&
	    store_spool_lock(s, o->spool_path) == 0) {
		s->spool_path = xstrdup(o->spool_path);
		if (stat(s->spool_path, &st) == 0 && st.st_size > 0) {
			s->spool_size = st.st_size;
			log_notice("spool: %s holds %lld bytes, replayed "
			    "first once Redis answers", s->spool_path,
			    (long long)st.st_size);
		}
	}
	if (strncmp(o->url, STORE_CLUSTER_SCHEME,
	    strlen(STORE_CLUSTER_SCHEME)) == 0) {
		s->cluster = store_cluster_new(base, o->url +
		    strlen(STORE_CLUSTER_SCHEME), o->password, s->stream,
		    s->stream_maxlen, store_cluster_state, s, err, errlen);
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
	struct store_feed_state	 st;
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

/*
 * What the script does with a claim (its "watched" argument): '1' compare
 * and alert, '0' compare and update without an alert (no watch names the
 * key), 'h' history only: a sub-count, an earlier or a comparison figure,
 * or an item published more than max_age before the batch (a feed's
 * archive is quiet, and last year's flood is not this year's previous).
 */
static const char *
store_claim_mode(const struct store *s, const struct store_batch *in,
    const struct store_item *it, const struct claim *c, bool watched)
{
	if (c->role != CLAIM_ROLE_HEADLINE)
		return "h";
	if (s->max_age > 0 && it->published != INT64_MIN &&
	    it->published < in->detected_at - s->max_age)
		return "h";
	/*
	 * A place's story (a flood, a quake) that went quiet for longer than
	 * the window is over: next year's flood is new, not a change.  An
	 * owner's story (a war) may go on for years and has no window.
	 */
	if (strchr(c->scope, '.') != NULL)
		return watched ? "1w" STORE_STORY_WINDOW : "0w"
		    STORE_STORY_WINDOW;
	return watched ? "1" : "0";
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
	struct alert_feed		 feed;
	double				 lo, hi, ta, tr;
	char				*fig, *al;
	size_t				 j, occ = 0;
	bool				 watched;
	char				 shown[UTIL_URL_SHOWN];

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
	/* A password in the feed URL never reaches alerts or Redis. */
	feed.url = util_url_redact(in->feed_url, shown, sizeof(shown));
	feed.title = in->feed_title;
	feed.categories = in->categories;
	feed.ncategories = in->ncategories;
	al = alert_new_pair(c, &src, &feed, in->detected_at, &fig);

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
	store_cmd_str(cmd, store_claim_mode(s, in, it, c, watched));
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
	char				 shown[UTIL_URL_SHOWN];

	if (st == NULL)
		return 0;
	store_cmd_str(cmd, "url");
	store_cmd_str(cmd, util_url_redact(in->feed_url, shown,
	    sizeof(shown)));
#define STORE_FIELD_STR(f) do {						\
		if (st->f != NULL) {					\
			store_cmd_str(cmd, #f);				\
			store_cmd_str(cmd, st->f);			\
		}							\
	} while (0)
	STORE_FIELD_STR(etag);
	STORE_FIELD_STR(last_modified);
	STORE_FIELD_STR(moved_to);
	STORE_FIELD_STR(title);
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
	char		 tag[64], iso[32], num[32], hex[17];
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
		store_hex64(hex, in->items[i].hash);
		store_cmd_add(cmd, hex, 16);
	}
	for (i = 0; i < in->nclaims; i++)
		store_build_claim(s, in, i, cmd);
}

/*
 * The batch's command without the claims of rejected sources (their items
 * are still marked seen).
 */
static void
store_build_kept(struct store *s, const struct store_batch *in,
    struct store_cmd *cmd)
{
	struct store_batch	 kept = *in;
	struct store_claim	*v;
	size_t			 i;

	if (s->rejects.n == 0) {
		store_build_batch(s, in, cmd);
		return;
	}
	v = xcalloc(in->nclaims + 1, sizeof(*v));
	kept.nclaims = 0;
	for (i = 0; i < in->nclaims; i++)
		if (!store_rejects_match(&s->rejects,
		    in->items[in->claims[i].item].url))
			v[kept.nclaims++] = in->claims[i];
	kept.claims = v;
	store_build_batch(s, &kept, cmd);
	free(v);
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
