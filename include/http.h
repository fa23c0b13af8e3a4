/*
 * http: the daemon's small HTTP endpoint on libevent's evhttp: GET
 * /metrics (Prometheus text exposition format), GET /healthz (200 or 503
 * with a JSON body) and the read-only look-back page's routes.  It reads
 * through the callbacks it is given and never changes daemon state.
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
/*
 * A page request (GET /, /key/..., /api/...): path decoded, key the
 * decoded ?key= parameter or NULL, both valid until the callback returns.
 * The callee answers it exactly once, now or later, with http_req_reply.
 */
struct http_req;
typedef void (*http_page_cb)(struct http_req *, const char *path,
    const char *key, void *arg);
/* Routes page requests to cb; with a token (not NULL or ""), every
   request but /healthz needs "Authorization: Bearer TOKEN". */
void		 http_set_page(struct http *, http_page_cb, void *arg,
		    const char *token);
/* Sends the reply (body may be NULL) and frees the request. */
void		 http_req_reply(struct http_req *, int code, const char *type,
		    const struct util_buf *body);
/* The bound port (useful with port 0). */
int		 http_port(const struct http *);
/* Stops listening and frees; NULL is a no-op. */
void		 http_free(struct http *);

#endif
