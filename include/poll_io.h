/*
 * poll_io: how the poll reaches the fetcher and the store.  Each entry
 * stands for one call of theirs and keeps its contract, callback types
 * and all (fetch_done_cb, store_*_cb): -1 means the callback will not be
 * called, and a callback never runs from inside the call.  ctx->io NULL
 * means poll_io_modules, the real ones on ctx->fetch and ctx->store; a
 * test sets its fakes there (tests/unit/test_poll.c).
 */
#ifndef CLAIMWATCH_POLL_IO_H
#define CLAIMWATCH_POLL_IO_H

#include <stddef.h>

#include "fetch.h"
#include "store.h"

struct ctx;
struct story_reg;

struct poll_io {
	/* fetch_start */
	int	(*fetch)(struct ctx *, const struct fetch_request *,
		    fetch_done_cb, void *arg);
	/* store_lease */
	int	(*lease)(struct ctx *, const char *feed_url, long ttl_ms,
		    store_lease_cb, void *arg);
	/* store_feed_state_get */
	int	(*state_get)(struct ctx *, const char *feed_url,
		    store_state_cb, void *arg);
	/* store_items_check */
	int	(*items_check)(struct ctx *, const char *feed_url,
		    const struct store_item *, size_t n, store_items_cb,
		    void *arg);
	/* store_submit */
	int	(*submit)(struct ctx *, const struct store_batch *,
		    store_done_cb, void *arg);
	/* story_reg_resolve and story_reg_note, which read and write the
	   story registry in the store */
	int	(*story_resolve)(struct ctx *, struct story_reg *);
	void	(*story_note)(struct ctx *, const struct story_reg *);
};

extern const struct poll_io poll_io_modules;

#endif
