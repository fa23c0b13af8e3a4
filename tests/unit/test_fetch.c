/*
 * Unit tests for fetch against the loopback testhttpd (started here as a
 * child on a free port): validators and 304, gzip, redirect kinds and
 * limits, Retry-After, body limits before and after decompression, a
 * stalled server next to a healthy one, the private-address guard and
 * file:// gating.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <event2/event.h>

#include "fetch.h"
#include "../../daemon/fetch_int.h"	/* fetch_proxy_bypass */
#include "util.h"

#define TEST_FEED	"tests/data/fetch/feed.xml"

struct test_fetch_env {
	char	 dir[64];
	char	 base_url[64];
	char	 log[128];
	pid_t	 pid;
};

struct test_fetch_out {
	int	 done;
	int	 order;		/* completion rank, from 1 */
	int	*counter;
	int	 status;
	char	*error, *body, *etag, *lm, *ctype, *moved_to, *eff;
	size_t	 len;
	long	 retry_after, max_age;
};

static struct test_fetch_env	test_env;

static char *
test_fetch_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
test_fetch_done_cb(const struct fetch_result *r, void *arg)
{
	struct test_fetch_out	*o = arg;

	o->done++;
	o->order = ++*o->counter;
	o->status = r->status;
	o->error = test_fetch_dup(r->error);
	o->body = test_fetch_dup(r->body);
	o->len = r->len;
	o->etag = test_fetch_dup(r->etag);
	o->lm = test_fetch_dup(r->last_modified);
	o->ctype = test_fetch_dup(r->content_type);
	o->moved_to = test_fetch_dup(r->moved_to);
	o->eff = test_fetch_dup(r->effective_url);
	o->retry_after = r->retry_after;
	o->max_age = r->max_age;
}

static void
test_fetch_out_free(struct test_fetch_out *o, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(o[i].error);
		free(o[i].body);
		free(o[i].etag);
		free(o[i].lm);
		free(o[i].ctype);
		free(o[i].moved_to);
		free(o[i].eff);
		memset(&o[i], 0, sizeof(o[i]));
	}
}

static struct fetch_options
test_fetch_opts(void)
{
	struct fetch_options	 o = {
		.connect_timeout = 5,
		.timeout = 10,
		.max_body = 1024 * 1024,
		.max_redirects = 5,
		.max_per_host = 4,
		.max_total = 16,
		.user_agent = "claimwatch-test/1",
		.allow_private = true,
		.protocols = FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS,
	};

	return o;
}

static void
test_fetch_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/*
 * Runs n requests (paths on the test server, or full URLs) on a fresh
 * fetcher and loop until every callback ran or 30 s passed.
 */
static void
test_fetch_run(const struct fetch_options *opts, const char **urls,
    const char **etags, struct test_fetch_out *outs, int n)
{
	struct event_base	*base = event_base_new();
	struct fetch		*f;
	struct fetch_request	 req;
	struct event		*deadline;
	struct timeval		 tv = { 30, 0 };
	char			 err[256], *url;
	int			 i, expired = 0, counter = 0, all;

	assert_non_null(base);
	f = fetch_new(base, opts, err, sizeof(err));
	assert_non_null(f);
	deadline = evtimer_new(base, test_fetch_deadline_cb, &expired);
	evtimer_add(deadline, &tv);
	for (i = 0; i < n; i++) {
		memset(&outs[i], 0, sizeof(outs[i]));
		outs[i].counter = &counter;
		if (strstr(urls[i], "://") != NULL)
			url = xstrdup(urls[i]);
		else
			xasprintf(&url, "%s%s", test_env.base_url, urls[i]);
		memset(&req, 0, sizeof(req));
		req.url = url;
		req.etag = etags != NULL ? etags[i] : NULL;
		assert_int_equal(fetch_start(f, &req, test_fetch_done_cb,
		    &outs[i]), 0);
		free(url);
		/* The callback never runs from inside fetch_start. */
		assert_int_equal(outs[i].done, 0);
	}
	assert_int_equal(fetch_pending(f), (size_t)n);
	do {
		event_base_loop(base, EVLOOP_ONCE);
		for (all = 1, i = 0; i < n; i++)
			if (!outs[i].done)
				all = 0;
	} while (!all && !expired);
	for (i = 0; i < n; i++)
		assert_int_equal(outs[i].done, 1);
	assert_int_equal(fetch_pending(f), 0);
	fetch_free(f);
	event_free(deadline);
	event_base_free(base);
}

