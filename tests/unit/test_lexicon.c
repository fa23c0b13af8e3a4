/*
 * Unit tests for lexicon: the shipped data loads and answers look-ups,
 * chains keep the longest phrase first, acronyms keep their case, and
 * every kind of bad file is refused with "FILE:LINE: message".
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

#include "lexicon.h"
#include "util.h"

static const struct lexicon_entry *
test_find(const struct lexicon *lex, const char *word, enum lexicon_kind k,
    int lang)
{
	const struct lexicon_entry	*e;

	for (e = lexicon_first(lex, lexicon_hash(word, strlen(word)));
	    e != NULL; e = lexicon_entry(lex, e->next))
		if (e->kind == k && e->nwords == 1 && e->lang == lang)
			return e;
	return NULL;
}

static void
test_load_shipped(void **state)
{
	struct lexicon			*lex;
	const struct lexicon_entry	*e;
	char				 err[256];
	int				 id, en;

	(void)state;
	lex = lexicon_load("config/lexicon", err, sizeof(err));
	assert_non_null(lex);
	assert_int_equal(lexicon_nlangs(lex), 2);
	assert_true(lexicon_size(lex) > 500);
	id = lexicon_lang_index(lex, "id");
	en = lexicon_lang_index(lex, "en");
	assert_true(id >= 0 && en >= 0 && id != en);
	assert_int_equal(lexicon_lang_index(lex, "xx"), -1);
	assert_string_equal(lexicon_lang_name(lex, id), "id");
	assert_null(lexicon_lang_name(lex, 7));
	assert_int_equal(lexicon_decimal(lex, id), ',');
	assert_int_equal(lexicon_group(lex, id), '.');
	assert_int_equal(lexicon_decimal(lex, en), '.');
	assert_int_equal(lexicon_group(lex, en), ',');
	assert_string_equal(lexicon_suffix(lex, id), "nya");
	assert_null(lexicon_suffix(lex, en));

	/* Look-ups ignore ASCII case. */
	e = test_find(lex, "TENTARA", LEXICON_UNIT, id);
	assert_non_null(e);
	assert_string_equal(e->id, "troops");
	e = test_find(lex, "soldiers", LEXICON_UNIT, en);
	assert_non_null(e);
	assert_string_equal(e->id, "troops");
	e = test_find(lex, "korut", LEXICON_ENTITY, LEXICON_ANY_LANG);
	assert_non_null(e);
	assert_string_equal(e->id, "north-korea");
	e = test_find(lex, "sejuta", LEXICON_NUM, id);
	assert_non_null(e);
	assert_true(e->value == 1e6);
	/* Same event id in both languages, so keys agree. */
	assert_string_equal(test_find(lex, "tewas", LEXICON_EVENT, id)->id,
	    test_find(lex, "killed", LEXICON_EVENT, en)->id);
	/* "AS" (Amerika Serikat) must not match the English word "as". */
	e = test_find(lex, "as", LEXICON_ENTITY, LEXICON_ANY_LANG);
	assert_non_null(e);
	assert_true(e->upper & 1U);
	assert_null(test_find(lex, "zzzz-not-a-word", LEXICON_UNIT, id));
	lexicon_free(lex);
}

/* Chains list longer phrases first so the first match is the longest. */
static void
test_longest_first(void **state)
{
	struct lexicon			*lex;
	const struct lexicon_entry	*e;
	char				 err[256];
	unsigned			 prev = 99;

	(void)state;
	lex = lexicon_load("config/lexicon", err, sizeof(err));
	assert_non_null(lex);
	e = lexicon_first(lex, lexicon_hash("korban", 6));
	assert_non_null(e);
	assert_true(e->nwords > 1);
	for (; e != NULL; e = lexicon_entry(lex, e->next)) {
		assert_true(e->nwords <= prev);
		prev = e->nwords;
	}
	assert_int_equal(prev, 1);
	lexicon_free(lex);
}

