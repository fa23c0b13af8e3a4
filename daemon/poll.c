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
#include "poll_io.h"
#include "scheduler.h"
#include "store.h"
#include "util.h"

bool
poll_is_running(const struct ctx_feed *f)
{
	return f->state == POLL_RUNNING || f->state == POLL_DUE_AGAIN;
}

const char *
poll_fetch_url(const struct ctx_feed *f)
{
	return f->st.moved_to != NULL ? f->st.moved_to : f->url;
}

void
poll_set_moved(struct ctx_feed *f, const char *url)
{
	/* Moved back to where it is listed: nothing to remember. */
	poll_set_str(&f->st.moved_to, url != NULL && strcmp(url, f->url) != 0 ?
	    url : NULL);
}

/* Queues a due feed behind the cap. */
static void
poll_wait(struct ctx *ctx, struct ctx_feed *f)
{
	f->state = POLL_WAITING;
	TAILQ_INSERT_TAIL(&ctx->waiting, f, wentry);
}

/* A copy of the feed's state as the store is to write it; borrows. */
void
poll_feed_state(const struct ctx_feed *f, struct feed_state *st)
{
	*st = f->st;
	/* What `claimwatch feeds` shows: the list's name, else the feed's. */
	if (f->title != NULL)
		st->title = f->title;
	/* Unscheduled (gone, removed, stopping): no next poll is known. */
	if (f->sf == NULL)
		st->next_due = 0;
	st->last_poll = util_now();
}

/*
 * Counts the poll's outcome into the feed's state and arms its next poll;
 * a feed without a schedule (removed or stopping meanwhile) only counts.
 */
static void
poll_reschedule(struct poll *p, enum scheduler_outcome outcome,
    long retry_after)
{
	struct ctx_feed			*f = p->feed;
	struct scheduler_options	 so;

	if (f->sf == NULL) {
		poll_scheduler_options(p->ctx, &so);
		scheduler_count(&so, &f->st, outcome);
		return;
	}
	scheduler_done(p->ctx->sched, f->sf, outcome, retry_after, p->hint);
	if (outcome == SCHEDULER_GONE)
		f->sf = NULL;
}

void
poll_submit_cb(int nalerts, void *arg)
{
	struct poll	*p = arg;
	char		 rbuf[1024];

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
	struct feed_state	 st;
	struct store_batch	 b;

	poll_feed_state(p->feed, &st);
	memset(&b, 0, sizeof(b));
	b.feed_url = p->feed->url;
	b.state = &st;
	b.detected_at = util_now();
	if (poll_io(p->ctx)->submit(p->ctx, &b, poll_submit_cb, p) == -1)
		poll_end(p);
}


void
poll_set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Counts the response and logs what it means, once per poll. */
static void
poll_note(struct poll *p, const struct fetch_result *r, enum poll_outcome o,
    const char *err, const char *url)
{
	struct ctx	*ctx = p->ctx;
	const char	*why;

	if (poll_outcome_is_parse_error(o))
		ctx->stats.parse_errors++;
	switch (o) {
	case POLL_OUTCOME_FETCH_ERROR:
		log_warn("feed=%s status=%d error=\"%s\"", url, r->status,
		    r->error);
		break;
	case POLL_OUTCOME_NOT_MODIFIED:
		ctx->stats.not_modified++;
		log_debug("feed=%s status=304", url);
		break;
	case POLL_OUTCOME_GONE:
		log_warn("feed=%s status=410 gone: polling disabled; remove it "
		    "from the feed list", url);
		break;
	case POLL_OUTCOME_RETRY_LATER:
		log_warn("feed=%s status=%d retry_after=%ld", url, r->status,
		    r->retry_after);
		break;
	case POLL_OUTCOME_HTTP_ERROR:
		log_warn("feed=%s status=%d", url, r->status);
		break;
	case POLL_OUTCOME_PARSE_ERROR:
		log_warn("feed=%s status=%d error=\"%s\"", url, r->status,
		    err);
		break;
	case POLL_OUTCOME_SKIPPED:
	case POLL_OUTCOME_FEED:
		why = p->parsed->bozo_reason != NULL ?
		    p->parsed->bozo_reason : "unknown fault";
		if (o == POLL_OUTCOME_SKIPPED)
			log_warn("feed=%s status=%d error=\"%s\"; feed "
			    "skipped", url, r->status, why);
		else if (p->parsed->bozo)
			log_info("feed=%s recovered: %s", url, why);
		break;
	}
}

/* What a response leaves in the feed's state, before the reschedule. */
static void
poll_take(struct poll *p, const struct fetch_result *r, enum poll_outcome o,
    const char *url)
{
	struct ctx_feed	*f = p->feed;

	f->st.status = r->status;
	if (poll_outcome_schedule(o) == SCHEDULER_ERROR)
		p->ctx->stats.polls_failed++;
	else {
		if (f->st.failures > 0)
			log_notice("feed=%s recovered after %d failures", url,
			    f->st.failures);
		f->st.last_ok = util_now();
	}
	if (p->parsed != NULL) {
		/* Only a 200 carries validators worth keeping. */
		poll_set_str(&f->st.etag, r->etag);
		poll_set_str(&f->st.last_modified, r->last_modified);
		if (p->parsed->title != NULL)
			poll_set_str(&f->st.title, p->parsed->title);
		if (r->moved_to != NULL && strcmp(r->moved_to,
		    poll_fetch_url(f)) != 0) {
			log_notice("feed=%s moved permanently to %s", url,
			    r->moved_to);
			poll_set_moved(f, r->moved_to);
		}
		p->hint = p->parsed->ttl;
	}
	if (r->max_age > p->hint)
		p->hint = r->max_age;
}

