/*
 * Unit tests for article: pages written in the shape of the seed articles
 * (navigation, share buttons, "Baca juga" boxes, ads, trending lists,
 * comment sections, footers) reduced to their main text and compared with
 * tests/data/article/<page>.expected.txt; plus charsets and bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "util.h"

#define DATA	"tests/data/article/"

static char *
test_article_read(const char *path, size_t *len)
{
	char	 err[256], *data;

	if (util_read_file(path, 4 * 1024 * 1024, &data, len, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	return data;
}

static void
test_article_pages(void **state)
{
	static const struct {
		const char	*page;
		const char	*ctype;
	} cases[] = {
		{ "kabar_korut", "text/html; charset=utf-8" },
		{ "world_kursk", NULL },
		{ "cp1252", "text/html; charset=ISO-8859-1" },
	};
	char	 path[256], err[256], *html, *want, *got;
	size_t	 i, hlen, wlen;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), DATA "%s.html", cases[i].page);
		html = test_article_read(path, &hlen);
		snprintf(path, sizeof(path), DATA "%s.expected.txt",
		    cases[i].page);
		want = test_article_read(path, &wlen);
		while (wlen > 0 && want[wlen - 1] == '\n')
			want[--wlen] = '\0';
		got = article_text(html, hlen, cases[i].ctype, err,
		    sizeof(err));
		if (got == NULL)
			fail_msg("%s: %s", cases[i].page, err);
		if (strcmp(got, want) != 0)
			fail_msg("%s: got\n%s\n---want\n%s", cases[i].page,
			    got, want);
		free(got);
		free(want);
		free(html);
	}
}

static void
test_article_drops_boilerplate(void **state)
{
	static const char *const gone[] = { "Nasional", "Bagikan",
	    "Baca juga", "Putin dan Kim", "ADVERTISEMENT", "komentar",
	    "Harga emas", "hak cipta", "cookie", "dataLayer", "korut rusia" };
	char	 err[256], *html, *got;
	size_t	 i, len;

	(void)state;
	html = test_article_read(DATA "kabar_korut.html", &len);
	got = article_text(html, len, NULL, err, sizeof(err));
	assert_non_null(got);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (strcasestr(got, gone[i]) != NULL)
			fail_msg("boilerplate '%s' kept", gone[i]);
	assert_non_null(strstr(got, "11.000 tentara"));
	free(got);
	free(html);
}

static void
test_article_bad_input(void **state)
{
	static const char *const pages[] = { "", "   ",
	    "<html><body><nav>only a menu</nav></body></html>",
	    "<script>x()</script>" };
	char	 err[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		err[0] = '\0';
		assert_null(article_text(pages[i], strlen(pages[i]), NULL,
		    err, sizeof(err)));
		assert_true(strlen(err) > 0);
	}
	assert_null(article_text(NULL, 0, NULL, err, sizeof(err)));
}

static void
test_article_invalid_utf8(void **state)
{
	static const char	 page[] = "<html><head><meta charset=\"utf-8\">"
	    "</head><body><p>Sekitar 100 tentara \xff\xfe tewas dalam "
	    "pertempuran itu, kata pejabat.</p></body></html>";
	char			 err[256], *got;
	const unsigned char	*p;

	(void)state;
	got = article_text(page, sizeof(page) - 1, NULL, err, sizeof(err));
	assert_non_null(got);
	for (p = (const unsigned char *)got; *p != '\0'; p++)
		assert_true(*p != 0xff && *p != 0xfe);
	assert_non_null(strstr(got, "Sekitar 100 tentara"));
	free(got);
}

/*
 * Overlong forms ("/" as C0 AF) and surrogates (ED A0 80) are not UTF-8:
 * neither may reach the text, which is valid UTF-8 to the strict decoder
 * (libxml2 reads such a page as Latin-1; the reader's own pass replaces
 * whatever invalid sequence gets through with U+FFFD).
 */
static void
test_article_overlong_utf8(void **state)
{
	static const char	 page[] = "<html><head><meta charset=\"utf-8\">"
	    "</head><body><p>Sekitar 100 tentara \xc0\xaf tewas \xed\xa0\x80"
	    " dalam pertempuran itu, kata pejabat setempat.</p></body>"
	    "</html>";
	char			 err[256], *got;
	uint32_t		 cp;
	size_t			 i, n, len;

	(void)state;
	got = article_text(page, sizeof(page) - 1, NULL, err, sizeof(err));
	assert_non_null(got);
	assert_null(strstr(got, "\xc0\xaf"));
	assert_null(strstr(got, "\xed\xa0\x80"));
	assert_non_null(strstr(got, "Sekitar 100 tentara"));
	len = strlen(got);
	for (i = 0; i < len; i += n)
		assert_true((n = util_utf8_decode(got + i, len - i, &cp)) > 0);
	free(got);
}

/*
 * Issue 17: a page with 129 attributes on one element, or 100,001
 * elements, is refused before libxml2 builds its tree; 128 attributes
 * are read.
 */
static void
test_article_bounds(void **state)
{
	struct util_buf	 b = { 0 };
	char		 err[256], *t;
	int		 i;

	(void)state;
	util_buf_printf(&b, "<html><body><article><p");
	for (i = 0; i < 128; i++)
		util_buf_printf(&b, " data-x%d", i);
	util_buf_printf(&b, ">The ministry said 14,000 troops were sent to "
	    "the border this week.</p></article></body></html>");
	t = article_text(b.data, b.len, NULL, err, sizeof(err));
	assert_non_null(t);
	assert_non_null(strstr(t, "14,000 troops"));
	free(t);
	util_buf_reset(&b);
	util_buf_printf(&b, "<html><body><p data-x");
	for (i = 0; i < 128; i++)
		util_buf_printf(&b, " data-x%d", i);
	util_buf_printf(&b, ">The ministry said 14,000 troops.</p></body>"
	    "</html>");
	assert_null(article_text(b.data, b.len, NULL, err, sizeof(err)));
	assert_string_equal(err, "page refused: more than 128 attributes on "
	    "element <p> at byte 12");
	util_buf_reset(&b);
	util_buf_printf(&b, "<html><body>");
	for (i = 0; i < 100000; i++)
		util_buf_printf(&b, "<b>");
	assert_null(article_text(b.data, b.len, NULL, err, sizeof(err)));
	assert_string_equal(err, "page refused: more than 100000 elements "
	    "and attributes");
	util_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_article_pages),
		cmocka_unit_test(test_article_drops_boilerplate),
		cmocka_unit_test(test_article_bad_input),
		cmocka_unit_test(test_article_invalid_utf8),
		cmocka_unit_test(test_article_overlong_utf8),
		cmocka_unit_test(test_article_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
