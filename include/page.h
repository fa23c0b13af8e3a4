/*
 * page: the look-back web page as pure functions, look data in, one
 * self-contained HTML document out (inline CSS and SVG, no script, no
 * external asset).  Every string that came from a feed goes through
 * page_escape; only http(s) URLs become links.
 */
#ifndef CLAIMWATCH_PAGE_H
#define CLAIMWATCH_PAGE_H

#include <stdint.h>

struct look_history;
struct look_keys;
struct util_buf;

/* Appends s with & < > " ' as character references (text and
   attribute values alike); NULL appends nothing. */
void	page_escape(struct util_buf *, const char *s);
/* Appends key percent-encoded for a URL path ('/' kept), unescaped. */
void	page_url_key(struct util_buf *, const char *key);

/* "/": every quantity with its current figure, newest change first.
   now (UTC s) is printed as the page's time. */
void	page_index(struct util_buf *, const struct look_keys *, int64_t now);
/* "/key/KEY": the timeline chart and the history table. */
void	page_key(struct util_buf *, const struct look_history *);
/*
 * The timeline as an <svg> element: time on x, value on y, a step line
 * through the figures that were current in turn, a range as a band,
 * "at least" as an open marker, every point a link to its source.
 */
void	page_chart(struct util_buf *, const struct look_history *);
/* A small page for errors ("404 no such key"); text is escaped. */
void	page_message(struct util_buf *, int code, const char *text);

#endif
