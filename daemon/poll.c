/*
 * poll: one poll of one feed as a small state machine, from "due" to
 * "stored": the cap on polls in flight, the lease, the fetch, the outcome
 * of the response and its reschedule, the state-only writes and the end.
 * The items of a parsed feed go on in poll_items.c.
 */
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "ctx.h"
#include "feed.h"
#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "poll.h"
#include "poll_int.h"
#include "scheduler.h"
#include "store.h"
#include "util.h"

/* Copies a feed's validators and counters into a state for the store. */
void
poll_feed_state(const struct ctx_feed *f, struct store_feed_state *st)
{
	memset(st, 0, sizeof(*st));
	st->etag = f->etag;
	st->last_modified = f->last_modified;
	st->moved_to = strcmp(f->url, f->fetch_url) != 0 ? f->fetch_url : NULL;
	/* What `claimwatch feeds` shows: the list's name, else the feed's. */
	st->title = f->title != NULL ? f->title : f->own_title;
	st->status = f->status;
	st->errors = f->errors;
	st->gone = f->gone;
	st->next_due = f->sf != NULL ? scheduler_next_due(f->sf) : 0;
	st->last_poll = util_now();
}

void
poll_submit_cb(int nalerts, void *arg)
{
	struct poll	*p = arg;
	char			 rbuf[1024];

	if (nalerts < 0)
		log_warn("feed=%s store write failed; items will be seen "
		    "again next poll", util_url_redact(p->feed->url, rbuf,
		    sizeof(rbuf)));
	else if (nalerts > 0) {
		double	 lat = (double)(util_now_ms() - p->fetched_ms) / 1000;
		int	 i;

		for (i = 0; i < nalerts; i++)
			metrics_observe(&p->ctx->stats.alert_seconds, lat);
	}
	poll_end(p);
}

/* Writes only the feed's state (error and 304 paths). */
void
poll_submit_state(struct poll *p)
{
	struct store_feed_state	 st;
	struct store_batch	 b;

	poll_feed_state(p->feed, &st);
	memset(&b, 0, sizeof(b));
	b.feed_url = p->feed->url;
	b.state = &st;
	b.detected_at = util_now();
	if (store_submit(p->ctx->store, &b, poll_submit_cb, p) == -1)
		poll_end(p);
}


void
poll_set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* A feed fetched, its body parsed on a worker (j) or here. */
void
poll_fetch_done(const struct fetch_result *r,
    struct poll *p, struct poll_job *j)
{
	struct ctx_feed		*f = p->feed;
	struct ctx		*ctx = p->ctx;
	enum scheduler_outcome	 outcome = SCHEDULER_OK;
	long			 retry_after = 0;
	char			 err[FEED_ERR_LEN], rbuf[1024];
	const char		*url;
	bool			 was_failing;

	url = util_url_redact(f->url, rbuf, sizeof(rbuf));
	p->status = r->status;
	if (r->status >= 0 && r->status < 600)
		ctx->stats.by_status[r->status]++;
	f->status = r->status;
	ctx->stats.polls++;
	ctx->stats.bytes += (uint64_t)(r->bytes > 0 ? r->bytes : 0);
	was_failing = f->sf != NULL && scheduler_is_failing(f->sf);

	if (r->error != NULL) {
		outcome = SCHEDULER_ERROR;
		log_warn("feed=%s status=%d error=\"%s\"", url, r->status,
		    r->error);
	} else if (r->status == 304) {
		outcome = SCHEDULER_NOT_MODIFIED;
		ctx->stats.not_modified++;
		log_debug("feed=%s status=304", url);
	} else if (r->status == 410) {
		outcome = SCHEDULER_GONE;
		f->gone = true;
		log_warn("feed=%s status=410 gone: polling disabled; remove it "
		    "from the feed list", url);
	} else if (r->status == 429 || r->status == 503) {
		outcome = SCHEDULER_ERROR;
		retry_after = r->retry_after;
		log_warn("feed=%s status=%d retry_after=%ld", url, r->status,
		    r->retry_after);
	} else if (r->status < 200 || r->status > 299) {
		outcome = SCHEDULER_ERROR;
		log_warn("feed=%s status=%d", url, r->status);
	} else if ((p->parsed = poll_job_feed(j, r, f, err,
	    sizeof(err))) == NULL) {
		outcome = SCHEDULER_ERROR;
		ctx->stats.parse_errors++;
		log_warn("feed=%s status=%d error=\"%s\"", url, r->status,
		    err);
	}

