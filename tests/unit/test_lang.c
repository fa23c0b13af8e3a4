/*
 * Unit tests for lang: BCP 47 tags select the shipped lexicons ("en-US",
 * "id-ID", the old "in"), unknown and malformed tags are "none"; one-line
 * headlines of tests/data/lang/headlines.tsv are detected right; a
 * declared tag stands unless the text is plainly the other language (its
 * lede decides when it is plainly the declared one); a
 * third language's aliases and affixes come from its file alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lang.h"
#include "lexicon.h"
#include "util.h"

static struct lexicon	*test_lex;

static int
test_setup(void **state)
{
	char	 err[256];

	(void)state;
	test_lex = lexicon_load("config/lexicon", err, sizeof(err));
	if (test_lex == NULL)
		fprintf(stderr, "%s\n", err);
	return test_lex == NULL ? -1 : 0;
}

static int
test_teardown(void **state)
{
	(void)state;
	lexicon_free(test_lex);
	return 0;
}

static const struct {
	const char	*tag;
	const char	*want;
} test_tags[] = {
	{ "en", "en" }, { "EN", "en" }, { "en-US", "en" }, { "en-us", "en" },
	{ "en_GB", "en" }, { "En-Latn-GB", "en" }, { " en-gb\n", "en" },
	{ "eng", "en" }, { "id", "id" }, { "ID", "id" }, { "id-ID", "id" },
	{ "id-id", "id" }, { "in", "id" }, { "IN", "id" }, { "in-ID", "id" },
	{ "id_ID", "id" }, { "ind", "id" }, { "id-x-jakarta", "id" },
	{ NULL, LANG_AUTO }, { "", LANG_AUTO }, { "  ", LANG_AUTO },
	{ "auto", LANG_AUTO }, { "und", LANG_AUTO }, { "mul", LANG_AUTO },
	{ "fr", LANG_NONE }, { "fr-FR", LANG_NONE }, { "ms", LANG_NONE },
	{ "x-klingon", LANG_NONE }, { "i-default", LANG_NONE },
	{ "e", LANG_NONE }, { "en-", LANG_NONE }, { "en--us", LANG_NONE },
	{ "en-toolongsubtag", LANG_NONE }, { "en us", LANG_NONE },
	{ "en;q=0.8", LANG_NONE }, { "abcdefghi", LANG_NONE },
	{ "e\xc3\xa9", LANG_NONE }, { "-en", LANG_NONE },
};

static void
test_tag(void **state)
{
	size_t	 i;
	int	 bad = 0;

	(void)state;
	for (i = 0; i < sizeof(test_tags) / sizeof(test_tags[0]); i++) {
		const char *got = lang_tag(test_lex, test_tags[i].tag);

		if (strcmp(got, test_tags[i].want) != 0) {
			fprintf(stderr, "tag \"%s\": want %s, got %s\n",
			    test_tags[i].tag != NULL ? test_tags[i].tag :
			    "(null)", test_tags[i].want, got);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_true(lang_is_known("en"));
	assert_false(lang_is_known(LANG_AUTO));
	assert_false(lang_is_known(LANG_NONE));
	assert_false(lang_is_known(NULL));
	/* Without a lexicon no tag has one. */
	assert_string_equal(lang_tag(NULL, "en"), LANG_NONE);
}

static void
test_headlines(void **state)
{
	struct lang_guess	 g;
	char			 err[256], *data, *line, *next, *tab;
	size_t			 len, n = 0, nid = 0, bad = 0;
	const char		*got;
	bool			 unknown;

	(void)state;
	assert_int_equal(util_read_file("tests/data/lang/headlines.tsv",
	    1 << 20, &data, &len, err, sizeof(err)), 0);
	for (line = data; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab++ = '\0';
		lang_detect(test_lex, tab, strlen(tab), &g);
		got = g.best != -1 ? lexicon_lang_name(test_lex, g.best) :
		    "(tie)";
		/* The daemon scores the words words_split found: the same. */
		if (g.best != -1)
			assert_string_equal(lang_choose(test_lex, NULL, tab,
			    strlen(tab), &unknown), got);
		if (strcmp(got, line) != 0) {
			fprintf(stderr, "want %s, got %s (en %u, id %u): %s\n",
			    line, got, g.score[lexicon_lang_index(test_lex,
			    "en")], g.score[lexicon_lang_index(test_lex,
			    "id")], tab);
			bad++;
		}
		n++;
		if (strcmp(line, "id") == 0)
			nid++;
	}
	free(data);
	assert_true(n >= 60);
	assert_true(nid >= n / 3 && nid <= n - n / 3);
	assert_int_equal(bad, 0);
}

