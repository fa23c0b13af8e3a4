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

#endif
