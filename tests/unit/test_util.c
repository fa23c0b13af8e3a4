/* Unit tests for util: bounded copies, the buffer, hashing, dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void
test_strlcpy_truncates(void **state)
{
	char	 buf[4];

	(void)state;
	assert_int_equal(util_strlcpy(buf, "abcdef", sizeof(buf)), 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(util_strlcpy(buf, "ab", sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
}

static void
test_buf_grows_and_terminates(void **state)
{
	struct util_buf	 b = { 0 };
	int		 i;

	(void)state;
	for (i = 0; i < 1000; i++)
		util_buf_append(&b, "xy", 2);
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.data[2000], '\0');
	util_buf_reset(&b);
	util_buf_printf(&b, "%d-%s", 42, "z");
	assert_string_equal(b.data, "42-z");
	util_buf_free(&b);
	assert_null(b.data);
}

static void
test_hash_known_value(void **state)
{
	(void)state;
	/* FNV-1a 64 of "a" is a published test vector. */
	assert_true(util_hash64("a", 1, UTIL_HASH_SEED) ==
	    0xaf63dc4c8601ec8cULL);
	assert_true(util_hash64("", 0, UTIL_HASH_SEED) == UTIL_HASH_SEED);
	/* "foobar" is another; the byte step and the case-folding form
	 * are the same hash. */
	assert_true(util_hash64("foobar", 6, UTIL_HASH_SEED) ==
	    0x85944171f73967e8ULL);
	assert_true(util_hash64_lower("FooBAR", 6, UTIL_HASH_SEED) ==
	    0x85944171f73967e8ULL);
	assert_true(util_fnv1a_step(util_hash64("fooba", 5, UTIL_HASH_SEED),
	    'r') == 0x85944171f73967e8ULL);
	assert_true(util_hash64_lower("a-Z\xc3\x89", 5, UTIL_HASH_SEED) ==
	    util_hash64("a-z\xc3\x89", 5, UTIL_HASH_SEED));
}

static void
test_iso8601(void **state)
{
	char	 buf[32];

	(void)state;
	util_iso8601(1734566400, buf, sizeof(buf));
	assert_string_equal(buf, "2024-12-19T00:00:00Z");
}

