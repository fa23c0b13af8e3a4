/*
 * Unit tests for notify_exec, the exec sinks' runner, on a real event
 * loop with real programs: stdin arrives whole, the exit status comes
 * back, a program that hangs is killed at its timeout (its whole
 * process group: a child it started too), a program that does not
 * exist ends in 127, and cancelling kills and reaps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "notify.h"
#include "util.h"

struct test_run {
	struct event_base	*base;
	int			 status;
	int			 calls;
};

static void
test_exec_cb(int status, void *arg)
{
	struct test_run	*r = arg;

	r->status = status;
	r->calls++;
	event_base_loopbreak(r->base);
}

/* Runs argv with in on stdin; returns the status cb got. */
static int
test_exec(char *const argv[], const char *in, long timeout_ms)
{
	static char		 e0[] = "CLAIMWATCH_X=1";
	char *const		 envp[] = { e0, NULL };
	struct test_run		 r = { 0 };
	struct notify_exec	*x;
	char			 err[128];

	r.base = event_base_new();
	x = notify_exec_start(r.base, argv, envp, in, strlen(in), timeout_ms,
	    test_exec_cb, &r, err, sizeof(err));
	if (x == NULL)
		fail_msg("start: %s", err);
	event_base_dispatch(r.base);
	event_base_free(r.base);
	assert_int_equal(r.calls, 1);
	return r.status;
}

static void
test_exec_stdin_and_status(void **state)
{
	char	 dir[] = "/tmp/cwexec.XXXXXX", script[1024], out[300], *got;
	char	*big, *argv[5], sh[] = "/bin/sh", c[] = "-c";
	size_t	 len, n = 300000;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(script, sizeof(script), "cat >%s; echo $CLAIMWATCH_X >>%s; "
	    "exit 3", out, out);
	/* Larger than a pipe buffer: written as the program reads. */
	big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	argv[0] = sh;
	argv[1] = c;
	argv[2] = script;
	argv[3] = NULL;
	assert_int_equal(test_exec(argv, big, 10000), 3);
	assert_int_equal(util_read_file(out, n + 100, &got, &len, script,
	    sizeof(script)), 0);
	assert_int_equal(len, n + 2);
	assert_memory_equal(got, big, n);
	assert_string_equal(got + n, "1\n");
	free(got);
	free(big);
	unlink(out);
	rmdir(dir);
}

static void
test_exec_timeout_kills_group(void **state)
{
	char	 dir[] = "/tmp/cwexec.XXXXXX", script[1024], pidf[300], *s;
	char	*argv[4], sh[] = "/bin/sh", c[] = "-c";
	size_t	 len;
	pid_t	 child;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pidf, sizeof(pidf), "%s/pid", dir);
	snprintf(script, sizeof(script), "sleep 600 & echo $! >%s; wait", pidf);
	argv[0] = sh;
	argv[1] = c;
	argv[2] = script;
	argv[3] = NULL;
	assert_int_equal(test_exec(argv, "", 300), -1);
	assert_int_equal(util_read_file(pidf, 64, &s, &len, script,
	    sizeof(script)), 0);
	child = (pid_t)atol(s);
	free(s);
	/* The group got SIGKILL; the orphan is reaped by init soon. */
	for (len = 0; len < 100 && kill(child, 0) == 0; len++)
		usleep(50000);
	assert_int_not_equal(kill(child, 0), 0);
	unlink(pidf);
	rmdir(dir);
}

static void
test_exec_missing_program(void **state)
{
	char	 p[] = "/nonexistent/program", *argv[] = { p, NULL };

	(void)state;
	assert_int_equal(test_exec(argv, "x", 5000), 127);
}

static void
test_exec_cancel(void **state)
{
	struct event_base	*base = event_base_new();
	struct test_run		 r = { 0 };
	struct notify_exec	*x;
	char			 p[] = "/bin/sleep", a[] = "600";
	char			*argv[] = { p, a, NULL };
	char			*envp[] = { NULL };
	char			 err[128];

	(void)state;
	r.base = base;
	x = notify_exec_start(base, argv, envp, "", 0, 60000, test_exec_cb, &r,
	    err, sizeof(err));
	assert_non_null(x);
	notify_exec_free(x);
	notify_exec_free(NULL);
	assert_int_equal(r.calls, 0);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_stdin_and_status),
		cmocka_unit_test(test_exec_timeout_kills_group),
		cmocka_unit_test(test_exec_missing_program),
		cmocka_unit_test(test_exec_cancel),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
