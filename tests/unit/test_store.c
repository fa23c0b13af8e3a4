/*
 * Unit tests for store against a real redis-server the test starts itself
 * (127.0.0.1, a free port, nothing saved) and stops by PID.  The figures
 * follow the North Korean troops story of the seed articles.  A SUBSCRIBE
 * connection and XRANGE on the stream check that exactly the expected
 * alerts went out; a marker PUBLISHed after each step tells the reader
 * where that step's messages end.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <hiredis.h>
#include <jansson.h>

#include "fixture_claim.h"
#include "alert.h"
#include "claim.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "../../daemon/store_int.h"

#define TEST_CHANNEL	"cwtest:alerts"
#define TEST_FEED_A	"https://berita-a.example/rss"
#define TEST_FEED_B	"https://kabar-b.example/feed"

/* 2024-12-19, 2025-01-15, 2025-01-16, 2024-12-20 00:00 UTC. */
#define TEST_DEC19	1734566400
#define TEST_JAN15	1736899200
#define TEST_JAN16	1736985600
#define TEST_DEC20	1734652800

static struct {
	pid_t			 redis;
	int			 port;
	char			 dir[64];
	struct event_base	*base;
	redisContext		*cmd;	/* sync, for assertions */
	redisContext		*sub;	/* sync, SUBSCRIBEd */
	int			 marker;
} t;

struct test_done {
	bool	 called;
	int	 nalerts;
};

static void
test_done_cb(int nalerts, void *arg)
{
	struct test_done	*d = arg;

	d->called = true;
	d->nalerts = nalerts;
}

static int
test_free_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static redisContext *
test_connect(void)
{
	struct timeval	 tv = { 5, 0 };
	redisContext	*c;
	int		 i;

	for (i = 0; i < 200; i++) {
		c = redisConnectWithTimeout("127.0.0.1", t.port, tv);
		if (c != NULL && c->err == 0) {
			redisSetTimeout(c, tv);
			return c;
		}
		redisFree(c);
		usleep(20000);
	}
	return NULL;
}

static int
test_redis_start(void)
{
	char	 port[16];
	int	 fd;

	snprintf(port, sizeof(port), "%d", t.port);
	if ((t.redis = fork()) == -1)
		return -1;
	if (t.redis == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execlp("redis-server", "redis-server", "--port", port,
		    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		    "--dir", t.dir, (char *)NULL);
		_exit(127);
	}
	if ((t.cmd = test_connect()) == NULL)
		return -1;
	return 0;
}

static void
test_redis_stop(void)
{
	redisFree(t.cmd);
	t.cmd = NULL;
	redisFree(t.sub);
	t.sub = NULL;
	if (t.redis > 0) {
		kill(t.redis, SIGKILL);
		waitpid(t.redis, NULL, 0);
	}
	t.redis = 0;
}

static void
test_subscribe(void)
{
	redisReply	*r;

	redisFree(t.sub);
	assert_non_null(t.sub = test_connect());
	r = redisCommand(t.sub, "SUBSCRIBE %s", TEST_CHANNEL);
	assert_non_null(r);
	freeReplyObject(r);
}

/* The alerts published since the last call, as parsed JSON, in order. */
static json_t *
test_messages(void)
{
	redisReply	*r, *m;
	json_t		*a;
	char		 mark[32];

	snprintf(mark, sizeof(mark), "marker-%d", ++t.marker);
	freeReplyObject(redisCommand(t.cmd, "PUBLISH %s %s", TEST_CHANNEL,
	    mark));
	a = json_array();
	for (;;) {
		assert_int_equal(redisGetReply(t.sub, (void **)&r), REDIS_OK);
		assert_int_equal(r->type, REDIS_REPLY_ARRAY);
		assert_int_equal(r->elements, 3);
		m = r->element[2];
		if (strcmp(m->str, mark) == 0) {
			freeReplyObject(r);
			return a;
		}
		json_array_append_new(a, json_loads(m->str, 0, NULL));
		freeReplyObject(r);
	}
}

static long long
test_int(const char *fmt, ...)
{
	redisReply	*r;
	va_list		 ap;
	long long	 v;

	va_start(ap, fmt);
	r = redisvCommand(t.cmd, fmt, ap);
	va_end(ap);
	assert_non_null(r);
	if (r->type == REDIS_REPLY_STRING)
		v = strtoll(r->str, NULL, 10);
	else {
		assert_int_equal(r->type, REDIS_REPLY_INTEGER);
		v = r->integer;
	}
	freeReplyObject(r);
	return v;
}

static bool
test_loop_until(bool (*pred)(void *), void *arg, int ms)
{
	int64_t	 end = util_now_ms() + ms;

	while (!pred(arg)) {
		if (util_now_ms() > end)
			return false;
		event_base_loop(t.base, EVLOOP_NONBLOCK);
		usleep(500);
	}
	return true;
}

static bool
test_is_connected(void *arg)
{
	return store_is_connected(arg);
}

static bool
test_is_disconnected(void *arg)
{
	return !store_is_connected(arg);
}

static bool
test_is_called(void *arg)
{
	return ((struct test_done *)arg)->called;
}

static bool
test_is_idle(void *arg)
{
	return store_pending(arg) == 0;
}

static struct store_watch test_watches[] = {
	{ "north-korea/*", 0, 0 },
	{ "*/deployed/*", 0, 0.1 },
};