static void
test_read_file_missing_names_path(void **state)
{
	char	 err[256], *data;
	size_t	 len;

	(void)state;
	assert_int_equal(util_read_file("/nonexistent/x", 10, &data, &len,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x"));
}

static void
test_url_origin(void **state)
{
	static const struct {
		const char	*url;
		const char	*want;
	} t[] = {
		{ "https://hooks.example/T/B/tok", "https://hooks.example/***" },
		{ "https://u:p@h:8080?tok=1", "https://***@h:8080/***" },
		{ "http://h.example", "http://h.example" },
		{ "not a url", "***" },
	};
	char	 buf[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(util_url_origin(t[i].url, buf, sizeof(buf)),
		    t[i].want);
	/* Cut to fit, never past the buffer. */
	util_url_origin("https://h.example/secret", buf, 12);
	assert_string_equal(buf, "https://h.e");
}

/* One Redis URL parser for the config check and the connect. */
static void
test_redis_url(void **state)
{
	struct util_redis_addr	 a;
	char			 err[256];
	static const char *const bad[] = {
		"http://127.0.0.1", "redis://", "redis://host:0",
		"redis://host:70000", "redis://host/x", "redis://a b",
		"redis://u:p@host", "rediss://host", "unix://rel/path",
		"redis://[zz]:1", NULL
	};
	size_t			 i;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(util_redis_url("REDIS://LocalHost:6380/2", &a, err,
	    sizeof(err)), 0);
	assert_string_equal(a.host, "LocalHost");
	assert_int_equal(a.port, 6380);
	assert_int_equal(a.db, 2);
	assert_null(a.path);
	free(a.host);
	memset(&a, 0, sizeof(a));
	assert_int_equal(util_redis_url("redis://[::1]", &a, err,
	    sizeof(err)), 0);
	assert_string_equal(a.host, "::1");
	assert_int_equal(a.port, 6379);
	free(a.host);
	memset(&a, 0, sizeof(a));
	assert_int_equal(util_redis_url("Unix:///run/redis.sock", &a, err,
	    sizeof(err)), 0);
	assert_string_equal(a.path, "/run/redis.sock");
	assert_null(a.host);
	free(a.path);
	for (i = 0; bad[i] != NULL; i++) {
		err[0] = '\0';
		if (util_redis_url(bad[i], NULL, err, sizeof(err)) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_true(err[0] != '\0');
	}
}

/* Credentials never reach a log line. */
static void
test_url_redact(void **state)
{
	char	 buf[128];

	(void)state;
	assert_string_equal(util_url_redact("https://u:pw@h.test/f", buf,
	    sizeof(buf)), "https://***@h.test/f");
	assert_string_equal(util_url_redact("https://h.test/a@b", buf,
	    sizeof(buf)), "https://h.test/a@b");
	/* An '@' in the query is no userinfo: splicing at it cut the URL. */
	assert_string_equal(util_url_redact("https://h.test?to=a@b", buf,
	    sizeof(buf)), "https://h.test?to=a@b");
	assert_string_equal(util_url_redact("https://h.test#a@b", buf,
	    sizeof(buf)), "https://h.test#a@b");
	/* A user alone, and options after ';', are hidden too. */
	assert_string_equal(util_url_redact("http://bob@h.test:8080/f?q=1",
	    buf, sizeof(buf)), "http://***@h.test:8080/f?q=1");
	assert_string_equal(util_url_redact("https://u:p%40ss;auth=x@h.test/"
	    "f", buf, sizeof(buf)), "https://***@h.test/f");
	assert_null(strstr(util_url_redact("https://u:se/cret@h.test/f", buf,
	    sizeof(buf)), "cret"));
}

/* The markup pre-scan counts what libxml2 would: not quoted '>', not
   script text, not comments. */
static void
test_markup_check(void **state)
{
	struct util_buf	 b = { 0 };
	char		 err[160];
	int		 i;

	(void)state;
	util_buf_printf(&b, "<p");
	for (i = 0; i < 5; i++)
		util_buf_printf(&b, " a%d='x>y' b%d c%d=u/v", i, i, i);
	util_buf_printf(&b, "><script>if (a<b c d e f g) x = 1;</script>"
	    "<!-- <q a b c d e f g h> --><![CDATA[<q a b c d e>]]></p>");
	assert_int_equal(util_markup_check(b.data, b.len, 15, 100, err,
	    sizeof(err)), 0);
	assert_int_equal(util_markup_check(b.data, b.len, 14, 100, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "more than 14 attributes on element <p> at "
	    "byte 0");
	/* p, 15 attributes, script, comment, CDATA: 19 in all. */
	assert_int_equal(util_markup_check(b.data, b.len, 15, 19, err,
	    sizeof(err)), 0);
	assert_int_equal(util_markup_check(b.data, b.len, 15, 18, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "more than 18 elements and attributes");
	/* A bare '<' in text and an unterminated quote end cleanly. */
	assert_int_equal(util_markup_check("a < b <p x=\"", 12, 1, 10, err,
	    sizeof(err)), 0);
	util_buf_free(&b);
}

/*
 * The one UTF-8 decoder: a table of sequences with the length and code
 * point it must give, 0 for every kind of invalid input.
 */
static void
test_utf8_decode(void **state)
{
	static const struct {
		const char	*in;
		size_t		 n;
		size_t		 len;
		uint32_t	 cp;
	} t[] = {
		{ "A", 1, 1, 0x41 },
		{ "\x7f", 1, 1, 0x7f },
		{ "\xc2\x80", 2, 2, 0x80 },
		{ "\xc3\xa9x", 3, 2, 0xe9 },
		{ "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "\xe2\x80\x94", 3, 3, 0x2014 },
		{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		/* Nothing to decode. */
		{ "", 0, 0, 0 },
		/* Stray continuation bytes and bytes that never start one. */
		{ "\x80", 1, 0, 0 },
		{ "\xbf", 1, 0, 0 },
		{ "\xf5\x80\x80\x80", 4, 0, 0 },
		{ "\xff", 1, 0, 0 },
		/* Overlong forms: "/" in two, three and four bytes. */
		{ "\xc0\xaf", 2, 0, 0 },
		{ "\xc1\xbf", 2, 0, 0 },
		{ "\xe0\x80\xaf", 3, 0, 0 },
		{ "\xe0\x9f\xbf", 3, 0, 0 },
		{ "\xf0\x80\x80\xaf", 4, 0, 0 },
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },
		/* UTF-16 surrogates. */
		{ "\xed\xa0\x80", 3, 0, 0 },
		{ "\xed\xbf\xbf", 3, 0, 0 },
		/* Past U+10FFFF. */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },
		/* Truncated: by n, and by a byte that does not continue. */
		{ "\xc3\xa9", 1, 0, 0 },
		{ "\xe2\x80\x94", 2, 0, 0 },
		{ "\xf0\x90\x80\x80", 3, 0, 0 },
		{ "\xe2\x80x", 3, 0, 0 },
		{ "\xf0\x90 \x80", 4, 0, 0 },
	};
	uint32_t	 cp;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cp = 0xdeadbeef;
		assert_int_equal(util_utf8_decode(t[i].in, t[i].n, &cp),
		    t[i].len);
		assert_int_equal(cp, t[i].len > 0 ? t[i].cp : 0xdeadbeef);
	}
}

/* A cap never leaves half a character behind. */
static void
test_utf8_cut(void **state)
{
	const char	*s = "ab\xc3\xa9\xe2\x80\x94";	/* a b é — */

	(void)state;
	assert_int_equal(util_utf8_cut(s, 7, 100), 7);
	assert_int_equal(util_utf8_cut(s, 7, 7), 7);
	assert_int_equal(util_utf8_cut(s, 7, 6), 4);
	assert_int_equal(util_utf8_cut(s, 7, 5), 4);
	assert_int_equal(util_utf8_cut(s, 7, 4), 4);
	assert_int_equal(util_utf8_cut(s, 7, 3), 2);
	assert_int_equal(util_utf8_cut(s, 7, 2), 2);
	assert_int_equal(util_utf8_cut(s, 7, 0), 0);
}

static void
test_redis_cluster_nodes(void **state)
{
	(void)state;
	assert_string_equal(util_redis_cluster_nodes(
	    "redis+cluster://a:1,b:2"), "a:1,b:2");
	assert_string_equal(util_redis_cluster_nodes("REDIS+CLUSTER://a:1"),
	    "a:1");
	assert_null(util_redis_cluster_nodes("redis://a:1"));
	assert_null(util_redis_cluster_nodes("redis+cluster:/a:1"));
	assert_null(util_redis_cluster_nodes(NULL));
}

/* Terminal escapes, C1 controls and bidi overrides never pass raw. */
static void
test_buf_escape(void **state)
{
	struct util_buf	 b = { 0 };
	const char	*in = "a\x1b]0;pwned\x07 \xe2\x80\xae" "evil \xc2\x9b"
	    "2J \\ caf\xc3\xa9 \xe2\x80\x94";

	(void)state;
	util_buf_escape(&b, in, strlen(in));
	assert_string_equal(b.data, "a\\x1b]0;pwned\\x07 \\u202eevil "
	    "\\u009b2J \\\\ caf\xc3\xa9 \xe2\x80\x94");
	util_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strlcpy_truncates),
		cmocka_unit_test(test_buf_grows_and_terminates),
		cmocka_unit_test(test_hash_known_value),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_markup_check),
		cmocka_unit_test(test_buf_escape),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_read_file_missing_names_path),
		cmocka_unit_test(test_redis_url),
		cmocka_unit_test(test_redis_cluster_nodes),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_url_origin),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
