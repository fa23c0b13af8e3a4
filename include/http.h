/*
 * http: the daemon's small HTTP endpoint on libevent's evhttp, for
 * monitoring only: GET /metrics (Prometheus text exposition format) and
 * GET /healthz (200 or 503 with a JSON body).  It reads counters through
 * the callbacks it is given and never changes daemon state.
 */
#ifndef CLAIMWATCH_HTTP_H
#define CLAIMWATCH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct http;
struct util_buf;

/* Appends the whole exposition text to out. */
typedef void (*http_metrics_cb)(struct util_buf *out, void *arg);
/* Appends a JSON object to out; returns true when healthy. */
typedef bool (*http_health_cb)(struct util_buf *out, void *arg);

/*
 * Listens on listen ("127.0.0.1:9187", "[::1]:9187"; port 0 picks one).
 * Returns NULL with err filled when the address is bad or taken.
 */
struct http	*http_new(struct event_base *, const char *listen,
		    http_metrics_cb, http_health_cb, void *arg, char *err,
		    size_t errlen);
/* The bound port (useful with port 0). */
int		 http_port(const struct http *);
/* Stops listening and frees; NULL is a no-op. */
void		 http_free(struct http *);

#endif
