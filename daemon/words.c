/*
 * words: one split of a text into words for the modules that scan it
 * word by word (gazetteer, lang, story).  The caller owns the struct
 * words; words_split allocates its array once, sized for the text, and
 * words_free frees it.
 */
#include <stdlib.h>

#include "util.h"
#include "words.h"

_Static_assert(WORDS_UPPER == 'a' - 'A', "WORDS_UPPER folds case");

/* Byte classes, one look-up a byte. */
static const uint8_t words_class[256] = {
	['0' ... '9'] = WORDS_DIGIT, ['A' ... 'Z'] = WORDS_UPPER,
	['a' ... 'z'] = WORDS_LOWER, [0x80 ... 0xff] = WORDS_HIGH,
};

void
words_split(struct words *ws, const char *text, size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i = 0, cap, start;
	uint64_t		 h;
	uint8_t			 c, cls;

	ws->n = 0;
	ws->w = NULL;
	/* A word and its separator take two bytes: len / 2 + 1 words. */
	cap = len / 2 + 1;
	if (cap > WORDS_BYTES / 2 + 1 + WORDS_COUNT)
		cap = WORDS_BYTES / 2 + 1 + WORDS_COUNT;
	ws->w = xreallocarray(NULL, cap, sizeof(*ws->w));
	while (i < len && ws->n < cap) {
		while (i < len && words_class[s[i]] == 0)
			i++;
		if (i == len || (i >= WORDS_BYTES && ws->n >= WORDS_COUNT))
			break;
		start = i;
		h = UTIL_HASH_SEED;
		cls = 0;
		while (i < len && (c = words_class[s[i]]) != 0) {
			cls |= c;
			/* 0x20 for 'A'-'Z' only: the fold. */
			h = util_fnv1a_step(h, s[i++] | (c & WORDS_UPPER));
		}
		ws->w[ws->n].off = start;
		ws->w[ws->n].len = i - start;
		ws->w[ws->n].hash = h;
		ws->w[ws->n++].cls = cls;
	}
}

void
words_free(struct words *ws)
{
	free(ws->w);
	ws->w = NULL;
	ws->n = 0;
}
