/*
 * lexicon: per-language word lists (number words, multipliers, qualifiers,
 * vague quantities, event words, unit nouns, modality markers) and the
 * entity gazetteer, loaded from data files in one directory.  Pure: reads
 * files at start and reload only.  Adding a language is adding a file.
 */
#ifndef CLAIMWATCH_LEXICON_H
#define CLAIMWATCH_LEXICON_H

#include <stddef.h>

struct lexicon;

/*
 * Loads every lexicon file in dir.  Returns a new lexicon (free with
 * lexicon_free) or NULL with "FILE:LINE: message" in err.
 */
struct lexicon	*lexicon_load(const char *dir, char *err, size_t errlen);
/* NULL is a no-op. */
void		 lexicon_free(struct lexicon *);

#endif