static struct store *
test_store(bool watches, long queue_max)
{
	struct store_options	 o = {
		.prefix = "cwt:",
		.channel = TEST_CHANNEL,
		.stream = TEST_CHANNEL,
		.stream_maxlen = 1000,
		.queue_max = queue_max,
	};
	struct store		*s;
	char			 url[64], err[256];

	snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", t.port);
	o.url = url;
	if (watches) {
		o.watches = test_watches;
		o.nwatches = 2;
	}
	s = store_new(t.base, &o, NULL, NULL, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_new: %s", err);
	assert_true(test_loop_until(test_is_connected, s, 5000));
	return s;
}

/* Submits one item with one claim and runs the loop until it is done. */
static int
test_submit(struct store *s, const char *feed, const char *id,
    uint64_t hash, int64_t published, const struct claim *c)
{
	struct store_item	 it = {
		.id = id, .hash = hash, .url = id, .title = "judul",
		.lang = "id", .published = published,
	};
	struct store_claim	 sc = {
		.claim = c, .text = "kalimat uji", .item = 0,
	};
	struct store_batch	 b = {
		.feed_url = feed, .items = &it, .nitems = 1,
		.claims = &sc, .nclaims = c != NULL ? 1 : 0,
		.detected_at = 1767225600,
	};
	struct test_done	 d = { 0 };

	assert_int_equal(store_submit(s, &b, test_done_cb, &d), 0);
	assert_true(test_loop_until(test_is_called, &d, 5000));
	return d.nalerts;
}

static const char *
test_type(json_t *a, size_t i)
{
	return json_string_value(json_object_get(json_array_get(a, i),
	    "type"));
}

static json_int_t
test_value(json_t *a, size_t i, const char *which)
{
	return json_integer_value(json_object_get(json_object_get(
	    json_array_get(a, i), which), "value"));
}

static void
test_semantics(void **state)
{
	struct store	*s, *s2;
	struct claim	 c;
	json_t		*m;
	redisReply	*r;
	size_t		 i;

	(void)state;
	s = test_store(true, 0);
	test_subscribe();

	/* "sekitar 100 tentara Korut tewas": the key's first figure. */
	test_claim(&c, 100, CLAIM_APPROX, "north-korea", "killed", "troops");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/1",
	    1, TEST_DEC19, &c), 1);
	m = test_messages();
	assert_int_equal(json_array_size(m), 1);
	assert_string_equal(test_type(m, 0), "new");
	assert_true(json_is_null(json_object_get(json_array_get(m, 0),
	    "previous")));
	json_decref(m);

	/* "lebih dari 3.000": beyond the old interval, a change. */
	test_claim(&c, 3000, CLAIM_AT_LEAST, "north-korea", "killed",
	    "troops");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/2",
	    2, TEST_JAN15, &c), 1);
	m = test_messages();
	assert_int_equal(json_array_size(m), 1);
	assert_string_equal(test_type(m, 0), "changed");
	assert_int_equal(test_value(m, 0, "previous"), 100);
	assert_int_equal(test_value(m, 0, "current"), 3000);
	json_decref(m);

	/* "3.000" from another feed: corroboration, no alert. */
	test_claim(&c, 3000, CLAIM_EXACT, "north-korea", "killed", "troops");
	assert_int_equal(test_submit(s, TEST_FEED_B, "https://b.example/9",
	    3, TEST_JAN16, &c), 0);
	assert_int_equal(test_int("HGET {cwt:k:north-korea/killed/people}:cur"
	    " sources"), 2);

	/* "ratusan", published before the current figure: history only. */
	test_claim(&c, 100, CLAIM_VAGUE, "north-korea", "killed", "troops");
	assert_int_equal(test_submit(s, TEST_FEED_B, "https://b.example/3",
	    4, TEST_DEC20, &c), 0);
	assert_int_equal(test_int("ZCARD {cwt:k:north-korea/killed/people}:"
	    "hist"), 3);
	assert_int_equal(test_int("HGET {cwt:k:north-korea/killed/people}:cur"
	    " value"), 3000);

	/* The same item again, here and from a second daemon: no alert. */
	test_claim(&c, 3000, CLAIM_AT_LEAST, "north-korea", "killed",
	    "troops");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/2",
	    2, TEST_JAN15, &c), 0);
	s2 = test_store(true, 0);
	assert_int_equal(test_submit(s2, TEST_FEED_A, "https://a.example/2",
	    2, TEST_JAN15, &c), 0);
	store_free(s2);

	/* Tolerance 10% on deployments: 11.000, 11.500 same, 14.000 new. */
	/* No entity, or the tolerance-free north-korea watch would match. */
	test_claim(&c, 11000, CLAIM_APPROX, "", "deployed", "troops");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/4",
	    5, TEST_DEC19, &c), 1);
	c.value = 11500;
	c.qualifier = CLAIM_EXACT;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/5",
	    6, TEST_DEC20, &c), 0);
	c.value = 14000;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/6",
	    7, TEST_JAN15, &c), 1);

	/* Outside every watch: stored, never alerted. */
	test_claim(&c, 12, CLAIM_EXACT, "russia", "killed", "civilians");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/7",
	    8, TEST_DEC19, &c), 0);
	c.value = 40;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://a.example/8",
	    9, TEST_JAN15, &c), 0);
	assert_int_equal(test_int("HGET {cwt:k:russia/killed/civilians}:cur "
	    "value"), 40);

	m = test_messages();
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(test_type(m, 0), "new");
	assert_int_equal(test_value(m, 0, "current"), 11000);
	assert_string_equal(test_type(m, 1), "changed");
	assert_int_equal(test_value(m, 1, "previous"), 11000);
	assert_int_equal(test_value(m, 1, "current"), 14000);
	json_decref(m);

	/* The stream holds the same four alerts, in order. */
	r = redisCommand(t.cmd, "XRANGE %s - +", TEST_CHANNEL);
	assert_non_null(r);
	assert_int_equal(r->elements, 4);
	for (i = 0; i < 4; i++) {
		static const char *const want[] = {
			"\"type\":\"new\"", "\"type\":\"changed\"",
			"\"type\":\"new\"", "\"type\":\"changed\"",
		};
		redisReply *f = r->element[i]->element[1];

		assert_string_equal(f->element[0]->str, "alert");
		assert_non_null(strstr(f->element[1]->str, want[i]));
	}
	freeReplyObject(r);
	store_free(s);
}

/*
 * Three daemons submit the same poll: two items, no dates, two figures
 * on one key.  Without the dedupe tokens the later replays would flip the
 * figure back and forth; with them the poll alerts twice in all.
 */
static void
test_three_daemons_exactly_once(void **state)
{
	struct store		*s[3];
	struct claim		 c[2];
	struct store_item	 it[2] = {
		{ .id = "tri-1", .hash = 5, .published = INT64_MIN },
		{ .id = "tri-2", .hash = 6, .published = INT64_MIN },
	};
	struct store_claim	 sc[2] = {
		{ .claim = &c[0], .text = "a", .item = 0 },
		{ .claim = &c[1], .text = "b", .item = 1 },
	};
	struct store_batch	 b = { .feed_url = TEST_FEED_B, .items = it,
	    .nitems = 2, .claims = sc, .nclaims = 2,
	    .detected_at = 1767225600 };
	struct test_done	 d[3];
	int			 i, total = 0;

	(void)state;
	test_claim(&c[0], 1500, CLAIM_EXACT, "north-korea", "sent", "troops");
	test_claim(&c[1], 14000, CLAIM_EXACT, "north-korea", "sent",
	    "troops");
	for (i = 0; i < 3; i++)
		s[i] = test_store(false, 0);
	memset(d, 0, sizeof(d));
	/* All three pipelines are in flight at once. */
	for (i = 0; i < 3; i++)
		assert_int_equal(store_submit(s[i], &b, test_done_cb, &d[i]),
		    0);
	for (i = 0; i < 3; i++) {
		assert_true(test_loop_until(test_is_called, &d[i], 5000));
		total += d[i].nalerts;
	}
	assert_int_equal(total, 2);
	for (i = 0; i < 3; i++)
		store_free(s[i]);
}