	/*
	 * A document that is not well-formed XML may have lost the end of an
	 * item, and a figure cut in half ("14.0" of "14.000") is a false
	 * alarm: skip it whole.  Recoverable faults (undeclared HTML
	 * entities, a wrong charset label) are only noted.
	 */
	if (p->parsed != NULL && p->parsed->bozo &&
	    p->parsed->bozo_reason != NULL &&
	    strncmp(p->parsed->bozo_reason, "malformed XML", 13) == 0) {
		outcome = SCHEDULER_ERROR;
		ctx->stats.parse_errors++;
		log_warn("feed=%s status=%d error=\"%s\"; feed skipped", url,
		    r->status, p->parsed->bozo_reason);
		feed_free(p->parsed);
		p->parsed = NULL;
	} else if (p->parsed != NULL && p->parsed->bozo)
		log_info("feed=%s recovered: %s", url,
		    p->parsed->bozo_reason != NULL ? p->parsed->bozo_reason :
		    "unknown fault");
	p->result = outcome == SCHEDULER_OK ? CTX_RESULT_OK :
	    outcome == SCHEDULER_NOT_MODIFIED ? CTX_RESULT_NOT_MODIFIED :
	    outcome == SCHEDULER_GONE ? CTX_RESULT_GONE : CTX_RESULT_ERROR;
	if (outcome == SCHEDULER_ERROR) {
		f->errors++;
		ctx->stats.polls_failed++;
	} else {
		if (f->errors > 0)
			log_notice("feed=%s recovered after %d failures", url,
			    f->errors);
		f->errors = 0;
		f->last_ok = util_now();
	}
	if (p->parsed != NULL) {
		/* Only a 200 carries validators worth keeping. */
		poll_set_str(&f->etag, r->etag);
		poll_set_str(&f->last_modified, r->last_modified);
		if (p->parsed->title != NULL)
			poll_set_str(&f->own_title, p->parsed->title);
		if (r->moved_to != NULL && strcmp(r->moved_to,
		    f->fetch_url) != 0) {
			log_notice("feed=%s moved permanently to %s", url,
			    r->moved_to);
			poll_set_str(&f->fetch_url, r->moved_to);
		}
		p->hint = p->parsed->ttl;
	}
	if (r->max_age > p->hint)
		p->hint = r->max_age;
	if (f->sf != NULL) {
		scheduler_done(ctx->sched, f->sf, outcome, retry_after,
		    p->hint);
		if (!was_failing && scheduler_is_failing(f->sf))
			log_warn("feed=%s failing after %d consecutive "
			    "failures; still retried", url, f->errors);
		if (outcome == SCHEDULER_GONE)
			f->sf = NULL;
	}
	if (p->parsed != NULL)
		poll_handle_feed(p);
	else
		poll_submit_state(p);
}

static void
poll_fetch_cb(const struct fetch_result *r, void *arg)
{
	struct poll	*p = arg;

	p->fetched_ms = util_now_ms();
	/* A 2xx body is parsed on a worker; the loop goes on meanwhile. */
	if (r->error == NULL && r->status >= 200 && r->status <= 299 &&
	    poll_job_submit(p, NULL, r, r->effective_url != NULL ?
	    r->effective_url : p->feed->fetch_url) == 0)
		return;
	poll_fetch_done(r, p, NULL);
}

/* Frees a poll and everything it owns; it must be off ctx->polls. */
static void
poll_free(struct poll *p)
{
	size_t	 i;

	if (p->articles != NULL)
		for (i = 0; i < p->nnew; i++)
			free(p->articles[i]);
	free(p->articles);
	free(p->article_args);
	poll_claims_free(p->cc);
	free(p->newidx);
	feed_free(p->parsed);
	free(p->order);
	free(p->items);
	free(p);
}

