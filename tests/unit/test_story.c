/*
 * Unit tests for story: the scope rule of README "Stories and keys" on
 * claims built by hand (no extractor): owner over place, place and kind
 * from the sentence, then the title, then the item; the owner's home
 * country and agencies yield to the place; no owner and no place is no
 * story; reports of one quantity meet, two stories of a kind do not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "claim.h"
#include "gazetteer.h"
#include "story.h"
#include "util.h"

static struct gazetteer *test_g;

/*
 * The key a claim gets whose sentence is the one containing needle in
 * text; "" when it belongs to no story.
 */
static const char *
test_key(const char *text, const char *needle, const char *entity,
    const char *event, const char *unit, const char *lang)
{
	static struct claim	 c;
	struct story_text	 st;
	const char		*p = strstr(text, needle), *b, *e;
	bool			 ok;

	assert_non_null(p);
	for (b = p; b > text && strchr(".\n", b[-1]) == NULL; b--)
		;
	e = p + strcspn(p, ".\n");
	memset(&c, 0, sizeof(c));
	util_strlcpy(c.entity, entity, sizeof(c.entity));
	util_strlcpy(c.event, event, sizeof(c.event));
	util_strlcpy(c.unit, unit, sizeof(c.unit));
	util_strlcpy(c.lang, lang, sizeof(c.lang));
	c.sent_offset = (size_t)(b - text);
	c.sent_length = (size_t)(e - b);
	story_text_init(&st, test_g, text, strlen(text));
	ok = story_assign(&st, &c, NULL, 0);
	story_text_free(&st);
	return ok ? c.key : "";
}

static void
test_owner_ties_places(void **state)
{
	(void)state;
	assert_string_equal(test_key("Sekitar 100 tentara Korut tewas di "
	    "Kursk.", "100", "north-korea", "killed", "troops", "id"),
	    "north-korea/killed/people");
	assert_string_equal(test_key("More than 3,000 North Koreans were "
	    "killed in the war in Ukraine.", "3,000", "north-korea",
	    "killed", "people", "en"), "north-korea/killed/people");
}

static void
test_place_and_kind(void **state)
{
	(void)state;
	assert_string_equal(test_key("Banjir di Demak menewaskan 12 warga.",
	    "12", "", "killed", "people", "id"), "demak.flood/killed/people");
	assert_string_equal(test_key("Floods in Demak Regency killed 12 "
	    "people.", "12", "", "killed", "people", "en"),
	    "demak.flood/killed/people");
	/* Two floods of the same weeks are two stories. */
	assert_string_equal(test_key("The flood in Bantul killed 9 people.",
	    "9", "", "killed", "people", "en"), "bantul.flood/killed/people");
	/* The regency, not the province the sentence also names. */
	assert_string_equal(test_key("Gempa di Cianjur, Jawa Barat, "
	    "menewaskan 268 orang.", "268", "", "killed", "people", "id"),
	    "cianjur.earthquake/killed/people");
}

static void
test_title_and_item(void **state)
{
	static const char text[] =
	    "Banjir bandang terjang Kabupaten Grobogan\n\n"
	    "Petugas terus mencari korban. Jumlah korban tewas bertambah "
	    "menjadi 15 orang.";

	(void)state;
	assert_string_equal(test_key(text, "15", "", "killed", "people",
	    "id"), "grobogan.flood/killed/people");
	/* A place with no kind anywhere: the place alone. */
	assert_string_equal(test_key("Di Sleman, 40 rumah rusak.", "40", "",
	    "affected", "houses", "id"), "sleman/affected/houses");
}

static void
test_home_owner_and_agency(void **state)
{
	(void)state;
	assert_string_equal(test_key("Banjir di Demak menewaskan 12 warga "
	    "Indonesia.", "12", "indonesia", "killed", "people", "id"),
	    "demak.flood/killed/people");
	/* The owner is the place: "5,000 Turkish citizens" of a Turkish quake. */
	assert_string_equal(test_key("An earthquake in Turkey killed 5,000 "
	    "Turkish citizens.", "5,000", "turkey", "killed", "people", "en"),
	    "turkey.earthquake/killed/people");
	/* A war is its owners' story wherever it is fought. */
	assert_string_equal(test_key("Some 300 North Korean soldiers were "
	    "killed in fighting.", "300", "north-korea", "killed", "troops",
	    "en"), "north-korea/killed/people");
	/* Owners abroad keep their own count. */
	assert_string_equal(test_key("The earthquake in Turkey killed 3 "
	    "Indonesians.", "3", "indonesia", "killed", "people", "en"),
	    "indonesia/killed/people");
	assert_string_equal(test_key("TNI kerahkan 500 personel ke lokasi "
	    "banjir Demak.", "500", "tni", "deployed", "personnel", "id"),
	    "demak.flood/deployed/people");
}

