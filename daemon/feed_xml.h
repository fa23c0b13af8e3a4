/*
 * feed_xml.h: private to feed_xml.c (libxml2 SAX set-up, the small tree
 * it builds, text collection) and feed_walk.c (which elements mean what).
 * The tree lives in one arena that is freed in one go, so no libxml2 type
 * and no libxml2 allocation outlives feed_xml_parse.
 */
#ifndef CLAIMWATCH_FEED_XML_H
#define CLAIMWATCH_FEED_XML_H

#include <sys/queue.h>

#include "feed_int.h"

#define FEED_XML_MAX_DEPTH	256	/* libxml2's own limit without HUGE */

/* Namespaces by meaning; RSS and Atom namespaces all count as core. */
enum feed_xml_ns {
	FEED_NS_CORE,
	FEED_NS_DC,
	FEED_NS_DCTERMS,
	FEED_NS_CONTENT,
	FEED_NS_RDF,
	FEED_NS_SY,
	FEED_NS_XHTML,
	FEED_NS_OTHER
};

/* How children are gathered before stripping. */
enum feed_xml_mode {
	FEED_XML_PLAIN,		/* text, references decoded */
	FEED_XML_HTML,		/* text is HTML source */
	FEED_XML_MARKUP		/* child elements are markup (XHTML) */
};

enum feed_xml_type {
	FEED_XML_ELEMENT,
	FEED_XML_TEXT,		/* character data and CDATA, decoded */
	FEED_XML_REF		/* a reference libxml2 could not resolve */
};

struct feed_xml_attr {
	const char		*name;	/* local name, or prefix:local when
					   the prefix was never declared */
	const char		*value;	/* decoded, NUL-terminated */
	STAILQ_ENTRY(feed_xml_attr) entry; /* in document order */
};

/* One node of the tree the SAX callbacks build: just what the walk reads. */
struct feed_xml_node {
	enum feed_xml_type	 type;
	const char		*name;	/* element or reference name */
	const char		*href;	/* namespace URI, or NULL */
	const char		*text;	/* FEED_XML_TEXT: content */
	size_t			 len;	/* its length in bytes */
	const char		*base;	/* xml:base, or NULL */
	const char		*lang;	/* xml:lang, or NULL */
	STAILQ_HEAD(, feed_xml_attr) attrs;
	int			 container; /* root or channel: 1 + how
					   deep its items may nest, else 0 */
	bool			 done;	/* an item already walked, its
					   children gone */
	struct feed_xml_node	*parent;
	STAILQ_HEAD(, feed_xml_node) children;	/* in document order */
	STAILQ_ENTRY(feed_xml_node) entry;	/* among its siblings */
};

struct feed_xml {
	struct feed	*f;
	const char	*base_url;
};

enum feed_xml_ns feed_xml_ns(const struct feed_xml_node *, const char **);
const char	*feed_xml_attr(const struct feed_xml_node *, const char *);
const char	*feed_xml_lang(const struct feed_xml_node *);
char		*feed_xml_text(struct feed_xml *, const struct feed_xml_node *,
		    enum feed_text_type);
char		*feed_xml_value(struct feed_xml *,
		    const struct feed_xml_node *);
char		*feed_xml_link(struct feed_xml *, const struct feed_xml_node *,
		    const char *);
char		*feed_xml_link_take(struct feed_xml *,
		    const struct feed_xml_node *, char *);
int64_t		 feed_xml_date(struct feed_xml *,
		    const struct feed_xml_node *);
int		 feed_walk_root(struct feed_xml *,
		    const struct feed_xml_node *);
bool		 feed_walk_is_item(const struct feed_xml_node *);
bool		 feed_walk_is_channel(const struct feed_xml_node *);
void		 feed_walk_item(struct feed_xml *,
		    const struct feed_xml_node *);
int		 feed_walk_doc(struct feed_xml *, struct feed_xml_node *,
		    char *, size_t);

#endif