static const struct {
	double			 a;
	enum claim_qualifier	 qa;
	double			 b;
	enum claim_qualifier	 qb;
	double			 tol_abs;
	double			 tol_rel;
	int			 alerts;	/* for the second figure */
} test_rules[] = {
	{ 3000, CLAIM_EXACT, 3000, CLAIM_AT_LEAST, 0, 0, 0 },
	{ 100, CLAIM_VAGUE, 3000, CLAIM_EXACT, 0, 0, 1 },
	{ 3000, CLAIM_EXACT, 1000, CLAIM_VAGUE, 0, 0, 0 },
	{ 100, CLAIM_APPROX, 3000, CLAIM_AT_LEAST, 0, 0, 1 },
	{ 100, CLAIM_EXACT, 104, CLAIM_EXACT, 5, 0, 0 },
	{ 100, CLAIM_EXACT, 106, CLAIM_EXACT, 5, 0, 1 },
	{ 1000, CLAIM_EXACT, 1040, CLAIM_EXACT, 0, 0.05, 0 },
	{ 1000, CLAIM_EXACT, 1100, CLAIM_EXACT, 0, 0.05, 1 },
	{ 100, CLAIM_AT_LEAST, 5000, CLAIM_EXACT, 0, 0, 1 },
	{ 100, CLAIM_APPROX, 105, CLAIM_EXACT, 0, 0, 1 },
};

/* The change rule, one fresh key per row, default tolerance per row. */
static void
test_change_rules(void **state)
{
	struct store_options	 o = { .channel = TEST_CHANNEL,
	    .stream = TEST_CHANNEL, .prefix = "cwr:" };
	struct store		*s;
	struct claim		 c;
	char			 url[64], err[256], ent[32], id1[16], id2[16];
	size_t			 i;

	(void)state;
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", t.port);
	o.url = url;
	for (i = 0; i < sizeof(test_rules) / sizeof(test_rules[0]); i++) {
		o.tolerance_abs = test_rules[i].tol_abs;
		o.tolerance_rel = test_rules[i].tol_rel;
		assert_non_null(s = store_new(t.base, &o, NULL, NULL, err,
		    sizeof(err)));
		assert_true(test_loop_until(test_is_connected, s, 5000));
		snprintf(ent, sizeof(ent), "rule-%zu", i);
		test_claim(&c, test_rules[i].a, test_rules[i].qa, ent,
		    "killed", "people");
		/* Item ids differ per row: a seen item's claims are skipped. */
		snprintf(id1, sizeof(id1), "r1-%zu", i);
		snprintf(id2, sizeof(id2), "r2-%zu", i);
		assert_int_equal(test_submit(s, TEST_FEED_A, id1, 1,
		    TEST_DEC19, &c), 1);
		test_claim(&c, test_rules[i].b, test_rules[i].qb, ent,
		    "killed", "people");
		if (test_submit(s, TEST_FEED_A, id2, 1, TEST_JAN15, &c) !=
		    test_rules[i].alerts)
			fail_msg("rule row %zu: want %d alerts", i,
			    test_rules[i].alerts);
		store_free(s);
	}
}

struct test_items {
	bool			 called;
	int			 error;
	enum store_item_state	 st[3];
};

static void
test_items_cb(const enum store_item_state *st, size_t n, int error,
    void *arg)
{
	struct test_items	*ti = arg;

	ti->called = true;
	ti->error = error;
	if (st != NULL && n == 3)
		memcpy(ti->st, st, sizeof(ti->st));
}

struct test_state {
	bool	 called;
	char	 etag[64];
	int	 status;
	int64_t	 next_due;
	bool	 none;
};

static void
test_state_cb(const struct feed_state *st, void *arg)
{
	struct test_state	*ts = arg;

	ts->called = true;
	ts->none = st == NULL;
	if (st != NULL) {
		util_strlcpy(ts->etag, st->etag != NULL ? st->etag : "",
		    sizeof(ts->etag));
		ts->status = st->status;
		ts->next_due = st->next_due;
	}
}

static bool
test_items_called(void *arg)
{
	return ((struct test_items *)arg)->called;
}

static bool
test_state_called(void *arg)
{
	return ((struct test_state *)arg)->called;
}

static void
test_items_and_state(void **state)
{
	struct store			*s;
	char				 etag[] = "W/\"a1\"";
	struct feed_state		 fs = {
		.etag = etag, .status = 200, .next_due = 1767226500,
	};
	struct store_item		 it[3] = {
		{ .id = "x1", .hash = 11, .published = INT64_MIN },
		{ .id = "x2", .hash = 22, .published = INT64_MIN },
		{ .id = "x3", .hash = 33, .published = INT64_MIN },
	};
	struct store_batch		 b = {
		.feed_url = "https://state.example/rss", .state = &fs,
		.items = it, .nitems = 2, .detected_at = 1767225600,
	};
	struct test_done		 d = { 0 };
	struct test_items		 ti = { 0 };
	struct test_state		 ts = { 0 };

	(void)state;
	s = test_store(false, 0);
	assert_int_equal(store_feed_state_get(s, b.feed_url, test_state_cb,
	    &ts), 0);
	assert_true(test_loop_until(test_state_called, &ts, 5000));
	assert_true(ts.none);

	assert_int_equal(store_submit(s, &b, test_done_cb, &d), 0);
	assert_true(test_loop_until(test_is_called, &d, 5000));
	assert_int_equal(d.nalerts, 0);

	it[1].hash = 23;	/* x2's content changed */
	assert_int_equal(store_items_check(s, b.feed_url, it, 3,
	    test_items_cb, &ti), 0);
	assert_true(test_loop_until(test_items_called, &ti, 5000));
	assert_int_equal(ti.error, 0);
	assert_int_equal(ti.st[0], STORE_ITEM_SEEN);
	assert_int_equal(ti.st[1], STORE_ITEM_CHANGED);
	assert_int_equal(ti.st[2], STORE_ITEM_NEW);

	memset(&ts, 0, sizeof(ts));
	assert_int_equal(store_feed_state_get(s, b.feed_url, test_state_cb,
	    &ts), 0);
	assert_true(test_loop_until(test_state_called, &ts, 5000));
	assert_false(ts.none);
	assert_string_equal(ts.etag, "W/\"a1\"");
	assert_int_equal(ts.status, 200);
	assert_int_equal(ts.next_due, 1767226500);
	assert_int_equal(store_pending(s), 0);
	store_free(s);
}

/* SCRIPT FLUSH (or a failover) must not lose a claim. */
static void
test_noscript_reload(void **state)
{
	struct store	*s;
	struct claim	 c;

	(void)state;
	s = test_store(false, 0);
	freeReplyObject(redisCommand(t.cmd, "SCRIPT FLUSH"));
	test_claim(&c, 7, CLAIM_EXACT, "noscript", "killed", "people");
	assert_int_equal(test_submit(s, TEST_FEED_A, "ns1", 1, TEST_DEC19,
	    &c), 1);
	store_free(s);
}