/* A feed fetched, its body parsed on a worker (j) or here. */
void
poll_fetch_done(const struct fetch_result *r, struct poll *p,
    struct poll_job *j)
{
	struct ctx_feed		*f = p->feed;
	struct ctx		*ctx = p->ctx;
	enum poll_outcome	 o;
	enum feed_parse		 parse = FEED_PARSE_OK;
	char			 err[FEED_ERR_LEN], rbuf[1024];
	const char		*url;
	bool			 was_failing, complete = r->error == NULL;

	url = util_url_redact(f->url, rbuf, sizeof(rbuf));
	p->status = r->status;
	if (r->status >= 0 && r->status < 600)
		ctx->stats.by_status[r->status]++;
	ctx->stats.polls++;
	ctx->stats.bytes += (uint64_t)(r->bytes > 0 ? r->bytes : 0);
	was_failing = f->sf != NULL && f->st.failing;
	err[0] = '\0';
	if (poll_body_wanted(r->status, complete)) {
		p->parsed = poll_job_feed(j, r, f, err, sizeof(err));
		parse = p->parsed != NULL ? p->parsed->parse :
		    FEED_PARSE_FAILED;
	}
	o = poll_outcome(r->status, complete, parse);
	poll_note(p, r, o, err, url);
	if (o == POLL_OUTCOME_SKIPPED) {
		feed_free(p->parsed);
		p->parsed = NULL;
	}
	p->result = poll_outcome_result(o);
	poll_take(p, r, o, url);
	poll_reschedule(p, poll_outcome_schedule(o),
	    o == POLL_OUTCOME_RETRY_LATER ? r->retry_after : 0);
	if (!was_failing && f->sf != NULL && f->st.failing)
		log_warn("feed=%s failing after %d consecutive failures; "
		    "still retried", url, f->st.failures);
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
	if (poll_body_wanted(r->status, r->error == NULL) &&
	    poll_job_submit(p, NULL, r, r->effective_url != NULL ?
	    r->effective_url : poll_fetch_url(p->feed)) == 0)
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

	ctx->inflight--;
	if (!p->leased_elsewhere) {
		ctx->stats.by_result[p->result]++;
		metrics_observe(&ctx->stats.poll_seconds,
		    (double)(util_now_ms() - p->due_ms) / 1000);
	} else
		ctx->stats.leased_elsewhere++;
	/* Under --once each feed is polled once: this was its poll. */
	if (ctx->once)
		ctx->once_left--;
	if (f->state == POLL_REMOVED)
		ctx_feed_free(ctx, f);
	else if (ctx->once)
		f->state = POLL_DONE;
	else if (f->state == POLL_DUE_AGAIN && !ctx->stopping)
		poll_wait(ctx, f);
	else
		f->state = POLL_IDLE;
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
	struct ctx_feed	*f = p->feed;
	char		 rbuf[1024];

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
	f->state = POLL_RUNNING;
	ctx->inflight++;
	TAILQ_INSERT_TAIL(&ctx->polls, p, entry);
	/*
	 * Several daemons on one Redis split the feeds: whoever takes the
	 * feed's lease polls it.  Without Redis the poll goes ahead; the
	 * store's script still publishes each alert once.
	 */
	if (!ctx->once && poll_io(ctx)->lease(ctx, f->url,
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
	if (poll_is_running(f)) {
		/* Due again while the last poll still waits (a slow Redis):
		   poll once more when it ends, or the feed would never be
		   armed again. */
		f->state = POLL_DUE_AGAIN;
		return;
	}
	/* Waiting already, removed, or --once and polled. */
	if (ctx->stopping || f->state != POLL_IDLE)
		return;
	if (ctx->inflight >= poll_cap(ctx)) {
		poll_wait(ctx, f);
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
	req.url = poll_fetch_url(f);
	req.etag = f->st.etag;
	req.last_modified = f->st.last_modified;
	req.auth = (enum fetch_auth)f->auth;
	req.auth_user = f->auth_user;
	req.auth_secret = f->auth_secret;
	/* An https feed is never redirected down to http. */
	if (strncasecmp(f->url, "https:", 6) == 0)
		req.protocols = fetch_follow_protocols(f->url);
	if (poll_io(ctx)->fetch(ctx, &req, poll_fetch_cb, p) == -1) {
		log_warn("feed=%s refused by the fetcher (protocol or URL)",
		    util_url_redact(f->url, rbuf, sizeof(rbuf)));
		poll_reschedule(p, SCHEDULER_ERROR, 0);
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
		f->state = POLL_IDLE;
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
