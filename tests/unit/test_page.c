/*
 * Unit tests for page: the chart and page builders are pure, so each test
 * builds a history by hand and reads the HTML/SVG that comes out: the
 * escaping of hostile feed strings, which URLs become links, the step
 * line's order, the range band, the open "at least" marker, and points
 * inside the plot area.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "look.h"
#include "page.h"
#include "util.h"

#define DAY	86400

static void
fig(struct look_figure *f, double v, const char *q, int64_t pub,
    const char *url, const char *title)
{
	memset(f, 0, sizeof(*f));
	look_figure_clear(f);
	f->value = v;
	f->qualifier = xstrdup(q);
	f->published = pub;
	f->first_seen = pub + 3600;
	f->url = url != NULL ? xstrdup(url) : NULL;
	f->title = title != NULL ? xstrdup(title) : NULL;
	if (url != NULL)
		look_figure_add_source(f, url);
}

/*
 * A story: 1500 exact (hostile title), a range 2000-4000, an older
 * history-only report, a rejected one, and "at least 3000" (current, its
 * URL a javascript: one).
 */
static struct look_history *
story(void)
{
	struct look_history	*h = xcalloc(1, sizeof(*h));
	int64_t			 t = 1728864000;	/* 2024-10-14 */

	look_key_clear(&h->k);
	h->k.key = xstrdup("north-korea/deployed/troops");
	h->nfigs = 5;
	h->figs = xcalloc(h->nfigs, sizeof(*h->figs));
	fig(&h->figs[0], 1500, "exact", t, "https://a.example/1?x=1&y=2",
	    "<script>alert(1)</script>");
	fig(&h->figs[1], 900, "exact", t + 2 * DAY, "https://b.example/old",
	    "old");
	h->figs[1].role = LOOK_ROLE_HISTORY;
	fig(&h->figs[2], 2000, "range", t + 30 * DAY, "http://c.example/r",
	    "range \"quoted\"");
	h->figs[2].has_max = true;
	h->figs[2].max = 4000;
	fig(&h->figs[3], 7000, "exact", t + 40 * DAY, "https://bad.example/x",
	    "bad");
	h->figs[3].rejected = true;
	fig(&h->figs[4], 3000, "at_least", t + 90 * DAY, "javascript:alert(2)",
	    "js");
	h->figs[4].current = true;
	fig(&h->k.cur, 3000, "at_least", t + 90 * DAY, "javascript:alert(2)",
	    "js");
	h->k.has_figure = true;
	h->k.sources = 1;
	h->k.updated = t + 91 * DAY;
	return h;
}

static char *
render_chart(const struct look_history *h)
{
	struct util_buf	 b = { 0 };

	page_chart(&b, h);
	return b.data;
}

