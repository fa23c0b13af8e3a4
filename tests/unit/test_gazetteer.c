/*
 * Unit tests for gazetteer: the shipped data (config/gazetteer) holds every
 * Indonesian province and regency; aliases of one place meet; capitals
 * decide whether a common word is a place; bad data is "FILE:LINE".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gazetteer.h"

#define TEST_DIR	"config/gazetteer"

static struct gazetteer *test_g;

/* The id of the first name found in s, or "" (and its kind in *kind). */
static const char *
test_first(const char *s, enum gazetteer_kind *kind)
{
	struct gazetteer_match	 m[4];

	if (gazetteer_scan(test_g, s, strlen(s), m, 4) == 0)
		return "";
	if (kind != NULL)
		*kind = m[0].kind;
	return gazetteer_id(test_g, m[0].kind, m[0].id);
}

static void
test_synonyms_meet(void **state)
{
	static const char *const nk[] = { "Korea Utara", "Korut",
	    "Pyongyang", "North Korean", "DPRK" };
	static const char *const demak[] = { "Demak", "Kabupaten Demak",
	    "Kab. Demak", "Kab Demak", "Demak Regency" };
	static const char *const flood[] = { "banjir", "Banjir bandang",
	    "floods", "flash flood" };
	enum gazetteer_kind	 k;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(nk) / sizeof(nk[0]); i++)
		assert_string_equal(test_first(nk[i], NULL), "north-korea");
	for (i = 0; i < sizeof(demak) / sizeof(demak[0]); i++)
		assert_string_equal(test_first(demak[i], NULL), "demak");
	for (i = 0; i < sizeof(flood) / sizeof(flood[0]); i++) {
		assert_string_equal(test_first(flood[i], &k), "flood");
		assert_int_equal(k, GAZETTEER_EVENT);
	}
	/* Longest first: the regency, not the province's prefix. */
	assert_string_equal(test_first("Jawa Tengah", NULL), "jawa-tengah");
	assert_string_equal(test_first("Central Java", NULL), "jawa-tengah");
	assert_string_equal(test_first("Aceh Selatan", NULL),
	    "aceh-selatan");
	assert_string_equal(test_first("Turki", NULL), "turkey");
	assert_string_equal(test_first("Turkey", NULL), "turkey");
}

static void
test_depth_and_country(void **state)
{
	int	 demak, jt, id;

	(void)state;
	demak = gazetteer_place(test_g, "demak");
	jt = gazetteer_place(test_g, "jawa-tengah");
	id = gazetteer_place(test_g, "indonesia");
	assert_true(demak >= 0 && jt >= 0 && id >= 0);
	assert_int_equal(gazetteer_depth(test_g, demak), 2);
	assert_int_equal(gazetteer_depth(test_g, jt), 1);
	assert_int_equal(gazetteer_depth(test_g, id), 0);
	assert_int_equal(gazetteer_country(test_g, demak), id);
	assert_string_equal(gazetteer_label(test_g, GAZETTEER_PLACE, id,
	    "id"), "Indonesia");
	assert_string_equal(gazetteer_label(test_g, GAZETTEER_PLACE,
	    gazetteer_place(test_g, "north-korea"), "id"), "Korea Utara");
	assert_string_equal(gazetteer_agency(test_g, "tni"), "indonesia");
	assert_null(gazetteer_agency(test_g, "north-korea"));
}

/* Every province and regency of the official list has its place. */
static void
test_all_regions(void **state)
{
	FILE	*f;
	char	 line[512], id[128];
	int	 regencies = 0, provinces = 0;

	(void)state;
	assert_non_null(f = fopen(TEST_DIR "/indonesia.txt", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "# ", 2) != 0)
			continue;
		if (strlen(line) >= 8 && line[4] == '.')
			regencies++;
		else if (strlen(line) == 5)
			provinces++;
		else
			continue;
		/* The next line is the place's first name. */
		assert_non_null(fgets(line, sizeof(line), f));
		assert_int_equal(sscanf(line, "place %127s", id), 1);
		assert_true(gazetteer_place(test_g, id) >= 0);
	}
	fclose(f);
	assert_int_equal(provinces, 38);
	assert_int_equal(regencies, 514);
}

static void
test_capitals(void **state)
{
	(void)state;
	/* "batu" is a stone, "Kota Batu" a city, "di Batu" too. */
	assert_string_equal(test_first("lempar batu", NULL), "");
	assert_string_equal(test_first("Batu", NULL), "");
	assert_string_equal(test_first("Kota Batu", NULL), "batu");
	assert_string_equal(test_first("longsor di Batu", NULL),
	    "landslide");
	assert_string_equal(test_first("di Batu", NULL), "batu");
	/* Places are proper nouns; kinds match in any case. */
	assert_string_equal(test_first("demak", NULL), "");
	assert_string_equal(test_first("BANJIR", NULL), "flood");
	/* "US$" is a currency, "US" a country. */
	assert_string_equal(test_first("US$75", NULL), "");
	assert_string_equal(test_first("US", NULL), "united-states");
}

static void
test_bad_data(void **state)
{
	char	 dir[] = "/tmp/cwgaz.XXXXXX", path[64], err[256];
	FILE	*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("place x - en X\nbogus line here\n", f);
	fclose(f);
	assert_null(gazetteer_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "a.txt:2: unknown entry"));
	assert_non_null(f = fopen(path, "w"));
	fputs("place x nowhere en X\n", f);
	fclose(f);
	assert_null(gazetteer_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "place x: unknown parent"));
	unlink(path);
	assert_null(gazetteer_load(dir, err, sizeof(err)));
	rmdir(dir);
	gazetteer_free(NULL);
}

static int
test_setup(void **state)
{
	char	 err[256];

	(void)state;
	if ((test_g = gazetteer_load(TEST_DIR, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
test_teardown(void **state)
{
	(void)state;
	gazetteer_free(test_g);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synonyms_meet),
		cmocka_unit_test(test_depth_and_country),
		cmocka_unit_test(test_all_regions),
		cmocka_unit_test(test_capitals),
		cmocka_unit_test(test_bad_data),
	};

	return cmocka_run_group_tests_name("gazetteer", tests, test_setup,
	    test_teardown);
}
