/*
 * poll: the per-feed poll loop.  A feed falls due (scheduler), its lease
 * is taken (store), it is fetched (fetch), parsed, its items checked
 * against the seen set (store), article pages fetched, claims extracted
 * and the whole written in one batch (store); the outcome reschedules it.
 * The feed's stored state is read before its first poll, and a reload's
 * feed list is applied here.  Nothing a feed, the network or Redis does
 * ends the process.
 */
#ifndef CLAIMWATCH_POLL_H
#define CLAIMWATCH_POLL_H

#include <stdbool.h>

#include <event2/util.h>

#include "feed.h"		/* enum feed_parse */
#include "scheduler.h"		/* enum scheduler_outcome */

struct config;
struct ctx;
struct ctx_feed;
struct scheduler_feed;

/*
 * Where the loop has a feed (ctx_feed.state), as tmux's job_state.  A
 * feed starts NEW, is LOADING while its stored state is read, then IDLE
 * between polls (scheduled, or never again when its state says gone);
 * due with the cap reached it is WAITING in ctx->waiting; RUNNING while a
 * poll is in flight, DUE_AGAIN when it fell due meanwhile (polled once
 * more when the poll ends).  Under --once a polled feed is DONE.  A feed
 * a reload drops mid-read or mid-poll is REMOVED and freed when that ends.
 */
enum poll_state {
	POLL_NEW,
	POLL_LOADING,
	POLL_IDLE,
	POLL_WAITING,
	POLL_RUNNING,
	POLL_DUE_AGAIN,
	POLL_DONE,
	POLL_REMOVED
};

/* What one response means for the poll (poll_outcome). */
enum poll_outcome {
	POLL_OUTCOME_FEED,		/* 2xx, a feed: its items go on */
	POLL_OUTCOME_NOT_MODIFIED,	/* 304 */
	POLL_OUTCOME_GONE,		/* 410: never polled again */
	POLL_OUTCOME_RETRY_LATER,	/* 429, 503: after Retry-After */
	POLL_OUTCOME_HTTP_ERROR,	/* any other status */
	POLL_OUTCOME_FETCH_ERROR,	/* no complete response: timeout,
					   connection, body too big, refused
					   address or scheme */
	POLL_OUTCOME_PARSE_ERROR,	/* 2xx, but not a feed */
	POLL_OUTCOME_SKIPPED		/* 2xx, a feed not well-formed: an
					   item may be cut, so none is read */
};

/*
 * The policy, pure (poll_outcome.c).  status is the HTTP status (0: no
 * response), complete false when the fetch ended in an error, parse how
 * the body read (FEED_PARSE_OK when it was not read).  A body is read
 * only when poll_body_wanted; then poll_outcome is asked again with the
 * result.
 */
bool		 poll_body_wanted(int status, bool complete);
enum poll_outcome poll_outcome(int status, bool complete, enum feed_parse);
/* What the scheduler does with it: OK, NOT_MODIFIED, GONE or ERROR. */
enum scheduler_outcome poll_outcome_schedule(enum poll_outcome);
/* True when the body was not a usable feed (parse_errors). */
bool		 poll_outcome_is_parse_error(enum poll_outcome);

/* True while a poll of the feed is in flight. */
bool		 poll_is_running(const struct ctx_feed *);
/* The URL to fetch: where a permanent redirect led, else the listed one. */
const char	*poll_fetch_url(const struct ctx_feed *);

/* scheduler_due_cb: arg is the ctx, feed_arg its ctx_feed. */
void		 poll_due(struct scheduler_feed *, void *feed_arg, void *arg);
/* The ctx->ev_next callback: starts waiting feeds under the cap. */
void		 poll_next(evutil_socket_t, short, void *arg);
/* Loads a new feed's stored state, then schedules it. */
void		 poll_feed_start(struct ctx *, struct ctx_feed *);
/* The feeds of ctx->conf's list (only that one when only is not NULL). */
void		 poll_feeds_init(struct ctx *, const char *only);
/* Applies a new feed list: adds and removes, leaves unchanged feeds be. */
void		 poll_feeds_apply(struct ctx *, const struct config *);
/* Redis is up: poll_feed_start for every feed. */
void		 poll_feeds_start(struct ctx *);
/*
 * After a reload swapped ctx->conf: the scheduler takes the new settings
 * and a feed backing off longer than they give is rescheduled.
 */
void		 poll_reconfigure(struct ctx *);
/* The scheduler's options from ctx->conf (and --once). */
void		 poll_scheduler_options(const struct ctx *,
		    struct scheduler_options *);
/*
 * The ctx->ev_drain callback, every 50 ms under --once and after SIGTERM:
 * leaves the loop once every poll and Redis write is done (or Redis is
 * away and the store will spool them).
 */
void		 poll_drain(evutil_socket_t, short, void *arg);
/*
 * SIGTERM: no new polls (the scheduler goes); in-flight ones and their
 * Redis writes go on for up to seconds, then the loop is left anyway.
 */
void		 poll_stop(struct ctx *, int seconds);
/* At exit, after fetch, store and work are freed: frees the polls left. */
void		 poll_free_all(struct ctx *);

#endif
