/*
 * Unit tests for alert: golden JSON for each builder, every alert parsed
 * back with jansson and checked against tests/data/alert/alert-v2.schema.json
 * (a small validator for the keywords that schema uses), number and UTF-8
 * rules, and the splice the store's script does on a "new" alert.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fixture_claim.h"
#include "alert.h"
#include "claim.h"
#include "util.h"

#define TEST_SCHEMA	"tests/data/alert/alert-v2.schema.json"
#define TEST_DIR	"tests/data/alert/"

static json_t	*test_schema;

/* A feed named by its list: the title and a folder are hostile text. */
static char test_cat0[] = "World", test_cat1[] = "Asia \"&\" <Pacific>\n";
static char *test_cats[] = { test_cat0, test_cat1 };
static const struct alert_feed test_feed = {
	"https://news.example/rss", "Kursk \"front\"\t</script>", test_cats, 2
};
static const struct alert_feed test_feed_u = { "u", NULL, NULL, 0 };

static bool
test_type_is(const json_t *v, const char *t)
{
	if (strcmp(t, "null") == 0)
		return json_is_null(v);
	if (strcmp(t, "string") == 0)
		return json_is_string(v);
	if (strcmp(t, "integer") == 0)
		return json_is_integer(v);
	if (strcmp(t, "number") == 0)
		return json_is_number(v);
	if (strcmp(t, "object") == 0)
		return json_is_object(v);
	if (strcmp(t, "array") == 0)
		return json_is_array(v);
	if (strcmp(t, "boolean") == 0)
		return json_is_boolean(v);
	fail_msg("schema type %s unknown to the test", t);
	return false;
}

