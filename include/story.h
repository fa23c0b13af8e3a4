/*
 * story: which story a claim belongs to.  A story's scope is either the
 * owner of the counted things ("north-korea": its troops, wherever they
 * are) or the place and kind of the event ("demak.flood"), found with the
 * gazetteer in the claim's sentence, else the item's title, else the rest
 * of the item.  The scope is a pure function of the item's text and the
 * gazetteer, so every daemon with the same data agrees on it.  Pure: no
 * Redis, no clock, no log.  The rule is written down in README.md.
 */
#ifndef CLAIMWATCH_STORY_H
#define CLAIMWATCH_STORY_H

#include <stdbool.h>
#include <stddef.h>

#include "words.h"

struct claim;
struct gazetteer;
struct gazetteer_match;

/* One item's text and the names in it, scanned once for all its claims. */
struct story_text {
	const struct gazetteer	*g;
	const char		*text;	/* the caller's, "Title.\n\nBody" */
	size_t			 len;
	size_t			 title_len; /* bytes before the first "\n\n" */
	struct gazetteer_match	*m;	/* owned: names in text order */
	size_t			 n;
	/* owned: the text split once, for the gazetteer and lang */
	struct words		 words;
};

/*
 * Scans len bytes of text (the title, a blank line, the body; without a
 * blank line it is all title).  text must outlive st; free st with
 * story_text_free.
 */
void	 story_text_init(struct story_text *st, const struct gazetteer *,
	    const char *text, size_t len);
void	 story_text_free(struct story_text *st);

/*
 * Gives c its story: sets c->scope, c->label (in c->lang) and c->key.
 * Returns false, with c->scope "" and the key as claim_make_key left it,
 * when the text names neither an owner nor a place: such a claim belongs
 * to no story the daemon can tell apart, and is not stored.  why (may be
 * NULL) gets the words that decided it, for `claimwatch extract
 * --explain`.
 */
bool	 story_assign(const struct story_text *, struct claim *c, char *why,
	    size_t whylen);

/*
 * A scope of a place alone ("demak": the item named no kind of event)
 * can be completed from the story registry: story_place writes the place
 * id to buf and returns true for such a claim; story_set_kind makes it
 * "place.kind" (label and key too).  story_split gives place and kind of a
 * complete place scope, false for owner and place-only scopes.
 */
bool	 story_place(const struct claim *c, char *buf, size_t len);
/* Gives c this scope (from the registry) with its label and key. */
void	 story_set_scope(const struct gazetteer *, struct claim *c,
	    const char *scope);
/*
 * The item's salient names, for grouping items that name neither owner
 * nor place: runs of one to three capitalised words ("Sungai Wulan") the
 * gazetteer does not know, lower case joined by "-" ("sungai-wulan"); a
 * single word opening a sentence is not one.  Writes up to max names;
 * returns how many.
 */
#define STORY_NAME_LEN	40
size_t	 story_names(const struct story_text *, char (*names)[STORY_NAME_LEN],
	    size_t max);
/*
 * Whether c counts a part of whole, a claim before it in the same
 * sentence of the same story and event: children or women among people
 * ("12 orang tewas, termasuk 4 anak-anak").  Such a claim is a sub-count
 * even when the extractor called it a headline.
 */
bool	 story_is_part(const struct claim *whole, const struct claim *c);
void	 story_set_kind(const struct gazetteer *, struct claim *c,
	    const char *kind);
bool	 story_split(const struct claim *c, char *place, size_t plen,
	    char *kind, size_t klen);

#endif