/*
 * Redis dies with one batch written but unanswered and another submitted
 * while it is away; both callbacks come at once with 0 (queued, so the
 * daemon's polls go on); after the restart each alerts exactly once.
 */
static void
test_reconnect_replays_once(void **state)
{
	struct store		*s;
	struct claim		 c1, c2, c3;
	struct store_item	 it = { .id = "rc1", .hash = 1,
	    .published = TEST_DEC19 };
	struct store_claim	 sc = { .claim = &c1, .text = "t" };
	struct store_batch	 b = { .feed_url = TEST_FEED_A, .items = &it,
	    .nitems = 1, .claims = &sc, .nclaims = 1,
	    .detected_at = 1767225600 };
	struct test_done	 d1 = { 0 }, d2 = { 0 }, d3 = { 0 };
	json_t			*m;
	redisReply		*r;

	(void)state;
	s = test_store(false, 2);
	test_claim(&c1, 1500, CLAIM_EXACT, "north-korea", "deployed",
	    "troops");
	test_claim(&c2, 11000, CLAIM_EXACT, "north-korea", "enlisted",
	    "troops");
	test_claim(&c3, 1, CLAIM_EXACT, "x", "killed", "people");
	assert_int_equal(store_submit(s, &b, test_done_cb, &d1), 0);
	test_redis_stop();
	assert_true(test_loop_until(test_is_disconnected, s, 5000));
	it.id = "rc2";
	sc.claim = &c2;
	assert_int_equal(store_submit(s, &b, test_done_cb, &d2), 0);
	assert_int_equal(store_pending(s), 2);
	/* queue_max 2: a third batch is refused, not silently dropped. */
	sc.claim = &c3;
	assert_int_equal(store_submit(s, &b, test_done_cb, &d3), -1);
	/* Let a few reconnect attempts fail and back off. */
	event_base_loop(t.base, EVLOOP_NONBLOCK);
	usleep(300000);
	event_base_loop(t.base, EVLOOP_NONBLOCK);
	assert_true(d1.called && d2.called);
	assert_int_equal(d1.nalerts, 0);
	assert_int_equal(d2.nalerts, 0);
	assert_int_equal(store_pending(s), 2);

	assert_int_equal(test_redis_start(), 0);
	test_subscribe();
	assert_true(test_loop_until(test_is_idle, s, 40000));
	assert_false(d3.called);
	m = test_messages();
	assert_int_equal(json_array_size(m), 2);
	assert_int_equal(test_value(m, 0, "current"), 1500);
	assert_int_equal(test_value(m, 1, "current"), 11000);
	json_decref(m);
	r = redisCommand(t.cmd, "XLEN %s", TEST_CHANNEL);
	assert_int_equal(r->integer, 2);
	freeReplyObject(r);
	store_free(s);
}

struct test_lease {
	bool	 called;
	int	 granted;
};

static void
test_lease_cb(int granted, void *arg)
{
	struct test_lease	*tl = arg;

	tl->called = true;
	tl->granted = granted;
}

static bool
test_lease_called(void *arg)
{
	return ((struct test_lease *)arg)->called;
}

static int
test_lease(struct store *s, const char *feed, long ttl)
{
	struct test_lease	 tl = { 0 };

	assert_int_equal(store_lease(s, feed, ttl, test_lease_cb, &tl), 0);
	assert_true(test_loop_until(test_lease_called, &tl, 5000));
	return tl.granted;
}

/* Two instances split a feed: the holder keeps it until it expires. */
static void
test_lease_split(void **state)
{
	struct store	*s1, *s2;
	static const struct {
		int	 who;
		long	 ttl;
		int	 want;
	} steps[] = {
		{ 1, 60000, 1 },	/* free: taken */
		{ 1, 200, 1 },		/* own lease: re-granted, ttl 200 */
		{ 2, 60000, 0 },	/* held by the other */
		{ 0, 0, 0 },		/* wait past the ttl */
		{ 2, 60000, 1 },
		{ 1, 60000, 0 },
	};
	size_t		 i;

	(void)state;
	s1 = test_store(false, 0);
	s2 = test_store(false, 0);
	assert_string_not_equal(store_instance_id(s1),
	    store_instance_id(s2));
	assert_int_equal(store_lease(s1, TEST_FEED_A, 0, test_lease_cb, NULL),
	    -1);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].who == 0) {
			usleep(400000);
			continue;
		}
		if (test_lease(steps[i].who == 1 ? s1 : s2, TEST_FEED_A,
		    steps[i].ttl) != steps[i].want)
			fail_msg("lease step %zu", i);
	}
	/* Another feed is independent. */
	assert_int_equal(test_lease(s1, TEST_FEED_B, 60000), 1);
	store_free(s1);
	store_free(s2);
}

/* A store with a spool, on url (a live or a dead port), prefix "cws:". */
static struct store *
test_spool_store(const char *path, int port, long queue_max)
{
	struct store_options	 o = {
		.prefix = "cws:",
		.channel = TEST_CHANNEL,
		.stream = "cws:alerts",
		.queue_max = queue_max,
		.spool_path = path,
	};
	struct store		*s;
	char			 url[64], err[256];

	snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", port);
	o.url = url;
	s = store_new(t.base, &o, NULL, NULL, err, sizeof(err));
	if (s == NULL)
		fail_msg("store_new: %s", err);
	return s;
}

