/*
 * feed_text: markup → the plain text that extraction reads.  Tags are
 * dropped (block-level ones leave a space), character references are
 * decoded, script and style bodies vanish and whitespace runs collapse to
 * one space.  A hand-written scanner rather than libxml2's HTML parser:
 * it runs on every title and summary, and a tag soup must never allocate
 * more than the FEED_MAX_FIELD bytes it may return.  It never fetches,
 * runs or follows anything the markup names.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "feed_int.h"

/* windows-1252 for 0x80-0x9f; its five holes stay C1 controls. */
static const uint16_t feed_text_c1[32] = {
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178
};

/* Emits text with whitespace collapsed and the field cap applied. */
struct feed_text_out {
	struct util_buf	 b;
	bool		 space;		/* a space is pending */
	bool		 full;		/* the cap was reached */
};

static void
feed_text_emit(struct feed_text_out *o, const char *s, size_t n)
{
	if (o->full || n == 0)
		return;
	if (o->space && o->b.len > 0)
		util_buf_append(&o->b, " ", 1);
	o->space = false;
	if (o->b.len + n > FEED_MAX_FIELD) {
		/* Keep what fits, cut on a character boundary. */
		n = util_utf8_cut(s, n, FEED_MAX_FIELD - o->b.len);
		o->full = true;
	}
	util_buf_append(&o->b, s, n);
}

/* Emits UTF-8 text, turning whitespace (and no-break space) into gaps. */
static void
feed_text_emit_text(struct feed_text_out *o, const char *s, size_t n)
{
	struct util_buf	 t = { 0 };
	size_t		 i = 0, start;
	unsigned char	 c1;

	while (i < n && !o->full) {
		start = i;
		while (i < n && !isspace((unsigned char)s[i]) &&
		    !((unsigned char)s[i] == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0xa0))
			i++;
		if (i > start)
			feed_text_emit(o, s + start, i - start);
		if (i >= n)
			break;
		if (isspace((unsigned char)s[i])) {
			o->space = true;
			i++;
		} else if ((c1 = (unsigned char)s[i + 1]) == 0xa0) {
			o->space = true;
			i += 2;
		} else {
			/*
			 * C1 controls in text are windows-1252 punctuation
			 * that went through the wrong decoder (&#146;, or
			 * U+0092 in UTF-8): show the quote they meant.
			 */
			util_buf_reset(&t);
			feed_enc_put_cp(&t, feed_text_c1[c1 - 0x80]);
			feed_text_emit(o, t.data, t.len);
			i += 2;
		}
	}
	util_buf_free(&t);
}

/*
 * Decodes the reference at s ("&...") of at most n bytes into b.  Returns
 * the bytes consumed, or 0 when s is not a reference (an ampersand that
 * stands for itself).  Numeric references in 0x80-0x9f mean windows-1252,
 * as HTML5 says.
 */
int
feed_text_entity(const char *s, size_t n, struct util_buf *b)
{
	const htmlEntityDesc	*e;
	char			 name[33];
	uint32_t		 cp = 0;
	size_t			 i = 1, k;
	bool			 hex;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		i = 2;
		hex = i < n && (s[i] == 'x' || s[i] == 'X');
		if (hex)
			i++;
		k = i;
		while (i < n && (hex ? isxdigit((unsigned char)s[i]) :
		    isdigit((unsigned char)s[i]))) {
			if (cp < 0x110000)
				cp = cp * (hex ? 16 : 10) + (uint32_t)(
				    isdigit((unsigned char)s[i]) ? s[i] - '0' :
				    (tolower((unsigned char)s[i]) - 'a' + 10));
			i++;
		}
		if (i == k)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (cp >= 0x80 && cp < 0xa0)
			cp = feed_text_c1[cp - 0x80];
		if (cp == 0)
			cp = 0xfffd;
		feed_enc_put_cp(b, cp);
		return (int)i;
	}
	while (i < n && i < sizeof(name) && isalnum((unsigned char)s[i]))
		i++;
	if (i == 1 || i >= n || s[i] != ';')
		return 0;
	memcpy(name, s + 1, i - 1);
	name[i - 1] = '\0';
	if (strcmp(name, "apos") == 0)
		cp = '\'';
	else if ((e = htmlEntityLookup((const xmlChar *)name)) != NULL)
		cp = e->value;
	else
		return 0;
	feed_enc_put_cp(b, cp);
	return (int)(i + 1);
}

