/*
 * story_reg: the story registry in Redis, for claims that one item does
 * not place in a story by itself.  A claim whose item names a place but
 * no kind of event joins the story last reported at that place; a claim
 * whose item names neither owner nor place joins the one story its
 * item's salient names ("Sungai Wulan") were seen with.  Both within a
 * time window, first from the other items of the same poll, then from
 * what every daemon wrote to the registry (store_story_get/_note).
 */
#ifndef CLAIMWATCH_STORY_REG_H
#define CLAIMWATCH_STORY_REG_H

#include <stddef.h>
#include <stdint.h>

#include "story.h"

struct claim;
struct gazetteer;
struct store;
struct store_claim;

#define STORY_REG_NAMES		16	/* names kept per item */
#define STORY_REG_WINDOW	(30 * 86400) /* seconds between items */

/* One item of a poll: when, and its salient names (story_names). */
struct story_reg_item {
	int64_t	 published;	/* UTC seconds, or INT64_MIN */
	char	 names[STORY_REG_NAMES][STORY_NAME_LEN];
	size_t	 nnames;
};

typedef void (*story_reg_cb)(void *arg);

/* A poll's claims on their way to the store; arrays are the caller's. */
struct story_reg {
	const struct gazetteer	*g;
	struct claim		*claims;	/* completed in place */
	const struct store_claim *sclaims;	/* .item of each claim */
	size_t			 n;
	const struct story_reg_item *items;
	story_reg_cb		 cb;
	void			*arg;
	char			**ids;		/* owned: asked of Redis */
	size_t			 nids;
};

/*
 * Completes what it can from the poll itself, then asks Redis for the
 * rest.  Returns 0 when it asked (r->cb is called once the claims are
 * complete, r must live until then), -1 when there was nothing to ask or
 * Redis is away (done; r->cb not called).  Claims that stay without a
 * scope are the caller's to drop.
 */
int	 story_reg_resolve(struct store *, struct story_reg *r);
/* Writes what the poll's scoped claims tell the registry. */
void	 story_reg_note(struct store *, const struct story_reg *r);
/* Frees what r owns; r may be reused. */
void	 story_reg_clear(struct story_reg *r);

#endif
