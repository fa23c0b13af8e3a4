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
#include "extract_int.h"
#include "lang.h"
#include "lexicon.h"
#include "util.h"

#define EXTRACT_DIGITS_MAX	15	/* longer digit runs are identifiers */

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

/* Whether entry e matches the tokens at i in the text's language. */
static bool
extract_entry_at(const struct extract_ctx *x, const struct lexicon_entry *e,
    size_t i)
{
	const struct extract_tok	*t;
	unsigned			 w;

	if ((e->lang != LEXICON_ANY_LANG && e->lang != x->lang) ||
	    i + e->nwords > x->ntok)
		return false;
	for (w = 0; w < e->nwords; w++) {
		t = &x->tok[i + w];
		if (t->hash != e->words[w] || t->type == EXTRACT_NUM)
			return false;
		if ((e->upper >> w & 1U) && !(t->flags & EXTRACT_F_UPPER))
			return false;
	}
	return true;
}

const struct lexicon_entry *
extract_match(const struct extract_ctx *x, size_t i, enum lexicon_kind kind)
{
	const struct lexicon_entry	*e;

	/* The token keeps its chain's kinds: a miss touches no entry. */
	if (i >= x->ntok || !(x->tok[i].kinds & LEXICON_BIT(kind)))
		return NULL;
	for (e = x->tok[i].first; e != NULL;
	    e = lexicon_entry(x->lex, e->next))
		if (e->kind == kind && extract_entry_at(x, e, i))
			return e;
	return NULL;
}

size_t
extract_known(const struct extract_ctx *x, size_t i)
{
	const struct lexicon_entry	*e;

	if (i >= x->ntok ||
	    (x->tok[i].kinds & ~LEXICON_BIT(LEXICON_DETECT)) == 0)
		return 0;
	/* Chains hold longer phrases first. */
	for (e = x->tok[i].first; e != NULL;
	    e = lexicon_entry(x->lex, e->next))
		if (e->kind != LEXICON_DETECT && extract_entry_at(x, e, i))
			return e->nwords;
	return 0;
}

/* A one-word entry matched after stripping the language's suffix. */
const struct lexicon_entry *
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
	if ((w[t->len - 1] | 0x20) != x->suffix[x->suffixlen - 1] ||
	    strncasecmp(w + n, x->suffix, x->suffixlen) != 0)
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
const struct lexicon_entry *
extract_match_ending(const struct extract_ctx *x, size_t end,
    enum lexicon_kind kind, size_t *startp)
{
	const struct lexicon_entry	*e;
	long				 k;
	size_t				 back;

	/* No word of the sentence starts a phrase of that kind. */
	if (!(x->kinds & LEXICON_BIT(kind)))
		return NULL;
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
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 j = i;
	uint8_t			 all = 0, cl;
	bool			 slash = false, junk;

