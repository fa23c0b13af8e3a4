/*
 * alert: the JSON the daemon emits, built with jansson (no hand-written
 * escaping): a claim record (for `claimwatch extract`), a figure object and
 * the schema-v1 alert.  Pure.  Every function returns a new compact
 * one-line string the caller frees with free(3); text that is not valid
 * UTF-8 has each bad byte replaced by U+FFFD.
 */
#ifndef CLAIMWATCH_ALERT_H
#define CLAIMWATCH_ALERT_H

#include <stddef.h>
#include <stdint.h>

struct claim;

/* Where a figure was reported. */
/* The feed an alert came from, as the feed list names it; all borrowed. */
struct alert_feed {
	const char		*url;		/* redacted already, or NULL */
	const char		*title;		/* OPML title, or NULL */
	char *const		*categories;	/* OPML folders */
	size_t			 ncategories;
};

struct alert_source {
	const char	*url;		/* item link, or NULL */
	const char	*title;		/* item title, or NULL */
	const char	*text;		/* the sentence, or NULL */
	const char	*lang;		/* or NULL */
	int64_t		 published;	/* UTC seconds, or INT64_MIN */
};

/* The claim as a JSON object with every field of DESIGN.md's claim table;
   text is the sentence (textlen bytes). */
char	*alert_claim_json(const struct claim *, const char *text,
	    size_t textlen);
/*
 * The figure object of an alert's "previous"/"current": value, qualifier,
 * max, modality, published, url, title, and "text"/"lang" only when the
 * source has them (NULL members are left out, so a stored figure can omit
 * the sentence).
 */
char	*alert_figure_json(const struct claim *, const struct alert_source *);
/*
 * A whole "new" alert (previous null).  The store's script turns it into
 * "changed" or "corroborated" by replacing the first `"type":"new"` and
 * splicing the stored figure in place of `"previous":null`; both strings
 * occur exactly once, unescaped, in what this returns.
 */
char	*alert_new_json(const struct claim *, const struct alert_source *,
	    const struct alert_feed *, int64_t detected_at);
/*
 * alert_new_json() in the parts the store's script joins when, and only
 * when, a claim alerts (store_lua.c), so no alert is built for the claims
 * that repeat a known figure.  The alert is, byte for byte,
 *   {"v":2,"type":"TYPE",NAMES,"sources":N,"previous":PREV,
 *   "current":CURRENT,TAIL
 * with PREV null or a figure the store kept.  All strings are the caller's
 * (alert_parts_free, free(3) for the tail).
 */
struct alert_parts {
	char	*figure;	/* current without "text": the stored form */
	char	*current;	/* the alert's "current" */
	char	*names;		/* "key":..,"entity":..,"event":..,"unit":..,
				   "story":.. */
	char	*label;		/* the story's label as text, or "" */
};
void	 alert_parts_make(const struct claim *, const struct alert_source *,
	    struct alert_parts *);
void	 alert_parts_free(struct alert_parts *);
/* "feed":..,"feed_title":..,"categories":[..],"detected_at":..} */
char	*alert_tail(const struct alert_feed *, int64_t detected_at);
/*
 * One or two human lines for an alert ("changed  KEY: OLD  ->  NEW" and
 * the title), for `claimwatch tail`; NULL when json is not an object.
 * Every string is escaped for a terminal (util_buf_escape).  Caller frees.
 */
char	*alert_pretty(const char *json);

#endif
