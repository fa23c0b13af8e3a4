/*
 * Unit tests for scheduler: the pure delay policy as a table, failure
 * bookkeeping, first-poll spreading and stored schedules, and one real
 * loop with one-second intervals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "scheduler.h"
#include "util.h"

static const struct scheduler_options	test_sched_opts = {
	.interval = 900,
	.min_interval = 300,
	.max_interval = 7200,
	.max_failures = 3,
	.spread = false,
};

static void
test_scheduler_policy_table(void **state)
{
	static const struct {
		int			 interval;
		enum scheduler_outcome	 outcome;
		int			 failures;
		long			 retry_after, hint;
		double			 jitter;
		long			 want;
	} cases[] = {
		/* Plain intervals: the default, or the feed's own. */
		{ 0, SCHEDULER_OK, 0, 0, 0, 0, 900 },
		{ 600, SCHEDULER_NOT_MODIFIED, 0, 0, 0, 0, 600 },
		/* Hints stretch the interval, up to max; never shorten it. */
		{ 0, SCHEDULER_OK, 0, 0, 1800, 0, 1800 },
		{ 0, SCHEDULER_OK, 0, 0, 60, 0, 900 },
		{ 600, SCHEDULER_OK, 0, 0, 300, 0, 600 },
		{ 600, SCHEDULER_NOT_MODIFIED, 0, 0, 1200, 0, 1200 },
		{ 0, SCHEDULER_OK, 0, 0, 86400, 0, 7200 },
		/* Backoff doubles from the interval, capped. */
		{ 0, SCHEDULER_ERROR, 1, 0, 0, 0, 900 },
		{ 0, SCHEDULER_ERROR, 2, 0, 0, 0, 1800 },
		{ 0, SCHEDULER_ERROR, 3, 0, 0, 0, 3600 },
		{ 0, SCHEDULER_ERROR, 4, 0, 0, 0, 7200 },
		{ 0, SCHEDULER_ERROR, 50, 0, 0, 0, 7200 },
		{ 0, SCHEDULER_ERROR, 2, 0, 0, 1.0, 2160 },
		{ 0, SCHEDULER_ERROR, 2, 0, 0, -1.0, 1440 },
		{ 0, SCHEDULER_ERROR, 2, 0, 0, 0.5, 1980 },
		{ 0, SCHEDULER_ERROR, 9, 0, 0, 1.0, 7200 },
		{ 0, SCHEDULER_ERROR, 9, 0, 0, -1.0, 5760 },
		/* Retry-After wins, capped at max. */
		{ 0, SCHEDULER_ERROR, 5, 120, 0, 0, 120 },
		{ 0, SCHEDULER_ERROR, 1, 99999, 0, 0, 7200 },
		{ 0, SCHEDULER_OK, 0, 30, 1800, 0, 30 },
		/* Gone never comes back. */
		{ 0, SCHEDULER_GONE, 0, 0, 0, 0, -1 },
	};
	size_t	 i;
	long	 got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = scheduler_next_delay(&test_sched_opts,
		    cases[i].interval, cases[i].outcome, cases[i].failures,
		    cases[i].retry_after, cases[i].hint, cases[i].jitter);
		if (got != cases[i].want)
			fail_msg("case %zu: got %ld, want %ld", i, got,
			    cases[i].want);
	}
}

static void
test_scheduler_noop_cb(struct scheduler_feed *sf, void *feed_arg, void *arg)
{
	(void)sf;
	(void)feed_arg;
	(void)arg;
}

static void
test_scheduler_failures_and_recovery(void **state)
{
	struct event_base	*base = event_base_new();
	struct scheduler	*s;
	struct scheduler_feed	*sf;
	int64_t			 due;
	int			 i;

	(void)state;
	s = scheduler_new(base, &test_sched_opts, test_scheduler_noop_cb,
	    NULL);
	sf = scheduler_add(s, 0, 0, NULL);
	assert_true(scheduler_next_due(sf) <= util_now());
	for (i = 1; i <= 5; i++) {
		scheduler_done(s, sf, SCHEDULER_ERROR, 0, 0);
		assert_int_equal(scheduler_failures(sf), i);
		assert_int_equal(scheduler_is_failing(sf), i >= 3);
	}
	/* Failing feeds keep being retried, at most max_interval away. */
	due = scheduler_next_due(sf) - util_now();
	assert_true(due > 0 && due <= 7200);
	scheduler_done(s, sf, SCHEDULER_NOT_MODIFIED, 0, 0);
	assert_int_equal(scheduler_failures(sf), 0);
	assert_false(scheduler_is_failing(sf));
	due = scheduler_next_due(sf) - util_now();
	assert_true(due >= 899 && due <= 900);
	scheduler_done(s, sf, SCHEDULER_GONE, 0, 0);
	assert_true(scheduler_is_gone(sf));
	scheduler_free(s);
	scheduler_free(NULL);
	event_base_free(base);
}

