/*
 * poll_items: a parsed feed's items, checked against the seen set in one
 * round trip, oldest first, and the article pages of the new ones fetched
 * (for feeds with fetch_articles) before extraction.
 */
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "ctx.h"
#include "feed.h"
#include "fetch.h"
#include "log.h"
#include "poll.h"
#include "poll_int.h"
#include "poll_io.h"
#include "store.h"
#include "util.h"

/* An article page fetched, its text read on a worker (j) or here. */
void
poll_article_done(const struct fetch_result *r,
    struct poll_article *a, struct poll_job *j)
{
	struct poll	*p = a->p;
	char		 err[256], rbuf[1024];

	if (poll_body_wanted(r->status, r->error == NULL) &&
	    r->body != NULL) {
		if (j != NULL) {
			p->articles[a->k] = j->text;
			j->text = NULL;
			util_strlcpy(err, j->err, sizeof(err));
		} else
			p->articles[a->k] = article_text(r->body, r->len,
			    r->content_type, err, sizeof(err));
		if (p->articles[a->k] == NULL)
			log_info("feed=%s article=%s error=\"%s\"; using the "
			    "item's own text", util_url_redact(p->feed->url,
			    rbuf, sizeof(rbuf)), r->url, err);
	} else
		log_info("feed=%s article=%s status=%d error=\"%s\"; using "
		    "the item's own text", util_url_redact(p->feed->url,
		    rbuf, sizeof(rbuf)), r->url, r->status,
		    r->error != NULL ? r->error : "HTTP status");
	if (--p->articles_left == 0)
		poll_extract_submit(p);
}

static void
poll_article_cb(const struct fetch_result *r, void *arg)
{
	struct poll_article	*a = arg;

	/* The page is read on a worker; the loop goes on meanwhile. */
	if (poll_body_wanted(r->status, r->error == NULL) &&
	    r->body != NULL && poll_job_submit(a->p, a, r, NULL) == 0)
		return;
	poll_article_done(r, a, NULL);
}

/* Fetches the pages of new items whose feed asks for articles. */
static void
poll_fetch_articles(struct poll *p)
{
	struct poll_article	*a;
	struct fetch_request	 req;
	const struct feed_item	*it;
	size_t			 k;

	p->articles = xcalloc(p->nnew, sizeof(*p->articles));
	p->article_args = xcalloc(p->nnew, sizeof(*p->article_args));
	/* Held at one until every request is queued, so that no callback
	   can finish the poll while this loop still runs. */
	p->articles_left = 1;
	for (k = 0; k < p->nnew; k++) {
		it = &p->parsed->items[p->newidx[k]];
		if (it->link == NULL)
			continue;
		a = &p->article_args[k];
		a->p = p;
		a->k = k;
		memset(&req, 0, sizeof(req));
		req.url = it->link;
		/* Never file://, never http:// under an https feed. */
		req.protocols = fetch_follow_protocols(p->feed->url);
		p->articles_left++;
		if (poll_io(p->ctx)->fetch(p->ctx, &req, poll_article_cb,
		    a) == -1)
			p->articles_left--;
	}
	if (--p->articles_left == 0)
		poll_extract_submit(p);
}

static void
poll_items_cb(const enum store_item_state *states, size_t n, int error,
    void *arg)
{
	struct poll	*p = arg;
	size_t		 i, k;
	char		 rbuf[1024];

	if (error || n != p->parsed->nitems) {
		log_warn("feed=%s seen-items check failed; retrying later",
		    util_url_redact(p->feed->url, rbuf, sizeof(rbuf)));
		poll_end(p);
		return;
	}
	/* Oldest first, so that a story's figures arrive in order. */
	p->newidx = xcalloc(n + 1, sizeof(*p->newidx));
	for (k = 0; k < n; k++) {
		i = p->order[k];
		if (states[i] != STORE_ITEM_SEEN)
			p->newidx[p->nnew++] = i;
	}
	if (p->feed->articles && p->nnew > 0 && !p->ctx->stopping)
		poll_fetch_articles(p);
	else
		poll_extract_submit(p);
}

static int
poll_order_cmp(const void *a, const void *b, void *arg)
{
	const struct store_item	*it = arg;
	size_t			 ia = *(const size_t *)a;
	size_t			 ib = *(const size_t *)b;
	int64_t			 pa = it[ia].published;
	int64_t			 pb = it[ib].published;

	/* Undated items go last, in reverse document order (newest first
	   is the norm in feeds). */
	if (pa == INT64_MIN)
		pa = INT64_MAX;
	if (pb == INT64_MIN)
		pb = INT64_MAX;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return ia > ib ? -1 : (ia < ib ? 1 : 0);
}

static uint64_t
poll_item_hash(const struct feed_item *it)
{
	uint64_t	 h = UTIL_HASH_SEED;
	const char	*parts[3] = { it->title, it->summary, it->content };
	size_t		 i;

	for (i = 0; i < 3; i++) {
		if (parts[i] != NULL)
			h = util_hash64(parts[i], strlen(parts[i]), h);
		h = util_hash64("", 1, h);
	}
	return h;
}

/* A parsed 200 response: classify items against the seen set. */
void
poll_handle_feed(struct poll *p)
{
	struct feed	*fd = p->parsed;
	struct util_buf	 e = { 0 };
	size_t		 i, ndup;
	char		 rbuf[1024], dup[256];

	/* Two items of one id would alert "changed" on every poll. */
	if ((ndup = feed_dedup(fd, dup, sizeof(dup))) > 0) {
		util_buf_escape(&e, dup, strlen(dup));
		log_info("feed=%s duplicate item ids: dropped %zu items, the "
		    "first id=\"%s\"; the first item of each id is kept",
		    util_url_redact(p->feed->url, rbuf, sizeof(rbuf)), ndup,
		    e.data);
		util_buf_free(&e);
	}
	if (fd->nitems == 0) {
		poll_submit_state(p);
		return;
	}
	p->order = xreallocarray(NULL, fd->nitems, sizeof(*p->order));
	p->items = xcalloc(fd->nitems, sizeof(*p->items));
	for (i = 0; i < fd->nitems; i++) {
		p->order[i] = i;
		p->items[i].id = fd->items[i].id;
		p->items[i].hash = poll_item_hash(&fd->items[i]);
		p->items[i].url = fd->items[i].link;
		p->items[i].title = fd->items[i].title;
		p->items[i].lang = fd->items[i].lang != NULL ?
		    fd->items[i].lang : fd->lang;
		/* An Atom entry without <published> dates from <updated>. */
		p->items[i].published = fd->items[i].published;
		if (p->items[i].published == FEED_TIME_NONE)
			p->items[i].published = fd->items[i].updated;
		if (p->items[i].published == FEED_TIME_NONE)
			p->items[i].published = INT64_MIN;
	}
	qsort_r(p->order, fd->nitems, sizeof(*p->order),
	    poll_order_cmp, p->items);
	if (poll_io(p->ctx)->items_check(p->ctx, p->feed->url, p->items,
	    fd->nitems, poll_items_cb, p) == -1) {
		log_info("feed=%s Redis not connected; retrying later",
		    util_url_redact(p->feed->url, rbuf, sizeof(rbuf)));
		poll_end(p);
	}
}

