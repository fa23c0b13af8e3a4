/*
 * poll_job: feed and article documents read on a worker thread, so that
 * no document holds up the loop; the loop reads them itself when there is
 * no worker or too many bodies wait.
 */
#include <stdlib.h>

#include "article.h"
#include "ctx.h"
#include "feed.h"
#include "fetch.h"
#include "poll.h"
#include "poll_int.h"
#include "util.h"
#include "work.h"

/* Runs on a worker: pure functions on the job's own copy only. */
static void
poll_job_fn(void *arg)
{
	struct poll_job			*j = arg;
	const struct fetch_result	*r = j->r;

	if (j->a != NULL)
		j->text = article_text(r->body, r->len, r->content_type,
		    j->err, sizeof(j->err));
	else
		j->feed = feed_parse(r->body, r->len, j->base,
		    r->content_type, j->err, sizeof(j->err));
}

static void
poll_job_done(void *arg, bool cancelled)
{
	struct poll_job	*j = arg;

	/* Cancelled at exit: the poll is being freed; touch nothing. */
	if (!cancelled && j->a != NULL)
		poll_article_done(j->r, j->a, j);
	else if (!cancelled)
		poll_fetch_done(j->r, j->p, j);
	feed_free(j->feed);
	free(j->text);
	free(j->base);
	fetch_result_free(j->r);
	free(j);
}

/* Hands r's body to a worker: 0, or -1 when it is to be read here. */
int
poll_job_submit(struct poll *p,
    struct poll_article *a, const struct fetch_result *r,
    const char *base)
{
	struct work	*w = p->ctx->work;
	struct poll_job	*j;

	if (w == NULL || (work_pending(w) > 0 &&
	    work_weight(w) + r->len > POLL_JOBS_BYTES))
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->p = p;
	j->a = a;
	j->r = fetch_result_copy(r);
	j->base = base != NULL ? xstrdup(base) : NULL;
	if (work_submit(w, poll_job_fn, poll_job_done, j,
	    r->len) == -1) {
		fetch_result_free(j->r);
		free(j->base);
		free(j);
		return -1;
	}
	return 0;
}

/* The feed a worker parsed (taken from j), or parsed here. */
struct feed *
poll_job_feed(struct poll_job *j, const struct fetch_result *r,
    const struct ctx_feed *f, char *err, size_t errlen)
{
	struct feed	*fd;

	if (j == NULL)
		return feed_parse(r->body, r->len, r->effective_url != NULL ?
		    r->effective_url : poll_fetch_url(f), r->content_type, err,
		    errlen);
	fd = j->feed;
	j->feed = NULL;
	util_strlcpy(err, j->err, errlen);
	return fd;
}

