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
	if (g == NULL)
		return;
	st->m = xcalloc(STORY_MATCH_MAX, sizeof(*st->m));
	n = gazetteer_scan(g, text, len, st->m, STORY_MATCH_MAX);
	st->n = n < STORY_MATCH_MAX ? n : STORY_MATCH_MAX;
}

void
story_text_free(struct story_text *st)
{
	free(st->m);
	st->m = NULL;
	st->n = 0;
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

/* Whether the owner is the country the event happens in. */
static bool
story_owner_is_home(const struct story_text *st, const char *owner,
    const struct story_pick *place, const struct story_pick *kind)
{
	int	 oc;

	if (place->id == -1 || kind->id == -1)
		return false;
	if ((oc = gazetteer_place(st->g, owner)) == -1)
		return false;
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

static void
story_why(const struct story_text *st, const struct claim *c,
    const char *decided, const struct story_pick *place,
    const struct story_pick *kind, char *why, size_t whylen)
{
	struct util_buf	 b = { 0 };

	if (why == NULL || whylen == 0)
		return;
	util_buf_printf(&b, "%s; owner %s", decided,
	    c->entity[0] != '\0' ? c->entity : "none");
	story_why_pick(&b, st, "place", GAZETTEER_PLACE, place);
	story_why_pick(&b, st, "kind", GAZETTEER_EVENT, kind);
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

static void
story_owner_scope(const struct story_text *st, struct claim *c)
{
	int	 p = gazetteer_place(st->g, c->entity);

	util_strlcpy(c->scope, c->entity, sizeof(c->scope));
	util_strlcpy(c->label, p != -1 ? gazetteer_label(st->g,
	    GAZETTEER_PLACE, p, c->lang) : c->entity, sizeof(c->label));
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
