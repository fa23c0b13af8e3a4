/*
 * claim: the figure-claim record shared by extract (which fills it), store
 * and alert (which read it).  A leaf: plain data and name tables only.
 * Fixed-size fields so that extraction allocates nothing per claim.
 */
#ifndef CLAIMWATCH_CLAIM_H
#define CLAIMWATCH_CLAIM_H

#include <stdbool.h>
#include <stddef.h>

enum claim_qualifier {
	CLAIM_EXACT,		/* "1.500 pasukan" */
	CLAIM_APPROX,		/* sekitar, hampir, about, nearly */
	CLAIM_AT_LEAST,		/* lebih dari, setidaknya, more than */
	CLAIM_AT_MOST,		/* kurang dari, hingga, up to */
	CLAIM_RANGE,		/* value = low, max = high */
	CLAIM_VAGUE		/* ratusan, thousands: value = base magnitude */
};

enum claim_modality {
	CLAIM_ACTUAL,
	CLAIM_PLANNED,		/* akan, berencana, will, plans to */
	CLAIM_ESTIMATE		/* diperkirakan, estimated */
};

/*
 * What a claim is to its story.  Only a headline figure may become the
 * current figure of a key; the others are kept as history or dropped.
 */
enum claim_role {
	CLAIM_ROLE_HEADLINE,	/* the figure the source reports now */
	CLAIM_ROLE_SUBCOUNT,	/* part of the claim before it ("termasuk
				   120 anak") */
	CLAIM_ROLE_EARLIER,	/* quoted or corrected earlier figure */
	CLAIM_ROLE_COMPARISON,	/* "up from 1,200 last week" */
	CLAIM_ROLE_BACKGROUND	/* another time or story mentioned in passing */
};

#define CLAIM_NAME_MAX	48	/* unit, event, entity ids incl. NUL */
#define CLAIM_TEXT_MAX	96	/* unit_text incl. NUL */
#define CLAIM_KEY_MAX	(3 * CLAIM_NAME_MAX)

struct claim {
	double			 value;	/* the number as a plain number */
	double			 max;	/* upper bound when has_max */
	bool			 has_max; /* true only for CLAIM_RANGE */
	enum claim_qualifier	 qualifier;
	enum claim_modality	 modality;
	enum claim_role		 role;	/* 0 (headline) unless extract says */
	char	unit[CLAIM_NAME_MAX];	/* unit group: troops, people, usd */
	char	unit_text[CLAIM_TEXT_MAX]; /* counted words as written */
	char	event[CLAIM_NAME_MAX];	/* killed, deployed, ..., other */
	char	entity[CLAIM_NAME_MAX];	/* gazetteer id; "" means null */
	char	scope[CLAIM_NAME_MAX];	/* story: "demak.flood", "north-korea";
					   "" until story_assign, or none */
	char	label[CLAIM_TEXT_MAX];	/* story label: "Banjir Demak" */
	char	key[CLAIM_KEY_MAX];	/* scope/event/unit group, see
					   claim_make_key */
	char	lang[8];		/* "id", "en", ... */
	size_t	offset;		/* claim words: byte offset in the input */
	size_t	length;		/* claim words: byte length */
	size_t	sent_offset;	/* enclosing sentence: byte offset */
	size_t	sent_length;	/* enclosing sentence: byte length */
};

/* Names as in the alert schema ("exact", "at_least", "planned", ...). */
const char	*claim_qualifier_name(enum claim_qualifier);
const char	*claim_modality_name(enum claim_modality);
const char	*claim_role_name(enum claim_role);
/* Name → enum value, or -1 when unknown. */
int		 claim_qualifier_parse(const char *);
int		 claim_modality_parse(const char *);
int		 claim_role_parse(const char *);
/*
 * Writes "scope/event/group" into c->key: the scope (or, before a story
 * is assigned, the entity; "-" for none), the event ("other" for none)
 * and the unit group folded by claim_unit_fold().
 */
void		 claim_make_key(struct claim *);
/*
 * The unit group a key uses: human counts ("troops", "personnel",
 * "people") are one group, "people", so that "3.000 tentara tewas" and
 * "3,000 North Koreans killed" meet; others are kept.  Never NULL.
 */
const char	*claim_unit_fold(const char *unit);

#endif
