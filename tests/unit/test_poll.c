/*
 * Unit tests for poll: the status → outcome policy as a table, then the
 * poll loop itself driven through fakes of the fetch and store calls
 * (ctx->io): every HTTP outcome end to end (what the feed's state, the
 * counters, the schedule and the store's batch become) and every state
 * transition of a feed (enum poll_state).  The scheduler, the feed parser
 * and the extractor are the real ones; nothing touches the network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "claim.h"
#include "config.h"
#include "ctx.h"
#include "feed.h"
#include "fetch.h"
#include "gazetteer.h"
#include "lexicon.h"
#include "poll.h"
#include "poll_io.h"
#include "scheduler.h"
#include "store.h"
#include "story_reg.h"
#include "util.h"

#define TEST_LEXDIR	"config/lexicon"
#define TEST_GAZDIR	"config/gazetteer"
#define TEST_URL	"https://feed.example/rss"
#define TEST_MAXCALLS	8

/* A feed with two items, the newer one with a figure; %d is its ttl. */
#define TEST_RSS \
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>" \
    "<title>Kabar</title><ttl>%d</ttl>" \
    "<item><guid>a1</guid><title>Banjir di Demak</title>" \
    "<link>https://feed.example/a1</link>" \
    "<description>Sebanyak 12 warga tewas dalam banjir di Demak." \
    "</description><pubDate>Mon, 01 Dec 2025 08:00:00 GMT</pubDate>" \
    "</item>" \
    "<item><guid>a2</guid><title>Gempa</title>" \
    "<link>https://feed.example/a2</link>" \
    "<description>Tidak ada korban.</description>" \
    "<pubDate>Mon, 01 Dec 2025 07:00:00 GMT</pubDate></item>" \
    "</channel></rss>"
