/*
 * words: the words of an item's text, split once for the gazetteer scan,
 * language detection and story names.  A word is a run of ASCII letters
 * and digits and of bytes >= 0x80 (UTF-8 letters); anything else
 * separates words.  Each word carries the 64-bit FNV-1a hash of its bytes
 * with ASCII folded to lower case, which is both the gazetteer's key of a
 * one-word phrase and, for a word of letters, lexicon_hash before its end
 * step, and the classes of byte it holds.  A leaf: no other module.
 */
#ifndef CLAIMWATCH_WORDS_H
#define CLAIMWATCH_WORDS_H

#include <stddef.h>
#include <stdint.h>

#define WORDS_LOWER	0x01	/* 'a'-'z' */
#define WORDS_UPPER	0x20	/* 'A'-'Z': the bit that folds them */
#define WORDS_DIGIT	0x04	/* '0'-'9' */
#define WORDS_HIGH	0x08	/* >= 0x80 */

/*
 * How far a split goes: every word that starts in the first WORDS_BYTES
 * bytes (what language detection scores), and the first WORDS_COUNT words
 * wherever they are (what the gazetteer scans).
 */
#define WORDS_BYTES	(64 * 1024)
#define WORDS_COUNT	4096

struct words_word {
	size_t		 off, len;	/* bytes into the text */
	uint64_t	 hash;
	uint8_t		 cls;		/* WORDS_* of its bytes, or'ed */
};

struct words {
	struct words_word	*w;	/* owned: free with words_free */
	size_t			 n;
};

/* Splits len bytes of text into ws (allocated once, for all words). */
void	 words_split(struct words *ws, const char *text, size_t len);
/* Frees ws->w and empties ws. */
void	 words_free(struct words *ws);

#endif
