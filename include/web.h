/*
 * web: the daemon's look-back page wired up: page requests from http,
 * Redis reads through store_look on the daemon's loop, HTML from page and
 * JSON from look, the reply back through http.  Read-only.
 */
#ifndef CLAIMWATCH_WEB_H
#define CLAIMWATCH_WEB_H

#include <stddef.h>

struct event_base;
struct http;
struct store_options;
struct web;

/*
 * Serves the page on h (which must outlive the web) with its own Redis
 * connection made from o; token (NULL or "": none) guards every route but
 * /healthz.  NULL with err filled when o's URL is bad.
 */
struct web	*web_new(struct event_base *, struct http *h,
		    const struct store_options *o, const char *token,
		    char *err, size_t errlen);
/* Answers requests still waiting with 503 and frees; NULL is a no-op. */
void		 web_free(struct web *);

#endif
