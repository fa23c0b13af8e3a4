/*
 * store internals shared by store.c, store_lua.c and store_spool.c: the
 * Lua scripts, the argument layout both sides must agree on, and the spool
 * file's records.
 */
#ifndef CLAIMWATCH_STORE_INT_H
#define CLAIMWATCH_STORE_INT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rcluster.h"

struct event_base;

/* A polled feed, or one claim key of it on a cluster; see store_lua.c. */
extern const char	store_lua_batch[];
/* The per-feed poll lease. */
extern const char	store_lua_lease[];
/* On a cluster: XADD alerts once each, by token (store_cluster.c). */
extern const char	store_lua_stream[];
/* Keys of the pre-story format to the current one, once per database. */
extern const char	store_lua_migrate[];

#define STORE_BATCH_NHEAD	13	/* ARGV before the state strings */
#define STORE_FEED_NKEYS	3	/* state, seen, seenz */
#define STORE_CLAIM_NKEYS	4	/* cur, hist, done, src */
#define STORE_CLAIM_NARGS	14

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

#endif
