/*
 * store: everything claimwatchd keeps in Redis, over one hiredis async
 * connection on the daemon's event_base: feed state, seen items, the
 * current figure and history per claim key, and the atomic
 * compare-store-PUBLISH-XADD step (a Lua script).  Reconnects with backoff;
 * keeps submitted batches in a bounded queue while Redis is away, and in
 * a spool file beyond that and across restarts.
 */
#ifndef CLAIMWATCH_STORE_H
#define CLAIMWATCH_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed_state.h"	/* the per-feed state written and read back */

struct claim;
struct event_base;
struct store;

/* The first watch whose pattern matches a key gives its tolerance. */
struct store_watch {
	const char	*pattern;	/* fnmatch(3) glob over claim keys */
	double		 tolerance_abs;	/* e.g. 10: values 10 apart are same */
	double		 tolerance_rel;	/* e.g. 0.05: 5% of the larger */
};

struct store_options {
	const char	*url;		/* redis://host:port/db or unix:///path */
	const char	*password;	/* or NULL */
	const char	*prefix;	/* "cw:" */
	const char	*channel;	/* PUBLISH channel */
	const char	*stream;	/* XADD stream */
	long		 stream_maxlen;	/* 0: STORE_STREAM_MAXLEN */
	long		 seen_max;	/* seen ids kept per feed, 0:
					   STORE_SEEN_MAX */
	double		 tolerance_abs;	/* for keys no watch names */
	double		 tolerance_rel;
	bool		 corroborated;	/* publish "corroborated" alerts */
	long		 max_age;	/* seconds: claims of items published
					   longer before the batch alert not,
					   only update; 0 = off */
	const struct store_watch *watches; /* NULL/0: every key alerts */
	size_t		 nwatches;
	long		 queue_max;	/* batches kept while away, 0: 10000 */
	const char	*spool_path;	/* overflow and shutdown file, or
					   NULL; locked: one store per file */
};

/*
 * What the options left at 0 or NULL mean; they are also the
 * configuration's defaults (claimwatch.conf(5)).
 */
#define STORE_DEFAULT_URL	"redis://127.0.0.1:6379/0"
#define STORE_DEFAULT_PREFIX	"cw:"
#define STORE_DEFAULT_CHANNEL	"claimwatch:alerts"
#define STORE_STREAM_MAXLEN	10000
#define STORE_SEEN_MAX		1000

/* One item of a polled feed. */
struct store_item {
	const char	*id;
	uint64_t	 hash;		/* content hash (title, summary, content) */
	const char	*url;		/* link, or NULL */
	const char	*title;		/* or NULL */
	const char	*lang;		/* or NULL */
	int64_t		 published;	/* UTC seconds, or INT64_MIN */
};

enum store_item_state {
	STORE_ITEM_NEW,		/* id never seen */
	STORE_ITEM_CHANGED,	/* id seen with another content hash */
	STORE_ITEM_SEEN		/* id seen with this hash */
};

/* A claim and the item (index into the batch's items) it came from. */
struct store_claim {
	const struct claim *claim;
	const char	*text;		/* the sentence, NUL-terminated */
	size_t		 item;
};

struct store_batch {
	const char	*feed_url;
	const char	*feed_title;		/* or NULL; for alerts */
	char *const	*categories;		/* for alerts */
	size_t		 ncategories;
	const struct feed_state *state;	/* written as the new state */
	const struct store_item *items;		/* marked seen */
	size_t		 nitems;
	const struct store_claim *claims;	/* compared, stored, alerted */
	size_t		 nclaims;
	int64_t		 detected_at;		/* UTC seconds */
};

typedef void (*store_connect_cb)(bool connected, void *arg);
typedef void (*store_state_cb)(const struct feed_state *, void *arg);
typedef void (*store_items_cb)(const enum store_item_state *, size_t n,
    int error, void *arg);
typedef void (*store_done_cb)(int nalerts, void *arg);
typedef void (*store_lease_cb)(int granted, void *arg);

/*
 * Creates the store and starts connecting; cb reports every connect and
 * disconnect.  Returns NULL with err filled when the options are invalid.
 * Options are copied; zero/NULL fields take defaults (prefix "cw:",
 * channel and stream "claimwatch:alerts", STORE_STREAM_MAXLEN,
 * STORE_SEEN_MAX).
 */
struct store	*store_new(struct event_base *, const struct store_options *,
		    store_connect_cb cb, void *arg, char *err, size_t errlen);
bool		 store_is_connected(const struct store *);
/*
 * Reads a feed's stored state; cb gets NULL when there is none or Redis
 * failed.  Returns -1 when not connected (cb not called).
 */
int		 store_feed_state_get(struct store *, const char *feed_url,
		    store_state_cb cb, void *arg);
/*
 * Classifies items against the seen set in one round trip; the states
 * array lives until cb returns.  error != 0 (states NULL) when Redis
 * answered with an error.  Without Redis (not connected, or the link lost
 * on the way) cb gets, on the loop's next turn, the items that queued
 * batches hold as seen and the rest as new: polling goes on through an
 * outage and repeats are skipped by the script.  Returns -1 (cb not
 * called) only for n > 100000 or an item without id; n == 0 calls cb at
 * once.
 */