static off_t
test_file_size(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

struct test_spool_claim {
	const char		*id;
	double			 value;
	enum claim_qualifier	 q;
	const char		*event;
	int64_t			 published;
};

/* Submits one item with one claim on north-korea/<event>/troops. */
static int
test_spool_submit(struct store *s, const struct test_spool_claim *sc,
    struct test_done *d)
{
	struct claim		 c;
	struct store_item	 it = {
		.id = sc->id, .hash = 7, .url = sc->id, .title = "judul",
		.lang = "id", .published = sc->published,
	};
	struct store_claim	 cl = { .claim = &c, .text = "kalimat" };
	struct store_batch	 b = {
		.feed_url = TEST_FEED_A, .items = &it, .nitems = 1,
		.claims = &cl, .nclaims = 1, .detected_at = 1767225600,
	};

	test_claim(&c, sc->value, sc->q, "north-korea", sc->event, "troops");
	return store_submit(s, &b, d != NULL ? test_done_cb : NULL, d);
}

/*
 * A batch Redis already ran (its reply lost), one that overflowed the
 * queue, and one submitted while the spool waited all land in the spool,
 * in order; a store on a live Redis replays them, the first without
 * effect, and truncates the file; the next finds nothing to do.
 */
static void
test_spool_replay_once(void **state)
{
	static const struct test_spool_claim claims[] = {
		{ "https://s.example/1", 100, CLAIM_APPROX, "killed",
		    TEST_DEC19 },
		{ "https://s.example/2", 3000, CLAIM_AT_LEAST, "killed",
		    TEST_JAN15 },
		{ "https://s.example/3", 14000, CLAIM_APPROX, "deployed",
		    TEST_JAN16 },
	};
	struct store		*s;
	struct test_done	 d[3] = { 0 };
	char			 path[128];
	json_t			*m;
	int			 dead;

	(void)state;
	snprintf(path, sizeof(path), "%s/spool", t.dir);
	unlink(path);
	test_subscribe();

	/* 1: the first batch is written and alerts. */
	s = test_spool_store(path, t.port, 0);
	assert_true(test_loop_until(test_is_connected, s, 5000));
	assert_int_equal(test_spool_submit(s, &claims[0], &d[0]), 0);
	assert_true(test_loop_until(test_is_called, &d[0], 5000));
	assert_int_equal(d[0].nalerts, 1);
	store_free(s);
	assert_int_equal(test_file_size(path), -1);

	/*
	 * 2: Redis away.  The same batch again (as if its reply had been
	 * lost) fills the queue of 1, the second overflows into the spool;
	 * store_free puts the queue ahead of it.  Spool callbacks come on
	 * the next turn, which never comes for this store.
	 */
	dead = test_free_port();
	memset(d, 0, sizeof(d));
	s = test_spool_store(path, dead, 1);
	assert_int_equal(test_spool_submit(s, &claims[0], &d[0]), 0);
	assert_int_equal(test_spool_submit(s, &claims[1], &d[1]), 0);
	assert_true(test_file_size(path) > 0);
	assert_int_equal(store_pending(s), 1);	/* the spool is not pending */
	store_free(s);
	assert_false(d[0].called || d[1].called);

	/* 3: the spool is not replayed yet, so a new batch joins it. */
	s = test_spool_store(path, dead, 1);
	assert_int_equal(test_spool_submit(s, &claims[2], &d[2]), 0);
	assert_false(d[2].called);
	assert_true(test_loop_until(test_is_called, &d[2], 5000));
	assert_int_equal(d[2].nalerts, 0);
	assert_false(store_is_connected(s));
	store_free(s);

	m = test_messages();
	assert_int_equal(json_array_size(m), 1);
	assert_int_equal(test_value(m, 0, "current"), 100);
	json_decref(m);

	/* 4: replay in order; the first batch is a no-op. */
	s = test_spool_store(path, t.port, 0);
	assert_true(test_loop_until(test_is_connected, s, 5000));
	assert_true(test_loop_until(test_is_idle, s, 10000));
	assert_int_equal(test_file_size(path), 0);
	m = test_messages();
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(test_type(m, 0), "changed");
	assert_int_equal(test_value(m, 0, "previous"), 100);
	assert_int_equal(test_value(m, 0, "current"), 3000);
	assert_string_equal(test_type(m, 1), "new");
	assert_int_equal(test_value(m, 1, "current"), 14000);
	json_decref(m);
	assert_int_equal(test_int("XLEN cws:alerts"), 3);
	store_free(s);

	/* 5: nothing left to replay. */
	s = test_spool_store(path, t.port, 0);
	assert_true(test_loop_until(test_is_connected, s, 5000));
	assert_true(test_loop_until(test_is_idle, s, 5000));
	store_free(s);
	m = test_messages();
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
	assert_int_equal(test_int("XLEN cws:alerts"), 3);
	unlink(path);
	snprintf(path, sizeof(path), "%s/spool.lock", t.dir);
	unlink(path);
}

/* fmt with its %d replaced by a then b, and %% by %. */
static void
test_lua_line(char *buf, size_t len, const char *fmt, int a, int b)
{
	struct util_buf	 out = { 0 };
	int		 n = 0;

	for (; *fmt != '\0'; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 'd') {
			util_buf_printf(&out, "%d", n++ == 0 ? a : b);
			fmt++;
		} else if (fmt[0] == '%' && fmt[1] == '%') {
			util_buf_append(&out, "%", 1);
			fmt++;
		} else
			util_buf_append(&out, fmt, 1);
	}
	util_strlcpy(buf, out.data, len);
	util_buf_free(&out);
}

/*
 * The batch script names the call's layout with the numbers of
 * store_int.h (its text must stay plain literals: test_cluster.sh runs
 * it from the source), so every line that uses one is checked here.
 */
static void
test_lua_layout(void **state)
{
	static const struct {
		const char	*fmt;
		int		 a, b;
	} lines[] = {
		{ "local now = tonumber(A[%d])\n", STORE_ARGV_NOW, 0 },
		{ "local iso = A[%d]\n", STORE_ARGV_ISO, 0 },
		{ "local chan = A[%d]\n", STORE_ARGV_CHANNEL, 0 },
		{ "local maxlen = A[%d]\n", STORE_ARGV_MAXLEN, 0 },
		{ "local dmax = tonumber(A[%d])\n", STORE_ARGV_DONE_MAX, 0 },
		{ "local hmax = tonumber(A[%d])\n", STORE_ARGV_HIST_MAX, 0 },
		{ "local corr = A[%d] == '1'\n", STORE_ARGV_CORR, 0 },
		{ "local tail = A[%d]\n", STORE_ARGV_TAIL, 0 },
		{ "local ns = tonumber(A[%d])\n", STORE_ARGV_NSTATE, 0 },
		{ "local ni = tonumber(A[%d])\n", STORE_ARGV_NITEMS, 0 },
		{ "local nc = tonumber(A[%d])\n", STORE_ARGV_NCLAIMS, 0 },
		{ "local NH = %d\n", STORE_BATCH_NHEAD, 0 },
		{ "local NCA = %d\n", STORE_CLAIM_NARGS, 0 },
		{ "local NCK = %d\n", STORE_CLAIM_NKEYS, 0 },
		{ "local C_VALUE = %d\n", STORE_CLAIM_VALUE, 0 },
		{ "local C_MAX = %d\n", STORE_CLAIM_MAX, 0 },
		{ "local C_LO = %d\n", STORE_CLAIM_LO, 0 },
		{ "local C_HI = %d\n", STORE_CLAIM_HI, 0 },
		{ "local C_VAGUE = %d\n", STORE_CLAIM_VAGUE, 0 },
		{ "local C_PUB = %d\n", STORE_CLAIM_PUB, 0 },
		{ "local C_FIG = %d\n", STORE_CLAIM_FIGURE, 0 },
		{ "local C_CUR = %d\n", STORE_CLAIM_CURRENT, 0 },
		{ "local C_NAMES = %d\n", STORE_CLAIM_NAMES, 0 },
		{ "local C_LABEL = %d\n", STORE_CLAIM_LABEL, 0 },
		{ "local C_TA = %d\n", STORE_CLAIM_TOL_ABS, 0 },
		{ "local C_TR = %d\n", STORE_CLAIM_TOL_REL, 0 },
		{ "local C_MODE = %d\n", STORE_CLAIM_MODE, 0 },
		{ "local C_SRC = %d\n", STORE_CLAIM_SOURCE, 0 },
		{ "local C_ITEM = %d\n", STORE_CLAIM_ITEM, 0 },
		{ "  local d = NCA - %d\n", STORE_V1_CLAIM_NARGS, 0 },
		{ "  NH, NCA = %d, %d\n", STORE_V1_BATCH_NHEAD,
		    STORE_V1_CLAIM_NARGS },
		{ "  C_ALERT = %d\n", STORE_V1_CLAIM_ALERT, 0 },
		{ "if A[%d] == '1' then\n", STORE_ARGV_FEEDKEYS, 0 },
		{ "  fk = 1; k = %d + 1\n", STORE_FEED_NKEYS, 0 },
		{ "if A[%d] == '1' then\n", STORE_ARGV_STREAMKEY, 0 },
		{ "      'updated', A[%d], 'src1', A[a + C_SRC], 'hn', "
		    "hn,\n", STORE_ARGV_NOW, 0 },
		{ "  local smax = tonumber(A[%d])\n", STORE_ARGV_SEEN_MAX, 0 },
	};
	char	 line[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		test_lua_line(line, sizeof(line), lines[i].fmt, lines[i].a,
		    lines[i].b);
		if (strstr(store_lua_batch, line) == NULL)
			fail_msg("store_lua_batch lacks: %s", line);
	}
}

