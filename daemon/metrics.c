/*
 * metrics: the daemon's state as Prometheus text (/metrics) and a JSON
 * health object (/healthz), read from the ctx, its feeds and the store's
 * counters.  Only numbers and fixed words are printed, so nothing here
 * needs escaping; feed URLs never appear (they may carry credentials).
 */
#include <string.h>

#include "config.h"
#include "ctx.h"
#include "metrics.h"
#include "store.h"
#include "util.h"

static const double metrics_hist_bounds[CTX_HIST_BUCKETS] = {
	0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
	900, 3600
};

void
metrics_observe(struct ctx_hist *h, double seconds)
{
	size_t	 i;

	for (i = 0; i < CTX_HIST_BUCKETS; i++)
		if (seconds <= metrics_hist_bounds[i])
			break;
	h->counts[i]++;
	h->sum += seconds;
	h->count++;
}

static void
metrics_hist(struct util_buf *b, const char *name, const char *help,
    const struct ctx_hist *h)
{
	uint64_t	 cum = 0;
	size_t		 i;

	util_buf_printf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help,
	    name);
	for (i = 0; i < CTX_HIST_BUCKETS; i++) {
		cum += h->counts[i];
		util_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name,
		    metrics_hist_bounds[i], (unsigned long long)cum);
	}
	cum += h->counts[CTX_HIST_BUCKETS];
	util_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n"
	    "%s_count %llu\n", name, (unsigned long long)cum, name, h->sum,
	    name, (unsigned long long)h->count);
}

static void
metrics_one(struct util_buf *b, const char *name, const char *type,
    const char *help, unsigned long long value)
{
	util_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name,
	    help, name, type, name, value);
}

/* Feeds by state, and those without a recent successful poll. */
static void
metrics_feeds(struct ctx *ctx, struct util_buf *b)
{
	const struct ctx_stats	*s = &ctx->stats;
	struct ctx_feed		*f;
	size_t			 ok = 0, failing = 0, gone = 0, stale = 0;
	int64_t			 now, iv;

	now = util_now();
	TAILQ_FOREACH(f, &ctx->feeds, entry) {
		iv = f->interval > 0 ? f->interval : ctx->conf != NULL ?
		    ctx->conf->interval : 300;
		if (!f->st.gone && (f->st.last_ok > 0 ? f->st.last_ok :
		    s->started_at) < now - METRICS_STALE_INTERVALS * iv)
			stale++;
		if (f->st.gone)
			gone++;
		else if (f->sf != NULL && f->st.failing)
			failing++;
		else
			ok++;
	}
	util_buf_printf(b, "# HELP claimwatch_feeds Feeds in the list by "
	    "state.\n# TYPE claimwatch_feeds gauge\n"
	    "claimwatch_feeds{state=\"ok\"} %zu\n"
	    "claimwatch_feeds{state=\"failing\"} %zu\n"
	    "claimwatch_feeds{state=\"gone\"} %zu\n"
	    "claimwatch_feeds{state=\"polling\"} %zu\n",
	    ok, failing, gone, ctx->inflight);
	metrics_one(b, "claimwatch_feeds_stale", "gauge",
	    "Feeds without a successful poll within 3 of their intervals.",
	    stale);
}

/* What the polls did: results, statuses, bytes, items, claims. */
static void
metrics_polls(const struct ctx_stats *s, struct util_buf *b)
{
	static const char *const results[CTX_RESULT_MAX] = {
		"ok", "not_modified", "error", "gone"
	};
	size_t	 i;

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
	metrics_one(b, "claimwatch_fetched_bytes_total", "counter",
	    "Bytes received from feed servers.", s->bytes);
	metrics_one(b, "claimwatch_parse_errors_total", "counter",
	    "Bodies that were not a readable feed.", s->parse_errors);
	util_buf_printf(b, "# HELP claimwatch_items_total Feed items by "
	    "outcome.\n# TYPE claimwatch_items_total counter\n"
	    "claimwatch_items_total{state=\"new\"} %llu\n"
	    "claimwatch_items_total{state=\"seen\"} %llu\n",
	    (unsigned long long)s->items_new,
	    (unsigned long long)s->items_seen);
	metrics_one(b, "claimwatch_claims_total", "counter",
	    "Figure claims extracted from new items.", s->claims);
}

