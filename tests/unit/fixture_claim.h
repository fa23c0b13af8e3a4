/*
 * A claim for unit tests that need one without running the extractor
 * (alert, store): value, qualifier and key parts, Indonesian.
 */
#ifndef CLAIMWATCH_TEST_FIXTURE_CLAIM_H
#define CLAIMWATCH_TEST_FIXTURE_CLAIM_H

#include <string.h>

#include "claim.h"
#include "util.h"

static void
test_claim(struct claim *c, double value, enum claim_qualifier q,
    const char *entity, const char *event, const char *unit)
{
	memset(c, 0, sizeof(*c));
	c->value = value;
	c->qualifier = q;
	util_strlcpy(c->entity, entity, sizeof(c->entity));
	util_strlcpy(c->event, event, sizeof(c->event));
	util_strlcpy(c->unit, unit, sizeof(c->unit));
	util_strlcpy(c->lang, "id", sizeof(c->lang));
	/* The story an owner gives, as story_assign would. */
	util_strlcpy(c->scope, entity, sizeof(c->scope));
	util_strlcpy(c->label, entity, sizeof(c->label));
	claim_make_key(c);
}

#endif