/*
 * A spool an older daemon wrote (the batch call with the whole "new"
 * alert per claim, no feed tail) is replayed after an upgrade: the claim
 * is stored and the alert published is the one that daemon built.
 */
static void
test_spool_v1_upgrade(void **state)
{
	struct claim		 c;
	struct alert_source	 src = { .url = "https://v1.example/1",
	    .title = "judul", .text = "Sekitar 5.000 tentara", .lang = "id",
	    .published = TEST_JAN15 };
	struct util_buf		 buf = { 0 };
	const char		*argv[40];
	char			 tag[64], keys[8][192], *al, *fig, tok[128];
	size_t			 off[40], len[40];
	struct store		*s;
	json_t			*m, *want;
	int			 fd, n = 0, i;
	char			 path[128];

	(void)state;
	test_claim(&c, 5000, CLAIM_EXACT, "north-korea", "wounded", "troops");
	util_strlcpy(c.scope, "kp", sizeof(c.scope));
	al = alert_new_json(&c, &src, NULL, 1767225600);
	src.text = NULL;
	fig = alert_figure_json(&c, &src);
	snprintf(tag, sizeof(tag), "{cws:f:%016llx}", (unsigned long long)
	    util_hash64(TEST_FEED_A, strlen(TEST_FEED_A), UTIL_HASH_SEED));
	snprintf(keys[0], sizeof(keys[0]), "%s:state", tag);
	snprintf(keys[1], sizeof(keys[1]), "%s:seen", tag);
	snprintf(keys[2], sizeof(keys[2]), "%s:seenz", tag);
	snprintf(keys[3], sizeof(keys[3]), "cws:alerts");
	snprintf(keys[4], sizeof(keys[4]), "{cws:k:%s}:cur", c.key);
	snprintf(keys[5], sizeof(keys[5]), "{cws:k:%s}:hist", c.key);
	snprintf(keys[6], sizeof(keys[6]), "{cws:k:%s}:done", c.key);
	snprintf(keys[7], sizeof(keys[7]), "{cws:k:%s}:src", c.key);
	snprintf(tok, sizeof(tok), "%s\037%016x\0370", src.url, 9);
	argv[n++] = "8";
	for (i = 0; i < 8; i++)
		argv[n++] = keys[i];
	{
		const char *head[] = { "1767225600", "2026-01-01T00:00:00Z",
		    TEST_CHANNEL, "1000", "20000", "1000", "0", "10000",
		    "0", "1", "1", "1", "1", src.url, "0000000000000009",
		    tok, "5000", "", "5000", "5000", "0", "1736899200", fig,
		    al, "0", "0", "1", src.url, "1" };

		for (i = 0; i < (int)(sizeof(head) / sizeof(head[0])); i++)
			argv[n++] = head[i];
	}
	for (i = 0; i < n; i++) {
		off[i] = buf.len;
		len[i] = strlen(argv[i]);
		util_buf_append(&buf, argv[i], len[i] + 1);
	}
	snprintf(path, sizeof(path), "%s/spool.v1", t.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	assert_true(fd != -1);
	assert_int_equal(store_spool_write(fd, TEST_FEED_A, n, off, len,
	    buf.data), 0);
	close(fd);
	util_buf_free(&buf);

	test_subscribe();
	s = test_spool_store(path, t.port, 0);
	assert_true(test_loop_until(test_is_connected, s, 5000));
	assert_true(test_loop_until(test_is_idle, s, 10000));
	assert_int_equal(test_file_size(path), 0);
	store_free(s);
	m = test_messages();
	assert_int_equal(json_array_size(m), 1);
	want = json_loads(al, 0, NULL);
	assert_true(json_equal(json_array_get(m, 0), want));
	json_decref(want);
	json_decref(m);
	assert_int_equal(test_int("HEXISTS {cws:k:%s}:cur figure", c.key), 1);
	free(al);
	free(fig);
	unlink(path);
	snprintf(path, sizeof(path), "%s/spool.v1.lock", t.dir);
	unlink(path);
}

/*
 * The child: Redis away, queue of 2, spool capped by RLIMIT_FSIZE.  It
 * submits until a batch is refused and returns the number of batches
 * that went to the spool (or 100+ on a broken expectation), which the
 * parent reads from a pipe: an exit status may be a checker's own.
 */
static int
test_spool_full_child(const char *path, const char *logpath)
{
	struct test_spool_claim	 sc = { NULL, 0, CLAIM_EXACT, "missing",
	    TEST_DEC19 };
	struct rlimit		 rl = { 16384, 16384 };
	struct store		*s;
	struct test_done	 d = { 0 };
	char			 id[64];
	int			 fd, i, accepted = 0;
	size_t			 queued;

	/* The parent's connections are the parent's. */
	redisFree(t.cmd);
	redisFree(t.sub);
	t.cmd = t.sub = NULL;
	if ((fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return 101;
	dup2(fd, 2);
	signal(SIGXFSZ, SIG_IGN);	/* write(2) fails with EFBIG */
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return 102;
	s = test_spool_store(path, test_free_port(), 2);
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "https://full.example/%d", i);
		sc.id = id;
		sc.value = 1000 + i;
		sc.published = TEST_DEC19 + i;
		if (test_spool_submit(s, &sc, &d) == -1)
			break;
		accepted++;
		event_base_loop(t.base, EVLOOP_NONBLOCK);
	}
	if (i == 1000 || accepted < 3)
		return 103;
	/* The two in memory cannot be added to a full disk either. */
	event_base_loop(t.base, EVLOOP_NONBLOCK);
	queued = store_pending(s);
	store_free(s);
	return queued == 2 ? accepted - 2 : 104;
}

/*
 * A spool on a full disk: the error is logged once with the path and
 * errno text, nothing crashes, and what did reach the file replays whole,
 * each batch alerting once.
 */
static void
test_spool_disk_full(void **state)
{
	char		 path[128], logpath[128], *log = NULL;
	size_t		 loglen;
	struct store	*s;
	json_t		*m;
	pid_t		 pid;
	int		 status, nspooled, fds[2];
	char		 err[128];
	const char	*p;

	(void)state;
	snprintf(path, sizeof(path), "%s/spool.full", t.dir);
	snprintf(logpath, sizeof(logpath), "%s/full.log", t.dir);
	unlink(path);
	test_subscribe();
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		nspooled = test_spool_full_child(path, logpath);
		if (write(fds[1], &nspooled, sizeof(nspooled)) !=
		    sizeof(nspooled))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &nspooled, sizeof(nspooled)),
	    sizeof(nspooled));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (nspooled >= 100)
		fail_msg("child failed with %d", nspooled);
	assert_true(nspooled > 0);
	assert_true(test_file_size(path) <= 16384);

	assert_int_equal(util_read_file(logpath, 1 << 20, &log, &loglen, err,
	    sizeof(err)), 0);
	p = strstr(log, "spool: cannot write");
	assert_non_null(p);
	assert_non_null(strstr(p, path));
	assert_non_null(strstr(p, "File too large"));
	assert_null(strstr(p + 1, "spool: cannot write"));
	free(log);

	s = test_spool_store(path, t.port, 0);
	assert_true(test_loop_until(test_is_connected, s, 5000));
	assert_true(test_loop_until(test_is_idle, s, 10000));
	store_free(s);
	m = test_messages();
	assert_int_equal((int)json_array_size(m), nspooled);
	json_decref(m);
	assert_int_equal(test_file_size(path), 0);
	unlink(path);
	unlink(logpath);
	snprintf(path, sizeof(path), "%s/spool.full.lock", t.dir);
	unlink(path);
}

