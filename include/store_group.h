/*
 * store_group: a Redis consumer group on the alert stream, for the
 * notify sinks (part of the store module: the redisAsyncContext stays in
 * it).  One hiredis async connection per group, so a sink blocked in
 * XREADGROUP or slow to acknowledge never holds up another; reconnects
 * with backoff and (re)creates the group.  After every connect it first
 * hands back this consumer's pending entries (read before, never acked),
 * then (claim_idle_ms) entries other consumers left pending that long,
 * then new ones: at-least-once delivery across restarts, also when the
 * consumer's name changes or another notifier dies.
 */
#ifndef CLAIMWATCH_STORE_GROUP_H
#define CLAIMWATCH_STORE_GROUP_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct store_group;

struct store_group_options {
	const char	*url;		/* redis://host:port/db or unix:///path */
	const char	*password;	/* or NULL; never logged */
	const char	*stream;	/* the alert stream */
	const char	*group;		/* consumer group name */
	const char	*consumer;	/* this consumer, stable across runs */
	bool		 from_start;	/* a new group starts at 0, else $ */
	long		 claim_idle_ms;	/* take over other consumers' entries
					   pending this long; 0: never */
};

/* One stream entry; alert is NULL for an entry trimmed away meanwhile. */
struct store_group_entry {
	const char	*id;
	const char	*alert;
};

/* Each connect (true) and loss (false). */
typedef void (*store_group_state_cb)(bool connected, void *arg);
/*
 * Answer to store_group_read: n entries in stream order (live until cb
 * returns), n == 0 when the wait timed out; error set when Redis refused
 * or the link was lost (then n == 0).
 */
typedef void (*store_group_read_cb)(const struct store_group_entry *,
    size_t n, bool error, void *arg);

/* Options are copied.  NULL with err filled when they are invalid. */
struct store_group *store_group_new(struct event_base *,
		    const struct store_group_options *, store_group_state_cb,
		    store_group_read_cb, void *arg, char *err, size_t errlen);
bool		 store_group_is_connected(const struct store_group *);
/*
 * Reads up to count entries, waiting up to block_ms for new ones; the
 * answer goes to the read callback.  may_claim: the caller holds no
 * entry, so a claim pass (at most every claim_idle_ms) cannot hand it
 * one it holds already.  -1 when not connected or a read is still out
 * (no callback then).
 */
int		 store_group_read(struct store_group *, size_t count,
		    long block_ms, bool may_claim);
/* XACK id; fire and forget (a lost ack means one more delivery). */
int		 store_group_ack(struct store_group *, const char *id);
/*
 * Moves an entry to the dead-letter stream dead (fields id, alert,
 * reason, attempts) and acks it, in one MULTI/EXEC.
 */
int		 store_group_dead(struct store_group *, const char *dead,
		    const char *id, const char *alert, const char *reason,
		    int attempts);
/* Disconnects and frees; no callback runs.  NULL is a no-op. */
void		 store_group_free(struct store_group *);

#endif