static void
test_escape_every_special(void **state)
{
	struct util_buf	 b = { 0 };

	(void)state;
	page_escape(&b, "<a href=\"x\">&'</a>");
	assert_string_equal(b.data,
	    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	page_escape(&b, NULL);
	assert_int_equal(b.len, strlen(b.data));
	util_buf_free(&b);
}

static void
test_url_key_encodes(void **state)
{
	struct util_buf	 b = { 0 };

	(void)state;
	page_url_key(&b, "a b/\"c\"<x>");
	assert_string_equal(b.data, "a%20b/%22c%22%3Cx%3E");
	util_buf_free(&b);
}

/* Feed strings appear only escaped, and only http(s) URLs are links. */
static void
test_key_page_escapes_hostile_strings(void **state)
{
	struct look_history	*h = story();
	struct util_buf		 b = { 0 };

	(void)state;
	page_key(&b, h);
	assert_null(strstr(b.data, "<script"));
	assert_non_null(strstr(b.data,
	    "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(b.data, "javascript:"));
	assert_non_null(strstr(b.data,
	    "href=\"https://a.example/1?x=1&amp;y=2\""));
	assert_non_null(strstr(b.data, "range &quot;quoted&quot;"));
	assert_non_null(strstr(b.data, "history only"));
	assert_non_null(strstr(b.data, "rejected source"));
	util_buf_free(&b);
	look_history_free(h);
}

/* The x coordinates of the step path's vertices, in order. */
static size_t
path_xs(const char *svg, double *xs, size_t max)
{
	const char	*p = strstr(svg, "<path class=\"step\" d=\"");
	char		*end;
	size_t		 n = 0;
	double		 y;

	assert_non_null(p);
	p += strlen("<path class=\"step\" d=\"");
	assert_int_equal(*p, 'M');
	xs[n++] = strtod(p + 1, &end);
	y = strtod(end, &end);
	(void)y;
	p = end;
	while (*p == ' ' && p[1] == 'H' && n < max) {
		xs[n++] = strtod(p + 2, &end);
		p = end;
		if (*p == ' ' && p[1] == 'V')
			(void)strtod(p + 2, (char **)&p);
	}
	return n;
}

static void
test_chart_step_line_skips_history_and_rejected(void **state)
{
	struct look_history	*h = story();
	char			*svg = render_chart(h);
	double			 xs[16];
	size_t			 n, i;

	(void)state;
	/* 1500, the range, at least 3000, and the run to the right edge. */
	n = path_xs(svg, xs, 16);
	assert_int_equal(n, 4);
	for (i = 1; i < n; i++)
		assert_true(xs[i] > xs[i - 1]);
	assert_true(xs[n - 1] <= 760 - 24 + 0.01);
	free(svg);
	look_history_free(h);
}

static void
test_chart_markers(void **state)
{
	struct look_history	*h = story();
	char			*svg = render_chart(h), *p;
	int			 n = 0;
	double			 cy;

	(void)state;
	assert_non_null(strstr(svg, "<rect class=\"band\""));
	assert_non_null(strstr(svg, "class=\"pt open\" data-value=\"3000\""));
	assert_non_null(strstr(svg, "class=\"pt hist\" data-value=\"900\""));
	assert_non_null(strstr(svg,
	    "class=\"pt rejected\" data-value=\"7000\""));
	assert_non_null(strstr(svg, "class=\"pt\" data-value=\"1500\""));
	/* Linked points: the four http(s) sources, not the javascript: one. */
	for (p = svg; (p = strstr(p, "<a class=\"src\" href=\"http")) != NULL;
	    p++)
		n++;
	assert_int_equal(n, 4);
	assert_null(strstr(svg, "javascript:"));
	/* Every point inside the plot area. */
	for (p = svg; (p = strstr(p, " cy=\"")) != NULL; p++) {
		cy = strtod(p + 5, NULL);
		assert_true(cy >= 20 && cy <= 320 - 44);
	}
	free(svg);
	look_history_free(h);
}

static void
test_chart_without_dates(void **state)
{
	struct look_history	*h = story();
	char			*svg;
	size_t			 i;

	(void)state;
	for (i = 0; i < h->nfigs; i++)
		h->figs[i].published = h->figs[i].first_seen = LOOK_NO_TIME;
	svg = render_chart(h);
	assert_non_null(strstr(svg, "no dated figures"));
	assert_null(strstr(svg, "<circle"));
	free(svg);
	look_history_free(h);
}

static void
test_index_label_or_key(void **state)
{
	struct look_keys	 ks;
	struct look_key		 v[2];
	struct util_buf		 b = { 0 };
	char			*a, *c;

	(void)state;
	memset(v, 0, sizeof(v));
	look_key_clear(&v[0]);
	look_key_clear(&v[1]);
	v[0].key = xstrdup("north-korea/killed/troops");
	v[0].label = xstrdup("Kursk <b>offensive</b>");
	fig(&v[0].cur, 100, "approx", 1734566400, NULL, NULL);
	v[0].updated = 2000;
	v[1].key = xstrdup("north-korea/deployed/troops");
	fig(&v[1].cur, 14000, "exact", 1745712000, NULL, NULL);
	v[1].updated = 1000;
	v[1].muted = true;
	ks.v = v;
	ks.n = 2;
	page_index(&b, &ks, 3000);
	assert_non_null(strstr(b.data, "Kursk &lt;b&gt;offensive&lt;/b&gt;"));
	assert_non_null(strstr(b.data,
	    "<td>north-korea/deployed/troops</td>"));
	assert_non_null(strstr(b.data,
	    "href=\"/key/north-korea/killed/troops\""));
	assert_non_null(strstr(b.data, "about 100"));
	assert_non_null(strstr(b.data, "(muted)"));
	/* Rows in the order given (newest change first). */
	a = strstr(b.data, "killed/troops\">");
	c = strstr(b.data, "deployed/troops\">");
	assert_true(a != NULL && c != NULL && a < c);
	util_buf_free(&b);
	look_key_clear(&v[0]);
	look_key_clear(&v[1]);
}

/* Quantities of one story stay together, under the story's newest change. */
static void
test_index_groups_stories(void **state)
{
	struct look_keys	 ks;
	struct look_key		 v[3];
	struct util_buf		 b = { 0 };
	const char		*a, *c, *d;
	int			 i;

	(void)state;
	memset(v, 0, sizeof(v));
	for (i = 0; i < 3; i++) {
		look_key_clear(&v[i]);
		fig(&v[i].cur, i, "exact", 1734566400, NULL, NULL);
		v[i].updated = 30 - i;
	}
	v[0].key = xstrdup("kursk/killed/troops");
	v[0].label = xstrdup("Kursk");
	v[1].key = xstrdup("demak/flood/people");
	v[2].key = xstrdup("kursk/wounded/troops");
	v[2].label = xstrdup("Kursk");
	ks.v = v;
	ks.n = 3;
	page_index(&b, &ks, 0);
	a = strstr(b.data, "kursk/killed/troops\">");
	c = strstr(b.data, "kursk/wounded/troops\">");
	d = strstr(b.data, "demak/flood/people\">");
	assert_true(a != NULL && c != NULL && d != NULL && a < c && c < d);
	/* The story's name once, on its first row. */
	assert_non_null(strstr(b.data, "<td>Kursk</td>"));
	assert_null(strstr(strstr(b.data, "<td>Kursk</td>") + 1,
	    "<td>Kursk</td>"));
	util_buf_free(&b);
	for (i = 0; i < 3; i++)
		look_key_clear(&v[i]);
}

static void
test_message_escapes(void **state)
{
	struct util_buf	 b = { 0 };

	(void)state;
	page_message(&b, 503, "redis said <x>");
	assert_non_null(strstr(b.data, "<h1>503</h1>"));
	assert_non_null(strstr(b.data, "redis said &lt;x&gt;"));
	util_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_every_special),
		cmocka_unit_test(test_url_key_encodes),
		cmocka_unit_test(test_key_page_escapes_hostile_strings),
		cmocka_unit_test(test_chart_step_line_skips_history_and_rejected),
		cmocka_unit_test(test_chart_markers),
		cmocka_unit_test(test_chart_without_dates),
		cmocka_unit_test(test_index_label_or_key),
		cmocka_unit_test(test_index_groups_stories),
		cmocka_unit_test(test_message_escapes),
	};

	return cmocka_run_group_tests_name("page", tests, NULL, NULL);
}
