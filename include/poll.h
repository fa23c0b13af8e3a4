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

#include <event2/util.h>

struct config;
struct ctx;
struct ctx_feed;
struct scheduler_feed;
struct scheduler_options;

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
