/*
 * metrics: renders the daemon's counters and feed states for the http
 * module's /metrics (Prometheus text exposition 0.0.4) and /healthz.
 */
#ifndef CLAIMWATCH_METRICS_H
#define CLAIMWATCH_METRICS_H

#include <stdbool.h>

struct ctx;
struct ctx_hist;
struct util_buf;

/* Feeds not polled successfully within this many of their intervals
   count as stale. */
#define METRICS_STALE_INTERVALS	3

/* Counts one observation in a histogram's bucket. */
void		 metrics_observe(struct ctx_hist *, double seconds);
/*
 * Appends the Prometheus exposition of the daemon's state to out; an
 * http_metrics_cb, arg is the ctx.
 */
void		 metrics_render(struct util_buf *out, void *arg);
/* Appends a JSON health object to out; true when Redis is connected and
   the daemon not stopping.  An http_health_cb, arg is the ctx. */
bool		 metrics_health(struct util_buf *out, void *arg);

/*
 * Appends the one-line summary for sd_notify's STATUS= ("feeds=N due=N
 * polling=N failing=N gone=N alerts_today=N").
 */
void		 metrics_status(struct ctx *, struct util_buf *out);

#endif
