/*
 * Unit tests for alert_fields: reading an alert back (v1, and v2 with a
 * story and members this code does not know), the {{field}} template in
 * JSON and text form with hostile titles (`"}`, newlines, `{{id}}`
 * inside a value), digests, and input that is not an alert.
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

#include "alert_fields.h"
#include "util.h"

#define TEST_ALERT	"{\"v\":1,\"type\":\"changed\",\"key\":\"a/killed/people\"," \
	"\"entity\":\"a\",\"event\":\"killed\",\"unit\":\"people\"," \
	"\"previous\":{\"value\":100,\"title\":\"old\"}," \
	"\"current\":{\"value\":150,\"title\":\"T \\\"} {{id}}\\nline2\"," \
	"\"url\":\"https://n.example/1\",\"text\":\"s\",\"lang\":\"en\"}," \
	"\"feed\":\"https://n.example/rss\",\"detected_at\":\"2026-01-01T00:00:00Z\"}"

static void
test_fields_v1(void **state)
{
	struct alert_fields	 f;
	char			 err[128];

	(void)state;
	assert_int_equal(alert_fields_parse(TEST_ALERT, &f, err, sizeof(err)), 0);
	assert_string_equal(f.type, "changed");
	assert_string_equal(f.key, "a/killed/people");
	assert_string_equal(f.value, "150");
	assert_string_equal(f.previous, "100");
	assert_string_equal(f.title, "T \"} {{id}}\nline2");
	assert_true(f.change > 0.4999 && f.change < 0.5001);
	assert_null(f.story);
	assert_string_equal(f.summary,
	    "changed a/killed/people: 100 -> 150 (T \"} {{id}}\nline2)");
	alert_fields_free(&f);
}

static void
test_fields_v2_unknown_members(void **state)
{
	struct alert_fields	 f;
	char			 err[128];

	(void)state;
	assert_int_equal(alert_fields_parse("{\"v\":2,\"type\":\"new\","
	    "\"key\":\"k/e/u\",\"story\":{\"id\":\"s1\",\"label\":\"Flood\"},"
	    "\"sources\":[{\"url\":\"x\"}],\"previous\":null,"
	    "\"current\":{\"value\":5.5,\"extra\":[1,2]},\"new_member\":{}}",
	    &f, err, sizeof(err)), 0);
	assert_string_equal(f.story, "Flood");
	assert_string_equal(f.story_id, "s1");
	assert_string_equal(f.value, "5.5");
	assert_null(f.previous);
	assert_true(f.change < 0);
	assert_null(f.entity);
	alert_fields_free(&f);
	assert_int_equal(alert_fields_parse("{\"story_id\":\"s9\"}", &f, err,
	    sizeof(err)), 0);
	assert_string_equal(f.story, "s9");
	assert_string_equal(f.story_id, "s9");
	alert_fields_free(&f);
}

static void
test_fields_not_alert(void **state)
{
	struct alert_fields	 f;
	char			 err[128];

	(void)state;
	assert_int_equal(alert_fields_parse("[1]", &f, err, sizeof(err)), -1);
	alert_fields_free(&f);
	assert_int_equal(alert_fields_parse("{\"a\":", &f, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not a JSON object"));
	alert_fields_free(&f);
	alert_fields_free(NULL);
}

static void
test_render_json_escapes(void **state)
{
	struct alert_fields		 f;
	const struct alert_fields	*fp = &f;
	const char			*id = "17-0";
	json_t				*j;
	char				 err[128], *s;

	(void)state;
	assert_int_equal(alert_fields_parse(TEST_ALERT, &f, err, sizeof(err)), 0);
	s = alert_render("{\"text\":\"{{title}}\",\"id\":\"{{id}}\",\"n\":"
	    "{{count}},\"c\":\"{{change}}\",\"x\":\"{{nope}}\"}", &fp, &id, 1,
	    true);
	j = json_loads(s, 0, NULL);
	if (j == NULL)
		fail_msg("not JSON: %s", s);
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    "T \"} {{id}}\nline2");
	assert_string_equal(json_string_value(json_object_get(j, "id")), "17-0");
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "c")), "50%");
	assert_string_equal(json_string_value(json_object_get(j, "x")), "");
	json_decref(j);
	free(s);
	/* Text: a value never starts a line; an unclosed {{ stays. */
	s = alert_render("Subject: {{title}}\n{{key}} {{", &fp, &id, 1, false);
	assert_string_equal(s, "Subject: T \"} {{id}} line2\na/killed/people {{");
	free(s);
	alert_fields_free(&f);
}

static void
test_render_digest(void **state)
{
	struct alert_fields		 f[2];
	const struct alert_fields	*fp[2] = { &f[0], &f[1] };
	const char			*ids[2] = { "1-0", "2-0" };
	const char			*alerts[2] = { TEST_ALERT, "not json" };
	json_t				*j;
	char				 err[128], *s;

	(void)state;
	assert_int_equal(alert_fields_parse(TEST_ALERT, &f[0], err,
	    sizeof(err)), 0);
	assert_int_equal(alert_fields_parse("{\"type\":\"new\",\"key\":\"b\","
	    "\"current\":{\"value\":1}}", &f[1], err, sizeof(err)), 0);
	s = alert_render("{\"t\":\"{{summary}}\",\"n\":{{count}}}", fp, ids, 2,
	    true);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "t")),
	    "changed a/killed/people: 100 -> 150 (T \"} {{id}}\nline2)\n"
	    "new b: 1");
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 2);
	json_decref(j);
	free(s);
	s = alert_digest_json(alerts, ids, 2);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	    "digest");
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j,
	    "ids"), 1)), "2-0");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j,
	    "alerts"), 1)), "not json");
	json_decref(j);
	free(s);
	alert_fields_free(&f[0]);
	alert_fields_free(&f[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_v1),
		cmocka_unit_test(test_fields_v2_unknown_members),
		cmocka_unit_test(test_fields_not_alert),
		cmocka_unit_test(test_render_json_escapes),
		cmocka_unit_test(test_render_digest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
