/*
 * feed_int.h: what the feed_*.c parts share and nobody else may use.  The
 * limits below are the parser's promises about memory: every field is cut
 * at FEED_MAX_FIELD bytes and a feed keeps its first FEED_MAX_ITEMS items.
 */
#ifndef CLAIMWATCH_FEED_INT_H
#define CLAIMWATCH_FEED_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "util.h"

#define FEED_MAX_DOC	(32 * 1024 * 1024)	/* bytes of input */
#define FEED_MAX_FIELD	(64 * 1024)		/* bytes per text field */

/* How a piece of text is marked up, from Atom's type or RSS habit. */
enum feed_text_type {
	FEED_TEXT_PLAIN,	/* only whitespace is collapsed */
	FEED_TEXT_HTML		/* tags stripped, references decoded */
};

/* feed_enc.c: any supported charset → valid UTF-8. */
char	*feed_enc_to_utf8(const char *, size_t, const char *, size_t *,
	    bool *, char *, size_t);
void	 feed_enc_sanitize(struct util_buf *, const char *, size_t);
bool	 feed_enc_valid_utf8(const char *, size_t);
bool	 feed_enc_is_clean(const char *, size_t, const char *);
void	 feed_enc_put_cp(struct util_buf *, uint32_t);

/* feed_text.c: markup → plain text, whitespace collapsed, capped. */
char	*feed_text_plain(const char *, size_t, enum feed_text_type);
void	 feed_text_collapse(struct util_buf *, const char *, size_t);
int	 feed_text_entity(const char *, size_t, struct util_buf *);

/* feed_date.c: RFC 822, RFC 3339 and their kin → UTC seconds. */
int64_t	 feed_date_parse(const char *);

/* feed_xml.c: RSS, RDF and Atom through libxml2. */
struct feed	*feed_xml_parse(const char *, size_t, const char *, char *,
		    size_t);

/* feed_json.c: JSON Feed through jansson. */
struct feed	*feed_json_parse(const char *, size_t, const char *, char *,
		    size_t);

/* feed.c: helpers the format parsers share. */
struct feed_item *feed_item_add(struct feed *);
void	 feed_item_finish(struct feed *, struct feed_item *);
char	*feed_resolve(const char *, const char *);

#endif
