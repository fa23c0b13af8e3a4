/*
 * alert: builds every JSON document claimwatch emits (claim records, the
 * figure objects kept in Redis, the schema-v1 alert) with jansson, so that
 * escaping is never done by hand.  It is pure: no clock, no I/O, no log.
 * It must never emit invalid JSON or invalid UTF-8, because the store's Lua
 * script splices these strings together by plain substring search and a
 * consumer must be able to parse what results.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"
#include "claim.h"
#include "util.h"

/* Bytes of U+FFFD, substituted for each byte that is not valid UTF-8. */
#define ALERT_REPLACEMENT	"\xef\xbf\xbd"

/*
 * A JSON string for len bytes of s.  jansson refuses invalid UTF-8, and a
 * feed may well carry some, so bad bytes become U+FFFD instead of losing
 * the whole record.
 */
static json_t *
alert_string(const char *s, size_t len)
{
	struct util_buf		 b = { 0 };
	json_t			*j;
	uint32_t		 cp;
	size_t			 i, n;

	if ((j = json_stringn(s, len)) != NULL)
		return j;
	for (i = 0; i < len; i += n) {
		if ((n = util_utf8_decode(s + i, len - i, &cp)) == 0) {
			util_buf_append(&b, ALERT_REPLACEMENT,
			    sizeof(ALERT_REPLACEMENT) - 1);
			n = 1;
		} else
			util_buf_append(&b, s + i, n);
	}
	j = json_stringn(b.data != NULL ? b.data : "", b.len);
	util_buf_free(&b);
	return j != NULL ? j : json_string("");
}

/* A C string or null. */
static json_t *
alert_cstring(const char *s)
{
	if (s == NULL)
		return json_null();
	return alert_string(s, strlen(s));
}

/* "" means unknown in struct claim's fixed fields. */
static json_t *
alert_name(const char *s)
{
	return s[0] == '\0' ? json_null() : alert_string(s, strlen(s));
}

/*
 * Integral values print as integers (1500, not 1500.0): counts are whole
 * numbers and consumers compare them as such.  Only values a double holds
 * exactly (below 2^53) qualify; NaN and infinities have no JSON form.
 */
static json_t *
alert_number(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *
alert_time(int64_t t)
{
	char	 buf[32];

	if (t == INT64_MIN)
		return json_null();
	util_iso8601(t, buf, sizeof(buf));
	return json_string(buf);
}

static char *
alert_dump(json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		s = xstrdup("{}");
	return s;
}

/* The fields every figure object starts with, in schema order. */
static json_t *
alert_figure_core(const struct claim *c)
{
	json_t	*j;

	j = json_object();
	json_object_set_new(j, "value", alert_number(c->value));
	json_object_set_new(j, "qualifier",
	    json_string(claim_qualifier_name(c->qualifier)));
	json_object_set_new(j, "max",
	    c->has_max ? alert_number(c->max) : json_null());
	return j;
}

char *
alert_claim_json(const struct claim *c, const char *text, size_t textlen)
{
	json_t	*j;

	j = alert_figure_core(c);
	json_object_set_new(j, "unit", alert_name(c->unit));
	json_object_set_new(j, "unit_text", alert_name(c->unit_text));
	json_object_set_new(j, "event", alert_name(c->event));
	json_object_set_new(j, "entity", alert_name(c->entity));
	json_object_set_new(j, "modality",
	    json_string(claim_modality_name(c->modality)));
	json_object_set_new(j, "key", alert_name(c->key));
	json_object_set_new(j, "scope", alert_name(c->scope));
	json_object_set_new(j, "story", alert_name(c->label));
	json_object_set_new(j, "role", json_string(claim_role_name(c->role)));
	json_object_set_new(j, "lang", alert_name(c->lang));
	json_object_set_new(j, "text",
	    text != NULL ? alert_string(text, textlen) : json_null());
	json_object_set_new(j, "offset", json_integer((json_int_t)c->offset));
	json_object_set_new(j, "length", json_integer((json_int_t)c->length));
	return alert_dump(j);
}

/* A figure object's members before "text" and "lang". */
static json_t *
alert_figure_head(const struct claim *c, const struct alert_source *src)
{
	json_t	*j;

	j = alert_figure_core(c);
	json_object_set_new(j, "modality",
	    json_string(claim_modality_name(c->modality)));
	/* Only the exceptions say their role: history keeps them apart. */
	if (c->role != CLAIM_ROLE_HEADLINE)
		json_object_set_new(j, "role",
		    json_string(claim_role_name(c->role)));
	json_object_set_new(j, "published", alert_time(src->published));
	json_object_set_new(j, "url", alert_cstring(src->url));
	json_object_set_new(j, "title", alert_cstring(src->title));
	return j;
}

/* The figure's "lang", or NULL when it has none. */
static json_t *
alert_figure_lang(const struct claim *c, const struct alert_source *src)
{
	if (src->lang != NULL)
		return alert_cstring(src->lang);
	if (c->lang[0] != '\0')
		return alert_name(c->lang);
	return NULL;
}

static json_t *
alert_figure(const struct claim *c, const struct alert_source *src)
{
	json_t	*j, *lang;

	j = alert_figure_head(c, src);
	if (src->text != NULL)
		json_object_set_new(j, "text", alert_cstring(src->text));
	if ((lang = alert_figure_lang(c, src)) != NULL)
		json_object_set_new(j, "lang", lang);
	return j;
}

char *
alert_figure_json(const struct claim *c, const struct alert_source *src)
{
	return alert_dump(alert_figure(c, src));
}

/* Schema v2's story object: the scope as a stable id, and a label. */
static json_t *
alert_story(const struct claim *c)
{
	json_t	*j;

	if (c->scope[0] == '\0')
		return json_null();
	j = json_object();
	json_object_set_new(j, "id", alert_name(c->scope));
	json_object_set_new(j, "label", c->label[0] != '\0' ?
	    alert_name(c->label) : alert_name(c->scope));
	return j;
}

static json_t *
alert_categories(const struct alert_feed *feed)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; feed != NULL && i < feed->ncategories; i++)
		json_array_append_new(a, alert_cstring(feed->categories[i]));
	return a;
}

