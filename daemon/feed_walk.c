/*
 * feed_walk: what the elements of an RSS, RDF or Atom tree mean.  It
 * follows feedparser's reading, since that is what the conformance corpus
 * measures: core elements are matched by local name whatever the RSS or
 * Atom namespace, the last title, link, id and date of an item win, the
 * first description is the summary and a second one or content:encoded
 * is the content, and an RSS guid or Atom id stands in as the link until
 * a real link appears.  Only direct children of a channel, feed or item
 * count, so image, source and author titles never leak into an item.  It
 * reads the tree feed_xml.c built and never allocates beyond the item cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed_xml.h"

/* Per-item state that must not outlive the walk of one item. */
struct feed_walk_item {
	struct feed_item	*it;
	bool			 link_from_id;	/* link is a guid stand-in */
	bool			 have_summary;
};

static void
feed_walk_set(char **dst, char *val)
{
	if (val == NULL)
		return;
	free(*dst);
	*dst = val;
}

static bool
feed_walk_is(const char *local, const char *name)
{
	return strcmp(local, name) == 0;
}

/* The default markup of a text element: Atom says text, RSS means HTML. */
static enum feed_text_type
feed_walk_deftype(struct feed_xml *x)
{
	return x->f->kind == FEED_KIND_ATOM ? FEED_TEXT_PLAIN : FEED_TEXT_HTML;
}

/* An Atom <link href rel type>: the alternate HTML link, or NULL. */
static char *
feed_walk_atom_link(struct feed_xml *x, const struct feed_xml_node *n)
{
	const char	*href, *rel, *type;

	if ((href = feed_xml_attr(n, "href")) == NULL)
		return NULL;
	rel = feed_xml_attr(n, "rel");
	type = feed_xml_attr(n, "type");
	if (rel != NULL && strcasecmp(rel, "alternate") != 0)
		return NULL;
	if (type != NULL && strcasecmp(type, "text/html") != 0 &&
	    strcasecmp(type, "application/xhtml+xml") != 0)
		return NULL;
	return feed_xml_link(x, n, href);
}

static void
feed_walk_item_child(struct feed_xml *x, struct feed_walk_item *w,
    const struct feed_xml_node *c)
{
	struct feed_item	*it = w->it;
	enum feed_xml_ns	 ns;
	const char		*local, *perma;
	char			*v;

	ns = feed_xml_ns(c, &local);
	if ((ns == FEED_NS_CORE || ns == FEED_NS_DC) &&
	    feed_walk_is(local, "title"))
		feed_walk_set(&it->title, feed_xml_text(x, c,
		    feed_walk_deftype(x)));
	else if (ns == FEED_NS_CORE && feed_walk_is(local, "link")) {
		if (feed_xml_attr(c, "href") != NULL)
			v = feed_walk_atom_link(x, c);
		else
			v = feed_xml_link_take(x, c, feed_xml_value(x, c));
		if (v != NULL) {
			feed_walk_set(&it->link, v);
			w->link_from_id = false;
		}
	} else if (ns == FEED_NS_CORE && (feed_walk_is(local, "guid") ||
	    feed_walk_is(local, "id"))) {
		char	*ref;

		if ((ref = feed_xml_value(x, c)) == NULL)
			return;
		perma = feed_xml_attr(c, "isPermaLink");
		/* feedparser resolves permalink ids against xml:base. */
		if (perma == NULL || strcmp(perma, "true") == 0)
			v = feed_xml_link_take(x, c, ref);
		else
			v = ref;
		if ((perma == NULL || strcmp(perma, "true") == 0) &&
		    (it->link == NULL || w->link_from_id)) {
			feed_walk_set(&it->link, xstrdup(v));
			w->link_from_id = true;
		}
		feed_walk_set(&it->id, v);
	} else if ((ns == FEED_NS_CORE && (feed_walk_is(local, "pubDate") ||
	    feed_walk_is(local, "published") ||
	    feed_walk_is(local, "issued"))) || (ns == FEED_NS_DCTERMS &&
	    feed_walk_is(local, "issued"))) {
		it->published = feed_xml_date(x, c);
	} else if ((ns == FEED_NS_CORE && (feed_walk_is(local, "updated") ||
	    feed_walk_is(local, "modified"))) || (ns == FEED_NS_DC &&
	    feed_walk_is(local, "date")) || (ns == FEED_NS_DCTERMS &&
	    feed_walk_is(local, "modified"))) {
		it->updated = feed_xml_date(x, c);
	} else if ((ns == FEED_NS_CORE && (feed_walk_is(local,
	    "description") || feed_walk_is(local, "summary"))) ||
	    (ns == FEED_NS_DC && feed_walk_is(local, "description"))) {
		v = feed_xml_text(x, c, feed_walk_is(local, "description") ?
		    FEED_TEXT_HTML : feed_walk_deftype(x));
		if (!w->have_summary) {
			feed_walk_set(&it->summary, v);
			w->have_summary = true;
		} else if (it->content == NULL)
			it->content = v;
		else
			free(v);
	} else if ((ns == FEED_NS_CONTENT && feed_walk_is(local, "encoded")) ||
	    (ns == FEED_NS_CORE && (feed_walk_is(local, "content") ||
	    feed_walk_is(local, "fullitem"))) ||
	    (ns == FEED_NS_XHTML && feed_walk_is(local, "body"))) {
		if (it->content == NULL)
			it->content = feed_xml_text(x, c,
			    feed_walk_is(local, "content") ?
			    feed_walk_deftype(x) : FEED_TEXT_HTML);
	} else if ((ns == FEED_NS_CORE || ns == FEED_NS_DC) &&
	    feed_walk_is(local, "language"))
		feed_walk_set(&it->lang, feed_xml_value(x, c));
}

