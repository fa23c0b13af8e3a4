/*
 * lang: which lexicon language a text is in.  Maps the BCP 47 tags feeds
 * and settings carry ("en-US", "id-ID", "in", "en_GB") to a lexicon
 * language, and guesses the language of a text from the lexicon's own
 * words (detect words, any entry of a language, detection affixes).  Pure:
 * one hash probe per word of text; only lang_choose allocates (it splits
 * the text with words_split, which lang_choose_words is given instead).
 */
#ifndef CLAIMWATCH_LANG_H
#define CLAIMWATCH_LANG_H

#include <stdbool.h>
#include <stddef.h>

struct lexicon;

#define LANG_AUTO	"auto"	/* no usable tag: detect */
#define LANG_NONE	"none"	/* a language with no lexicon */
#define LANG_MAX	16	/* languages scored (lexicon's limit) */

/*
 * The lexicon language a tag selects, by its primary subtag in any case
 * ("EN", "en-us", "id_ID", "in-ID" and "ind" select "en" or "id" when the
 * lexicon has or aliases them).  Returns the lexicon's name (valid until
 * lexicon_free), LANG_AUTO for NULL, "", "auto", "und" and "mul", or
 * LANG_NONE for a language the lexicon lacks or a malformed tag.
 */
const char	*lang_tag(const struct lexicon *, const char *tag);
/* True when lang_tag returned a lexicon language. */
bool		 lang_is_known(const char *name);

/* Evidence per lexicon language index found in one text. */
struct lang_guess {
	unsigned	 score[LANG_MAX];
	int		 best;		/* highest score, -1: no evidence or tie */
};

/* Scores the first 64 KiB of text; fills g. */
void		 lang_detect(const struct lexicon *, const char *text,
		    size_t len, struct lang_guess *g);
/*
 * The language of text: the best guess, else the lexicon's first language
 * (so "auto" always extracts in some language), or NULL with no lexicon.
 */
const char	*lang_detect_name(const struct lexicon *, const char *text,
		    size_t len);

/*
 * The language to extract an item in when its declared tag is tag (NULL
 * for none): the tag's language unless the text is plainly another one,
 * else the detected one.  Sets *unknown when the tag names a language
 * with no lexicon (the caller logs it; detection is used).  Returns a
 * lexicon name, or NULL with no lexicon.
 */
const char	*lang_choose(const struct lexicon *, const char *tag,
		    const char *text, size_t len, bool *unknown);
/* The same for a text already split by words_split (story_text's). */
struct words;
const char	*lang_choose_words(const struct lexicon *, const char *tag,
		    const char *text, size_t len, const struct words *,
		    bool *unknown);

#endif