static void
test_fetch_one(const struct fetch_options *opts, const char *url,
    const char *etag, struct test_fetch_out *out)
{
	test_fetch_run(opts, &url, &etag, out, 1);
}

static char *
test_fetch_read(const char *path, size_t *len)
{
	char	 err[256], *data;

	assert_int_equal(util_read_file(path, 1 << 20, &data, len, err,
	    sizeof(err)), 0);
	return data;
}

static int
test_fetch_setup(void **state)
{
	const char	*b = getenv("CW_BUILD");
	char		 bin[256], port[128], *cmd, buf[32];
	FILE		*fp;
	int		 i;

	(void)state;
	if (b == NULL || b[0] == '\0')
		b = "build/san";
	snprintf(bin, sizeof(bin), "%s/tests/testhttpd", b);
	util_strlcpy(test_env.dir, "/tmp/cwfetch.XXXXXX", sizeof(test_env.dir));
	if (mkdtemp(test_env.dir) == NULL)
		return -1;
	xasprintf(&cmd, "cp tests/data/fetch/* %s/", test_env.dir);
	if (system(cmd) != 0) {
		free(cmd);
		return -1;
	}
	free(cmd);
	snprintf(port, sizeof(port), "%s/port", test_env.dir);
	snprintf(test_env.log, sizeof(test_env.log), "%s/httpd.log",
	    test_env.dir);
	if ((test_env.pid = fork()) == -1)
		return -1;
	if (test_env.pid == 0) {
		if (freopen(test_env.log, "w", stdout) == NULL)
			_exit(127);
		execl(bin, bin, "-d", test_env.dir, "-P", port, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		if ((fp = fopen(port, "r")) != NULL) {
			if (fgets(buf, sizeof(buf), fp) != NULL) {
				fclose(fp);
				buf[strcspn(buf, "\n")] = '\0';
				snprintf(test_env.base_url,
				    sizeof(test_env.base_url),
				    "http://127.0.0.1:%s", buf);
				return 0;
			}
			fclose(fp);
		}
		usleep(100000);
	}
	fprintf(stderr, "testhttpd (%s) did not start\n", bin);
	return -1;
}

static int
test_fetch_teardown(void **state)
{
	char	*cmd;
	int	 st;

	(void)state;
	if (test_env.pid > 0) {
		kill(test_env.pid, SIGTERM);
		waitpid(test_env.pid, &st, 0);
	}
	xasprintf(&cmd, "rm -rf %s", test_env.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", test_env.dir);
	free(cmd);
	return 0;
}

/* Counts the server's log lines that contain s. */
static int
test_fetch_log_count(const char *s)
{
	char	 line[512];
	FILE	*fp;
	int	 n = 0;

	if ((fp = fopen(test_env.log, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, s) != NULL)
			n++;
	fclose(fp);
	return n;
}

static void
test_fetch_200_then_304(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a, b, c;
	const char		*url = "/feed.xml";
	char			*want;
	size_t			 wlen;

	(void)state;
	want = test_fetch_read(TEST_FEED, &wlen);
	test_fetch_one(&o, url, NULL, &a);
	assert_null(a.error);
	assert_int_equal(a.status, 200);
	assert_int_equal(a.len, wlen);
	assert_memory_equal(a.body, want, wlen);
	assert_non_null(a.etag);
	assert_non_null(a.lm);
	assert_string_equal(a.ctype, "application/rss+xml");
	assert_null(a.moved_to);

	test_fetch_one(&o, url, a.etag, &b);
	assert_null(b.error);
	assert_int_equal(b.status, 304);
	assert_null(b.body);

	/* A validator that no longer matches gets the full body again. */
	test_fetch_one(&o, url, "\"0000000000000000\"", &c);
	assert_int_equal(c.status, 200);
	assert_int_equal(c.len, wlen);
	free(want);
	test_fetch_out_free(&a, 1);
	test_fetch_out_free(&b, 1);
	test_fetch_out_free(&c, 1);
}

static void
test_fetch_if_modified_since(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct event_base	*base = event_base_new();
	struct fetch_request	 req = { 0 };
	struct test_fetch_out	 a;
	struct fetch		*f;
	char			 err[256], *url;
	int			 counter = 0;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.counter = &counter;
	f = fetch_new(base, &o, err, sizeof(err));
	assert_non_null(f);
	xasprintf(&url, "%s/feed.atom", test_env.base_url);
	req.url = url;
	req.last_modified = "Fri, 01 Jan 2100 00:00:00 GMT";
	assert_int_equal(fetch_start(f, &req, test_fetch_done_cb, &a), 0);
	while (!a.done)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(a.status, 304);
	assert_null(a.body);
	free(url);
	fetch_free(f);
	event_base_free(base);
	test_fetch_out_free(&a, 1);
}

static void
test_fetch_gzip_decoded(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a;
	char			*want;
	size_t			 wlen;

	(void)state;
	want = test_fetch_read(TEST_FEED, &wlen);
	test_fetch_one(&o, "/_/gzip/feed.xml", NULL, &a);
	assert_null(a.error);
	assert_int_equal(a.status, 200);
	assert_int_equal(a.len, wlen);
	assert_memory_equal(a.body, want, wlen);
	free(want);
	test_fetch_out_free(&a, 1);
}

static void
test_fetch_redirect_kinds(void **state)
{
	static const struct {
		const char	*path;
		bool		 moved;
	} cases[] = {
		{ "/_/redirect/301?to=/feed.xml", true },
		{ "/_/redirect/308?to=/feed.xml", true },
		{ "/_/redirect/301?to=/_/redirect/308%3Fto%3D/feed.xml", true },
		{ "/_/redirect/302?to=/feed.xml", false },
		{ "/_/redirect/307?to=/feed.xml", false },
		{ "/_/redirect/301?to=/_/redirect/302%3Fto%3D/feed.xml",
		    false },
		{ "/feed.xml", false },
	};
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a;
	char			*want;
	size_t			 i;

	(void)state;
	xasprintf(&want, "%s/feed.xml", test_env.base_url);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_fetch_one(&o, cases[i].path, NULL, &a);
		assert_null(a.error);
		assert_int_equal(a.status, 200);
		assert_string_equal(a.eff, want);
		if (cases[i].moved)
			assert_string_equal(a.moved_to, want);
		else
			assert_null(a.moved_to);
		test_fetch_out_free(&a, 1);
	}
	free(want);
}

static void
test_fetch_retry_after_and_max_age(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a[3];
	const char		*urls[3] = {
		"/_/status/429?after=7", "/_/status/503?after=120",
		"/_/maxage/900/feed.xml"
	};

	(void)state;
	test_fetch_run(&o, urls, NULL, a, 3);
	assert_null(a[0].error);
	assert_int_equal(a[0].status, 429);
	assert_int_equal(a[0].retry_after, 7);
	assert_int_equal(a[1].status, 503);
	assert_int_equal(a[1].retry_after, 120);
	assert_int_equal(a[2].status, 200);
	assert_int_equal(a[2].max_age, 900);
	assert_int_equal(a[2].retry_after, 0);
	test_fetch_out_free(a, 3);
}

static void
test_fetch_body_over_limit(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a;

	(void)state;
	o.max_body = 4096;
	test_fetch_one(&o, "/_/big?bytes=100000", NULL, &a);
	assert_string_equal(a.error, "body over 4096 bytes");
	assert_null(a.body);
	test_fetch_out_free(&a, 1);
	/* Exactly the limit still passes. */
	test_fetch_one(&o, "/_/big?bytes=4096", NULL, &a);
	assert_null(a.error);
	assert_int_equal(a.len, 4096);
	test_fetch_out_free(&a, 1);
}

static long
test_fetch_maxrss_kb(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
test_fetch_gzip_bomb_bounded(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a;
	long			 before, after;

	(void)state;
	o.max_body = 1024 * 1024;
	before = test_fetch_maxrss_kb();
	/*
	 * 64 MiB once inflated but under 400 KB on the wire, so only the
	 * count of decoded bytes can stop it (Content-Length is below the
	 * limit; /_/big covers the CURLOPT_MAXFILESIZE path).
	 */
	test_fetch_one(&o, "/_/bomb?mb=64", NULL, &a);
	after = test_fetch_maxrss_kb();
	assert_non_null(a.error);
	assert_string_equal(a.error, "body over 1048576 bytes");
	assert_null(a.body);
	fprintf(stderr, "bomb: maxrss grew %ld KiB\n", after - before);
	assert_true(after - before < 64 * 1024);
	test_fetch_out_free(&a, 1);
}

static void
test_fetch_stall_times_out_others_go_on(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a[3];
	const char		*urls[3] = {
		"/_/stall", "/feed.xml", "/_/drip"
	};

	(void)state;
	o.timeout = 2;
	test_fetch_run(&o, urls, NULL, a, 3);
	assert_non_null(a[0].error);
	assert_non_null(strstr(a[0].error, "timeout"));
	assert_int_equal(a[0].status, 0);
	assert_null(a[1].error);
	assert_int_equal(a[1].status, 200);
	assert_int_equal(a[1].order, 1);
	assert_non_null(a[2].error);
	assert_non_null(strstr(a[2].error, "timeout"));
	test_fetch_out_free(a, 3);
}

/*
 * max_total = 1: every request waits for the one easy handle, runs in
 * submission order and inherits nothing from the transfer before it (a
 * cut-off body, a redirect, a validator, an error, a gzip encoding).
 */
static void
test_fetch_queue_reuses_handles(void **state)
{
	static const struct {
		const char	*url;
		const char	*etag;
		int		 status;
		bool		 error;
		bool		 body;
		bool		 moved;
	} t[] = {
		{ "/_/big?bytes=2000000", NULL, 200, true, false, false },
		{ "/feed.xml", NULL, 200, false, true, false },
		{ "/_/redirect/301?to=/feed.xml", NULL, 200, false, true,
		    true },
		{ "/_/gzip/feed.xml", NULL, 200, false, true, false },
		{ "/feed.xml", "*", 304, false, false, false },
		{ "/_/status/404", NULL, 404, false, true, false },
		{ "/feed.xml", NULL, 200, false, true, false },
		{ "/_/loop", NULL, 302, true, false, false },
		{ "/feed.xml", NULL, 200, false, true, false },
	};
	enum { N = sizeof(t) / sizeof(t[0]) };
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a[N];
	const char		*urls[N], *etags[N], *want;
	size_t			 wlen;
	int			 i;

	(void)state;
	want = test_fetch_read(TEST_FEED, &wlen);
	o.max_total = 1;
	o.max_redirects = 2;
	for (i = 0; i < N; i++) {
		urls[i] = t[i].url;
		etags[i] = t[i].etag;
	}
	test_fetch_run(&o, urls, etags, a, N);
	for (i = 0; i < N; i++) {
		assert_int_equal(a[i].order, i + 1);
		assert_int_equal(a[i].status, t[i].status);
		assert_int_equal(a[i].error != NULL, t[i].error);
		assert_int_equal(a[i].body != NULL, t[i].body);
		assert_int_equal(a[i].moved_to != NULL, t[i].moved);
		if (t[i].body && t[i].status == 200) {
			assert_int_equal(a[i].len, wlen);
			assert_memory_equal(a[i].body, want, wlen);
		}
		test_fetch_out_free(&a[i], 1);
	}
	free((char *)want);
}

static void
test_fetch_broken_servers(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a[2];
	const char		*urls[2] = { "/_/reset", "/_/truncated" };

	(void)state;
	test_fetch_run(&o, urls, NULL, a, 2);
	assert_non_null(a[0].error);
	assert_null(a[0].body);
	assert_non_null(a[1].error);
	assert_null(a[1].body);
	test_fetch_out_free(a, 2);
}

static void
test_fetch_redirect_loop_limited(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a;
	int			 before, after;

	(void)state;
	o.max_redirects = 3;
	before = test_fetch_log_count("GET /_/loop ");
	test_fetch_one(&o, "/_/loop", NULL, &a);
	after = test_fetch_log_count("GET /_/loop ");
	assert_non_null(a.error);
	assert_non_null(strstr(a.error, "(3)"));
	assert_null(a.moved_to);
	assert_int_equal(after - before, 4);
	test_fetch_out_free(&a, 1);
}

static void
test_fetch_private_refused(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a[2];
	const char		*urls[2];
	char			*u0, *u1;
	int			 before, after;

	(void)state;
	o.allow_private = false;
	xasprintf(&u0, "%s/feed.xml", test_env.base_url);
	xasprintf(&u1, "http://localhost:%s/feed.atom",
	    strrchr(test_env.base_url, ':') + 1);
	urls[0] = u0;
	urls[1] = u1;
	before = test_fetch_log_count("GET /feed");
	test_fetch_run(&o, urls, NULL, a, 2);
	after = test_fetch_log_count("GET /feed");
	assert_string_equal(a[0].error, "refused private address 127.0.0.1 "
	    "([poll] allow_private = yes allows it)");
	assert_int_equal(a[0].status, 0);
	assert_non_null(a[1].error);
	assert_true(strncmp(a[1].error, "refused private address ",
	    24) == 0);
	assert_int_equal(after, before);
	free(u0);
	free(u1);
	test_fetch_out_free(a, 2);
}

static void
test_fetch_file_gated(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct test_fetch_out	 a;
	char			*url, cwd[512], *want;
	size_t			 wlen;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	xasprintf(&url, "file://%s/%s", cwd, TEST_FEED);
	test_fetch_one(&o, url, NULL, &a);
	assert_non_null(a.error);
	assert_null(a.body);
	test_fetch_out_free(&a, 1);

	o.protocols |= FETCH_PROTO_FILE;
	want = test_fetch_read(TEST_FEED, &wlen);
	test_fetch_one(&o, url, NULL, &a);
	assert_null(a.error);
	assert_int_equal(a.status, 200);
	assert_int_equal(a.len, wlen);
	assert_memory_equal(a.body, want, wlen);
	test_fetch_out_free(&a, 1);
	free(want);
	free(url);
}

/* no_proxy as libcurl matches it: "*", domains and subdomains, CIDR. */
static void
test_fetch_noproxy_table(void **state)
{
	static const struct {
		const char	*noproxy;
		const char	*host;
		bool		 bypass;
	} cases[] = {
		{ NULL, "example.com", false }, { "", "example.com", false },
		{ "*", "anything.test", true },
		{ "example.com", "example.com", true },
		{ "example.com", "www.Example.COM", true },
		{ ".example.com", "www.example.com", true },
		{ ".example.com", "example.com", true },
		{ "example.com", "notexample.com", false },
		{ "example.com.", "example.com.", true },
		{ "a.test, example.com", "x.example.com", true },
		{ "a.test example.com", "x.example.com", true },
		{ "a.test,b.test", "c.test", false },
		{ "127.0.0.1", "127.0.0.1", true },
		{ "127.0.0.1", "127.0.0.2", false },
		{ "10.0.0.0/8", "10.200.1.1", true },
		{ "10.0.0.0/8", "11.0.0.1", false },
		{ "192.168.1.0/25", "192.168.1.127", true },
		{ "192.168.1.0/25", "192.168.1.128", false },
		{ "::1", "::1", true }, { "fd00::/8", "fd12::1", true },
		{ "fd00::/8", "fe80::1", false },
		{ "10.0.0.0/33", "10.0.0.1", false },
		{ "localhost", "127.0.0.1", false },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (fetch_proxy_bypass(cases[i].noproxy, cases[i].host) !=
		    cases[i].bypass)
			fail_msg("no_proxy '%s' host %s: want %d",
			    cases[i].noproxy != NULL ? cases[i].noproxy :
			    "(null)", cases[i].host, cases[i].bypass);
}

static void
test_fetch_addr_table(void **state)
{
	static const struct {
		const char	*addr;
		bool		 private;
	} cases[] = {
		{ "127.0.0.1", true }, { "127.255.0.9", true },
		{ "10.1.2.3", true }, { "172.16.0.1", true },
		{ "172.31.255.255", true }, { "172.32.0.1", false },
		{ "192.168.1.1", true }, { "100.64.0.1", true },
		{ "100.127.255.255", true }, { "100.128.0.1", false },
		{ "169.254.169.254", true }, { "0.0.0.0", true },
		{ "224.0.0.1", true }, { "239.255.255.250", true },
		{ "255.255.255.255", true }, { "8.8.8.8", false },
		{ "93.184.216.34", false }, { "::1", true }, { "::", true },
		{ "fe80::1", true }, { "fc00::1", true },
		{ "fd12:3456::1", true },
		{ "ff02::1", true }, { "::ffff:127.0.0.1", true },
		{ "::ffff:10.0.0.1", true }, { "::ffff:8.8.8.8", false },
		{ "64:ff9b::7f00:1", true }, { "2002:c0a8:0101::1", true },
		{ "2001:4860:4860::8888", false }, { "2a00:1450::1", false },
		/* SIIT (RFC 6052 / RFC 2765): ::ffff:0:a.b.c.d */
		{ "::ffff:0:127.0.0.1", true }, { "::ffff:0:10.0.0.1", true },
		{ "::ffff:0:8.8.8.8", false },
	};
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	size_t			 i;
	bool			 got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&sin, 0, sizeof(sin));
		memset(&sin6, 0, sizeof(sin6));
		if (inet_pton(AF_INET, cases[i].addr, &sin.sin_addr) == 1) {
			sin.sin_family = AF_INET;
			got = fetch_addr_is_private((struct sockaddr *)&sin);
		} else {
			assert_int_equal(inet_pton(AF_INET6, cases[i].addr,
			    &sin6.sin6_addr), 1);
			sin6.sin6_family = AF_INET6;
			got = fetch_addr_is_private((struct sockaddr *)&sin6);
		}
		if (got != cases[i].private)
			fail_msg("%s: got %d", cases[i].addr, got);
	}
}

static void
test_fetch_free_aborts_silently(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct event_base	*base = event_base_new();
	struct fetch_request	 req = { 0 };
	struct test_fetch_out	 a;
	struct fetch		*f;
	struct timeval		 tv = { 0, 300000 };
	char			 err[256], *url;
	int			 counter = 0;

	(void)state;
	fetch_free(NULL);
	memset(&a, 0, sizeof(a));
	a.counter = &counter;
	f = fetch_new(base, &o, err, sizeof(err));
	xasprintf(&url, "%s/_/stall", test_env.base_url);
	req.url = url;
	assert_int_equal(fetch_start(f, &req, test_fetch_done_cb, &a), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	assert_int_equal(fetch_pending(f), 1);
	fetch_free(f);
	assert_int_equal(a.done, 0);
	free(url);
	event_base_free(base);
}

static void
test_fetch_query_cb(evutil_socket_t fd, short what, void *arg)
{
	char	 buf[512];

	(void)what;
	if (recv(fd, buf, sizeof(buf), 0) > 0)
		*(int *)arg += 1;
}

/*
 * Behind a proxy the target's look-up runs on the loop: while the
 * nameserver (a UDP socket here that never answers) keeps it waiting the
 * loop goes on, nothing reaches the proxy, and fetch_free then cancels
 * the look-up without a callback (ASan: no use after free, no leak).
 */
static void
test_fetch_free_mid_lookup(void **state)
{
	struct fetch_options	 o = test_fetch_opts();
	struct event_base	*base = event_base_new();
	struct fetch_request	 req = { 0 };
	struct test_fetch_out	 a;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct event		*ev, *deadline;
	struct fetch		*f;
	struct timeval		 tv = { 20, 0 };
	char			 err[256], resolver[64];
	int			 fd, counter = 0, queries = 0, expired = 0;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.counter = &counter;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(resolver, sizeof(resolver), "127.0.0.1:%d",
	    ntohs(sin.sin_port));
	o.allow_private = false;
	o.proxy = test_env.base_url;	/* never reached: judged first */
	o.resolver = resolver;
	f = fetch_new(base, &o, err, sizeof(err));
	assert_non_null(f);
	ev = event_new(base, fd, EV_READ | EV_PERSIST, test_fetch_query_cb,
	    &queries);
	event_add(ev, NULL);
	deadline = evtimer_new(base, test_fetch_deadline_cb, &expired);
	evtimer_add(deadline, &tv);
	req.url = "http://slow.test/feed.xml";
	assert_int_equal(fetch_start(f, &req, test_fetch_done_cb, &a), 0);
	while (queries == 0 && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_not_equal(queries, 0);
	assert_int_equal(a.done, 0);
	assert_int_equal(fetch_pending(f), 1);
	assert_int_equal(test_fetch_log_count("slow.test"), 0);
	fetch_free(f);
	assert_int_equal(a.done, 0);
	/* libevent frees a cancelled look-up's records at its next pass. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(a.done, 0);
	event_free(ev);
	event_free(deadline);
	close(fd);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_addr_table),
		cmocka_unit_test(test_fetch_noproxy_table),
		cmocka_unit_test(test_fetch_200_then_304),
		cmocka_unit_test(test_fetch_if_modified_since),
		cmocka_unit_test(test_fetch_gzip_decoded),
		cmocka_unit_test(test_fetch_redirect_kinds),
		cmocka_unit_test(test_fetch_retry_after_and_max_age),
		cmocka_unit_test(test_fetch_body_over_limit),
		cmocka_unit_test(test_fetch_gzip_bomb_bounded),
		cmocka_unit_test(test_fetch_stall_times_out_others_go_on),
		cmocka_unit_test(test_fetch_queue_reuses_handles),
		cmocka_unit_test(test_fetch_broken_servers),
		cmocka_unit_test(test_fetch_redirect_loop_limited),
		cmocka_unit_test(test_fetch_private_refused),
		cmocka_unit_test(test_fetch_file_gated),
		cmocka_unit_test(test_fetch_free_aborts_silently),
		cmocka_unit_test(test_fetch_free_mid_lookup),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, test_fetch_setup,
	    test_fetch_teardown);
}