/* Called as soon as the item is complete, while the parse goes on. */
void
feed_walk_item(struct feed_xml *x, const struct feed_xml_node *n)
{
	struct feed_walk_item	 w = { NULL, false, false };
	const struct feed_xml_node *c;
	const char		*about;
	const char		*lang;

	if (x->f->nitems >= FEED_MAX_ITEMS) {
		x->f->truncated = true;
		return;
	}
	w.it = feed_item_add(x->f);
	if ((about = feed_xml_attr(n, "about")) != NULL && *about != '\0')
		w.it->id = xstrdup(about);
	STAILQ_FOREACH(c, &n->children, entry)
		if (c->type == FEED_XML_ELEMENT)
			feed_walk_item_child(x, &w, c);
	if (w.it->lang == NULL && (lang = feed_xml_lang(n)) != NULL &&
	    *lang != '\0' && feed_enc_valid_utf8(lang, strlen(lang)))
		w.it->lang = xstrdup(lang);
}

/* sy:updatePeriod in seconds, or 0. */
static int
feed_walk_period(const char *s)
{
	static const struct {
		const char	*name;
		int		 secs;
	} p[] = { { "hourly", 3600 }, { "daily", 86400 },
	    { "weekly", 604800 }, { "monthly", 2592000 },
	    { "yearly", 31536000 } };
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(p) / sizeof(p[0]); i++)
		if (strcasecmp(s, p[i].name) == 0)
			return p[i].secs;
	return 0;
}