/* The store's side: alerts, Redis, the queue and the spool. */
static void
metrics_store(struct store *store, struct util_buf *b)
{
	struct store_stats	 st;

	memset(&st, 0, sizeof(st));
	if (store != NULL)
		store_get_stats(store, &st);
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
	metrics_one(b, "claimwatch_rejected_sources", "gauge",
	    "Sources `claimwatch reject` took out, as last read from Redis.",
	    st.rejected);
	metrics_one(b, "claimwatch_redis_connected", "gauge",
	    "1 while the Redis connection is up.",
	    store != NULL && store_is_connected(store));
	metrics_one(b, "claimwatch_redis_commands_total", "counter",
	    "Commands sent to Redis (one per polled feed's write).",
	    st.commands);
	metrics_one(b, "claimwatch_redis_errors_total", "counter",
	    "Redis error replies, failed connects and lost connections.",
	    st.errors);
	metrics_one(b, "claimwatch_redis_connects_total", "counter",
	    "Successful connections to Redis.", st.connects);
	metrics_one(b, "claimwatch_redis_stalls_total", "counter",
	    "Redis links dropped after 10 s without a reply while commands "
	    "waited.", st.stalls);
	metrics_one(b, "claimwatch_redis_pending", "gauge",
	    "Redis commands sent or queued and not yet answered.",
	    store != NULL ? store_pending(store) : 0);
	metrics_one(b, "claimwatch_queue_batches", "gauge",
	    "Polled feeds' writes queued in memory for Redis.", st.queued);
	metrics_one(b, "claimwatch_spool_bytes", "gauge",
	    "Bytes of queued writes in the spool file.",
	    (unsigned long long)(st.spool_bytes > 0 ? st.spool_bytes : 0));
}

void
metrics_render(struct util_buf *b, void *arg)
{
	struct ctx		*ctx = arg;
	const struct ctx_stats	*s = &ctx->stats;

	util_buf_printf(b, "# HELP claimwatch_build_info The running "
	    "version.\n# TYPE claimwatch_build_info gauge\n"
	    "claimwatch_build_info{version=\"%s\"} 1\n", CW_VERSION);
	metrics_one(b, "claimwatch_config_last_reload_successful", "gauge",
	    "1 when the last configuration load (start or SIGHUP) was taken.",
	    s->reload_ok);
	metrics_one(b, "claimwatch_config_last_reload_timestamp_seconds",
	    "gauge", "Unix time of the last configuration load, taken or "
	    "rejected.", (unsigned long long)s->reload_time);
	metrics_feeds(ctx, b);
	metrics_polls(s, b);
	metrics_store(ctx->store, b);
	metrics_one(b, "claimwatch_polls_leased_elsewhere_total", "counter",
	    "Due polls left to another daemon holding the feed's lease.",
	    s->leased_elsewhere);
	metrics_hist(b, "claimwatch_poll_duration_seconds",
	    "Time from a feed falling due to its poll being stored.",
	    &s->poll_seconds);
	metrics_hist(b, "claimwatch_alert_latency_seconds",
	    "Time from a feed being fetched to its alerts being published.",
	    &s->alert_seconds);
}

bool
metrics_health(struct util_buf *b, void *arg)
{
	struct ctx	*ctx = arg;
	bool		 up;

	up = ctx->store != NULL && store_is_connected(ctx->store);
	/* Only numbers and fixed words: nothing here needs JSON escaping. */
	util_buf_printf(b, "{\"status\":\"%s\",\"redis\":\"%s\","
	    "\"feeds\":%zu,\"polling\":%zu,\"stopping\":%s}",
	    up ? "ok" : "unavailable", up ? "connected" : "disconnected",
	    ctx->nfeeds, ctx->inflight, ctx->stopping ? "true" : "false");
	return up && !ctx->stopping;
}

/*
 * Alerts since 00:00 UTC, from the store's counter, the one that also
 * sees batches replayed after an outage or from the spool.
 */
static unsigned long long
metrics_alerts_today(struct ctx *ctx)
{
	struct store_stats	 st;
	int64_t			 day = util_now() / 86400;

	store_get_stats(ctx->store, &st);
	if (ctx->stats.alerts_day != day) {
		ctx->stats.alerts_day = day;
		ctx->stats.alerts_day_base = st.alerts;
	}
	return st.alerts - ctx->stats.alerts_day_base;
}

void
metrics_status(struct ctx *ctx, struct util_buf *b)
{
	struct ctx_feed	*f;
	size_t		 failing = 0, gone = 0, due = 0;

	TAILQ_FOREACH(f, &ctx->feeds, entry) {
		if (f->st.gone)
			gone++;
		else if (f->sf != NULL && f->st.failing)
			failing++;
		if (f->state == POLL_WAITING)
			due++;
	}
	util_buf_printf(b, "feeds=%zu due=%zu polling=%zu failing=%zu "
	    "gone=%zu alerts_today=%llu", ctx->nfeeds, due, ctx->inflight,
	    failing, gone, metrics_alerts_today(ctx));
}
