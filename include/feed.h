/*
 * feed: bytes of an RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed 1.x
 * document → items.  Pure: parses from memory with libxml2 (no network, no
 * DTD loading, no entity expansion) or jansson, copies every string out
 * and frees the parser's document before returning.
 */
#ifndef CLAIMWATCH_FEED_H
#define CLAIMWATCH_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FEED_ERR_LEN	256
#define FEED_TIME_NONE	INT64_MIN	/* date absent or unparseable */
#define FEED_MAX_ITEMS	10000		/* items kept per feed; see truncated */

enum feed_kind {
	FEED_KIND_UNKNOWN,
	FEED_KIND_RSS,		/* RSS 0.9x and 2.0 */
	FEED_KIND_RDF,		/* RSS 0.90 and 1.0 */
	FEED_KIND_ATOM,		/* Atom 0.3 and 1.0 */
	FEED_KIND_JSON		/* JSON Feed 1.0 and 1.1 */
};

/*
 * How a document read (struct feed's parse), set where the parser marks it
 * bozo; bozo_reason keeps the words for logs.  A consumer decides on this,
 * never on the reason's text.
 */
enum feed_parse {
	FEED_PARSE_OK,		/* read as written */
	FEED_PARSE_RECOVERED,	/* bozo, read around a fault whose items are
				   whole: undeclared entities, a bad charset
				   label, a JSON Feed version */
	FEED_PARSE_MALFORMED,	/* bozo, not well-formed XML: an item may
				   have lost its end */
	FEED_PARSE_FAILED	/* not a feed at all: feed_parse gave NULL
				   (never in a struct feed) */
};

struct feed_item {
	char	*id;		/* guid/atom:id/rdf:about/JSON id, else link,
				   else a hash of title + date; never NULL */
	bool	 id_is_fallback; /* id was not in the document */
	char	*title;		/* plain text, or NULL */
	char	*link;		/* absolute when a base was known, or NULL */
	char	*summary;	/* plain text of description/summary, or NULL */
	char	*content;	/* plain text of content:encoded/atom:content,
				   or NULL */
	char	*lang;		/* item or feed language, or NULL */
	int64_t	 published;	/* UTC seconds, or FEED_TIME_NONE */
	int64_t	 updated;	/* UTC seconds, or FEED_TIME_NONE */
};

struct feed {
	enum feed_kind	 kind;
	char		*version;	/* "rss20", "atom10", "json11", ... */
	char		*title;		/* plain text, or NULL */
	char		*link;		/* or NULL */
	char		*lang;		/* or NULL */
	int		 ttl;		/* RSS <ttl> or sy:updatePeriod,
					   seconds; 0 when absent */
	bool		 bozo;		/* recovered from an error */
	enum feed_parse	 parse;		/* which kind; OK when not bozo */
	char		*bozo_reason;	/* why, or NULL */
	bool		 truncated;	/* more than FEED_MAX_ITEMS items: the
					   first FEED_MAX_ITEMS were kept */
	struct feed_item *items;	/* in document order */
	size_t		 nitems;
};

/*
 * Parses len bytes.  base_url (may be NULL) resolves relative links;
 * content_type (may be NULL) is the HTTP Content-Type, whose charset takes
 * part in the encoding decision.  Returns a new feed (free with feed_free)
 * or NULL with the reason in err ("not a feed", "malformed XML at line N:
 * ...", "document too large", ...).  All strings are valid UTF-8, text
 * fields are cut at 64 KiB.  Charset order: byte order mark, then the
 * charset of content_type, then the XML declaration, else UTF-8;
 * ISO-8859-1 and US-ASCII labels decode as windows-1252.
 */
struct feed	*feed_parse(const char *buf, size_t len, const char *base_url,
		    const char *content_type, char *err, size_t errlen);
/* NULL is a no-op. */
void		 feed_free(struct feed *);
/*
 * libxml2's global setup, once, from the main thread before feed_parse
 * or article_text run on several threads (libxml2 2.9 sets up lazily and
 * not thread-safely otherwise).
 */
void		 feed_init(void);
/*
 * Drops every item whose id an earlier item of the document already has
 * (two items with guid "same" would otherwise alert "changed" on every
 * poll, one figure after the other), keeping the first in document
 * order.  Returns how many were dropped; the first dropped id goes into
 * first (firstlen bytes, cut; "" when none).  Not done by feed_parse,
 * whose output follows the document.
 */
size_t		 feed_dedup(struct feed *, char *first, size_t firstlen);
/*
 * The conformance schema of ../shared/conformance as a new JSON string
 * (caller frees): bozo, feed_title, items[id, title, link, published,
 * updated, summary_text].  id is null when it was not in the document.
 */
char		*feed_to_json(const struct feed *);

#endif
