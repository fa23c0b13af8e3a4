/*
 * lang: BCP 47 tags to lexicon languages, and language detection.
 *
 * Detection is data-driven: every word of the text is looked up once in
 * the lexicon, and each language scores the heaviest kind of entry it has
 * for that word (a "detect" function word outweighs any other entry of
 * the language, which outweighs a "detectpre"/"detectsuf" affix, tried
 * only on words no language knows).  A one-line headline has few function
 * words but its counted nouns, event verbs and number words are all in
 * the lexicon ("Gempa Cianjur: 162 orang tewas"), so it is detected too.
 * The daemon scores the words story_text_init already split (words.h),
 * by the hashes found then; a word with digits or UTF-8 bytes in it is
 * scanned for its runs of letters as lang_detect scans a text, so both
 * give the same scores.  Only lang_choose allocates (that split); the
 * lexicon is only read.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lang.h"
#include "lexicon.h"
#include "util.h"
#include "words.h"

#define LANG_DETECT_MAX	WORDS_BYTES	/* bytes of text scored */
#define LANG_TAG_MAX	8		/* letters in a primary subtag */
#define LANG_W_DETECT	3		/* a "detect" function word */
#define LANG_W_ENTRY	2		/* any other entry of the language */
#define LANG_W_AFFIX	1		/* a detection affix */
#define LANG_AFFIX_MIN	2		/* shortest affix tried */
#define LANG_AFFIX_MAX	5		/* longest affix tried */
#define LANG_STEM_MIN	3		/* letters left beside an affix */
/*
 * "Plainly another language": the detected language outscores the
 * declared one at least twice over and by two content words, so a quote
 * or a name in the other language never overrides a feed's tag.
 */
#define LANG_PLAIN_RATIO	2
#define LANG_PLAIN_MIN		(2 * LANG_W_ENTRY)
/*
 * A declared language is checked against the lede, the first 512 bytes
 * (a title and two or three sentences), when it holds evidence enough
 * (a dozen known words): news keeps one language, and its lede is where
 * an item in the wrong feed shows.  Less evidence, or a lede plainly in
 * another language, and the whole text decides.
 */
#define LANG_LEDE_MAX		512
#define LANG_LEDE_MIN		(12 * LANG_W_ENTRY)

