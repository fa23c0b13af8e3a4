/*
 * alert_fields: the reading side of the alert JSON, for `claimwatch
 * notify`: the fields sinks filter on and messages are made of, a small
 * {{field}} template, and the digest document.  Pure (part of the alert
 * module: jansson stays inside it).  Unknown members of an alert are
 * ignored, so newer schema versions pass through.
 */
#ifndef CLAIMWATCH_ALERT_FIELDS_H
#define CLAIMWATCH_ALERT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

/* One alert's fields; every string owned, NULL when the alert lacks it. */
struct alert_fields {
	char	*type;		/* new, changed, corroborated */
	char	*key, *entity, *event, *unit;
	char	*story;		/* schema v2 story label (else id), or NULL */
	char	*story_id;	/* schema v2 story id, or NULL */
	char	*title, *url, *text, *lang;	/* of the current figure */
	char	*feed, *detected_at;
	char	*value, *previous;		/* numbers as text */
	double	 change;	/* |cur - prev| / prev, or -1 without both */
	char	*summary;	/* one human line: "changed KEY: A -> B" */
};

/*
 * Fills f from an alert; 0, or -1 with err filled when json is not an
 * object.  Free with alert_fields_free (also after a failure).
 */
int	 alert_fields_parse(const char *json, struct alert_fields *f,
	    char *err, size_t errlen);
void	 alert_fields_free(struct alert_fields *);
/*
 * The template with each {{name}} replaced by the field of that name
 * (type key entity event unit story story_id title url text lang feed
 * detected_at
 * value previous change summary), by {{id}} (ids[0]) or {{count}} (n);
 * with several alerts (a digest) fields come from the first one and
 * {{summary}} is every summary, one per line.  json: each value is
 * JSON-string-escaped, so a title cannot close the string it sits in;
 * else CR and LF in a value become spaces (one line per value).
 * Values are inserted once and never rescanned (no template injection);
 * an unknown name becomes empty.  Caller frees.
 */
char	*alert_render(const char *tmpl, const struct alert_fields *const *f,
	    const char *const *ids, size_t n, bool json);
/*
 * A digest: {"v":1,"type":"digest","count":N,"ids":[...],
 * "alerts":[...]} with each alert object as published (an alert that is
 * not JSON goes in as a string).  Caller frees.
 */
char	*alert_digest_json(const char *const *alerts, const char *const *ids,
	    size_t n);

#endif
