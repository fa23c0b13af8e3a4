/*
 * feed: the entry point of the feed parser.  It bounds the input, turns it
 * into UTF-8 (feed_enc.c), hands it to the XML (feed_xml.c) or JSON Feed
 * (feed_json.c) reader, completes every item (fallback ids, the feed's
 * language) and renders the conformance JSON.  Pure: it never logs, never
 * touches the network and never keeps state between calls.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/uri.h>

#include "feed_int.h"
#include "log.h"

struct feed_item *
feed_item_add(struct feed *f)
{
	struct feed_item	*it;
	size_t			 cap;

	/* Grow by doubling: 10,000 items must not cost 10,000 reallocs. */
	if ((f->nitems & (f->nitems - 1)) == 0) {
		cap = f->nitems == 0 ? 8 : f->nitems * 2;
		if (cap >= 8)
			f->items = xreallocarray(f->items, cap,
			    sizeof(*f->items));
	}
	it = &f->items[f->nitems++];
	memset(it, 0, sizeof(*it));
	it->published = FEED_TIME_NONE;
	it->updated = FEED_TIME_NONE;
	return it;
}

/* Gives an item what the document did not: an id and a language. */
void
feed_item_finish(struct feed *f, struct feed_item *it)
{
	char		 date[32];
	uint64_t	 h;

	if (it->lang == NULL && f->lang != NULL)
		it->lang = xstrdup(f->lang);
	if (it->id != NULL)
		return;
	it->id_is_fallback = true;
	if (it->link != NULL) {
		it->id = xstrdup(it->link);
		return;
	}
	h = UTIL_HASH_SEED;
	if (it->title != NULL)
		h = util_hash64(it->title, strlen(it->title), h);
	h = util_hash64("\n", 1, h);
	if (it->published != FEED_TIME_NONE) {
		util_iso8601(it->published, date, sizeof(date));
		h = util_hash64(date, strlen(date), h);
	}
	if (it->summary != NULL)
		h = util_hash64(it->summary, strlen(it->summary), h);
	xasprintf(&it->id, "urn:claimwatch:%016llx", (unsigned long long)h);
}

static bool
feed_has_scheme(const char *s)
{
	const char	*p = s;

	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	return *p == ':';
}

/*
 * Returns ref resolved against base as a new string (caller frees); ref
 * itself when it is absolute, base is NULL or the two do not combine.
 */
char *
feed_resolve(const char *base, const char *ref)
{
	xmlChar	*u;
	char	*s;

	if (ref == NULL)
		return NULL;
	if (base == NULL || *base == '\0' || feed_has_scheme(ref))
		return xstrdup(ref);
	if ((u = xmlBuildURI((const xmlChar *)ref,
	    (const xmlChar *)base)) == NULL)
		return xstrdup(ref);
	/* libxml2 may unescape %xx in the host into bytes: re-check. */
	if (feed_enc_valid_utf8((const char *)u, strlen((const char *)u)))
		s = xstrdup((const char *)u);
	else {
		struct util_buf	 b = { 0 };

		feed_enc_sanitize(&b, (const char *)u, strlen((const char *)u));
		s = b.data;
	}
	xmlFree(u);
	return s;
}

struct feed *
feed_parse(const char *buf, size_t len, const char *base_url,
    const char *content_type, char *err, size_t errlen)
{
	struct feed	*f;
	const char	*src;
	char		*text;
	size_t		 tlen, i;
	bool		 bozo = false;

	if (buf == NULL || len == 0) {
		snprintf(err, errlen, "not a feed: empty document");
		return NULL;
	}
	if (len > FEED_MAX_DOC) {
		snprintf(err, errlen, "document too large: %zu bytes "
		    "(limit %d)", len, FEED_MAX_DOC);
		return NULL;
	}
	if (feed_enc_is_clean(buf, len, content_type)) {
		text = NULL;
		tlen = len;
	} else if ((text = feed_enc_to_utf8(buf, len, content_type, &tlen,
	    &bozo, err, errlen)) == NULL)
		return NULL;
	src = text != NULL ? text : buf;
	for (i = 0; i < tlen && isspace((unsigned char)src[i]); i++)
		;
	if (i < tlen && src[i] == '{')
		f = feed_json_parse(src, tlen, base_url, err, errlen);
	else
		f = feed_xml_parse(src, tlen, base_url, err, errlen);
	free(text);
	if (f == NULL)
		return NULL;
	if (bozo) {
		f->bozo = true;
		if (f->parse == FEED_PARSE_OK)
			f->parse = FEED_PARSE_RECOVERED;
		if (f->bozo_reason == NULL)
			f->bozo_reason = xstrdup("invalid bytes for the "
			    "declared encoding were replaced");
	}
	for (i = 0; i < f->nitems; i++)
		feed_item_finish(f, &f->items[i]);
	return f;
}

