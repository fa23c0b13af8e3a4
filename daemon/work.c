/*
 * work: worker threads for the pure, CPU-bound stages.  One mutex guards
 * two FIFO lists: every job not yet delivered, in submission order, and
 * those of them waiting for a worker.  A worker that finishes a job marks
 * it and writes to an eventfd; the loop's read event takes the finished
 * jobs at the head of the first list and runs their done callbacks
 * outside the lock.  So callbacks come in submission order, as they did
 * when documents were read in the fetch callback: which feed's figure
 * reaches the store first does not depend on which document parses
 * faster.  Ownership: the job record is allocated by work_submit and
 * freed after its done callback; arg stays the caller's throughout.
 */
#include <sys/eventfd.h>
#include <sys/queue.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "util.h"
#include "work.h"

#define WORK_MAX_THREADS	16

struct work_job {
	TAILQ_ENTRY(work_job)	 entry;		/* in queue */
	TAILQ_ENTRY(work_job)	 order;		/* in jobs */
	bool			 finished;	/* fn returned */
	size_t			 weight;
	work_fn			 fn;
	work_done_cb		 done;
	void			*arg;
};
TAILQ_HEAD(work_jobs, work_job);

struct work {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* a job was queued, or stop */
	struct work_jobs	 jobs;		/* undelivered, in order */
	struct work_jobs	 queue;		/* waiting for a worker */
	size_t			 pending;	/* submitted, done to run */
	size_t			 weight;	/* their weights' sum */
	bool			 stopping;
	pthread_t		 threads[WORK_MAX_THREADS];
	int			 nthreads;
	int			 efd;		/* eventfd: jobs finished */
	struct event		*ev;
};

static void *
work_thread(void *arg)
{
	struct work	*w = arg;
	struct work_job	*j;
	uint64_t	 one = 1;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (TAILQ_EMPTY(&w->queue) && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stopping)
			break;
		j = TAILQ_FIRST(&w->queue);
		TAILQ_REMOVE(&w->queue, j, entry);
		pthread_mutex_unlock(&w->lock);
		j->fn(j->arg);
		pthread_mutex_lock(&w->lock);
		j->finished = true;
		/* A full counter (never, at 2^64) still wakes the loop. */
		while (write(w->efd, &one, sizeof(one)) == -1 &&
		    errno == EINTR)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* The loop: runs the done callbacks of every finished job, in order. */
static void
work_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct work		*w = arg;
	struct work_jobs	 done = TAILQ_HEAD_INITIALIZER(done);
	struct work_job		*j;
	uint64_t		 n;

	(void)what;
	while (read(fd, &n, sizeof(n)) == -1 && errno == EINTR)
		;
	pthread_mutex_lock(&w->lock);
	while ((j = TAILQ_FIRST(&w->jobs)) != NULL && j->finished) {
		TAILQ_REMOVE(&w->jobs, j, order);
		TAILQ_INSERT_TAIL(&done, j, entry);
	}
	pthread_mutex_unlock(&w->lock);
	while ((j = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, j, entry);
		w->pending--;
		w->weight -= j->weight;
		j->done(j->arg, false);
		free(j);
	}
}

struct work *
work_new(struct event_base *base, int nthreads, char *err, size_t errlen)
{
	struct work	*w;
	int		 i, rc;

	if (nthreads < 1 || nthreads > WORK_MAX_THREADS) {
		snprintf(err, errlen, "worker threads: %d, expected 1 to %d",
		    nthreads, WORK_MAX_THREADS);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->efd = -1;
	TAILQ_INIT(&w->jobs);
	TAILQ_INIT(&w->queue);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if ((w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if ((w->ev = event_new(base, w->efd, EV_READ | EV_PERSIST,
	    work_event_cb, w)) == NULL || event_add(w->ev, NULL) == -1) {
		snprintf(err, errlen, "cannot create the pool's event");
		goto fail;
	}
	for (i = 0; i < nthreads; i++) {
		if ((rc = pthread_create(&w->threads[i], NULL, work_thread,
		    w)) != 0) {
			snprintf(err, errlen, "pthread_create: %s",
			    strerror(rc));
			goto fail;
		}
		w->nthreads++;
	}
	return w;
fail:
	work_free(w);
	return NULL;
}

int
work_submit(struct work *w, work_fn fn, work_done_cb done, void *arg,
    size_t weight)
{
	struct work_job	*j;

	if (w->stopping)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	j->weight = weight;
	pthread_mutex_lock(&w->lock);
	TAILQ_INSERT_TAIL(&w->jobs, j, order);
	TAILQ_INSERT_TAIL(&w->queue, j, entry);
	w->pending++;
	w->weight += weight;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

size_t
work_pending(const struct work *w)
{
	return w->pending;
}

size_t
work_weight(const struct work *w)
{
	return w->weight;
}

void
work_free(struct work *w)
{
	struct work_job	*j;
	int		 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	/* A running fn finishes; then its worker sees stopping. */
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	while ((j = TAILQ_FIRST(&w->jobs)) != NULL) {
		TAILQ_REMOVE(&w->jobs, j, order);
		j->done(j->arg, true);
		free(j);
	}
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->efd != -1)
		close(w->efd);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
