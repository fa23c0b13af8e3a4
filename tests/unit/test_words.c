/*
 * Unit tests for words: where words start and end (ASCII letters and
 * digits and bytes >= 0x80), their case-folded FNV-1a hashes and byte
 * classes, and how far a split of a long text goes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"
#include "words.h"

static void
test_split(void **state)
{
	static const char	 text[] = "Kab. Demak, caf\xc3\xa9 12x--US$";
	struct words		 ws;

	(void)state;
	words_split(&ws, text, strlen(text));
	assert_int_equal(ws.n, 5);
	assert_int_equal(ws.w[0].off, 0);
	assert_int_equal(ws.w[0].len, 3);
	assert_true(ws.w[0].hash == util_hash64("kab", 3, UTIL_HASH_SEED));
	assert_int_equal(ws.w[0].cls, WORDS_UPPER | WORDS_LOWER);
	assert_int_equal(ws.w[1].off, 5);
	assert_int_equal(ws.w[1].len, 5);
	assert_int_equal(ws.w[2].len, 5);	/* "café": 5 bytes */
	assert_int_equal(ws.w[2].cls, WORDS_LOWER | WORDS_HIGH);
	assert_true(ws.w[2].hash == util_hash64("caf\xc3\xa9", 5,
	    UTIL_HASH_SEED));
	assert_int_equal(ws.w[3].cls, WORDS_DIGIT | WORDS_LOWER);
	assert_int_equal(ws.w[4].off, strlen(text) - 3);
	assert_int_equal(ws.w[4].cls, WORDS_UPPER);
	assert_true(ws.w[4].hash == util_hash64_lower("US", 2,
	    UTIL_HASH_SEED));
	words_free(&ws);
	assert_null(ws.w);
	words_split(&ws, "", 0);
	assert_int_equal(ws.n, 0);
	words_free(&ws);
	words_split(&ws, " ,; ", 4);
	assert_int_equal(ws.n, 0);
	words_free(&ws);
}

/* Every word that starts in the first WORDS_BYTES, and WORDS_COUNT at
 * least. */
static void
test_limits(void **state)
{
	struct util_buf	 t = { 0 };
	struct words	 ws;
	size_t		 i;

	(void)state;
	/* 40,000 one-letter words: 80,000 bytes. */
	for (i = 0; i < 40000; i++)
		util_buf_append(&t, "a ", 2);
	words_split(&ws, t.data, t.len);
	assert_int_equal(ws.n, WORDS_BYTES / 2);
	assert_true(ws.w[ws.n - 1].off < WORDS_BYTES);
	words_free(&ws);
	/* 5,000 words of 39 letters: 200,000 bytes. */
	util_buf_reset(&t);
	for (i = 0; i < 5000; i++)
		util_buf_append(&t, "abcdefghijklmnopqrstuvwxyzabcdefghijklm ",
		    40);
	words_split(&ws, t.data, t.len);
	assert_int_equal(ws.n, WORDS_COUNT);
	assert_int_equal(ws.w[ws.n - 1].off, 40 * (WORDS_COUNT - 1));
	words_free(&ws);
	util_buf_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