/*
 * Without Redis the items check still answers, from the queue: what a
 * queued batch holds is seen (or changed), the rest new, and the answer
 * comes on the next turn, never from inside the call.
 */
static void
test_items_offline(void **state)
{
	struct store		*s;
	struct store_item	 it[3] = {
		{ .id = "off1", .hash = 1, .published = INT64_MIN },
		{ .id = "off2", .hash = 2, .published = INT64_MIN },
		{ .id = "off3", .hash = 3, .published = INT64_MIN },
	};
	struct store_batch	 b = {
		.feed_url = "https://off.example/rss", .items = it,
		.nitems = 2, .detected_at = 1767225600,
	};
	struct test_items	 ti = { 0 };

	(void)state;
	s = test_spool_store(NULL, test_free_port(), 0);
	assert_int_equal(store_submit(s, &b, NULL, NULL), 0);
	it[1].hash = 20;
	assert_int_equal(store_items_check(s, b.feed_url, it, 3,
	    test_items_cb, &ti), 0);
	assert_false(ti.called);
	assert_true(test_loop_until(test_items_called, &ti, 5000));
	assert_int_equal(ti.error, 0);
	assert_int_equal(ti.st[0], STORE_ITEM_SEEN);
	assert_int_equal(ti.st[1], STORE_ITEM_CHANGED);
	assert_int_equal(ti.st[2], STORE_ITEM_NEW);
	/* Another feed's queue says nothing about this one. */
	memset(&ti, 0, sizeof(ti));
	assert_int_equal(store_items_check(s, "https://other.example/rss",
	    it, 3, test_items_cb, &ti), 0);
	assert_true(test_loop_until(test_items_called, &ti, 5000));
	assert_int_equal(ti.st[0], STORE_ITEM_NEW);
	store_free(s);
}

static const struct test_spool_claim test_spool_lock_claim[] = {
	{ "https://l.example/1", 5, CLAIM_EXACT, "captured", TEST_DEC19 },
	{ "https://l.example/2", 50, CLAIM_EXACT, "captured", TEST_JAN15 },
	{ "https://l.example/3", 500, CLAIM_EXACT, "captured", TEST_JAN16 },
};

/*
 * Two stores on one spool: the second runs without one (logged), so a
 * full queue refuses its batch instead of racing the first's file.
 */