/* The members every alert ends with: where and when it was seen. */
static void
alert_set_feed(json_t *j, const struct alert_feed *feed, int64_t detected_at)
{
	json_object_set_new(j, "feed", alert_cstring(feed != NULL ?
	    feed->url : NULL));
	json_object_set_new(j, "feed_title", alert_cstring(feed != NULL ?
	    feed->title : NULL));
	json_object_set_new(j, "categories", alert_categories(feed));
	json_object_set_new(j, "detected_at", alert_time(detected_at));
}

static char *
alert_new(const struct claim *c, json_t *cur, const struct alert_feed *feed,
    int64_t detected_at)
{
	json_t	*j;

	/*
	 * jansson keeps insertion order, so "type" is the second member and
	 * its first occurrence is this one; the store's script relies on it,
	 * and on "sources":1 being the first "sources" member (a string
	 * value cannot hold that with its quotes unescaped).
	 */
	j = json_object();
	json_object_set_new(j, "v", json_integer(2));
	json_object_set_new(j, "type", json_string("new"));
	json_object_set_new(j, "key", alert_name(c->key));
	json_object_set_new(j, "entity", alert_name(c->entity));
	json_object_set_new(j, "event", alert_name(c->event));
	json_object_set_new(j, "unit", alert_name(c->unit));
	json_object_set_new(j, "story", alert_story(c));
	json_object_set_new(j, "sources", json_integer(1));
	json_object_set_new(j, "previous", json_null());
	json_object_set(j, "current", cur);
	alert_set_feed(j, feed, detected_at);
	return alert_dump(j);
}

char *
alert_new_json(const struct claim *c, const struct alert_source *src,
    const struct alert_feed *feed, int64_t detected_at)
{
	json_t	*cur;
	char	*s;

	cur = alert_figure(c, src);
	s = alert_new(c, cur, feed, detected_at);
	json_decref(cur);
	return s;
}

