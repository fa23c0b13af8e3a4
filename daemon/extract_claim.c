/*
 * extract_claim: one number phrase of a sentence → one claim, in phases:
 * the number with its qualifier and currency (extract_phrase), the
 * counted noun (extract_noun), the event that governs it in its clause
 * (extract_event), the owner of the counted things (extract_entity), the
 * role and modality, then the claim goes to the caller (extract_emit).
 * Every phase only reads the sentence's tokens and the lexicon; nothing
 * allocates and no word of a particular language is named here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "claim.h"
#include "extract_int.h"
#include "lexicon.h"
#include "util.h"

#define EXTRACT_UNIT_GAP	2	/* words between number and noun */
#define EXTRACT_LOOKBACK	6	/* tokens searched for a noun before */
#define EXTRACT_OWNER_GAP	4	/* names between a noun and its owner */
#define EXTRACT_OPEN_RUN	5	/* tokens of an unknown noun phrase */
#define EXTRACT_BARE_GAP	3	/* words between a bare number and verb */
#define EXTRACT_ROLE_GAP	4	/* words between a claim and a role word */
#define EXTRACT_AWAY_HOPS	4	/* names listed after one "by", "ke" */

/* What one number phrase is found to be, phase by phase. */
struct extract_cand {
	struct extract_num		 np;
	struct extract_num		 np2;	/* a range's upper end */
	bool				 range;
	uint16_t			 cl;	/* the number's clause */
	size_t				 qstart; /* first token of claim words */
	size_t				 end;	/* after number and qualifiers */
	size_t				 ustart, uend; /* counted noun */
	size_t				 cstart, cend; /* currency sign */
	size_t				 last;	/* after the claim words */
	const struct lexicon_entry	*qual;
	const struct lexicon_entry	*unit;	/* known noun, or NULL */
	const struct lexicon_entry	*money;
	const struct lexicon_entry	*npent;	/* owner named in the noun */
	const struct lexicon_entry	*ev;
	size_t				 evpos;
	bool				 open;	/* noun not in the lexicon */
	bool				 demonym; /* the owner is the noun */
	bool				 elided; /* "lainnya": the last noun */
	bool				 inherit; /* sub-count word */
	bool				 listitem; /* item of a list */
	bool				 nominal; /* event named before it */
	bool				 partitive; /* "18 of 19 onboard" */
	const struct lexicon_entry	*npev;	/* "wounded" of "two wounded soldiers" */
	size_t				 npevpos;
	enum claim_role			 role;
};

static bool
extract_same_clause(const struct extract_ctx *x, size_t k, uint16_t cl)
{
	return k < x->ntok && x->tok[k].clause == cl;
}

/*
 * A capitalized number word inside a name, "Kecamatan Muara Tiga": after
 * a capitalized word and before a lower-case one (a title-case headline
 * capitalizes the next word too).
 */
static bool
extract_in_name(const struct extract_ctx *x, const struct extract_num *np)
{
	size_t	 i = np->start;

	return x->tok[i].type == EXTRACT_WORD &&
	    (x->tok[i].flags & EXTRACT_F_CAP) && i > 0 &&
	    x->tok[i - 1].type == EXTRACT_WORD &&
	    (x->tok[i - 1].flags & EXTRACT_F_CAP) &&
	    !(np->end < x->ntok && (x->tok[np->end].flags & EXTRACT_F_CAP));
}

/*
 * "18 of 19 onboard were killed", "One of the 12 died": the part is the
 * claim, a sub-count of the whole; the whole's number is read past.
 */
static void
extract_partitive(const struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	struct extract_num		 whole;
	size_t				 k = cd->end;

	if (cd->range || cd->money != NULL ||
	    (e = extract_match(x, k, LEXICON_LINK)) == NULL)
		return;
	k += e->nwords;
	if ((e = extract_match(x, k, LEXICON_DET)) != NULL)
		k += e->nwords;
	if (!extract_starts_number(x, k) || !extract_number(x, k, &whole) ||
	    whole.value <= cd->np.value)
		return;
	cd->partitive = true;
	cd->role = CLAIM_ROLE_SUBCOUNT;
	cd->end = whole.end;
}

/* The number, its currency sign, qualifier and range; false: no claim. */
static bool
extract_phrase(struct extract_ctx *x, size_t i, struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	size_t				 k, s;

	if (!extract_number(x, i, &cd->np))
		return false;
	if (extract_not_count(x, &cd->np) || extract_in_name(x, &cd->np)) {
		/* "skala 1,5 sampai 4,8": the range's end is no count either. */
		if ((e = extract_match(x, cd->np.end, LEXICON_RANGE)) != NULL &&
		    !e->weak && extract_starts_number(x, cd->np.end +
		    e->nwords) && extract_number(x, cd->np.end + e->nwords,
		    &cd->np2))
			cd->np.end = cd->np2.end;
		return false;
	}
	cd->qstart = i;
	cd->end = cd->np.end;
	cd->cl = x->tok[i].clause;
	if ((e = extract_match_ending(x, cd->qstart, LEXICON_CURRENCY, &s)) !=
	    NULL) {
		cd->money = e;
		cd->cstart = s;
		cd->cend = cd->qstart;
		cd->qstart = s;
	}
	if ((e = extract_match_ending(x, cd->qstart, LEXICON_ELIDE, &s)) !=
	    NULL) {
		cd->elided = true;
		cd->qstart = s;
	}
	if ((e = extract_match_ending(x, cd->qstart, LEXICON_QUAL, &s)) !=
	    NULL) {
		cd->qual = e;
		cd->qstart = s;
	}
	/* Ranges: "10.000-12.000", "10,000 to 12,000", "antara X dan Y". */
	if ((e = extract_match(x, cd->end, LEXICON_RANGE)) != NULL &&
	    (!e->weak || (cd->qual != NULL &&
	    strcmp(cd->qual->id, "range") == 0))) {
		k = cd->end + e->nwords;
		if ((e = extract_match(x, k, LEXICON_CURRENCY)) != NULL)
			k += e->nwords;
		if (extract_starts_number(x, k) &&
		    extract_number(x, k, &cd->np2) && !cd->np2.vague) {
			/* "10 to 12 million": the multiplier is shared. */
			if (cd->np2.mult && !cd->np.mult &&
			    x->tok[k].type == EXTRACT_NUM &&
			    x->tok[k].num > 0 && cd->np.value < x->tok[k].num)
				cd->np.value *= cd->np2.value / x->tok[k].num;
			if (cd->np2.value > cd->np.value) {
				cd->range = true;
				cd->end = cd->np2.end;
			}
		}
	}
	if ((e = extract_match(x, cd->end, LEXICON_POSTQUAL)) != NULL) {
		cd->qual = e;
		cd->end += e->nwords;
	}
	extract_partitive(x, cd);
	return true;
}