int		 store_items_check(struct store *, const char *feed_url,
		    const struct store_item *, size_t n, store_items_cb cb,
		    void *arg);
/*
 * Writes one polled feed in one round trip: state, seen items, claims;
 * alerts published by the script.  Copies what it needs before returning.
 * While Redis is away the batch waits in a bounded queue and is replayed
 * in order; replays never publish twice.  cb (may be NULL) gets the
 * number of alerts published, or -1 when Redis rejected a command.  A
 * batch queued while Redis is away (submitted then, or its connection
 * lost) or sent to the spool (queue full, or the spool not yet replayed)
 * is reported to cb with 0 on the loop's next turn, so polls never wait
 * out an outage; its alerts go out on replay.  Returns -1 (cb not
 * called) when the batch is invalid, or the queue is full and there is
 * no spool or it cannot be written (logged once, with path and error).
 */
int		 store_submit(struct store *, const struct store_batch *,
		    store_done_cb cb, void *arg);
/*
 * Takes the feed's poll lease for ttl_ms (SET {feed}:lease <id> NX PX):
 * cb gets 1 when this instance holds it now (a lease it already held is
 * extended), 0 when another instance does, -1 when Redis failed.  Returns
 * -1 (cb not called) when not connected or ttl_ms <= 0; a caller that
 * polls anyway then stays correct, the claims' dedupe makes it a repeat.
 */
int		 store_lease(struct store *, const char *feed_url, long ttl_ms,
		    store_lease_cb cb, void *arg);
/*
 * The story registry (README "Stories and keys"): hashes of field -> UTC
 * seconds, one per id ("p:<place>": kinds of event reported there;
 * "n:<name>": scopes of the items that named it).  store_story_get reads n
 * of them: cb gets per id the latest field at or after since, and how
 * many fields are that recent (hits valid until cb returns), or NULL and
 * 0 when Redis failed.  Returns -1 (cb not called) when not connected.
 * store_story_note sets field of id to t; nothing when not connected.
 */
struct store_story_hit {
	const char	*field;		/* latest recent field, or NULL */
	int64_t		 time;		/* its time */
	size_t		 nrecent;	/* fields at or after since */
};
typedef void (*store_story_cb)(const struct store_story_hit *, size_t n,
    void *arg);
int		 store_story_get(struct store *, const char *const *ids,
		    size_t n, int64_t since, store_story_cb cb, void *arg);
void		 store_story_note(struct store *, const char *id,
		    const char *field, int64_t t);
/* This instance's lease id, "host:pid:random"; lives as long as the store. */
const char	*store_instance_id(const struct store *);
/* Commands sent or queued and not yet answered. */
size_t		 store_pending(const struct store *);

/*
 * The kinds of alert, in the order the batch script counts them (its
 * reply) and alerts_by_type holds them.
 */
enum store_alert_type {
	STORE_ALERT_NEW,
	STORE_ALERT_CHANGED,
	STORE_ALERT_CORROBORATED,
	STORE_ALERT_TYPES
};

/* Counters since store_new, for /metrics. */
struct store_stats {
	unsigned long long	 commands;	/* commands sent to Redis */
	unsigned long long	 errors;	/* error replies, failed connects
						   and lost connections */
	unsigned long long	 connects;	/* successful (re)connects */
	unsigned long long	 stalls;	/* links dropped after 10 s without
						   a reply while commands waited */
	unsigned long long	 alerts;	/* alerts the scripts published */
	unsigned long long	 alerts_by_type[STORE_ALERT_TYPES];
	size_t			 queued;	/* batches queued or unanswered */
	size_t			 rejected;	/* sources `claimwatch reject`
						   took out, as last read */
	long long		 spool_bytes;	/* spool file bytes not replayed */
};
void		 store_get_stats(const struct store *, struct store_stats *);
/*
 * Blocking reader for `claimwatch tail`, no event loop: with from_id NULL
 * it SUBSCRIBEs to o->channel; else it replays o->stream after from_id
 * ("0": all of it, "$": from now) and follows it live (XREAD BLOCK from
 * the last id), without gap or repeat.  A lost link is reconnected with
 * backoff (one line on stderr) and the stream resumed after the last id
 * given to cb.  Only url, password, channel and stream of o are
 * used.  cb gets the stream id (NULL for channel messages) and the alert
 * JSON, both valid until it returns; a non-zero return stops the tail.
 * Returns 0 when cb stopped it, -1 with err filled on a Redis error.
 */
typedef int (*store_tail_cb)(const char *id, const char *alert, void *arg);
int		 store_tail(const struct store_options *, const char *from_id,
		    store_tail_cb cb, void *arg, char *err, size_t errlen);
/*
 * Disconnects and frees; pending callbacks are not called.  With a spool,
 * every batch still queued or sent and unanswered is written to it ahead
 * of the records it still holds, and the file is fsynced before this
 * returns; the next store on that spool replays it first, in order.
 * NULL: no-op.  Not from inside a store callback (defer it with
 * event_base_once).
 */
void		 store_free(struct store *);

#endif
