/*
 * feed_json: JSON Feed 1.0 and 1.1 through jansson.  The text arrives as
 * valid UTF-8 from feed_enc.c and is parsed from memory; jansson bounds
 * its own nesting depth.  A version that
 * is not a jsonfeed.org URL makes the feed bozo but its items are still
 * read, as the conformance oracle does.  json_t never leaves this file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed_int.h"

static const char *
feed_json_get(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *
feed_json_text(json_t *o, const char *key, enum feed_text_type type)
{
	const char	*s = feed_json_get(o, key);

	return s != NULL ? feed_text_plain(s, strlen(s), type) : NULL;
}

static void
feed_json_item(struct feed *f, json_t *o, const char *base_url)
{
	struct feed_item	*it;
	json_t			*id;
	const char		*s;
	char			 num[64];

	if (f->nitems >= FEED_MAX_ITEMS) {
		f->truncated = true;
		return;
	}
	it = feed_item_add(f);
	id = json_object_get(o, "id");
	if (json_is_string(id) && *json_string_value(id) != '\0')
		it->id = feed_text_plain(json_string_value(id),
		    strlen(json_string_value(id)), FEED_TEXT_PLAIN);
	else if (json_is_integer(id)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(id));
		it->id = xstrdup(num);
	}
	it->title = feed_json_text(o, "title", FEED_TEXT_PLAIN);
	if ((s = feed_json_get(o, "url")) != NULL && *s != '\0')
		it->link = feed_resolve(base_url, s);
	it->published = feed_date_parse(feed_json_get(o, "date_published"));
	it->updated = feed_date_parse(feed_json_get(o, "date_modified"));
	it->summary = feed_json_text(o, "summary", FEED_TEXT_PLAIN);
	if ((it->content = feed_json_text(o, "content_text",
	    FEED_TEXT_PLAIN)) == NULL)
		it->content = feed_json_text(o, "content_html",
		    FEED_TEXT_HTML);
	if ((s = feed_json_get(o, "language")) != NULL)
		it->lang = feed_text_plain(s, strlen(s), FEED_TEXT_PLAIN);
}

/*
 * Values jansson may build for one document: each costs 60 to 140 bytes
 * of tree, so 8 MB of "[]," asked for 356 MB (issue 17).  10,000 items of
 * 20 fields each stay well below.
 */
#define FEED_JSON_MAX_VALUES	250000

/* Counts the values of a JSON text, roughly: every [ { and , outside a
   string starts one.  -1 with the reason in err when over the bound. */
static int
feed_json_check(const char *buf, size_t len, char *err, size_t errlen)
{
	size_t	 i, n = 0;
	bool	 str = false;

	for (i = 0; i < len; i++) {
		if (str) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				str = false;
		} else if (buf[i] == '"')
			str = true;
		else if ((buf[i] == '[' || buf[i] == '{' || buf[i] == ',') &&
		    ++n > FEED_JSON_MAX_VALUES) {
			snprintf(err, errlen, "document refused: more than "
			    "%d JSON values", FEED_JSON_MAX_VALUES);
			return -1;
		}
	}
	return 0;
}

struct feed *
feed_json_parse(const char *buf, size_t len, const char *base_url,
    char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*root, *items;
	struct feed	*f;
	const char	*ver, *s;
	size_t		 i;

	if (feed_json_check(buf, len, err, errlen) == -1)
		return NULL;
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		snprintf(err, errlen, "malformed JSON at line %d: %s",
		    je.line, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(err, errlen, "not a feed: JSON top level is not an "
		    "object");
		return NULL;
	}
	items = json_object_get(root, "items");
	ver = feed_json_get(root, "version");
	if (ver == NULL && !json_is_array(items)) {
		json_decref(root);
		snprintf(err, errlen, "not a feed: JSON without version or "
		    "items");
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->kind = FEED_KIND_JSON;
	if (ver != NULL && strncmp(ver, "https://jsonfeed.org/version/",
	    29) == 0)
		f->version = xstrdup(strcmp(ver + 29, "1.1") == 0 ? "json11" :
		    "json10");
	else {
		f->version = xstrdup("json");
		f->bozo = true;
		f->parse = FEED_PARSE_RECOVERED;
		f->bozo_reason = xstrdup("JSON Feed version is not a "
		    "jsonfeed.org URL");
	}
	f->title = feed_json_text(root, "title", FEED_TEXT_PLAIN);
	if ((s = feed_json_get(root, "home_page_url")) != NULL)
		f->link = feed_resolve(base_url, s);
	if ((s = feed_json_get(root, "language")) != NULL)
		f->lang = feed_text_plain(s, strlen(s), FEED_TEXT_PLAIN);
	for (i = 0; json_is_array(items) && i < json_array_size(items); i++)
		if (json_is_object(json_array_get(items, i)))
			feed_json_item(f, json_array_get(items, i), base_url);
	json_decref(root);
	return f;
}