/* A transfer is its two parties' story, whichever one owns the count. */
static void
test_funding_parties(void **state)
{
	(void)state;
	assert_string_equal(test_key("The EU pledged $75 million to Ukraine.",
	    "75", "eu", "funding", "usd", "en"), "eu+ukraine/funding/usd");
	assert_string_equal(test_key("Ukraina menerima bantuan US$90 juta "
	    "dari Uni Eropa.", "90", "ukraine", "funding", "usd", "id"),
	    "eu+ukraine/funding/usd");
	assert_string_equal(test_key("Amerika Serikat memberi Ukraina US$500 "
	    "juta.", "500", "united-states", "funding", "usd", "id"),
	    "ukraine+united-states/funding/usd");
}

static void
test_no_story(void **state)
{
	(void)state;
	assert_string_equal(test_key("Sebanyak 30 orang tewas dalam "
	    "kecelakaan.", "30", "", "killed", "people", "id"), "");
}

static void
test_label(void **state)
{
	struct claim		 c;
	struct story_text	 st;
	static const char	 text[] = "Banjir di Demak menewaskan 12 orang.";

	(void)state;
	memset(&c, 0, sizeof(c));
	util_strlcpy(c.event, "killed", sizeof(c.event));
	util_strlcpy(c.unit, "people", sizeof(c.unit));
	util_strlcpy(c.lang, "id", sizeof(c.lang));
	c.sent_length = strlen(text);
	story_text_init(&st, test_g, text, strlen(text));
	assert_true(story_assign(&st, &c, NULL, 0));
	assert_string_equal(c.scope, "demak.flood");
	assert_string_equal(c.label, "Banjir Demak");
	util_strlcpy(c.lang, "en", sizeof(c.lang));
	assert_true(story_assign(&st, &c, NULL, 0));
	assert_string_equal(c.label, "Flood in Demak");
	story_text_free(&st);
}

/* Children among people of the same sentence are a part, not news. */
static void
test_parts(void **state)
{
	struct claim	 whole, part;

	(void)state;
	memset(&whole, 0, sizeof(whole));
	util_strlcpy(whole.scope, "bantul.flood", sizeof(whole.scope));
	util_strlcpy(whole.event, "killed", sizeof(whole.event));
	util_strlcpy(whole.unit, "people", sizeof(whole.unit));
	whole.offset = 20;
	part = whole;
	util_strlcpy(part.unit, "children", sizeof(part.unit));
	part.offset = 40;
	assert_true(story_is_part(&whole, &part));
	assert_false(story_is_part(&part, &whole));
	part.sent_offset = 100;		/* another sentence */
	assert_false(story_is_part(&whole, &part));
	part.sent_offset = 0;
	util_strlcpy(part.unit, "civilians", sizeof(part.unit));
	assert_false(story_is_part(&whole, &part));
}

/* Salient names: unknown capitalised runs, not days, places or openers. */
static void
test_names(void **state)
{
	static const char	 text[] = "Banjir bandang terjang Demak.\n\n"
	    "Hujan deras sejak Senin malam membuat Sungai Wulan meluap. "
	    "Warga Desa Wonorejo mengungsi, kata Agus.";
	struct story_text	 st;
	char			 names[8][STORY_NAME_LEN];
	size_t			 n;

	(void)state;
	story_text_init(&st, test_g, text, strlen(text));
	n = story_names(&st, names, 8);
	story_text_free(&st);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "sungai-wulan");
	assert_string_equal(names[1], "warga-desa-wonorejo");
	assert_string_equal(names[2], "agus");
}

static int
test_setup(void **state)
{
	char	 err[256];

	(void)state;
	test_g = gazetteer_load("config/gazetteer", err, sizeof(err));
	if (test_g == NULL) {
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
		cmocka_unit_test(test_owner_ties_places),
		cmocka_unit_test(test_place_and_kind),
		cmocka_unit_test(test_title_and_item),
		cmocka_unit_test(test_home_owner_and_agency),
		cmocka_unit_test(test_funding_parties),
		cmocka_unit_test(test_no_story),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("story", tests, test_setup,
	    test_teardown);
}
