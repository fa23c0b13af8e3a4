/*
 * scheduler: when each feed is due.  Every feed has one libevent timer;
 * when it fires the caller's due callback starts a poll, and the poll's
 * outcome (scheduler_done) arms the next one.  The policy itself, interval,
 * hints within bounds, backoff with jitter, Retry-After, lives in the pure
 * scheduler_next_delay so it can be tested without a clock.  The scheduler
 * never fetches, never logs per poll (the caller knows the feed's name)
 * and never polls a feed that went away (410) again.
 */
#include <sys/queue.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "feed_state.h"
#include "scheduler.h"
#include "util.h"

/* Backoff doubles at most this often; 2^20 intervals is forever anyway. */
#define SCHEDULER_MAX_SHIFT	20
#define SCHEDULER_JITTER	0.2

struct scheduler {
	struct event_base		*base;
	struct scheduler_options	 opts;
	scheduler_due_cb		 cb;
	void				*arg;
	TAILQ_HEAD(, scheduler_feed)	 feeds;
	uint64_t			 rng;	/* xorshift64 state */
};

struct scheduler_feed {
	struct scheduler	*s;
	TAILQ_ENTRY(scheduler_feed) entry;
	struct event		*ev;
	int			 interval;	/* own, or 0 for the default */
	struct feed_state	*st;		/* failures, failing, gone and
						   next_due (0 while due) */
	struct feed_state	 own;		/* st without the caller's */
	void			*feed_arg;
};

static uint64_t
scheduler_rand(struct scheduler *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

/* A uniform double in [-1, 1]. */
static double
scheduler_jitter(struct scheduler *s)
{
	return (double)(scheduler_rand(s) >> 11) / (double)(1ULL << 52) - 1.0;
}

static long
scheduler_clamp(long v, long lo, long hi)
{
	if (hi > 0 && v > hi)
		v = hi;
	if (v < lo)
		v = lo;
	return v;
}

long
scheduler_next_delay(const struct scheduler_options *o, int interval,
    enum scheduler_outcome outcome, int failures, long retry_after,
    long hint, double jitter)
{
	long	 base, max, d;
	double	 j;
	int	 shift;

	base = interval > 0 ? interval : o->interval;
	if (base < 1)
		base = 1;
	max = o->max_interval > 0 ? o->max_interval : LONG_MAX / 4;
	if (outcome == SCHEDULER_GONE)
		return -1;
	if (retry_after > 0)
		return scheduler_clamp(retry_after, 1, max);
	if (outcome == SCHEDULER_OK || outcome == SCHEDULER_NOT_MODIFIED) {
		/* A feed's ttl or max-age says how long its content stays
		   fresh: it may stretch our interval, never shorten it. */
		if (hint > base)
			return scheduler_clamp(hint, o->min_interval > 0 ?
			    o->min_interval : 1, max);
		return scheduler_clamp(base, 1, max);
	}
	/* The first failure retries after one interval, then doubling. */
	shift = failures > 1 ? failures - 1 : 0;
	if (shift > SCHEDULER_MAX_SHIFT)
		shift = SCHEDULER_MAX_SHIFT;
	d = base > max >> shift ? max : base << shift;
	if (d > max)
		d = max;
	if (jitter < -1.0)
		jitter = -1.0;
	if (jitter > 1.0)
		jitter = 1.0;
	j = (double)d * (1.0 + SCHEDULER_JITTER * jitter);
	return scheduler_clamp(lround(j), 1, max);
}

void
scheduler_count(const struct scheduler_options *o, struct feed_state *st,
    enum scheduler_outcome outcome)
{
	switch (outcome) {
	case SCHEDULER_OK:
	case SCHEDULER_NOT_MODIFIED:
		st->failures = 0;
		st->failing = false;
		break;
	case SCHEDULER_ERROR:
		if (st->failures < INT_MAX)
			st->failures++;
		if (o->max_failures > 0 && st->failures >= o->max_failures)
			st->failing = true;
		break;
	case SCHEDULER_GONE:
		/* Disabled, not failing: the server answered. */
		st->failures = 0;
		st->failing = false;
		st->gone = true;
		break;
	}
}

static void
scheduler_arm(struct scheduler_feed *sf, long delay)
{
	struct timeval	 tv;

	tv.tv_sec = delay;
	tv.tv_usec = 0;
	sf->st->next_due = util_now() + delay;
	evtimer_add(sf->ev, &tv);
}

static void	scheduler_start(struct scheduler_feed *);

static void
scheduler_due_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scheduler_feed	*sf = arg;
	struct scheduler	*s = sf->s;

	(void)fd;
	(void)what;
	/* The callback may remove sf: touch nothing after it. */
	s->cb(sf, sf->feed_arg, s->arg);
}

