/*
 * poll_io: the poll's calls into the fetcher and the store, as the table
 * a test can replace (include/poll_io.h).
 */
#include "ctx.h"
#include "fetch.h"
#include "poll_int.h"
#include "poll_io.h"
#include "store.h"
#include "story_reg.h"

static int
poll_io_fetch(struct ctx *ctx, const struct fetch_request *req,
    fetch_done_cb cb, void *arg)
{
	return fetch_start(ctx->fetch, req, cb, arg);
}

static int
poll_io_lease(struct ctx *ctx, const char *feed_url, long ttl_ms,
    store_lease_cb cb, void *arg)
{
	return store_lease(ctx->store, feed_url, ttl_ms, cb, arg);
}

static int
poll_io_state_get(struct ctx *ctx, const char *feed_url, store_state_cb cb,
    void *arg)
{
	return store_feed_state_get(ctx->store, feed_url, cb, arg);
}

static int
poll_io_items_check(struct ctx *ctx, const char *feed_url,
    const struct store_item *items, size_t n, store_items_cb cb, void *arg)
{
	return store_items_check(ctx->store, feed_url, items, n, cb, arg);
}

static int
poll_io_submit(struct ctx *ctx, const struct store_batch *b, store_done_cb cb,
    void *arg)
{
	return store_submit(ctx->store, b, cb, arg);
}

static int
poll_io_story_resolve(struct ctx *ctx, struct story_reg *r)
{
	return story_reg_resolve(ctx->store, r);
}

static void
poll_io_story_note(struct ctx *ctx, const struct story_reg *r)
{
	story_reg_note(ctx->store, r);
}

const struct poll_io poll_io_modules = {
	.fetch = poll_io_fetch,
	.lease = poll_io_lease,
	.state_get = poll_io_state_get,
	.items_check = poll_io_items_check,
	.submit = poll_io_submit,
	.story_resolve = poll_io_story_resolve,
	.story_note = poll_io_story_note,
};

const struct poll_io *
poll_io(const struct ctx *ctx)
{
	return ctx->io != NULL ? ctx->io : &poll_io_modules;
}
