/*
 * extract: text + lexicon → figure claims.  Pure and allocation-free per
 * token: it walks the text once and hands each claim to the caller's
 * callback in a struct that lives only until the callback returns.
 */
#ifndef CLAIMWATCH_EXTRACT_H
#define CLAIMWATCH_EXTRACT_H

#include <stddef.h>

#include "claim.h"

struct lexicon;

typedef void (*extract_claim_cb)(const struct claim *, void *arg);

/*
 * Extracts claims from len bytes of UTF-8 text in language lang ("id",
 * "en", a BCP 47 tag such as "en-US" read by lang_tag(), or "auto"/NULL
 * to detect; a language with no lexicon gives no claims).  Calls cb once
 * per claim in text order.  Returns the number of claims.  The lexicon is only read, so one
 * lexicon may serve many calls.
 */
size_t		 extract_text(const struct lexicon *, const char *text,
		    size_t len, const char *lang, extract_claim_cb cb,
		    void *arg);

/* Best guess of the text's language: lang_detect_name(). */
const char	*extract_detect_lang(const struct lexicon *, const char *text,
		    size_t len);

#endif