static void
test_spool_locked(void **state)
{
	struct store	*s1, *s2;
	char		 path[128], lock[160];
	int		 dead = test_free_port();

	(void)state;
	snprintf(path, sizeof(path), "%s/spool.two", t.dir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	s1 = test_spool_store(path, dead, 1);
	s2 = test_spool_store(path, dead, 1);
	assert_int_equal(test_spool_submit(s1, &test_spool_lock_claim[0],
	    NULL), 0);
	assert_int_equal(test_spool_submit(s1, &test_spool_lock_claim[1],
	    NULL), 0);
	assert_int_equal(test_spool_submit(s2, &test_spool_lock_claim[0],
	    NULL), 0);
	assert_int_equal(test_spool_submit(s2, &test_spool_lock_claim[1],
	    NULL), -1);
	assert_true(test_file_size(path) > 0);
	store_free(s2);
	store_free(s1);
	/* Freed, the lock is free again. */
	s2 = test_spool_store(path, dead, 1);
	assert_int_equal(test_spool_submit(s2, &test_spool_lock_claim[2],
	    NULL), 0);
	store_free(s2);
	unlink(path);
	unlink(lock);
}

static void
test_bad_options(void **state)
{
	static const char *const bad[] = {
		"http://127.0.0.1:6379", "redis://127.0.0.1:0",
		"redis://127.0.0.1:6379/x", "redis://:pw@127.0.0.1",
		"unix://relative", "redis://",
	};
	struct store_options	 o = { 0 };
	char			 err[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.url = bad[i];
		err[0] = '\0';
		if (store_new(t.base, &o, NULL, NULL, err, sizeof(err)) !=
		    NULL)
			fail_msg("%s accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
	store_free(NULL);
}

static int
test_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_LEVEL_WARNING, true);
	snprintf(t.dir, sizeof(t.dir), "/tmp/cwstore.XXXXXX");
	if (mkdtemp(t.dir) == NULL || (t.port = test_free_port()) < 0)
		return -1;
	t.base = event_base_new();
	return test_redis_start();
}

static int
test_teardown(void **state)
{
	(void)state;
	test_redis_stop();
	event_base_free(t.base);
	rmdir(t.dir);
	return 0;
}

/*
 * Only headline figures move a key: a sub-count goes to history, and so
 * do items published longer than max_age before the batch (a feed's
 * archive is quiet); a corroboration says how many sources it has.
 */
static void
test_roles_and_max_age(void **state)
{
	struct store_options	 o = {
		.prefix = "cwt:", .channel = TEST_CHANNEL,
		.stream = TEST_CHANNEL, .stream_maxlen = 1000,
		.corroborated = true, .max_age = 2 * 86400,
	};
	const int64_t		 now = 1767225600;	/* test_submit's */
	struct store		*s;
	struct claim		 c;
	json_t			*m;
	char			 url[64], err[256];

	(void)state;
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", t.port);
	o.url = url;
	assert_non_null(s = store_new(t.base, &o, NULL, NULL, err,
	    sizeof(err)));
	assert_true(test_loop_until(test_is_connected, s, 5000));
	test_subscribe();

	/* A year-old archive item: history, no figure, no alert. */
	test_claim(&c, 40, CLAIM_EXACT, "demak.flood", "killed", "people");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://r.example/1",
	    1, now - 365 * 86400, &c), 0);
	assert_int_equal(test_int("EXISTS {cwt:k:demak.flood/killed/people}:"
	    "cur"), 0);
	/* Today's headline: new. */
	c.value = 40;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://r.example/0",
	    5, now - 7200, &c), 1);
	/* A sub-count of today's report: history, the figure stays. */
	c.value = 7;
	c.role = CLAIM_ROLE_SUBCOUNT;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://r.example/2",
	    2, now - 3600, &c), 0);
	assert_int_equal(test_int("HGET {cwt:k:demak.flood/killed/people}:cur"
	    " value"), 40);
	assert_int_equal(test_int("ZCARD {cwt:k:demak.flood/killed/people}:"
	    "hist"), 3);
	/* The next headline: changed. */
	c.value = 52;
	c.role = CLAIM_ROLE_HEADLINE;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://r.example/3",
	    3, now - 3600, &c), 1);
	/* The same figure from another source: corroborated, 2 sources. */
	assert_int_equal(test_submit(s, TEST_FEED_B, "https://r.example/4",
	    4, now - 1800, &c), 1);
	m = test_messages();
	assert_int_equal(json_array_size(m), 3);
	assert_string_equal(test_type(m, 0), "new");
	json_array_remove(m, 0);
	assert_string_equal(test_type(m, 0), "changed");
	assert_int_equal(test_value(m, 0, "previous"), 40);
	assert_int_equal(test_value(m, 0, "current"), 52);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m,
	    0), "sources")), 1);
	assert_string_equal(test_type(m, 1), "corroborated");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(m,
	    1), "sources")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(m, 1), "story"), "id")), "demak.flood");
	json_decref(m);
	/* A place's story quiet for more than 90 days is over: new again. */
	c.value = 3;
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://r.example/5",
	    6, now + 100 * 86400, &c), 1);
	m = test_messages();
	assert_string_equal(test_type(m, 0), "new");
	json_decref(m);
	store_free(s);
}

/*
 * Keys of the format before stories (unit "troops") are migrated when a
 * store connects: the figure they hold is the previous of the next change,
 * and one that exists on both keys is merged, the later figure winning.
 */
static void
test_migrate_old_keys(void **state)
{
	struct store	*s;
	struct claim	 c;
	json_t		*m;
	static const char fig[] = "{\"value\":1000,\"qualifier\":\"exact\","
	    "\"max\":null,\"modality\":\"actual\",\"published\":"
	    "\"2024-12-19T00:00:00Z\",\"url\":\"https://old.example/1\","
	    "\"title\":\"lama\",\"lang\":\"id\"}";

	(void)state;
	freeReplyObject(redisCommand(t.cmd, "DEL cwt:schema"));
	freeReplyObject(redisCommand(t.cmd, "HSET {cwt:k:north-korea/wounded/"
	    "troops}:cur value 1000 max \"\" lo 1000 hi 1000 vague 0 "
	    "published %lld figure %s sources 1 src1 https://old.example/1",
	    (long long)TEST_DEC19, fig));
	freeReplyObject(redisCommand(t.cmd, "ZADD {cwt:k:north-korea/wounded/"
	    "troops}:hist %lld %s", (long long)TEST_DEC19, fig));
	/* An older figure already on the new key loses to it. */
	freeReplyObject(redisCommand(t.cmd, "HSET {cwt:k:north-korea/wounded/"
	    "people}:cur value 10 lo 10 hi 10 vague 0 published 1 figure {} "
	    "sources 1"));
	s = test_store(true, 0);
	assert_int_equal(test_int("EXISTS {cwt:k:north-korea/wounded/troops}:"
	    "cur"), 0);
	assert_int_equal(test_int("HGET {cwt:k:north-korea/wounded/people}:cur"
	    " value"), 1000);
	assert_int_equal(test_int("GET cwt:schema"), 2);
	test_subscribe();
	test_claim(&c, 3000, CLAIM_EXACT, "north-korea", "wounded", "troops");
	assert_int_equal(test_submit(s, TEST_FEED_A, "https://new.example/1",
	    1, TEST_JAN15, &c), 1);
	m = test_messages();
	assert_int_equal(json_array_size(m), 1);
	assert_string_equal(test_type(m, 0), "changed");
	assert_int_equal(test_value(m, 0, "previous"), 1000);
	assert_int_equal(test_value(m, 0, "current"), 3000);
	json_decref(m);
	store_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_lua_layout),
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_change_rules),
		cmocka_unit_test(test_roles_and_max_age),
		cmocka_unit_test(test_migrate_old_keys),
		cmocka_unit_test(test_three_daemons_exactly_once),
		cmocka_unit_test(test_items_and_state),
		cmocka_unit_test(test_noscript_reload),
		cmocka_unit_test(test_reconnect_replays_once),
		cmocka_unit_test(test_lease_split),
		cmocka_unit_test(test_spool_replay_once),
		cmocka_unit_test(test_spool_v1_upgrade),
		cmocka_unit_test(test_spool_disk_full),
		cmocka_unit_test(test_items_offline),
		cmocka_unit_test(test_spool_locked),
	};

	return cmocka_run_group_tests_name("store", tests, test_setup,
	    test_teardown);
}