static bool
lang_is_letter(unsigned char c)
{
	/* One compare: | 0x20 folds 'A'-'Z' onto 'a'-'z' and no other byte
	 * onto them. */
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

static bool
lang_is_subtag_char(unsigned char c)
{
	return lang_is_letter(c) || (c >= '0' && c <= '9');
}

static bool
lang_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Checks the subtags after the primary one: 1-8 letters or digits each,
 * separated by '-' (or '_', as POSIX locales write "en_GB").
 */
static bool
lang_tag_rest_valid(const char *p, const char *end)
{
	size_t	 n;

	while (p < end) {
		if (*p != '-' && *p != '_')
			return false;
		p++;
		for (n = 0; p + n < end && lang_is_subtag_char(p[n]); n++)
			;
		if (n == 0 || n > 8)
			return false;
		p += n;
	}
	return true;
}

const char *
lang_tag(const struct lexicon *lex, const char *tag)
{
	const char	*end;
	size_t		 n;
	int		 i;

	if (tag == NULL)
		return LANG_AUTO;
	while (lang_is_space((unsigned char)*tag))
		tag++;
	end = tag + strlen(tag);
	while (end > tag && lang_is_space((unsigned char)end[-1]))
		end--;
	if (end == tag)
		return LANG_AUTO;
	for (n = 0; tag + n < end && lang_is_letter((unsigned char)tag[n]);
	    n++)
		;
	/* "x-private" and "i-default" have one-letter prefixes: none. */
	if (n < 2 || n > LANG_TAG_MAX || !lang_tag_rest_valid(tag + n, end))
		return LANG_NONE;
	if ((n == 4 && strncasecmp(tag, "auto", 4) == 0) ||
	    (n == 3 && (strncasecmp(tag, "und", 3) == 0 ||
	    strncasecmp(tag, "mul", 3) == 0)))
		return LANG_AUTO;
	if (lex == NULL || (i = lexicon_lang_find(lex, tag, n)) == -1)
		return LANG_NONE;
	return lexicon_lang_name(lex, i);
}

bool
lang_is_known(const char *name)
{
	return name != NULL && strcmp(name, LANG_AUTO) != 0 &&
	    strcmp(name, LANG_NONE) != 0;
}

/* Adds weight w for lang l unless this word already gave l as much. */
static void
lang_credit(unsigned char *word, int l, unsigned char w)
{
	if (l >= 0 && l < LANG_MAX && word[l] < w)
		word[l] = w;
}

/* One scoring of a text: where the scores go, and the affix tables. */
struct lang_ctx {
	const struct lexicon	*lex;
	struct lang_guess	*g;
	int			 nl;		/* languages scored */
	const uint8_t		*affix[2];	/* lexicon_affixes: pre, suf */
};

static void
lang_ctx_init(struct lang_ctx *c, const struct lexicon *lex,
    struct lang_guess *g)
{
	c->lex = lex;
	c->g = g;
	c->nl = lexicon_nlangs(lex) < LANG_MAX ? lexicon_nlangs(lex) :
	    LANG_MAX;
	c->affix[0] = lexicon_affixes(lex, LEXICON_DETECT_PRE);
	c->affix[1] = lexicon_affixes(lex, LEXICON_DETECT_SUF);
}

/* The lengths of c's affixes of table t with outer letters a, b. */
static unsigned
lang_affix_lens(const struct lang_ctx *c, int t, unsigned char a,
    unsigned char b)
{
	int	 pair = lexicon_pair(a, b);

	return pair == -1 ? 0 : (unsigned)c->affix[t][pair] << 1;
}

/* lexicon_hash of n letters, inline: | 0x20 folds a letter's case. */
static uint64_t
lang_hash(const char *w, size_t n)
{
	uint64_t	 h = UTIL_HASH_SEED;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = util_fnv1a_step(h, (unsigned char)w[i] | 0x20);
	return lexicon_hash_end(h);
}

/*
 * Credits the languages whose affix of kind k starts or ends w[0..n);
 * whether there was one.
 */
static bool
lang_affixes(const struct lang_ctx *c, const char *w, size_t n,
    unsigned char *word)
{
	const struct lexicon		*lex = c->lex;
	const struct lexicon_entry	*e;
	size_t				 k;
	unsigned			 lens;
	int				 pass;
	bool				 any = false;
	enum lexicon_kind		 kind;

	for (pass = 0; pass < 2; pass++) {
		kind = pass == 0 ? LEXICON_DETECT_PRE : LEXICON_DETECT_SUF;
		/* Most words have no affix's outer letters: no look-up. */
		lens = pass == 0 ? lang_affix_lens(c, 0, w[0], w[1]) :
		    lang_affix_lens(c, 1, w[n - 2], w[n - 1]);
		for (k = LANG_AFFIX_MIN; lens != 0 && k <= LANG_AFFIX_MAX &&
		    k + LANG_STEM_MIN <= n; k++) {
			if ((lens & 1U << k) == 0)
				continue;
			e = lexicon_first(lex, lang_hash(pass == 0 ? w :
			    w + n - k, k));
			if (e == NULL || (e->kinds & LEXICON_BIT(kind)) == 0)
				continue;
			for (; e != NULL; e = lexicon_entry(lex, e->next))
				if (e->kind == kind) {
					lang_credit(word, e->lang,
					    LANG_W_AFFIX);
					any = true;
				}
		}
	}
	return any;
}

/* Kinds of entry that say nothing of a word's language. */
#define LANG_NOT_WORD	(LEXICON_BIT(LEXICON_ENTITY) | \
	LEXICON_BIT(LEXICON_DETECT_PRE) | LEXICON_BIT(LEXICON_DETECT_SUF))