/* The two headlines, end to end through lang_choose. */
static void
test_choose(void **state)
{
	static const char	 kor[] =
	    "Sejuta pemuda Korut mendaftar jadi tentara";
	static const char	 cj[] = "Gempa Cianjur: 162 orang tewas";
	static const char	 en[] = "The death toll from the floods rose to "
	    "21 on Monday, officials said, as rescuers searched for the "
	    "missing.";
	/* An English article quoting Indonesian stays English. */
	static const char	 quote[] = "Officials said the floods in Demak "
	    "had killed 21 people. \"Banjir terjang Demak,\" a resident said.";
	bool			 unknown;

	(void)state;
	assert_string_equal(lang_choose(test_lex, NULL, kor, strlen(kor),
	    &unknown), "id");
	assert_false(unknown);
	assert_string_equal(lang_choose(test_lex, "auto", cj, strlen(cj),
	    &unknown), "id");
	/* A feed declaring en carrying an Indonesian item. */
	assert_string_equal(lang_choose(test_lex, "en-US", cj, strlen(cj),
	    &unknown), "id");
	assert_string_equal(lang_choose(test_lex, "in", en, strlen(en),
	    &unknown), "en");
	assert_string_equal(lang_choose(test_lex, "en", quote, strlen(quote),
	    &unknown), "en");
	/* A declared tag stands when the text says little. */
	assert_string_equal(lang_choose(test_lex, "en", "Cianjur", 7,
	    &unknown), "en");
	assert_string_equal(lang_choose(test_lex, "id-ID", "", 0, &unknown),
	    "id");
	assert_false(unknown);
	/* No lexicon for the tag: flagged, and detected instead. */
	assert_string_equal(lang_choose(test_lex, "fr-FR", cj, strlen(cj),
	    &unknown), "id");
	assert_true(unknown);
	assert_string_equal(lang_choose(test_lex, "de", en, strlen(en),
	    &unknown), "en");
	assert_true(unknown);
	assert_null(lang_choose(NULL, "en", en, strlen(en), &unknown));
}

/* text = n copies of a, then m copies of b; caller frees. */
static char *
test_repeat(const char *a, int n, const char *b, int m)
{
	struct util_buf	 t = { 0 };
	int		 i;

	for (i = 0; i < n; i++)
		util_buf_append(&t, a, strlen(a));
	for (i = 0; i < m; i++)
		util_buf_append(&t, b, strlen(b));
	return t.data;
}

/*
 * A declared tag is checked against the lede (512 bytes) when the lede is
 * plainly in that language; else, and always without a tag, the whole
 * text decides.
 */
static void
test_choose_lede(void **state)
{
	static const char	 en[] = "The death toll from the floods rose "
	    "on Monday, officials said, as rescuers searched for the "
	    "missing. ";
	static const char	 id[] = "Banjir bandang menerjang tiga "
	    "kecamatan dan warga yang tewas masih dicari oleh tim SAR. ";
	static const char	 mix[] = "Floods in Demak. Banjir di Demak. ";
	char			*t;
	bool			 unknown;

	(void)state;
	/* An English lede of 600 bytes, then 3 KB of Indonesian. */
	t = test_repeat(en, 6, id, 30);
	assert_true(strlen(t) > 3000);
	assert_string_equal(lang_choose(test_lex, "en", t, strlen(t),
	    &unknown), "en");
	assert_string_equal(lang_choose(test_lex, NULL, t, strlen(t),
	    &unknown), "id");
	/* Declared id, the text all id: the lede suffices, same answer. */
	assert_string_equal(lang_choose(test_lex, "id", t + 6 * strlen(en),
	    strlen(t + 6 * strlen(en)), &unknown), "id");
	free(t);
	/* A lede that is no language plainly: the whole text decides. */
	t = test_repeat(mix, 20, id, 30);
	assert_string_equal(lang_choose(test_lex, "en", t, strlen(t),
	    &unknown), "id");
	free(t);
	/* An Indonesian lede in an English feed is Indonesian. */
	t = test_repeat(id, 10, en, 3);
	assert_string_equal(lang_choose(test_lex, "en-US", t, strlen(t),
	    &unknown), "id");
	free(t);
}

