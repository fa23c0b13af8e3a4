/*
 * article: an HTML page → its main text (navigation, comment sections,
 * "read also" boxes, share buttons, ads and footers dropped).  Pure: uses
 * libxml2's HTML parser from memory with network access off.
 */
#ifndef CLAIMWATCH_ARTICLE_H
#define CLAIMWATCH_ARTICLE_H

#include <stddef.h>

/*
 * Returns the main text as a new UTF-8 string, paragraphs separated by
 * blank lines (caller frees), or NULL with the reason in err.
 */
char	*article_text(const char *html, size_t len, const char *content_type,
	    char *err, size_t errlen);

#endif
