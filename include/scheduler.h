/*
 * scheduler: when each feed is due.  One libevent timer per feed; interval
 * from the feed list or the default, feed hints (ttl, max-age) within
 * bounds, exponential backoff with jitter on errors, Retry-After, first
 * polls spread over the interval so a restart does not stampede.
 */
#ifndef CLAIMWATCH_SCHEDULER_H
#define CLAIMWATCH_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

struct event_base;
struct feed_state;
struct scheduler;
struct scheduler_feed;

struct scheduler_options {
	int	 interval;	/* default seconds between polls */
	int	 min_interval;	/* floor for hints */
	int	 max_interval;	/* ceiling for hints and backoff */
	int	 max_failures;	/* consecutive failures before "failing" */
	bool	 spread;	/* spread first polls over the interval */
};

enum scheduler_outcome {
	SCHEDULER_OK,		/* fetched and handled */
	SCHEDULER_NOT_MODIFIED,	/* 304 */
	SCHEDULER_ERROR,	/* back off */
	SCHEDULER_GONE		/* 410: never poll again */
};

/* Called from the loop when a feed is due; feed_arg is scheduler_add's. */
typedef void (*scheduler_due_cb)(struct scheduler_feed *, void *feed_arg,
    void *arg);

struct scheduler *scheduler_new(struct event_base *,
		    const struct scheduler_options *, scheduler_due_cb,
		    void *arg);
/*
 * Adds a feed with its own interval (0 = default); next_due (UTC seconds,
 * 0 = now or spread) resumes a stored schedule.  The handle is valid until
 * scheduler_remove or scheduler_free.
 */
struct scheduler_feed *scheduler_add(struct scheduler *, int interval,
		    int64_t next_due, void *feed_arg);
/*
 * The same for a feed whose state the caller keeps: the first poll is at
 * st->next_due (0 = now or spread), and the scheduler keeps failures,
 * failing, gone and next_due in st from then on; st must outlive the
 * handle.
 */
struct scheduler_feed *scheduler_add_state(struct scheduler *, int interval,
		    struct feed_state *st, void *feed_arg);
void		 scheduler_remove(struct scheduler *, struct scheduler_feed *);
/*
 * Reports a poll's outcome and arms the next one.  retry_after (seconds,
 * 0 = none) overrides backoff; hint (ttl or max-age seconds, 0 = none)
 * stretches the interval, up to max_interval, but never shortens it.
 */
void		 scheduler_done(struct scheduler *, struct scheduler_feed *,
		    enum scheduler_outcome, long retry_after, long hint);
/*
 * Another daemon holds the feed's poll lease: try again after a random
 * 0.5 to 1.5 intervals, which keeps the failure count as it is.
 */
void		 scheduler_defer(struct scheduler *, struct scheduler_feed *);
int64_t		 scheduler_next_due(const struct scheduler_feed *);
int		 scheduler_failures(const struct scheduler_feed *);
bool		 scheduler_is_failing(const struct scheduler_feed *);
bool		 scheduler_is_gone(const struct scheduler_feed *);
/*
 * Counts outcome into st as scheduler_done does: an error adds a failure
 * (failing from o->max_failures on), OK and 304 clear them, GONE clears
 * them and sets gone.  For a feed that has no handle (removed by a reload
 * or stopped while its poll ran) the caller counts with this.
 */
void		 scheduler_count(const struct scheduler_options *o,
		    struct feed_state *st, enum scheduler_outcome);
void		 scheduler_set_options(struct scheduler *,
		    const struct scheduler_options *);
/*
 * The policy, pure (exported for tests): seconds until the next poll after
 * outcome, for a feed with its own interval (0 = default) and failures
 * consecutive failures counting this one.  retry_after wins (capped at
 * max_interval); after OK/304 a hint replaces the interval within
 * [min_interval, max_interval]; errors back off interval * 2^(failures-1)
 * capped at max_interval, times 1 + 0.2 * jitter (jitter in [-1, 1]).
 * Returns -1 for GONE.
 */
long		 scheduler_next_delay(const struct scheduler_options *,
		    int interval, enum scheduler_outcome, int failures,
		    long retry_after, long hint, double jitter);
/* Removes every feed; NULL is a no-op. */
void		 scheduler_free(struct scheduler *);

#endif