/* Scores one word w[0..n), whose lexicon_hash is h, into c. */
static void
lang_word(const struct lang_ctx *c, const char *w, size_t n, uint64_t h,
    bool caps)
{
	const struct lexicon		*lex = c->lex;
	const struct lexicon_entry	*e;
	unsigned char			 word[LANG_MAX] = { 0 };
	bool				 known = false;
	int				 l;

	/* e->kinds holds the kinds of e and the rest of its chain. */
	for (e = lexicon_first(lex, h); e != NULL &&
	    (e->kinds & ~LANG_NOT_WORD) != 0; e = lexicon_entry(lex, e->next)) {
		if (LEXICON_BIT(e->kind) & LANG_NOT_WORD)
			continue;
		/* An acronym entry ("AS") is not the word "as". */
		if ((e->upper & 1) && !caps)
			continue;
		lang_credit(word, e->lang, e->kind == LEXICON_DETECT ?
		    LANG_W_DETECT : LANG_W_ENTRY);
		known = true;
	}
	if (!known && (n < LANG_AFFIX_MIN + LANG_STEM_MIN ||
	    !lang_affixes(c, w, n, word)))
		return;		/* most words: nothing to add */
	for (l = 0; l < c->nl; l++)
		c->g->score[l] += word[l];
}

/* Adds the scores of the words of text[0..len) to c. */
static void
lang_scan(const struct lang_ctx *c, const char *text, size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i = 0, j;
	uint64_t		 h;
	bool			 caps;

	while (i < len) {
		if (!lang_is_letter(s[i])) {
			i++;
			continue;
		}
		/* One pass over the word: its end, its case and its hash
		 * (lexicon_hash: letters only, so | 0x20 is the fold). */
		caps = true;
		h = UTIL_HASH_SEED;
		for (j = i; j < len && lang_is_letter(s[j]); j++) {
			if (s[j] >= 'a')
				caps = false;
			h = util_fnv1a_step(h, s[j] | 0x20);
		}
		/* Part of a longer non-ASCII word ("café"): skipped. */
		if ((i == 0 || s[i - 1] < 0x80) && (j == len || s[j] < 0x80))
			lang_word(c, text + i, j - i, lexicon_hash_end(h),
			    caps);
		i = j;
	}
}

/* Sets g->best from g's nl scores: -1 for no evidence or a tie. */
static void
lang_best(struct lang_guess *g, int nl)
{
	int	 l;

	g->best = -1;
	for (l = 0; l < nl; l++) {
		if (g->score[l] == 0)
			continue;
		if (g->best == -1 || g->score[l] > g->score[g->best])
			g->best = l;
	}
	for (l = 0; g->best != -1 && l < nl; l++)
		if (l != g->best && g->score[l] == g->score[g->best])
			g->best = -1;
}

void
lang_detect(const struct lexicon *lex, const char *text, size_t len,
    struct lang_guess *g)
{
	struct lang_ctx	 c;

	memset(g, 0, sizeof(*g));
	g->best = -1;
	if (lex == NULL || text == NULL)
		return;
	if (len > LANG_DETECT_MAX)
		len = LANG_DETECT_MAX;
	lang_ctx_init(&c, lex, g);
	lang_scan(&c, text, len);
	lang_best(g, c.nl);
}

const char *
lang_detect_name(const struct lexicon *lex, const char *text, size_t len)
{
	struct lang_guess	 g;

	if (lex == NULL || lexicon_nlangs(lex) == 0)
		return NULL;
	lang_detect(lex, text, len, &g);
	return lexicon_lang_name(lex, g.best != -1 ? g.best : 0);
}

/* Whether g says plainly another language than d (see LANG_PLAIN_*). */
static bool
lang_plain(const struct lang_guess *g, int d)
{
	return g->best != -1 && g->best != d && d >= 0 && d < LANG_MAX &&
	    g->score[g->best] >= LANG_PLAIN_RATIO * g->score[d] +
	    LANG_PLAIN_MIN;
}

/*
 * The lede of a text longer than LANG_LEDE_MAX: its length, cut where a
 * word ends (so each of its words scores as in the whole text), or len
 * when the text is no longer or no word ends near the mark.
 */
static size_t
lang_lede(const char *text, size_t len)
{
	size_t	 i;

	if (len <= LANG_LEDE_MAX)
		return len;
	for (i = LANG_LEDE_MAX; i > LANG_LEDE_MAX / 2; i--)
		if ((unsigned char)text[i] < 0x80 &&
		    !lang_is_letter((unsigned char)text[i]))
			return i;
	return len;
}