/* The affix filter knows every shipped affix by its outer letters. */
static void
test_affix_lens(void **state)
{
	struct lexicon	*lex;
	char		 err[256];

	(void)state;
	lex = lexicon_load("config/lexicon", err, sizeof(err));
	assert_non_null(lex);
	/* "ing" (en) ends in "ng"; "meng", "meny", "mem", "men" (id)
	 * start with "me"; "th" is a whole prefix. */
	assert_true(lexicon_affix_lens(lex, LEXICON_DETECT_SUF, 'n', 'g') &
	    1U << 3);
	assert_true(lexicon_affix_lens(lex, LEXICON_DETECT_SUF, 'N', 'G') &
	    1U << 3);
	assert_int_equal(lexicon_affix_lens(lex, LEXICON_DETECT_PRE, 'm',
	    'e'), 1U << 3 | 1U << 4);
	assert_true(lexicon_affix_lens(lex, LEXICON_DETECT_PRE, 't', 'h') &
	    1U << 2);
	/* Not a prefix as a suffix, nothing for other pairs or bytes. */
	assert_int_equal(lexicon_affix_lens(lex, LEXICON_DETECT_SUF, 'm',
	    'e'), 0);
	assert_int_equal(lexicon_affix_lens(lex, LEXICON_DETECT_PRE, 'q',
	    'x'), 0);
	assert_int_equal(lexicon_affix_lens(lex, LEXICON_DETECT_PRE, '1',
	    0xc3), 0);
	assert_int_equal(lexicon_affix_lens(lex, LEXICON_UNIT, 'n', 'g'), 0);
	lexicon_free(lex);
}

static void
test_free_null(void **state)
{
	(void)state;
	lexicon_free(NULL);
}

static void
test_hash_folds_ascii_only(void **state)
{
	(void)state;
	assert_true(lexicon_hash("Korut", 5) == lexicon_hash("KORUT", 5));
	assert_true(lexicon_hash("a", 1) != lexicon_hash("b", 1));
	assert_true(lexicon_hash("", 0) != 0);
}

static const struct {
	const char	*file;
	const char	*content;
	const char	*want;	/* substring of the error */
} test_bad[] = {
	{ "x.lex", "lang xx\nfoo 1 bar\n", "x.lex:2: unknown kind" },
	{ "x.lex", "unit troops tentara\n", "x.lex:1: entry before lang" },
	{ "x.lex", "# c\nlang xx\nnum abc dua\n", "x.lex:3: bad value" },
	{ "x.lex", "lang xx\nnum -3 dua\n", "x.lex:2: bad value" },
	{ "x.lex", "lang xx\nqual sometimes kira\n",
	    "x.lex:2: unknown qualifier" },
	{ "x.lex", "lang xx\nmodal maybe mungkin\n",
	    "x.lex:2: unknown modality" },
	{ "x.lex", "lang xx\nunit Troops tentara\n", "x.lex:2: bad name" },
	{ "x.lex", "lang xx\nunit troops\n", "x.lex:2: missing phrase" },
	{ "x.lex", "lang xx\nunit troops a b c d e f g\n",
	    "x.lex:2: missing phrase or more than" },
	{ "x.lex", "lang xx\nlang yy\n", "x.lex:2: second lang line" },
	{ "x.lex", "lang xx\ndecimal ;\n", "x.lex:2: decimal must be" },
	{ "x.lex", "decimal ,\n", "x.lex:1: decimal before lang" },
	{ "x.lex", "# only a comment\n", "x.lex:2: no lang line" },
	{ "x.lex", "lang xx\nrole later sesudahnya\n",
	    "x.lex:2: unknown role" },
	{ "x.lex", "lang xx\nplural S\n", "x.lex:2: plural takes" },
	{ "x.lex", "lang xx\nplural ies y z\n", "x.lex:2: plural takes" },
	{ "x.lex", "lang xx\nverbprefix me di\n", "x.lex:2: verbprefix takes" },
	{ "x.lex", "lang xx\nhead middle\n", "x.lex:2: head must be" },
	{ "x.lex", "lang xx\neventmap arrived troops\n",
	    "x.lex:2: eventmap takes" },
	{ "x.lex", "plural s\n", "x.lex:1: plural before lang" },
	{ "e.txt", "North-Korea Korut\n", "e.txt:1: bad entity id" },
	{ "e.txt", "\n\nnorth-korea\n", "e.txt:3: missing phrase" },
};

