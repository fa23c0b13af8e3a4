/*
 * libFuzzer target for extract: arbitrary bytes (not NUL-terminated) as
 * Indonesian, English and auto-detected text against the shipped lexicon.
 * The first byte picks the language so one corpus covers all three.
 * Claims must stay inside the input; the lexicon is loaded once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "extract.h"
#include "lexicon.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_extract_arg {
	size_t	 len;
};

static void
fuzz_extract_cb(const struct claim *c, void *arg)
{
	const struct fuzz_extract_arg	*a = arg;

	if (c->offset + c->length > a->len || c->length == 0 ||
	    c->sent_offset > c->offset ||
	    c->sent_offset + c->sent_length > a->len ||
	    memchr(c->key, '\0', sizeof(c->key)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lexicon		*lex;
	static const char *const	 langs[] = { "id", "en", "auto" };
	struct fuzz_extract_arg		 a;
	char				 err[256];

	if (lex == NULL) {
		const char	*dir = getenv("CW_LEXICON_DIR");

		lex = lexicon_load(dir != NULL ? dir : "config/lexicon", err,
		    sizeof(err));
		if (lex == NULL) {
			fprintf(stderr, "fuzz_extract: %s\n", err);
			abort();
		}
	}
	if (size == 0)
		return 0;
	a.len = size - 1;
	extract_text(lex, (const char *)data + 1, size - 1,
	    langs[data[0] % 3], fuzz_extract_cb, &a);
	return 0;
}