/* The children of a channel, feed or rdf:RDF. */
static void
feed_walk_channel(struct feed_xml *x, const struct feed_xml_node *n, int depth)
{
	struct feed	*f = x->f;
	enum feed_xml_ns ns;
	const struct feed_xml_node *c;
	const char	*local;
	char		*v;
	int		 period = 0, freq = 1;
	long		 ttl;

	STAILQ_FOREACH(c, &n->children, entry) {
		if (c->type != FEED_XML_ELEMENT)
			continue;
		ns = feed_xml_ns(c, &local);
		if (ns == FEED_NS_CORE && (feed_walk_is(local, "item") ||
		    feed_walk_is(local, "entry"))) {
			/* feed_xml.c walked it when it ended. */
			if (!c->done)
				feed_walk_item(x, c);
		}
		else if (ns == FEED_NS_CORE && feed_walk_is(local, "channel") &&
		    depth < 2)
			feed_walk_channel(x, c, depth + 1);
		else if ((ns == FEED_NS_CORE || ns == FEED_NS_DC) &&
		    feed_walk_is(local, "title"))
			feed_walk_set(&f->title, feed_xml_text(x, c,
			    feed_walk_deftype(x)));
		else if (ns == FEED_NS_CORE && feed_walk_is(local, "link")) {
			if (feed_xml_attr(c, "href") != NULL)
				v = feed_walk_atom_link(x, c);
			else
				v = feed_xml_link_take(x, c,
				    feed_xml_value(x, c));
			feed_walk_set(&f->link, v);
		} else if ((ns == FEED_NS_CORE || ns == FEED_NS_DC) &&
		    feed_walk_is(local, "language"))
			feed_walk_set(&f->lang, feed_xml_value(x, c));
		else if (ns == FEED_NS_CORE && feed_walk_is(local, "ttl")) {
			v = feed_xml_value(x, c);
			ttl = v != NULL ? strtol(v, NULL, 10) : 0;
			/* A week in minutes caps it; nonsense means absent. */
			if (ttl > 0 && ttl <= 7 * 24 * 60)
				f->ttl = (int)ttl * 60;
			free(v);
		} else if (ns == FEED_NS_SY && feed_walk_is(local,
		    "updatePeriod")) {
			v = feed_xml_value(x, c);
			period = feed_walk_period(v);
			free(v);
		} else if (ns == FEED_NS_SY && feed_walk_is(local,
		    "updateFrequency")) {
			v = feed_xml_value(x, c);
			freq = v != NULL ? atoi(v) : 1;
			if (freq < 1 || freq > 1000)
				freq = 1;
			free(v);
		}
	}
	if (f->ttl == 0 && period > 0)
		f->ttl = period / freq;
}

/* Sets the feed's kind and version from its root: 0, or -1 if no feed. */
int
feed_walk_root(struct feed_xml *x, const struct feed_xml_node *root)
{
	struct feed	*f = x->f;
	const char	*local, *ver;
	enum feed_xml_ns ns;

	if (f->kind != FEED_KIND_UNKNOWN)
		return 0;
	ns = feed_xml_ns(root, &local);
	if (ns == FEED_NS_CORE && (feed_walk_is(local, "rss") ||
	    feed_walk_is(local, "channel"))) {
		f->kind = FEED_KIND_RSS;
		ver = feed_xml_attr(root, "version");
		if (ver == NULL)
			f->version = xstrdup("rss");
		else if (strcmp(ver, "2.0") == 0 || strcmp(ver, "2") == 0)
			f->version = xstrdup("rss20");
		else if (strncmp(ver, "0.9", 3) == 0 && ver[3] != '\0')
			xasprintf(&f->version, "rss09%c", ver[3]);
		else
			f->version = xstrdup("rss");
	} else if (ns == FEED_NS_RDF && feed_walk_is(local, "RDF")) {
		f->kind = FEED_KIND_RDF;
		f->version = xstrdup("rss10");
	} else if (ns == FEED_NS_CORE && feed_walk_is(local, "feed")) {
		f->kind = FEED_KIND_ATOM;
		f->version = xstrdup(root->href != NULL && strcmp(root->href,
		    "http://purl.org/atom/ns#") == 0 ? "atom03" : "atom10");
	} else
		return -1;
	return 0;
}

/* Whether n, a child of a channel or feed, is an item or entry. */
bool
feed_walk_is_item(const struct feed_xml_node *n)
{
	const char	*local;

	return feed_xml_ns(n, &local) == FEED_NS_CORE &&
	    (feed_walk_is(local, "item") || feed_walk_is(local, "entry"));
}

/* Whether n, a child of the root or a channel, is a nested channel. */
bool
feed_walk_is_channel(const struct feed_xml_node *n)
{
	const char	*local;

	return feed_xml_ns(n, &local) == FEED_NS_CORE &&
	    feed_walk_is(local, "channel");
}

int
feed_walk_doc(struct feed_xml *x, struct feed_xml_node *root, char *err,
    size_t errlen)
{
	struct feed	*f = x->f;
	const char	*lang;

	if (feed_walk_root(x, root) == -1) {
		snprintf(err, errlen, "not a feed: root element <%s> is not "
		    "rss, RDF or feed", root->name);
		return -1;
	}
	feed_walk_channel(x, root, 0);
	if (f->lang == NULL && (lang = feed_xml_lang(root)) != NULL &&
	    *lang != '\0' && feed_enc_valid_utf8(lang, strlen(lang)))
		f->lang = xstrdup(lang);
	return 0;
}