/*
 * Adds to g the scores of the words of ws in bytes [from, to) of text,
 * from word *k on (left at the first word not ended by to).  A word of
 * letters whole in the range is scored by its hash from words_split;
 * others, and parts, are scanned as lang_detect would scan them: each
 * starts and ends at a byte that is no letter, so no run of letters is cut.
 */
static void
lang_scan_words(const struct lang_ctx *c, const char *text,
    const struct words *ws, size_t *k, size_t from, size_t to)
{
	const struct words_word	*w;
	size_t			 a, b;

	for (; *k < ws->n && ws->w[*k].off < to; (*k)++) {
		w = &ws->w[*k];
		a = w->off > from ? w->off : from;
		b = w->off + w->len < to ? w->off + w->len : to;
		if (a >= b)
			continue;
		if (a == w->off && b == w->off + w->len &&
		    (w->cls & ~(WORDS_LOWER | WORDS_UPPER)) == 0)
			lang_word(c, text + a, b - a,
			    lexicon_hash_end(w->hash),
			    (w->cls & WORDS_LOWER) == 0);
		else
			lang_scan(c, text + a, b - a);
		if (b == to && b < w->off + w->len)
			break;		/* the rest of it is after to */
	}
}

/*
 * The declared language d stands, or the text is plainly another.  The
 * lede (the title and the first sentences) decides when it is plainly in
 * d: a long item is not scored word by word to confirm its feed's tag.
 * Otherwise the whole text is.
 */
static int
lang_check(const struct lexicon *lex, int d, const char *text, size_t len,
    const struct words *ws)
{
	struct lang_guess	 g;
	struct lang_ctx		 c;
	size_t			 n, k = 0;
	int			 l;

	memset(&g, 0, sizeof(g));
	if (text == NULL)
		return d;
	lang_ctx_init(&c, lex, &g);
	if (len > LANG_DETECT_MAX)
		len = LANG_DETECT_MAX;
	n = lang_lede(text, len);
	lang_scan_words(&c, text, ws, &k, 0, n);
	if (n < len) {
		/* The lede is plainly in d: every other language scores
		 * less than half, and d has evidence enough. */
		for (l = 0; l < c.nl; l++)
			if (l != d && LANG_PLAIN_RATIO * g.score[l] +
			    LANG_PLAIN_MIN > g.score[d])
				break;
		if (l == c.nl && g.score[d] >= LANG_LEDE_MIN)
			return d;
		/* The lede ends before a non-letter: no word is cut. */
		lang_scan_words(&c, text, ws, &k, n, len);
	}
	lang_best(&g, c.nl);
	return lang_plain(&g, d) ? g.best : d;
}

const char *
lang_choose_words(const struct lexicon *lex, const char *tag,
    const char *text, size_t len, const struct words *ws, bool *unknown)
{
	struct lang_guess	 g;
	struct lang_ctx		 c;
	const char		*t;
	size_t			 k = 0;

	t = lang_tag(lex, tag);
	*unknown = strcmp(t, LANG_NONE) == 0;
	if (lex == NULL || lexicon_nlangs(lex) == 0)
		return NULL;
	if (lang_is_known(t))
		return lexicon_lang_name(lex, lang_check(lex,
		    lexicon_lang_index(lex, t), text, len, ws));
	memset(&g, 0, sizeof(g));
	lang_ctx_init(&c, lex, &g);
	if (text != NULL)
		lang_scan_words(&c, text, ws, &k, 0, len < LANG_DETECT_MAX ?
		    len : LANG_DETECT_MAX);
	lang_best(&g, c.nl);
	return lexicon_lang_name(lex, g.best != -1 ? g.best : 0);
}

const char *
lang_choose(const struct lexicon *lex, const char *tag, const char *text,
    size_t len, bool *unknown)
{
	struct words	 ws;
	const char	*t;

	words_split(&ws, text, text != NULL ? len : 0);
	t = lang_choose_words(lex, tag, text, len, &ws, unknown);
	words_free(&ws);
	return t;
}