/* Validates v against schema node s; path names the member on failure. */
static void
test_validate(const json_t *v, const json_t *s, const char *path)
{
	const json_t	*t, *x, *props;
	const char	*k, *ref;
	size_t		 i;
	bool		 ok;

	/* The schema's anyOf is "null, or a $ref'd figure". */
	if ((t = json_object_get(s, "anyOf")) != NULL) {
		json_array_foreach(t, i, x) {
			if (json_is_null(v) && (k = json_string_value(
			    json_object_get(x, "type"))) != NULL &&
			    strcmp(k, "null") == 0)
				return;
			if (!json_is_null(v) && json_object_get(x, "$ref") !=
			    NULL) {
				test_validate(v, x, path);
				return;
			}
		}
		fail_msg("%s: matches no anyOf branch", path);
	}
	if ((t = json_object_get(s, "type")) != NULL) {
		ok = false;
		if (json_is_string(t))
			ok = test_type_is(v, json_string_value(t));
		json_array_foreach(t, i, x)
			ok = ok || test_type_is(v, json_string_value(x));
		if (!ok)
			fail_msg("%s: wrong type", path);
	}
	if ((t = json_object_get(s, "enum")) != NULL) {
		ok = false;
		json_array_foreach(t, i, x)
			ok = ok || json_equal(x, v);
		if (!ok)
			fail_msg("%s: not in enum", path);
	}
	if (!json_is_object(v))
		return;
	if ((ref = json_string_value(json_object_get(s, "$ref"))) != NULL) {
		assert_int_equal(strncmp(ref, "#/$defs/", 8), 0);
		test_validate(v, json_object_get(json_object_get(test_schema,
		    "$defs"), ref + 8), path);
	}
	json_array_foreach(json_object_get(s, "required"), i, x)
		if (json_object_get(v, json_string_value(x)) == NULL)
			fail_msg("%s: %s missing", path, json_string_value(x));
	props = json_object_get(s, "properties");
	json_object_foreach((json_t *)v, k, x) {
		const json_t	*ps = json_object_get(props, k);
		char		 sub[256];

		if (ps == NULL) {
			if (json_is_false(json_object_get(s,
			    "additionalProperties")))
				fail_msg("%s: unexpected member %s", path, k);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s.%s", path, k);
		test_validate(x, ps, sub);
	}
}

static json_t *
test_parse(const char *s)
{
	json_error_t	 e;
	json_t		*j;

	if ((j = json_loads(s, 0, &e)) == NULL)
		fail_msg("not JSON (%s): %s", e.text, s);
	return j;
}

static void
test_check_alert(const char *s)
{
	json_t	*j = test_parse(s);

	test_validate(j, test_schema, "alert");
	json_decref(j);
}

static void
test_golden(const char *name, const char *got)
{
	char	 path[256], err[256], *want;
	size_t	 len;

	snprintf(path, sizeof(path), TEST_DIR "%s", name);
	if (util_read_file(path, 1 << 20, &want, &len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* The golden files end with a newline for the sake of diff(1). */
	if (len > 0 && want[len - 1] == '\n')
		want[len - 1] = '\0';
	if (strcmp(want, got) != 0)
		fail_msg("%s differs:\nwant %s\ngot  %s", name, want, got);
	free(want);
}

/* The December report: about a hundred North Korean soldiers killed. */
static const char test_text_dec[] =
    "Menurut laporan 19 Desember, kira-kira 100 serdadu Korut gugur "
    "di medan \"Kursk\".";

static void
test_golden_outputs(void **state)
{
	struct claim		 c;
	struct alert_source	 src = {
		.url = "https://news.example/korut-100",
		.title = "Seratus serdadu Korut gugur",
		.text = test_text_dec,
		.lang = "id",
		.published = 1734566400,
	};
	char			*s;

	(void)state;
	test_claim(&c, 100, CLAIM_APPROX, "north-korea", "killed", "troops");
	util_strlcpy(c.unit_text, "serdadu", sizeof(c.unit_text));
	c.offset = 29;
	c.length = 21;

	s = alert_new_json(&c, &src, &test_feed, 1767225600);
	test_golden("new.json", s);
	test_check_alert(s);
	free(s);

	src.text = NULL;
	s = alert_figure_json(&c, &src);
	test_golden("figure.json", s);
	free(s);

	s = alert_claim_json(&c, test_text_dec, strlen(test_text_dec));
	test_golden("claim.json", s);
	free(s);
}

static const struct {
	double		 v;
	const char	*want;
} test_numbers[] = {
	{ 1500, "\"value\":1500," },
	{ 5600000000.0, "\"value\":5600000000," },
	{ 2.5, "\"value\":2.5," },
	{ 0, "\"value\":0," },
	{ 1e20, "\"value\":1e20," },
};

static void
test_integral_numbers(void **state)
{
	struct claim		 c;
	struct alert_source	 src = { .published = INT64_MIN };
	char			*s;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(test_numbers) / sizeof(test_numbers[0]); i++) {
		test_claim(&c, test_numbers[i].v, CLAIM_EXACT, "", "killed",
		    "people");
		s = alert_figure_json(&c, &src);
		if (strstr(s, test_numbers[i].want) == NULL)
			fail_msg("%g: %s lacks %s", test_numbers[i].v, s,
			    test_numbers[i].want);
		free(s);
	}
}

static void
test_nulls_and_range(void **state)
{
	struct claim		 c;
	struct alert_source	 src = { .published = INT64_MIN };
	json_t			*j, *cur;
	char			*s;

	(void)state;
	test_claim(&c, 11000, CLAIM_RANGE, "", "deployed", "troops");
	c.max = 12000;
	c.has_max = true;
	s = alert_new_json(&c, &src, NULL, INT64_MIN);
	test_check_alert(s);
	j = test_parse(s);
	assert_true(json_is_null(json_object_get(j, "entity")));
	assert_true(json_is_null(json_object_get(j, "feed")));
	assert_true(json_is_null(json_object_get(j, "detected_at")));
	assert_string_equal(json_string_value(json_object_get(j, "key")),
	    "-/deployed/people");
	cur = json_object_get(j, "current");
	assert_int_equal(json_integer_value(json_object_get(cur, "max")),
	    12000);
	assert_true(json_is_null(json_object_get(cur, "published")));
	assert_true(json_is_null(json_object_get(cur, "url")));
	assert_null(json_object_get(cur, "text"));
	assert_string_equal(json_string_value(json_object_get(cur, "lang")),
	    "id");
	json_decref(j);
	free(s);
}

static void
test_invalid_utf8_replaced(void **state)
{
	struct claim		 c;
	static const char	 bad[] = "tewas \xff\xc3 \xe2\x82 ok \xc3\xa9";
	struct alert_source	 src = {
		.title = "judul \xed\xa0\x80", .published = 0,
	};
	json_t			*j;
	char			*s;

	(void)state;
	test_claim(&c, 3, CLAIM_EXACT, "", "killed", "people");
	s = alert_claim_json(&c, bad, sizeof(bad) - 1);
	j = test_parse(s);
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    "tewas \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok "
	    "\xc3\xa9");
	json_decref(j);
	free(s);
	s = alert_new_json(&c, &src, &test_feed_u, 0);
	test_check_alert(s);
	free(s);
}

/* Does in C what the store's Lua script does to a "new" alert. */
static char *
test_splice(const char *alert, const char *type, const char *prev)
{
	static const char	 tnew[] = "\"type\":\"new\"";
	static const char	 pnull[] = "\"previous\":null";
	struct util_buf		 b = { 0 }, b2 = { 0 };
	const char		*p;

	p = strstr(alert, tnew);
	assert_non_null(p);
	util_buf_append(&b, alert, (size_t)(p - alert));
	util_buf_printf(&b, "\"type\":\"%s\"%s", type, p + strlen(tnew));
	p = strstr(b.data, pnull);
	assert_non_null(p);
	assert_null(strstr(p + 1, pnull));
	util_buf_append(&b2, b.data, (size_t)(p - b.data));
	util_buf_printf(&b2, "\"previous\":%s%s", prev, p + strlen(pnull));
	util_buf_free(&b);
	return b2.data;
}

static void
test_splice_makes_valid_changed(void **state)
{
	struct claim		 prev, cur;
	/* A title that quotes the very strings the splice searches for. */
	struct alert_source	 ps = {
		.url = "https://news.example/a", .title = "\"previous\":null",
		.published = 1734566400,
	}, cs = {
		.url = "https://news.example/b",
		.title = "Korut: \"type\":\"new\" kerugian",
		.text = "Lebih dari 3.000 serdadu Korut tewas atau terluka.",
		.published = 1736899200,
	};
	char			*fig, *a, *changed;
	json_t			*j;

	(void)state;
	test_claim(&prev, 100, CLAIM_APPROX, "north-korea", "killed",
	    "troops");
	test_claim(&cur, 3000, CLAIM_AT_LEAST, "north-korea", "casualties",
	    "troops");
	fig = alert_figure_json(&prev, &ps);
	a = alert_new_json(&cur, &cs, &test_feed, 1767225600);
	changed = test_splice(a, "changed", fig);
	test_check_alert(changed);
	j = test_parse(changed);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	    "changed");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "previous"), "value")), 100);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    j, "current"), "title")), cs.title);
	json_decref(j);
	free(changed);
	free(fig);
	free(a);
}

