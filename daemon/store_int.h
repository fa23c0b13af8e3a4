/*
 * store internals shared by the store's files (store.c, store_conn.c,
 * store_batch.c, store_spool.c, store_lease.c, store_lua.c and the
 * cluster, look-back and tail clients): the Lua scripts, the argument
 * layout both sides must agree on, the spool file's records, and the
 * store's own state.
 */
#ifndef CLAIMWATCH_STORE_INT_H
#define CLAIMWATCH_STORE_INT_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/util.h>
#include <hiredis.h>
#include <async.h>

#include "rcluster.h"
#include "store.h"
#include "util.h"

struct event_base;

/* A polled feed, or one claim key of it on a cluster; see store_lua.c. */
extern const char	store_lua_batch[];
/* The per-feed poll lease. */
extern const char	store_lua_lease[];
/* On a cluster: XADD alerts once each, by token (store_cluster.c). */
extern const char	store_lua_stream[];
/* Keys of the pre-story format to the current one, once per database. */
extern const char	store_lua_migrate[];

/*
 * The batch script's call, defined here once for both sides: store_batch.c
 * writes it, store_lua_batch reads it (its text spells these numbers;
 * test_store checks them), store_cluster.c splits it.  As the
 * arguments after the SHA: numkeys, then KEYS (the feed's three when
 * STORE_ARGV_FEEDKEYS is 1, the stream when STORE_ARGV_STREAMKEY is 1,
 * STORE_CLAIM_NKEYS per claim), then ARGV: the STORE_BATCH_NHEAD header
 * strings below (1-based, as Lua numbers them), ns state field/value
 * strings, ni item id/content hash pairs, STORE_CLAIM_NARGS per claim.
 */
#define STORE_ARGV_NOW		1	/* detected_at, UTC seconds */
#define STORE_ARGV_ISO		2	/* detected_at, RFC 3339 */
#define STORE_ARGV_CHANNEL	3	/* PUBLISH channel */
#define STORE_ARGV_MAXLEN	4	/* stream MAXLEN ~ */
#define STORE_ARGV_DONE_MAX	5	/* dedupe tokens kept per key */
#define STORE_ARGV_HIST_MAX	6	/* history entries kept per key */
#define STORE_ARGV_CORR		7	/* corroborated alerts, 0/1 */
#define STORE_ARGV_SEEN_MAX	8	/* seen item ids kept per feed */
#define STORE_ARGV_NSTATE	9	/* ns, 0 leaves the state alone */
#define STORE_ARGV_NITEMS	10	/* ni */
#define STORE_ARGV_NCLAIMS	11	/* nc */
#define STORE_ARGV_FEEDKEYS	12	/* feed keys given, 0/1 */
#define STORE_ARGV_STREAMKEY	13	/* stream key given, 0/1 */
#define STORE_ARGV_TAIL		14	/* alerts' end: alert_tail */
#define STORE_BATCH_NHEAD	14	/* ARGV before the state strings */
#define STORE_FEED_NKEYS	3	/* state, seen, seenz */
#define STORE_CLAIM_NKEYS	4	/* cur, hist, done, src */
/* A claim's strings, from 0 (see store_lua.c for what each means). */
#define STORE_CLAIM_TOKEN	0	/* item id \037 hash \037 occurrence */
#define STORE_CLAIM_VALUE	1
#define STORE_CLAIM_MAX		2	/* or "" */
#define STORE_CLAIM_LO		3
#define STORE_CLAIM_HI		4
#define STORE_CLAIM_VAGUE	5	/* 0/1 */
#define STORE_CLAIM_PUB		6	/* published, UTC seconds, or "" */
#define STORE_CLAIM_FIGURE	7	/* figure JSON, as kept */
#define STORE_CLAIM_CURRENT	8	/* the alert's "current" */
#define STORE_CLAIM_NAMES	9	/* the alert's key .. story members */
#define STORE_CLAIM_LABEL	10	/* the story's label */
#define STORE_CLAIM_TOL_ABS	11
#define STORE_CLAIM_TOL_REL	12
#define STORE_CLAIM_MODE	13	/* store_claim_mode */
#define STORE_CLAIM_SOURCE	14	/* source id: item URL or id */
#define STORE_CLAIM_ITEM	15	/* item number, 1-based */
#define STORE_CLAIM_NARGS	16
/*
 * The layout before alerts were joined by the script (spool files of
 * older daemons): a header without the tail, and per claim the whole
 * "new" alert where the current figure, names and label are now.
 */
#define STORE_V1_BATCH_NHEAD	13
#define STORE_V1_CLAIM_ALERT	8
#define STORE_V1_CLAIM_NARGS	14

/*
 * Where the parts of one batch call are, as argument indices after the
 * SHA (0 is numkeys): found once by store_batch_layout, for a call built
 * here or read back from the spool.
 */
struct store_batch_layout {
	long	 nk, ns, ni, nc;
	int	 head;		/* arg of ARGV 1 */
	int	 state;		/* arg of the first state string */
	int	 items;		/* arg of the first item id */
	int	 claims;	/* arg of the first claim's first string */
};
/* Returns -1 when argc arguments at buf + off[i] are not a batch call. */
int	store_batch_layout(int argc, const size_t *off, const char *buf,
	    struct store_batch_layout *);

/* Where a redis:// or unix:// URL points; strings owned by the caller. */
struct store_addr {
	char	*host;		/* or NULL for a unix socket */
	int	 port;
	char	*path;		/* unix socket, or NULL */
	int	 db;
};

/* Splits url into a (free host and path after, even on failure). */
int	store_url_split(const char *url, struct store_addr *, char *err,
	    size_t errlen);

/*
 * Sources `claimwatch reject` took out of counting (store_reject.c): item
 * URLs and lowercased hosts.  Claims from an item whose link matches are
 * left out of the batches the store builds.
 */
