/*
 * Unit tests for extract: the per-language case tables in
 * tests/data/extract/, the five seed articles (when ../shared/seeds is
 * there), offsets, language detection and input edge cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "claim.h"
#include "extract.h"
#include "lexicon.h"
#include "util.h"

#define TEST_LEXDIR	"config/lexicon"
/* Tests run from the repository root; shared/ sits beside the clone. */
#define TEST_SEEDDIR	"../shared/seeds"
#define TEST_MAXCLAIMS	64
#define TEST_MINCASES	150

struct test_run {
	const char	*text;
	size_t		 len;
	size_t		 n;
	struct claim	 c[TEST_MAXCLAIMS];
	int		 bad_span;	/* claims whose offsets are wrong */
};

static struct lexicon *test_lex;

static int
test_setup(void **state)
{
	char	 err[256];

	(void)state;
	test_lex = lexicon_load(TEST_LEXDIR, err, sizeof(err));
	if (test_lex == NULL) {
		fprintf(stderr, "lexicon: %s\n", err);
		return -1;
	}
	return 0;
}

static int
test_teardown(void **state)
{
	(void)state;
	lexicon_free(test_lex);
	return 0;
}

static void
test_collect_cb(const struct claim *c, void *arg)
{
	struct test_run	*r = arg;
	char		 key[CLAIM_KEY_MAX];
	struct claim	 tmp = *c;

	/* Spans must lie in the text, the claim inside its sentence. */
	if (c->length == 0 || c->offset + c->length > r->len ||
	    c->sent_offset > c->offset || c->sent_offset + c->sent_length <
	    c->offset + c->length)
		r->bad_span++;
	/* The key must be the rule applied to the fields. */
	claim_make_key(&tmp);
	util_strlcpy(key, tmp.key, sizeof(key));
	if (strcmp(key, c->key) != 0)
		r->bad_span++;
	if (r->n < TEST_MAXCLAIMS)
		r->c[r->n] = *c;
	r->n++;
}

static void
test_run_text(struct test_run *r, const char *text, size_t len,
    const char *lang)
{
	size_t	 n;

	memset(r, 0, sizeof(*r));
	r->text = text;
	r->len = len;
	n = extract_text(test_lex, text, len, lang, test_collect_cb, r);
	assert_int_equal(n, r->n);
}

static bool
test_same(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

/*
 * Compares one claim with "VALUE QUAL UNIT EVENT ENTITY MODALITY [ROLE]";
 * without ROLE the claim must be a headline.
 */
static bool
test_claim_matches(const struct claim *c, const char *spec, char *why,
    size_t whylen)
{
	char	 val[64], qual[32], unit[64], event[64], ent[64], mod[32];
	char	 role[32] = "headline";
	char	*dash;
	double	 lo, hi = 0;
	bool	 range = false;

	if (sscanf(spec, "%63s %31s %63s %63s %63s %31s %31s", val, qual,
	    unit, event, ent, mod, role) < 6) {
		snprintf(why, whylen, "bad spec \"%s\"", spec);
		return false;
	}
	if ((dash = strchr(val + 1, '-')) != NULL) {
		*dash = '\0';
		hi = strtod(dash + 1, NULL);
		range = true;
	}
	lo = strtod(val, NULL);
	if (c->has_max)
		snprintf(why, whylen, "got %.17g-%.17g", c->value, c->max);
	else
		snprintf(why, whylen, "got %.17g", c->value);
	snprintf(why + strlen(why), whylen - strlen(why),
	    " %s %s %s %s %s %s [%s]",
	    claim_qualifier_name(c->qualifier), c->unit, c->event,
	    c->entity[0] != '\0' ? c->entity : "-",
	    claim_modality_name(c->modality), claim_role_name(c->role),
	    c->unit_text);
	if (!test_same(c->value, lo) || range != c->has_max ||
	    (range && !test_same(c->max, hi)))
		return false;
	if (strcmp(qual, claim_qualifier_name(c->qualifier)) != 0 ||
	    strcmp(unit, c->unit) != 0 || strcmp(event, c->event) != 0 ||
	    strcmp(mod, claim_modality_name(c->modality)) != 0 ||
	    strcmp(role, claim_role_name(c->role)) != 0)
		return false;
	if (strcmp(ent, "-") == 0)
		return c->entity[0] == '\0';
	return strcmp(ent, c->entity) == 0;
}

/* Checks a run against " ; "-separated specs; prints what differs. */
static bool
test_check(const struct test_run *r, const char *where, char *specs)
{
	char	*spec, *next, why[512];
	size_t	 i = 0;
	bool	 ok = true;

	if (r->bad_span != 0) {
		fprintf(stderr, "%s: %d claims with bad offsets or key\n",
		    where, r->bad_span);
		ok = false;
	}
	if (strcmp(specs, "none") == 0) {
		if (r->n != 0) {
			test_claim_matches(&r->c[0], "0 x x x x x", why,
			    sizeof(why));
			fprintf(stderr, "%s: expected no claim, %s\n", where,
			    why);
			return false;
		}
		return ok;
	}
	for (spec = specs; spec != NULL; spec = next, i++) {
		if ((next = strstr(spec, " ; ")) != NULL) {
			*next = '\0';
			next += 3;
		}
		if (i >= r->n) {
			fprintf(stderr, "%s: missing claim %zu \"%s\"\n", where,
			    i + 1, spec);
			return false;
		}
		if (!test_claim_matches(&r->c[i], spec, why, sizeof(why))) {
			fprintf(stderr, "%s: claim %zu: want \"%s\", %s\n",
			    where, i + 1, spec, why);
			ok = false;
		}
	}
	if (i != r->n) {
		fprintf(stderr, "%s: %zu claims, expected %zu\n", where, r->n,
		    i);
		ok = false;
	}
	return ok;
}

static void
test_table(const char *path, const char *lang)
{
	struct test_run	*r;
	char		 err[256], where[512], *data, *line, *next, *tab;
	size_t		 len, lineno = 0, ncases = 0, nfail = 0;

	assert_int_equal(util_read_file(path, 1 << 20, &data, &len, err,
	    sizeof(err)), 0);
	r = xmalloc(sizeof(*r));
	for (line = data; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL) {
			fprintf(stderr, "%s:%zu: no tab\n", path, lineno);
			nfail++;
			continue;
		}
		*tab++ = '\0';
		ncases++;
		test_run_text(r, line, strlen(line), lang);
		snprintf(where, sizeof(where), "%s:%zu: \"%s\"", path, lineno,
		    line);
		if (!test_check(r, where, tab))
			nfail++;
	}
	fprintf(stderr, "%s: %zu cases, %zu failed\n", path, ncases, nfail);
	free(r);
	free(data);
	assert_true(ncases >= TEST_MINCASES);
	assert_int_equal(nfail, 0);
}

