/*
 * story: the scope of a claim's story, from its owner (the extractor's
 * entity) or from the place and kind of event its text names.  One item is
 * scanned once (story_text_init); each claim then looks for names in its
 * own sentence first, the title next and the rest of the item last, so a
 * body sentence that says only "the toll rose to 15" still joins the
 * story its headline names.
 *
 * The rule (README "Stories and keys"):
 *  - An owner that is not an agency gives the scope ("north-korea"): its
 *    troops are one story in Kursk, in Russia and "on the front".  Except
 *    when the place found is in the owner's own country and a kind is
 *    found too: "12 warga Indonesia tewas dalam banjir di Demak" is the
 *    Demak flood's toll, not Indonesia's.
 *  - Else the most specific place (regency over province over country)
 *    and the first kind of event give "place.kind" ("demak.flood"), or
 *    the place alone when no kind is named anywhere in the item.
 *  - Else there is no scope: the claim belongs to no story we can tell.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "gazetteer.h"
#include "story.h"
#include "util.h"

#define STORY_MATCH_MAX	512	/* names kept per item */

/* A name picked for a claim and where it was found. */
struct story_pick {
	int		 id;	/* -1: none */
	size_t		 off, len;
	const char	*where;	/* "sentence", "title", "item" */
};

void
story_text_init(struct story_text *st, const struct gazetteer *g,
    const char *text, size_t len)
{
	const char	*p;
	size_t		 n;

	memset(st, 0, sizeof(*st));
	st->g = g;
	st->text = text;
	st->len = len;
	p = len >= 2 ? memmem(text, len, "\n\n", 2) : NULL;
	st->title_len = p != NULL ? (size_t)(p - text) : len;
	words_split(&st->words, text, len);
	if (g == NULL)
		return;
	/* Only the n found are written and read: no need to zero. */
	st->m = xreallocarray(NULL, STORY_MATCH_MAX, sizeof(*st->m));
	n = gazetteer_scan_words(g, text, len, &st->words, st->m,
	    STORY_MATCH_MAX);
	st->n = n < STORY_MATCH_MAX ? n : STORY_MATCH_MAX;
}

void
story_text_free(struct story_text *st)
{
	free(st->m);
	st->m = NULL;
	st->n = 0;
	words_free(&st->words);
}

/*
 * The name of this kind in [from, to): for a place the most specific, the
 * first of those on a tie; for an event kind the first.  Place skip is the
 * owner's own name ("North Koreans"), which says whose, not where.
 */
static bool
story_pick_in(const struct story_text *st, enum gazetteer_kind kind,
    int skip, size_t from, size_t to, const char *where,
    struct story_pick *p)
{
	const struct gazetteer_match	*m;
	size_t				 i;
	int				 best = -1, d;

	for (i = 0; i < st->n; i++) {
		m = &st->m[i];
		if (m->kind != kind || m->offset < from ||
		    m->offset + m->length > to ||
		    (kind == GAZETTEER_PLACE && m->id == skip))
			continue;
		d = kind == GAZETTEER_PLACE ? gazetteer_depth(st->g, m->id) : 0;
		if (d <= best)
			continue;
		best = d;
		p->id = m->id;
		p->off = m->offset;
		p->len = m->length;
		p->where = where;
		if (kind == GAZETTEER_EVENT)
			break;
	}
	return best >= 0;
}

/* Sentence, then title, then the whole item. */
static bool
story_find(const struct story_text *st, const struct claim *c,
    enum gazetteer_kind kind, struct story_pick *p)
{
	int	 skip = -1;

	if (c->entity[0] != '\0')
		skip = gazetteer_place(st->g, c->entity);
	p->id = -1;
	if (story_pick_in(st, kind, skip, c->sent_offset,
	    c->sent_offset + c->sent_length, "sentence", p))
		return true;
	if (story_pick_in(st, kind, skip, 0, st->title_len, "title", p))
		return true;
	return story_pick_in(st, kind, skip, 0, st->len, "item", p);
}

