/*
 * rcluster: a Redis Cluster client on hiredis async (Debian 12's hiredis
 * has none): the slot map from CLUSTER SLOTS, one connection per master on
 * the caller's event_base, CRC16 key slots with hash tags, MOVED (map
 * updated, command retried) and ASK (ASKING, retried on the importing
 * node), and a new slot map after a failover or a lost connection.  Only
 * the store uses it.  Every command is retried until a node answers it
 * with something other than a redirect or a "cannot answer now" error, so
 * it must be safe to run twice (the store's scripts are: dedupe tokens).
 */
#ifndef CLAIMWATCH_RCLUSTER_H
#define CLAIMWATCH_RCLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct redisAsyncContext;
struct rcluster;
struct util_buf;

#define RCLUSTER_SLOTS	16384

/* hiredis's redisCallbackFn: reply is a redisReply, NULL when freed. */
typedef void (*rcluster_cb)(struct redisAsyncContext *, void *reply,
    void *priv);
/* ready: every slot has a master in the map. */
typedef void (*rcluster_state_cb)(bool ready, void *arg);

/* CRC16-CCITT (XModem), the cluster's key hash. */
uint16_t	 rcluster_crc16(const char *, size_t);
/* The slot of a key, hashing only its first non-empty {tag} if any. */
unsigned	 rcluster_key_slot(const char *, size_t);

/*
 * Appends argv as one RESP command (what hiredis would write), for
 * redisAsyncFormattedCommand: the store uses it on one Redis too.
 */
void		 rcluster_format_argv(struct util_buf *, int argc,
		    const char **argv, const size_t *argvlen);

enum rcluster_redirect {
	RCLUSTER_NONE,		/* not a redirect */
	RCLUSTER_MOVED,		/* the slot lives elsewhere now */
	RCLUSTER_ASK		/* this one command: ask the other node */
};
/*
 * Parses an error reply "MOVED 3999 127.0.0.1:6381" or "ASK ...".  An
 * empty host (":6381") is left empty: the asked node's host.  Returns the
 * kind, RCLUSTER_NONE for anything else or a malformed redirect.
 */
enum rcluster_redirect rcluster_parse_redirect(const char *err, unsigned *slot,
		    char *host, size_t hostlen, int *port);

/*
 * Starts discovery from seeds "host:port[,host:port...]"; password (or
 * NULL) is sent as AUTH on every connection.  cb reports readiness
 * changes.  Returns NULL with err filled on a bad seed list.
 */
struct rcluster	*rcluster_new(struct event_base *, const char *seeds,
		    const char *password, rcluster_state_cb cb, void *arg,
		    char *err, size_t errlen);
bool		 rcluster_is_ready(const struct rcluster *);
/*
 * Sends argv (copied) to the master of key's slot (any master when key is
 * NULL).  cb gets the final reply, valid until it returns; with cb NULL
 * the reply is dropped.  Waits (a retry timer, a new map) while the slot's
 * master is unreachable.  Returns 0; cb is never called from inside this.
 */
int		 rcluster_command(struct rcluster *, const char *key,
		    size_t keylen, rcluster_cb cb, void *priv, int argc,
		    const char **argv, const size_t *argvlen);
/* Commands sent or waiting and not yet answered. */
size_t		 rcluster_pending(const struct rcluster *);
/* Counters: MOVED and ASK redirects followed, slot maps loaded. */
void		 rcluster_get_stats(const struct rcluster *,
		    unsigned long long *moved, unsigned long long *ask,
		    unsigned long long *maps);
/*
 * Disconnects; every command not yet answered gets cb with reply NULL.
 * NULL: no-op.  Not from inside an rcluster callback.
 */
void		 rcluster_free(struct rcluster *);

#endif