void
poll_end(struct poll *p)
{
	struct ctx_feed	*f = p->feed;
	struct ctx	*ctx = p->ctx;

	f->polling = false;
	ctx->inflight--;
	if (!p->leased_elsewhere) {
		ctx->stats.by_result[p->result]++;
		metrics_observe(&ctx->stats.poll_seconds,
		    (double)(util_now_ms() - p->due_ms) / 1000);
	} else
		ctx->stats.leased_elsewhere++;
	if (ctx->once && !f->polled)
		ctx->once_left--;
	f->polled = true;
	if (f->removed)
		ctx_feed_free(ctx, f);
	else if (f->due_again) {
		f->due_again = false;
		if (!ctx->stopping && !ctx->once && !f->waiting) {
			f->waiting = true;
			TAILQ_INSERT_TAIL(&ctx->waiting, f, wentry);
		}
	}
	TAILQ_REMOVE(&ctx->polls, p, entry);
	poll_free(p);
	if (!TAILQ_EMPTY(&ctx->waiting))
		event_active(ctx->ev_next, EV_TIMEOUT, 0);
}

static long
poll_interval_ms(const struct ctx *ctx, const struct ctx_feed *f)
{
	int	 iv = f->interval > 0 ? f->interval : ctx->conf->interval;

	/* A little under the interval, so the holder can renew on time. */
	return (long)iv * 1000 * 9 / 10;
}

static void
poll_lease_cb(int granted, void *arg)
{
	struct poll	*p = arg;
	struct ctx_feed		*f = p->feed;
	char			 rbuf[1024];

	if (granted == 0) {
		/* Another daemon polls this feed now; try again next time. */
		log_debug("feed=%s leased elsewhere",
		    util_url_redact(f->url, rbuf, sizeof(rbuf)));
		if (f->sf != NULL)
			scheduler_defer(p->ctx->sched, f->sf);
		p->result = CTX_RESULT_OK;
		p->leased_elsewhere = true;
		poll_end(p);
		return;
	}
	if (p->ctx->stopping) {
		poll_end(p);
		return;
	}
	poll_fetch(p);
}

/*
 * Polls in flight, from due to stored, are capped: a parsed feed waiting
 * for Redis holds its items in memory, and 10,000 feeds falling due at
 * once (a cold start, --once) must not hold 10,000 of them.
 */
static size_t
poll_cap(const struct ctx *ctx)
{
	return (size_t)(ctx->conf->max_total > 0 ? ctx->conf->max_total : 256)
	    * 2;
}

static void
poll_start(struct ctx *ctx, struct ctx_feed *f)
{
	struct poll	*p;

	p = xcalloc(1, sizeof(*p));
	p->ctx = ctx;
	p->feed = f;
	p->due_ms = util_now_ms();
	p->result = CTX_RESULT_ERROR;
	f->polling = true;
	ctx->inflight++;
	TAILQ_INSERT_TAIL(&ctx->polls, p, entry);
	/*
	 * Several daemons on one Redis split the feeds: whoever takes the
	 * feed's lease polls it.  Without Redis the poll goes ahead; the
	 * store's script still publishes each alert once.
	 */
	if (!ctx->once && store_lease(ctx->store, f->url,
	    poll_interval_ms(ctx, f), poll_lease_cb, p) == 0)
		return;
	poll_fetch(p);
}

void
poll_due(struct scheduler_feed *sf, void *feed_arg, void *arg)
{
	struct ctx	*ctx = arg;
	struct ctx_feed	*f = feed_arg;

	(void)sf;
	if (f->polling) {
		/* Due again while the last poll still waits (a slow Redis):
		   poll once more when it ends, or the feed would never be
		   armed again. */
		f->due_again = true;
		return;
	}
	if (ctx->stopping || f->removed || f->waiting)
		return;
	if (ctx->once && f->polled)
		return;
	if (ctx->inflight >= poll_cap(ctx)) {
		f->waiting = true;
		TAILQ_INSERT_TAIL(&ctx->waiting, f, wentry);
		return;
	}
	poll_start(ctx, f);
}

