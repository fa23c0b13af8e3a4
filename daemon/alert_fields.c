/*
 * alert_fields: reads published alerts back for the notify sinks: pulls
 * out the fields their filters and messages use, fills a {{field}}
 * template and builds the digest document.  Part of the alert module, so
 * jansson stays here; pure like alert.c.  Feed text is hostile: values
 * substituted into a JSON template are escaped by jansson, never by hand,
 * and a substituted value is never scanned for {{ again.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert_fields.h"
#include "util.h"

#define ALERT_FIELDS_NAME_MAX	32

static char *
alert_fields_str(json_t *o, const char *name)
{
	const char	*s = json_string_value(json_object_get(o, name));

	return s != NULL ? xstrdup(s) : NULL;
}

/* A figure's value as text ("1500", "5.6e+09"), or NULL. */
static char *
alert_fields_num(json_t *fig, double *out)
{
	json_t	*v = json_object_get(fig, "value");
	char	*s;

	if (!json_is_number(v))
		return NULL;
	*out = json_number_value(v);
	if (json_is_integer(v))
		xasprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		xasprintf(&s, "%.15g", *out);
	return s;
}

/* Schema v2 names its story as an object, a string, or flat members. */
static char *
alert_fields_story(json_t *j)
{
	json_t	*s = json_object_get(j, "story");
	char	*v;

	if (json_is_string(s))
		return xstrdup(json_string_value(s));
	if (json_is_object(s)) {
		if ((v = alert_fields_str(s, "label")) != NULL)
			return v;
		return alert_fields_str(s, "id");
	}
	if ((v = alert_fields_str(j, "story_label")) != NULL)
		return v;
	return alert_fields_str(j, "story_id");
}

int
alert_fields_parse(const char *json, struct alert_fields *f, char *err,
    size_t errlen)
{
	json_t		*j, *cur, *prev;
	json_error_t	 je;
	double		 a = 0, b = 0;

	memset(f, 0, sizeof(*f));
	f->change = -1;
	if ((j = json_loads(json, 0, &je)) == NULL || !json_is_object(j)) {
		snprintf(err, errlen, "alert is not a JSON object%s%s",
		    j == NULL ? ": " : "", j == NULL ? je.text : "");
		json_decref(j);
		return -1;
	}
	cur = json_object_get(j, "current");
	prev = json_object_get(j, "previous");
	f->type = alert_fields_str(j, "type");
	f->key = alert_fields_str(j, "key");
	f->entity = alert_fields_str(j, "entity");
	f->event = alert_fields_str(j, "event");
	f->unit = alert_fields_str(j, "unit");
	f->story = alert_fields_story(j);
	f->story_id = json_is_object(json_object_get(j, "story")) ?
	    alert_fields_str(json_object_get(j, "story"), "id") :
	    alert_fields_str(j, "story_id");
	f->feed = alert_fields_str(j, "feed");
	f->detected_at = alert_fields_str(j, "detected_at");
	f->title = alert_fields_str(cur, "title");
	f->url = alert_fields_str(cur, "url");
	f->text = alert_fields_str(cur, "text");
	f->lang = alert_fields_str(cur, "lang");
	f->value = alert_fields_num(cur, &a);
	f->previous = alert_fields_num(prev, &b);
	if (f->value != NULL && f->previous != NULL && b != 0)
		f->change = fabs(a - b) / fabs(b);
	xasprintf(&f->summary, "%s %s: %s%s%s%s%s%s",
	    f->type != NULL ? f->type : "?", f->key != NULL ? f->key : "?",
	    f->previous != NULL ? f->previous : "",
	    f->previous != NULL ? " -> " : "",
	    f->value != NULL ? f->value : "?",
	    f->title != NULL ? " (" : "", f->title != NULL ? f->title : "",
	    f->title != NULL ? ")" : "");
	json_decref(j);
	return 0;
}

void
alert_fields_free(struct alert_fields *f)
{
	if (f == NULL)
		return;
	free(f->type);
	free(f->key);
	free(f->entity);
	free(f->event);
	free(f->unit);
	free(f->story);
	free(f->story_id);
	free(f->title);
	free(f->url);
	free(f->text);
	free(f->lang);
	free(f->feed);
	free(f->detected_at);
	free(f->value);
	free(f->previous);
	free(f->summary);
	memset(f, 0, sizeof(*f));
}

