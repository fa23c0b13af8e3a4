/*
 * story_reg: completes the stories of a poll's claims from the story
 * registry (README "Stories and keys"), and writes to it what the poll's
 * placed claims say.  It owns only the list of registry ids it asked for;
 * the claims and items are the caller's.  The registry is a hint, never
 * a source of truth: with Redis away the claims go on as they are.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "store.h"
#include "story.h"
#include "story_reg.h"
#include "util.h"

#define STORY_REG_ID_MAX	(STORY_NAME_LEN + CLAIM_NAME_MAX + 4)

static int64_t
story_reg_time(const struct story_reg *r, size_t i)
{
	int64_t	 t = r->items[r->sclaims[i].item].published;

	return t != INT64_MIN ? t : util_now();
}

static const struct story_reg_item *
story_reg_item(const struct story_reg *r, size_t i)
{
	return &r->items[r->sclaims[i].item];
}

/* The index of id among those asked, or -1. */
static int
story_reg_find(const struct story_reg *r, const char *id)
{
	size_t	 i;

	for (i = 0; i < r->nids; i++)
		if (strcmp(r->ids[i], id) == 0)
			return (int)i;
	return -1;
}

static void
story_reg_ask(struct story_reg *r, const char *id)
{
	if (story_reg_find(r, id) != -1)
		return;
	r->ids = xreallocarray(r->ids, r->nids + 1, sizeof(*r->ids));
	r->ids[r->nids++] = xstrdup(id);
}

/* A place-only claim takes the kind another claim of the poll gives. */
static bool
story_reg_local(struct story_reg *r, size_t i, const char *place)
{
	char	 pj[CLAIM_NAME_MAX], kj[CLAIM_NAME_MAX];
	size_t	 j;

	for (j = 0; j < r->n; j++)
		if (story_split(&r->claims[j], pj, sizeof(pj), kj,
		    sizeof(kj)) && strcmp(pj, place) == 0 &&
		    llabs(story_reg_time(r, i) - story_reg_time(r, j)) <=
		    STORY_REG_WINDOW) {
			story_set_kind(r->g, &r->claims[i], kj);
			return true;
		}
	return false;
}

/* The one scope the item's names point to, or NULL (none, or several). */
static const char *
story_reg_vote(const struct story_reg *r, const struct store_story_hit *hits,
    const struct story_reg_item *it)
{
	const char	*scope = NULL;
	char		 id[STORY_REG_ID_MAX];
	size_t		 k;
	int		 x;

	for (k = 0; k < it->nnames; k++) {
		snprintf(id, sizeof(id), "n:%s", it->names[k]);
		if ((x = story_reg_find(r, id)) == -1 ||
		    hits[x].field == NULL)
			continue;
		/* A name seen with several stories tells none apart. */
		if (hits[x].nrecent != 1)
			continue;
		if (scope != NULL && strcmp(scope, hits[x].field) != 0)
			return NULL;
		scope = hits[x].field;
	}
	return scope;
}

static void
story_reg_got(const struct store_story_hit *hits, size_t n, void *arg)
{
	struct story_reg	*r = arg;
	struct claim		*c;
	const char		*scope;
	char			 place[CLAIM_NAME_MAX], id[STORY_REG_ID_MAX];
	size_t			 i;
	int			 x;

	for (i = 0; hits != NULL && n == r->nids && i < r->n; i++) {
		c = &r->claims[i];
		if (story_place(c, place, sizeof(place))) {
			snprintf(id, sizeof(id), "p:%s", place);
			if ((x = story_reg_find(r, id)) != -1 &&
			    hits[x].field != NULL &&
			    llabs(story_reg_time(r, i) - hits[x].time) <=
			    STORY_REG_WINDOW)
				story_set_kind(r->g, c, hits[x].field);
		} else if (c->scope[0] == '\0' && (scope = story_reg_vote(r,
		    hits, story_reg_item(r, i))) != NULL)
			story_set_scope(r->g, c, scope);
	}
	r->cb(r->arg);
}

int
story_reg_resolve(struct store *s, struct story_reg *r)
{
	const struct story_reg_item	*it;
	char				 place[CLAIM_NAME_MAX];
	char				 id[STORY_REG_ID_MAX];
	int64_t				 since = INT64_MAX;
	size_t				 i, k;

	for (i = 0; i < r->n; i++) {
		if (story_place(&r->claims[i], place, sizeof(place))) {
			if (story_reg_local(r, i, place))
				continue;
			snprintf(id, sizeof(id), "p:%s", place);
			story_reg_ask(r, id);
		} else if (r->claims[i].scope[0] == '\0') {
			it = story_reg_item(r, i);
			for (k = 0; k < it->nnames; k++) {
				snprintf(id, sizeof(id), "n:%s",
				    it->names[k]);
				story_reg_ask(r, id);
			}
		} else
			continue;
		if (story_reg_time(r, i) < since)
			since = story_reg_time(r, i);
	}
	if (r->nids == 0)
		return -1;
	return store_story_get(s, (const char *const *)r->ids, r->nids,
	    since - STORY_REG_WINDOW, story_reg_got, r);
}

void
story_reg_note(struct store *s, const struct story_reg *r)
{
	const struct claim		*c;
	const struct story_reg_item	*it;
	char				 place[CLAIM_NAME_MAX];
	char				 kind[CLAIM_NAME_MAX];
	char				 id[STORY_REG_ID_MAX];
	size_t				 i, k;

	for (i = 0; i < r->n; i++) {
		c = &r->claims[i];
		if (c->scope[0] == '\0' || story_place(c, place,
		    sizeof(place)))
			continue;
		/* Once per item and story. */
		if (i > 0 && r->sclaims[i - 1].item == r->sclaims[i].item &&
		    strcmp(r->claims[i - 1].scope, c->scope) == 0)
			continue;
		if (story_split(c, place, sizeof(place), kind, sizeof(kind))) {
			snprintf(id, sizeof(id), "p:%s", place);
			store_story_note(s, id, kind, story_reg_time(r, i));
		}
		it = story_reg_item(r, i);
		for (k = 0; k < it->nnames; k++) {
			snprintf(id, sizeof(id), "n:%s", it->names[k]);
			store_story_note(s, id, c->scope, story_reg_time(r, i));
		}
	}
}

void
story_reg_clear(struct story_reg *r)
{
	size_t	 i;

	for (i = 0; i < r->nids; i++)
		free(r->ids[i]);
	free(r->ids);
	r->ids = NULL;
	r->nids = 0;
}