/*
 * Starts waiting feeds while there is room under the cap.  Run from its
 * own event, not from poll_end, so that polls failing at once cannot
 * recurse through thousands of waiting feeds.
 */
void
poll_next(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;
	struct ctx_feed	*f;

	(void)fd;
	(void)what;
	while (!ctx->stopping && ctx->inflight < poll_cap(ctx) &&
	    (f = TAILQ_FIRST(&ctx->waiting)) != NULL) {
		TAILQ_REMOVE(&ctx->waiting, f, wentry);
		f->waiting = false;
		poll_start(ctx, f);
	}
}

void
poll_fetch(struct poll *p)
{
	struct ctx		*ctx = p->ctx;
	struct ctx_feed		*f = p->feed;
	struct fetch_request	 req;
	char			 rbuf[1024];

	memset(&req, 0, sizeof(req));
	req.url = f->fetch_url;
	req.etag = f->etag;
	req.last_modified = f->last_modified;
	/* An https feed is never redirected down to http. */
	if (strncasecmp(f->url, "https:", 6) == 0)
		req.protocols = fetch_follow_protocols(f->url);
	if (fetch_start(ctx->fetch, &req, poll_fetch_cb, p) == -1) {
		log_warn("feed=%s refused by the fetcher (protocol or URL)",
		    util_url_redact(f->url, rbuf, sizeof(rbuf)));
		f->errors++;
		if (f->sf != NULL)
			scheduler_done(ctx->sched, f->sf, SCHEDULER_ERROR, 0,
			    0);
		poll_end(p);
	}
}


void
poll_free_all(struct ctx *ctx)
{
	struct poll	*p;

	while ((p = TAILQ_FIRST(&ctx->polls)) != NULL) {
		TAILQ_REMOVE(&ctx->polls, p, entry);
		poll_free(p);
	}
}

/* The drain took too long: leave the loop with what is pending. */
static void
poll_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;

	(void)fd;
	(void)what;
	log_warn("stop: %zu polls and %zu Redis writes still pending after "
	    "%d s; exiting", ctx->inflight, store_pending(ctx->store),
	    ctx->drain_seconds);
	event_base_loopexit(ctx->base, NULL);
}

void
poll_stop(struct ctx *ctx, int seconds)
{
	struct timeval	 tv = { seconds, 0 };
	struct ctx_feed	*f;

	/* No new polls; in-flight ones run to the end. */
	while ((f = TAILQ_FIRST(&ctx->waiting)) != NULL) {
		TAILQ_REMOVE(&ctx->waiting, f, wentry);
		f->waiting = false;
	}
	TAILQ_FOREACH(f, &ctx->feeds, entry)
		f->sf = NULL;
	scheduler_free(ctx->sched);
	ctx->sched = NULL;
	ctx->drain_seconds = seconds;
	event_base_once(ctx->base, -1, EV_TIMEOUT, poll_deadline, ctx, &tv);
	event_active(ctx->ev_drain, EV_TIMEOUT, 0);
}

void
poll_drain(evutil_socket_t fd, short what, void *arg)
{
	struct ctx	*ctx = arg;
	static const struct timeval tv = { 0, 50 * 1000 };

	(void)fd;
	(void)what;
	if (ctx->once && !ctx->stopping && (!ctx->started ||
	    ctx->once_left > 0)) {
		event_add(ctx->ev_drain, &tv);
		return;
	}
	/* With Redis away nothing pending can finish: the store spools it
	   at exit, so there is no point in waiting for the deadline. */
	if (ctx->inflight == 0 && (store_pending(ctx->store) == 0 ||
	    (ctx->stopping && !store_is_connected(ctx->store)))) {
		event_base_loopexit(ctx->base, NULL);
		return;
	}
	event_add(ctx->ev_drain, &tv);
}