	/*
	 * Most chunks hold none of '/', '@', '_', ':': one tight pass to the
	 * chunk's end or the first of those, then only "www." is junk.
	 */
	while (j < len && !(extract_class[p[j]] & (EXTRACT_C_SPACE |
	    EXTRACT_C_NL | EXTRACT_C_JUNK)))
		j++;
	if (j == len || !(extract_class[p[j]] & EXTRACT_C_JUNK))
		return j - i >= 4 && (p[i] | 0x20) == 'w' &&
		    strncasecmp(s + i, "www.", 4) == 0 ? j : 0;
	/* The rare chunk: its whole extent and every class in it. */
	for (j = i; j < len; j++) {
		cl = extract_class[p[j]];
		if (cl & (EXTRACT_C_SPACE | EXTRACT_C_NL))
			break;
		all |= cl;
	}
	junk = j - i >= 4 && strncasecmp(s + i, "www.", 4) == 0;
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
	t->kinds = 0;
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

bool
extract_is_numword(const struct extract_ctx *x, size_t i)
{
	return (x->tok[i].flags & EXTRACT_F_NUMW) &&
	    (extract_match(x, i, LEXICON_NUM) != NULL ||
	    extract_match(x, i, LEXICON_VAGUE) != NULL);
}

bool
extract_starts_number(const struct extract_ctx *x, size_t i)
{
	return i < x->ntok && ((x->tok[i].type == EXTRACT_NUM &&
	    !(x->tok[i].flags & EXTRACT_F_BAD)) || extract_is_numword(x, i));
}

/* Whether token i is a hyphen glued to the tokens on both sides. */
static bool
extract_is_hyphen(const struct extract_ctx *x, size_t i)
{
	return i + 1 < x->ntok && x->tok[i].type == EXTRACT_PUNCT &&
	    x->tok[i].len == 1 && x->text[x->tok[i].off] == '-' &&
	    !(x->tok[i].flags & EXTRACT_F_SPACE) &&
	    !(x->tok[i + 1].flags & EXTRACT_F_SPACE);
}

/* Money amounts are whole: 1.75 * 1e6 is 1750000, not ...0.0000002. */
static double
extract_round(double v)
{
	double	 r;

	/* Outside that range the cast to long long is undefined. */
	if (!(v >= 1 && v < 1e15))
		return v;
	r = (double)(long long)(v + 0.5);
	return r - v < 1e-6 * v && v - r < 1e-6 * v ? r : v;
}

/* Whether a currency sign ends right before token i ("$", "US $"). */
static bool
extract_currency_before(const struct extract_ctx *x, size_t i)
{
	const struct lexicon_entry	*e;
	size_t				 k;

	for (k = 1; k <= 2 && k <= i; k++)
		if ((e = extract_match(x, i - k, LEXICON_CURRENCY)) != NULL &&
		    e->nwords == k)
			return true;
	return false;
}

/* Digits with an optional multiplier: "1,5 juta", "15-thousand". */
static bool
extract_number_digits(const struct extract_ctx *x, size_t i,
    struct extract_num *np)
{
	const struct lexicon_entry	*e;
	size_t				 k = i + 1;

	if (x->tok[i].flags & EXTRACT_F_BAD)
		return false;
	np->value = x->tok[i].num;
	np->end = k;
	if (extract_is_hyphen(x, k) && (e = extract_match(x, k + 1,
	    LEXICON_MULT)) != NULL && !e->weak)
		k++;
	if (((e = extract_match(x, k, LEXICON_MULT)) != NULL && !e->weak) ||
	    ((e = extract_match(x, k, LEXICON_MONEYMULT)) != NULL &&
	    extract_currency_before(x, i))) {
		np->value = extract_round(np->value * e->value);
		np->mult = true;
		np->end = k + e->nwords;
	}
	return true;
}

/* Applies multiplier e to the running total of a word number. */
static bool
extract_number_mult(const struct lexicon_entry *e, double *total, double *cur,
    double *last)
{
	if (e->weak) {
		/* "belas": the last digit plus ten. */
		if (*last == 0 || *last >= 10)
			return false;
		*cur += e->value;
		*last = 0;
	} else if (e->value < 1000) {
		if (*last == 0)
			return false;
		*cur = *cur - *last + *last * e->value;
		*last = 0;
	} else {
		*total += (*cur != 0 ? *cur : 1) * e->value;
		*cur = *last = 0;
	}
	return true;
}

/* Parses a number phrase at i; false when there is none. */
bool
extract_number(const struct extract_ctx *x, size_t i, struct extract_num *np)
{
	const struct lexicon_entry	*e;
	double				 total = 0, cur = 0, last = 0;
	size_t				 k = i;
	bool				 any = false;

	memset(np, 0, sizeof(*np));
	np->start = i;
	if (x->tok[i].type == EXTRACT_NUM)
		return extract_number_digits(x, i, np);
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
			if (!extract_number_mult(e, &total, &cur, &last))
				break;
		} else if (any && !np->vague && x->tok[k].type == EXTRACT_NUM &&
		    k > i && extract_is_hyphen(x, k - 1) && x->tok[k].num > 0 &&
		    x->tok[k].num < 1000) {
			/* "four-thousand-100" */
			cur += x->tok[k].num;
			last = x->tok[k].num;
			k++;
			continue;
		} else if (any && extract_is_hyphen(x, k) &&
		    (extract_match(x, k + 1, LEXICON_NUM) != NULL ||
		    extract_match(x, k + 1, LEXICON_MULT) != NULL ||
		    x->tok[k + 1].type == EXTRACT_NUM)) {
			/* "twenty-five", "four-thousand" */
			k++;
			continue;
		} else
			break;
		k += e->nwords;
	}
	if (!any)
		return false;
	/* A hyphen read past but not used belongs to the next word. */
	if (k > i && extract_is_hyphen(x, k - 1))
		k--;
	np->value = extract_round(total + cur);
	np->end = k;
	np->one = !np->vague && np->value == 1 && k == i + 1;
	return np->value > 0;
}

