/*
 * feed_xml.h: private to feed_xml.c (libxml2 set-up, text collection) and
 * feed_walk.c (which elements mean what).  Holds libxml2 types, so only
 * the XML half of the feed module includes it.
 */
#ifndef CLAIMWATCH_FEED_XML_H
#define CLAIMWATCH_FEED_XML_H

#include <libxml/tree.h>

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

struct feed_xml {
	struct feed	*f;
	xmlDoc		*doc;
	const char	*base_url;
};

enum feed_xml_ns feed_xml_ns(const xmlNode *, const char **);
const char	*feed_xml_attr(const xmlNode *, const char *);
char		*feed_xml_text(struct feed_xml *, const xmlNode *,
		    enum feed_text_type);
char		*feed_xml_value(struct feed_xml *, const xmlNode *);
char		*feed_xml_link(struct feed_xml *, const xmlNode *,
		    const char *);
char		*feed_xml_link_take(struct feed_xml *, const xmlNode *,
		    char *);
int64_t		 feed_xml_date(struct feed_xml *, const xmlNode *);
int		 feed_walk_doc(struct feed_xml *, xmlNode *, char *, size_t);

#endif