static void
test_bad_files(void **state)
{
	struct lexicon	*lex;
	char		 dir[] = "/tmp/test_lexicon.XXXXXX", path[512];
	char		 err[512];
	FILE		*f;
	size_t		 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(test_bad) / sizeof(test_bad[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, test_bad[i].file);
		assert_non_null(f = fopen(path, "w"));
		fputs(test_bad[i].content, f);
		fclose(f);
		/* A gazetteer alone is refused too, so add a language. */
		if (strcmp(test_bad[i].file, "e.txt") == 0) {
			snprintf(path, sizeof(path), "%s/a.lex", dir);
			assert_non_null(f = fopen(path, "w"));
			fputs("lang aa\n", f);
			fclose(f);
		}
		err[0] = '\0';
		lex = lexicon_load(dir, err, sizeof(err));
		if (lex != NULL || strstr(err, test_bad[i].want) == NULL)
			fprintf(stderr, "case %zu: want \"%s\", got \"%s\"\n",
			    i, test_bad[i].want, err);
		assert_null(lex);
		assert_non_null(strstr(err, test_bad[i].want));
		assert_non_null(strstr(err, dir));
		snprintf(path, sizeof(path), "%s/%s", dir, test_bad[i].file);
		unlink(path);
		snprintf(path, sizeof(path), "%s/a.lex", dir);
		unlink(path);
	}
	/* Empty directory, then a missing one. */
	assert_null(lexicon_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "no *.lex"));
	rmdir(dir);
	assert_null(lexicon_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, dir));
}

/* The language lines: plural endings, head side, verb prefixes, events
 * by unit group. */
static void
test_lang_lines(void **state)
{
	struct lexicon	*lex;
	char		 dir[] = "/tmp/test_lexicon.XXXXXX", path[512];
	char		 err[512], out[32];
	FILE		*f;
	int		 l;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zz.lex", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("lang zz\nplural ies y\nplural s\nhead last\n"
	    "verbprefix me\neventmap arrived troops deployed\n", f);
	fclose(f);
	lex = lexicon_load(dir, err, sizeof(err));
	if (lex == NULL)
		fail_msg("%s", err);
	l = lexicon_lang_index(lex, "zz");
	assert_true(lexicon_head_last(lex, l));
	assert_true(lexicon_singular(lex, l, "Bodies", 6, out, sizeof(out)));
	assert_string_equal(out, "Body");
	assert_true(lexicon_singular(lex, l, "bridges", 7, out, sizeof(out)));
	assert_string_equal(out, "bridge");
	/* Too short, or "ss": no plural. */
	assert_false(lexicon_singular(lex, l, "gas", 3, NULL, 0));
	assert_false(lexicon_singular(lex, l, "press", 5, NULL, 0));
	assert_false(lexicon_singular(lex, l, "troop", 5, NULL, 0));
	assert_true(lexicon_verb_prefix(lex, l, "Mengirim", 8));
	assert_false(lexicon_verb_prefix(lex, l, "meja", 4));
	assert_string_equal(lexicon_event_for(lex, l, "arrived", "troops"),
	    "deployed");
	assert_string_equal(lexicon_event_for(lex, l, "arrived", "people"),
	    "arrived");
	lexicon_free(lex);
	unlink(path);
	rmdir(dir);
}

/* A third language is a new file, and other files are ignored. */
static void
test_third_language(void **state)
{
	struct lexicon	*lex;
	char		 dir[] = "/tmp/test_lexicon.XXXXXX", path[512];
	char		 err[512];
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ms.lex", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("lang ms\ndecimal ,\ngroup .\nunit troops askar # a comment\n"
	    "num 2 dua\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/README", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("not data\n", f);
	fclose(f);
	lex = lexicon_load(dir, err, sizeof(err));
	assert_non_null(lex);
	assert_int_equal(lexicon_nlangs(lex), 1);
	assert_int_equal(lexicon_size(lex), 2);
	assert_non_null(test_find(lex, "askar", LEXICON_UNIT, 0));
	lexicon_free(lex);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ms.lex", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_shipped),
		cmocka_unit_test(test_longest_first),
		cmocka_unit_test(test_affix_lens),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_hash_folds_ascii_only),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_third_language),
		cmocka_unit_test(test_lang_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