/* Dates, years, clock times, durations, percentages, ordinals. */
bool
extract_not_count(const struct extract_ctx *x, const struct extract_num *np)
{
	const struct lexicon_entry	*u;
	size_t				 i = np->start, b = i;

	/* "No. 84", "Sept. 14": past the abbreviation's dot. */
	if (b > 1 && x->tok[b - 1].type == EXTRACT_PUNCT &&
	    x->text[x->tok[b - 1].off] == '.')
		b--;
	if (b > 0 && (extract_match(x, b - 1, LEXICON_MONTH) != NULL ||
	    extract_match(x, b - 1, LEXICON_PRENOT) != NULL))
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

void
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

const struct extract_seen *
extract_prev(const struct extract_ctx *x)
{
	if (x->nhist == 0)
		return NULL;
	return &x->hist[(x->nhist - 1) % EXTRACT_HISTORY];
}

static void
extract_sentence(struct extract_ctx *x)
{
	size_t	 i;

	if (x->has_num && x->ntok > 0) {
		extract_clauses(x);
		x->prev_in_sent = false;
		for (i = 0; i < x->ntok;) {
			if (extract_starts_number(x, i))
				i = extract_claim_at(x, i);
			else
				i++;
		}
	}
	x->ntok = 0;
	x->has_num = false;
	x->kinds = 0;
}

static void
extract_word_flags(struct extract_ctx *x, struct extract_tok *t)
{
	const struct lexicon_entry	*e;

	t->first = e = lexicon_first(x->lex, t->hash);
	if (e != NULL) {
		t->kinds = e->kinds;
		x->kinds |= e->kinds;
	}
	if (e != NULL && (e->kinds & (LEXICON_BIT(LEXICON_NUM) |
	    LEXICON_BIT(LEXICON_VAGUE)))) {
		t->flags |= EXTRACT_F_NUMW;
		x->has_num = true;
	}
}

/* Whether the letters at s[i, j) are one lexicon word of kind. */
static bool
extract_word_is(const struct extract_ctx *x, size_t i, size_t j,
    enum lexicon_kind kind)
{
	const struct lexicon_entry	*e;

	for (e = lexicon_first(x->lex, lexicon_hash(x->text + i, j - i));
	    e != NULL; e = lexicon_entry(x->lex, e->next))
		if (e->kind == kind && e->nwords == 1 &&
		    (e->lang == LEXICON_ANY_LANG || e->lang == x->lang))
			return true;
	return false;
}

/* End of the run of letters starting at i. */
static size_t
extract_alpha_end(const struct extract_ctx *x, size_t i)
{
	while (i < x->len && extract_is_alpha((unsigned char)x->text[i]))
		i++;
	return i;
}

/*
 * Digits at i.  A multiplier or unit of measure glued on ("7.8bn",
 * "10km") is split off as a word of its own; a number glued to a word
 * ("ke-3", "COVID-19") cannot be a count, except after a currency sign
 * ("Rp415") or before a hyphenated multiplier ("15-thousand").
 */
static size_t
extract_token_num(struct extract_ctx *x, size_t i, uint8_t fl)
{
	const unsigned char	*s = (const unsigned char *)x->text;
	struct extract_tok	*t;
	size_t			 j = i, k, len = x->len;
	bool			 year, glued;

	while (j < len && ((s[j] >= '0' && s[j] <= '9') ||
	    ((s[j] == '.' || s[j] == ',' || s[j] == ':' || s[j] == '/') &&
	    j + 1 < len && s[j + 1] >= '0' && s[j + 1] <= '9')))
		j++;
	if (j < len && extract_is_wordbyte(s + j, len - j)) {
		/* "3rd", "4d": a word, not a number. */
		k = extract_alpha_end(x, j);
		if (k == j || (k < len && extract_is_wordbyte(s + k,
		    len - k)) || (!extract_word_is(x, j, k, LEXICON_MULT) &&
		    !extract_word_is(x, j, k, LEXICON_NOTCOUNT) &&
		    !(extract_word_is(x, j, k, LEXICON_MONEYMULT) &&
		    extract_currency_before(x, x->ntok))))
			return 0;
	}
	t = extract_push(x, i, j - i, EXTRACT_NUM, fl);
	if (extract_digits(x, x->text + i, j - i, &t->num, &year) == -1)
		t->flags |= EXTRACT_F_BAD;
	if (year)
		t->flags |= EXTRACT_F_YEAR;
	glued = i > 0 && (extract_is_alpha(s[i - 1]) || s[i - 1] == '#' ||
	    s[i - 1] == '+' || (s[i - 1] == '-' && i > 1 &&
	    extract_is_alpha(s[i - 2])));
	if (glued && extract_is_alpha(s[i - 1]) && x->ntok >= 2 &&
	    extract_match(x, x->ntok - 2, LEXICON_CURRENCY) != NULL)
		glued = false;
	if (glued)
		t->flags |= EXTRACT_F_BAD;
	/* "25-year-old", "1.500-an", but not "15-thousand" or
	 * "5,000-strong". */
	if (j + 1 < len && s[j] == '-' && extract_is_alpha(s[j + 1]) &&
	    !extract_word_is(x, j + 1, extract_alpha_end(x, j + 1),
	    LEXICON_MULT) && !extract_word_is(x, j + 1,
	    extract_alpha_end(x, j + 1), LEXICON_LINK))
		t->flags |= EXTRACT_F_BAD;
	if (!(t->flags & EXTRACT_F_BAD))
		x->has_num = true;
	return j;
}

/* A word at i; returns the index after it. */
static size_t
extract_token_word(struct extract_ctx *x, size_t i, uint8_t fl)
{
	const unsigned char	*s = (const unsigned char *)x->text;
	struct extract_tok	*t;
	size_t			 j = i, k, n, len = x->len;
	uint64_t		 h = UTIL_HASH_SEED;
	unsigned char		 c;
	bool			 upper = true;

	for (;;) {
		/* The common case: a run of lower-case letters. */
		for (k = j; j < len && (extract_class[s[j]] &
		    (EXTRACT_C_ALPHA | EXTRACT_C_UPPER)) == EXTRACT_C_ALPHA;
		    j++)
			h = util_fnv1a_step(h, s[j]);
		if (j > k)
			upper = false;
		if (j >= len)
			break;
		c = s[j];
		/* "Germany's": the genitive is a word of its own. */
		if (c == '\'' && j + 1 < len && (s[j + 1] == 's' ||
		    s[j + 1] == 'S') && (j + 2 == len ||
		    !extract_is_wordbyte(s + j + 2, len - j - 2)))
			break;
		if (c == '\'' && j + 1 < len && extract_is_alpha(s[j + 1]) &&
		    j > i) {
			h = util_fnv1a_step(h, c);
			j++;
			continue;
		}
		if (!extract_is_wordbyte(s + j, len - j))
			break;
		/* A currency sign glued to its amount: "Rp415". */
		if (c >= '0' && c <= '9' && j > i && !(s[i] >= '0' &&
		    s[i] <= '9') && extract_word_is(x, i, j,
		    LEXICON_CURRENCY))
			break;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c < 0x80 && !(c >= '0' && c <= '9'))
			upper = false;
		h = util_fnv1a_step(h, c);
		j++;
	}
	n = j - i;
	t = extract_push(x, i, n, EXTRACT_WORD, fl);
	if (upper && n >= 2)
		t->flags |= EXTRACT_F_UPPER;
	if (s[i] >= 'A' && s[i] <= 'Z')
		t->flags |= EXTRACT_F_CAP;
	t->hash = lexicon_hash_end(h);
	if (s[i] < '0' || s[i] > '9')
		extract_word_flags(x, t);
	return j;
}