/*
 * Whether the owner is the country a place-bound event happens in: a kind
 * is named that is not told by its owners (a flood, not a war), and the
 * place is in the owner's country, or no other place is named ("Gempa
 * Turki menewaskan 5.000 warga Turki": the place is the owner itself,
 * which place is then set to).
 */
static bool
story_owner_is_home(const struct story_text *st, const char *owner,
    struct story_pick *place, const struct story_pick *kind)
{
	int	 oc;

	if (kind->id == -1 || gazetteer_owned(st->g, kind->id))
		return false;
	if ((oc = gazetteer_place(st->g, owner)) == -1)
		return false;
	if (place->id == -1) {
		place->id = oc;
		place->off = place->len = 0;
		place->where = "owner";
		return true;
	}
	return gazetteer_country(st->g, place->id) == oc;
}

/* "place "Kab. Demak" (title)" into why, the words made printable. */
static void
story_why_pick(struct util_buf *b, const struct story_text *st,
    const char *what, enum gazetteer_kind kind, const struct story_pick *p)
{
	size_t	 i, len = p->len < 64 ? p->len : 64;
	char	 ch;

	if (p->id == -1) {
		util_buf_printf(b, "; %s none", what);
		return;
	}
	util_buf_printf(b, "; %s %s \"", what, gazetteer_id(st->g, kind,
	    p->id));
	for (i = 0; i < len; i++) {
		ch = st->text[p->off + i];
		if ((unsigned char)ch < 0x20 || ch == '"' || ch == 0x7f)
			ch = ' ';
		util_buf_append(b, &ch, 1);
	}
	util_buf_printf(b, "\" (%s)", p->where);
}

/* Where the sentence names the owner ("North Korean"), if it does. */
static void
story_owner_words(const struct story_text *st, const struct claim *c,
    struct story_pick *p)
{
	size_t	 i;
	int	 owner = gazetteer_place(st->g, c->entity);

	p->id = -1;
	for (i = 0; owner != -1 && i < st->n; i++)
		if (st->m[i].kind == GAZETTEER_PLACE && st->m[i].id == owner &&
		    st->m[i].offset >= c->sent_offset &&
		    st->m[i].offset < c->sent_offset + c->sent_length) {
			p->id = owner;
			p->off = st->m[i].offset;
			p->len = st->m[i].length;
			p->where = "sentence";
			return;
		}
}

static void
story_why(const struct story_text *st, const struct claim *c,
    const char *decided, const struct story_pick *place,
    const struct story_pick *kind, char *why, size_t whylen)
{
	struct util_buf		 b = { 0 };
	struct story_pick	 owner;

	if (why == NULL || whylen == 0)
		return;
	util_buf_printf(&b, "%s", decided);
	story_owner_words(st, c, &owner);
	if (owner.id != -1)
		story_why_pick(&b, st, "owner", GAZETTEER_PLACE, &owner);
	else
		util_buf_printf(&b, "; owner %s", c->entity[0] != '\0' ?
		    c->entity : "none");
	story_why_pick(&b, st, "place", GAZETTEER_PLACE, place);
	story_why_pick(&b, st, "kind", GAZETTEER_EVENT, kind);
	if (strcmp(c->unit, claim_unit_fold(c->unit)) != 0)
		util_buf_printf(&b, "; unit %s counts as %s", c->unit,
		    claim_unit_fold(c->unit));
	util_strlcpy(why, b.data, whylen);
	util_buf_free(&b);
}

