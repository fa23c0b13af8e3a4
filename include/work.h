/*
 * work: a small pool of worker threads for CPU-bound pure functions
 * (feed_parse, article_text), so that the event loop only does I/O and
 * no document can hold up /healthz, other feeds or signals while it is
 * read.  A job's fn runs on a worker; its done callback runs later on the
 * loop's thread, from the loop, never from inside work_submit, and done
 * callbacks run in submission order.
 */
#ifndef CLAIMWATCH_WORK_H
#define CLAIMWATCH_WORK_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct work;

/* Runs on a worker thread: touch only what arg owns, call pure code. */
typedef void	(*work_fn)(void *arg);
/*
 * Runs on the loop thread once fn has returned; cancelled is true (and fn
 * may not have run) when the pool is freed first: then only free arg.
 */
typedef void	(*work_done_cb)(void *arg, bool cancelled);

/*
 * A pool of nthreads (1 to 16) workers handing results back to base.
 * NULL with the reason in err.  Libraries the jobs use must be set up
 * (feed_init) before, from the main thread.
 */
struct work	*work_new(struct event_base *, int nthreads, char *err,
		    size_t errlen);
/*
 * Queues fn(arg), then done(arg, false) on the loop.  arg is the caller's
 * and must stay valid until done returns.  weight (bytes the job holds,
 * say) is only summed for work_weight.  Returns 0, or -1 when the pool
 * is being freed (nothing queued, done never called).
 */
int		 work_submit(struct work *, work_fn fn, work_done_cb done,
		    void *arg, size_t weight);
/* Jobs queued or running or waiting for their done callback. */
size_t		 work_pending(const struct work *);
/* The sum of those jobs' weights. */
size_t		 work_weight(const struct work *);
/*
 * Waits for the running jobs, then calls done(arg, true) for every job
 * whose done callback has not run; joins the threads.  NULL is a no-op.
 */
void		 work_free(struct work *);

#endif