/* Tokenizes from i; returns the index after the token. */
static size_t
extract_token(struct extract_ctx *x, size_t i, bool space)
{
	const unsigned char	*s = (const unsigned char *)x->text;
	struct extract_tok	*t;
	size_t			 j, n;
	uint8_t			 fl = space ? EXTRACT_F_SPACE : 0;

	if (s[i] >= '0' && s[i] <= '9' &&
	    (j = extract_token_num(x, i, fl)) != 0)
		return j;
	if (extract_is_wordbyte(s + i, x->len - i))
		return extract_token_word(x, i, fl);
	n = extract_punct_len(s + i, x->len - i);
	if (n == 0)
		n = 1;
	t = extract_push(x, i, n, EXTRACT_PUNCT, fl);
	t->hash = lexicon_hash(x->text + i, n);
	if ((t->first = lexicon_first(x->lex, t->hash)) != NULL) {
		t->kinds = t->first->kinds;
		x->kinds |= t->kinds;
	}
	if (n > 1 || strchr(",;:\"|", s[i]) != NULL)
		t->flags |= EXTRACT_F_BREAK;
	if (n == 1 && strchr(";:|", s[i]) != NULL)
		t->flags |= EXTRACT_F_STRONG;
	return i + n;
}

/*
 * The token at i, which starts a chunk, into *j; or true (token undone,
 * *j past the chunk) when the chunk is junk.  A word that the chunk ends
 * with holds no junk byte, so only other chunks need the junk check: it
 * runs after the token instead of before every one.
 */
