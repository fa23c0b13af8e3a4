/*
 * poll_feed: a feed's life outside its polls: its stored state read
 * before the first poll, its schedule (and a backoff from earlier settings
 * cut to the current ones), and the feed list a reload brings.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctx.h"
#include "log.h"
#include "poll.h"
#include "poll_int.h"
#include "poll_io.h"
#include "scheduler.h"
#include "store.h"
#include "util.h"

/* When a feed is next due, at info, so an operator sees a long wait. */
static void
poll_log_due(struct ctx_feed *f, const char *why)
{
	char	 rbuf[1024], iso[32];
	int64_t	 due;

	if (f->sf == NULL)
		return;
	due = scheduler_next_due(f->sf);
	util_iso8601(due, iso, sizeof(iso));
	log_info("feed=%s %s: next poll at %s (in %llds, %d failures)",
	    util_url_redact(f->url, rbuf, sizeof(rbuf)), why, iso,
	    (long long)(due > util_now() ? due - util_now() : 0),
	    f->st.failures);
}

/*
 * Longest wait the current settings give a feed backing off after
 * failures: a stored or running backoff beyond it was set by an earlier
 * interval or max_interval and is cut to it.
 */
static long
poll_backoff_max(struct ctx *ctx, int interval, int failures)
{
	struct scheduler_options	 so;

	poll_scheduler_options(ctx, &so);
	return scheduler_next_delay(&so, interval, SCHEDULER_ERROR, failures,
	    0, 0, 1.0);
}

/*
 * After a reload: a feed backing off longer than the new interval or
 * max_interval would make it is rescheduled to what they give from now.
 */
static void
poll_cut_backoff(struct ctx *ctx, struct ctx_feed *f)
{
	int64_t	 due, now = util_now();
	int	 n;
	long	 max;

	/* Failures are counted across runs (stored with the state). */
	n = f->st.failures;
	if (f->sf == NULL || poll_is_running(f) || n == 0 ||
	    f->st.status == 429 || f->st.status == 503)
		return;
	due = scheduler_next_due(f->sf);
	max = poll_backoff_max(ctx, f->interval, n);
	if (due <= now + max)
		return;
	scheduler_remove(ctx->sched, f->sf);
	f->st.next_due = now + max;
	f->sf = scheduler_add_state(ctx->sched, f->interval, &f->st, f);
	poll_log_due(f, "backoff cut to the new interval");
}

static void
poll_schedule(struct ctx *ctx, struct ctx_feed *f)
{
	char	 rbuf[1024];

	if (f->st.gone) {
		log_info("feed=%s disabled (410 Gone earlier)",
		    util_url_redact(f->url, rbuf, sizeof(rbuf)));
		/* Under --once it counts as polled. */
		if (ctx->once && f->state != POLL_DONE) {
			f->state = POLL_DONE;
			ctx->once_left--;
		}
		return;
	}
	/* --once polls every feed now, whatever was stored. */
	if (ctx->once)
		f->st.next_due = 0;
	f->sf = scheduler_add_state(ctx->sched, f->interval, &f->st, f);
	poll_log_due(f, "scheduled");
}

static void
poll_state_cb(const struct feed_state *st, void *arg)
{
	struct ctx_feed	*f = arg;
	long		 max;

	if (f->state == POLL_REMOVED) {
		/* Dropped by a reload while its state was being read. */
		ctx_feed_free(f->ctx, f);
		return;
	}
	f->state = POLL_IDLE;
	if (st != NULL) {
		poll_set_str(&f->st.etag, st->etag);
		poll_set_str(&f->st.last_modified, st->last_modified);
		if (st->title != NULL)
			poll_set_str(&f->st.title, st->title);
		if (st->moved_to != NULL)
			poll_set_moved(f, st->moved_to);
		f->st.status = st->status;
		f->st.failures = st->failures;
		f->st.gone = st->gone;
		f->st.next_due = st->next_due;
		f->st.last_poll = st->last_poll;
		/* Backing off from an earlier run under other settings; a
		   server's Retry-After (429, 503) stands. */
		max = poll_backoff_max(f->ctx, f->interval, st->failures);
		if (st->failures > 0 && st->last_poll > 0 && st->next_due >
		    st->last_poll + max && st->status != 429 &&
		    st->status != 503)
			f->st.next_due = st->last_poll + max;
	}
	if (f->sf == NULL && !f->ctx->stopping)
		poll_schedule(f->ctx, f);
}

