/*
 * lexicon: per-language word lists (number words, multipliers, qualifiers,
 * vague quantities, event words, unit nouns, modality markers) and the
 * entity gazetteer, loaded from data files in one directory.  Pure: reads
 * files at start and reload only.  Adding a language is adding a file.
 * The file format is documented in config/lexicon/README.
 */
#ifndef CLAIMWATCH_LEXICON_H
#define CLAIMWATCH_LEXICON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lexicon;

#define LEXICON_PHRASE_MAX	6	/* words in one phrase */
#define LEXICON_ANY_LANG	(-1)	/* entry.lang of gazetteer entries */

enum lexicon_kind {
	LEXICON_NUM,		/* number word, value: "dua", "sejuta" */
	LEXICON_MULT,		/* multiplier, value: "ribu", "million" */
	LEXICON_VAGUE,		/* vague quantity, value: "ratusan" */
	LEXICON_QUAL,		/* qualifier before a number, id: "approx" */
	LEXICON_POSTQUAL,	/* qualifier after a number: "lebih" */
	LEXICON_RANGE,		/* joins a range: "-", "to"; weak: "and" */
	LEXICON_UNIT,		/* counted noun, id: group; weak: "korban" */
	LEXICON_MONEY,		/* currency word after a number, id: "usd" */
	LEXICON_CURRENCY,	/* currency sign before a number: "US$" */
	LEXICON_EVENT,		/* event word, id: "killed"; weak: "tambahan" */
	LEXICON_MODAL,		/* modality marker, id: "planned" */
	LEXICON_NOTCOUNT,	/* after a number, not a count: "tahun", "%" */
	LEXICON_PRENOT,		/* before a number, not a count: "pukul" */
	LEXICON_MONTH,		/* month name: dates are not counts */
	LEXICON_CLAUSE,		/* word that starts a new clause: "namun" */
	LEXICON_STOP,		/* ends a noun phrase: "yang", "and" */
	LEXICON_LINK,		/* joins number, noun, owner: "of", "dari" */
	LEXICON_AWAY,		/* entity after it is no owner: "ke", "to" */
	LEXICON_INHERIT,	/* clause goes on from the last claim */
	LEXICON_DETECT,		/* frequent word for language detection */
	LEXICON_ENTITY,		/* gazetteer phrase, id: canonical entity */
	LEXICON_CLASSIFIER,	/* counter word before the real noun: "orang" */
	LEXICON_ELIDE,		/* the count's noun is the last claim's: "lainnya" */
	LEXICON_ROLE,		/* marks a claim's role, id: "earlier" */
	LEXICON_NOTNOUN,	/* word after a number that is no noun: "lagi" */
	LEXICON_LOCATIVE,	/* an entity after it is where things are: "di" */
	LEXICON_AUX,		/* marks a finite predicate: "have been" */
	LEXICON_CONJ,		/* joins list items: "serta", "and" */
	LEXICON_DET,		/* an event word after it is an adjective */
	LEXICON_SOURCE,		/* an entity before it reports: "says" */
	LEXICON_PURPOSE,	/* events after it are aims, not facts */
	LEXICON_RATE,		/* after a count, makes it a rate: "per" */
	LEXICON_RATEJOIN,	/* between two numbers, a rate: "one in five" */
	LEXICON_MONEYMULT,	/* multiplier only after a currency: "$85m" */
	LEXICON_DETECT_PRE,	/* word prefix for detection: "meng" */
	LEXICON_DETECT_SUF	/* word suffix for detection: "kan" */
};

/* A kind's bit in a kinds mask: there are more kinds than 32. */
#define LEXICON_BIT(k)	((uint64_t)1 << (k))

struct lexicon_entry {
	enum lexicon_kind kind;
	int		 lang;	/* language index or LEXICON_ANY_LANG */
	bool		 weak;	/* lower-priority variant of the kind */
	unsigned	 nwords; /* words in the phrase, 1..PHRASE_MAX */
	unsigned	 upper;	/* bit i: word i must be in capitals */
	double		 value;	/* NUM, MULT, VAGUE */
	const char	*id;	/* unit group, event, entity, qualifier... */
	uint64_t	 words[LEXICON_PHRASE_MAX]; /* lexicon_hash of each */
	int32_t		 next;	/* next entry with the same first word */
	uint64_t	 kinds;	/* bit LEXICON_BIT(kind) of this and later ones */
};

/*
 * Loads every lexicon file in dir: "*.lex" are languages, "*.txt" are
 * gazetteers; other names are ignored.  Returns a new lexicon (free with
 * lexicon_free) or NULL with "FILE:LINE: message" in err.
 */