static void
feed_item_clear(struct feed_item *it)
{
	free(it->id);
	free(it->title);
	free(it->link);
	free(it->summary);
	free(it->content);
	free(it->lang);
}

/* One slot of feed_dedup's table: an id's hash and its kept item. */
struct feed_dedup_slot {
	uint64_t	 hash;		/* 0: empty */
	size_t		 item;
};

size_t
feed_dedup(struct feed *f, char *first, size_t firstlen)
{
	struct feed_dedup_slot	*slots, *sl;
	uint64_t		 h;
	size_t			 cap, i, j, k, n = 0;

	if (firstlen > 0)
		first[0] = '\0';
	if (f->nitems < 2)
		return 0;
	/* Open addressing, at most half full. */
	for (cap = 16; cap < f->nitems * 2; cap *= 2)
		;
	slots = xcalloc(cap, sizeof(*slots));
	for (i = k = 0; i < f->nitems; i++) {
		h = util_hash64(f->items[i].id, strlen(f->items[i].id),
		    UTIL_HASH_SEED) | 1;
		for (j = h & (cap - 1); (sl = &slots[j])->hash != 0;
		    j = (j + 1) & (cap - 1))
			if (sl->hash == h &&
			    strcmp(f->items[sl->item].id, f->items[i].id) == 0)
				break;
		if (sl->hash != 0) {
			if (n++ == 0 && firstlen > 0)
				util_strlcpy(first, f->items[i].id, firstlen);
			feed_item_clear(&f->items[i]);
			continue;
		}
		sl->hash = h;
		sl->item = k;
		f->items[k++] = f->items[i];
	}
	f->nitems = k;
	free(slots);
	return n;
}

void
feed_init(void)
{
	xmlInitParser();
}

void
feed_free(struct feed *f)
{
	size_t	 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nitems; i++)
		feed_item_clear(&f->items[i]);
	free(f->items);
	free(f->version);
	free(f->title);
	free(f->link);
	free(f->lang);
	free(f->bozo_reason);
	free(f);
}

static json_t *
feed_json_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
feed_json_time(int64_t t)
{
	char	 buf[32];

	if (t == FEED_TIME_NONE)
		return json_null();
	util_iso8601(t, buf, sizeof(buf));
	return json_string(buf);
}

char *
feed_to_json(const struct feed *f)
{
	const struct feed_item	*it;
	json_t			*root, *items, *o;
	char			*s;
	size_t			 i;

	root = json_object();
	items = json_array();
	json_object_set_new(root, "bozo", json_boolean(f->bozo));
	json_object_set_new(root, "feed_title", feed_json_str(f->title));
	json_object_set_new(root, "version", feed_json_str(f->version));
	if (f->bozo_reason != NULL)
		json_object_set_new(root, "bozo_reason",
		    json_string(f->bozo_reason));
	for (i = 0; i < f->nitems; i++) {
		it = &f->items[i];
		o = json_object();
		/* The oracle never invents ids: print only the document's. */
		json_object_set_new(o, "id",
		    feed_json_str(it->id_is_fallback ? NULL : it->id));
		json_object_set_new(o, "title", feed_json_str(it->title));
		json_object_set_new(o, "link", feed_json_str(it->link));
		json_object_set_new(o, "published",
		    feed_json_time(it->published));
		json_object_set_new(o, "updated", feed_json_time(it->updated));
		json_object_set_new(o, "summary_text",
		    feed_json_str(it->summary != NULL ? it->summary :
		    it->content));
		json_array_append_new(items, o);
	}
	json_object_set_new(root, "items", items);
	/* jansson allocates with malloc, so the caller's free() fits. */
	if ((s = json_dumps(root, JSON_PRESERVE_ORDER)) == NULL)
		fatalx("feed_to_json: out of memory");
	json_decref(root);
	return s;
}
