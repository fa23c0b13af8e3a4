/*
 * Unit tests for work: jobs run on workers (not the loop's thread), every
 * done callback runs on the loop's thread in submission order even when
 * a later job finishes first, the loop keeps running other events while
 * a job runs, and work_free cancels what is left, each exactly once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "util.h"
#include "work.h"

#define TEST_WORK_JOBS	200

struct test_job {
	pthread_t	 loop;		/* the loop's thread */
	pthread_t	 ran_on;
	int		 in;
	int		 out;		/* the job's arithmetic, mod 2^31 */
	int		 done;		/* done callbacks seen */
	bool		 cancelled;
	int		*left;
	int		*seq;		/* done callbacks so far, all jobs */
	int		 order;		/* *seq when this one's came */
	struct event_base *base;
	volatile int	*gate;		/* job waits while *gate == 0 */
};

static void
test_work_fn(void *arg)
{
	struct test_job	*j = arg;
	unsigned	 x = (unsigned)j->in;
	int		 i;

	while (j->gate != NULL && *j->gate == 0)
		usleep(1000);
	for (i = 0; i < 1000; i++)
		x = x * 31 + 7;
	j->out = (int)(x & 0x7fffffff);
	j->ran_on = pthread_self();
}

static int
test_work_expect(int in)
{
	unsigned	 x = (unsigned)in;
	int		 i;

	for (i = 0; i < 1000; i++)
		x = x * 31 + 7;
	return (int)(x & 0x7fffffff);
}

static void
test_work_done(void *arg, bool cancelled)
{
	struct test_job	*j = arg;

	assert_true(pthread_equal(pthread_self(), j->loop));
	j->done++;
	j->cancelled = cancelled;
	if (j->seq != NULL)
		j->order = ++*j->seq;
	if (j->left != NULL && --*j->left == 0)
		event_base_loopbreak(j->base);
}

static void
test_work_runs_off_loop(void **state)
{
	struct event_base	*base = event_base_new();
	struct test_job		 jobs[TEST_WORK_JOBS];
	struct work		*w;
	char			 err[128];
	int			 i, left = TEST_WORK_JOBS, seq = 0;

	(void)state;
	assert_non_null(w = work_new(base, 2, err, sizeof(err)));
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < TEST_WORK_JOBS; i++) {
		jobs[i].loop = pthread_self();
		jobs[i].in = i;
		jobs[i].left = &left;
		jobs[i].seq = &seq;
		jobs[i].base = base;
		assert_int_equal(work_submit(w, test_work_fn, test_work_done,
		    &jobs[i], 1), 0);
	}
	/* Never called from inside work_submit. */
	for (i = 0; i < TEST_WORK_JOBS; i++)
		assert_int_equal(jobs[i].done, 0);
	event_base_dispatch(base);
	assert_int_equal(left, 0);
	assert_int_equal(work_pending(w), 0);
	for (i = 0; i < TEST_WORK_JOBS; i++) {
		assert_int_equal(jobs[i].done, 1);
		assert_false(jobs[i].cancelled);
		assert_int_equal(jobs[i].out, test_work_expect(i));
		assert_int_equal(jobs[i].order, i + 1);
		assert_false(pthread_equal(jobs[i].ran_on, pthread_self()));
	}
	work_free(w);
	event_base_free(base);
}

static void
test_work_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	int	*ticks = arg;

	(void)fd;
	(void)what;
	(*ticks)++;
}

/* While a job is held, the loop still runs its timers; then the job
   finishes and its done callback ends the loop. */
static void
test_work_loop_not_blocked(void **state)
{
	struct event_base	*base = event_base_new();
	struct test_job		 j, quick;
	struct work		*w;
	struct event		*tick;
	struct timeval		 tv = { 0, 10000 };
	volatile int		 gate = 0;
	char			 err[128];
	int			 ticks = 0, left = 2, seq = 0;

	(void)state;
	assert_non_null(w = work_new(base, 2, err, sizeof(err)));
	memset(&j, 0, sizeof(j));
	j.loop = pthread_self();
	j.left = &left;
	j.seq = &seq;
	j.base = base;
	j.gate = &gate;
	quick = j;
	quick.gate = NULL;
	assert_int_equal(work_submit(w, test_work_fn, test_work_done, &j, 1),
	    0);
	assert_int_equal(work_submit(w, test_work_fn, test_work_done, &quick,
	    1), 0);
	tick = event_new(base, -1, EV_PERSIST, test_work_tick_cb, &ticks);
	event_add(tick, &tv);
	/* Ten ticks of the loop while the job waits, then let it go. */
	while (ticks < 10)
		event_base_loop(base, EVLOOP_ONCE);
	/* The quick job behind it has waited, however soon it finished. */
	assert_int_equal(j.done, 0);
	assert_int_equal(quick.done, 0);
	gate = 1;
	while (left > 0)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(j.done, 1);
	assert_int_equal(j.order, 1);
	assert_int_equal(quick.order, 2);
	event_free(tick);
	work_free(w);
	event_base_free(base);
}

/* work_free: every job not yet delivered is cancelled, once. */
static void
test_work_free_cancels(void **state)
{
	struct event_base	*base = event_base_new();
	struct test_job		 jobs[50];
	struct work		*w;
	char			 err[128];
	int			 i;

	(void)state;
	assert_non_null(w = work_new(base, 2, err, sizeof(err)));
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 50; i++) {
		jobs[i].loop = pthread_self();
		assert_int_equal(work_submit(w, test_work_fn, test_work_done,
		    &jobs[i], 1), 0);
	}
	work_free(w);
	for (i = 0; i < 50; i++) {
		assert_int_equal(jobs[i].done, 1);
		assert_true(jobs[i].cancelled);
	}
	work_free(NULL);
	assert_null(work_new(base, 0, err, sizeof(err)));
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_work_runs_off_loop),
		cmocka_unit_test(test_work_loop_not_blocked),
		cmocka_unit_test(test_work_free_cancels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