static bool
extract_token_junk(struct extract_ctx *x, size_t i, size_t *j)
{
	size_t	 nt = x->ntok, k;
	bool	 had = x->has_num;

	*j = extract_token(x, i, true);
	if (x->tok[nt].type == EXTRACT_WORD && (*j == x->len ||
	    (extract_class[(unsigned char)x->text[*j]] & (EXTRACT_C_SPACE |
	    EXTRACT_C_NL))))
		return false;
	if ((k = extract_junk_chunk(x->text, i, x->len)) == 0)
		return false;
	x->ntok = nt;
	x->has_num = had;
	*j = k;
	return true;
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
	/* "Sept. 14", "No. 84": an abbreviation before a number. */
	if (s[i] == '.' && x->ntok >= 2 && (extract_match(x, x->ntok - 2,
	    LEXICON_MONTH) != NULL || extract_match(x, x->ntok - 2,
	    LEXICON_PRENOT) != NULL)) {
		while (j < x->len && extract_is_space(s[j]))
			j++;
		if (j < x->len && s[j] >= '0' && s[j] <= '9')
			return false;
		j = i + 1;
	}
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
	x.head_last = lexicon_head_last(lex, x.lang);
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
		if (space && x.ntok == EXTRACT_TOKENS_MAX &&
		    (j = extract_junk_chunk(text, i, len)) != 0) {
			i = j;
			continue;
		}
		if (x.ntok == EXTRACT_TOKENS_MAX)
			extract_sentence(&x);
		if (!space)
			j = extract_token(&x, i, false);
		else if (extract_token_junk(&x, i, &j)) {
			i = j;
			continue;
		}
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