/* Loads a new feed's stored state, then schedules it. */
void
poll_feed_start(struct ctx *ctx, struct ctx_feed *f)
{
	f->state = POLL_LOADING;
	if (poll_io(ctx)->state_get(ctx, f->url, poll_state_cb,
	    f) == -1) {
		f->state = POLL_IDLE;
		poll_schedule(ctx, f);
	}
}

void
poll_scheduler_options(const struct ctx *ctx,
    struct scheduler_options *o)
{
	const struct config	*c = ctx->conf;

	memset(o, 0, sizeof(*o));
	o->interval = c->interval;
	o->min_interval = c->min_interval;
	o->max_interval = c->max_interval;
	o->max_failures = c->max_failures;
	o->spread = !ctx->once;
}

/* What the list says of a feed beside its URL: names and credentials. */
static void
poll_feed_describe(struct ctx_feed *f, const struct config_feed *cf)
{
	ctx_feed_describe(f, cf->title, cf->categories, cf->ncategories);
	ctx_feed_set_auth(f, cf);
}

/* A feed of the list, new to ctx. */
static struct ctx_feed *
poll_feed_add(struct ctx *ctx, const struct config_feed *cf)
{
	struct ctx_feed	*f;

	f = ctx_feed_add(ctx, cf->url, cf->lang, cf->interval,
	    cf->fetch_articles);
	poll_feed_describe(f, cf);
	return f;
}

/* Applies a new feed list: adds and removes, leaves unchanged feeds be. */
void
poll_feeds_apply(struct ctx *ctx, const struct config *conf)
{
	struct ctx_feed	*f, *next;
	size_t		 i, added = 0, removed = 0;
	bool		 listed;

	for (f = TAILQ_FIRST(&ctx->feeds); f != NULL; f = next) {
		next = TAILQ_NEXT(f, entry);
		listed = false;
		for (i = 0; i < conf->nfeeds && !listed; i++)
			listed = strcmp(conf->feeds[i].url, f->url) == 0;
		if (listed || f->state == POLL_REMOVED)
			continue;
		removed++;
		if (poll_is_running(f) || f->state == POLL_LOADING) {
			/* Freed when its poll or its state read ends. */
			f->state = POLL_REMOVED;
			if (f->sf != NULL)
				scheduler_remove(ctx->sched, f->sf);
			f->sf = NULL;
		} else
			ctx_feed_free(ctx, f);
	}
	for (i = 0; i < conf->nfeeds; i++) {
		const struct config_feed *cf = &conf->feeds[i];

		if ((f = ctx_feed_find(ctx, cf->url)) != NULL) {
			/* A new interval takes effect from the next poll,
			   keeping the time already scheduled (in f->st). */
			if (f->interval != cf->interval && f->sf != NULL) {
				scheduler_remove(ctx->sched, f->sf);
				f->sf = scheduler_add_state(ctx->sched,
				    cf->interval, &f->st, f);
			}
			f->interval = cf->interval;
			poll_set_str(&f->lang, cf->lang);
			f->lang_warned = false;
			f->articles = cf->fetch_articles;
			poll_feed_describe(f, cf);
			continue;
		}
		f = poll_feed_add(ctx, cf);
		added++;
		if (ctx->started)
			poll_feed_start(ctx, f);
	}
	if (added > 0 || removed > 0)
		log_notice("feeds=%zu added=%zu removed=%zu", ctx->nfeeds,
		    added, removed);
}


void
poll_feeds_init(struct ctx *ctx, const char *only)
{
	const struct config_feed	*cf;
	size_t				 i;

	for (i = 0; i < ctx->conf->nfeeds; i++) {
		cf = &ctx->conf->feeds[i];
		if (only != NULL && strcmp(cf->url, only) != 0)
			continue;
		if (ctx_feed_find(ctx, cf->url) != NULL)
			continue;
		poll_feed_add(ctx, cf);
	}
}

void
poll_feeds_start(struct ctx *ctx)
{
	struct ctx_feed	*f;

	TAILQ_FOREACH(f, &ctx->feeds, entry)
		poll_feed_start(ctx, f);
}

void
poll_reconfigure(struct ctx *ctx)
{
	struct scheduler_options	 so;
	struct ctx_feed			*f;

	poll_scheduler_options(ctx, &so);
	scheduler_set_options(ctx->sched, &so);
	TAILQ_FOREACH(f, &ctx->feeds, entry)
		poll_cut_backoff(ctx, f);
}