/*
 * A feed leased by another daemon is retried at a random phase between
 * half and one and a half intervals, so that daemons come to share feeds;
 * failures stay as they were.
 */
static void
test_scheduler_defer_spreads(void **state)
{
	struct event_base	*base = event_base_new();
	struct scheduler	*s;
	struct scheduler_feed	*sf;
	int64_t			 due, lo = INT64_MAX, hi = 0;
	int			 i;

	(void)state;
	s = scheduler_new(base, &test_sched_opts, test_scheduler_noop_cb,
	    NULL);
	sf = scheduler_add(s, 1000, 0, NULL);
	scheduler_done(s, sf, SCHEDULER_ERROR, 0, 0);
	for (i = 0; i < 200; i++) {
		scheduler_defer(s, sf);
		due = scheduler_next_due(sf) - util_now();
		assert_true(due >= 499 && due <= 1500);
		if (due < lo)
			lo = due;
		if (due > hi)
			hi = due;
	}
	/* 200 draws from [500, 1500] seconds spread out. */
	assert_true(hi - lo > 500);
	assert_int_equal(scheduler_failures(sf), 1);
	scheduler_free(s);
	event_base_free(base);
}

static void
test_scheduler_first_polls(void **state)
{
	struct scheduler_options	 o = test_sched_opts;
	struct event_base		*base = event_base_new();
	struct scheduler		*s;
	struct scheduler_feed		*sf;
	int64_t				 now = util_now(), d, lo = 1 << 30;
	int64_t				 hi = -1;
	int				 i;

	(void)state;
	o.spread = true;
	s = scheduler_new(base, &o, test_scheduler_noop_cb, NULL);
	for (i = 0; i < 200; i++) {
		sf = scheduler_add(s, 0, 0, NULL);
		d = scheduler_next_due(sf) - now;
		assert_true(d >= 0 && d <= 901);
		if (d < lo)
			lo = d;
		if (d > hi)
			hi = d;
	}
	/* 200 feeds over 900 s do not all land in one corner. */
	assert_true(lo < 100);
	assert_true(hi > 800);
	/* A stored schedule is resumed as it was. */
	sf = scheduler_add(s, 0, now + 4000, NULL);
	assert_true(scheduler_next_due(sf) >= now + 3999 &&
	    scheduler_next_due(sf) <= now + 4001);
	scheduler_remove(s, sf);
	scheduler_free(s);
	event_base_free(base);
}

struct test_scheduler_loop {
	struct scheduler	*s;
	int			 polls[3];
	int64_t			 first_ms[3], last_ms[3];
};

/* Feed 0 is fine, feed 1 is gone, feed 2 is rate limited for 2 s. */
static void
test_scheduler_loop_cb(struct scheduler_feed *sf, void *feed_arg,
    void *arg)
{
	struct test_scheduler_loop	*t = arg;
	int				 id = (int)(intptr_t)feed_arg;

	if (t->polls[id]++ == 0)
		t->first_ms[id] = util_now_ms();
	t->last_ms[id] = util_now_ms();
	switch (id) {
	case 0:
		scheduler_done(t->s, sf, SCHEDULER_OK, 0, 0);
		break;
	case 1:
		scheduler_done(t->s, sf, SCHEDULER_GONE, 0, 0);
		break;
	default:
		scheduler_done(t->s, sf, SCHEDULER_ERROR, 2, 0);
		break;
	}
}

static void
test_scheduler_real_loop(void **state)
{
	struct scheduler_options	 o = test_sched_opts;
	struct test_scheduler_loop	 t;
	struct event_base		*base = event_base_new();
	struct timeval			 tv = { 3, 500000 };
	int64_t				 start = util_now_ms();

	(void)state;
	memset(&t, 0, sizeof(t));
	o.interval = 1;
	o.min_interval = 1;
	o.max_interval = 10;
	t.s = scheduler_new(base, &o, test_scheduler_loop_cb, &t);
	scheduler_add(t.s, 0, 0, (void *)(intptr_t)0);
	scheduler_add(t.s, 0, 0, (void *)(intptr_t)1);
	scheduler_add(t.s, 0, 0, (void *)(intptr_t)2);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	/* Polls at 0, 1, 2, 3 s; the gone feed once; Retry-After 2 s. */
	assert_true(t.polls[0] >= 3 && t.polls[0] <= 4);
	assert_int_equal(t.polls[1], 1);
	assert_int_equal(t.polls[2], 2);
	assert_true(t.first_ms[0] - start < 500);
	assert_true(t.last_ms[2] - t.first_ms[2] >= 1900);
	scheduler_free(t.s);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scheduler_policy_table),
		cmocka_unit_test(test_scheduler_failures_and_recovery),
		cmocka_unit_test(test_scheduler_first_polls),
		cmocka_unit_test(test_scheduler_defer_spreads),
		cmocka_unit_test(test_scheduler_real_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