/* Scope and label from a place and (when found) a kind. */
static void
story_place_scope(const struct story_text *st, struct claim *c,
    const struct story_pick *place, const struct story_pick *kind)
{
	const char	*pl = gazetteer_label(st->g, GAZETTEER_PLACE,
			    place->id, c->lang);
	const char	*kl;

	if (kind->id == -1) {
		util_strlcpy(c->scope, gazetteer_id(st->g, GAZETTEER_PLACE,
		    place->id), sizeof(c->scope));
		util_strlcpy(c->label, pl, sizeof(c->label));
		return;
	}
	snprintf(c->scope, sizeof(c->scope), "%s.%s",
	    gazetteer_id(st->g, GAZETTEER_PLACE, place->id),
	    gazetteer_id(st->g, GAZETTEER_EVENT, kind->id));
	kl = gazetteer_label(st->g, GAZETTEER_EVENT, kind->id, c->lang);
	/* "Banjir Demak" / "Flood in Demak", as each language heads it. */
	if (strcmp(c->lang, "id") == 0)
		snprintf(c->label, sizeof(c->label), "%s %s", kl, pl);
	else
		snprintf(c->label, sizeof(c->label), "%s in %s", kl, pl);
}

/*
 * The other party of a transfer: the first country or union (depth 0)
 * other than the owner in the sentence, else the title; or -1.
 */
static int
story_party(const struct story_text *st, const struct claim *c, int owner)
{
	const struct gazetteer_match	*m;
	size_t				 i, from, to;
	int				 pass;

	for (pass = 0; pass < 2; pass++) {
		from = pass == 0 ? c->sent_offset : 0;
		to = pass == 0 ? c->sent_offset + c->sent_length :
		    st->title_len;
		for (i = 0; i < st->n; i++) {
			m = &st->m[i];
			if (m->kind == GAZETTEER_PLACE && m->id != owner &&
			    m->offset >= from && m->offset + m->length <= to &&
			    gazetteer_depth(st->g, m->id) == 0)
				return m->id;
		}
	}
	return -1;
}

/*
 * The owner's scope.  Funding is a story of its two parties, whichever
 * the sentence makes the owner: "EU pledges $75 million to Ukraine" and
 * "Ukraina menerima US$90 juta dari Uni Eropa" are both "eu+ukraine".
 */
static void
story_owner_scope(const struct story_text *st, struct claim *c)
{
	int		 p = gazetteer_place(st->g, c->entity), q = -1, t;
	const char	*a, *b;

	if (p != -1 && strcmp(c->event, "funding") == 0)
		q = story_party(st, c, p);
	if (q == -1) {
		util_strlcpy(c->scope, c->entity, sizeof(c->scope));
		util_strlcpy(c->label, p != -1 ? gazetteer_label(st->g,
		    GAZETTEER_PLACE, p, c->lang) : c->entity,
		    sizeof(c->label));
		return;
	}
	if (strcmp(gazetteer_id(st->g, GAZETTEER_PLACE, p),
	    gazetteer_id(st->g, GAZETTEER_PLACE, q)) > 0) {
		t = p;
		p = q;
		q = t;
	}
	a = gazetteer_id(st->g, GAZETTEER_PLACE, p);
	b = gazetteer_id(st->g, GAZETTEER_PLACE, q);
	snprintf(c->scope, sizeof(c->scope), "%s+%s", a, b);
	snprintf(c->label, sizeof(c->label), "%s \xe2\x80\x93 %s",
	    gazetteer_label(st->g, GAZETTEER_PLACE, p, c->lang),
	    gazetteer_label(st->g, GAZETTEER_PLACE, q, c->lang));
}

bool
story_assign(const struct story_text *st, struct claim *c, char *why,
    size_t whylen)
{
	struct story_pick	 place, kind;
	const char		*decided;
	bool			 owner;

	c->scope[0] = c->label[0] = '\0';
	if (st->g == NULL) {
		/* Without place data only owners tell stories apart. */
		util_strlcpy(c->scope, c->entity, sizeof(c->scope));
		util_strlcpy(c->label, c->entity, sizeof(c->label));
		claim_make_key(c);
		if (why != NULL && whylen > 0)
			util_strlcpy(why, "no gazetteer: owner only", whylen);
		return c->scope[0] != '\0';
	}
	story_find(st, c, GAZETTEER_PLACE, &place);
	story_find(st, c, GAZETTEER_EVENT, &kind);
	owner = c->entity[0] != '\0' &&
	    gazetteer_agency(st->g, c->entity) == NULL &&
	    !story_owner_is_home(st, c->entity, &place, &kind);
	if (owner) {
		story_owner_scope(st, c);
		decided = "scope from the owner";
	} else if (place.id != -1) {
		story_place_scope(st, c, &place, &kind);
		decided = kind.id != -1 ? "scope from place and kind" :
		    "scope from the place (no kind named)";
	} else
		decided = "no story: no owner and no place named";
	claim_make_key(c);
	story_why(st, c, decided, &place, &kind, why, whylen);
	return c->scope[0] != '\0';
}

