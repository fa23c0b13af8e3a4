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

#define CLAIM_NAME_MAX	48	/* unit, event, entity ids incl. NUL */
#define CLAIM_TEXT_MAX	96	/* unit_text incl. NUL */
#define CLAIM_KEY_MAX	(3 * CLAIM_NAME_MAX)

struct claim {
	double			 value;	/* the number as a plain number */
	double			 max;	/* upper bound when has_max */
	bool			 has_max; /* true only for CLAIM_RANGE */
	enum claim_qualifier	 qualifier;
	enum claim_modality	 modality;
	char	unit[CLAIM_NAME_MAX];	/* unit group: troops, people, usd */
	char	unit_text[CLAIM_TEXT_MAX]; /* counted words as written */
	char	event[CLAIM_NAME_MAX];	/* killed, deployed, ..., other */
	char	entity[CLAIM_NAME_MAX];	/* gazetteer id; "" means null */
	char	key[CLAIM_KEY_MAX];	/* entity/event/unit, entity "-" if "" */
	char	lang[8];		/* "id", "en", ... */
	size_t	offset;		/* claim words: byte offset in the input */
	size_t	length;		/* claim words: byte length */
	size_t	sent_offset;	/* enclosing sentence: byte offset */
	size_t	sent_length;	/* enclosing sentence: byte length */
};

/* Names as in the alert schema ("exact", "at_least", "planned", ...). */
const char	*claim_qualifier_name(enum claim_qualifier);
const char	*claim_modality_name(enum claim_modality);
/* Name → enum value, or -1 when unknown. */
int		 claim_qualifier_parse(const char *);
int		 claim_modality_parse(const char *);
/* Writes "entity/event/unit" into c->key from the other fields. */
void		 claim_make_key(struct claim *);

#endif
