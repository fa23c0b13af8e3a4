/*
 * feed_xml: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through libxml2.  The parser
 * is locked down before it sees a byte: no network, no DTD loading, no
 * entity substitution, an entity resolver that refuses every external
 * identifier, and libxml2's default depth and text-node limits (never
 * XML_PARSE_HUGE).  References to declared entities are therefore never
 * expanded by libxml2; we substitute only short internal entities whose
 * text holds no further reference, so a billion-laughs document prints
 * "&lol9;" and an XXE document prints "&xxe;".  Recover mode keeps the
 * items of ill-formed feeds, as feedparser does, and marks the feed bozo.
 * Element handling follows feedparser (feed_walk.c); this file owns the
 * libxml2 document and frees it before returning.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "feed_int.h"
#include "feed_xml.h"
#include "log.h"

/* Raw markup collected for one field before stripping; bounds memory. */
#define FEED_XML_MAX_RAW	(1024 * 1024)

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
feed_xml_ns(const xmlNode *n, const char **local)
{
	const char	*name = (const char *)n->name, *colon;
	size_t		 i, plen;

	*local = name;
	if (n->ns == NULL || n->ns->href == NULL) {
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
		if (strcmp(feed_xml_nss[i].href, (const char *)n->ns->href) ==
		    0)
			return feed_xml_nss[i].ns;
	return FEED_NS_OTHER;
}

/* The value of attribute name (any namespace), or NULL; not a copy. */
const char *
feed_xml_attr(const xmlNode *n, const char *name)
{
	const xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->name != NULL && strcasecmp((const char *)a->name,
		    name) == 0 && a->children != NULL &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

static void
feed_xml_escape(struct util_buf *b, const char *s)
{
	const char	*p;

	while (*s != '\0') {
		p = s + strcspn(s, "<&");
		util_buf_append(b, s, (size_t)(p - s));
		if (*p == '\0')
			break;
		util_buf_append(b, *p == '<' ? "&lt;" : "&amp;", *p == '<' ?
		    4 : 5);
		s = p + 1;
	}
}

/*
 * An entity reference libxml2 left in the tree.  Only an internal entity
 * whose text is short and holds no markup or reference is substituted;
 * anything else stays literal, which is what bounds expansion.  HTML
 * names (&eacute; with no DTD) are decoded later by the stripper, or here
 * for plain text.
 */
static void
feed_xml_entity(struct feed_xml *x, const xmlNode *n, enum feed_xml_mode m,
    struct util_buf *b)
{
	xmlEntity	*e;
	char		*lit;
	size_t		 len;

	e = xmlGetDocEntity(x->doc, n->name);
	if (e != NULL && e->etype == XML_INTERNAL_GENERAL_ENTITY &&
	    e->content != NULL && e->length < 1024 &&
	    strpbrk((const char *)e->content, "&<%") == NULL) {
		util_buf_append(b, e->content, (size_t)e->length);
		return;
	}
	len = strlen((const char *)n->name) + 3;
	lit = xmalloc(len);
	snprintf(lit, len, "&%s;", (const char *)n->name);
	if (m != FEED_XML_PLAIN || feed_text_entity(lit, len - 1, b) <= 0)
		util_buf_append(b, lit, len - 1);
	free(lit);
}

/* Appends s, but never past FEED_XML_MAX_RAW or mid-character. */
static void
feed_xml_append_capped(struct util_buf *b, const char *s)
{
	size_t	 n = strlen(s);

	if (b->len + n > FEED_XML_MAX_RAW) {
		n = FEED_XML_MAX_RAW - b->len;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	util_buf_append(b, s, n);
}

/* Appends the content of n's children to b for the given mode. */
static void
feed_xml_collect(struct feed_xml *x, const xmlNode *n, enum feed_xml_mode m,
    struct util_buf *b, int depth)
{
	const xmlNode	*c;

	if (depth > FEED_XML_MAX_DEPTH)
		return;
	for (c = n->children; c != NULL; c = c->next) {
		if (b->len > FEED_XML_MAX_RAW)
			return;
		switch (c->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (c->content == NULL)
				break;
			if (m == FEED_XML_MARKUP)
				feed_xml_escape(b, (const char *)c->content);
			else
				feed_xml_append_capped(b,
				    (const char *)c->content);
			break;
		case XML_ENTITY_REF_NODE:
			feed_xml_entity(x, c, m, b);
			break;
		case XML_ELEMENT_NODE:
			if (m == FEED_XML_MARKUP) {
				util_buf_printf(b, "<%s>", c->name);
				feed_xml_collect(x, c, m, b, depth + 1);
				util_buf_printf(b, "</%s>", c->name);
			} else
				feed_xml_collect(x, c, m, b, depth + 1);
			break;
		default:
			break;
		}
	}
}

static bool
feed_xml_has_elements(const xmlNode *n)
{
	const xmlNode	*c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* The content of n's only child when that is text, else NULL. */
static const char *
feed_xml_single_text(const xmlNode *n)
{
	const xmlNode	*c = n->children;

	if (c == NULL || c->next != NULL || (c->type != XML_TEXT_NODE &&
	    c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
		return NULL;
	return (const char *)c->content;
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
feed_xml_text(struct feed_xml *x, const xmlNode *n,
    enum feed_text_type deftype)
{
	const char		*type, *mode;
	enum feed_text_type	 tt = deftype;
	enum feed_xml_mode	 m;
	struct util_buf		 b = { 0 }, v = { 0 };
	const char		*one;
	char			*s;
	size_t			 len;
	bool			 markup = false, b64 = false;

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
		return feed_text_plain(one, strnlen(one, FEED_XML_MAX_RAW),
		    tt);
	if (markup) {
		m = FEED_XML_MARKUP;
		tt = FEED_TEXT_HTML;
	} else
		m = tt == FEED_TEXT_HTML ? FEED_XML_HTML : FEED_XML_PLAIN;
	feed_xml_collect(x, n, m, &b, 0);
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
feed_xml_value(struct feed_xml *x, const xmlNode *n)
{
	struct util_buf	 b = { 0 }, c = { 0 };
	const char	*one;

	if ((one = feed_xml_single_text(n)) != NULL)
		feed_text_collapse(&c, one, strnlen(one, FEED_MAX_FIELD));
	else {
		feed_xml_collect(x, n, FEED_XML_PLAIN, &b, 0);
		if (b.len > 0)
			feed_text_collapse(&c, b.data, b.len < FEED_MAX_FIELD ?
			    b.len : FEED_MAX_FIELD);
		util_buf_free(&b);
	}
	if (c.len == 0) {
		util_buf_free(&c);
		return NULL;
	}
	/* Do not cut a UTF-8 sequence in half at the cap. */
	while (c.len > 0 && c.len >= FEED_MAX_FIELD &&
	    ((unsigned char)c.data[c.len - 1] & 0xc0) == 0x80)
		c.data[--c.len] = '\0';
	return c.data;
}

/* Resolves a link found at n against xml:base and the document URL. */
char *
feed_xml_link(struct feed_xml *x, const xmlNode *n, const char *ref)
{
	xmlChar	*base;
	char	*s;

	if (ref == NULL)
		return NULL;
	if (strchr(ref, ':') != NULL && strcspn(ref, ":") <
	    strcspn(ref, "/?#"))
		return xstrdup(ref);
	base = xmlNodeGetBase(x->doc, n);
	s = feed_resolve((const char *)base, ref);
	xmlFree(base);
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
	const htmlEntityDesc	*e;
	struct util_buf		 b = { 0 };
	const char		*p = buf, *end = buf + len, *amp, *q, *cd, *cm;
	char			 name[33];
	size_t			 n;
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
			if (cd != NULL && cd < amp && (cm == NULL || cd < cm))
				q = memmem(cd, (size_t)(end - cd), "]]>", 3);
			else
				q = memmem(cm + 4, (size_t)(end - cm - 4),
				    "-->", 3);
			if (q == NULL)
				break;
			util_buf_append(&b, p, (size_t)(q + 3 - p));
			p = q + 3;
			cd = memmem(p, (size_t)(end - p), "<![CDATA[", 9);
			cm = memmem(p, (size_t)(end - p), "<!--", 4);
			continue;
		}
		q = amp + 1;
		if (q < end && *q == '#' && q + 1 < end && q[1] == 'X') {
			/* &#X41; is HTML, not XML: lower the x. */
			util_buf_append(&b, p, (size_t)(q + 1 - p));
			util_buf_append(&b, "x", 1);
			p = q + 2;
			changed = true;
			continue;
		}
		if (q < end && *q == '#') {
			util_buf_append(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		while (q < end && q - amp <= 32 &&
		    isalnum((unsigned char)*q))
			q++;
		n = (size_t)(q - amp - 1);
		util_buf_append(&b, p, (size_t)(amp - p));
		if (q < end && *q == ';' && n > 0 && n <= 32 &&
		    feed_xml_predefined(amp + 1, n)) {
			util_buf_append(&b, amp, n + 2);
			p = q + 1;
			continue;
		}
		*found = changed = true;
		if (q >= end || *q != ';' || n == 0 || n > 32) {
			/* A bare ampersand, as in unescaped URLs. */
			util_buf_append(&b, "&amp;", 5);
			p = amp + 1;
			continue;
		}
		memcpy(name, amp + 1, n);
		name[n] = '\0';
		if ((e = htmlEntityLookup((const xmlChar *)name)) != NULL)
			util_buf_printf(&b, "&#%u;", e->value);
		else {
			/* Unknown: keep it as the literal text it was. */
			util_buf_append(&b, "&amp;", 5);
			util_buf_append(&b, amp + 1, n + 1);
		}
		p = q + 1;
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
feed_xml_link_take(struct feed_xml *x, const xmlNode *n, char *ref)
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
feed_xml_date(struct feed_xml *x, const xmlNode *n)
{
	const char	*one;
	char		*v;
	int64_t		 t;

	/* One text node is already a NUL-terminated string. */
	if ((one = feed_xml_single_text(n)) != NULL &&
	    strnlen(one, 256) < 256)
		return feed_date_parse(one);
	v = feed_xml_value(x, n);
	t = feed_date_parse(v);
	free(v);
	return t;
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

struct feed *
feed_xml_parse(const char *buf, size_t len, const char *base_url, char *err,
    size_t errlen)
{
	struct feed_xml		 x;
	xmlParserCtxt		*ctxt;
	const xmlError		*e;
	struct feed		*f;
	char			*fixed;
	size_t			 flen;
	bool			 html_ents = false;
	int			 opts;

	if (len > INT32_MAX) {
		snprintf(err, errlen, "document too large");
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatalx("feed_xml_parse: out of memory");
	/* ctxt->sax is this context's own copy: no global state touched. */
	ctxt->sax->resolveEntity = feed_xml_resolve_cb;
	ctxt->sax->externalSubset = NULL;
	opts = XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT;
	if ((fixed = feed_xml_html_entities(buf, len, &flen,
	    &html_ents)) != NULL) {
		buf = fixed;
		len = flen;
	}
	x.doc = xmlCtxtReadMemory(ctxt, buf, (int)len, base_url, "UTF-8",
	    opts);
	free(fixed);
	e = &ctxt->lastError;
	if (x.doc == NULL || xmlDocGetRootElement(x.doc) == NULL) {
		snprintf(err, errlen, "malformed XML at line %d: %s", e->line,
		    e->message != NULL ? e->message : "no root element");
		err[strcspn(err, "\n")] = '\0';
		xmlFreeDoc(x.doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	x.f = f;
	x.base_url = base_url;
	if (!ctxt->wellFormed) {
		f->bozo = true;
		xasprintf(&f->bozo_reason, "malformed XML at line %d: %s",
		    e->line, e->message != NULL ? e->message : "?");
		f->bozo_reason[strcspn(f->bozo_reason, "\n")] = '\0';
	}
	if (html_ents && !f->bozo) {
		/* Not XML, even though we could read it. */
		f->bozo = true;
		f->bozo_reason = xstrdup("undeclared entity or bare '&'");
	}
	xmlFreeParserCtxt(ctxt);
	if (feed_walk_doc(&x, xmlDocGetRootElement(x.doc), err, errlen) ==
	    -1) {
		xmlFreeDoc(x.doc);
		feed_free(f);
		return NULL;
	}
	xmlFreeDoc(x.doc);
	return f;
}