/* ',"name":' and j as compact JSON into b; takes j. */
static void
alert_member(struct util_buf *b, const char *name, json_t *j)
{
	char	*v;

	if ((v = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		v = xstrdup("null");
	json_decref(j);
	util_buf_printf(b, ",\"%s\":%s", name, v);
	free(v);
}

/* j's members without the braces, "" for an empty object; takes j. */
static char *
alert_members(json_t *j)
{
	char	*s = alert_dump(j);
	size_t	 len = strlen(s);

	if (len >= 2) {
		memmove(s, s + 1, len - 2);
		s[len - 2] = '\0';
	}
	return s;
}

void
alert_parts_make(const struct claim *c, const struct alert_source *src,
    struct alert_parts *p)
{
	struct util_buf	 fig = { 0 }, text = { 0 }, lang = { 0 };
	json_t		*j, *story;
	char		*head;
	const char	*label;

	/* One dump of the shared members serves figure and current. */
	head = alert_dump(alert_figure_head(c, src));
	util_buf_append(&fig, head, strlen(head) - 1);
	free(head);
	if (src->text != NULL)
		alert_member(&text, "text", alert_cstring(src->text));
	if ((j = alert_figure_lang(c, src)) != NULL)
		alert_member(&lang, "lang", j);
	util_buf_append(&lang, "}", 1);
	xasprintf(&p->current, "%.*s%.*s%s", (int)fig.len, fig.data,
	    (int)text.len, text.data != NULL ? text.data : "", lang.data);
	util_buf_append(&fig, lang.data, lang.len);
	p->figure = fig.data;
	util_buf_free(&text);
	util_buf_free(&lang);

	story = alert_story(c);
	label = json_string_value(json_object_get(story, "label"));
	p->label = xstrdup(label != NULL ? label : "");
	j = json_object();
	json_object_set_new(j, "key", alert_name(c->key));
	json_object_set_new(j, "entity", alert_name(c->entity));
	json_object_set_new(j, "event", alert_name(c->event));
	json_object_set_new(j, "unit", alert_name(c->unit));
	json_object_set_new(j, "story", story);
	p->names = alert_members(j);
}

void
alert_parts_free(struct alert_parts *p)
{
	free(p->figure);
	free(p->current);
	free(p->names);
	free(p->label);
}

char *
alert_tail(const struct alert_feed *feed, int64_t detected_at)
{
	json_t	*j;
	char	*s;

	j = json_object();
	alert_set_feed(j, feed, detected_at);
	s = alert_dump(j);
	memmove(s, s + 1, strlen(s));	/* the members and the last brace */
	return s;
}

/* "3000 (at_least, 2025-01-15)" for a figure object, into b. */
/* s (or "?") made safe for a terminal: feed text may carry escapes. */
static void
alert_pretty_str(struct util_buf *b, const char *s)
{
	if (s == NULL)
		s = "?";
	util_buf_escape(b, s, strlen(s));
}

static void
alert_pretty_figure(struct util_buf *b, json_t *f)
{
	json_t		*v = json_object_get(f, "value");
	json_t		*m = json_object_get(f, "max");
	const char	*q = json_string_value(json_object_get(f,
			    "qualifier"));
	const char	*p = json_string_value(json_object_get(f,
			    "published"));

	if (json_is_integer(v))
		util_buf_printf(b, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else
		util_buf_printf(b, "%g", json_number_value(v));
	if (json_is_number(m))
		util_buf_printf(b, "-%g", json_number_value(m));
	util_buf_printf(b, " (");
	alert_pretty_str(b, q);
	util_buf_printf(b, ", ");
	if (p != NULL)
		util_buf_escape(b, p, strnlen(p, 10));	/* the date only */
	else
		util_buf_printf(b, "undated");
	util_buf_printf(b, ")");
}

char *
alert_pretty(const char *json)
{
	struct util_buf	 b = { 0 };
	json_t		*j, *cur, *prev;
	const char	*type, *key, *title;

	if ((j = json_loads(json, 0, NULL)) == NULL || !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	type = json_string_value(json_object_get(j, "type"));
	key = json_string_value(json_object_get(j, "key"));
	cur = json_object_get(j, "current");
	prev = json_object_get(j, "previous");
	title = json_string_value(json_object_get(cur, "title"));
	alert_pretty_str(&b, type);
	while (b.len < 12)
		util_buf_append(&b, " ", 1);
	util_buf_append(&b, " ", 1);
	alert_pretty_str(&b, key);
	util_buf_printf(&b, ": ");
	if (json_is_object(prev)) {
		alert_pretty_figure(&b, prev);
		util_buf_printf(&b, "  ->  ");
	}
	if (json_is_object(cur))
		alert_pretty_figure(&b, cur);
	if (title != NULL) {
		util_buf_printf(&b, "\n             \"");
		alert_pretty_str(&b, title);
		util_buf_printf(&b, "\"");
	}
	json_decref(j);
	return b.data != NULL ? b.data : xstrdup("");
}
