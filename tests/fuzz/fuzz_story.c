/*
 * libFuzzer target for gazetteer and story: arbitrary bytes (not
 * NUL-terminated) as an item's text, scanned once and every claim the
 * extractor finds in it given its story, with the reasons written out.
 * Scopes, labels and keys must stay NUL-terminated and the reason printable
 * ASCII or UTF-8 bytes; the data is loaded once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "extract.h"
#include "gazetteer.h"
#include "lexicon.h"
#include "story.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_story_cb(const struct claim *c, void *arg)
{
	const struct story_text	*st = arg;
	struct claim		 sc = *c;
	char			 why[512];
	size_t			 i;

	story_assign(st, &sc, why, sizeof(why));
	if (memchr(sc.scope, '\0', sizeof(sc.scope)) == NULL ||
	    memchr(sc.label, '\0', sizeof(sc.label)) == NULL ||
	    memchr(sc.key, '\0', sizeof(sc.key)) == NULL ||
	    memchr(why, '\0', sizeof(why)) == NULL)
		abort();
	for (i = 0; why[i] != '\0'; i++)
		if ((unsigned char)why[i] < 0x20)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lexicon	*lex;
	static struct gazetteer	*gaz;
	struct story_text	 st;
	char			 err[256];

	if (lex == NULL) {
		lex = lexicon_load("config/lexicon", err, sizeof(err));
		gaz = gazetteer_load("config/gazetteer", err, sizeof(err));
		if (lex == NULL || gaz == NULL) {
			fprintf(stderr, "fuzz_story: %s\n", err);
			abort();
		}
	}
	story_text_init(&st, gaz, (const char *)data, size);
	extract_text(lex, (const char *)data, size, "auto", fuzz_story_cb,
	    &st);
	story_text_free(&st);
	return 0;
}