/*
 * The parts the store's script joins (alert.h) give alert_new_json()'s
 * bytes, and the stored figure is alert_figure_json() without the text:
 * with and without text, lang, story, range and feed.
 */
static char *
test_join(const struct alert_parts *p, const char *tail)
{
	char	*s;

	if (xasprintf(&s, "{\"v\":2,\"type\":\"new\",%s,\"sources\":1,"
	    "\"previous\":null,\"current\":%s,%s", p->names, p->current,
	    tail) == -1)
		fail();
	return s;
}

static void
test_parts_join_as_new(void **state)
{
	struct claim		 c;
	struct alert_source	 src = {
		.url = "https://news.example/a?\"q\"", .title = "T\u00e9 \x01",
		.text = "Sekitar 100 \"tentara\"\n\xff tewas.", .lang = "id",
		.published = 1734566400,
	};
	const struct alert_feed	*feeds[] = { &test_feed, &test_feed_u, NULL };
	struct alert_parts	 p;
	char			*want, *got, *fig, *tail;
	int			 i;

	(void)state;
	for (i = 0; i < 12; i++) {
		test_claim(&c, 100 + i, i % 3 == 0 ? CLAIM_RANGE : CLAIM_APPROX,
		    i % 4 == 1 ? "" : "north-korea", "killed", "troops");
		c.has_max = i % 3 == 0;
		c.max = 250;
		if (i % 2 == 0)
			util_strlcpy(c.scope, "ru.kursk", sizeof(c.scope));
		if (i % 4 == 2)
			util_strlcpy(c.label, "Kursk \"front\"",
			    sizeof(c.label));
		src.text = i % 5 == 3 ? NULL : src.text;
		src.lang = i % 6 == 5 ? NULL : src.lang;
		if (i == 11)
			c.lang[0] = '\0';
		alert_parts_make(&c, &src, &p);
		tail = alert_tail(feeds[i % 3], i == 7 ? INT64_MIN :
		    1767225600);
		want = alert_new_json(&c, &src, feeds[i % 3], i == 7 ?
		    INT64_MIN : 1767225600);
		got = test_join(&p, tail);
		assert_string_equal(got, want);
		test_check_alert(got);
		src.text = NULL;
		fig = alert_figure_json(&c, &src);
		assert_string_equal(p.figure, fig);
		src.text = "Sekitar 100 \"tentara\"\n\xff tewas.";
		free(fig);
		free(got);
		free(want);
		free(tail);
		alert_parts_free(&p);
	}
}

static int
test_setup(void **state)
{
	json_error_t	 e;

	(void)state;
	if ((test_schema = json_load_file(TEST_SCHEMA, 0, &e)) == NULL) {
		fprintf(stderr, "%s: %s\n", TEST_SCHEMA, e.text);
		return -1;
	}
	return 0;
}

static int
test_teardown(void **state)
{
	(void)state;
	json_decref(test_schema);
	return 0;
}

/* Issue 17: a feed title that retitles the terminal or reverses the
   line is printed escaped. */
static void
test_alert_pretty_escapes(void **state)
{
	char	*s;

	(void)state;
	s = alert_pretty("{\"type\":\"new\",\"key\":\"k\\u001b[2J\","
	    "\"current\":{\"value\":5,\"qualifier\":\"exact\\u009b\","
	    "\"published\":null,\"title\":\"a\\u001b]0;pwned\\u0007 "
	    "\\u202eevil\"}}");
	assert_non_null(s);
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x07'));
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_null(strstr(s, "\xc2\x9b"));
	assert_string_equal(s, "new          k\\x1b[2J: 5 (exact\\u009b, "
	    "undated)\n             \"a\\x1b]0;pwned\\x07 \\u202eevil\"");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_outputs),
		cmocka_unit_test(test_integral_numbers),
		cmocka_unit_test(test_nulls_and_range),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_splice_makes_valid_changed),
		cmocka_unit_test(test_parts_join_as_new),
		cmocka_unit_test(test_alert_pretty_escapes),
	};

	return cmocka_run_group_tests_name("alert", tests, test_setup,
	    test_teardown);
}
