/*
 * claim: names of the claim enums as the alert schema spells them, and the
 * key rule.  Kept apart from extract so that store and alert, which sit
 * downstream, can read claims without depending on the extractor.
 */
#include <stdio.h>
#include <string.h>

#include "claim.h"

static const char *const claim_qualifier_names[] = {
	[CLAIM_EXACT] = "exact",
	[CLAIM_APPROX] = "approx",
	[CLAIM_AT_LEAST] = "at_least",
	[CLAIM_AT_MOST] = "at_most",
	[CLAIM_RANGE] = "range",
	[CLAIM_VAGUE] = "vague",
};

static const char *const claim_modality_names[] = {
	[CLAIM_ACTUAL] = "actual",
	[CLAIM_PLANNED] = "planned",
	[CLAIM_ESTIMATE] = "estimate",
};

static const char *const claim_role_names[] = {
	[CLAIM_ROLE_HEADLINE] = "headline",
	[CLAIM_ROLE_SUBCOUNT] = "sub_count",
	[CLAIM_ROLE_EARLIER] = "earlier",
	[CLAIM_ROLE_COMPARISON] = "comparison",
	[CLAIM_ROLE_BACKGROUND] = "background",
};

#define CLAIM_NITEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *
claim_qualifier_name(enum claim_qualifier q)
{
	if ((size_t)q >= CLAIM_NITEMS(claim_qualifier_names))
		return "exact";
	return claim_qualifier_names[q];
}

const char *
claim_modality_name(enum claim_modality m)
{
	if ((size_t)m >= CLAIM_NITEMS(claim_modality_names))
		return "actual";
	return claim_modality_names[m];
}

const char *
claim_role_name(enum claim_role r)
{
	if ((size_t)r >= CLAIM_NITEMS(claim_role_names))
		return "headline";
	return claim_role_names[r];
}

static int
claim_lookup(const char *const *names, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

int
claim_qualifier_parse(const char *s)
{
	return claim_lookup(claim_qualifier_names,
	    CLAIM_NITEMS(claim_qualifier_names), s);
}

int
claim_modality_parse(const char *s)
{
	return claim_lookup(claim_modality_names,
	    CLAIM_NITEMS(claim_modality_names), s);
}

int
claim_role_parse(const char *s)
{
	return claim_lookup(claim_role_names, CLAIM_NITEMS(claim_role_names),
	    s);
}

/*
 * Unit groups that count people, whatever the sentence calls them.  Kept
 * apart: civilians, children, women (the parts a sub-count names) and
 * everything that is not a person.
 */
static const char *const claim_human_units[] = {
	"people", "troops", "personnel", "soldiers", "persons",
};

const char *
claim_unit_fold(const char *unit)
{
	size_t	 i;

	if (unit[0] == '\0')
		return "-";
	for (i = 0; i < CLAIM_NITEMS(claim_human_units); i++)
		if (strcmp(unit, claim_human_units[i]) == 0)
			return "people";
	return unit;
}

void
claim_make_key(struct claim *c)
{
	const char	*scope = c->scope[0] != '\0' ? c->scope : c->entity;

	snprintf(c->key, sizeof(c->key), "%s/%s/%s",
	    scope[0] != '\0' ? scope : "-",
	    c->event[0] != '\0' ? c->event : "other",
	    claim_unit_fold(c->unit));
}
