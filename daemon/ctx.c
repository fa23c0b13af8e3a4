/*
 * ctx: life cycle of the daemon context and its feed records.  It frees
 * the loop modules in the reverse order of their dependencies (scheduler
 * before fetch before store) so that no callback can run into a freed
 * module, and the event_base last.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "ctx.h"
#include "fetch.h"
#include "gazetteer.h"
#include "http.h"
#include "web.h"
#include "lexicon.h"
#include "scheduler.h"
#include "store.h"
#include "util.h"

struct ctx *
ctx_new(void)
{
	struct ctx	*ctx;

	ctx = xcalloc(1, sizeof(*ctx));
	TAILQ_INIT(&ctx->feeds);
	TAILQ_INIT(&ctx->waiting);
	TAILQ_INIT(&ctx->polls);
	if ((ctx->base = event_base_new()) == NULL) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

struct ctx_feed *
ctx_feed_add(struct ctx *ctx, const char *url, const char *lang, int interval,
    bool articles)
{
	struct ctx_feed	*f;

	f = xcalloc(1, sizeof(*f));
	f->ctx = ctx;
	f->url = xstrdup(url);
	f->fetch_url = xstrdup(url);
	f->lang = lang != NULL ? xstrdup(lang) : NULL;
	f->interval = interval;
	f->articles = articles;
	TAILQ_INSERT_TAIL(&ctx->feeds, f, entry);
	ctx->nfeeds++;
	return f;
}

struct ctx_feed *
ctx_feed_find(struct ctx *ctx, const char *url)
{
	struct ctx_feed	*f;

	/* A removed feed waits only for its poll to end: not a match, or
	   a reload re-adding its URL would add it once more each time. */
	TAILQ_FOREACH(f, &ctx->feeds, entry)
		if (!f->removed && strcmp(f->url, url) == 0)
			return f;
	return NULL;
}

void
ctx_feed_free(struct ctx *ctx, struct ctx_feed *f)
{
	if (f == NULL)
		return;
	if (f->sf != NULL && ctx->sched != NULL)
		scheduler_remove(ctx->sched, f->sf);
	if (f->waiting)
		TAILQ_REMOVE(&ctx->waiting, f, wentry);
	TAILQ_REMOVE(&ctx->feeds, f, entry);
	ctx->nfeeds--;
	free(f->url);
	free(f->fetch_url);
	free(f->lang);
	ctx_feed_describe(f, NULL, NULL, 0);
	ctx_feed_set_auth(f, NULL);
	free(f->etag);
	free(f->last_modified);
	free(f->own_title);
	free(f);
}

void
ctx_feed_describe(struct ctx_feed *f, const char *title,
    char *const *categories, size_t ncategories)
{
	size_t	 i;

	free(f->title);
	f->title = title != NULL ? xstrdup(title) : NULL;
	for (i = 0; i < f->ncategories; i++)
		free(f->categories[i]);
	free(f->categories);
	f->categories = NULL;
	f->ncategories = 0;
	if (ncategories == 0)
		return;
	f->categories = xreallocarray(NULL, ncategories, sizeof(char *));
	for (i = 0; i < ncategories; i++)
		f->categories[i] = xstrdup(categories[i]);
	f->ncategories = ncategories;
}

static char *
ctx_secret_swap(char *old, const char *s)
{
	if (old != NULL) {
		explicit_bzero(old, strlen(old));
		free(old);
	}
	return s != NULL ? xstrdup(s) : NULL;
}

void
ctx_feed_set_auth(struct ctx_feed *f, const struct config_feed *cf)
{
	enum config_auth	 a = cf != NULL ? cf->auth : CONFIG_AUTH_NONE;

	f->auth = a == CONFIG_AUTH_BASIC ? FETCH_AUTH_BASIC :
	    a == CONFIG_AUTH_BEARER ? FETCH_AUTH_BEARER :
	    a == CONFIG_AUTH_HEADER ? FETCH_AUTH_HEADER : FETCH_AUTH_NONE;
	f->auth_user = ctx_secret_swap(f->auth_user,
	    f->auth != FETCH_AUTH_NONE ? cf->auth_user : NULL);
	f->auth_secret = ctx_secret_swap(f->auth_secret,
	    f->auth != FETCH_AUTH_NONE ? cf->auth_secret : NULL);
}