/* Cut off inside an item: not well-formed. */
static const char test_rss_cut[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
    "<title>Kabar</title><item><guid>a1</guid><title>Banjir di Demak"
    "</title><description>Sebanyak 14.0";
/* An HTML entity XML does not know: read, and noted. */
static const char test_rss_entity[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
    "<title>Kabar</title><item><guid>a1</guid><title>Banjir&nbsp;di "
    "Demak</title></item><item><guid>a2</guid><title>Gempa</title>"
    "</item></channel></rss>";

/* What the fakes saw, and what they are to answer. */
struct test_io {
	int		 fetch_rc, lease_rc, state_rc, items_rc, submit_rc;
	size_t		 nfetch;
	char		*fetch_url[TEST_MAXCALLS];
	char		*fetch_etag[TEST_MAXCALLS];
	fetch_done_cb	 fetch_cb[TEST_MAXCALLS];
	void		*fetch_arg[TEST_MAXCALLS];
	size_t		 nlease;
	store_lease_cb	 lease_cb;
	void		*lease_arg;
	size_t		 nstate;
	store_state_cb	 state_cb;
	void		*state_arg;
	size_t		 nitems_check, items_n;
	store_items_cb	 items_cb;
	void		*items_arg;
	size_t		 nsubmit;
	struct feed_state sub_state;	/* strings copied */
	size_t		 sub_nitems, sub_nclaims;
	double		 sub_values[TEST_MAXCALLS];	/* first claims' */
	store_done_cb	 submit_cb;
	void		*submit_arg;
	size_t		 nnote;
};

static struct test_io	 tio;
static char		 test_doc[2048];	/* TEST_RSS, ttl 0 */
static struct lexicon	*test_lex;
static struct gazetteer	*test_gaz;

static char *
test_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
test_io_reset(void)
{
	size_t	 i;

	for (i = 0; i < TEST_MAXCALLS; i++) {
		free(tio.fetch_url[i]);
		free(tio.fetch_etag[i]);
	}
	free(tio.sub_state.etag);
	free(tio.sub_state.last_modified);
	free(tio.sub_state.moved_to);
	free(tio.sub_state.title);
	memset(&tio, 0, sizeof(tio));
	/* By default Redis is "away" for leases and the state read (the
	   poll goes ahead), and everything else is taken. */
	tio.lease_rc = -1;
	tio.state_rc = -1;
}

static int
test_fetch(struct ctx *ctx, const struct fetch_request *req, fetch_done_cb cb,
    void *arg)
{
	(void)ctx;
	if (tio.fetch_rc == -1)
		return -1;
	assert_true(tio.nfetch < TEST_MAXCALLS);
	tio.fetch_url[tio.nfetch] = test_dup(req->url);
	tio.fetch_etag[tio.nfetch] = test_dup(req->etag);
	tio.fetch_cb[tio.nfetch] = cb;
	tio.fetch_arg[tio.nfetch] = arg;
	tio.nfetch++;
	return 0;
}

static int
test_lease(struct ctx *ctx, const char *url, long ttl_ms, store_lease_cb cb,
    void *arg)
{
	(void)ctx;
	(void)url;
	assert_true(ttl_ms > 0);
	tio.nlease++;
	if (tio.lease_rc == -1)
		return -1;
	tio.lease_cb = cb;
	tio.lease_arg = arg;
	return 0;
}

static int
test_state_get(struct ctx *ctx, const char *url, store_state_cb cb, void *arg)
{
	(void)ctx;
	(void)url;
	tio.nstate++;
	if (tio.state_rc == -1)
		return -1;
	tio.state_cb = cb;
	tio.state_arg = arg;
	return 0;
}

static int
test_items_check(struct ctx *ctx, const char *url,
    const struct store_item *items, size_t n, store_items_cb cb, void *arg)
{
	size_t	 i;

	(void)ctx;
	(void)url;
	for (i = 0; i < n; i++)
		assert_non_null(items[i].id);
	tio.nitems_check++;
	if (tio.items_rc == -1)
		return -1;
	tio.items_n = n;
	tio.items_cb = cb;
	tio.items_arg = arg;
	return 0;
}

static int
test_submit(struct ctx *ctx, const struct store_batch *b, store_done_cb cb,
    void *arg)
{
	size_t	 i;

	(void)ctx;
	tio.nsubmit++;
	if (tio.submit_rc == -1)
		return -1;
	assert_non_null(b->state);
	free(tio.sub_state.etag);
	free(tio.sub_state.last_modified);
	free(tio.sub_state.moved_to);
	free(tio.sub_state.title);
	tio.sub_state = *b->state;
	tio.sub_state.etag = test_dup(b->state->etag);
	tio.sub_state.last_modified = test_dup(b->state->last_modified);
	tio.sub_state.moved_to = test_dup(b->state->moved_to);
	tio.sub_state.title = test_dup(b->state->title);
	tio.sub_nitems = b->nitems;
	tio.sub_nclaims = b->nclaims;
	for (i = 0; i < b->nclaims && i < TEST_MAXCALLS; i++)
		tio.sub_values[i] = b->claims[i].claim->value;
	tio.submit_cb = cb;
	tio.submit_arg = arg;
	return 0;
}

/* No registry: the claims go to the store as they are. */
static int
test_story_resolve(struct ctx *ctx, struct story_reg *r)
{
	(void)ctx;
	(void)r;
	return -1;
}

static void
test_story_note(struct ctx *ctx, const struct story_reg *r)
{
	(void)ctx;
	(void)r;
	tio.nnote++;
}

static const struct poll_io test_io_fakes = {
	.fetch = test_fetch,
	.lease = test_lease,
	.state_get = test_state_get,
	.items_check = test_items_check,
	.submit = test_submit,
	.story_resolve = test_story_resolve,
	.story_note = test_story_note,
};

/* A daemon context as claimwatchd wires it, with the fakes for I/O. */
static struct ctx *
test_ctx(int max_total, bool once)
{
	struct scheduler_options	 so;
	struct ctx			*ctx;

	test_io_reset();
	assert_non_null(ctx = ctx_new());
	ctx->conf = xcalloc(1, sizeof(*ctx->conf));
	ctx->conf->interval = 300;
	ctx->conf->min_interval = 60;
	ctx->conf->max_interval = 86400;
	ctx->conf->max_failures = 3;
	ctx->conf->max_total = max_total;
	ctx->conf->lang = xstrdup("auto");
	ctx->lex = test_lex;
	ctx->gaz = test_gaz;
	ctx->io = &test_io_fakes;
	ctx->once = once;
	ctx->started = true;
	ctx->stats.started_at = util_now();
	poll_scheduler_options(ctx, &so);
	ctx->sched = scheduler_new(ctx->base, &so, poll_due, ctx);
	ctx->ev_next = evtimer_new(ctx->base, poll_next, ctx);
	ctx->ev_drain = evtimer_new(ctx->base, poll_drain, ctx);
	return ctx;
}

static void
test_ctx_free(struct ctx *ctx)
{
	ctx->lex = NULL;	/* shared by the tests */
	ctx->gaz = NULL;
	poll_free_all(ctx);
	ctx_free(ctx);
	test_io_reset();
}

/* A listed feed, its (absent) stored state read, scheduled. */
static struct ctx_feed *
test_feed(struct ctx *ctx, const char *url)
{
	struct ctx_feed	*f;

	f = ctx_feed_add(ctx, url, NULL, 0, false);
	assert_int_equal(f->state, POLL_NEW);
	poll_feed_start(ctx, f);
	assert_int_equal(f->state, POLL_IDLE);
	assert_non_null(f->sf);
	return f;
}

/* The scheduler's timer for f fires. */
static void
test_due(struct ctx *ctx, struct ctx_feed *f)
{
	assert_non_null(f->sf);
	poll_due(f->sf, f, ctx);
}

/* Answers fetch call i. */
static void
test_respond(size_t i, int status, const char *error, const char *body,
    const char *moved_to, long retry_after)
{
	struct fetch_result	 r;

	assert_true(i < tio.nfetch);
	memset(&r, 0, sizeof(r));
	r.url = tio.fetch_url[i];
	r.status = status;
	r.error = error;
	r.body = body;
	r.len = body != NULL ? strlen(body) : 0;
	r.content_type = body != NULL ? "application/rss+xml" : NULL;
	r.etag = status == 200 ? "\"e2\"" : NULL;
	r.effective_url = moved_to;
	r.moved_to = moved_to;
	r.retry_after = retry_after;
	r.bytes = (long)r.len;
	tio.fetch_cb[i](&r, tio.fetch_arg[i]);
}

/* The store takes the batch: the poll ends. */
static void
test_stored(int nalerts)
{
	store_done_cb	 cb = tio.submit_cb;

	assert_non_null(cb);
	tio.submit_cb = NULL;
	cb(nalerts, tio.submit_arg);
}

/* Polls f (its fetch call i): TEST_RSS on a 200, no body else. */
static void
test_poll_one(struct ctx *ctx, struct ctx_feed *f, size_t i, int status)
{
	test_due(ctx, f);
	test_respond(i, status, NULL, status == 200 ? test_doc : NULL, NULL,
	    0);
}

/* Runs what is active on the loop (ctx->ev_next), without waiting. */
static void
test_loop(struct ctx *ctx)
{
	event_base_loop(ctx->base, EVLOOP_NONBLOCK);
}

static long
test_due_in(const struct ctx_feed *f)
{
	return (long)(f->st.next_due - util_now());
}

static int
test_setup(void **state)
{
	char	 err[256];

	(void)state;
	test_lex = lexicon_load(TEST_LEXDIR, err, sizeof(err));
	if (test_lex == NULL) {
		fprintf(stderr, "lexicon: %s\n", err);
		return -1;
	}
	test_gaz = gazetteer_load(TEST_GAZDIR, err, sizeof(err));
	if (test_gaz == NULL) {
		fprintf(stderr, "gazetteer: %s\n", err);
		return -1;
	}
	feed_init();
	snprintf(test_doc, sizeof(test_doc), TEST_RSS, 0);
	return 0;
}

static int
test_teardown(void **state)
{
	(void)state;
	lexicon_free(test_lex);
	gazetteer_free(test_gaz);
	return 0;
}

/* ---- The policy ------------------------------------------------------ */

static void
test_poll_outcome_table(void **state)
{
	static const struct {
		int			 status;
		bool			 complete;
		enum feed_parse		 parse;
		bool			 body;	/* poll_body_wanted */
		enum poll_outcome	 want;
		enum scheduler_outcome	 sched;
	} cases[] = {
		{ 200, true, FEED_PARSE_OK, true, POLL_OUTCOME_FEED,
		    SCHEDULER_OK },
		{ 203, true, FEED_PARSE_OK, true, POLL_OUTCOME_FEED,
		    SCHEDULER_OK },
		{ 200, true, FEED_PARSE_RECOVERED, true, POLL_OUTCOME_FEED,
		    SCHEDULER_OK },
		{ 200, true, FEED_PARSE_MALFORMED, true, POLL_OUTCOME_SKIPPED,
		    SCHEDULER_ERROR },
		{ 200, true, FEED_PARSE_FAILED, true,
		    POLL_OUTCOME_PARSE_ERROR, SCHEDULER_ERROR },
		{ 304, true, FEED_PARSE_OK, false, POLL_OUTCOME_NOT_MODIFIED,
		    SCHEDULER_NOT_MODIFIED },
		/* Redirects the fetcher did not follow to the end. */
		{ 301, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 302, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 307, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 308, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 404, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 410, true, FEED_PARSE_OK, false, POLL_OUTCOME_GONE,
		    SCHEDULER_GONE },
		{ 429, true, FEED_PARSE_OK, false, POLL_OUTCOME_RETRY_LATER,
		    SCHEDULER_ERROR },
		{ 503, true, FEED_PARSE_OK, false, POLL_OUTCOME_RETRY_LATER,
		    SCHEDULER_ERROR },
		{ 500, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 502, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		{ 100, true, FEED_PARSE_OK, false, POLL_OUTCOME_HTTP_ERROR,
		    SCHEDULER_ERROR },
		/* No complete response wins over any status. */
		{ 0, false, FEED_PARSE_OK, false, POLL_OUTCOME_FETCH_ERROR,
		    SCHEDULER_ERROR },
		{ 200, false, FEED_PARSE_OK, false, POLL_OUTCOME_FETCH_ERROR,
		    SCHEDULER_ERROR },
		{ 304, false, FEED_PARSE_OK, false, POLL_OUTCOME_FETCH_ERROR,
		    SCHEDULER_ERROR },
		{ 410, false, FEED_PARSE_OK, false, POLL_OUTCOME_FETCH_ERROR,
		    SCHEDULER_ERROR },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(poll_body_wanted(cases[i].status,
		    cases[i].complete), cases[i].body);
		assert_int_equal(poll_outcome(cases[i].status,
		    cases[i].complete, cases[i].parse), cases[i].want);
		assert_int_equal(poll_outcome_schedule(cases[i].want),
		    cases[i].sched);
		assert_int_equal(poll_outcome_is_parse_error(cases[i].want),
		    cases[i].want == POLL_OUTCOME_SKIPPED ||
		    cases[i].want == POLL_OUTCOME_PARSE_ERROR);
	}
}

/* The parser says how a document read, not only in bozo_reason. */
static void
test_poll_parse_kind(void **state)
{
	static const struct {
		const char	*doc;
		enum feed_parse	 want;
	} cases[] = {
		{ test_doc, FEED_PARSE_OK },
		{ test_rss_cut, FEED_PARSE_MALFORMED },
		{ test_rss_entity, FEED_PARSE_RECOVERED },
	};
	struct feed	*fd;
	char		 err[FEED_ERR_LEN];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = feed_parse(cases[i].doc, strlen(cases[i].doc), NULL,
		    NULL, err, sizeof(err));
		assert_non_null(fd);
		assert_int_equal(fd->parse, cases[i].want);
		assert_int_equal(fd->bozo, cases[i].want != FEED_PARSE_OK);
		feed_free(fd);
	}
	assert_null(feed_parse("hello", 5, NULL, NULL, err, sizeof(err)));
}

/* ---- Each HTTP outcome through the whole poll ------------------------- */

/* One response and what the poll must make of it. */
struct test_http_case {
	int		 status;
	const char	*error;
	int		 body;		/* 0 none, 1 rss, 2 cut, 3 entity,
					   4 not a feed */
	const char	*moved_to;
	long		 retry_after;
	enum ctx_result	 result;
	int		 failures;	/* after the poll */
	bool		 items;		/* seen check asked */
	bool		 gone;
	long		 due_min, due_max; /* next poll, from now */
	uint64_t	 parse_errors;
};

static const struct test_http_case test_http_cases[] = {
	/* 200, ttl 10 min stretching the 300 s interval. */
	{ 200, NULL, 1, NULL, 0, CTX_RESULT_OK, 0, true, false,
	    598, 600, 0 },
	/* 301/308 followed to a 200: the feed moved. */
	{ 200, NULL, 1, "https://new.example/rss", 0, CTX_RESULT_OK,
	    0, true, false, 598, 600, 0 },
	/* 302/307 followed: only effective_url changes (test_respond
	   sets it with moved_to); one the fetcher did not follow is an
	   error like any other status. */
	{ 304, NULL, 0, NULL, 0, CTX_RESULT_NOT_MODIFIED, 0, false,
	    false, 298, 300, 0 },
	{ 410, NULL, 0, NULL, 0, CTX_RESULT_GONE, 0, false, true,
	    0, 0, 0 },
	{ 404, NULL, 0, NULL, 0, CTX_RESULT_ERROR, 1, false, false,
	    238, 360, 0 },
	{ 302, NULL, 0, NULL, 0, CTX_RESULT_ERROR, 1, false, false,
	    238, 360, 0 },
	/* Retry-After wins over the backoff. */
	{ 429, NULL, 0, NULL, 120, CTX_RESULT_ERROR, 1, false, false,
	    118, 120, 0 },
	{ 503, NULL, 0, NULL, 7, CTX_RESULT_ERROR, 1, false, false,
	    5, 7, 0 },
	{ 500, NULL, 0, NULL, 0, CTX_RESULT_ERROR, 1, false, false,
	    238, 360, 0 },
	/* No complete response: timeout, body too big, refused. */
	{ 0, "timeout", 0, NULL, 0, CTX_RESULT_ERROR, 1, false, false,
	    238, 360, 0 },
	{ 200, "body over 8388608 bytes", 0, NULL, 0,
	    CTX_RESULT_ERROR, 1, false, false, 238, 360, 0 },
	{ 0, "refused private address 127.0.0.1", 0, NULL, 0,
	    CTX_RESULT_ERROR, 1, false, false, 238, 360, 0 },
	/* Malformed XML: skipped whole, items never checked. */
	{ 200, NULL, 2, NULL, 0, CTX_RESULT_ERROR, 1, false, false,
	    238, 360, 1 },
	/* Recovered (an HTML entity): read. */
	{ 200, NULL, 3, NULL, 0, CTX_RESULT_OK, 0, true, false,
	    298, 300, 0 },
	/* Not a feed. */
	{ 200, NULL, 4, NULL, 0, CTX_RESULT_ERROR, 1, false, false,
	    238, 360, 1 },
};

/* What the feed's state and schedule became, and what was written. */
static void
test_http_check(const struct test_http_case *c, struct ctx *ctx,
    struct ctx_feed *f)
{
	int	 k;

	assert_int_equal(f->state, POLL_IDLE);
	assert_int_equal(f->st.failures, c->failures);
	assert_int_equal(f->st.gone, c->gone);
	/* Gone: never polled again, even when listed. */
	assert_int_equal(f->sf == NULL, c->gone);
	for (k = 0; k < CTX_RESULT_MAX; k++)
		assert_int_equal(ctx->stats.by_result[k], k == (int)c->result);
	assert_int_equal(ctx->stats.parse_errors, c->parse_errors);
	assert_int_equal(ctx->stats.polls, 1);
	assert_int_equal(ctx->stats.by_status[c->status], 1);
	assert_int_equal(ctx->inflight, 0);
	if (!c->gone) {
		assert_in_range(test_due_in(f), c->due_min, c->due_max);
		assert_int_equal(tio.sub_state.next_due, f->st.next_due);
	} else
		assert_int_equal(tio.sub_state.next_due, 0);
	/* A server that answered (200, 304, 410) is not stale. */
	assert_int_equal(f->st.last_ok > 0, c->result != CTX_RESULT_ERROR);
	if (c->result == CTX_RESULT_OK) {
		assert_string_equal(f->st.etag, "\"e2\"");
		assert_string_equal(f->st.title, "Kabar");
	} else
		assert_null(f->st.etag);
	if (c->moved_to != NULL) {
		assert_string_equal(f->st.moved_to, c->moved_to);
		assert_string_equal(tio.sub_state.moved_to, c->moved_to);
		/* The next poll goes where it moved. */
		assert_string_equal(poll_fetch_url(f), c->moved_to);
	} else {
		assert_null(f->st.moved_to);
		assert_string_equal(poll_fetch_url(f), TEST_URL);
	}
}

static void
test_poll_http_outcomes(void **state)
{
	const struct test_http_case	*c;
	enum store_item_state		 states[2] = { STORE_ITEM_NEW,
	    STORE_ITEM_NEW };
	char				 ok[2048];
	const char			*bodies[] = { NULL, ok, test_rss_cut,
	    test_rss_entity, "hello, not a feed" };
	struct ctx			*ctx;
	struct ctx_feed			*f;
	size_t				 i;

	(void)state;
	snprintf(ok, sizeof(ok), TEST_RSS, 10);
	for (i = 0; i < sizeof(test_http_cases) / sizeof(*c); i++) {
		c = &test_http_cases[i];
		ctx = test_ctx(256, false);
		f = test_feed(ctx, TEST_URL);
		test_due(ctx, f);
		assert_int_equal(f->state, POLL_RUNNING);
		assert_int_equal(tio.nfetch, 1);
		assert_string_equal(tio.fetch_url[0], TEST_URL);
		test_respond(0, c->status, c->error, bodies[c->body],
		    c->moved_to, c->retry_after);
		assert_int_equal(tio.nitems_check, c->items);
		if (c->items) {
			assert_int_equal(tio.items_n, 2);
			tio.items_cb(states, tio.items_n, 0, tio.items_arg);
		}
		/* Every outcome writes the feed's state, once. */
		assert_int_equal(tio.nsubmit, 1);
		assert_int_equal(tio.sub_state.status, c->status);
		assert_int_equal(tio.sub_state.failures, c->failures);
		assert_int_equal(tio.sub_state.gone, c->gone);
		assert_int_equal(tio.sub_nitems, c->items ? 2 : 0);
		test_stored(0);
		test_http_check(c, ctx, f);
		test_ctx_free(ctx);
	}
}

/* The new item's claims reach the store; a seen one does not. */
static void
test_poll_items(void **state)
{
	enum store_item_state	 states[2];
	struct ctx		*ctx;
	struct ctx_feed		*f;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	test_poll_one(ctx, f, 0, 200);
	assert_int_equal(tio.items_n, 2);
	/* In document order: a1 (the figure) is new, a2 seen. */
	states[0] = STORE_ITEM_NEW;
	states[1] = STORE_ITEM_SEEN;
	tio.items_cb(states, 2, 0, tio.items_arg);
	assert_int_equal(tio.sub_nitems, 1);
	assert_int_equal(tio.sub_nclaims, 1);
	assert_true(tio.sub_values[0] == 12);
	assert_int_equal(tio.nnote, 1);
	assert_int_equal(ctx->stats.items_new, 1);
	assert_int_equal(ctx->stats.items_seen, 1);
	assert_int_equal(ctx->stats.claims, tio.sub_nclaims);
	test_stored(1);
	assert_int_equal(f->state, POLL_IDLE);
	assert_int_equal(ctx->stats.alert_seconds.count, 1);
	/* The next poll sends the validator back. */
	test_due(ctx, f);
	assert_string_equal(tio.fetch_etag[1], "\"e2\"");
	test_respond(1, 304, NULL, NULL, NULL, 0);
	assert_int_equal(tio.sub_nitems, 0);
	test_stored(0);
	test_ctx_free(ctx);
}

/*
 * fetch_articles: each new item's page is fetched and its text, when
 * there is one, replaces the item's; the write waits for every page.
 */
static void
test_poll_articles(void **state)
{
	static const char page[] = "<html><body><article><p>Sebanyak 40 "
	    "warga tewas dalam banjir di Demak, kata BPBD.</p></article>"
	    "</body></html>";
	enum store_item_state	 states[2] = { STORE_ITEM_NEW,
	    STORE_ITEM_CHANGED };
	struct ctx		*ctx;
	struct ctx_feed		*f;

	(void)state;
	ctx = test_ctx(256, false);
	f = ctx_feed_add(ctx, TEST_URL, NULL, 0, true);
	poll_feed_start(ctx, f);
	test_poll_one(ctx, f, 0, 200);
	tio.items_cb(states, 2, 0, tio.items_arg);
	/* Oldest first: a2 (07:00), then a1 (08:00). */
	assert_int_equal(tio.nfetch, 3);
	assert_string_equal(tio.fetch_url[1], "https://feed.example/a2");
	assert_string_equal(tio.fetch_url[2], "https://feed.example/a1");
	test_respond(2, 200, NULL, page, NULL, 0);
	assert_int_equal(tio.nsubmit, 0);
	/* A page that fails leaves the item its own text. */
	test_respond(1, 404, NULL, NULL, NULL, 0);
	assert_int_equal(tio.nsubmit, 1);
	assert_int_equal(tio.sub_nitems, 2);
	/* a1's figure is the page's, not the feed's summary's 12. */
	assert_int_equal(tio.sub_nclaims, 1);
	assert_true(tio.sub_values[0] == 40);
	assert_int_equal(f->state, POLL_RUNNING);
	test_stored(0);
	assert_int_equal(f->state, POLL_IDLE);
	/* The article pages are no poll of their own. */
	assert_int_equal(ctx->stats.polls, 1);
	test_ctx_free(ctx);
}

/* A failed seen check or a refused write ends the poll, nothing kept. */
static void
test_poll_store_failures(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	test_poll_one(ctx, f, 0, 200);
	tio.items_cb(NULL, 0, 1, tio.items_arg);
	assert_int_equal(tio.nsubmit, 0);
	assert_int_equal(f->state, POLL_IDLE);
	assert_int_equal(ctx->inflight, 0);
	/* Items check refused outright (not connected and too many). */
	tio.items_rc = -1;
	test_poll_one(ctx, f, 1, 200);
	assert_int_equal(f->state, POLL_IDLE);
	/* A state write refused. */
	tio.submit_rc = -1;
	test_poll_one(ctx, f, 2, 304);
	assert_int_equal(tio.nsubmit, 1);
	assert_int_equal(f->state, POLL_IDLE);
	assert_int_equal(ctx->inflight, 0);
	test_ctx_free(ctx);
}

/* Failures count across polls, make the feed failing, and clear. */
static void
test_poll_failing_and_recovery(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f;
	size_t		 i;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	for (i = 0; i < 3; i++) {
		assert_false(f->st.failing);
		test_due(ctx, f);
		test_respond(i, 500, NULL, NULL, NULL, 0);
		test_stored(0);
		assert_int_equal(f->st.failures, (int)i + 1);
	}
	assert_true(f->st.failing);
	assert_int_equal(scheduler_failures(f->sf), 3);
	/* Backing off: 2 intervals after the second failure, 4 now. */
	assert_in_range(test_due_in(f), 958, 1440);
	assert_int_equal(ctx->stats.polls_failed, 3);
	test_poll_one(ctx, f, 3, 304);
	assert_int_equal(tio.sub_state.failures, 0);
	test_stored(0);
	assert_int_equal(f->st.failures, 0);
	assert_false(f->st.failing);
	test_ctx_free(ctx);
}

/* The fetcher refusing the URL is a failure, without a fetch. */
static void
test_poll_fetch_refused(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	tio.fetch_rc = -1;
	test_due(ctx, f);
	assert_int_equal(f->state, POLL_IDLE);
	assert_int_equal(f->st.failures, 1);
	assert_int_equal(tio.nsubmit, 0);
	assert_int_equal(ctx->stats.by_result[CTX_RESULT_ERROR], 1);
	assert_in_range(test_due_in(f), 238, 360);
	test_ctx_free(ctx);
}

/* ---- Each state transition --------------------------------------------- */

/* NEW → LOADING → IDLE, the stored state taken. */
static void
test_poll_state_loading(void **state)
{
	struct feed_state	 st;
	struct ctx		*ctx;
	struct ctx_feed		*f;
	char			 etag[] = "\"e1\"";
	char			 moved[] = "https://m.example/";

	(void)state;
	ctx = test_ctx(256, false);
	tio.state_rc = 0;
	f = ctx_feed_add(ctx, TEST_URL, NULL, 0, false);
	poll_feed_start(ctx, f);
	assert_int_equal(f->state, POLL_LOADING);
	assert_null(f->sf);
	memset(&st, 0, sizeof(st));
	st.etag = etag;
	st.moved_to = moved;
	st.status = 500;
	st.failures = 1;
	st.next_due = util_now() + 50;
	st.last_poll = util_now() - 250;
	tio.state_cb(&st, tio.state_arg);
	assert_int_equal(f->state, POLL_IDLE);
	assert_non_null(f->sf);
	assert_int_equal(f->st.failures, 1);
	assert_in_range(test_due_in(f), 48, 50);
	test_due(ctx, f);
	assert_string_equal(tio.fetch_url[0], moved);
	assert_string_equal(tio.fetch_etag[0], etag);
	/* The failure count goes on from the stored one. */
	test_respond(0, 500, NULL, NULL, NULL, 0);
	assert_int_equal(tio.sub_state.failures, 2);
	test_stored(0);
	test_ctx_free(ctx);
}

/* A stored 410: IDLE, never scheduled; under --once, DONE at once. */
static void
test_poll_state_gone(void **state)
{
	struct feed_state	 st;
	struct ctx		*ctx;
	struct ctx_feed		*f;
	int			 once;

	(void)state;
	for (once = 0; once <= 1; once++) {
		ctx = test_ctx(256, once);
		ctx->once_left = 1;
		tio.state_rc = 0;
		f = ctx_feed_add(ctx, TEST_URL, NULL, 0, false);
		poll_feed_start(ctx, f);
		memset(&st, 0, sizeof(st));
		st.gone = true;
		st.status = 410;
		tio.state_cb(&st, tio.state_arg);
		assert_null(f->sf);
		assert_true(f->st.gone);
		assert_int_equal(f->state, once ? POLL_DONE : POLL_IDLE);
		assert_int_equal(ctx->once_left, once ? 0 : 1);
		test_ctx_free(ctx);
	}
}

/* LOADING → REMOVED → freed when the read ends. */
static void
test_poll_state_removed_loading(void **state)
{
	struct config	*conf;
	struct ctx	*ctx;
	struct ctx_feed	*f;

	(void)state;
	ctx = test_ctx(256, false);
	tio.state_rc = 0;
	f = ctx_feed_add(ctx, TEST_URL, NULL, 0, false);
	poll_feed_start(ctx, f);
	conf = xcalloc(1, sizeof(*conf));
	poll_feeds_apply(ctx, conf);
	assert_int_equal(f->state, POLL_REMOVED);
	assert_null(ctx_feed_find(ctx, TEST_URL));
	assert_int_equal(ctx->nfeeds, 1);
	tio.state_cb(NULL, tio.state_arg);
	assert_int_equal(ctx->nfeeds, 0);
	config_free(conf);
	test_ctx_free(ctx);
}

/* RUNNING → REMOVED → freed when the poll ends; IDLE ones at once. */
static void
test_poll_state_removed_running(void **state)
{
	struct config	*conf;
	struct ctx	*ctx;
	struct ctx_feed	*f;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	(void)test_feed(ctx, "https://other.example/rss");
	test_due(ctx, f);
	conf = xcalloc(1, sizeof(*conf));
	poll_feeds_apply(ctx, conf);
	assert_int_equal(ctx->nfeeds, 1);
	assert_int_equal(f->state, POLL_REMOVED);
	assert_null(f->sf);
	test_respond(0, 500, NULL, NULL, NULL, 0);
	/* Counted without a schedule; written; then freed. */
	assert_int_equal(tio.sub_state.failures, 1);
	assert_int_equal(tio.sub_state.next_due, 0);
	test_stored(0);
	assert_int_equal(ctx->nfeeds, 0);
	assert_int_equal(ctx->inflight, 0);
	config_free(conf);
	test_ctx_free(ctx);
}

/* RUNNING → DUE_AGAIN → WAITING → RUNNING. */
static void
test_poll_state_due_again(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	test_due(ctx, f);
	assert_int_equal(f->state, POLL_RUNNING);
	assert_true(poll_is_running(f));
	test_due(ctx, f);
	assert_int_equal(f->state, POLL_DUE_AGAIN);
	assert_true(poll_is_running(f));
	assert_int_equal(tio.nfetch, 1);
	test_respond(0, 304, NULL, NULL, NULL, 0);
	test_stored(0);
	assert_int_equal(f->state, POLL_WAITING);
	assert_ptr_equal(TAILQ_FIRST(&ctx->waiting), f);
	test_loop(ctx);
	assert_int_equal(f->state, POLL_RUNNING);
	assert_int_equal(tio.nfetch, 2);
	assert_true(TAILQ_EMPTY(&ctx->waiting));
	test_respond(1, 304, NULL, NULL, NULL, 0);
	test_stored(0);
	assert_int_equal(f->state, POLL_IDLE);
	test_ctx_free(ctx);
}

/* IDLE → WAITING behind the cap → RUNNING when a poll ends. */
static void
test_poll_state_cap(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f[3];
	char		 url[64];
	int		 i;

	(void)state;
	ctx = test_ctx(1, false);	/* cap: 2 polls in flight */
	for (i = 0; i < 3; i++) {
		snprintf(url, sizeof(url), "https://f%d.example/rss", i);
		f[i] = test_feed(ctx, url);
		test_due(ctx, f[i]);
	}
	assert_int_equal(f[0]->state, POLL_RUNNING);
	assert_int_equal(f[1]->state, POLL_RUNNING);
	assert_int_equal(f[2]->state, POLL_WAITING);
	assert_int_equal(ctx->inflight, 2);
	/* Due again while waiting: still waiting, once. */
	test_due(ctx, f[2]);
	assert_int_equal(f[2]->state, POLL_WAITING);
	assert_int_equal(tio.nfetch, 2);
	test_respond(0, 304, NULL, NULL, NULL, 0);
	test_stored(0);
	assert_int_equal(f[0]->state, POLL_IDLE);
	assert_int_equal(f[2]->state, POLL_WAITING);
	test_loop(ctx);
	assert_int_equal(f[2]->state, POLL_RUNNING);
	assert_int_equal(tio.nfetch, 3);
	assert_string_equal(tio.fetch_url[2], "https://f2.example/rss");
	test_ctx_free(ctx);
}

/* --once: RUNNING → DONE, and never again; no lease is asked. */
static void
test_poll_state_once(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f;

	(void)state;
	ctx = test_ctx(256, true);
	f = test_feed(ctx, TEST_URL);
	ctx->once_left = 1;
	test_due(ctx, f);
	assert_int_equal(tio.nlease, 0);
	test_respond(0, 304, NULL, NULL, NULL, 0);
	test_stored(0);
	assert_int_equal(f->state, POLL_DONE);
	assert_int_equal(ctx->once_left, 0);
	test_due(ctx, f);
	assert_int_equal(f->state, POLL_DONE);
	assert_int_equal(tio.nfetch, 1);
	test_ctx_free(ctx);
}

/* Stop: WAITING → IDLE, unscheduled; the one in flight ends IDLE. */
static void
test_poll_state_stop(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f[3];
	char		 url[64];
	int		 i;

	(void)state;
	ctx = test_ctx(1, false);
	for (i = 0; i < 3; i++) {
		snprintf(url, sizeof(url), "https://f%d.example/rss", i);
		f[i] = test_feed(ctx, url);
		test_due(ctx, f[i]);
	}
	test_due(ctx, f[0]);
	assert_int_equal(f[0]->state, POLL_DUE_AGAIN);
	ctx->stopping = true;
	poll_stop(ctx, 10);
	assert_null(ctx->sched);
	assert_int_equal(f[2]->state, POLL_IDLE);
	assert_true(TAILQ_EMPTY(&ctx->waiting));
	for (i = 0; i < 3; i++)
		assert_null(f[i]->sf);
	test_respond(0, 304, NULL, NULL, NULL, 0);
	assert_int_equal(tio.sub_state.next_due, 0);
	test_stored(0);
	/* Due again, but stopping: not queued. */
	assert_int_equal(f[0]->state, POLL_IDLE);
	assert_true(TAILQ_EMPTY(&ctx->waiting));
	test_respond(1, 304, NULL, NULL, NULL, 0);
	test_stored(0);
	assert_int_equal(ctx->inflight, 0);
	test_ctx_free(ctx);
}

/* The lease: held elsewhere ends the poll uncounted; granted fetches. */
static void
test_poll_state_lease(void **state)
{
	struct ctx	*ctx;
	struct ctx_feed	*f;
	int		 k;

	(void)state;
	ctx = test_ctx(256, false);
	f = test_feed(ctx, TEST_URL);
	tio.lease_rc = 0;
	test_due(ctx, f);
	assert_int_equal(f->state, POLL_RUNNING);
	assert_int_equal(tio.nlease, 1);
	assert_int_equal(tio.nfetch, 0);
	tio.lease_cb(0, tio.lease_arg);
	assert_int_equal(f->state, POLL_IDLE);
	assert_int_equal(ctx->stats.leased_elsewhere, 1);
	for (k = 0; k < CTX_RESULT_MAX; k++)
		assert_int_equal(ctx->stats.by_result[k], 0);
	/* Deferred by 0.5 to 1.5 intervals. */
	assert_in_range(test_due_in(f), 149, 450);
	test_due(ctx, f);
	tio.lease_cb(1, tio.lease_arg);
	assert_int_equal(tio.nfetch, 1);
	test_respond(0, 304, NULL, NULL, NULL, 0);
	test_stored(0);
	assert_int_equal(ctx->stats.by_result[CTX_RESULT_NOT_MODIFIED], 1);
	/* Granted, but stopping meanwhile: no fetch. */
	test_due(ctx, f);
	ctx->stopping = true;
	tio.lease_cb(1, tio.lease_arg);
	assert_int_equal(tio.nfetch, 1);
	assert_int_equal(f->state, POLL_IDLE);
	test_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poll_outcome_table),
		cmocka_unit_test(test_poll_parse_kind),
		cmocka_unit_test(test_poll_http_outcomes),
		cmocka_unit_test(test_poll_items),
		cmocka_unit_test(test_poll_articles),
		cmocka_unit_test(test_poll_store_failures),
		cmocka_unit_test(test_poll_failing_and_recovery),
		cmocka_unit_test(test_poll_fetch_refused),
		cmocka_unit_test(test_poll_state_loading),
		cmocka_unit_test(test_poll_state_gone),
		cmocka_unit_test(test_poll_state_removed_loading),
		cmocka_unit_test(test_poll_state_removed_running),
		cmocka_unit_test(test_poll_state_due_again),
		cmocka_unit_test(test_poll_state_cap),
		cmocka_unit_test(test_poll_state_once),
		cmocka_unit_test(test_poll_state_stop),
		cmocka_unit_test(test_poll_state_lease),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