/* The named field of one alert, or NULL (unknown or absent). */
static const char *
alert_fields_get(const struct alert_fields *f, const char *name, char *buf,
    size_t len)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} tab[] = {
#define ALERT_FIELD(n)	{ #n, offsetof(struct alert_fields, n) }
		ALERT_FIELD(type), ALERT_FIELD(key), ALERT_FIELD(entity),
		ALERT_FIELD(event), ALERT_FIELD(unit), ALERT_FIELD(story),
		ALERT_FIELD(story_id),
		ALERT_FIELD(title), ALERT_FIELD(url), ALERT_FIELD(text),
		ALERT_FIELD(lang), ALERT_FIELD(feed),
		ALERT_FIELD(detected_at), ALERT_FIELD(value),
		ALERT_FIELD(previous), ALERT_FIELD(summary),
#undef ALERT_FIELD
	};
	size_t	 i;

	if (strcmp(name, "change") == 0) {
		if (f->change < 0)
			return NULL;
		snprintf(buf, len, "%.0f%%", f->change * 100);
		return buf;
	}
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].name, name) == 0)
			return *(char *const *)((const char *)f + tab[i].off);
	return NULL;
}

/*
 * Appends s, JSON-string-escaped without the quotes when json; as text
 * with CR and LF turned into spaces, so a value never starts a line of
 * its own (a mail header, a second message).
 */
static void
alert_render_value(struct util_buf *b, const char *s, bool json)
{
	json_t	*j;
	char	*e;
	size_t	 i;

	if (!json) {
		for (i = 0; s[i] != '\0'; i++)
			util_buf_append(b, s[i] == '\r' || s[i] == '\n' ? " " :
			    &s[i], 1);
		return;
	}
	/* Invalid UTF-8 cannot come from jansson's own parse; be safe. */
	if ((j = json_string(s)) == NULL)
		return;
	e = json_dumps(j, JSON_ENCODE_ANY);
	json_decref(j);
	if (e != NULL && strlen(e) >= 2)
		util_buf_append(b, e + 1, strlen(e) - 2);
	free(e);
}

/* The value of {{name}} for n alerts into b. */
static void
alert_render_field(struct util_buf *b, const char *name,
    const struct alert_fields *const *f, const char *const *ids, size_t n,
    bool json)
{
	const char	*v;
	char		 num[32];
	size_t		 i;

	if (strcmp(name, "count") == 0) {
		snprintf(num, sizeof(num), "%zu", n);
		util_buf_append(b, num, strlen(num));
		return;
	}
	if (strcmp(name, "id") == 0) {
		alert_render_value(b, ids[0], json);
		return;
	}
	if (strcmp(name, "summary") == 0 && n > 1) {
		for (i = 0; i < n; i++) {
			if (i > 0)
				util_buf_append(b, json ? "\\n" : "\n",
				    json ? 2 : 1);
			alert_render_value(b, f[i]->summary, json);
		}
		return;
	}
	if ((v = alert_fields_get(f[0], name, num, sizeof(num))) != NULL)
		alert_render_value(b, v, json);
}

char *
alert_render(const char *tmpl, const struct alert_fields *const *f,
    const char *const *ids, size_t n, bool json)
{
	struct util_buf	 b = { 0 };
	const char	*p = tmpl, *open, *close;
	char		 name[ALERT_FIELDS_NAME_MAX];
	size_t		 len;

	while ((open = strstr(p, "{{")) != NULL &&
	    (close = strstr(open + 2, "}}")) != NULL) {
		util_buf_append(&b, p, (size_t)(open - p));
		len = (size_t)(close - open - 2);
		if (len < sizeof(name)) {
			memcpy(name, open + 2, len);
			name[len] = '\0';
			if (n > 0)
				alert_render_field(&b, name, f, ids, n, json);
		}
		p = close + 2;
	}
	util_buf_append(&b, p, strlen(p));
	return b.data;
}

char *
alert_digest_json(const char *const *alerts, const char *const *ids,
    size_t n)
{
	json_t	*d, *a, *i, *j;
	char	*s;
	size_t	 k;

	d = json_object();
	a = json_array();
	i = json_array();
	for (k = 0; k < n; k++) {
		if ((j = json_loads(alerts[k], 0, NULL)) == NULL)
			j = json_string(alerts[k]);
		json_array_append_new(a, j != NULL ? j : json_null());
		json_array_append_new(i, json_string(ids[k]));
	}
	json_object_set_new(d, "v", json_integer(1));
	json_object_set_new(d, "type", json_string("digest"));
	json_object_set_new(d, "count", json_integer((json_int_t)n));
	json_object_set_new(d, "ids", i);
	json_object_set_new(d, "alerts", a);
	s = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(d);
	return s != NULL ? s : xstrdup("{}");
}