void
ctx_free(struct ctx *ctx)
{
	struct ctx_feed	*f;

	if (ctx == NULL)
		return;
	scheduler_free(ctx->sched);
	ctx->sched = NULL;
	while ((f = TAILQ_FIRST(&ctx->feeds)) != NULL) {
		f->sf = NULL;
		ctx_feed_free(ctx, f);
	}
	web_free(ctx->web);	/* answers its requests on http first */
	http_free(ctx->http);
	fetch_free(ctx->fetch);
	store_free(ctx->store);
	lexicon_free(ctx->lex);
	gazetteer_free(ctx->gaz);
	config_free(ctx->conf);
	if (ctx->ev_sigterm != NULL)
		event_free(ctx->ev_sigterm);
	if (ctx->ev_sigint != NULL)
		event_free(ctx->ev_sigint);
	if (ctx->ev_sighup != NULL)
		event_free(ctx->ev_sighup);
	if (ctx->ev_drain != NULL)
		event_free(ctx->ev_drain);
	if (ctx->ev_next != NULL)
		event_free(ctx->ev_next);
	if (ctx->ev_watchdog != NULL)
		event_free(ctx->ev_watchdog);
	free(ctx->conf_path);
	event_base_free(ctx->base);
	free(ctx);
}

static const double ctx_hist_bounds[CTX_HIST_BUCKETS] = {
	0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
	900, 3600
};

void
ctx_hist_observe(struct ctx_hist *h, double seconds)
{
	size_t	 i;

	for (i = 0; i < CTX_HIST_BUCKETS; i++)
		if (seconds <= ctx_hist_bounds[i])
			break;
	h->counts[i]++;
	h->sum += seconds;
	h->count++;
}

static void
ctx_metric_hist(struct util_buf *b, const char *name, const char *help,
    const struct ctx_hist *h)
{
	uint64_t	 cum = 0;
	size_t		 i;

	util_buf_printf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help,
	    name);
	for (i = 0; i < CTX_HIST_BUCKETS; i++) {
		cum += h->counts[i];
		util_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name,
		    ctx_hist_bounds[i], (unsigned long long)cum);
	}
	cum += h->counts[CTX_HIST_BUCKETS];
	util_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n"
	    "%s_count %llu\n", name, (unsigned long long)cum, name, h->sum,
	    name, (unsigned long long)h->count);
}

static void
ctx_metric(struct util_buf *b, const char *name, const char *type,
    const char *help, unsigned long long value)
{
	util_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name,
	    help, name, type, name, value);
}

