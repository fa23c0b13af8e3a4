/*
 * Unit tests for look: parsing what the store keeps (figure JSON, history
 * members with their flags, log entries), hosts and link safety, the two
 * orders, and the editor's correction JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "look.h"
#include "util.h"

static void
test_parse_history_member(void **state)
{
	struct look_figure	 f;
	char			 err[128];

	(void)state;
	assert_int_equal(look_figure_parse(&f, "{\"first_seen\":"
	    "\"2026-12-01T09:00:00Z\",\"history_only\":true,\"value\":100,"
	    "\"qualifier\":\"range\",\"max\":200,\"modality\":\"actual\","
	    "\"published\":\"2024-12-19T03:00:00Z\",\"url\":\"https://k.example"
	    "/a\",\"title\":\"t\",\"lang\":\"id\"}", err, sizeof(err)), 0);
	assert_true(f.value == 100 && f.has_max && f.max == 200);
	assert_string_equal(f.qualifier, "range");
	assert_int_equal(f.role, LOOK_ROLE_HISTORY);
	assert_false(f.rejected);
	assert_int_equal(f.published, 1734577200);
	assert_int_equal(f.first_seen, 1796115600);
	assert_int_equal(f.nsources, 1);
	assert_string_equal(f.sources[0], "https://k.example/a");
	look_figure_clear(&f);

	assert_int_equal(look_figure_parse(&f, "{\"value\":5,\"rejected\":true"
	    ",\"corrected\":true,\"published\":null}", err, sizeof(err)), 0);
	assert_int_equal(f.role, LOOK_ROLE_CORRECTION);
	assert_true(f.rejected);
	assert_int_equal(f.published, LOOK_NO_TIME);
	assert_string_equal(f.qualifier, "exact");
	look_figure_clear(&f);

	assert_int_equal(look_figure_parse(&f, "{\"value\":1,\"story\":"
	    "{\"id\":\"kursk\",\"label\":\"Kursk <offensive>\"}}", err,
	    sizeof(err)), 0);
	assert_string_equal(f.story, "Kursk <offensive>");
	look_figure_clear(&f);

	assert_int_equal(look_figure_parse(&f, "{\"value\":\"x\"}", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a figure"));
	assert_int_equal(look_figure_parse(&f, "[1", err, sizeof(err)), -1);
}

static void
test_time_parse(void **state)
{
	(void)state;
	assert_int_equal(look_time_parse("1970-01-02T00:00:00Z"), 86400);
	assert_int_equal(look_time_parse("2024-10-14"), LOOK_NO_TIME);
	assert_int_equal(look_time_parse("2024-10-14T00:00:00+07:00"),
	    LOOK_NO_TIME);
	assert_int_equal(look_time_parse(NULL), LOOK_NO_TIME);
}

static void
test_host_and_links(void **state)
{
	char	 h[64];

	(void)state;
	look_host("https://User:pw@News.Example.COM:8443/a?b", h, sizeof(h));
	assert_string_equal(h, "news.example.com");
	look_host("http://x.example", h, sizeof(h));
	assert_string_equal(h, "x.example");
	look_host("javascript:alert(1)", h, sizeof(h));
	assert_string_equal(h, "");
	look_host("file:///etc/passwd", h, sizeof(h));
	assert_string_equal(h, "");
	assert_true(look_url_is_web("HTTPS://a"));
	assert_false(look_url_is_web(" javascript:alert(1)"));
	assert_false(look_url_is_web("data:text/html,x"));
	assert_false(look_url_is_web(NULL));
}

static void
test_orders(void **state)
{
	struct look_keys	 ks;
	struct look_key		 v[3];
	struct look_figure	 f[3];
	int			 i;

	(void)state;
	memset(v, 0, sizeof(v));
	for (i = 0; i < 3; i++) {
		look_key_clear(&v[i]);
		v[i].key = xstrdup(i == 0 ? "b" : i == 1 ? "a" : "c");
	}
	v[0].updated = 10;
	v[1].updated = 10;
	v[2].updated = 30;
	ks.v = v;
	ks.n = 3;
	look_keys_sort(&ks);
	assert_string_equal(v[0].key, "c");
	assert_string_equal(v[1].key, "a");
	assert_string_equal(v[2].key, "b");
	for (i = 0; i < 3; i++)
		look_key_clear(&v[i]);

	memset(f, 0, sizeof(f));
	for (i = 0; i < 3; i++) {
		look_figure_clear(&f[i]);
		f[i].value = i;
	}
	f[0].first_seen = 5;		/* undated: last */
	f[1].published = 200;
	f[2].published = 100;
	look_figures_sort(f, 3);
	assert_true(f[0].value == 2 && f[1].value == 1 && f[2].value == 0);
}

static void
test_correction_json(void **state)
{
	char		*fig, *mem, *al, *p;
	json_t		*a;
	struct look_figure f;
	char		 err[64];

	(void)state;
	look_correction(1200, 86400, "north-korea/killed/troops", "ed",
	    "ministry \"figure\"", &fig, &mem, &al);
	assert_non_null(a = json_loads(al, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(a, "type")),
	    "corrected");
	assert_string_equal(json_string_value(json_object_get(a, "entity")),
	    "north-korea");
	assert_string_equal(json_string_value(json_object_get(a, "event")),
	    "killed");
	assert_string_equal(json_string_value(json_object_get(a, "unit")),
	    "troops");
	assert_int_equal(json_integer_value(json_object_get(a, "v")), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(a, "story"), "id")), "north-korea");
	assert_int_equal(json_integer_value(json_object_get(a, "sources")), 1);
	json_decref(a);
	/* The script splices the previous figure at the one null. */
	p = strstr(al, "\"previous\":null");
	assert_non_null(p);
	assert_null(strstr(p + 1, "\"previous\":null"));
	assert_int_equal(look_figure_parse(&f, mem, err, sizeof(err)), 0);
	assert_int_equal(f.role, LOOK_ROLE_CORRECTION);
	assert_string_equal(f.editor, "ed");
	assert_string_equal(f.note, "ministry \"figure\"");
	assert_int_equal(f.published, 86400);
	look_figure_clear(&f);
	assert_null(strstr(fig, "editor"));
	free(fig);
	free(mem);
	free(al);
}

static void
test_event_round_trip(void **state)
{
	struct look_event	 e = { (char *)"mute", (char *)"ed", 86400,
				    NULL }, g;
	char			*j;

	(void)state;
	j = look_event_json(&e, NULL);
	assert_int_equal(look_event_parse(&g, j), 0);
	assert_string_equal(g.action, "mute");
	assert_string_equal(g.who, "ed");
	assert_int_equal(g.at, 86400);
	assert_null(g.detail);
	free(g.action);
	free(g.who);
	free(j);
	assert_int_equal(look_event_parse(&g, "nope"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_history_member),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_host_and_links),
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_correction_json),
		cmocka_unit_test(test_event_round_trip),
	};

	return cmocka_run_group_tests_name("look", tests, NULL, NULL);
}