struct store_rejects {
	char		**v;
	size_t		  n;
	int64_t		  asked;	/* when Redis was last asked, UTC s */
};
void	store_rejects_clear(struct store_rejects *);
void	store_rejects_add(struct store_rejects *, const char *source);
bool	store_rejects_match(const struct store_rejects *, const char *url);

/* Bounds a spool record must meet, checked before allocating. */
#define STORE_SPOOL_ARG_MAX	(512UL * 1024 * 1024)	/* bytes of args */
#define STORE_SPOOL_ARGC_MAX	(16 * 100000)

/* One spooled batch script call: its arguments after the SHA. */
struct store_spool_rec {
	char	*feed_url;
	int	 argc;
	size_t	*argvlen;
	char	*buf;		/* argc NUL-terminated args back to back */
	size_t	 buflen;	/* sum of argvlen[i] + 1 */
};

/*
 * Appends one record to fd (opened O_APPEND) in one write: argc
 * arguments, argument i being argvlen[i] bytes and a NUL at buf + off[i].
 * Returns -1 with errno set on an error; the file may then end in a torn
 * record, which the caller cuts off (ftruncate to the size before).
 */
int	store_spool_write(int fd, const char *feed_url, int argc,
	    const size_t *off, const size_t *argvlen, const char *buf);
/*
 * Reads the record at *pos, the file ending at end, into r (free it with
 * store_spool_rec_free) and advances *pos.  Returns 1, 0 at end, or -1
 * with errno (EINVAL: torn or corrupt record; r is then empty).
 */
int	store_spool_read(int fd, off_t *pos, off_t end,
	    struct store_spool_rec *r);
void	store_spool_rec_free(struct store_spool_rec *);

/*
 * The store on Redis Cluster (store_cluster.c): owns an rcluster and runs
 * a batch script call, laid out as store_build_batch makes it, as calls
 * of one slot each.  seeds "host:port,..."; stream names the alert stream.
 */
struct store_cluster;
enum store_cluster_script {
	STORE_CLUSTER_BATCH,
	STORE_CLUSTER_STREAM_SCRIPT,
	STORE_CLUSTER_NSCRIPTS
};
/* ready: slot map complete and scripts loaded. */
typedef void (*store_cluster_state_cb)(bool ready, void *arg);
/* by: alerts XADDed per type (store.h order), NULL when a script failed. */
typedef void (*store_cluster_done_cb)(const long long *by, void *arg);
struct store_cluster *store_cluster_new(struct event_base *, const char *seeds,
	    const char *password, const char *stream, long stream_maxlen,
	    store_cluster_state_cb, void *arg, char *err, size_t errlen);
bool	store_cluster_is_ready(const struct store_cluster *);
/*
 * Runs one batch call (args as for store_spool_write); cb is called once
 * it is all through, never from inside this.  Returns -1 (cb not called)
 * when the layout is not a batch's.
 */
int	store_cluster_batch(struct store_cluster *, int argc,
	    const size_t *off, const size_t *argvlen, const char *buf,
	    store_cluster_done_cb cb, void *arg);
/* One command routed by key's slot (any master for NULL). */
int	store_cluster_command(struct store_cluster *, const char *key,
	    rcluster_cb cb, void *priv, int argc, const char **argv,
	    const size_t *argvlen);
unsigned long long store_cluster_commands(const struct store_cluster *);
/* Disconnects; unanswered calls get no callback.  NULL: no-op. */
void	store_cluster_free(struct store_cluster *);

/*
 * The store's own state (store.h keeps it opaque), shared by store.c and
 * the files split from it.
 */
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
	char			*feed_title;	/* or NULL (spooled too) */
	struct store_cmd	*cmds;
	size_t			 ncmds;
	struct store_batch_layout layout;	/* of cmds[0] */
	bool			 laid_out;	/* layout found */
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
	char			 id[128];	/* lease: host:pid:random */

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

/* store_conn.c */
int	store_parse_url(struct store *s, const char *url, char *err,
    size_t errlen);
void	store_command(struct store *s, const char *key, redisCallbackFn *cb,
    void *priv, int argc, const char **argv, const size_t *argvlen);
void	store_progress(struct store *s, const void *reply);
void	store_stall_cb(evutil_socket_t fd, short what, void *arg);
void	store_rejects_ask(struct store *s);
void	store_cluster_state(bool ready, void *arg);
void	store_timer_cb(evutil_socket_t fd, short what, void *arg);
void	store_connect(struct store *s);
void	store_send_batch(struct store *s, struct store_qbatch *b);

/* store_batch.c */
const char *store_cmd_arg(const struct store_cmd *cmd, int i);
void	store_qbatch_free(struct store_qbatch *b);
void	store_qbatch_lay_out(struct store_qbatch *b);
void	store_hex64(char buf[17], uint64_t v);
void	store_feed_tag(const struct store *s, const char *feed_url, char *buf,
    size_t len);
void	store_items_offline(struct store *s, struct store_read *rd);
void	store_build_kept(struct store *s, const struct store_batch *in,
    struct store_cmd *cmd);

/* store_spool.c (policy) */
bool	store_spool_active(const struct store *s);
int	store_spool_append(struct store *s, const struct store_qbatch *b);
void	store_spool_load(struct store *s);
void	store_spool_finish(struct store *s);
void	store_spool_save(struct store *s);
void	store_spool_open(struct store *s, const char *path);

/* store_lease.c */
void	store_make_id(struct store *s);

/* store.c */
struct store_read *store_read_new(struct store *s, void *arg);
void	store_read_free(struct store_read *rd);
void	store_defer_done(struct store *s, store_done_cb cb, void *arg);

#endif
