/*
 * extract: figure claims from news text.  One pass tokenizes the input into
 * a fixed token array per sentence (hash of the lower-cased word and one
 * lexicon probe per word, no copy, no allocation); only sentences that hold
 * a number candidate are analysed further, clause by clause, to find the
 * qualifier, unit, event, entity and modality of each count.  All language
 * knowledge comes from the lexicon: this file must never name a word of a
 * particular language, never allocate per token or per claim, and never log.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "claim.h"
#include "extract.h"
#include "lang.h"
#include "lexicon.h"
#include "util.h"

#define EXTRACT_TOKENS_MAX	384	/* a longer "sentence" is cut */
#define EXTRACT_DIGITS_MAX	15	/* longer digit runs are identifiers */
#define EXTRACT_UNIT_GAP	2	/* words between number and noun */
#define EXTRACT_LOOKBACK	4	/* tokens searched before a number */

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

/* Byte classes, so the scanner does one load per byte. */
#define EXTRACT_C_ALPHA	0x01
#define EXTRACT_C_DIGIT	0x02
#define EXTRACT_C_SPACE	0x04
#define EXTRACT_C_HIGH	0x08
#define EXTRACT_C_UPPER	0x10
#define EXTRACT_C_JUNK	0x20	/* '/', '@', '_', ':' */
#define EXTRACT_C_NL	0x40

static const uint8_t extract_class[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40, 0x04,
	0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
	0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x20, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x20, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x00, 0x00, 0x00, 0x00, 0x20,
	0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x08, 0x08,
};

struct extract_tok {
	size_t				 off;
	uint32_t			 len;
	uint8_t				 type;
	uint8_t				 flags;
	uint16_t			 clause;
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
	bool	 one;		/* the lone word "one": needs a noun */
};

struct extract_ctx {
	const struct lexicon	*lex;
	int			 lang;
	const char		*langname;
	char			 dec;
	char			 grp;
	const char		*suffix;
	size_t			 suffixlen;
	const char		*text;
	size_t			 len;
	extract_claim_cb	 cb;
	void			*arg;
	size_t			 nclaims;
	bool			 has_num;
	bool			 have_prev;	/* a claim earlier in it */
	struct claim		 prev;
	struct claim		 c;
	size_t			 ntok;
	struct extract_tok	 tok[EXTRACT_TOKENS_MAX];
};

static const struct lexicon_entry *
extract_match(const struct extract_ctx *x, size_t i, enum lexicon_kind kind)
{
	const struct lexicon_entry	*e;
	const struct extract_tok	*t;
	unsigned			 w;

	if (i >= x->ntok || x->tok[i].first == NULL ||
	    !(x->tok[i].first->kinds & (1U << kind)))
		return NULL;
	for (e = x->tok[i].first; e != NULL;
	    e = lexicon_entry(x->lex, e->next)) {
		if (e->kind != kind || (e->lang != LEXICON_ANY_LANG &&
		    e->lang != x->lang) || i + e->nwords > x->ntok)
			continue;
		for (w = 0; w < e->nwords; w++) {
			t = &x->tok[i + w];
			if (t->hash != e->words[w] || t->type == EXTRACT_NUM)
				break;
			if ((e->upper >> w & 1U) &&
			    !(t->flags & EXTRACT_F_UPPER))
				break;
		}
		if (w == e->nwords)
			return e;
	}
	return NULL;
}

/* A one-word entry matched after stripping the language's suffix. */
static const struct lexicon_entry *
extract_match_suffix(const struct extract_ctx *x, size_t i,
    enum lexicon_kind kind)
{
	const struct lexicon_entry	*e;
	const struct extract_tok	*t = &x->tok[i];
	const char			*w;
	size_t				 n;

	if (x->suffix == NULL || t->type != EXTRACT_WORD ||
	    t->len <= x->suffixlen + 2)
		return NULL;
	w = x->text + t->off;
	n = t->len - x->suffixlen;
	if (strncasecmp(w + n, x->suffix, x->suffixlen) != 0)
		return NULL;
	for (e = lexicon_first(x->lex, lexicon_hash(w, n)); e != NULL;
	    e = lexicon_entry(x->lex, e->next))
		if (e->kind == kind && e->nwords == 1 &&
		    (e->lang == LEXICON_ANY_LANG || e->lang == x->lang))
			return e;
	return NULL;
}

/* Index k tokens before i, or -1. */
static long
extract_back(size_t i, size_t k)
{
	return k > i ? -1 : (long)(i - k);
}

