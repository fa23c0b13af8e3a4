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
		if (f->state != POLL_REMOVED && strcmp(f->url, url) == 0)
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
	if (f->state == POLL_WAITING)
		TAILQ_REMOVE(&ctx->waiting, f, wentry);
	TAILQ_REMOVE(&ctx->feeds, f, entry);
	ctx->nfeeds--;
	free(f->url);
	free(f->lang);
	ctx_feed_describe(f, NULL, NULL, 0);
	ctx_feed_set_auth(f, NULL);
	free(f->st.etag);
	free(f->st.last_modified);
	free(f->st.moved_to);
	free(f->st.title);
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