/*
 * A word that may be a counted noun the lexicon does not know: a word
 * of letters, no entry of any kind, not a verb by its prefix, and not a
 * capitalized name (acronyms such as "TPS" are nouns).
 */
static bool
extract_open_word(const struct extract_ctx *x, size_t k)
{
	const struct extract_tok	*t;
	unsigned char			 c;

	if (k >= x->ntok)
		return false;
	t = &x->tok[k];
	c = (unsigned char)x->text[t->off];
	if (t->type != EXTRACT_WORD || t->len < 2 || c < 'A' ||
	    (c <= 'Z' && !(t->flags & EXTRACT_F_UPPER)) ||
	    (c > 'Z' && c < 'a') || c > 'z')
		return false;
	if (lexicon_verb_prefix(x->lex, x->lang, x->text + t->off, t->len))
		return false;
	return extract_known(x, k) == 0;
}

static bool
extract_is_plural(const struct extract_ctx *x, size_t k)
{
	const struct extract_tok	*t = &x->tok[k];

	return lexicon_singular(x->lex, x->lang, x->text + t->off, t->len,
	    NULL, 0);
}

/*
 * The head of an unknown noun phrase starting at k, or -1.  Where heads
 * come last (en), it is the last plural word of a short run of unknown
 * words ("polling stations"); where they come first (id), the first
 * unknown word ("dapur umum").
 */
static long
extract_open_head(const struct extract_ctx *x, size_t k, uint16_t cl)
{
	size_t	 j;

	if (!x->head_last)
		return extract_open_word(x, k) ? (long)k : -1;
	for (j = k; j < k + EXTRACT_OPEN_RUN && extract_same_clause(x, j, cl);
	    j++) {
		/* A known noun further on is the head: "new recruits". */
		if (extract_match(x, j, LEXICON_UNIT) != NULL)
			return -1;
		/* "mail-in ballots": any word joined by a hyphen. */
		if (j > k && x->tok[j].type == EXTRACT_PUNCT &&
		    x->text[x->tok[j].off] == '-' &&
		    !(x->tok[j].flags & EXTRACT_F_SPACE))
			continue;
		if (!(j > k && x->tok[j - 1].type == EXTRACT_PUNCT &&
		    x->text[x->tok[j - 1].off] == '-') &&
		    !extract_open_word(x, j))
			break;
		if (extract_is_plural(x, j))
			return (long)j;
	}
	return -1;
}

/* A counter word ("orang") followed by the real noun gives way to it. */
static void
extract_set_unit(struct extract_ctx *x, struct extract_cand *cd,
    const struct lexicon_entry *e, size_t k)
{
	const struct lexicon_entry	*n;
	long				 h;

	if (e->kind == LEXICON_MONEY) {
		cd->money = e;
		return;
	}
	cd->unit = e;
	cd->ustart = k;
	cd->uend = k + e->nwords;
	if (extract_match(x, k, LEXICON_CLASSIFIER) != NULL) {
		if ((n = extract_match(x, cd->uend, LEXICON_UNIT)) != NULL &&
		    !n->weak) {
			cd->unit = n;
			cd->ustart = cd->uend;
			cd->uend += n->nwords;
		} else if (e->weak && extract_open_word(x, cd->uend)) {
			/* "3 unit mobil": a weak counter gives way to an
			 * unknown noun too ("orang hadir" is a verb). */
			cd->unit = NULL;
			cd->open = true;
			cd->ustart = cd->uend++;
		}
	} else if (x->head_last && !e->weak && e->nwords == 1 &&
	    extract_open_word(x, cd->uend) && !extract_is_plural(x, k) &&
	    (h = extract_open_head(x, cd->uend, cd->cl)) != -1) {
		/* "civilian airplane accidents": the head is last. */
		cd->unit = NULL;
		cd->open = true;
		cd->ustart = (size_t)h;
		cd->uend = (size_t)h + 1;
	}
}

/* Whether the word at k ends the words between a number and its noun. */
static bool
extract_np_stop(const struct extract_ctx *x, size_t k)
{
	const struct lexicon_entry	*e;

	if (x->tok[k].type != EXTRACT_WORD)
		return true;
	if (x->tok[k].first == NULL)
		return false;
	return extract_match(x, k, LEXICON_STOP) != NULL ||
	    ((e = extract_match(x, k, LEXICON_EVENT)) != NULL && !e->weak) ||
	    extract_match(x, k, LEXICON_AWAY) != NULL ||
	    extract_match(x, k, LEXICON_LOCATIVE) != NULL ||
	    extract_match(x, k, LEXICON_MODAL) != NULL ||
	    extract_match(x, k, LEXICON_NOTCOUNT) != NULL ||
	    extract_match(x, k, LEXICON_NOTNOUN) != NULL ||
	    extract_is_numword(x, k);
}