static bool
feed_text_is_block(const char *name, size_t n)
{
	static const char *const block[] = { "p", "div", "br", "li", "ul",
	    "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
	    "table", "tbody", "thead", "tfoot", "caption", "blockquote",
	    "pre", "hr", "dd", "dt", "dl", "section", "article", "header",
	    "footer", "nav", "aside", "figure", "figcaption", "address",
	    "form", "center", "main", "title", "body", "html", "head",
	    "option", "iframe", NULL };
	const char *const	*p;

	for (p = block; *p != NULL; p++)
		if (strlen(*p) == n && strncasecmp(*p, name, n) == 0)
			return true;
	return false;
}

/* Returns the offset just past the '>' closing the tag at s[i], or 0. */
static size_t
feed_text_tag_end(const char *s, size_t n, size_t i)
{
	char	 q = 0;

	for (; i < n; i++) {
		if (q != 0) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			/* Quotes only count inside an attribute value. */
			if (i > 0 && s[i - 1] == '=')
				q = s[i];
		} else if (s[i] == '>')
			return i + 1;
	}
	return 0;
}

/* Skips past "</name...>" after a raw-text element, or to the end. */
static size_t
feed_text_skip_raw(const char *s, size_t n, size_t i, const char *name,
    size_t nlen)
{
	const char	*p;

	while (i < n && (p = memmem(s + i, n - i, "</", 2)) != NULL) {
		i = (size_t)(p - s) + 2;
		if (n - i >= nlen && strncasecmp(s + i, name, nlen) == 0) {
			p = memchr(s + i, '>', n - i);
			return p != NULL ? (size_t)(p - s) + 1 : n;
		}
	}
	return n;
}

static void
feed_text_html(struct feed_text_out *o, const char *s, size_t n)
{
	struct util_buf	 t = { 0 };
	const char	*p;
	size_t		 i = 0, start, nstart, nlen, end;
	int		 k;
	bool		 closing;

	while (i < n && !o->full) {
		start = i;
		while (i < n && s[i] != '<' && s[i] != '&')
			i++;
		if (i > start)
			feed_text_emit_text(o, s + start, i - start);
		if (i >= n)
			break;
		if (s[i] == '&') {
			util_buf_reset(&t);
			if ((k = feed_text_entity(s + i, n - i, &t)) > 0) {
				if (t.len == 1 || (t.len == 2 &&
				    (unsigned char)t.data[0] == 0xc2 &&
				    (unsigned char)t.data[1] == 0xa0))
					feed_text_emit_text(o, t.data, t.len);
				else
					feed_text_emit(o, t.data, t.len);
				i += (size_t)k;
			} else {
				feed_text_emit(o, "&", 1);
				i++;
			}
			continue;
		}
		/* s[i] == '<' */
		if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			p = memmem(s + i + 4, n - i - 4, "-->", 3);
			i = p != NULL ? (size_t)(p - s) + 3 : n;
			continue;
		}
		if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
			p = memmem(s + i + 9, n - i - 9, "]]>", 3);
			end = p != NULL ? (size_t)(p - s) : n;
			feed_text_emit_text(o, s + i + 9, end - i - 9);
			i = p != NULL ? end + 3 : n;
			continue;
		}
		closing = i + 1 < n && s[i + 1] == '/';
		nstart = i + 1 + (closing ? 1 : 0);
		if (nstart < n && (s[nstart] == '!' || s[nstart] == '?')) {
			p = memchr(s + nstart, '>', n - nstart);
			i = p != NULL ? (size_t)(p - s) + 1 : n;
			continue;
		}
		if (nstart >= n || !isalpha((unsigned char)s[nstart])) {
			feed_text_emit(o, "<", 1);
			i++;
			continue;
		}
		nlen = 0;
		while (nstart + nlen < n && (isalnum((unsigned char)
		    s[nstart + nlen]) || s[nstart + nlen] == ':' ||
		    s[nstart + nlen] == '-'))
			nlen++;
		if ((end = feed_text_tag_end(s, n, nstart + nlen)) == 0) {
			/* Browsers drop an unclosed tag at the end. */
			break;
		}
		if (feed_text_is_block(s + nstart, nlen))
			o->space = true;
		i = end;
		if (!closing && ((nlen == 6 && strncasecmp(s + nstart,
		    "script", 6) == 0) || (nlen == 5 && strncasecmp(s + nstart,
		    "style", 5) == 0)) && s[end - 2] != '/')
			i = feed_text_skip_raw(s, n, i, s + nstart, nlen);
	}
	util_buf_free(&t);
}