static void
test_cases_id(void **state)
{
	(void)state;
	test_table("tests/data/extract/cases_id.tsv", "id");
}

static void
test_cases_en(void **state)
{
	(void)state;
	test_table("tests/data/extract/cases_en.tsv", "en");
}

static void
test_seed_articles(void **state)
{
	struct test_run	*r;
	struct stat	 st;
	char		 err[256], path[512], *data, *text, *line, *next, *tab;
	size_t		 len, tlen, nfail = 0, nseeds = 0;

	(void)state;
	if (stat(TEST_SEEDDIR, &st) == -1) {
		skip();
		return;
	}
	assert_int_equal(util_read_file("tests/data/extract/seeds.tsv",
	    1 << 20, &data, &len, err, sizeof(err)), 0);
	r = xmalloc(sizeof(*r));
	for (line = data; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab++ = '\0';
		snprintf(path, sizeof(path), "%s/%s", TEST_SEEDDIR, line);
		assert_int_equal(util_read_file(path, 1 << 20, &text, &tlen,
		    err, sizeof(err)), 0);
		/* The articles are Indonesian: auto must find that too. */
		assert_string_equal(extract_detect_lang(test_lex, text, tlen),
		    "id");
		test_run_text(r, text, tlen, "auto");
		if (!test_check(r, path, tab))
			nfail++;
		nseeds++;
		free(text);
	}
	free(r);
	free(data);
	assert_int_equal(nseeds, 5);
	assert_int_equal(nfail, 0);
}

/* The claim words and the sentence are where a reader sees them. */
static void
test_offsets(void **state)
{
	struct test_run	 r;
	const char	*t = "Banjir datang. Lebih dari 3.000 tentara Korut "
	    "tewas, kata pejabat. Selesai.";
	const char	*want = "Lebih dari 3.000 tentara";
	const char	*sent = "Lebih dari 3.000 tentara Korut tewas, kata "
	    "pejabat.";

	(void)state;
	test_run_text(&r, t, strlen(t), "id");
	assert_int_equal(r.n, 1);
	assert_int_equal(r.c[0].length, strlen(want));
	assert_memory_equal(t + r.c[0].offset, want, strlen(want));
	assert_int_equal(r.c[0].sent_length, strlen(sent));
	assert_memory_equal(t + r.c[0].sent_offset, sent, strlen(sent));
	assert_string_equal(r.c[0].key, "north-korea/killed/people");
	assert_string_equal(r.c[0].lang, "id");
}