/* An entry of kind that ends exactly at token end (exclusive). */
static const struct lexicon_entry *
extract_match_ending(const struct extract_ctx *x, size_t end,
    enum lexicon_kind kind, size_t *startp)
{
	const struct lexicon_entry	*e;
	long				 k;
	size_t				 back;

	/* The farthest start first: the longest phrase wins. */
	for (back = LEXICON_PHRASE_MAX; back > 0; back--) {
		if ((k = extract_back(end, back)) < 0)
			continue;
		if (x->tok[k].clause != x->tok[end - 1].clause)
			continue;
		e = extract_match(x, (size_t)k, kind);
		if (e != NULL && (size_t)k + e->nwords == end) {
			*startp = (size_t)k;
			return e;
		}
	}
	return NULL;
}

/*
 * Digits with the language's separators.  Anything that is not a plain
 * grouped integer or decimal (times, dates, versions, long identifiers)
 * returns -1.
 */
static int
extract_digits(const struct extract_ctx *x, const char *s, size_t n,
    double *val, bool *year)
{
	size_t	 i, ndig = 0, nsep = 0, nsepdec = 0, glen = 0, first = 0;
	bool	 grouped = true, afterdec = false;
	double	 v = 0, scale = 1;

	*year = false;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (++ndig > EXTRACT_DIGITS_MAX)
				return -1;
			glen++;
			if (afterdec) {
				scale /= 10;
				v += (s[i] - '0') * scale;
			} else
				v = v * 10 + (s[i] - '0');
			continue;
		}
		if (s[i] != '.' && s[i] != ',')
			return -1;
		if (afterdec)
			return -1;
		if (nsep == 0)
			first = glen;
		else if (glen != 3)
			grouped = false;
		nsep++;
		if (s[i] == x->dec) {
			nsepdec++;
			afterdec = true;
		}
		glen = 0;
	}
	if (nsep == 0) {
		if (n > 1 && s[0] == '0')
			return -1;
		*year = n == 4 && v >= 1800 && v <= 2100;
		*val = v;
		return 0;
	}
	if (!afterdec) {
		/* Only group separators: "1.500" in id, "1,500" in en. */
		if (first >= 1 && first <= 3 && grouped && glen == 3) {
			*val = v;
			return 0;
		}
		/* One odd group ("1.5" in id) is a foreign decimal. */
		if (nsep == 1) {
			*val = v;
			for (i = 0; i < glen; i++)
				*val /= 10;
			return 0;
		}
		return -1;
	}
	if (nsep > 1 && !(first >= 1 && first <= 3 && grouped))
		return -1;
	if (nsep == 1 && first == 0)
		return -1;
	*val = v;
	return 0;
}

static bool
extract_is_alpha(unsigned char c)
{
	return (extract_class[c] & EXTRACT_C_ALPHA) != 0;
}