/*
 * True when s is already its own plain text: no markup or reference to
 * decode (for HTML), no whitespace but single inner spaces, no byte that
 * could start a no-break space or C1 control, and within the cap.  Most
 * titles, ids, links and dates are, and then one copy replaces the
 * byte-by-byte pass.
 */
#define FEED_TEXT_P_SPACE	0x01	/* fine unless after a space */
#define FEED_TEXT_P_MARKUP	0x02	/* '<', '&': decoded in HTML */
#define FEED_TEXT_P_BAD		0x04	/* controls, 0xc2 (NBSP, C1) */
static const unsigned char feed_text_pclass[256] = {
	[0 ... 31] = FEED_TEXT_P_BAD, [' '] = FEED_TEXT_P_SPACE,
	['<'] = FEED_TEXT_P_MARKUP, ['&'] = FEED_TEXT_P_MARKUP,
	[0xc2] = FEED_TEXT_P_BAD,
};

static bool
feed_text_is_plain(const char *s, size_t n, enum feed_text_type type)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 stop = FEED_TEXT_P_SPACE | FEED_TEXT_P_BAD;
	size_t			 i = 0;

	if (n == 0 || n > FEED_MAX_FIELD || p[0] == ' ' || p[n - 1] == ' ')
		return false;
	if (type == FEED_TEXT_HTML)
		stop |= FEED_TEXT_P_MARKUP;
	/* One table look-up per byte; p[0] is no space, so p[i - 1] is. */
	for (;;) {
		while (i < n && !(feed_text_pclass[p[i]] & stop))
			i++;
		if (i == n)
			return true;
		if (feed_text_pclass[p[i]] != FEED_TEXT_P_SPACE ||
		    p[i - 1] == ' ')
			return false;
		i++;
	}
}

/*
 * Returns s (n bytes of UTF-8) as plain text in a new string the caller
 * frees, or NULL when nothing but whitespace remains.  At most
 * FEED_MAX_FIELD bytes are kept.
 */
char *
feed_text_plain(const char *s, size_t n, enum feed_text_type type)
{
	struct feed_text_out	 o = { { 0 }, false, false };

	if (s == NULL)
		return NULL;
	if (feed_text_is_plain(s, n, type)) {
		util_buf_append(&o.b, s, n);
		return o.b.data;
	}
	if (type == FEED_TEXT_HTML)
		feed_text_html(&o, s, n);
	else
		feed_text_emit_text(&o, s, n);
	if (o.b.len == 0) {
		util_buf_free(&o.b);
		return NULL;
	}
	return o.b.data;
}

/* Appends s with whitespace collapsed (used for ids and links). */
void
feed_text_collapse(struct util_buf *b, const char *s, size_t n)
{
	struct feed_text_out	 o = { { 0 }, false, false };

	if (feed_text_is_plain(s, n, FEED_TEXT_PLAIN)) {
		util_buf_append(b, s, n);
		return;
	}
	/* Emit straight into b when it is empty: no second buffer. */
	if (b->len == 0) {
		o.b = *b;
		feed_text_emit_text(&o, s, n);
		*b = o.b;
		return;
	}
	feed_text_emit_text(&o, s, n);
	if (o.b.len > 0)
		util_buf_append(b, o.b.data, o.b.len);
	util_buf_free(&o.b);
}