bool
story_place(const struct claim *c, char *buf, size_t len)
{
	if (c->scope[0] == '\0' || strpbrk(c->scope, ".+") != NULL ||
	    strcmp(c->scope, c->entity) == 0)
		return false;
	util_strlcpy(buf, c->scope, len);
	return true;
}

/* The label of a two-party scope "a+b". */
static void
story_pair_label(const struct gazetteer *g, struct claim *c, const char *a,
    size_t alen, const char *b)
{
	char	 id[CLAIM_NAME_MAX];
	int	 p, q;

	snprintf(id, sizeof(id), "%.*s", (int)alen, a);
	if ((p = gazetteer_place(g, id)) == -1 ||
	    (q = gazetteer_place(g, b)) == -1)
		return;
	snprintf(c->label, sizeof(c->label), "%s \xe2\x80\x93 %s",
	    gazetteer_label(g, GAZETTEER_PLACE, p, c->lang),
	    gazetteer_label(g, GAZETTEER_PLACE, q, c->lang));
}

void
story_set_scope(const struct gazetteer *g, struct claim *c,
    const char *scope)
{
	struct story_text	 st = { .g = g };
	struct story_pick	 place = { .id = -1 }, k = { .id = -1 };
	const char		*sep = strpbrk(scope, ".+");
	char			 id[CLAIM_NAME_MAX];
	int			 p;

	util_strlcpy(c->scope, scope, sizeof(c->scope));
	util_strlcpy(c->label, scope, sizeof(c->label));
	if (sep != NULL && *sep == '+')
		story_pair_label(g, c, scope, (size_t)(sep - scope), sep + 1);
	else if (sep != NULL) {
		snprintf(id, sizeof(id), "%.*s", (int)(sep - scope), scope);
		place.id = gazetteer_place(g, id);
		k.id = gazetteer_event(g, sep + 1);
		if (place.id != -1 && k.id != -1)
			story_place_scope(&st, c, &place, &k);
	} else if ((p = gazetteer_place(g, scope)) != -1)
		util_strlcpy(c->label, gazetteer_label(g, GAZETTEER_PLACE, p,
		    c->lang), sizeof(c->label));
	claim_make_key(c);
}

void
story_set_kind(const struct gazetteer *g, struct claim *c, const char *kind)
{
	char	 scope[2 * CLAIM_NAME_MAX + 1];

	/* Truncated like every scope: story_set_scope keeps what fits. */
	snprintf(scope, sizeof(scope), "%s.%s", c->scope, kind);
	story_set_scope(g, c, scope);
}

bool
story_split(const struct claim *c, char *place, size_t plen, char *kind,
    size_t klen)
{
	const char	*dot = strchr(c->scope, '.');

	if (dot == NULL || strcmp(c->scope, c->entity) == 0)
		return false;
	snprintf(place, plen, "%.*s", (int)(dot - c->scope), c->scope);
	util_strlcpy(kind, dot + 1, klen);
	return true;
}

bool
story_is_part(const struct claim *whole, const struct claim *c)
{
	static const char *const parts[] = { "children", "women" };
	size_t	 i;

	if (whole->sent_offset != c->sent_offset || whole->offset >= c->offset ||
	    strcmp(whole->scope, c->scope) != 0 ||
	    strcmp(whole->event, c->event) != 0 ||
	    strcmp(claim_unit_fold(whole->unit), "people") != 0)
		return false;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcmp(c->unit, parts[i]) == 0)
			return true;
	return false;
}