void
ctx_metrics(struct ctx *ctx, struct util_buf *b)
{
	static const char *const results[CTX_RESULT_MAX] = {
		"ok", "not_modified", "error", "gone"
	};
	const struct ctx_stats	*s = &ctx->stats;
	struct store_stats	 st;
	struct ctx_feed		*f;
	size_t			 ok = 0, failing = 0, gone = 0, polling = 0;
	size_t			 i, stale = 0;
	int64_t			 now, iv;

	now = util_now();
	TAILQ_FOREACH(f, &ctx->feeds, entry) {
		iv = f->interval > 0 ? f->interval : ctx->conf != NULL ?
		    ctx->conf->interval : 300;
		if (!f->gone && (f->last_ok > 0 ? f->last_ok :
		    s->started_at) < now - CTX_STALE_INTERVALS * iv)
			stale++;
		if (f->polling)
			polling++;
		if (f->gone)
			gone++;
		else if (f->sf != NULL && scheduler_is_failing(f->sf))
			failing++;
		else
			ok++;
	}
	util_buf_printf(b, "# HELP claimwatch_build_info The running "
	    "version.\n# TYPE claimwatch_build_info gauge\n"
	    "claimwatch_build_info{version=\"%s\"} 1\n", CW_VERSION);
	ctx_metric(b, "claimwatch_config_last_reload_successful", "gauge",
	    "1 when the last configuration load (start or SIGHUP) was taken.",
	    s->reload_ok);
	ctx_metric(b, "claimwatch_config_last_reload_timestamp_seconds",
	    "gauge", "Unix time of the last configuration load, taken or "
	    "rejected.", (unsigned long long)s->reload_time);
	util_buf_printf(b, "# HELP claimwatch_feeds Feeds in the list by "
	    "state.\n# TYPE claimwatch_feeds gauge\n"
	    "claimwatch_feeds{state=\"ok\"} %zu\n"
	    "claimwatch_feeds{state=\"failing\"} %zu\n"
	    "claimwatch_feeds{state=\"gone\"} %zu\n"
	    "claimwatch_feeds{state=\"polling\"} %zu\n",
	    ok, failing, gone, polling);
	ctx_metric(b, "claimwatch_feeds_stale", "gauge",
	    "Feeds without a successful poll within 3 of their intervals.",
	    stale);
	util_buf_printf(b, "# HELP claimwatch_polls_total Finished polls by "
	    "result.\n# TYPE claimwatch_polls_total counter\n");
	for (i = 0; i < CTX_RESULT_MAX; i++)
		util_buf_printf(b, "claimwatch_polls_total{result=\"%s\"} "
		    "%llu\n", results[i],
		    (unsigned long long)s->by_result[i]);
	util_buf_printf(b, "# HELP claimwatch_http_responses_total HTTP "
	    "responses by status (0: no response).\n"
	    "# TYPE claimwatch_http_responses_total counter\n");
	for (i = 0; i < 600; i++)
		if (s->by_status[i] > 0)
			util_buf_printf(b, "claimwatch_http_responses_total"
			    "{status=\"%zu\"} %llu\n", i,
			    (unsigned long long)s->by_status[i]);
	ctx_metric(b, "claimwatch_fetched_bytes_total", "counter",
	    "Bytes received from feed servers.", s->bytes);
	ctx_metric(b, "claimwatch_parse_errors_total", "counter",
	    "Bodies that were not a readable feed.", s->parse_errors);
	util_buf_printf(b, "# HELP claimwatch_items_total Feed items by "
	    "outcome.\n# TYPE claimwatch_items_total counter\n"
	    "claimwatch_items_total{state=\"new\"} %llu\n"
	    "claimwatch_items_total{state=\"seen\"} %llu\n",
	    (unsigned long long)s->items_new,
	    (unsigned long long)s->items_seen);
	ctx_metric(b, "claimwatch_claims_total", "counter",
	    "Figure claims extracted from new items.", s->claims);
	memset(&st, 0, sizeof(st));
	if (ctx->store != NULL)
		store_get_stats(ctx->store, &st);
	/* Counted by the store, so alerts of batches replayed after an
	   outage or from the spool are in too. */
	util_buf_printf(b, "# HELP claimwatch_alerts_total Alerts published "
	    "by this daemon, by type.\n"
	    "# TYPE claimwatch_alerts_total counter\n"
	    "claimwatch_alerts_total{type=\"new\"} %llu\n"
	    "claimwatch_alerts_total{type=\"changed\"} %llu\n"
	    "claimwatch_alerts_total{type=\"corroborated\"} %llu\n",
	    st.alerts_by_type[STORE_ALERT_NEW],
	    st.alerts_by_type[STORE_ALERT_CHANGED],
	    st.alerts_by_type[STORE_ALERT_CORROBORATED]);
	ctx_metric(b, "claimwatch_rejected_sources", "gauge",
	    "Sources `claimwatch reject` took out, as last read from Redis.",
	    st.rejected);
	ctx_metric(b, "claimwatch_redis_connected", "gauge",
	    "1 while the Redis connection is up.",
	    ctx->store != NULL && store_is_connected(ctx->store));
	ctx_metric(b, "claimwatch_redis_commands_total", "counter",
	    "Commands sent to Redis (one per polled feed's write).",
	    st.commands);
	ctx_metric(b, "claimwatch_redis_errors_total", "counter",
	    "Redis error replies, failed connects and lost connections.",
	    st.errors);
	ctx_metric(b, "claimwatch_redis_connects_total", "counter",
	    "Successful connections to Redis.", st.connects);
	ctx_metric(b, "claimwatch_redis_stalls_total", "counter",
	    "Redis links dropped after 10 s without a reply while commands "
	    "waited.", st.stalls);
	ctx_metric(b, "claimwatch_redis_pending", "gauge",
	    "Redis commands sent or queued and not yet answered.",
	    ctx->store != NULL ? store_pending(ctx->store) : 0);
	ctx_metric(b, "claimwatch_queue_batches", "gauge",
	    "Polled feeds' writes queued in memory for Redis.", st.queued);
	ctx_metric(b, "claimwatch_spool_bytes", "gauge",
	    "Bytes of queued writes in the spool file.",
	    (unsigned long long)(st.spool_bytes > 0 ? st.spool_bytes : 0));
	ctx_metric(b, "claimwatch_polls_leased_elsewhere_total", "counter",
	    "Due polls left to another daemon holding the feed's lease.",
	    s->leased_elsewhere);
	ctx_metric_hist(b, "claimwatch_poll_duration_seconds",
	    "Time from a feed falling due to its poll being stored.",
	    &s->poll_seconds);
	ctx_metric_hist(b, "claimwatch_alert_latency_seconds",
	    "Time from a feed being fetched to its alerts being published.",
	    &s->alert_seconds);
}

bool
ctx_health(struct ctx *ctx, struct util_buf *b)
{
	bool	 up = ctx->store != NULL && store_is_connected(ctx->store);

	/* Only numbers and fixed words: nothing here needs JSON escaping. */
	util_buf_printf(b, "{\"status\":\"%s\",\"redis\":\"%s\","
	    "\"feeds\":%zu,\"polling\":%zu,\"stopping\":%s}",
	    up ? "ok" : "unavailable", up ? "connected" : "disconnected",
	    ctx->nfeeds, ctx->inflight, ctx->stopping ? "true" : "false");
	return up && !ctx->stopping;
}