/* The same fact in two languages gives the same key. */
static void
test_same_key_across_languages(void **state)
{
	struct test_run	 a, b;
	const char	*id = "Lebih dari 3.000 tentara Korea Utara tewas atau "
	    "terluka.";
	const char	*en = "More than 3,000 North Korean soldiers were "
	    "killed or wounded.";

	(void)state;
	test_run_text(&a, id, strlen(id), "id");
	test_run_text(&b, en, strlen(en), "en");
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_string_equal(a.c[0].key, b.c[0].key);
	assert_true(test_same(a.c[0].value, b.c[0].value));
}

/* "1.500" reads 1500 in Indonesian and 1.5 in English. */
static void
test_language_decides_separators(void **state)
{
	struct test_run	 r;
	const char	*id = "Sebanyak 1.500 tentara dikirim.";
	const char	*en = "Some 1.500 troops were sent.";
	const char	*en2 = "Some 1,500 troops were sent.";
	const char	*id2 = "Sebanyak 1,5 juta orang mengungsi.";

	(void)state;
	test_run_text(&r, id, strlen(id), "id");
	assert_int_equal(r.n, 1);
	assert_true(test_same(r.c[0].value, 1500));
	test_run_text(&r, en, strlen(en), "en");
	assert_int_equal(r.n, 1);
	assert_true(test_same(r.c[0].value, 1.5));
	test_run_text(&r, en2, strlen(en2), "en");
	assert_int_equal(r.n, 1);
	assert_true(test_same(r.c[0].value, 1500));
	test_run_text(&r, id2, strlen(id2), "id");
	assert_int_equal(r.n, 1);
	assert_true(test_same(r.c[0].value, 1500000));
}

static void
test_detect_lang(void **state)
{
	const char	*id = "Pemerintah mengatakan bahwa banjir yang terjadi "
	    "di kota itu telah merendam rumah dan sekolah.";
	const char	*en = "The government said that the floods in the "
	    "city have submerged homes and schools.";
	struct test_run	 r;

	(void)state;
	assert_string_equal(extract_detect_lang(test_lex, id, strlen(id)),
	    "id");
	assert_string_equal(extract_detect_lang(test_lex, en, strlen(en)),
	    "en");
	test_run_text(&r, en, strlen(en), NULL);
	assert_int_equal(r.n, 0);
}

static void
test_unknown_lang_and_empty(void **state)
{
	struct test_run	 r;

	(void)state;
	assert_int_equal(extract_text(test_lex, "100 tentara tewas", 17, "xx",
	    NULL, NULL), 0);
	test_run_text(&r, "", 0, "id");
	assert_int_equal(r.n, 0);
	assert_int_equal(extract_text(NULL, "x", 1, "id", NULL, NULL), 0);
	/* A NULL callback still counts. */
	assert_int_equal(extract_text(test_lex, "100 tentara tewas", 17, "id",
	    NULL, NULL), 1);
}

/* Text is not NUL-terminated: nothing past len may be read. */
static void
test_respects_length(void **state)
{
	char		*t;
	const char	*s = "Sebanyak 20 orang tewas.";
	struct test_run	 r;

	(void)state;
	t = xmalloc(strlen(s));
	memcpy(t, s, strlen(s));
	test_run_text(&r, t, strlen(s), "id");
	assert_int_equal(r.n, 1);
	/* Cut inside the number: "Sebanyak 2". */
	test_run_text(&r, t, 10, "id");
	assert_int_equal(r.n, 0);
	free(t);
}

/* A run-on "sentence" longer than the token window is still read. */
static void
test_long_sentence(void **state)
{
	struct util_buf	 b = { 0 };
	struct test_run	*r;
	int		 i;

	(void)state;
	r = xmalloc(sizeof(*r));
	for (i = 0; i < 1000; i++)
		util_buf_printf(&b, "kata%d ", i);
	util_buf_printf(&b, "sekitar 100 tentara tewas");
	for (i = 0; i < 1000; i++)
		util_buf_printf(&b, " lagi");
	test_run_text(r, b.data, b.len, "id");
	assert_int_equal(r->n, 1);
	assert_true(test_same(r->c[0].value, 100));
	util_buf_free(&b);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_id),
		cmocka_unit_test(test_cases_en),
		cmocka_unit_test(test_seed_articles),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_same_key_across_languages),
		cmocka_unit_test(test_language_decides_separators),
		cmocka_unit_test(test_detect_lang),
		cmocka_unit_test(test_unknown_lang_and_empty),
		cmocka_unit_test(test_respects_length),
		cmocka_unit_test(test_long_sentence),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