/* isalpha(3) of the C locale (the daemon's), without a call per byte. */
static bool
story_is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

/* Whether a word after byte c opens a sentence (strchr(3) of
 * ".!?:;\n\"" is true for NUL too). */
static bool
story_is_initial(unsigned char c)
{
	static const bool initial[256] = {
		['.'] = true, ['!'] = true, ['?'] = true, [':'] = true,
		[';'] = true, ['\n'] = true, ['"'] = true, [0] = true,
	};

	return initial[c];
}

/* Whether the word at p (len bytes) is a capitalised word: "Wulan". */
static bool
story_is_name_word(const char *p, size_t len)
{
	size_t	 i;

	/* The C locale's isupper(3) and islower(3), without calls. */
	if (len < 2 || (unsigned char)(p[0] - 'A') >= 26)
		return false;
	for (i = 1; i < len; i++)
		if ((unsigned char)(p[i] - 'a') >= 26)
			return false;
	return true;
}

/*
 * Whether offset off is covered by a gazetteer name of the item.  The
 * names are in text order and do not overlap, and off only grows from
 * call to call: *k, the first name not ended before the last off, only
 * moves forward.
 */
static bool
story_is_known(const struct story_text *st, size_t off, size_t *k)
{
	while (*k < st->n && st->m[*k].offset + st->m[*k].length <= off)
		(*k)++;
	return *k < st->n && st->m[*k].offset <= off;
}

/* Adds the run of words [from, to) as a name if it is new; the count. */
static size_t
story_name_add(const struct story_text *st, size_t from, size_t to,
    char (*names)[STORY_NAME_LEN], size_t n)
{
	char	 buf[STORY_NAME_LEN];
	size_t	 i, o = 0;

	for (i = from; i < to && o + 1 < sizeof(buf); i++)
		buf[o++] = st->text[i] == ' ' ? '-' :
		    (char)tolower((unsigned char)st->text[i]);
	buf[o] = '\0';
	for (i = 0; i < n; i++)
		if (strcmp(names[i], buf) == 0)
			return n;
	util_strlcpy(names[n], buf, STORY_NAME_LEN);
	return n + 1;
}

size_t
story_names(const struct story_text *st, char (*names)[STORY_NAME_LEN],
    size_t max)
{
	const char	*t = st->text;
	size_t		 i = 0, w, run = 0, start = 0, nwords = 0, n = 0;
	size_t		 known = 0, wk = 0;
	bool		 initial = true, lead = true;

	while (i <= st->len && n < max) {
		/* A word of letters words_split found is a run of its own;
		 * other runs are scanned. */
		while (wk < st->words.n && st->words.w[wk].off < i)
			wk++;
		if (wk < st->words.n && st->words.w[wk].off == i &&
		    (st->words.w[wk].cls & ~(WORDS_LOWER | WORDS_UPPER)) == 0)
			w = i + st->words.w[wk].len;
		else
			for (w = i; w < st->len &&
			    story_is_alpha((unsigned char)t[w]); w++)
				;
		if (w > i && story_is_name_word(t + i, w - i) &&
		    !story_is_known(st, i, &known) && nwords < 3) {
			if (nwords++ == 0) {
				start = i;
				lead = initial;
			}
			run = w;
		} else if (nwords > 0) {
			/* One capitalised word opening a sentence is no name. */
			if (nwords > 1 || !lead)
				n = story_name_add(st, start, run, names, n);
			nwords = 0;
		}
		if (w > i)
			initial = false;
		i = w < st->len ? w + 1 : st->len + 1;
		/* A name is words joined by single spaces only. */
		if (w < st->len && t[w] != ' ' && nwords > 0) {
			if (nwords > 1 || !lead)
				n = story_name_add(st, start, run, names, n);
			nwords = 0;
		}
		if (w < st->len && story_is_initial((unsigned char)t[w]))
			initial = true;
	}
	return n;
}