/* The counted noun after the number, past a few modifiers and owners. */
static void
extract_noun_after(struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e, *n;
	size_t				 k = cd->end, gaps, first;
	long				 h;

	/* "5,000-strong force": a glued hyphen before the link. */
	if (k + 1 < x->ntok && x->tok[k].type == EXTRACT_PUNCT &&
	    x->text[x->tok[k].off] == '-' &&
	    !(x->tok[k + 1].flags & EXTRACT_F_SPACE) &&
	    extract_match(x, k + 1, LEXICON_LINK) != NULL)
		k++;
	if ((e = extract_match(x, k, LEXICON_LINK)) != NULL)
		k += e->nwords;
	first = k;
	for (gaps = 0; extract_same_clause(x, k, cd->cl) &&
	    gaps <= EXTRACT_UNIT_GAP; gaps++) {
		/* A participle before its noun: "two wounded soldiers",
		 * "dozens of missing migrants". */
		if ((e = extract_match(x, k, LEXICON_EVENT)) != NULL &&
		    (n = extract_match(x, k + e->nwords, LEXICON_UNIT)) !=
		    NULL && !n->weak) {
			cd->npev = e;
			cd->npevpos = k;
			k += e->nwords;
			continue;
		}
		if ((e = extract_match(x, k, LEXICON_UNIT)) != NULL ||
		    (e = extract_match(x, k, LEXICON_MONEY)) != NULL ||
		    (e = extract_match_suffix(x, k, LEXICON_UNIT)) != NULL) {
			extract_set_unit(x, cd, e, k);
			return;
		}
		if ((e = extract_match(x, k, LEXICON_ENTITY)) != NULL) {
			if (cd->npent == NULL && k == first) {
				cd->demonym = true;
				cd->ustart = k;
				cd->uend = k + e->nwords;
			}
			cd->npent = e;
			k += e->nwords;
			continue;
		}
		if ((e = extract_match(x, k, LEXICON_ELIDE)) != NULL) {
			cd->elided = true;
			k += e->nwords;
			continue;
		}
		if (extract_np_stop(x, k))
			break;
		if (!cd->demonym && (h = extract_open_head(x, k, cd->cl)) !=
		    -1) {
			cd->open = true;
			cd->ustart = (size_t)h;
			cd->uend = (size_t)h + 1;
			return;
		}
		k++;
	}
	if (!cd->demonym)
		cd->npent = NULL;
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

/*
 * Whether [from, to) may stand between a noun and the amount it has:
 * known words and verbs ("rumah yang mengalami rusak berat sejumlah"),
 * not an unknown word ("police put the figure at 25,000").
 */
static bool
extract_pred_gap(const struct extract_ctx *x, size_t from, size_t to)
{
	const struct extract_tok	*t;
	size_t				 n;

	for (; from < to; from++) {
		t = &x->tok[from];
		if ((n = extract_known(x, from)) > 1) {
			from += n - 1;
			continue;
		}
		/* Unknown words inside a phrase "from the landslide" pass. */
		if (t->type == EXTRACT_WORD && n == 0 &&
		    !lexicon_verb_prefix(x->lex, x->lang, x->text + t->off,
		    t->len) && !(from > 0 && (extract_match(x, from - 1,
		    LEXICON_DET) != NULL || extract_match(x, from - 1,
		    LEXICON_STOP) != NULL || extract_match(x, from - 1,
		    LEXICON_LINK) != NULL)))
			return false;
	}
	return true;
}

/* The noun before: "tentara sebanyak 100 orang", "korban ... 3.000". */
static void
extract_noun_before(struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	size_t				 s;
	long				 b;

	for (s = 1; s <= EXTRACT_LOOKBACK; s++) {
		if ((b = (long)cd->qstart - (long)s) < 0 ||
		    x->tok[b].clause != cd->cl ||
		    x->tok[b].type == EXTRACT_NUM)
			break;
		if ((e = extract_match(x, (size_t)b, LEXICON_UNIT)) == NULL)
			e = extract_match_suffix(x, (size_t)b, LEXICON_UNIT);
		if (e == NULL || (size_t)b + e->nwords > cd->qstart)
			continue;
		/* A noun right after another number is that one's. */
		if (b > 0 && (x->tok[b - 1].type == EXTRACT_NUM ||
		    extract_match(x, (size_t)b - 1, LEXICON_MULT) != NULL ||
		    extract_is_numword(x, (size_t)b - 1)))
			break;
		/* None or a weak one yet: "rumah ... berjumlah 340 unit". */
		if (((cd->unit == NULL || (cd->unit->weak && !e->weak &&
		    (cd->ustart < cd->qstart || extract_match(x, cd->ustart,
		    LEXICON_EVENT) == NULL))) &&
		    extract_pred_gap(x, (size_t)b + e->nwords, cd->qstart)) ||
		    (!e->weak && extract_np_gap(x,
		    (size_t)b + e->nwords, cd->qstart, &cd->npent))) {
			cd->unit = e;
			cd->ustart = (size_t)b;
			cd->uend = (size_t)b + e->nwords;
		}
		/* "soldiers killed and wounded has surpassed 3,000": a weak
		 * noun gives way to a plain one further back. */
		if (!e->weak)
			break;
	}
}

/* The noun as predicate: "of whom 110 were children", "5 di antaranya
 * pelajar". */
static void
extract_noun_predicate(struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	size_t				 k = cd->end;

	if (cd->unit != NULL || cd->money != NULL || cd->open || cd->demonym)
		return;
	if ((e = extract_match(x, k, LEXICON_INHERIT)) != NULL)
		k += e->nwords;
	if ((e = extract_match(x, k, LEXICON_AUX)) != NULL)
		k += e->nwords;
	if (k == cd->end || !extract_same_clause(x, k, cd->cl) ||
	    (e = extract_match(x, k, LEXICON_UNIT)) == NULL || e->weak)
		return;
	cd->unit = e;
	cd->ustart = k;
	cd->uend = k + e->nwords;
}

static void
extract_noun(struct extract_ctx *x, struct extract_cand *cd)
{
	extract_noun_after(x, cd);
	extract_noun_predicate(x, cd);
	if (cd->uend > cd->end) {
		cd->end = cd->uend;
		if ((cd->qual == NULL || cd->qual->kind != LEXICON_POSTQUAL) &&
		    extract_match(x, cd->end, LEXICON_POSTQUAL) != NULL) {
			cd->qual = extract_match(x, cd->end, LEXICON_POSTQUAL);
			cd->end += cd->qual->nwords;
		}
	}
	if (cd->money == NULL && !cd->open && !cd->demonym &&
	    (cd->unit == NULL || (cd->unit->weak &&
	    extract_match(x, cd->ustart, LEXICON_EVENT) == NULL) ||
	    strcmp(cd->unit->id, "people") == 0))
		extract_noun_before(x, cd);
	cd->last = cd->end > cd->uend ? cd->end : cd->uend;
}

/* Whether the entity at k is governed by "ke", "by", "menurut", also
 * through a list: "by Kyiv, Washington and Seoul". */
static bool
extract_is_away(const struct extract_ctx *x, size_t k, bool locative_too)
{
	size_t	 s, hops;

	for (hops = 0; k > 0 && hops < EXTRACT_AWAY_HOPS; hops++) {
		/* "in the Ukraine war": past a determiner. */
		if (extract_match_ending(x, k, LEXICON_DET, &s) != NULL)
			k = s;
		if (extract_match_ending(x, k, LEXICON_AWAY, &s) != NULL ||
		    (locative_too && extract_match_ending(x, k,
		    LEXICON_LOCATIVE, &s) != NULL))
			return true;
		/* Step back over a list separator to the name before. */
		if (!(x->tok[k - 1].type == EXTRACT_PUNCT &&
		    x->text[x->tok[k - 1].off] == ',') &&
		    extract_match(x, k - 1, LEXICON_STOP) == NULL)
			return false;
		if (k < 2 || extract_match_ending(x, k - 1, LEXICON_ENTITY,
		    &s) == NULL)
			return false;
		k = s;
	}
	return false;
}

/* Whether the claim words are a list item: only names, places and
 * conjunctions stand between the clause start and the number. */
static bool
extract_is_listitem(const struct extract_ctx *x, const struct extract_cand *cd)
{
	size_t	 k = cd->qstart, s;
	bool	 conj = false;

	if (!x->prev_in_sent)
		return false;
	/* "72 pelajar dan 103 mahasiswa": a conjunction right before. */
	if (k > 0 && extract_match_ending(x, k, LEXICON_CONJ, &s) != NULL &&
	    s >= x->prev_last)
		return true;
	while (k > 0 && x->tok[k - 1].clause == cd->cl) {
		/* Back at the item before: "Jambi 20.826 dan Riau 30.144"
		 * (but "230 ribu orang di 14 negara" is no list). */
		if (k <= x->prev_last)
			return conj;
		k--;
		if (extract_match(x, k, LEXICON_CONJ) != NULL)
			conj = true;
		if (x->tok[k].type == EXTRACT_PUNCT ||
		    (x->tok[k].flags & EXTRACT_F_CAP) ||
		    extract_match(x, k, LEXICON_STOP) != NULL ||
		    extract_match(x, k, LEXICON_LOCATIVE) != NULL ||
		    extract_match(x, k, LEXICON_INHERIT) != NULL)
			continue;
		return false;
	}
	return true;
}

/* Whether token k ends the words an event after a number may reach. */
static bool
extract_segment_end(const struct extract_ctx *x, size_t k, uint16_t cl,
    bool cross)
{
	if (k >= x->ntok || extract_starts_number(x, k))
		return true;
	if (x->tok[k].clause == cl)
		return false;
	/* Past a comma only: "200 pengungsi, di antaranya ..., mendarat". */
	return !cross || (k > 0 && (x->tok[k - 1].flags & EXTRACT_F_STRONG)) ||
	    extract_match(x, k, LEXICON_CLAUSE) != NULL;
}

/*
 * The predicate after the noun, before the next number: the first plain
 * event that follows an auxiliary ("troops deployed to Russia have been
 * killed" is killed), else the first one; in the number's clause first,
 * then past commas.
 */
static const struct lexicon_entry *
extract_event_after(const struct extract_ctx *x, struct extract_cand *cd,
    const struct lexicon_entry **weak, size_t *pos)
{
	const struct lexicon_entry	*e, *n, *found = NULL;
	size_t				 k, s;
	int				 pass;
	bool				 aim = false, aux;

	for (pass = 0; pass < 2 && found == NULL; pass++) {
		for (k = cd->last; !extract_segment_end(x, k, cd->cl,
		    pass == 1); k++) {
			/* "300 polisi untuk mengamankan TPS": an aim. */
			if (extract_match(x, k, LEXICON_PURPOSE) != NULL)
				aim = true;
			if ((e = extract_match(x, k, LEXICON_EVENT)) == NULL ||
			    (k > 0 && extract_match(x, k - 1, LEXICON_DET) !=
			    NULL))
				continue;
			aux = extract_match_ending(x, k, LEXICON_AUX, &s) !=
			    NULL;
			/* An aim, or a noun ("efforts to reach survivors")
			 * that no aux makes the predicate ("menjadi korban"). */
			if ((aim || ((n = extract_match(x, k, LEXICON_UNIT)) !=
			    NULL && !n->weak)) && !aux)
				continue;
			/* "and another 2,800 wounded since they were
			 * deployed": a continued count with the event right
			 * after the number has it as its predicate. */
			if (k == cd->np.end && (cd->elided || cd->listitem) &&
			    !e->weak &&
			    strcmp(e->id, "funding") != 0) {
				*pos = k;
				return e;
			}
			if (e->weak) {
				if (*weak == NULL && pass == 0)
					*weak = e;
			} else if (strcmp(e->id, "funding") != 0) {
				/* "berisi", "carrying": a plain event later
				 * is the predicate. */
				if (found == NULL || (strcmp(found->id,
				    "other") == 0 && strcmp(e->id, "other") !=
				    0)) {
					found = e;
					*pos = k;
				}
				if (aux) {
					*pos = k;
					return e;
				}
			}
			k += e->nwords - 1;
		}
	}
	return found;
}

/*
 * Coordinated subjects share the predicate: "1,200 soldiers and 300
 * police officers would be deployed".  Past the conjunction, the next
 * number and its noun, the first plain event of the clause.
 */
static const struct lexicon_entry *
extract_event_shared(const struct extract_ctx *x, const struct extract_cand *cd,
    size_t *pos)
{
	const struct lexicon_entry	*e, *q;
	struct extract_num		 np;
	size_t				 k = cd->last, s, n;

	while (extract_same_clause(x, k, cd->cl) && !extract_starts_number(x, k))
		k++;
	/* "3.421 KK atau sekitar 11.000 jiwa terdampak": a qualifier
	 * between the conjunction and the number. */
	s = k;
	if (k > 0 && (q = extract_match_ending(x, k, LEXICON_QUAL, &s)) !=
	    NULL && strcmp(q->id, "range") == 0)
		s = k;
	/* "7.230 jiwa dari 2.104 KK ... terdampak": a link joins them too. */
	if (!extract_same_clause(x, k, cd->cl) ||
	    (extract_match_ending(x, s, LEXICON_CONJ, &n) == NULL &&
	    extract_match_ending(x, s, LEXICON_LINK, &n) == NULL) ||
	    n != cd->last || !extract_number(x, k, &np))
		return NULL;
	k = np.end;
	for (n = 0; n < EXTRACT_OWNER_GAP && extract_same_clause(x, k, cd->cl) &&
	    (extract_match(x, k, LEXICON_UNIT) != NULL ||
	    extract_match(x, k, LEXICON_ENTITY) != NULL ||
	    extract_open_word(x, k)); n++)
		k++;
	for (; extract_same_clause(x, k, cd->cl) &&
	    !extract_starts_number(x, k); k++) {
		if ((e = extract_match(x, k, LEXICON_EVENT)) != NULL &&
		    !e->weak && strcmp(e->id, "funding") != 0) {
			*pos = k;
			return e;
		}
	}
	return NULL;
}

/* Whether the number at k is a measure: a notcount word right after it
 * or after a hyphen ("7.1-magnitude", "72 jam"). */
static bool
extract_is_measure(const struct extract_ctx *x, size_t k)
{
	if (k + 2 < x->ntok && x->tok[k + 1].type == EXTRACT_PUNCT &&
	    x->tok[k + 1].len == 1 && x->text[x->tok[k + 1].off] == '-')
		k++;
	return k + 1 < x->ntok &&
	    extract_match(x, k + 1, LEXICON_NOTCOUNT) != NULL;
}

/* The nearest plain event before the number in its clause: a nominal
 * ("jumlah korban tewas mencapai ...") or the verb of an object. */
static const struct lexicon_entry *
extract_event_before(const struct extract_ctx *x, struct extract_cand *cd,
    size_t *pos)
{
	const struct lexicon_entry	*e;
	size_t				 k, s;

	/* One probe per word; the longest phrase ending where a hit ends
	 * ("killed and wounded", not "wounded"). */
	for (k = cd->qstart; k > 0 && x->tok[k - 1].clause == cd->cl; k--) {
		/* Past a measure ("Monday's 7.1-magnitude earthquake"),
		 * which is no count, to "the death toll". */
		if ((x->tok[k - 1].type == EXTRACT_NUM &&
		    !extract_is_measure(x, k - 1)) ||
		    (x->prev_in_sent && k <= x->prev_last))
			break;
		if ((e = extract_match(x, k - 1, LEXICON_EVENT)) == NULL ||
		    k - 1 + e->nwords > cd->qstart ||
		    (e = extract_match_ending(x, k - 1 + e->nwords,
		    LEXICON_EVENT, &s)) == NULL || (cd->unit != NULL &&
		    s >= cd->ustart && s < cd->uend))
			continue;
		/* The last claim's predicate is not this one's, and a weak
		 * word before is the last noun's modifier. */
		if (!e->weak && strcmp(e->id, "funding") != 0 &&
		    !(x->prev_in_sent && s == x->prev_evpos)) {
			*pos = s;
			return e;
		}
		if (s + 1 < k)
			k = s + 1;
	}
	return NULL;
}

/* The nearest plain event before the number anywhere in the sentence. */
static const struct lexicon_entry *
extract_event_earlier(const struct extract_ctx *x, const struct extract_cand *cd,
    size_t *pos)
{
	const struct lexicon_entry	*e;
	size_t				 k, s;

	for (k = cd->qstart; k > 0; k--) {
		if ((e = extract_match_ending(x, k, LEXICON_EVENT, &s)) !=
		    NULL && !e->weak && strcmp(e->id, "funding") != 0) {
			*pos = s;
			return e;
		}
	}
	return NULL;
}

/* The last claim, when this one continues it: a sub-count, a list item,
 * an elided noun or a repeated figure. */
static const struct extract_seen *
extract_inherited(const struct extract_ctx *x, const struct extract_cand *cd)
{
	const struct extract_seen	*p = extract_prev(x);
	size_t				 n;

	if (p == NULL)
		return NULL;
	if (cd->inherit || ((cd->listitem || cd->elided ||
	    cd->role == CLAIM_ROLE_EARLIER ||
	    cd->role == CLAIM_ROLE_COMPARISON) && x->prev_in_sent))
		return p;
	/* "220 orang tersebut": the same figure again, the same fact. */
	for (n = 0; n < x->nhist && n < EXTRACT_HISTORY; n++) {
		p = &x->hist[(x->nhist - 1 - n) % EXTRACT_HISTORY];
		if (p->value == x->c.value && !cd->np.one)
			return p;
	}
	return NULL;
}

/* "... killed and another 95 wounded after they were sent": a continued
 * count whose only noun is a participle ("wounded", "dead") has that as
 * its event, unless a predicate follows ("30 korban tewas"). */
static const struct lexicon_entry *
extract_event_participle(const struct extract_ctx *x,
    const struct extract_cand *cd, size_t *pos)
{
	const struct lexicon_entry	*e;

	if (cd->unit == NULL || !cd->unit->weak || cd->ustart != cd->np.end ||
	    !(cd->elided || cd->listitem) ||
	    (e = extract_match(x, cd->ustart, LEXICON_EVENT)) == NULL ||
	    e->weak || strcmp(e->id, "funding") == 0 ||
	    extract_match(x, cd->last, LEXICON_EVENT) != NULL)
		return NULL;
	*pos = cd->ustart;
	return e;
}

/* Event: the verb of the object, the predicate after, a nominal before,
 * the noun's own, the continued claim's, a weak one; else "other". */
static void
extract_event(struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e = NULL, *n, *weak = NULL;
	const struct extract_seen	*p;
	struct claim			*c = &x->c;
	size_t				 s;

	if (cd->money != NULL) {
		util_strlcpy(c->event, "funding", sizeof(c->event));
		return;
	}
	if ((e = extract_match_ending(x, cd->qstart, LEXICON_EVENT, &s)) !=
	    NULL && !e->weak && strcmp(e->id, "funding") != 0)
		cd->evpos = s;
	else {
		/* "tambahan 1.500 pasukan": a weak word right before. */
		if (e != NULL && e->weak)
			weak = e;
		e = NULL;
	}
	if (e == NULL)
		e = extract_event_participle(x, cd, &cd->evpos);
	if (e == NULL)
		e = extract_event_after(x, cd, &weak, &cd->evpos);
	if (e == NULL)
		e = extract_event_shared(x, cd, &cd->evpos);
	/* The noun's own: "casualties", "korban", "pengungsi" (weak).  A
	 * noun naming the dead ("jenazah") keeps its event whatever the verb
	 * does ("mengevakuasi 17 jenazah"), survivors when evacuated. */
	if (cd->unit != NULL &&
	    (n = extract_match(x, cd->ustart, LEXICON_EVENT)) != NULL &&
	    (e == NULL || (!n->weak && !cd->elided &&
	    (strcmp(n->id, "killed") == 0 || (strcmp(n->id, "rescued") ==
	    0 && strcmp(e->id, "evacuated") == 0)) &&
	    extract_match(x, cd->ustart, LEXICON_UNIT) != NULL))) {
		if (!n->weak && strcmp(n->id, "funding") != 0) {
			e = n;
			cd->evpos = cd->ustart;
		} else if (weak == NULL)
			weak = n;
	}
	if (e == NULL) {
		e = extract_event_before(x, cd, &cd->evpos);
		cd->nominal = e != NULL;
	}
	/* The noun's participle, when nothing else says what happened. */
	if (e == NULL && cd->npev != NULL && !cd->npev->weak) {
		e = cd->npev;
		cd->evpos = cd->npevpos;
	}
	/* "Those rescued, among them three children": the sub-count's
	 * whole is named earlier in the sentence. */
	if (e == NULL && cd->inherit && !x->prev_in_sent)
		e = extract_event_earlier(x, cd, &cd->evpos);
	cd->ev = e;
	if (e != NULL)
		util_strlcpy(c->event, e->id, sizeof(c->event));
	else if ((p = extract_inherited(x, cd)) != NULL)
		util_strlcpy(c->event, p->event, sizeof(c->event));
	else if (weak != NULL)
		util_strlcpy(c->event, weak->id, sizeof(c->event));
	else
		util_strlcpy(c->event, "other", sizeof(c->event));
}

/* An owner named right after the noun, past names and brackets:
 * "prajurit Tentara Rakyat Korea Utara (KPA)". */
static const struct lexicon_entry *
extract_owner_after(const struct extract_ctx *x, const struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	size_t				 k = cd->last, n;

	if ((e = extract_match(x, k, LEXICON_LINK)) != NULL)
		k += e->nwords;
	for (n = 0; n < EXTRACT_OWNER_GAP && extract_same_clause(x, k, cd->cl);
	    n++) {
		if ((e = extract_match(x, k, LEXICON_ENTITY)) != NULL)
			return e;
		if (!(x->tok[k].flags & EXTRACT_F_CAP) &&
		    !(x->tok[k].type == EXTRACT_PUNCT &&
		    x->text[x->tok[k].off] == '('))
			return NULL;
		k++;
	}
	return NULL;
}

#define EXTRACT_E_LOCATIVE	0x01	/* one after "di", "in" counts */
#define EXTRACT_E_LAST		0x02	/* the last one, not the first */
#define EXTRACT_E_NOSOURCE	0x04	/* not one that "says" */

/*
 * The first (or last) entity in token range [from, to) of clause cl (any
 * clause when cl is -1) that is not an agent, source or destination.
 */
static const struct lexicon_entry *
extract_entity_in(const struct extract_ctx *x, size_t from, size_t to, long cl,
    int flags)
{
	const struct lexicon_entry	*e, *found = NULL;
	size_t				 k;

	for (k = from; k < to && k < x->ntok; k++) {
		if ((cl != -1 && x->tok[k].clause != cl) ||
		    x->tok[k].first == NULL ||
		    (e = extract_match(x, k, LEXICON_ENTITY)) == NULL)
			continue;
		/* "US" of "US$" is a currency, not an owner. */
		if (extract_match(x, k, LEXICON_CURRENCY) == NULL &&
		    (!(flags & EXTRACT_E_NOSOURCE) || extract_match(x,
		    k + e->nwords, LEXICON_SOURCE) == NULL) &&
		    !extract_is_away(x, k, !(flags & EXTRACT_E_LOCATIVE))) {
			found = e;
			if (!(flags & EXTRACT_E_LAST))
				return e;
		}
		k += e->nwords - 1;
	}
	return found;
}

/* Entity: whose the counted things are; never the source or attacker. */
static void
extract_entity(struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e = cd->npent;
	const struct extract_seen	*p;
	size_t				 from = cd->qstart;

	while (from > 0 && x->tok[from - 1].clause == cd->cl)
		from--;
	if (e == NULL)
		e = extract_owner_after(x, cd);
	/* The subject: the last owner named before the number. */
	if (e == NULL)
		e = extract_entity_in(x, from, cd->qstart, cd->cl,
		    EXTRACT_E_LAST);
	/* Where it happened: "di Israel", "were injured in Turkey". */
	if (e == NULL)
		e = extract_entity_in(x, from, cd->qstart, cd->cl,
		    EXTRACT_E_LOCATIVE | EXTRACT_E_LAST);
	if (e == NULL)
		e = extract_entity_in(x, cd->last, (cd->ev != NULL &&
		    cd->evpos > cd->last ? cd->evpos + cd->ev->nwords :
		    cd->last) + EXTRACT_OWNER_GAP, cd->cl,
		    EXTRACT_E_LOCATIVE | EXTRACT_E_NOSOURCE);
	if (e != NULL) {
		util_strlcpy(x->c.entity, e->id, sizeof(x->c.entity));
		return;
	}
	p = extract_prev(x);
	if ((cd->elided || cd->listitem || cd->inherit) && p != NULL &&
	    p->entity[0] != '\0') {
		util_strlcpy(x->c.entity, p->entity, sizeof(x->c.entity));
		return;
	}
	/* The sentence's owner before the number (money: the giver, its
	 * subject), or where it happened ("In Turkey, ..."). */
	if ((e = extract_entity_in(x, 0, cd->qstart, -1,
	    cd->money == NULL ? EXTRACT_E_LAST : 0)) == NULL)
		e = extract_entity_in(x, 0, cd->qstart, -1,
		    EXTRACT_E_LOCATIVE | EXTRACT_E_LAST);
	/* Else the story goes on: the last claim's owner, then a name
	 * later in the sentence. */
	if (e == NULL && p != NULL && p->entity[0] != '\0') {
		util_strlcpy(x->c.entity, p->entity, sizeof(x->c.entity));
		return;
	}
	if (e == NULL)
		e = extract_entity_in(x, cd->last, x->ntok, -1,
		    EXTRACT_E_LOCATIVE | EXTRACT_E_NOSOURCE);
	if (e != NULL)
		util_strlcpy(x->c.entity, e->id, sizeof(x->c.entity));
}

/* "Dari jumlah itu, 61 ...", "Of those held, 41 ...": a clause of its
 * own before the comma that is only a sub-count phrase (and a participle
 * naming the whole). */
static bool
extract_inherit_lead(const struct extract_ctx *x, size_t from)
{
	const struct lexicon_entry	*e;
	size_t				 k;

	if (from < 2 || x->tok[from - 1].type != EXTRACT_PUNCT)
		return false;
	for (k = from - 1; k > 0 && from - k <= 3 &&
	    x->tok[k - 1].clause == x->tok[from - 2].clause; k--) {
		if ((e = extract_match(x, k - 1, LEXICON_INHERIT)) != NULL &&
		    k - 1 + e->nwords >= from - 2 &&
		    (k == 1 || x->tok[k - 2].clause != x->tok[k - 1].clause))
			return true;
	}
	return false;
}

/* Sub-count words before the number or in its clause ("termasuk"), and
 * partitives after it ("seven of them", "5 di antaranya"). */
static void
extract_links(struct extract_ctx *x, struct extract_cand *cd)
{
	size_t	 from = cd->qstart, s;

	while (from > 0 && x->tok[from - 1].clause == cd->cl)
		from--;
	cd->inherit = extract_match(x, from, LEXICON_INHERIT) != NULL ||
	    (cd->qstart > 0 && extract_match_ending(x, cd->qstart,
	    LEXICON_INHERIT, &s) != NULL) ||
	    extract_match(x, cd->last, LEXICON_INHERIT) != NULL ||
	    extract_match(x, cd->end, LEXICON_INHERIT) != NULL ||
	    extract_inherit_lead(x, from);
	cd->listitem = !cd->inherit && !cd->partitive &&
	    extract_is_listitem(x, cd);
	if (cd->inherit)
		cd->role = CLAIM_ROLE_SUBCOUNT;
}

/* Role words: "bukan 45 orang seperti dilaporkan sebelumnya" (earlier),
 * "up from 1,200" (comparison). */
static void
extract_role(const struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e = NULL;
	size_t				 k, s;

	if (cd->qstart > 0)
		e = extract_match_ending(x, cd->qstart, LEXICON_ROLE, &s);
	/* "up from 38": the role phrase may hold the qualifier. */
	if (e == NULL && cd->np.start > cd->qstart &&
	    (e = extract_match_ending(x, cd->np.start, LEXICON_ROLE, &s)) !=
	    NULL && s < cd->qstart)
		cd->qstart = s;
	for (k = cd->last; e == NULL && k < cd->last + EXTRACT_ROLE_GAP &&
	    extract_same_clause(x, k, cd->cl) && !extract_starts_number(x, k);
	    k++)
		e = extract_match(x, k, LEXICON_ROLE);
	if (e != NULL)
		cd->role = (enum claim_role)claim_role_parse(e->id);
}

/* Modality: a marker before the number, or between it and a later
 * event ("100 orang diperkirakan tewas"). */
static enum claim_modality
extract_modality(const struct extract_ctx *x, const struct extract_cand *cd)
{
	const struct lexicon_entry	*e, *modal = NULL;
	size_t				 k;

	for (k = 0; k < x->ntok; k++) {
		if (x->tok[k].clause != cd->cl || x->tok[k].first == NULL)
			continue;
		if (k >= cd->np.start && !(cd->ev != NULL && cd->evpos > k &&
		    k >= cd->last))
			continue;
		if ((e = extract_match(x, k, LEXICON_MODAL)) != NULL)
			modal = e;
	}
	if (modal != NULL)
		return (enum claim_modality)claim_modality_parse(modal->id);
	return CLAIM_ACTUAL;
}

/* Qualifier, unit and the noun's words into the claim. */
static void
extract_fill(struct extract_ctx *x, const struct extract_cand *cd,
    const struct extract_seen *from)
{
	struct claim	*c = &x->c;
	size_t		 n;

	c->qualifier = CLAIM_EXACT;
	if (cd->qual != NULL)
		c->qualifier = (enum claim_qualifier)claim_qualifier_parse(
		    cd->qual->id);
	if (cd->range) {
		c->qualifier = CLAIM_RANGE;
		c->has_max = true;
		c->max = cd->np2.value;
	} else if (c->qualifier == CLAIM_RANGE)
		c->qualifier = CLAIM_EXACT;
	if (cd->np.vague && !cd->range)
		c->qualifier = CLAIM_VAGUE;
	if (cd->uend > cd->ustart && !(cd->unit != NULL && cd->unit->weak &&
	    from != NULL))
		extract_copy_text(x, cd->ustart, cd->uend, c->unit_text,
		    sizeof(c->unit_text));
	else if (cd->cend > cd->cstart)
		extract_copy_text(x, cd->cstart, cd->cend, c->unit_text,
		    sizeof(c->unit_text));
	if (cd->money != NULL)
		util_strlcpy(c->unit, cd->money->id, sizeof(c->unit));
	else if (cd->unit != NULL && (!cd->unit->weak || from == NULL))
		util_strlcpy(c->unit, cd->unit->id, sizeof(c->unit));
	else if (cd->open) {
		/* Its own unit: lower case, singular, one word. */
		extract_copy_text(x, cd->ustart, cd->uend, c->unit,
		    sizeof(c->unit));
		for (n = 0; c->unit[n] != '\0'; n++)
			if (c->unit[n] >= 'A' && c->unit[n] <= 'Z')
				c->unit[n] += 'a' - 'A';
		(void)lexicon_singular(x->lex, x->lang, c->unit, n, c->unit,
		    sizeof(c->unit));
	} else if (from != NULL && !cd->demonym) {
		/* "killed and 1,000 injured": the last claim's noun. */
		util_strlcpy(c->unit, from->unit, sizeof(c->unit));
		util_strlcpy(c->unit_text, from->unit_text,
		    sizeof(c->unit_text));
	} else
		util_strlcpy(c->unit, "people", sizeof(c->unit));
}

/* A weak noun ("korban") yields to a plain one in the clause. */
static void
extract_weak_unit(struct extract_ctx *x, const struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	size_t				 k, s;

	if (cd->unit == NULL || !cd->unit->weak || cd->money != NULL)
		return;
	for (k = 0; k < x->ntok; k++) {
		if (x->tok[k].clause != cd->cl || (k >= cd->qstart &&
		    k < cd->last))
			continue;
		if ((e = extract_match(x, k, LEXICON_UNIT)) == NULL || e->weak)
			continue;
		/* Only a noun the weak one is "among", "di antara". */
		if (extract_match_ending(x, k, LEXICON_LINK, &s) == NULL)
			continue;
		util_strlcpy(x->c.unit, e->id, sizeof(x->c.unit));
		extract_copy_text(x, k, k + e->nwords, x->c.unit_text,
		    sizeof(x->c.unit_text));
		return;
	}
}

static void
extract_emit(struct extract_ctx *x, const struct extract_cand *cd)
{
	struct claim		*c = &x->c;
	struct extract_seen	*h;
	size_t			 qstart = cd->qstart;

	util_strlcpy(c->lang, x->langname, sizeof(c->lang));
	c->role = cd->role;
	claim_make_key(c);
	/* A noun written before the number belongs to the claim words. */
	if (cd->uend > cd->ustart && cd->uend <= qstart)
		qstart = cd->ustart;
	c->offset = x->tok[qstart].off;
	c->length = x->tok[cd->last - 1].off + x->tok[cd->last - 1].len -
	    c->offset;
	c->sent_offset = x->tok[0].off;
	c->sent_length = x->tok[x->ntok - 1].off + x->tok[x->ntok - 1].len -
	    c->sent_offset;
	x->nclaims++;
	if (x->cb != NULL)
		x->cb(c, x->arg);
	h = &x->hist[x->nhist++ % EXTRACT_HISTORY];
	h->value = c->value;
	h->modality = c->modality;
	util_strlcpy(h->unit, c->unit, sizeof(h->unit));
	util_strlcpy(h->unit_text, c->unit_text, sizeof(h->unit_text));
	util_strlcpy(h->event, c->event, sizeof(h->event));
	util_strlcpy(h->entity, c->entity, sizeof(h->entity));
	x->prev_in_sent = true;
	x->prev_last = cd->last;
	x->prev_evpos = cd->ev != NULL ? cd->evpos : (size_t)-1;
}

/* Whether a number with no noun of its own still counts: an event next
 * to it ("20 tewas", "killed 20") or a claim it continues. */
static bool
extract_bare_ok(const struct extract_ctx *x, const struct extract_cand *cd,
    const struct extract_seen *from)
{
	if (cd->ev == NULL)
		return from != NULL;
	/* "the death toll has topped 2,000.": the amount ends the clause. */
	if (cd->nominal && (cd->last >= x->ntok ||
	    x->tok[cd->last].clause != cd->cl ||
	    x->tok[cd->last].type == EXTRACT_PUNCT))
		return true;
	return cd->evpos + cd->ev->nwords == cd->qstart ||
	    (cd->evpos >= cd->last && cd->evpos <= cd->last +
	    EXTRACT_BARE_GAP) || from != NULL;
}

/* "three people per square metre", "one in five children": rates, not
 * counts (money per victim is a figure: "Rp 15 juta per korban"). */
static bool
extract_is_rate(const struct extract_ctx *x, struct extract_cand *cd)
{
	const struct lexicon_entry	*e;
	struct extract_num		 np;
	size_t				 k;

	if (cd->money != NULL)
		return false;
	/* "... for every 1.26 million flights": the denominator too. */
	if (extract_match(x, cd->last, LEXICON_RATE) != NULL ||
	    (cd->qstart > 0 && extract_match_ending(x, cd->qstart,
	    LEXICON_RATE, &k) != NULL))
		return true;
	if ((e = extract_match(x, cd->np.end, LEXICON_RATEJOIN)) == NULL)
		return false;
	k = cd->np.end + e->nwords;
	if (!extract_starts_number(x, k) || !extract_number(x, k, &np))
		return false;
	/* Skip the second number too. */
	cd->last = np.end > cd->last ? np.end : cd->last;
	return true;
}

size_t
extract_claim_at(struct extract_ctx *x, size_t i)
{
	struct extract_cand	 cd;
	struct claim		*c = &x->c;
	const struct extract_seen *from = NULL;
	const char		*ev;
	bool			 noun;

	memset(&cd, 0, sizeof(cd));
	if (!extract_phrase(x, i, &cd))
		return cd.np.end > i ? cd.np.end : i + 1;
	extract_noun(x, &cd);
	if (extract_is_rate(x, &cd))
		return cd.last > cd.np.end ? cd.last : cd.np.end;
	noun = cd.unit != NULL || cd.money != NULL || cd.open || cd.demonym;
	memset(c, 0, sizeof(*c));
	c->value = cd.np.value;
	extract_links(x, &cd);
	extract_role(x, &cd);
	extract_event(x, &cd);
	/* "one", "satu": a figure only with a known noun and an event;
	 * else an article ("Satu gambar"). */
	if (cd.np.one && !cd.partitive && (cd.unit == NULL || cd.unit->weak ||
	    cd.ev == NULL))
		return cd.np.end;
	if (!noun || cd.elided || cd.inherit || cd.listitem ||
	    cd.role == CLAIM_ROLE_EARLIER || cd.role == CLAIM_ROLE_COMPARISON)
		from = extract_inherited(x, &cd);
	if (!noun && !extract_bare_ok(x, &cd, from))
		return cd.np.end;
	/* A weak noun of a continued claim ("1,000 injured") is none. */
	extract_fill(x, &cd, !noun || (cd.unit != NULL && cd.unit->weak &&
	    (cd.elided || cd.listitem)) ? from : NULL);
	extract_weak_unit(x, &cd);
	/* "troops arrived": deployed (lexicon eventmap). */
	if ((ev = lexicon_event_for(x->lex, x->lang, c->event, c->unit)) !=
	    c->event)
		util_strlcpy(c->event, ev, sizeof(c->event));
	extract_entity(x, &cd);
	c->modality = extract_modality(x, &cd);
	if (cd.inherit && from != NULL && c->modality == CLAIM_ACTUAL)
		c->modality = from->modality;
	extract_emit(x, &cd);
	return cd.last;
}