struct scheduler *
scheduler_new(struct event_base *base, const struct scheduler_options *o,
    scheduler_due_cb cb, void *arg)
{
	struct scheduler	*s;

	s = xcalloc(1, sizeof(*s));
	s->base = base;
	s->opts = *o;
	s->cb = cb;
	s->arg = arg;
	TAILQ_INIT(&s->feeds);
	s->rng = (uint64_t)util_now_ms() * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)getpid() ^ (uint64_t)(uintptr_t)s;
	if (s->rng == 0)
		s->rng = 0x2545f4914f6cdd1dULL;
	return s;
}

struct scheduler_feed *
scheduler_add(struct scheduler *s, int interval, int64_t next_due,
    void *feed_arg)
{
	struct scheduler_feed	*sf;

	sf = scheduler_add_state(s, interval, NULL, feed_arg);
	sf->own.next_due = next_due;
	scheduler_start(sf);
	return sf;
}

struct scheduler_feed *
scheduler_add_state(struct scheduler *s, int interval, struct feed_state *st,
    void *feed_arg)
{
	struct scheduler_feed	*sf;

	sf = xcalloc(1, sizeof(*sf));
	sf->s = s;
	sf->interval = interval > 0 ? interval : 0;
	sf->st = st != NULL ? st : &sf->own;
	sf->feed_arg = feed_arg;
	sf->ev = evtimer_new(s->base, scheduler_due_timer_cb, sf);
	TAILQ_INSERT_HEAD(&s->feeds, sf, entry);
	if (st != NULL)
		scheduler_start(sf);
	return sf;
}

/* Arms the first poll: at st->next_due, or now, or spread. */
static void
scheduler_start(struct scheduler_feed *sf)
{
	struct scheduler	*s = sf->s;
	int64_t			 next_due = sf->st->next_due;
	long			 delay, span;
	int64_t			 now = util_now();

	if (next_due > 0)
		delay = next_due > now ? (long)(next_due - now) : 0;
	else if (s->opts.spread) {
		span = sf->interval > 0 ? sf->interval : s->opts.interval;
		delay = span > 1 ? (long)(scheduler_rand(s) % (uint64_t)span) :
		    0;
	} else
		delay = 0;
	scheduler_arm(sf, delay);
}

void
scheduler_remove(struct scheduler *s, struct scheduler_feed *sf)
{
	if (sf == NULL)
		return;
	TAILQ_REMOVE(&s->feeds, sf, entry);
	event_free(sf->ev);
	free(sf);
}

void
scheduler_done(struct scheduler *s, struct scheduler_feed *sf,
    enum scheduler_outcome outcome, long retry_after, long hint)
{
	long	 delay;

	if (sf->st->gone)
		return;
	scheduler_count(&s->opts, sf->st, outcome);
	if (outcome == SCHEDULER_GONE) {
		sf->st->next_due = 0;
		evtimer_del(sf->ev);
		return;
	}
	delay = scheduler_next_delay(&s->opts, sf->interval, outcome,
	    sf->st->failures, retry_after, hint, scheduler_jitter(s));
	evtimer_del(sf->ev);
	scheduler_arm(sf, delay);
}

void
scheduler_defer(struct scheduler *s, struct scheduler_feed *sf)
{
	struct timeval	 tv;
	double		 d;
	long		 base;

	if (sf->st->gone)
		return;
	base = sf->interval > 0 ? sf->interval : s->opts.interval;
	/*
	 * Anywhere in [0.5, 1.5] intervals, at sub-second resolution: the
	 * holder polls at a fixed phase, so a fixed retry phase would lose
	 * to it forever, while random ones land now and then in the gap
	 * before its lease expires and the daemons end up sharing feeds.
	 */
	d = (double)base * (1.0 + 0.5 * scheduler_jitter(s));
	if (d < 0.2)
		d = 0.2;
	tv.tv_sec = (time_t)d;
	tv.tv_usec = (suseconds_t)((d - (double)tv.tv_sec) * 1e6);
	sf->st->next_due = util_now() + (int64_t)d;
	evtimer_del(sf->ev);
	evtimer_add(sf->ev, &tv);
}

int64_t
scheduler_next_due(const struct scheduler_feed *sf)
{
	return sf->st->next_due;
}

int
scheduler_failures(const struct scheduler_feed *sf)
{
	return sf->st->failures;
}

bool
scheduler_is_failing(const struct scheduler_feed *sf)
{
	return sf->st->failing;
}

bool
scheduler_is_gone(const struct scheduler_feed *sf)
{
	return sf->st->gone;
}

void
scheduler_set_options(struct scheduler *s, const struct scheduler_options *o)
{
	s->opts = *o;
}

void
scheduler_free(struct scheduler *s)
{
	if (s == NULL)
		return;
	while (!TAILQ_EMPTY(&s->feeds))
		scheduler_remove(s, TAILQ_FIRST(&s->feeds));
	free(s);
}
