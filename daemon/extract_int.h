/*
 * extract internals shared by extract.c (tokenizer, number phrases, the
 * sentence loop) and extract_claim.c (the phases that turn one number
 * phrase into a claim).  Not a public interface.
 */
#ifndef CLAIMWATCH_EXTRACT_INT_H
#define CLAIMWATCH_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "claim.h"
#include "extract.h"
#include "lexicon.h"

#define EXTRACT_TOKENS_MAX	384	/* a longer "sentence" is cut */
#define EXTRACT_HISTORY		16	/* earlier claims of a text kept */

enum extract_type {
	EXTRACT_WORD,
	EXTRACT_NUM,
	EXTRACT_PUNCT
};

#define EXTRACT_F_BAD	0x01	/* number that cannot be a count */
#define EXTRACT_F_UPPER	0x02	/* word is all capitals */
#define EXTRACT_F_SPACE	0x04	/* whitespace before the token */
#define EXTRACT_F_BREAK	0x08	/* punctuation that ends a clause */
#define EXTRACT_F_YEAR	0x10	/* four plain digits that read as a year */
#define EXTRACT_F_NUMW	0x20	/* word may start a number phrase */
#define EXTRACT_F_CAP	0x40	/* word starts with a capital */
#define EXTRACT_F_STRONG 0x80	/* break that commas do not soften: ; : */

struct extract_tok {
	size_t				 off;
	uint32_t			 len;
	uint8_t				 type;
	uint8_t				 flags;
	uint16_t			 clause;
	uint64_t			 kinds;	/* kinds in the lexicon chain */
	uint64_t			 hash;
	const struct lexicon_entry	*first;	/* lexicon chain or NULL */
	double				 num;	/* EXTRACT_NUM value */
};

/* A parsed number phrase: tokens [start, end). */
struct extract_num {
	size_t	 start;
	size_t	 end;
	double	 value;
	bool	 vague;
	bool	 mult;		/* a multiplier word was applied */
	bool	 one;		/* the lone word "one": an article */
};

/* What later claims of a text may take over from an earlier one. */
struct extract_seen {
	double			 value;
	enum claim_modality	 modality;
	char			 unit[CLAIM_NAME_MAX];
	char			 unit_text[CLAIM_TEXT_MAX];
	char			 event[CLAIM_NAME_MAX];
	char			 entity[CLAIM_NAME_MAX];
};

struct extract_ctx {
	const struct lexicon	*lex;
	int			 lang;
	const char		*langname;
	char			 dec;
	char			 grp;
	const char		*suffix;
	size_t			 suffixlen;
	bool			 head_last;
	const char		*text;
	size_t			 len;
	extract_claim_cb	 cb;
	void			*arg;
	size_t			 nclaims;
	bool			 has_num;
	uint64_t		 kinds;		/* lexicon kinds the sentence has */
	bool			 prev_in_sent;	/* last claim is of this sentence */
	size_t			 prev_last;	/* its last token + 1 */
	size_t			 prev_evpos;	/* its event word's token */
	size_t			 nhist;		/* claims of this text so far */
	struct extract_seen	 hist[EXTRACT_HISTORY]; /* ring, last claims */
	struct claim		 c;
	size_t			 ntok;
	struct extract_tok	 tok[EXTRACT_TOKENS_MAX];
};

const struct lexicon_entry *extract_match(const struct extract_ctx *, size_t,
		    enum lexicon_kind);
const struct lexicon_entry *extract_match_suffix(const struct extract_ctx *,
		    size_t, enum lexicon_kind);
const struct lexicon_entry *extract_match_ending(const struct extract_ctx *,
		    size_t, enum lexicon_kind, size_t *);
/* Words of the longest lexicon entry (not a detection word) at i, or 0. */
size_t		 extract_known(const struct extract_ctx *, size_t);
bool		 extract_is_numword(const struct extract_ctx *, size_t);
bool		 extract_starts_number(const struct extract_ctx *, size_t);
bool		 extract_number(const struct extract_ctx *, size_t,
		    struct extract_num *);
bool		 extract_not_count(const struct extract_ctx *,
		    const struct extract_num *);
void		 extract_copy_text(const struct extract_ctx *, size_t, size_t,
		    char *, size_t);
/* The last claim of the text, or NULL. */
const struct extract_seen *extract_prev(const struct extract_ctx *);
/* Tries a claim at number token i; returns where scanning goes on. */
size_t		 extract_claim_at(struct extract_ctx *, size_t);

#endif