/*
 * Scoring the words of words_split is scoring the text: words of digits
 * and letters, UTF-8 words, a word cut by the 64 KiB limit.
 */
static void
test_words_same(void **state)
{
	static const char *const bits[] = { "the ", "dan ", "yang ",
	    "killed ", "tewas ", "café ", "naïve ", "COVID19 ", "abc1def ",
	    "don't ", "AS ", "Rp415 ", "mengatakan ", "running ", "é1x ",
	    "x2é, ", "12. ", "\"Demak\" " };
	struct util_buf		 t = { 0 };
	struct lang_guess	 g;
	bool			 unknown;
	size_t			 i, j;
	unsigned		 r = 1;

	(void)state;
	for (i = 0; i < 40; i++) {
		util_buf_reset(&t);
		/* Lengths about 1 KB, and across 64 KiB for some. */
		for (j = 0; j < (i % 8 == 0 ? 9000 : 40 + i * 3); j++) {
			r = r * 1103515245 + 12345;
			util_buf_append(&t, bits[(r >> 16) % 18],
			    strlen(bits[(r >> 16) % 18]));
		}
		lang_detect(test_lex, t.data, t.len, &g);
		assert_string_equal(lang_choose(test_lex, "auto", t.data, t.len,
		    &unknown), lexicon_lang_name(test_lex, g.best != -1 ?
		    g.best : 0));
	}
	util_buf_free(&t);
}

/* No evidence is a tie, and the fallback is the first language. */
static void
test_no_evidence(void **state)
{
	struct lang_guess	 g;

	(void)state;
	lang_detect(test_lex, "123 456 -- Xyzzy Qwfp", 21, &g);
	assert_int_equal(g.best, -1);
	lang_detect(test_lex, NULL, 0, &g);
	assert_int_equal(g.best, -1);
	assert_string_equal(lang_detect_name(test_lex, "", 0),
	    lexicon_lang_name(test_lex, 0));
	assert_null(lang_detect_name(NULL, "x", 1));
}

/* A third language brings its own aliases and affixes: no code. */
static void
test_third_language(void **state)
{
	struct lexicon		*lex;
	struct lang_guess	 g;
	char			 dir[] = "/tmp/test_lang.XXXXXX", path[2][512];
	char			 err[512];
	FILE			*f;
	int			 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path[0], sizeof(path[0]), "%s/ms.lex", dir);
	snprintf(path[1], sizeof(path[1]), "%s/xx.lex", dir);
	assert_non_null(f = fopen(path[0], "w"));
	fputs("lang ms\nalias zsm\nalias msa\nunit troops askar\n"
	    "detect yang\ndetectpre meng\ndetectsuf kan\n", f);
	fclose(f);
	assert_non_null(f = fopen(path[1], "w"));
	fputs("lang xx\ndetect the\n", f);
	fclose(f);
	lex = lexicon_load(dir, err, sizeof(err));
	assert_non_null(lex);
	assert_string_equal(lang_tag(lex, "ms-MY"), "ms");
	assert_string_equal(lang_tag(lex, "ZSM"), "ms");
	assert_string_equal(lang_tag(lex, "msa_BN"), "ms");
	assert_string_equal(lang_tag(lex, "en"), LANG_NONE);
	/* Affixes score words no language knows; a known word beats them. */
	i = lexicon_lang_index(lex, "ms");
	lang_detect(lex, "mengirimkan", 11, &g);
	assert_int_equal(g.best, i);
	assert_int_equal(g.score[i], 1);
	lang_detect(lex, "the meng", 8, &g);
	assert_int_equal(g.best, lexicon_lang_index(lex, "xx"));
	lang_detect(lex, "yang askar", 10, &g);
	assert_int_equal(g.score[i], 5);
	lexicon_free(lex);
	unlink(path[1]);

	/* Bad alias and affix lines are refused with FILE:LINE. */
	assert_non_null(f = fopen(path[0], "w"));
	fputs("lang ms\nalias Z1\n", f);
	fclose(f);
	assert_null(lexicon_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "ms.lex:2: bad alias"));
	assert_non_null(f = fopen(path[0], "w"));
	fputs("lang ms\ndetectpre me ng\n", f);
	fclose(f);
	assert_null(lexicon_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "ms.lex:2: detectpre takes one affix"));
	unlink(path[0]);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag),
		cmocka_unit_test(test_headlines),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_choose_lede),
		cmocka_unit_test(test_words_same),
		cmocka_unit_test(test_no_evidence),
		cmocka_unit_test(test_third_language),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