struct lexicon	*lexicon_load(const char *dir, char *err, size_t errlen);
/*
 * config/lexicon of the source tree the running program was built in
 * (it runs as build/PROG or build/san/PROG), or NULL; caller frees.
 */
char		*lexicon_tree_dir(void);
/*
 * Loads the lexicon a configuration names: dir when the setting was given
 * (set), else the checkout's when the program runs from its build tree,
 * else dir (the installed default).  Errors about the directory itself
 * name the setting: "FILE: [extract] lexicon_dir: ..." (FILE is conf).
 * *used, when not NULL, gets the directory loaded (caller frees).
 */
struct lexicon	*lexicon_load_setting(const char *dir, bool set,
		    const char *conf, char **used, char *err, size_t errlen);
/* NULL is a no-op. */
void		 lexicon_free(struct lexicon *);

/*
 * Hash of one word as the lexicon stores it: FNV-1a of ASCII-lowercase
 * (util_hash64_lower), then lexicon_hash_end, as 0 marks an empty slot.
 * A tokenizer that hashes as it scans ends with lexicon_hash_end too.
 */
uint64_t	 lexicon_hash(const char *, size_t);
static inline uint64_t
lexicon_hash_end(uint64_t h)
{
	return h != 0 ? h : 1;
}
/*
 * First entry (longest phrase first) whose first word hashes to h, or
 * NULL; follow entry->next with lexicon_entry().  Pointers stay valid
 * until lexicon_free.
 */
const struct lexicon_entry *lexicon_first(const struct lexicon *, uint64_t);
const struct lexicon_entry *lexicon_entry(const struct lexicon *, int32_t);

/* Languages: count, index of a name (or -1), name of an index. */
int		 lexicon_nlangs(const struct lexicon *);
int		 lexicon_lang_index(const struct lexicon *, const char *);
const char	*lexicon_lang_name(const struct lexicon *, int);
/* Index of the language named or aliased s[0..len) in any case, or -1. */
int		 lexicon_lang_find(const struct lexicon *, const char *s,
		    size_t len);
/* Decimal and digit-group separators of a language ('.' or ','). */
char		 lexicon_decimal(const struct lexicon *, int);
char		 lexicon_group(const struct lexicon *, int);
/* Word suffix that may be stripped to find a noun ("nya"), or NULL. */
const char	*lexicon_suffix(const struct lexicon *, int);
/*
 * Whether word w (n bytes) ends in one of the language's plural endings
 * ("plural ies y"); if so and out is not NULL, its singular is written to
 * out (lower-case ending, the rest as in w).
 */
bool		 lexicon_singular(const struct lexicon *, int, const char *,
		    size_t, char *, size_t);
/* The event an event reads as for a unit group ("eventmap arrived troops
 * deployed"), or event itself. */
const char	*lexicon_event_for(const struct lexicon *, int, const char *,
		    const char *);
/* Whether a noun phrase's head is its last word (en) or first (id). */
bool		 lexicon_head_last(const struct lexicon *, int);
/* Whether word w (n bytes) starts with one of the language's verb
 * prefixes ("me", "di"): such a word is no counted noun. */
bool		 lexicon_verb_prefix(const struct lexicon *, int, const char *,
		    size_t);
/*
 * The lengths of the detection affixes of kind (LEXICON_DETECT_PRE or
 * LEXICON_DETECT_SUF) whose outer two letters are a and b, in any case (a
 * prefix's first two, a suffix's last two: 'n', 'g' for "ing"), as a mask:
 * bit k for an affix of k letters, 2 <= k <= 8.  0 for most words, which
 * then need no affix look-up at all.
 */
unsigned	 lexicon_affix_lens(const struct lexicon *, enum lexicon_kind,
		    unsigned char a, unsigned char b);
/*
 * The same as a table, for a caller that looks up many words: entry
 * lexicon_pair(a, b) has bit k - 1 for an affix of k letters.  kind is
 * LEXICON_DETECT_PRE or LEXICON_DETECT_SUF.
 */
#define LEXICON_PAIRS	(26 * 26)	/* pairs of ASCII letters */
const uint8_t	*lexicon_affixes(const struct lexicon *, enum lexicon_kind);
/* Index of the ASCII letters a, b in any case into that table, or -1. */
static inline int
lexicon_pair(unsigned char a, unsigned char b)
{
	a = (unsigned char)((a | 0x20) - 'a');
	b = (unsigned char)((b | 0x20) - 'a');
	return a < 26 && b < 26 ? a * 26 + b : -1;
}
/* Number of entries loaded (for tests and the bench). */
size_t		 lexicon_size(const struct lexicon *);

#endif
