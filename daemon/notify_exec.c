/*
 * notify_exec: runs an exec sink's program for one delivery, on the
 * loop: fork and execve (no shell, no PATH search), the alert written to
 * its stdin through a non-blocking pipe, its exit seen through a pidfd
 * (or, where there is none, a waitpid every 50 ms),
 * and a timer that kills its whole process group at the timeout (a
 * script's children too).  It owns the child, the pipe and the events
 * and frees them itself once the callback has returned.  It must never
 * block the loop on a slow or hung program.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "notify.h"
#include "util.h"

#define NOTIFY_EXEC_POLL_US	50000	/* reaping without a pidfd */

struct notify_exec {
	pid_t		 pid;
	int		 pidfd;
	int		 in_fd;		/* our end of the stdin pipe, or -1 */
	struct event	*ev_exit;
	struct event	*ev_in;
	struct event	*ev_timer;
	char		*in;		/* stdin bytes still to write */
	size_t		 inlen, inoff;
	bool		 timed_out;
	notify_exec_cb	 cb;
	void		*arg;
};

static void
notify_exec_close_in(struct notify_exec *x)
{
	if (x->ev_in != NULL) {
		event_free(x->ev_in);
		x->ev_in = NULL;
	}
	if (x->in_fd != -1) {
		close(x->in_fd);
		x->in_fd = -1;
	}
}

static void
notify_exec_release(struct notify_exec *x)
{
	notify_exec_close_in(x);
	if (x->ev_exit != NULL)
		event_free(x->ev_exit);
	if (x->ev_timer != NULL)
		event_free(x->ev_timer);
	if (x->pidfd != -1)
		close(x->pidfd);
	free(x->in);
	free(x);
}

/* Writes what the pipe takes; a program that stops reading is its own. */
static void
notify_exec_in_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notify_exec	*x = arg;
	ssize_t			 n;

	(void)what;
	n = write(fd, x->in + x->inoff, x->inlen - x->inoff);
	if (n > 0)
		x->inoff += (size_t)n;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
	    x->inoff == x->inlen)
		notify_exec_close_in(x);	/* EOF or EPIPE: done */
}

static void
notify_exec_exit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notify_exec	*x = arg;
	int			 st = 0, status;

	(void)fd;
	(void)what;
	if (waitpid(x->pid, &st, WNOHANG) == 0)
		return;		/* not yet: pidfds are level-triggered */
	if (x->timed_out)
		status = -1;
	else if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else
		status = 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	/* Grandchildren outlive a shell script's exit: end them too. */
	kill(-x->pid, SIGKILL);
	x->cb(status, x->arg);
	notify_exec_release(x);
}

static void
notify_exec_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notify_exec	*x = arg;

	(void)fd;
	(void)what;
	x->timed_out = true;
	kill(-x->pid, SIGKILL);
	kill(x->pid, SIGKILL);
}

/* In the child, between fork and execve: async-signal-safe calls only. */
static void __attribute__((noreturn))
notify_exec_child(int in, char *const argv[], char *const envp[])
{
	sigset_t	 none;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, STDIN_FILENO) == -1)
		_exit(126);
	closefrom(STDERR_FILENO + 1);
	execve(argv[0], argv, envp);
	_exit(127);
}

struct notify_exec *
notify_exec_start(struct event_base *base, char *const argv[],
    char *const envp[], const char *in, size_t inlen, long timeout_ms,
    notify_exec_cb cb, void *arg, char *err, size_t errlen)
{
	struct notify_exec	*x;
	struct timeval		 tv;
	int			 p[2];

	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->pidfd = x->in_fd = -1;
	if ((x->pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		free(x);
		return NULL;
	}
	if (x->pid == 0)
		notify_exec_child(p[0], argv, envp);
	close(p[0]);
	/* Also set in the parent: no race with kill before the child runs. */
	setpgid(x->pid, x->pid);
	x->in_fd = p[1];
	x->cb = cb;
	x->arg = arg;
	x->pidfd = (int)syscall(SYS_pidfd_open, x->pid, 0);
	evutil_make_socket_nonblocking(x->in_fd);
	x->in = xmalloc(inlen + 1);
	memcpy(x->in, in, inlen);
	x->inlen = inlen;
	x->ev_in = event_new(base, x->in_fd, EV_WRITE | EV_PERSIST,
	    notify_exec_in_cb, x);
	x->ev_timer = evtimer_new(base, notify_exec_timer_cb, x);
	event_add(x->ev_in, NULL);
	if (x->pidfd != -1) {
		x->ev_exit = event_new(base, x->pidfd, EV_READ | EV_PERSIST,
		    notify_exec_exit_cb, x);
		event_add(x->ev_exit, NULL);
	} else {
		/* No pidfd (old kernel, valgrind): look every 50 ms. */
		x->ev_exit = event_new(base, -1, EV_PERSIST,
		    notify_exec_exit_cb, x);
		tv.tv_sec = 0;
		tv.tv_usec = NOTIFY_EXEC_POLL_US;
		event_add(x->ev_exit, &tv);
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(x->ev_timer, &tv);
	log_debug("%s: pid=%ld program=%s", __func__, (long)x->pid, argv[0]);
	return x;
}

void
notify_exec_free(struct notify_exec *x)
{
	if (x == NULL)
		return;
	kill(-x->pid, SIGKILL);
	kill(x->pid, SIGKILL);
	waitpid(x->pid, NULL, 0);
	notify_exec_release(x);
}
