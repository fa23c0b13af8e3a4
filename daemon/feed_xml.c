/*
 * feed_xml: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through libxml2's SAX2
 * interface.  The parser is locked down before it sees a byte: no network,
 * no DTD loading, no entity substitution, an entity resolver that refuses
 * every external identifier, and libxml2's default depth and text limits
 * (never XML_PARSE_HUGE).  Declared entities are never expanded by
 * libxml2: we substitute only short internal entities whose text holds no
 * further reference, so a billion-laughs document prints "&lol9;" and an
 * XXE document prints "&xxe;".  Recover mode keeps the items of ill-formed
 * feeds, as feedparser does, and marks the feed bozo.  The callbacks build
 * a small tree of only what feed_walk.c reads, in an arena: libxml2's own
 * tree cost a malloc and a free per node and attribute, which was most of
 * the parse time.  Each item is walked as soon as it closes and its
 * memory reused, so the tree never holds more than the channel and one
 * item.  Nothing of libxml2 outlives feed_xml_parse.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/uri.h>

#include "feed_int.h"
#include "feed_xml.h"
#include "log.h"

/* Raw markup collected for one field before stripping; bounds memory. */
#define FEED_XML_MAX_RAW	(1024 * 1024)
/* Declared entities remembered per document; more are not substituted. */
#define FEED_XML_MAX_ENTS	256
/*
 * Arena blocks stay below glibc's mmap threshold (128 KiB): heap blocks
 * are reused by the next parse, fresh mmap'd ones cost a page fault per
 * 4 KiB every time (ten times the faults of the old DOM, measured).
 */
#define FEED_XML_ARENA_BLK	(64 * 1024)
#define FEED_XML_NS_XML		"http://www.w3.org/XML/1998/namespace"
/*
 * What one document may cost, whatever its content (issue 17): declared
 * entities expand to at most FEED_XML_MAX_EXPAND bytes in all (a 6 MB feed
 * referencing a 1,000-byte entity two million times asked for 2 GB); the
 * open item's tree, and everything outside items, hold at most
 * FEED_XML_MAX_ARENA bytes each (8 MB of <b/> cost 272 MB); and the byte
 * pre-scan refuses an element with more than FEED_XML_MAX_ATTRS attributes
 * (libxml2's duplicate check is quadratic) or more than FEED_XML_MAX_NODES
 * pieces of markup.  A document over any of them is refused, not cut, so
 * that the daemon backs off from it like from any failing feed.
 */
#define FEED_XML_MAX_EXPAND	(1024 * 1024)
#define FEED_XML_MAX_ARENA	(8 * 1024 * 1024)
#define FEED_XML_MAX_ATTRS	128
#define FEED_XML_MAX_NODES	1000000

struct feed_xml_blk {
	SLIST_ENTRY(feed_xml_blk) entry;	/* on arena or spare */
	size_t			 used;
	size_t			 size;
	max_align_t		 data[];
};

/* What the SAX callbacks share while one document is read. */
struct feed_xml_sax {
	xmlParserCtxt		*ctxt;
	struct feed_xml		*x;
	SLIST_HEAD(, feed_xml_blk) arena;	/* newest block first */
	SLIST_HEAD(, feed_xml_blk) spare;	/* released, for reuse */
	struct feed_xml_node	*item;		/* the open item, or NULL */
	struct feed_xml_blk	*mark_blk;	/* the arena when it opened */
	size_t			 mark_used;
	struct feed_xml_node	*root;
	struct feed_xml_node	*cur;		/* open element, or NULL */
	struct util_buf		 text;		/* pending character data */
	bool			 text_full;	/* text reached the cap */
	size_t			 text_seen;	/* bytes of it, kept or not */
	bool			 huge;		/* a text node passed libxml2's
						   limit: parsing stopped */
	xmlEntity		*ents[FEED_XML_MAX_ENTS];
	bool			 amplifies[FEED_XML_MAX_ENTS];
	size_t			 nents;
	bool			 ent_kept;	/* a reference stayed literal */
	size_t			 expanded;	/* entity text inlined so far */
	size_t			 item_bytes;	/* arena of the open item */
	size_t			 doc_bytes;	/* arena used outside items */
	char			 refused[160];	/* a bound that was blown, or
						   "" */
};

/*
 * Bump allocation: the tree is freed as a whole, a block at a time,
 * instead of a malloc and a free per node, attribute and string.
 */