/* Length of a UTF-8 punctuation or symbol sequence at p, else 0. */
static size_t
extract_punct_len(const unsigned char *p, size_t left)
{
	if (left >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0xbf)
		return 2;
	if (left >= 3 && p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81))
		return 3;
	if (left >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

static bool
extract_is_wordbyte(const unsigned char *p, size_t left)
{
	uint8_t	 cl = extract_class[*p];

	if (cl & (EXTRACT_C_ALPHA | EXTRACT_C_DIGIT))
		return true;
	return (cl & EXTRACT_C_HIGH) && extract_punct_len(p, left) == 0;
}

static bool
extract_is_space(unsigned char c)
{
	return (extract_class[c] & EXTRACT_C_SPACE) != 0;
}

/*
 * URLs, e-mail addresses, handles and slash-joined words are skipped
 * whole: their digits are identifiers, never counts.
 */
static size_t
extract_junk_chunk(const char *s, size_t i, size_t len)
{
	size_t	 j;
	uint8_t	 all = 0, cl;
	bool	 slash = false, junk;

	/* One cheap pass; the rare chunk with '/', '@', '_', ':' gets a
	 * closer look. */
	for (j = i; j < len; j++) {
		cl = extract_class[(unsigned char)s[j]];
		if (cl & (EXTRACT_C_SPACE | EXTRACT_C_NL))
			break;
		all |= cl;
	}
	junk = j - i >= 4 && strncasecmp(s + i, "www.", 4) == 0;
	if (!(all & EXTRACT_C_JUNK))
		return junk ? j : 0;
	if (memchr(s + i, '@', j - i) != NULL ||
	    memchr(s + i, '_', j - i) != NULL ||
	    memmem(s + i, j - i, "://", 3) != NULL)
		junk = true;
	slash = memchr(s + i, '/', j - i) != NULL;
	if (junk || (slash && (all & EXTRACT_C_ALPHA)))
		return j;
	return 0;
}

static struct extract_tok *
extract_push(struct extract_ctx *x, size_t off, size_t len, uint8_t type,
    uint8_t flags)
{
	struct extract_tok	*t = &x->tok[x->ntok++];

	t->off = off;
	t->len = (uint32_t)len;
	t->type = type;
	t->flags = flags;
	t->clause = 0;
	t->hash = 0;
	t->first = NULL;
	t->num = 0;
	return t;
}

/* Splits a sentence into clauses: punctuation and clause words. */
static void
extract_clauses(struct extract_ctx *x)
{
	size_t		 i;
	uint16_t	 clause = 0;

	for (i = 0; i < x->ntok; i++) {
		if (x->tok[i].first != NULL &&
		    extract_match(x, i, LEXICON_CLAUSE) != NULL && i > 0)
			clause++;
		x->tok[i].clause = clause;
		if (x->tok[i].flags & EXTRACT_F_BREAK)
			clause++;
	}
}

static bool
extract_is_numword(const struct extract_ctx *x, size_t i)
{
	return (x->tok[i].flags & EXTRACT_F_NUMW) &&
	    (extract_match(x, i, LEXICON_NUM) != NULL ||
	    extract_match(x, i, LEXICON_VAGUE) != NULL);
}

/* Parses a number phrase at i; false when there is none. */
static bool
extract_number(const struct extract_ctx *x, size_t i, struct extract_num *np)
{
	const struct lexicon_entry	*e;
	double				 total = 0, cur = 0, last = 0;
	size_t				 k = i;
	bool				 any = false;

	memset(np, 0, sizeof(*np));
	np->start = i;
	if (x->tok[i].type == EXTRACT_NUM) {
		if (x->tok[i].flags & EXTRACT_F_BAD)
			return false;
		np->value = x->tok[i].num;
		np->end = i + 1;
		if ((e = extract_match(x, np->end, LEXICON_MULT)) != NULL &&
		    !e->weak) {
			np->value *= e->value;
			np->mult = true;
			np->end += e->nwords;
		}
		return true;
	}
	while (k < x->ntok) {
		if (!any && (e = extract_match(x, k, LEXICON_VAGUE)) != NULL) {
			cur = e->value;
			np->vague = any = true;
		} else if (!np->vague &&
		    (e = extract_match(x, k, LEXICON_NUM)) != NULL) {
			if (last != 0 && (last < 10 || e->value >= last))
				break;
			cur += e->value;
			last = e->value;
			any = true;
		} else if (any && (e = extract_match(x, k, LEXICON_MULT)) !=
		    NULL) {
			np->mult = true;
			if (e->weak) {
				/* "belas": the last digit plus ten. */
				if (last == 0 || last >= 10)
					break;
				cur += e->value;
				last = 0;
			} else if (e->value < 1000) {
				if (last == 0)
					break;
				cur = cur - last + last * e->value;
				last = 0;
			} else {
				total += (cur != 0 ? cur : 1) * e->value;
				cur = last = 0;
			}
		} else if (any && !np->vague && x->tok[k].type ==
		    EXTRACT_PUNCT && x->tok[k].len == 1 &&
		    x->text[x->tok[k].off] == '-' && k + 1 < x->ntok &&
		    !(x->tok[k + 1].flags & EXTRACT_F_SPACE) &&
		    extract_match(x, k + 1, LEXICON_NUM) != NULL) {
			/* "twenty-five" */
			k++;
			continue;
		} else
			break;
		k += e->nwords;
	}
	if (!any)
		return false;
	np->value = total + cur;
	np->end = k;
	np->one = !np->vague && np->value == 1 && k == i + 1;
	return np->value > 0;
}

/* Dates, years, clock times, durations, percentages, ordinals. */
static bool
extract_not_count(const struct extract_ctx *x, const struct extract_num *np)
{
	const struct lexicon_entry	*u;
	size_t				 i = np->start;

	if (i > 0 && (extract_match(x, i - 1, LEXICON_MONTH) != NULL ||
	    extract_match(x, i - 1, LEXICON_PRENOT) != NULL))
		return true;
	if (extract_match(x, np->end, LEXICON_MONTH) != NULL ||
	    extract_match(x, np->end, LEXICON_NOTCOUNT) != NULL)
		return true;
	if (x->tok[i].type == EXTRACT_NUM && (x->tok[i].flags &
	    EXTRACT_F_YEAR) && !np->mult) {
		u = extract_match(x, np->end, LEXICON_UNIT);
		if (u == NULL || u->weak)
			return true;
	}
	return false;
}

static void
extract_copy_text(const struct extract_ctx *x, size_t from, size_t to,
    char *dst, size_t dstlen)
{
	size_t	 off, n;

	if (from >= to) {
		dst[0] = '\0';
		return;
	}
	off = x->tok[from].off;
	n = x->tok[to - 1].off + x->tok[to - 1].len - off;
	if (n >= dstlen) {
		n = dstlen - 1;
		/* Do not cut a UTF-8 sequence in half. */
		while (n > 0 && ((unsigned char)x->text[off + n] & 0xc0) ==
		    0x80)
			n--;
	}
	memcpy(dst, x->text + off, n);
	dst[n] = '\0';
}

/* Whether the entity at k is governed by a word such as "ke", "to". */
static bool
extract_is_away(const struct extract_ctx *x, size_t k)
{
	const struct lexicon_entry	*e;
	size_t				 s;

	return k > 0 && (e = extract_match_ending(x, k, LEXICON_AWAY,
	    &s)) != NULL;
}

struct extract_pick {
	const struct lexicon_entry	*e;
	size_t				 pos;
	size_t				 dist;
};

/*
 * Nearest entry of kind in the clause outside [from, to); strong entries
 * beat weak ones; at equal distance the one after the span wins.
 */
static void
extract_nearest(const struct extract_ctx *x, uint16_t clause, size_t from,
    size_t to, enum lexicon_kind kind, bool skip_away,
    struct extract_pick *strong, struct extract_pick *weak)
{
	const struct lexicon_entry	*e;
	struct extract_pick		*p;
	size_t				 k, d;

	strong->e = weak->e = NULL;
	for (k = 0; k < x->ntok; k++) {
		if (x->tok[k].clause != clause || (k >= from && k < to) ||
		    x->tok[k].first == NULL)
			continue;
		if ((e = extract_match(x, k, kind)) == NULL)
			continue;
		if (skip_away && extract_is_away(x, k)) {
			k += e->nwords - 1;
			continue;
		}
		d = k >= to ? k - to : from - (k + e->nwords);
		p = e->weak ? weak : strong;
		if (p->e == NULL || d < p->dist || (d == p->dist && k >= to)) {
			p->e = e;
			p->pos = k;
			p->dist = d;
		}
		k += e->nwords - 1;
	}
}

/*
 * Whether [from, to) holds only an owner and link words, as between the
 * noun and the number in "tentara dari Korea Utara sebanyak 200 orang";
 * the owner found is stored in *ent.
 */
static bool
extract_np_gap(const struct extract_ctx *x, size_t from, size_t to,
    const struct lexicon_entry **ent)
{
	const struct lexicon_entry	*e, *found = NULL;

	while (from < to) {
		if ((e = extract_match(x, from, LEXICON_ENTITY)) != NULL)
			found = e;
		else if ((e = extract_match(x, from, LEXICON_LINK)) == NULL)
			return false;
		from += e->nwords;
	}
	if (from != to)
		return false;
	if (found != NULL && *ent == NULL)
		*ent = found;
	return true;
}

/* Tries a claim at number token i; returns where scanning goes on. */
static size_t
extract_claim_at(struct extract_ctx *x, size_t i)
{
	const struct lexicon_entry	*e, *unit = NULL, *money = NULL;
	const struct lexicon_entry	*qual = NULL, *npent = NULL, *ev = NULL;
	const struct lexicon_entry	*modal = NULL;
	struct extract_num		 np, np2 = { 0 };
	struct extract_pick		 ps, pw;
	struct claim			*c = &x->c;
	size_t				 qstart = i, end, ustart = 0, uend = 0;
	size_t				 cstart = 0, cend = 0;
	size_t				 k, s, gaps, last, evpos = 0;
	uint16_t			 cl = x->tok[i].clause;
	bool				 range = false, inherit = false;
	long				 b;

	if (!extract_number(x, i, &np))
		return i + 1;
	if (extract_not_count(x, &np))
		return np.end;
	end = np.end;
	if ((e = extract_match_ending(x, qstart, LEXICON_CURRENCY, &s)) !=
	    NULL) {
		money = e;
		cstart = s;
		cend = qstart;
		qstart = s;
	}
	if ((e = extract_match_ending(x, qstart, LEXICON_QUAL, &s)) != NULL) {
		qual = e;
		qstart = s;
	}
	/* Ranges: "10.000-12.000", "10,000 to 12,000", "antara X dan Y". */
	if ((e = extract_match(x, end, LEXICON_RANGE)) != NULL &&
	    (!e->weak || (qual != NULL && strcmp(qual->id, "range") == 0))) {
		k = end + e->nwords;
		if (extract_match(x, k, LEXICON_CURRENCY) != NULL)
			k += extract_match(x, k, LEXICON_CURRENCY)->nwords;
		if (k < x->ntok && (x->tok[k].type == EXTRACT_NUM ||
		    extract_is_numword(x, k)) && extract_number(x, k, &np2) &&
		    !np2.vague) {
			/* "10 to 12 million": the multiplier is shared. */
			if (np2.mult && !np.mult &&
			    x->tok[k].type == EXTRACT_NUM &&
			    x->tok[k].num > 0 && np.value < x->tok[k].num)
				np.value *= np2.value / x->tok[k].num;
			if (np2.value > np.value) {
				range = true;
				end = np2.end;
			}
		}
	}
	if ((e = extract_match(x, end, LEXICON_POSTQUAL)) != NULL) {
		qual = e;
		end += e->nwords;
	}
	/* The counted noun after the number, past a few modifiers. */
	k = end;
	if ((e = extract_match(x, k, LEXICON_LINK)) != NULL)
		k += e->nwords;
	for (gaps = 0; k < x->ntok && x->tok[k].clause == cl &&
	    gaps <= EXTRACT_UNIT_GAP; gaps++) {
		if ((e = extract_match(x, k, LEXICON_UNIT)) != NULL ||
		    (e = extract_match(x, k, LEXICON_MONEY)) != NULL ||
		    (e = extract_match_suffix(x, k, LEXICON_UNIT)) != NULL) {
			if (e->kind == LEXICON_MONEY)
				money = e;
			else
				unit = e;
			ustart = k;
			uend = k + e->nwords;
			break;
		}
		if ((e = extract_match(x, k, LEXICON_ENTITY)) != NULL) {
			npent = e;
			k += e->nwords;
			continue;
		}
		if (x->tok[k].type != EXTRACT_WORD ||
		    (x->tok[k].first != NULL &&
		    (extract_match(x, k, LEXICON_STOP) != NULL ||
		    ((e = extract_match(x, k, LEXICON_EVENT)) != NULL &&
		    !e->weak) ||
		    extract_match(x, k, LEXICON_AWAY) != NULL ||
		    extract_match(x, k, LEXICON_MODAL) != NULL ||
		    extract_match(x, k, LEXICON_NOTCOUNT) != NULL ||
		    extract_is_numword(x, k))))
			break;
		k++;
	}
	if (uend == 0)
		npent = NULL;
	if (uend > end) {
		end = uend;
		if ((e = extract_match(x, end, LEXICON_POSTQUAL)) != NULL) {
			qual = e;
			end += e->nwords;
		}
		/* The owner right after the noun: "tentara (dari) Korut". */
		k = uend;
		if ((e = extract_match(x, k, LEXICON_LINK)) != NULL)
			k += e->nwords;
		if (npent == NULL && k < x->ntok && x->tok[k].clause == cl)
			npent = extract_match(x, k, LEXICON_ENTITY);
	}
	/* The noun before: "tentara sebanyak 100 orang", "korban ... 3.000". */
	if (money == NULL && (unit == NULL ||
	    strcmp(unit->id, "people") == 0)) {
		for (s = 1; s <= EXTRACT_LOOKBACK; s++) {
			if ((b = extract_back(qstart, s)) < 0 ||
			    x->tok[b].clause != cl ||
			    x->tok[b].type == EXTRACT_NUM)
				break;
			e = extract_match(x, (size_t)b, LEXICON_UNIT);
			if (e == NULL)
				e = extract_match_suffix(x, (size_t)b,
				    LEXICON_UNIT);
			if (e == NULL || (size_t)b + e->nwords > qstart)
				continue;
			/* A noun right after another number is that one's. */
			if (b > 0 && (x->tok[b - 1].type == EXTRACT_NUM ||
			    extract_match(x, (size_t)b - 1, LEXICON_MULT) !=
			    NULL || extract_is_numword(x, (size_t)b - 1)))
				break;
			if (unit == NULL || (!e->weak && extract_np_gap(x,
			    (size_t)b + e->nwords, qstart, &npent))) {
				unit = e;
				ustart = (size_t)b;
				uend = (size_t)b + e->nwords;
			}
			break;
		}
	}
	if (unit == NULL && money == NULL) {
		/*
		 * No noun: only "100 tewas", "killed 20" make a claim; a word
		 * the lexicon does not know right after the number is the
		 * counted thing ("18 kampus", "2.500 tenda"), of no known kind.
		 */
		if (np.one || (end < x->ntok && x->tok[end].type ==
		    EXTRACT_WORD && x->tok[end].first == NULL))
			return np.end;
		e = extract_match(x, end, LEXICON_EVENT);
		if (e == NULL)
			e = extract_match(x, end + 1, LEXICON_EVENT);
		if (e == NULL)
			e = extract_match_ending(x, qstart, LEXICON_EVENT, &s);
		if (e == NULL || e->weak)
			return np.end;
	}

	memset(c, 0, sizeof(*c));
	c->value = np.value;
	c->qualifier = CLAIM_EXACT;
	if (qual != NULL)
		c->qualifier = (enum claim_qualifier)claim_qualifier_parse(
		    qual->id);
	if (range) {
		c->qualifier = CLAIM_RANGE;
		c->has_max = true;
		c->max = np2.value;
	} else if (c->qualifier == CLAIM_RANGE)
		c->qualifier = CLAIM_EXACT;
	if (np.vague && !range)
		c->qualifier = CLAIM_VAGUE;
	if (money != NULL) {
		util_strlcpy(c->unit, money->id, sizeof(c->unit));
		util_strlcpy(c->event, "funding", sizeof(c->event));
	} else if (unit != NULL)
		util_strlcpy(c->unit, unit->id, sizeof(c->unit));
	else
		util_strlcpy(c->unit, "people", sizeof(c->unit));
	if (uend > ustart)
		extract_copy_text(x, ustart, uend, c->unit_text,
		    sizeof(c->unit_text));
	else if (cend > cstart)
		extract_copy_text(x, cstart, cend, c->unit_text,
		    sizeof(c->unit_text));
	/* A weak noun ("korban") yields to a plain one in the clause. */
	if (unit != NULL && unit->weak && money == NULL) {
		extract_nearest(x, cl, qstart, end, LEXICON_UNIT, false, &ps,
		    &pw);
		if (ps.e != NULL && (ps.pos == 0 ||
		    x->tok[ps.pos - 1].type != EXTRACT_NUM)) {
			util_strlcpy(c->unit, ps.e->id, sizeof(c->unit));
			extract_copy_text(x, ps.pos, ps.pos + ps.e->nwords,
			    c->unit_text, sizeof(c->unit_text));
		}
	}

	/* Event: a plain event word nearest in the clause, then the noun. */
	last = end > uend ? end : uend;
	if (money == NULL) {
		extract_nearest(x, cl, qstart, last, LEXICON_EVENT, false, &ps,
		    &pw);
		k = qstart;
		while (k > 0 && x->tok[k - 1].clause == cl)
			k--;
		inherit = x->have_prev &&
		    (extract_match(x, k, LEXICON_INHERIT) != NULL ||
		    (qstart > 0 && extract_match_ending(x, qstart,
		    LEXICON_INHERIT, &s) != NULL));
		if (ps.e != NULL) {
			ev = ps.e;
			evpos = ps.pos;
		} else if (unit != NULL && (ev = extract_match(x, ustart,
		    LEXICON_EVENT)) != NULL)
			evpos = ustart;
		else if (inherit)
			util_strlcpy(c->event, x->prev.event, sizeof(c->event));
		else if (pw.e != NULL) {
			ev = pw.e;
			evpos = pw.pos;
		}
		if (ev != NULL)
			util_strlcpy(c->event, ev->id, sizeof(c->event));
		else if (c->event[0] == '\0')
			util_strlcpy(c->event, "other", sizeof(c->event));
	}

	/* Entity: the noun phrase's owner, else the clause's nearest. */
	if (npent == NULL) {
		extract_nearest(x, cl, qstart, last, LEXICON_ENTITY, true, &ps,
		    &pw);
		/* Prefer the one before the number: the subject. */
		if (ps.e != NULL && ps.pos >= last) {
			for (k = 0; k < qstart; k++) {
				if (x->tok[k].clause != cl ||
				    x->tok[k].first == NULL)
					continue;
				if ((e = extract_match(x, k,
				    LEXICON_ENTITY)) != NULL &&
				    !extract_is_away(x, k)) {
					ps.e = e;
					ps.pos = k;
				}
			}
		}
		npent = ps.e;
	}
	if (npent != NULL)
		util_strlcpy(c->entity, npent->id, sizeof(c->entity));
	else if (inherit)
		util_strlcpy(c->entity, x->prev.entity, sizeof(c->entity));

	/* Modality: a marker before the number, or between it and a later
	 * event ("100 orang diperkirakan tewas"). */
	c->modality = inherit ? x->prev.modality : CLAIM_ACTUAL;
	for (k = 0; k < x->ntok; k++) {
		if (x->tok[k].clause != cl || x->tok[k].first == NULL)
			continue;
		if (k >= i && !(ev != NULL && evpos > k && k >= last))
			continue;
		if ((e = extract_match(x, k, LEXICON_MODAL)) != NULL)
			modal = e;
	}
	if (modal != NULL)
		c->modality = (enum claim_modality)claim_modality_parse(
		    modal->id);

	util_strlcpy(c->lang, x->langname, sizeof(c->lang));
	claim_make_key(c);
	/* A noun written before the number belongs to the claim words. */
	if (unit != NULL && uend <= qstart && ustart < qstart)
		qstart = ustart;
	c->offset = x->tok[qstart].off;
	c->length = x->tok[last - 1].off + x->tok[last - 1].len - c->offset;
	c->sent_offset = x->tok[0].off;
	c->sent_length = x->tok[x->ntok - 1].off + x->tok[x->ntok - 1].len -
	    c->sent_offset;
	x->nclaims++;
	if (x->cb != NULL)
		x->cb(c, x->arg);
	x->prev = *c;
	x->have_prev = true;
	return last;
}

static void
extract_sentence(struct extract_ctx *x)
{
	size_t	 i;

	if (x->has_num && x->ntok > 0) {
		extract_clauses(x);
		x->have_prev = false;
		for (i = 0; i < x->ntok;) {
			if ((x->tok[i].type == EXTRACT_NUM &&
			    !(x->tok[i].flags & EXTRACT_F_BAD)) ||
			    extract_is_numword(x, i))
				i = extract_claim_at(x, i);
			else
				i++;
		}
	}
	x->ntok = 0;
	x->has_num = false;
}

static void
extract_word_flags(struct extract_ctx *x, struct extract_tok *t)
{
	const struct lexicon_entry	*e;

	t->first = e = lexicon_first(x->lex, t->hash);
	if (e != NULL && (e->kinds & (1U << LEXICON_NUM |
	    1U << LEXICON_VAGUE))) {
		t->flags |= EXTRACT_F_NUMW;
		x->has_num = true;
	}
}

/* Tokenizes from i; returns the index after the token. */
static size_t
extract_token(struct extract_ctx *x, size_t i, bool space)
{
	const unsigned char	*s = (const unsigned char *)x->text;
	struct extract_tok	*t;
	size_t			 j = i, n, len = x->len;
	uint64_t		 h = UTIL_HASH_SEED;
	unsigned char		 c;
	bool			 upper = true, year;
	uint8_t			 fl = space ? EXTRACT_F_SPACE : 0;

	if (s[i] >= '0' && s[i] <= '9') {
		while (j < len && ((s[j] >= '0' && s[j] <= '9') ||
		    ((s[j] == '.' || s[j] == ',' || s[j] == ':' ||
		    s[j] == '/') && j + 1 < len && s[j + 1] >= '0' &&
		    s[j + 1] <= '9')))
			j++;
		if (j == len || !extract_is_wordbyte(s + j, len - j)) {
			t = extract_push(x, i, j - i, EXTRACT_NUM, fl);
			if (extract_digits(x, x->text + i, j - i, &t->num,
			    &year) == -1)
				t->flags |= EXTRACT_F_BAD;
			if (year)
				t->flags |= EXTRACT_F_YEAR;
			/* Glued to a word: "ke-3", "COVID-19", "#5", "+62". */
			if (i > 0 && (extract_is_alpha(s[i - 1]) ||
			    s[i - 1] == '#' || s[i - 1] == '+' ||
			    (s[i - 1] == '-' && i > 1 &&
			    extract_is_alpha(s[i - 2]))))
				t->flags |= EXTRACT_F_BAD;
			/* "25-year-old", "1.500-an". */
			if (j + 1 < len && s[j] == '-' &&
			    extract_is_alpha(s[j + 1]))
				t->flags |= EXTRACT_F_BAD;
			if (!(t->flags & EXTRACT_F_BAD))
				x->has_num = true;
			return j;
		}
		/* "3rd", "10km", "4d": a word, not a number. */
		j = i;
	}
	if (extract_is_wordbyte(s + i, len - i)) {
		while (j < len) {
			c = s[j];
			if ((extract_class[c] & (EXTRACT_C_ALPHA |
			    EXTRACT_C_UPPER)) == EXTRACT_C_ALPHA) {
				/* The common case: a lower-case letter. */
				upper = false;
				h ^= c;
				h *= 0x100000001b3ULL;
				j++;
				continue;
			}
			if (c == '\'' && j + 1 < len && extract_is_alpha(s[j +
			    1]) && j > i) {
				h ^= c;
				h *= 0x100000001b3ULL;
				j++;
				continue;
			}
			if (!extract_is_wordbyte(s + j, len - j))
				break;
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			else if (c < 0x80 && !(c >= '0' && c <= '9'))
				upper = false;
			h ^= c;
			h *= 0x100000001b3ULL;
			j++;
		}
		n = j - i;
		t = extract_push(x, i, n, EXTRACT_WORD, fl);
		if (upper && n >= 2)
			t->flags |= EXTRACT_F_UPPER;
		t->hash = h != 0 ? h : 1;
		if (s[i] < '0' || s[i] > '9')
			extract_word_flags(x, t);
		return j;
	}
	n = extract_punct_len(s + i, len - i);
	if (n == 0)
		n = 1;
	t = extract_push(x, i, n, EXTRACT_PUNCT, fl);
	t->hash = lexicon_hash(x->text + i, n);
	t->first = lexicon_first(x->lex, t->hash);
	if (n > 1 || strchr(",;:\"|", s[i]) != NULL)
		t->flags |= EXTRACT_F_BREAK;
	return i + n;
}

static bool
extract_sentence_end(const struct extract_ctx *x, size_t i)
{
	const unsigned char	*s = (const unsigned char *)x->text;
	size_t			 j = i + 1;

	if (s[i] != '.' && s[i] != '!' && s[i] != '?')
		return false;
	/* Initials and "U.S.": a lone capital before the dot. */
	if (s[i] == '.' && i > 0 && s[i - 1] >= 'A' && s[i - 1] <= 'Z' &&
	    (i == 1 || s[i - 2] == '.' || extract_is_space(s[i - 2])))
		return false;
	while (j < x->len && (s[j] == '"' || s[j] == '\'' || s[j] == ')'))
		j++;
	return j >= x->len || extract_is_space(s[j]) || s[j] == '\n' ||
	    extract_punct_len(s + j, x->len - j) > 0;
}

size_t
extract_text(const struct lexicon *lex, const char *text, size_t len,
    const char *lang, extract_claim_cb cb, void *arg)
{
	struct extract_ctx	 x;
	size_t			 i = 0, j;
	bool			 space = true;

	if (lex == NULL || text == NULL)
		return 0;
	/* A BCP 47 tag selects its lexicon: "en-US" is "en". */
	lang = lang_tag(lex, lang);
	if (strcmp(lang, LANG_AUTO) == 0)
		lang = lang_detect_name(lex, text, len);
	/* Only the header is cleared: the token array is written first. */
	memset(&x, 0, offsetof(struct extract_ctx, tok));
	x.lex = lex;
	if (lang == NULL || (x.lang = lexicon_lang_index(lex, lang)) == -1)
		return 0;
	x.langname = lexicon_lang_name(lex, x.lang);
	x.dec = lexicon_decimal(lex, x.lang);
	x.grp = lexicon_group(lex, x.lang);
	if ((x.suffix = lexicon_suffix(lex, x.lang)) != NULL)
		x.suffixlen = strlen(x.suffix);
	x.text = text;
	x.len = len;
	x.cb = cb;
	x.arg = arg;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n') {
			extract_sentence(&x);
			space = true;
			i++;
			continue;
		}
		if (extract_is_space(c) || (c == 0xc2 && i + 1 < len &&
		    (unsigned char)text[i + 1] == 0xa0)) {
			space = true;
			i += c == 0xc2 ? 2 : 1;
			continue;
		}
		if (space && (j = extract_junk_chunk(text, i, len)) != 0) {
			i = j;
			continue;
		}
		if (x.ntok == EXTRACT_TOKENS_MAX)
			extract_sentence(&x);
		j = extract_token(&x, i, space);
		space = false;
		if (j == i + 1 && extract_sentence_end(&x, i))
			extract_sentence(&x);
		i = j;
	}
	extract_sentence(&x);
	return x.nclaims;
}

const char *
extract_detect_lang(const struct lexicon *lex, const char *text, size_t len)
{
	return lang_detect_name(lex, text, len);
}
