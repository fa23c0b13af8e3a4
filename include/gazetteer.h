/*
 * gazetteer: place names (Indonesian provinces and regencies, countries,
 * world regions), event kinds (banjir, flood, ...) and agencies, loaded
 * from the "*.txt" files of one directory (config/gazetteer/, format in
 * its README).  Pure: reads files at start and reload only.  Answers
 * which places and kinds a text names; story builds scopes from that.
 */
#ifndef CLAIMWATCH_GAZETTEER_H
#define CLAIMWATCH_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>

struct gazetteer;

enum gazetteer_kind {
	GAZETTEER_PLACE,	/* "Kabupaten Demak", "Korea Utara" */
	GAZETTEER_EVENT,	/* "banjir bandang", "earthquake" */
	GAZETTEER_COMMON	/* capitalised but names no story: "Senin" */
};

/* One name found in a text. */
struct gazetteer_match {
	enum gazetteer_kind kind;
	int		 id;	/* index for gazetteer_id() and friends */
	size_t		 offset; /* bytes into the scanned text */
	size_t		 length;
};

/*
 * Loads every "*.txt" in dir.  Returns a new gazetteer (free with
 * gazetteer_free) or NULL with "FILE:LINE: message" in err.
 */
struct gazetteer *gazetteer_load(const char *dir, char *err, size_t errlen);
/* NULL is a no-op. */
void		 gazetteer_free(struct gazetteer *);

/*
 * Finds the names in len bytes of text, longest first, left to right, and
 * writes up to max of them to m.  Returns how many were found (may exceed
 * max; only max are written).  A place matches only when its last word
 * starts with a capital (place names are proper nouns: "batu" is a stone,
 * "Kota Batu" a city); an event kind matches in any case.
 */
size_t		 gazetteer_scan(const struct gazetteer *, const char *text,
		    size_t len, struct gazetteer_match *m, size_t max);
/* The same for a text already split by words_split. */
struct words;
size_t		 gazetteer_scan_words(const struct gazetteer *,
		    const char *text, size_t len, const struct words *,
		    struct gazetteer_match *m, size_t max);

/* The canonical id ("demak", "flood"); valid until gazetteer_free. */
const char	*gazetteer_id(const struct gazetteer *, enum gazetteer_kind,
		    int id);
/* The label in lang ("id", "en"; others get English), never NULL. */
const char	*gazetteer_label(const struct gazetteer *, enum gazetteer_kind,
		    int id, const char *lang);
/* Whether an event kind's stories belong to its owners ("war"). */
bool		 gazetteer_owned(const struct gazetteer *, int event);
/* A place's depth: 0 country or world region, 1 province, 2 regency. */
int		 gazetteer_depth(const struct gazetteer *, int place);
/* The country of a place (itself for a country); an index. */
int		 gazetteer_country(const struct gazetteer *, int place);
/* The place, or the event kind, with this id, or -1. */
int		 gazetteer_place(const struct gazetteer *, const char *id);
int		 gazetteer_event(const struct gazetteer *, const char *id);
/* The country id an agency entity ("tni", "bnpb") belongs to, or NULL. */
const char	*gazetteer_agency(const struct gazetteer *, const char *entity);
/* Names loaded (for tests). */
size_t		 gazetteer_size(const struct gazetteer *);

#endif