static void *
feed_xml_alloc(struct feed_xml_sax *s, size_t n)
{
	struct feed_xml_blk	*b = SLIST_FIRST(&s->arena);
	size_t			 al = sizeof(max_align_t), sz;
	void			*p;

	n = (n + al - 1) / al * al;
	if (s->item != NULL)
		s->item_bytes += n;
	else
		s->doc_bytes += n;
	if (b == NULL || b->size - b->used < n) {
		if ((b = SLIST_FIRST(&s->spare)) != NULL && b->size >= n)
			SLIST_REMOVE_HEAD(&s->spare, entry);
		else {
			sz = n > FEED_XML_ARENA_BLK ? n : FEED_XML_ARENA_BLK;
			b = xmalloc(sizeof(*b) + sz);
			b->size = sz;
		}
		b->used = 0;
		SLIST_INSERT_HEAD(&s->arena, b, entry);
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static char *
feed_xml_strndup(struct feed_xml_sax *s, const char *p, size_t n)
{
	char	*d = feed_xml_alloc(s, n + 1);

	memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

/* Gives back everything allocated since the open item started. */
static void
feed_xml_release(struct feed_xml_sax *s)
{
	struct feed_xml_blk	*b;

	while ((b = SLIST_FIRST(&s->arena)) != s->mark_blk) {
		SLIST_REMOVE_HEAD(&s->arena, entry);
		SLIST_INSERT_HEAD(&s->spare, b, entry);
	}
	b->used = s->mark_used;
	s->item_bytes = 0;
}

/*
 * Stops the parse for good: the document blew one of its bounds.  Callers
 * return at once; libxml2 calls no further callback.
 */
static void
feed_xml_refuse(struct feed_xml_sax *s, const char *what, size_t limit)
{
	if (s->refused[0] == '\0')
		snprintf(s->refused, sizeof(s->refused), "document refused: "
		    "%s over %zu bytes at line %d", what, limit,
		    xmlSAX2GetLineNumber(s->ctxt));
	xmlStopParser(s->ctxt);
}

/* True when the tree may grow: refuses the document when it may not. */
static bool
feed_xml_room(struct feed_xml_sax *s)
{
	if (s->refused[0] != '\0')
		return false;
	if (s->item_bytes > FEED_XML_MAX_ARENA)
		feed_xml_refuse(s, "one item's elements and text",
		    FEED_XML_MAX_ARENA);
	else if (s->doc_bytes > FEED_XML_MAX_ARENA)
		feed_xml_refuse(s, "elements and text outside items",
		    FEED_XML_MAX_ARENA);
	return s->refused[0] == '\0';
}

static void
feed_xml_arena_free(struct feed_xml_sax *s)
{
	struct feed_xml_blk	*b;

	while ((b = SLIST_FIRST(&s->arena)) != NULL) {
		SLIST_REMOVE_HEAD(&s->arena, entry);
		free(b);
	}
	while ((b = SLIST_FIRST(&s->spare)) != NULL) {
		SLIST_REMOVE_HEAD(&s->spare, entry);
		free(b);
	}
}

static const struct {
	const char		*href;
	enum feed_xml_ns	 ns;
} feed_xml_nss[] = {
	{ "http://www.w3.org/2005/Atom", FEED_NS_CORE },
	{ "http://purl.org/atom/ns#", FEED_NS_CORE },
	{ "http://purl.org/rss/1.0/", FEED_NS_CORE },
	{ "http://my.netscape.com/rdf/simple/0.9/", FEED_NS_CORE },
	{ "http://channel.netscape.com/rdf/simple/0.9/", FEED_NS_CORE },
	{ "http://backend.userland.com/rss", FEED_NS_CORE },
	{ "http://backend.userland.com/rss2", FEED_NS_CORE },
	{ "http://blogs.law.harvard.edu/tech/rss", FEED_NS_CORE },
	{ "http://purl.org/rss/2.0/", FEED_NS_CORE },
	{ "http://purl.org/rss/1.0/modules/rss091#", FEED_NS_CORE },
	{ "http://example.com/newformat#", FEED_NS_CORE },
	{ "http://example.com/necho", FEED_NS_CORE },
	{ "http://purl.org/echo/", FEED_NS_CORE },
	{ "uri/of/echo/namespace#", FEED_NS_CORE },
	{ "http://purl.org/pie/", FEED_NS_CORE },
	{ "http://purl.org/dc/elements/1.1/", FEED_NS_DC },
	{ "http://purl.org/dc/elements/1.0/", FEED_NS_DC },
	{ "http://purl.org/dc/terms/", FEED_NS_DCTERMS },
	{ "http://purl.org/rss/1.0/modules/content/", FEED_NS_CONTENT },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", FEED_NS_RDF },
	{ "http://purl.org/rss/1.0/modules/syndication/", FEED_NS_SY },
	{ "http://www.w3.org/1999/xhtml", FEED_NS_XHTML },
};

/* Prefixes we accept even when the document forgot to declare them. */
static const struct {
	const char		*prefix;
	enum feed_xml_ns	 ns;
} feed_xml_prefixes[] = {
	{ "atom", FEED_NS_CORE }, { "dc", FEED_NS_DC },
	{ "dcterms", FEED_NS_DCTERMS }, { "content", FEED_NS_CONTENT },
	{ "rdf", FEED_NS_RDF }, { "sy", FEED_NS_SY },
	{ "xhtml", FEED_NS_XHTML },
};

enum feed_xml_ns
feed_xml_ns(const struct feed_xml_node *n, const char **local)
{
	const char	*name = n->name, *colon;
	size_t		 i, plen;

	*local = name;
	if (n->href == NULL) {
		if ((colon = strchr(name, ':')) == NULL)
			return FEED_NS_CORE;
		plen = (size_t)(colon - name);
		*local = colon + 1;
		for (i = 0; i < sizeof(feed_xml_prefixes) /
		    sizeof(feed_xml_prefixes[0]); i++)
			if (strlen(feed_xml_prefixes[i].prefix) == plen &&
			    strncmp(feed_xml_prefixes[i].prefix, name,
			    plen) == 0)
				return feed_xml_prefixes[i].ns;
		return FEED_NS_OTHER;
	}
	for (i = 0; i < sizeof(feed_xml_nss) / sizeof(feed_xml_nss[0]); i++)
		if (strcmp(feed_xml_nss[i].href, n->href) == 0)
			return feed_xml_nss[i].ns;
	return FEED_NS_OTHER;
}

/* The value of attribute name (any namespace), or NULL; not a copy. */
const char *
feed_xml_attr(const struct feed_xml_node *n, const char *name)
{
	const struct feed_xml_attr	*a;

	STAILQ_FOREACH(a, &n->attrs, entry)
		if (strcasecmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

/* The nearest xml:lang of n or its ancestors, or NULL; not a copy. */
const char *
feed_xml_lang(const struct feed_xml_node *n)
{
	for (; n != NULL; n = n->parent)
		if (n->lang != NULL)
			return n->lang;
	return NULL;
}

static void
feed_xml_escape(struct util_buf *b, const char *s, size_t n)
{
	const char	*p, *end = s + n;

	while (s < end) {
		p = s;
		while (p < end && *p != '<' && *p != '&')
			p++;
		util_buf_append(b, s, (size_t)(p - s));
		if (p == end)
			break;
		util_buf_append(b, *p == '<' ? "&lt;" : "&amp;", *p == '<' ?
		    4 : 5);
		s = p + 1;
	}
}

/*
 * A reference libxml2 could neither resolve nor drop (an undeclared name
 * in a document with an external subset).  It stays literal; HTML names
 * (&eacute; with no DTD) are decoded later by the stripper, or here for
 * plain text.
 */
static void
feed_xml_entity(const struct feed_xml_node *n, enum feed_xml_mode m,
    struct util_buf *b)
{
	char	*lit;
	size_t	 len;

	len = strlen(n->name) + 3;
	lit = xmalloc(len);
	snprintf(lit, len, "&%s;", n->name);
	if (m != FEED_XML_PLAIN || feed_text_entity(lit, len - 1, b) <= 0)
		util_buf_append(b, lit, len - 1);
	free(lit);
}

/* Appends s, but never past FEED_XML_MAX_RAW or mid-character. */
static void
feed_xml_append_capped(struct util_buf *b, const char *s, size_t n)
{
	if (b->len + n > FEED_XML_MAX_RAW)
		n = util_utf8_cut(s, n, FEED_XML_MAX_RAW - b->len);
	util_buf_append(b, s, n);
}

/* Appends the content of n's children to b for the given mode. */
static void
feed_xml_collect(const struct feed_xml_node *n, enum feed_xml_mode m,
    struct util_buf *b, int depth)
{
	const struct feed_xml_node	*c;

	if (depth > FEED_XML_MAX_DEPTH)
		return;
	STAILQ_FOREACH(c, &n->children, entry) {
		if (b->len > FEED_XML_MAX_RAW)
			return;
		switch (c->type) {
		case FEED_XML_TEXT:
			if (m == FEED_XML_MARKUP)
				feed_xml_escape(b, c->text, c->len);
			else
				feed_xml_append_capped(b, c->text, c->len);
			break;
		case FEED_XML_REF:
			feed_xml_entity(c, m, b);
			break;
		case FEED_XML_ELEMENT:
			if (m == FEED_XML_MARKUP) {
				util_buf_printf(b, "<%s>", c->name);
				feed_xml_collect(c, m, b, depth + 1);
				util_buf_printf(b, "</%s>", c->name);
			} else
				feed_xml_collect(c, m, b, depth + 1);
			break;
		}
	}
}

static bool
feed_xml_has_elements(const struct feed_xml_node *n)
{
	const struct feed_xml_node	*c;

	STAILQ_FOREACH(c, &n->children, entry)
		if (c->type == FEED_XML_ELEMENT)
			return true;
	return false;
}

/* n's only child when that is text, else NULL. */
static const struct feed_xml_node *
feed_xml_single_text(const struct feed_xml_node *n)
{
	const struct feed_xml_node	*c = STAILQ_FIRST(&n->children);

	if (c == NULL || STAILQ_NEXT(c, entry) != NULL ||
	    c->type != FEED_XML_TEXT)
		return NULL;
	return c;
}

/* Decodes base64 in place (Atom 0.3 mode="base64"); returns the length. */
static size_t
feed_xml_base64(char *s, size_t n)
{
	static const char	*al = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	uint32_t		 acc = 0;
	size_t			 i, o = 0;
	int			 bits = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '=')
			break;
		if ((p = strchr(al, s[i])) == NULL || s[i] == '\0')
			continue;
		acc = (acc << 6) | (uint32_t)(p - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			s[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

/*
 * The plain text of element n, or NULL when empty.  deftype is how the
 * element is read when it says nothing itself (RSS: HTML, Atom: text).
 */
char *
feed_xml_text(struct feed_xml *x, const struct feed_xml_node *n,
    enum feed_text_type deftype)
{
	const struct feed_xml_node	*one;
	const char			*type, *mode;
	enum feed_text_type		 tt = deftype;
	enum feed_xml_mode		 m;
	struct util_buf			 b = { 0 }, v = { 0 };
	char				*s;
	size_t				 len;
	bool				 markup = false, b64 = false;

	(void)x;
	if ((type = feed_xml_attr(n, "type")) != NULL) {
		if (strcasecmp(type, "text") == 0 ||
		    strncasecmp(type, "text/", 5) == 0)
			tt = FEED_TEXT_PLAIN;
		if (strcasecmp(type, "html") == 0 ||
		    strcasecmp(type, "text/html") == 0)
			tt = FEED_TEXT_HTML;
		if (strcasecmp(type, "xhtml") == 0 ||
		    strcasecmp(type, "application/xhtml+xml") == 0)
			markup = true;
		else if (strchr(type, '/') != NULL &&
		    strncasecmp(type, "text/", 5) != 0 &&
		    strstr(type, "xml") == NULL) {
			/* Atom: any other media type is base64 of itself. */
			b64 = true;
			tt = FEED_TEXT_PLAIN;
		}
	}
	if ((mode = feed_xml_attr(n, "mode")) != NULL) {
		if (strcasecmp(mode, "xml") == 0)
			markup = true;
		else if (strcasecmp(mode, "base64") == 0)
			b64 = true;
		else if (strcasecmp(mode, "escaped") == 0 && type == NULL)
			tt = FEED_TEXT_HTML;
	}
	if (feed_xml_has_elements(n))
		markup = true;
	if (!markup && !b64 && (one = feed_xml_single_text(n)) != NULL)
		/* The common case: one text node, no copy needed. */
		return feed_text_plain(one->text, one->len < FEED_XML_MAX_RAW ?
		    one->len : FEED_XML_MAX_RAW, tt);
	if (markup) {
		m = FEED_XML_MARKUP;
		tt = FEED_TEXT_HTML;
	} else
		m = tt == FEED_TEXT_HTML ? FEED_XML_HTML : FEED_XML_PLAIN;
	feed_xml_collect(n, m, &b, 0);
	if (b.len == 0) {
		util_buf_free(&b);
		return NULL;
	}
	len = b.len;
	if (b64) {
		/* Text that does not decode to UTF-8 was never base64. */
		util_buf_append(&v, b.data, b.len);
		len = feed_xml_base64(v.data, v.len);
		if (len > 0 && feed_enc_valid_utf8(v.data, len)) {
			util_buf_free(&b);
			b = v;
			v.data = NULL;
		} else
			len = b.len;
		util_buf_free(&v);
	}
	s = feed_text_plain(b.data, len, tt);
	util_buf_free(&b);
	return s;
}

/* The trimmed, whitespace-collapsed text of n (ids, links, dates). */
char *
feed_xml_value(struct feed_xml *x, const struct feed_xml_node *n)
{
	const struct feed_xml_node	*one;
	struct util_buf			 b = { 0 }, c = { 0 };

	(void)x;
	/* At most FEED_MAX_FIELD bytes, never cut inside a character. */
	if ((one = feed_xml_single_text(n)) != NULL)
		feed_text_collapse(&c, one->text,
		    util_utf8_cut(one->text, one->len, FEED_MAX_FIELD));
	else {
		feed_xml_collect(n, FEED_XML_PLAIN, &b, 0);
		if (b.len > 0)
			feed_text_collapse(&c, b.data,
			    util_utf8_cut(b.data, b.len, FEED_MAX_FIELD));
		util_buf_free(&b);
	}
	if (c.len == 0) {
		util_buf_free(&c);
		return NULL;
	}
	return c.data;
}

/*
 * The base URI in effect at n, as libxml2's xmlNodeGetBase computes it:
 * xml:base values from n upwards, each resolved against the next, until
 * one is absolute, then the document URL.  A new string or NULL.
 */
static char *
feed_xml_base(struct feed_xml *x, const struct feed_xml_node *n)
{
	xmlChar	*old = NULL, *nb;

	for (; n != NULL; n = n->parent) {
		if (n->base == NULL)
			continue;
		if (old == NULL)
			old = xmlStrdup((const xmlChar *)n->base);
		else {
			nb = xmlBuildURI(old, (const xmlChar *)n->base);
			xmlFree(old);
			if ((old = nb) == NULL)
				return NULL;
		}
		if (xmlStrncmp(old, (const xmlChar *)"http://", 7) == 0 ||
		    xmlStrncmp(old, (const xmlChar *)"ftp://", 6) == 0 ||
		    xmlStrncmp(old, (const xmlChar *)"urn:", 4) == 0)
			break;
	}
	if (n == NULL && x->base_url != NULL) {
		if (old == NULL)
			return xstrdup(x->base_url);
		nb = xmlBuildURI(old, (const xmlChar *)x->base_url);
		xmlFree(old);
		old = nb;
	}
	if (old == NULL)
		return NULL;
	nb = (xmlChar *)xstrdup((const char *)old);
	xmlFree(old);
	return (char *)nb;
}

/* Resolves a link found at n against xml:base and the document URL. */
char *
feed_xml_link(struct feed_xml *x, const struct feed_xml_node *n,
    const char *ref)
{
	char	*base, *s;

	if (ref == NULL)
		return NULL;
	if (strchr(ref, ':') != NULL && strcspn(ref, ":") <
	    strcspn(ref, "/?#"))
		return xstrdup(ref);
	base = feed_xml_base(x, n);
	s = feed_resolve(base, ref);
	free(base);
	return s;
}

static bool
feed_xml_predefined(const char *name, size_t n)
{
	return (n == 2 && (memcmp(name, "lt", 2) == 0 ||
	    memcmp(name, "gt", 2) == 0)) || (n == 3 &&
	    memcmp(name, "amp", 3) == 0) || (n == 4 &&
	    (memcmp(name, "quot", 4) == 0 || memcmp(name, "apos", 4) == 0));
}

/*
 * Copies p up to the end of the CDATA section *cd or comment *cm, which
 * ever comes first, to b; looks for the next one of that kind behind it.
 * Returns where the copy stopped, or NULL when the section never ends.
 */
static const char *
feed_xml_skip_section(struct util_buf *b, const char *p, const char *end,
    const char **cd, const char **cm)
{
	const char	*q;

	if (*cd != NULL && (*cm == NULL || *cd < *cm))
		q = memmem(*cd, (size_t)(end - *cd), "]]>", 3);
	else
		q = memmem(*cm + 4, (size_t)(end - *cm - 4), "-->", 3);
	if (q == NULL)
		return NULL;
	util_buf_append(b, p, (size_t)(q + 3 - p));
	p = q + 3;
	/*
	 * Search again only for what lies behind us: a NULL stays NULL,
	 * else a feed of many CDATA sections and no comment rescans to its
	 * end every time.
	 */
	if (*cd != NULL && *cd < p)
		*cd = memmem(p, (size_t)(end - p), "<![CDATA[", 9);
	if (*cm != NULL && *cm < p)
		*cm = memmem(p, (size_t)(end - p), "<!--", 4);
	return p;
}

/*
 * Appends the reference at amp (before end) to b as XML reads it: "&#X"
 * lowered, an HTML name as a character reference, anything else as
 * "&amp;".  Returns where the text after it starts; sets *changed when
 * it rewrote something, and *found when that was not XML at all.
 */
static const char *
feed_xml_html_ref(struct util_buf *b, const char *amp, const char *end,
    bool *changed, bool *found)
{
	const htmlEntityDesc	*e;
	const char		*q = amp + 1;
	char			 name[33];
	size_t			 n;

	if (q < end && *q == '#' && q + 1 < end && q[1] == 'X') {
		/* &#X41; is HTML, not XML: lower the x. */
		util_buf_append(b, "&#x", 3);
		*changed = true;
		return q + 2;
	}
	if (q < end && *q == '#') {
		util_buf_append(b, "&", 1);
		return q;
	}
	while (q < end && q - amp <= 32 && isalnum((unsigned char)*q))
		q++;
	n = (size_t)(q - amp - 1);
	if (q < end && *q == ';' && n > 0 && n <= 32 &&
	    feed_xml_predefined(amp + 1, n)) {
		util_buf_append(b, amp, n + 2);
		return q + 1;
	}
	*found = *changed = true;
	if (q >= end || *q != ';' || n == 0 || n > 32) {
		/* A bare ampersand, as in unescaped URLs. */
		util_buf_append(b, "&amp;", 5);
		return amp + 1;
	}
	memcpy(name, amp + 1, n);
	name[n] = '\0';
	if ((e = htmlEntityLookup((const xmlChar *)name)) != NULL)
		util_buf_printf(b, "&#%u;", e->value);
	else {
		/* Unknown: keep it as the literal text it was. */
		util_buf_append(b, "&amp;", 5);
		util_buf_append(b, amp + 1, n + 1);
	}
	return q + 1;
}

/*
 * feedparser reads HTML entities (&eacute;) that no DTD declares and bare
 * ampersands (unescaped URLs); libxml2 drops both.  Rewrite them before
 * parsing: HTML names as character references, anything else as "&amp;".
 * A document that declares its own entities is left alone.  Returns a
 * new buffer (*found set), or NULL when nothing needed rewriting.
 */
static char *
feed_xml_html_entities(const char *buf, size_t len, size_t *outlen,
    bool *found)
{
	struct util_buf		 b = { 0 };
	const char		*p = buf, *end = buf + len, *amp, *q;
	const char		*cd, *cm;
	bool			 changed = false;

	/* Most feeds have no ampersand at all: one fast scan decides. */
	if ((amp = memchr(buf, '&', len)) == NULL ||
	    memmem(buf, len, "<!ENTITY", 8) != NULL)
		return NULL;
	cd = memmem(buf, len, "<![CDATA[", 9);
	cm = memmem(buf, len, "<!--", 4);
	while ((amp = memchr(p, '&', (size_t)(end - p))) != NULL) {
		if ((cd != NULL && cd < amp) || (cm != NULL && cm < amp)) {
			/* CDATA and comments are not markup: skip them. */
			if ((q = feed_xml_skip_section(&b, p, end, &cd,
			    &cm)) == NULL)
				break;
			p = q;
			continue;
		}
		util_buf_append(&b, p, (size_t)(amp - p));
		p = feed_xml_html_ref(&b, amp, end, &changed, found);
	}
	if (!changed) {
		util_buf_free(&b);
		return NULL;
	}
	util_buf_append(&b, p, (size_t)(end - p));
	*outlen = b.len;
	return b.data;
}

/* Like feed_xml_link, but takes ref and may hand it back (no copy). */
char *
feed_xml_link_take(struct feed_xml *x, const struct feed_xml_node *n,
    char *ref)
{
	char	*s;

	if (ref == NULL)
		return NULL;
	if (strchr(ref, ':') != NULL && strcspn(ref, ":") <
	    strcspn(ref, "/?#"))
		return ref;
	s = feed_xml_link(x, n, ref);
	free(ref);
	return s;
}

/* The date in n as UTC seconds, or FEED_TIME_NONE. */
int64_t
feed_xml_date(struct feed_xml *x, const struct feed_xml_node *n)
{
	const struct feed_xml_node	*one;
	char				*v;
	int64_t				 t;

	/* One text node is already a NUL-terminated string. */
	if ((one = feed_xml_single_text(n)) != NULL && one->len < 256)
		return feed_date_parse(one->text);
	v = feed_xml_value(x, n);
	t = feed_date_parse(v);
	free(v);
	return t;
}

/* Turns the pending character data into a text node of the open element. */
/* A new node in the arena, no children, no attributes. */
static struct feed_xml_node *
feed_xml_node_new(struct feed_xml_sax *s, enum feed_xml_type type)
{
	struct feed_xml_node	*n = feed_xml_alloc(s, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = type;
	STAILQ_INIT(&n->children);
	STAILQ_INIT(&n->attrs);
	return n;
}

static void
feed_xml_flush(struct feed_xml_sax *s)
{
	struct feed_xml_node	*t;

	s->text_seen = 0;
	if (s->text.len == 0)
		return;
	if (s->cur != NULL && feed_xml_room(s)) {
		t = feed_xml_node_new(s, FEED_XML_TEXT);
		t->text = feed_xml_strndup(s, s->text.data, s->text.len);
		t->len = s->text.len;
		t->parent = s->cur;
		STAILQ_INSERT_TAIL(&s->cur->children, t, entry);
	}
	util_buf_reset(&s->text);
	s->text_full = false;
}

static void
feed_xml_add(struct feed_xml_sax *s, struct feed_xml_node *n)
{
	n->parent = s->cur;
	if (s->cur == NULL) {
		/* libxml2 reports one root; anything after it is ignored. */
		if (s->root == NULL)
			s->root = n;
		return;
	}
	STAILQ_INSERT_TAIL(&s->cur->children, n, entry);
}

/*
 * A SAX2 attribute value, decoded the way libxml2's tree would hold it:
 * the parser has already replaced character references except "&" (kept
 * as "&#38;"), and leaves a declared entity's reference in place, where
 * the tree would start an entity node, so the text stops there.
 */
static char *
feed_xml_attr_value(struct feed_xml_sax *s, const char *v, const char *end)
{
	char	*d, *o;

	if (memchr(v, '&', (size_t)(end - v)) == NULL)
		return feed_xml_strndup(s, v, (size_t)(end - v));
	d = o = feed_xml_alloc(s, (size_t)(end - v) + 1);
	while (v < end) {
		if (*v != '&')
			*o++ = *v++;
		else if (end - v >= 5 && memcmp(v, "&#38;", 5) == 0) {
			*o++ = '&';
			v += 5;
		} else
			break;
	}
	*o = '\0';
	return d;
}

static void
feed_xml_start_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attrs)
{
	struct feed_xml_sax	*s = ctx;
	struct feed_xml_node	*n;
	struct feed_xml_attr	*a;
	const char		*name, *val;
	int			 i;

	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_defaulted;
	feed_xml_flush(s);
	if (!feed_xml_room(s))
		return;
	n = feed_xml_node_new(s, FEED_XML_ELEMENT);
	n->href = (const char *)uri;
	/* An undeclared prefix stays in the name, as in libxml2's tree. */
	if (uri == NULL && prefix != NULL)
		n->name = (const char *)xmlDictQLookup(s->ctxt->dict, prefix,
		    localname);
	else
		n->name = (const char *)localname;
	if (n->name == NULL)
		n->name = (const char *)localname;
	for (i = 0; i < nb_attributes; i++, attrs += 5) {
		name = (const char *)attrs[0];
		if (attrs[1] != NULL && attrs[2] == NULL &&
		    (name = (const char *)xmlDictQLookup(s->ctxt->dict,
		    attrs[1], attrs[0])) == NULL)
			name = (const char *)attrs[0];
		val = feed_xml_attr_value(s, (const char *)attrs[3],
		    (const char *)attrs[4]);
		if (attrs[2] != NULL && strcmp((const char *)attrs[2],
		    FEED_XML_NS_XML) == 0) {
			if (strcmp((const char *)attrs[0], "base") == 0)
				n->base = val;
			else if (strcmp((const char *)attrs[0], "lang") == 0)
				n->lang = val;
		}
		a = feed_xml_alloc(s, sizeof(*a));
		a->name = name;
		a->value = val;
		STAILQ_INSERT_TAIL(&n->attrs, a, entry);
	}
	feed_xml_add(s, n);
	s->cur = n;
	/*
	 * Mark what feed_walk.c will read as a channel, and where an item
	 * starts: a closed item is walked at once and its memory reused,
	 * so a 10,000-item feed never holds more than one item's tree.
	 */
	if (n->parent == NULL) {
		if (n == s->root && feed_walk_root(s->x, n) == 0)
			n->container = 1;
	} else if (n->parent->container > 0) {
		if (n->parent->container < 3 && feed_walk_is_channel(n))
			n->container = n->parent->container + 1;
		else if (s->item == NULL && feed_walk_is_item(n)) {
			s->item = n;
			s->mark_blk = SLIST_FIRST(&s->arena);
			s->mark_used = s->mark_blk->used;
		}
	}
}

static void
feed_xml_end_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct feed_xml_sax	*s = ctx;
	struct feed_xml_node	*n = s->cur;

	(void)localname;
	(void)prefix;
	(void)uri;
	feed_xml_flush(s);
	if (n == NULL)
		return;
	s->cur = n->parent;
	if (n == s->item) {
		feed_walk_item(s->x, n);
		n->done = true;
		STAILQ_INIT(&n->children);
		feed_xml_release(s);
		s->item = NULL;
	}
}

/* Character data and CDATA alike; capped, since only the cap is read. */
static void
feed_xml_chars_cb(void *ctx, const xmlChar *ch, int len)
{
	struct feed_xml_sax	*s = ctx;
	size_t			 n = (size_t)len;

	if (s->cur == NULL || len <= 0)
		return;
	/*
	 * libxml2's tree refuses a text node over XML_MAX_TEXT_LENGTH
	 * unless HUGE; a document that long is refused the same way here.
	 */
	if ((s->text_seen += n) > XML_MAX_TEXT_LENGTH) {
		s->huge = true;
		xmlStopParser(s->ctxt);
		return;
	}
	/* The walk never reads text between a channel's elements. */
	if (s->text_full || s->cur->container > 0)
		return;
	if (s->text.len + n > FEED_XML_MAX_RAW) {
		n = util_utf8_cut((const char *)ch, n,
		    FEED_XML_MAX_RAW - s->text.len);
		s->text_full = true;
	}
	util_buf_append(&s->text, ch, n);
}

static void
feed_xml_ref_cb(void *ctx, const xmlChar *name)
{
	struct feed_xml_sax	*s = ctx;
	struct feed_xml_node	*n;

	if (s->cur == NULL)
		return;
	feed_xml_flush(s);
	if (!feed_xml_room(s))
		return;
	n = feed_xml_node_new(s, FEED_XML_REF);
	n->name = feed_xml_strndup(s, (const char *)name,
	    strlen((const char *)name));
	feed_xml_add(s, n);
}

/*
 * Remembers a declared general entity as a stand-in libxml2 inlines like
 * a predefined one, so it never parses (and so never expands) its text:
 * a short internal entity without references or markup becomes its text,
 * anything else (nested, long, external) the literal "&name;".
 */
static void
feed_xml_entity_decl_cb(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicid, const xmlChar *systemid, xmlChar *content)
{
	struct feed_xml_sax	*s = ctx;
	xmlEntity		*e;
	const char		*c = (const char *)content;
	size_t			 i, n;

	if (type == XML_INTERNAL_PARAMETER_ENTITY ||
	    type == XML_EXTERNAL_PARAMETER_ENTITY) {
		/* libxml2 keeps these itself and never loads external ones. */
		if (s->ctxt->myDoc != NULL)
			xmlSAX2EntityDecl(s->ctxt, name, type, publicid,
			    systemid, content);
		return;
	}
	if (type != XML_INTERNAL_GENERAL_ENTITY &&
	    type != XML_EXTERNAL_GENERAL_PARSED_ENTITY &&
	    type != XML_EXTERNAL_GENERAL_UNPARSED_ENTITY)
		return;
	for (i = 0; i < s->nents; i++)
		if (strcmp((const char *)s->ents[i]->name,
		    (const char *)name) == 0)
			return;		/* the first declaration wins */
	if (s->nents >= FEED_XML_MAX_ENTS)
		return;
	e = feed_xml_alloc(s, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->type = XML_ENTITY_DECL;
	e->etype = XML_INTERNAL_PREDEFINED_ENTITY;
	e->name = (const xmlChar *)feed_xml_strndup(s, (const char *)name,
	    strlen((const char *)name));
	if (type == XML_INTERNAL_GENERAL_ENTITY && c != NULL &&
	    (n = strlen(c)) < 1024 && strpbrk(c, "&<%") == NULL) {
		e->content = (xmlChar *)feed_xml_strndup(s, c, n);
		e->length = (int)n;
	} else {
		n = strlen((const char *)name) + 2;
		e->content = feed_xml_alloc(s, n + 1);
		snprintf((char *)e->content, n + 1, "&%s;", name);
		e->length = (int)n;
		/* Nested references are how amplification attacks look. */
		s->amplifies[s->nents] = type == XML_INTERNAL_GENERAL_ENTITY &&
		    c != NULL && strchr(c, '&') != NULL;
	}
	s->ents[s->nents++] = e;
}

static xmlEntity *
feed_xml_get_entity_cb(void *ctx, const xmlChar *name)
{
	struct feed_xml_sax	*s = ctx;
	xmlEntity		*e;
	size_t			 i;

	if ((e = xmlGetPredefinedEntity(name)) != NULL)
		return e;
	for (i = 0; i < s->nents; i++)
		if (strcmp((const char *)s->ents[i]->name,
		    (const char *)name) == 0) {
			if (s->amplifies[i])
				s->ent_kept = true;
			/* Every reference inlines the text once more. */
			if ((s->expanded += (size_t)s->ents[i]->length) >
			    FEED_XML_MAX_EXPAND)
				feed_xml_refuse(s, "entity expansion",
				    FEED_XML_MAX_EXPAND);
			return s->ents[i];
		}
	return NULL;
}

/*
 * The DOCTYPE: a bare document holds the internal subset, so parameter
 * entities are declared (and references to them checked) as before.
 */
static void
feed_xml_subset_cb(void *ctx, const xmlChar *name, const xmlChar *publicid,
    const xmlChar *systemid)
{
	struct feed_xml_sax	*s = ctx;

	if (s->ctxt->myDoc == NULL &&
	    (s->ctxt->myDoc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		fatalx("feed_xml_subset_cb: out of memory");
	xmlSAX2InternalSubset(s->ctxt, name, publicid, systemid);
}

static xmlEntity *
feed_xml_get_pe_cb(void *ctx, const xmlChar *name)
{
	struct feed_xml_sax	*s = ctx;

	if (s->ctxt->myDoc == NULL)
		return NULL;
	return xmlSAX2GetParameterEntity(s->ctxt, name);
}

/* Refuses every external entity, DTD and parameter entity. */
static xmlParserInputPtr
feed_xml_resolve_cb(void *ctx, const xmlChar *publicid,
    const xmlChar *systemid)
{
	(void)ctx;
	(void)publicid;
	(void)systemid;
	return NULL;
}

/*
 * The bytes libxml2 will read: buf with HTML entities replaced (*fixed,
 * the caller frees, when there were any: *html_ents), or buf itself.
 * Returns -1 with err filled for a document that is empty or over the
 * markup bounds.
 */
static int
feed_xml_prepare(const char **buf, size_t *len, char **fixed,
    bool *html_ents, char *err, size_t errlen)
{
	char	 why[160];
	size_t	 flen;

	if ((*fixed = feed_xml_html_entities(*buf, *len, &flen,
	    html_ents)) != NULL) {
		*buf = *fixed;
		*len = flen;
	}
	if (*len == 0) {
		/* Decoding can leave nothing (a lone BOM); libxml2 refuses. */
		snprintf(err, errlen, "malformed XML at line 1: Document is "
		    "empty");
		return -1;
	}
	if (util_markup_check(*buf, *len, FEED_XML_MAX_ATTRS,
	    FEED_XML_MAX_NODES, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "document refused: %s", why);
		return -1;
	}
	return 0;
}

/* Points ctxt's own SAX handler (a copy: nothing global) at ours. */
static void
feed_xml_sax_init(xmlParserCtxt *ctxt, struct feed_xml_sax *s)
{
	xmlSAXHandler	*h = ctxt->sax;

	memset(h, 0, sizeof(*h));
	h->initialized = XML_SAX2_MAGIC;
	h->startElementNs = feed_xml_start_cb;
	h->endElementNs = feed_xml_end_cb;
	h->characters = feed_xml_chars_cb;
	h->ignorableWhitespace = feed_xml_chars_cb;
	h->cdataBlock = feed_xml_chars_cb;
	h->reference = feed_xml_ref_cb;
	h->entityDecl = feed_xml_entity_decl_cb;
	h->getEntity = feed_xml_get_entity_cb;
	h->internalSubset = feed_xml_subset_cb;
	h->getParameterEntity = feed_xml_get_pe_cb;
	h->resolveEntity = feed_xml_resolve_cb;
	ctxt->userData = s;
	/*
	 * The text is UTF-8 already (feed_enc.c): IGNORE_ENC keeps libxml2
	 * from converting it again in chunks as the declaration asks.
	 */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_RECOVER |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
}

/* Frees what one parse held: the tree, the stand-ins, the context. */
static void
feed_xml_sax_free(struct feed_xml_sax *s)
{
	size_t	 i;

	/* libxml2 hands each declaration's source text to our stand-in. */
	for (i = 0; i < s->nents; i++)
		xmlFree(s->ents[i]->orig);
	util_buf_free(&s->text);
	feed_xml_arena_free(s);
	xmlFreeDoc(s->ctxt->myDoc);
	xmlFreeParserCtxt(s->ctxt);
}

struct feed *
feed_xml_parse(const char *buf, size_t len, const char *base_url, char *err,
    size_t errlen)
{
	struct feed_xml_sax	 s;
	struct feed_xml		 x;
	xmlParserCtxt		*ctxt;
	const xmlError		*e;
	struct feed		*f = NULL;
	xmlChar			*url = NULL;
	char			*fixed;
	bool			 html_ents = false;

	if (len > INT32_MAX) {
		snprintf(err, errlen, "document too large");
		return NULL;
	}
	if (feed_xml_prepare(&buf, &len, &fixed, &html_ents, err,
	    errlen) == -1) {
		free(fixed);
		return NULL;
	}
	if ((ctxt = xmlCreateMemoryParserCtxt(buf, (int)len)) == NULL)
		fatalx("feed_xml_parse: out of memory");
	memset(&s, 0, sizeof(s));
	s.ctxt = ctxt;
	f = xcalloc(1, sizeof(*f));
	x.f = f;
	/* libxml2 made the URL of a document this way: keep its bases. */
	if (base_url != NULL)
		url = xmlPathToURI((const xmlChar *)base_url);
	x.base_url = (const char *)url;
	s.x = &x;
	feed_xml_sax_init(ctxt, &s);
	(void)xmlParseDocument(ctxt);
	feed_xml_flush(&s);
	free(fixed);
	e = &ctxt->lastError;
	if (s.refused[0] != '\0') {
		util_strlcpy(err, s.refused, errlen);
		feed_free(f);
		f = NULL;
		goto done;
	}
	if (s.root == NULL) {
		snprintf(err, errlen, "malformed XML at line %d: %s", e->line,
		    e->message != NULL ? e->message : "no root element");
		err[strcspn(err, "\n")] = '\0';
		feed_free(f);
		f = NULL;
		goto done;
	}
	if (!ctxt->wellFormed) {
		f->bozo = true;
		f->parse = FEED_PARSE_MALFORMED;
		xasprintf(&f->bozo_reason, "malformed XML at line %d: %s",
		    e->line, e->message != NULL ? e->message : "?");
		f->bozo_reason[strcspn(f->bozo_reason, "\n")] = '\0';
	}
	if (s.huge) {
		free(f->bozo_reason);
		f->bozo = true;
		f->parse = FEED_PARSE_MALFORMED;
		xasprintf(&f->bozo_reason, "malformed XML at line %d: text "
		    "node longer than %d bytes", e->line, XML_MAX_TEXT_LENGTH);
	}
	if (html_ents && !f->bozo) {
		/* Not XML, even though we could read it. */
		f->bozo = true;
		f->parse = FEED_PARSE_RECOVERED;
		f->bozo_reason = xstrdup("undeclared entity or bare '&'");
	}
	if (s.ent_kept && !f->bozo) {
		f->bozo = true;
		f->parse = FEED_PARSE_RECOVERED;
		f->bozo_reason = xstrdup("entity reference left unexpanded");
	}
	if (feed_walk_doc(&x, s.root, err, errlen) == -1) {
		feed_free(f);
		f = NULL;
	}
done:
	feed_xml_sax_free(&s);
	xmlFree(url);
	return f;
}
