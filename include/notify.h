/*
 * notify: `claimwatch notify`, the service that delivers alerts to
 * people: every [notify NAME] sink reads the alert stream through its own
 * Redis consumer group and delivers each alert (or a digest) by webhook
 * (fetch) or by running a program (notify_exec.c), with retries,
 * backoff and jitter, then a per-sink dead-letter stream.  One sink's
 * state never waits on another's.
 */
#ifndef CLAIMWATCH_NOTIFY_H
#define CLAIMWATCH_NOTIFY_H

#include <stddef.h>

struct config;
struct event_base;
struct notify;
struct util_buf;

/*
 * Starts every sink of conf on base (conf is borrowed and must outlive
 * the notify).  NULL with err filled when a sink cannot start (bad
 * Redis URL, metrics address taken).
 */
struct notify	*notify_new(struct event_base *, const struct config *,
		    char *err, size_t errlen);
/* Prometheus text for every sink into out. */
void		 notify_metrics(struct util_buf *out, void *notify);
/* The metrics port when [notify] listen is set, else 0. */
int		 notify_port(const struct notify *);
/* Kills running programs, drops connections; NULL is a no-op. */
void		 notify_free(struct notify *);

/* One program run by an exec sink (notify_exec.c). */
struct notify_exec;
/*
 * status: the exit code, or -1 when killed at the timeout, -2 when it
 * could not be started, or 128+N for a death by signal N.
 */
typedef void (*notify_exec_cb)(int status, void *arg);
/*
 * Runs argv[0] (absolute, no shell, no PATH search) with envp, in a
 * process group of its own, writing in to its stdin; stdout and stderr
 * are ours.  After timeout_ms the whole group is killed.  cb runs once,
 * from the loop, after the child is reaped.  NULL with err filled when
 * it cannot start.  Free with notify_exec_free after cb (or to cancel:
 * the group is killed, cb not called).
 */
struct notify_exec *notify_exec_start(struct event_base *,
		    char *const argv[], char *const envp[], const char *in,
		    size_t inlen, long timeout_ms, notify_exec_cb, void *arg,
		    char *err, size_t errlen);
void		 notify_exec_free(struct notify_exec *);

#endif
